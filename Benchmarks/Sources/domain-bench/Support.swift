import DMP
import DMPJournal
import Foundation
import GRDB
import JournalBenchSupport

/// A demo journal built by `dmp demo` (no bodies), cached in the benchmark
/// directory, with the same records in an SQLite table when a baseline asks for it.
struct DemoFixture {
    let name: String
    let directory: String
    let events: Int

    var journal: String { self.directory + "/journal.dmpj" }

    /// Builds the fixture with the `dmp` tool if it is not there yet (about 40 s per million
    /// events), and counts its events.
    static func prepare(dossiers: Int, days: Int, tool: String) throws -> DemoFixture {
        let directory = BenchFiles.directory + "/demo-\(dossiers)-\(days)d"
        let journal = directory + "/journal.dmpj"
        // A fixture cached by an older version of the tool is built again in the format a store
        // writes now (format version 2: the LZ4 dictionary).
        let cached = FileManager.default.fileExists(atPath: journal + ".complete")
        if cached, let version = try? JournalReader(path: journal).header.formatVersion, version < 2 {
            print("the cached fixture \(directory) is journal format version \(version): building it again")
            try? FileManager.default.removeItem(atPath: journal + ".complete")
            try? FileManager.default.removeItem(atPath: directory + "/events.sqlite.complete")
        }
        if !FileManager.default.fileExists(atPath: journal + ".complete") {
            guard FileManager.default.isExecutableFile(atPath: tool) else {
                print("domain-bench: \(tool) not found: build it first (swift build -c release --product dmp)")
                exit(1)
            }
            print("building the fixture: dmp demo --dossiers \(dossiers) --days \(days) (once)…")
            fflush(nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = [
                "demo", "--out", directory, "--dossiers", "\(dossiers)", "--days", "\(days)", "--bodies", "0",
                "--force", "--format", "json",
            ]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                print("domain-bench: dmp demo failed (\(process.terminationStatus))")
                exit(1)
            }
            _ = FileManager.default.createFile(atPath: journal + ".complete", contents: Data())
        }
        let reader = try JournalReader(path: journal)
        var count = 0
        while try reader.nextBatch({ _, _, _ in count += 1 }) {}
        let name = count >= 1_000_000 ? String(format: "%.1f M events", Double(count) / 1e6) : "\(count) events"
        print("fixture \(directory): \(count) events")
        return DemoFixture(name: name, directory: directory, events: count)
    }

    /// The same records in an SQLite table `events(seq INTEGER PRIMARY KEY, body TEXT)`, built
    /// once.
    func sqlite() throws -> DatabaseQueue {
        let path = self.directory + "/events.sqlite"
        if !FileManager.default.fileExists(atPath: path + ".complete") {
            BenchFiles.remove(path)
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try SQLiteBaseline.createTable(db)
                let reader = try JournalReader(path: self.journal)
                var batch: [[UInt8]] = []
                var first = 0
                while try reader.nextBatch({ sequence, _, record in
                    if batch.isEmpty { first = Int(sequence) }
                    batch.append(Array(record))
                }) {
                    if batch.count >= 10_000 {
                        try SQLiteBaseline.insertRaw(db, batch, firstSequence: first)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                try SQLiteBaseline.insertRaw(db, batch, firstSequence: first)
            }
            try queue.writeWithoutTransaction { try $0.execute(sql: "VACUUM") }
            _ = FileManager.default.createFile(atPath: path + ".complete", contents: Data())
        }
        return try DatabaseQueue(path: path)
    }

    /// The dossier with the most events among the first 100,000 (a realistic, busy one).
    func busyDossier() throws -> DossierID {
        var counts: [DossierID: Int] = [:]
        var seen = 0
        struct Done: Error {}
        do {
            try History.forEachEvent(journal: self.journal) { event in
                counts[event.dossier, default: 0] += 1
                seen += 1
                if seen == 100_000 { throw Done() }
            }
        } catch is Done {}
        return counts.max { $0.value < $1.value }!.key
    }
}

/// Wall and CPU time of a run.
enum Measure {
    struct Sample {
        var wall: Double
        var cpu: Double
    }

    static func cpu() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func run(_ body: () throws -> Void) rethrows -> Sample {
        let wall = nanos()
        let cpu = self.cpu()
        try body()
        return Sample(wall: Double(nanos() - wall) / 1e9, cpu: self.cpu() - cpu)
    }

    static func runAsync(_ body: () async throws -> Void) async rethrows -> Sample {
        let wall = nanos()
        let cpu = self.cpu()
        try await body()
        return Sample(wall: Double(nanos() - wall) / 1e9, cpu: self.cpu() - cpu)
    }

    /// The run with the median wall time of `count`.
    static func median(_ count: Int, _ body: () throws -> Sample) rethrows -> Sample {
        var samples: [Sample] = []
        for _ in 0..<max(1, count) { samples.append(try body()) }
        return samples.sorted { $0.wall < $1.wall }[samples.count / 2]
    }
}

/// Memory probes: each runs in a child process, which reports its peak resident set (VmHWM).
enum Child {
    /// Runs a probe in a child process and returns its peak RSS in bytes.
    static func peak(_ probe: String, _ journal: String, _ extra: [String] = []) throws -> Int {
        try Int(self.report(probe, journal, extra, prefix: "peak "))!
    }

    /// Runs a probe in a child process and returns the seconds it reports.
    static func timed(_ probe: String, _ journal: String, _ extra: [String] = []) throws -> Double {
        try Double(self.report(probe, journal, extra, prefix: "seconds "))!
    }

    /// Runs a probe and returns the value of its last output line starting with `prefix`.
    private static func report(_ probe: String, _ journal: String, _ extra: [String], prefix: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--child", probe, journal] + extra
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let line = output.split(separator: "\n").last(where: { $0.hasPrefix(prefix) }),
            Double(line.dropFirst(prefix.count)) != nil
        else {
            print("domain-bench: the \(probe) probe failed: \(output)")
            exit(1)
        }
        return String(line.dropFirst(prefix.count))
    }

    /// The child side.
    static func run(_ arguments: [String]) async throws {
        guard arguments.count >= 2 else { DomainBench.usage() }
        let journal = arguments[1]
        switch arguments[0] {
        case "verify":
            let report = try JournalVerifier().verify(path: journal)
            precondition(report.isValid)
        case "scan":
            // One dossier's trace by a full scan: the dossier of the journal's first event.
            let reader = try JournalReader(path: journal)
            let first = try EventCodec.decode(reader.next()!.bytes)
            _ = try History.trace(of: first.dossier, viewer: .holder, journal: journal)
        case "query":
            // Open the index and answer one trace, timed from inside (process start excluded).
            guard arguments.count >= 3, let dossier = DossierID(rawValue: arguments[2]) else { DomainBench.usage() }
            let start = nanos()
            let index = try DossierIndex(journal: journal)
            _ = try History.trace(of: dossier, viewer: .holder, journal: journal, index: index)
            print("seconds \(Double(nanos() - start) / 1e9)")
            return
        case "replay":
            let copy = journal + ".replay-probe"
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: journal, toPath: copy)
            defer { try? FileManager.default.removeItem(atPath: copy) }
            var configuration = DMPStore.Configuration()
            configuration.journal.durability = .noSync
            configuration.replayOnTwoThreads = !arguments.contains("--one-thread")
            let start = nanos()
            let store = try await DMPStore.open(at: copy, configuration: configuration)
            print("seconds \(Double(nanos() - start) / 1e9)")
            try await store.close()
        default:
            DomainBench.usage()
        }
        print("peak \(Self.highWaterMark())")
    }

    /// VmHWM from /proc/self/status, in bytes.
    static func highWaterMark() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").compactMap { Int($0) }
            return (digits.first ?? 0) * 1024
        }
        return 0
    }
}
