import ArgumentParser
import DMPJournal
import Foundation

/// `dmp dictionary`: writes the LZ4 dictionary a version 2 journal carries in its header, so that
/// the stock `lz4` tool can read the records (`lz4 -dc -D dictionary.bin journal.dmpj`).
struct DictionaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dictionary",
        abstract: "Write the LZ4 dictionary of a journal's data frames (format version 2) to a file.",
        discussion: """
            A version 2 journal carries in its header the LZ4 dictionary every data frame is \
            compressed against (Schemas/journal-format.md, section 3.1); the header's genesis value \
            covers it. With it, the stock lz4 tool prints the records: \
            lz4 -dc -D dictionary.bin journal.dmpj. A version 1 journal has no dictionary (lz4 -dc \
            reads it as it is).

            Only the header is read: this does not verify the journal (use dmp verify).

            Exit status: 0 written; 1 a damaged header; 2 a missing or unreadable file, not a \
            journal, a newer format version, a version 1 journal, or an output that cannot be \
            written.

            Examples:
              dmp dictionary journal.dmpj -o dictionary.bin
              lz4 -dc -D dictionary.bin journal.dmpj | head
            """)

    @OptionGroup var journal: JournalArgument

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the dictionary's bytes.", valueName: "file"))
    var out: String

    func run() throws {
        let header: JournalHeader
        do {
            header = try JournalReader(path: self.journal.path).header
        } catch {
            throw ToolError(error)
        }
        guard header.formatVersion >= 2, !header.dictionary.isEmpty else {
            throw ToolError.usage(
                "\(self.journal.path) is a format version \(header.formatVersion) journal, without a dictionary: "
                    + "lz4 -dc reads it as it is")
        }
        guard FileManager.default.createFile(atPath: self.out, contents: Data(header.dictionary)) else {
            throw ToolError.usage("\(self.out): cannot write the dictionary there")
        }
        warn("dmp: wrote the \(header.dictionary.count)-byte dictionary of \(self.journal.path) to \(self.out)")
    }
}
