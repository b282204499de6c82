/// An error from the journal: what went wrong, and where.
///
/// Errors compare equal when their codes are equal, so a caller can match a whole family:
///
/// ```swift
/// do {
///     let writer = try JournalWriter.open(at: path)
/// } catch JournalError.locked {
///     print("another process is writing to this journal")
/// } catch {
///     print(error)   // "chain mismatch at byte 4102 (after sequence 57): ..."
/// }
/// ```
public struct JournalError: Error, Sendable, CustomStringConvertible {
    /// The kind of error. An extensible set of constants, not an enum, so that new codes can be
    /// added without breaking clients that switch over the existing ones.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A short, stable, snake_case name, suitable for logs and JSON outputs.
        public let name: String

        init(_ name: String) {
            self.name = name
        }

        public var description: String { self.name }

        // Opening and files
        /// The file does not exist.
        public static let fileNotFound = Code("file_not_found")
        /// The file exists but does not start with a journal header.
        public static let notAJournal = Code("not_a_journal")
        /// The journal was written by a newer version of the format than this library reads.
        public static let newerFormatVersion = Code("newer_format_version")
        /// The header names an algorithm this library does not support.
        public static let unsupportedAlgorithm = Code("unsupported_algorithm")
        /// Another writer holds the journal's exclusive lock.
        public static let locked = Code("locked")
        /// A file with that name already exists.
        public static let alreadyExists = Code("already_exists")
        /// A system call failed (see ``JournalError/systemErrno``).
        public static let io = Code("io")
        /// The disk is full.
        public static let diskFull = Code("disk_full")
        /// Making data durable (`fdatasync`) failed: the kernel may have dropped written pages.
        public static let syncFailed = Code("sync_failed")

        // Structure and integrity
        /// The header frame is damaged or malformed.
        public static let malformedHeader = Code("malformed_header")
        /// A frame is malformed (bad magic, size, tag, or LZ4 structure).
        public static let malformedFrame = Code("malformed_frame")
        /// An LZ4 block or frame-descriptor checksum does not match.
        public static let checksumMismatch = Code("checksum_mismatch")
        /// An LZ4 block does not decompress, or decompresses to the wrong size.
        public static let decompressionFailed = Code("decompression_failed")
        /// The decompressed content of a data frame does not end with a newline.
        public static let malformedContent = Code("malformed_content")
        /// A seal's record count differs from the records in its data frame.
        public static let countMismatch = Code("count_mismatch")
        /// Sequence numbers are not consecutive.
        public static let sequenceGap = Code("sequence_gap")
        /// A link frame's `unitStart` does not point to the start of its unit.
        public static let offsetMismatch = Code("offset_mismatch")
        /// Times go backwards between link frames.
        public static let timeReversed = Code("time_reversed")
        /// A chain value does not match the bytes it covers.
        public static let chainMismatch = Code("chain_mismatch")
        /// A checkpoint attests a chain value other than the one before it.
        public static let attestationMismatch = Code("attestation_mismatch")
        /// A checkpoint signature does not verify with the public key named by its key id.
        public static let badSignature = Code("bad_signature")
        /// The file ends inside a unit, or its final unit fails its checks: never acknowledged.
        public static let unsealedTail = Code("unsealed_tail")
        /// Acknowledged history before the final unit is damaged; the journal cannot be opened
        /// for writing.
        public static let damaged = Code("damaged")

        // Usage
        /// A record contains a newline byte (0x0A), which the format reserves as separator.
        public static let recordContainsNewline = Code("record_contains_newline")
        /// A record or batch exceeds the format's size limits.
        public static let tooLarge = Code("too_large")
        /// The writer failed earlier (failed sync or write) and must be reopened through recovery.
        public static let writerFailed = Code("writer_failed")
        /// The writer or reader is closed.
        public static let closed = Code("closed")
        /// An argument is out of range.
        public static let invalidArgument = Code("invalid_argument")
    }

    /// The kind of error.
    public let code: Code
    /// A sentence an operator understands.
    public let message: String
    /// The file concerned, if any.
    public let path: String?
    /// The byte offset in the file where the problem starts, if it has one.
    public let offset: Int?
    /// The last good sequence number before the problem, if known.
    public let sequence: UInt64?
    /// The `errno` of a failed system call, if any.
    public let systemErrno: Int32?

    init(
        _ code: Code,
        _ message: String,
        path: String? = nil,
        offset: Int? = nil,
        sequence: UInt64? = nil,
        errno: Int32? = nil
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
        self.sequence = sequence
        self.systemErrno = errno
    }

    func with(path: String) -> JournalError {
        JournalError(
            self.code, self.message, path: self.path ?? path, offset: self.offset, sequence: self.sequence,
            errno: self.systemErrno)
    }

    public var description: String {
        var text = "\(self.code.name)"
        if let path = self.path { text += " in \(path)" }
        if let offset = self.offset { text += " at byte \(offset)" }
        if let sequence = self.sequence { text += " (after sequence \(sequence))" }
        text += ": \(self.message)"
        return text
    }

}

/// Matches an error against a journal error code: `catch JournalError.locked`.
public func ~= (code: JournalError.Code, error: any Error) -> Bool {
    (error as? JournalError)?.code == code
}

extension JournalError: Equatable {
    /// Errors are equal when their codes are equal.
    public static func == (lhs: JournalError, rhs: JournalError) -> Bool {
        lhs.code == rhs.code
    }
}

/// Matches an error against a journal error by code: `catch JournalError.locked`.
public func ~= (pattern: JournalError, error: any Error) -> Bool {
    (error as? JournalError)?.code == pattern.code
}

extension JournalError {
    // Error values that stand for their code, so that `catch JournalError.locked` and
    // `#expect(throws: JournalError.locked)` read naturally (equality compares codes).
    init(code: Code) { self.init(code, code.name) }
    /// Any error with code ``Code/fileNotFound``.
    public static let fileNotFound = JournalError(code: .fileNotFound)
    /// Any error with code ``Code/notAJournal``.
    public static let notAJournal = JournalError(code: .notAJournal)
    /// Any error with code ``Code/newerFormatVersion``.
    public static let newerFormatVersion = JournalError(code: .newerFormatVersion)
    /// Any error with code ``Code/locked``.
    public static let locked = JournalError(code: .locked)
    /// Any error with code ``Code/alreadyExists``.
    public static let alreadyExists = JournalError(code: .alreadyExists)
    /// Any error with code ``Code/diskFull``.
    public static let diskFull = JournalError(code: .diskFull)
    /// Any error with code ``Code/syncFailed``.
    public static let syncFailed = JournalError(code: .syncFailed)
    /// Any error with code ``Code/writerFailed``.
    public static let writerFailed = JournalError(code: .writerFailed)
    /// Any error with code ``Code/damaged``.
    public static let damaged = JournalError(code: .damaged)
    /// Any error with code ``Code/recordContainsNewline``.
    public static let recordContainsNewline = JournalError(code: .recordContainsNewline)
    /// Any error with code ``Code/tooLarge``.
    public static let tooLarge = JournalError(code: .tooLarge)
    /// Any error with code ``Code/closed``.
    public static let closed = JournalError(code: .closed)
}
