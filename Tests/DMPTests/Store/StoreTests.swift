import DMPJournal
import Foundation
import Synchronization
import Testing

@testable import DMP

/// A repeatable random number generator (SplitMix64), so a failing seed replays.
struct Seeded: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func temporaryJournal() -> (directory: String, path: String) {
    let directory = FileManager.default.temporaryDirectory.path + "/dmp-store-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return (directory, directory + "/dmp.dmpj")
}

func storeConfiguration() -> DMPStore.Configuration {
    var configuration = DMPStore.Configuration()
    configuration.journal.durability = .noSync
    configuration.clock = { start }
    return configuration
}

/// A random, mostly plausible command over a small population, seeded: the first steps create
/// dossiers (one of them a minor's, one only notified); later steps pick an action and, four
/// times out of five, an actor who may plausibly do it (the fifth exercises refusals).
func randomCommand(_ rng: inout Seeded, step: Int, dossiers: [DossierID], time: Int64) -> Command {
    let professionals = [doctorA, doctorB, dentist, regulator, occupational]
    let everyone: [Actor] = professionals + [.holder(), .legalRepresentative("mother"), agent, .operatorFeed, insurer]
    switch step {
    case 0, 1:
        return Command(key: "c-\(step)", actor: .holder(), at: time, action: .createDossier(identifier: nir("185057505610\(step)"), traits: traits(born: step == 0 ? "1980-01-01" : "2012-03-01"), mode: .holderRequest, expressConsent: true))
    case 2:
        return Command(key: "c-2", actor: agent, at: time, action: .sendOpeningNotice(identifier: nir("1850575056102"), traits: traits(), channel: .email))
    case 3 where dossiers.count > 1:
        return Command(key: "c-3", actor: agent, dossier: dossiers[1], at: time, action: .addLegalRepresentative(representative: "mother", kind: .parent))
    default:
        break
    }
    let dossier = dossiers.randomElement(using: &rng)
    let doc = "doc-\(Int.random(in: 0..<10, using: &rng))"
    let flagsChoices: [Confidentiality] = [[], [], [], .invisibleToPatient, .invisibleToRepresentatives]
    let flags = flagsChoices.randomElement(using: &rng)!
    let modes: [AccessMode] = [.normal, .normal, .normal, .normal, .breakGlass, .regulation, .secretConnection]
    let mode = modes.randomElement(using: &rng)!
    let reason: String? = Int.random(in: 0..<4, using: &rng) > 0 ? "reason \(step)" : nil
    let professional = professionals.randomElement(using: &rng)!
    let holderSide: Actor = Bool.random(using: &rng) ? .holder() : .legalRepresentative("mother")
    var actor: Actor
    let action: Command.Action
    switch Int.random(in: 0..<26, using: &rng) {
    case 0: (actor, action) = (holderSide, .opposeCreation)
    case 1: (actor, action) = (holderSide, .createDossier(identifier: nil, traits: nil, mode: .holderRequest, expressConsent: true))
    case 2: (actor, action) = (holderSide, .closeDossier(reason: .holderRequest))
    case 3: (actor, action) = (holderSide, .reopenDossier)
    case 4: (actor, action) = (holderSide, .requestDeletion)
    case 5, 6, 7, 8: (actor, action) = (professional, .depositDocument(document: document(doc, content: Int.random(in: 0..<30, using: &rng), flagsFix: flags), mode: mode))
    case 9: (actor, action) = (professional, .replaceDocument(replaced: doc, document: document("v-\(step)", content: 100 + step), mode: .normal))
    case 10: (actor, action) = (Bool.random(using: &rng) ? professional : holderSide, .deleteDocument(document: doc, reason: reason))
    case 11: (actor, action) = (holderSide, .maskDocument(document: doc))
    case 12: (actor, action) = (professional, .releaseDocument(document: doc))
    case 13: (actor, action) = (holderSide, .authorise(professional: professional.id, basis: Bool.random(using: &rng) ? .holderConsent : .expressConsent))
    case 14: (actor, action) = (holderSide, .block(target: professional.id, targetKind: .professional, reason: "r"))
    case 15: (actor, action) = (holderSide, .unblock(target: professional.id))
    case 16: (actor, action) = (holderSide, .declareTreatingDoctor(professional: professional.id))
    case 17: (actor, action) = (holderSide, .setEmergencySettings(EmergencySettings(regulation: Bool.random(using: &rng), breakGlass: Bool.random(using: &rng), maskedInEmergency: Bool.random(using: &rng))))
    case 18, 19, 20: (actor, action) = (Bool.random(using: &rng) ? professional : holderSide, .consultDocument(document: doc, mode: mode, reason: reason))
    case 21: (actor, action) = (professional, .consultDocumentList(mode: mode, reason: reason))
    case 22: (actor, action) = (professional, .archiveDocument(document: doc))
    case 23: (actor, action) = (.operatorFeed, .depositDocument(document: document("remb-\(step)", category: "REMB", type: "REMB", content: 500 + step), mode: .normal))
    case 24: (actor, action) = (agent, .suspendDossier(reason: "check"))
    default: return Command(key: "tick-\(step)", actor: .system, at: time, action: .tick)
    }
    if Int.random(in: 0..<5, using: &rng) == 0 { actor = everyone.randomElement(using: &rng)! }
    return Command(key: "c-\(step)", actor: actor, dossier: dossier, at: time, action: action)
}

func document(_ id: String, content: Int, flagsFix flags: Confidentiality) -> DocumentMetadata {
    document(id, flags: flags.contains(.maskedFromProfessionals) && flags.contains(.invisibleToPatient) ? [] : flags, content: content)
}

@Suite("The store: durability, replay, idempotency, concurrency, time")
struct StoreTests {
    @Test("replay equals live: seeded random histories, replayed from disk, give identical states, traces and figures", arguments: 0..<200)
    func replayEqualsLive(seed: Int) async throws {
        let (directory, path) = temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var rng = Seeded(state: UInt64(seed))
        let store = try await DMPStore.open(at: path, configuration: storeConfiguration())
        var dossiers: [DossierID] = []
        var time = start
        var snapshots: [(Int64, [DossierID: DossierState])] = []
        for step in 0..<150 {
            time += Int64.random(in: 0...(2 * day), using: &rng)
            let command = randomCommand(&rng, step: step, dossiers: dossiers, time: time)
            if let events = try? await store.execute(command) {
                for event in events where !dossiers.contains(event.dossier) { dossiers.append(event.dossier) }
            }
            if step % 50 == 49 {
                var states: [DossierID: DossierState] = [:]
                for id in await store.dossierIDs() { states[id] = await store.state(of: id) }
                snapshots.append((time, states))
            }
        }
        let liveIDs = await store.dossierIDs()
        var live: [DossierID: DossierState] = [:]
        var liveTraces: [DossierID: [TraceEntry]] = [:]
        for id in liveIDs {
            live[id] = await store.state(of: id)
            liveTraces[id] = try await store.trace(of: id, viewer: .holder)
        }
        let liveFigures = await store.managementFigures()
        if seed < 3 { print("seed \(seed): \(liveIDs.count) dossiers, \(await store.lastSequence) events") }
        try await store.close()

        let replayed = try await DMPStore.open(at: path, configuration: storeConfiguration())
        #expect(await replayed.dossierIDs() == liveIDs)
        for id in liveIDs {
            #expect(await replayed.state(of: id) == live[id], "seed \(seed): dossier \(id)")
            #expect(try await replayed.trace(of: id, viewer: .holder) == liveTraces[id], "seed \(seed): trace of \(id)")
        }
        #expect(await replayed.managementFigures() == liveFigures)
        try await replayed.close()
        // Time travel: the state as of T equals the live state at T.
        for (time, states) in snapshots {
            for (id, state) in states {
                let past = try History.state(of: id, asOf: time, journal: path)
                #expect(past == state, "seed \(seed): \(id) as of \(time)")
            }
        }
    }

    @Test("DOC-3 a retried command is acknowledged once and gets its original outcome; the same key for another command is refused")
    func idempotency() async throws {
        let (directory, path) = temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var store = try await DMPStore.open(at: path, configuration: storeConfiguration())
        let create = Command(key: "create", actor: .holder(), action: .createDossier(identifier: nir("1850575056123"), traits: traits(), mode: .holderRequest, expressConsent: true))
        let first = try await store.execute(create)
        let again = try await store.execute(create)
        #expect(first == again)
        #expect(await store.lastSequence == UInt64(first.count))
        let other = Command(key: "create", actor: .holder(), action: .createDossier(identifier: nir("1850575056124"), traits: traits(), mode: .holderRequest, expressConsent: true))
        await #expect(throws: DomainError.idempotencyConflict) { try await store.execute(other) }
        let dossier = first[0].dossier
        let deposit = Command(key: "deposit", actor: doctorA, dossier: dossier, action: .depositDocument(document: document("a"), mode: .normal))
        let deposited = try await store.execute(deposit)
        try await store.close()
        store = try await DMPStore.open(at: path, configuration: storeConfiguration())
        #expect(try await store.execute(deposit) == deposited, "after a restart too")
        try await store.close()
    }

    @Test("concurrent commands on one dossier never decide on stale state: one of each duplicate is accepted, sequence numbers are gapless")
    func concurrency() async throws {
        let (directory, path) = temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = storeConfiguration()
        configuration.journal.durability = .syncEveryCommit
        let store = try await DMPStore.open(at: path, configuration: configuration)
        let dossier = try await store.execute(Command(key: "create", actor: .holder(), action: .createDossier(identifier: nir("1850575056123"), traits: traits(), mode: .holderRequest, expressConsent: true)))[0].dossier
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                group.addTask {
                    // 20 distinct contents, each submitted 10 times under different document ids.
                    let command = Command(key: "d\(i)", actor: doctorA, dossier: dossier, action: .depositDocument(document: document("doc-\(i)", content: i % 20), mode: .normal))
                    return (try? await store.execute(command)) != nil
                }
            }
            var accepted = 0
            for await ok in group where ok { accepted += 1 }
            return accepted
        }
        #expect(outcomes == 20)
        let state = await store.state(of: dossier)!
        #expect(state.documents.count == 20)
        let last = await store.lastSequence
        try await store.close()
        var sequences: [UInt64] = []
        try History.forEachEvent(journal: path) { sequences.append($0.sequence) }
        #expect(sequences == Array(1...last))
        let replayed = try await DMPStore.open(at: path, configuration: storeConfiguration())
        #expect(await replayed.state(of: dossier) == state)
        try await replayed.close()
    }

    @Test("Time: a scripted command dated before the last event is refused; a clock stepping back is clamped and counted")
    func timeNeverGoesBack() async throws {
        let (directory, path) = temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = Clock()
        var configuration = storeConfiguration()
        configuration.clock = { clock.now }
        let store = try await DMPStore.open(at: path, configuration: configuration)
        let dossier = try await store.execute(Command(key: "create", actor: .holder(), at: start + day, action: .createDossier(identifier: nir("1850575056123"), traits: traits(), mode: .holderRequest, expressConsent: true)))[0].dossier
        await #expect(throws: DomainError.timeReversed) {
            try await store.execute(Command(key: "late", actor: doctorA, dossier: dossier, at: start, action: .consultDocumentList(mode: .normal, reason: nil)))
        }
        clock.now = start  // before the last event
        let events = try await store.execute(Command(key: "clock", actor: doctorA, dossier: dossier, action: .consultDocumentList(mode: .normal, reason: nil)))
        #expect(events.allSatisfy { $0.at == start + day })
        #expect(await store.clampedClockReadings == 1)
        try await store.close()
    }

    @Test("ACC-11 a refused read is journaled and the store stays usable; an invalid command appends nothing")
    func refusals() async throws {
        let (directory, path) = temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await DMPStore.open(at: path, configuration: storeConfiguration())
        let dossier = try await store.execute(Command(key: "create", actor: .holder(), action: .createDossier(identifier: nir("1850575056123"), traits: traits(), mode: .holderRequest, expressConsent: true)))[0].dossier
        let before = await store.lastSequence
        await #expect(throws: DomainError.hardDeny) {
            try await store.execute(Command(key: "insurer", actor: insurer, dossier: dossier, action: .consultDocumentList(mode: .normal, reason: nil)))
        }
        #expect(await store.lastSequence == before + 1, "the refusal is in the journal")
        await #expect(throws: DomainError.unknownDossier) {
            try await store.execute(Command(key: "nowhere", actor: doctorA, dossier: DossierID(rawValue: "00000000-0000-4000-8000-000000000000")!, action: .consultDocumentList(mode: .normal, reason: nil)))
        }
        await #expect(throws: DomainError.invalidCommand) {
            try await store.execute(Command(key: "bad-actor", actor: Actor(id: "123", role: .professional, profession: .physician, authentication: .cps), dossier: dossier, action: .consultDocumentList(mode: .normal, reason: nil)))
        }
        var odd = doctorA
        odd.practice = Actor.Practice(rawValue: "astrologer")
        await #expect(throws: DomainError.invalidCommand, "a value replay could not read is refused up front") {
            try await store.execute(Command(key: "odd", actor: odd, dossier: dossier, action: .consultDocumentList(mode: .normal, reason: nil)))
        }
        await #expect(throws: DomainError.invalidCommand) {
            try await store.execute(Command(key: "odd-mode", actor: doctorA, dossier: dossier, action: .consultDocumentList(mode: AccessMode(rawValue: "telepathy"), reason: nil)))
        }
        #expect(await store.lastSequence == before + 1, "invalid commands append nothing")
        try await store.execute(Command(key: "after", actor: .holder(), dossier: dossier, action: .consultDocumentList(mode: .normal, reason: nil)))
        try await store.close()
    }

    @Test("ID-3 looking a dossier up by an old identifier finds it")
    func lookupByOldIdentifier() async throws {
        let (directory, path) = temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await DMPStore.open(at: path, configuration: storeConfiguration())
        let nia = try PatientIdentifier("1850575056123" + String(97 - Int(UInt64("1850575056123")! % 97)).leftPadded(to: 2), kind: .nia)
        let dossier = try await store.execute(Command(key: "create", actor: .holder(), action: .createDossier(identifier: nia, traits: traits(), mode: .holderRequest, expressConsent: true)))[0].dossier
        try await store.execute(Command(key: "promote", actor: agent, dossier: dossier, action: .changeIdentifier(identifier: nir("1850575056123"))))
        #expect(await store.dossier(for: nia) == dossier)
        #expect(await store.dossier(for: nir("1850575056123")) == dossier)
        try await store.close()
    }

    @Test("bodies live beside the journal, addressed by SHA-256, checked when read")
    func bodies() throws {
        let (directory, path) = temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bodies = BodyStore(journalPath: path)
        let content = Array("<ClinicalDocument>...</ClinicalDocument>".utf8)
        let digest = try bodies.put(content)
        #expect(digest.count == 64)
        #expect(try bodies.get(digest) == content)
        _ = FileManager.default.createFile(atPath: bodies.directory + "/" + digest, contents: Data("tampered".utf8))
        #expect(throws: DomainError.code(.storageFailed)) { _ = try bodies.get(digest) }
        #expect(throws: DomainError.notFound) { _ = try bodies.get(String(repeating: "0", count: 64)) }
    }

    @Test("the same body stored from many threads at once: every call succeeds, one file, no temporary left")
    func concurrentBodies() throws {
        let (directory, path) = temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bodies = BodyStore(journalPath: path)
        let contents = [[UInt8](repeating: 7, count: 1 << 20)]
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 32) { index in
            let content = contents[index % contents.count]
            do {
                let digest = try bodies.put(content)
                if try bodies.get(digest) != content { failures.withLock { $0.append("\(index): wrong bytes") } }
            } catch {
                failures.withLock { $0.append("\(index): \(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let files = try FileManager.default.contentsOfDirectory(atPath: bodies.directory)
        #expect(files.count == contents.count, "\(files)")
    }

    @Test("opening a store removes body temporary files a crash left, never those of a live process")
    func abandonedBodyTemporaries() async throws {
        let (directory, path) = temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bodies = BodyStore(journalPath: path)
        let digest = try bodies.put(Array("a body".utf8))
        let abandoned = bodies.directory + "/" + String(repeating: "b", count: 64) + ".tmp-2147483646-1"
        let live = bodies.directory + "/" + String(repeating: "c", count: 64) + ".tmp-\(getpid())-2"
        #expect(FileManager.default.createFile(atPath: abandoned, contents: Data("half".utf8)))
        #expect(FileManager.default.createFile(atPath: live, contents: Data("writing".utf8)))
        let store = try await DMPStore.open(at: path, configuration: storeConfiguration())
        try await store.close()
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(try bodies.get(digest) == Array("a body".utf8))
    }
}

/// A settable clock for tests.
final class Clock: Sendable {
    private let value = Mutex<Int64>(start)
    var now: Int64 {
        get { self.value.withLock { $0 } }
        set { self.value.withLock { $0 = newValue } }
    }
}
