import Foundation
import Testing

/// The built `dmp` binary, beside the test bundle.
func dmpBinary() -> URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    while directory.path != "/" && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("dmp").path) {
        directory = directory.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("dmp")
}

@Suite("The dmp tool, as a black box")
struct ToolTests {
    @Test("--help prints an overview and exits 0")
    func help() throws {
        let process = Process()
        process.executableURL = dmpBinary()
        process.arguments = ["--help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(output.contains("OVERVIEW"))
    }
}
