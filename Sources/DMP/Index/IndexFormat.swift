import Crypto

/// The layout of a dossier index file, version 2 (`Schemas/index-format.md`).
///
/// ```
/// header       192 bytes: magic, version, the journal it was built from and how far it covers,
///              counts, SHA-256 of the header
/// table        one 32-byte entry per dossier, sorted by key:
///              key (16) | postings start (u64) | postings length (u32) | entry check (u32)
/// postings     per dossier: block check (u32) | LEB128 varints: the first unit offset, then the
///              differences to the next (each > 0)
/// identifiers  one 32-byte entry per (identifier, dossier that held it), sorted by
///              (key, unit, dossier): key (16) | unit (u64) | dossier position (u32) | check (u32)
/// ```
enum IndexFormat {
    /// `DMJIDX\r\n`: the CR LF catches a file mangled by a text conversion.
    static let magic: [UInt8] = [0x44, 0x4D, 0x4A, 0x49, 0x44, 0x58, 0x0D, 0x0A]
    /// The version this library writes and reads. Version 1 had no identifier table; it is
    /// rebuilt like any index of another version.
    static let version: UInt32 = 2
    static let headerSize = 192
    static let entrySize = 32
    static let identifierEntrySize = 32
    /// Where the header's SHA-256 starts (it covers the bytes before it).
    static let headerDigestOffset = 160

    // Header field offsets.
    static let journalIDOffset = 16
    static let genesisOffset = 32
    static let coveredEndOffset = 64
    static let lastSequenceOffset = 72
    static let headOffset = 80
    static let unitsOffset = 112
    static let dossiersOffset = 120
    static let postingsSizeOffset = 128
    static let eventsOffset = 136
    static let identifierEntriesOffset = 144
    static let identifiersOffset = 152

    /// The check of a table entry: its first 28 bytes.
    static func entryCheck(_ entry: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(truncatingIfNeeded: IndexHash.hash(UnsafeRawBufferPointer(rebasing: entry[0..<28]), seed: 0x454E_5452))
    }

    /// The check of an identifier entry: its first 28 bytes.
    static func identifierEntryCheck(_ entry: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(truncatingIfNeeded: IndexHash.hash(UnsafeRawBufferPointer(rebasing: entry[0..<28]), seed: 0x4944_454E))
    }

    /// The check of a postings block: the dossier key, then the varints.
    static func blockCheck(key: DossierKey, varints: UnsafeRawBufferPointer) -> UInt32 {
        var seed = IndexHash.mix(0x504F_5354, key.high)
        seed = IndexHash.mix(seed, key.low)
        return UInt32(truncatingIfNeeded: IndexHash.hash(varints, seed: seed))
    }
}

/// The header of an index file.
struct IndexHeader: Equatable {
    var journalID: [UInt8]
    var genesis: [UInt8]
    var coveredEnd: Int
    var lastSequence: UInt64
    var head: [UInt8]
    var units: Int
    var dossiers: Int
    var postingsSize: Int
    var events: UInt64
    /// Entries of the identifier table: (identifier, dossier) pairs.
    var identifierEntries: Int
    /// Distinct identifiers (keys) in the identifier table.
    var identifiers: Int

    var tableOffset: Int { IndexFormat.headerSize }
    var postingsOffset: Int { IndexFormat.headerSize + self.dossiers * IndexFormat.entrySize }
    var identifiersOffset: Int { self.postingsOffset + self.postingsSize }
    var fileSize: Int { self.identifiersOffset + self.identifierEntries * IndexFormat.identifierEntrySize }

    func encode() -> [UInt8] {
        var bytes = IndexFormat.magic
        bytes.appendLE(IndexFormat.version)
        bytes.appendLE(UInt32(IndexFormat.headerSize))
        bytes.append(contentsOf: self.journalID)
        bytes.append(contentsOf: self.genesis)
        bytes.appendLE(UInt64(self.coveredEnd))
        bytes.appendLE(self.lastSequence)
        bytes.append(contentsOf: self.head)
        bytes.appendLE(UInt64(self.units))
        bytes.appendLE(UInt64(self.dossiers))
        bytes.appendLE(UInt64(self.postingsSize))
        bytes.appendLE(self.events)
        bytes.appendLE(UInt64(self.identifierEntries))
        bytes.appendLE(UInt64(self.identifiers))
        precondition(bytes.count == IndexFormat.headerDigestOffset)
        bytes.append(contentsOf: SHA256.hash(data: bytes))
        return bytes
    }

    /// Parses and checks a header: magic, version (first, so that a later version may change
    /// everything after it), size, digest, and the sizes of the areas against the file's size.
    static func decode(_ bytes: UnsafeRawBufferPointer, fileSize: Int) throws(DossierIndexError) -> IndexHeader {
        guard bytes.count >= 12, bytes.prefix(8).elementsEqual(IndexFormat.magic) else {
            throw DossierIndexError(.corrupt, "not a dossier index (no DMJIDX magic)")
        }
        let version: UInt32 = bytes.loadLE(at: 8)
        guard version == IndexFormat.version else {
            throw DossierIndexError(
                .unsupportedVersion,
                "index format version \(version); this library reads version \(IndexFormat.version)")
        }
        guard bytes.count >= IndexFormat.headerSize, bytes.loadLE(at: 12) as UInt32 == UInt32(IndexFormat.headerSize)
        else {
            throw DossierIndexError(.corrupt, "the header is cut or has the wrong size")
        }
        let digest = SHA256.hash(data: UnsafeRawBufferPointer(rebasing: bytes[0..<IndexFormat.headerDigestOffset]))
        guard digest.elementsEqual(bytes[IndexFormat.headerDigestOffset..<IndexFormat.headerSize]) else {
            throw DossierIndexError(.corrupt, "the header does not match its SHA-256")
        }
        func int(_ offset: Int) throws(DossierIndexError) -> Int {
            let value: UInt64 = bytes.loadLE(at: offset)
            guard value <= UInt64(Int32.max) * 1024 else {
                throw DossierIndexError(.corrupt, "a header field is out of range")
            }
            return Int(value)
        }
        let header = IndexHeader(
            journalID: Array(bytes[IndexFormat.journalIDOffset..<(IndexFormat.journalIDOffset + 16)]),
            genesis: Array(bytes[IndexFormat.genesisOffset..<(IndexFormat.genesisOffset + 32)]),
            coveredEnd: try int(IndexFormat.coveredEndOffset),
            lastSequence: bytes.loadLE(at: IndexFormat.lastSequenceOffset),
            head: Array(bytes[IndexFormat.headOffset..<(IndexFormat.headOffset + 32)]),
            units: try int(IndexFormat.unitsOffset),
            dossiers: try int(IndexFormat.dossiersOffset),
            postingsSize: try int(IndexFormat.postingsSizeOffset),
            events: bytes.loadLE(at: IndexFormat.eventsOffset),
            identifierEntries: try int(IndexFormat.identifierEntriesOffset),
            identifiers: try int(IndexFormat.identifiersOffset))
        guard header.identifiers <= header.identifierEntries else {
            throw DossierIndexError(.corrupt, "the header's identifier counts are inconsistent")
        }
        guard header.fileSize == fileSize else {
            throw DossierIndexError(
                .corrupt, "the file has \(fileSize) bytes, its header describes \(header.fileSize) (cut or padded)")
        }
        return header
    }
}

/// A small non-cryptographic hash for the index's checks, 8 bytes at a time. It detects
/// accidental damage (each step is a bijection of the state, so one changed word always changes
/// the 64-bit result); the index is derived data and is never trusted against forgery.
enum IndexHash {
    @inline(__always)
    static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        var x = (state ^ word) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 32
        return x
    }

    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var state = self.mix(seed, UInt64(bytes.count))
        var offset = 0
        while offset + 8 <= bytes.count {
            state = self.mix(state, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < bytes.count {
            var word: UInt64 = 0
            for index in offset..<bytes.count {
                word |= UInt64(bytes[index]) << (8 * UInt64(index - offset))
            }
            state = self.mix(state, word)
        }
        // Final avalanche (MurmurHash3's fmix64), so that the low 32 bits depend on every bit.
        state ^= state >> 33
        state &*= 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 33
        state &*= 0xC4CE_B9FE_1A85_EC53
        state ^= state >> 33
        return state
    }
}

// MARK: - Varints (unsigned LEB128)

enum Varint {
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Reads one varint at `offset`, advancing it; `nil` if cut, overlong or over 63 bits.
    static func read(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            guard shift < 63 else { return nil }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                // One canonical encoding: no trailing zero groups.
                return (byte == 0 && shift > 0) ? nil : value
            }
            shift += 7
        }
        return nil
    }
}

// MARK: - Byte helpers

extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { self.append(contentsOf: $0) }
    }

    mutating func appendBE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { self.append(contentsOf: $0) }
    }
}

extension UnsafeRawBufferPointer {
    func loadLE<T: FixedWidthInteger>(at offset: Int) -> T {
        T(littleEndian: self.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    func loadBE<T: FixedWidthInteger>(at offset: Int) -> T {
        T(bigEndian: self.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
