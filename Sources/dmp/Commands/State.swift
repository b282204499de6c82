import ArgumentParser
import DMP

/// `dmp state`: a dossier's state now or at a past time.
struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a dossier's state, now or at a past time.",
        discussion: """
            Replays the dossier's events up to --at (every event at or before it; all of them by \
            default) through the same fold as the live store: status and dates, identifiers, identity \
            traits, emergency switches, legal representatives, authorisations, blocks, médecins \
            traitants, administrators and every document with its confidentiality codes.

            With an index beside the journal (dmp index), only the units holding the dossier's \
            events are read; --no-index scans the whole journal (same result).

            Examples:
              dmp state journal.dmpj --dossier 5b1f0c1e-8f0e-5a7c-9d63-3c1b2a4e5f60
              dmp state journal.dmpj --dossier NIR:255081416802538 --at 2022-06-01
              dmp state journal.dmpj --dossier INSC:1234567890123456789012 --format json
            """)

    @OptionGroup var journal: JournalArgument
    @OptionGroup var dossier: DossierOption

    @Option(
        help: ArgumentHelp("The state as of this time (default: now).", valueName: "time"), transform: Instant.argument)
    var at: Int64?

    @OptionGroup var index: IndexOption
    @OptionGroup var output: ReportFormatOption

    func run() throws {
        let path = self.journal.path
        let session = IndexSession(journal: path, option: self.index)
        let id = try DossierResolver.resolve(self.dossier.dossier, journal: path, index: session)
        let state: DossierState? = try session.query(
            indexed: { index in
                try History.state(of: id, asOf: self.at ?? .max, journal: path, index: index)
            },
            scan: { try self.scan(id, journal: path) })
        guard let state else {
            if self.at != nil {
                throw ToolError.usage("dossier \(id.rawValue) had no event yet at \(Instant.format(self.at!))")
            }
            throw ToolError.usage("no dossier \(id.rawValue) in \(path)")
        }
        switch self.output.resolved {
        case .json: Self.writeJSON(state, at: self.at)
        case .table: Self.writeTable(state, at: self.at)
        }
    }

    /// The state by reading the whole journal (the records that mention the dossier).
    private func scan(_ id: DossierID, journal path: String) throws -> DossierState? {
        var state: DossierState?
        /// Ends the replay at the first event after `--at`.
        struct Done: Error {}
        do {
            let needle = Array(id.rawValue.utf8)
            try JournalScan.events(path, label: "replaying", prefilter: { contains($0, needle) }) { event, _ in
                if let at = self.at, event.at > at { throw Done() }
                guard event.dossier == id else { return }
                var current = state ?? DossierState(id: id)
                current.apply(event)
                state = current
            }
        } catch is Done {}
        return state
    }

    static func documents(_ state: DossierState) -> [DossierState.Document] {
        state.documents.values.sorted { ($0.depositedAt, $0.metadata.id) < ($1.depositedAt, $1.metadata.id) }
    }

    static func writeJSON(_ state: DossierState, at: Int64?) {
        var json = JSONOutput()
        json.beginObject()
        json.field("dossier", state.id.rawValue)
        json.nullableField("asOf", time: at)
        json.field("status", state.status.rawValue)
        json.nullableField("identifier", state.identifier?.description)
        json.field("identifiers", strings: state.identifiers.map(\.description))
        json.key("traits")
        if let traits = state.traits { Render.traits(traits, into: &json) } else { json.null() }
        json.field("creationMode", state.creationMode?.rawValue)
        json.field("oppositionProof", state.oppositionProof)
        json.field("openingDue", time: state.openingDue)
        json.field("openedAt", time: state.openedAt)
        json.field("closureReason", state.closureReason?.rawValue)
        json.field("closedAt", time: state.closedAt)
        json.field("archivedUntil", time: state.archivedUntil)
        json.field("closureDue", time: state.closureDue)
        json.field("purgeDue", time: state.purgeDue)
        json.field("majorityAt", time: state.majorityAt)
        json.field("minor", state.isMinor(at: at ?? state.lastEventAt))
        json.key("emergency")
        Render.emergency(state.emergency, into: &json)
        json.key("representatives")
        json.beginArray()
        for (id, kind) in state.representatives.sorted(by: { $0.key < $1.key }) {
            json.beginObject()
            json.field("id", id)
            json.field("kind", kind.rawValue)
            json.endObject()
        }
        json.endArray()
        json.key("authorisations")
        json.beginArray()
        for (professional, basis) in state.authorisations.sorted(by: { $0.key < $1.key }) {
            json.beginObject()
            json.field("professional", professional)
            json.field("basis", basis.rawValue)
            json.endObject()
        }
        json.endArray()
        json.key("blocks")
        json.beginArray()
        for (target, setBy) in state.blocks.sorted(by: { $0.key < $1.key }) {
            json.beginObject()
            json.field("target", target)
            json.field("setBy", setBy.rawValue)
            json.endObject()
        }
        json.endArray()
        json.field("treatingDoctors", strings: state.treatingDoctors.sorted())
        json.field("administrators", strings: state.administrators.sorted())
        json.field("professionalsSeen", state.professionalsSeen.count)
        json.key("documents")
        json.beginArray()
        for document in Self.documents(state) {
            let metadata = document.metadata
            json.beginObject()
            json.field("id", metadata.id)
            json.field("typeCode", metadata.typeCode)
            json.field("category", metadata.category)
            json.field("classCode", metadata.classCode)
            json.field("title", metadata.title)
            json.field("author", document.author)
            json.field("authorRole", document.authorRole.rawValue)
            json.field("depositedAt", time: document.depositedAt)
            json.field("createdAt", time: metadata.createdAt)
            json.field("actAt", time: metadata.actAt)
            json.field("dischargeAt", time: metadata.dischargeAt)
            json.field("confidentiality", strings: document.confidentiality.codes)
            json.field("format", metadata.format)
            json.field("size", metadata.size)
            json.field("sha256", metadata.sha256)
            json.field("deprecated", document.deprecated)
            json.field("replacedBy", document.replacedBy)
            json.field("archived", document.archived)
            json.field("deleted", document.deleted)
            json.field("secret", document.secret)
            json.field("reminderDue", time: document.reminderDue)
            json.field("releaseDue", time: document.releaseDue)
            json.endObject()
        }
        json.endArray()
        json.field("eventCount", state.eventCount)
        json.field("lastEventAt", time: state.lastEventAt)
        json.endObject()
        json.line(to: .standard)
    }

    static func writeTable(_ state: DossierState, at: Int64?) {
        let out = Output.standard
        var lines = KeyValueReport()
        lines.add("dossier", state.id.rawValue)
        if let at { lines.add("as of", Instant.format(at)) }
        lines.add("status", state.status.rawValue)
        lines.add("identifiers", state.identifiers.map(\.description).joined(separator: " → "))
        if let traits = state.traits { lines.add("identity", traits.description) }
        if let mode = state.creationMode { lines.add("created", mode.rawValue) }
        if let proof = state.oppositionProof { lines.add("opposition", proof) }
        if let due = state.openingDue { lines.add("opens", Instant.format(due)) }
        if let opened = state.openedAt { lines.add("opened", Instant.format(opened)) }
        if let closed = state.closedAt {
            lines.add("closed", Instant.format(closed) + (state.closureReason.map { " (\($0.rawValue))" } ?? ""))
        }
        if let until = state.archivedUntil { lines.add("archived until", Instant.format(until)) }
        if let due = state.closureDue { lines.add("closes", Instant.format(due) + " without objection") }
        if let due = state.purgeDue { lines.add("purge due", Instant.format(due)) }
        if let majority = state.majorityAt {
            let minor = state.isMinor(at: at ?? state.lastEventAt)
            lines.add("majority", Instant.format(majority) + (minor ? " (a minor)" : ""))
        }
        lines.add("emergency", Render.emergency(state.emergency))
        if !state.representatives.isEmpty {
            lines.add(
                "representatives",
                state.representatives.sorted(by: { $0.key < $1.key }).map { "\($0.key) (\($0.value.rawValue))" }
                    .joined(separator: ", "))
        }
        if !state.treatingDoctors.isEmpty {
            lines.add("médecins traitants", state.treatingDoctors.sorted().joined(separator: ", "))
        }
        if !state.administrators.isEmpty {
            lines.add("administrators", state.administrators.sorted().joined(separator: ", "))
        }
        if !state.authorisations.isEmpty {
            lines.add(
                "authorised",
                state.authorisations.sorted(by: { $0.key < $1.key }).map { "\($0.key) (\($0.value.rawValue))" }
                    .joined(separator: ", "))
        }
        if !state.blocks.isEmpty {
            lines.add(
                "blocked",
                state.blocks.sorted(by: { $0.key < $1.key }).map { "\($0.key) (by \($0.value.rawValue))" }
                    .joined(separator: ", "))
        }
        lines.add("events", "\(grouped(state.eventCount)), the last at \(Instant.format(state.lastEventAt))")
        lines.render(to: out)
        let documents = Self.documents(state)
        guard !documents.isEmpty else { return }
        out.write("\n")
        var table = TextTable(["DOCUMENT", "DEPOSITED", "TYPE", "CATEGORY", "AUTHOR", "CODES", "STATE", "TITLE"])
        for document in documents {
            var flags: [String] = []
            if document.deleted { flags.append("deleted") }
            if document.deprecated { flags.append("replaced by \(document.replacedBy ?? "?")") }
            if document.archived { flags.append("archived") }
            if document.secret { flags.append("secret") }
            if let due = document.releaseDue { flags.append("released \(Instant.parisDate(due))") }
            table.add([
                document.metadata.id, Instant.format(document.depositedAt), document.metadata.typeCode,
                document.metadata.category, document.author, document.confidentiality.codes.joined(separator: ","),
                flags.isEmpty ? "current" : flags.joined(separator: ", "), document.metadata.title,
            ])
        }
        table.render(to: out)
    }
}
