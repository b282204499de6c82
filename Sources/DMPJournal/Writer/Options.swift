import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A source of time for the writer: milliseconds since 1970-01-01T00:00:00Z.
///
/// Inject a fixed or scripted clock in tests. The writer never lets time go backwards in the
/// file: a clock that steps back is clamped to the last time written.
public struct JournalClock: Sendable {
    /// Returns the current time in milliseconds since the epoch.
    public let now: @Sendable () -> Int64

    /// Creates a clock from a function.
    public init(now: @escaping @Sendable () -> Int64) {
        self.now = now
    }

    /// The system's real-time clock.
    public static let system = JournalClock {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// A clock that always returns `milliseconds`.
    public static func fixed(_ milliseconds: Int64) -> JournalClock {
        JournalClock { milliseconds }
    }
}

/// How the writer behaves. Every property has a documented default.
public struct JournalOptions: Sendable {
    /// When a commit is acknowledged.
    public enum Durability: Sendable, Equatable {
        /// After `fdatasync` returns: an acknowledged record survives a crash or power cut.
        /// The default.
        case syncEveryCommit
        /// As soon as the bytes are handed to the kernel: fast, for tests and bulk imports that
        /// can be redone. A crash may lose acknowledged records (never corrupt older ones).
        case noSync
    }

    /// When a commit is acknowledged. Default: ``Durability/syncEveryCommit``.
    public var durability: Durability = .syncEveryCommit
    /// The record format's name, written in the header of a new journal. Default: empty.
    public var application: String = ""
    /// Signs checkpoints. Default: `nil` (no checkpoints are written).
    public var signer: CheckpointSigner?
    /// Records between two signed checkpoints (one is also written on close). Default: 100,000.
    public var checkpointInterval: UInt64 = 100_000
    /// The largest decompressed size of one group commit; larger single appends still go in one
    /// frame. Default: 1 MiB.
    public var maxBatchBytes: Int = 1 << 20
    /// The writer's clock. Default: ``JournalClock/system``.
    public var clock: JournalClock = .system
    /// An LZ4 dictionary for a new journal: typical records, most frequent last, 1 byte to
    /// 64 KiB. With one, the journal is created in format version 2: the header carries the
    /// dictionary and every data frame is compressed against it, so that the small frames of
    /// group commit compress as well as large ones. An existing journal keeps the dictionary of
    /// its header (or none, in version 1). Default: `nil` (version 1, no dictionary).
    public var dictionary: [UInt8]?
    /// The system-call seam (tests inject failures here).
    package var system: SystemCalls = .live
    /// A fixed journal id for a new journal (tests and fixtures); random when `nil`.
    package var journalID: [UInt8]?

    /// Creates options with the defaults.
    public init() {}
}

/// Signs checkpoints with an Ed25519 key.
///
/// ```swift
/// let key = Curve25519.Signing.PrivateKey()
/// var options = JournalOptions()
/// options.signer = CheckpointSigner(key: key)
/// ```
public struct CheckpointSigner: Sendable {
    /// The raw private key (kept as bytes: the key type is not `Sendable`).
    private let rawKey: [UInt8]
    /// `SHA256` of the raw public key: the key id written in each checkpoint.
    public let keyID: [UInt8]

    /// Creates a signer from a private key.
    public init(key: Curve25519.Signing.PrivateKey) {
        self.rawKey = Array(key.rawRepresentation)
        self.keyID = Self.keyID(of: key.publicKey)
    }

    /// The key id of a public key: `SHA256` of its 32 raw bytes.
    public static func keyID(of key: Curve25519.Signing.PublicKey) -> [UInt8] {
        Array(SHA256.hash(data: key.rawRepresentation))
    }

    func sign(_ message: [UInt8]) throws(JournalError) -> [UInt8] {
        do {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: self.rawKey)
            return Array(try key.signature(for: message))
        } catch {
            throw JournalError(.io, "cannot sign the checkpoint: \(error)")
        }
    }
}

/// A batch of records to append together: all or none of them are committed.
///
/// Records are byte strings without a newline (0x0A); they may be empty.
///
/// ```swift
/// var batch = RecordBatch()
/// try batch.append(Array(#"{"type":"Opened"}"#.utf8))
/// let ticket = try writer.submit { _ in batch }
/// try await ticket.wait()
/// ```
public struct RecordBatch: Sendable {
    /// The records, each followed by a newline.
    private(set) var bytes: [UInt8] = []
    /// The number of records.
    public private(set) var count = 0

    /// Creates an empty batch.
    public init() {}

    /// Creates a batch from records.
    /// - Throws: ``JournalError/Code/recordContainsNewline`` if a record contains 0x0A.
    public init<S: Sequence>(_ records: S) throws(JournalError) where S.Element: Collection<UInt8> {
        for record in records { try self.append(record) }
    }

    /// Creates a batch from records given as arrays.
    /// - Throws: ``JournalError/Code/recordContainsNewline`` if a record contains 0x0A.
    public init(_ records: [[UInt8]]) throws(JournalError) {
        self.bytes.reserveCapacity(records.reduce(records.count) { $0 + $1.count })
        for record in records { try self.append(record) }
    }

    /// The number of bytes the batch occupies before compression.
    public var byteCount: Int { self.bytes.count }

    /// Appends a record.
    /// - Throws: ``JournalError/Code/recordContainsNewline`` if the record contains 0x0A (the
    ///   batch is unchanged), ``JournalError/Code/tooLarge`` past the format's 64 MiB frame limit.
    public mutating func append(_ record: some Collection<UInt8>) throws(JournalError) {
        let start = self.bytes.count
        let copied: Void? = record.withContiguousStorageIfAvailable { self.bytes.append(contentsOf: $0) }
        if copied == nil { self.bytes.append(contentsOf: record) }
        try self.finishRecord(from: start)
    }

    /// Appends a record held in contiguous memory (one copy, no allocation beyond the batch's).
    /// - Throws: as ``append(_:)``.
    public mutating func append(bytes record: UnsafeRawBufferPointer) throws(JournalError) {
        let start = self.bytes.count
        self.bytes.append(contentsOf: record)
        try self.finishRecord(from: start)
    }

    /// Appends a record given as an array.
    /// - Throws: as ``append(_:)``.
    public mutating func append(_ record: [UInt8]) throws(JournalError) {
        let start = self.bytes.count
        self.bytes.append(contentsOf: record)
        try self.finishRecord(from: start)
    }

    /// Appends a record written in place by `write`, which appends its bytes to the buffer it is
    /// given (and must not touch the bytes already there).
    public mutating func appendRecord(_ write: (inout [UInt8]) -> Void) throws(JournalError) {
        let start = self.bytes.count
        write(&self.bytes)
        try self.finishRecord(from: start)
    }

    private mutating func finishRecord(from start: Int) throws(JournalError) {
        let hasNewline = self.bytes.withUnsafeBytes { buffer in
            start < buffer.count && memchr(buffer.baseAddress! + start, 0x0A, buffer.count - start) != nil
        }
        if hasNewline {
            self.bytes.removeSubrange(start...)
            throw JournalError(
                .recordContainsNewline, "record \(self.count + 1) of the batch contains a newline byte (0x0A)")
        }
        if self.bytes.count + 1 > Format.maxContentSize {
            self.bytes.removeSubrange(start...)
            throw JournalError(.tooLarge, "a batch may hold at most \(Format.maxContentSize) bytes")
        }
        self.bytes.append(0x0A)
        self.count += 1
    }
}
