import ArgumentParser
import DMP
import DMPJournal

/// `dmp exec`: runs commands, one JSON object a line, through the store.
struct Exec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run commands (JSON Lines) through the store and print one JSON outcome a line.",
        discussion: """
            Each line is one command in the format documented by Schemas/commands/ (key, actor, \
            dossier, at, action, data). It is decoded into a typed command, decided against the \
            dossier's state and, if allowed, its events are appended durably. For each line, stdout \
            gets one JSON outcome:
              {"line":3,"ok":true,"events":[<the events appended>]}
              {"line":4,"ok":false,"refusal":{"code":"blocked","message":"…","rule":"ACC-2"},"events":[…]}
              {"line":5,"ok":false,"malformed":{"field":"data.document.sha256","offset":212,"message":"…"}}
            A refused read is journaled anyway (ACC-11): its events come with the refusal. A malformed \
            line is also reported on stderr with its line number and field. The run goes on after \
            either; blank lines are skipped.

            A command carries its own time in "at" (non-decreasing: a command dated before the last \
            event is refused as time_reversed), so a scripted history replays deterministically; \
            without "at", the system clock is used. Time rules (openings 6 weeks after a notice, \
            releases, reminders, purges, majority) run on a Tick command. A new dossier's id is \
            derived from its creating command's key (see the README). The journal is created if it \
            does not exist.

            Exit status: 0 every command succeeded; 1 a command was refused or malformed; 2 the \
            journal or the commands cannot be opened.

            Examples:
              dmp exec journal.dmpj history.jsonl
              generate-commands | dmp exec journal.dmpj - --no-sync > outcomes.jsonl
              dmp exec journal.dmpj history.jsonl --signing-key journal.key
            """)

    @OptionGroup var journal: JournalArgument

    @Argument(help: ArgumentHelp("The commands, one JSON object a line ('-' for stdin).", valueName: "commands"))
    var commands: String

    @Flag(help: "Acknowledge commits without fdatasync (fast; the journal is synced once at the end).")
    var noSync = false

    @Option(
        help: ArgumentHelp(
            "Sign checkpoints with this Ed25519 private key (64 hexadecimal characters).", valueName: "file"))
    var signingKey: String?

    func run() async throws {
        let path = self.journal.path
        let lines = try LineReader(path: self.commands)
        var configuration = DMPStore.Configuration()
        configuration.journal.durability = self.noSync ? .noSync : .syncEveryCommit
        if let signingKey = self.signingKey {
            configuration.journal.signer = CheckpointSigner(key: try KeyFile.readPrivateKey(signingKey))
        }
        let store: DMPStore
        do {
            store = try await DMPStore.open(at: path, configuration: configuration)
        } catch {
            throw ToolError.from(error, journal: path)
        }
        var failed = false
        var fatal: ToolError?
        let out = Output.standard
        let progress = Progress("executing", total: nil, unit: .commands)
        var tail: JournalReader?
        var tailNext: UInt64 = 1
        var number = 0
        var executed = 0
        while let line = try lines.next() {
            number += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            var json = JSONOutput()
            json.beginObject()
            json.field("line", number)
            let command: Command
            do {
                command = try CommandCodec.decode(line)
            } catch {
                failed = true
                let field = Self.field(of: error.message)
                warn("dmp: \(self.commands), line \(number): \(error)")
                json.field("ok", false)
                json.key("malformed")
                json.beginObject()
                json.field("field", field)
                json.field("offset", error.offset)
                json.field("message", error.message)
                json.endObject()
                json.endObject()
                json.line(to: out)
                continue
            }
            let before = await store.lastSequence
            do {
                let events = try await store.execute(command)
                json.field("ok", true)
                json.key("events")
                json.beginArray()
                for event in events { json.raw(EventCodec.encode(event)) }
                json.endArray()
            } catch {
                if error.code == .storageFailed {
                    fatal = ToolError.usage("\(path): the journal failed, stopping at line \(number): \(error.message)")
                    break
                }
                failed = true
                json.field("ok", false)
                json.key("refusal")
                Render.refusal(error, into: &json)
                let after = await store.lastSequence
                json.key("events")
                json.beginArray()
                if after > before {
                    // A refused read is journaled (ACC-11): read its events back.
                    do {
                        if tail == nil { tail = try JournalReader(path: path) }
                        try tail!.refresh()
                        if before + 1 > tailNext { try tail!.seek(toSequence: before + 1) }
                        while let record = try tail!.next() {
                            tailNext = record.sequence + 1
                            json.raw(record.bytes)
                            if record.sequence >= after { break }
                        }
                    } catch {
                        fatal = ToolError.from(error, journal: path)
                    }
                }
                json.endArray()
            }
            json.endObject()
            json.line(to: out)
            executed += 1
            progress.update(executed)
            if fatal != nil { break }
        }
        progress.finish()
        out.flush()
        do {
            try await store.close()
        } catch {
            throw ToolError.from(error, journal: path)
        }
        if let fatal { throw fatal }
        if failed { throw ExitCode(1) }
    }

    /// The field path a decoding message starts with (`data.document.sha256: expected …`).
    static func field(of message: String) -> String {
        guard let colon = message.firstIndex(of: ":") else { return "" }
        let field = message[..<colon]
        return field.contains(" ") ? "" : String(field)
    }
}
