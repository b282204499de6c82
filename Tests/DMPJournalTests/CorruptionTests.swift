import Crypto
import Foundation
import Testing

@testable import DMPJournal

/// A small journal (under 4 KiB): header, five batches, a checkpoint in the middle, and the
/// closing checkpoint. Returns its path, the signing key, and the unit ranges.
func makeSmallJournal(in directory: TemporaryDirectory, name: String = "small.dmpj") async throws -> (
    path: String, key: Curve25519.Signing.PrivateKey, units: [Range<Int>], lastSequences: [UInt64]
) {
    let path = directory.file(name)
    let key = try Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32))
    var options = testOptions(signer: CheckpointSigner(key: key))
    options.checkpointInterval = 6
    let writer = try JournalWriter.create(at: path, options: options)
    _ = try await writer.append([Array(#"{"n":1,"text":"first record"}"#.utf8), Array(#"{"n":2}"#.utf8)])
    _ = try await writer.append([Array(#"{"n":3,"text":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#.utf8)])
    _ = try await writer.append([[], Array(#"{"n":5}"#.utf8), Array(#"{"n":6}"#.utf8)])
    _ = try await writer.append([Array(#"{"n":7,"text":"after the checkpoint"}"#.utf8)])
    _ = try await writer.append([Array(#"{"n":8,"text":"last batch"}"#.utf8), Array(#"{"n":9}"#.utf8)])
    try await writer.close()
    let surgery = try JournalSurgery(path: path)
    var lastSequences: [UInt64] = []
    var last: UInt64 = 0
    for unit in surgery.units {
        if case .batch(_, let seal) = unit { last = seal.lastSequence }
        lastSequences.append(last)
    }
    return (path, key, surgery.ranges, lastSequences)
}

/// Verifies a file given as bytes. `nil` when the verifier refuses the file as a whole (not a
/// journal, damaged header, newer version).
func verifyBytes(
    _ bytes: [UInt8], at path: String, keys: [Curve25519.Signing.PublicKey] = []
) -> VerificationReport? {
    writeFile(path, bytes)
    return try? JournalVerifier(publicKeys: keys).verify(path: path)
}

@Suite("Corruption and truncation are detected and classified")
struct CorruptionTests {
    @Test("the small journal is under 4 KiB and has a header, several batches and checkpoints")
    func smallJournalShape() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let (path, key, units, _) = try await makeSmallJournal(in: directory)
        let size = readFile(path).count
        #expect(size <= 4096)
        let report = try JournalVerifier(publicKeys: [key.publicKey]).verify(path: path)
        #expect(report.isValid)
        #expect(report.seals == 5)
        #expect(report.checkpoints == 2)
        #expect(report.checkpointsVerified == 2)
        #expect(units.count == 7)
    }

    @Test("every single-bit flip at every byte position is detected; the final unit counts as tail")
    func exhaustiveBitFlips() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let (path, key, units, lastSequences) = try await makeSmallJournal(in: directory)
        let original = readFile(path)
        let finalStart = units.last!.lowerBound
        let headerEnd = units.first!.lowerBound
        let scratch = directory.file("flipped.dmpj")
        var undetected: [String] = []
        var misclassified: [String] = []
        for position in 0..<original.count {
            for bit in 0..<8 {
                var bytes = original
                bytes[position] ^= UInt8(1 << bit)
                guard let report = verifyBytes(bytes, at: scratch, keys: [key.publicKey]) else {
                    // Refused as a whole: only acceptable inside the header.
                    if position >= headerEnd { undetected.append("\(position).\(bit) refused outside the header") }
                    continue
                }
                guard let failure = report.failure else {
                    undetected.append("\(position).\(bit)")
                    continue
                }
                if failure.isTail != (position >= finalStart) {
                    misclassified.append("\(position).\(bit): tail=\(failure.isTail) \(failure)")
                }
            }
        }
        #expect(undetected.isEmpty, "undetected flips: \(undetected.prefix(20))")
        #expect(misclassified.isEmpty, "misclassified flips: \(misclassified.prefix(20))")

        // Recovery on one flip per position: the tail is cut to exactly the acknowledged prefix;
        // damage refuses to open.
        for position in headerEnd..<original.count {
            var bytes = original
            bytes[position] ^= UInt8(1 << (position % 8))
            writeFile(scratch, bytes)
            if position >= finalStart {
                let writer = try JournalWriter.open(at: scratch, options: testOptions())
                let recovery = try #require(writer.recovery)
                #expect(recovery.keptSize == finalStart)
                #expect(writer.lastSequence == lastSequences[lastSequences.count - 2])
                try await writer.close()
                let kept = readFile(scratch) == Array(original[0..<finalStart])
                #expect(kept, "recovery after a flip at \(position) keeps the prefix")
            } else {
                #expect(throws: JournalError.damaged, "flip at \(position)") {
                    _ = try JournalWriter.open(at: scratch, options: testOptions())
                }
                let untouched = readFile(scratch) == bytes
                #expect(untouched, "a refused recovery must not touch the file (flip at \(position))")
            }
        }
    }

    @Test("every truncation point is reported; recovery keeps exactly the units before it")
    func everyTruncation() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let (path, _, units, lastSequences) = try await makeSmallJournal(in: directory)
        let original = readFile(path)
        let headerEnd = units.first!.lowerBound
        let scratch = directory.file("cut.dmpj")
        for cut in 0..<original.count {
            let bytes = Array(original[0..<cut])
            guard cut >= headerEnd else {
                writeFile(scratch, bytes)
                #expect(throws: JournalError.self) { _ = try JournalVerifier().verify(path: scratch) }
                continue
            }
            let kept = units.filter { $0.upperBound <= cut }
            let expectedSequence = kept.isEmpty ? 0 : lastSequences[kept.count - 1]
            let boundary = kept.last?.upperBound ?? headerEnd
            let report = try #require(verifyBytes(bytes, at: scratch))
            if cut == boundary {
                #expect(report.isValid, "cut at a unit boundary \(cut) verifies")
            } else {
                let failure = try #require(report.failure, "cut at \(cut) must be reported")
                #expect(failure.isTail, "cut at \(cut) is a tail: \(failure)")
                #expect(failure.sequence == expectedSequence)
            }
            let writer = try JournalWriter.open(at: scratch, options: testOptions())
            #expect(writer.lastSequence == expectedSequence)
            #expect((writer.recovery?.keptSize ?? cut) == boundary)
            try await writer.close()
            let keptBytes = readFile(scratch) == Array(original[0..<boundary])
            #expect(keptBytes, "recovery after a cut at \(cut) keeps exactly the units before it")
        }
    }

    @Test("swapped frames, a deleted frame, a rewritten seal: each detected as damage")
    func structuralTampering() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let (path, _, units, _) = try await makeSmallJournal(in: directory)
        let original = readFile(path)
        let scratch = directory.file("tampered.dmpj")
        let header = Array(original[0..<units[0].lowerBound])
        func unit(_ i: Int) -> [UInt8] { Array(original[units[i]]) }

        // Two batches swapped.
        var swapped = header + unit(1) + unit(0)
        for i in 2..<units.count { swapped += unit(i) }
        let r1 = try #require(verifyBytes(swapped, at: scratch))
        #expect(r1.failure?.isTail == false)

        // A batch deleted.
        var deleted = header + unit(0)
        for i in 2..<units.count { deleted += unit(i) }
        let r2 = try #require(verifyBytes(deleted, at: scratch))
        #expect(r2.failure?.isTail == false)
        #expect(r2.failure?.offset == units[1].lowerBound + Format.sealFrame - 32 || r2.failure != nil)

        // A seal rewritten (its count changed) with its own chain value recomputed.
        var surgery = try JournalSurgery(path: path)
        guard case .batch(let frame, var seal) = surgery.units[1] else { Issue.record("unit 1 is a batch"); return }
        seal.committedAt += 1000
        surgery.units[1] = .batch(frame: frame, seal: seal)
        var rewritten = surgery.assemble(rechain: false)
        // Recompute only that seal's chain value, as a forger without the key would.
        let sealEnd = units[1].upperBound
        let previousHead = Array(original[(units[0].upperBound - 32)..<units[0].upperBound])
        let chain = Array(rewritten[units[1].lowerBound..<(sealEnd - 32)]).withUnsafeBytes {
            chainValue(previous: previousHead, $0)
        }
        rewritten.replaceSubrange((sealEnd - 32)..<sealEnd, with: chain)
        let r3 = try #require(verifyBytes(rewritten, at: scratch))
        #expect(r3.failure?.code == .chainMismatch)
        #expect(r3.failure?.unitStart == units[2].lowerBound)
        #expect(r3.failure?.isTail == false)

        // A foreign skippable frame inserted.
        let foreign: [UInt8] = [0x50, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 1, 2, 3, 4]
        var inserted = header + unit(0) + foreign
        for i in 1..<units.count { inserted += unit(i) }
        let r4 = try #require(verifyBytes(inserted, at: scratch))
        #expect(r4.failure?.code == .malformedFrame)
        #expect(r4.failure?.isTail == false)
    }

    @Test("a file re-chained from scratch without the key verifies only without the key")
    func rechainedWithoutKey() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let (path, key, _, _) = try await makeSmallJournal(in: directory)
        var surgery = try JournalSurgery(path: path)
        try surgery.replaceRecords(ofUnit: 0, with: [Array(#"{"n":1,"text":"forged"}"#.utf8), Array(#"{"n":2}"#.utf8)])
        let forged = surgery.assemble()
        let scratch = directory.file("forged.dmpj")
        let withoutKey = try #require(verifyBytes(forged, at: scratch))
        #expect(withoutKey.isValid, "the chain alone cannot tell a full re-chain")
        #expect(withoutKey.checkpointsUnchecked == 2)
        #expect(withoutKey.lastSignedSequence == nil)
        let withKey = try #require(verifyBytes(forged, at: scratch, keys: [key.publicKey]))
        #expect(withKey.failure?.code == .badSignature)
        #expect(withKey.failure?.isTail == false)
        // A different key: checkpoints are not checked, never counted as good.
        let other = Curve25519.Signing.PrivateKey()
        let withOther = try #require(verifyBytes(readFile(path), at: scratch, keys: [other.publicKey]))
        #expect(withOther.isValid && withOther.checkpointsVerified == 0 && withOther.checkpointsUnchecked == 2)
    }
}
