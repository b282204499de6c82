import ArgumentParser
import Crypto
import DMPJournal

/// `dmp verify`: checks everything the format allows and says what was checked.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a journal: every frame, the hash chain, seals, sequence numbers, times and signatures.",
        discussion: """
            Every byte of the file is covered by a check that needs no key: the header by the genesis \
            value, each batch of records by its seal in the SHA-256 chain. With --public-key, the \
            Ed25519 signatures of the checkpoints are checked too, which catches a file rewritten and \
            re-chained from scratch by someone without the private key; a checkpoint signed by another \
            key, or no verified checkpoint at all, is then a failure.

            On failure, the first problem is printed with its byte offset, the last good sequence \
            number and the reason, and classed as a tail (the final commit, never acknowledged, which \
            `dmp recover` cuts) or damage (acknowledged history altered or lost, never repaired).

            The public-key file holds the 32-byte key as 64 hexadecimal characters and a newline (the \
            journal.pub that `dmp demo` writes); it may hold several keys, one a line.

            Exit status: 0 valid; 1 any failure (a tail included); 2 a missing or unreadable file, not \
            a journal, or a newer format version.

            Examples:
              dmp verify journal.dmpj
              dmp verify journal.dmpj --public-key journal.pub
              dmp verify journal.dmpj --format json | jq .failure
            """)

    @OptionGroup var journal: JournalArgument

    @Option(help: ArgumentHelp("A file of Ed25519 public keys (64 hexadecimal characters a line).", valueName: "file"))
    var publicKey: String?

    @OptionGroup var output: ReportFormatOption

    func run() throws {
        let keys = try self.publicKey.map { (path) throws(ToolError) in try KeyFile.readPublicKeys(path) } ?? []
        let progress = Progress("verifying", total: nil, unit: .bytes)
        let stopwatch = Stopwatch()
        let report: VerificationReport
        do {
            report = try JournalVerifier(publicKeys: keys).verify(path: self.journal.path) { done, total in
                progress.setTotal(total)
                progress.update(done)
            }
        } catch {
            progress.finish()
            throw ToolError(error)
        }
        progress.finish()
        let outcome = VerificationOutcome(report: report, keysGiven: !keys.isEmpty)
        switch self.output.resolved {
        case .json: outcome.writeJSON(to: .standard, seconds: stopwatch.seconds)
        case .table: outcome.writeTable(to: .standard, seconds: stopwatch.seconds)
        }
        if let problem = outcome.problem {
            Output.standard.flush()
            warn("dmp: \(self.journal.path) fails verification: \(problem.kindText): \(problem.sentence)")
            throw ExitCode(1)
        }
    }
}

/// A verification report and the policy applied to it: with public keys given, every checkpoint
/// must verify and at least one must exist when there are records.
struct VerificationOutcome {
    /// The first problem, whatever found it.
    struct Problem {
        /// `tail`, `damage` or `signature`.
        var kind: String
        var code: String
        var offset: Int?
        var sequence: UInt64
        var unitStart: Int?
        var message: String

        var kindText: String {
            switch self.kind {
            case "tail": "unsealed or cut tail (never acknowledged; `dmp recover` cuts it)"
            case "damage": "damage before the last seal (acknowledged history; never repaired)"
            default: "signatures not verified"
            }
        }

        var sentence: String {
            var text = ""
            if let offset { text += "at byte \(offset), " }
            text += "after sequence \(self.sequence): \(self.message) [\(self.code)]"
            return text
        }
    }

    let report: VerificationReport
    let keysGiven: Bool
    let problem: Problem?

    init(report: VerificationReport, keysGiven: Bool) {
        self.report = report
        self.keysGiven = keysGiven
        if let failure = report.failure {
            self.problem = Problem(
                kind: failure.isTail ? "tail" : "damage", code: failure.code.name, offset: failure.offset,
                sequence: failure.sequence, unitStart: failure.unitStart, message: failure.message)
        } else if keysGiven && report.checkpointsUnchecked > 0 {
            self.problem = Problem(
                kind: "signature", code: "unknown_key", offset: nil, sequence: report.lastSequence, unitStart: nil,
                message: "\(report.checkpointsUnchecked) checkpoint(s) are signed by a key that is not among the "
                    + "public keys given")
        } else if keysGiven && report.records > 0 && report.checkpointsVerified == 0 {
            self.problem = Problem(
                kind: "signature", code: "no_signed_checkpoint", offset: nil, sequence: report.lastSequence,
                unitStart: nil, message: "the journal holds no checkpoint signed by the public key given")
        } else {
            self.problem = nil
        }
    }

    var isValid: Bool { self.problem == nil }

    var compressionRatio: Double {
        self.report.dataFrameBytes > 0 ? Double(self.report.contentBytes) / Double(self.report.dataFrameBytes) : 0
    }

    func writeJSON(to output: Output, seconds: Double) {
        let report = self.report
        var json = JSONOutput()
        json.beginObject()
        json.field("path", report.path)
        json.field("valid", self.isValid)
        json.field("fileSize", report.fileSize)
        json.field("formatVersion", Int(report.header.formatVersion))
        json.field("application", report.header.application)
        json.field("journalId", report.header.journalIDString)
        json.field("createdAt", time: report.header.createdAt)
        json.field("units", report.units)
        json.field("seals", report.seals)
        json.field("records", report.records)
        json.field("lastSequence", report.lastSequence)
        json.field("head", report.head.description)
        json.key("checkpoints")
        json.beginObject()
        json.field("found", report.checkpoints)
        json.field("verified", report.checkpointsVerified)
        json.field("notChecked", report.checkpointsUnchecked)
        json.nullableField("lastSignedSequence", report.lastSignedSequence)
        json.field("publicKeysGiven", self.keysGiven)
        json.endObject()
        json.field("dataFrameBytes", report.dataFrameBytes)
        json.field("contentBytes", report.contentBytes)
        json.field("compressionRatio", decimal: self.compressionRatio)
        json.field("validEnd", report.validEnd)
        json.key("failure")
        if let problem = self.problem {
            json.beginObject()
            json.field("kind", problem.kind)
            json.field("code", problem.code)
            json.key("offset")
            if let offset = problem.offset { json.int(offset) } else { json.null() }
            json.field("sequence", problem.sequence)
            json.key("unitStart")
            if let start = problem.unitStart { json.int(start) } else { json.null() }
            json.field("message", problem.message)
            json.endObject()
        } else {
            json.null()
        }
        json.field("seconds", decimal: seconds)
        json.endObject()
        json.line(to: output)
    }

    func writeTable(to output: Output, seconds: Double) {
        let report = self.report
        var lines = KeyValueReport()
        lines.add("journal", report.path)
        lines.add("size", "\(byteSize(report.fileSize)) (\(grouped(report.fileSize)) bytes)")
        lines.add(
            "format",
            "version \(report.header.formatVersion), application \(report.header.application)"
                + (report.header.dictionary.isEmpty
                    ? "" : ", LZ4 dictionary of \(grouped(report.header.dictionary.count)) bytes"))
        lines.add("journal id", report.header.journalIDString)
        lines.add("created", Instant.format(report.header.createdAt))
        lines.add(
            "units",
            "\(grouped(report.units)) verified (\(grouped(report.seals)) sealed batches, "
                + "\(grouped(report.checkpoints)) checkpoints)")
        lines.add(
            "records",
            report.records == 0 ? "none" : "\(grouped(report.records)) (sequences 1 to \(grouped(report.lastSequence)))"
        )
        if report.checkpoints == 0 {
            lines.add("checkpoints", "none")
        } else if !self.keysGiven {
            lines.add("checkpoints", "\(grouped(report.checkpoints)) found, signatures not checked (no --public-key)")
        } else {
            var text =
                "\(grouped(report.checkpoints)) found, \(grouped(report.checkpointsVerified)) signatures verified"
            if report.checkpointsUnchecked > 0 {
                text += ", \(grouped(report.checkpointsUnchecked)) not checked (signed by another key)"
            }
            lines.add("checkpoints", text)
        }
        if self.keysGiven {
            lines.add("last signed", report.lastSignedSequence.map { "sequence \(grouped($0))" } ?? "nothing")
        }
        lines.add("head", report.head.description)
        lines.add(
            "compression",
            "\(byteSize(report.contentBytes)) of records in \(byteSize(report.dataFrameBytes)) of "
                + "frames (ratio \(formatDecimal(self.compressionRatio, places: 2)))")
        lines.add("time", duration(seconds: seconds))
        if let problem = self.problem {
            lines.add("result", "FAILED: \(problem.kindText)")
            lines.add("problem", problem.sentence)
            if let start = problem.unitStart { lines.add("unit", "starts at byte \(start)") }
            lines.add(
                "valid prefix", "\(grouped(report.validEnd)) bytes, up to sequence \(grouped(report.lastSequence))")
        } else {
            lines.add("result", "valid")
        }
        lines.render(to: output)
    }
}
