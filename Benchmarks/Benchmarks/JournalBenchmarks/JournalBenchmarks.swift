import Benchmark
import DMPJournal
import Foundation
import GRDB
import JournalBenchSupport

// The journal's operations, each beside its baseline, as ordo-one/benchmark suites. Names sort
// so that an operation and its baselines print together: "<Operation>-journal…" then
// "<Operation>-baseline_…". Names hold no spaces or slashes: package-benchmark 1.38.1 writes
// threshold files with those replaced by `_` but looks them up by the raw name, so a name with
// a space would never find its thresholds.
// One iteration does the work named (one batch of 1,024 events, one durable event, one pass over
// the 1 M-event fixture).
//
// Thresholds: only the allocation count (`mallocCountTotal`) is checked — it is deterministic;
// wall-clock figures on this shared VM are not (and the malloc interposer inflates them).
// Concurrent appenders and latency percentiles live in `journal-bench`, whose model fits them.

/// The fixture size for the read and verify suites (the thresholds were recorded with 1 M).
let fixtureEvents = Int(ProcessInfo.processInfo.environment["DMP_BENCH_EVENTS"] ?? "") ?? 1_000_000

/// Allocation counts may move by a handful between runs (dispatch and task machinery); a real
/// regression in the hot path moves them by thousands (one per event) or by a whole factor.
func allocationThreshold(relative: Double, absolute: Int) -> [BenchmarkMetric: BenchmarkThresholds] {
    [.mallocCountTotal: BenchmarkThresholds(relative: [.p90: relative], absolute: [.p90: absolute])]
}

/// State shared by a benchmark's setup, iterations and teardown (one benchmark per process;
/// iterations run one at a time, hence `@unchecked Sendable`).
final class Shared: @unchecked Sendable {
    var writer: JournalWriter?
    var database: DatabasePool?
    var path = ""
    var pool: [[UInt8]] = []
    var next = 0
    /// The next sequence number (SQLite baselines).
    var sequence = 1

    /// The next `count` events of the pool (which wraps around).
    func take(_ count: Int) -> ArraySlice<[UInt8]> {
        if self.next + count > self.pool.count { self.next = 0 }
        defer { self.next += count }
        return self.pool[self.next..<(self.next + count)]
    }

    func close() async throws {
        try await self.writer?.close()
        try self.database?.close()
        self.writer = nil
        self.database = nil
        BenchFiles.remove(self.path)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(2),
        maxIterations: 1000
    )

    // MARK: Bulk append, no sync, batches of 1,024 events

    let bulk = Benchmark.Configuration(
        maxIterations: 200, thresholds: allocationThreshold(relative: 5, absolute: 200))

    let bulkJournal = Shared()
    Benchmark("AppendBulk_1024PerBatch_noSync-journal", configuration: bulk) { benchmark in
        let batch = bulkJournal.take(1024)
        benchmark.startMeasurement()
        blackHole(try await bulkJournal.writer!.append(batch))
    } setup: {
        bulkJournal.pool = EventGenerator().events(0..<65_536)
        bulkJournal.path = BenchFiles.scratch("pb-bulk.dmpj")
        bulkJournal.writer = try JournalWriter.create(at: bulkJournal.path, options: JournalOps.options(sync: false))
    } teardown: {
        try await bulkJournal.close()
    }

    let bulkSQLite = Shared()
    Benchmark("AppendBulk_1024PerBatch_noSync-baseline_SQLiteGRDB_syncOFF", configuration: bulk) {
        benchmark in
        let batch = bulkSQLite.take(1024)
        let first = bulkSQLite.sequence
        bulkSQLite.sequence += batch.count
        benchmark.startMeasurement()
        try bulkSQLite.database!.write { db in try SQLiteBaseline.insertGRDB(db, batch, firstSequence: first) }
    } setup: {
        bulkSQLite.pool = EventGenerator().events(0..<65_536)
        bulkSQLite.path = BenchFiles.scratch("pb-bulk.sqlite")
        bulkSQLite.database = try SQLiteBaseline.openPool(bulkSQLite.path, synchronous: "OFF")
        try bulkSQLite.database!.write { db in try SQLiteBaseline.createTable(db) }
    } teardown: {
        try await bulkSQLite.close()
    }

    // MARK: Durable append, one appender, one event per commit (concurrency: journal-bench)

    let durable = Benchmark.Configuration(
        maxIterations: 1000, thresholds: allocationThreshold(relative: 10, absolute: 4))

    let durableJournal = Shared()
    Benchmark("AppendDurable_1EventPerCommit-journal", configuration: durable) { benchmark in
        let event = durableJournal.take(1)
        benchmark.startMeasurement()
        blackHole(try await durableJournal.writer!.append(event))
    } setup: {
        durableJournal.pool = EventGenerator().events(0..<4096)
        durableJournal.path = BenchFiles.scratch("pb-durable.dmpj")
        durableJournal.writer = try JournalWriter.create(
            at: durableJournal.path, options: JournalOps.options(sync: true))
    } teardown: {
        try await durableJournal.close()
    }

    let durableSQLite = Shared()
    Benchmark("AppendDurable_1EventPerCommit-baseline_SQLiteGRDB_WAL_FULL", configuration: durable) {
        benchmark in
        let event = durableSQLite.take(1).first!
        benchmark.startMeasurement()
        try await durableSQLite.database!.write { db in try SQLiteBaseline.insertOneGRDB(db, event) }
    } setup: {
        durableSQLite.pool = EventGenerator().events(0..<4096)
        durableSQLite.path = BenchFiles.scratch("pb-durable.sqlite")
        durableSQLite.database = try SQLiteBaseline.openPool(durableSQLite.path, synchronous: "FULL")
        try durableSQLite.database!.write { db in try SQLiteBaseline.createTable(db) }
    } teardown: {
        try await durableSQLite.close()
    }

    // MARK: Building a batch, per event (scaled: one iteration = 1,000 records)

    Benchmark(
        "BatchBuild_RecordBatchAppend_x1000-journal",
        configuration: .init(scalingFactor: .kilo, maxIterations: 2000, thresholds: allocationThreshold(relative: 5, absolute: 4))
    ) { benchmark, events in
        var batch = RecordBatch()
        for i in benchmark.scaledIterations {
            try batch.append(events[i])
        }
        blackHole(batch)
    } setup: {
        EventGenerator().events(0..<1000)
    }

    // MARK: Verify only, 1 M events, one core

    let pass = Benchmark.Configuration(
        warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 5,
        thresholds: allocationThreshold(relative: 2, absolute: 50))

    Benchmark("Verify_1M-journal", configuration: pass) { benchmark, fixture in
        blackHole(try JournalOps.verify(fixture.journalPath))
    } setup: {
        try await Fixture.prepare(count: fixtureEvents)
    }

    Benchmark("Verify_1M-baseline_physicalLimit_LZ4_SHA256_inMemory", configuration: pass) {
        benchmark, limit in
        blackHole(limit.run())
    } setup: {
        try PhysicalLimit(path: try await Fixture.prepare(count: fixtureEvents).journalPath)
    }

    Benchmark("Verify_1M-baseline_perRecordSHA256Chain", configuration: pass) { benchmark, arena in
        blackHole(PerRecordChain.run(arena))
    } setup: {
        RecordArena(try await Fixture.prepare(count: fixtureEvents).generator, count: fixtureEvents)
    }

    // MARK: Read all, 1 M events

    Benchmark("ReadAll_1M-journal_nextBatch", configuration: pass) { benchmark, fixture in
        blackHole(try JournalOps.readAll(fixture.journalPath))
    } setup: {
        try await Fixture.prepare(count: fixtureEvents)
    }

    let readSQLite = Shared()
    Benchmark("ReadAll_1M-baseline_SQLiteC_inOrder", configuration: pass) { benchmark in
        blackHole(try readSQLite.database!.read { db in try SQLiteBaseline.readAllRaw(db) })
    } setup: {
        readSQLite.database = try DatabasePool(path: try await Fixture.prepare(count: fixtureEvents).sqlitePath)
    } teardown: {
        try readSQLite.database?.close()
    }

    // DOMAIN BENCHMARKS (issue 5: full replay with projections, single-dossier queries, peak
    // RSS on 1 M and 10 M events) belong in a `DomainBenchmarks` target once the domain codec
    // lands; see Package.swift.
}
