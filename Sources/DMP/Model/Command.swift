/// A request to act on a dossier. Reads are commands too: a consultation is decided and
/// journaled, allowed or refused (ACC-11).
///
/// ```swift
/// let command = Command(
///     key: "deposit-2026-0042", actor: doctor, dossier: dossier,
///     action: .depositDocument(document: metadata, mode: .normal))
/// let events = try await store.execute(command)
/// ```
public struct Command: Sendable, Hashable {
    /// The idempotency key: a retried command with the same key is acknowledged once and gets its
    /// original outcome (DOC-3).
    public var key: String
    /// Who acts.
    public var actor: Actor
    /// The dossier, for every action but those that create one.
    public var dossier: DossierID?
    /// The command's own time (scripted histories); `nil` means the store's clock.
    public var at: Int64?
    /// What to do.
    public var action: Action

    /// Creates a command.
    public init(key: String, actor: Actor, dossier: DossierID? = nil, at: Int64? = nil, action: Action) {
        self.key = key
        self.actor = actor
        self.dossier = dossier
        self.at = at
        self.action = action
    }

    /// Every action, with its data.
    public enum Action: Sendable, Hashable {
        // Lifecycle
        /// The operator sends the opening notice (LC-1).
        case sendOpeningNotice(identifier: PatientIdentifier, traits: IdentityTraits, channel: NoticeChannel)
        /// The person (or a representative) opposes creation within the 6 weeks (LC-2).
        case opposeCreation
        /// Creation on request (LC-3): after an opposition (with `dossier`), or directly (with identity).
        case createDossier(
            identifier: PatientIdentifier?, traits: IdentityTraits?, mode: CreationMode, expressConsent: Bool)
        /// Closure (LC-5).
        case closeDossier(reason: ClosureReason)
        /// Suspension for suspected fraud, by the operator (LC-5).
        case suspendDossier(reason: String)
        /// The holder objects to a suspension.
        case liftSuspension(objection: String)
        /// The holder reopens a closed dossier (LC-6).
        case reopenDossier
        /// The holder asks for deletion of a closed dossier (LC-7).
        case requestDeletion
        /// The holder withdraws a deletion request (LC-7).
        case withdrawDeletionRequest
        /// The holder rectifies identity traits (ID-2).
        case rectifyIdentity(traits: IdentityTraits)
        /// The identifier changes (ID-3).
        case changeIdentifier(identifier: PatientIdentifier)
        /// A legal representative is designated.
        case addLegalRepresentative(representative: String, kind: RepresentativeKind)
        /// A legal representative's role ends.
        case removeLegalRepresentative(representative: String)

        // Documents
        /// Deposit a document (DOC-1); `mode` is normal, break-glass or secret connection.
        case depositDocument(document: DocumentMetadata, mode: AccessMode)
        /// Replace a document by a new version (DOC-4).
        case replaceDocument(replaced: String, document: DocumentMetadata, mode: AccessMode)
        /// Archive a document (DOC-5, author).
        case archiveDocument(document: String)
        /// Unarchive a document (DOC-5, author).
        case unarchiveDocument(document: String)
        /// Delete a document (DOC-6); a reason is required to delete another's document.
        case deleteDocument(document: String, reason: String?)
        /// Mask a document from professionals (ACC-5, holder).
        case maskDocument(document: String)
        /// Unmask a document (ACC-5, holder).
        case unmaskDocument(document: String)
        /// Hide a document from legal representatives at the minor's request (ACC-7).
        case hideFromRepresentatives(document: String)
        /// Release an invisible document to the patient early (ACC-6, author).
        case releaseDocument(document: String)

        // Access
        /// The holder authorises a professional (ACC-1, ACC-9).
        case authorise(professional: String, basis: AuthorisationBasis)
        /// The holder revokes an authorisation.
        case revokeAuthorisation(professional: String)
        /// Block a professional or structure (ACC-2); a reason is required.
        case block(target: String, targetKind: BlockTarget, reason: String)
        /// Lift a block (ACC-2).
        case unblock(target: String)
        /// Declare a médecin traitant.
        case declareTreatingDoctor(professional: String)
        /// End a médecin traitant's status.
        case withdrawTreatingDoctor(professional: String)
        /// Give a professional administrator (médecin-traitant-equivalent) rights.
        case grantAdministrator(professional: String)
        /// Take administrator rights back.
        case revokeAdministrator(professional: String)
        /// Set the emergency switches (ACC-8).
        case setEmergencySettings(EmergencySettings)

        // Reads
        /// Open the list of documents (metadata).
        case consultDocumentList(mode: AccessMode, reason: String?)
        /// Read one document's content.
        case consultDocument(document: String, mode: AccessMode, reason: String?)

        // Time
        /// Tell the store the time has come: deadlines due by `at` become events.
        case tick
    }
}
