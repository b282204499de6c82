/// The decoding of backslash escapes in JSON strings (RFC 8259, section 7).
enum JSONEscapes {
    /// Flags, with the high bit of each byte, the bytes of a little-endian word that a JSON string
    /// cannot hold raw: `"`, `\` and control characters below 0x20.
    ///
    /// Bytes above the first flagged one may be flagged wrongly (borrows propagate upwards); the lowest
    /// flag is always right, so `trailingZeroBitCount / 8` is the offset of the first such byte.
    ///
    /// - Parameter word: Eight bytes, the first in the low-order byte.
    /// - Returns: The flags, zero when all eight bytes may stand raw in a string.
    @inline(__always)
    static func specialBytes(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        return ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes | (word &- ones &* 0x20) & ~word)
            & UTF8Validation.highBits
    }

    /// The value of four hexadecimal digits at `index`, which must be at most `bytes.count - 4`.
    static func hexValue(in bytes: UnsafeRawBufferPointer, at index: Int) -> UInt32? {
        var value: UInt32 = 0
        for position in index..<(index &+ 4) {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte &- 0x30
            case 0x41...0x46: digit = byte &- 0x41 &+ 10
            case 0x61...0x66: digit = byte &- 0x61 &+ 10
            default: return nil
            }
            value = value &<< 4 | UInt32(digit)
        }
        return value
    }

    /// Decodes a string body that holds escapes into a `String`, in one allocation at most.
    ///
    /// - Parameters:
    ///   - bytes: The document.
    ///   - start: The offset of the body's first byte.
    ///   - end: The offset of the closing quote.
    /// - Returns: The decoded string.
    /// - Throws: ``JSONError`` on invalid UTF-8, an invalid escape or a lone surrogate.
    static func decode(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) throws(JSONError) -> String {
        // Every escape is at least as long as the UTF-8 it stands for, so the body's length bounds
        // the decoded length.
        var failure: JSONError?
        let string = String(unsafeUninitializedCapacity: end &- start) { buffer in
            guard let base = buffer.baseAddress else {
                return 0
            }
            do throws(JSONError) {
                return try Self.unescape(bytes, from: start, to: end, into: base)
            } catch {
                failure = error
                return 0
            }
        }
        if let failure {
            throw failure
        }
        return string
    }

    /// Decodes, or only checks, a string body that holds escapes: UTF-8 of the raw parts, escape
    /// forms, and the pairing of UTF-16 surrogates.
    ///
    /// - Parameters:
    ///   - bytes: The document.
    ///   - start: The offset of the body's first byte.
    ///   - end: The offset of the closing quote.
    ///   - output: Where to write the decoded UTF-8 (room for `end - start` bytes), or `nil` to check
    ///     only.
    /// - Returns: The number of decoded bytes.
    /// - Throws: ``JSONError`` on invalid UTF-8, an invalid escape or a lone surrogate.
    static func unescape(
        _ bytes: UnsafeRawBufferPointer,
        from start: Int,
        to end: Int,
        into output: UnsafeMutablePointer<UInt8>?
    ) throws(JSONError) -> Int {
        var index = start
        var written = 0
        while index < end {
            let byte = bytes[index]
            if byte != 0x5C {
                var length = 1
                if byte >= 0x80 {
                    length = UTF8Validation.sequenceLength(in: bytes, at: index, end: end)
                    guard length > 0 else {
                        throw JSONError(.invalidUTF8, at: index, "invalid UTF-8 in string")
                    }
                }
                if let output {
                    for position in 0..<length {
                        output[written &+ position] = bytes[index &+ position]
                    }
                }
                written &+= length
                index &+= length
                continue
            }
            // The scan checked that the escape is complete and well formed.
            let kind = bytes[index &+ 1]
            if kind != 0x75 {
                let decoded: UInt8
                switch kind {
                case 0x62: decoded = 0x08
                case 0x66: decoded = 0x0C
                case 0x6E: decoded = 0x0A
                case 0x72: decoded = 0x0D
                case 0x74: decoded = 0x09
                default: decoded = kind
                }
                output?[written] = decoded
                written &+= 1
                index &+= 2
                continue
            }
            guard var scalar = Self.hexValue(in: bytes, at: index &+ 2) else {
                throw JSONError(.invalidEscape, at: index, "expected four hexadecimal digits after \\u")
            }
            var length = 6
            if (0xDC00...0xDFFF).contains(scalar) {
                throw JSONError(.invalidEscape, at: index, "lone low surrogate in \\u escape")
            }
            if (0xD800...0xDBFF).contains(scalar) {
                guard index &+ 12 <= end, bytes[index &+ 6] == 0x5C, bytes[index &+ 7] == 0x75,
                    let low = Self.hexValue(in: bytes, at: index &+ 8), (0xDC00...0xDFFF).contains(low)
                else {
                    throw JSONError(.invalidEscape, at: index, "high surrogate not followed by a low surrogate")
                }
                scalar = 0x10000 &+ ((scalar &- 0xD800) &<< 10) &+ (low &- 0xDC00)
                length = 12
            }
            written &+= Self.writeUTF8(scalar, to: output.map { $0 + written })
            index &+= length
        }
        return written
    }

    /// Writes a Unicode scalar value as UTF-8.
    ///
    /// - Parameters:
    ///   - scalar: A scalar value, not a surrogate.
    ///   - output: Where to write, or `nil` to count only.
    /// - Returns: The number of bytes, 1 to 4.
    private static func writeUTF8(_ scalar: UInt32, to output: UnsafeMutablePointer<UInt8>?) -> Int {
        if scalar < 0x80 {
            output?[0] = UInt8(truncatingIfNeeded: scalar)
            return 1
        }
        if scalar < 0x800 {
            output?[0] = UInt8(truncatingIfNeeded: 0xC0 | scalar &>> 6)
            output?[1] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return 2
        }
        if scalar < 0x10000 {
            output?[0] = UInt8(truncatingIfNeeded: 0xE0 | scalar &>> 12)
            output?[1] = UInt8(truncatingIfNeeded: 0x80 | scalar &>> 6 & 0x3F)
            output?[2] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return 3
        }
        output?[0] = UInt8(truncatingIfNeeded: 0xF0 | scalar &>> 18)
        output?[1] = UInt8(truncatingIfNeeded: 0x80 | scalar &>> 12 & 0x3F)
        output?[2] = UInt8(truncatingIfNeeded: 0x80 | scalar &>> 6 & 0x3F)
        output?[3] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
        return 4
    }
}
