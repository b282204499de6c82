import Foundation
import Testing

@testable import DMP

/// The JSON Schemas of `Schemas/` against the codecs: one schema per event type and per action,
/// and every sample the codecs write validates with `Tools/validate_schemas.py`.
@Suite struct EventCodecSchemaTests {
    /// The package's root directory.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The names of the current schemas in a directory of `Schemas/`: no common, no older version.
    static func schemaNames(_ directory: String) throws -> Set<String> {
        let url = Self.root.appendingPathComponent("Schemas").appendingPathComponent(directory)
        let files = try FileManager.default.contentsOfDirectory(atPath: url.path)
        let suffix = ".schema.json"
        return Set(
            files.filter { $0.hasSuffix(suffix) && $0 != "common" + suffix }
                .map { String($0.dropLast(suffix.count)) }
                .filter { !$0.contains(".") }
        )
    }

    /// Runs the validator with its arguments and returns its exit status and output.
    static func validate(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.root.appendingPathComponent("Tools/validate_schemas.py").path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Writes JSON lines to a new temporary file.
    static func temporaryFile(_ name: String, lines: [[UInt8]]) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("dmp-\(name)-\(UUID().uuidString).jsonl")
        var bytes: [UInt8] = []
        for line in lines {
            bytes += line
            bytes.append(0x0A)
        }
        try Data(bytes).write(to: url)
        return url
    }

    @Test func thereIsOneEventSchemaPerEventType() throws {
        #expect(try Self.schemaNames("events") == Set(EventPayload.allTypes))
    }

    @Test func thereIsOneCommandSchemaPerAction() throws {
        #expect(try Self.schemaNames("commands") == Set(CommandCodec.actionNames))
    }

    @Test func everySampleEventValidatesAgainstItsSchema() throws {
        let file = try Self.temporaryFile(
            "events",
            lines: (EventSamples.all + EventSamples.variants).map { EventCodec.encode($0) }
        )
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Self.validate(["--events", file.path])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func everySampleCommandValidatesAgainstItsSchema() throws {
        let file = try Self.temporaryFile("commands", lines: CommandSamples.all.map { CommandCodec.encode($0) })
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Self.validate(["--commands", file.path])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func theValidatorRefusesWhatTheCodecRefusesAndNamesTheLine() throws {
        var record = EventCodec.encode(EventSamples.consulted)
        record.removeLast()  // the closing brace of the record
        record += Array(#","extra":true}"#.utf8)
        #expect(throws: EventDecodingError.self) { try EventCodec.decode(record) }
        let file = try Self.temporaryFile("bad-events", lines: [EventCodec.encode(EventSamples.deposited), record])
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Self.validate(["--events", file.path])
        #expect(result.status == 1)
        #expect(result.output.contains("\(file.path):2: (record): Additional properties"), "\(result.output)")
    }
}
