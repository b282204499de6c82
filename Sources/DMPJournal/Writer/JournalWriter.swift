import Crypto
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What recovery did when a journal was opened for writing.
public struct RecoveryReport: Sendable, Equatable {
    /// The size of the file before recovery.
    public let originalSize: Int
    /// The size kept: the end of the last unit that verified.
    public let keptSize: Int
    /// The last sequence number kept.
    public let lastSequence: UInt64
    /// Why the tail was cut.
    public let failure: VerificationFailure

    /// The number of bytes cut off.
    public var bytesCut: Int { self.originalSize - self.keptSize }
}

/// The single writer of a journal file.
///
/// A writer holds the journal's exclusive lock: a second writer, in this process or another,
/// gets ``JournalError/Code/locked``. Appends from many tasks are merged into one LZ4 frame, one
/// seal and one `fdatasync` (group commit), and acknowledged only once durable.
///
/// ```swift
/// let writer = try JournalWriter.create(at: "audit.dmpj")
/// let range = try await writer.append([Array("first".utf8), Array("second".utf8)])
/// // range == 1...2, durable
/// try await writer.close()
/// ```
///
/// After a failed write or `fdatasync` the writer refuses further appends
/// (``JournalError/Code/writerFailed``): the kernel may have dropped the written pages, so the
/// journal must be reopened, which runs recovery.
public final class JournalWriter: Sendable {
    /// The journal's header.
    public let header: JournalHeader
    /// What recovery did on open, if it had to cut an unsealed tail.
    public let recovery: RecoveryReport?
    /// The path of the journal file.
    public let path: String

    private let options: JournalOptions
    private let engine: CommitEngine
    private let queue: DispatchQueue
    private let state: Mutex<WriterState>
    /// Signalled by a submission that brings the pending appends up to `WriterState.gatherTarget`.
    private let gathered = DispatchSemaphore(value: 0)

    private struct Pending {
        var batch: RecordBatch
        var first: UInt64
        var ticket: CommitTicket
    }

    private struct WriterState {
        var nextSequence: UInt64
        var pending: [Pending] = []
        var committing = false
        /// While the commit loop gathers: the number of pending appends that ends the wait (0:
        /// not gathering).
        var gatherTarget = 0
        var failure: JournalError?
        var closed = false
        var acknowledgedSequence: UInt64
        var acknowledgedHead: ChainHash
    }

    private init(path: String, engine: CommitEngine, recovery: RecoveryReport?, options: JournalOptions) {
        self.path = path
        self.header = engine.header
        self.engine = engine
        self.recovery = recovery
        self.options = options
        self.queue = DispatchQueue(label: "dmp-journal.commit")
        self.state = Mutex(
            WriterState(
                nextSequence: engine.lastSequence + 1, acknowledgedSequence: engine.lastSequence,
                acknowledgedHead: ChainHash(bytes: engine.head)))
    }

    /// Creates a new, empty journal and opens it for writing.
    ///
    /// The header is written to a temporary file, made durable, then linked into place, so a
    /// crash never leaves a half-written journal under `path`; the directory is synced.
    /// - Parameters:
    ///   - path: Where to create the journal. Must not exist.
    ///   - options: Writer options; `options.application` goes in the header.
    /// - Throws: ``JournalError/Code/alreadyExists`` if the file exists, or an I/O error.
    public static func create(at path: String, options: JournalOptions = JournalOptions()) throws(JournalError)
        -> JournalWriter
    {
        let application = options.application
        guard application.utf8.count <= Format.maxApplicationLength else {
            throw JournalError(.invalidArgument, "the application name is longer than 256 bytes", path: path)
        }
        if let dictionary = options.dictionary, !(1...Format.maxDictionaryLength).contains(dictionary.count) {
            throw JournalError(
                .invalidArgument, "the LZ4 dictionary is \(dictionary.count) bytes; it must be 1 to 65,536", path: path)
        }
        var id = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for i in 0..<16 { id[i] = UInt8.random(in: 0...255, using: &generator) }
        id[6] = (id[6] & 0x0F) | 0x40
        id[8] = (id[8] & 0x3F) | 0x80
        if let fixed = options.journalID, fixed.count == 16 { id = fixed }
        let headerBytes = JournalHeader.encode(
            journalID: id, createdAt: options.clock.now(), application: application, dictionary: options.dictionary ?? [])
        let system = options.system
        let temporary = path + ".tmp-\(UInt32.random(in: 0...UInt32.max, using: &generator))"
        do throws(JournalError) {
            let handle = try SystemFile.open(temporary, flags: O_WRONLY | O_CREAT | O_EXCL, system: system)
            try headerBytes.withBytes { (buffer) throws(JournalError) in try handle.write(buffer, at: 0) }
            try handle.dataSync()
            handle.close()
        } catch {
            _ = system.unlink(temporary)
            throw error
        }
        if system.link(temporary, path) != 0 {
            let code = lastErrno()
            _ = system.unlink(temporary)
            if code == EEXIST {
                throw JournalError(.alreadyExists, "a file already exists at this path", path: path, errno: code)
            }
            throw JournalError(.io, "cannot create the journal: \(errnoText(code))", path: path, errno: code)
        }
        _ = system.unlink(temporary)
        do {
            try syncDirectory(of: path, system: system)
        } catch {
            // The new name may not survive a crash: take it back rather than hand out a journal
            // whose existence is not durable.
            _ = system.unlink(path)
            throw error
        }
        return try self.open(at: path, options: options)
    }

    /// Opens an existing journal for writing, running recovery.
    ///
    /// The whole file is verified. An unsealed or cut tail (never acknowledged) is cut off and
    /// reported in ``recovery``; damage before the last seal is never repaired: opening fails.
    /// - Throws: ``JournalError/Code/locked`` if another writer holds the journal;
    ///   ``JournalError/Code/damaged`` naming the offset and sequence number of damage before the
    ///   last seal; ``JournalError/Code/notAJournal``, ``JournalError/Code/newerFormatVersion``,
    ///   ``JournalError/Code/fileNotFound``, or an I/O error.
    public static func open(at path: String, options: JournalOptions = JournalOptions()) throws(JournalError)
        -> JournalWriter
    {
        try self.open(at: path, options: options, replaying: nil)
    }

    /// Opens a journal for appending and hands every sealed batch's records to `replay` during
    /// the verification scan, so that an owner rebuilding its state from the journal reads it
    /// once. `replay` sees only verified units; if opening fails afterwards (damaged history),
    /// whatever it built must be discarded.
    ///
    /// - Parameter replay: Called per batch with its records (each ended by a newline), the
    ///   first record's sequence number and the commit time; the buffer is valid only during the
    ///   call. Returning `false` stops the opening with ``JournalError/Code/invalidArgument`` (the
    ///   caller keeps its own reason).
    package static func open(
        at path: String, options: JournalOptions,
        replaying replay: ((_ firstSequence: UInt64, _ committedAt: Int64, _ records: UnsafeRawBufferPointer) -> Bool)?
    ) throws(JournalError) -> JournalWriter {
        let system = options.system
        let handle = try SystemFile.open(path, flags: O_RDWR, system: system)
        try handle.lockExclusive()
        // Verify everything under the lock.
        let window = try FileWindow(path: path, system: system)
        let scanner: UnitScanner
        do {
            scanner = try UnitScanner(window: window, checksums: true, decompress: true)
        } catch {
            throw error.with(path: path)
        }
        var scanFailure: ScanFailure?
        while true {
            let unit: ScannedUnit?
            do {
                unit = try scanner.next()
            } catch {
                scanFailure = error
                break
            }
            guard let unit else { break }
            if let replay, case .batch(let seal) = unit.kind, scanner.contentCount > 0,
                !replay(seal.firstSequence, seal.committedAt, scanner.contentBytes)
            {
                throw JournalError(
                    .invalidArgument, "replay stopped at the batch from sequence \(seal.firstSequence)", path: path,
                    offset: unit.start, sequence: seal.firstSequence)
            }
        }
        var recovery: RecoveryReport?
        if let scanFailure {
            if scanFailure.code == .io {
                throw JournalError(.io, scanFailure.message, path: path, offset: scanFailure.offset)
            }
            let isTail = try TailClassifier.isTail(
                failingUnit: scanFailure.unitStart, code: scanFailure.code, head: scanner.head, window: window,
                header: scanner.header)
            let failure = VerificationFailure(
                code: scanFailure.code, offset: scanFailure.offset, sequence: scanner.lastSequence,
                message: scanFailure.message, isTail: isTail, unitStart: scanFailure.unitStart)
            guard failure.isTail else {
                throw JournalError(
                    .damaged,
                    "acknowledged history is damaged (\(failure.message)); refusing to open for writing. "
                        + "Records up to sequence \(scanner.lastSequence) can still be read.",
                    path: path, offset: failure.offset, sequence: scanner.lastSequence)
            }
            try handle.truncate(to: scanner.position)
            try handle.fullSync()
            recovery = RecoveryReport(
                originalSize: window.fileSize, keptSize: scanner.position, lastSequence: scanner.lastSequence,
                failure: failure)
        }
        let engine = try CommitEngine(
            handle: handle, header: scanner.header, fileEnd: scanner.position, head: scanner.head,
            lastSequence: scanner.lastSequence, lastTime: scanner.lastTime,
            lastCheckpointSequence: scanner.lastCheckpointSequence, options: options)
        return JournalWriter(path: path, engine: engine, recovery: recovery, options: options)
    }

    /// The last acknowledged (durable) sequence number.
    public var lastSequence: UInt64 {
        self.state.withLock { $0.acknowledgedSequence }
    }

    /// The chain value after the last acknowledged unit.
    public var head: ChainHash {
        self.state.withLock { $0.acknowledgedHead }
    }

    /// Enqueues a batch for the next group commit and returns at once.
    ///
    /// `build` is called synchronously, under the writer's lock, with the sequence number its
    /// first record will get; batches are committed in the order of their `submit` calls. Await
    /// ``CommitTicket/wait()`` for durability.
    /// - Parameter build: Returns the records; they may embed the sequence numbers they are given.
    /// - Returns: A ticket holding the sequence numbers assigned.
    /// - Throws: ``JournalError/Code/writerFailed`` after an earlier I/O failure,
    ///   ``JournalError/Code/closed``, ``JournalError/Code/invalidArgument`` for an empty batch.
    public func submit(_ build: (_ firstSequence: UInt64) throws(JournalError) -> RecordBatch) throws(JournalError)
        -> CommitTicket
    {
        let (ticket, schedule, wake) = try self.state.withLock { (state) throws(JournalError) -> (CommitTicket, Bool, Bool) in
            if let failure = state.failure {
                throw JournalError(
                    .writerFailed,
                    "the writer failed earlier (\(failure.code): \(failure.message)); reopen the journal to recover",
                    path: self.path)
            }
            if state.closed { throw JournalError(.closed, "the writer is closed", path: self.path) }
            let first = state.nextSequence
            let batch = try build(first)
            guard batch.count > 0 else {
                throw JournalError(.invalidArgument, "a batch must hold at least one record", path: self.path)
            }
            let ticket = CommitTicket(sequences: first...(first + UInt64(batch.count) - 1))
            state.nextSequence += UInt64(batch.count)
            state.pending.append(Pending(batch: batch, first: first, ticket: ticket))
            let schedule = !state.committing
            state.committing = true
            var wake = false
            if state.gatherTarget > 0 && state.pending.count >= state.gatherTarget {
                state.gatherTarget = 0
                wake = true
            }
            return (ticket, schedule, wake)
        }
        if wake {
            self.gathered.signal()
        }
        if schedule {
            self.queue.async { self.commitLoop() }
        }
        return ticket
    }

    /// Enqueues a ready-made batch for the next group commit and returns at once.
    /// - Returns: A ticket holding the sequence numbers assigned.
    public func submit(_ batch: RecordBatch) throws(JournalError) -> CommitTicket {
        try self.submit { (_) throws(JournalError) in batch }
    }

    /// Appends records and returns once they are durable.
    /// - Returns: The sequence numbers they received.
    /// - Throws: ``JournalError/Code/recordContainsNewline``, ``JournalError/Code/writerFailed``,
    ///   ``JournalError/Code/syncFailed``, ``JournalError/Code/diskFull``, and other I/O errors.
    public func append<S: Sequence>(_ records: S) async throws(JournalError) -> ClosedRange<UInt64>
    where S.Element: Collection<UInt8> {
        var batch = RecordBatch()
        for record in records {
            let copied: Void?? = try? record.withContiguousStorageIfAvailable { buffer in
                try batch.append(bytes: UnsafeRawBufferPointer(buffer))
            }
            if copied == nil || copied! == nil { try batch.append(record) }
        }
        let ticket = try self.submit(batch)
        try await ticket.wait()
        return ticket.sequences
    }

    /// Waits for pending commits, writes a final checkpoint when a signer is configured, makes
    /// everything durable and releases the lock. Appends submitted after `close` fail.
    public func close() async throws(JournalError) {
        let alreadyClosed = self.state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        if alreadyClosed { return }
        let result: Result<Void, JournalError> = await withCheckedContinuation { continuation in
            self.queue.async {
                let failed = self.state.withLock { $0.failure }
                if failed != nil {
                    self.engine.release()
                    continuation.resume(returning: .success(()))
                    return
                }
                do throws(JournalError) {
                    try self.engine.finish()
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        try result.get()
    }

    // MARK: Group commit (runs on `queue` only)

    /// After a commit of `size` appends, waits briefly (at most 100 µs, only while the syncs are
    /// on) for the appenders just acknowledged to submit again, so that they share the next
    /// `fdatasync` instead of splitting into two alternating half-size groups.
    ///
    /// Sleeps on a semaphore that the submission reaching the target signals, rather than
    /// spinning: on two cores a spinning commit thread takes the time the appenders need to
    /// submit.
    private func gather(expecting size: Int) {
        guard size > 1, self.options.durability == .syncEveryCommit else { return }
        let target = size - size / 8
        let waiting = self.state.withLock { state -> Bool in
            guard state.pending.count < target else { return false }
            state.gatherTarget = target
            return true
        }
        guard waiting else { return }
        if self.gathered.wait(timeout: .now() + .microseconds(100)) == .timedOut {
            // A submission may have reached the target (and signalled) just after the timeout:
            // consume that signal, so that the next gather does not end at once.
            let signalled = self.state.withLock { state -> Bool in
                defer { state.gatherTarget = 0 }
                return state.gatherTarget == 0
            }
            if signalled { self.gathered.wait() }
        }
    }

    private func commitLoop() {
        while true {
            let group: [Pending] = self.state.withLock { state in
                guard !state.pending.isEmpty else {
                    state.committing = false
                    return []
                }
                var taken = 0
                var bytes = 0
                for pending in state.pending {
                    if taken > 0 && bytes + pending.batch.byteCount > self.options.maxBatchBytes { break }
                    if bytes + pending.batch.byteCount > Format.maxContentSize { break }
                    taken += 1
                    bytes += pending.batch.byteCount
                }
                let group = Array(state.pending.prefix(taken))
                state.pending.removeFirst(taken)
                return group
            }
            if group.isEmpty { return }
            do throws(JournalError) {
                try self.engine.commit(group.map(\.batch), firstSequence: group[0].first)
                let head = ChainHash(bytes: self.engine.head)
                let last = self.engine.lastSequence
                self.state.withLock { state in
                    state.acknowledgedSequence = last
                    state.acknowledgedHead = head
                }
                for pending in group { pending.ticket.resolve(.success(())) }
                if self.engine.checkpointDue {
                    try self.engine.writeCheckpoint()
                    let head = ChainHash(bytes: self.engine.head)
                    self.state.withLock { $0.acknowledgedHead = head }
                }
                self.gather(expecting: group.count)
            } catch {
                let rest: [Pending] = self.state.withLock { state in
                    state.failure = error
                    state.committing = false
                    defer { state.pending.removeAll() }
                    return state.pending
                }
                for pending in group + rest { pending.ticket.resolve(.failure(error)) }
                return
            }
        }
    }
}

/// The promise of a commit: the sequence numbers assigned, and a way to wait for durability.
public final class CommitTicket: Sendable {
    /// The sequence numbers the batch received.
    public let sequences: ClosedRange<UInt64>
    private let state = Mutex<TicketState>(TicketState())

    private struct TicketState {
        var result: Result<Void, JournalError>?
        /// The usual single waiter, without an array to allocate.
        var waiter: UnsafeContinuation<Result<Void, JournalError>, Never>?
        var moreWaiters: [UnsafeContinuation<Result<Void, JournalError>, Never>] = []
    }

    init(sequences: ClosedRange<UInt64>) {
        self.sequences = sequences
    }

    /// Returns once the batch is durable (or written, without sync).
    /// - Throws: The error that made the commit fail; nothing of the batch was acknowledged.
    public func wait() async throws(JournalError) {
        // Unsafe rather than checked: a checked continuation allocates a canary per wait, and
        // every continuation here is resumed exactly once (by `resolve`, or at once if resolved).
        let result: Result<Void, JournalError> = await withUnsafeContinuation { continuation in
            let ready = self.state.withLock { state -> Result<Void, JournalError>? in
                if let result = state.result { return result }
                if state.waiter == nil {
                    state.waiter = continuation
                } else {
                    state.moreWaiters.append(continuation)
                }
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        try result.get()
    }

    func resolve(_ result: Result<Void, JournalError>) {
        let (waiter, more) = self.state.withLock { state in
            state.result = result
            defer {
                state.waiter = nil
                state.moreWaiters = []
            }
            return (state.waiter, state.moreWaiters)
        }
        waiter?.resume(returning: result)
        for other in more { other.resume(returning: result) }
    }
}

/// The file side of the writer. Touched only on the writer's serial commit queue (and during
/// `open`, before the queue exists), which is why `@unchecked Sendable` is sound here.
final class CommitEngine: @unchecked Sendable {
    let header: JournalHeader
    private var handle: SystemFile?
    private let options: JournalOptions
    private let compressor: FrameCompressor
    private(set) var fileEnd: Int
    private(set) var head: [UInt8]
    private(set) var lastSequence: UInt64
    private var lastTime: Int64
    private var lastCheckpointSequence: UInt64?
    private var lastUnitWasCheckpoint = false
    private var raw: [UInt8] = []
    private var unit: [UInt8] = []

    init(
        handle: SystemFile, header: JournalHeader, fileEnd: Int, head: [UInt8], lastSequence: UInt64,
        lastTime: Int64, lastCheckpointSequence: UInt64?, options: JournalOptions
    ) throws(JournalError) {
        self.handle = handle
        self.header = header
        self.fileEnd = fileEnd
        self.head = head
        self.lastSequence = lastSequence
        self.lastTime = lastTime
        self.lastCheckpointSequence = lastCheckpointSequence
        self.lastUnitWasCheckpoint = lastCheckpointSequence == lastSequence && lastCheckpointSequence != nil
        self.options = options
        self.compressor = FrameCompressor(shape: header.frameShape)
    }

    var checkpointDue: Bool {
        guard self.options.signer != nil else { return false }
        return self.lastSequence - (self.lastCheckpointSequence ?? 0) >= self.options.checkpointInterval
    }

    private func now() -> Int64 {
        max(self.options.clock.now(), self.lastTime)
    }

    func commit(_ batches: [RecordBatch], firstSequence: UInt64) throws(JournalError) {
        guard self.handle != nil else { throw JournalError(.closed, "the writer is closed", path: self.header.application) }
        precondition(firstSequence == self.lastSequence + 1, "sequence numbers must be committed in order")
        var count = 0
        self.raw.removeAll(keepingCapacity: true)
        for batch in batches {
            self.raw.append(contentsOf: batch.bytes)
            count += batch.count
        }
        self.unit.removeAll(keepingCapacity: true)
        try self.raw.withBytes { (content) throws(JournalError) in
            try self.compressor.compress(content, appendingTo: &self.unit)
        }
        let time = self.now()
        let seal = Seal(
            unitStart: UInt64(self.fileEnd), firstSequence: firstSequence, count: UInt32(count), committedAt: time,
            chain: [])
        self.unit.append(contentsOf: seal.encodePrefix())
        let chain = self.unit.withUnsafeBytes { chainValue(previous: self.head, $0) }
        self.unit.append(contentsOf: chain)
        try self.writeAndSync(self.unit)
        self.head = chain
        self.lastSequence = firstSequence + UInt64(count) - 1
        self.lastTime = time
        self.lastUnitWasCheckpoint = false
    }

    func writeCheckpoint() throws(JournalError) {
        guard let signer = self.options.signer else { return }
        let time = self.now()
        let message = Checkpoint.signedMessage(
            journalID: self.header.journalID, sequence: self.lastSequence, attested: self.head, signedAt: time,
            keyID: signer.keyID)
        let signature = try signer.sign(message)
        let checkpoint = Checkpoint(
            unitStart: UInt64(self.fileEnd), sequence: self.lastSequence, attested: self.head, signedAt: time,
            keyID: signer.keyID, signature: signature, chain: [])
        var frame = checkpoint.encodePrefix()
        let chain = frame.withUnsafeBytes { chainValue(previous: self.head, $0) }
        frame.append(contentsOf: chain)
        try self.writeAndSync(frame)
        self.head = chain
        self.lastTime = time
        self.lastCheckpointSequence = self.lastSequence
        self.lastUnitWasCheckpoint = true
    }

    private func writeAndSync(_ bytes: [UInt8]) throws(JournalError) {
        guard let handle = self.handle else { throw JournalError(.closed, "the writer is closed") }
        try bytes.withBytes { (buffer) throws(JournalError) in
            try handle.write(buffer, at: self.fileEnd)
        }
        if self.options.durability == .syncEveryCommit {
            try handle.dataSync()
        }
        self.fileEnd += bytes.count
    }

    /// Final checkpoint, sync, unlock.
    func finish() throws(JournalError) {
        defer { self.release() }
        if self.options.signer != nil && !self.lastUnitWasCheckpoint {
            try self.writeCheckpoint()
        }
        try self.handle?.dataSync()
    }

    func release() {
        self.handle?.close()
        self.handle = nil
    }
}
