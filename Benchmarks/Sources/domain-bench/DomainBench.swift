import DMP
import DMPJournal
import Foundation
import GRDB
import GRDBSQLite
import JournalBenchSupport

/// The domain's end-to-end figures on demo journals built by `dmp demo` (realistic events through
/// the real store), each beside a baseline measured in the same run, printed as one Markdown
/// table (see Benchmarks/README.md). Build and run in release:
///
///     Benchmarks/run.sh domain [--sizes 1m,10m] [--only replay,baselines,memory,query,size]
///
/// The fixtures: `dmp demo --dossiers 50000 --bodies 0` over 365 days (about 1 M events) and over
/// 3,650 days (about 10 M events: the same population, ten times the history), cached in the
/// benchmark directory.
@main
struct DomainBench {
    struct Options {
        var sizes = ["1m", "10m"]
        var sections: Set<String> = ["replay", "baselines", "memory", "query", "size"]
        var repeats = 3
        var tool = ""
    }

    static func usage() -> Never {
        print(
            """
            usage: domain-bench [--sizes 100k,1m,10m] [--only replay,baselines,memory,query,size] [--repeats N]
                                [--dmp PATH-TO-dmp]   (default: the root package's .build/release/dmp)
                   domain-bench --child replay|verify|trace|scan JOURNAL [DOSSIER]   (memory probes)
            """)
        exit(2)
    }

    static func parse() -> Options {
        var options = Options()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        options.tool = root.appendingPathComponent(".build/release/dmp").path
        var arguments = CommandLine.arguments.dropFirst()
        func value() -> String {
            guard let value = arguments.popFirst() else { usage() }
            return value
        }
        while let argument = arguments.popFirst() {
            switch argument {
            case "--sizes": options.sizes = value().split(separator: ",").map(String.init)
            case "--only": options.sections = Set(value().split(separator: ",").map(String.init))
            case "--repeats": options.repeats = Int(value()) ?? options.repeats
            case "--dmp": options.tool = value()
            case "--help", "-h": usage()
            default: usage()
            }
        }
        return options
    }

    static func main() async throws {
        if CommandLine.arguments.dropFirst().first == "--child" {
            try await Child.run(Array(CommandLine.arguments.dropFirst(2)))
            return
        }
        let options = parse()
        print("domain-bench: fixtures \(options.sizes.joined(separator: ", ")), data in \(BenchFiles.directory)")
        print("date \(ISO8601DateFormatter().string(from: Date())), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        var fixtures: [DemoFixture] = []
        for size in options.sizes {
            guard let (dossiers, days) = ["100k": (5000, 365), "1m": (50_000, 365), "10m": (50_000, 3650)][size] else {
                usage()
            }
            fixtures.append(try DemoFixture.prepare(dossiers: dossiers, days: days, tool: options.tool))
        }
        for fixture in fixtures {
            if options.sections.contains("size") { try self.size(fixture) }
            if options.sections.contains("replay") { try await self.replay(fixture, options) }
        }
        if options.sections.contains("baselines"), let small = fixtures.first {
            try self.baselines(small, options)
        }
        if options.sections.contains("memory") { try self.memory(fixtures) }
        if options.sections.contains("query"), let big = fixtures.last {
            try Queries.run(big, options)
        }
        Report.table()
    }

    // MARK: Sections

    static func size(_ fixture: DemoFixture) throws {
        print("\n## Size (\(fixture.name))")
        let report = try JournalVerifier().verify(path: fixture.journal)
        let file = Double(BenchFiles.size(fixture.journal))
        let events = Double(report.records)
        // The same batches in format version 1 frames, without the dictionary.
        let plain = Double(try JournalOps.sizeWithoutDictionary(fixture.journal, report: report))
        Report.add(
            "size on disk, \(fixture.name) (format version 2: LZ4 dictionary)",
            String(
                format: "%.1f bytes/event (JSON records %.1f; LZ4 ratio %.2f; %.1f records a frame)", file / events,
                Double(report.contentBytes) / events, Double(report.contentBytes) / Double(report.dataFrameBytes),
                events / Double(report.seals)),
            String(format: "the same frames without the dictionary (version 1): %.1f bytes/event", plain / events),
            String(format: "%.2f× smaller", plain / file))
    }

    static func replay(_ fixture: DemoFixture, _ options: Options) async throws {
        print("\n## Full replay (\(fixture.name))")
        let events = Double(fixture.events)
        // The physical limit: verifying and decompressing every unit, nothing decoded.
        let read = try Measure.median(options.repeats) {
            try Measure.run { try check(JournalOps.readAll(fixture.journal).records == fixture.events) }
        }
        let decode = try Measure.median(options.repeats) {
            try Measure.run {
                var count = 0
                try History.forEachEvent(journal: fixture.journal) { _ in count += 1 }
                try check(count == fixture.events)
            }
        }
        let copy = BenchFiles.scratch("replay-copy.dmpj")
        try FileManager.default.copyItem(atPath: fixture.journal, toPath: copy)
        defer { BenchFiles.remove(copy) }
        var configuration = DMPStore.Configuration()
        configuration.journal.durability = .noSync
        for threads in [1, 2] {
        configuration.replayOnTwoThreads = threads == 2
        var open = [Measure.Sample]()
        for _ in 0..<options.repeats {
            var store: DMPStore?
            let sample = try await Measure.runAsync {
                store = try await DMPStore.open(at: copy, configuration: configuration)
            }
            let last = await store!.lastSequence
            try check(last == UInt64(fixture.events))
            try await store!.close()
            store = nil
            open.append(sample)
        }
        let replay = open.sorted { $0.wall < $1.wall }[open.count / 2]
        Report.add(
            "full replay, \(fixture.name), \(threads == 1 ? "one core" : "two cores") (DMPStore.open: read, verify, decode, fold every projection)",
            "\(Report.rate(events / replay.wall)) (\(String(format: "%.2f", replay.cpu / replay.wall)) cores busy)",
            "physical limit: read + verify + decompress, nothing decoded: \(Report.rate(events / read.wall))",
            String(format: "%.0f%% of the limit", read.wall / replay.wall * 100))
        }
        Report.add(
            "  of which read + decode (History.forEachEvent)", Report.rate(events / decode.wall), "", "")
    }

    static func baselines(_ fixture: DemoFixture, _ options: Options) throws {
        print("\n## Baselines (\(fixture.name))")
        let events = Double(fixture.events)
        // Foundation's JSONDecoder on the same records, typed (once: it is an order of magnitude
        // slower, so noise does not matter).
        let foundation = try Measure.median(1) {
            try Measure.run {
                let decoder = JSONDecoder()
                var count = 0
                let reader = try JournalReader(path: fixture.journal)
                while try reader.nextBatch({ _, _, record in
                    let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: record.baseAddress!), count: record.count, deallocator: .none)
                    _ = try decoder.decode(FoundationRecord.self, from: data)
                    count += 1
                }) {}
                try check(count == fixture.events)
            }
        }
        let ours = try Measure.median(options.repeats) {
            try Measure.run {
                var count = 0
                try History.forEachEvent(journal: fixture.journal) { _ in count += 1 }
                try check(count == fixture.events)
            }
        }
        Report.add(
            "read + decode every event (EventCodec)", Report.rate(events / ours.wall),
            "same records through Foundation's JSONDecoder (typed envelope and data): \(Report.rate(events / foundation.wall))",
            Report.times(foundation.wall / ours.wall))

        // SQLite: the same records in an event table, read back, decoded and folded alike.
        let database = try fixture.sqlite()
        let journalFold = try Measure.median(options.repeats) {
            try Measure.run {
                var fold = Fold()
                try History.forEachEvent(journal: fixture.journal) { fold.apply($0) }
                try check(fold.count == fixture.events)
            }
        }
        let sqliteFold = try Measure.median(options.repeats) {
            try Measure.run {
                var fold = Fold()
                try database.read { db in
                    var statement: OpaquePointer?
                    guard sqlite3_prepare_v2(db.sqliteConnection, "SELECT body FROM events ORDER BY seq", -1, &statement, nil) == SQLITE_OK
                    else { throw DatabaseError(message: "prepare failed") }
                    defer { sqlite3_finalize(statement) }
                    while sqlite3_step(statement) == SQLITE_ROW {
                        let text = UnsafeRawPointer(sqlite3_column_text(statement, 0)!)
                        let count = Int(sqlite3_column_bytes(statement, 0))
                        fold.apply(try EventCodec.decode(UnsafeRawBufferPointer(start: text, count: count)))
                    }
                }
                try check(fold.count == fixture.events)
            }
        }
        Report.add(
            "read + decode + fold dossier states, from the journal", Report.rate(events / journalFold.wall),
            "from an SQLite table (C API, SELECT body ORDER BY seq), same decoder and fold, no verification: \(Report.rate(events / sqliteFold.wall))",
            Report.times(sqliteFold.wall / journalFold.wall))
    }

    static func memory(_ fixtures: [DemoFixture]) throws {
        print("\n## Peak memory (a child process per probe; VmHWM)")
        for probe in ["verify", "scan", "replay"] {
            var cells: [String] = []
            for fixture in fixtures {
                let peak = try Child.peak(probe, fixture.journal)
                cells.append("\(fixture.name): \(Report.megabytes(peak))")
            }
            let what: String
            switch probe {
            case "verify": what = "peak RSS, verify (JournalVerifier)"
            case "scan": what = "peak RSS, streaming query (one dossier's trace by full scan)"
            default: what = "peak RSS, full replay (DMPStore.open)"
            }
            Report.add(what, cells.joined(separator: "; "), "", "")
        }
    }

    /// Stops the run when a measured operation returned the wrong count.
    static func check(_ condition: Bool, _ line: UInt = #line) throws {
        precondition(condition, "wrong count (domain-bench line \(line))")
    }
}

/// A minimal fold shared by the journal and SQLite read-backs: every dossier's state.
struct Fold {
    var states: [DossierID: DossierState] = [:]
    var count = 0

    mutating func apply(_ event: Event) {
        self.states[event.dossier, default: DossierState(id: event.dossier)].apply(event)
        self.count += 1
    }
}

