/// A small streaming JSON writer for the tool's outputs: objects, arrays, strings, numbers, and
/// verbatim JSON (journal records are JSON already and are embedded byte for byte).
///
/// Commas are placed automatically; optional fields whose value is `nil` are left out.
///
/// ```swift
/// var json = JSONOutput()
/// json.beginObject()
/// json.field("events", 42)
/// json.field("failure", nil as String?)   // left out
/// json.endObject()
/// json.drain(to: .standard)                // {"events":42}
/// ```
struct JSONOutput {
    /// The bytes written so far (since the last ``drain(to:)``).
    private(set) var bytes: [UInt8] = []
    /// For each open container, whether it holds an element already.
    private var started: [Bool] = []
    /// Whether a key was just written (the next value follows it without a comma).
    private var afterKey = false

    init() {
        self.bytes.reserveCapacity(1 << 12)
    }

    // MARK: Structure

    mutating func beginObject() {
        self.separate()
        self.bytes.append(0x7B)
        self.started.append(false)
    }

    mutating func endObject() {
        self.started.removeLast()
        self.bytes.append(0x7D)
    }

    mutating func beginArray() {
        self.separate()
        self.bytes.append(0x5B)
        self.started.append(false)
    }

    mutating func endArray() {
        self.started.removeLast()
        self.bytes.append(0x5D)
    }

    mutating func key(_ name: String) {
        self.separate()
        self.appendString(name)
        self.bytes.append(0x3A)
        self.afterKey = true
    }

    // MARK: Values

    mutating func string(_ value: String) {
        self.separate()
        self.appendString(value)
    }

    mutating func int(_ value: Int) {
        self.separate()
        self.bytes.append(contentsOf: String(value).utf8)
    }

    mutating func int(_ value: Int64) {
        self.int(Int(value))
    }

    mutating func uint(_ value: UInt64) {
        self.separate()
        self.bytes.append(contentsOf: String(value).utf8)
    }

    /// A number with at most three decimals.
    mutating func decimal(_ value: Double) {
        self.separate()
        self.bytes.append(contentsOf: formatDecimal(value, places: 3).utf8)
    }

    mutating func bool(_ value: Bool) {
        self.separate()
        self.bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        self.separate()
        self.bytes.append(contentsOf: "null".utf8)
    }

    /// An instant as an RFC 3339 string in the record form.
    mutating func time(_ milliseconds: Int64) {
        self.string(Instant.format(milliseconds))
    }

    /// A JSON value written verbatim (a journal record, an encoded event).
    mutating func raw(_ json: UnsafeRawBufferPointer) {
        self.separate()
        self.bytes.append(contentsOf: json)
    }

    /// A JSON value written verbatim.
    mutating func raw(_ json: [UInt8]) {
        json.withUnsafeBytes { self.raw($0) }
    }

    // MARK: Fields

    mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        self.key(name)
        self.string(value)
    }

    mutating func field(_ name: String, _ value: Int?) {
        guard let value else { return }
        self.key(name)
        self.int(value)
    }

    mutating func field(_ name: String, _ value: Int64?) {
        guard let value else { return }
        self.key(name)
        self.int(value)
    }

    mutating func field(_ name: String, _ value: UInt64?) {
        guard let value else { return }
        self.key(name)
        self.uint(value)
    }

    mutating func field(_ name: String, _ value: Bool?) {
        guard let value else { return }
        self.key(name)
        self.bool(value)
    }

    mutating func field(_ name: String, decimal value: Double?) {
        guard let value else { return }
        self.key(name)
        self.decimal(value)
    }

    mutating func field(_ name: String, time value: Int64?) {
        guard let value else { return }
        self.key(name)
        self.time(value)
    }

    mutating func field(_ name: String, strings values: [String]) {
        self.key(name)
        self.beginArray()
        for value in values { self.string(value) }
        self.endArray()
    }

    /// A field whose value is always present: `null` when `nil`.
    mutating func nullableField(_ name: String, _ value: String?) {
        self.key(name)
        if let value { self.string(value) } else { self.null() }
    }

    /// A field whose value is always present: `null` when `nil`.
    mutating func nullableField(_ name: String, _ value: UInt64?) {
        self.key(name)
        if let value { self.uint(value) } else { self.null() }
    }

    /// A field whose value is always present: `null` when `nil`.
    mutating func nullableField(_ name: String, time value: Int64?) {
        self.key(name)
        if let value { self.time(value) } else { self.null() }
    }

    // MARK: Output

    /// Writes the bytes so far to `output` and forgets them (for streaming large outputs).
    mutating func drain(to output: Output) {
        output.write(bytes: self.bytes)
        self.bytes.removeAll(keepingCapacity: true)
    }

    /// Writes the bytes so far and a newline to `output`, and forgets them.
    mutating func line(to output: Output) {
        self.bytes.append(0x0A)
        self.drain(to: output)
    }

    // MARK: Private

    private mutating func separate() {
        if self.afterKey {
            self.afterKey = false
            return
        }
        guard let last = self.started.last else { return }
        if last { self.bytes.append(0x2C) } else { self.started[self.started.count - 1] = true }
    }

    private mutating func appendString(_ value: String) {
        self.bytes.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22: self.bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: self.bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: self.bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: self.bytes.append(contentsOf: [0x5C, 0x72])
            case 0x09: self.bytes.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                self.bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(0x22)
    }
}

/// A number with at most `places` decimals, trailing zeros removed: `3.14`, `12`, `0.5`.
func formatDecimal(_ value: Double, places: Int) -> String {
    guard value.isFinite else { return "0" }
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let integer = Int(scaled / scale)
    var fraction = Int(scaled) - integer * Int(scale)
    var text = (value < 0 && scaled != 0 ? "-" : "") + String(integer)
    if fraction > 0 {
        var digits = places
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let part = String(fraction)
        text += "." + String(repeating: "0", count: digits - part.count) + part
    }
    return text
}
