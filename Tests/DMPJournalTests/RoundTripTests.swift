import Crypto
import Foundation
import Testing

@testable import DMPJournal

@Suite("Journal round trips")
struct RoundTripTests {
    @Test("random batches come back byte for byte, in order, with their sequence numbers", arguments: [1, 2, 3, 42])
    func randomBatches(seed: UInt64) async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("j.dmpj")
        var generator = SeededGenerator(seed: seed)
        var expected: [[UInt8]] = []
        let writer = try JournalWriter.create(at: path, options: testOptions())
        for _ in 0..<40 {
            var batch: [[UInt8]] = []
            for _ in 0..<Int.random(in: 1...30, using: &generator) {
                let length: Int
                switch Int.random(in: 0..<20, using: &generator) {
                case 0: length = 0
                case 1: length = Int.random(in: 1000...70_000, using: &generator)
                default: length = Int.random(in: 1...400, using: &generator)
                }
                batch.append((0..<length).map { _ in
                    var byte = UInt8.random(in: 0...255, using: &generator)
                    if byte == 0x0A { byte = 0x0B }
                    return byte
                })
            }
            let range = try await writer.append(batch)
            #expect(range.lowerBound == UInt64(expected.count + 1))
            expected.append(contentsOf: batch)
        }
        try await writer.close()

        let records = try readAll(path)
        #expect(records.count == expected.count)
        for (index, record) in records.enumerated() {
            #expect(record.sequence == UInt64(index + 1))
            #expect(record.bytes == expected[index])
        }
        let report = try JournalVerifier().verify(path: path)
        #expect(report.isValid)
        #expect(report.lastSequence == UInt64(expected.count))
    }

    @Test("records of 1 MiB and empty records round-trip; batches larger than a block split into blocks")
    func largeAndEmptyRecords() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("j.dmpj")
        var generator = SeededGenerator(seed: 7)
        let big = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...0x09, using: &generator) }
        let huge = (0..<(5 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }.map { $0 == 0x0A ? 0 : $0 }
        let writer = try JournalWriter.create(at: path, options: testOptions())
        _ = try await writer.append([big, [], big, []])
        _ = try await writer.append([[]])
        _ = try await writer.append([huge])
        try await writer.close()
        let records = try readAll(path)
        #expect(records.map(\.bytes) == [big, [], big, [], [], huge])
        #expect(try JournalVerifier().verify(path: path).isValid)
    }

    @Test("a record containing a newline is refused and nothing is written")
    func newlineRefused() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("j.dmpj")
        let writer = try JournalWriter.create(at: path, options: testOptions())
        await #expect(throws: JournalError.recordContainsNewline) {
            _ = try await writer.append([Array("good".utf8), Array("bad\nrecord".utf8)])
        }
        let range = try await writer.append([Array("after".utf8)])
        #expect(range == 1...1)
        try await writer.close()
        #expect(try readAll(path).map(\.bytes) == [Array("after".utf8)])
    }

    @Test("reopening continues the sequence and the chain; the reader can seek")
    func reopenAndSeek() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("j.dmpj")
        let key = Curve25519.Signing.PrivateKey()
        var options = testOptions(signer: CheckpointSigner(key: key))
        options.checkpointInterval = 10
        var writer = try JournalWriter.create(at: path, options: options)
        for i in 0..<25 { _ = try await writer.append([Array("a\(i)".utf8), Array("b\(i)".utf8)]) }
        try await writer.close()
        writer = try JournalWriter.open(at: path, options: options)
        #expect(writer.recovery == nil)
        #expect(writer.lastSequence == 50)
        _ = try await writer.append([Array("c".utf8)])
        try await writer.close()

        let report = try JournalVerifier(publicKeys: [key.publicKey]).verify(path: path)
        #expect(report.isValid)
        #expect(report.lastSequence == 51)
        #expect(report.checkpoints >= 5)
        #expect(report.checkpointsVerified == report.checkpoints)
        #expect(report.lastSignedSequence == 51)

        let reader = try JournalReader(path: path)
        try reader.seek(toSequence: 37)
        let first = try #require(try reader.next())
        #expect(first.sequence == 37)
        #expect(first.bytes == Array("a18".utf8))
        var rest: [UInt64] = []
        while try reader.nextBatch({ sequence, _, _ in rest.append(sequence) }) {}
        #expect(rest == Array(38...51))
    }

    @Test("an empty journal verifies and reads as empty")
    func emptyJournal() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("j.dmpj")
        let writer = try JournalWriter.create(at: path, options: testOptions())
        try await writer.close()
        #expect(try readAll(path).isEmpty)
        let report = try JournalVerifier().verify(path: path)
        #expect(report.isValid && report.lastSequence == 0 && report.units == 0)
        #expect(report.header.application == "test/1")
    }

    @Test("group commit: many concurrent appenders get distinct, gapless sequence numbers")
    func concurrentAppenders() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("j.dmpj")
        let writer = try JournalWriter.create(at: path, options: testOptions(sync: true))
        let ranges = try await withThrowingTaskGroup(of: ClosedRange<UInt64>.self) { group in
            for task in 0..<64 {
                group.addTask {
                    try await writer.append([Array("task \(task)".utf8)])
                }
            }
            var all: [ClosedRange<UInt64>] = []
            for try await range in group { all.append(range) }
            return all
        }
        try await writer.close()
        #expect(ranges.map(\.lowerBound).sorted() == Array(1...64))
        let report = try JournalVerifier().verify(path: path)
        #expect(report.isValid && report.lastSequence == 64)
        // Grouping: fewer seals than appends is expected but not guaranteed; never more.
        #expect(report.seals <= 64)
    }
}

@Suite("Random access by unit offset (for indexes)")
struct UnitOffsetTests {
    @Test("a reader positioned at a recorded unit offset reads exactly the records there; a wrong offset fails, never lies")
    func seekToUnit() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("j.dmpj")
        var options = testOptions(signer: CheckpointSigner(key: .init()))
        options.checkpointInterval = 7
        let writer = try JournalWriter.create(at: path, options: options)
        for i in 0..<20 { _ = try await writer.append([Array("a\(i)".utf8), Array("b\(i)".utf8)]) }
        try await writer.close()
        // Record where each batch starts.
        let scan = try JournalReader(path: path)
        var offsets: [(offset: Int, first: UInt64)] = []
        var offset = scan.nextUnitOffset
        while try scan.nextBatch({ sequence, _, _ in
            if offsets.last?.offset != offset { offsets.append((offset, sequence)) }
        }) {
            offset = scan.nextUnitOffset
        }
        #expect(offsets.count == 20)
        for (offset, first) in offsets.reversed() {
            let reader = try JournalReader(path: path)
            try reader.seek(toUnitAt: offset)
            let record = try #require(try reader.next())
            #expect(record.sequence == first)
            #expect(record.bytes == Array("a\((first - 1) / 2)".utf8))
        }
        let reader = try JournalReader(path: path)
        try reader.seek(toUnitAt: offsets[3].offset + 5)
        #expect(throws: JournalError.self) { _ = try reader.next() }
        #expect(throws: JournalError.self) { try JournalReader(path: path).seek(toUnitAt: 1 << 40) }
    }
}
