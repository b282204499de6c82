import DMP
import Foundation
import Testing

/// The built `dmp` binary, beside the test bundle.
func dmpBinary() -> URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    while directory.path != "/" && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("dmp").path)
    {
        directory = directory.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("dmp")
}

/// The committed fixtures: a good journal, a torn one, a tampered one, a scripted history.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// The fixture at `name`.
func fixture(_ name: String) -> String {
    fixtures.appendingPathComponent(name).path
}

/// What one run of the tool did.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Standard output as one JSON object.
    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(self.stdout.utf8)) as? [String: Any])
    }

    /// Standard output as JSON lines.
    func jsonLines() throws -> [[String: Any]] {
        try self.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }
}

/// Runs an executable, feeding it `input` and collecting both outputs.
func execute(_ executable: URL, _ arguments: [String], input: Data? = nil) throws -> Run {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    let standardInput = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = standardInput
    try process.run()
    let group = DispatchGroup()
    nonisolated(unsafe) var errorData = Data()
    DispatchQueue.global().async(group: group) { errorData = error.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) {
        if let input { standardInput.fileHandleForWriting.write(input) }
        try? standardInput.fileHandleForWriting.close()
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Run(
        status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
        stderr: String(decoding: errorData, as: UTF8.self))
}

/// Runs `dmp` with `arguments`.
func dmp(_ arguments: String..., input: Data? = nil) throws -> Run {
    try execute(dmpBinary(), arguments, input: input)
}

/// Runs `dmp` with `arguments`.
func dmp(_ arguments: [String], input: Data? = nil) throws -> Run {
    try execute(dmpBinary(), arguments, input: input)
}

/// Validates JSON output against `Schemas/cli/<schema>.schema.json` with python `jsonschema`.
func validate(_ output: String, schema: String, lines: Bool = false) throws {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "validate_cli_output.py")
    let run = try execute(
        URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, schema] + (lines ? ["--lines"] : []),
        input: Data(output.utf8))
    #expect(run.status == 0, "\(schema) schema: \(run.stdout)\(run.stderr)")
}

/// The directory holding this test process's scratch directories, removed when the process exits.
let scratchRoot: URL = {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
        "dmp-tool-tests-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    atexit {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dmp-tool-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: root)
    }
    return root
}()

/// A new empty directory.
func temporaryDirectory() throws -> URL {
    let url = scratchRoot.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A copy of a fixture in a new directory, to be modified.
func copyOfFixture(_ name: String) throws -> String {
    let copy = try temporaryDirectory().appendingPathComponent(name)
    try FileManager.default.copyItem(atPath: fixture(name), toPath: copy.path)
    return copy.path
}

/// The id of the dossier the scripted history creates (derived from its key).
let scriptedDossier = Decider.derivedDossierID(key: "s-create").rawValue

@Suite("The dmp tool, as a black box")
struct ToolTests {
    @Test("--help prints an overview and exits 0")
    func help() throws {
        let process = Process()
        process.executableURL = dmpBinary()
        process.arguments = ["--help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(output.contains("OVERVIEW"))
    }

    @Test(
        "every subcommand has --help with examples, exit 0",
        arguments: ["verify", "recover", "stats", "events", "state", "trace", "who-saw", "index", "exec", "demo", "dictionary"])
    func subcommandHelp(_ name: String) throws {
        let run = try dmp(name, "--help")
        #expect(run.status == 0)
        #expect(run.stdout.contains("Examples:"))
        #expect(run.stdout.contains("dmp \(name)"))
    }

    @Test("a store's journal is format version 2; dmp dictionary writes what lz4 -dc -D needs to print its records")
    func dictionary() throws {
        let directory = try temporaryDirectory()
        let journal = directory.appendingPathComponent("v2.dmpj").path
        _ = try dmp("exec", journal, fixture("history.jsonl"), "--no-sync")
        let verify = try dmp("verify", journal, "--format", "json")
        #expect(try verify.json()["formatVersion"] as? Int == 2)
        #expect(try dmp("verify", journal, "--format", "table").stdout.contains("LZ4 dictionary of"))
        let dictionary = directory.appendingPathComponent("dictionary.bin").path
        let written = try dmp("dictionary", journal, "-o", dictionary)
        #expect(written.status == 0, "\(written.stderr)")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: dictionary)).count) ?? 0 > 1000)
        let records = try dmp("events", journal, "--format", "jsonl")
        if let lz4 = ["/usr/bin/lz4", "/usr/local/bin/lz4"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            let stock = try execute(URL(fileURLWithPath: lz4), ["-dc", "-D", dictionary, journal])
            #expect(stock.status == 0)
            #expect(stock.stdout == records.stdout && !records.stdout.isEmpty)
        }
        // A version 1 journal has none; a missing file is a usage error.
        let v1 = try dmp("dictionary", fixture("good.dmpj"), "-o", directory.appendingPathComponent("none.bin").path)
        #expect(v1.status == 2 && v1.stderr.contains("version 1"), "\(v1.stderr)")
        #expect(try dmp("dictionary", directory.appendingPathComponent("missing.dmpj").path, "-o", dictionary).status == 2)
        // A damaged dictionary is a damaged header: exit 1, nothing written.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: journal))
        bytes[500] ^= 0x01
        let damaged = directory.appendingPathComponent("damaged.dmpj").path
        try bytes.write(to: URL(fileURLWithPath: damaged))
        let none = directory.appendingPathComponent("none-2.bin").path
        let refused = try dmp("dictionary", damaged, "-o", none)
        #expect(refused.status == 1 && refused.stderr.contains("malformed_header"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: none))
    }

    @Test(
        "bad usage exits 2, not argument-parser's 64",
        arguments: [
            ["verify", "--bogus", "x.dmpj"], ["frobnicate"], ["state", "x.dmpj"], ["verify"],
            ["events", "x.dmpj", "--since", "yesterday"], ["events", "x.dmpj", "--type", "DocumentRead"],
            ["trace", "x.dmpj", "--dossier", "x", "--viewer", "nurse"], ["verify", "x.dmpj", "--format", "jsonl"],
        ])
    func badUsage(_ arguments: [String]) throws {
        let run = try dmp(arguments)
        #expect(run.status == 2, "\(arguments): \(run.stderr)")
        #expect(!run.stderr.isEmpty)
    }
}

@Suite("dmp verify and dmp recover on the committed fixtures")
struct VerifyTests {
    @Test("a good journal verifies, its checkpoint signature too: exit 0")
    func good() throws {
        let run = try dmp("verify", fixture("good.dmpj"), "--public-key", fixture("fixture.pub"), "--format", "json")
        #expect(run.status == 0, "\(run.stderr)")
        try validate(run.stdout, schema: "verify")
        let json = try run.json()
        #expect(json["valid"] as? Bool == true)
        #expect(json["records"] as? Int == 19)
        #expect(json["failure"] is NSNull)
        let checkpoints = try #require(json["checkpoints"] as? [String: Any])
        #expect(checkpoints["verified"] as? Int == 1)
        #expect(checkpoints["lastSignedSequence"] as? Int == 19)
    }

    @Test("without a key, checkpoints are reported as not checked, and the table says valid")
    func goodWithoutKey() throws {
        let run = try dmp("verify", fixture("good.dmpj"), "--format", "table")
        #expect(run.status == 0)
        #expect(run.stdout.contains("signatures not checked"))
        #expect(run.stdout.contains("result        valid") || run.stdout.contains("valid"))
    }

    @Test("a checkpoint signed by another key than the one given fails: exit 1")
    func otherKey() throws {
        let other = try temporaryDirectory().appendingPathComponent("other.pub")
        try (String(repeating: "ab", count: 32) + "\n").write(to: other, atomically: true, encoding: .utf8)
        let run = try dmp("verify", fixture("good.dmpj"), "--public-key", other.path, "--format", "json")
        #expect(run.status == 1)
        let failure = try #require(try run.json()["failure"] as? [String: Any])
        #expect(failure["kind"] as? String == "signature")
        #expect(run.stderr.contains("signature"))
    }

    @Test("a torn tail fails with exit 1 and says tail")
    func torn() throws {
        let run = try dmp("verify", fixture("torn.dmpj"), "--format", "json")
        #expect(run.status == 1)
        try validate(run.stdout, schema: "verify")
        let failure = try #require(try run.json()["failure"] as? [String: Any])
        #expect(failure["kind"] as? String == "tail")
        #expect(failure["sequence"] as? Int == 19)
        #expect(failure["offset"] as? Int != nil)
        #expect(run.stderr.contains("tail"))
    }

    @Test("a tampered journal fails with exit 1 and says damage, with offset and sequence")
    func tampered() throws {
        let run = try dmp("verify", fixture("tampered.dmpj"), "--format", "table")
        #expect(run.status == 1)
        #expect(run.stdout.contains("damage"))
        #expect(run.stdout.contains("at byte"))
        #expect(run.stdout.contains("after sequence 0"))
        #expect(run.stderr.contains("damage"))
    }

    @Test("not a journal, a missing file, an empty file and a directory exit 2")
    func notJournals() throws {
        let directory = try temporaryDirectory()
        let text = directory.appendingPathComponent("notes.txt")
        try "hello\n".write(to: text, atomically: true, encoding: .utf8)
        let empty = directory.appendingPathComponent("empty.dmpj")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        for path in [text.path, directory.appendingPathComponent("missing.dmpj").path, empty.path, directory.path] {
            let run = try dmp("verify", path)
            #expect(run.status == 2, "\(path): \(run.stderr)")
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.hasPrefix("dmp: "))
        }
        #expect(try dmp("verify", text.path).stderr.contains("not_a_journal"))
        #expect(try dmp("stats", directory.appendingPathComponent("missing.dmpj").path).status == 2)
        #expect(try dmp("events", text.path).status == 2)
    }

    @Test("a newer format version exits 2; a damaged header exits 1")
    func header() throws {
        let newer = try copyOfFixture("good.dmpj")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: newer))
        bytes[12] = 3  // formatVersion, little-endian u16 at offset 12
        try bytes.write(to: URL(fileURLWithPath: newer))
        let run = try dmp("verify", newer)
        #expect(run.status == 2)
        #expect(run.stderr.contains("newer_format_version"))
        let damaged = try copyOfFixture("good.dmpj")
        var header = try Data(contentsOf: URL(fileURLWithPath: damaged))
        header[45] ^= 0x01  // inside the application name, covered by the genesis value
        try header.write(to: URL(fileURLWithPath: damaged))
        let damagedRun = try dmp("verify", damaged)
        #expect(damagedRun.status == 1)
        #expect(damagedRun.stderr.contains("malformed_header"))
    }

    @Test("recover cuts a torn tail, reports it, and the journal then verifies")
    func recoverTorn() throws {
        let path = try copyOfFixture("torn.dmpj")
        let run = try dmp("recover", path, "--format", "json")
        #expect(run.status == 0, "\(run.stderr)")
        try validate(run.stdout, schema: "recover")
        let json = try run.json()
        #expect(json["result"] as? String == "cut")
        #expect(json["lastSequence"] as? Int == 19)
        #expect((json["bytesCut"] as? Int ?? 0) > 0)
        #expect(try dmp("verify", path).status == 0)
        let again = try dmp("recover", path, "--format", "json")
        #expect(try again.json()["result"] as? String == "clean")
    }

    @Test("recover refuses damage before the last seal: exit 1, offset and sequence, file untouched")
    func recoverTampered() throws {
        let path = try copyOfFixture("tampered.dmpj")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let run = try dmp("recover", path, "--format", "table")
        #expect(run.status == 1)
        #expect(run.stdout.contains("NOT RECOVERED"))
        #expect(run.stderr.contains("at byte"))
        #expect(run.stderr.contains("after sequence 0"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}

@Suite("Reading subcommands on the good fixture")
struct QueryTests {
    @Test("stats counts events by type and month, with a top-level events count")
    func stats() throws {
        let run = try dmp("stats", fixture("good.dmpj"), "--format", "json")
        #expect(run.status == 0)
        try validate(run.stdout, schema: "stats")
        let json = try run.json()
        #expect(json["events"] as? Int == 19)
        #expect(json["dossiers"] as? Int == 1)
        let types = try #require(json["byType"] as? [String: Int])
        #expect(types["ConsultationRefused"] == 4)
        #expect(types["NotificationSent"] == 6)
        #expect(json["byMonth"] as? [String: Int] == ["2026-03": 15, "2026-04": 4])
        let table = try dmp("stats", fixture("good.dmpj"), "--format", "table")
        #expect(table.stdout.contains("EVENT TYPE"))
    }

    @Test("events --format jsonl prints the stored records byte for byte")
    func eventsJSONL() throws {
        let run = try dmp("events", fixture("good.dmpj"), "--format", "jsonl")
        #expect(run.status == 0)
        let lz4 = try execute(URL(fileURLWithPath: "/usr/bin/env"), ["lz4", "-dc", fixture("good.dmpj")])
        if lz4.status == 0 { #expect(run.stdout == lz4.stdout) }
        #expect(run.stdout.split(separator: "\n").count == 19)
    }

    @Test("events filters by type, dossier (by NIR), actor and time")
    func eventsFilters() throws {
        let refused = try dmp(
            "events", fixture("good.dmpj"), "--type", "ConsultationRefused", "--type", "DocumentConsulted",
            "--format", "json")
        #expect(refused.status == 0)
        try validate(refused.stdout, schema: "events")
        #expect(try refused.json()["count"] as? Int == 6)
        let byNIR = try dmp("events", fixture("good.dmpj"), "--dossier", "NIR:285057505612338", "--format", "jsonl")
        #expect(byNIR.stdout.split(separator: "\n").count == 19)
        let byBareNumber = try dmp(
            "events", fixture("good.dmpj"), "--dossier", "2 85 05 75 056 123 38", "--format", "jsonl")
        #expect(byBareNumber.stdout == byNIR.stdout)
        let holder = try dmp("events", fixture("good.dmpj"), "--actor", "holder", "--format", "jsonl")
        #expect(holder.stdout.split(separator: "\n").count == 5)
        let march4 = try dmp(
            "events", fixture("good.dmpj"), "--since", "2026-03-04", "--until", "2026-03-06T00:00:00+01:00", "--format",
            "jsonl")
        #expect(try march4.jsonLines().map { $0["seq"] as? Int } == [11, 12, 13, 14])
        let unknown = try dmp("events", fixture("good.dmpj"), "--dossier", "NIR:185057505612388")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no dossier"))
    }

    @Test("state shows the masked document and the block, now and in the past")
    func state() throws {
        let run = try dmp("state", fixture("good.dmpj"), "--dossier", "NIR:285057505612338", "--format", "json")
        #expect(run.status == 0, "\(run.stderr)")
        try validate(run.stdout, schema: "state")
        let json = try run.json()
        #expect(json["dossier"] as? String == scriptedDossier)
        #expect(json["status"] as? String == "open")
        let documents = try #require(json["documents"] as? [[String: Any]])
        #expect(
            documents.first { $0["id"] as? String == "DOC-1" }?["confidentiality"] as? [String] == ["N", "MASQUE_PS"])
        #expect(documents.first { $0["id"] as? String == "DOC-2" }?["confidentiality"] as? [String] == ["N"])
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.count == 1)
        let before = try dmp(
            "state", fixture("good.dmpj"), "--dossier", scriptedDossier, "--at", "2026-03-02T09:30:00Z", "--format",
            "json")
        let past = try before.json()
        #expect(
            (past["documents"] as? [[String: Any]])?.first { $0["id"] as? String == "DOC-2" }?["confidentiality"]
                as? [String] == ["N", "INVISIBLE_PATIENT"])
        #expect((past["blocks"] as? [Any])?.isEmpty == true)
        let missing = try dmp("state", fixture("good.dmpj"), "--dossier", "00000000-0000-4000-8000-000000000000")
        #expect(missing.status == 2)
    }

    @Test("trace: the holder's view withholds the invisible document until released (TR-3)")
    func trace() throws {
        let now = try dmp("trace", fixture("good.dmpj"), "--dossier", scriptedDossier, "--format", "json")
        #expect(now.status == 0)
        try validate(now.stdout, schema: "trace")
        #expect(try now.json()["count"] as? Int == 19)
        let before = try dmp(
            "trace", fixture("good.dmpj"), "--dossier", scriptedDossier, "--at", "2026-03-10", "--format", "json")
        let entries = try #require(try before.json()["entries"] as? [[String: Any]])
        #expect(!entries.contains { $0["document"] as? String == "DOC-2" })
        #expect(entries.contains { $0["document"] as? String == "DOC-1" })
        let professional = try dmp(
            "trace", fixture("good.dmpj"), "--dossier", scriptedDossier, "--viewer", "professional:810000000025",
            "--format", "json")
        let own = try #require(try professional.json()["entries"] as? [[String: Any]])
        #expect(own.count == 2)
        #expect(own.allSatisfy { $0["refusal"] != nil })
    }

    @Test("who-saw lists every access to a document, allowed or refused, with mode and right")
    func whoSaw() throws {
        let run = try dmp("who-saw", fixture("good.dmpj"), "--document", "DOC-2", "--format", "json")
        #expect(run.status == 0)
        try validate(run.stdout, schema: "who-saw")
        let json = try run.json()
        #expect(json["allowed"] as? Int == 2)
        #expect(json["refused"] as? Int == 1)
        let accesses = try #require(json["accesses"] as? [[String: Any]])
        #expect(accesses.map { $0["mode"] as? String } == ["normal", "break_glass", "normal"])
        #expect(accesses.map { $0["right"] as? String } == [nil, "break_glass", "holder"])
        #expect(accesses[0]["refusal"] as? String == "not_found")
        #expect(accesses[1]["reason"] as? String == "Patiente inconsciente aux urgences")
        let missing = try dmp("who-saw", fixture("good.dmpj"), "--document", "DOC-404")
        #expect(missing.status == 2)
        let table = try dmp("who-saw", fixture("good.dmpj"), "--document", "DOC-1", "--format", "table")
        #expect(table.stdout.contains("refused (told not found)"))
    }

    @Test("reading stops at an unsealed tail (exit 0, reported by stats) and fails at damage (exit 1)")
    func tailAndDamage() throws {
        let torn = try dmp("stats", fixture("torn.dmpj"), "--format", "json")
        #expect(torn.status == 0)
        let json = try torn.json()
        #expect(json["events"] as? Int == 19)
        #expect((json["verification"] as? [String: Any])?["valid"] as? Bool == false)
        #expect(try dmp("events", fixture("torn.dmpj"), "--format", "jsonl").stdout.split(separator: "\n").count == 19)
        let damaged = try dmp("events", fixture("tampered.dmpj"), "--format", "jsonl")
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("damaged"))
        #expect(try dmp("stats", fixture("tampered.dmpj"), "--format", "json").status == 1)
    }

    @Test("reading never modifies the journal")
    func readingDoesNotWrite() throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture("good.dmpj")))
        _ = try dmp("stats", fixture("good.dmpj"))
        _ = try dmp("events", fixture("good.dmpj"))
        _ = try dmp("trace", fixture("good.dmpj"), "--dossier", scriptedDossier)
        _ = try dmp("verify", fixture("torn.dmpj"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture("good.dmpj"))) == before)
    }
}

@Suite("dmp exec of a scripted history")
struct ExecTests {
    /// One expected outcome, written from DOMAIN.md.
    struct Expected {
        var ok: Bool
        var code: String? = nil
        var rule: String? = nil
        var types: [String] = []
        var malformedField: String? = nil
    }

    /// The outcomes of `history.jsonl`, line by line.
    let expected: [Expected] = [
        // 1. The holder creates the dossier on request (LC-3).
        Expected(ok: true, types: ["DossierOpened"]),
        // 2. A first deposit by a GP: the care-team presumption is recorded and notified (ACC-1,
        //    TR-4), then the document and its notification (TR-4).
        Expected(
            ok: true, types: ["ProfessionalAuthorised", "NotificationSent", "DocumentDeposited", "NotificationSent"]),
        // 3. A result invisible to the patient: no notification until released (ACC-6, TR-4).
        Expected(ok: true, types: ["DocumentDeposited"]),
        // 4. The holder asks for it: "not found", and the refusal is journaled (ACC-6, ACC-11).
        Expected(ok: false, code: "not_found", rule: "ACC-11", types: ["ConsultationRefused"]),
        // 5. The holder masks the consultation report (ACC-5).
        Expected(ok: true, types: ["DocumentMasked"]),
        // 6. The deposit of line 2 retried with the same key: its original events, nothing new (DOC-3).
        Expected(
            ok: true, types: ["ProfessionalAuthorised", "NotificationSent", "DocumentDeposited", "NotificationSent"]),
        // 7. Another physician asks for the masked report: "not found" (ACC-5, ACC-11).
        Expected(ok: false, code: "not_found", rule: "ACC-11", types: ["ConsultationRefused"]),
        // 8. The holder blocks that physician, with a reason (ACC-2).
        Expected(ok: true, types: ["ProfessionalBlocked"]),
        // 9. The blocked physician is refused, and the refusal journaled (ACC-2, ACC-11).
        Expected(ok: false, code: "blocked", rule: "ACC-2", types: ["ConsultationRefused"]),
        // 10. Bris de glace, with a reason: a first access notified, the read, the emergency
        //     notification to the holder (ACC-8, TR-4). Invisible-to-patient does not stop it.
        Expected(ok: true, types: ["NotificationSent", "DocumentConsulted", "NotificationSent"]),
        // 11. A mutuelle: hard deny, whatever the events say (ACC-10).
        Expected(ok: false, code: "hard_deny", rule: "ACC-10", types: ["ConsultationRefused"]),
        // 12. A month later, the tick: the 2-week reminder, then the release and its notification (ACC-6).
        Expected(ok: true, types: ["NotificationSent", "DocumentReleased", "NotificationSent"]),
        // 13. The holder now reads the released result.
        Expected(ok: true, types: ["DocumentConsulted"]),
        // 14. A malformed SHA-256: the line is rejected, naming the field.
        Expected(ok: false, malformedField: "data.document.sha256"),
        // 15. A command dated before the last event: time never goes backwards.
        Expected(ok: false, code: "time_reversed", types: []),
    ]

    @Test("each line's outcome is the one DOMAIN.md says; exit 1 because some were refused")
    func scriptedHistory() throws {
        let journal = try temporaryDirectory().appendingPathComponent("scripted.dmpj").path
        let run = try dmp("exec", journal, fixture("history.jsonl"), "--no-sync")
        #expect(run.status == 1)
        try validate(run.stdout, schema: "exec", lines: true)
        let outcomes = try run.jsonLines()
        try #require(outcomes.count == self.expected.count)
        for (index, (outcome, expected)) in zip(outcomes, self.expected).enumerated() {
            let line = index + 1
            #expect(outcome["line"] as? Int == line)
            #expect(outcome["ok"] as? Bool == expected.ok, "line \(line)")
            if let field = expected.malformedField {
                #expect((outcome["malformed"] as? [String: Any])?["field"] as? String == field, "line \(line)")
                continue
            }
            let events = try #require(outcome["events"] as? [[String: Any]], "line \(line)")
            #expect(events.map { $0["type"] as? String ?? "" } == expected.types, "line \(line)")
            if let code = expected.code {
                let refusal = try #require(outcome["refusal"] as? [String: Any], "line \(line)")
                #expect(refusal["code"] as? String == code, "line \(line)")
                #expect(refusal["rule"] as? String == expected.rule, "line \(line)")
            }
        }
        let retried = try #require(outcomes[5]["events"] as? [[String: Any]])
        #expect(retried.map { $0["seq"] as? Int } == [2, 3, 4, 5])
        #expect(run.stderr.contains("line 14"))
        #expect(run.stderr.contains("data.document.sha256"))
        // The journal written is the committed fixture's history: 19 events, and it verifies.
        #expect(try dmp("stats", journal, "--format", "json").json()["events"] as? Int == 19)
        #expect(try dmp("verify", journal).status == 0)
    }

    @Test("commands can come from stdin; all accepted means exit 0")
    func standardInput() throws {
        let journal = try temporaryDirectory().appendingPathComponent("stdin.dmpj").path
        let first = try String(contentsOfFile: fixture("history.jsonl"), encoding: .utf8).split(separator: "\n")[0]
        let run = try dmp("exec", journal, "-", input: Data((first + "\n\n").utf8))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try run.jsonLines().count == 1)
    }

    @Test("a missing commands file or a file that is not a journal: exit 2")
    func unusable() throws {
        let directory = try temporaryDirectory()
        #expect(
            try dmp(
                "exec", directory.appendingPathComponent("j.dmpj").path,
                directory.appendingPathComponent("none.jsonl").path
            ).status == 2)
        let text = directory.appendingPathComponent("notes.txt")
        try "hello\n".write(to: text, atomically: true, encoding: .utf8)
        #expect(try dmp("exec", text.path, fixture("history.jsonl")).status == 2)
    }
}

@Suite("dmp demo, then the other subcommands on it")
struct DemoTests {
    @Test("a small demo builds, verifies with its public key, and answers queries")
    func demo() throws {
        let directory = try temporaryDirectory()
        let run = try dmp(
            "demo", "--out", directory.path, "--dossiers", "60", "--days", "240", "--seed", "3", "--format", "json")
        #expect(run.status == 0, "\(run.stderr)")
        try validate(run.stdout, schema: "demo")
        let summary = try run.json()
        let events = try #require(summary["events"] as? Int)
        #expect(events > 500)
        #expect((summary["otherRefusals"] as? [String: Int])?.isEmpty == true, "\(summary["otherRefusals"] ?? "")")
        let journal = directory.appendingPathComponent("journal.dmpj").path

        // The key pair: the private key readable by its owner only, the public key as 64 hex digits.
        let attributes = try FileManager.default.attributesOfItem(
            atPath: directory.appendingPathComponent("journal.key").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let publicKey = try String(contentsOf: directory.appendingPathComponent("journal.pub"), encoding: .utf8)
        #expect(publicKey.count == 65 && publicKey.hasSuffix("\n"))

        let verify = try dmp(
            "verify", journal, "--public-key", directory.appendingPathComponent("journal.pub").path, "--format", "json")
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect((try verify.json()["checkpoints"] as? [String: Any])?["verified"] as? Int ?? 0 >= 1)

        let stats = try dmp("stats", journal, "--format", "json")
        #expect(stats.status == 0)
        #expect(try stats.json()["events"] as? Int == events)

        // Every record is valid against the event schemas.
        let records = try dmp("events", journal, "--format", "jsonl")
        #expect(records.stdout.split(separator: "\n").count == events)
        let tools = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tools/validate_schemas.py")
        let check = try execute(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", tools.path, "--events", "-"],
            input: Data(records.stdout.utf8))
        #expect(check.status == 0, "\(check.stdout.prefix(2000))")

        // The featured dossiers answer their suggested queries.
        let featured = try #require(summary["featured"] as? [[String: Any]])
        #expect(featured.count >= 5)
        for item in featured {
            let command = try #require(item["command"] as? String)
            let arguments = command.split(separator: " ").dropFirst().map(String.init)
            let query = try dmp(arguments + ["--format", "json"])
            #expect(query.status == 0, "\(command): \(query.stderr)")
        }
        let someone = try #require(featured.first?["identifier"] as? String)
        let trace = try dmp("trace", journal, "--dossier", someone, "--format", "json")
        #expect(trace.status == 0)
        try validate(trace.stdout, schema: "trace")

        // Bodies are in the store, under their SHA-256.
        let state = try dmp("state", journal, "--dossier", someone, "--format", "json")
        try validate(state.stdout, schema: "state")
        let bodies = BodyStore(journalPath: journal)
        for document in try #require(try state.json()["documents"] as? [[String: Any]]) {
            let sha = try #require(document["sha256"] as? String)
            #expect(try bodies.get(sha).count == document["size"] as? Int)
        }
    }

    @Test("the same seed gives the same events")
    func deterministic() throws {
        var outputs: [String] = []
        for _ in 0..<2 {
            let directory = try temporaryDirectory()
            let run = try dmp(
                "demo", "--out", directory.path, "--dossiers", "25", "--days", "120", "--seed", "11", "--bodies", "0")
            #expect(run.status == 0)
            outputs.append(
                try dmp("events", directory.appendingPathComponent("journal.dmpj").path, "--format", "jsonl").stdout)
        }
        #expect(outputs[0] == outputs[1])
        #expect(!outputs[0].isEmpty)
    }

    @Test("an existing journal is not replaced without --force")
    func noOverwrite() throws {
        let directory = try temporaryDirectory()
        #expect(try dmp("demo", "--out", directory.path, "--dossiers", "5", "--days", "30").status == 0)
        let again = try dmp("demo", "--out", directory.path, "--dossiers", "5", "--days", "30")
        #expect(again.status == 2)
        #expect(try dmp("demo", "--out", directory.path, "--dossiers", "5", "--days", "30", "--force").status == 0)
    }
}
