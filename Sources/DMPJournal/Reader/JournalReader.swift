/// One record read from a journal.
public struct JournalRecord: Sendable, Equatable {
    /// Its sequence number (1 for the first record of the journal).
    public let sequence: UInt64
    /// When the writer committed the batch holding it, in milliseconds since the epoch.
    public let committedAt: Int64
    /// The record's bytes, without the newline.
    public let bytes: [UInt8]
}

/// A sequential cursor over a journal's records, in bounded memory whatever the file size.
///
/// A reader never writes. It sees the records up to the last seal; every unit it returns has
/// been checked against its seal (the chain covers every stored byte). A writer may append while
/// the reader reads; ``refresh()`` or ``follow(pollInterval:)`` picks up new seals.
///
/// ```swift
/// let reader = try JournalReader(path: "audit.dmpj")
/// while let record = try reader.next() {
///     print(record.sequence, String(decoding: record.bytes, as: UTF8.self))
/// }
/// ```
///
/// At an unsealed or cut tail (a crash, or a commit being written) the reader stops as at the
/// end of the file. Damage before the last seal throws ``JournalError/Code/damaged``, after every
/// record before it has been returned.
public final class JournalReader {
    /// The journal's header.
    public var header: JournalHeader { self.scanner.header }
    /// The path of the journal file.
    public let path: String

    private let window: FileWindow
    private let scanner: UnitScanner
    private var batchTime: Int64 = 0
    private var cursor = 0  // offset in the current batch's content
    private var nextSequence: UInt64 = 1
    private var skipUntil: UInt64 = 1

    /// Opens a journal for reading.
    /// - Throws: ``JournalError/Code/fileNotFound``, ``JournalError/Code/notAJournal``,
    ///   ``JournalError/Code/newerFormatVersion``, or an I/O error.
    public init(path: String) throws(JournalError) {
        self.path = path
        self.window = try FileWindow(path: path)
        do {
            self.scanner = try UnitScanner(window: self.window, checksums: false, decompress: true)
        } catch {
            throw error.with(path: path)
        }
    }

    /// The sequence number of the last record of the last batch read (0 before the first).
    public var lastSequenceRead: UInt64 { self.scanner.lastSequence }

    /// The chain value after the last unit read.
    public var head: ChainHash { ChainHash(bytes: self.scanner.head) }

    /// Positions the cursor so that the next record returned is `sequence` (or the first one
    /// after it that exists). Skipped batches are checked against their seals but not
    /// decompressed.
    /// - Throws: ``JournalError/Code/invalidArgument`` for a sequence number behind the cursor
    ///   (a reader only moves forward; open a new one to go back).
    public func seek(toSequence sequence: UInt64) throws(JournalError) {
        guard sequence >= self.skipUntil, sequence >= self.nextSequence || self.cursor == 0 else {
            throw JournalError(
                .invalidArgument, "cannot seek back to sequence \(sequence): a reader only moves forward",
                path: self.path)
        }
        self.skipUntil = sequence
    }

    /// Positions the cursor at the unit starting at byte `offset`, as recorded by an index. The
    /// unit is checked against its seal (its chain value must match its bytes, given the chain
    /// value stored just before it), so a stale or forged index can make a read fail but never
    /// return records the journal does not hold there. Reading then goes on sequentially.
    /// - Throws: ``JournalError/Code/invalidArgument`` for an offset outside the journal.
    public func seek(toUnitAt offset: Int) throws(JournalError) {
        try self.scanner.reposition(to: offset)
        self.cursor = 0
        self.skipUntil = 0
        self.nextSequence = 0
    }

    /// The byte offset where the next unit starts (record it in an index to come back here).
    public var nextUnitOffset: Int { self.scanner.position }

    /// Returns the next record, or `nil` at the end of what is sealed so far.
    public func next() throws(JournalError) -> JournalRecord? {
        while true {
            if self.cursor < self.scanner.contentCount {
                let content = self.scanner.contentBytes
                let rest = UnsafeRawBufferPointer(rebasing: content[self.cursor...])
                let length = rest.firstIndex(of: 0x0A)! - rest.startIndex
                let bytes = Array(UnsafeRawBufferPointer(rebasing: rest.prefix(length)))
                let sequence = self.nextSequence
                self.cursor += length + 1
                self.nextSequence += 1
                if sequence < self.skipUntil { continue }
                return JournalRecord(sequence: sequence, committedAt: self.batchTime, bytes: bytes)
            }
            guard try self.advance() else { return nil }
        }
    }

    /// Reads the next batch and calls `body` for each of its records, without copying them.
    ///
    /// The buffers are valid only during the call. Returns `false` at the end of what is sealed.
    /// Records before a ``seek(toSequence:)`` target are skipped.
    public func nextBatch(
        _ body: (_ sequence: UInt64, _ committedAt: Int64, _ record: UnsafeRawBufferPointer) throws -> Void
    ) throws -> Bool {
        // Finish a batch partly consumed by next() first.
        if self.cursor >= self.scanner.contentCount {
            guard try self.advance() else { return false }
        }
        let content = self.scanner.contentBytes
        var offset = self.cursor
        guard let base = content.baseAddress else { return true }
        while offset < content.count {
            let start = base + offset
            let found = memchr(start, 0x0A, content.count - offset)!
            let length = UnsafeRawPointer(found) - start
            let sequence = self.nextSequence
            self.nextSequence += 1
            offset += length + 1
            if sequence >= self.skipUntil {
                try body(sequence, self.batchTime, UnsafeRawBufferPointer(start: start, count: length))
            }
        }
        self.cursor = offset
        return true
    }

    /// Re-reads the file's size, so that units appended since are seen.
    /// - Returns: `true` if the file changed size.
    @discardableResult
    public func refresh() throws(JournalError) -> Bool {
        let before = self.window.fileSize
        return try self.window.refreshSize() != before
    }

    /// Records as they are appended, by this or another process: an asynchronous sequence that
    /// polls the file for new seals and never ends unless the task is cancelled or the journal is
    /// damaged.
    public func follow(pollInterval: Duration = .milliseconds(50)) -> JournalFollower {
        JournalFollower(reader: self, pollInterval: pollInterval)
    }

    /// Moves to the next unit holding records. Returns `false` at the end of what is sealed.
    private func advance() throws(JournalError) -> Bool {
        while true {
            self.scanner.decompress = true
            let unit: ScannedUnit?
            do {
                unit = try self.scanner.nextSkipping(until: self.skipUntil)
            } catch {
                if error.code == .io {
                    throw JournalError(.io, error.message, path: self.path, offset: error.offset)
                }
                if try TailClassifier.isTail(
                    failingUnit: error.unitStart, code: error.code, head: self.scanner.head, window: self.window,
                    header: self.scanner.header)
                {
                    return false  // unsealed tail: the end, for now
                }
                throw JournalError(
                    .damaged, "acknowledged history is damaged: \(error.message) [\(error.code)]", path: self.path,
                    offset: error.offset, sequence: self.scanner.lastSequence)
            }
            guard let unit else { return false }
            if case .batch(let seal) = unit.kind {
                self.batchTime = seal.committedAt
                self.nextSequence = seal.firstSequence
                if self.scanner.contentCount == 0 {
                    // Skipped without decompressing.
                    self.nextSequence = seal.lastSequence + 1
                    self.cursor = 0
                    continue
                }
                self.cursor = 0
                return true
            }
        }
    }
}

/// The records of a journal as they are appended. See ``JournalReader/follow(pollInterval:)``.
public struct JournalFollower: AsyncSequence {
    public typealias Element = JournalRecord
    let reader: JournalReader
    let pollInterval: Duration

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(reader: self.reader, pollInterval: self.pollInterval)
    }

    /// Waits for each next record.
    public struct Iterator: AsyncIteratorProtocol {
        let reader: JournalReader
        let pollInterval: Duration

        /// The next record, waiting for it if needed; `nil` once the task is cancelled.
        public mutating func next() async throws -> JournalRecord? {
            while !Task.isCancelled {
                if let record = try self.reader.next() { return record }
                try? await Task.sleep(for: self.pollInterval)
                try self.reader.refresh()
            }
            return nil
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
