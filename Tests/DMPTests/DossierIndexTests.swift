import Crypto
import DMPJournal
import Foundation
import Testing

@testable import DMP

/// A journal written by the store (many dossiers, seeded random commands), then appended again
/// record for record into other journals in batches of 1 to 6 records, so that units mix
/// dossiers, with a signed checkpoint every 50 records.
struct IndexedHistory {
    let directory: String
    /// Every record of the history, in order.
    let records: [[UInt8]]
    /// Every dossier created.
    let dossiers: [DossierID]
    /// Event times to cut at, from before the first event to after the last.
    let times: [Int64]

    /// Writes the history through the store.
    static func make(seed: UInt64, dossiers count: Int, steps: Int) async throws -> IndexedHistory {
        let (directory, path) = temporaryJournal()
        var rng = Seeded(state: seed)
        let store = try await DMPStore.open(at: path, configuration: storeConfiguration())
        var dossiers: [DossierID] = []
        var time = start
        for number in 0..<count {
            time += Int64.random(in: 0...(day / 4), using: &rng)
            let order = String(number + 1)
            let identifier = nir("185057505" + String(repeating: "0", count: 4 - order.count) + order)
            let events = try await store.execute(
                Command(
                    key: "create-\(number)", actor: .holder(), at: time,
                    action: .createDossier(
                        identifier: identifier, traits: traits(), mode: .holderRequest, expressConsent: true)))
            dossiers.append(events[0].dossier)
        }
        for step in 0..<steps {
            time += Int64.random(in: 0...(day / 2), using: &rng)
            // Steps from 10 on are random actions on random dossiers (see randomCommand).
            _ = try? await store.execute(randomCommand(&rng, step: step + 10, dossiers: dossiers, time: time))
        }
        try await store.close()
        var records: [[UInt8]] = []
        let reader = try JournalReader(path: path)
        while let record = try reader.next() { records.append(record.bytes) }
        var times: [Int64] = [start - day]
        for index in stride(from: 0, to: records.count, by: max(1, records.count / 7)) {
            times.append(try EventCodec.decode(records[index]).at)
        }
        times.append(time + day)
        return IndexedHistory(directory: directory, records: records, dossiers: dossiers, times: times)
    }

    /// The options of the journals written from the history.
    static func options() -> JournalOptions {
        var options = JournalOptions()
        options.durability = .noSync
        options.application = "dmp-events/1"
        options.signer = CheckpointSigner(key: Curve25519.Signing.PrivateKey())
        options.checkpointInterval = 50
        return options
    }

    /// The events of the records.
    func events() throws -> [Event] {
        try self.records.map { try EventCodec.decode($0) }
    }

    /// Appends `records[range]` (all of them by default) to the journal at `name` (created if
    /// missing), in seeded batches.
    @discardableResult
    func write(
        _ name: String, _ range: Range<Int>? = nil, seed: UInt64 = 7, options: JournalOptions = options()
    ) async throws -> String {
        let range = range ?? 0..<self.records.count
        let path = self.directory + "/" + name
        let writer =
            FileManager.default.fileExists(atPath: path)
            ? try JournalWriter.open(at: path, options: options) : try JournalWriter.create(at: path, options: options)
        var rng = Seeded(state: seed)
        var index = range.lowerBound
        while index < range.upperBound {
            let end = min(range.upperBound, index + Int.random(in: 1...6, using: &rng))
            _ = try await writer.append(self.records[index..<end])
            index = end
        }
        try await writer.close()
        return path
    }
}

/// Whether the indexed answers equal the scan's for every dossier, viewer and time.
func expectIndexedEqualsScan(_ index: DossierIndex, history: IndexedHistory, journal: String) throws {
    let viewers: [TraceViewer] = [.holder, .legalRepresentative("mother"), .professional(doctorA.id)]
    let missing = DossierID(rawValue: "00000000-0000-4000-8000-000000000000")!
    for dossier in history.dossiers + [missing] {
        var scanned: [Event] = []
        try History.forEachEvent(journal: journal) { event in
            if event.dossier == dossier { scanned.append(event) }
        }
        var indexed: [Event] = []
        try index.forEachEvent(of: dossier) { event, record in
            #expect(Array(record) == EventCodec.encode(event), "the stored bytes come with the event")
            indexed.append(event)
        }
        #expect(indexed == scanned, "events of \(dossier)")
        #expect(try index.units(of: dossier).isEmpty == scanned.isEmpty)
        for viewer in viewers {
            #expect(
                try History.trace(of: dossier, viewer: viewer, journal: journal, index: index)
                    == History.trace(of: dossier, viewer: viewer, journal: journal), "trace of \(dossier), \(viewer)")
        }
        for time in history.times {
            #expect(
                try History.state(of: dossier, asOf: time, journal: journal, index: index)
                    == History.state(of: dossier, asOf: time, journal: journal), "state of \(dossier) at \(time)")
            #expect(
                try History.trace(of: dossier, viewer: .holder, asOf: time, journal: journal, index: index)
                    == History.trace(of: dossier, viewer: .holder, asOf: time, journal: journal),
                "trace of \(dossier) at \(time)")
        }
    }
}

/// The bytes of a file.
func bytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Replaces a file's bytes.
func store(_ bytes: [UInt8], _ path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

@Suite("The dossier index: same answers as a scan, incremental, never trusted")
struct DossierIndexTests {
    @Test("indexed traces, states and events equal the scan's, for every dossier, viewer and time", arguments: [1, 2])
    func indexedEqualsScan(seed: UInt64) async throws {
        let history = try await IndexedHistory.make(seed: seed, dossiers: 30, steps: 300)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let journal = try await history.write("mixed.dmpj", seed: seed)
        let built = try DossierIndex.build(journal: journal)
        #expect(built.coverage.lastSequence == UInt64(history.records.count))
        #expect(built.unsavedEvents == history.records.count)
        try expectIndexedEqualsScan(built, history: history, journal: journal)
        // Saved, reopened: the same answers, from the file.
        let update = try DossierIndex.update(journal: journal)
        #expect(update.action == .created)
        #expect(update.index.savedDossiers == history.dossiers.count)
        let reopened = try DossierIndex(journal: journal)
        #expect(reopened.unsavedUnits == 0)
        #expect(reopened.coverage == built.coverage)
        try expectIndexedEqualsScan(reopened, history: history, journal: journal)
        #expect(try DossierIndex.update(journal: journal).action == .unchanged)
    }

    @Test("the fast path reads the same dossier as the decoder, and gives way on non-canonical records")
    func fastPath() async throws {
        let history = try await IndexedHistory.make(seed: 3, dossiers: 8, steps: 80)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        for record in history.records {
            let event = try EventCodec.decode(record)
            let fast = record.withUnsafeBytes { RecordDossier.fastKey($0) }
            #expect(fast == DossierKey(event.dossier))
            // The same record, its dossier id with an escaped first digit: the decoder reads it.
            let text = String(decoding: record, as: UTF8.self)
            let id = event.dossier.rawValue
            let first = "\\u00" + String(id.utf8.first!, radix: 16)
            let member = "\"dossier\":\"\(id)\""
            let escaped = Array(
                text.replacingOccurrences(of: member, with: "\"dossier\":\"\(first)\(id.dropFirst())\"").utf8)
            #expect(escaped.withUnsafeBytes { RecordDossier.fastKey($0) } == nil)
            #expect(try escaped.withUnsafeBytes { try RecordDossier.key(of: $0) } == DossierKey(event.dossier))
        }
        let impostor = Array(#"{"seq":1,"at":"x\",\"dossier\":\"00000000-0000-4000-8000-000000000000","#.utf8)
        #expect(impostor.withUnsafeBytes { RecordDossier.fastKey($0) } == nil)
    }

    @Test("UUIDs are read eight digits at a time exactly as DossierID reads them, either case, and nothing else")
    func uuidKeys() throws {
        var rng = Seeded(state: 11)
        let digits = Array("0123456789abcdef")
        for round in 0..<300 {
            var text = String((0..<32).map { _ in digits[Int.random(in: 0..<16, using: &rng)] })
            let high = UInt64(text.prefix(16), radix: 16)!
            let low = UInt64(text.suffix(16), radix: 16)!
            for position in [8, 13, 18, 23] { text.insert("-", at: text.index(text.startIndex, offsetBy: position)) }
            if round % 2 == 1 { text = text.uppercased() }
            let key = try #require(Array(text.utf8).withUnsafeBytes { DossierKey.parse($0) })
            #expect(key == DossierKey(high: high, low: low), "\(text)")
            #expect(DossierKey(try #require(DossierID(rawValue: text))) == key)
            // Any other byte anywhere: refused, as DossierID refuses it.
            for position in stride(from: round % 5, to: 36, by: 5) {
                for replacement: UInt8 in [0x2F, 0x3A, 0x40, 0x47, 0x60, 0x67, 0x2D, 0x30, 0x80, 0xC3, 0x00] {
                    var bytes = Array(text.utf8)
                    bytes[position] = replacement
                    let parsed = bytes.withUnsafeBytes { DossierKey.parse($0) }
                    let text = String(decoding: bytes, as: UTF8.self)
                    let reference = DossierID(rawValue: text).flatMap { DossierKey($0) }
                    #expect(parsed == reference, "\(bytes) at \(position)")
                }
            }
        }
    }

    @Test("units appended after the saved index are scanned on opening, then saved incrementally")
    func incremental() async throws {
        let history = try await IndexedHistory.make(seed: 4, dossiers: 25, steps: 250)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let half = history.records.count / 2
        let journal = try await history.write("growing.dmpj", 0..<half)
        let first = try DossierIndex.update(journal: journal)
        #expect(first.action == .created)
        #expect(first.addedEvents == half)
        let savedBytes = try bytes(first.index.path)
        try await history.write("growing.dmpj", half..<history.records.count, seed: 9)
        // Opened: the saved part plus the tail, scanned in memory.
        let opened = try DossierIndex(journal: journal)
        #expect(opened.unsavedEvents == history.records.count - half)
        #expect(opened.coverage.lastSequence == UInt64(history.records.count))
        #expect(try bytes(opened.path) == savedBytes, "opening does not write")
        try expectIndexedEqualsScan(opened, history: history, journal: journal)
        // Saved: extended, and the same bytes as an index built from scratch.
        let update = try DossierIndex.update(journal: journal)
        #expect(update.action == .extended)
        #expect(update.addedEvents == history.records.count - half)
        let extended = try bytes(update.index.path)
        try expectIndexedEqualsScan(try DossierIndex(journal: journal), history: history, journal: journal)
        #expect(try DossierIndex.update(journal: journal, rebuild: true).action == .rebuilt)
        #expect(try bytes(update.index.path) == extended, "an extended index equals a rebuilt one")
    }

    @Test("a save removes the temporary files of saves interrupted by a crash, never those of a live process")
    func abandonedTemporaries() async throws {
        let history = try await IndexedHistory.make(seed: 6, dossiers: 5, steps: 20)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let journal = try await history.write("temporaries.dmpj")
        let index = DossierIndex.path(forJournal: journal)
        // A process id that cannot exist (above any pid_max), and this process's own.
        let abandoned = index + ".tmp-2147483646-12345"
        let live = index + ".tmp-\(getpid())-67890"
        #expect(FileManager.default.createFile(atPath: abandoned, contents: Data("half-written".utf8)))
        #expect(FileManager.default.createFile(atPath: live, contents: Data("in progress".utf8)))
        #expect(try DossierIndex.update(journal: journal).action == .created)
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: live))
        try FileManager.default.removeItem(atPath: live)
    }

    @Test("every flipped byte of the index is detected: opening, a lookup or a full check fails, never a wrong answer")
    func flippedBytes() async throws {
        let history = try await IndexedHistory.make(seed: 5, dossiers: 12, steps: 100)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let journal = try await history.write("flips.dmpj")
        let good = try DossierIndex.update(journal: journal).index
        let original = try bytes(good.path)
        var expected: [DossierID: [Int]] = [:]
        for dossier in history.dossiers { expected[dossier] = try good.units(of: dossier) }
        for position in 0..<original.count {
            var damaged = original
            damaged[position] ^= 1 << UInt8(position % 8)
            try store(damaged, good.path)
            var detected = false
            do {
                let index = try DossierIndex(journal: journal)
                for dossier in history.dossiers {
                    do {
                        #expect(try index.units(of: dossier) == expected[dossier], "byte \(position)")
                    } catch DossierIndexError.corrupt {
                        detected = true
                    }
                }
            } catch DossierIndexError.corrupt {
                detected = true
            } catch DossierIndexError.unsupportedVersion {
                detected = true
                #expect((8..<12).contains(position))
            }
            if !detected {
                // Not met by any lookup: the full check of `update` finds it and rebuilds.
                let update = try DossierIndex.update(journal: journal)
                #expect(update.action == .rebuilt, "byte \(position)")
                #expect(update.reason == DossierIndexError.corrupt)
            }
        }
        // Rebuilt from the journal, the index is the same file again.
        try store(original, good.path)
        #expect(try DossierIndex.update(journal: journal, rebuild: true).action == .rebuilt)
        #expect(try bytes(good.path) == original)
    }

    @Test("a cut, padded, empty or newer-version index is refused, and update rebuilds it")
    func truncatedAndVersion() async throws {
        let history = try await IndexedHistory.make(seed: 6, dossiers: 6, steps: 40)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let journal = try await history.write("cuts.dmpj")
        let path = try DossierIndex.update(journal: journal).index.path
        let original = try bytes(path)
        for length in [0, 4, 11, 12, 100, IndexFormat.headerSize, original.count - 1] {
            try store(Array(original.prefix(length)), path)
            #expect(throws: DossierIndexError.corrupt) { try DossierIndex(journal: journal) }
        }
        try store(original + [0], path)
        #expect(throws: DossierIndexError.corrupt) { try DossierIndex(journal: journal) }
        var newer = original
        newer[8] = 3  // version, checked before the header's digest
        try store(newer, path)
        #expect(throws: DossierIndexError.unsupportedVersion) { try DossierIndex(journal: journal) }
        let update = try DossierIndex.update(journal: journal)
        #expect(update.action == .rebuilt)
        #expect(update.reason == DossierIndexError.unsupportedVersion)
        #expect(try bytes(path) == original)
        try FileManager.default.removeItem(atPath: path)
        #expect(throws: DossierIndexError.notFound) { try DossierIndex(journal: journal) }
    }

    @Test("an index beside another journal, or a journal cut or rewritten, is detected as foreign or stale")
    func foreignAndStale() async throws {
        let history = try await IndexedHistory.make(seed: 8, dossiers: 10, steps: 80)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let count = history.records.count
        let a = try await history.write("a.dmpj", 0..<count)
        let b = try await history.write("b.dmpj", 0..<count)
        // Another journal with the same records: its id differs.
        _ = try DossierIndex.update(journal: a)
        try FileManager.default.copyItem(
            atPath: DossierIndex.path(forJournal: a), toPath: DossierIndex.path(forJournal: b))
        #expect(throws: DossierIndexError.foreignJournal) { try DossierIndex(journal: b) }
        let update = try DossierIndex.update(journal: b)
        #expect(update.action == .rebuilt)
        #expect(update.reason == DossierIndexError.foreignJournal)

        // The same journal, cut back to an earlier unit: shorter than the index covers.
        let full = try DossierIndex(journal: a)
        let units = try history.dossiers.flatMap { try full.units(of: $0) }.sorted()
        let cut = units[units.count / 2]
        let journalBytes = try bytes(a)
        try store(Array(journalBytes.prefix(cut)), a)
        #expect(throws: DossierIndexError.stale) { try DossierIndex(journal: a) }

        // The same header (fixed id and clock), other records: the chain value at the end differs.
        var options = IndexedHistory.options()
        options.journalID = Array(0..<16)
        options.clock = .fixed(start)
        options.signer = nil
        let c = try await history.write("c.dmpj", 0..<(count / 2), options: options)
        _ = try DossierIndex.update(journal: c)
        try FileManager.default.removeItem(atPath: c)
        try await history.write("c.dmpj", 1..<(count / 2 + 1), options: options)
        #expect(throws: DossierIndexError.stale) { try DossierIndex(journal: c) }
        // History.trace refuses an index of another journal.
        #expect(throws: DossierIndexError.foreignJournal) {
            try History.trace(of: history.dossiers[0], viewer: .holder, journal: c, index: full)
        }
    }

    @Test("forged offsets (recomputed checks) make reads fail or miss, never return another dossier's events")
    func forgedOffsets() async throws {
        let history = try await IndexedHistory.make(seed: 10, dossiers: 10, steps: 120)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let journal = try await history.write("forged.dmpj")
        let good = try DossierIndex.update(journal: journal).index
        let victim = history.dossiers[0]
        let victimUnits = try good.units(of: victim)
        let otherUnits = Set(try history.dossiers.dropFirst().flatMap { try good.units(of: $0) }).subtracting(
            victimUnits
        ).sorted()
        #expect(!otherUnits.isEmpty)
        /// Writes an index where `victim` has the postings `offsets` and the others are untouched.
        func forge(_ offsets: [Int]) throws {
            let file = try IndexFile(path: good.path)
            var table = PostingsTable()
            var all: [(DossierKey, [Int])] = []
            try file.forEachEntry { key, units in all.append((key, key == DossierKey(victim) ? offsets : units)) }
            var byUnit: [Int: [DossierKey]] = [:]
            for (key, units) in all { for unit in units { byUnit[unit, default: []].append(key) } }
            for unit in byUnit.keys.sorted() {
                let ordinal = table.beginUnit(at: unit)
                for key in byUnit[unit]! { table.add(key, unit: ordinal) }
            }
            table.finish()
            let encoded = try IndexWriter.encode(saved: nil, tail: table)
            var header = file.header
            header.dossiers = encoded.dossiers
            header.postingsSize = encoded.postings.count
            header.identifierEntries = 0
            header.identifiers = 0
            try IndexWriter.write([header.encode(), encoded.table, encoded.postings], to: good.path)
        }
        func victimEvents() throws -> [Event] {
            var events: [Event] = []
            try DossierIndex(journal: journal).forEachEvent(of: victim) { event, _ in events.append(event) }
            return events
        }
        var scanned: [Event] = []
        try History.forEachEvent(journal: journal) { if $0.dossier == victim { scanned.append($0) } }

        // Other dossiers' units only: nothing of theirs is returned.
        try forge(Array(otherUnits.prefix(5)))
        #expect(try victimEvents().isEmpty)
        // The right units and others, repeated or not: exactly the victim's events, once each.
        try forge(Array(Set(victimUnits + otherUnits.prefix(7))).sorted())
        #expect(try victimEvents() == scanned)
        // Offsets inside units, or just before the end: the read fails.
        for offset in [victimUnits[0] + 1, victimUnits[0] + 40, otherUnits.last! + 3] {
            try forge([offset])
            #expect(throws: (any Error).self, "offset \(offset)") { try victimEvents() }
        }
        // Whatever read fails, History never answers with another dossier's events.
        for offset in otherUnits.prefix(3) {
            try forge([offset])
            let trace = try History.trace(
                of: victim, viewer: .holder, journal: journal, index: try DossierIndex(journal: journal))
            #expect(trace.isEmpty)
        }
    }
}

// MARK: - The identifier table

/// A patient identifier of kind `kind` with its correct key (97 − n mod 97).
func ins(_ thirteen: String, _ kind: INS.Kind) -> PatientIdentifier {
    let key = 97 - Int(UInt64(thirteen.replacingCorsica())! % 97)
    return try! PatientIdentifier(thirteen + (key < 10 ? "0" : "") + String(key), kind: kind)
}

extension IndexedHistory {
    /// A history rich in identity events (ID-3, LC-3), written through the store: for each person,
    /// one of six stories, interleaved in time, with a tick every three days.
    ///
    /// 0. created with a NIR;
    /// 1. created with an INS-C, later changed to a NIR;
    /// 2. notified with a NIA (opened by a tick 6 weeks later), later changed to a NIR;
    /// 3. created with a NIR, closed, deletion asked, purged by a tick 3 months later, then
    ///    created again with the same NIR (a new dossier);
    /// 4. created with a NIA of the same 15 characters as story 0's NIR (another dossier);
    /// 5. created with a NIR, rectified to another, then back to the first.
    static func identities(seed: UInt64, people: Int) async throws -> IndexedHistory {
        let (directory, path) = temporaryJournal()
        var rng = Seeded(state: seed)
        var planned: [(at: Int64, order: Int, command: Command)] = []
        func plan(_ at: Int64, _ command: Command) { planned.append((at, planned.count, command)) }
        func number(_ person: Int) -> String { "1850575056" + String(1000 + person).suffix(3) }
        for person in 0..<people {
            let at = start + Int64.random(in: 0...(60 * day), using: &rng)
            let later = { (days: ClosedRange<Int64>) in Int64.random(in: days, using: &rng) * day }
            let create = { (key: String, identifier: PatientIdentifier, at: Int64) in
                plan(
                    at,
                    Command(
                        key: key, actor: .holder(), at: at,
                        action: .createDossier(
                            identifier: identifier, traits: traits(), mode: .holderRequest, expressConsent: true)))
            }
            let dossier = Decider.derivedDossierID(key: "p-\(person)")
            let change = { (identifier: PatientIdentifier, at: Int64, step: Int) in
                plan(
                    at,
                    Command(
                        key: "p-\(person)-change-\(step)", actor: .operatorFeed, dossier: dossier, at: at,
                        action: .changeIdentifier(identifier: identifier)))
            }
            let nir = ins(number(person), .nir)
            switch person % 6 {
            case 0:
                create("p-\(person)", nir, at)
            case 1:
                create(
                    "p-\(person)", try PatientIdentifier("1234567890123456789" + String(1000 + person).suffix(3)), at)
                change(nir, at + later(1...90), 0)
            case 2:
                plan(
                    at,
                    Command(
                        key: "p-\(person)", actor: agent, at: at,
                        action: .sendOpeningNotice(
                            identifier: ins(number(person), .nia), traits: traits(), channel: .email)))
                change(nir, at + later(1...90), 0)
            case 3:
                create("p-\(person)", nir, at)
                let closed = at + later(1...10)
                plan(
                    closed,
                    Command(
                        key: "p-\(person)-close", actor: .holder(), dossier: dossier, at: closed,
                        action: .closeDossier(reason: .holderRequest)))
                plan(
                    closed + day,
                    Command(
                        key: "p-\(person)-delete", actor: .holder(), dossier: dossier, at: closed + day,
                        action: .requestDeletion))
                create("p-\(person)-again", nir, closed + later(100...120))
            case 4:
                create("p-\(person)", ins(number(person - 4), .nia), at)
            default:
                create("p-\(person)", nir, at)
                let other = ins("2850575056" + String(1000 + person).suffix(3), .nir)
                let changed = at + later(1...40)
                change(other, changed, 0)
                change(nir, changed + later(1...40), 1)
            }
        }
        let end = planned.map(\.at).max()! + day
        var tick = start
        while tick <= end {
            plan(tick, Command(key: "tick-\(tick)", actor: .system, at: tick, action: .tick))
            tick += 3 * day
        }
        planned.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        let store = try await DMPStore.open(at: path, configuration: storeConfiguration())
        for item in planned { _ = try? await store.execute(item.command) }
        try await store.close()
        var records: [[UInt8]] = []
        var dossiers: [DossierID] = []
        var times: [Int64] = []
        let reader = try JournalReader(path: path)
        while let record = try reader.next() {
            records.append(record.bytes)
            let event = try EventCodec.decode(record.bytes)
            if !dossiers.contains(event.dossier) { dossiers.append(event.dossier) }
            times.append(event.at)
        }
        return IndexedHistory(directory: directory, records: records, dossiers: dossiers, times: times)
    }
}

/// The identifier an identity event gives its dossier, read independently of the index.
func identifierGiven(by event: Event) -> String? {
    switch event.payload {
    case .openingNoticeSent(let identifier, _, _, _, _): identifier.description
    case .dossierOpened(_, let identifier, _, _, _, _): identifier?.description
    case .identifierChanged(let identifier): identifier.description
    default: nil
    }
}

/// What the tool's scan finds for `names`: every dossier an identity event gave one of them, in
/// order of the last such event.
func scannedHolders(_ names: Set<String>, records: ArraySlice<[UInt8]>) throws -> [DossierID] {
    var holders: [DossierID] = []
    for record in records {
        let event = try EventCodec.decode(record)
        guard let given = identifierGiven(by: event), names.contains(given) else { continue }
        holders.removeAll { $0 == event.dossier }
        holders.append(event.dossier)
    }
    return holders
}

/// Every identifier the records give, and every 15-character number given as a NIR or a NIA.
func identifierNames(_ records: ArraySlice<[UInt8]>) throws -> (names: [String], numbers: [String]) {
    var names: Set<String> = []
    for record in records {
        if let given = identifierGiven(by: try EventCodec.decode(record)) { names.insert(given) }
    }
    let numbers = Set(names.filter { $0.hasPrefix("NIR:") || $0.hasPrefix("NIA:") }.map { String($0.dropFirst(4)) })
    return (names.sorted(), numbers.sorted())
}

/// Whether the index finds, for every identifier of `records` (the journal it was built from),
/// for every number taken as a NIR and a NIA together, and for identifiers never given, what
/// the scan finds.
func expectLookupsEqualScan(_ index: DossierIndex, records: ArraySlice<[UInt8]>) throws {
    let (names, numbers) = try identifierNames(records)
    #expect(!names.isEmpty)
    for name in names {
        let found = try index.dossiers(identifiedBy: [try PatientIdentifier(name)])
        #expect(found == (try scannedHolders([name], records: records)), "\(name)")
        #expect(!found.isEmpty)
    }
    for number in numbers {
        let both = [try PatientIdentifier(number, kind: .nir), try PatientIdentifier(number, kind: .nia)]
        #expect(
            try index.dossiers(identifiedBy: both)
                == (try scannedHolders(Set(both.map(\.description)), records: records)),
            "\(number)")
    }
    for never in [
        ins("1990199999999", .nir), ins("1990199999999", .nia),
        try PatientIdentifier(String(repeating: "9", count: 22)),
    ] {
        #expect(try index.dossiers(identifiedBy: [never]).isEmpty, "\(never)")
    }
    #expect(try index.dossiers(identifiedBy: []).isEmpty)
}

/// The identifier table of the index at `path`, rewritten by `forge` with recomputed checks and
/// header (what a forger who read the format would do).
func forgeIdentifiers(
    _ path: String, _ forge: (inout [IndexFile.IdentifierEntry]) -> Void
) throws {
    let file = try IndexFile(path: path)
    var entries: [IndexFile.IdentifierEntry] = []
    try file.forEachIdentifierEntry { entries.append($0) }
    forge(&entries)
    entries.sort(by: <)
    var area: [UInt8] = []
    for entry in entries {
        let start = area.count
        entry.key.append(to: &area)
        area.appendLE(UInt64(entry.unit))
        area.appendLE(UInt32(entry.dossier))
        let check = area.withUnsafeBytes {
            IndexFormat.identifierEntryCheck(UnsafeRawBufferPointer(rebasing: $0[start..<(start + 28)]))
        }
        area.appendLE(check)
    }
    var header = file.header
    header.identifierEntries = entries.count
    header.identifiers = Set(entries.map(\.key)).count
    let original = try bytes(path)
    try store(
        header.encode() + original[IndexFormat.headerSize..<file.header.identifiersOffset] + area, path)
}

@Suite("The dossier index's identifier table: the same dossiers as a scan, incremental, never trusted")
struct IdentifierTableTests {
    @Test(
        "ID-3: every identifier ever given finds through the index the dossiers a scan finds, latest holder last",
        arguments: [1, 2])
    func lookupsEqualScan(seed: UInt64) async throws {
        let history = try await IndexedHistory.identities(seed: seed, people: 36)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let journal = try await history.write("identities.dmpj", seed: seed)
        // In memory (all of it scanned), then saved and reopened (all of it from the file).
        try expectLookupsEqualScan(try DossierIndex.build(journal: journal), records: history.records[...])
        let update = try DossierIndex.update(journal: journal)
        #expect(update.index.savedIdentifiers == (try identifierNames(history.records[...])).names.count)
        let reopened = try DossierIndex(journal: journal)
        #expect(reopened.unsavedUnits == 0)
        try expectLookupsEqualScan(reopened, records: history.records[...])
        // The stories happened: a number that is a NIR of one dossier and a NIA of another.
        let numbers = try identifierNames(history.records[...]).numbers
        #expect(
            try numbers.contains { number in
                try reopened.dossiers(identifiedBy: [
                    try PatientIdentifier(number, kind: .nir), try PatientIdentifier(number, kind: .nia),
                ]).count > 1
            })
        #expect(try DossierIndex.update(journal: journal).action == .unchanged, "the full check passes")
    }

    @Test("ID-3: a dossier is found by an old identifier through the index, and by its new one")
    func oldIdentifier() async throws {
        let history = try await IndexedHistory.identities(seed: 3, people: 12)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let journal = try await history.write("old.dmpj")
        let index = try DossierIndex.update(journal: journal).index
        let events = try history.events()
        let changes = events.filter { if case .identifierChanged = $0.payload { true } else { false } }
        #expect(changes.count >= 4)
        for change in changes {
            let old = try #require(
                events.last {
                    $0.dossier == change.dossier && $0.sequence < change.sequence && identifierGiven(by: $0) != nil
                })
            for identifier in [identifierGiven(by: old)!, identifierGiven(by: change)!] {
                #expect(try index.dossiers(identifiedBy: [try PatientIdentifier(identifier)]) == [change.dossier])
            }
        }
    }

    @Test("LC-3: an identifier held by a purged dossier and by the dossier created again names both, the new one last")
    func purgedAndCreatedAgain() async throws {
        let history = try await IndexedHistory.identities(seed: 4, people: 12)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let journal = try await history.write("again.dmpj")
        let index = try DossierIndex.update(journal: journal).index
        let events = try history.events()
        let purged = events.filter { if case .dossierPurged = $0.payload { true } else { false } }.map(\.dossier)
        #expect(purged.count >= 2)
        for dossier in purged {
            let given = try #require(events.first { $0.dossier == dossier }.flatMap(identifierGiven(by:)))
            let holders = try index.dossiers(identifiedBy: [try PatientIdentifier(given)])
            #expect(holders.count == 2 && holders.first == dossier, "\(given)")
            // A bare number: the NIR's holders and the NIA's (story 4), in journal order.
            let number = String(given.dropFirst(4))
            let both = [try PatientIdentifier(number, kind: .nir), try PatientIdentifier(number, kind: .nia)]
            #expect(
                try index.dossiers(identifiedBy: both)
                    == (try scannedHolders(Set(both.map(\.description)), records: history.records[...])))
        }
    }

    @Test("identity events are recognised by the fast path exactly as the decoder reads them, canonical or not")
    func identityFastPath() async throws {
        let history = try await IndexedHistory.identities(seed: 5, people: 12)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        var openedWithout = 0
        for record in history.records {
            let event = try EventCodec.decode(record)
            let read = try record.withUnsafeBytes { try RecordDossier.keyAndIdentifier(of: $0) }
            #expect(read.key == DossierKey(event.dossier))
            #expect(read.identifier?.description == identifierGiven(by: event))
            // The same record with its type escaped: not canonical, read by the decoder.
            let text = String(decoding: record, as: UTF8.self)
            let escaped = Array(
                text.replacingOccurrences(
                    of: "\"type\":\"\(event.type)\"",
                    with: "\"type\":\"\\u00\(String(event.type.utf8.first!, radix: 16))\(event.type.dropFirst())\""
                ).utf8)
            #expect(escaped.withUnsafeBytes { RecordDossier.fastEnvelope($0) } == nil)
            let slow = try escaped.withUnsafeBytes { try RecordDossier.keyAndIdentifier(of: $0) }
            #expect(slow.key == read.key && slow.identifier == read.identifier)
            guard let kind = EventKind(rawValue: event.type), [.openingNoticeSent, .dossierOpened, .identifierChanged].contains(kind)
            else { continue }
            // The identifier read in place, as written, or the certainty that there is none.
            let fast = record.withUnsafeBytes { RecordDossier.fastIdentifier($0, kind) }
            #expect(fast == identifierGiven(by: event).map { .identifier(try! PatientIdentifier($0)) } ?? .nothing)
            guard let given = identifierGiven(by: event) else {
                openedWithout += 1
                // A backslash somewhere: none is not certain, and the decoder reads the record.
                let escaped = Array(text.replacingOccurrences(of: "\"command\":\"", with: "\"command\":\"\\u0041").utf8)
                #expect(escaped.withUnsafeBytes { RecordDossier.fastIdentifier($0, kind) } == nil)
                #expect(try escaped.withUnsafeBytes { try RecordDossier.keyAndIdentifier(of: $0) }.identifier == nil)
                continue
            }
            // Written otherwise (spaces, an escaped digit), not read in place but by the decoder,
            // to the same value.
            let number = given.split(separator: ":")[1]
            let variants = [
                "\"identifier\":\"\(given.split(separator: ":")[0]):\(number.prefix(1)) \(number.dropFirst())\"",
                "\"identifier\":\"\(given.split(separator: ":")[0]):\\u003\(number.prefix(1))\(number.dropFirst())\"",
            ]
            for variant in variants {
                let other = Array(text.replacingOccurrences(of: "\"identifier\":\"\(given)\"", with: variant).utf8)
                #expect(other.withUnsafeBytes { RecordDossier.fastIdentifier($0, kind) } == nil, "\(variant)")
                let decoded = try other.withUnsafeBytes { try RecordDossier.keyAndIdentifier(of: $0) }
                #expect(decoded.identifier?.description == given, "\(variant)")
            }
        }
        #expect(openedWithout > 0, "dossiers opened after a notice (no identifier in DossierOpened)")
    }

    @Test(
        "the identifier table is kept up incrementally: extended over several appends, it equals a rebuild, byte for byte")
    func incremental() async throws {
        let history = try await IndexedHistory.identities(seed: 6, people: 30)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let count = history.records.count
        let cuts = [0, count / 5, count / 3, count / 2, 3 * count / 4, count]
        let journal = history.directory + "/growing.dmpj"
        for (step, (from, to)) in zip(cuts, cuts.dropFirst()).enumerated() {
            try await history.write("growing.dmpj", from..<to, seed: UInt64(step))
            // Before saving: the saved part from the file, the rest scanned at opening.
            if step > 0 {
                let opened = try DossierIndex(journal: journal)
                #expect(opened.unsavedEvents == to - from)
                try expectLookupsEqualScan(opened, records: history.records[0..<to])
            }
            let update = try DossierIndex.update(journal: journal)
            #expect(update.action == (step == 0 ? .created : .extended))
            try expectLookupsEqualScan(try DossierIndex(journal: journal), records: history.records[0..<to])
        }
        let extended = try bytes(DossierIndex.path(forJournal: journal))
        #expect(try DossierIndex.update(journal: journal, rebuild: true).action == .rebuilt)
        #expect(try bytes(DossierIndex.path(forJournal: journal)) == extended, "an extended index equals a rebuilt one")
    }

    @Test(
        "every flipped byte of the identifier table is detected: a lookup or the full check fails, never a wrong dossier"
    )
    func flippedBytes() async throws {
        let history = try await IndexedHistory.identities(seed: 7, people: 12)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let journal = try await history.write("flips.dmpj")
        let good = try DossierIndex.update(journal: journal).index
        let original = try bytes(good.path)
        let file = try IndexFile(path: good.path)
        let names = try identifierNames(history.records[...]).names
        var expected: [String: [DossierID]] = [:]
        for name in names { expected[name] = try good.dossiers(identifiedBy: [try PatientIdentifier(name)]) }
        // The identifier counts of the header, and the whole identifier table.
        let positions =
            Array(IndexFormat.identifierEntriesOffset..<IndexFormat.headerDigestOffset)
            + Array(file.header.identifiersOffset..<original.count)
        for position in positions {
            var damaged = original
            damaged[position] ^= 1 << UInt8(position % 8)
            try store(damaged, good.path)
            var detected = false
            do {
                let index = try DossierIndex(journal: journal)
                for name in names {
                    do {
                        let found = try index.dossiers(identifiedBy: [try PatientIdentifier(name)])
                        #expect(found == expected[name], "byte \(position), \(name)")
                    } catch DossierIndexError.corrupt {
                        detected = true
                    }
                }
            } catch DossierIndexError.corrupt {
                detected = true
            }
            if !detected {
                let update = try DossierIndex.update(journal: journal)
                #expect(update.action == .rebuilt, "byte \(position)")
                #expect(update.reason == DossierIndexError.corrupt)
            }
        }
        try store(original, good.path)
        #expect(try DossierIndex.update(journal: journal).action == .unchanged)
    }

    @Test(
        "a forged identifier table (recomputed checks) makes a lookup fail or omit, never name a dossier not given the identifier"
    )
    func forgedEntries() async throws {
        let history = try await IndexedHistory.identities(seed: 8, people: 12)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let journal = try await history.write("forged.dmpj")
        let path = try DossierIndex.update(journal: journal).index.path
        let original = try bytes(path)
        let names = try identifierNames(history.records[...]).names
        var truth: [String: [DossierID]] = [:]
        for name in names { truth[name] = try scannedHolders([name], records: history.records[...]) }
        let file = try IndexFile(path: path)
        var entries: [IndexFile.IdentifierEntry] = []
        try file.forEachIdentifierEntry { entries.append($0) }
        let units = Set(entries.map(\.unit)).sorted()
        /// Whether every lookup fails as corrupt or answers a subsequence of the truth.
        func expectNoWrongDossier(_ what: String) throws -> Int {
            let index = try DossierIndex(journal: journal)
            var failures = 0
            for name in names {
                do {
                    let found = try index.dossiers(identifiedBy: [try PatientIdentifier(name)])
                    let truth = truth[name]!
                    #expect(found.allSatisfy(truth.contains), "\(what): \(name)")
                    #expect(found == truth.filter(found.contains), "\(what): \(name), in order")
                } catch DossierIndexError.corrupt {
                    failures += 1
                }
            }
            return failures
        }
        for (number, entry) in entries.enumerated() {
            // Another dossier, another unit, or another identifier's key for the same entry.
            let forgeries: [(String, (inout IndexFile.IdentifierEntry) -> Void)] = [
                ("dossier", { $0.dossier = ($0.dossier + 1 + number % 5) % file.header.dossiers }),
                ("unit", { $0.unit = units[(units.firstIndex(of: $0.unit)! + 1) % units.count] }),
                ("key", { entry in entry.key = entries.first { $0.key > entry.key }?.key ?? entries[0].key }),
            ]
            for (what, change) in forgeries {
                try store(original, path)
                try forgeIdentifiers(path) { all in
                    if let position = all.firstIndex(of: entry) { change(&all[position]) }
                }
                #expect(try expectNoWrongDossier("\(what) of entry \(number)") >= 1, "\(what) of entry \(number)")
            }
        }
        // Entries removed: dossiers omitted, never others.
        try store(original, path)
        try forgeIdentifiers(path) { all in all = all.enumerated().filter { $0.offset % 3 != 0 }.map(\.element) }
        #expect(try expectNoWrongDossier("removed") == 0)
    }

    @Test("a version 1 index (no identifier table) is another format version: refused on opening, rebuilt by update")
    func versionOne() async throws {
        let history = try await IndexedHistory.identities(seed: 9, people: 8)
        defer { try? FileManager.default.removeItem(atPath: history.directory) }
        let journal = try await history.write("v1.dmpj")
        let path = try DossierIndex.update(journal: journal).index.path
        let current = try bytes(path)
        let header = try IndexFile(path: path).header
        // The same table and postings under a version 1 header: 176 bytes, its SHA-256 at 144.
        var old = Array(current[0..<144])
        old.replaceSubrange(8..<16, with: [1, 0, 0, 0, 176, 0, 0, 0])
        old += Array(SHA256.hash(data: old))
        try store(old + current[IndexFormat.headerSize..<header.identifiersOffset], path)
        #expect(throws: DossierIndexError.unsupportedVersion) { try DossierIndex(journal: journal) }
        let update = try DossierIndex.update(journal: journal)
        #expect(update.action == .rebuilt)
        #expect(update.reason == DossierIndexError.unsupportedVersion)
        #expect(try bytes(path) == current)
        try expectLookupsEqualScan(update.index, records: history.records[...])
    }
}
