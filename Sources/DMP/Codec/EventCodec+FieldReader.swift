// The field-level reading shared by ``EventCodec`` and ``CommandCodec``: a ``JSONReader`` whose
// errors name the field they are about (`data.document.sha256: expected a string at byte 212`),
// and the wire names of the model's enumerations.

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
    static let record = FieldPath("", "")

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

/// A refused field: where and what, before it becomes an ``EventDecodingError`` or a
/// ``CommandDecodingError``.
struct FieldError: Error {
    /// The offset of the offending byte from the start of the record.
    let offset: Int
    /// The field's path and what is wrong, such as `data.mode: unknown value "fast"`.
    let message: String
}

// MARK: - Wire names

/// A value written on the wire as one of a fixed set of strings.
///
/// Decoding compares the bytes of the input with the names of ``wireValues`` and returns the
/// matching constant: a known value costs no allocation.
protocol WireValue {
    /// Every value the wire may hold, in the order error messages list them.
    static var wireValues: [Self] { get }
    /// The value's name on the wire.
    var wireName: String { get }
}

extension WireValue where Self: RawRepresentable, Self.RawValue == String {
    var wireName: String { self.rawValue }
}

extension WireValue {
    /// The value whose name is `bytes`, if any.
    static func wireValue(named bytes: UnsafeRawBufferPointer) -> Self? {
        for candidate in Self.wireValues where WireNames.equal(candidate.wireName, bytes) {
            return candidate
        }
        return nil
    }

    /// The names of every value, for error messages: `normal, regulation, break_glass`.
    static var wireNameList: String {
        Self.wireValues.map(\.wireName).joined(separator: ", ")
    }
}

/// Byte comparison of names without building a `String`.
enum WireNames {
    /// Whether a string's UTF-8 is exactly `bytes`.
    @inline(__always)
    static func equal(_ name: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let utf8 = name.utf8
        guard utf8.count == bytes.count else {
            return false
        }
        let same = utf8.withContiguousStorageIfAvailable { name -> Bool in
            for index in 0..<name.count where name[index] != bytes[index] {
                return false
            }
            return true
        }
        return same ?? utf8.elementsEqual(bytes)
    }
}

extension NoticeChannel: WireValue { static let wireValues = Self.allCases }
extension CreationMode: WireValue { static let wireValues = Self.allCases }
extension ClosureReason: WireValue { static let wireValues = Self.allCases }
extension PurgeCause: WireValue { static let wireValues = Self.allCases }
extension RepresentativeKind: WireValue { static let wireValues = Self.allCases }
extension AuthorisationBasis: WireValue { static let wireValues = Self.allCases }
extension BlockTarget: WireValue { static let wireValues = Self.allCases }
extension ReleaseCause: WireValue { static let wireValues = Self.allCases }
extension AccessRight: WireValue { static let wireValues = Self.allCases }
extension NotificationRecipient: WireValue { static let wireValues = Self.allCases }
extension NotificationKind: WireValue { static let wireValues = Self.allCases }
extension IdentityTraits.Sex: WireValue { static let wireValues = Self.allCases }

extension AccessMode: WireValue {
    static var wireValues: [AccessMode] { Self.known }
    var wireName: String { self.rawValue }
}

extension Actor.Role: WireValue {
    static var wireValues: [Actor.Role] { Self.known }
    var wireName: String { self.rawValue }
}

extension Actor.Practice: WireValue {
    static var wireValues: [Actor.Practice] { Self.known }
    var wireName: String { self.rawValue }
}

extension Actor.Authentication: WireValue {
    static var wireValues: [Actor.Authentication] { Self.known }
    var wireName: String { self.rawValue }
}

/// A confidentiality code of JDV_J58 (ACC-4), one bit of ``Confidentiality``.
struct ConfidentialityCode: WireValue {
    /// The code, such as `MASQUE_PS`.
    let wireName: String
    /// The bit it sets; empty for `N`.
    let flag: Confidentiality

    static let wireValues = [
        ConfidentialityCode(wireName: "N", flag: []),
        ConfidentialityCode(wireName: "MASQUE_PS", flag: .maskedFromProfessionals),
        ConfidentialityCode(wireName: "INVISIBLE_PATIENT", flag: .invisibleToPatient),
        ConfidentialityCode(wireName: "INVISIBLE_REPRESENTANTS_LEGAUX", flag: .invisibleToRepresentatives),
    ]
}

// MARK: - Field reader

/// A ``JSONReader`` over a record, or a part of one, whose errors name the field and give offsets
/// from the start of the record.
///
/// Decoders read members into optional slots (`try reader.read(&mode, path)`), which refuses a
/// key given twice, then check the required ones with ``required(_:_:objectAt:)``.
struct FieldReader {
    /// The bytes the reader reads.
    private let bytes: UnsafeRawBufferPointer
    /// The JSON cursor.
    private var json: JSONReader
    /// The offset of `bytes` in the record, added to every error offset.
    let base: Int

    /// Creates a reader.
    ///
    /// - Parameters:
    ///   - bytes: A whole record, or one value cut out of a record.
    ///   - base: The offset of `bytes` in the record.
    init(_ bytes: UnsafeRawBufferPointer, base: Int = 0) {
        self.bytes = bytes
        self.json = JSONReader(bytes)
        self.base = base
    }

    /// The offset of the next byte to read, from the start of the record.
    var offset: Int {
        self.base &+ self.json.offset
    }

    // MARK: Errors

    /// An error about a field at an offset of the record.
    @inline(never)
    func error(_ path: FieldPath, _ message: String, at offset: Int) -> FieldError {
        FieldError(offset: offset, message: path.isRecord ? message : "\(path): \(message)")
    }

    /// An error of the JSON reader, attributed to a field.
    @inline(never)
    func error(_ path: FieldPath, _ error: JSONError) -> FieldError {
        self.error(path, error.message, at: self.base &+ error.offset)
    }

    /// An identifier refused by its type, attributed to a field.
    @inline(never)
    func error(_ path: FieldPath, _ error: IdentifierError, at offset: Int) -> FieldError {
        self.error(path, error.description, at: offset)
    }

    /// An error of the JSON reader when reading a value of some kind: when the value is of another
    /// kind, an error that says which (`expected a string, found a number`).
    @inline(never)
    mutating func mismatch(
        _ path: FieldPath, _ error: JSONError, expected: JSONValueKind, _ what: StaticString
    ) -> FieldError {
        guard let kind = try? self.json.peekKind(), kind != expected else {
            return self.error(path, error)
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
        return self.error(path, "expected \(what), found \(found)", at: self.offset)
    }

    /// The error for a key the object does not have.
    @inline(never)
    func unknownKey(_ key: JSONKey, in path: FieldPath) -> FieldError {
        var offset = self.offset
        if let keyStart = key.bytes.baseAddress, let start = self.bytes.baseAddress {
            offset = self.base &+ (keyStart - start) &- 1
        }
        return self.error(path, "unknown key \(IdentifierText.quoted(key.string))", at: offset)
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

    // MARK: Structure

    /// Consumes the `{` of an object.
    ///
    /// - Returns: The offset of the `{` in the record.
    mutating func beginObject(_ path: FieldPath) throws(FieldError) -> Int {
        do {
            _ = try self.json.peekKind()
            let start = self.offset
            try self.json.beginObject()
            return start
        } catch {
            throw self.mismatch(path, error, expected: .object, "an object")
        }
    }

    /// The next key of the object, or `nil` after its `}`.
    @inline(__always)
    mutating func nextKey(_ path: FieldPath) throws(FieldError) -> JSONKey? {
        do {
            return try self.json.nextKey()
        } catch {
            throw self.error(path, error)
        }
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
        do {
            try self.json.beginArray()
        } catch {
            throw self.mismatch(path, error, expected: .array, "an array")
        }
    }

    /// Moves to the next element of the array; `false` after its `]`.
    mutating func nextElement(_ path: FieldPath) throws(FieldError) -> Bool {
        do {
            return try self.json.nextElement()
        } catch {
            throw self.error(path, error)
        }
    }

    /// Skips a value, checking it.
    ///
    /// - Returns: Where the value lies in the reader's own bytes.
    mutating func skipValue(_ path: FieldPath) throws(FieldError) -> Range<Int> {
        let start = self.json.offset
        do {
            try self.json.skipValue()
        } catch {
            throw self.error(path, error)
        }
        return start..<self.json.offset
    }

    /// Checks that nothing but whitespace follows.
    mutating func expectEnd() throws(FieldError) {
        do {
            try self.json.expectEnd()
        } catch {
            throw self.error(.record, error)
        }
    }

    // MARK: Values

    /// Reads a string.
    @inline(__always)
    mutating func string(_ path: FieldPath) throws(FieldError) -> String {
        do {
            return try self.json.readString()
        } catch {
            throw self.mismatch(path, error, expected: .string, "a string")
        }
    }

    /// Reads `true` or `false`.
    @inline(__always)
    mutating func bool(_ path: FieldPath) throws(FieldError) -> Bool {
        do {
            return try self.json.readBool()
        } catch {
            throw self.mismatch(path, error, expected: .bool, "true or false")
        }
    }

    /// Reads an unsigned integer.
    @inline(__always)
    mutating func uint64(_ path: FieldPath) throws(FieldError) -> UInt64 {
        do {
            return try self.json.readUInt64()
        } catch {
            throw self.mismatch(path, error, expected: .number, "an integer")
        }
    }

    /// Reads an integer that must not be negative.
    mutating func count(_ path: FieldPath) throws(FieldError) -> Int64 {
        let start = self.offset
        let value: Int64
        do {
            value = try self.json.readInt64()
        } catch {
            throw self.mismatch(path, error, expected: .number, "an integer")
        }
        guard value >= 0 else {
            throw self.error(path, "expected a number of 0 or more, found \(value)", at: start)
        }
        return value
    }

    /// Reads a signed integer.
    mutating func int64(_ path: FieldPath) throws(FieldError) -> Int64 {
        do {
            return try self.json.readInt64()
        } catch {
            throw self.mismatch(path, error, expected: .number, "an integer")
        }
    }

    /// Reads a timestamp in the record form `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    @inline(__always)
    mutating func timestamp(_ path: FieldPath) throws(FieldError) -> Int64 {
        do {
            return try self.json.readTimestamp()
        } catch {
            throw self.mismatch(path, error, expected: .string, "a timestamp")
        }
    }

    /// Reads any RFC 3339 date-time, as people type it (`2026-03-02T10:14:07+01:00`).
    mutating func anyTimestamp(_ path: FieldPath) throws(FieldError) -> Int64 {
        let start = self.offset
        let text = try self.string(path)
        do {
            return try Timestamp.parseRFC3339(text)
        } catch {
            // The offset of the string's body is past the opening quote and any whitespace.
            let body = self.offset &- text.utf8.count &- 1
            throw self.error(path, error.message, at: max(start, body) &+ error.offset)
        }
    }

    /// Reads one of the names of a ``WireValue`` type.
    mutating func wireValue<Value: WireValue>(_ path: FieldPath) throws(FieldError) -> Value {
        let start = self.offset
        let found: Value?
        var text = ""
        do {
            if let bytes = try self.json.readStringBytes() {
                found = Value.wireValue(named: bytes)
                if found == nil {
                    text = String(decoding: bytes, as: UTF8.self)
                }
            } else {
                text = try self.json.readString()
                found = text.withUTF8 { Value.wireValue(named: UnsafeRawBufferPointer($0)) }
            }
        } catch {
            throw self.mismatch(path, error, expected: .string, "a string")
        }
        guard let found else {
            throw self.unknownValue(text, Value.self, path, at: start)
        }
        return found
    }

    /// The error for a name that is not one of a type's.
    @inline(never)
    private func unknownValue<Value: WireValue>(
        _ text: String, _ type: Value.Type, _ path: FieldPath, at offset: Int
    ) -> FieldError {
        // Long lists (event types, actions) are left to the schemas.
        let expected = Value.wireValues.count > 12 ? "" : " (expected one of \(Value.wireNameList))"
        return self.error(path, "unknown value \(IdentifierText.quoted(text))\(expected)", at: offset)
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

    /// Reads an array of strings.
    mutating func strings(_ path: FieldPath) throws(FieldError) -> [String] {
        var strings: [String] = []
        try self.beginArray(path)
        while try self.nextElement(path) {
            strings.append(try self.string(path.element(strings.count)))
        }
        return strings
    }

    /// Reads confidentiality codes: each known, none twice, `N` among them (ACC-4).
    mutating func confidentiality(_ path: FieldPath) throws(FieldError) -> Confidentiality {
        let start = self.offset
        var value = Confidentiality()
        var sawNormal = false
        var index = 0
        try self.beginArray(path)
        while try self.nextElement(path) {
            let elementStart = self.offset
            let code: ConfidentialityCode = try self.wireValue(path.element(index))
            if code.flag.isEmpty ? sawNormal : value.contains(code.flag) {
                throw self.error(path.element(index), "code \(code.wireName) given twice", at: elementStart)
            }
            if code.flag.isEmpty {
                sawNormal = true
            }
            value.insert(code.flag)
            index &+= 1
        }
        guard sawNormal else {
            throw self.error(path, "the codes must include N (ACC-4)", at: start)
        }
        return value
    }

    /// Reads a SHA-256 digest: 64 hexadecimal digits.
    ///
    /// - Parameters:
    ///   - path: The member.
    ///   - acceptUppercase: Whether `A`-`F` are accepted (and lower-cased); records hold lower case only.
    mutating func sha256(_ path: FieldPath, acceptUppercase: Bool) throws(FieldError) -> String {
        let start = self.offset
        let text = try self.string(path)
        var lowercase = true
        let valid =
            text.utf8.count == 64
            && text.utf8.allSatisfy { byte in
                switch byte {
                case 0x30...0x39, 0x61...0x66: return true
                case 0x41...0x46:
                    lowercase = false
                    return acceptUppercase
                default: return false
                }
            }
        guard valid else {
            let expected = acceptUppercase ? "64 hexadecimal digits" : "64 lowercase hexadecimal digits"
            throw self.error(path, "expected \(expected), found \(IdentifierText.quoted(text))", at: start)
        }
        return lowercase ? text : text.lowercased()
    }

    /// Reads a patient identifier in its string form (`NIR:…`, `NIA:…`, `INSC:…`).
    mutating func patientIdentifier(_ path: FieldPath) throws(FieldError) -> PatientIdentifier {
        let start = self.offset
        let text = try self.string(path)
        do {
            return try PatientIdentifier(text)
        } catch {
            throw self.error(path, error, at: start)
        }
    }

    /// Reads the identity traits object (ID-2).
    ///
    /// - Parameters:
    ///   - path: The member that holds the object, such as `data.traits`.
    ///   - object: The same path as one string, for the paths of its members.
    ///   - lenient: Whether codes may be written in lower case (commands typed by people).
    mutating func identityTraits(
        _ path: FieldPath, object: StaticString, lenient: Bool
    ) throws(FieldError) -> IdentityTraits {
        var birthName: String?
        var firstNames: [String]?
        var birthDate: CivilDate?
        var sex: IdentityTraits.Sex?
        var birthPlace: IdentityTraits.BirthPlaceCode?
        let start = try self.beginObject(path)
        while let key = try self.nextKey(path) {
            let valueStart = self.offset
            switch key {
            case "birthName":
                try self.read(&birthName, FieldPath(object, "birthName"))
            case "firstNames":
                try self.claim(firstNames, FieldPath(object, "firstNames"))
                firstNames = try self.strings(FieldPath(object, "firstNames"))
            case "birthDate":
                let field = FieldPath(object, "birthDate")
                try self.claim(birthDate, field)
                let text = try self.string(field)
                do {
                    birthDate = try CivilDate(text)
                } catch {
                    throw self.error(field, error, at: valueStart)
                }
            case "sex":
                let field = FieldPath(object, "sex")
                try self.claim(sex, field)
                if lenient {
                    let text = try self.string(field)
                    do {
                        sex = try IdentityTraits.Sex(text)
                    } catch {
                        throw self.error(field, error, at: valueStart)
                    }
                } else {
                    sex = try self.wireValue(field)
                }
            case "birthPlace":
                let field = FieldPath(object, "birthPlace")
                try self.claim(birthPlace, field)
                let text = try self.string(field)
                do {
                    birthPlace = try IdentityTraits.BirthPlaceCode(text)
                } catch {
                    throw self.error(field, error, at: valueStart)
                }
            default:
                throw self.unknownKey(key, in: path)
            }
        }
        let name = try self.required(birthName, FieldPath(object, "birthName"), objectAt: start)
        let first = try self.required(firstNames, FieldPath(object, "firstNames"), objectAt: start)
        let date = try self.required(birthDate, FieldPath(object, "birthDate"), objectAt: start)
        let code = try self.required(sex, FieldPath(object, "sex"), objectAt: start)
        let place = try self.required(birthPlace, FieldPath(object, "birthPlace"), objectAt: start)
        do {
            return try IdentityTraits(
                birthName: name, birthFirstNames: first, birthDate: date, sex: code, birthPlace: place)
        } catch {
            let field = error.field == .birthName ? FieldPath(object, "birthName") : FieldPath(object, "firstNames")
            throw self.error(field, error, at: start)
        }
    }

    /// Reads the emergency switches object (ACC-8).
    mutating func emergencySettings(_ path: FieldPath, object: StaticString) throws(FieldError) -> EmergencySettings {
        var regulation: Bool?
        var breakGlass: Bool?
        var maskedInEmergency: Bool?
        let start = try self.beginObject(path)
        while let key = try self.nextKey(path) {
            switch key {
            case "regulation": try self.read(&regulation, FieldPath(object, "regulation"))
            case "breakGlass": try self.read(&breakGlass, FieldPath(object, "breakGlass"))
            case "maskedInEmergency": try self.read(&maskedInEmergency, FieldPath(object, "maskedInEmergency"))
            default: throw self.unknownKey(key, in: path)
            }
        }
        return EmergencySettings(
            regulation: try self.required(regulation, FieldPath(object, "regulation"), objectAt: start),
            breakGlass: try self.required(breakGlass, FieldPath(object, "breakGlass"), objectAt: start),
            maskedInEmergency: try self.required(
                maskedInEmergency, FieldPath(object, "maskedInEmergency"), objectAt: start)
        )
    }

    /// Reads the actor object of a record or a command (TR-1).
    ///
    /// - Parameter validateIDs: Whether a professional's id is checked as a national id (`8` + RPPS
    ///   or `0` + ADELI, ID-4) and normalised; records keep the id as it was decided.
    mutating func actor(validateIDs: Bool) throws(FieldError) -> Actor {
        let path = FieldPath("", "actor")
        var id: String?
        var idOffset = 0
        var role: Actor.Role?
        var profession: String?
        var practice: Actor.Practice?
        var structure: String?
        var authentication: Actor.Authentication?
        var software: String?
        let start = try self.beginObject(path)
        while let key = try self.nextKey(path) {
            switch key {
            case "id":
                idOffset = self.offset
                try self.read(&id, FieldPath("actor", "id"))
            case "role": try self.read(&role, FieldPath("actor", "role"))
            case "profession": try self.read(&profession, FieldPath("actor", "profession"))
            case "practice": try self.read(&practice, FieldPath("actor", "practice"))
            case "structure": try self.read(&structure, FieldPath("actor", "structure"))
            case "auth": try self.read(&authentication, FieldPath("actor", "auth"))
            case "software": try self.read(&software, FieldPath("actor", "software"))
            default: throw self.unknownKey(key, in: path)
            }
        }
        var actorID = try self.required(id, FieldPath("actor", "id"), objectAt: start)
        let actorRole = try self.required(role, FieldPath("actor", "role"), objectAt: start)
        guard !actorID.isEmpty else {
            throw self.error(FieldPath("actor", "id"), "must not be empty", at: idOffset)
        }
        if validateIDs, actorRole == .professional {
            do {
                actorID = try ProfessionalID(nationalID: actorID).nationalID
            } catch {
                throw self.error(FieldPath("actor", "id"), error, at: idOffset)
            }
        }
        return Actor(
            id: actorID,
            role: actorRole,
            profession: profession.map(Profession.init(code:)),
            practice: practice,
            structure: structure,
            authentication: try self.required(authentication, FieldPath("actor", "auth"), objectAt: start),
            software: software
        )
    }
}

// MARK: - Writing shared values

extension JSONWriter {
    /// Writes the actor object (TR-1), omitting absent members.
    mutating func actor(_ actor: Actor) {
        self.beginObject()
        self.field("id", actor.id)
        self.field("role", actor.role.rawValue)
        self.field("profession", actor.profession?.code)
        self.field("practice", actor.practice?.rawValue)
        self.field("structure", actor.structure)
        self.field("auth", actor.authentication.rawValue)
        self.field("software", actor.software)
        self.endObject()
    }

    /// Writes the identity traits object (ID-2).
    mutating func identityTraits(_ traits: IdentityTraits) {
        self.beginObject()
        self.field("birthName", traits.birthName)
        self.key("firstNames")
        self.beginArray()
        for name in traits.birthFirstNames {
            self.string(name)
        }
        self.endArray()
        self.field("birthDate", traits.birthDate.description)
        self.field("sex", traits.sex.rawValue)
        self.field("birthPlace", traits.birthPlace.rawValue)
        self.endObject()
    }

    /// Writes the emergency switches object (ACC-8).
    mutating func emergencySettings(_ settings: EmergencySettings) {
        self.beginObject()
        self.field("regulation", settings.regulation)
        self.field("breakGlass", settings.breakGlass)
        self.field("maskedInEmergency", settings.maskedInEmergency)
        self.endObject()
    }

    /// Writes confidentiality codes, `N` first (ACC-4), without building an array.
    mutating func confidentiality(_ value: Confidentiality) {
        self.beginArray()
        for code in ConfidentialityCode.wireValues where code.flag.isEmpty || value.contains(code.flag) {
            self.string(code.wireName)
        }
        self.endArray()
    }

    /// Writes document metadata (DOC-1), times in the record form.
    mutating func documentMetadata(_ document: DocumentMetadata) {
        self.beginObject()
        self.field("id", document.id)
        self.field("typeCode", document.typeCode)
        self.field("category", document.category)
        self.field("classCode", document.classCode)
        self.field("title", document.title)
        self.field("createdAt", timestamp: document.createdAt)
        self.field("actAt", timestamp: document.actAt)
        self.field("dischargeAt", timestamp: document.dischargeAt)
        self.key("confidentiality")
        self.confidentiality(document.confidentiality)
        self.field("format", document.format)
        self.field("size", document.size)
        self.field("sha256", document.sha256)
        self.endObject()
    }
}
