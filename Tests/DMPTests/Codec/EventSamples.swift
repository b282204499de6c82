@testable import DMP

/// One realistic event of every type, and variants that flip their optional members.
///
/// ``ordinal(_:)`` switches over every case of ``EventPayload`` without a `default`: a new case
/// does not compile until it has an ordinal, and ``all`` is then checked to cover it.
enum EventSamples {
    // MARK: Values

    /// 2026-03-02T09:14:07.120Z.
    static let at: Int64 = 1_772_442_847_120
    /// One hour, in milliseconds.
    static let hour: Int64 = 3_600_000
    /// One day, in milliseconds.
    static let day: Int64 = 86_400_000

    /// The dossier every sample is about.
    static let dossier = DossierID(rawValue: "6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b")!

    /// A physician (RPPS 99700024450) at a hospital, with every optional member of an actor.
    static let doctor = Actor(
        id: "899700024450",
        role: .professional,
        profession: .physician,
        practice: .standard,
        structure: "750712184",
        authentication: .cps,
        software: "CareSoft 4.2"
    )

    /// A SAMU regulator using e-CPS.
    static let regulator = Actor(
        id: "810001234565",
        role: .professional,
        profession: .physician,
        practice: .samuRegulator,
        structure: "130786049",
        authentication: .eCPS,
        software: "SAMU-SI 3"
    )

    /// The holder, in their space.
    static let holder = Actor.holder(software: "Mon espace santé 2.1")

    /// A parent.
    static let parent = Actor.legalRepresentative("rep-0001")

    /// A NIR (production).
    static let nir = try! PatientIdentifier("NIR:255081416802538")

    /// The same person's former NIA.
    static let nia = try! PatientIdentifier("NIA:185057800608491")

    /// A legacy INS-C.
    static let insc = try! PatientIdentifier("INSC:1234567890123456789012")

    /// A woman born in Caen with two first names.
    static let traits = try! IdentityTraits(
        birthName: "MARTIN",
        birthFirstNames: ["MARIE", "LOUISE"],
        birthDate: try! CivilDate("1955-08-14"),
        sex: .female,
        birthPlace: try! IdentityTraits.BirthPlaceCode("14118")
    )

    /// A child born in Ajaccio.
    static let childTraits = try! IdentityTraits(
        birthName: "N'DIAYE-LEFÈVRE",
        birthFirstNames: ["Zoé"],
        birthDate: try! CivilDate("2013-08-14"),
        sex: .indeterminate,
        birthPlace: try! IdentityTraits.BirthPlaceCode("2A004")
    )

    /// A discharge letter invisible to the patient, with a title that needs escaping.
    static let letter = DocumentMetadata(
        id: "DOC-2026-0001",
        typeCode: "11490-0",
        category: "CPT_REND",
        classCode: "11",
        title: "Lettre de sortie \"cardiologie\" — Hôpital Nord",
        createdAt: at - hour,
        actAt: 1_772_202_600_000,
        dischargeAt: 1_772_406_000_000,
        confidentiality: [.invisibleToPatient],
        format: "application/pdf",
        size: 48_213,
        sha256: "c973ff7dd7cc61aeb7ba99f92d22af7a184d65cc49c06041aa0524493cb59992"
    )

    /// A laboratory report with every confidentiality code and no discharge.
    static let labReport = DocumentMetadata(
        id: "DOC-2026-0002",
        typeCode: "11502-2",
        category: "BIOLOGIE",
        classCode: "11",
        title: "Bilan sanguin",
        createdAt: at,
        actAt: at - day,
        confidentiality: [.maskedFromProfessionals, .invisibleToRepresentatives],
        format: "text/plain",
        size: 0,
        sha256: String(repeating: "0123456789abcdef", count: 4)
    )

    /// The release deadlines of the letter (ACC-6).
    static let deadlines = ReleaseDeadlines(reminder: 1_773_652_447_120, release: 1_775_121_247_120)

    /// An event of the sample dossier.
    static func event(
        _ sequence: UInt64,
        _ actor: Actor,
        _ command: String,
        _ payload: EventPayload,
        at: Int64 = at
    ) -> Event {
        Event(sequence: sequence, at: at, dossier: dossier, actor: actor, command: command, payload: payload)
    }

    // MARK: Golden samples

    /// A consultation, as in the record example of ARCHITECTURE.md.
    static let consulted = event(
        1042,
        doctor,
        "consult-2026-0042",
        .documentConsulted(document: "DOC-2026-0001", mode: .normal, reason: nil, right: .careTeam)
    )

    /// A deposit of a document invisible to the patient, with its deadlines.
    static let deposited = event(
        1041,
        doctor,
        "deposit-2026-0041",
        .documentDeposited(document: letter, mode: .normal, late: false, deadlines: deadlines)
    )

    // MARK: Every type

    /// One event of every type, in the order of ``EventPayload/allTypes``.
    static let all: [Event] = [
        event(
            1,
            .operatorFeed,
            "notice-0001",
            .openingNoticeSent(
                identifier: nir,
                traits: traits,
                channel: .email,
                openingDue: at + 42 * day,
                majorityAt: nil
            )
        ),
        event(2, holder, "oppose-0001", .creationOpposed(proofID: "OPP-6f1c2a9e")),
        event(
            3,
            holder,
            "create-0001",
            .dossierOpened(
                mode: .holderRequest,
                identifier: insc,
                traits: childTraits,
                expressConsent: false,
                emergency: .defaults,
                majorityAt: 1_944_424_800_000
            )
        ),
        event(4, holder, "close-0001", .dossierClosed(reason: .holderRequest, archivedUntil: 2_088_062_047_120)),
        event(
            5,
            .operatorFeed,
            "suspend-0001",
            .dossierSuspended(reason: "Usurpation d'identité signalée", closureDue: at + 42 * day)
        ),
        event(6, holder, "lift-0001", .suspensionLifted(objection: "Je suis bien la titulaire.\nPièces jointes.")),
        event(7, holder, "reopen-0001", .dossierReopened),
        event(8, holder, "delete-0001", .deletionRequested(purgeDue: 1_780_391_647_120)),
        event(9, holder, "withdraw-0001", .deletionRequestWithdrawn),
        event(10, .system, "tick-0001", .dossierPurged(cause: .archiveExpired)),
        event(11, .system, "tick-0002", .majorityReached(representativesRemoved: ["rep-0001", "rep-0002"])),
        event(12, holder, "rectify-0001", .identityRectified(traits: traits)),
        event(13, .operatorFeed, "promote-0001", .identifierChanged(identifier: nir)),
        event(14, holder, "rep-add-0001", .legalRepresentativeAdded(representative: "rep-0001", kind: .guardian)),
        event(15, holder, "rep-remove-0001", .legalRepresentativeRemoved(representative: "rep-0002")),
        deposited,
        event(
            17,
            doctor,
            "replace-0001",
            .documentReplaced(
                replaced: "DOC-2026-0001",
                document: labReport,
                mode: .breakGlass,
                late: true,
                deadlines: nil
            )
        ),
        event(18, doctor, "archive-0001", .documentArchived(document: "DOC-2026-0002")),
        event(19, doctor, "unarchive-0001", .documentUnarchived(document: "DOC-2026-0002")),
        event(20, holder, "delete-doc-0001", .documentDeleted(document: "DOC-2026-0003", reason: "Erreur de patient")),
        event(21, holder, "mask-0001", .documentMasked(document: "DOC-2026-0002")),
        event(22, holder, "unmask-0001", .documentUnmasked(document: "DOC-2026-0002")),
        event(23, doctor, "secret-0001", .documentHiddenFromRepresentatives(document: "DOC-2026-0004")),
        event(24, .system, "tick-0003", .documentReleased(document: "DOC-2026-0001", cause: .timeout)),
        event(
            25,
            holder,
            "authorise-0001",
            .professionalAuthorised(professional: "810001234565", basis: .holderConsent)
        ),
        event(26, holder, "revoke-0001", .authorisationRevoked(professional: "810001234565")),
        event(
            27,
            holder,
            "block-0001",
            .professionalBlocked(target: "130786049", targetKind: .structure, reason: "Ancien employeur")
        ),
        event(28, holder, "unblock-0001", .professionalUnblocked(target: "130786049")),
        event(29, holder, "declare-0001", .treatingDoctorDeclared(professional: "899700024450")),
        event(30, holder, "withdraw-doctor-0001", .treatingDoctorWithdrawn(professional: "899700024450")),
        event(31, holder, "admin-0001", .administratorRightsGranted(professional: "899700024450")),
        event(32, holder, "admin-revoke-0001", .administratorRightsRevoked(professional: "899700024450")),
        event(
            33,
            holder,
            "emergency-0001",
            .emergencySettingsChanged(
                settings: EmergencySettings(regulation: false, breakGlass: true, maskedInEmergency: true)
            )
        ),
        event(
            34,
            regulator,
            "list-0001",
            .documentListConsulted(
                mode: .regulation,
                reason: "Appel au 15 : douleur thoracique",
                right: .regulation,
                shown: 12
            )
        ),
        consulted,
        event(
            36,
            regulator,
            "consult-0002",
            .consultationRefused(
                document: "DOC-2026-0001",
                mode: .regulation,
                reason: "Appel au 15",
                refusal: "masked",
                answeredNotFound: true
            )
        ),
        event(
            37,
            .system,
            "consult-0002",
            .notificationSent(
                recipient: .treatingDoctors,
                kind: .emergencyAccess,
                document: "DOC-2026-0001",
                professional: "810001234565"
            )
        ),
    ]

    /// Events whose optional members are the other way round from those in ``all``, and strings
    /// that need every kind of escape.
    static let variants: [Event] = [
        event(
            101,
            .operatorFeed,
            "notice-0002",
            .openingNoticeSent(
                identifier: nia,
                traits: childTraits,
                channel: .post,
                openingDue: at + 42 * day,
                majorityAt: 1_944_424_800_000
            )
        ),
        event(
            102,
            doctor,
            "create-0002",
            .dossierOpened(
                mode: .professionalWithConsent,
                identifier: nil,
                traits: nil,
                expressConsent: true,
                emergency: EmergencySettings(regulation: false, breakGlass: false, maskedInEmergency: false),
                majorityAt: nil
            )
        ),
        event(103, .system, "tick-0004", .majorityReached(representativesRemoved: [])),
        event(
            104,
            parent,
            "promote-0002",
            .identifierChanged(identifier: try! PatientIdentifier("NIR-TEST:185057512345673"))
        ),
        event(
            105,
            doctor,
            "deposit-0002",
            .documentDeposited(document: labReport, mode: .secretConnection, late: true, deadlines: nil)
        ),
        event(
            106,
            doctor,
            "replace-0002",
            .documentReplaced(
                replaced: "DOC-2026-0002",
                document: letter,
                mode: .normal,
                late: false,
                deadlines: deadlines
            )
        ),
        event(107, doctor, "delete-doc-0002", .documentDeleted(document: "DOC-2026-0005", reason: nil)),
        event(
            108,
            Actor(id: "op-agent-7", role: .operatorAgent, authentication: .operatorLogin),
            "list-0002",
            .documentListConsulted(mode: .normal, reason: nil, right: .holder, shown: 0)
        ),
        event(
            109,
            doctor,
            "consult-0003",
            .documentConsulted(
                document: "DOC \"quoted\"\\path\t\u{01}\u{1F}",
                mode: .breakGlass,
                reason: "Patient inconscient\r\nbris de glace — 🚑",
                right: .breakGlass
            )
        ),
        event(
            110,
            Actor(id: "mutuelle-42", role: .thirdParty, authentication: .structureCertificate),
            "consult-0004",
            .consultationRefused(
                document: nil,
                mode: .normal,
                reason: nil,
                refusal: "hard_deny",
                answeredNotFound: false
            )
        ),
        event(
            111,
            .system,
            "tick-0005",
            .notificationSent(recipient: .holder, kind: .invisibleDocumentWaiting, document: nil, professional: nil)
        ),
        event(
            UInt64.max,
            holder,
            "k",
            .dossierClosed(reason: .death, archivedUntil: -62_135_596_800_000),
            at: 253_402_300_799_999
        ),
    ]

    /// The position of a payload's type in ``EventPayload/allTypes``; a switch without `default`,
    /// so that a new case does not compile until it is listed.
    static func ordinal(_ payload: EventPayload) -> Int {
        switch payload {
        case .openingNoticeSent: 0
        case .creationOpposed: 1
        case .dossierOpened: 2
        case .dossierClosed: 3
        case .dossierSuspended: 4
        case .suspensionLifted: 5
        case .dossierReopened: 6
        case .deletionRequested: 7
        case .deletionRequestWithdrawn: 8
        case .dossierPurged: 9
        case .majorityReached: 10
        case .identityRectified: 11
        case .identifierChanged: 12
        case .legalRepresentativeAdded: 13
        case .legalRepresentativeRemoved: 14
        case .documentDeposited: 15
        case .documentReplaced: 16
        case .documentArchived: 17
        case .documentUnarchived: 18
        case .documentDeleted: 19
        case .documentMasked: 20
        case .documentUnmasked: 21
        case .documentHiddenFromRepresentatives: 22
        case .documentReleased: 23
        case .professionalAuthorised: 24
        case .authorisationRevoked: 25
        case .professionalBlocked: 26
        case .professionalUnblocked: 27
        case .treatingDoctorDeclared: 28
        case .treatingDoctorWithdrawn: 29
        case .administratorRightsGranted: 30
        case .administratorRightsRevoked: 31
        case .emergencySettingsChanged: 32
        case .documentListConsulted: 33
        case .documentConsulted: 34
        case .consultationRefused: 35
        case .notificationSent: 36
        }
    }
}
