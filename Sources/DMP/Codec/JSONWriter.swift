/// A writer of compact JSON (RFC 8259) into a byte array, one call per token.
///
/// Commas are placed automatically; the caller opens and closes objects and arrays and writes keys
/// and values in order. The output is deterministic (the same calls give the same bytes), holds no
/// whitespace, and never holds a raw line feed (0x0A): strings are escaped, so a document is always
/// one line.
///
/// ```swift
/// var writer = JSONWriter()
/// writer.beginObject()
/// writer.field("seq", UInt64(1042))
/// writer.field("at", timestamp: 1_772_442_847_120)
/// writer.field("type", "DocumentDeposited")
/// writer.field("structure", actor.structure)     // omitted when nil
/// writer.endObject()
/// let line = writer.finish()
/// // {"seq":1042,"at":"2026-03-02T09:14:07.120Z","type":"DocumentDeposited"}
/// ```
///
/// To append to an existing buffer, such as a batch of journal records, without copying it, use
/// ``write(into:_:)``.
///
/// Strings are escaped as RFC 8259 requires and no more: `"` and `\` are escaped, control
/// characters U+0000 to U+001F use the short forms `\b \t \n \f \r` or `\u00XX` (lower-case hex),
/// and everything else, `/` and non-ASCII UTF-8 included, is written as is.
package struct JSONWriter {
    /// The output, followed by zeroed room for the next tokens: only `storage[0..<count]` is output.
    private var storage: [UInt8]

    /// The number of bytes of output, including those of an adopted buffer.
    package private(set) var count: Int

    /// The value of ``count`` when the writer started, to size the room it adds.
    private var initialCount: Int

    /// Whether the next key or value follows a sibling, and so needs a comma before it.
    private var needsComma: Bool

    /// Creates a writer with an empty output.
    ///
    /// - Parameter capacity: The number of bytes to make room for up front. The output grows past it
    ///   as needed.
    package init(capacity: Int = 512) {
        self.storage = [UInt8](repeating: 0, count: max(capacity, 0))
        self.count = 0
        self.initialCount = 0
        self.needsComma = false
    }

    /// Appends a document to a buffer in place: the buffer is moved into a writer and back, never
    /// copied.
    ///
    /// ```swift
    /// var batch: [UInt8] = []
    /// batch.reserveCapacity(1 << 20)
    /// for event in events {
    ///     JSONWriter.write(into: &batch) { writer in
    ///         writer.beginObject()
    ///         writer.field("seq", event.sequence)
    ///         writer.endObject()
    ///     }
    ///     batch.append(0x0A)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - buffer: The bytes to append to. Its capacity is reused; while `body` runs it is empty.
    ///   - body: Writes the document.
    /// - Throws: What `body` throws; the bytes written until then stay in `buffer`.
    package static func write<Failure: Error>(
        into buffer: inout [UInt8],
        _ body: (inout JSONWriter) throws(Failure) -> Void
    ) throws(Failure) {
        var writer = JSONWriter(capacity: 0)
        swap(&writer.storage, &buffer)
        writer.count = writer.storage.count
        writer.initialCount = writer.count
        defer {
            writer.trim()
            swap(&writer.storage, &buffer)
        }
        try body(&writer)
    }

    /// A copy of the output.
    package var bytes: [UInt8] {
        Array(self.storage[0..<self.count])
    }

    /// Hands over the output without copying it, and leaves the writer empty.
    ///
    /// - Returns: The output.
    package mutating func finish() -> [UInt8] {
        self.trim()
        var output: [UInt8] = []
        swap(&output, &self.storage)
        self.count = 0
        self.initialCount = 0
        self.needsComma = false
        return output
    }

    // MARK: Structure

    /// Opens an object: `{`.
    package mutating func beginObject() {
        self.punctuation(0x7B)
        self.needsComma = false
    }

    /// Closes the object opened last: `}`.
    package mutating func endObject() {
        self.closing(0x7D)
    }

    /// Opens an array: `[`.
    package mutating func beginArray() {
        self.punctuation(0x5B)
        self.needsComma = false
    }

    /// Closes the array opened last: `]`.
    package mutating func endArray() {
        self.closing(0x5D)
    }

    /// Writes the key of the next member of the current object, with the comma before it and the
    /// colon after it.
    ///
    /// - Parameter name: The key, a compile-time constant written as is: it must not need escaping
    ///   (no `"`, `\` or control character).
    package mutating func key(_ name: StaticString) {
        let comma = self.needsComma
        name.withUTF8Buffer { name in
            self.write(reserving: name.count &+ 4) { output in
                var index = 0
                if comma {
                    output[0] = 0x2C
                    index = 1
                }
                output[index] = 0x22
                Self.copy(name, to: output + (index &+ 1))
                index &+= name.count &+ 1
                output[index] = 0x22
                output[index &+ 1] = 0x3A
                return index &+ 2
            }
        }
        self.needsComma = false
    }

    // MARK: Values

    /// Writes a string value, escaped.
    ///
    /// - Parameter value: The string.
    package mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            self.string(utf8: utf8)
        }
    }

    /// Writes a string value from its UTF-8 bytes, escaped.
    ///
    /// Bytes that are not valid UTF-8 are replaced by U+FFFD, so the output is always valid JSON.
    ///
    /// - Parameter bytes: The string's UTF-8 bytes, such as a view returned by
    ///   ``JSONReader/readStringBytes()``.
    package mutating func string(bytes: UnsafeRawBufferPointer) {
        if UTF8Validation.firstInvalidByte(in: bytes, from: 0, to: bytes.count) != nil {
            self.string(String(decoding: bytes, as: UTF8.self))
            return
        }
        self.string(utf8: bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// Writes a signed integer value in decimal.
    ///
    /// - Parameter value: The integer.
    package mutating func int(_ value: Int64) {
        let comma = self.needsComma
        self.write(reserving: 21) { output in
            var index = 0
            if comma {
                output[0] = 0x2C
                index = 1
            }
            var magnitude = UInt64(bitPattern: value)
            if value < 0 {
                output[index] = 0x2D
                index &+= 1
                magnitude = 0 &- magnitude
            }
            return index &+ Self.writeDecimal(magnitude, to: output + index)
        }
        self.needsComma = true
    }

    /// Writes an unsigned integer value in decimal.
    ///
    /// - Parameter value: The integer.
    package mutating func uint(_ value: UInt64) {
        let comma = self.needsComma
        self.write(reserving: 21) { output in
            var index = 0
            if comma {
                output[0] = 0x2C
                index = 1
            }
            return index &+ Self.writeDecimal(value, to: output + index)
        }
        self.needsComma = true
    }

    /// Writes `true` or `false`.
    ///
    /// - Parameter value: The boolean.
    package mutating func bool(_ value: Bool) {
        self.literal(value ? "true" : "false")
    }

    /// Writes `null`.
    package mutating func null() {
        self.literal("null")
    }

    /// Writes a timestamp as a string of exactly `YYYY-MM-DDTHH:MM:SS.mmmZ`, in UTC.
    ///
    /// - Parameter milliseconds: Milliseconds since 1970-01-01T00:00:00Z, within
    ///   ``Timestamp/range`` (years 0000 to 9999); anything else is a programming error and traps.
    package mutating func timestamp(_ milliseconds: Int64) {
        let comma = self.needsComma
        self.write(reserving: 27) { output in
            var index = 0
            if comma {
                output[0] = 0x2C
                index = 1
            }
            output[index] = 0x22
            Timestamp.write(milliseconds, to: output + (index &+ 1))
            output[index &+ 25] = 0x22
            return index &+ 26
        }
        self.needsComma = true
    }

    // MARK: Members

    /// Writes a member whose value is a string.
    ///
    /// - Parameters:
    ///   - name: The key, a compile-time constant that needs no escaping.
    ///   - value: The value.
    package mutating func field(_ name: StaticString, _ value: String) {
        self.key(name)
        self.string(value)
    }

    /// Writes a member whose value is a string, or nothing at all when the value is `nil`.
    ///
    /// - Parameters:
    ///   - name: The key, a compile-time constant that needs no escaping.
    ///   - value: The value, or `nil` to omit the member.
    package mutating func field(_ name: StaticString, _ value: String?) {
        if let value {
            self.field(name, value)
        }
    }

    /// Writes a member whose value is a signed integer.
    ///
    /// - Parameters:
    ///   - name: The key, a compile-time constant that needs no escaping.
    ///   - value: The value.
    package mutating func field(_ name: StaticString, _ value: Int64) {
        self.key(name)
        self.int(value)
    }

    /// Writes a member whose value is a signed integer, or nothing at all when the value is `nil`.
    ///
    /// - Parameters:
    ///   - name: The key, a compile-time constant that needs no escaping.
    ///   - value: The value, or `nil` to omit the member.
    package mutating func field(_ name: StaticString, _ value: Int64?) {
        if let value {
            self.field(name, value)
        }
    }

    /// Writes a member whose value is an unsigned integer.
    ///
    /// - Parameters:
    ///   - name: The key, a compile-time constant that needs no escaping.
    ///   - value: The value.
    package mutating func field(_ name: StaticString, _ value: UInt64) {
        self.key(name)
        self.uint(value)
    }

    /// Writes a member whose value is an unsigned integer, or nothing at all when the value is `nil`.
    ///
    /// - Parameters:
    ///   - name: The key, a compile-time constant that needs no escaping.
    ///   - value: The value, or `nil` to omit the member.
    package mutating func field(_ name: StaticString, _ value: UInt64?) {
        if let value {
            self.field(name, value)
        }
    }

    /// Writes a member whose value is a boolean.
    ///
    /// - Parameters:
    ///   - name: The key, a compile-time constant that needs no escaping.
    ///   - value: The value.
    package mutating func field(_ name: StaticString, _ value: Bool) {
        self.key(name)
        self.bool(value)
    }

    /// Writes a member whose value is a boolean, or nothing at all when the value is `nil`.
    ///
    /// - Parameters:
    ///   - name: The key, a compile-time constant that needs no escaping.
    ///   - value: The value, or `nil` to omit the member.
    package mutating func field(_ name: StaticString, _ value: Bool?) {
        if let value {
            self.field(name, value)
        }
    }

    /// Writes a member whose value is a timestamp (see ``timestamp(_:)``).
    ///
    /// - Parameters:
    ///   - name: The key, a compile-time constant that needs no escaping.
    ///   - milliseconds: Milliseconds since 1970-01-01T00:00:00Z.
    package mutating func field(_ name: StaticString, timestamp milliseconds: Int64) {
        self.key(name)
        self.timestamp(milliseconds)
    }

    /// Writes a member whose value is a timestamp, or nothing at all when the value is `nil`.
    ///
    /// - Parameters:
    ///   - name: The key, a compile-time constant that needs no escaping.
    ///   - milliseconds: Milliseconds since 1970-01-01T00:00:00Z, or `nil` to omit the member.
    package mutating func field(_ name: StaticString, timestamp milliseconds: Int64?) {
        if let milliseconds {
            self.field(name, timestamp: milliseconds)
        }
    }

    /// Writes a member of any kind, or nothing at all when the value is `nil`.
    ///
    /// ```swift
    /// writer.field("representative", ifPresent: event.representative) { writer, representative in
    ///     writer.beginObject()
    ///     writer.field("kind", representative.kind.rawValue)
    ///     writer.endObject()
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - name: The key, a compile-time constant that needs no escaping.
    ///   - value: The value, or `nil` to omit the member.
    ///   - writeValue: Writes the value (exactly one JSON value) after the key.
    package mutating func field<Value>(
        _ name: StaticString,
        ifPresent value: Value?,
        _ writeValue: (inout JSONWriter, Value) -> Void
    ) {
        if let value {
            self.key(name)
            writeValue(&self, value)
        }
    }

    // MARK: Private

    /// Removes the room after the output, keeping the array's capacity.
    private mutating func trim() {
        self.storage.removeSubrange(self.count..<self.storage.count)
    }

    /// Makes room for at least `needed` more bytes after the output.
    @inline(__always)
    private mutating func reserve(_ needed: Int) {
        if self.storage.count &- self.count < needed {
            self.grow(needed)
        }
    }

    /// Adds zeroed room after the output: at least `needed` bytes, and as much as was written so far,
    /// so that growth is geometric. The array's own capacity is reused first.
    @inline(never)
    private mutating func grow(_ needed: Int) {
        let written = self.count &- self.initialCount
        let room = max(needed, written, 256)
        self.storage.append(contentsOf: repeatElement(0, count: room &- (self.storage.count &- self.count)))
    }

    /// Runs `body` on a pointer to room for `maximum` bytes after the output, then counts the bytes
    /// it says it wrote.
    ///
    /// - Parameters:
    ///   - maximum: The most bytes `body` may write.
    ///   - body: Writes at most `maximum` bytes and returns how many it wrote.
    @inline(__always)
    private mutating func write(reserving maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        self.reserve(maximum)
        let start = self.count
        let written = self.storage.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                return 0
            }
            return body(base + start)
        }
        self.count = start &+ written
    }

    /// Writes one opening byte, with a comma before it if needed.
    @inline(__always)
    private mutating func punctuation(_ byte: UInt8) {
        let comma = self.needsComma
        self.write(reserving: 2) { output in
            if comma {
                output[0] = 0x2C
                output[1] = byte
                return 2
            }
            output[0] = byte
            return 1
        }
    }

    /// Writes one closing byte; the closed container counts as a value of its parent.
    @inline(__always)
    private mutating func closing(_ byte: UInt8) {
        self.write(reserving: 1) { output in
            output[0] = byte
            return 1
        }
        self.needsComma = true
    }

    /// Writes `true`, `false` or `null`, with a comma before it if needed.
    private mutating func literal(_ text: StaticString) {
        let comma = self.needsComma
        text.withUTF8Buffer { text in
            self.write(reserving: text.count &+ 1) { output in
                var index = 0
                if comma {
                    output[0] = 0x2C
                    index = 1
                }
                Self.copy(text, to: output + index)
                return index &+ text.count
            }
        }
        self.needsComma = true
    }

    /// Writes a string value from valid UTF-8, escaping what RFC 8259 requires.
    private mutating func string(utf8 value: UnsafeBufferPointer<UInt8>) {
        let comma = self.needsComma
        let firstEscape = Self.firstByteNeedingEscape(value)
        if firstEscape == value.count {
            self.write(reserving: value.count &+ 3) { output in
                var index = 0
                if comma {
                    output[0] = 0x2C
                    index = 1
                }
                output[index] = 0x22
                Self.copy(value, to: output + (index &+ 1))
                index &+= value.count &+ 1
                output[index] = 0x22
                return index &+ 1
            }
        } else {
            var length = value.count
            for index in firstEscape..<value.count {
                length &+= Self.escapeGrowth(value[index])
            }
            self.write(reserving: length &+ 3) { output in
                var index = 0
                if comma {
                    output[0] = 0x2C
                    index = 1
                }
                output[index] = 0x22
                index &+= 1
                Self.copy(UnsafeBufferPointer(rebasing: value[0..<firstEscape]), to: output + index)
                index &+= firstEscape
                for position in firstEscape..<value.count {
                    index &+= Self.writeEscaped(value[position], to: output + index)
                }
                output[index] = 0x22
                return index &+ 1
            }
        }
        self.needsComma = true
    }

    /// The offset of the first byte that must be escaped (`"`, `\`, or below 0x20), or the count if
    /// there is none; eight bytes at a time.
    private static func firstByteNeedingEscape(_ value: UnsafeBufferPointer<UInt8>) -> Int {
        let count = value.count
        let raw = UnsafeRawBufferPointer(value)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits = UTF8Validation.highBits
        var index = 0
        while index &+ 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            let specials =
                ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes | (word &- ones &* 0x20) & ~word)
                & highBits
            if specials != 0 {
                return index &+ specials.trailingZeroBitCount &>> 3
            }
            index &+= 8
        }
        while index < count {
            let byte = value[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C {
                return index
            }
            index &+= 1
        }
        return count
    }

    /// How many bytes longer than itself a byte becomes once escaped: 0, 1 (`\n`) or 5 (`\u001f`).
    @inline(__always)
    private static func escapeGrowth(_ byte: UInt8) -> Int {
        switch byte {
        case 0x22, 0x5C, 0x08, 0x09, 0x0A, 0x0C, 0x0D: 1
        case 0x00..<0x20: 5
        default: 0
        }
    }

    /// Writes a byte, escaped if it must be.
    ///
    /// - Returns: The number of bytes written: 1, 2 or 6.
    @inline(__always)
    private static func writeEscaped(_ byte: UInt8, to output: UnsafeMutablePointer<UInt8>) -> Int {
        let short: UInt8
        switch byte {
        case 0x22: short = 0x22
        case 0x5C: short = 0x5C
        case 0x08: short = 0x62
        case 0x09: short = 0x74
        case 0x0A: short = 0x6E
        case 0x0C: short = 0x66
        case 0x0D: short = 0x72
        case 0x00..<0x20:
            let hex: StaticString = "0123456789abcdef"
            output[0] = 0x5C
            output[1] = 0x75
            output[2] = 0x30
            output[3] = 0x30
            output[4] = hex.utf8Start[Int(byte &>> 4)]
            output[5] = hex.utf8Start[Int(byte & 0x0F)]
            return 6
        default:
            output[0] = byte
            return 1
        }
        output[0] = 0x5C
        output[1] = short
        return 2
    }

    /// Writes a non-negative integer in decimal, without leading zeros.
    ///
    /// - Returns: The number of digits, 1 to 20.
    static func writeDecimal(_ value: UInt64, to output: UnsafeMutablePointer<UInt8>) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits &+= 1
        }
        rest = value
        var index = digits
        while index > 1 {
            index &-= 1
            let quotient = rest / 10
            output[index] = UInt8(truncatingIfNeeded: rest &- quotient &* 10) &+ 0x30
            rest = quotient
        }
        output[0] = UInt8(truncatingIfNeeded: rest) &+ 0x30
        return digits
    }

    /// Copies bytes to the output.
    @inline(__always)
    private static func copy(_ source: UnsafeBufferPointer<UInt8>, to output: UnsafeMutablePointer<UInt8>) {
        if let base = source.baseAddress {
            output.update(from: base, count: source.count)
        }
    }
}
