import Crypto
import Foundation
import Testing

@testable import DMPJournal

/// `Tools/journal_verify.py` is a verifier written from `Schemas/journal-format.md` alone. These
/// tests check that it and the Swift verifier agree, byte for byte, on valid, cut and damaged
/// journals: the specification is complete enough to implement.
@Suite("The independent Python verifier agrees with the Swift verifier")
struct IndependentVerifierTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = repository.appendingPathComponent("Tools/journal_verify.py").path

    struct PythonReport: Decodable {
        struct Failure: Decodable {
            var offset: Int
            var sequence: UInt64
            var check: String
            var tail: Bool
            var unitStart: Int?
        }
        var valid: Bool
        var lastSequence: UInt64
        var head: String
        var seals: Int
        var checkpoints: Int
        var checkpointsVerified: Int
        var failure: Failure?
    }

    static func python(_ path: String, publicKey: Curve25519.Signing.PublicKey? = nil) throws -> PythonReport {
        var arguments = [Self.script, path]
        if let publicKey {
            let keyFile = path + ".pub"
            try hex(publicKey.rawRepresentation).write(toFile: keyFile, atomically: true, encoding: .utf8)
            arguments += ["--public-key", keyFile]
        }
        let result = try run("/usr/bin/env", ["python3"] + arguments)
        return try JSONDecoder().decode(PythonReport.self, from: Data(result.output.utf8))
    }

    static func compare(_ path: String, key: Curve25519.Signing.PublicKey? = nil, _ label: String) throws {
        let swift = try JournalVerifier(publicKeys: key.map { [$0] } ?? []).verify(path: path)
        let python = try Self.python(path, publicKey: key)
        #expect(python.valid == swift.isValid, "\(label): valid")
        #expect(python.lastSequence == swift.lastSequence, "\(label): last sequence")
        #expect(python.head == swift.head.description, "\(label): head")
        #expect(python.failure?.tail == swift.failure?.isTail, "\(label): tail")
        #expect(python.failure?.check == swift.failure?.code.name, "\(label): check \(python.failure?.check ?? "-") vs \(swift.failure?.code.name ?? "-")")
        #expect(python.failure?.unitStart == swift.failure?.unitStart, "\(label): unit start")
        if swift.isValid {
            #expect(python.seals == swift.seals && python.checkpoints == swift.checkpoints, "\(label): counts")
            #expect(python.checkpointsVerified == swift.checkpointsVerified, "\(label): verified checkpoints")
        }
    }

    @Test("valid journals: same head, counts and signatures")
    func validJournals() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let (path, key, _, _) = try await makeSmallJournal(in: directory)
        try Self.compare(path, key: key.publicKey, "small journal")
        // A larger one, with big compressible and incompressible records.
        let big = directory.file("big.dmpj")
        var generator = SeededGenerator(seed: 99)
        let writer = try JournalWriter.create(at: big, options: testOptions())
        for i in 0..<30 {
            let noise = (0..<Int.random(in: 0...3000, using: &generator)).map { _ in UInt8.random(in: 0x0B...0xFF, using: &generator) }
            _ = try await writer.append([Array("batch \(i) ".utf8) + noise, Array(repeating: UInt8(ascii: "a"), count: i * 100)])
        }
        try await writer.close()
        try Self.compare(big, "larger journal")
        // Format version 2: a dictionary in the header, frames compressed against it.
        let v2 = directory.file("v2.dmpj")
        _ = try await DictionaryFormatTests.makeJournal(at: v2, dictionary: DictionaryFormatTests.dictionary)
        try Self.compare(v2, "version 2 journal")
    }

    @Test("damaged and cut version 2 journals: same first failure, same classification")
    func damagedVersionTwoJournals() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("v2.dmpj")
        _ = try await DictionaryFormatTests.makeJournal(at: path, dictionary: DictionaryFormatTests.dictionary, batches: 6)
        let original = readFile(path)
        let scratch = directory.file("damaged.dmpj")
        // Every unit (a damaged header, dictionary included, is refused before any report).
        let headerEnd = try JournalReader(path: path).header.frameLength
        for position in stride(from: headerEnd, to: original.count, by: 11) {
            var bytes = original
            bytes[position] ^= 0x10
            writeFile(scratch, bytes)
            try Self.compare(scratch, "flip at \(position)")
        }
        for cut in stride(from: headerEnd + 1, to: original.count, by: 13) {
            writeFile(scratch, Array(original[0..<cut]))
            try Self.compare(scratch, "cut at \(cut)")
        }
    }

    @Test("damaged and cut journals: same first failure, same classification")
    func damagedJournals() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let (path, key, units, _) = try await makeSmallJournal(in: directory)
        let original = readFile(path)
        let scratch = directory.file("damaged.dmpj")
        let headerEnd = units[0].lowerBound
        for position in stride(from: headerEnd, to: original.count, by: 13) {
            var bytes = original
            bytes[position] ^= 0x10
            writeFile(scratch, bytes)
            try Self.compare(scratch, key: key.publicKey, "flip at \(position)")
        }
        for cut in stride(from: headerEnd + 1, to: original.count, by: 17) {
            writeFile(scratch, Array(original[0..<cut]))
            try Self.compare(scratch, "cut at \(cut)")
        }
    }
}
