import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One unit found by the scanner.
struct ScannedUnit {
    enum Kind {
        case batch(Seal)
        case checkpoint(Checkpoint)
    }
    var start: Int
    var end: Int
    var kind: Kind
}

/// A failure found by the scanner: where, what, and the state just before it.
struct ScanFailure: Error {
    var code: JournalError.Code
    var offset: Int
    var message: String
    /// The start of the unit in which the failure lies.
    var unitStart: Int
}

/// Parses and checks units front to back (section 5 of the format), one at a time, in bounded
/// memory. The shared engine of the verifier, the readers and recovery.
final class UnitScanner {
    let window: FileWindow
    let header: JournalHeader
    /// Whether to check the LZ4 descriptor checksum (the chain covers the same bytes;
    /// verification checks both, readers only the chain).
    let checksums: Bool
    /// Whether to decompress data frames (and so check their content and record counts).
    var decompress: Bool
    /// Batches whose records all come before this sequence number are not decompressed.
    var skipBelow: UInt64 = 0

    /// End of the last good unit.
    private(set) var position: Int
    /// Chain value after the last good unit.
    private(set) var head: [UInt8]
    private(set) var lastSequence: UInt64 = 0
    private(set) var lastTime: Int64
    private(set) var lastCheckpointSequence: UInt64?

    /// Decompressed content of the last batch, `contentCount` bytes.
    private(set) var content: UnsafeMutableRawBufferPointer
    private(set) var contentCount = 0

    init(window: FileWindow, checksums: Bool, decompress: Bool) throws(JournalError) {
        self.window = window
        let first = try window.available(at: 0, limit: Format.maxHeaderFrame)
        self.header = try JournalHeader.parse(first, path: window.path)
        self.checksums = checksums
        self.decompress = decompress
        self.position = self.header.frameLength
        self.head = self.header.genesis.bytes
        self.lastTime = self.header.createdAt
        self.content = .allocate(byteCount: 64 << 10, alignment: 16)
    }

    deinit {
        self.content.deallocate()
    }

    /// Moves to a unit boundary found elsewhere (an index): the next unit is checked against its
    /// own link with the chain value stored just before it, and its sequence numbers and time are
    /// taken as they are (continuity is checked again from there on).
    func reposition(to offset: Int) throws(JournalError) {
        guard offset >= self.header.frameLength, offset <= self.window.fileSize else {
            throw JournalError(.invalidArgument, "offset \(offset) is outside the journal", path: self.window.path)
        }
        if offset == self.header.frameLength {
            self.head = self.header.genesis.bytes
        } else {
            guard offset - 32 >= self.header.frameLength else {
                throw JournalError(.invalidArgument, "offset \(offset) is not a unit boundary", path: self.window.path)
            }
            self.head = try self.window.readDetached(at: offset - 32, count: 32)
        }
        self.position = offset
        self.contentCount = 0
        self.detached = true
        self.window.expectRandomAccess()
    }

    /// Set by ``reposition(to:)``: the next unit's sequence and time are not checked against the
    /// (unknown) previous unit.
    private var detached = false

    var contentBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self.content[0..<self.contentCount])
    }

    /// Like ``next()``, without decompressing batches that end before `sequence`.
    func nextSkipping(until sequence: UInt64) throws(ScanFailure) -> ScannedUnit? {
        self.skipBelow = sequence
        defer { self.skipBelow = 0 }
        return try self.next()
    }

    /// Scans the next unit. Returns `nil` at the end of the file (exactly at a unit boundary).
    func next() throws(ScanFailure) -> ScannedUnit? {
        let start = self.position
        let fileSize = self.window.fileSize
        if start == fileSize { return nil }
        func fail(_ code: JournalError.Code, _ offset: Int, _ message: String) -> ScanFailure {
            ScanFailure(code: code, offset: offset, message: message, unitStart: start)
        }
        func bytes(_ offset: Int, _ count: Int) throws(ScanFailure) -> UnsafeRawBufferPointer? {
            do {
                return try self.window.bytes(at: offset, count: count)
            } catch {
                throw fail(.io, offset, error.message)
            }
        }
        guard let magicBytes = try bytes(start, 4) else {
            throw fail(.unsealedTail, start, "the file ends \(fileSize - start) bytes into a frame")
        }
        let magic = magicBytes.u32(0)
        if magic == Format.lz4FrameMagic {
            return try self.scanBatch(start: start, fileSize: fileSize, fail: fail, bytes: bytes)
        }
        if magic == Format.metadataMagic {
            guard let prefix = try bytes(start, 12) else {
                throw fail(.unsealedTail, start, "the file ends inside a frame header")
            }
            if prefix.u32(8) == Format.checkpointTag {
                guard prefix.u32(4) == UInt32(Format.checkpointPayload) else {
                    throw fail(.malformedFrame, start + 4, "checkpoint frame size is \(prefix.u32(4)), expected 188")
                }
                return try self.scanCheckpoint(start: start, fail: fail, bytes: bytes)
            }
            if prefix.u32(8) == Format.sealTag {
                throw fail(.malformedFrame, start, "a seal with no data frame before it")
            }
            if prefix.u32(8) == Format.headerTag {
                throw fail(.malformedFrame, start, "a second header frame")
            }
            throw fail(.malformedFrame, start + 8, "unknown frame tag 0x\(hex(Array(prefix[8..<12])))")
        }
        if magic & Format.skippableMagicMask == Format.skippableMagicBase {
            throw fail(.malformedFrame, start, "unknown skippable frame (magic 0x\(String(magic, radix: 16)))")
        }
        throw fail(.malformedFrame, start, "expected a data frame or a checkpoint, found magic 0x\(String(magic, radix: 16))")
    }

    private func scanBatch(
        start: Int, fileSize: Int,
        fail: (JournalError.Code, Int, String) -> ScanFailure,
        bytes: (Int, Int) throws(ScanFailure) -> UnsafeRawBufferPointer?
    ) throws(ScanFailure) -> ScannedUnit {
        // 1. Structure of the data frame.
        var guess = min(fileSize - start, 64 << 10)
        var layout: DataFrameLayout?
        while true {
            guard let frame = try bytes(start, guess) else { preconditionFailure("range checked") }
            do {
                layout = try DataFrame.walk(frame, shape: self.header.frameShape, checksums: false)
            } catch {
                throw fail(error.code, start + error.offset, error.message)
            }
            if layout != nil { break }
            if guess == fileSize - start {
                throw fail(.unsealedTail, start, "the file ends inside a data frame")
            }
            guess = min(fileSize - start, guess * 2)
        }
        let frameLength = layout!.length
        // 2. The seal that must follow.
        let sealStart = start + frameLength
        let unitLength = frameLength + Format.sealFrame
        guard let unit = try bytes(start, unitLength) else {
            throw fail(.unsealedTail, sealStart, "the data frame is not followed by a complete seal")
        }
        let sealBytes = UnsafeRawBufferPointer(rebasing: unit[frameLength..<unitLength])
        guard Seal.looksLikeSeal(sealBytes) else {
            throw fail(.malformedFrame, sealStart, "the data frame is not followed by a seal frame")
        }
        // 3. The chain, over every stored byte of the unit.
        let chain = chainValue(previous: self.head, UnsafeRawBufferPointer(rebasing: unit[0..<(unitLength - 32)]))
        guard chain.elementsEqual(sealBytes[40..<72]) else {
            throw fail(
                .chainMismatch, sealStart + 40,
                "the seal's chain value does not match the bytes of its unit (altered or damaged data)")
        }
        let seal = Seal.parse(sealBytes)
        // 4. The content.
        var count: UInt32 = 0
        let wantContent = (self.decompress || self.checksums) && seal.lastSequence >= self.skipBelow
        self.contentCount = 0
        if wantContent {
            let layout = layout!
            if self.content.count < layout.contentSize {
                self.content.deallocate()
                self.content = .allocate(byteCount: max(layout.contentSize, self.content.count * 2), alignment: 16)
            }
            do {
                let frame = UnsafeRawBufferPointer(rebasing: unit[0..<frameLength])
                if self.checksums { try DataFrame.checkDescriptor(frame, shape: self.header.frameShape) }
                try DataFrame.decompress(
                    frame, layout: layout, shape: self.header.frameShape,
                    into: UnsafeMutableRawBufferPointer(rebasing: self.content[0..<layout.contentSize]))
            } catch {
                throw fail(error.code, start + error.offset, error.message)
            }
            self.contentCount = layout.contentSize
            let content = self.contentBytes
            guard content[content.count - 1] == 0x0A else {
                throw fail(.malformedContent, start, "the decompressed content does not end with a newline")
            }
            count = countNewlines(content)
        }
        // 5. The seal's fields.
        guard seal.unitStart == UInt64(start) else {
            throw fail(.offsetMismatch, sealStart + 12, "the seal says its unit starts at \(seal.unitStart), not \(start)")
        }
        if self.detached {
            self.lastSequence = seal.firstSequence &- 1
            self.lastTime = seal.committedAt
            self.detached = false
        }
        guard seal.firstSequence == self.lastSequence + 1 else {
            throw fail(
                .sequenceGap, sealStart + 20,
                "the seal's first sequence number is \(seal.firstSequence), expected \(self.lastSequence + 1)")
        }
        guard seal.count >= 1 else {
            throw fail(.countMismatch, sealStart + 28, "the seal counts 0 records")
        }
        if wantContent {
            guard seal.count == count else {
                throw fail(
                    .countMismatch, sealStart + 28,
                    "the seal counts \(seal.count) records, the data frame holds \(count)")
            }
        }
        guard seal.committedAt >= self.lastTime else {
            throw fail(.timeReversed, sealStart + 32, "the seal's time \(seal.committedAt) is before \(self.lastTime)")
        }
        self.head = seal.chain
        self.lastSequence = seal.lastSequence
        self.lastTime = seal.committedAt
        self.position = start + unitLength
        return ScannedUnit(start: start, end: start + unitLength, kind: .batch(seal))
    }

    private func scanCheckpoint(
        start: Int,
        fail: (JournalError.Code, Int, String) -> ScanFailure,
        bytes: (Int, Int) throws(ScanFailure) -> UnsafeRawBufferPointer?
    ) throws(ScanFailure) -> ScannedUnit {
        guard let unit = try bytes(start, Format.checkpointFrame) else {
            throw fail(.unsealedTail, start, "the file ends inside a checkpoint")
        }
        let chain = chainValue(previous: self.head, UnsafeRawBufferPointer(rebasing: unit[0..<164]))
        guard chain.elementsEqual(unit[164..<196]) else {
            throw fail(
                .chainMismatch, start + 164,
                "the checkpoint's chain value does not match its bytes (altered or damaged data)")
        }
        let checkpoint = Checkpoint.parse(unit)
        if self.detached {
            self.lastSequence = checkpoint.sequence
            self.lastTime = checkpoint.signedAt
            self.detached = false
        }
        guard checkpoint.unitStart == UInt64(start) else {
            throw fail(.offsetMismatch, start + 12, "the checkpoint says it starts at \(checkpoint.unitStart), not \(start)")
        }
        guard checkpoint.sequence == self.lastSequence else {
            throw fail(
                .sequenceGap, start + 20,
                "the checkpoint names sequence \(checkpoint.sequence), the last record is \(self.lastSequence)")
        }
        guard checkpoint.attested == self.head else {
            throw fail(.attestationMismatch, start + 28, "the checkpoint attests a chain value other than the journal's")
        }
        guard checkpoint.signedAt >= self.lastTime else {
            throw fail(.timeReversed, start + 60, "the checkpoint's time \(checkpoint.signedAt) is before \(self.lastTime)")
        }
        self.head = checkpoint.chain
        self.lastTime = checkpoint.signedAt
        self.lastCheckpointSequence = checkpoint.sequence
        self.position = start + Format.checkpointFrame
        return ScannedUnit(start: start, end: start + Format.checkpointFrame, kind: .checkpoint(checkpoint))
    }
}

/// Counts 0x0A bytes.
func countNewlines(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard var cursor = bytes.baseAddress else { return 0 }
    let end = cursor + bytes.count
    var count: UInt32 = 0
    while cursor < end, let found = memchr(cursor, 0x0A, end - cursor) {
        count += 1
        cursor = UnsafeRawPointer(found) + 1
    }
    return count
}

// MARK: - Tail classification (section 5.1)

enum TailClassifier {
    /// Decides whether a failure in the unit starting at `failingUnit` lies in the final commit
    /// of the file (an unsealed or cut tail) or in acknowledged history (damage).
    ///
    /// A writer makes each commit durable before it writes the next, so the failure is damage as
    /// soon as the file proves that a later commit was written:
    /// (a) walking the failing unit's structure finds its link frame, and more bytes follow it; or
    /// (b) searching back from the end of the file finds a well-formed link frame whose unit
    ///     starts at or after `failingUnit` and whose chain value matches its unit, taking as the
    ///     previous chain value the 32 bytes stored just before that unit.
    /// Otherwise the failure is in the tail.
    static func isTail(
        failingUnit: Int, code: JournalError.Code, head: [UInt8], window: FileWindow, header: JournalHeader
    ) throws(JournalError) -> Bool {
        // Only a failure a crash can cause (the file ends early, a frame is malformed, the chain
        // does not match) may be a tail. A unit whose chain matches but whose fields are wrong
        // was written whole, by a faulty or dishonest writer: damage.
        guard code == .unsealedTail || code == .malformedFrame || code == .chainMismatch else { return false }
        let fileSize = window.fileSize
        let p = failingUnit
        // (a) The failing unit's own structure.
        if let end = try self.structuralEnd(of: p, window: window, shape: header.frameShape), end < fileSize {
            return false
        }
        // (b) A later, self-consistent unit.
        var end = fileSize
        let step = 1 << 20
        while end > p {
            let from = max(p, end - step)
            let bytes = try window.readDetached(at: from, count: min(fileSize, end + Format.checkpointFrame) - from)
            var candidates: [(start: Int, length: Int)] = []
            bytes.withUnsafeBytes { b in
                var i = end - from - 1
                while i >= 0 {
                    if b[i] == 0x5D, i + 12 <= b.count {
                        let rest = UnsafeRawBufferPointer(rebasing: b[i...])
                        if Seal.looksLikeSeal(rest), from + i + Format.sealFrame <= fileSize {
                            candidates.append((from + i, Format.sealFrame))
                        } else if Checkpoint.looksLikeCheckpoint(rest), from + i + Format.checkpointFrame <= fileSize {
                            candidates.append((from + i, Format.checkpointFrame))
                        }
                    }
                    i -= 1
                }
            }
            for candidate in candidates {
                if try self.selfConsistent(
                    linkStart: candidate.start, length: candidate.length, atOrAfter: p, head: head, window: window,
                    header: header)
                {
                    return false
                }
            }
            end = from
        }
        return true
    }

    /// The end of the unit at `start`, by structure alone (no hashes), if its link frame is
    /// well formed and complete.
    private static func structuralEnd(of start: Int, window: FileWindow, shape: FrameShape) throws(JournalError) -> Int? {
        let fileSize = window.fileSize
        guard start + 12 <= fileSize else { return nil }
        let prefix = try window.readDetached(at: start, count: 12)
        let magic = prefix.withUnsafeBytes { $0.u32(0) }
        if magic == Format.metadataMagic {
            let isCheckpoint = prefix.withUnsafeBytes { Checkpoint.looksLikeCheckpoint($0) }
            return isCheckpoint && start + Format.checkpointFrame <= fileSize ? start + Format.checkpointFrame : nil
        }
        guard magic == Format.lz4FrameMagic else { return nil }
        var guess = min(fileSize - start, 64 << 10)
        while true {
            let frame = try window.readDetached(at: start, count: guess)
            let layout: DataFrameLayout?
            do {
                layout = try frame.withUnsafeBytes { (b) throws(FrameProblem) in try DataFrame.walk(b, shape: shape, checksums: false) }
            } catch {
                return nil
            }
            if let layout {
                let sealStart = start + layout.length
                guard sealStart + Format.sealFrame <= fileSize else { return nil }
                let seal = try window.readDetached(at: sealStart, count: 12)
                return seal.withUnsafeBytes { Seal.looksLikeSeal($0) } ? sealStart + Format.sealFrame : nil
            }
            if guess == fileSize - start { return nil }
            guess = min(fileSize - start, guess * 2)
        }
    }

    /// Whether the link frame at `linkStart` closes a unit that starts at or after `minimum` and
    /// whose chain value matches its bytes.
    ///
    /// A checkpoint is a unit on its own. A seal's unit starts where its `unitStart` field says,
    /// or, if bytes were inserted or removed before it, at an LZ4 frame magic whose data-frame
    /// structure ends exactly at the seal. The previous chain value is the 32 bytes stored just
    /// before the unit, or `head` (the chain value after the last unit that verified).
    private static func selfConsistent(
        linkStart: Int, length: Int, atOrAfter minimum: Int, head: [UInt8], window: FileWindow,
        header: JournalHeader
    ) throws(JournalError) -> Bool {
        let link = try window.readDetached(at: linkStart, count: length)
        var starts: [Int] = []
        if length == Format.checkpointFrame {
            starts = [linkStart]
        } else {
            let field = Int(clamping: link.withUnsafeBytes { $0.u64(12) })
            starts.append(field)
            let from = max(minimum, linkStart - Format.maxContentSize - (1 << 20))
            var end = linkStart
            while end > from {
                let chunkStart = max(from, end - (1 << 20))
                let chunk = try window.readDetached(at: chunkStart, count: min(end + 3, linkStart) - chunkStart)
                var i = chunk.count - 4
                while i >= 0 {
                    if chunk[i] == 0x04 && chunk[i + 1] == 0x22 && chunk[i + 2] == 0x4D && chunk[i + 3] == 0x18,
                        chunkStart + i != field, try self.structuralEnd(of: chunkStart + i, window: window, shape: header.frameShape) == linkStart + length
                    {
                        starts.append(chunkStart + i)
                    }
                    i -= 1
                }
                end = chunkStart
            }
        }
        for unitStart in starts {
            let placed = length == Format.checkpointFrame ? unitStart == linkStart : unitStart < linkStart
            guard unitStart >= minimum, placed, unitStart >= header.frameLength else { continue }
            let unit = try window.readDetached(at: unitStart, count: linkStart + length - 32 - unitStart)
            var previousValues = [head]
            if unitStart - 32 >= header.frameLength {
                previousValues.append(try window.readDetached(at: unitStart - 32, count: 32))
            } else if unitStart == header.frameLength {
                previousValues.append(header.genesis.bytes)
            }
            for previous in previousValues {
                let chain = unit.withUnsafeBytes { chainValue(previous: previous, $0) }
                if chain.elementsEqual(link[(length - 32)...]) { return true }
            }
        }
        return false
    }
}
