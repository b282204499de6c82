import Testing

@testable import DMP

/// The projections of a world's log, as the store and the journal queries build them.
struct Projected {
    var entries: [DossierID: [TraceEntry]] = [:]
    var states: [DossierID: DossierState] = [:]
    var management = ManagementProjection()

    var figures: ManagementFigures { self.management.figures }

    func trace(of dossier: DossierID, viewer: TraceViewer, state: DossierState) -> [TraceEntry] {
        Traces.filter(self.entries[dossier] ?? [], viewer: viewer, state: state)
    }
}

func project(_ world: World) -> (Projected, [DossierID: DossierState]) {
    var projected = Projected()
    for event in world.log {
        var state = projected.states[event.dossier] ?? DossierState(id: event.dossier)
        state.apply(event)
        projected.states[event.dossier] = state
        projected.entries[event.dossier, default: []].append(Traces.entry(event))
        projected.management.apply(event, traits: state.traits)
    }
    return (projected, projected.states)
}

@Suite("Traces and notifications (DOMAIN section 6)")
struct TraceTests {
    @Test("TR-1 every action and consultation records who, in which role, when, what, which mode, structure and software")
    func traceContent() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("a"), mode: .normal))
        world.ok(doctorA, dossier, .consultDocument(document: "a", mode: .normal, reason: nil))
        let read = world.log.last { $0.type == "DocumentConsulted" }!
        #expect(read.actor.structure == "750712184")
        #expect(read.actor.software == "CareSoft 4.2")
        #expect(read.actor.authentication == .cps)
        #expect(read.actor.profession == .physician)
        #expect(read.at == world.now)
        guard case .documentConsulted("a", .normal, nil, .author) = read.payload else {
            Issue.record("the read names document, mode and right: \(read.payload)")
            return
        }
    }

    @Test("TR-2 the holder sees the whole trace; a professional their own actions; the médecin traitant all")
    func whoSeesTheTrace() {
        var world = World()
        let dossier = world.openDossier()
        world.ok(doctorA, dossier, .depositDocument(document: document("a"), mode: .normal))
        world.ok(dentist, dossier, .consultDocumentList(mode: .normal, reason: nil))
        world.ok(.holder(), dossier, .declareTreatingDoctor(professional: doctorB.id))
        let (projections, states) = project(world)
        let state = states[dossier]!
        let holder = projections.trace(of: dossier, viewer: .holder, state: state)
        #expect(holder.count == world.log.filter { $0.dossier == dossier }.count)
        let own = projections.trace(of: dossier, viewer: .professional(dentist.id), state: state)
        #expect(!own.isEmpty && own.allSatisfy { $0.actor.id == dentist.id })
        let treating = projections.trace(of: dossier, viewer: .professional(doctorB.id), state: state)
        #expect(treating.count == holder.count)
    }

    @Test("TR-3 entries about a document invisible to the patient are withheld until release, then appear; representatives never see hidden entries")
    func patientTraceNeverLeaks() {
        var world = World()
        let dossier = world.openDossier(person: "2100575056123", born: "2010-06-15")
        world.ok(agent, dossier, .addLegalRepresentative(representative: "mother", kind: .parent))
        world.ok(doctorA, dossier, .depositDocument(document: document("ip", flags: .invisibleToPatient), mode: .normal))
        world.ok(doctorB, dossier, .consultDocument(document: "ip", mode: .normal, reason: nil))
        world.ok(doctorA, dossier, .depositDocument(document: document("secret", flags: .invisibleToRepresentatives), mode: .secretConnection))
        var (projections, states) = project(world)
        var holder = projections.trace(of: dossier, viewer: .holder, state: states[dossier]!)
        #expect(!holder.contains { $0.document == "ip" }, "nothing names the invisible document")
        #expect(holder.contains { $0.document == "secret" }, "the minor sees their own secret care")
        let mother = projections.trace(of: dossier, viewer: .legalRepresentative("mother"), state: states[dossier]!)
        #expect(!mother.contains { $0.document == "ip" || $0.document == "secret" || $0.mode == .secretConnection })
        _ = world.tick(at: ParisCalendar.adding(days: 14, to: start))
        (projections, states) = project(world)
        holder = projections.trace(of: dossier, viewer: .holder, state: states[dossier]!)
        #expect(holder.contains { $0.type == "NotificationSent" && $0.document == nil }, "the reminder, without saying what")
        #expect(!holder.contains { $0.document == "ip" })
        world.ok(doctorA, dossier, .releaseDocument(document: "ip"))
        (projections, states) = project(world)
        holder = projections.trace(of: dossier, viewer: .holder, state: states[dossier]!)
        #expect(holder.contains { $0.type == "DocumentConsulted" && $0.document == "ip" && $0.actor.id == doctorB.id },
            "released: the earlier entries appear")
        let motherAfter = projections.trace(of: dossier, viewer: .legalRepresentative("mother"), state: states[dossier]!)
        #expect(motherAfter.contains { $0.document == "ip" })
        #expect(!motherAfter.contains { $0.document == "secret" })
    }

    @Test("TR-4 notifications: first access, emergency (holder and médecin traitant), new documents; representatives obey ACC-7")
    func notifications() {
        var world = World()
        let dossier = world.openDossier(person: "2100575056123", born: "2010-06-15")
        world.ok(agent, dossier, .addLegalRepresentative(representative: "mother", kind: .parent))
        let first = world.ok(doctorA, dossier, .depositDocument(document: document("a"), mode: .normal))
        #expect(first.contains { if case .notificationSent(.holder, .firstAccess, _, doctorA.id) = $0.payload { true } else { false } })
        #expect(first.contains { if case .notificationSent(.holder, .newDocument, "a", _) = $0.payload { true } else { false } })
        #expect(first.contains { if case .notificationSent(.legalRepresentatives, .newDocument, "a", _) = $0.payload { true } else { false } })
        let secret = world.ok(doctorA, dossier, .depositDocument(document: document("s", flags: .invisibleToRepresentatives), mode: .secretConnection))
        #expect(secret.contains { if case .notificationSent(.holder, .newDocument, "s", _) = $0.payload { true } else { false } })
        #expect(!secret.contains { if case .notificationSent(.legalRepresentatives, _, _, _) = $0.payload { true } else { false } })
        let replaced = world.ok(doctorA, dossier, .replaceDocument(replaced: "a", document: document("a2"), mode: .normal))
        #expect(replaced.contains { if case .notificationSent(.holder, .documentChanged, "a2", _) = $0.payload { true } else { false } })
    }

    @Test("Section 8: management figures count openings, oppositions, closures, documents and accesses, never naming a document")
    func managementFigures() {
        var world = World()
        let a = world.openDossier(person: "1850575056123")
        world.ok(doctorA, a, .depositDocument(document: document("x", category: "BIOLOGIE"), mode: .normal))
        world.ok(doctorB, a, .consultDocument(document: "x", mode: .breakGlass, reason: "r"))
        world.refused(.hardDeny, insurer, a, .consultDocumentList(mode: .normal, reason: nil))
        let b = world.ok(agent, nil, .sendOpeningNotice(identifier: nir("1850575056124"), traits: traits(), channel: .email))[0].dossier
        world.ok(.holder(), b, .opposeCreation)
        world.ok(.holder(), a, .closeDossier(reason: .holderRequest))
        let figures = project(world).0.figures
        #expect(figures.openingsByMode == ["holder_request": 1])
        #expect(figures.openingsByDepartement == ["75": 1])
        #expect(figures.noticesSent == 1 && figures.oppositions == 1)
        #expect(figures.closuresByReason == ["holder_request": 1])
        #expect(figures.documentsByCategory == ["BIOLOGIE": 1])
        #expect(figures.accessesByMode["break_glass"] == 1)
        #expect(figures.refusedAccesses == 1)
        #expect(!"\(figures)".contains("\"x\""))
    }
}
