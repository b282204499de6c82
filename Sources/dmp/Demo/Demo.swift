import ArgumentParser
import Crypto
import DMP
import DMPJournal
import Foundation

/// `dmp demo`: builds a realistic synthetic journal through the real store.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a realistic synthetic journal through the real store, and say what is in it.",
        discussion: """
            Simulates --days days of the DMP for --dossiers people, from --start, through the real \
            store and its rules: opening notices and automatic openings 6 weeks later (the time \
            rules run every night at 02:00), oppositions and creations on request (before 2022: by \
            professionals with express consent, some under a legacy INS-C), the reimbursement feed, \
            deposits by physicians, biologists, radiologists, hospitals, pharmacists, nurses, \
            physiotherapists, dentists and midwives, masking, documents invisible to the patient and \
            their release, minors with legal representatives and secret care, majority, protected \
            adults, médecins traitants, authorisations and express consent, blocking, SAMU \
            regulation and bris de glace (refused where the holder opposed them), refused reads, \
            closures, reopenings, deletion requests and purges, NIA and INS-C promotions to the NIR.

            Writes DIR/journal.dmpj, the document bodies in DIR/journal.dmpj.bodies/ (for the first \
            --bodies dossiers), and an Ed25519 key pair: DIR/journal.key (private, mode 0600) signs \
            the checkpoints, DIR/journal.pub is for `dmp verify --public-key`. The same seed gives \
            the same events (the key is new each time, so the checkpoints' signatures differ).

            Commands are decided in order on the store's executor and thousands are in flight at \
            once: while one commit waits for fdatasync, the commands decided meanwhile queue up and \
            the journal's group commit puts them in the next frame, so frames are large and few. \
            Bodies are written in bulk and synced once at the end.

            Examples:
              dmp demo --out /tmp/dmp-demo
              dmp demo --out /tmp/dmp-big --dossiers 100000 --seed 7
              dmp demo --out /tmp/dmp-demo --force --format json | jq .events
            """)

    @Option(help: ArgumentHelp("The directory to write the journal, bodies and keys into.", valueName: "dir"))
    var out: String

    @Option(help: "How many people (dossiers).")
    var dossiers = 1000

    @Option(help: "The seed: the same seed gives the same events.")
    var seed: UInt64 = 1

    @Option(help: "How many days to simulate.")
    var days = 365

    @Option(
        help: ArgumentHelp("The first day, a date in the Paris calendar (default: 2021-11-15).", valueName: "date"),
        transform: Instant.argument)
    var start: Int64 = Demo.defaultStart

    @Option(help: "Write the bodies of the documents of the first N dossiers (0: none).")
    var bodies = 1000

    @Flag(help: "Replace a journal already in the directory.")
    var force = false

    @OptionGroup var output: ReportFormatOption

    /// 2021-11-15, midnight in Paris: a few weeks before the opt-out era (LC-1, LC-3).
    static let defaultStart = ParisCalendar.startOfDay(try! CivilDate(year: 2021, month: 11, day: 15))

    func validate() throws {
        guard (1...10_000_000).contains(self.dossiers) else {
            throw ValidationError("--dossiers must be 1 to 10,000,000")
        }
        guard (1...3650).contains(self.days) else { throw ValidationError("--days must be 1 to 3,650") }
        guard self.bodies >= 0 else { throw ValidationError("--bodies must not be negative") }
    }

    func run() async throws {
        let stopwatch = Stopwatch()
        try Files.makeDirectory(self.out)
        let journal = self.out + "/journal.dmpj"
        let bodyDirectory = BodyStore(journalPath: journal).directory
        if Files.exists(journal) {
            guard self.force else {
                throw ToolError.usage("\(journal) already exists: choose another --out, or add --force to replace it")
            }
            try? FileManager.default.removeItem(atPath: journal)
            try? FileManager.default.removeItem(atPath: bodyDirectory)
        }
        let key = Curve25519.Signing.PrivateKey()
        try KeyFile.write(key, privatePath: self.out + "/journal.key", publicPath: self.out + "/journal.pub")

        let clock = SimulatedClock(self.start)
        var configuration = DMPStore.Configuration()
        // Every commit is synced: while one fdatasync runs, the commands decided meanwhile queue
        // up and go in the next frame together (group commit), so frames are large and few.
        configuration.journal.durability = .syncEveryCommit
        configuration.journal.signer = CheckpointSigner(key: key)
        configuration.journal.checkpointInterval = 10_000
        configuration.journal.clock = JournalClock { clock.now }
        configuration.journal.journalID = Self.journalID(seed: self.seed)
        configuration.clock = { clock.now }
        let store: DMPStore
        do {
            store = try await DMPStore.open(at: journal, configuration: configuration)
        } catch {
            throw ToolError.from(error, journal: journal)
        }
        let writer = self.bodies > 0 ? try BodyWriter(directory: bodyDirectory) : nil
        let settings = Scenario.Settings(
            dossiers: self.dossiers, days: self.days, seed: self.seed, start: self.start, bodiesFor: self.bodies)
        let scenario = Scenario(settings: settings, clock: clock, bodies: writer)
        let summary = await scenario.run(on: store)
        for refusal in summary.firstOtherRefusals { warn("dmp: demo: unexpected refusal: \(refusal)") }
        let clamped = await store.clampedClockReadings
        do {
            try await store.close()
        } catch {
            throw ToolError.from(error, journal: journal)
        }
        writer?.finish()
        let simulated = stopwatch.seconds
        let report: VerificationReport
        do {
            report = try JournalVerifier(publicKeys: [key.publicKey]).verify(path: journal)
        } catch {
            throw ToolError(error)
        }
        let result = DemoResult(
            journal: journal, directory: self.out, bodyDirectory: bodyDirectory, settings: settings, summary: summary,
            report: report, clampedClockReadings: clamped, seconds: simulated, totalSeconds: stopwatch.seconds)
        switch self.output.resolved {
        case .json: result.writeJSON()
        case .table: result.writeTable()
        }
        if let failure = report.failure {
            throw ToolError.failure("the demo journal does not verify: \(failure)")
        }
    }

    /// A journal id derived from the seed (a version-4 UUID layout), so the header is the same too.
    static func journalID(seed: UInt64) -> [UInt8] {
        var bytes = Array(SHA256.hash(data: Array("dmp-demo/\(seed)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return bytes
    }
}

/// What `dmp demo` built, for its summary.
struct DemoResult {
    let journal: String
    let directory: String
    let bodyDirectory: String
    let settings: Scenario.Settings
    let summary: Scenario.Summary
    let report: VerificationReport
    let clampedClockReadings: Int
    /// Seconds to simulate and write.
    let seconds: Double
    /// Seconds including the final verification.
    let totalSeconds: Double

    var events: Int { Int(self.report.records) }
    var bytesPerEvent: Double { self.events > 0 ? Double(self.report.fileSize) / Double(self.events) : 0 }
    var ratio: Double {
        self.report.dataFrameBytes > 0 ? Double(self.report.contentBytes) / Double(self.report.dataFrameBytes) : 0
    }
    var refusedReads: Int { self.summary.refusedReads.values.reduce(0, +) }
    var otherRefusals: Int { self.summary.otherRefusals.values.reduce(0, +) }

    /// A featured query as a command line.
    func commandLine(_ featured: Scenario.Featured) -> String {
        let arguments = featured.query.replacingOccurrences(
            of: "--dossier ID", with: "--dossier \(featured.dossier.rawValue)")
        return "dmp \(arguments.split(separator: " ", maxSplits: 1)[0]) \(self.journal) "
            + (arguments.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? "")
    }

    func writeJSON() {
        var json = JSONOutput()
        json.beginObject()
        json.field("journal", self.journal)
        json.field("publicKey", self.directory + "/journal.pub")
        json.field("privateKey", self.directory + "/journal.key")
        json.key("bodies")
        json.beginObject()
        json.field("directory", self.bodyDirectory)
        json.field("written", self.summary.bodies)
        json.field("documents", self.summary.documents)
        json.endObject()
        json.field("dossiers", self.settings.dossiers)
        json.field("days", self.settings.days)
        json.field("seed", UInt64?.some(self.settings.seed))
        json.field("from", time: self.settings.start)
        json.field("to", time: self.summary.end)
        json.field("commands", self.summary.commands)
        json.key("refusedReads")
        json.beginObject()
        for (code, count) in self.summary.refusedReads.sorted(by: { $0.key < $1.key }) { json.field(code, count) }
        json.endObject()
        json.key("otherRefusals")
        json.beginObject()
        for (code, count) in self.summary.otherRefusals.sorted(by: { $0.key < $1.key }) { json.field(code, count) }
        json.endObject()
        json.field("events", self.events)
        json.field("bytes", self.report.fileSize)
        json.field("bytesPerEvent", decimal: self.bytesPerEvent)
        json.field("compressionRatio", decimal: self.ratio)
        json.field("seals", self.report.seals)
        json.field("checkpoints", self.report.checkpointsVerified)
        json.field("clampedClockReadings", self.clampedClockReadings)
        json.field("seconds", decimal: self.seconds)
        json.field("eventsPerSecond", self.seconds > 0 ? Int(Double(self.events) / self.seconds) : 0)
        json.key("featured")
        json.beginArray()
        for featured in self.summary.featured {
            json.beginObject()
            json.field("what", featured.what)
            json.field("dossier", featured.dossier.rawValue)
            json.field("identifier", featured.identifier)
            json.field("command", self.commandLine(featured))
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.line(to: .standard)
    }

    func writeTable() {
        let out = Output.standard
        var lines = KeyValueReport()
        lines.add("journal", self.journal)
        lines.add("keys", "\(self.directory)/journal.key (private, mode 0600), \(self.directory)/journal.pub (public)")
        lines.add(
            "bodies",
            "\(grouped(self.summary.bodies)) of \(grouped(self.summary.documents)) documents in \(self.bodyDirectory)")
        lines.add(
            "simulated",
            "\(Instant.parisDate(self.settings.start)) to \(Instant.parisDate(self.summary.end)) "
                + "(\(self.settings.days) days), \(grouped(self.settings.dossiers)) people, seed \(self.settings.seed)")
        var refusals = "\(grouped(self.refusedReads)) refused reads, journaled"
        if !self.summary.refusedReads.isEmpty {
            refusals +=
                " ("
                + self.summary.refusedReads.sorted(by: { $0.value > $1.value })
                .map { "\($0.key) \(grouped($0.value))" }.joined(separator: ", ") + ")"
        }
        lines.add("commands", "\(grouped(self.summary.commands)); \(refusals)")
        if self.otherRefusals > 0 {
            lines.add(
                "other refusals",
                self.summary.otherRefusals.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", "))
        }
        lines.add("events", grouped(self.events))
        lines.add(
            "bytes",
            "\(byteSize(self.report.fileSize)) (\(grouped(self.report.fileSize))), "
                + "\(formatDecimal(self.bytesPerEvent, places: 1)) bytes/event")
        lines.add(
            "compression",
            "ratio \(formatDecimal(self.ratio, places: 2)) (\(byteSize(self.report.contentBytes)) of records)")
        lines.add(
            "journal frames",
            "\(grouped(self.report.seals)) commits, \(grouped(self.report.checkpointsVerified)) signed checkpoints")
        lines.add(
            "time",
            "\(duration(seconds: self.seconds)) "
                + "(\(grouped(self.seconds > 0 ? Int(Double(self.events) / self.seconds) : 0)) events/s), "
                + "verified in \(duration(seconds: self.totalSeconds - self.seconds))")
        lines.render(to: out)
        guard !self.summary.featured.isEmpty else { return }
        out.write("\ndossiers worth querying:\n")
        for featured in self.summary.featured {
            out.write("  \(featured.what)\n    \(featured.identifier), dossier \(featured.dossier.rawValue)\n")
            out.write("    \(self.commandLine(featured))\n")
        }
        out.write("\nnext:\n  dmp verify \(self.journal) --public-key \(self.directory)/journal.pub\n")
        out.write("  dmp stats \(self.journal)\n")
    }
}
