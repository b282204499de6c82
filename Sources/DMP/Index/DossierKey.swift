/// A 128-bit key of the index, stored as 16 big-endian bytes, the first 8 in `high`: the order
/// of keys is the order of the bytes as stored.
protocol IndexKey: Hashable, Comparable, Sendable {
    var high: UInt64 { get }
    var low: UInt64 { get }
    init(high: UInt64, low: UInt64)
}

extension IndexKey {
    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// The 16 bytes, big-endian.
    func append(to bytes: inout [UInt8]) {
        bytes.appendBE(self.high)
        bytes.appendBE(self.low)
    }

    /// Reads 16 big-endian bytes.
    static func load(from bytes: UnsafeRawBufferPointer, at offset: Int) -> Self {
        Self(high: bytes.loadBE(at: offset), low: bytes.loadBE(at: offset + 8))
    }
}

/// A dossier id as the index stores it: the 128 bits of its UUID, so that the order of keys is
/// the order of the lowercase UUID strings.
struct DossierKey: IndexKey {
    var high: UInt64
    var low: UInt64

    /// The key of `dossier`: the same 128 bits.
    init(_ dossier: DossierID) {
        self.init(high: dossier.high, low: dossier.low)
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses the 36 bytes of a UUID (`8-4-4-4-12` hexadecimal digits, either case).
    @inline(__always)
    static func parse(_ bytes: UnsafeRawBufferPointer) -> DossierKey? {
        guard bytes.count == 36, let base = bytes.baseAddress else { return nil }
        return self.parse(at: base)
    }

    /// Parses the 36 bytes of a UUID at `pointer`, eight digits at a time; with `lowercaseOnly`,
    /// the letters must be lowercase (as records hold them).
    @inline(__always)
    static func parse(at pointer: UnsafeRawPointer, lowercaseOnly: Bool = false) -> DossierKey? {
        @inline(__always) func word(_ offset: Int) -> UInt64 {
            UInt64(littleEndian: pointer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        /// Four digits, then four `0` digits.
        @inline(__always) func half(_ offset: Int) -> UInt64 {
            UInt64(UInt32(littleEndian: pointer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                | 0x3030_3030_0000_0000
        }
        let a = Hex.decode8(word(0), lowercaseOnly: lowercaseOnly)  // digits 0-7
        let b = Hex.decode8(half(9), lowercaseOnly: lowercaseOnly)  // 9-12
        let c = Hex.decode8(half(14), lowercaseOnly: lowercaseOnly)  // 14-17
        let d = Hex.decode8(half(19), lowercaseOnly: lowercaseOnly)  // 19-22
        let e = Hex.decode8(word(24), lowercaseOnly: lowercaseOnly)  // 24-31
        let f = Hex.decode8(half(32), lowercaseOnly: lowercaseOnly)  // 32-35
        let dashes =
            pointer.load(fromByteOffset: 8, as: UInt8.self) == 0x2D
            && pointer.load(fromByteOffset: 13, as: UInt8.self) == 0x2D
            && pointer.load(fromByteOffset: 18, as: UInt8.self) == 0x2D
            && pointer.load(fromByteOffset: 23, as: UInt8.self) == 0x2D
        guard a.valid && b.valid && c.valid && d.valid && e.valid && f.valid && dashes else { return nil }
        return DossierKey(
            high: UInt64(a.value) << 32 | UInt64(b.value >> 16) << 16 | UInt64(c.value >> 16),
            low: UInt64(d.value >> 16) << 48 | UInt64(e.value) << 16 | UInt64(f.value >> 16))
    }
}

extension DossierID {
    /// The dossier id of `key`: the same 128 bits.
    init(_ key: DossierKey) {
        self.init(high: key.high, low: key.low)
    }
}

/// Hexadecimal digits, eight at a time (SWAR).
enum Hex {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// For bytes below 0x80: the high bit of each byte set where the byte is in `low...high`.
    @inline(__always)
    private static func within(_ word: UInt64, _ low: UInt8, _ high: UInt8) -> UInt64 {
        (word &+ self.ones &* UInt64(0x80 - low)) & ~(word &+ self.ones &* UInt64(0x7F - high)) & self.highs
    }

    /// The value of 8 hexadecimal digits (either case, or lowercase only; the first in the lowest
    /// byte, the most significant), and whether all 8 bytes are digits.
    @inline(__always)
    static func decode8(_ word: UInt64, lowercaseOnly: Bool = false) -> (value: UInt32, valid: Bool) {
        let digits = self.within(word, 0x30, 0x39)
        let letters = self.within(lowercaseOnly ? word : word | 0x2020_2020_2020_2020, 0x61, 0x66)
        let valid = word & self.highs == 0 && digits | letters == self.highs
        // Digits: their low nibble; letters: low nibble + 9 (bit 6 is set for letters only).
        var x = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ ((word >> 6) & self.ones) &* 9
        x = ((x << 4) | (x >> 8)) & 0x00FF_00FF_00FF_00FF
        x = ((x << 8) | (x >> 16)) & 0x0000_FFFF_0000_FFFF
        x = ((x << 16) | (x >> 32)) & 0xFFFF_FFFF
        return (UInt32(truncatingIfNeeded: x), valid)
    }
}

// MARK: - Reading the dossier id of a record

/// Reads the `dossier` member of a journal record without decoding the event.
///
/// The fast path accepts only the canonical envelope that ``EventCodec`` writes:
/// `{"seq":<digits>,"at":"<string>","type":"<string>","v":<digits>,"dossier":"<uuid>"` followed by
/// `,` or `}`, strings without escapes. Read in that order, the member found is the top-level
/// `dossier` and nothing else. Anything else goes to the full decoder, so the key is exact for
/// every record the decoder accepts.
enum RecordDossier {
    /// The record's dossier key, by the fast path or, failing it, the full decoder.
    /// - Throws: ``EventDecodingError`` for a record that is not a valid event.
    static func key(of record: UnsafeRawBufferPointer) throws(EventDecodingError) -> DossierKey {
        if let key = self.fastKey(record) { return key }
        return DossierKey(try EventCodec.decode(record).dossier)
    }

    /// The record's dossier key and, for an identity event, the identifier it gives the dossier
    /// (``EventPayload/givenIdentifier``): by the fast paths for a canonical record, by the full
    /// decoder otherwise.
    ///
    /// The identifier read by the fast path is not checked against the rest of the record: the
    /// index confirms every dossier it names for an identifier with the full decoder
    /// (``DossierIndex/dossiers(identifiedBy:)``).
    /// - Throws: ``EventDecodingError`` for a record that is not a valid event.
    static func keyAndIdentifier(
        of record: UnsafeRawBufferPointer
    ) throws(EventDecodingError) -> (key: DossierKey, identifier: PatientIdentifier?) {
        if let envelope = self.fastEnvelope(record) {
            guard let identity = envelope.identity else { return (envelope.key, nil) }
            switch self.fastIdentifier(record, identity) {
            case .identifier(let identifier): return (envelope.key, identifier)
            case .nothing: return (envelope.key, nil)
            case nil: break
            }
        }
        let event = try EventCodec.decode(record)
        return (DossierKey(event.dossier), event.payload.givenIdentifier)
    }

    /// The key by the fast path, or `nil` if the record is not in the canonical shape.
    @inline(__always)
    static func fastKey(_ record: UnsafeRawBufferPointer) -> DossierKey? {
        self.fastEnvelope(record)?.key
    }

    /// The key by the fast path, and the `type` read on the way when it is that of an identity
    /// event (`OpeningNoticeSent`, `DossierOpened`, `IdentifierChanged`); `nil` if the record is
    /// not in the canonical shape. The type is exact: it is read without escapes, and the decoder
    /// refuses a record that names two.
    @inline(__always)
    static func fastEnvelope(_ record: UnsafeRawBufferPointer) -> (key: DossierKey, identity: EventKind?)? {
        guard let base = record.baseAddress else { return nil }
        var cursor = EnvelopeCursor(base: base, count: record.count)
        guard cursor.literal(#"{"seq":"#), cursor.digits(), cursor.literal(#","at":""#), cursor.stringBody(),
            cursor.literal(#","type":""#)
        else {
            return nil
        }
        let typeStart = cursor.position
        guard cursor.stringBody() else { return nil }
        let typeLength = cursor.position - 1 - typeStart
        guard cursor.literal(#","v":"#), cursor.digits(), cursor.literal(#","dossier":""#),
            let key = cursor.uuidValue()
        else {
            return nil
        }
        return (key, Self.identityType(base + typeStart, length: typeLength))
    }

    /// The identity event whose wire name is the `length` bytes at `type`, if any.
    @inline(__always)
    private static func identityType(_ type: UnsafeRawPointer, length: Int) -> EventKind? {
        func equals(_ name: StaticString) -> Bool {
            length == name.utf8CodeUnitCount && memcmp(type, name.utf8Start, length) == 0
        }
        if equals("OpeningNoticeSent") { return .openingNoticeSent }
        if equals("DossierOpened") { return .dossierOpened }
        if equals("IdentifierChanged") { return .identifierChanged }
        return nil
    }

    /// What the fast path reads of an identity record.
    enum Given: Equatable {
        /// The identifier the record gives.
        case identifier(PatientIdentifier)
        /// The record gives none (a `DossierOpened` after a notice).
        case nothing
    }

    /// The identifier of a canonical identity record of type `kind`, read without decoding the
    /// record: `data` is the first `,"data":{` of the record (a string holds no bare quote), its
    /// first member is `identifier` (after `mode` for `DossierOpened`), a string without escapes
    /// that is the identifier's canonical string form. A `DossierOpened` gives none when the record
    /// holds neither a backslash (so no escaped member name) nor `"identifier"`. `nil` otherwise:
    /// the caller decodes.
    static func fastIdentifier(_ record: UnsafeRawBufferPointer, _ kind: EventKind) -> Given? {
        let member: StaticString = #","data":{"#
        guard let base = record.baseAddress, let data = Self.firstOffset(of: member, in: record) else { return nil }
        var cursor = EnvelopeCursor(base: base, count: record.count)
        cursor.position = data + member.utf8CodeUnitCount
        if kind == .dossierOpened {
            guard cursor.literal(#""mode":""#), cursor.stringBody(), cursor.literal(",") else { return nil }
            if Self.firstOffset(of: #""identifier""#, in: record) == nil, memchr(base, 0x5C, record.count) == nil {
                return .nothing
            }
        }
        guard cursor.literal(#""identifier":""#) else { return nil }
        let start = cursor.position
        guard cursor.stringBody() else { return nil }
        let text = String(decoding: UnsafeRawBufferPointer(start: base + start, count: cursor.position - 1 - start), as: UTF8.self)
        guard let identifier = try? PatientIdentifier(text), identifier.description == text else { return nil }
        return .identifier(identifier)
    }

    /// The offset of the first occurrence of `needle` in `bytes`.
    private static func firstOffset(of needle: StaticString, in bytes: UnsafeRawBufferPointer) -> Int? {
        let count = needle.utf8CodeUnitCount
        guard let base = bytes.baseAddress, bytes.count >= count else { return nil }
        let first = Int32(needle.utf8Start.pointee)
        var offset = 0
        while offset + count <= bytes.count {
            guard let found = memchr(base + offset, first, bytes.count - count - offset + 1) else { return nil }
            let position = UnsafeRawPointer(found) - base
            if memcmp(base + position, needle.utf8Start, count) == 0 { return position }
            offset = position + 1
        }
        return nil
    }
}

/// A position in a record, for ``RecordDossier/fastKey(_:)``.
private struct EnvelopeCursor {
    let base: UnsafeRawPointer
    let count: Int
    var position = 0

    init(base: UnsafeRawPointer, count: Int) {
        self.base = base
        self.count = count
    }

    @inline(__always)
    func byte(_ index: Int) -> UInt8 {
        self.base.load(fromByteOffset: index, as: UInt8.self)
    }

    /// Consumes `text` if it comes next.
    @inline(__always)
    mutating func literal(_ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard self.position &+ length <= self.count, memcmp(self.base + self.position, text.utf8Start, length) == 0
        else {
            return false
        }
        self.position &+= length
        return true
    }

    /// Consumes 1 to 20 decimal digits.
    @inline(__always)
    mutating func digits() -> Bool {
        let start = self.position
        while self.position < self.count, self.byte(self.position) &- 0x30 < 10 {
            self.position &+= 1
        }
        return self.position > start && self.position - start <= 20
    }

    /// Consumes a string body and its closing quote: no escape, no control character. Eight
    /// bytes at a time: the lowest byte flagged as a quote, a backslash or a control character is
    /// always a true one.
    @inline(__always)
    mutating func stringBody() -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        while self.position &+ 8 <= self.count {
            let word = UInt64(littleEndian: self.base.loadUnaligned(fromByteOffset: self.position, as: UInt64.self))
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            let special =
                ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes | (word &- ones &* 0x20) & ~word)
                & 0x8080_8080_8080_8080
            if special == 0 {
                self.position &+= 8
                continue
            }
            self.position &+= special.trailingZeroBitCount &>> 3
            let byte = self.byte(self.position)
            self.position &+= 1
            return byte == 0x22
        }
        while self.position < self.count {
            let byte = self.byte(self.position)
            self.position &+= 1
            if byte == 0x22 { return true }
            if byte == 0x5C || byte < 0x20 { return false }
        }
        return false
    }

    /// A 36-byte UUID, its closing quote, then `,` or `}`.
    @inline(__always)
    func uuidValue() -> DossierKey? {
        guard self.position &+ 38 <= self.count, self.byte(self.position &+ 36) == 0x22 else { return nil }
        let next = self.byte(self.position &+ 37)
        guard next == 0x2C || next == 0x7D else { return nil }
        return DossierKey.parse(at: self.base + self.position)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
