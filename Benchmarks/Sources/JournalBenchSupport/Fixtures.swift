import Crypto
import DMPJournal
import Foundation
import GRDB
import GRDBSQLite

/// Where benchmark files live, and the cached fixtures built there.
///
/// Files go to `$DMP_BENCH_DIR`, else `Benchmarks/.build/bench-data/` (git-ignored, and on the
/// same disk as the checkout: durable-append figures are meaningless on a tmpfs). Fixtures (a
/// journal of N synthetic events and the same events in SQLite) are built once, keyed by the
/// generator's version and N, and reused by every later run and by both executables.
public enum BenchFiles {
    public static let directory: String = {
        if let custom = ProcessInfo.processInfo.environment["DMP_BENCH_DIR"], !custom.isEmpty { return custom }
        // #filePath is Benchmarks/Sources/JournalBenchSupport/Fixtures.swift.
        let benchmarks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return benchmarks.appendingPathComponent(".build/bench-data").path
    }()

    /// A fresh path in the benchmark directory (any file already there is removed, with its
    /// SQLite companions).
    public static func scratch(_ name: String) -> String {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        remove(path)
        return path
    }

    public static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    public static func size(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}

/// The signing key of the fixture journals' checkpoints (fixed, so fixtures are reproducible).
public enum FixtureKey {
    private static let raw = [UInt8](repeating: 0x42, count: 32)

    public static var privateKey: Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    }
}

/// A journal and an SQLite database holding the same `count` synthetic events.
public struct Fixture: Sendable {
    public let count: Int
    public let journalPath: String
    public let sqlitePath: String
    public let generator: EventGenerator

    /// Builds whatever is missing (a 1 M-event fixture takes a few seconds, once).
    public static func prepare(count: Int, log: Bool = false) async throws -> Fixture {
        let generator = EventGenerator()
        let stem = BenchFiles.directory + "/fixture-g\(EventGenerator.version)-\(count)"
        let fixture = Fixture(
            count: count, journalPath: stem + ".dmpj", sqlitePath: stem + ".sqlite", generator: generator)
        try FileManager.default.createDirectory(atPath: BenchFiles.directory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: fixture.journalPath + ".ok") {
            if log { print("building \(fixture.journalPath) (once)…") }
            try await fixture.buildJournal()
        }
        if !FileManager.default.fileExists(atPath: fixture.sqlitePath + ".ok") {
            if log { print("building \(fixture.sqlitePath) (once)…") }
            try fixture.buildSQLite()
        }
        return fixture
    }

    /// Batches of 1,024 events, appended one after the other without sync, with a signed
    /// checkpoint every 100,000 records: the shape a busy writer leaves.
    private func buildJournal() async throws {
        let building = self.journalPath + ".building"
        BenchFiles.remove(building)
        var options = JournalOptions()
        options.application = "dmp-events/1"
        options.durability = .noSync
        options.signer = CheckpointSigner(key: FixtureKey.privateKey)
        let writer = try JournalWriter.create(at: building, options: options)
        var start = 0
        while start < self.count {
            let end = min(self.count, start + 1024)
            _ = try await writer.append(self.generator.events(start..<end))
            start = end
        }
        try await writer.close()
        BenchFiles.remove(self.journalPath)
        try FileManager.default.moveItem(atPath: building, toPath: self.journalPath)
        _ = FileManager.default.createFile(atPath: self.journalPath + ".ok", contents: nil)
    }

    /// The table a user would create: `events(seq INTEGER PRIMARY KEY, body TEXT NOT NULL)`, WAL,
    /// checkpointed so the whole database is in the main file.
    private func buildSQLite() throws {
        let building = self.sqlitePath + ".building"
        BenchFiles.remove(building)
        do {
            let pool = try SQLiteBaseline.openPool(building, synchronous: "OFF")
            try pool.write { db in try SQLiteBaseline.createTable(db) }
            var start = 0
            while start < self.count {
                let end = min(self.count, start + 10_000)
                let events = self.generator.events(start..<end)
                try pool.write { db in try SQLiteBaseline.insertRaw(db, events, firstSequence: start + 1) }
                start = end
            }
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try pool.close()
        }
        BenchFiles.remove(self.sqlitePath)
        try FileManager.default.moveItem(atPath: building, toPath: self.sqlitePath)
        BenchFiles.remove(building)
        _ = FileManager.default.createFile(atPath: self.sqlitePath + ".ok", contents: nil)
    }
}

/// Every record of a set of events, back to back in one buffer (for the per-record baselines).
public struct RecordArena: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// `ends[i]` is the end offset of record `i` in `bytes`.
    public private(set) var ends: [Int] = []

    public init(_ generator: EventGenerator, count: Int) {
        self.bytes.reserveCapacity(count * 320)
        self.ends.reserveCapacity(count)
        for i in 0..<count {
            generator.write(event: i, into: &self.bytes)
            self.ends.append(self.bytes.count)
        }
    }

    public var count: Int { self.ends.count }
}
