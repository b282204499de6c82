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
    /// Whether to check the LZ4 descriptor and block checksums (the chain covers the same bytes;
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
        let first = try window.available(at: 0, limit: 8 + Format.headerFixedPayload + Format.maxApplicationLength)
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
                layout = try DataFrame.walk(frame, checksums: false)
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
                try DataFrame.decompress(
                    UnsafeRawBufferPointer(rebasing: unit[0..<frameLength]), layout: layout,
                    into: UnsafeMutableRawBufferPointer(rebasing: self.content[0..<layout.contentSize]),
                    checksums: self.checksums)
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
    /// The start of the final unit, found from the end of the file.
    static func finalUnitStart(window: FileWindow, header: JournalHeader) throws(JournalError) -> Int {
        let fileSize = window.fileSize
        let headerEnd = header.frameLength
        if fileSize <= headerEnd { return headerEnd }
        // 1. The file ends with a well-formed link frame whose unitStart is plausible.
        if fileSize - headerEnd >= Format.sealFrame {
            let bytes = try window.readDetached(at: fileSize - Format.sealFrame, count: Format.sealFrame)
            let found: Int? = bytes.withUnsafeBytes { b in
                guard Seal.looksLikeSeal(b) else { return nil }
                let seal = Seal.parse(b)
                guard seal.firstSequence >= 1 else { return nil }
                return plausible(
                    unitStart: seal.unitStart, previousLast: seal.firstSequence - 1, window: window,
                    headerEnd: headerEnd, linkStart: fileSize - Format.sealFrame)
            }
            if let found { return found }
        }
        if fileSize - headerEnd >= Format.checkpointFrame {
            let bytes = try window.readDetached(at: fileSize - Format.checkpointFrame, count: Format.checkpointFrame)
            let found: Int? = bytes.withUnsafeBytes { b in
                guard Checkpoint.looksLikeCheckpoint(b) else { return nil }
                let checkpoint = Checkpoint.parse(b)
                return plausible(
                    unitStart: checkpoint.unitStart, previousLast: checkpoint.sequence, window: window,
                    headerEnd: headerEnd, linkStart: fileSize - Format.checkpointFrame)
            }
            if let found { return found }
        }
        // 2. Search backwards for the last well-formed link frame ending before the end of the file.
        var end = fileSize
        let step = 1 << 20
        while end > headerEnd {
            let from = max(headerEnd, end - step)
            // Read enough to hold any frame that starts in [from, end).
            let bytes = try window.readDetached(at: from, count: min(fileSize, end + Format.checkpointFrame) - from)
            let hit: Int? = bytes.withUnsafeBytes { b in
                var i = end - from - 1
                while i >= 0 {
                    if b[i] == 0x5D, i + 12 <= b.count {
                        let rest = UnsafeRawBufferPointer(rebasing: b[i...])
                        let absolute = from + i
                        if Seal.looksLikeSeal(rest), absolute + Format.sealFrame < fileSize {
                            return absolute + Format.sealFrame
                        }
                        if Checkpoint.looksLikeCheckpoint(rest), absolute + Format.checkpointFrame < fileSize {
                            return absolute + Format.checkpointFrame
                        }
                    }
                    i -= 1
                }
                return nil
            }
            if let hit { return hit }
            end = from
        }
        return headerEnd
    }

    private static func plausible(
        unitStart: UInt64, previousLast: UInt64, window: FileWindow, headerEnd: Int, linkStart: Int
    ) -> Int? {
        guard unitStart <= UInt64(linkStart), unitStart >= UInt64(headerEnd) else { return nil }
        let u = Int(unitStart)
        if u == headerEnd { return previousLast == 0 ? u : nil }
        if u - headerEnd >= Format.sealFrame,
            let bytes = try? window.readDetached(at: u - Format.sealFrame, count: Format.sealFrame)
        {
            let ok = bytes.withUnsafeBytes { b in
                Seal.looksLikeSeal(b) && Seal.parse(b).count >= 1 && Seal.parse(b).lastSequence == previousLast
            }
            if ok { return u }
        }
        if u - headerEnd >= Format.checkpointFrame,
            let bytes = try? window.readDetached(at: u - Format.checkpointFrame, count: Format.checkpointFrame)
        {
            let ok = bytes.withUnsafeBytes { b in
                Checkpoint.looksLikeCheckpoint(b) && Checkpoint.parse(b).sequence == previousLast
            }
            if ok { return u }
        }
        return nil
    }
}
