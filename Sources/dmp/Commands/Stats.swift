import ArgumentParser
import DMP
import DMPJournal

/// `dmp stats`: what a journal holds, counted.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count a journal's events by type and by month, its dossiers, bytes, seals and checkpoints.",
        discussion: """
            Two passes in bounded memory: the verifier's (bytes, seals, checkpoints, compression, \
            integrity) and a read of every event (types, months in the Paris calendar, dossiers, \
            actors' roles, time span). The JSON output has a top-level `events` count.

            An unsealed tail (a commit being written, or interrupted) is left out and reported; damage \
            before the last seal is reported after counting what precedes it, with exit status 1.

            Examples:
              dmp stats journal.dmpj
              dmp stats journal.dmpj --format json | jq .events
            """)

    @OptionGroup var journal: JournalArgument
    @OptionGroup var output: ReportFormatOption

    func run() throws {
        let path = self.journal.path
        let stopwatch = Stopwatch()
        let progress = Progress("verifying", total: nil, unit: .bytes)
        let report: VerificationReport
        do {
            report = try JournalVerifier().verify(path: path) { done, total in
                progress.setTotal(total)
                progress.update(done)
            }
        } catch {
            progress.finish()
            throw ToolError(error)
        }
        progress.finish()
        var counts = Counts()
        var damage: ToolError?
        do {
            try JournalScan.events(path, label: "counting", total: Int(report.records)) { event, _ in
                counts.add(event)
            }
        } catch let error as ToolError where error.status == 1 {
            damage = error
        }
        let outcome = VerificationOutcome(report: report, keysGiven: false)
        switch self.output.resolved {
        case .json: self.writeJSON(counts, outcome, seconds: stopwatch.seconds)
        case .table: self.writeTable(counts, outcome, seconds: stopwatch.seconds)
        }
        if let damage { throw damage }
        if let problem = outcome.problem, problem.kind != "tail" {
            throw ToolError.failure("\(path) fails verification: \(problem.kindText): \(problem.sentence)")
        }
    }

    /// The counts of one pass.
    struct Counts {
        var events = 0
        var byType: [String: Int] = [:]
        var byMonth: [String: Int] = [:]
        var byRole: [String: Int] = [:]
        var dossiers = Set<DossierID>()
        var first: Int64?
        var last: Int64?
        /// The month of the last event seen and its instant range, to avoid recomputing it.
        private var monthCache: (start: Int64, end: Int64, name: String)?

        mutating func add(_ event: Event) {
            self.events += 1
            self.byType[event.type, default: 0] += 1
            self.byRole[event.actor.role.rawValue, default: 0] += 1
            self.dossiers.insert(event.dossier)
            if self.first == nil { self.first = event.at }
            self.last = event.at
            if let cache = self.monthCache, event.at >= cache.start, event.at < cache.end {
                self.byMonth[cache.name, default: 0] += 1
            } else {
                let name = Instant.parisMonth(event.at)
                self.byMonth[name, default: 0] += 1
                // Cache the Paris day of this event: months change at most at midnight.
                let day = Instant.parisCivilDate(event.at)
                if let date = try? CivilDate(year: day.year, month: day.month, day: day.day) {
                    let start = ParisCalendar.startOfDay(date)
                    self.monthCache = (start, ParisCalendar.adding(days: 1, to: start), name)
                }
            }
        }
    }

    private func writeJSON(_ counts: Counts, _ outcome: VerificationOutcome, seconds: Double) {
        let report = outcome.report
        var json = JSONOutput()
        json.beginObject()
        json.field("path", report.path)
        json.field("events", counts.events)
        json.field("dossiers", counts.dossiers.count)
        json.nullableField("firstEventAt", time: counts.first)
        json.nullableField("lastEventAt", time: counts.last)
        json.key("byType")
        json.beginObject()
        for type in EventPayload.allTypes where counts.byType[type] != nil {
            json.field(type, counts.byType[type])
        }
        for (type, count) in counts.byType.sorted(by: { $0.key < $1.key }) where !EventPayload.allTypes.contains(type) {
            json.field(type, count)
        }
        json.endObject()
        json.key("byMonth")
        json.beginObject()
        for (month, count) in counts.byMonth.sorted(by: { $0.key < $1.key }) { json.field(month, count) }
        json.endObject()
        json.key("byRole")
        json.beginObject()
        for (role, count) in counts.byRole.sorted(by: { $0.key < $1.key }) { json.field(role, count) }
        json.endObject()
        json.key("bytes")
        json.beginObject()
        json.field("file", report.fileSize)
        json.field("records", report.contentBytes)
        json.field("frames", report.dataFrameBytes)
        json.field("perEvent", decimal: counts.events > 0 ? Double(report.fileSize) / Double(counts.events) : 0)
        json.endObject()
        json.field("compressionRatio", decimal: outcome.compressionRatio)
        json.field("seals", report.seals)
        json.field("checkpoints", report.checkpoints)
        json.field("lastSequence", report.lastSequence)
        json.key("verification")
        json.beginObject()
        json.field("valid", outcome.isValid)
        json.key("failure")
        if let problem = outcome.problem {
            json.beginObject()
            json.field("kind", problem.kind)
            json.field("code", problem.code)
            json.field("offset", problem.offset)
            json.field("sequence", problem.sequence)
            json.field("message", problem.message)
            json.endObject()
        } else {
            json.null()
        }
        json.endObject()
        json.field("seconds", decimal: seconds)
        json.endObject()
        json.line(to: .standard)
    }

    private func writeTable(_ counts: Counts, _ outcome: VerificationOutcome, seconds: Double) {
        let report = outcome.report
        var lines = KeyValueReport()
        lines.add("journal", report.path)
        lines.add("events", "\(grouped(counts.events)) in \(grouped(counts.dossiers.count)) dossiers")
        if let first = counts.first, let last = counts.last {
            lines.add("time span", "\(Instant.format(first)) to \(Instant.format(last))")
        }
        lines.add("size", "\(byteSize(report.fileSize)) (\(grouped(report.fileSize)) bytes)")
        if counts.events > 0 {
            lines.add("bytes per event", formatDecimal(Double(report.fileSize) / Double(counts.events), places: 1))
        }
        lines.add(
            "compression",
            "\(byteSize(report.contentBytes)) of records in \(byteSize(report.dataFrameBytes)) "
                + "(ratio \(formatDecimal(outcome.compressionRatio, places: 2)))")
        lines.add("seals", grouped(report.seals))
        lines.add("checkpoints", grouped(report.checkpoints))
        if let problem = outcome.problem {
            lines.add("verification", "\(problem.kindText), \(problem.sentence)")
        } else {
            lines.add("verification", "valid")
        }
        lines.add("time", duration(seconds: seconds))
        lines.render(to: .standard)
        Output.standard.write("\n")
        var types = TextTable(["EVENT TYPE", "EVENTS", "SHARE"], rightAligned: [1, 2])
        for (type, count) in counts.byType.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            types.add([type, grouped(count), Self.percent(count, of: counts.events)])
        }
        types.render(to: .standard)
        Output.standard.write("\n")
        var months = TextTable(["MONTH (PARIS)", "EVENTS"], rightAligned: [1])
        for (month, count) in counts.byMonth.sorted(by: { $0.key < $1.key }) { months.add([month, grouped(count)]) }
        months.render(to: .standard)
        Output.standard.write("\n")
        var roles = TextTable(["ACTOR ROLE", "EVENTS"], rightAligned: [1])
        for (role, count) in counts.byRole.sorted(by: { $0.value > $1.value }) { roles.add([role, grouped(count)]) }
        roles.render(to: .standard)
    }

    static func percent(_ count: Int, of total: Int) -> String {
        total > 0 ? formatDecimal(Double(count) * 100 / Double(total), places: 1) + "%" : "-"
    }
}
