/// Settings of the rules that DOMAIN.md leaves to the embedder (*choice*), with documented defaults.
public struct PolicySettings: Sendable {
    /// Allow `MASQUE_PS` together with `INVISIBLE_PATIENT` (ACC-4). Default: `false`.
    public var allowMaskedAndInvisible = false
    /// The age at which parents' access ends (LC-9). Default: 18.
    public var majorityAge = 18
    /// Presume care-team membership at a professional's first access (ACC-1). Default: `true`.
    public var careTeamPresumption = true
    /// What each profession may read (ACC-3). Default: ``ProfessionMatrix/illustrative``.
    public var professionMatrix = ProfessionMatrix.illustrative

    /// The defaults.
    public init() {}
}

/// What each profession may read, by document category and type (ACC-3).
///
/// The legal table (arrêté of 26 October 2023) is not available offline; the default shipped here
/// is **illustrative**, labelled as such, and an embedder replaces it with the real one.
public struct ProfessionMatrix: Sendable {
    /// Categories a profession may not read, by TRE_G15 code. Professions not listed read all.
    public var deniedCategories: [String: Set<String>]
    /// Type codes a profession may not read, by TRE_G15 code.
    public var deniedTypeCodes: [String: Set<String>]

    /// Creates a matrix.
    public init(deniedCategories: [String: Set<String>], deniedTypeCodes: [String: Set<String>]) {
        self.deniedCategories = deniedCategories
        self.deniedTypeCodes = deniedTypeCodes
    }

    /// An illustrative default: physicians read everything; dentists not psychiatric summaries
    /// (type code `PSY_SYNTH`) nor advance directives; pharmacists, nurses and physiotherapists a
    /// narrower set. Not the legal table.
    public static let illustrative = ProfessionMatrix(
        deniedCategories: [
            Profession.dentist.code: ["DIR_ANT"],
            Profession.pharmacist.code: ["DIR_ANT", "RADIO_SC", "CERT_MED", "DOC_ADM"],
            Profession.nurse.code: ["DIR_ANT", "DOC_ADM"],
            Profession.physiotherapist.code: ["DIR_ANT", "DOC_ADM", "BIOLOGIE", "REMB"],
            Profession.midwife.code: ["DOC_ADM"],
        ],
        deniedTypeCodes: [
            Profession.dentist.code: ["PSY_SYNTH"],
            Profession.pharmacist.code: ["PSY_SYNTH"],
            Profession.nurse.code: ["PSY_SYNTH"],
            Profession.physiotherapist.code: ["PSY_SYNTH"],
        ])

    /// Whether `profession` may read a document of this category and type.
    public func allows(_ profession: Profession?, category: String, typeCode: String) -> Bool {
        guard let profession else { return false }
        if self.deniedCategories[profession.code]?.contains(category) == true { return false }
        if self.deniedTypeCodes[profession.code]?.contains(typeCode) == true { return false }
        return true
    }
}

/// The access policy (section 5): who may open a dossier and see which document. The one place
/// where ACC-1 to ACC-11 and the order of precedence are decided.
///
/// Order of precedence: hard deny (ACC-10) > dossier closed or purged > blocked (ACC-2) >
/// emergency mode opposed (ACC-8) > roles and flags (the access matrix).
public enum AccessPolicy {
    /// The right under which `actor` may open the dossier in `mode`, or why not.
    ///
    /// - Returns: the right, and whether it is a care-team presumption used for the first time
    ///   (to be recorded, ACC-1).
    public static func dossierAccess(
        actor: Actor, mode: AccessMode, reason: String?, state: DossierState, settings: PolicySettings,
        forWriting: Bool = false
    ) -> Result<(right: AccessRight, presumption: Bool), DomainError> {
        // 1. Hard deny, whatever the events say (ACC-10).
        if actor.role == .thirdParty {
            return .failure(
                DomainError(
                    .hardDeny, "insurers, mutuelles, employers and other third parties never access a dossier",
                    rule: "ACC-10"))
        }
        guard actor.role == .holder || actor.role == .legalRepresentative || actor.role == .professional else {
            return .failure(
                DomainError(.notAuthorised, "the \(actor.role) role never reads documents", rule: "ACC-10"))
        }
        // 2. Dossier closed or purged (LC-6, LC-8).
        switch state.status {
        case .open: break
        case .purged:
            return .failure(DomainError(.dossierPurged, "the dossier's content was purged", rule: "LC-8"))
        case .closed, .deletionRequested:
            return .failure(
                DomainError(.dossierClosed, "the dossier is closed: nothing can be read or deposited", rule: "LC-6"))
        case .suspended:
            return .failure(DomainError(.dossierClosed, "the dossier is suspended", rule: "LC-5"))
        case .noticeSent, .opposed:
            return .failure(DomainError(.wrongState, "the dossier is not open", rule: "LC-1"))
        }
        switch actor.role {
        case .holder:
            return .success((.holder, false))
        case .legalRepresentative:
            guard state.representatives[actor.id] != nil else {
                return .failure(
                    DomainError(.notAuthorised, "\(actor.id) is not a legal representative of this dossier", rule: "LC-9"))
            }
            return .success((.legalRepresentative, false))
        default:
            break
        }
        // 3. Blocked (ACC-2): the professional, or their structure.
        if state.blocks[actor.id] != nil || actor.structure.map({ state.blocks[$0] != nil }) == true {
            return .failure(DomainError(.blocked, "the holder blocked this professional or structure", rule: "ACC-2"))
        }
        // 4. Emergency modes (ACC-8).
        if mode.isEmergency {
            if mode == .regulation && !state.emergency.regulation {
                return .failure(DomainError(.emergencyOpposed, "the holder opposed access in regulation mode", rule: "ACC-8"))
            }
            if mode == .breakGlass && !state.emergency.breakGlass {
                return .failure(DomainError(.emergencyOpposed, "the holder opposed bris-de-glace access", rule: "ACC-8"))
            }
            if mode == .regulation && actor.practice != .samuRegulator {
                return .failure(
                    DomainError(.notAuthorised, "regulation mode is for SAMU regulators (centre 15)", rule: "ACC-8"))
            }
            if mode == .regulation && forWriting {
                return .failure(DomainError(.notAuthorised, "regulation mode is read only", rule: "ACC-8"))
            }
            guard let reason, !reason.isEmpty else {
                return .failure(DomainError(.reasonRequired, "an emergency access must state its reason", rule: "ACC-8"))
            }
            return .success((mode == .regulation ? .regulation : .breakGlass, false))
        }
        // 5. Roles (ACC-1, ACC-9).
        if state.treatingDoctors.contains(actor.id) { return .success((.treatingDoctor, false)) }
        if state.administrators.contains(actor.id) { return .success((.administrator, false)) }
        if let basis = state.authorisations[actor.id] {
            switch basis {
            case .holderConsent: return .success((.authorised, false))
            case .careTeamPresumption: return .success((.careTeam, false))
            case .expressConsent: return .success((.expressConsent, false))
            }
        }
        if actor.practice?.needsExpressConsent == true {
            return .failure(
                DomainError(
                    .notAuthorised, "occupational and fire-brigade doctors need the holder's express consent",
                    rule: "ACC-9"))
        }
        if actor.practice == .samuRegulator {
            return .failure(DomainError(.notAuthorised, "a SAMU regulator reads in regulation mode only", rule: "ACC-8"))
        }
        if settings.careTeamPresumption {
            return .success((.careTeam, true))
        }
        return .failure(DomainError(.notAuthorised, "this professional is not authorised on this dossier", rule: "ACC-1"))
    }

    /// Whether a viewer holding `right` sees `document` (the access matrix, ACC-3 to ACC-7).
    /// Deleted documents are seen by nobody. The author always sees their own documents.
    public static func sees(
        _ document: DossierState.Document, actor: Actor, right: AccessRight, state: DossierState,
        settings: PolicySettings
    ) -> Bool {
        if document.deleted { return false }
        if actor.role == .professional && document.author == actor.id { return true }
        let flags = document.confidentiality
        switch right {
        case .author, .treatingDoctor, .administrator:
            return true
        case .holder:
            return !flags.contains(.invisibleToPatient)
        case .legalRepresentative:
            return !flags.contains(.invisibleToPatient) && !flags.contains(.invisibleToRepresentatives)
                && !document.secret
        case .authorised, .careTeam, .expressConsent:
            return !flags.contains(.maskedFromProfessionals)
                && settings.professionMatrix.allows(
                    actor.profession, category: document.metadata.category, typeCode: document.metadata.typeCode)
        case .regulation, .breakGlass:
            return (!flags.contains(.maskedFromProfessionals) || state.emergency.maskedInEmergency)
                && settings.professionMatrix.allows(
                    actor.profession, category: document.metadata.category, typeCode: document.metadata.typeCode)
        }
    }
}
