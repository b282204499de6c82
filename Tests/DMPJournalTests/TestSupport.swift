import Foundation
import Testing

@testable import DMPJournal

/// A repeatable random number generator (SplitMix64), so a failing seed replays.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh directory under the system's temporary directory, removed by `cleanup()`.
struct TemporaryDirectory {
    let path: String

    init() {
        let base = FileManager.default.temporaryDirectory.path
        self.path = base + "/dmp-journal-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: self.path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { self.path + "/" + name }

    func cleanup() {
        try? FileManager.default.removeItem(atPath: self.path)
    }
}

func readFile(_ path: String) -> [UInt8] {
    Array(FileManager.default.contents(atPath: path)!)
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

/// Options for tests: no sync (fast), fixed clock.
func testOptions(signer: CheckpointSigner? = nil, sync: Bool = false) -> JournalOptions {
    var options = JournalOptions()
    options.durability = sync ? .syncEveryCommit : .noSync
    options.application = "test/1"
    options.clock = .fixed(1_760_000_000_000)
    options.signer = signer
    return options
}

/// Reads every record of a journal.
func readAll(_ path: String) throws -> [JournalRecord] {
    let reader = try JournalReader(path: path)
    var records: [JournalRecord] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

/// The directory holding the built products (the test binary and the helper executables).
func productsDirectory() -> URL {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = executable.deletingLastPathComponent()
    // Inside a .xctest bundle on some platforms.
    while directory.path != "/" && directory.lastPathComponent.hasSuffix(".xctest") == false
        && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("journal-crash-child").path)
    {
        directory = directory.deletingLastPathComponent()
    }
    return directory
}

func crashChildURL() -> URL {
    productsDirectory().appendingPathComponent("journal-crash-child")
}

/// Runs a command to completion; returns its exit status and standard output.
@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
