/// The opaque id of a dossier: a UUID, assigned at creation, never an identifier of the person
/// (identifiers change, and a social-security number should not sit in clear in every record).
///
/// Held as its 128 bits, so that the maps of a replay hash and compare two integers rather than
/// a 36-character string. Written as the lowercase UUID string (`rawValue`).
public struct DossierID: Hashable, Sendable, Comparable, CustomStringConvertible, RawRepresentable {
    /// The first 64 bits, big-endian (the first 16 hex digits).
    let high: UInt64
    /// The last 64 bits.
    let low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses a UUID string (`8-4-4-4-12` hex digits, either case); `nil` for anything else.
    public init?(rawValue: String) {
        guard let id = Self.parse(rawValue.lowercased()) else { return nil }
        self = id
    }

    /// Parses a UUID string as records hold it (lowercase only).
    static func parse(_ text: String) -> DossierID? {
        var text = text
        return text.withUTF8 { Self.parse(UnsafeRawBufferPointer($0)) }
    }

    /// Parses the 36 bytes of a UUID as records hold it (`8-4-4-4-12` lowercase hex digits).
    @inline(__always)
    static func parse(_ bytes: UnsafeRawBufferPointer) -> DossierID? {
        guard bytes.count == 36, let base = bytes.baseAddress,
            let key = DossierKey.parse(at: base, lowercaseOnly: true)
        else {
            return nil
        }
        return DossierID(key)
    }

    /// The lowercase UUID string.
    public var rawValue: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            let hex: StaticString = "0123456789abcdef"
            var out = 0
            for digit in 0..<32 {
                if digit == 8 || digit == 12 || digit == 16 || digit == 20 {
                    buffer[out] = 0x2D
                    out += 1
                }
                let word = digit < 16 ? self.high : self.low
                let shift = UInt64(60 - 4 * (digit % 16))
                buffer[out] = hex.utf8Start[Int((word >> shift) & 0xF)]
                out += 1
            }
            return 36
        }
    }

    public var description: String { self.rawValue }

    // Explicit: RawRepresentable's defaults would hash and compare `rawValue`, a new string.
    public static func == (lhs: DossierID, rhs: DossierID) -> Bool {
        lhs.high == rhs.high && lhs.low == rhs.low
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.high)
        hasher.combine(self.low)
    }

    /// The order of the UUID strings.
    public static func < (lhs: DossierID, rhs: DossierID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

/// One immutable event: the envelope of ARCHITECTURE.md and a typed payload.
///
/// On the wire: `{"seq":…,"at":"…","type":"…","v":1,"dossier":"…","actor":{…},"command":"…","data":{…}}`.
public struct Event: Sendable, Hashable {
    /// The journal sequence number.
    public var sequence: UInt64
    /// When it happened, ms since the epoch (UTC), never before the previous event.
    public var at: Int64
    /// The dossier it concerns.
    public var dossier: DossierID
    /// Who acted.
    public var actor: Actor
    /// The idempotency key of the command that produced it.
    public var command: String
    /// What happened.
    public var payload: EventPayload

    /// Creates an event.
    public init(
        sequence: UInt64, at: Int64, dossier: DossierID, actor: Actor, command: String, payload: EventPayload
    ) {
        self.sequence = sequence
        self.at = at
        self.dossier = dossier
        self.actor = actor
        self.command = command
        self.payload = payload
    }

    /// The event type's name, e.g. `DocumentDeposited`.
    public var type: String { self.payload.type }
}

/// Notice channels (LC-1).
public enum NoticeChannel: String, Sendable, Hashable, CaseIterable {
    case email, post
}

/// How a dossier came to be opened (LC-1, LC-3).
public enum CreationMode: String, Sendable, Hashable, CaseIterable {
    /// Six weeks after the notice, without opposition (2022 and later).
    case automatic
    /// On the holder's (or representative's) request, online, at a counter or pharmacy.
    case holderRequest = "holder_request"
    /// By a professional with the holder's express consent (before 2022 only).
    case professionalWithConsent = "professional_with_consent"
    /// By reception staff with the holder's express consent (before 2022 only).
    case receptionWithConsent = "reception_with_consent"
}

/// Why a dossier was closed (LC-5).
public enum ClosureReason: String, Sendable, Hashable, CaseIterable {
    case holderRequest = "holder_request"
    case death
    case fraudSuspension = "fraud_suspension"
}

/// Why content was purged (LC-6, LC-7).
public enum PurgeCause: String, Sendable, Hashable, CaseIterable {
    case deletionRequest = "deletion_request"
    case archiveExpired = "archive_expired"
}

/// Kinds of legal representative (LC-9).
public enum RepresentativeKind: String, Sendable, Hashable, CaseIterable {
    /// A parent of a minor: access ends at majority.
    case parent
    /// The guardian of a protected adult: access lasts while the measure lasts.
    case guardian
}

/// The basis of a professional's authorisation (ACC-1, ACC-9).
public enum AuthorisationBasis: String, Sendable, Hashable, CaseIterable {
    /// The holder's explicit consent.
    case holderConsent = "holder_consent"
    /// The care-team presumption, recorded at a first access.
    case careTeamPresumption = "care_team_presumption"
    /// The express, revocable consent an occupational or fire-brigade doctor needs.
    case expressConsent = "express_consent"
}

/// What a block targets (ACC-2).
public enum BlockTarget: String, Sendable, Hashable, CaseIterable {
    case professional, structure
}

/// How an invisible document became visible to the patient (ACC-6).
public enum ReleaseCause: String, Sendable, Hashable, CaseIterable {
    /// Its author released it (after the announcement consultation).
    case author
    /// One month after the deposit.
    case timeout
}

/// The right under which something was read (TR-1, `who-saw`).
public enum AccessRight: String, Sendable, Hashable, CaseIterable {
    case holder
    case legalRepresentative = "legal_representative"
    case author
    case treatingDoctor = "treating_doctor"
    case administrator
    case authorised
    case careTeam = "care_team"
    case expressConsent = "express_consent"
    case regulation
    case breakGlass = "break_glass"
}

/// Who a notification goes to (TR-4).
public enum NotificationRecipient: String, Sendable, Hashable, CaseIterable {
    case holder
    case legalRepresentatives = "legal_representatives"
    case treatingDoctors = "treating_doctors"
}

/// What a notification is about (TR-4).
public enum NotificationKind: String, Sendable, Hashable, CaseIterable {
    case firstAccess = "first_access"
    case emergencyAccess = "emergency_access"
    case newDocument = "new_document"
    case documentChanged = "document_changed"
    case invisibleDocumentWaiting = "invisible_document_waiting"
    case majorityReached = "majority_reached"
}

/// When an invisible document is announced and released by itself (ACC-6), computed at deposit.
public struct ReleaseDeadlines: Sendable, Hashable {
    /// 2 weeks after deposit: the holder is told something awaits a consultation.
    public var reminder: Int64
    /// 1 month after deposit: the document becomes visible to the patient.
    public var release: Int64

    /// Creates deadlines.
    public init(reminder: Int64, release: Int64) {
        self.reminder = reminder
        self.release = release
    }
}

/// The holder's emergency switches (ACC-8).
public struct EmergencySettings: Sendable, Hashable {
    /// SAMU regulation allowed.
    public var regulation: Bool
    /// Bris de glace allowed.
    public var breakGlass: Bool
    /// Masked documents readable in an emergency.
    public var maskedInEmergency: Bool

    /// Creates settings.
    public init(regulation: Bool, breakGlass: Bool, maskedInEmergency: Bool) {
        self.regulation = regulation
        self.breakGlass = breakGlass
        self.maskedInEmergency = maskedInEmergency
    }

    /// The defaults in force: both modes allowed, masked documents not (ACC-8).
    public static let defaults = EmergencySettings(regulation: true, breakGlass: true, maskedInEmergency: false)
}

/// Every kind of event, with its data. The case name, capitalised, is the wire `type`.
public enum EventPayload: Sendable, Hashable {
    // The cases carrying identity traits are boxed (`indirect`): they would make every event
    // several hundred bytes, copied at each step of a replay. Document metadata is already one
    // shared box (``DocumentMetadata``), so deposits and replacements are stored inline.
    // Lifecycle (section 3)
    /// The operator sent the notice that opens the space 6 weeks later (LC-1).
    indirect case openingNoticeSent(
        identifier: PatientIdentifier, traits: IdentityTraits, channel: NoticeChannel, openingDue: Int64,
        majorityAt: Int64?)
    /// The person opposed creation; a proof was issued (LC-2).
    case creationOpposed(proofID: String)
    /// The dossier opened (LC-1, LC-3), with the emergency defaults in force (ACC-8). Identity is
    /// present when no notice came first.
    indirect case dossierOpened(
        mode: CreationMode, identifier: PatientIdentifier?, traits: IdentityTraits?, expressConsent: Bool,
        emergency: EmergencySettings, majorityAt: Int64?)
    /// The dossier closed (LC-5) and is archived until `archivedUntil` (LC-6).
    case dossierClosed(reason: ClosureReason, archivedUntil: Int64)
    /// The operator suspended the dossier for suspected fraud (LC-5).
    case dossierSuspended(reason: String, closureDue: Int64)
    /// The suspension was lifted after the holder's objection.
    case suspensionLifted(objection: String)
    /// The holder reopened a closed dossier; the archive comes back whole (LC-6).
    case dossierReopened
    /// The holder asked for deletion of a closed dossier (LC-7).
    case deletionRequested(purgeDue: Int64)
    /// The deletion request was withdrawn before the purge (LC-7).
    case deletionRequestWithdrawn
    /// Health content was purged for good; traces stay (LC-8, TR-5).
    case dossierPurged(cause: PurgeCause)
    /// A minor came of age: parents' access ended (LC-9).
    case majorityReached(representativesRemoved: [String])
    /// The holder rectified identity traits (ID-2).
    indirect case identityRectified(traits: IdentityTraits)
    /// The identifier changed (ID-3): NIA → NIR promotion, INS-C → NIR, rectification.
    case identifierChanged(identifier: PatientIdentifier)
    /// A legal representative was designated (LC-9).
    case legalRepresentativeAdded(representative: String, kind: RepresentativeKind)
    /// A legal representative's role ended.
    case legalRepresentativeRemoved(representative: String)

    // Documents (section 4)
    /// A document was deposited (DOC-1, DOC-2, DOC-7, ACC-6, ACC-7). For a document invisible to
    /// the patient, the reminder (2 weeks) and release (1 month) deadlines are stored here.
    case documentDeposited(document: DocumentMetadata, mode: AccessMode, late: Bool, deadlines: ReleaseDeadlines?)
    /// A new version replaced a document, now deprecated (DOC-4).
    case documentReplaced(
        replaced: String, document: DocumentMetadata, mode: AccessMode, late: Bool, deadlines: ReleaseDeadlines?)
    /// The author archived a document (DOC-5).
    case documentArchived(document: String)
    /// The author unarchived a document (DOC-5).
    case documentUnarchived(document: String)
    /// A document was deleted, for good (DOC-6).
    case documentDeleted(document: String, reason: String?)
    /// The holder masked a document from professionals (ACC-5).
    case documentMasked(document: String)
    /// The holder unmasked a document (ACC-5).
    case documentUnmasked(document: String)
    /// A document was hidden from legal representatives at the minor's request (ACC-7).
    case documentHiddenFromRepresentatives(document: String)
    /// An invisible document became visible to the patient (ACC-6).
    case documentReleased(document: String, cause: ReleaseCause)

    // Access (section 5)
    /// A professional was authorised (ACC-1, ACC-9).
    case professionalAuthorised(professional: String, basis: AuthorisationBasis)
    /// An authorisation was revoked.
    case authorisationRevoked(professional: String)
    /// A professional or structure was blocked (ACC-2).
    case professionalBlocked(target: String, targetKind: BlockTarget, reason: String)
    /// A block was lifted (ACC-2).
    case professionalUnblocked(target: String)
    /// A médecin traitant was declared.
    case treatingDoctorDeclared(professional: String)
    /// A médecin traitant's status ended.
    case treatingDoctorWithdrawn(professional: String)
    /// The holder gave a professional médecin-traitant-equivalent rights.
    case administratorRightsGranted(professional: String)
    /// The holder took administrator rights back.
    case administratorRightsRevoked(professional: String)
    /// The holder changed the emergency switches (ACC-8).
    case emergencySettingsChanged(settings: EmergencySettings)

    // Consultations and notifications (section 6)
    /// The list of documents was read (metadata).
    case documentListConsulted(mode: AccessMode, reason: String?, right: AccessRight, shown: Int)
    /// One document's content was read.
    case documentConsulted(document: String, mode: AccessMode, reason: String?, right: AccessRight)
    /// A read was refused (ACC-11); `answeredNotFound` when the asker was told "not found".
    case consultationRefused(
        document: String?, mode: AccessMode, reason: String?, refusal: String, answeredNotFound: Bool)
    /// A notification was sent (TR-4).
    case notificationSent(
        recipient: NotificationRecipient, kind: NotificationKind, document: String?, professional: String?)

    /// The wire type name of the event.
    public var type: String {
        switch self {
        case .openingNoticeSent: "OpeningNoticeSent"
        case .creationOpposed: "CreationOpposed"
        case .dossierOpened: "DossierOpened"
        case .dossierClosed: "DossierClosed"
        case .dossierSuspended: "DossierSuspended"
        case .suspensionLifted: "SuspensionLifted"
        case .dossierReopened: "DossierReopened"
        case .deletionRequested: "DeletionRequested"
        case .deletionRequestWithdrawn: "DeletionRequestWithdrawn"
        case .dossierPurged: "DossierPurged"
        case .majorityReached: "MajorityReached"
        case .identityRectified: "IdentityRectified"
        case .identifierChanged: "IdentifierChanged"
        case .legalRepresentativeAdded: "LegalRepresentativeAdded"
        case .legalRepresentativeRemoved: "LegalRepresentativeRemoved"
        case .documentDeposited: "DocumentDeposited"
        case .documentReplaced: "DocumentReplaced"
        case .documentArchived: "DocumentArchived"
        case .documentUnarchived: "DocumentUnarchived"
        case .documentDeleted: "DocumentDeleted"
        case .documentMasked: "DocumentMasked"
        case .documentUnmasked: "DocumentUnmasked"
        case .documentHiddenFromRepresentatives: "DocumentHiddenFromRepresentatives"
        case .documentReleased: "DocumentReleased"
        case .professionalAuthorised: "ProfessionalAuthorised"
        case .authorisationRevoked: "AuthorisationRevoked"
        case .professionalBlocked: "ProfessionalBlocked"
        case .professionalUnblocked: "ProfessionalUnblocked"
        case .treatingDoctorDeclared: "TreatingDoctorDeclared"
        case .treatingDoctorWithdrawn: "TreatingDoctorWithdrawn"
        case .administratorRightsGranted: "AdministratorRightsGranted"
        case .administratorRightsRevoked: "AdministratorRightsRevoked"
        case .emergencySettingsChanged: "EmergencySettingsChanged"
        case .documentListConsulted: "DocumentListConsulted"
        case .documentConsulted: "DocumentConsulted"
        case .consultationRefused: "ConsultationRefused"
        case .notificationSent: "NotificationSent"
        }
    }

    /// Every event type name, in a stable order.
    public static let allTypes: [String] = [
        "OpeningNoticeSent", "CreationOpposed", "DossierOpened", "DossierClosed", "DossierSuspended",
        "SuspensionLifted", "DossierReopened", "DeletionRequested", "DeletionRequestWithdrawn", "DossierPurged",
        "MajorityReached", "IdentityRectified", "IdentifierChanged", "LegalRepresentativeAdded",
        "LegalRepresentativeRemoved", "DocumentDeposited", "DocumentReplaced", "DocumentArchived",
        "DocumentUnarchived", "DocumentDeleted", "DocumentMasked", "DocumentUnmasked",
        "DocumentHiddenFromRepresentatives", "DocumentReleased", "ProfessionalAuthorised", "AuthorisationRevoked",
        "ProfessionalBlocked", "ProfessionalUnblocked", "TreatingDoctorDeclared", "TreatingDoctorWithdrawn",
        "AdministratorRightsGranted", "AdministratorRightsRevoked", "EmergencySettingsChanged",
        "DocumentListConsulted", "DocumentConsulted", "ConsultationRefused", "NotificationSent",
    ]

    /// The current schema version of every event type.
    public static let currentVersion = 1

    /// The document the event is about, if any.
    public var documentID: String? {
        switch self {
        case .documentDeposited(let document, _, _, _), .documentReplaced(_, let document, _, _, _): document.id
        case .documentArchived(let id), .documentUnarchived(let id), .documentDeleted(let id, _),
            .documentMasked(let id), .documentUnmasked(let id), .documentHiddenFromRepresentatives(let id),
            .documentReleased(let id, _), .documentConsulted(let id, _, _, _):
            id
        case .consultationRefused(let id, _, _, _, _): id
        case .notificationSent(_, _, let id, _): id
        default: nil
        }
    }
}
