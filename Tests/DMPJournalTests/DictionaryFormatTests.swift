import Crypto
import Foundation
import Testing

@testable import DMPJournal

/// Format version 2: the header carries an LZ4 dictionary that every data frame is compressed
/// against (sections 2.1 and 3.1 of `Schemas/journal-format.md`).
@Suite("Journal format version 2 (dictionary)")
struct DictionaryFormatTests {
    /// A dictionary of typical records, and records like them (small batches, as group commit
    /// makes under a moderate load).
    static let dictionary: [UInt8] = Array(
        (0..<20).map { #"{"seq":\#($0),"type":"DocumentConsulted","actor":{"id":"810001234567","role":"professional"},"data":{"document":"DOC-\#($0)","mode":"normal"}}"# + "\n" }
            .joined().utf8)

    static func record(_ n: Int) -> [UInt8] {
        Array(
            #"{"seq":\#(n),"type":"DocumentConsulted","actor":{"id":"81000\#(n % 97)","role":"professional"},"data":{"document":"DOC-\#(n * 7919)","mode":"normal"}}"#
                .utf8)
    }

    static func options(dictionary: [UInt8]?) -> JournalOptions {
        var options = testOptions()
        options.dictionary = dictionary
        return options
    }

    /// A journal of `batches` batches of 3 records, with or without the dictionary.
    static func makeJournal(at path: String, dictionary: [UInt8]?, batches: Int = 20) async throws -> [[UInt8]] {
        let writer = try JournalWriter.create(at: path, options: self.options(dictionary: dictionary))
        var records: [[UInt8]] = []
        for batch in 0..<batches {
            let records3 = (0..<3).map { self.record(batch * 3 + $0) }
            _ = try await writer.append(records3)
            records += records3
        }
        try await writer.close()
        return records
    }

    @Test("with a dictionary, a new journal is version 2: header, records, verification and reopening")
    func roundTrip() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("v2.dmpj")
        let records = try await Self.makeJournal(at: path, dictionary: Self.dictionary)
        let bytes = readFile(path)
        #expect(bytes[12] == 2 && bytes[13] == 0, "formatVersion 2")
        #expect(bytes[15] == 2, "compression 2: LZ4 frame with the header's dictionary")
        let reader = try JournalReader(path: path)
        #expect(reader.header.formatVersion == 2)
        #expect(reader.header.dictionary == Self.dictionary)
        #expect(try readAll(path).map(\.bytes) == records)
        #expect(try JournalVerifier().verify(path: path).isValid)
        // Every data frame has FLG 0x69 and the dictionary id.
        let id = Array(SHA256.hash(data: Self.dictionary).prefix(4))
        let surgery = try JournalSurgery(path: path)
        for case .batch(let frame, _) in surgery.units {
            #expect(frame[4] == 0x69)
            #expect(Array(frame[14..<18]) == id)
        }
        // Reopened (with or without a dictionary in the options), the journal keeps its header's.
        let writer = try JournalWriter.open(at: path, options: Self.options(dictionary: nil))
        _ = try await writer.append([Self.record(1000)])
        try await writer.close()
        #expect(try readAll(path).map(\.bytes) == records + [Self.record(1000)])
        #expect(try JournalVerifier().verify(path: path).isValid)
        #expect(readFile(path)[12] == 2)
    }

    @Test("without a dictionary a journal is version 1, and stays version 1 when reopened with one")
    func versionOneStays() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("v1.dmpj")
        let records = try await Self.makeJournal(at: path, dictionary: nil)
        #expect(readFile(path)[12] == 1 && readFile(path)[15] == 1)
        let writer = try JournalWriter.open(at: path, options: Self.options(dictionary: Self.dictionary))
        #expect(writer.header.formatVersion == 1 && writer.header.dictionary.isEmpty)
        _ = try await writer.append([Self.record(1000)])
        try await writer.close()
        #expect(try readAll(path).map(\.bytes) == records + [Self.record(1000)])
        let surgery = try JournalSurgery(path: path)
        for case .batch(let frame, _) in surgery.units { #expect(frame[4] == 0x68) }
    }

    @Test("small frames: the dictionary makes the journal smaller")
    func dictionaryShrinksSmallFrames() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let plain = directory.file("v1.dmpj")
        let withDictionary = directory.file("v2.dmpj")
        _ = try await Self.makeJournal(at: plain, dictionary: nil, batches: 200)
        _ = try await Self.makeJournal(at: withDictionary, dictionary: Self.dictionary, batches: 200)
        let header = try JournalReader(path: withDictionary).header.frameLength
        let plainUnits = readFile(plain).count - (try JournalReader(path: plain).header.frameLength)
        let dictionaryUnits = readFile(withDictionary).count - header
        #expect(Double(dictionaryUnits) < 0.85 * Double(plainUnits), "\(dictionaryUnits) vs \(plainUnits) bytes of units")
    }

    @Test("a dictionary of 0 bytes or of more than 64 KiB is refused, and no file is created")
    func dictionarySizeChecked() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        for size in [0, (64 << 10) + 1] {
            let path = directory.file("bad-\(size).dmpj")
            expectCode(.invalidArgument) {
                _ = try JournalWriter.create(at: path, options: Self.options(dictionary: [UInt8](repeating: 65, count: size)))
            }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        // 64 KiB exactly is allowed.
        let path = directory.file("max.dmpj")
        let writer = try JournalWriter.create(at: path, options: Self.options(dictionary: [UInt8](repeating: 65, count: 64 << 10)))
        _ = writer
        #expect(try JournalVerifier().verify(path: path).isValid)
    }

    @Test("a changed dictionary byte is a damaged header (the genesis covers it)")
    func dictionaryCoveredByGenesis() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("v2.dmpj")
        _ = try await Self.makeJournal(at: path, dictionary: Self.dictionary)
        var bytes = readFile(path)
        bytes[42 + 6 + 4 + 100] ^= 0x20  // application "test/1" (6 bytes), dictLength, then the dictionary
        writeFile(path, bytes)
        expectCode(.malformedHeader) { _ = try JournalVerifier().verify(path: path) }
        expectCode(.malformedHeader) { _ = try JournalWriter.open(at: path, options: testOptions()) }
    }

    /// A version 2 header whose fields are changed, with its genesis recomputed (so that the
    /// field check, not the genesis, is what fails).
    static func rewrittenHeader(_ path: String, _ change: (inout [UInt8]) -> Void) {
        var bytes = readFile(path)
        let size = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16
        var header = Array(bytes[0..<(8 + size - 32)])
        change(&header)
        let genesis = header.withUnsafeBytes { chainValue(previous: Format.genesisPrefix, $0) }
        bytes.replaceSubrange(0..<(8 + size), with: header + genesis)
        writeFile(path, bytes)
    }

    @Test("a version 2 header with compression 1 is unsupported; a dictionary length of 0 is malformed")
    func headerFieldsChecked() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("v2.dmpj")
        _ = try await Self.makeJournal(at: path, dictionary: Self.dictionary)
        let original = readFile(path)
        Self.rewrittenHeader(path) { $0[15] = 1 }
        expectCode(.unsupportedAlgorithm) { _ = try JournalVerifier().verify(path: path) }
        writeFile(path, original)
        Self.rewrittenHeader(path) { header in
            // dictLength 0, the dictionary's bytes kept: the lengths no longer match the size.
            for i in 48..<52 { header[i] = 0 }
        }
        do {
            _ = try JournalVerifier().verify(path: path)
            Issue.record("a dictionary length of 0 must be refused")
        } catch {
            #expect(error.code == .malformedHeader)
            #expect(error.message.contains("dictionary length 0"))
        }
    }

    @Test("a frame without the dictionary id, or with another dictionary's, is a malformed frame")
    func frameShapeChecked() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("v2.dmpj")
        _ = try await Self.makeJournal(at: path, dictionary: Self.dictionary)
        let original = readFile(path)
        for (name, shape) in [("version 1 frame", FrameShape.plain), ("another dictionary", FrameShape(dictionary: [1, 2, 3]))] {
            var surgery = try JournalSurgery(path: path)
            guard case .batch(_, let seal) = surgery.units[3] else { Issue.record("unit 3 is a batch"); return }
            var frame: [UInt8] = []
            let batch = try RecordBatch((0..<3).map { Self.record(9 + $0) })
            try batch.bytes.withUnsafeBytes { try FrameCompressor(shape: shape).compress($0, appendingTo: &frame) }
            surgery.units[3] = .batch(frame: frame, seal: seal)
            writeFile(path, surgery.assemble())  // re-chained: only the frame's shape is wrong
            let report = try JournalVerifier().verify(path: path)
            #expect(report.failure?.code == .malformedFrame, "\(name)")
            #expect(report.failure?.isTail == false, "\(name): damage before the last seal")
            #expect(report.failure?.sequence == 9, "\(name)")
            writeFile(path, original)
        }
    }

    @Test("a version 2 file cut inside the 19-byte descriptor of its last frame is a tail that recovery cuts")
    func cutInsideDescriptor() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("v2.dmpj")
        let records = try await Self.makeJournal(at: path, dictionary: Self.dictionary)
        let surgery = try JournalSurgery(path: path)
        let last = surgery.ranges.last!
        let full = readFile(path)
        for cut in [16, 18] {  // inside the dictionary id, then just before HC
            writeFile(path, Array(full[0..<(last.lowerBound + cut)]))
            let report = try JournalVerifier().verify(path: path)
            #expect(report.failure?.code == .unsealedTail, "cut \(cut)")
            #expect(report.failure?.isTail == true, "cut \(cut)")
            let writer = try JournalWriter.open(at: path, options: testOptions())
            #expect(writer.recovery?.bytesCut == cut)
            try await writer.close()
            #expect(try readAll(path).map(\.bytes) == Array(records.dropLast(3)))
        }
    }

    @Test("the stock lz4 tool prints the records of a version 2 journal when given its dictionary")
    func stockToolReadsWithDictionary() async throws {
        guard let lz4 = ["/usr/bin/lz4", "/usr/local/bin/lz4", "/opt/homebrew/bin/lz4"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else { return }
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("v2.dmpj")
        let records = try await Self.makeJournal(at: path, dictionary: Self.dictionary)
        let dictionaryPath = directory.file("dictionary.bin")
        writeFile(dictionaryPath, try JournalReader(path: path).header.dictionary)
        let (status, output) = try run(lz4, ["-dc", "-D", dictionaryPath, path])
        #expect(status == 0)
        #expect(output == records.map { String(decoding: $0, as: UTF8.self) + "\n" }.joined())
    }
}

/// Expects `body` to throw a journal error with `code`.
private func expectCode(
    _ code: JournalError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected a \(code.name) error", sourceLocation: sourceLocation)
    } catch {
        #expect((error as? JournalError)?.code == code, "\(error)", sourceLocation: sourceLocation)
    }
}
