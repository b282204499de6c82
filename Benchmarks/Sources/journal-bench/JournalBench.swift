import DMPJournal
import Foundation
import GRDB
import JournalBenchSupport

/// The journal's end-to-end figures, each beside its baseline from the same run, printed as one
/// Markdown table (see Benchmarks/README.md). Build and run in release:
///
///     swift run --package-path Benchmarks -c release journal-bench [--events N] [--seconds S]
///         [--only append,bulk,verify,read,size] [--quick] [--dictionary]
@main
struct JournalBench {
    struct Options {
        var events = 1_000_000
        var seconds = 2.0
        var appenders = [1, 64, 1024]
        var sections: Set<String> = ["append", "bulk", "verify", "read", "size"]
        var repeats = 3
        /// Durable append without the SQLite runs and the disk probe (for profiling).
        var journalOnly = false
    }

    static func parse() -> Options {
        var options = Options()
        var arguments = CommandLine.arguments.dropFirst()
        func value(_ name: String) -> String {
            guard let value = arguments.popFirst() else {
                FileHandle.standardError.write(Data("\(name) needs a value\n".utf8))
                exit(2)
            }
            return value
        }
        while let argument = arguments.popFirst() {
            switch argument {
            case "--events": options.events = Int(value(argument)) ?? options.events
            case "--seconds": options.seconds = Double(value(argument)) ?? options.seconds
            case "--appenders": options.appenders = value(argument).split(separator: ",").compactMap { Int($0) }
            case "--only": options.sections = Set(value(argument).split(separator: ",").map(String.init))
            case "--journal-only": options.journalOnly = true
            case "--dictionary": JournalOps.dictionary = JournalOps.sampleDictionary()
            case "--quick":
                // A smoke run (seconds, not minutes): small fixture, short append windows.
                options.events = 20_000
                options.seconds = 0.3
                options.repeats = 1
            default:
                print(
                    """
                    usage: journal-bench [--events N] [--seconds S] [--appenders 1,64,1024]
                                         [--only append,bulk,verify,read,size] [--quick]
                                         [--journal-only]   (durable append without baselines: profiling)
                                         [--dictionary]     (appended journals in format version 2)
                    """)
                exit(argument == "--help" || argument == "-h" ? 0 : 2)
            }
        }
        return options
    }

    static func main() async throws {
        let options = parse()
        print("journal-bench: \(options.events) events, \(options.seconds) s per append run, data in \(BenchFiles.directory)")
        print("date \(ISO8601DateFormatter().string(from: Date())), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        fflush(nil)
        let generator = EventGenerator()
        let pool = generator.events(0..<65_536)
        let averageSize = Double(pool.reduce(0) { $0 + $1.count }) / Double(pool.count)
        print(String(format: "synthetic events: %.0f bytes on average", averageSize))

        if options.sections.contains("append") { try await self.durableAppend(options, pool: pool) }
        if options.sections.contains("bulk") { try await self.bulkAppend(options, pool: pool) }
        var fixture: Fixture?
        if !options.sections.isDisjoint(with: ["verify", "read", "size"]) {
            fixture = try await Fixture.prepare(count: options.events, log: true)
        }
        if let fixture, options.sections.contains("verify") { try self.verify(options, fixture) }
        if let fixture, options.sections.contains("read") { try self.read(options, fixture) }
        if let fixture, options.sections.contains("size") { try self.size(fixture) }

        Report.table()
    }

    // MARK: Sections

    static func durableAppend(_ options: Options, pool: [[UInt8]]) async throws {
        print("\n## Durable append (one event per append, acknowledged after fdatasync)")
        let eventSize = pool.reduce(0) { $0 + $1.count + 1 } / pool.count
        for n in options.appenders {
            let journal = try await Appenders.journal(appenders: n, seconds: options.seconds, pool: pool)
            if options.journalOnly {
                print(
                    "  journal, \(n) appenders: \(Report.rate(journal.eventsPerSecond)), p50 \(micros(journal.p50)), "
                        + String(
                            format: "%.1f events/commit, %.2f cores busy, %.2f µs CPU/event",
                            Double(journal.events) / Double(max(1, journal.commits ?? 1)), journal.coresBusy,
                            journal.cpuSeconds * 1e6 / Double(journal.events)))
                continue
            }
            let full = try await Appenders.sqlite(
                appenders: n, seconds: options.seconds, pool: pool, synchronous: "FULL")
            let normal = try await Appenders.sqlite(
                appenders: n, seconds: options.seconds, pool: pool, synchronous: "NORMAL")
            // The disk's own limit for n events per sync: one write of their bytes + fdatasync.
            let probe = Appenders.syncProbe(bytes: n * eventSize, seconds: min(1, options.seconds))
            let limit = Double(n) * 1e9 / Double(percentile(probe, 50))
            let perCommit = Double(journal.events) / Double(max(1, journal.commits ?? 1))
            let label = "durable append, \(n) appender\(n == 1 ? "" : "s")"
            Report.add(
                label,
                "\(Report.rate(journal.eventsPerSecond)), p50 \(micros(journal.p50)), p99 \(micros(journal.p99)); "
                    + String(format: "%.1f events/fdatasync, %.2f cores busy", perCommit, journal.coresBusy),
                "SQLite via GRDB, WAL, synchronous=FULL: \(Report.rate(full.eventsPerSecond)), p50 \(micros(full.p50)), "
                    + "p99 \(micros(full.p99))",
                Report.times(journal.eventsPerSecond / full.eventsPerSecond))
            Report.add(
                "\(label) (vs NORMAL)", Report.rate(journal.eventsPerSecond),
                "SQLite via GRDB, WAL, synchronous=NORMAL (not durable per commit): \(Report.rate(normal.eventsPerSecond)), "
                    + "p50 \(micros(normal.p50)), p99 \(micros(normal.p99))",
                Report.times(journal.eventsPerSecond / normal.eventsPerSecond))
            Report.add(
                "\(label) (vs the disk)", Report.rate(journal.eventsPerSecond),
                "disk limit: write \(n)×\(eventSize) B + fdatasync, p50 \(micros(percentile(probe, 50))), "
                    + "p99 \(micros(percentile(probe, 99))) → \(Report.rate(limit))",
                String(format: "%.0f%% of the limit", journal.eventsPerSecond / limit * 100))
        }
    }

    static func bulkAppend(_ options: Options, pool: [[UInt8]]) async throws {
        print("\n## Bulk append (batches of 1,024, no sync)")
        let total = options.events >= 524_288 ? 524_288 : options.events
        var journal: [Double] = []
        var grdb: [Double] = []
        var raw: [Double] = []
        for _ in 0..<options.repeats {
            journal.append(try await Appenders.journalBulk(total: total, batchSize: 1024, pool: pool))
            grdb.append(try Appenders.sqliteBulk(total: total, batchSize: 1024, pool: pool, synchronous: "OFF", raw: false))
            raw.append(try Appenders.sqliteBulk(total: total, batchSize: 1024, pool: pool, synchronous: "OFF", raw: true))
        }
        let j = median(journal)
        Report.add(
            "bulk append, no sync, 1,024/batch (\(total) events)", Report.rate(j),
            "SQLite via GRDB, 1,024/transaction, synchronous=OFF: \(Report.rate(median(grdb)))", Report.times(j / median(grdb)))
        Report.add(
            "bulk append (vs raw C SQLite)", Report.rate(j),
            "SQLite C API, 1,024/transaction, synchronous=OFF: \(Report.rate(median(raw)))", Report.times(j / median(raw)))
    }

    static func verify(_ options: Options, _ fixture: Fixture) throws {
        print("\n## Verify only (\(fixture.count) events, one core)")
        let count = Double(fixture.count)
        let verify = median(try (0..<options.repeats).map { _ in
            try timed { try check(JournalOps.verify(fixture.journalPath) == UInt64(fixture.count)) }
        })
        let limit = try PhysicalLimit(path: fixture.journalPath)
        let physical = median((0..<options.repeats).map { _ in timed { _ = limit.run() } })
        let hashOnly = median((0..<options.repeats).map { _ in timed { _ = limit.run(decompress: false) } })
        let lz4Only = median((0..<options.repeats).map { _ in timed { _ = limit.run(hash: false) } })
        let arena = RecordArena(fixture.generator, count: fixture.count)
        let perRecord = median((0..<options.repeats).map { _ in timed { _ = PerRecordChain.run(arena) } })
        Report.add(
            "verify only (chain, frames, seals, counts, signatures)", Report.rate(count / verify),
            "physical limit: LZ4 decompress + chained SHA-256 of the same units, in memory: \(Report.rate(count / physical))",
            String(format: "%.0f%% of the limit", physical / verify * 100))
        Report.add(
            "verify only (vs the naive design)", Report.rate(count / verify),
            "per-record SHA-256 chain over the same records: \(Report.rate(count / perRecord))",
            Report.times(perRecord / verify))
        Report.add(
            "  of which: chained SHA-256 of the units alone", Report.rate(count / hashOnly), "", "")
        Report.add(
            "  of which: LZ4 decompression alone", Report.rate(count / lz4Only), "", "")
    }

    static func read(_ options: Options, _ fixture: Fixture) throws {
        print("\n## Read all (\(fixture.count) events)")
        let count = Double(fixture.count)
        let journal = median(try (0..<options.repeats).map { _ in
            try timed { try check(JournalOps.readAll(fixture.journalPath).records == fixture.count) }
        })
        let database = try DatabaseQueue(path: fixture.sqlitePath)
        let raw = median(try (0..<options.repeats).map { _ in
            try timed { try check(database.read { try SQLiteBaseline.readAllRaw($0) }.rows == fixture.count) }
        })
        let grdb = median(try (0..<options.repeats).map { _ in
            try timed { try check(database.read { try SQLiteBaseline.readAllGRDB($0) }.rows == fixture.count) }
        })
        Report.add(
            "read all (JournalReader.nextBatch: seal check, decompress, split)", Report.rate(count / journal),
            "SQLite C API, SELECT body ORDER BY seq: \(Report.rate(count / raw))", Report.times(raw / journal))
        Report.add(
            "read all (vs GRDB)", Report.rate(count / journal),
            "GRDB row cursor, no copy: \(Report.rate(count / grdb))", Report.times(grdb / journal))
    }

    static func size(_ fixture: Fixture) throws {
        print("\n## Size (\(fixture.count) events)")
        let report = try JournalVerifier().verify(path: fixture.journalPath)
        let journal = Double(BenchFiles.size(fixture.journalPath)) / Double(fixture.count)
        let sqlite = Double(BenchFiles.size(fixture.sqlitePath)) / Double(fixture.count)
        let json = Double(report.contentBytes - fixture.count) / Double(fixture.count)
        Report.add(
            "size on disk", String(format: "%.1f bytes/event (JSON %.1f; LZ4 %.2f×)", journal, json,
                Double(report.contentBytes) / Double(report.dataFrameBytes)),
            String(format: "SQLite table, checkpointed: %.1f bytes/event", sqlite),
            String(format: "%.2f× smaller", sqlite / journal))
    }

    // MARK: Formatting

    /// Stops the run when a measured operation returned the wrong count.
    static func check(_ condition: Bool, _ line: UInt = #line) throws {
        precondition(condition, "wrong record count (journal-bench line \(line))")
    }

    static func timed(_ body: () throws -> Void) rethrows -> Double {
        let start = nanos()
        try body()
        return Double(nanos() - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    static func micros(_ nanoseconds: UInt64) -> String {
        nanoseconds >= 10_000_000
            ? String(format: "%.1f ms", Double(nanoseconds) / 1e6) : String(format: "%.0f µs", Double(nanoseconds) / 1e3)
    }
}
