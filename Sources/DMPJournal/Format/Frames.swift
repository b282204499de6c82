import Crypto

/// Constants of the journal format, versions 1 and 2 (see `Schemas/journal-format.md`).
enum Format {
    /// The highest version this library reads.
    static let highestVersion: UInt16 = 2
    static let metadataMagic: UInt32 = 0x184D_2A5D
    static let lz4FrameMagic: UInt32 = 0x184D_2204
    static let skippableMagicMask: UInt32 = 0xFFFF_FFF0
    static let skippableMagicBase: UInt32 = 0x184D_2A50

    static let headerTag: UInt32 = tag("DMJH")
    static let sealTag: UInt32 = tag("DMJS")
    static let checkpointTag: UInt32 = tag("DMJC")

    /// Header payload without the application name: 34 bytes of fields and the 32-byte genesis.
    static let headerFixedPayload = 66
    /// Version 2: the same, plus the 4-byte `dictLength` (the dictionary follows it).
    static let headerFixedPayloadV2 = 70
    static let maxApplicationLength = 256
    /// The largest dictionary a version 2 header may carry (LZ4 looks back 64 KiB at most).
    static let maxDictionaryLength = 64 << 10
    /// The longest header frame of any version: what a reader reads first.
    static let maxHeaderFrame = 8 + headerFixedPayloadV2 + maxApplicationLength + maxDictionaryLength
    static let sealPayload = 64
    static let sealFrame = 72
    static let checkpointPayload = 188
    static let checkpointFrame = 196

    /// The largest decompressed content of one data frame (64 MiB): bounds a reader's memory.
    static let maxContentSize = 64 << 20
    /// FLG of every data frame of version 1: version 01, independent blocks, content size, no
    /// checksums.
    static let dataFrameFLG: UInt8 = 0x68
    /// FLG of every data frame of version 2: the same, plus a dictionary id.
    static let dictionaryFrameFLG: UInt8 = 0x69
    static let maxBlockSize = 4 << 20

    static let genesisPrefix: [UInt8] = Array("dmp-journal/v1".utf8)
    static let checkpointPrefix: [UInt8] = Array("dmp-journal/v1/checkpoint".utf8)

    static func tag(_ text: StaticString) -> UInt32 {
        precondition(text.utf8CodeUnitCount == 4)
        let p = text.utf8Start
        return UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16 | UInt32(p[3]) << 24
    }

    static func blockMaximum(forBD bd: UInt8) -> Int? {
        switch bd {
        case 0x40: 64 << 10
        case 0x50: 256 << 10
        case 0x60: 1 << 20
        case 0x70: 4 << 20
        default: nil
        }
    }
}

/// A 32-byte SHA-256 chain value.
public struct ChainHash: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes of the digest.
    public let bytes: [UInt8]

    init(bytes: [UInt8]) {
        precondition(bytes.count == 32)
        self.bytes = bytes
    }

    init(_ digest: SHA256.Digest) {
        self.bytes = Array(digest)
    }

    init(_ pointer: UnsafeRawBufferPointer) {
        self.bytes = Array(pointer.prefix(32))
    }

    /// The digest in lowercase hexadecimal.
    public var description: String { hex(self.bytes) }
}

func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

// MARK: - Little-endian helpers

extension UnsafeRawBufferPointer {
    @inline(__always)
    func u16(_ offset: Int) -> UInt16 {
        UInt16(littleEndian: self.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
    @inline(__always)
    func u32(_ offset: Int) -> UInt32 {
        UInt32(littleEndian: self.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
    @inline(__always)
    func u64(_ offset: Int) -> UInt64 {
        UInt64(littleEndian: self.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
    @inline(__always)
    func i64(_ offset: Int) -> Int64 {
        Int64(littleEndian: self.loadUnaligned(fromByteOffset: offset, as: Int64.self))
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE(_ value: UInt16) { Swift.withUnsafeBytes(of: value.littleEndian) { self.append(contentsOf: $0) } }
    mutating func appendLE(_ value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { self.append(contentsOf: $0) } }
    mutating func appendLE(_ value: UInt64) { Swift.withUnsafeBytes(of: value.littleEndian) { self.append(contentsOf: $0) } }
    mutating func appendLE(_ value: Int64) { Swift.withUnsafeBytes(of: value.littleEndian) { self.append(contentsOf: $0) } }
}

// MARK: - Header

/// The header of a journal: format version, identity and creation time.
public struct JournalHeader: Sendable, Equatable {
    /// The format version the file was written with.
    public let formatVersion: UInt16
    /// 16 random bytes identifying this journal; checkpoints are bound to it.
    public let journalID: [UInt8]
    /// When the journal was created, in milliseconds since 1970-01-01T00:00:00Z.
    public let createdAt: Int64
    /// The name of the record format, chosen by the application (e.g. `dmp-events/1`).
    public let application: String
    /// The size of the header frame in bytes; the first unit starts here.
    public let frameLength: Int
    /// The genesis value of the chain.
    public let genesis: ChainHash
    /// What every data frame of this journal looks like, with the LZ4 dictionary of version 2.
    let frameShape: FrameShape

    /// The LZ4 dictionary every data frame is compressed with (version 2); empty in version 1.
    public var dictionary: [UInt8] { self.frameShape.dictionary }

    /// The journal id as a UUID string (8-4-4-4-12 lowercase hexadecimal).
    public var journalIDString: String {
        let h = hex(self.journalID)
        let c = Array(h)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-"
            + String(c[16..<20]) + "-" + String(c[20..<32])
    }

    /// The header frame: version 1 without a dictionary, version 2 with one.
    static func encode(journalID: [UInt8], createdAt: Int64, application: String, dictionary: [UInt8] = []) -> [UInt8] {
        let app = Array(application.utf8)
        precondition(journalID.count == 16 && app.count <= Format.maxApplicationLength)
        precondition(dictionary.count <= Format.maxDictionaryLength)
        let v2 = !dictionary.isEmpty
        var frame = [UInt8]()
        frame.appendLE(Format.metadataMagic)
        frame.appendLE(
            UInt32(v2 ? Format.headerFixedPayloadV2 + app.count + dictionary.count : Format.headerFixedPayload + app.count))
        frame.appendLE(Format.headerTag)
        frame.appendLE(UInt16(v2 ? 2 : 1))
        frame.append(1)  // SHA-256
        frame.append(v2 ? 2 : 1)  // LZ4 frame, with the header's dictionary in version 2
        frame.append(contentsOf: journalID)
        frame.appendLE(createdAt)
        frame.appendLE(UInt16(app.count))
        frame.append(contentsOf: app)
        if v2 {
            frame.appendLE(UInt32(dictionary.count))
            frame.append(contentsOf: dictionary)
        }
        let genesis = frame.withUnsafeBytes { chainValue(previous: Format.genesisPrefix, $0) }
        frame.append(contentsOf: genesis)
        return frame
    }

    /// Parses the header from the first bytes of a file. `bytes` may be longer than the header.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String?) throws(JournalError) -> JournalHeader {
        func fail(_ code: JournalError.Code, _ message: String, offset: Int = 0) -> JournalError {
            JournalError(code, message, path: path, offset: offset, sequence: 0)
        }
        guard bytes.count >= 4, bytes.u32(0) == Format.metadataMagic else {
            throw fail(.notAJournal, "the file does not start with a journal header (magic 0x184D2A5D)")
        }
        guard bytes.count >= 14 else {
            throw fail(.malformedHeader, "the file ends inside its header (\(bytes.count) bytes)")
        }
        guard bytes.u32(8) == Format.headerTag else {
            throw fail(.notAJournal, "the first frame is not a journal header (tag DMJH)", offset: 8)
        }
        let version = bytes.u16(12)
        if version > Format.highestVersion {
            throw fail(
                .newerFormatVersion,
                "format version \(version) is newer than the versions this library reads (1 and 2)", offset: 12)
        }
        guard version >= 1 else {
            throw fail(.malformedHeader, "format version 0 is invalid", offset: 12)
        }
        let v2 = version == 2
        let size = Int(bytes.u32(4))
        let sizes =
            v2
            ? (Format.headerFixedPayloadV2 + 1)...(Format.headerFixedPayloadV2 + Format.maxApplicationLength
                + Format.maxDictionaryLength)
            : Format.headerFixedPayload...(Format.headerFixedPayload + Format.maxApplicationLength)
        guard sizes.contains(size) else {
            throw fail(
                .malformedHeader,
                "header frame size \(size) is out of range (\(sizes.lowerBound) to \(sizes.upperBound) in version \(version))",
                offset: 4)
        }
        guard bytes.count >= 8 + size else {
            throw fail(.malformedHeader, "the file ends inside its header (\(bytes.count) of \(8 + size) bytes)")
        }
        let genesis = chainValue(
            previous: Format.genesisPrefix, UnsafeRawBufferPointer(rebasing: bytes[0..<(8 + size - 32)]))
        guard genesis.elementsEqual(bytes[(8 + size - 32)..<(8 + size)]) else {
            throw fail(
                .malformedHeader, "the header's genesis value does not match its bytes (damaged header)",
                offset: 8 + size - 32)
        }
        guard bytes[14] == 1 else {
            throw fail(.unsupportedAlgorithm, "hash algorithm \(bytes[14]) is not supported (1 = SHA-256)", offset: 14)
        }
        guard bytes[15] == (v2 ? 2 : 1) else {
            throw fail(
                .unsupportedAlgorithm,
                v2
                    ? "compression \(bytes[15]) is not supported in version 2 (2 = LZ4 frame with the header's dictionary)"
                    : "compression \(bytes[15]) is not supported (1 = LZ4 frame)", offset: 15)
        }
        let journalID = Array(bytes[16..<32])
        let createdAt = bytes.i64(32)
        let appLength = Int(bytes.u16(40))
        var dictionary: [UInt8] = []
        if v2 {
            guard appLength <= Format.maxApplicationLength, 42 + appLength + 4 <= 8 + size - 32 else {
                throw fail(.malformedHeader, "application length \(appLength) does not fit the frame size", offset: 40)
            }
            let dictionaryLength = Int(bytes.u32(42 + appLength))
            guard (1...Format.maxDictionaryLength).contains(dictionaryLength) else {
                throw fail(
                    .malformedHeader, "dictionary length \(dictionaryLength) is outside 1...\(Format.maxDictionaryLength)",
                    offset: 42 + appLength)
            }
            guard Format.headerFixedPayloadV2 + appLength + dictionaryLength == size else {
                throw fail(
                    .malformedHeader,
                    "application length \(appLength) and dictionary length \(dictionaryLength) do not match the frame size",
                    offset: 40)
            }
            dictionary = Array(bytes[(46 + appLength)..<(46 + appLength + dictionaryLength)])
        } else {
            guard appLength <= Format.maxApplicationLength, Format.headerFixedPayload + appLength == size else {
                throw fail(.malformedHeader, "application length \(appLength) does not match the frame size", offset: 40)
            }
        }
        let appBytes = UnsafeRawBufferPointer(rebasing: bytes[42..<(42 + appLength)])
        guard let application = String(validating: appBytes, as: UTF8.self) else {
            throw fail(.malformedHeader, "the application name is not valid UTF-8", offset: 42)
        }
        return JournalHeader(
            formatVersion: version, journalID: journalID, createdAt: createdAt, application: application,
            frameLength: 8 + size, genesis: ChainHash(bytes: genesis), frameShape: FrameShape(dictionary: dictionary))
    }
}

// MARK: - Link frames

/// A seal: closes a unit holding one data frame.
struct Seal: Equatable {
    var unitStart: UInt64
    var firstSequence: UInt64
    var count: UInt32
    var committedAt: Int64
    var chain: [UInt8]

    var lastSequence: UInt64 { self.firstSequence &+ UInt64(self.count) &- 1 }

    /// The 40 bytes before the chain value.
    func encodePrefix() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Format.sealFrame)
        out.appendLE(Format.metadataMagic)
        out.appendLE(UInt32(Format.sealPayload))
        out.appendLE(Format.sealTag)
        out.appendLE(self.unitStart)
        out.appendLE(self.firstSequence)
        out.appendLE(self.count)
        out.appendLE(self.committedAt)
        return out
    }

    static func parse(_ b: UnsafeRawBufferPointer) -> Seal {
        Seal(
            unitStart: b.u64(12), firstSequence: b.u64(20), count: b.u32(28), committedAt: b.i64(32),
            chain: Array(b[40..<72]))
    }

    static func looksLikeSeal(_ b: UnsafeRawBufferPointer) -> Bool {
        b.count >= 12 && b.u32(0) == Format.metadataMagic && b.u32(4) == UInt32(Format.sealPayload)
            && b.u32(8) == Format.sealTag
    }
}

/// A checkpoint: a signed statement about the chain value before it.
struct Checkpoint: Equatable {
    var unitStart: UInt64
    var sequence: UInt64
    var attested: [UInt8]
    var signedAt: Int64
    var keyID: [UInt8]
    var signature: [UInt8]
    var chain: [UInt8]

    /// The 164 bytes before the chain value.
    func encodePrefix() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Format.checkpointFrame)
        out.appendLE(Format.metadataMagic)
        out.appendLE(UInt32(Format.checkpointPayload))
        out.appendLE(Format.checkpointTag)
        out.appendLE(self.unitStart)
        out.appendLE(self.sequence)
        out.append(contentsOf: self.attested)
        out.appendLE(self.signedAt)
        out.append(contentsOf: self.keyID)
        out.append(contentsOf: self.signature)
        return out
    }

    static func signedMessage(
        journalID: [UInt8], sequence: UInt64, attested: [UInt8], signedAt: Int64, keyID: [UInt8]
    ) -> [UInt8] {
        var out = Format.checkpointPrefix
        out.append(contentsOf: journalID)
        out.appendLE(sequence)
        out.append(contentsOf: attested)
        out.appendLE(signedAt)
        out.append(contentsOf: keyID)
        return out
    }

    static func parse(_ b: UnsafeRawBufferPointer) -> Checkpoint {
        Checkpoint(
            unitStart: b.u64(12), sequence: b.u64(20), attested: Array(b[28..<60]), signedAt: b.i64(60),
            keyID: Array(b[68..<100]), signature: Array(b[100..<164]), chain: Array(b[164..<196]))
    }

    static func looksLikeCheckpoint(_ b: UnsafeRawBufferPointer) -> Bool {
        b.count >= 12 && b.u32(0) == Format.metadataMagic && b.u32(4) == UInt32(Format.checkpointPayload)
            && b.u32(8) == Format.checkpointTag
    }
}

/// Computes a link's chain value: `SHA256(previous || unit bytes before the chain field)`.
/// (For the header, `previous` is the ASCII prefix `dmp-journal/v1`.)
func chainValue(previous: [UInt8], _ parts: UnsafeRawBufferPointer...) -> [UInt8] {
    var hasher = SHA256()
    previous.withUnsafeBytes { hasher.update(bufferPointer: $0) }
    for part in parts { hasher.update(bufferPointer: part) }
    return Array(hasher.finalize())
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` with a typed error.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(JournalError) -> R) throws(JournalError) -> R {
        var result: Result<R, JournalError>?
        self.withUnsafeBytes { pointer in
            result = Result { () throws(JournalError) -> R in try body(pointer) }
        }
        return try result!.get()
    }
}
