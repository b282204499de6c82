/// The state of one dossier, as the fold of its events (``DossierState/evolve(_:)``).
public struct DossierState: Sendable, Hashable {
    /// Where a dossier is in its lifecycle (section 3).
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// The notice was sent; the space opens at `openingDue` unless opposed (LC-1).
        case noticeSent = "notice_sent"
        /// The person opposed creation (LC-2).
        case opposed
        /// Open (LC-1, LC-3).
        case open
        /// Suspended for suspected fraud; closes at `closureDue` without objection (LC-5).
        case suspended
        /// Closed and archived until `archivedUntil` (LC-5, LC-6).
        case closed
        /// Closed with a standing deletion request; purged at `purgeDue` (LC-7).
        case deletionRequested = "deletion_requested"
        /// Health content purged for good; traces stay (LC-8, TR-5).
        case purged
    }

    /// One document and what happened to it.
    public struct Document: Sendable, Hashable {
        /// Its metadata at deposit.
        public var metadata: DocumentMetadata
        /// The national id of its author.
        public var author: String
        /// The author's role (holder documents: DOC-7).
        public var authorRole: Actor.Role
        /// When it was deposited.
        public var depositedAt: Int64
        /// Its current confidentiality codes.
        public var confidentiality: Confidentiality
        /// `true` once replaced by a newer version (DOC-4).
        public var deprecated = false
        /// The id of the version that replaced it.
        public var replacedBy: String?
        /// Archived by its author (DOC-5).
        public var archived = false
        /// Deleted for good (DOC-6).
        public var deleted = false
        /// When an invisible document becomes visible by itself (ACC-6), until released.
        public var releaseDue: Int64?
        /// When the holder is told something awaits a consultation (ACC-6), until sent.
        public var reminderDue: Int64?
        /// Deposited in a minor's secret connection (ACC-7): its trace is hidden from
        /// representatives.
        public var secret = false
    }

    /// The dossier's id.
    public var id: DossierID
    /// Where it is in its lifecycle.
    public var status: Status
    /// Its identifiers, oldest first (ID-3).
    public var identifiers: [PatientIdentifier] = []
    /// The holder's identity traits (ID-2).
    public var traits: IdentityTraits?
    /// How it was opened.
    public var creationMode: CreationMode?
    /// When the space opens by itself after a notice (LC-1).
    public var openingDue: Int64?
    /// The proof of opposition issued (LC-2).
    public var oppositionProof: String?
    /// When it was (last) opened.
    public var openedAt: Int64?
    /// Why it was closed.
    public var closureReason: ClosureReason?
    /// When it was closed.
    public var closedAt: Int64?
    /// End of the 10-year archive (LC-6).
    public var archivedUntil: Int64?
    /// End of a fraud suspension without objection (LC-5).
    public var closureDue: Int64?
    /// Purge date after a deletion request (LC-7).
    public var purgeDue: Int64?
    /// The holder's 18th birthday, for a minor (LC-9).
    public var majorityAt: Int64?
    /// The emergency switches (ACC-8).
    public var emergency = EmergencySettings.defaults
    /// Legal representatives by opaque id.
    public var representatives: [String: RepresentativeKind] = [:]
    /// Documents by id, deleted ones included (their traces survive).
    public var documents: [String: Document] = [:]
    /// Authorised professionals and the basis of their authorisation (ACC-1).
    public var authorisations: [String: AuthorisationBasis] = [:]
    /// Blocked professionals or structures, with who set the block (ACC-2).
    public var blocks: [String: Actor.Role] = [:]
    /// Médecins traitants.
    public var treatingDoctors: Set<String> = []
    /// Professionals with administrator rights.
    public var administrators: Set<String> = []
    /// Professionals who have accessed the dossier at least once (TR-4 first-access notices).
    public var professionalsSeen: Set<String> = []
    /// The time of the last event.
    public var lastEventAt: Int64 = 0
    /// The number of events folded.
    public var eventCount = 0

    /// A dossier before its first event.
    public init(id: DossierID) {
        self.id = id
        self.status = .noticeSent
    }

    /// The current identifier.
    public var identifier: PatientIdentifier? { self.identifiers.last }

    /// Whether the holder is a minor at `instant` (LC-9).
    public func isMinor(at instant: Int64) -> Bool {
        guard let majorityAt = self.majorityAt else { return false }
        return instant < majorityAt
    }

    /// Whether the dossier is readable and writable (open).
    public var isOpen: Bool { self.status == .open }

    /// Current documents with this content hash (DOC-3).
    func currentDocument(withHash hash: String) -> Document? {
        self.documents.values.first { !$0.deleted && !$0.deprecated && $0.metadata.sha256 == hash }
    }
}
