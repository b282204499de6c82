import ArgumentParser
import DMP
import DMPJournal

/// `dmp index`: builds or updates the dossier index beside a journal.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build or update the dossier index beside a journal (<journal>.idx).",
        discussion: """
            The index maps each dossier to the journal units (sealed batches) that hold its events, \
            so that trace, state, who-saw --dossier and events --dossier read those units only \
            instead of the whole journal; and each patient identifier (NIR, NIA, INS-C, current or \
            old) to the dossiers that held it, so that --dossier NIR:… finds the dossier without \
            reading the whole journal either. It is derived data: this command builds it when it is \
            missing, adds the units appended since it was saved, and rebuilds it when it cannot be \
            used (another format version, damaged, built from another journal, or the journal was \
            replaced); --rebuild builds it from scratch in any case. The file is replaced \
            atomically. Its format is in Schemas/index-format.md.

            The index is never trusted: the units it names are checked against their seals when read \
            and other dossiers' records skipped; a dossier it names for an identifier is confirmed by \
            the journal's record of the event that gave it that identifier; the queries check it \
            against the journal (journal id, chain value where it ends) and rebuild it, or scan, when \
            it does not match. An index does not verify the journal: use dmp verify for that.

            The queries use an existing index on their own, scan what was appended since it was \
            saved, and save it when that holds 10,000 events or more (if the \
            directory is writable); --no-index makes them scan.

            Exit status: 0 built, updated or already up to date; 1 the journal is damaged; 2 a \
            missing or unreadable journal, or an index that cannot be written.

            Examples:
              dmp index journal.dmpj
              dmp index journal.dmpj --rebuild --format json
              dmp trace journal.dmpj --dossier 5b1f0c1e-8f0e-5a7c-9d63-3c1b2a4e5f60
            """)

    @OptionGroup var journal: JournalArgument

    @Flag(help: "Build the index from scratch even if the existing one is usable.")
    var rebuild = false

    @OptionGroup var output: ReportFormatOption

    func run() throws {
        let path = self.journal.path
        guard Files.exists(path) else { throw ToolError.usage("\(path): no such file") }
        let stopwatch = Stopwatch()
        let progress = Progress("indexing", total: nil, unit: .bytes)
        let update: DossierIndex.Update
        do {
            update = try DossierIndex.update(journal: path, rebuild: self.rebuild) { done, total in
                progress.setTotal(total)
                progress.update(done)
            }
        } catch let error as JournalError {
            progress.finish()
            throw ToolError(error)
        } catch let error as DossierIndexError {
            progress.finish()
            let status: Int32 = error.code == .invalidRecord ? 1 : 2
            throw ToolError(status: status, message: "\(path): cannot index: \(error)")
        }
        progress.finish()
        let seconds = stopwatch.seconds
        switch self.output.resolved {
        case .json: Self.writeJSON(update, journal: path, seconds: seconds)
        case .table: Self.writeTable(update, journal: path, seconds: seconds)
        }
    }

    static func writeJSON(_ update: DossierIndex.Update, journal: String, seconds: Double) {
        let index = update.index
        var json = JSONOutput()
        json.beginObject()
        json.field("journal", journal)
        json.field("index", index.path)
        json.field("action", update.action.rawValue)
        json.key("reason")
        if let reason = update.reason {
            json.beginObject()
            json.field("code", reason.code.name)
            json.field("message", reason.message)
            json.endObject()
        } else {
            json.null()
        }
        json.field("dossiers", index.savedDossiers)
        json.field("identifiers", index.savedIdentifiers)
        json.field("events", index.coverage.lastSequence)
        json.field("units", index.coverage.units)
        json.field("addedUnits", update.addedUnits)
        json.field("addedEvents", update.addedEvents)
        json.field("coveredEnd", index.coverage.end)
        json.field("head", index.coverage.head.description)
        json.field("bytes", Files.size(index.path) ?? 0)
        json.key("seconds")
        json.decimal(seconds)
        json.endObject()
        json.line(to: .standard)
    }

    static func writeTable(_ update: DossierIndex.Update, journal: String, seconds: Double) {
        let index = update.index
        let out = Output.standard
        let added = "\(grouped(update.addedEvents)) events in \(grouped(update.addedUnits)) units"
        switch update.action {
        case .created: out.write("built \(index.path): \(added)\n\n")
        case .rebuilt:
            let why = update.reason.map { "the index could not be used (\($0.message) [\($0.code.name)])" }
            out.write("rebuilt \(index.path)\(why.map { ": \($0)" } ?? " (--rebuild)"): \(added)\n\n")
        case .extended: out.write("extended \(index.path) over the units appended since it was saved: \(added)\n\n")
        case .unchanged: out.write("\(index.path) is up to date (every entry checked)\n\n")
        }
        var lines = KeyValueReport()
        lines.add("journal", journal)
        lines.add("dossiers", grouped(index.savedDossiers))
        lines.add("identifiers", grouped(index.savedIdentifiers))
        lines.add("events", grouped(index.coverage.lastSequence))
        lines.add("units", grouped(index.coverage.units))
        lines.add("covers", "\(grouped(index.coverage.end)) bytes, chain value \(index.coverage.head)")
        lines.add("size", byteSize(Files.size(index.path) ?? 0))
        lines.add("time", duration(seconds: seconds))
        lines.render(to: out)
    }
}
