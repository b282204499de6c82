/// A command the rules refuse, or impossible input: a reason code and a sentence.
///
/// Equality compares codes, so `catch DomainError.blocked` and
/// `#expect(throws: DomainError.notFound)` match a whole family.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why a command was refused. Extensible string constants; the wire name is stable.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable snake_case name, used in outcomes and refusal events.
        public let rawValue: String
        /// Creates a code from its wire name.
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { self.rawValue }

        /// The command is malformed (a missing or invalid field).
        public static let invalidCommand = Code(rawValue: "invalid_command")
        /// No dossier has that id or identifier.
        public static let unknownDossier = Code(rawValue: "unknown_dossier")
        /// The dossier's state does not allow this command now.
        public static let wrongState = Code(rawValue: "wrong_state")
        /// The dossier is closed (LC-6): nothing can be read or deposited.
        public static let dossierClosed = Code(rawValue: "dossier_closed")
        /// The dossier's content was purged.
        public static let dossierPurged = Code(rawValue: "dossier_purged")
        /// A third party (insurer, mutuelle, employer) is always refused (ACC-10).
        public static let hardDeny = Code(rawValue: "hard_deny")
        /// The professional is blocked on this dossier (ACC-2).
        public static let blocked = Code(rawValue: "blocked")
        /// The holder opposed this emergency mode (ACC-8).
        public static let emergencyOpposed = Code(rawValue: "emergency_opposed")
        /// The actor has no right to do this.
        public static let notAuthorised = Code(rawValue: "not_authorised")
        /// The document does not exist, or the actor may not know of it (ACC-11).
        public static let notFound = Code(rawValue: "not_found")
        /// The same content is already current in the dossier (DOC-3).
        public static let duplicateDocument = Code(rawValue: "duplicate_document")
        /// The command's time is before the last event (time never goes backwards).
        public static let timeReversed = Code(rawValue: "time_reversed")
        /// The idempotency key was used for a different command (DOC-3).
        public static let idempotencyConflict = Code(rawValue: "idempotency_conflict")
        /// A document or dossier with that id already exists.
        public static let alreadyExists = Code(rawValue: "already_exists")
        /// A reason is mandatory for this command (ACC-2, ACC-8, DOC-6).
        public static let reasonRequired = Code(rawValue: "reason_required")
        /// The storage failed; the command was not applied.
        public static let storageFailed = Code(rawValue: "storage_failed")
    }

    /// The reason code.
    public let code: Code
    /// A sentence an operator understands.
    public let message: String
    /// The rule of DOMAIN.md behind the refusal, if one (e.g. `ACC-2`).
    public let rule: String?

    /// Creates a refusal.
    public init(_ code: Code, _ message: String, rule: String? = nil) {
        self.code = code
        self.message = message
        self.rule = rule
    }

    public var description: String {
        "\(self.code.rawValue): \(self.message)" + (self.rule.map { " [\($0)]" } ?? "")
    }

    public static func == (lhs: DomainError, rhs: DomainError) -> Bool { lhs.code == rhs.code }

    /// A refusal that stands for its code in `catch` patterns and `#expect(throws:)`.
    public static func code(_ code: Code) -> DomainError { DomainError(code, code.rawValue) }
    /// Any error with code ``Code/notFound``.
    public static let notFound = DomainError.code(.notFound)
    /// Any error with code ``Code/blocked``.
    public static let blocked = DomainError.code(.blocked)
    /// Any error with code ``Code/hardDeny``.
    public static let hardDeny = DomainError.code(.hardDeny)
    /// Any error with code ``Code/notAuthorised``.
    public static let notAuthorised = DomainError.code(.notAuthorised)
    /// Any error with code ``Code/dossierClosed``.
    public static let dossierClosed = DomainError.code(.dossierClosed)
    /// Any error with code ``Code/wrongState``.
    public static let wrongState = DomainError.code(.wrongState)
    /// Any error with code ``Code/invalidCommand``.
    public static let invalidCommand = DomainError.code(.invalidCommand)
    /// Any error with code ``Code/unknownDossier``.
    public static let unknownDossier = DomainError.code(.unknownDossier)
    /// Any error with code ``Code/duplicateDocument``.
    public static let duplicateDocument = DomainError.code(.duplicateDocument)
    /// Any error with code ``Code/emergencyOpposed``.
    public static let emergencyOpposed = DomainError.code(.emergencyOpposed)
    /// Any error with code ``Code/timeReversed``.
    public static let timeReversed = DomainError.code(.timeReversed)
    /// Any error with code ``Code/reasonRequired``.
    public static let reasonRequired = DomainError.code(.reasonRequired)
    /// Any error with code ``Code/idempotencyConflict``.
    public static let idempotencyConflict = DomainError.code(.idempotencyConflict)
    /// Any error with code ``Code/alreadyExists``.
    public static let alreadyExists = DomainError.code(.alreadyExists)
}

/// Matches a refusal by code: `catch DomainError.blocked`.
public func ~= (pattern: DomainError, error: any Error) -> Bool {
    (error as? DomainError)?.code == pattern.code
}
