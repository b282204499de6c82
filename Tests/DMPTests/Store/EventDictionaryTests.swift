import DMPJournal
import Foundation
import Testing

@testable import DMP

@Suite("The store's LZ4 dictionary (journal format version 2)")
struct EventDictionaryTests {
    @Test("one valid record of every event type, each decodable, rarest first; at most 64 KiB")
    func samplesAreRecords() throws {
        let lines = EventDictionary.samples.split(separator: "\n", omittingEmptySubsequences: false)
        var types: [String] = []
        for line in lines {
            let event = try EventCodec.decode(Array(line.utf8))
            types.append(event.type)
        }
        #expect(Set(types) == Set(EventKind.allCases.map(\.rawValue)), "every event type, once")
        #expect(types.count == EventKind.allCases.count)
        #expect(EventDictionary.bytes.count <= 64 << 10)
        #expect(EventDictionary.bytes.last == 0x0A && !EventDictionary.samples.hasSuffix("\n"))
        // The most frequent kinds of a dossier's life sit nearest the end, where offsets are shortest.
        #expect(types.last == "NotificationSent")
    }

    @Test("a new store's journal is version 2 with the dictionary; set to nil, version 1; both replay to the same states")
    func storeJournalVersion() async throws {
        var replayed: [[DossierID: DossierState]] = []
        for dictionary in [EventDictionary.bytes, nil] {
            let (directory, path) = temporaryJournal()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var configuration = storeConfiguration()
            configuration.journal.dictionary = dictionary
            let store = try await DMPStore.open(at: path, configuration: configuration)
            var rng = Seeded(state: 7)
            var dossiers: [DossierID] = []
            var time = start
            for step in 0..<150 {
                time += Int64.random(in: 0...(2 * day), using: &rng)
                if let events = try? await store.execute(randomCommand(&rng, step: step, dossiers: dossiers, time: time)) {
                    for event in events where !dossiers.contains(event.dossier) { dossiers.append(event.dossier) }
                }
            }
            let events = await store.lastSequence
            #expect(events > 20, "\(events) events")
            try await store.close()
            let header = try JournalReader(path: path).header
            #expect(header.formatVersion == (dictionary == nil ? 1 : 2))
            #expect(header.dictionary == (dictionary ?? []))
            #expect(try JournalVerifier().verify(path: path).isValid)
            let reopened = try await DMPStore.open(at: path, configuration: storeConfiguration())
            var states: [DossierID: DossierState] = [:]
            for id in await reopened.dossierIDs() { states[id] = await reopened.state(of: id) }
            try await reopened.close()
            replayed.append(states)
        }
        #expect(!replayed[0].isEmpty)
        #expect(replayed[0] == replayed[1])
    }
}
