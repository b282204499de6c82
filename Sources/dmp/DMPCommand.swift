import ArgumentParser

/// The `dmp` tool: verify and question a DMP journal.
@main
struct DMPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dmp",
        abstract: "Verify and question a DMP journal (the French shared medical record, as events).")

    mutating func run() async throws {
        print(Self.helpMessage())
    }
}
