@testable import DMP

/// One realistic command of every action.
///
/// ``ordinal(_:)`` switches over every case of ``Command/Action`` without a `default`: a new case
/// does not compile until it has an ordinal, and ``all`` is then checked to cover it.
enum CommandSamples {
    /// A command on the sample dossier, dated or not.
    static func command(
        _ key: String,
        _ actor: Actor,
        _ action: Command.Action,
        dossier: DossierID? = EventSamples.dossier,
        at: Int64? = EventSamples.at
    ) -> Command {
        Command(key: key, actor: actor, dossier: dossier, at: at, action: action)
    }

    /// One command of every action, in the order of ``CommandCodec/actionNames``.
    static let all: [Command] = [
        command(
            "notice-0001",
            .operatorFeed,
            .sendOpeningNotice(identifier: EventSamples.nir, traits: EventSamples.traits, channel: .email),
            dossier: nil
        ),
        command("oppose-0001", EventSamples.holder, .opposeCreation),
        command(
            "create-0001",
            EventSamples.parent,
            .createDossier(
                identifier: EventSamples.insc,
                traits: EventSamples.childTraits,
                mode: .holderRequest,
                expressConsent: false
            ),
            dossier: nil,
            at: nil
        ),
        command("close-0001", EventSamples.holder, .closeDossier(reason: .holderRequest)),
        command("suspend-0001", .operatorFeed, .suspendDossier(reason: "Usurpation d'identité signalée")),
        command("lift-0001", EventSamples.holder, .liftSuspension(objection: "Je suis bien la titulaire.")),
        command("reopen-0001", EventSamples.holder, .reopenDossier),
        command("delete-0001", EventSamples.holder, .requestDeletion),
        command("withdraw-0001", EventSamples.holder, .withdrawDeletionRequest),
        command("rectify-0001", EventSamples.holder, .rectifyIdentity(traits: EventSamples.traits)),
        command("promote-0001", .operatorFeed, .changeIdentifier(identifier: EventSamples.nir)),
        command(
            "rep-add-0001",
            EventSamples.holder,
            .addLegalRepresentative(representative: "rep-0001", kind: .parent)
        ),
        command("rep-remove-0001", EventSamples.holder, .removeLegalRepresentative(representative: "rep-0001")),
        command("deposit-0001", EventSamples.doctor, .depositDocument(document: EventSamples.letter, mode: .normal)),
        command(
            "replace-0001",
            EventSamples.doctor,
            .replaceDocument(replaced: "DOC-2026-0001", document: EventSamples.labReport, mode: .breakGlass)
        ),
        command("archive-0001", EventSamples.doctor, .archiveDocument(document: "DOC-2026-0002")),
        command("unarchive-0001", EventSamples.doctor, .unarchiveDocument(document: "DOC-2026-0002")),
        command("delete-doc-0001", EventSamples.holder, .deleteDocument(document: "DOC-2026-0003", reason: "Doublon")),
        command("mask-0001", EventSamples.holder, .maskDocument(document: "DOC-2026-0002")),
        command("unmask-0001", EventSamples.holder, .unmaskDocument(document: "DOC-2026-0002")),
        command("secret-0001", EventSamples.doctor, .hideFromRepresentatives(document: "DOC-2026-0004")),
        command("release-0001", EventSamples.doctor, .releaseDocument(document: "DOC-2026-0001")),
        command(
            "authorise-0001",
            EventSamples.holder,
            .authorise(professional: "810001234565", basis: .holderConsent)
        ),
        command("revoke-0001", EventSamples.holder, .revokeAuthorisation(professional: "810001234565")),
        command(
            "block-0001",
            EventSamples.holder,
            .block(target: "810001234565", targetKind: .professional, reason: "Ancien médecin du travail")
        ),
        command("unblock-0001", EventSamples.holder, .unblock(target: "810001234565")),
        command("declare-0001", EventSamples.holder, .declareTreatingDoctor(professional: "899700024450")),
        command("withdraw-doctor-0001", EventSamples.holder, .withdrawTreatingDoctor(professional: "899700024450")),
        command("admin-0001", EventSamples.holder, .grantAdministrator(professional: "899700024450")),
        command("admin-revoke-0001", EventSamples.holder, .revokeAdministrator(professional: "899700024450")),
        command(
            "emergency-0001",
            EventSamples.holder,
            .setEmergencySettings(EmergencySettings(regulation: true, breakGlass: false, maskedInEmergency: true))
        ),
        command(
            "list-0001",
            EventSamples.regulator,
            .consultDocumentList(mode: .regulation, reason: "Appel au 15")
        ),
        command(
            "consult-0001",
            EventSamples.doctor,
            .consultDocument(document: "DOC-2026-0001", mode: .normal, reason: nil),
            at: nil
        ),
        command("tick-0001", .system, .tick, dossier: nil),
    ]

    /// The position of an action in ``CommandCodec/actionNames``; a switch without `default`, so
    /// that a new case does not compile until it is listed.
    static func ordinal(_ action: Command.Action) -> Int {
        switch action {
        case .sendOpeningNotice: 0
        case .opposeCreation: 1
        case .createDossier: 2
        case .closeDossier: 3
        case .suspendDossier: 4
        case .liftSuspension: 5
        case .reopenDossier: 6
        case .requestDeletion: 7
        case .withdrawDeletionRequest: 8
        case .rectifyIdentity: 9
        case .changeIdentifier: 10
        case .addLegalRepresentative: 11
        case .removeLegalRepresentative: 12
        case .depositDocument: 13
        case .replaceDocument: 14
        case .archiveDocument: 15
        case .unarchiveDocument: 16
        case .deleteDocument: 17
        case .maskDocument: 18
        case .unmaskDocument: 19
        case .hideFromRepresentatives: 20
        case .releaseDocument: 21
        case .authorise: 22
        case .revokeAuthorisation: 23
        case .block: 24
        case .unblock: 25
        case .declareTreatingDoctor: 26
        case .withdrawTreatingDoctor: 27
        case .grantAdministrator: 28
        case .revokeAdministrator: 29
        case .setEmergencySettings: 30
        case .consultDocumentList: 31
        case .consultDocument: 32
        case .tick: 33
        }
    }
}
