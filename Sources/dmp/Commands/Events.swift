import ArgumentParser
import DMP

/// `dmp events`: the events of a journal, filtered, streamed in bounded memory.
struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a journal's events, filtered by dossier, type, actor and time.",
        discussion: """
            Streams the journal in bounded memory whatever its size. Filters combine (all must \
            match); --type may be repeated (any of them matches). --since is inclusive, --until \
            exclusive. Times are RFC 3339, or a date meaning midnight in Paris.

            --format jsonl prints the stored records byte for byte (what the stock `lz4 -dc` prints, \
            filtered; see dmp dictionary); \
            json prints one object {"events":[…],"count":n}; table prints one line an event.

            With --dossier and an index beside the journal (dmp index), only the units holding that \
            dossier's events are read; --no-index scans the whole journal (same output).

            Examples:
              dmp events journal.dmpj --dossier NIR:255081416802538
              dmp events journal.dmpj --type DocumentConsulted --type ConsultationRefused --since 2022-03-01
              dmp events journal.dmpj --actor 810001234567 --format jsonl > doctor.jsonl
            """)

    @OptionGroup var journal: JournalArgument

    @Option(help: ArgumentHelp("Only this dossier: its opaque id, or any identifier of the person.", valueName: "id"))
    var dossier: String?

    @Option(name: .customLong("type"), help: ArgumentHelp("Only events of this type (repeatable).", valueName: "type"))
    var types: [String] = []

    @Option(
        help: ArgumentHelp(
            "Only events by this actor id (a professional's national id, holder, system…).", valueName: "id"))
    var actor: String?

    @Option(help: ArgumentHelp("Only events at or after this time.", valueName: "time"), transform: Instant.argument)
    var since: Int64?

    @Option(help: ArgumentHelp("Only events before this time.", valueName: "time"), transform: Instant.argument)
    var until: Int64?

    @OptionGroup var index: IndexOption
    @OptionGroup var output: StreamFormatOption

    func validate() throws {
        for type in self.types where !EventPayload.allTypes.contains(type) {
            let close = EventPayload.allTypes.filter { $0.lowercased().contains(type.lowercased()) }
            throw ValidationError(
                "unknown event type \"\(type)\""
                    + (close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?"))
        }
        if let since = self.since, let until = self.until, until <= since {
            throw ValidationError("--until must come after --since")
        }
    }

    func run() throws {
        let path = self.journal.path
        let session = IndexSession(journal: path, option: self.index)
        let dossier = try self.dossier.map { try DossierResolver.resolve($0, journal: path, index: session) }
        let types = Set(self.types)
        var needles: [[UInt8]] = []
        if let dossier { needles.append(Array(dossier.rawValue.utf8)) }
        if let actor = self.actor { needles.append(Array(actor.utf8)) }
        if types.count == 1, let type = types.first { needles.append(Array("\"\(type)\"".utf8)) }
        let format = self.output.resolved
        let out = Output.standard
        var json = JSONOutput()
        var count = 0
        switch format {
        case .json:
            json.beginObject()
            json.key("events")
            json.beginArray()
        case .table:
            out.write(
                Self.pad("SEQ", 8) + " " + Self.pad("AT", 24) + "  " + Self.pad("TYPE", 34) + " "
                    + Self.pad("DOSSIER", 37) + " ACTOR  DETAIL\n"
            )
        case .jsonl:
            if dossier == nil && types.isEmpty && self.actor == nil && self.since == nil && self.until == nil {
                // Nothing to filter: the stored records, as they are, without decoding them.
                try JournalScan.records(path, label: "reading") { _, record in
                    out.write(bytes: record)
                    out.write(byte: 0x0A)
                }
                return
            }
        }
        func keep(_ event: Event) -> Bool {
            if let dossier, event.dossier != dossier { return false }
            if !types.isEmpty && !types.contains(event.type) { return false }
            if let actor = self.actor, event.actor.id != actor { return false }
            if let since = self.since, event.at < since { return false }
            if let until = self.until, event.at >= until { return false }
            return true
        }
        func emit(_ event: Event, _ record: UnsafeRawBufferPointer) {
            switch format {
            case .jsonl:
                out.write(bytes: record)
                out.write(byte: 0x0A)
            case .json:
                json.raw(record)
                if json.bytes.count > 1 << 16 { json.drain(to: out) }
            case .table:
                out.write(Self.row(event))
            }
        }
        // One dossier: its events through the index when there is one (collected first, so that
        // a fallback to the scan repeats nothing).
        let indexed: [(Event, [UInt8])]? = try dossier.flatMap { dossier in
            try session.query(
                indexed: { index in
                    var kept: [(Event, [UInt8])] = []
                    try index.forEachEvent(of: dossier) { event, record in
                        if keep(event) { kept.append((event, Array(record))) }
                    }
                    return kept
                },
                scan: { nil })
        }
        if let indexed {
            for (event, record) in indexed {
                record.withUnsafeBytes { emit(event, $0) }
            }
            count = indexed.count
        } else {
            try JournalScan.events(
                path, label: "reading", prefilter: { record in needles.allSatisfy { contains(record, $0) } }
            ) { event, record in
                guard keep(event) else { return }
                emit(event, record)
                count += 1
            }
        }
        switch format {
        case .json:
            json.endArray()
            json.field("count", count)
            json.endObject()
            json.line(to: out)
        case .table:
            out.flush()
            warn("\(grouped(count)) event\(count == 1 ? "" : "s")")
        case .jsonl:
            break
        }
    }

    /// One table line.
    static func row(_ event: Event) -> String {
        Self.pad(String(event.sequence), 8) + " " + Instant.format(event.at) + "  " + Self.pad(event.type, 34) + " "
            + Self.pad(event.dossier.rawValue, 37) + " " + Render.actorLabel(event.actor) + "  "
            + Render.detail(event.payload) + "\n"
    }

    /// `text` padded with spaces to `width` characters.
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
