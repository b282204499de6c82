import DMPJournal
import Foundation
import Testing

@testable import DMP

/// The two-thread replay (decode on the caller's thread, fold on another) builds exactly the state
/// the one-thread fold builds, on histories long enough to fill many hand-offs.
@Suite("Replay on two threads")
struct ReplayPipelineTests {
    /// A busy journal: `dossiers` people who authorise a physician, then `steps` seeded rounds of
    /// deposits, reads, refused reads, masking and ticks. Returns its path and directory.
    static func history(seed: UInt64, dossiers count: Int = 8, steps: Int) async throws -> (directory: String, path: String) {
        let (directory, path) = temporaryJournal()
        var rng = Seeded(state: seed)
        let store = try await DMPStore.open(at: path, configuration: storeConfiguration())
        var time = start
        var dossiers: [DossierID] = []
        for index in 0..<count {
            time += 1000
            let identifier = nir("18505750561" + String(index + 10))
            let created = try await store.execute(
                Command(key: "create-\(index)", actor: .holder(), at: time, action: .createDossier(identifier: identifier, traits: traits(), mode: .holderRequest, expressConsent: true)))
            dossiers.append(created[0].dossier)
            try await store.execute(
                Command(key: "authorise-\(index)", actor: .holder(), dossier: created[0].dossier, at: time, action: .authorise(professional: doctorA.id, basis: .holderConsent)))
        }
        for step in 0..<steps {
            time += Int64.random(in: 0...(day / 8), using: &rng)
            let dossier = dossiers.randomElement(using: &rng)!
            let doc = "doc-\(Int.random(in: 0..<40, using: &rng))"
            let command: Command
            switch Int.random(in: 0..<10, using: &rng) {
            case 0, 1, 2: command = Command(key: "s-\(step)", actor: doctorA, dossier: dossier, at: time, action: .depositDocument(document: document(doc, content: step), mode: .normal))
            case 3, 4, 5: command = Command(key: "s-\(step)", actor: doctorA, dossier: dossier, at: time, action: .consultDocument(document: doc, mode: .normal, reason: nil))
            case 6: command = Command(key: "s-\(step)", actor: doctorA, dossier: dossier, at: time, action: .consultDocumentList(mode: .normal, reason: nil))
            case 7: command = Command(key: "s-\(step)", actor: insurer, dossier: dossier, at: time, action: .consultDocumentList(mode: .normal, reason: nil))
            case 8: command = Command(key: "s-\(step)", actor: .holder(), dossier: dossier, at: time, action: .maskDocument(document: doc))
            default: command = Command(key: "s-\(step)", actor: .system, at: time, action: .tick)
            }
            _ = try? await store.execute(command)
        }
        try await store.close()
        return (directory, path)
    }

    /// Feeds every record of the journal to a pipeline, one record per call.
    static func replay(_ path: String, threaded: Bool, foldsCanonical: Bool = true) throws -> StoreState {
        let pipeline = ReplayPipeline(window: 30 * day, threaded: threaded, foldsCanonical: foldsCanonical)
        let reader = try JournalReader(path: path)
        var buffer: [UInt8] = []
        while try reader.nextBatch({ sequence, _, record in
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: record)
            buffer.append(0x0A)
            try buffer.withUnsafeBytes { try pipeline.replay($0, firstSequence: sequence) }
        }) {}
        return pipeline.finish()
    }

    static func outcomes(_ state: StoreState) -> [String: String] {
        state.outcomes.mapValues { "\($0.actorID) \($0.firstSequence) \($0.refusal?.code.rawValue ?? "-")" }
    }

    @Test("the folded state, identifiers, figures and idempotency outcomes are the same on one or two threads", arguments: [UInt64(1), 2, 3])
    func sameStateOnTwoThreads(seed: UInt64) async throws {
        let (directory, path) = try await Self.history(seed: seed, steps: 1500)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let one = try Self.replay(path, threaded: false)
        let two = try Self.replay(path, threaded: true)
        let events = one.states.values.reduce(0) { $0 + $1.eventCount }
        #expect(events > 2 * 512, "the history fills several hand-offs (\(events) events)")
        #expect(two.states == one.states)
        #expect(two.identifiers == one.identifiers)
        #expect(two.figures.figures == one.figures.figures)
        #expect(Self.outcomes(two) == Self.outcomes(one))
        #expect(!one.outcomes.isEmpty)
    }

    @Test("a store reopened after a long history equals the live store (replay equals live, two threads)")
    func reopenedEqualsLive() async throws {
        let (directory, path) = try await Self.history(seed: 7, steps: 1500)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let expected = try Self.replay(path, threaded: false)
        let store = try await DMPStore.open(at: path, configuration: storeConfiguration())
        for state in expected.states.values {
            #expect(await store.state(of: state.id) == state)
        }
        #expect(await store.managementFigures() == expected.figures.figures)
        try await store.close()
    }

    @Test("a record that is not an event stops the replay with its error, and the fold thread ends")
    func badRecordStops() throws {
        let pipeline = ReplayPipeline(window: nil, threaded: true)
        let record = Array("{\"seq\":1,\"nonsense\":true}\n".utf8)
        #expect(throws: EventDecodingError.self) {
            try record.withUnsafeBytes { try pipeline.replay($0, firstSequence: 1) }
        }
        #expect(pipeline.finish().states.values.isEmpty)
    }
}
