import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `dmp` tool: verify and question a DMP journal, run commands through the store, and build a
/// realistic demo journal.
///
/// Exit status: 0 all good; 1 the journal fails verification in any way (damage, an unsealed or
/// cut tail, a bad signature) or a command was refused; 2 bad usage, a missing or unreadable file,
/// not a journal, or a newer format version than the tool knows.
@main
struct DMPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dmp",
        abstract: "Verify and question a DMP journal (the French shared medical record, as events).",
        discussion: """
            A journal (.dmpj) is an append-only file of events, LZ4-compressed, SHA-256 hash-chained \
            and signed at checkpoints. Auditors verify it and answer questions; investigators ask who \
            saw a document, when, under which right. Reading never modifies a journal; dmp index \
            writes a dossier index beside it (<journal>.idx), which trace, state, events --dossier and \
            who-saw --dossier then use to read one dossier's units only.

            Exit status: 0 all good; 1 the journal fails verification (damage, an unsealed or cut \
            tail, a bad signature) or a command was refused; 2 bad usage, a missing or unreadable \
            file, not a journal, or a newer format version.

            Quick start:
              dmp demo --out /tmp/dmp-demo
              dmp verify /tmp/dmp-demo/journal.dmpj --public-key /tmp/dmp-demo/journal.pub
              dmp stats /tmp/dmp-demo/journal.dmpj
              dmp trace /tmp/dmp-demo/journal.dmpj --dossier <id printed by demo>
              dmp index /tmp/dmp-demo/journal.dmpj
            """,
        subcommands: [
            Verify.self, Recover.self, Stats.self, Events.self, State.self, Trace.self, WhoSaw.self, IndexCommand.self,
            Exec.self, Demo.self, DictionaryCommand.self,
        ])

    /// Runs the tool, mapping argument-parser's usage status (64) to the contract's 2.
    static func main() async {
        do {
            let parsed = try self.parseAsRoot()
            if var command = parsed as? AsyncParsableCommand {
                try await command.run()
            } else {
                var command = parsed
                try command.run()
            }
            Output.standard.flush()
        } catch let error as ToolError {
            Output.standard.flush()
            warn("dmp: \(error.message)")
            terminate(error.status)
        } catch {
            Output.standard.flush()
            let code = self.exitCode(for: error)
            let message = self.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                terminate(0)
            }
            if !message.isEmpty { warn(message) }
            terminate(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
