import ArgumentParser
import DMPJournal

/// `dmp recover`: the explicit, reported cut of an unsealed tail.
struct Recover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cut an unsealed or cut tail off a journal, and say what was cut.",
        discussion: """
            Opens the journal for writing, which verifies it whole and cuts off an unsealed or cut \
            tail: the final commit, interrupted by a crash, never acknowledged. Nothing before the \
            last seal is ever touched: damage there is reported with its byte offset and sequence \
            number, and the file is left as it is (its records up to the damage can still be read).

            Exit status: 0 recovered, or nothing needed cutting; 1 damage before the last seal (file \
            untouched); 2 a missing file, not a journal, a newer format version, or a journal another \
            process is writing to.

            Examples:
              dmp recover journal.dmpj
              dmp verify journal.dmpj || dmp recover journal.dmpj
            """)

    @OptionGroup var journal: JournalArgument
    @OptionGroup var output: ReportFormatOption

    func run() async throws {
        let path = self.journal.path
        // Opening for writing would create nothing (open never creates), but check first so that
        // a missing file gets the plain message.
        guard Files.exists(path) else { throw ToolError.usage("\(path): no such file") }
        let writer: JournalWriter
        do {
            writer = try JournalWriter.open(at: path)
        } catch {
            if error.code == .damaged {
                self.report(path: path, cut: nil, lastSequence: error.sequence ?? 0, size: nil, damage: error)
                Output.standard.flush()
                throw ToolError.failure(
                    "\(path): damage before the last seal at byte \(error.offset ?? 0) (after sequence "
                        + "\(error.sequence ?? 0)); nothing was cut: \(error.message)")
            }
            throw ToolError(error)
        }
        let recovery = writer.recovery
        let lastSequence = writer.lastSequence
        do {
            try await writer.close()
        } catch {
            throw ToolError(error)
        }
        let size = recovery?.keptSize ?? Files.size(path) ?? 0
        self.report(path: path, cut: recovery, lastSequence: lastSequence, size: size, damage: nil)
    }

    private func report(path: String, cut: RecoveryReport?, lastSequence: UInt64, size: Int?, damage: JournalError?) {
        switch self.output.resolved {
        case .json:
            var json = JSONOutput()
            json.beginObject()
            json.field("path", path)
            json.field("result", damage != nil ? "damaged" : cut != nil ? "cut" : "clean")
            json.field("lastSequence", lastSequence)
            if let cut {
                json.field("originalSize", cut.originalSize)
                json.field("keptSize", cut.keptSize)
                json.field("bytesCut", cut.bytesCut)
                json.key("reason")
                json.beginObject()
                json.field("code", cut.failure.code.name)
                json.field("offset", cut.failure.offset)
                json.field("message", cut.failure.message)
                json.endObject()
            } else if let size {
                json.field("originalSize", size)
                json.field("keptSize", size)
                json.field("bytesCut", 0)
            }
            if let damage {
                json.key("damage")
                json.beginObject()
                json.field("code", damage.code.name)
                json.field("offset", damage.offset ?? 0)
                json.field("sequence", damage.sequence ?? 0)
                json.field("message", damage.message)
                json.endObject()
            }
            json.endObject()
            json.line(to: .standard)
        case .table:
            var lines = KeyValueReport()
            lines.add("journal", path)
            if let damage {
                lines.add("result", "NOT RECOVERED: damage before the last seal; the file is untouched")
                lines.add("damage", "at byte \(damage.offset ?? 0), after sequence \(damage.sequence ?? 0)")
                lines.add("reason", damage.message)
            } else if let cut {
                lines.add("result", "cut an unsealed tail of \(grouped(cut.bytesCut)) bytes")
                lines.add("kept", "\(grouped(cut.keptSize)) bytes, up to sequence \(grouped(cut.lastSequence))")
                lines.add("reason", "at byte \(cut.failure.offset): \(cut.failure.message) [\(cut.failure.code)]")
            } else {
                lines.add("result", "nothing to cut: the journal ends with a seal")
                lines.add("kept", "\(grouped(size ?? 0)) bytes, up to sequence \(grouped(lastSequence))")
            }
            lines.render(to: .standard)
        }
    }
}
