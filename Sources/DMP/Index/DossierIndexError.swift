/// Why a dossier index cannot be used: missing, of another version, damaged, or no longer
/// describing its journal. Every such index can be rebuilt from the journal
/// (``DossierIndex/update(journal:rebuild:progress:)``).
///
/// Errors compare equal when their codes are equal, so a caller can match a family:
///
/// ```swift
/// do {
///     let index = try DossierIndex(journal: "dmp.dmpj")
/// } catch DossierIndexError.notFound {
///     // no index yet: scan, or build one
/// }
/// ```
public struct DossierIndexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of error: an extensible set of constants.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A short, stable, snake_case name.
        public let name: String

        init(_ name: String) {
            self.name = name
        }

        public var description: String { self.name }

        /// There is no index file beside the journal.
        public static let notFound = Code("index_not_found")
        /// The index was written in a format version this library does not read.
        public static let unsupportedVersion = Code("index_unsupported_version")
        /// The index file is damaged: cut, padded, or a check failed (its header's SHA-256, an
        /// entry's or a postings block's check, or a unit it names does not read).
        public static let corrupt = Code("index_corrupt")
        /// The index was built from another journal (its journal id or genesis value differs).
        public static let foreignJournal = Code("index_foreign_journal")
        /// The journal no longer holds the bytes the index covers (it is shorter, or its chain
        /// value where the index ends differs: the journal was replaced or rewritten).
        public static let stale = Code("index_stale")
        /// A record could not be indexed (not a valid event, or a dossier id that is not a UUID).
        public static let invalidRecord = Code("index_invalid_record")
        /// Reading or writing the index file failed.
        public static let io = Code("index_io")
    }

    /// The kind of error.
    public let code: Code
    /// What went wrong, in a sentence.
    public let message: String
    /// The index file.
    public var path: String?

    init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// The path (when known), the message and the code.
    public var description: String {
        (self.path.map { "\($0): " } ?? "") + "\(self.message) [\(self.code.name)]"
    }

    /// Compares the codes only.
    public static func == (lhs: DossierIndexError, rhs: DossierIndexError) -> Bool {
        lhs.code == rhs.code
    }

    /// Any error with code ``Code/notFound``, for `catch DossierIndexError.notFound`.
    public static let notFound = DossierIndexError(.notFound, "")
    /// Any error with code ``Code/unsupportedVersion``.
    public static let unsupportedVersion = DossierIndexError(.unsupportedVersion, "")
    /// Any error with code ``Code/corrupt``.
    public static let corrupt = DossierIndexError(.corrupt, "")
    /// Any error with code ``Code/foreignJournal``.
    public static let foreignJournal = DossierIndexError(.foreignJournal, "")
    /// Any error with code ``Code/stale``.
    public static let stale = DossierIndexError(.stale, "")
    /// Any error with code ``Code/invalidRecord``.
    public static let invalidRecord = DossierIndexError(.invalidRecord, "")

    func with(path: String) -> DossierIndexError {
        var copy = self
        copy.path = copy.path ?? path
        return copy
    }
}

/// Matches any ``DossierIndexError`` with the same code, for `catch DossierIndexError.corrupt`.
public func ~= (pattern: DossierIndexError, error: any Error) -> Bool {
    (error as? DossierIndexError)?.code == pattern.code
}
