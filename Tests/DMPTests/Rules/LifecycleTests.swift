import Testing

@testable import DMP

@Suite("Lifecycle rules (DOMAIN section 3)")
struct LifecycleTests {
    @Test("LC-1 a notice opens the dossier 6 weeks after it was sent, unless opposed; the deadline is in the event")
    func automaticOpening() throws {
        var world = World()
        let events = world.ok(agent, nil, .sendOpeningNotice(identifier: nir("1850575056123"), traits: traits(), channel: .email))
        let dossier = events[0].dossier
        guard case .openingNoticeSent(_, _, _, let due, _) = events[0].payload else {
            Issue.record("expected a notice")
            return
        }
        #expect(due == ParisCalendar.adding(days: 42, to: start))
        #expect(world.tick(at: due - 1).isEmpty)
        #expect(world.state(dossier).status == .noticeSent)
        let opened = world.tick(at: due)
        #expect(opened.map(\.type) == ["DossierOpened"])
        #expect(world.state(dossier).status == .open)
        #expect(world.state(dossier).creationMode == .automatic)
    }

    @Test("LC-2 opposition within the 6 weeks issues a proof; after them it is refused; an opposed person may later ask for creation")
    func opposition() {
        var world = World()
        let dossier = world.ok(agent, nil, .sendOpeningNotice(identifier: nir("1850575056123"), traits: traits(), channel: .post))[0].dossier
        world.now += 10 * day
        let events = world.ok(.holder(), dossier, .opposeCreation)
        guard case .creationOpposed(let proof) = events.first?.payload else {
            Issue.record("expected an opposition")
            return
        }
        #expect(proof.hasPrefix("OPP-"))
        #expect(world.tick(at: start + 60 * day).isEmpty, "an opposed dossier does not open by itself")
        world.ok(.holder(), dossier, .createDossier(identifier: nil, traits: nil, mode: .holderRequest, expressConsent: true))
        #expect(world.state(dossier).status == .open)

        var late = World()
        let other = late.ok(agent, nil, .sendOpeningNotice(identifier: nir("1850575056124"), traits: traits(), channel: .post))[0].dossier
        late.now += 43 * day
        late.refused(.wrongState, .holder(), other, .opposeCreation)
    }

    @Test("LC-3 creation by a professional with express consent is accepted only before 2022")
    func creationModes() {
        var before = World()
        before.now = 1_600_000_000_000  // 2020
        before.ok(doctorA, nil, .createDossier(identifier: nir("1850575056123"), traits: traits(), mode: .professionalWithConsent, expressConsent: true))
        before.refused(.invalidCommand, doctorA, nil, .createDossier(identifier: nir("1850575056124"), traits: traits(), mode: .professionalWithConsent, expressConsent: false))
        var after = World()
        after.refused(.wrongState, doctorA, nil, .createDossier(identifier: nir("1850575056123"), traits: traits(), mode: .professionalWithConsent, expressConsent: true))
        after.refused(.wrongState, agent, nil, .createDossier(identifier: nir("1850575056123"), traits: traits(), mode: .receptionWithConsent, expressConsent: true))
    }

    @Test("LC-3 a person has one live dossier; after a purge a new dossier (new id) can be created")
    func recreationAfterPurge() {
        var world = World()
        let first = world.openDossier(person: "1850575056123")
        world.refused(.alreadyExists, .holder(), nil, .createDossier(identifier: nir("1850575056123"), traits: traits(), mode: .holderRequest, expressConsent: true))
        world.ok(.holder(), first, .closeDossier(reason: .holderRequest))
        world.ok(.holder(), first, .requestDeletion)
        _ = world.tick(at: ParisCalendar.adding(months: 3, to: world.now))
        #expect(world.state(first).status == .purged)
        let second = world.ok(.holder(), nil, .createDossier(identifier: nir("1850575056123"), traits: traits(), mode: .holderRequest, expressConsent: true), )
        #expect(second.first?.dossier != first)
    }

    @Test("LC-4 the operator feed deposits the reimbursement history (REMB), nothing else")
    func reimbursementHistory() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(.operatorFeed, dossier, .depositDocument(document: document("remb-1", category: "REMB", type: "REMB"), mode: .normal))
        world.refused(.notAuthorised, .operatorFeed, dossier, .depositDocument(document: document("cr-1"), mode: .normal))
    }

    @Test("LC-5 closure by the holder, on death by the operator, and after a fraud suspension left 6 weeks without objection")
    func closures() {
        var world = World()
        let a = world.openDossier(person: "1850575056123")
        world.ok(.holder(), a, .closeDossier(reason: .holderRequest))
        #expect(world.state(a).closureReason == .holderRequest)
        let b = world.openDossier(person: "1850575056124")
        world.refused(.notAuthorised, .holder(), b, .closeDossier(reason: .death))
        world.ok(agent, b, .closeDossier(reason: .death))
        let c = world.openDossier(person: "1850575056125")
        world.ok(agent, c, .suspendDossier(reason: "suspected fraud"))
        _ = world.tick(at: world.now + 41 * day)
        #expect(world.state(c).status == .suspended)
        _ = world.tick(at: world.now + 2 * day)
        #expect(world.state(c).status == .closed)
        #expect(world.state(c).closureReason == .fraudSuspension)
        let d = world.openDossier(person: "1850575056126")
        world.ok(agent, d, .suspendDossier(reason: "suspected fraud"))
        world.ok(.holder(), d, .liftSuspension(objection: "I am the holder"))
        _ = world.tick(at: world.now + 50 * day)
        #expect(world.state(d).status == .open)
    }

    @Test("LC-6 a closed dossier is archived 10 years: no deposit, no read (emergency included); reopening brings the archive back whole")
    func archive() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("d1"), mode: .normal))
        world.ok(.holder(), dossier, .closeDossier(reason: .holderRequest))
        #expect(world.state(dossier).archivedUntil == ParisCalendar.adding(years: 10, to: world.now))
        world.refused(.dossierClosed, doctorA, dossier, .depositDocument(document: document("d2"), mode: .normal))
        #expect(!world.canRead(doctorA, dossier, "d1"))
        #expect(!world.canRead(doctorB, dossier, "d1", mode: .breakGlass, reason: "unconscious"))
        #expect(!world.canRead(.holder(), dossier, "d1"))
        world.ok(.holder(), dossier, .reopenDossier)
        #expect(world.canRead(.holder(), dossier, "d1"))
        _ = world.tick(at: ParisCalendar.adding(years: 11, to: world.now))
        #expect(world.state(dossier).status == .open, "an open dossier is not purged")
    }

    @Test("LC-6 LC-8 ten years after closure the content is purged")
    func archiveExpiry() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("d1"), mode: .normal))
        world.ok(.holder(), dossier, .closeDossier(reason: .holderRequest))
        _ = world.tick(at: ParisCalendar.adding(years: 10, to: world.now) - 1)
        #expect(world.state(dossier).status == .closed)
        let purge = world.tick(at: ParisCalendar.adding(years: 10, to: world.now) + day)
        #expect(purge.contains { if case .dossierPurged(.archiveExpired) = $0.payload { true } else { false } })
        #expect(world.state(dossier).documents["d1"]?.deleted == true)
        #expect(world.state(dossier).traits == nil, "identity traits go with the content")
        world.refused(.dossierPurged, .holder(), dossier, .reopenDossier)
    }

    @Test("LC-7 a deletion request after closure purges within 3 months, can be withdrawn, and blocks reopening while it stands")
    func deletionRequest() {
        var world = World()
        let dossier = world.openDossier()
        world.refused(.wrongState, .holder(), dossier, .requestDeletion)
        world.ok(.holder(), dossier, .closeDossier(reason: .holderRequest))
        world.ok(.holder(), dossier, .requestDeletion)
        world.refused(.wrongState, .holder(), dossier, .reopenDossier)
        world.ok(.holder(), dossier, .withdrawDeletionRequest)
        world.ok(.holder(), dossier, .requestDeletion)
        let due = world.state(dossier).purgeDue!
        #expect(due == ParisCalendar.adding(months: 3, to: world.now))
        #expect(world.tick(at: due - 1).isEmpty)
        _ = world.tick(at: due)
        #expect(world.state(dossier).status == .purged)
    }

    @Test("LC-8 TR-5 a purge removes content for good but never the trace of who did what")
    func purgeKeepsTraces() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("d1"), mode: .normal))
        world.ok(doctorA, dossier, .consultDocument(document: "d1", mode: .normal, reason: nil))
        world.ok(.holder(), dossier, .closeDossier(reason: .holderRequest))
        world.ok(.holder(), dossier, .requestDeletion)
        _ = world.tick(at: ParisCalendar.adding(months: 4, to: world.now))
        let (projections, states) = project(world)
        let state = states[dossier]!
        let trace = projections.trace(of: dossier, viewer: .holder, state: state)
        #expect(trace.contains { $0.type == "DocumentConsulted" && $0.actor.id == doctorA.id })
        #expect(trace.contains { $0.type == "DossierPurged" })
    }

    @Test("LC-9 at 18 the parents' access ends and the holder is told; a guardian keeps access; the date is in the event")
    func majority() {
        var world = World()
        let dossier = world.openDossier(person: "2100575056123", born: "2010-06-15")
        let majorityAt = ParisCalendar.birthday(try! CivilDate("2010-06-15"), age: 18)
        #expect(world.state(dossier).majorityAt == majorityAt)
        world.ok(agent, dossier, .addLegalRepresentative(representative: "mother", kind: .parent))
        world.ok(agent, dossier, .addLegalRepresentative(representative: "guardian", kind: .guardian))
        world.ok(doctorA, dossier, .depositDocument(document: document("d1"), mode: .normal))
        #expect(world.canRead(.legalRepresentative("mother"), dossier, "d1"))
        let events = world.tick(at: majorityAt)
        #expect(events.contains { if case .majorityReached(let removed) = $0.payload { removed == ["mother"] } else { false } })
        #expect(events.contains { if case .notificationSent(.holder, .majorityReached, _, _) = $0.payload { true } else { false } })
        #expect(!world.canRead(.legalRepresentative("mother"), dossier, "d1"))
        #expect(world.canRead(.legalRepresentative("guardian"), dossier, "d1"))
    }

    @Test("ID-3 the identifier history follows NIA to NIR promotion; an illegal change is refused")
    func identifierChange() {
        var world = World()
        let nia = try! PatientIdentifier("1850575056123" + "\(97 - Int(UInt64("1850575056123")! % 97))".leftPadded(to: 2), kind: .nia)
        let dossier = world.ok(.holder(), nil, .createDossier(identifier: nia, traits: traits(), mode: .holderRequest, expressConsent: true))[0].dossier
        world.ok(agent, dossier, .changeIdentifier(identifier: nir("1850575056123")))
        #expect(world.state(dossier).identifiers == [nia, nir("1850575056123")])
        world.refused(.invalidCommand, agent, dossier, .changeIdentifier(identifier: nia))
        #expect(world.index[nia.description] == dossier, "the old identifier still finds the dossier")
    }

    @Test("ID-2 the holder rectifies identity traits")
    func rectification() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(.holder(), dossier, .rectifyIdentity(traits: traits(name: "MARTIN")))
        #expect(world.state(dossier).traits?.birthName == "MARTIN")
        world.refused(.notAuthorised, doctorA, dossier, .rectifyIdentity(traits: traits(name: "X")))
    }
}
