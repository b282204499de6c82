/// A pull reader of one JSON document (RFC 8259) over bytes in memory: a cursor the caller moves
/// from value to value, without building a tree and without copying.
///
/// The caller knows the shape it expects and asks for it; anything else throws a ``JSONError``
/// that names the byte offset. Nothing is allocated except the `String`s the caller asks for
/// (``readString()``), and no input, however malformed, makes the reader trap or read out of
/// bounds.
///
/// ```swift
/// try JSONReader.read(bytes) { (reader) throws(JSONError) in
///     try reader.beginObject()
///     while let key = try reader.nextKey() {
///         switch key {
///         case "seq": sequence = try reader.readUInt64()
///         case "at": time = try reader.readTimestamp()
///         case "type": type = try reader.readString()
///         default: try reader.skipValue()
///         }
///     }
///     try reader.expectEnd()
/// }
/// ```
///
/// The reader is strict: it refuses invalid UTF-8 and raw control characters in strings, lone
/// UTF-16 surrogates in `\u` escapes, numbers with a leading zero, integers that overflow, trailing
/// commas, and nesting deeper than ``maximumDepth``. Duplicate keys are passed on to the caller.
package struct JSONReader {
    /// The deepest nesting of objects and arrays the reader accepts.
    package static let maximumDepth = 64

    /// The document.
    private let bytes: UnsafeRawBufferPointer

    /// The number of bytes of the document.
    private let count: Int

    /// The offset of the next byte to read.
    package private(set) var offset: Int

    /// The number of objects and arrays opened and not yet closed.
    package private(set) var depth: Int

    /// Whether the innermost open container has not yielded a member or element yet, so that the
    /// next one is not preceded by a comma.
    private var atFirstMember: Bool

    /// Creates a reader at the start of a document.
    ///
    /// - Parameter bytes: The document's bytes. They must stay valid, and unchanged, while the
    ///   reader and the keys and byte views it returns are in use.
    package init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.count = bytes.count
        self.offset = 0
        self.depth = 0
        self.atFirstMember = true
    }

    /// Reads one document from an array of bytes with a reader that cannot outlive them.
    ///
    /// - Parameters:
    ///   - bytes: The document.
    ///   - body: Reads the document; any byte view it obtains is valid only inside it.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    package static func read<Value>(
        _ bytes: [UInt8],
        _ body: (inout JSONReader) throws(JSONError) -> Value
    ) throws(JSONError) -> Value {
        let outcome = bytes.withUnsafeBytes { buffer -> Result<Value, JSONError> in
            var reader = JSONReader(buffer)
            do throws(JSONError) {
                return .success(try body(&reader))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    // MARK: Structure

    /// Consumes the `{` that opens an object.
    ///
    /// - Throws: ``JSONError`` if the next value is not an object, or if it would nest deeper than
    ///   ``maximumDepth``.
    package mutating func beginObject() throws(JSONError) {
        try self.open(0x7B, "'{'")
    }

    /// Moves to the next member of the object opened last, consuming the comma, the key and the
    /// colon, and leaving the reader on the member's value; or consumes the closing `}`.
    ///
    /// The caller reads or skips the value before asking for the next key.
    ///
    /// - Returns: The key, or `nil` once the object's `}` has been consumed.
    /// - Throws: ``JSONError`` on a missing comma or colon, a trailing comma, or a malformed key.
    package mutating func nextKey() throws(JSONError) -> JSONKey? {
        guard let byte = self.nextNonWhitespace() else {
            throw self.endError("expected '\"' or '}'")
        }
        if byte == 0x7D {
            self.close()
            return nil
        }
        if self.atFirstMember {
            guard byte == 0x22 else {
                throw self.byteError("expected '\"' or '}'")
            }
        } else {
            guard byte == 0x2C else {
                throw self.byteError("expected ',' or '}'")
            }
            self.offset &+= 1
            guard let quote = self.nextNonWhitespace() else {
                throw self.endError("expected '\"'")
            }
            guard quote == 0x22 else {
                throw self.byteError(quote == 0x7D ? "expected a key after ','" : "expected '\"'")
            }
        }
        self.atFirstMember = false
        let key = try self.readKey()
        if self.offset < self.count, self.bytes[self.offset] == 0x3A {
            self.offset &+= 1
            return key
        }
        guard let colon = self.nextNonWhitespace() else {
            throw self.endError("expected ':'")
        }
        guard colon == 0x3A else {
            throw self.byteError("expected ':'")
        }
        self.offset &+= 1
        return key
    }

    /// Consumes the `[` that opens an array.
    ///
    /// - Throws: ``JSONError`` if the next value is not an array, or if it would nest deeper than
    ///   ``maximumDepth``.
    package mutating func beginArray() throws(JSONError) {
        try self.open(0x5B, "'['")
    }

    /// Moves to the next element of the array opened last, consuming the comma before it; or
    /// consumes the closing `]`.
    ///
    /// The caller reads or skips the element before asking for the next one.
    ///
    /// - Returns: `true` when the reader is on an element, `false` once the `]` has been consumed.
    /// - Throws: ``JSONError`` on a missing comma or a truncated array. A trailing comma is refused
    ///   when the caller then reads the element that is not there.
    package mutating func nextElement() throws(JSONError) -> Bool {
        guard let byte = self.nextNonWhitespace() else {
            throw self.endError("expected a value or ']'")
        }
        if byte == 0x5D {
            self.close()
            return false
        }
        if !self.atFirstMember {
            guard byte == 0x2C else {
                throw self.byteError("expected ',' or ']'")
            }
            self.offset &+= 1
        }
        self.atFirstMember = false
        return true
    }

    /// Checks that only whitespace remains after the document.
    ///
    /// - Throws: ``JSONError`` with code ``JSONError/Code/trailingBytes`` otherwise.
    package mutating func expectEnd() throws(JSONError) {
        if self.nextNonWhitespace() != nil {
            throw JSONError(.trailingBytes, at: self.offset, "expected the end of the document")
        }
    }

    // MARK: Scalars

    /// Reads a string, decoding its escapes.
    ///
    /// Allocates only for strings longer than 15 UTF-8 bytes (shorter ones are stored inline).
    ///
    /// - Returns: The string.
    /// - Throws: ``JSONError`` if the next value is not a string or the string is malformed.
    package mutating func readString() throws(JSONError) -> String {
        let start = try self.openString()
        let scan = try self.scanString(from: start)
        self.offset = scan.end &+ 1
        if !scan.escaped {
            // `String(validating:as:)` would do, but it is not specialised and costs more than the
            // whole rest of the read; the body is checked here, then copied as it is.
            if scan.nonASCII, let invalid = UTF8Validation.firstInvalidByte(in: self.bytes, from: start, to: scan.end) {
                throw JSONError(.invalidUTF8, at: invalid, "invalid UTF-8 in string")
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[start..<scan.end]), as: UTF8.self)
        }
        return try JSONEscapes.decode(self.bytes, from: start, to: scan.end)
    }

    /// Reads a string without escapes as a view of its UTF-8 bytes in the input, without copying.
    ///
    /// When the string holds a backslash escape the reader does not move and the result is `nil`:
    /// read it with ``readString()`` instead.
    ///
    /// - Returns: The bytes between the quotes (valid UTF-8, valid as long as the input is), or
    ///   `nil` for a string with escapes.
    /// - Throws: ``JSONError`` if the next value is not a string or the string is malformed.
    package mutating func readStringBytes() throws(JSONError) -> UnsafeRawBufferPointer? {
        let before = self.offset
        let start = try self.openString()
        let scan = try self.scanString(from: start)
        if scan.escaped {
            self.offset = before
            return nil
        }
        if scan.nonASCII, let invalid = UTF8Validation.firstInvalidByte(in: self.bytes, from: start, to: scan.end) {
            throw JSONError(.invalidUTF8, at: invalid, "invalid UTF-8 in string")
        }
        self.offset = scan.end &+ 1
        return UnsafeRawBufferPointer(rebasing: self.bytes[start..<scan.end])
    }

    /// Reads a timestamp written exactly `YYYY-MM-DDTHH:MM:SS.mmmZ`, as ``JSONWriter/timestamp(_:)``
    /// writes it, without allocating.
    ///
    /// - Returns: Milliseconds since 1970-01-01T00:00:00Z.
    /// - Throws: ``JSONError`` if the next value is not a string in exactly that form, or names a
    ///   date or time that does not exist.
    package mutating func readTimestamp() throws(JSONError) -> Int64 {
        _ = self.nextNonWhitespace()
        guard let body = try self.readStringBytes() else {
            throw JSONError(.invalidTimestamp, at: self.offset, "expected a timestamp YYYY-MM-DDTHH:MM:SS.mmmZ")
        }
        // The reader is past the closing quote.
        return try Timestamp.parse(body, reportingOffsetsFrom: self.offset &- 1 &- body.count)
    }

    /// Reads an integer that fits in an `Int64`.
    ///
    /// - Returns: The integer.
    /// - Throws: ``JSONError`` if the next value is not a number, has a fraction or an exponent, has a
    ///   leading zero, or is outside `Int64.min...Int64.max`.
    package mutating func readInt64() throws(JSONError) -> Int64 {
        guard let first = self.nextNonWhitespace() else {
            throw self.endError("expected an integer")
        }
        let start = self.offset
        let negative = first == 0x2D
        if negative {
            self.offset &+= 1
        }
        let magnitude = try self.readMagnitude(start: start)
        if negative {
            guard magnitude <= UInt64(Int64.max) &+ 1 else {
                throw JSONError(.numberOverflow, at: start, "integer below the minimum of a 64-bit signed integer")
            }
            return Int64(bitPattern: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else {
            throw JSONError(.numberOverflow, at: start, "integer above the maximum of a 64-bit signed integer")
        }
        return Int64(magnitude)
    }

    /// Reads a non-negative integer that fits in a `UInt64`.
    ///
    /// - Returns: The integer.
    /// - Throws: ``JSONError`` if the next value is not a number, is negative, has a fraction or an
    ///   exponent, has a leading zero, or is above `UInt64.max`.
    package mutating func readUInt64() throws(JSONError) -> UInt64 {
        guard let first = self.nextNonWhitespace() else {
            throw self.endError("expected an unsigned integer")
        }
        guard first != 0x2D else {
            throw JSONError(.invalidNumber, at: self.offset, "expected an unsigned integer, found a negative number")
        }
        return try self.readMagnitude(start: self.offset)
    }

    /// Reads `true` or `false`.
    ///
    /// - Returns: The boolean.
    /// - Throws: ``JSONError`` if the next value is not a boolean.
    package mutating func readBool() throws(JSONError) -> Bool {
        guard let first = self.nextNonWhitespace() else {
            throw self.endError("expected 'true' or 'false'")
        }
        if first == 0x74, self.matches("true") {
            self.offset &+= 4
            return true
        }
        if first == 0x66, self.matches("false") {
            self.offset &+= 5
            return false
        }
        throw self.literalError("expected 'true' or 'false'")
    }

    /// Consumes `null` if it is the next value.
    ///
    /// - Returns: `true` if `null` was consumed, `false` (and the reader on the value) otherwise.
    /// - Throws: ``JSONError`` if the next value starts like `null` but is not, or the input ends.
    package mutating func readNull() throws(JSONError) -> Bool {
        guard let first = self.nextNonWhitespace() else {
            throw self.endError("expected a value")
        }
        guard first == 0x6E else {
            return false
        }
        guard self.matches("null") else {
            throw self.literalError("expected 'null'")
        }
        self.offset &+= 4
        return true
    }

    /// The kind of the next value, from its first byte, without consuming it (whitespace aside).
    ///
    /// - Returns: The kind; the value itself is checked only when it is read or skipped.
    /// - Throws: ``JSONError`` at the end of the input, or if no value starts with the next byte.
    package mutating func peekKind() throws(JSONError) -> JSONValueKind {
        guard let byte = self.nextNonWhitespace() else {
            throw self.endError("expected a value")
        }
        switch byte {
        case 0x7B: return .object
        case 0x5B: return .array
        case 0x22: return .string
        case 0x2D, 0x30...0x39: return .number
        case 0x74, 0x66: return .bool
        case 0x6E: return .null
        default: throw self.byteError("expected a value")
        }
    }

    /// Whether the next value starts with `null`, without consuming anything.
    package var isNull: Bool {
        var index = self.offset
        while index < self.count, Self.isWhitespace(self.bytes[index]) {
            index &+= 1
        }
        return index < self.count && self.bytes[index] == 0x6E
    }

    /// Skips the next value, whatever it is, with everything nested in it, checking it as strictly
    /// as if it were read.
    ///
    /// - Throws: ``JSONError`` if the value is malformed.
    package mutating func skipValue() throws(JSONError) {
        guard let first = self.nextNonWhitespace() else {
            throw self.endError("expected a value")
        }
        switch first {
        case 0x7B:
            try self.beginObject()
            while try self.nextKey() != nil {
                try self.skipValue()
            }
        case 0x5B:
            try self.beginArray()
            while try self.nextElement() {
                try self.skipValue()
            }
        case 0x22:
            let start = self.offset &+ 1
            let scan = try self.scanString(from: start)
            if scan.escaped {
                _ = try JSONEscapes.unescape(self.bytes, from: start, to: scan.end, into: nil)
            } else if scan.nonASCII,
                let invalid = UTF8Validation.firstInvalidByte(in: self.bytes, from: start, to: scan.end)
            {
                throw JSONError(.invalidUTF8, at: invalid, "invalid UTF-8 in string")
            }
            self.offset = scan.end &+ 1
        case 0x74, 0x66:
            _ = try self.readBool()
        case 0x6E:
            _ = try self.readNull()
        case 0x2D, 0x30...0x39:
            try self.skipNumber()
        default:
            throw self.byteError("expected a value")
        }
    }

    // MARK: Private: structure

    /// Whether a byte is JSON whitespace: space, tab, line feed or carriage return.
    @inline(__always)
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// Skips whitespace and returns the byte after it, without consuming that byte.
    ///
    /// - Returns: The next significant byte, or `nil` at the end of the input.
    @inline(__always)
    private mutating func nextNonWhitespace() -> UInt8? {
        let count = self.count
        while self.offset < count {
            let byte = self.bytes[self.offset]
            if byte > 0x20 || !Self.isWhitespace(byte) {
                return byte
            }
            self.offset &+= 1
        }
        return nil
    }

    /// Consumes the opening byte of an object or an array and counts the nesting.
    private mutating func open(_ opening: UInt8, _ name: StaticString) throws(JSONError) {
        guard let byte = self.nextNonWhitespace() else {
            throw self.endError("expected \(name)")
        }
        guard byte == opening else {
            throw self.byteError("expected \(name)")
        }
        guard self.depth < Self.maximumDepth else {
            throw JSONError(.tooDeep, at: self.offset, "nesting deeper than \(Self.maximumDepth) levels")
        }
        self.depth &+= 1
        self.offset &+= 1
        self.atFirstMember = true
    }

    /// Consumes the closing byte of the innermost container, which then counts as one value of its
    /// parent.
    @inline(__always)
    private mutating func close() {
        self.offset &+= 1
        self.depth &-= 1
        self.atFirstMember = false
    }

    /// Whether the bytes at the offset spell a literal, such as `true`.
    private func matches(_ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { expected in
            guard self.offset &+ expected.count <= self.count else {
                return false
            }
            for index in 0..<expected.count where self.bytes[self.offset &+ index] != expected[index] {
                return false
            }
            return true
        }
    }

    // MARK: Private: numbers

    /// Reads the digits of an integer at the offset and checks what follows them.
    ///
    /// - Parameter start: The offset of the number, sign included, for error messages.
    /// - Returns: The value of the digits.
    private mutating func readMagnitude(start: Int) throws(JSONError) -> UInt64 {
        let count = self.count
        var index = self.offset
        guard index < count else {
            throw JSONError(.unexpectedEnd, at: index, "expected a digit")
        }
        var value = UInt64(self.bytes[index] &- 0x30)
        guard value < 10 else {
            throw JSONError(.invalidNumber, at: index, "expected a digit")
        }
        index &+= 1
        if value == 0 {
            if index < count, self.bytes[index] &- 0x30 < 10 {
                throw JSONError(.invalidNumber, at: start, "number with a leading zero")
            }
        } else {
            var digits = 1
            while index < count {
                let digit = UInt64(self.bytes[index] &- 0x30)
                guard digit < 10 else {
                    break
                }
                if digits < 19 {
                    value = value &* 10 &+ digit
                } else {
                    let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
                    let (sum, carry) = times10.addingReportingOverflow(digit)
                    guard !overflow, !carry else {
                        throw JSONError(.numberOverflow, at: start, "integer above the maximum of a 64-bit integer")
                    }
                    value = sum
                }
                digits &+= 1
                index &+= 1
            }
        }
        if index < count {
            let next = self.bytes[index]
            if next == 0x2E || next == 0x65 || next == 0x45 {
                throw JSONError(.invalidNumber, at: start, "expected an integer, found a fraction or an exponent")
            }
            guard Self.endsNumber(next) else {
                throw JSONError(.invalidNumber, at: index, "unexpected character after a number")
            }
        }
        self.offset = index
        return value
    }

    /// Whether a byte may follow a number: whitespace, `,`, `]` or `}`.
    @inline(__always)
    private static func endsNumber(_ byte: UInt8) -> Bool {
        byte == 0x2C || byte == 0x7D || byte == 0x5D || Self.isWhitespace(byte)
    }

    /// Skips a number of any form the JSON grammar allows:
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func skipNumber() throws(JSONError) {
        let start = self.offset
        if self.bytes[self.offset] == 0x2D {
            self.offset &+= 1
        }
        guard let first = self.peekDigit() else {
            throw self.numberError("expected a digit")
        }
        self.offset &+= 1
        if first == 0 {
            if self.peekDigit() != nil {
                throw JSONError(.invalidNumber, at: start, "number with a leading zero")
            }
        } else {
            self.skipDigits()
        }
        if self.offset < self.count, self.bytes[self.offset] == 0x2E {
            self.offset &+= 1
            guard self.peekDigit() != nil else {
                throw self.numberError("expected a digit after '.'")
            }
            self.skipDigits()
        }
        if self.offset < self.count, self.bytes[self.offset] | 0x20 == 0x65 {
            self.offset &+= 1
            if self.offset < self.count, self.bytes[self.offset] == 0x2B || self.bytes[self.offset] == 0x2D {
                self.offset &+= 1
            }
            guard self.peekDigit() != nil else {
                throw self.numberError("expected a digit in the exponent")
            }
            self.skipDigits()
        }
        if self.offset < self.count, !Self.endsNumber(self.bytes[self.offset]) {
            throw JSONError(.invalidNumber, at: self.offset, "unexpected character after a number")
        }
    }

    /// The value of the digit at the offset, if there is one.
    private func peekDigit() -> UInt8? {
        guard self.offset < self.count else {
            return nil
        }
        let digit = self.bytes[self.offset] &- 0x30
        return digit < 10 ? digit : nil
    }

    /// Moves past a run of digits.
    private mutating func skipDigits() {
        while self.peekDigit() != nil {
            self.offset &+= 1
        }
    }

    /// An error about a malformed number: at the end of the input, or at the offending byte.
    @inline(never)
    private func numberError(_ message: String) -> JSONError {
        if self.offset >= self.count {
            return JSONError(.unexpectedEnd, at: self.offset, message)
        }
        return JSONError(.invalidNumber, at: self.offset, message)
    }

    // MARK: Private: errors

    /// An error for input that ends where a value or a delimiter was expected.
    @inline(never)
    private func endError(_ message: String) -> JSONError {
        JSONError(.unexpectedEnd, at: self.offset, message)
    }

    /// An error for an unexpected byte at the offset, or for an unexpected end of input.
    @inline(never)
    private func byteError(_ message: String) -> JSONError {
        guard self.offset < self.count else {
            return self.endError(message)
        }
        return JSONError(.unexpectedByte, at: self.offset, message)
    }

    /// An error for a literal (`true`, `false`, `null`) cut short or misspelled.
    @inline(never)
    private func literalError(_ message: String) -> JSONError {
        var index = self.offset
        while index < self.count, (0x61...0x7A).contains(self.bytes[index]) {
            index &+= 1
        }
        if index == self.count {
            return JSONError(.unexpectedEnd, at: index, message)
        }
        return JSONError(.unexpectedByte, at: self.offset, message)
    }
}

// MARK: - Kinds of values

/// The kind of a JSON value, as ``JSONReader/peekKind()`` tells it from the value's first byte.
package enum JSONValueKind: Sendable, Hashable {
    /// An object, `{...}`.
    case object
    /// An array, `[...]`.
    case array
    /// A string, `"..."`.
    case string
    /// A number, such as `-12` or `1.5e3`.
    case number
    /// `true` or `false`.
    case bool
    /// `null`.
    case null
}

// MARK: - Strings

extension JSONReader {
    /// Where a string ends and what its body holds.
    struct StringScan {
        /// The offset of the closing quote.
        var end: Int
        /// Whether the body holds at least one backslash escape.
        var escaped: Bool
        /// Whether the body holds at least one byte of 0x80 or above.
        var nonASCII: Bool
    }

    /// Consumes the opening quote of a string.
    ///
    /// - Returns: The offset of the first byte of the string's body.
    @inline(__always)
    private mutating func openString() throws(JSONError) -> Int {
        guard let byte = self.nextNonWhitespace() else {
            throw self.endError("expected a string")
        }
        guard byte == 0x22 else {
            throw self.byteError("expected a string")
        }
        self.offset &+= 1
        return self.offset
    }

    /// Reads a key whose opening quote is at the offset, and moves past its closing quote.
    @inline(__always)
    private mutating func readKey() throws(JSONError) -> JSONKey {
        let start = self.offset &+ 1
        if start &+ 8 <= self.count {
            // Most keys are short ASCII without escapes: one word holds the whole key and its closing
            // quote.
            let word = UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            let specials = JSONEscapes.specialBytes(in: word)
            let length = specials.trailingZeroBitCount &>> 3
            if specials != 0, self.bytes[start &+ length] == 0x22,
                word & UTF8Validation.highBits & (specials &- 1) == 0
            {
                self.offset = start &+ length &+ 1
                return JSONKey(
                    bytes: UnsafeRawBufferPointer(rebasing: self.bytes[start..<(start &+ length)]),
                    escaped: false
                )
            }
        }
        let scan = try self.scanString(from: start)
        self.offset = scan.end &+ 1
        if scan.escaped {
            _ = try JSONEscapes.unescape(self.bytes, from: start, to: scan.end, into: nil)
            return JSONKey(bytes: UnsafeRawBufferPointer(rebasing: self.bytes[start..<scan.end]), escaped: true)
        }
        if scan.nonASCII, let invalid = UTF8Validation.firstInvalidByte(in: self.bytes, from: start, to: scan.end) {
            throw JSONError(.invalidUTF8, at: invalid, "invalid UTF-8 in string")
        }
        return JSONKey(bytes: UnsafeRawBufferPointer(rebasing: self.bytes[start..<scan.end]), escaped: false)
    }

    /// Finds the closing quote of a string, checking for raw control characters and for escapes
    /// of a valid form, eight bytes at a time where it can.
    ///
    /// UTF-8 and the pairing of `\u` surrogates are not checked here.
    ///
    /// - Parameter start: The offset of the first byte of the string's body.
    /// - Returns: The position of the closing quote and what the body holds.
    @inline(__always)
    func scanString(from start: Int) throws(JSONError) -> StringScan {
        let count = self.count
        let highBits = UTF8Validation.highBits
        var index = start
        var escaped = false
        var seen: UInt64 = 0
        while true {
            while index &+ 8 <= count {
                let word = UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let specials = JSONEscapes.specialBytes(in: word)
                if specials != 0 {
                    // The high bits of the bytes before the first special one.
                    seen |= word & (specials &- 1)
                    index &+= specials.trailingZeroBitCount &>> 3
                    break
                }
                seen |= word
                index &+= 8
            }
            guard index < count else {
                throw JSONError(.unexpectedEnd, at: count, "unterminated string")
            }
            let byte = self.bytes[index]
            if byte == 0x22 {
                return StringScan(end: index, escaped: escaped, nonASCII: seen & highBits != 0)
            }
            if byte == 0x5C {
                escaped = true
                index = try self.skipEscape(at: index)
            } else if byte < 0x20 {
                throw JSONError(.controlCharacter, at: index, "unescaped control character in string")
            } else {
                seen |= UInt64(byte)
                index &+= 1
            }
        }
    }

    /// Checks the form of the escape whose backslash is at `index`.
    ///
    /// - Returns: The offset just past the escape.
    private func skipEscape(at index: Int) throws(JSONError) -> Int {
        let count = self.count
        guard index &+ 1 < count else {
            throw JSONError(.unexpectedEnd, at: count, "unterminated escape")
        }
        switch self.bytes[index &+ 1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
            return index &+ 2
        case 0x75:
            guard index &+ 6 <= count else {
                throw JSONError(.unexpectedEnd, at: count, "unterminated \\u escape")
            }
            guard JSONEscapes.hexValue(in: self.bytes, at: index &+ 2) != nil else {
                throw JSONError(.invalidEscape, at: index, "expected four hexadecimal digits after \\u")
            }
            return index &+ 6
        default:
            throw JSONError(.invalidEscape, at: index, "invalid escape")
        }
    }
}
