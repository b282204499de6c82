import DMPJournal
import Foundation
import GRDB

/// The result of running concurrent appenders for a while.
public struct AppendRun: Sendable {
    public var events: Int
    public var seconds: Double
    /// Commit latency of each append (submit to acknowledgement), sorted, in nanoseconds.
    public var latencies: [UInt64]
    /// Group commits (journal only: seals in the file), to report events per `fdatasync`.
    public var commits: Int?
    /// CPU time of the whole process (user + system, all threads) during the run, in seconds:
    /// with 2 cores, a run that uses well under 2 s of CPU per second is waiting, not computing.
    public var cpuSeconds: Double = 0

    /// CPU cores kept busy on average (2.0 = both cores saturated).
    public var coresBusy: Double { self.cpuSeconds / self.seconds }

    public var eventsPerSecond: Double { Double(self.events) / self.seconds }
    public var p50: UInt64 { percentile(self.latencies, 50) }
    public var p99: UInt64 { percentile(self.latencies, 99) }
}

/// `appenders` tasks, each appending one event at a time and waiting for its acknowledgement
/// before the next, until `seconds` have passed: the pattern of many request handlers that each
/// must not answer before their event is durable. Events come from `pool`.
public enum Appenders {
    /// The journal: `writer.append([event])`, group commit merging whatever is pending.
    public static func journal(
        appenders: Int, seconds: Double, pool: [[UInt8]], sync: Bool = true
    ) async throws -> AppendRun {
        let path = BenchFiles.scratch("append-\(appenders).dmpj")
        defer { BenchFiles.remove(path) }
        let writer = try JournalWriter.create(at: path, options: JournalOps.options(sync: sync))
        let run = try await self.drive(appenders: appenders, seconds: seconds, pool: pool) { event in
            _ = try await writer.append(CollectionOfOne(event))
        }
        try await writer.close()
        let report = try JournalVerifier().verify(path: path)
        precondition(report.isValid && report.records == UInt64(run.events), "append run left a bad journal")
        var result = run
        result.commits = report.seals
        return result
    }

    /// SQLite through GRDB: each event in its own `write` transaction on a `DatabasePool` (WAL),
    /// with `PRAGMA synchronous` as given. GRDB serialises writes, as SQLite requires.
    public static func sqlite(
        appenders: Int, seconds: Double, pool: [[UInt8]], synchronous: String
    ) async throws -> AppendRun {
        let path = BenchFiles.scratch("append-\(appenders)-\(synchronous).sqlite")
        defer { BenchFiles.remove(path) }
        let database = try SQLiteBaseline.openPool(path, synchronous: synchronous)
        try await database.write { db in try SQLiteBaseline.createTable(db) }
        let run = try await self.drive(appenders: appenders, seconds: seconds, pool: pool) { event in
            try await database.write { db in try SQLiteBaseline.insertOneGRDB(db, event) }
        }
        let rows = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 }
        precondition(rows == run.events, "SQLite holds \(rows) rows, \(run.events) were acknowledged")
        try database.close()
        return run
    }

    private static func drive(
        appenders: Int, seconds: Double, pool: [[UInt8]],
        append: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws -> AppendRun {
        let cpuBefore = cpuTime()
        let start = nanos()
        let deadline = start + UInt64(seconds * 1e9)
        let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for appender in 0..<appenders {
                group.addTask {
                    var latencies: [UInt64] = []
                    latencies.reserveCapacity(1024)
                    var k = appender &* 7919
                    while nanos() < deadline {
                        let event = pool[k % pool.count]
                        let before = nanos()
                        try await append(event)
                        latencies.append(nanos() - before)
                        k += 1
                    }
                    return latencies
                }
            }
            var all: [UInt64] = []
            for try await part in group { all.append(contentsOf: part) }
            return all
        }
        let elapsed = Double(nanos() - start) / 1e9
        return AppendRun(
            events: latencies.count, seconds: elapsed, latencies: latencies.sorted(), commits: nil,
            cpuSeconds: cpuTime() - cpuBefore)
    }

    /// The physical limit of durable appends on this disk: `write` of `bytes` at the end of a
    /// file, then `fdatasync`, again and again for `seconds` — what one group commit must at least
    /// cost (without compression, hashing, or any waiting for appenders). Returns sorted
    /// latencies of each write + sync in nanoseconds.
    public static func syncProbe(bytes: Int, seconds: Double) -> [UInt64] {
        let path = BenchFiles.scratch("sync-probe-\(bytes)")
        defer { BenchFiles.remove(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot create \(path)")
        defer { close(fd) }
        let buffer = [UInt8](repeating: 0x5A, count: bytes)
        var offset = 0
        var latencies: [UInt64] = []
        let deadline = nanos() + UInt64(seconds * 1e9)
        while nanos() < deadline {
            let before = nanos()
            let written = buffer.withUnsafeBytes { pwrite(fd, $0.baseAddress, bytes, off_t(offset)) }
            precondition(written == bytes && fdatasync(fd) == 0, "write or fdatasync failed")
            latencies.append(nanos() - before)
            offset += bytes
        }
        return latencies.sorted()
    }

    /// Bulk import into the journal without sync: `writer.append(batch)` for consecutive batches
    /// of `batchSize` events from `pool`, `total` events in all. Returns events/s.
    public static func journalBulk(total: Int, batchSize: Int, pool: [[UInt8]]) async throws -> Double {
        let path = BenchFiles.scratch("bulk.dmpj")
        defer { BenchFiles.remove(path) }
        let writer = try JournalWriter.create(at: path, options: JournalOps.options(sync: false))
        let start = nanos()
        var done = 0
        while done < total {
            let from = done % pool.count
            let batch = pool[from..<min(pool.count, from + batchSize)]
            _ = try await writer.append(batch)
            done += batch.count
        }
        try await writer.close()
        return Double(done) / (Double(nanos() - start) / 1e9)
    }

    /// The SQLite bulk import: one transaction per batch, `synchronous` as given, rows inserted
    /// through GRDB (`raw == false`) or the C API. Returns events/s.
    public static func sqliteBulk(
        total: Int, batchSize: Int, pool: [[UInt8]], synchronous: String, raw: Bool
    ) throws -> Double {
        let path = BenchFiles.scratch("bulk-\(synchronous)-\(raw ? "raw" : "grdb").sqlite")
        defer { BenchFiles.remove(path) }
        let database = try SQLiteBaseline.openPool(path, synchronous: synchronous)
        try database.write { db in try SQLiteBaseline.createTable(db) }
        let start = nanos()
        var done = 0
        while done < total {
            let from = done % pool.count
            let batch = pool[from..<min(pool.count, from + batchSize)]
            try database.write { db in
                if raw {
                    try SQLiteBaseline.insertRaw(db, batch, firstSequence: done + 1)
                } else {
                    try SQLiteBaseline.insertGRDB(db, batch, firstSequence: done + 1)
                }
            }
            done += batch.count
        }
        let rate = Double(done) / (Double(nanos() - start) / 1e9)
        try database.close()
        return rate
    }
}
