import ArgumentParser
import DMP

/// `dmp who-saw`: every access to one document, allowed or refused.
struct WhoSaw: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who-saw",
        abstract: "List every access to one document, allowed or refused, with mode and right.",
        discussion: """
            Answers the investigator's question "who saw this document, when, under which right": \
            every reading of the document's content (DocumentConsulted, with the right used: holder, \
            author, médecin traitant, care team, bris de glace…) and every refused attempt \
            (ConsultationRefused, with the refusal, and whether the asker was answered "not found"), \
            in order, with who (id, role, profession, structure, software), when and in which mode. \
            The document's own history (deposit, masking, release, deletion…) is shown beside it.

            Document ids are chosen by their authors; --dossier narrows the search when the same id \
            exists in several dossiers. With --dossier and an index beside the journal (dmp index), \
            only the units holding that dossier's events are read; --no-index scans the whole journal.

            Examples:
              dmp who-saw journal.dmpj --document DOC-3f2a9c
              dmp who-saw journal.dmpj --document DOC-3f2a9c --dossier NIR:255081416802538 --format json
            """)

    @OptionGroup var journal: JournalArgument

    @Option(help: ArgumentHelp("The document id.", valueName: "id"))
    var document: String

    @Option(
        help: ArgumentHelp("Only in this dossier: its opaque id, or any identifier of the person.", valueName: "id"))
    var dossier: String?

    @OptionGroup var index: IndexOption
    @OptionGroup var output: ReportFormatOption

    func validate() throws {
        guard !self.document.isEmpty else { throw ValidationError("--document must not be empty") }
    }

    /// One access to the document.
    struct Access {
        var event: Event
        var allowed: Bool
        var mode: AccessMode
        var right: AccessRight?
        var refusal: String?
        var answeredNotFound: Bool?
        var reason: String?
    }

    func run() throws {
        let path = self.journal.path
        let session = IndexSession(journal: path, option: self.index)
        let dossier = try self.dossier.map { try DossierResolver.resolve($0, journal: path, index: session) }
        var accesses: [Access] = []
        var history: [Event] = []
        var dossiers: [DossierID] = []
        func handle(_ event: Event) {
            guard event.payload.documentID == self.document else { return }
            if let dossier, event.dossier != dossier { return }
            if !dossiers.contains(event.dossier) { dossiers.append(event.dossier) }
            switch event.payload {
            case .documentConsulted(_, let mode, let reason, let right):
                accesses.append(
                    Access(
                        event: event, allowed: true, mode: mode, right: right, refusal: nil, answeredNotFound: nil,
                        reason: reason))
            case .consultationRefused(_, let mode, let reason, let refusal, let notFound):
                accesses.append(
                    Access(
                        event: event, allowed: false, mode: mode, right: nil, refusal: refusal,
                        answeredNotFound: notFound, reason: reason))
            case .notificationSent:
                break
            default:
                history.append(event)
            }
        }
        let needle = Array("\"\(self.document)\"".utf8)
        let scan = {
            try JournalScan.events(path, label: "searching", prefilter: { contains($0, needle) }) { event, _ in
                handle(event)
            }
        }
        if let dossier {
            // One dossier: its events through the index when there is one.
            let events: [Event]? = try session.query(
                indexed: { index in
                    var events: [Event] = []
                    try index.forEachEvent(of: dossier) { event, _ in events.append(event) }
                    return events
                },
                scan: { nil })
            if let events {
                for event in events { handle(event) }
            } else {
                try scan()
            }
        } else {
            try scan()
        }
        guard !dossiers.isEmpty else {
            throw ToolError.usage(
                "no event in \(path) mentions a document \(self.document)" + (dossier.map { " in dossier \($0)" } ?? "")
            )
        }
        switch self.output.resolved {
        case .json: self.writeJSON(accesses, history: history, dossiers: dossiers)
        case .table: self.writeTable(accesses, history: history, dossiers: dossiers)
        }
    }

    private func writeJSON(_ accesses: [Access], history: [Event], dossiers: [DossierID]) {
        var json = JSONOutput()
        json.beginObject()
        json.field("document", self.document)
        json.field("dossiers", strings: dossiers.map(\.rawValue))
        json.field("allowed", accesses.count { $0.allowed })
        json.field("refused", accesses.count { !$0.allowed })
        json.key("accesses")
        json.beginArray()
        for access in accesses {
            json.beginObject()
            json.field("seq", access.event.sequence)
            json.field("at", time: access.event.at)
            json.field("dossier", access.event.dossier.rawValue)
            json.field("allowed", access.allowed)
            json.key("actor")
            Render.actor(access.event.actor, into: &json)
            json.field("mode", access.mode.rawValue)
            json.field("right", access.right?.rawValue)
            json.field("refusal", access.refusal)
            json.field("answeredNotFound", access.answeredNotFound)
            json.field("reason", access.reason)
            json.endObject()
        }
        json.endArray()
        json.key("history")
        json.beginArray()
        for event in history {
            json.beginObject()
            json.field("seq", event.sequence)
            json.field("at", time: event.at)
            json.field("dossier", event.dossier.rawValue)
            json.field("type", event.type)
            json.key("actor")
            Render.actor(event.actor, into: &json)
            json.field("detail", Render.detail(event.payload))
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.line(to: .standard)
    }

    private func writeTable(_ accesses: [Access], history: [Event], dossiers: [DossierID]) {
        let out = Output.standard
        let allowed = accesses.count { $0.allowed }
        out.write(
            "document \(self.document) in dossier \(dossiers.map(\.rawValue).joined(separator: ", ")): "
                + "\(grouped(allowed)) allowed, \(grouped(accesses.count - allowed)) refused\n\n")
        if !accesses.isEmpty {
            var table = TextTable(
                ["SEQ", "AT", "WHO", "STRUCTURE", "MODE", "OUTCOME", "RIGHT OR REFUSAL", "REASON"], rightAligned: [0])
            for access in accesses {
                let outcome =
                    access.allowed ? "read" : (access.answeredNotFound == true ? "refused (told not found)" : "refused")
                table.add([
                    String(access.event.sequence), Instant.format(access.event.at),
                    Render.actorLabel(access.event.actor),
                    access.event.actor.structure ?? "", access.mode.rawValue, outcome,
                    access.right?.rawValue ?? access.refusal ?? "", access.reason ?? "",
                ])
            }
            table.render(to: out)
            out.write("\n")
        }
        if !history.isEmpty {
            out.write("history of the document:\n")
            var table = TextTable(["SEQ", "AT", "TYPE", "BY", "DETAIL"], rightAligned: [0])
            for event in history {
                table.add([
                    String(event.sequence), Instant.format(event.at), event.type, Render.actorLabel(event.actor),
                    Render.detail(event.payload),
                ])
            }
            table.render(to: out)
        }
    }
}
