import ArgumentParser
import DMP

/// `dmp trace`: a dossier's access trace as one viewer is allowed to see it.
struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a dossier's access trace as a viewer is allowed to see it.",
        discussion: """
            The trace is every action and consultation on the dossier, allowed or refused (TR-1), \
            filtered for the viewer (TR-2, TR-3): the holder sees everything except entries about \
            documents invisible to them until released; a legal representative sees what the holder \
            sees minus what is hidden from representatives (a minor's secret care); a professional \
            sees their own actions, and a médecin traitant or administrator the whole trace. With \
            --at, the trace and the filter are those of that time.

            With an index beside the journal (dmp index), only the units holding the dossier's \
            events are read; --no-index scans the whole journal (same result).

            Viewers: holder (the default), legal-representative:ID, professional:ID (a national id).

            Examples:
              dmp trace journal.dmpj --dossier NIR:255081416802538
              dmp trace journal.dmpj --dossier 5b1f0c1e-8f0e-5a7c-9d63-3c1b2a4e5f60 \\
                  --viewer legal-representative:rep-12-a
              dmp trace journal.dmpj --dossier NIR:255081416802538 --viewer professional:810001234567 --at 2022-06-01
            """)

    @OptionGroup var journal: JournalArgument
    @OptionGroup var dossier: DossierOption

    @Option(
        help: ArgumentHelp(
            "Whose view: holder, legal-representative:ID or professional:ID.", valueName: "viewer"),
        transform: Self.viewer)
    var viewer: TraceViewer = .holder

    @Option(
        help: ArgumentHelp("The trace as of this time (default: now).", valueName: "time"), transform: Instant.argument)
    var at: Int64?

    @OptionGroup var index: IndexOption
    @OptionGroup var output: ReportFormatOption

    /// Reads `--viewer`.
    static func viewer(_ text: String) throws -> TraceViewer {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first?.lowercased(), parts.count) {
        case ("holder", 1):
            return .holder
        case ("legal-representative", 2) where !parts[1].isEmpty:
            return .legalRepresentative(parts[1])
        case ("professional", 2):
            do {
                return .professional(try ProfessionalID(nationalID: parts[1]).nationalID)
            } catch {
                throw ValidationError("--viewer \(text): \(error.message)")
            }
        default:
            throw ValidationError(
                "--viewer \"\(text)\" is not a viewer: use holder, legal-representative:ID or professional:ID")
        }
    }

    /// The viewer as written on the command line.
    static func name(_ viewer: TraceViewer) -> String {
        switch viewer {
        case .holder: "holder"
        case .legalRepresentative(let id): "legal-representative:\(id)"
        case .professional(let id): "professional:\(id)"
        }
    }

    func run() throws {
        let path = self.journal.path
        let session = IndexSession(journal: path, option: self.index)
        let id = try DossierResolver.resolve(self.dossier.dossier, journal: path, index: session)
        // Through the index, whether the dossier exists is known too (nil: not known yet).
        let (entries, exists): ([TraceEntry], Bool?) = try session.query(
            indexed: { index in
                let entries = try History.trace(of: id, viewer: self.viewer, asOf: self.at, journal: path, index: index)
                return (entries, entries.isEmpty ? try Self.exists(id, index: index) : true)
            },
            scan: {
                do {
                    return (try History.trace(of: id, viewer: self.viewer, asOf: self.at, journal: path), nil)
                } catch {
                    throw ToolError.from(error, journal: path)
                }
            })
        if entries.isEmpty {
            var found = exists ?? false
            if exists == nil {
                let needle = Array(id.rawValue.utf8)
                try JournalScan.events(path, label: "checking", prefilter: { contains($0, needle) }) { event, _ in
                    if event.dossier == id { found = true }
                }
            }
            if !found { throw ToolError.usage("no dossier \(id.rawValue) in \(path)") }
        }
        switch self.output.resolved {
        case .json: self.writeJSON(entries, dossier: id)
        case .table: self.writeTable(entries, dossier: id)
        }
    }

    /// Whether the journal holds an event of `dossier`, through the index.
    static func exists(_ dossier: DossierID, index: DossierIndex) throws -> Bool {
        struct Found: Error {}
        do {
            try index.forEachEvent(of: dossier) { _, _ in throw Found() }
        } catch is Found {
            return true
        }
        return false
    }

    private func writeJSON(_ entries: [TraceEntry], dossier: DossierID) {
        var json = JSONOutput()
        json.beginObject()
        json.field("dossier", dossier.rawValue)
        json.field("viewer", Self.name(self.viewer))
        json.nullableField("asOf", time: self.at)
        json.field("count", entries.count)
        json.key("entries")
        json.beginArray()
        for entry in entries {
            json.beginObject()
            json.field("seq", entry.sequence)
            json.field("at", time: entry.at)
            json.field("type", entry.type)
            json.key("actor")
            Render.actor(entry.actor, into: &json)
            json.field("document", entry.document)
            json.field("mode", entry.mode?.rawValue)
            json.field("right", entry.right?.rawValue)
            json.field("refusal", entry.refusal)
            json.field("reason", entry.reason)
            json.endObject()
            if json.bytes.count > 1 << 16 { json.drain(to: .standard) }
        }
        json.endArray()
        json.endObject()
        json.line(to: .standard)
    }

    private func writeTable(_ entries: [TraceEntry], dossier: DossierID) {
        let out = Output.standard
        out.write("trace of \(dossier.rawValue) as seen by \(Self.name(self.viewer))")
        out.write((self.at.map { " at \(Instant.format($0))" } ?? "") + ": \(grouped(entries.count)) entries\n\n")
        var table = TextTable(
            ["SEQ", "AT", "TYPE", "ACTOR", "DOCUMENT", "MODE", "RIGHT OR REFUSAL", "REASON"], rightAligned: [0])
        for entry in entries {
            table.add([
                String(entry.sequence), Instant.format(entry.at), entry.type, Render.actorLabel(entry.actor),
                entry.document ?? "", entry.mode?.rawValue ?? "",
                entry.right?.rawValue ?? entry.refusal.map { "refused: \($0)" } ?? "", entry.reason ?? "",
            ])
        }
        table.render(to: out)
    }
}
