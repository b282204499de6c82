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

/// The identifier of the first dossier opened with one, if any.
func firstOpeningIdentifier(_ records: [[String: Any]]) -> String? {
    records.lazy.compactMap { record -> String? in
        guard record["type"] as? String == "DossierOpened" else { return nil }
        return (record["data"] as? [String: Any])?["identifier"] as? String
    }.first
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
        let identities = records.filter {
            ["OpeningNoticeSent", "DossierOpened", "IdentifierChanged"].contains($0["type"] as? String)
        }
        let identifiers = Set(identities.compactMap { ($0["data"] as? [String: Any])?["identifier"] as? String })
        #expect(json["identifiers"] as? Int == identifiers.count)
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
        // (How many units there are depends on the disk: the demo's frames are cut at each fdatasync.)
        try #require(!elsewhere.isEmpty, "units without the dossier")
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

// MARK: - Identifiers through the index

/// A 15-character number with its NIR/NIA key (97 − n mod 97) after `thirteen` characters.
func keyed(_ thirteen: String) -> String {
    let key = 97 - Int(UInt64(thirteen)! % 97)
    return thirteen + (key < 10 ? "0" : "") + String(key)
}

/// One `dmp exec` line.
func commandLine(
    _ key: String, actor: String, at: String, action: String, dossier: String? = nil, data: String? = nil
) -> String {
    let actors = [
        "holder": #"{"id":"holder","role":"holder","auth":"holder_login"}"#,
        "feed": #"{"id":"operator-feed","role":"operator_feed","auth":"system"}"#,
        "system": #"{"id":"system","role":"system","auth":"system"}"#,
    ]
    return #"{"key":"\#(key)","actor":\#(actors[actor]!),"# + (dossier.map { #""dossier":"\#($0)","# } ?? "")
        + #""at":"\#(at)","action":"\#(action)""# + (data.map { #","data":\#($0)"# } ?? "") + "}"
}

/// A `CreateDossier` line.
func creation(_ key: String, _ identifier: String, at: String) -> String {
    commandLine(
        key, actor: "holder", at: at, action: "CreateDossier",
        data: #"{"identifier":"\#(identifier)","traits":{"birthName":"MARTIN","firstNames":["PAUL"],"#
            + #""birthDate":"1985-05-12","sex":"M","birthPlace":"75056"},"mode":"holder_request","expressConsent":true}"#
    )
}

/// Runs `dmp exec` on `lines`.
func executeCommands(_ journal: String, _ lines: [String]) throws {
    let run = try dmp(["exec", journal, "-", "--no-sync"], input: Data((lines.joined(separator: "\n") + "\n").utf8))
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
}

/// Whether every query by `identifiers` gives, through the index, the status, output and notes
/// of the scan (`--no-index`).
func expectSameAsScan(_ journal: String, _ identifiers: [String], _ when: String) throws {
    for identifier in identifiers {
        for arguments in [
            ["state", journal, "--dossier", identifier, "--format", "json"],
            ["trace", journal, "--dossier", identifier, "--format", "json"],
            ["events", journal, "--dossier", identifier, "--format", "jsonl"],
        ] {
            let indexed = try dmp(arguments)
            let scanned = try dmp(arguments + ["--no-index"])
            #expect(indexed.status == scanned.status, "\(when): \(arguments)")
            #expect(indexed.stdout == scanned.stdout, "\(when): \(arguments)")
            #expect(indexed.stderr == scanned.stderr, "\(when): \(arguments)")
        }
    }
}

/// The 16 bytes of an identifier's key in the index: the start of SHA256 of its string form.
func identifierKey(_ identifier: String) throws -> Data {
    let run = try execute(
        URL(fileURLWithPath: "/usr/bin/env"),
        [
            "python3", "-c",
            "import hashlib,sys; sys.stdout.write(hashlib.sha256(sys.argv[1].encode()).hexdigest()[:32])", identifier,
        ])
    let hex = Array(run.stdout.utf8)
    return Data(
        stride(from: 0, to: hex.count, by: 2).map {
            UInt8(String(decoding: hex[$0..<($0 + 2)], as: UTF8.self), radix: 16)!
        })
}

/// A little-endian `u64` of a file's bytes.
func u64(_ bytes: Data, at offset: Int) -> Int {
    (0..<8).reduce(0) { $0 | Int(bytes[bytes.startIndex + offset + $1]) << (8 * $1) }
}

/// The offset of the identifier table in an index file (format version 2).
func identifierTableOffset(_ index: Data) -> Int {
    192 + 32 * u64(index, at: 120) + u64(index, at: 128)
}

@Suite("dmp --dossier with a patient identifier, through the index")
struct IdentifierIndexToolTests {
    /// Numbers of the scripted history: X is a NIR of dossier A (purged, then created again) and
    /// a NIA of dossier B; C had an INS-C, then Z; D had W, then V.
    static let x = keyed("1850575056123")
    static let z = keyed("2900175056124")
    static let w = keyed("1770375056125")
    static let v = keyed("1770375056126")
    static let insc = "1234567890123456789012"
    static let queries = [
        "NIR:\(x)", "NIA:\(x)", x, "  \(x) ", "INSC:\(insc)", insc, "NIR:\(z)", z, "NIR:\(w)", "NIR:\(v)",
        "NIR:\(keyed("1990199999999"))", keyed("1990199999999"), "NIR:123", "NIR:\(x.dropLast())0",
    ]

    @Test(
        "ID-3, LC-3: current, old, bare, purged, recreated and unknown identifiers answer as the scan, index saved or not"
    )
    func scriptedHistory() throws {
        let journal = try temporaryDirectory().appendingPathComponent("identities.dmpj").path
        let a = Decider.derivedDossierID(key: "id-a").rawValue
        let c = Decider.derivedDossierID(key: "id-c").rawValue
        let d = Decider.derivedDossierID(key: "id-d").rawValue
        try executeCommands(
            journal,
            [
                creation("id-a", "NIR:\(Self.x)", at: "2026-01-05T09:00:00Z"),
                creation("id-b", "NIA:\(Self.x)", at: "2026-01-06T09:00:00Z"),
                creation("id-c", "INSC:\(Self.insc)", at: "2026-01-07T09:00:00Z"),
                commandLine(
                    "id-c-nir", actor: "feed", at: "2026-01-10T09:00:00Z", action: "ChangeIdentifier", dossier: c,
                    data: #"{"identifier":"NIR:\#(Self.z)"}"#),
                commandLine(
                    "id-a-close", actor: "holder", at: "2026-01-12T09:00:00Z", action: "CloseDossier", dossier: a,
                    data: #"{"reason":"holder_request"}"#),
                commandLine(
                    "id-a-delete", actor: "holder", at: "2026-01-13T09:00:00Z", action: "RequestDeletion", dossier: a),
                creation("id-d", "NIR:\(Self.w)", at: "2026-01-14T09:00:00Z"),
            ])
        #expect(try dmp("index", journal).status == 0)
        try expectSameAsScan(journal, Self.queries, "indexed")
        // The purge, then the same person's new dossier and a rectified NIR, after the index's end.
        try executeCommands(
            journal, [commandLine("id-tick", actor: "system", at: "2026-04-20T09:00:00Z", action: "Tick")])
        let purged = try dmp("state", journal, "--dossier", "NIR:\(Self.x)", "--format", "json")
        #expect(try purged.json()["status"] as? String == "purged")
        try expectSameAsScan(journal, Self.queries, "purged, in the index's tail")
        try executeCommands(
            journal,
            [
                creation("id-a-again", "NIR:\(Self.x)", at: "2026-04-21T09:00:00Z"),
                commandLine(
                    "id-d-nir", actor: "feed", at: "2026-04-22T09:00:00Z", action: "ChangeIdentifier", dossier: d,
                    data: #"{"identifier":"NIR:\#(Self.v)"}"#),
            ])
        try expectSameAsScan(journal, Self.queries, "created again, in the index's tail")
        let again = try dmp("state", journal, "--dossier", Self.x, "--format", "json")
        #expect(try again.json()["dossier"] as? String == Decider.derivedDossierID(key: "id-a-again").rawValue)
        #expect(again.stderr.contains("identified several dossiers over time (\(a), "), "\(again.stderr)")
        #expect(try dmp("index", journal).status == 0)
        try expectSameAsScan(journal, Self.queries, "extended")
        let unknown = try dmp("state", journal, "--dossier", "NIR:\(keyed("1990199999999"))")
        #expect(unknown.status == 2 && unknown.stderr.contains("was ever identified by"))
    }

    @Test(
        "ID-3: the demo's featured identifiers, their old identifiers, bare numbers and unknown ones answer as the scan"
    )
    func demoIdentifiers() throws {
        let directory = try temporaryDirectory()
        let demo = try dmp(
            "demo", "--out", directory.path, "--dossiers", "100", "--days", "365", "--seed", "8", "--bodies", "0",
            "--format", "json")
        #expect(demo.status == 0, "\(demo.stderr)")
        let journal = directory.appendingPathComponent("journal.dmpj").path
        let featured = try #require(try demo.json()["featured"] as? [[String: Any]])
        var identifiers = Set(featured.compactMap { $0["identifier"] as? String })
        for item in featured {
            // Suggested queries by an old identifier (an INS-C or a NIA promoted to a NIR).
            let words = (item["command"] as? String ?? "").split(separator: " ").map(String.init)
            if let at = words.firstIndex(of: "--dossier"), DossierID(rawValue: words[at + 1]) == nil {
                identifiers.insert(words[at + 1])
            }
        }
        // Every identifier the journal's identity events gave, and whom.
        var holders: [String: [String]] = [:]
        for record in try dmp("events", journal, "--format", "jsonl").jsonLines() {
            guard ["OpeningNoticeSent", "DossierOpened", "IdentifierChanged"].contains(record["type"] as? String),
                let identifier = (record["data"] as? [String: Any])?["identifier"] as? String
            else { continue }
            holders[identifier, default: []].append(record["dossier"] as! String)
        }
        let old = featured.compactMap { $0["command"] as? String }.filter {
            $0.contains("--dossier INSC:") || $0.contains("--dossier NIA:")
        }
        #expect(old.count >= 1, "the demo features a promoted identifier")
        let several = holders.filter { Set($0.value).count > 1 }.keys
        #expect(!several.isEmpty, "seed 8 creates a dossier again after a purge")
        identifiers.formUnion(several)
        identifiers.formUnion(identifiers.filter { $0.hasPrefix("NIR:") }.map { String($0.dropFirst(4)) })
        identifiers.formUnion(holders.keys.sorted().prefix(10))
        identifiers.insert("NIA:\(keyed("1990199999999"))")
        #expect(try dmp("index", journal).status == 0)
        try expectSameAsScan(journal, identifiers.sorted(), "demo")
    }

    @Test("ID-3: with an index, finding a person reads no unit of other dossiers: damage elsewhere does not stop it")
    func noScan() throws {
        let (journal, records) = try demoJournal(seed: 12)
        #expect(try dmp("index", journal).status == 0)
        let index = try DossierIndex(journal: journal)
        let all = Set(try dossierIDs(records).flatMap { try index.units(of: DossierID(rawValue: $0)!) })
        // The demo's frames are cut at each fdatasync, so how many units a dossier spans depends
        // on the disk: take the person opened with an identifier whose dossier spans the fewest.
        var chosen: (identifier: String, dossier: DossierID, elsewhere: [Int])?
        for opened in records where opened["type"] as? String == "DossierOpened" {
            guard let identifier = (opened["data"] as? [String: Any])?["identifier"] as? String,
                let dossier = DossierID(rawValue: opened["dossier"] as! String)
            else { continue }
            let elsewhere = all.subtracting(try index.units(of: dossier)).sorted()
            if elsewhere.count > chosen?.elsewhere.count ?? -1 {
                chosen = (identifier, dossier, elsewhere)
            }
        }
        let (identifier, dossier, elsewhere) = try #require(chosen)
        #expect(try index.dossiers(identifiedBy: [try PatientIdentifier(identifier)]) == [dossier])
        try #require(!elsewhere.isEmpty, "units without the dossier (\(all.count) units in all)")
        let state = ["state", journal, "--dossier", identifier, "--format", "json"]
        let before = try dmp(state)
        try flip(journal, at: elsewhere[elsewhere.count / 2] + 20)
        let indexed = try dmp(state)
        #expect(indexed.status == 0 && indexed.stderr.isEmpty, "\(indexed.stderr)")
        #expect(indexed.stdout == before.stdout)
        let scanned = try dmp(state + ["--no-index"])
        #expect(scanned.status == 1 && scanned.stderr.contains("damaged"), "the scan meets the damage")
    }

    @Test(
        "a flipped byte in the identifier table is detected: the query rebuilds the index or scans, never another dossier"
    )
    func flippedIdentifierTable() throws {
        let (journal, records) = try demoJournal(seed: 13)
        let identifier = try #require(firstOpeningIdentifier(records))
        let state = ["state", journal, "--dossier", identifier, "--format", "json"]
        let expected = try dmp(state + ["--no-index"])
        #expect(expected.status == 0)
        #expect(try dmp("index", journal).status == 0)
        let path = journal + ".idx"
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        // The entry of this identifier (found by its key), one beside it, and the header's counts.
        let table = identifierTableOffset(good)
        let key = try identifierKey(identifier)
        let entry = try #require(
            stride(from: table, to: good.count, by: 32).first { good[$0..<($0 + 16)] == key }, "the identifier's entry")
        let neighbour = entry == table ? entry + 32 : entry - 32
        let positions =
            Array(144..<160) + Array(entry..<(entry + 32)) + Array(stride(from: neighbour, to: neighbour + 32, by: 3))
        for position in positions {
            try good.write(to: URL(fileURLWithPath: path))
            try flip(path, at: position)
            let run = try dmp(state)
            #expect(run.status == 0, "byte \(position): \(run.stderr)")
            #expect(run.stdout == expected.stdout, "byte \(position)")
            #expect(
                run.stderr.isEmpty || run.stderr.contains("rebuilt it") || run.stderr.contains("scanning"),
                "byte \(position): \(run.stderr)")
            if position >= entry && position < entry + 32 {
                #expect(run.stderr.contains("index_corrupt") && run.stderr.contains("rebuilt it"), "byte \(position)")
            }
        }
    }

    @Test(
        "a version 1 index is another format version: dmp index and a query by identifier rebuild it, and answer as a scan"
    )
    func versionOneIndex() throws {
        let (journal, records) = try demoJournal(seed: 14)
        let identifier = try #require(firstOpeningIdentifier(records))
        let state = ["state", journal, "--dossier", identifier, "--format", "json"]
        let expected = try dmp(state + ["--no-index"]).stdout
        #expect(try dmp("index", journal).status == 0)
        let path = journal + ".idx"
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        /// The same table and postings under a version 1 header (176 bytes, its SHA-256 at 144).
        func writeVersionOne() throws {
            let script = """
                import hashlib, struct, sys
                b = open(sys.argv[1], 'rb').read()
                dossiers, postings = struct.unpack_from('<QQ', b, 120)
                h = bytearray(b[:144]); struct.pack_into('<II', h, 8, 1, 176)
                open(sys.argv[1], 'wb').write(bytes(h) + hashlib.sha256(h).digest() + b[192:192 + 32 * dossiers + postings])
                """
            let run = try execute(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, path])
            #expect(run.status == 0, "\(run.stderr)")
        }
        try writeVersionOne()
        let query = try dmp(state)
        #expect(query.status == 0, "\(query.stderr)")
        #expect(query.stdout == expected)
        #expect(
            query.stderr.contains("index_unsupported_version") && query.stderr.contains("rebuilt it"), "\(query.stderr)"
        )
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == good, "rebuilt in version 2")
        try writeVersionOne()
        let index = try dmp("index", journal, "--format", "json")
        try validate(index.stdout, schema: "index")
        let json = try index.json()
        #expect(json["action"] as? String == "rebuilt")
        #expect((json["reason"] as? [String: Any])?["code"] as? String == "index_unsupported_version")
        #expect(json["identifiers"] as? Int ?? 0 > 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == good)
    }
}
