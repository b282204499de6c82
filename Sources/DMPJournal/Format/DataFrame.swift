internal import CLZ4
import Crypto

/// What every data frame of a journal looks like: version 1 frames have no dictionary; version 2
/// frames name the header's dictionary and decode with it (sections 3 and 3.1 of the format).
struct FrameShape: Sendable, Equatable {
    /// The dictionary (empty: none).
    let dictionary: [UInt8]
    /// The dictionary id written in every frame: the first 4 bytes of its SHA-256, little-endian.
    let dictionaryID: UInt32?

    init(dictionary: [UInt8]) {
        self.dictionary = dictionary
        if dictionary.isEmpty {
            self.dictionaryID = nil
        } else {
            let digest = Array(SHA256.hash(data: dictionary))
            self.dictionaryID = UInt32(digest[0]) | UInt32(digest[1]) << 8 | UInt32(digest[2]) << 16 | UInt32(digest[3]) << 24
        }
    }

    /// No dictionary (version 1).
    static let plain = FrameShape(dictionary: [])

    var flg: UInt8 { self.dictionaryID == nil ? Format.dataFrameFLG : Format.dictionaryFrameFLG }
    /// Magic, FLG, BD, content size, the dictionary id if any, HC.
    var descriptorEnd: Int { self.dictionaryID == nil ? 15 : 19 }
}

/// Compresses batches of records into canonical data frames (section 3 of the format).
///
/// Owns an `LZ4F_cctx` and, with a dictionary, an `LZ4F_CDict` (the dictionary digested once),
/// both freed in `deinit`. Not thread-safe: one per writer, used on the commit queue only.
final class FrameCompressor {
    private let preferences: LZ4F_preferences_t
    private let context: OpaquePointer?
    private let digested: OpaquePointer?

    init(shape: FrameShape = .plain) {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.blockSizeID = LZ4F_max4MB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        preferences.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum
        preferences.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum
        preferences.frameInfo.frameType = LZ4F_frame
        preferences.frameInfo.contentSize = 1  // replaced by the real size (non-zero means "present")
        preferences.compressionLevel = 0
        preferences.autoFlush = 1
        if let id = shape.dictionaryID {
            preferences.frameInfo.dictID = id
            var context: OpaquePointer?
            let created = LZ4F_createCompressionContext(&context, UInt32(LZ4F_VERSION))
            precondition(LZ4F_isError(created) == 0 && context != nil, "LZ4F_createCompressionContext failed")
            self.context = context
            self.digested = shape.dictionary.withUnsafeBytes { LZ4F_createCDict($0.baseAddress, $0.count) }
            precondition(self.digested != nil, "LZ4F_createCDict failed")
        } else {
            self.context = nil
            self.digested = nil
        }
        self.preferences = preferences
    }

    deinit {
        if let context = self.context { LZ4F_freeCompressionContext(context) }
        if let digested = self.digested { LZ4F_freeCDict(digested) }
    }

    /// Compresses `content` into one LZ4 frame appended to `output`.
    func compress(_ content: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws(JournalError) {
        var preferences = self.preferences
        preferences.frameInfo.contentSize = UInt64(content.count)
        let bound = LZ4F_compressFrameBound(content.count, &preferences)
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        let written = output.withUnsafeMutableBytes { out -> Int in
            if let context = self.context, let digested = self.digested {
                LZ4F_compressFrame_usingCDict(
                    context, out.baseAddress! + start, bound, content.baseAddress, content.count, digested, &preferences)
            } else {
                LZ4F_compressFrame(out.baseAddress! + start, bound, content.baseAddress, content.count, &preferences)
            }
        }
        guard LZ4F_isError(written) == 0 else {
            let name = String(cString: LZ4F_getErrorName(written))
            output.removeLast(bound)
            throw JournalError(.io, "LZ4 compression failed: \(name)")
        }
        output.removeLast(bound - written)
    }
}

/// The layout of one data frame, found by walking its blocks without decompressing them.
struct DataFrameLayout {
    /// Total length of the frame in bytes, magic to end mark.
    var length: Int
    var contentSize: Int
    var blockMaximum: Int
    /// Where the first block header is (the descriptor's length, magic included).
    var blocksStart: Int
}

enum DataFrame {
    /// Walks the data frame starting at `frame[0]`. Returns `nil` when `frame` ends before the
    /// frame does (the caller decides whether more bytes exist). Checks the descriptor against
    /// the journal's frame shape and, when `checksums` is set, the descriptor checksum.
    static func walk(
        _ frame: UnsafeRawBufferPointer, shape: FrameShape, checksums: Bool
    ) throws(FrameProblem) -> DataFrameLayout? {
        // Each descriptor field is checked as soon as its bytes are present.
        guard frame.count >= 4 else { return nil }
        guard frame.u32(0) == Format.lz4FrameMagic else {
            throw FrameProblem(.malformedFrame, 0, "expected an LZ4 frame (magic 0x184D2204)")
        }
        guard frame.count >= 5 else { return nil }
        guard frame[4] == shape.flg else {
            throw FrameProblem(
                .malformedFrame, 4,
                shape.dictionaryID == nil
                    ? "LZ4 frame flags are 0x\(hex([frame[4]])), expected 0x68 (independent blocks, content size, no checksums)"
                    : "LZ4 frame flags are 0x\(hex([frame[4]])), expected 0x69 (independent blocks, content size, no checksums, the journal's dictionary)")
        }
        guard frame.count >= 6 else { return nil }
        guard let blockMaximum = Format.blockMaximum(forBD: frame[5]) else {
            throw FrameProblem(.malformedFrame, 5, "LZ4 block-size byte 0x\(hex([frame[5]])) is not allowed")
        }
        guard frame.count >= 15 else { return nil }
        let contentSize = frame.u64(6)
        guard contentSize >= 1, contentSize <= UInt64(Format.maxContentSize) else {
            throw FrameProblem(.malformedFrame, 6, "content size \(contentSize) is outside 1...\(Format.maxContentSize)")
        }
        if let id = shape.dictionaryID {
            guard frame.count >= 19 else { return nil }
            guard frame.u32(14) == id else {
                throw FrameProblem(
                    .malformedFrame, 14,
                    "LZ4 dictionary id 0x\(String(frame.u32(14), radix: 16)) is not the journal's (0x\(String(id, radix: 16)))")
            }
        }
        if checksums { try self.checkDescriptor(frame, shape: shape) }
        var offset = shape.descriptorEnd
        while true {
            guard offset + 4 <= frame.count else { return nil }
            let word = frame.u32(offset)
            if word == 0 {
                offset += 4
                break
            }
            let size = Int(word & 0x7FFF_FFFF)
            guard size >= 1, size <= blockMaximum else {
                throw FrameProblem(.malformedFrame, offset, "LZ4 block size \(size) exceeds the frame's block maximum")
            }
            offset += 4 + size
            guard offset <= frame.count else { return nil }
        }
        return DataFrameLayout(
            length: offset, contentSize: Int(contentSize), blockMaximum: blockMaximum, blocksStart: shape.descriptorEnd)
    }

    /// Checks the frame descriptor's checksum byte (HC), the descriptor's last.
    static func checkDescriptor(_ frame: UnsafeRawBufferPointer, shape: FrameShape) throws(FrameProblem) {
        let end = shape.descriptorEnd - 1
        let hc = UInt8((XXH32.hash(UnsafeRawBufferPointer(rebasing: frame[4..<end])) >> 8) & 0xFF)
        guard hc == frame[end] else {
            throw FrameProblem(.checksumMismatch, end, "LZ4 frame descriptor checksum does not match")
        }
    }

    /// Decompresses a walked frame into `output` (which must hold `layout.contentSize` bytes).
    /// Each block decompresses into at most the block maximum size, with the shape's dictionary
    /// (if any) as its prefix.
    static func decompress(
        _ frame: UnsafeRawBufferPointer, layout: DataFrameLayout, shape: FrameShape,
        into output: UnsafeMutableRawBufferPointer
    ) throws(FrameProblem) {
        var offset = layout.blocksStart
        var produced = 0
        while true {
            let word = frame.u32(offset)
            if word == 0 { break }
            let size = Int(word & 0x7FFF_FFFF)
            let data = UnsafeRawBufferPointer(rebasing: frame[(offset + 4)..<(offset + 4 + size)])
            let room = min(layout.blockMaximum, layout.contentSize - produced)
            if word & 0x8000_0000 != 0 {
                guard size <= room else {
                    throw FrameProblem(.decompressionFailed, offset, "stored block is larger than the content size")
                }
                (output.baseAddress! + produced).copyMemory(from: data.baseAddress!, byteCount: size)
                produced += size
            } else {
                let result = data.baseAddress!.withMemoryRebound(to: CChar.self, capacity: size) { src in
                    (output.baseAddress! + produced).withMemoryRebound(to: CChar.self, capacity: room) { dst in
                        if shape.dictionary.isEmpty {
                            LZ4_decompress_safe(src, dst, Int32(size), Int32(room))
                        } else {
                            shape.dictionary.withUnsafeBytes { dictionary in
                                LZ4_decompress_safe_usingDict(
                                    src, dst, Int32(size), Int32(room),
                                    dictionary.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(dictionary.count))
                            }
                        }
                    }
                }
                guard result >= 0 else {
                    throw FrameProblem(.decompressionFailed, offset, "LZ4 block does not decompress")
                }
                produced += Int(result)
            }
            offset += 4 + size
        }
        guard produced == layout.contentSize else {
            throw FrameProblem(
                .decompressionFailed, 6,
                "content decompresses to \(produced) bytes, the frame declares \(layout.contentSize)")
        }
    }
}

/// A problem found in a frame, with its offset relative to the frame's start.
struct FrameProblem: Error {
    var code: JournalError.Code
    var offset: Int
    var message: String

    init(_ code: JournalError.Code, _ offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }
}
