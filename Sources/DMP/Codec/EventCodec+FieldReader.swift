// The field-level reading shared by ``EventCodec`` and ``CommandCodec``: a reader whose errors name
// the field they are about (`data.document.sha256: expected a string at byte 212`).

// MARK: - Field paths

/// The place of a value in a record, for error messages: `seq`, `actor.role`,
/// `data.document.sha256`, `data.traits.firstNames[1]`.
///
/// Made of compile-time strings, so a path costs nothing until an error is reported.
struct FieldPath: CustomStringConvertible {
    /// The dotted path of the enclosing object, such as `data.document`; empty for the record.
    let object: StaticString
    /// The member's key; empty for the enclosing object itself.
    let name: StaticString
    /// The position in an array, or -1.
    let index: Int

    /// Creates a path.
    ///
    /// - Parameters:
    ///   - object: The dotted path of the enclosing object; empty for the record.
    ///   - name: The member's key.
    ///   - index: The position in the member's array, if the value is an element of one.
    init(_ object: StaticString, _ name: StaticString, index: Int = -1) {
        self.object = object
        self.name = name
        self.index = index
    }

    /// The record itself.
    static var record: FieldPath { FieldPath("", "") }

    /// The same member, at a position of its array.
    func element(_ index: Int) -> FieldPath {
        FieldPath(self.object, self.name, index: index)
    }

    /// Whether the path names the record itself.
    var isRecord: Bool {
        self.object.utf8CodeUnitCount == 0 && self.name.utf8CodeUnitCount == 0
    }

    /// The dotted path, such as `data.traits.firstNames[1]`.
    var description: String {
        var text = ""
        if self.object.utf8CodeUnitCount > 0 {
            text += "\(self.object)"
            if self.name.utf8CodeUnitCount > 0 {
                text += "."
            }
        }
        text += "\(self.name)"
        if self.index >= 0 {
            text += "[\(self.index)]"
        }
        return text
    }
}

/// An object key read by ``FieldReader/nextKey(_:)``: a view of its bytes, compared with
/// compile-time names without building a `String`.
///
/// A key points into the input, or, when it was written with escapes, at the bytes of the known
/// name it spells (see ``KnownKeys``); either way it is a plain value that copies for free.
struct FieldKey {
    /// The key's bytes, between the quotes.
    let bytes: UnsafeRawBufferPointer

    /// The key as a string.
    var string: String {
        String(decoding: self.bytes, as: UTF8.self)
    }

    /// Whether a key spells a name.
    @inline(__always)
    static func == (key: FieldKey, name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard key.bytes.count == count, let bytes = key.bytes.baseAddress else {
            return key.bytes.count == count
        }
        return ByteComparison.equal(bytes, UnsafeRawPointer(name.utf8Start), count: count)
    }

    /// Matches a key against a name in a `switch` statement.
    @inline(__always)
    static func ~= (name: StaticString, key: FieldKey) -> Bool {
        key == name
    }
}

/// Every key the record and command formats use, so that a key written with escapes
/// (`"typ\u0065"`) can be replaced by the name it spells.
enum KnownKeys {
    /// The names, as compile-time strings whose bytes live as long as the process.
    static let names: [StaticString] = [
        "actAt", "action", "actor", "answeredNotFound", "archivedUntil", "at", "auth", "basis", "birthDate",
        "birthName", "birthPlace", "breakGlass", "category", "cause", "channel", "classCode", "closureDue",
        "command", "confidentiality", "createdAt", "data", "deadlines", "dischargeAt", "document", "dossier",
        "emergency", "expressConsent", "firstNames", "format", "id", "identifier", "key", "kind", "late",
        "majorityAt", "maskedInEmergency", "mode", "objection", "openingDue", "practice", "profession",
        "professional", "proofID", "purgeDue", "reason", "recipient", "refusal", "regulation", "release",
        "reminder", "replaced", "representative", "representativesRemoved", "right", "role", "seq", "settings",
        "sex", "sha256", "shown", "size", "software", "structure", "target", "targetKind", "title", "traits",
        "type", "typeCode", "v",
    ]

    /// The known name spelled by a decoded key, as bytes that live as long as the process.
    static func name(_ decoded: String) -> UnsafeRawBufferPointer? {
        for name in Self.names {
            let bytes = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            if decoded.utf8.elementsEqual(bytes) {
                return bytes
            }
        }
        return nil
    }
}

/// A refused field: where and what, before it becomes an ``EventDecodingError`` or a
/// ``CommandDecodingError``.
struct FieldError: Error {
    /// The offset of the offending byte from the start of the record.
    let offset: Int
    /// The field's path and what is wrong, such as `data.mode: unknown value "fast"`.
    let message: String
}

// MARK: - Field reader

/// A reader of a record, or of a part of one, whose errors name the field and give offsets from
/// the start of the record.
///
/// The reader walks the structure itself (braces, brackets, commas, colons and keys, which in
/// records are short ASCII strings compared in place) and hands each scalar value to a
/// ``JSONReader`` positioned on it, so that values are read, and refused, exactly as the JSON
/// primitives read them. Decoders read members into optional slots
/// (`try reader.read(&mode, path)`), which refuses a key given twice, then check the required
/// ones with ``required(_:_:objectAt:)``.
struct FieldReader {
    /// The bytes the reader reads.
    private let bytes: UnsafeRawBufferPointer
    /// The address of the first byte (a placeholder, never read, when there is none).
    private let pointer: UnsafeRawPointer
    /// The number of bytes.
    private let count: Int
    /// The position of the next byte to read in `bytes`.
    private var position: Int
    /// Whether the innermost open object or array has not yielded a member yet.
    private var atFirstMember: Bool
    /// The offset of `bytes` in the record, added to every error offset.
    let base: Int

    /// Creates a reader.
    ///
    /// - Parameters:
    ///   - bytes: A whole record, or one value cut out of a record.
    ///   - base: The offset of `bytes` in the record.
    init(_ bytes: UnsafeRawBufferPointer, base: Int = 0) {
        self.bytes = bytes
        self.pointer = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1).unsafelyUnwrapped
        self.count = bytes.count
        self.position = 0
        self.atFirstMember = true
        self.base = base
    }

    /// The offset of the next byte to read, from the start of the record.
    var offset: Int {
        self.base &+ self.position
    }

    // MARK: Errors

    /// An error about a field at an offset of the record.
    @inline(never)
    func error(_ path: FieldPath, _ message: String, at offset: Int) -> FieldError {
        FieldError(offset: offset, message: path.isRecord ? message : "\(path): \(message)")
    }

    /// An identifier refused by its type, attributed to a field.
    @inline(never)
    func error(_ path: FieldPath, _ error: IdentifierError, at offset: Int) -> FieldError {
        self.error(path, error.description, at: offset)
    }

    /// An error of a ``JSONReader`` that started at the current position, attributed to a field;
    /// when the value is of another kind than the one expected, an error that says which
    /// (`expected a string, found a number`).
    @inline(never)
    func mismatch(_ path: FieldPath, _ error: JSONError, expected: JSONValueKind?, _ what: StaticString) -> FieldError {
        var probe = JSONReader(self.rest)
        guard let expected, let kind = try? probe.peekKind(), kind != expected else {
            return self.error(path, error.message, at: self.offset &+ error.offset)
        }
        let found =
            switch kind {
            case .object: "an object"
            case .array: "an array"
            case .string: "a string"
            case .number: "a number"
            case .bool: "a boolean"
            case .null: "null"
            }
        return self.error(path, "expected \(what), found \(found)", at: self.offset &+ probe.offset)
    }

    /// The error for a byte that is not the one the structure needs at the current position.
    @inline(never)
    func structureError(_ path: FieldPath, _ expected: String) -> FieldError {
        guard self.position < self.bytes.count else {
            return self.error(path, "\(expected), found the end of the record", at: self.offset)
        }
        return self.error(path, expected, at: self.offset)
    }

    /// A string in double quotes, escaped, cut after 64 characters: for error messages.
    static func quoted(_ text: String) -> String {
        guard text.count > 64 else {
            return text.debugDescription
        }
        return String(String(text.prefix(64)).debugDescription.dropLast()) + "…\" (\(text.count) characters)"
    }

    /// The error for a key the object does not have.
    @inline(never)
    func unknownKey(_ key: FieldKey, in path: FieldPath) -> FieldError {
        var offset = self.offset
        if let keyStart = key.bytes.baseAddress, let start = self.bytes.baseAddress, keyStart >= start,
            keyStart < start + self.count
        {
            offset = self.base &+ (keyStart - start) &- 1
        }
        return self.error(path, "unknown key \(Self.quoted(key.string))", at: offset)
    }

    /// Fails if a member was already read.
    @inline(__always)
    func claim<Value>(_ slot: Value?, _ path: FieldPath) throws(FieldError) {
        if slot != nil {
            throw self.error(path, "key given twice", at: self.offset)
        }
    }

    /// The value of a required member.
    ///
    /// - Parameters:
    ///   - value: What was read, or `nil` if the member was absent.
    ///   - path: The member.
    ///   - objectAt: The offset of the object that should have held it.
    @inline(__always)
    func required<Value>(_ value: Value?, _ path: FieldPath, objectAt start: Int) throws(FieldError) -> Value {
        guard let value else {
            throw self.error(path, "missing", at: start)
        }
        return value
    }

    // MARK: Bytes

    /// The bytes from the current position on.
    private var rest: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self.bytes[self.position...])
    }

    /// The byte at a position, which must be below `count`.
    @inline(__always)
    private func byte(at index: Int) -> UInt8 {
        self.pointer.load(fromByteOffset: index, as: UInt8.self)
    }

    /// The bytes in a range of positions within `0..<count`.
    @inline(__always)
    private func slice(_ start: Int, _ end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: self.pointer + start, count: end &- start)
    }

    /// Moves past whitespace and returns the next byte, without consuming it.
    @inline(__always)
    private mutating func next() -> UInt8? {
        while self.position < self.count {
            let byte = self.byte(at: self.position)
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else {
                return byte
            }
            self.position &+= 1
        }
        return nil
    }

    /// The position of the closing quote of a string whose body starts at `start`, if the body is
    /// plain ASCII without escapes or control characters (as keys, names and most values are in
    /// records); `nil` otherwise. Eight bytes at a time.
    @inline(__always)
    private func plainStringEnd(from start: Int) -> Int? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        var index = start
        while index &+ 8 <= self.count {
            let word = UInt64(littleEndian: self.pointer.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            // The lowest flagged byte is exact: a quote, a backslash, a control character or a byte
            // of 0x80 or more.
            let special =
                ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes | (word &- ones &* 0x20) | word)
                & high
            if special != 0 {
                index &+= special.trailingZeroBitCount &>> 3
                return self.byte(at: index) == 0x22 ? index : nil
            }
            index &+= 8
        }
        while index < self.count {
            let byte = self.byte(at: index)
            if byte == 0x22 {
                return index
            }
            guard byte >= 0x20, byte != 0x5C, byte < 0x80 else {
                return nil
            }
            index &+= 1
        }
        return nil
    }

    /// Reads the value at the current position with a ``JSONReader`` started there.
    @inline(__always)
    private mutating func value<Value>(
        _ path: FieldPath,
        expected: JSONValueKind?,
        _ what: StaticString,
        _ read: (inout JSONReader) throws(JSONError) -> Value
    ) throws(FieldError) -> Value {
        var json = JSONReader(self.rest)
        do {
            let value = try read(&json)
            self.position &+= json.offset
            return value
        } catch {
            throw self.mismatch(path, error, expected: expected, what)
        }
    }

    // MARK: Structure

    /// Consumes the `{` of an object.
    ///
    /// - Returns: The offset of the `{` in the record.
    mutating func beginObject(_ path: FieldPath) throws(FieldError) -> Int {
        guard self.next() == 0x7B else {
            throw self.mismatch(path, JSONError(.unexpectedByte, at: 0, "expected '{'"), expected: .object, "an object")
        }
        let start = self.offset
        self.position &+= 1
        self.atFirstMember = true
        return start
    }

    /// The next key of the object, or `nil` after its `}`.
    @inline(__always)
    mutating func nextKey(_ path: FieldPath) throws(FieldError) -> FieldKey? {
        // The compact form records hold: `}`, or `"key":` first, or `,"key":` after a member.
        var index = self.position
        if index < self.count {
            var byte = self.byte(at: index)
            if byte == 0x7D {
                self.position = index &+ 1
                self.atFirstMember = false
                return nil
            }
            if byte == 0x2C, !self.atFirstMember, index &+ 1 < self.count {
                index &+= 1
                byte = self.byte(at: index)
            }
            if byte == 0x22, (index == self.position) == self.atFirstMember,
                let end = self.plainStringEnd(from: index &+ 1), end &+ 1 < self.count, self.byte(at: end &+ 1) == 0x3A
            {
                self.position = end &+ 2
                self.atFirstMember = false
                return FieldKey(bytes: self.slice(index &+ 1, end))
            }
        }
        return try self.nextKeyInGeneral(path)
    }

    /// The next key of the object, or `nil` after its `}`, whatever the whitespace and escapes.
    @inline(never)
    private mutating func nextKeyInGeneral(_ path: FieldPath) throws(FieldError) -> FieldKey? {
        guard var byte = self.next() else {
            throw self.structureError(path, "expected '\"' or '}'")
        }
        if byte == 0x7D {
            self.position &+= 1
            self.atFirstMember = false
            return nil
        }
        if !self.atFirstMember {
            guard byte == 0x2C else {
                throw self.structureError(path, "expected ',' or '}'")
            }
            self.position &+= 1
            guard let quote = self.next() else {
                throw self.structureError(path, "expected '\"'")
            }
            byte = quote
        }
        guard byte == 0x22 else {
            throw self.structureError(path, "expected '\"'")
        }
        self.atFirstMember = false
        let key: FieldKey
        if let end = self.plainStringEnd(from: self.position &+ 1) {
            key = FieldKey(bytes: self.slice(self.position &+ 1, end))
            self.position = end &+ 1
        } else {
            // Escapes or non-ASCII: read (and check) as a string; a known name stands for it.
            let start = self.position
            let decoded = try self.value(path, expected: .string, "a key") { json throws(JSONError) in
                try json.readString()
            }
            key = FieldKey(bytes: KnownKeys.name(decoded) ?? self.slice(start &+ 1, self.position &- 1))
        }
        guard self.next() == 0x3A else {
            throw self.structureError(path, "expected ':'")
        }
        self.position &+= 1
        return key
    }

    /// Reads an object that must have no member: `{}`.
    mutating func emptyObject(_ path: FieldPath) throws(FieldError) {
        _ = try self.beginObject(path)
        if let key = try self.nextKey(path) {
            throw self.unknownKey(key, in: path)
        }
    }

    /// Consumes the `[` of an array.
    mutating func beginArray(_ path: FieldPath) throws(FieldError) {
        guard self.next() == 0x5B else {
            throw self.mismatch(path, JSONError(.unexpectedByte, at: 0, "expected '['"), expected: .array, "an array")
        }
        self.position &+= 1
        self.atFirstMember = true
    }

    /// Moves to the next element of the array; `false` after its `]`.
    mutating func nextElement(_ path: FieldPath) throws(FieldError) -> Bool {
        guard let byte = self.next() else {
            throw self.structureError(path, "expected a value or ']'")
        }
        if byte == 0x5D {
            self.position &+= 1
            self.atFirstMember = false
            return false
        }
        if !self.atFirstMember {
            guard byte == 0x2C else {
                throw self.structureError(path, "expected ',' or ']'")
            }
            self.position &+= 1
        }
        self.atFirstMember = false
        return true
    }

    /// Skips a value, checking it.
    ///
    /// - Returns: Where the value lies in the reader's own bytes.
    mutating func skipValue(_ path: FieldPath) throws(FieldError) -> Range<Int> {
        let start = self.position
        try self.value(path, expected: nil, "a value") { json throws(JSONError) in try json.skipValue() }
        self.atFirstMember = false
        return start..<self.position
    }

    /// Checks that nothing but whitespace follows.
    mutating func expectEnd() throws(FieldError) {
        if self.next() != nil {
            throw self.error(.record, "expected the end of the record", at: self.offset)
        }
    }

    // MARK: Values

    /// Reads a string.
    @inline(__always)
    mutating func string(_ path: FieldPath) throws(FieldError) -> String {
        // Plain ASCII needs neither unescaping nor validation: copied as is.
        if self.next() == 0x22, let end = self.plainStringEnd(from: self.position &+ 1) {
            let body = self.slice(self.position &+ 1, end)
            self.position = end &+ 1
            return String(unsafeUninitializedCapacity: body.count) { buffer in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: body)
                return body.count
            }
        }
        return try self.stringInGeneral(path)
    }

    /// Reads a string with escapes or non-ASCII characters, or refuses what is not a string.
    @inline(never)
    private mutating func stringInGeneral(_ path: FieldPath) throws(FieldError) -> String {
        try self.value(path, expected: .string, "a string") { json throws(JSONError) in try json.readString() }
    }

    /// Reads `true` or `false`.
    @inline(__always)
    mutating func bool(_ path: FieldPath) throws(FieldError) -> Bool {
        let index = self.position
        if index &+ 5 <= self.count {
            // `true` or `fals` as one little-endian word, then the `e` of `false`.
            let word = self.pointer.loadUnaligned(fromByteOffset: index, as: UInt32.self)
            if word == UInt32(littleEndian: 0x6575_7274) {
                self.position = index &+ 4
                return true
            }
            if word == UInt32(littleEndian: 0x736C_6166), self.byte(at: index &+ 4) == 0x65 {
                self.position = index &+ 5
                return false
            }
        }
        return try self.boolInGeneral(path)
    }

    /// Reads `true` or `false` after whitespace, or refuses what is not a boolean.
    @inline(never)
    private mutating func boolInGeneral(_ path: FieldPath) throws(FieldError) -> Bool {
        try self.value(path, expected: .bool, "true or false") { json throws(JSONError) in try json.readBool() }
    }

    /// Reads an unsigned integer.
    @inline(__always)
    mutating func uint64(_ path: FieldPath) throws(FieldError) -> UInt64 {
        try self.value(path, expected: .number, "an integer") { json throws(JSONError) in try json.readUInt64() }
    }

    /// Reads an integer that must not be negative.
    mutating func count(_ path: FieldPath) throws(FieldError) -> Int64 {
        _ = self.next()
        let start = self.offset
        let value = try self.int64(path)
        guard value >= 0 else {
            throw self.error(path, "expected a number of 0 or more, found \(value)", at: start)
        }
        return value
    }

    /// Reads a signed integer.
    mutating func int64(_ path: FieldPath) throws(FieldError) -> Int64 {
        try self.value(path, expected: .number, "an integer") { json throws(JSONError) in try json.readInt64() }
    }

    /// Reads a timestamp in the record form `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    @inline(__always)
    mutating func timestamp(_ path: FieldPath) throws(FieldError) -> Int64 {
        let start = self.position
        let length = Timestamp.recordLength
        if self.next() == 0x22, self.position &+ length &+ 2 <= self.count,
            self.byte(at: self.position &+ length &+ 1) == 0x22
        {
            if let milliseconds = RecordTime.milliseconds(self.pointer + (self.position &+ 1)) {
                self.position &+= length &+ 2
                return milliseconds
            }
        }
        self.position = start
        return try self.timestampInGeneral(path)
    }

    /// Reads a timestamp after whitespace, or refuses what is not one, with the reason.
    @inline(never)
    private mutating func timestampInGeneral(_ path: FieldPath) throws(FieldError) -> Int64 {
        try self.value(path, expected: .string, "a timestamp") { json throws(JSONError) in try json.readTimestamp() }
    }

    /// Reads any RFC 3339 date-time, as people type it (`2026-03-02T10:14:07+01:00`).
    mutating func anyTimestamp(_ path: FieldPath) throws(FieldError) -> Int64 {
        _ = self.next()
        let start = self.offset
        let text = try self.string(path)
        do {
            return try Timestamp.parseRFC3339(text)
        } catch {
            // The string's body starts past its opening quote, when it holds no escape.
            let body = self.offset &- text.utf8.count &- 1
            throw self.error(path, error.message, at: max(start &+ 1, body) &+ error.offset)
        }
    }

    /// Reads one of the names of a ``WireValue`` type.
    mutating func wireValue<Value: WireValue>(_ path: FieldPath) throws(FieldError) -> Value {
        let start = self.offset
        if self.next() == 0x22, let end = self.plainStringEnd(from: self.position &+ 1) {
            let name = self.slice(self.position &+ 1, end)
            guard let value = Value.wireValue(named: name) else {
                throw self.unknownValue(String(decoding: name, as: UTF8.self), Value.self, path, at: self.offset)
            }
            self.position = end &+ 1
            return value
        }
        return try self.wireValueInGeneral(path, from: start)
    }

    /// Reads a name with escapes or non-ASCII characters, or refuses what is not a known name.
    @inline(never)
    private mutating func wireValueInGeneral<Value: WireValue>(
        _ path: FieldPath,
        from start: Int
    ) throws(FieldError) -> Value {
        var text = try self.stringInGeneral(path)
        guard let value = text.withUTF8({ Value.wireValue(named: UnsafeRawBufferPointer($0)) }) else {
            throw self.unknownValue(text, Value.self, path, at: start)
        }
        return value
    }

    /// The error for a name that is not one of a type's.
    @inline(never)
    private func unknownValue<Value: WireValue>(
        _ text: String,
        _ type: Value.Type,
        _ path: FieldPath,
        at offset: Int
    ) -> FieldError {
        // Long lists (event types, actions) are left to the schemas.
        let expected = Value.wireTable.values.count > 12 ? "" : " (expected one of \(Value.wireTable.list))"
        return self.error(path, "unknown value \(Self.quoted(text))\(expected)", at: offset)
    }

    // MARK: Slots

    /// Reads a string member once.
    @inline(__always)
    mutating func read(_ slot: inout String?, _ path: FieldPath) throws(FieldError) {
        try self.claim(slot, path)
        slot = try self.string(path)
    }

    /// Reads a boolean member once.
    @inline(__always)
    mutating func read(_ slot: inout Bool?, _ path: FieldPath) throws(FieldError) {
        try self.claim(slot, path)
        slot = try self.bool(path)
    }

    /// Reads a member with a wire name once.
    @inline(__always)
    mutating func read<Value: WireValue>(_ slot: inout Value?, _ path: FieldPath) throws(FieldError) {
        try self.claim(slot, path)
        slot = try self.wireValue(path)
    }

    /// Reads a timestamp member once, in the record form.
    @inline(__always)
    mutating func readTimestamp(_ slot: inout Int64?, _ path: FieldPath) throws(FieldError) {
        try self.claim(slot, path)
        slot = try self.timestamp(path)
    }

    /// Reads a SHA-256 digest: 64 hexadecimal digits.
    ///
    /// - Parameters:
    ///   - path: The member.
    ///   - acceptUppercase: Whether `A`-`F` are accepted (and lower-cased); records hold lower case only.
    mutating func sha256(_ path: FieldPath, acceptUppercase: Bool) throws(FieldError) -> String {
        _ = self.next()
        let start = self.offset
        // 64 hexadecimal digits, checked on the bytes; a string with escapes is never one.
        if self.next() == 0x22, let end = self.plainStringEnd(from: self.position &+ 1), end &- self.position == 65 {
            let bytes = self.slice(self.position &+ 1, end)
            // Without branches, so that the loop vectorises: a flag for any byte that is not a digit
            // or a lower-case letter a-f, and one for upper-case letters A-F.
            var other: UInt8 = 0
            var upper: UInt8 = 0
            for byte in bytes {
                let digit: UInt8 = byte &- 0x30 < 10 ? 1 : 0
                let lower: UInt8 = byte &- 0x61 < 6 ? 1 : 0
                let capital: UInt8 = byte &- 0x41 < 6 ? 1 : 0
                other |= (digit | lower | capital) ^ 1
                upper |= capital
            }
            let lowercase = upper == 0
            if other == 0, lowercase || acceptUppercase {
                self.position = end &+ 1
                let text = String(decoding: bytes, as: UTF8.self)
                return lowercase ? text : text.lowercased()
            }
        }
        let text = try self.string(path)
        let expected = acceptUppercase ? "64 hexadecimal digits" : "64 lowercase hexadecimal digits"
        throw self.error(path, "expected \(expected), found \(Self.quoted(text))", at: start)
    }

}

// MARK: - Record time

/// The record form of an instant, `YYYY-MM-DDTHH:MM:SS.mmmZ`, read in straight-line code.
///
/// Anything unusual (another form, a date that does not exist) gives `nil`, and the caller reads
/// the value again with ``JSONReader/readTimestamp()``, which says what is wrong.
enum RecordTime {
    /// The instant written in the 24 bytes at `text`, if they are exactly in the record form and
    /// name an instant that exists.
    @inline(__always)
    static func milliseconds(_ text: UnsafeRawPointer) -> Int64? {
        @inline(__always)
        func byte(_ index: Int) -> UInt8 {
            text.load(fromByteOffset: index, as: UInt8.self)
        }
        @inline(__always)
        func number(_ start: Int, _ count: Int, _ valid: inout Bool) -> Int64 {
            var value: Int64 = 0
            for index in start..<(start &+ count) {
                let digit = byte(index) &- 0x30
                valid = valid && digit < 10
                value = value &* 10 &+ Int64(digit)
            }
            return value
        }
        var valid =
            byte(4) == 0x2D && byte(7) == 0x2D && byte(10) == 0x54 && byte(13) == 0x3A && byte(16) == 0x3A
            && byte(19) == 0x2E && byte(23) == 0x5A
        let year = number(0, 4, &valid)
        let month = number(5, 2, &valid)
        let day = number(8, 2, &valid)
        let hour = number(11, 2, &valid)
        let minute = number(14, 2, &valid)
        let second = number(17, 2, &valid)
        let millisecond = number(20, 3, &valid)
        guard valid, month >= 1, month <= 12, day >= 1, day <= Self.days(inMonth: month, of: year), hour <= 23,
            minute <= 59, second <= 59
        else {
            return nil
        }
        let days = Self.days(fromCivilYear: year, month: month, day: day)
        return ((days &* 24 &+ hour) &* 60 &+ minute) &* 60_000 &+ second &* 1_000 &+ millisecond
    }

    /// The number of days in a month of the Gregorian calendar.
    @inline(__always)
    private static func days(inMonth month: Int64, of year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The number of days from 1970-01-01 to a date (Howard Hinnant's `days_from_civil`).
    @inline(__always)
    private static func days(fromCivilYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year &- 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear &- 399) / 400
        let yearOfEra = shiftedYear &- era &* 400
        let dayOfYear = (153 &* (month > 2 ? month &- 3 : month &+ 9) &+ 2) / 5 &+ day &- 1
        let dayOfEra = yearOfEra &* 365 &+ yearOfEra / 4 &- yearOfEra / 100 &+ dayOfYear
        return era &* 146_097 &+ dayOfEra &- 719_468
    }
}
