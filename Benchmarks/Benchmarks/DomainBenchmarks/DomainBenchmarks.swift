import Benchmark
import DMP
import DMPJournal
import Foundation
import JournalBenchSupport

// The domain's hot paths as ordo-one/benchmark suites, on a journal built here through the real
// store (deterministic: fixed keys, times and content). Names as in JournalBenchmarks:
// "<Operation>-domain…" then "<Operation>-baseline_…". Only allocation counts are checked
// (`Thresholds/DomainBenchmarks.*`); the figures to quote come from `domain-bench`.

/// A deterministic journal: 200 people who each open a dossier and authorise a physician, then
/// rounds of deposits, reads (the first by each professional notifies the holder) and refused
/// reads. About 20,000 events, built once per process.
enum DomainFixture {
    static let dossiers = 200
    static let rounds = 30

    static func build(at path: String) async throws {
        BenchFiles.remove(path)
        try? FileManager.default.removeItem(atPath: DossierIndex.path(forJournal: path))
        var configuration = DMPStore.Configuration()
        configuration.journal.durability = .noSync
        let start: Int64 = 1_700_000_000_000
        var now = start
        configuration.clock = { start }
        let store = try await DMPStore.open(at: path, configuration: configuration)
        let physicians = try (1...5).map { n in
            Actor.professional(
                try ProfessionalID(nationalID: Self.rpps(n)), profession: .physician, structure: "750712184",
                software: "Logiciel médical 4.2")
        }
        let insurer = Actor(id: "mutuelle-42", role: .thirdParty, authentication: .structureCertificate)
        var ids: [DossierID] = []
        for person in 0..<Self.dossiers {
            now += 1000
            let created = try await store.execute(
                Command(
                    key: "create-\(person)", actor: .holder(), at: now,
                    action: .createDossier(
                        identifier: try Self.nir(person), traits: try Self.traits(), mode: .holderRequest,
                        expressConsent: true)))
            ids.append(created[0].dossier)
            for physician in physicians {
                try await store.execute(
                    Command(
                        key: "authorise-\(person)-\(physician.id)", actor: .holder(), dossier: created[0].dossier,
                        at: now, action: .authorise(professional: physician.id, basis: .holderConsent)))
            }
        }
        for round in 0..<Self.rounds {
            for (person, id) in ids.enumerated() {
                now += 1000
                let physician = physicians[(round + person) % physicians.count]
                let document = DocumentMetadata(
                    id: "DOC-\(round)-\(person)", typeCode: "11490-0", category: "CPT_REND", classCode: "11",
                    title: "Compte rendu de consultation", createdAt: now, actAt: now, confidentiality: [],
                    format: "application/pdf", size: Int64(1000 + person),
                    sha256: String(repeating: "a", count: 48) + String(format: "%016x", round * 1000 + person))
                try await store.execute(
                    Command(key: "deposit-\(round)-\(person)", actor: physician, dossier: id, at: now, action: .depositDocument(document: document, mode: .normal)))
                try await store.execute(
                    Command(key: "read-\(round)-\(person)", actor: physician, dossier: id, at: now, action: .consultDocument(document: document.id, mode: .normal, reason: nil)))
                if person % 10 == 0 {
                    _ = try? await store.execute(
                        Command(key: "refused-\(round)-\(person)", actor: insurer, dossier: id, at: now, action: .consultDocumentList(mode: .normal, reason: nil)))
                }
            }
        }
        try await store.close()
    }

    /// A national id (`8` + RPPS) with its Luhn digit.
    static func rpps(_ n: Int) -> String {
        let ten = String(format: "%010d", 1_000_000_000 + n)
        var sum = 0
        for (index, character) in ten.reversed().enumerated() {
            var value = Int(String(character))!
            if index % 2 == 0 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return "8" + ten + String((10 - sum % 10) % 10)
    }

    /// A NIR with its key (97 − n mod 97).
    static func nir(_ person: Int) throws -> PatientIdentifier {
        let thirteen = "1850575" + String(format: "%06d", 100_000 + person)
        let key = 97 - Int(UInt64(thirteen)! % 97)
        return try PatientIdentifier(thirteen + String(format: "%02d", key), kind: .nir)
    }

    static func traits() throws -> IdentityTraits {
        try IdentityTraits(
            birthName: "DUPONT", birthFirstNames: ["JEANNE"], birthDate: try CivilDate("1985-05-12"), sex: .female,
            birthPlace: try .init("75056"))
    }

    /// Every record of the journal, in memory.
    static func records(_ path: String) throws -> [[UInt8]] {
        let reader = try JournalReader(path: path)
        var records: [[UInt8]] = []
        while try reader.nextBatch({ _, _, record in records.append(Array(record)) }) {}
        return records
    }
}

/// State shared by a benchmark's setup and iterations (one benchmark per process).
final class DomainShared: @unchecked Sendable {
    var path = ""
    var records: [[UInt8]] = []
    var dossier: DossierID?
    var index: DossierIndex?
}

func domainThreshold(relative: Double, absolute: Int) -> [BenchmarkMetric: BenchmarkThresholds] {
    [.mallocCountTotal: BenchmarkThresholds(relative: [.p90: relative], absolute: [.p90: absolute])]
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(2),
        maxIterations: 200
    )
    let pass = Benchmark.Configuration(maxIterations: 20, thresholds: domainThreshold(relative: 2, absolute: 100))

    // MARK: Decoding every record of the fixture

    let decode = DomainShared()
    Benchmark("DecodeAll_20k-domain_EventCodec", configuration: pass) { benchmark in
        for record in decode.records { blackHole(try EventCodec.decode(record)) }
    } setup: {
        decode.path = BenchFiles.scratch("pb-domain-decode.dmpj")
        try await DomainFixture.build(at: decode.path)
        decode.records = try DomainFixture.records(decode.path)
    }

    let foundation = DomainShared()
    Benchmark("DecodeAll_20k-baseline_JSONDecoder", configuration: .init(maxIterations: 5)) { benchmark in
        let decoder = JSONDecoder()
        for record in foundation.records { blackHole(try decoder.decode(FoundationRecord.self, from: Data(record))) }
    } setup: {
        foundation.path = BenchFiles.scratch("pb-domain-foundation.dmpj")
        try await DomainFixture.build(at: foundation.path)
        foundation.records = try DomainFixture.records(foundation.path)
    }

    // MARK: Opening a store: read, verify, decode, fold every projection (one thread)

    let replay = DomainShared()
    Benchmark("Replay_20k-domain_DMPStore_open", configuration: pass) { benchmark in
        var configuration = DMPStore.Configuration()
        configuration.journal.durability = .noSync
        configuration.replayOnTwoThreads = false
        let store = try await DMPStore.open(at: replay.path, configuration: configuration)
        benchmark.stopMeasurement()
        try await store.close()
    } setup: {
        replay.path = BenchFiles.scratch("pb-domain-replay.dmpj")
        try await DomainFixture.build(at: replay.path)
    }

    // MARK: One dossier's trace, through the index and by a scan

    let trace = DomainShared()
    Benchmark("Trace_oneDossier-domain_indexed", configuration: .init(maxIterations: 200, thresholds: domainThreshold(relative: 5, absolute: 20))) { benchmark in
        blackHole(try History.trace(of: trace.dossier!, viewer: .holder, journal: trace.path, index: trace.index))
    } setup: {
        trace.path = BenchFiles.scratch("pb-domain-trace.dmpj")
        try await DomainFixture.build(at: trace.path)
        trace.dossier = try EventCodec.decode(DomainFixture.records(trace.path)[0]).dossier
        trace.index = try DossierIndex.update(journal: trace.path).index
    }
    Benchmark("Trace_oneDossier-baseline_fullScan", configuration: .init(maxIterations: 20)) { benchmark in
        blackHole(try History.trace(of: trace.dossier!, viewer: .holder, journal: trace.path))
    } setup: {
        trace.path = BenchFiles.scratch("pb-domain-scan.dmpj")
        try await DomainFixture.build(at: trace.path)
        trace.dossier = try EventCodec.decode(DomainFixture.records(trace.path)[0]).dossier
    }
}
