/// Strict UTF-8 validation over raw bytes, as RFC 3629 defines it.
///
/// Refuses overlong forms, UTF-16 surrogates (U+D800 to U+DFFF), code points above U+10FFFF,
/// stray continuation bytes and truncated sequences. Runs of ASCII are checked eight bytes at a time.
enum UTF8Validation {
    /// The high bit of every byte of a 64-bit word.
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Finds the first byte sequence that is not valid UTF-8.
    ///
    /// - Parameters:
    ///   - bytes: The buffer to look into.
    ///   - start: The offset of the first byte to check.
    ///   - end: The offset just past the last byte to check; at most `bytes.count`.
    /// - Returns: The offset of the first byte of the first invalid sequence, or `nil` if
    ///   `bytes[start..<end]` is valid UTF-8.
    static func firstInvalidByte(in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            if index &+ 8 <= end {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & Self.highBits == 0 {
                    index &+= 8
                    continue
                }
            }
            if bytes[index] < 0x80 {
                index &+= 1
                continue
            }
            let length = Self.sequenceLength(in: bytes, at: index, end: end)
            if length == 0 {
                return index
            }
            index &+= length
        }
        return nil
    }

    /// The length of the multi-byte sequence that starts at `index`, if it is valid.
    ///
    /// - Parameters:
    ///   - bytes: The buffer to look into.
    ///   - index: The offset of a lead byte (0x80 or above); must be below `end`.
    ///   - end: The offset past which the sequence may not extend.
    /// - Returns: 2, 3 or 4 for a valid sequence, 0 for an invalid or truncated one.
    static func sequenceLength(in bytes: UnsafeRawBufferPointer, at index: Int, end: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF:
            length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF:
            length = 3
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF1...0xF3:
            length = 4
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        default:
            return 0
        }
        guard index &+ length <= end, secondRange.contains(bytes[index &+ 1]) else {
            return 0
        }
        var next = index &+ 2
        while next < index &+ length {
            guard bytes[next] & 0xC0 == 0x80 else {
                return 0
            }
            next &+= 1
        }
        return length
    }
}
