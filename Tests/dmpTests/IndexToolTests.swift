import DMP
import DMPJournal
import Foundation
import Testing

/// A small demo journal in a new directory, and the records it holds.
func demoJournal(dossiers: Int = 30, days: Int = 150, seed: Int = 5) throws -> (
    journal: String, records: [[String: Any]]
) {
    let directory = try temporaryDirectory()
    let run = try dmp(
        "demo", "--out", directory.path, "--dossiers", String(dossiers), "--days", String(days), "--seed",
        String(seed), "--bodies", "0")
    #expect(run.status == 0, "\(run.stderr)")
    let journal = directory.appendingPathComponent("journal.dmpj").path
    return (journal, try dmp("events", journal, "--format", "jsonl").jsonLines())
}

/// The dossier ids of records, in order of first appearance.
func dossierIDs(_ records: [[String: Any]]) -> [String] {
    var seen: Set<String> = []
    return records.compactMap { $0["dossier"] as? String }.filter { seen.insert($0).inserted }
}

/// Flips one bit of a file.
func flip(_ path: String, at offset: Int) throws {
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    bytes[offset] ^= 0x10
    try bytes.write(to: URL(fileURLWithPath: path))
}

@Suite("dmp index, and the queries through it")
struct IndexToolTests {
    @Test("dmp index builds, says when it is up to date, rebuilds on demand; its JSON follows the schema")
    func indexCommand() throws {
        let (journal, records) = try demoJournal()
        let created = try dmp("index", journal, "--format", "json")
        #expect(created.status == 0, "\(created.stderr)")
        try validate(created.stdout, schema: "index")
        let json = try created.json()
        #expect(json["action"] as? String == "created")
        #expect(json["index"] as? String == journal + ".idx")
        #expect(json["events"] as? Int == records.count)
        #expect(json["addedEvents"] as? Int == records.count)
        #expect(json["dossiers"] as? Int == dossierIDs(records).count)
        #expect(json["reason"] is NSNull)
        let again = try dmp("index", journal, "--format", "json")
        try validate(again.stdout, schema: "index")
        #expect(try again.json()["action"] as? String == "unchanged")
        #expect(try again.json()["addedEvents"] as? Int == 0)
        let table = try dmp("index", journal, "--format", "table")
        #expect(table.stdout.contains("up to date"))
        let rebuilt = try dmp("index", journal, "--rebuild", "--format", "json")
        #expect(try rebuilt.json()["action"] as? String == "rebuilt")
        #expect(try dmp("index", journal + ".missing").status == 2)
    }

    @Test("trace, state, events and who-saw give the same output through the index as by scanning")
    func sameAnswers() throws {
        let (journal, records) = try demoJournal(seed: 6)
        #expect(try dmp("index", journal).status == 0)
        let dossiers = dossierIDs(records)
        let middle = records[records.count / 2]["at"] as! String
        for dossier in dossiers.enumerated().filter({ $0.offset % 3 == 0 }).map(\.element) {
            for arguments in [
                ["trace", journal, "--dossier", dossier], ["trace", journal, "--dossier", dossier, "--at", middle],
                ["state", journal, "--dossier", dossier], ["state", journal, "--dossier", dossier, "--at", middle],
                ["events", journal, "--dossier", dossier, "--format", "jsonl"],
                ["events", journal, "--dossier", dossier, "--type", "DocumentConsulted", "--format", "json"],
            ] {
                let full = arguments + (arguments.contains("--format") ? [] : ["--format", "json"])
                let indexed = try dmp(full)
                let scanned = try dmp(full + ["--no-index"])
                #expect(indexed.status == scanned.status, "\(arguments)")
                #expect(indexed.stdout == scanned.stdout, "\(arguments)")
                #expect(indexed.stderr == scanned.stderr, "\(arguments)")
            }
        }
        // who-saw --dossier: documents read in a few dossiers.
        let reads = records.filter { $0["type"] as? String == "DocumentConsulted" }.prefix(5)
        for read in reads {
            let document = try #require((read["data"] as? [String: Any])?["document"] as? String)
            let dossier = try #require(read["dossier"] as? String)
            let arguments = ["who-saw", journal, "--document", document, "--dossier", dossier, "--format", "json"]
            let indexed = try dmp(arguments)
            #expect(indexed.status == 0, "\(indexed.stderr)")
            try validate(indexed.stdout, schema: "who-saw")
            #expect(indexed.stdout == (try dmp(arguments + ["--no-index"])).stdout)
        }
        // A dossier that does not exist: the same refusal.
        let missing = ["trace", journal, "--dossier", "00000000-0000-4000-8000-000000000000"]
        #expect(try dmp(missing).status == 2)
        #expect(try dmp(missing).stderr == (try dmp(missing + ["--no-index"])).stderr)
    }

    @Test("with an index, only the dossier's units are read: damage elsewhere does not stop it, --no-index meets it")
    func indexIsUsed() throws {
        let (journal, records) = try demoJournal(seed: 7)
        #expect(try dmp("index", journal).status == 0)
        let index = try DossierIndex(journal: journal)
        var units: [DossierID: Set<Int>] = [:]
        for id in dossierIDs(records) {
            let dossier = try #require(DossierID(rawValue: id))
            units[dossier] = Set(try index.units(of: dossier))
        }
        // The dossier in the fewest units, and a unit in the middle of those it is not in.
        let dossier = try #require(units.min { ($0.value.count, $0.key) < ($1.value.count, $1.key) }?.key)
        let elsewhere = units.values.reduce(into: Set<Int>()) { $0.formUnion($1) }.subtracting(units[dossier]!).sorted()
        try #require(elsewhere.count > 2)
        try flip(journal, at: elsewhere[elsewhere.count / 2] + 20)  // inside another unit's data frame
        let indexed = try dmp("trace", journal, "--dossier", dossier.rawValue, "--format", "json")
        #expect(indexed.status == 0, "\(indexed.stderr)")
        #expect(indexed.stderr.isEmpty)
        let scanned = try dmp("trace", journal, "--dossier", dossier.rawValue, "--format", "json", "--no-index")
        #expect(scanned.status == 1)
        #expect(scanned.stderr.contains("damaged"))
    }

    @Test("appended events are read from the journal's tail, and dmp index then extends the index")
    func appends() throws {
        let directory = try temporaryDirectory()
        let journal = directory.appendingPathComponent("scripted.dmpj").path
        let lines = try String(contentsOfFile: fixture("history.jsonl"), encoding: .utf8).split(separator: "\n")
        let first = Data((lines.prefix(5).joined(separator: "\n") + "\n").utf8)
        let rest = Data((lines.dropFirst(5).joined(separator: "\n") + "\n").utf8)
        #expect(try dmp(["exec", journal, "-", "--no-sync"], input: first).status == 1, "line 4 is refused")
        let created = try dmp("index", journal, "--format", "json")
        let before = try created.json()["events"] as? Int ?? 0
        _ = try dmp(["exec", journal, "-", "--no-sync"], input: rest)
        let trace = ["trace", journal, "--dossier", scriptedDossier, "--format", "json"]
        let indexed = try dmp(trace)
        #expect(indexed.status == 0, "\(indexed.stderr)")
        #expect(try indexed.json()["count"] as? Int == 19, "the tail's events are there")
        #expect(indexed.stdout == (try dmp(trace + ["--no-index"])).stdout)
        let extended = try dmp("index", journal, "--format", "json")
        try validate(extended.stdout, schema: "index")
        let json = try extended.json()
        #expect(json["action"] as? String == "extended")
        #expect(json["addedEvents"] as? Int == 19 - before)
        #expect(try dmp(trace).stdout == indexed.stdout)
    }

    @Test("a damaged, foreign or newer-version index is rebuilt by a query, which says so and answers as a scan")
    func unusableIndex() throws {
        let (journal, records) = try demoJournal(seed: 8)
        let other = try demoJournal(dossiers: 5, days: 30, seed: 9).journal
        let dossier = dossierIDs(records)[1]
        let trace = ["trace", journal, "--dossier", dossier, "--format", "json"]
        let expected = try dmp(trace + ["--no-index"]).stdout
        #expect(try dmp("index", journal).status == 0)
        #expect(try dmp("index", other).status == 0)
        let path = journal + ".idx"
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        let damages: [(String, () throws -> Void)] = [
            ("index_corrupt", { try flip(path, at: 176 + 5) }),  // a table entry's key
            ("index_corrupt", { try flip(path, at: 40) }),  // the header
            ("index_unsupported_version", { try flip(path, at: 9) }),
            ("index_corrupt", { try Data(good.prefix(300)).write(to: URL(fileURLWithPath: path)) }),
            (
                "index_foreign_journal",
                {
                    try FileManager.default.removeItem(atPath: path)
                    try FileManager.default.copyItem(atPath: other + ".idx", toPath: path)
                }
            ),
        ]
        for (code, damage) in damages {
            try good.write(to: URL(fileURLWithPath: path))
            try damage()
            let run = try dmp(trace)
            #expect(run.status == 0, "\(code): \(run.stderr)")
            #expect(run.stdout == expected, "\(code)")
            #expect(run.stderr.contains("rebuilt it") && run.stderr.contains(code), "\(code): \(run.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == good, "\(code): rebuilt to the same bytes")
        }
    }

    @Test("in a read-only directory, queries read through the index and its tail without saving")
    func readOnly() throws {
        let directory = try temporaryDirectory()
        let journal = directory.appendingPathComponent("scripted.dmpj").path
        let lines = try String(contentsOfFile: fixture("history.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(try dmp(["exec", journal, "-", "--no-sync"], input: Data((lines[0] + "\n").utf8)).status == 0)
        #expect(try dmp("index", journal).status == 0)
        _ = try dmp(["exec", journal, fixture("history.jsonl"), "--no-sync"])
        // Also damage the index, so that the query rebuilds it and tries to save it.
        try flip(journal + ".idx", at: 50)
        let damaged = try Data(contentsOf: URL(fileURLWithPath: journal + ".idx"))
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.path)
        // As root, permissions do not stop writes: make the directory immutable if possible.
        var immutable = false
        if FileManager.default.createFile(atPath: directory.appendingPathComponent("probe").path, contents: nil) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent("probe"))
            immutable =
                (try? execute(URL(fileURLWithPath: "/usr/bin/env"), ["chattr", "+i", directory.path]))?.status == 0
        }
        defer {
            if immutable { _ = try? execute(URL(fileURLWithPath: "/usr/bin/env"), ["chattr", "-i", directory.path]) }
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        }
        let probe = directory.appendingPathComponent("probe").path
        let readOnly = !FileManager.default.createFile(atPath: probe, contents: nil)
        let trace = ["trace", journal, "--dossier", scriptedDossier, "--format", "json"]
        let run = try dmp(trace)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == (try dmp(trace + ["--no-index"])).stdout)
        if readOnly {
            #expect(run.stderr.contains("cannot save"), "\(run.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: journal + ".idx")) == damaged)
        }
    }
}
