import Crypto
import Foundation
import Testing

@testable import DMPJournal

/// Builds the worked example of `Schemas/journal-format.md` section 8 and checks that the
/// specification shows exactly its bytes. Run with `DMP_REGENERATE_EXAMPLE=1` to rewrite the
/// section after an intended change.
@Suite("The specification's worked examples", .serialized)
struct WorkedExampleTests {
    static let specPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schemas/journal-format.md").path
    static let begin = "<!-- example:begin -->"
    static let end = "<!-- example:end -->"
    static let beginV2 = "<!-- example-v2:begin -->"
    static let endV2 = "<!-- example-v2:end -->"
    /// The dictionary of the version 2 example: one line like the records.
    static let dictionary = Array((#"{"n":0,"note":"the same words, the same words, the same words"}"# + "\n").utf8)

    static let records = [
        #"{"n":1,"note":"the same words, the same words, the same words"}"#,
        #"{"n":2,"note":"the same words, the same words, the same words"}"#,
    ]

    static func buildExample(in directory: TemporaryDirectory, dictionary: [UInt8]? = nil) async throws -> [UInt8] {
        let path = directory.file(dictionary == nil ? "example.dmpj" : "example-v2.dmpj")
        let seed = Array(hexBytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        var options = JournalOptions()
        options.durability = .noSync
        options.application = "example/1"
        options.clock = .fixed(1_767_225_600_000)
        options.journalID = Array(0..<16)
        options.signer = CheckpointSigner(key: key)
        options.dictionary = dictionary
        let writer = try JournalWriter.create(at: path, options: options)
        _ = try await writer.append(Self.records.map { Array($0.utf8) })
        try await writer.close()
        return readFile(path)
    }

    /// The annotated listing: one line per field.
    static func listing(_ file: [UInt8], dictionary: [UInt8]? = nil) -> String {
        var lines: [String] = []
        var offset = 0
        func field(_ length: Int, _ name: String) {
            let bytes = file[offset..<(offset + length)]
            var chunks: [String] = []
            var start = bytes.startIndex
            while start < bytes.endIndex {
                let stop = min(start + 16, bytes.endIndex)
                chunks.append(bytes[start..<stop].map { hex([$0]) }.joined(separator: " "))
                start = stop
            }
            for (index, chunk) in chunks.enumerated() {
                let label = index == 0 ? name : ""
                let padded = chunk.padding(toLength: 48, withPad: " ", startingAt: 0)
                let position = String(offset + index * 16, radix: 16)
                var line = String(repeating: "0", count: 6 - position.count) + position + "  " + padded + " " + label
                while line.hasSuffix(" ") { line.removeLast() }
                lines.append(line)
            }
            offset += length
        }
        let appLength = Int(file[40]) | Int(file[41]) << 8
        let dictionaryLength = dictionary?.count ?? 0
        let v2 = dictionary != nil
        field(4, "header: magic 0x184D2A5D")
        field(4, "header: size = \(v2 ? 70 + appLength + dictionaryLength : 66 + appLength)")
        field(4, "header: tag \"DMJH\"")
        field(2, "header: formatVersion = \(v2 ? 2 : 1)")
        field(1, "header: hashAlgorithm = 1 (SHA-256)")
        field(1, v2 ? "header: compression = 2 (LZ4 frame, the header's dictionary)" : "header: compression = 1 (LZ4 frame)")
        field(16, "header: journalId")
        field(8, "header: createdAt = 1767225600000")
        field(2, "header: appLength = \(appLength)")
        field(appLength, "header: application \"example/1\"")
        if v2 {
            field(4, "header: dictLength = \(dictionaryLength)")
            field(dictionaryLength, "header: dictionary")
        }
        field(32, "header: genesis h0 = SHA256(\"dmp-journal/v1\" || bytes 0..<\(offset))")
        let unitStart = offset
        field(4, "data frame: magic 0x184D2204")
        field(1, v2 ? "data frame: FLG 0x69 (with a dictionary id)" : "data frame: FLG 0x68")
        field(1, "data frame: BD (block maximum)")
        field(8, "data frame: content size = \(Self.records.map { $0.utf8.count + 1 }.reduce(0, +))")
        if let dictionary {
            let id = Array(SHA256.hash(data: dictionary).prefix(4))
            field(4, "data frame: dictionary id = SHA256(dictionary)[0..<4] = \(hex(id))")
        }
        field(1, "data frame: HC")
        while true {
            let word = UInt32(file[offset]) | UInt32(file[offset + 1]) << 8 | UInt32(file[offset + 2]) << 16
                | UInt32(file[offset + 3]) << 24
            if word == 0 { break }
            let stored = word & 0x8000_0000 != 0
            let length = Int(word & 0x7FFF_FFFF)
            field(4, "data frame: block header (\(stored ? "stored" : "compressed"), \(length) bytes)")
            field(length, "data frame: block data")
        }
        field(4, "data frame: end mark")
        let sealStart = offset
        field(4, "seal: magic 0x184D2A5D")
        field(4, "seal: size = 64")
        field(4, "seal: tag \"DMJS\"")
        field(8, "seal: unitStart = \(unitStart)")
        field(8, "seal: firstSequence = 1")
        field(4, "seal: count = 2")
        field(8, "seal: committedAt = 1767225600000")
        field(32, "seal: chain = SHA256(h0 || bytes \(unitStart)..<\(sealStart + 40))")
        let checkpointStart = offset
        field(4, "checkpoint: magic 0x184D2A5D")
        field(4, "checkpoint: size = 188")
        field(4, "checkpoint: tag \"DMJC\"")
        field(8, "checkpoint: unitStart = \(checkpointStart)")
        field(8, "checkpoint: sequence = 2")
        field(32, "checkpoint: attested = the seal's chain")
        field(8, "checkpoint: signedAt = 1767225600000")
        field(32, "checkpoint: keyId = SHA256(public key)")
        field(64, "checkpoint: signature")
        field(32, "checkpoint: chain = SHA256(seal chain || bytes \(checkpointStart)..<\(checkpointStart + 164))")
        precondition(offset == file.count)
        return lines.joined(separator: "\n")
    }

    static func section(_ file: [UInt8], dictionary: [UInt8]? = nil) -> String {
        let journalID = Array(file[16..<32])
        let checkpointStart = file.count - Format.checkpointFrame
        let attested = Array(file[(checkpointStart + 28)..<(checkpointStart + 60)])
        let keyID = Array(file[(checkpointStart + 68)..<(checkpointStart + 100)])
        let message = Checkpoint.signedMessage(
            journalID: journalID, sequence: 2, attested: attested, signedAt: 1_767_225_600_000, keyID: keyID)
        let content = Self.records.map { $0 + "\\n" }.joined()
        let intro =
            dictionary == nil
            ? "The whole file is \(file.count) bytes; `lz4 -dc` prints `\(content)`."
            : "The whole file is \(file.count) bytes; with the header's dictionary in `dictionary.bin`, "
                + "`lz4 -dc -D dictionary.bin` prints `\(content)`. The block starts with 6 literals "
                + "(`{\"n\":1`), then a match of offset 64 and length 63: it starts 58 bytes back in the "
                + "dictionary, before the block's first output byte."
        return """
            \(dictionary == nil ? begin : beginV2)
            \(intro)

            ```
            offset  bytes                                            field
            \(listing(file, dictionary: dictionary))
            ```

            The checkpoint's signed message (121 bytes):

            ```
            \(hex(message))
            ```

            The head of the journal (the checkpoint's chain value) is
            `\(hex(file[(file.count - 32)...]))`.
            \(dictionary == nil ? end : endV2)
            """
    }

    @Test("the worked examples in the specification (versions 1 and 2) match the bytes the writer produces", arguments: [false, true])
    func workedExample(version2: Bool) async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let dictionary = version2 ? Self.dictionary : nil
        let file = try await Self.buildExample(in: directory, dictionary: dictionary)
        let report = try JournalVerifier(
            publicKeys: [Curve25519.Signing.PublicKey(
                rawRepresentation: hexBytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))]
        ).verify(path: directory.file(version2 ? "example-v2.dmpj" : "example.dmpj"))
        #expect(report.isValid && report.checkpointsVerified == 1)
        let expected = Self.section(file, dictionary: dictionary)
        let (begin, end) = version2 ? (Self.beginV2, Self.endV2) : (Self.begin, Self.end)
        var spec = try String(contentsOfFile: Self.specPath, encoding: .utf8)
        if ProcessInfo.processInfo.environment["DMP_REGENERATE_EXAMPLE"] == "1" {
            if let range = spec.range(of: version2 ? "EXAMPLE-V2-PLACEHOLDER" : "EXAMPLE-PLACEHOLDER") {
                spec.replaceSubrange(range, with: expected)
            } else if let b = spec.range(of: begin), let e = spec.range(of: end) {
                spec.replaceSubrange(b.lowerBound..<e.upperBound, with: expected)
            }
            try spec.write(toFile: Self.specPath, atomically: true, encoding: .utf8)
        }
        let b = try #require(spec.range(of: begin), "the specification has the example markers")
        let e = try #require(spec.range(of: end))
        let shown = String(spec[b.lowerBound..<e.upperBound])
        #expect(shown == expected, "Schemas/journal-format.md section 8 is out of date; rerun with DMP_REGENERATE_EXAMPLE=1")
    }
}

func hexBytes(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        out.append(UInt8(text[index..<next], radix: 16)!)
        index = next
    }
    return out
}
