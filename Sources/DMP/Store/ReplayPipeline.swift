import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replays a journal into a ``StoreState`` on two threads when the machine has them: the caller's
/// thread reads, verifies and decodes (the journal writer's opening scan hands it each batch), a
/// second thread folds the decoded events, in order, into the state. Decoding and folding each
/// take about half of a replay; measured, opening a store is about 1.4× faster on two cores. On
/// one core, or for small journals, it folds on the caller's thread; there, records of the
/// commonest types are folded straight from their bytes (``StoreState/applyCanonical(_:sequence:)``),
/// without building their events. (On two threads the decoding thread is the slower one: the
/// shortcut would only move work to the folding thread.)
///
/// The hand-off is a bounded queue of event batches: memory stays proportional to the queue
/// (a few thousand events), never to the journal.
final class ReplayPipeline: @unchecked Sendable {
    /// Events handed over at once: large enough to make the hand-off cost nothing per event.
    private static let chunk = 512
    /// Batches in flight at most.
    private static let depth = 16

    /// The state, owned by the fold thread while it runs (by the caller otherwise).
    private var state: StoreState
    private var pending: [Event] = []
    /// Shares repeated strings among the decoded events (used on the decoding thread only).
    private let strings = StringInterner()
    private let queue = Mutex<[[Event]]>([])
    private let filled = DispatchSemaphore(value: 0)
    private let free = DispatchSemaphore(value: ReplayPipeline.depth)
    private let done = DispatchSemaphore(value: 0)
    private let threaded: Bool
    private var started = false
    private var finished = false

    /// Whether records of the commonest types are folded from their bytes
    /// (``StoreState/applyCanonical(_:sequence:)``) rather than decoded first.
    private let foldsCanonical: Bool

    init(window: Int64?, threaded: Bool = ReplayPipeline.hasSecondCore, foldsCanonical: Bool = true) {
        self.state = StoreState(window: window)
        self.threaded = threaded
        self.foldsCanonical = foldsCanonical
    }

    /// Whether a second core is online.
    static var hasSecondCore: Bool { sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1 }

    /// Decodes a batch's records (each ended by a newline) and queues their events.
    func replay(_ records: UnsafeRawBufferPointer, firstSequence: UInt64) throws(EventDecodingError) {
        guard let base = records.baseAddress else { return }
        var offset = 0
        var sequence = firstSequence
        while offset < records.count {
            let start = base + offset
            let length = UnsafeRawPointer(memchr(start, 0x0A, records.count - offset)!) - start
            let record = UnsafeRawBufferPointer(start: start, count: length)
            if !self.threaded && self.foldsCanonical && self.state.applyCanonical(record, sequence: sequence) {
                offset += length + 1
                sequence += 1
                continue
            }
            let event = try EventCodec.decode(record, at: sequence, strings: self.strings)
            if self.threaded {
                self.pending.append(event)
                if self.pending.count >= Self.chunk { self.flush() }
            } else {
                self.state.apply(event)
            }
            offset += length + 1
            sequence += 1
        }
    }

    /// Hands the pending events to the fold thread, starting it on first use.
    private func flush() {
        guard !self.pending.isEmpty else { return }
        if !self.started {
            self.started = true
            DispatchQueue.global(qos: .userInitiated).async { self.fold() }
        }
        self.free.wait()
        let batch = self.pending
        self.pending = []
        self.pending.reserveCapacity(Self.chunk)
        self.queue.withLock { $0.append(batch) }
        self.filled.signal()
    }

    /// The fold thread: applies batches in order until an empty one says the end.
    private func fold() {
        while true {
            self.filled.wait()
            let batch = self.queue.withLock { $0.removeFirst() }
            self.free.signal()
            if batch.isEmpty { break }
            for event in batch { self.state.apply(event) }
        }
        self.done.signal()
    }

    /// Waits for every queued event to be folded and returns the state (call once, also after a
    /// failed replay, so that the fold thread ends).
    func finish() -> StoreState {
        precondition(!self.finished, "finish() called twice")
        self.finished = true
        if self.started {
            self.flush()
            self.free.wait()
            self.queue.withLock { $0.append([]) }
            self.filled.signal()
            self.done.wait()
        } else {
            // Never started (small journal): fold here.
            for event in self.pending { self.state.apply(event) }
            self.pending = []
        }
        self.state.finishReplay()
        return self.state
    }
}
