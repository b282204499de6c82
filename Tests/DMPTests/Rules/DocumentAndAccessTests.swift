import Testing

@testable import DMP

@Suite("Document rules (DOMAIN section 4)")
struct DocumentTests {
    @Test("DOC-1 metadata is checked: id, type code, a SHA-256 of 64 hexadecimal digits, a size")
    func metadata() {
        var world = World()
        let dossier = world.openDossier()
        var bad = document("x")
        bad.sha256 = "not-a-hash"
        world.refused(.invalidCommand, doctorA, dossier, .depositDocument(document: bad, mode: .normal))
        var noType = document("y")
        noType.typeCode = ""
        world.refused(.invalidCommand, doctorA, dossier, .depositDocument(document: noType, mode: .normal))
        let events = world.ok(doctorA, dossier, .depositDocument(document: document("z"), mode: .normal))
        guard case .documentDeposited(let stored, _, _, _) = events.first(where: { $0.type == "DocumentDeposited" })?.payload
        else { Issue.record("no deposit"); return }
        #expect(stored == document("z"))
        #expect(world.state(dossier).documents["z"]?.author == doctorA.id)
    }

    @Test("DOC-2 a deposit after the day of the act (or of discharge) is accepted but flagged late")
    func lateDeposit() {
        var world = World()
        let dossier = world.openDossier()
        func late(_ events: [Event]) -> Bool? {
            for event in events { if case .documentDeposited(_, _, let late, _) = event.payload { return late } }
            return nil
        }
        #expect(late(world.ok(doctorA, dossier, .depositDocument(document: document("today"), mode: .normal))) == false)
        #expect(late(world.ok(doctorA, dossier, .depositDocument(document: document("old", actAt: start - 2 * day), mode: .normal))) == true)
        var stay = document("stay", actAt: start - 5 * day)
        stay.dischargeAt = start
        #expect(late(world.ok(doctorA, dossier, .depositDocument(document: stay, mode: .normal))) == false)
    }

    @Test("DOC-3 the same content is refused as a duplicate while the first is current")
    func duplicate() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("a", content: 1), mode: .normal))
        world.refused(.duplicateDocument, doctorB, dossier, .depositDocument(document: document("b", content: 1), mode: .normal))
        world.ok(doctorA, dossier, .deleteDocument(document: "a", reason: nil))
        world.ok(doctorB, dossier, .depositDocument(document: document("b", content: 1), mode: .normal))
    }

    @Test("DOC-4 a new version replaces the old, which becomes deprecated and stays readable; unchanged content is refused")
    func replace() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("v1", content: 1), mode: .normal))
        world.refused(.duplicateDocument, doctorA, dossier, .replaceDocument(replaced: "v1", document: document("v2", content: 1), mode: .normal))
        world.refused(.notAuthorised, doctorB, dossier, .replaceDocument(replaced: "v1", document: document("v2", content: 2), mode: .normal))
        world.ok(doctorA, dossier, .replaceDocument(replaced: "v1", document: document("v2", content: 2), mode: .normal))
        #expect(world.state(dossier).documents["v1"]?.deprecated == true)
        #expect(world.state(dossier).documents["v1"]?.replacedBy == "v2")
        #expect(world.canRead(.holder(), dossier, "v1"))
        world.refused(.wrongState, doctorA, dossier, .replaceDocument(replaced: "v1", document: document("v3", content: 3), mode: .normal))
    }

    @Test("DOC-5 the author archives and unarchives; an archived document leaves listings but stays readable")
    func archive() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("a"), mode: .normal))
        world.ok(doctorA, dossier, .depositDocument(document: document("b"), mode: .normal))
        world.refused(.notAuthorised, doctorB, dossier, .archiveDocument(document: "a"))
        world.ok(doctorA, dossier, .archiveDocument(document: "a"))
        let list = world.ok(.holder(), dossier, .consultDocumentList(mode: .normal, reason: nil))
        #expect(list.contains { if case .documentListConsulted(_, _, _, 1) = $0.payload { true } else { false } })
        #expect(world.canRead(.holder(), dossier, "a"))
        world.ok(doctorA, dossier, .unarchiveDocument(document: "a"))
        #expect(world.state(dossier).documents["a"]?.archived == false)
    }

    @Test("DOC-6 the author always deletes (even blocked); the holder deletes own documents; another's needs a reason; deletion is final")
    func delete() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("a"), mode: .normal))
        world.ok(doctorA, dossier, .depositDocument(document: document("b"), mode: .normal))
        world.ok(.holder(), dossier, .depositDocument(document: document("mine", classCode: "90"), mode: .normal))
        world.ok(.holder(), dossier, .block(target: doctorA.id, targetKind: .professional, reason: "changed doctor"))
        world.ok(doctorA, dossier, .deleteDocument(document: "a", reason: nil))
        world.ok(.holder(), dossier, .deleteDocument(document: "mine", reason: nil))
        world.refused(.reasonRequired, .holder(), dossier, .deleteDocument(document: "b", reason: nil))
        world.refused(.notAuthorised, doctorB, dossier, .deleteDocument(document: "b", reason: "error"))
        world.ok(.holder(), dossier, .deleteDocument(document: "b", reason: "wrong patient"))
        world.refused(.notFound, .holder(), dossier, .deleteDocument(document: "b", reason: "again"))
        #expect(!world.canRead(doctorA, dossier, "a"))
    }

    @Test("DOC-7 class 90 (expression du titulaire) documents are the holder's; professionals cannot deposit them")
    func holderDocuments() {
        var world = World()
        let dossier = world.openDossier()
        world.refused(.invalidCommand, .holder(), dossier, .depositDocument(document: document("x"), mode: .normal))
        world.ok(.holder(), dossier, .depositDocument(document: document("x", classCode: "90"), mode: .normal))
        world.refused(.invalidCommand, doctorA, dossier, .depositDocument(document: document("y", classCode: "90"), mode: .normal))
    }
}

@Suite("Access rules (DOMAIN section 5)")
struct AccessTests {
    @Test("ACC-1 a first access under the care-team presumption is recorded as an event and the holder is notified")
    func careTeamPresumption() {
        var world = World()
        let dossier = world.openDossier()
        let events = world.ok(doctorA, dossier, .consultDocumentList(mode: .normal, reason: nil))
        #expect(events.contains { if case .professionalAuthorised(doctorA.id, .careTeamPresumption) = $0.payload { true } else { false } })
        #expect(events.contains { if case .notificationSent(.holder, .firstAccess, nil, doctorA.id) = $0.payload { true } else { false } })
        let again = world.ok(doctorA, dossier, .consultDocumentList(mode: .normal, reason: nil))
        #expect(again.map(\.type) == ["DocumentListConsulted"], "recorded and notified once")
        world.settings.careTeamPresumption = false
        world.refused(.notAuthorised, doctorB, dossier, .consultDocumentList(mode: .normal, reason: nil))
        world.ok(.holder(), dossier, .authorise(professional: doctorB.id, basis: .holderConsent))
        world.ok(doctorB, dossier, .consultDocumentList(mode: .normal, reason: nil))
    }

    @Test("ACC-2 blocking stops reading, depositing, replacing and emergency access; a reason is required; it ends médecin-traitant status")
    func blocking() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("a", content: 1), mode: .normal))
        world.ok(.holder(), dossier, .declareTreatingDoctor(professional: doctorA.id))
        world.refused(.reasonRequired, .holder(), dossier, .block(target: doctorA.id, targetKind: .professional, reason: " "))
        let events = world.ok(.holder(), dossier, .block(target: doctorA.id, targetKind: .professional, reason: "lost trust"))
        #expect(events.map(\.type) == ["ProfessionalBlocked", "TreatingDoctorWithdrawn"])
        #expect(!world.state(dossier).treatingDoctors.contains(doctorA.id))
        #expect(!world.canRead(doctorA, dossier, "a"))
        #expect(!world.canRead(doctorA, dossier, "a", mode: .breakGlass, reason: "emergency"))
        world.refused(.blocked, doctorA, dossier, .depositDocument(document: document("b", content: 2), mode: .normal))
        world.refused(.blocked, doctorA, dossier, .replaceDocument(replaced: "a", document: document("c", content: 3), mode: .normal))
        world.ok(doctorA, dossier, .archiveDocument(document: "a"))
        world.refused(.blocked, .holder(), dossier, .authorise(professional: doctorA.id, basis: .holderConsent))
    }

    @Test("ACC-2 a structure can be blocked; an administrator blocks too; only the holder lifts a block the holder set")
    func blockRights() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(.holder(), dossier, .block(target: "690000001", targetKind: .structure, reason: "not this clinic"))
        #expect(!world.canRead(doctorB, dossier, "x"))
        world.ok(.holder(), dossier, .grantAdministrator(professional: doctorA.id))
        world.ok(doctorA, dossier, .block(target: dentist.id, targetKind: .professional, reason: "no dental care"))
        world.refused(.notAuthorised, doctorA, dossier, .unblock(target: "690000001"))
        world.ok(doctorA, dossier, .unblock(target: dentist.id))
        world.ok(.holder(), dossier, .unblock(target: "690000001"))
        world.refused(.notAuthorised, doctorB, dossier, .block(target: dentist.id, targetKind: .professional, reason: "x"))
    }

    @Test("ACC-3 a dentist does not read psychiatric summaries; a physician does (illustrative default matrix)")
    func professionMatrix() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("psy", type: "PSY_SYNTH"), mode: .normal))
        #expect(!world.canRead(dentist, dossier, "psy"))
        #expect(world.canRead(doctorB, dossier, "psy"))
        world.settings.professionMatrix = ProfessionMatrix(deniedCategories: [:], deniedTypeCodes: [:])
        #expect(world.canRead(dentist, dossier, "psy"), "the embedder replaces the matrix")
    }

    @Test("ACC-4 N is always present; MASQUE_PS with INVISIBLE_PATIENT is refused unless a setting allows it")
    func confidentialityCodes() throws {
        #expect(throws: DomainError.invalidCommand) { try Confidentiality(codes: ["MASQUE_PS"]) }
        #expect(try Confidentiality(codes: ["N", "MASQUE_PS"]) == .maskedFromProfessionals)
        #expect(Confidentiality.maskedFromProfessionals.codes == ["N", "MASQUE_PS"])
        var world = World()
        let dossier = world.openDossier()
        let both: Confidentiality = [.maskedFromProfessionals, .invisibleToPatient]
        world.refused(.invalidCommand, doctorA, dossier, .depositDocument(document: document("a", flags: both), mode: .normal))
        world.settings.allowMaskedAndInvisible = true
        world.ok(doctorA, dossier, .depositDocument(document: document("a", flags: both), mode: .normal))
    }

    @Test("ACC-5 the holder masks and unmasks at any time; a masked document stays visible to author, médecin traitant, administrators")
    func masking() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("a"), mode: .normal))
        world.ok(.holder(), dossier, .declareTreatingDoctor(professional: doctorB.id))
        world.ok(.holder(), dossier, .maskDocument(document: "a"))
        #expect(world.canRead(doctorA, dossier, "a"))
        #expect(world.canRead(doctorB, dossier, "a"))
        #expect(!world.canRead(dentist, dossier, "a"))
        world.refused(.notAuthorised, doctorA, dossier, .unmaskDocument(document: "a"))
        world.ok(.holder(), dossier, .unmaskDocument(document: "a"))
        #expect(world.canRead(dentist, dossier, "a"))
    }

    @Test("ACC-6 invisible to the patient: reminder at 2 weeks (without saying what), visible after 1 month, or earlier by the author")
    func invisibleToPatient() {
        var world = World()
        let dossier = world.openDossier()
        let deposit = world.ok(doctorA, dossier, .depositDocument(document: document("bad-news", flags: .invisibleToPatient), mode: .normal))
        #expect(!deposit.contains { if case .notificationSent(.holder, .newDocument, _, _) = $0.payload { true } else { false } },
            "no new-document notice while invisible (TR-4)")
        #expect(!world.canRead(.holder(), dossier, "bad-news"))
        let reminder = world.tick(at: ParisCalendar.adding(days: 14, to: start))
        #expect(reminder.contains { if case .notificationSent(.holder, .invisibleDocumentWaiting, _, _) = $0.payload { true } else { false } })
        #expect(!world.canRead(.holder(), dossier, "bad-news"))
        let release = world.tick(at: ParisCalendar.adding(months: 1, to: start))
        #expect(release.contains { if case .documentReleased("bad-news", .timeout) = $0.payload { true } else { false } })
        #expect(release.contains { if case .notificationSent(.holder, .newDocument, "bad-news", _) = $0.payload { true } else { false } })
        #expect(world.canRead(.holder(), dossier, "bad-news"))

        world.ok(doctorA, dossier, .depositDocument(document: document("early", flags: .invisibleToPatient), mode: .normal))
        world.refused(.notAuthorised, doctorB, dossier, .releaseDocument(document: "early"))
        world.ok(doctorA, dossier, .releaseDocument(document: "early"))
        #expect(world.canRead(.holder(), dossier, "early"))
        world.refused(.invalidCommand, .holder(), dossier, .depositDocument(document: document("h", classCode: "90", flags: .invisibleToPatient), mode: .normal))
    }

    @Test("ACC-7 a secret-connection deposit must carry INVISIBLE_REPRESENTANTS_LEGAUX; representatives see neither it nor its trace")
    func minorsSecrecy() {
        var world = World()
        let dossier = world.openDossier(person: "2100575056123", born: "2010-06-15")
        world.ok(agent, dossier, .addLegalRepresentative(representative: "father", kind: .parent))
        world.refused(.invalidCommand, doctorA, dossier, .depositDocument(document: document("c"), mode: .secretConnection))
        world.ok(doctorA, dossier, .depositDocument(document: document("c", flags: .invisibleToRepresentatives), mode: .secretConnection))
        #expect(!world.canRead(.legalRepresentative("father"), dossier, "c"))
        #expect(world.canRead(.holder(), dossier, "c"))
        world.ok(doctorA, dossier, .depositDocument(document: document("d"), mode: .normal))
        world.ok(.holder(), dossier, .hideFromRepresentatives(document: "d"))
        #expect(!world.canRead(.legalRepresentative("father"), dossier, "d"))
        let adult = world.openDossier(person: "1850575056999")
        world.refused(.invalidCommand, doctorA, adult, .depositDocument(document: document("e", flags: .invisibleToRepresentatives), mode: .secretConnection))
    }

    @Test("ACC-8 emergency switches: defaults recorded at opening; masked-in-emergency needs a mode; turning both off turns it off; reason mandatory; holder and médecin traitant notified")
    func emergency() {
        var world = World()
        let dossier = world.openDossier()
        let opened = world.log.first { $0.dossier == dossier && $0.type == "DossierOpened" }!
        guard case .dossierOpened(_, _, _, _, let recorded, _) = opened.payload else { return }
        #expect(recorded == .defaults)
        world.ok(doctorA, dossier, .depositDocument(document: document("a"), mode: .normal))
        world.ok(.holder(), dossier, .declareTreatingDoctor(professional: doctorB.id))
        world.refused(.reasonRequired, doctorA, dossier, .consultDocument(document: "a", mode: .breakGlass, reason: nil))
        let access = world.ok(dentist, dossier, .consultDocument(document: "a", mode: .breakGlass, reason: "unconscious, allergy check"))
        #expect(access.contains { if case .notificationSent(.holder, .emergencyAccess, _, dentist.id) = $0.payload { true } else { false } })
        #expect(access.contains { if case .notificationSent(.treatingDoctors, .emergencyAccess, _, dentist.id) = $0.payload { true } else { false } })
        world.refused(.notAuthorised, doctorA, dossier, .consultDocument(document: "a", mode: .regulation, reason: "call"))
        world.refused(.notAuthorised, regulator, dossier, .depositDocument(document: document("r"), mode: .regulation))
        world.ok(.holder(), dossier, .setEmergencySettings(EmergencySettings(regulation: true, breakGlass: true, maskedInEmergency: true)))
        world.ok(.holder(), dossier, .setEmergencySettings(EmergencySettings(regulation: false, breakGlass: false, maskedInEmergency: true)))
        #expect(world.state(dossier).emergency == EmergencySettings(regulation: false, breakGlass: false, maskedInEmergency: false))
        world.refused(.invalidCommand, .holder(), dossier, .setEmergencySettings(EmergencySettings(regulation: false, breakGlass: false, maskedInEmergency: true)))
        #expect(!world.canRead(dentist, dossier, "a", mode: .breakGlass, reason: "unconscious"))
        world.refused(.emergencyOpposed, regulator, dossier, .depositDocument(document: document("r"), mode: .regulation))
    }

    @Test("ACC-9 occupational and fire-brigade doctors need express, revocable consent, never inferred")
    func expressConsent() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("a"), mode: .normal))
        #expect(!world.canRead(occupational, dossier, "a"))
        world.ok(.holder(), dossier, .authorise(professional: occupational.id, basis: .expressConsent))
        #expect(world.canRead(occupational, dossier, "a"))
        world.ok(.holder(), dossier, .revokeAuthorisation(professional: occupational.id))
        #expect(!world.canRead(occupational, dossier, "a"))
    }

    @Test("ACC-10 insurers, mutuelles and employers are refused whatever the events say")
    func hardDeny() {
        var world = World()
        let dossier = world.openDossier()
        let events = world.refused(.hardDeny, insurer, dossier, .consultDocumentList(mode: .normal, reason: nil))
        #expect(events.map(\.type) == ["ConsultationRefused"])
        world.refused(.hardDeny, insurer, dossier, .depositDocument(document: document("x"), mode: .normal))
        world.refused(.invalidCommand, .holder(), dossier, .authorise(professional: insurer.id, basis: .holderConsent))
    }

    @Test("ACC-11 a refused read is journaled; about a document the asker may not know of, the answer is not found")
    func refusalsTraced() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("masked"), mode: .normal))
        world.ok(.holder(), dossier, .maskDocument(document: "masked"))
        let events = world.refused(.notFound, dentist, dossier, .consultDocument(document: "masked", mode: .normal, reason: nil))
        #expect(events.contains { if case .consultationRefused("masked", .normal, nil, "not_found", true) = $0.payload { true } else { false } })
        let blocked = world.ok(.holder(), dossier, .block(target: doctorB.id, targetKind: .professional, reason: "no"))
        #expect(!blocked.isEmpty)
        let refusal = world.refused(.blocked, doctorB, dossier, .consultDocumentList(mode: .normal, reason: nil))
        #expect(refusal.contains { if case .consultationRefused(nil, _, _, "blocked", false) = $0.payload { true } else { false } })
    }

    @Test("Order of precedence: hard deny > closed > blocked > emergency opposed")
    func precedence() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(.holder(), dossier, .block(target: doctorA.id, targetKind: .professional, reason: "no"))
        world.ok(.holder(), dossier, .setEmergencySettings(EmergencySettings(regulation: false, breakGlass: false, maskedInEmergency: false)))
        world.refused(.blocked, doctorA, dossier, .consultDocumentList(mode: .breakGlass, reason: "r"))
        world.refused(.emergencyOpposed, doctorB, dossier, .consultDocumentList(mode: .breakGlass, reason: "r"))
        world.ok(.holder(), dossier, .closeDossier(reason: .holderRequest))
        world.refused(.dossierClosed, doctorA, dossier, .consultDocumentList(mode: .breakGlass, reason: "r"))
        world.refused(.hardDeny, insurer, dossier, .consultDocumentList(mode: .normal, reason: nil))
    }
}
