import Crypto

/// What a command decided: the events to append and, for a refused read, the refusal (the
/// events then hold the trace of the refusal, ACC-11).
public struct Decision: Sendable, Equatable {
    /// Events to append, in order. Their sequence numbers are assigned by the store.
    public var events: [Event]
    /// The refusal of a read that is journaled anyway.
    public var refusal: DomainError?
}

/// What `decide` may know besides the dossier's state: the time and the settings, and a lookup of
/// live dossiers by identifier (for creation rules).
public struct DecisionContext: Sendable {
    /// The command's time, ms since the epoch.
    public var now: Int64
    /// The rule settings.
    public var settings: PolicySettings
    /// The live (not purged) dossier holding an identifier, if any.
    public var dossierHolding: @Sendable (PatientIdentifier) -> DossierID?

    /// Creates a context.
    public init(
        now: Int64, settings: PolicySettings = PolicySettings(),
        dossierHolding: @escaping @Sendable (PatientIdentifier) -> DossierID? = { _ in nil }
    ) {
        self.now = now
        self.settings = settings
        self.dossierHolding = dossierHolding
    }
}

/// The decider: `decide(command, state, context)` is pure and enforces every rule of DOMAIN.md;
/// refusals are typed ``DomainError`` values with a reason code and a sentence.
public enum Decider {
    /// The first day the 2022 rules apply (LC-1, LC-3): 2022-01-01T00:00 Paris.
    public static let optOutEra: Int64 = 1_640_991_600_000

    /// Decides a command against the state of its dossier (`nil` for a dossier that does not
    /// exist yet).
    /// - Throws: ``DomainError`` when the command is refused and nothing is to be journaled.
    public static func decide(
        _ command: Command, state: DossierState?, context: DecisionContext
    ) throws(DomainError) -> Decision {
        try validateActor(command.actor)
        try validateMode(command.action)
        var builder = Builder(command: command, context: context, state: state)
        try builder.decide()
        return Decision(events: builder.events, refusal: builder.refusal)
    }

    /// The dossier id a creating command gets: derived from its idempotency key, so that
    /// deciding is pure and a retried command gets the same id.
    public static func derivedDossierID(key: String) -> DossierID {
        var bytes = Array(SHA256.hash(data: Array(("dmp-dossier/" + key).utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return DossierID(high: high, low: low)
    }

    /// Every value written must be readable on replay: unknown modes are refused up front.
    static func validateMode(_ action: Command.Action) throws(DomainError) {
        let mode: AccessMode
        switch action {
        case .depositDocument(_, let m), .replaceDocument(_, _, let m), .consultDocumentList(let m, _),
            .consultDocument(_, let m, _):
            mode = m
        default:
            return
        }
        guard AccessMode.known.contains(mode) else {
            throw DomainError(.invalidCommand, "mode: unknown access mode \"\(mode)\"")
        }
    }

    static func validateActor(_ actor: Actor) throws(DomainError) {
        guard Actor.Role.known.contains(actor.role) else {
            throw DomainError(.invalidCommand, "unknown actor role \"\(actor.role)\"")
        }
        guard !actor.id.isEmpty else { throw DomainError(.invalidCommand, "the actor has no id") }
        guard Actor.Authentication.known.contains(actor.authentication) else {
            throw DomainError(.invalidCommand, "actor.auth: unknown means of authentication \"\(actor.authentication)\"")
        }
        if let practice = actor.practice, !Actor.Practice.known.contains(practice) {
            throw DomainError(.invalidCommand, "actor.practice: unknown practice \"\(practice)\"")
        }
        if actor.role == .professional {
            do {
                _ = try ProfessionalID(nationalID: actor.id)
            } catch {
                throw DomainError(.invalidCommand, "actor.id: \(error)", rule: "ID-4")
            }
            guard actor.profession != nil else {
                throw DomainError(.invalidCommand, "a professional actor must name a profession")
            }
        }
    }
}

extension String {
    func leftPadded(to length: Int) -> String {
        self.count >= length ? self : String(repeating: "0", count: length - self.count) + self
    }
}

/// Builds the events of one decision.
private struct Builder {
    let command: Command
    let context: DecisionContext
    var events: [Event] = []
    var refusal: DomainError?
    /// The state with the events decided so far applied.
    var current: DossierState?

    init(command: Command, context: DecisionContext, state: DossierState?) {
        self.command = command
        self.context = context
        self.current = state
    }

    var actor: Actor { self.command.actor }
    var now: Int64 { self.context.now }
    var settings: PolicySettings { self.context.settings }

    mutating func emit(_ payload: EventPayload, dossier: DossierID? = nil, actor: Actor? = nil) {
        let id = dossier ?? self.current?.id ?? self.command.dossier ?? DossierID(high: 0, low: 0)
        let event = Event(
            sequence: 0, at: self.now, dossier: id, actor: actor ?? self.actor, command: self.command.key,
            payload: payload)
        if self.current == nil || self.current?.id != id { self.current = DossierState(id: id) }
        self.current!.apply(event)
        self.events.append(event)
    }

    /// The existing dossier, or a refusal.
    func existing() throws(DomainError) -> DossierState {
        guard let state = self.current else {
            throw DomainError(.unknownDossier, "no dossier \(self.command.dossier?.rawValue ?? "(none given)")")
        }
        return state
    }

    func requireHolderSide() throws(DomainError) {
        guard self.actor.role == .holder || self.actor.role == .legalRepresentative else {
            throw DomainError(.notAuthorised, "only the holder or a legal representative may do this")
        }
        if self.actor.role == .legalRepresentative, let state = self.current, !state.representatives.isEmpty,
            state.representatives[self.actor.id] == nil
        {
            throw DomainError(.notAuthorised, "\(self.actor.id) is not a legal representative of this dossier")
        }
    }

    func requireOperator() throws(DomainError) {
        guard self.actor.role == .operatorFeed || self.actor.role == .operatorAgent else {
            throw DomainError(.notAuthorised, "only the operator (Assurance Maladie) may do this")
        }
    }

    func requireStatus(_ allowed: Set<DossierState.Status>, _ what: String) throws(DomainError) {
        let state = try self.existing()
        guard allowed.contains(state.status) else {
            if state.status == .purged {
                throw DomainError(.dossierPurged, "the dossier was purged: \(what) is impossible", rule: "LC-8")
            }
            if state.status == .closed || state.status == .deletionRequested {
                throw DomainError(.dossierClosed, "the dossier is closed: \(what) is impossible", rule: "LC-6")
            }
            throw DomainError(.wrongState, "the dossier is \(state.status.rawValue): \(what) is impossible")
        }
    }

    func majorityAt(_ traits: IdentityTraits?) -> Int64? {
        guard let traits else { return nil }
        let at = ParisCalendar.birthday(traits.birthDate, age: self.settings.majorityAge)
        return at > self.now ? at : nil
    }

    func validProfessional(_ id: String) throws(DomainError) {
        do {
            _ = try ProfessionalID(nationalID: id)
        } catch {
            throw DomainError(.invalidCommand, "professional: \(error)", rule: "ID-4")
        }
    }

    mutating func decide() throws(DomainError) {
        switch self.command.action {
        case .sendOpeningNotice(let identifier, let traits, let channel):
            try self.requireOperator()
            if let existing = self.context.dossierHolding(identifier) {
                throw DomainError(
                    .alreadyExists, "\(identifier) already has dossier \(existing.rawValue)", rule: "LC-3")
            }
            guard self.now >= Decider.optOutEra else {
                throw DomainError(.wrongState, "opening notices exist from 2022 only", rule: "LC-1")
            }
            let id = Decider.derivedDossierID(key: self.command.key)
            self.current = nil
            self.emit(
                .openingNoticeSent(
                    identifier: identifier, traits: traits, channel: channel,
                    openingDue: ParisCalendar.adding(days: 42, to: self.now), majorityAt: self.majorityAt(traits)),
                dossier: id)

        case .opposeCreation:
            try self.requireHolderSide()
            let state = try self.existing()
            guard state.status == .noticeSent, let due = state.openingDue, self.now < due else {
                throw DomainError(
                    .wrongState, "opposition is possible only within the 6 weeks after the notice", rule: "LC-2")
            }
            let proof = "OPP-" + String(Decider.derivedDossierID(key: "proof/" + self.command.key).rawValue.prefix(8))
            self.emit(.creationOpposed(proofID: proof))

        case .createDossier(let identifier, let traits, let mode, let expressConsent):
            try self.decideCreation(identifier: identifier, traits: traits, mode: mode, expressConsent: expressConsent)

        case .closeDossier(let reason):
            switch reason {
            case .holderRequest: try self.requireHolderSide()
            case .death: try self.requireOperator()
            case .fraudSuspension:
                throw DomainError(
                    .invalidCommand, "a fraud closure follows a suspension left without objection for 6 weeks (tick)",
                    rule: "LC-5")
            }
            try self.requireStatus([.open, .suspended], "closing")
            self.emit(.dossierClosed(reason: reason, archivedUntil: ParisCalendar.adding(years: 10, to: self.now)))

        case .suspendDossier(let reason):
            try self.requireOperator()
            guard !reason.isEmpty else { throw DomainError(.reasonRequired, "a suspension states its reason") }
            try self.requireStatus([.open], "suspending")
            self.emit(.dossierSuspended(reason: reason, closureDue: ParisCalendar.adding(days: 42, to: self.now)))

        case .liftSuspension(let objection):
            if self.actor.role != .operatorAgent { try self.requireHolderSide() }
            try self.requireStatus([.suspended], "lifting a suspension")
            self.emit(.suspensionLifted(objection: objection))

        case .reopenDossier:
            try self.requireHolderSide()
            let state = try self.existing()
            if state.status == .deletionRequested {
                throw DomainError(.wrongState, "a deletion request stands: withdraw it to reopen", rule: "LC-7")
            }
            try self.requireStatus([.closed], "reopening")
            self.emit(.dossierReopened)

        case .requestDeletion:
            try self.requireHolderSide()
            let state = try self.existing()
            guard state.status == .closed else {
                throw DomainError(.wrongState, "deletion can be asked only after closure", rule: "LC-7")
            }
            self.emit(.deletionRequested(purgeDue: ParisCalendar.adding(months: 3, to: self.now)))

        case .withdrawDeletionRequest:
            try self.requireHolderSide()
            try self.requireStatus([.deletionRequested], "withdrawing a deletion request")
            self.emit(.deletionRequestWithdrawn)

        case .rectifyIdentity(let traits):
            if self.actor.role != .operatorAgent { try self.requireHolderSide() }
            try self.requireStatus([.noticeSent, .opposed, .open, .suspended, .closed, .deletionRequested], "rectifying")
            self.emit(.identityRectified(traits: traits))

        case .changeIdentifier(let identifier):
            try self.requireOperator()
            let state = try self.existing()
            guard state.status != .purged else { throw DomainError(.dossierPurged, "the dossier was purged") }
            if let current = state.identifier {
                do {
                    _ = try IdentifierHistory.change(from: current, to: identifier)
                } catch {
                    throw DomainError(.invalidCommand, "identifier: \(error)", rule: "ID-3")
                }
            }
            if let other = self.context.dossierHolding(identifier), other != state.id {
                throw DomainError(.alreadyExists, "\(identifier) belongs to dossier \(other.rawValue)", rule: "ID-3")
            }
            self.emit(.identifierChanged(identifier: identifier))

        case .addLegalRepresentative(let representative, let kind):
            guard self.actor.role == .operatorAgent || self.actor.role == .operatorFeed
                || self.actor.role == .legalRepresentative || self.actor.role == .holder
            else { throw DomainError(.notAuthorised, "only the operator or the family may designate representatives") }
            guard !representative.isEmpty else { throw DomainError(.invalidCommand, "representative: empty id") }
            try self.requireStatus([.noticeSent, .opposed, .open, .suspended], "designating a representative")
            if try self.existing().representatives[representative] != nil {
                throw DomainError(.alreadyExists, "\(representative) is already a legal representative")
            }
            self.emit(.legalRepresentativeAdded(representative: representative, kind: kind))

        case .removeLegalRepresentative(let representative):
            guard self.actor.role == .operatorAgent || self.actor.role == .operatorFeed
                || self.actor.role == .legalRepresentative || self.actor.role == .holder
            else { throw DomainError(.notAuthorised, "only the operator or the family may remove a representative") }
            guard try self.existing().representatives[representative] != nil else {
                throw DomainError(.notFound, "\(representative) is not a legal representative of this dossier")
            }
            self.emit(.legalRepresentativeRemoved(representative: representative))

        case .depositDocument(let document, let mode):
            try self.decideDeposit(document, mode: mode, replacing: nil)
        case .replaceDocument(let replaced, let document, let mode):
            try self.decideDeposit(document, mode: mode, replacing: replaced)

        case .archiveDocument(let id), .unarchiveDocument(let id):
            try self.requireStatus([.open], "archiving")
            let document = try self.visibleDocument(id, forAuthorOnly: true)
            let archive: Bool
            if case .archiveDocument = self.command.action { archive = true } else { archive = false }
            guard document.archived != archive else {
                throw DomainError(.wrongState, "the document is already \(archive ? "archived" : "not archived")")
            }
            self.emit(archive ? .documentArchived(document: id) : .documentUnarchived(document: id))

        case .deleteDocument(let id, let reason):
            try self.decideDeletion(id, reason: reason)

        case .maskDocument(let id), .unmaskDocument(let id):
            try self.requireHolderSide()
            try self.requireStatus([.open], "masking")
            let state = try self.existing()
            guard let document = state.documents[id],
                AccessPolicy.sees(
                    document, actor: self.actor, right: self.actor.role == .holder ? .holder : .legalRepresentative,
                    state: state, settings: self.settings)
            else { throw DomainError(.notFound, "no document \(id)", rule: "ACC-11") }
            let mask: Bool
            if case .maskDocument = self.command.action { mask = true } else { mask = false }
            if mask && document.confidentiality.contains(.invisibleToPatient) && !self.settings.allowMaskedAndInvisible {
                throw DomainError(.invalidCommand, "MASQUE_PS with INVISIBLE_PATIENT is not allowed", rule: "ACC-4")
            }
            guard document.confidentiality.contains(.maskedFromProfessionals) != mask else {
                throw DomainError(.wrongState, "the document is already \(mask ? "masked" : "unmasked")", rule: "ACC-5")
            }
            self.emit(mask ? .documentMasked(document: id) : .documentUnmasked(document: id))

        case .hideFromRepresentatives(let id):
            try self.requireStatus([.open], "hiding a document")
            let state = try self.existing()
            guard let document = state.documents[id], !document.deleted else {
                throw DomainError(.notFound, "no document \(id)", rule: "ACC-11")
            }
            guard self.actor.role == .holder || (self.actor.role == .professional && document.author == self.actor.id)
            else {
                throw DomainError(
                    .notAuthorised, "the minor, or the author at the minor's request, hides a document", rule: "ACC-7")
            }
            guard state.isMinor(at: self.now) else {
                throw DomainError(.wrongState, "secrecy from representatives is for minors", rule: "ACC-7")
            }
            self.emit(.documentHiddenFromRepresentatives(document: id))

        case .releaseDocument(let id):
            try self.requireStatus([.open], "releasing")
            let document = try self.visibleDocument(id, forAuthorOnly: true)
            guard document.confidentiality.contains(.invisibleToPatient) else {
                throw DomainError(.wrongState, "the document is already visible to the patient", rule: "ACC-6")
            }
            self.emit(.documentReleased(document: id, cause: .author))
            if let released = self.current?.documents[id] { self.notifyDocument(released, kind: .newDocument) }

        case .authorise(let professional, let basis):
            try self.requireHolderSide()
            try self.validProfessional(professional)
            try self.requireStatus([.open], "authorising")
            guard basis != .careTeamPresumption else {
                throw DomainError(.invalidCommand, "the care-team presumption is recorded at access, not granted", rule: "ACC-1")
            }
            let state = try self.existing()
            if state.blocks[professional] != nil {
                throw DomainError(.blocked, "the professional is blocked: unblock first", rule: "ACC-2")
            }
            guard state.authorisations[professional] != basis else {
                throw DomainError(.alreadyExists, "the professional is already authorised")
            }
            self.emit(.professionalAuthorised(professional: professional, basis: basis))

        case .revokeAuthorisation(let professional):
            try self.requireHolderSide()
            try self.requireStatus([.open], "revoking")
            guard try self.existing().authorisations[professional] != nil else {
                throw DomainError(.notFound, "no authorisation for \(professional)")
            }
            self.emit(.authorisationRevoked(professional: professional))

        case .block(let target, let kind, let reason):
            let state = try self.existing()
            if self.actor.role == .professional {
                guard state.administrators.contains(self.actor.id) else {
                    throw DomainError(.notAuthorised, "only the holder or an administrator blocks", rule: "ACC-2")
                }
            } else {
                try self.requireHolderSide()
            }
            guard !reason.trimmingSpaces.isEmpty else {
                throw DomainError(.reasonRequired, "blocking states its reason", rule: "ACC-2")
            }
            if kind == .professional { try self.validProfessional(target) }
            try self.requireStatus([.open], "blocking")
            guard state.blocks[target] == nil else { throw DomainError(.alreadyExists, "\(target) is already blocked") }
            let wasTreatingDoctor = state.treatingDoctors.contains(target)
            self.emit(.professionalBlocked(target: target, targetKind: kind, reason: reason))
            if wasTreatingDoctor {
                // ACC-2: blocking the médecin traitant ends that status.
                self.emit(.treatingDoctorWithdrawn(professional: target))
            }

        case .unblock(let target):
            let state = try self.existing()
            guard let setBy = state.blocks[target] else { throw DomainError(.notFound, "\(target) is not blocked") }
            if setBy == .holder || setBy == .legalRepresentative {
                guard self.actor.role == .holder || self.actor.role == .legalRepresentative else {
                    throw DomainError(
                        .notAuthorised, "only the holder (or a legal representative) lifts a block they set",
                        rule: "ACC-2")
                }
            } else if self.actor.role == .professional {
                guard state.administrators.contains(self.actor.id) else {
                    throw DomainError(.notAuthorised, "only the holder or an administrator unblocks", rule: "ACC-2")
                }
            } else {
                try self.requireHolderSide()
            }
            try self.requireStatus([.open], "unblocking")
            self.emit(.professionalUnblocked(target: target))

        case .declareTreatingDoctor(let professional):
            try self.requireHolderSide()
            try self.validProfessional(professional)
            try self.requireStatus([.open], "declaring a médecin traitant")
            let state = try self.existing()
            if state.blocks[professional] != nil {
                throw DomainError(.blocked, "a blocked professional cannot be médecin traitant", rule: "ACC-2")
            }
            guard !state.treatingDoctors.contains(professional) else {
                throw DomainError(.alreadyExists, "\(professional) is already médecin traitant")
            }
            self.emit(.treatingDoctorDeclared(professional: professional))

        case .withdrawTreatingDoctor(let professional):
            if !(self.actor.role == .professional && self.actor.id == professional) { try self.requireHolderSide() }
            try self.requireStatus([.open], "withdrawing a médecin traitant")
            guard try self.existing().treatingDoctors.contains(professional) else {
                throw DomainError(.notFound, "\(professional) is not médecin traitant")
            }
            self.emit(.treatingDoctorWithdrawn(professional: professional))

        case .grantAdministrator(let professional):
            try self.requireHolderSide()
            try self.validProfessional(professional)
            try self.requireStatus([.open], "granting administrator rights")
            let state = try self.existing()
            if state.blocks[professional] != nil {
                throw DomainError(.blocked, "a blocked professional cannot be administrator", rule: "ACC-2")
            }
            guard !state.administrators.contains(professional) else {
                throw DomainError(.alreadyExists, "\(professional) already has administrator rights")
            }
            self.emit(.administratorRightsGranted(professional: professional))

        case .revokeAdministrator(let professional):
            try self.requireHolderSide()
            try self.requireStatus([.open], "revoking administrator rights")
            guard try self.existing().administrators.contains(professional) else {
                throw DomainError(.notFound, "\(professional) has no administrator rights")
            }
            self.emit(.administratorRightsRevoked(professional: professional))

        case .setEmergencySettings(var settings):
            try self.requireHolderSide()
            try self.requireStatus([.open], "changing emergency settings")
            if settings.maskedInEmergency && !settings.regulation && !settings.breakGlass {
                let state = try self.existing()
                if state.emergency.regulation || state.emergency.breakGlass {
                    // Both modes turned off: masked documents turn off with them (ACC-8).
                    settings.maskedInEmergency = false
                } else {
                    throw DomainError(
                        .invalidCommand, "masked documents in emergencies need one emergency mode on", rule: "ACC-8")
                }
            }
            guard try self.existing().emergency != settings else {
                throw DomainError(.wrongState, "the emergency settings are already so")
            }
            self.emit(.emergencySettingsChanged(settings: settings))

        case .consultDocumentList(let mode, let reason):
            try self.decideRead(document: nil, mode: mode, reason: reason)
        case .consultDocument(let id, let mode, let reason):
            try self.decideRead(document: id, mode: mode, reason: reason)

        case .tick:
            // Deadlines are decided by ``Decider/tick(_:now:settings:)`` across all dossiers.
            throw DomainError(.invalidCommand, "a tick is decided by the store across dossiers")
        }
    }

    // MARK: Creation (LC-1, LC-3)

    mutating func decideCreation(
        identifier: PatientIdentifier?, traits: IdentityTraits?, mode: CreationMode, expressConsent: Bool
    ) throws(DomainError) {
        switch mode {
        case .automatic:
            throw DomainError(.invalidCommand, "automatic opening happens 6 weeks after the notice (tick)", rule: "LC-1")
        case .holderRequest:
            try self.requireHolderSide()
        case .professionalWithConsent, .receptionWithConsent:
            guard self.now < Decider.optOutEra else {
                throw DomainError(
                    .wrongState, "creation by a professional or reception staff is accepted only before 2022",
                    rule: "LC-3")
            }
            guard expressConsent else {
                throw DomainError(.invalidCommand, "creation by a third person needs the holder's express consent", rule: "LC-3")
            }
            if mode == .professionalWithConsent && self.actor.role != .professional {
                throw DomainError(.notAuthorised, "mode professional_with_consent is for professionals")
            }
            if mode == .receptionWithConsent && self.actor.role != .operatorAgent {
                throw DomainError(.notAuthorised, "mode reception_with_consent is for reception staff")
            }
        }
        if self.command.dossier != nil {
            // Creation after an opposition, or early activation after a notice.
            let state = try self.existing()
            guard state.status == .opposed || state.status == .noticeSent else {
                throw DomainError(.wrongState, "the dossier is \(state.status.rawValue): it cannot be created again", rule: "LC-3")
            }
            self.emit(
                .dossierOpened(
                    mode: mode, identifier: nil, traits: nil, expressConsent: expressConsent, emergency: .defaults,
                    majorityAt: nil))
            return
        }
        guard let identifier, let traits else {
            throw DomainError(.invalidCommand, "a new dossier needs an identifier and identity traits", rule: "ID-1")
        }
        if let existing = self.context.dossierHolding(identifier) {
            throw DomainError(.alreadyExists, "\(identifier) already has dossier \(existing.rawValue)", rule: "LC-3")
        }
        let id = Decider.derivedDossierID(key: self.command.key)
        self.current = nil
        self.emit(
            .dossierOpened(
                mode: mode, identifier: identifier, traits: traits, expressConsent: expressConsent,
                emergency: .defaults, majorityAt: self.majorityAt(traits)),
            dossier: id)
    }

    // MARK: Documents (section 4)

    /// A document the actor may act on as its author (or, for the holder, as its depositor).
    func visibleDocument(_ id: String, forAuthorOnly: Bool) throws(DomainError) -> DossierState.Document {
        let state = try self.existing()
        guard let document = state.documents[id], !document.deleted else {
            throw DomainError(.notFound, "no document \(id)", rule: "ACC-11")
        }
        if forAuthorOnly && document.author != self.actor.id {
            throw DomainError(.notAuthorised, "only the document's author may do this", rule: "DOC-5")
        }
        return document
    }

    mutating func decideDeposit(
        _ metadata: DocumentMetadata, mode: AccessMode, replacing: String?
    ) throws(DomainError) {
        try validate(metadata)
        let flags = metadata.confidentiality
        if flags.contains(.maskedFromProfessionals) && flags.contains(.invisibleToPatient)
            && !self.settings.allowMaskedAndInvisible
        {
            throw DomainError(.invalidCommand, "MASQUE_PS with INVISIBLE_PATIENT is not allowed", rule: "ACC-4")
        }
        let state = try self.existing()
        var presumption = false
        switch self.actor.role {
        case .holder, .legalRepresentative:
            try self.requireHolderSide()
            try self.requireStatus([.open], "depositing")
            guard metadata.classCode == DocumentMetadata.holderClassCode else {
                throw DomainError(
                    .invalidCommand, "the holder's documents have class 90 (expression du titulaire)", rule: "DOC-7")
            }
            guard !flags.contains(.invisibleToPatient) else {
                throw DomainError(.invalidCommand, "only a professional author hides a document from the patient", rule: "ACC-6")
            }
            guard mode == .normal else { throw DomainError(.invalidCommand, "the holder deposits in normal mode") }
        case .professional:
            guard metadata.classCode != DocumentMetadata.holderClassCode else {
                throw DomainError(.invalidCommand, "class 90 documents are deposited by the holder", rule: "DOC-7")
            }
            let access = AccessPolicy.dossierAccess(
                actor: self.actor, mode: mode == .secretConnection ? .normal : mode, reason: "deposit",
                state: state, settings: self.settings, forWriting: true)
            switch access {
            case .failure(let error): throw error
            case .success(let granted): presumption = granted.presumption
            }
            if mode == .secretConnection {
                guard state.isMinor(at: self.now) else {
                    throw DomainError(.invalidCommand, "the secret connection is for minors' dossiers", rule: "ACC-7")
                }
                guard flags.contains(.invisibleToRepresentatives) else {
                    throw DomainError(
                        .invalidCommand, "a deposit in secret connection must carry INVISIBLE_REPRESENTANTS_LEGAUX",
                        rule: "ACC-7")
                }
            }
        case .operatorFeed:
            try self.requireStatus([.open], "depositing")
            guard metadata.typeCode == DocumentMetadata.reimbursementTypeCode else {
                throw DomainError(.notAuthorised, "the operator feed deposits the reimbursement history only", rule: "LC-4")
            }
        case .thirdParty:
            throw DomainError(.hardDeny, "third parties never access a dossier", rule: "ACC-10")
        default:
            throw DomainError(.notAuthorised, "the \(self.actor.role) role does not deposit documents")
        }
        if state.documents[metadata.id] != nil {
            throw DomainError(.alreadyExists, "a document \(metadata.id) already exists")
        }
        var replaced: DossierState.Document?
        if let replacing {
            guard let old = state.documents[replacing], !old.deleted else {
                throw DomainError(.notFound, "no document \(replacing)", rule: "ACC-11")
            }
            guard old.author == self.actor.id else {
                throw DomainError(.notAuthorised, "only the author replaces a document", rule: "DOC-4")
            }
            guard !old.deprecated else {
                throw DomainError(.wrongState, "document \(replacing) was already replaced", rule: "DOC-4")
            }
            if old.metadata.sha256 == metadata.sha256 {
                throw DomainError(.duplicateDocument, "the new version is unchanged", rule: "DOC-3")
            }
            replaced = old
        }
        if let duplicate = state.currentDocument(withHash: metadata.sha256), duplicate.metadata.id != replacing {
            throw DomainError(
                .duplicateDocument, "the same content is already document \(duplicate.metadata.id)", rule: "DOC-3")
        }
        if presumption { self.recordPresumption() }
        self.noteFirstAccess(state)
        let due = ParisCalendar.endOfDay(containing: metadata.dischargeAt ?? metadata.actAt)
        let late = self.now >= due
        var deadlines: ReleaseDeadlines?
        if flags.contains(.invisibleToPatient) {
            deadlines = ReleaseDeadlines(
                reminder: ParisCalendar.adding(days: 14, to: self.now),
                release: ParisCalendar.adding(months: 1, to: self.now))
        }
        if let replaced {
            self.emit(
                .documentReplaced(
                    replaced: replaced.metadata.id, document: metadata, mode: mode, late: late, deadlines: deadlines))
        } else {
            self.emit(.documentDeposited(document: metadata, mode: mode, late: late, deadlines: deadlines))
        }
        if mode == .breakGlass { self.notifyEmergency() }
        if let document = self.current?.documents[metadata.id], self.actor.role != .holder {
            self.notifyDocument(document, kind: replaced == nil ? .newDocument : .documentChanged)
        }
    }

    func validate(_ metadata: DocumentMetadata) throws(DomainError) {
        guard !metadata.id.isEmpty else { throw DomainError(.invalidCommand, "document.id: empty", rule: "DOC-1") }
        guard !metadata.typeCode.isEmpty else {
            throw DomainError(.invalidCommand, "document.typeCode: empty", rule: "DOC-1")
        }
        guard metadata.sha256.utf8.count == 64,
            metadata.sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else {
            throw DomainError(.invalidCommand, "document.sha256: expected 64 lowercase hexadecimal digits", rule: "DOC-1")
        }
        guard metadata.size >= 0 else { throw DomainError(.invalidCommand, "document.size: negative", rule: "DOC-1") }
        for (name, time) in [("createdAt", metadata.createdAt), ("actAt", metadata.actAt)]
            + (metadata.dischargeAt.map { [("dischargeAt", $0)] } ?? [])
        where !Timestamp.range.contains(time) {
            throw DomainError(.invalidCommand, "document.\(name): outside the years 0000 to 9999", rule: "DOC-1")
        }
    }

    mutating func decideDeletion(_ id: String, reason: String?) throws(DomainError) {
        let state = try self.existing()
        guard state.status != .purged else { throw DomainError(.dossierPurged, "the dossier was purged", rule: "LC-8") }
        try self.requireStatus([.open], "deleting")
        guard let document = state.documents[id], !document.deleted else {
            throw DomainError(.notFound, "no document \(id)", rule: "ACC-11")
        }
        let hasReason = !(reason ?? "").trimmingSpaces.isEmpty
        switch self.actor.role {
        case .professional where document.author == self.actor.id:
            break  // DOC-6: the author may always delete, blocked or not.
        case .holder, .legalRepresentative:
            try self.requireHolderSide()
            let right: AccessRight = self.actor.role == .holder ? .holder : .legalRepresentative
            guard AccessPolicy.sees(document, actor: self.actor, right: right, state: state, settings: self.settings)
            else { throw DomainError(.notFound, "no document \(id)", rule: "ACC-11") }
            let own = document.authorRole == .holder || document.authorRole == .legalRepresentative
            guard own || hasReason else {
                throw DomainError(
                    .reasonRequired, "deleting another's document needs a stated legitimate reason", rule: "DOC-6")
            }
        case .professional:
            let access = AccessPolicy.dossierAccess(
                actor: self.actor, mode: .normal, reason: nil, state: state, settings: self.settings)
            guard case .success(let granted) = access,
                granted.right == .treatingDoctor || granted.right == .administrator
            else {
                throw DomainError(.notAuthorised, "only the author deletes a professional's document", rule: "DOC-6")
            }
            guard hasReason else {
                throw DomainError(
                    .reasonRequired, "deleting another's document needs a stated legitimate reason", rule: "DOC-6")
            }
        case .operatorFeed where document.metadata.typeCode == DocumentMetadata.reimbursementTypeCode:
            break
        default:
            throw DomainError(.notAuthorised, "the \(self.actor.role) role does not delete documents", rule: "DOC-6")
        }
        self.emit(.documentDeleted(document: id, reason: hasReason ? reason : nil))
    }

    // MARK: Reads (ACC-1, ACC-11, TR-1)

    mutating func decideRead(document id: String?, mode: AccessMode, reason: String?) throws(DomainError) {
        let state = try self.existing()
        let access = AccessPolicy.dossierAccess(
            actor: self.actor, mode: mode, reason: reason, state: state, settings: self.settings)
        func refuse(_ error: DomainError, notFound: Bool) {
            self.emit(
                .consultationRefused(
                    document: id, mode: mode, reason: reason, refusal: error.code.rawValue, answeredNotFound: notFound))
            self.refusal = error
        }
        switch access {
        case .failure(let error):
            if error.code == .reasonRequired { throw error }
            refuse(error, notFound: false)
        case .success(let granted):
            var right = granted.right
            if let id {
                guard let document = state.documents[id],
                    AccessPolicy.sees(document, actor: self.actor, right: right, state: state, settings: self.settings)
                else {
                    // ACC-11: about a document the asker may not know of, the answer is "not found".
                    refuse(DomainError(.notFound, "no document \(id)", rule: "ACC-11"), notFound: true)
                    return
                }
                if self.actor.role == .professional && document.author == self.actor.id && !mode.isEmergency {
                    right = .author
                }
            }
            if granted.presumption { self.recordPresumption() }
            self.noteFirstAccess(state)
            if let id {
                self.emit(.documentConsulted(document: id, mode: mode, reason: reason, right: right))
            } else {
                let shown = state.documents.values.filter {
                    !$0.archived && !$0.deprecated
                        && AccessPolicy.sees($0, actor: self.actor, right: right, state: state, settings: self.settings)
                }.count
                self.emit(.documentListConsulted(mode: mode, reason: reason, right: right, shown: shown))
            }
            if mode.isEmergency { self.notifyEmergency() }
        }
    }

    // MARK: Notifications (TR-4)

    /// ACC-1: a first access under the care-team presumption is recorded as an authorisation.
    mutating func recordPresumption() {
        self.emit(.professionalAuthorised(professional: self.actor.id, basis: .careTeamPresumption))
    }

    /// TR-4: the holder is told of each professional's first access.
    mutating func noteFirstAccess(_ state: DossierState) {
        guard self.actor.role == .professional, !state.professionalsSeen.contains(self.actor.id) else { return }
        self.emit(
            .notificationSent(recipient: .holder, kind: .firstAccess, document: nil, professional: self.actor.id),
            actor: Actor.system)
    }

    /// TR-4: each emergency access is notified to the holder and the médecins traitants.
    mutating func notifyEmergency() {
        self.emit(
            .notificationSent(recipient: .holder, kind: .emergencyAccess, document: nil, professional: self.actor.id),
            actor: Actor.system)
        if let state = self.current, !state.treatingDoctors.isEmpty {
            self.emit(
                .notificationSent(
                    recipient: .treatingDoctors, kind: .emergencyAccess, document: nil, professional: self.actor.id),
                actor: Actor.system)
        }
    }

    /// TR-4: new or changed documents are notified to the holder (for a document invisible to the
    /// patient, only once released) and to representatives (unless hidden from them, ACC-7).
    mutating func notifyDocument(_ document: DossierState.Document, kind: NotificationKind) {
        if document.confidentiality.contains(.invisibleToPatient) { return }
        self.emit(
            .notificationSent(recipient: .holder, kind: kind, document: document.metadata.id, professional: nil),
            actor: Actor.system)
        if let state = self.current, !state.representatives.isEmpty,
            !document.confidentiality.contains(.invisibleToRepresentatives), !document.secret
        {
            self.emit(
                .notificationSent(
                    recipient: .legalRepresentatives, kind: kind, document: document.metadata.id, professional: nil),
                actor: Actor.system)
        }
    }
}

extension Decider {
    /// The time rules (section 3, ACC-6, LC-9): every deadline due by `now`, across all dossiers,
    /// becomes events. Dossiers are visited in id order so the result is deterministic.
    public static func tick(
        _ dossiers: some Sequence<DossierState>, now: Int64, key: String, settings: PolicySettings = PolicySettings()
    ) -> [Event] {
        var events: [Event] = []
        func emit(_ state: inout DossierState, _ payload: EventPayload) {
            let event = Event(sequence: 0, at: now, dossier: state.id, actor: .system, command: key, payload: payload)
            state.apply(event)
            events.append(event)
        }
        // Only dossiers with something due are visited, in id order (the order does not depend on
        // which others exist, so the events are the same whatever the population).
        func isDue(_ state: DossierState) -> Bool {
            if let due = state.openingDue, state.status == .noticeSent, due <= now { return true }
            if let due = state.closureDue, state.status == .suspended, due <= now { return true }
            if let due = state.purgeDue, state.status == .deletionRequested, due <= now { return true }
            if let due = state.archivedUntil, state.status == .closed, due <= now { return true }
            if let due = state.majorityAt, due <= now, state.status != .purged { return true }
            guard state.status != .purged else { return false }
            return state.documents.values.contains {
                !$0.deleted && (($0.reminderDue ?? .max) <= now || ($0.releaseDue ?? .max) <= now)
            }
        }
        for original in dossiers.filter(isDue).sorted(by: { $0.id < $1.id }) {
            var state = original
            if state.status == .noticeSent, let due = state.openingDue, due <= now {
                emit(
                    &state,
                    .dossierOpened(
                        mode: .automatic, identifier: nil, traits: nil, expressConsent: false, emergency: .defaults,
                        majorityAt: nil))
            }
            if state.status == .suspended, let due = state.closureDue, due <= now {
                emit(
                    &state,
                    .dossierClosed(reason: .fraudSuspension, archivedUntil: ParisCalendar.adding(years: 10, to: due)))
            }
            if state.status == .deletionRequested, let due = state.purgeDue, due <= now {
                emit(&state, .dossierPurged(cause: .deletionRequest))
            }
            if state.status == .closed, let due = state.archivedUntil, due <= now {
                emit(&state, .dossierPurged(cause: .archiveExpired))
            }
            if let majority = state.majorityAt, majority <= now, state.status != .purged {
                let parents = state.representatives.filter { $0.value == .parent }.keys.sorted()
                emit(&state, .majorityReached(representativesRemoved: parents))
                emit(
                    &state,
                    .notificationSent(recipient: .holder, kind: .majorityReached, document: nil, professional: nil))
            }
            guard state.status != .purged else { continue }
            for id in state.documents.keys.sorted() {
                guard let document = state.documents[id], !document.deleted else { continue }
                if let due = document.reminderDue, due <= now {
                    // ACC-6: the holder is told something awaits a consultation, without saying what.
                    emit(
                        &state,
                        .notificationSent(
                            recipient: .holder, kind: .invisibleDocumentWaiting, document: id, professional: nil))
                }
                if let due = state.documents[id]?.releaseDue, due <= now {
                    emit(&state, .documentReleased(document: id, cause: .timeout))
                    emit(
                        &state,
                        .notificationSent(recipient: .holder, kind: .newDocument, document: id, professional: nil))
                    if !state.representatives.isEmpty, !document.confidentiality.contains(.invisibleToRepresentatives),
                        !document.secret
                    {
                        emit(
                            &state,
                            .notificationSent(
                                recipient: .legalRepresentatives, kind: .newDocument, document: id, professional: nil))
                    }
                }
            }
        }
        return events
    }
}

extension String {
    var trimmingSpaces: Substring {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
