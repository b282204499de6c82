import DMP
import Testing

/// The JSON primitives under the event codec: ``JSONWriter``, ``JSONReader`` and ``Timestamp``.
///
/// The nested suites (`Writer`, `Reader`, `Timestamps`, `Malformed`, `FoundationCompatibility`)
/// live in the other files of this folder, so that `--filter JSONCodecTests` runs them all.
@Suite struct JSONCodecTests {
    @Test(
        "a string survives writing and reading, whatever characters it holds",
        arguments: [
            "",
            "plain ASCII",
            "quote \" and backslash \\ and slash /",
            "line\nfeed, carriage\rreturn, tab\t, backspace\u{8}, form feed\u{C}",
            "nul \u{0} unit separator \u{1F} escape \u{1B} delete \u{7F}",
            "Hôpital Européen Georges-Pompidou — œdème, ½ dose",
            "emoji 😀 and flags 🇫🇷, CJK 漢字, line separator \u{2028}",
            String(repeating: "long run without escapes ", count: 40),
            String(repeating: "\"\\\n", count: 100),
            "\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{9}\u{A}\u{B}\u{C}\u{D}\u{E}\u{F}"
                + "\u{10}\u{11}\u{12}\u{13}\u{14}\u{15}\u{16}\u{17}\u{18}\u{19}\u{1A}\u{1B}\u{1C}\u{1D}\u{1E}\u{1F}",
        ]
    )
    func stringRoundTrip(value: String) throws {
        var writer = JSONWriter()
        writer.beginArray()
        writer.string(value)
        writer.string(value)
        writer.endArray()
        let bytes = writer.finish()
        #expect(!bytes.contains(0x0A))
        let read = try JSONReader.read(bytes) { (reader) throws(JSONError) -> [String] in
            try reader.beginArray()
            var values: [String] = []
            while try reader.nextElement() {
                values.append(try reader.readString())
            }
            try reader.expectEnd()
            return values
        }
        #expect(read == [value, value])
    }

    @Test("every single character from U+0000 to U+00FF survives writing and reading")
    func everyLowCharacterRoundTrips() throws {
        for scalar in 0...0xFF {
            let value = String(Character(Unicode.Scalar(UInt8(scalar))))
            var writer = JSONWriter()
            writer.string(value)
            let bytes = writer.finish()
            #expect(!bytes.contains(0x0A))
            #expect(try JSONReader.read(bytes) { (reader) throws(JSONError) in try reader.readString() } == value)
        }
    }

    @Test(
        "integers at the limits of their types survive writing and reading",
        arguments: [
            Int64.min, Int64.min + 1, -1_000_000_007, -10, -9, -1, 0, 1, 9, 10, 99, 100, Int64.max - 1, Int64.max,
        ]
    )
    func signedRoundTrip(value: Int64) throws {
        var writer = JSONWriter()
        writer.int(value)
        let bytes = writer.finish()
        #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        #expect(try JSONReader.read(bytes) { (reader) throws(JSONError) in try reader.readInt64() } == value)
    }

    @Test(
        "unsigned integers up to UInt64.max survive writing and reading",
        arguments: [UInt64.min, 1, 9, 10, 1_042, UInt64(Int64.max), UInt64(Int64.max) + 1, UInt64.max - 1, UInt64.max]
    )
    func unsignedRoundTrip(value: UInt64) throws {
        var writer = JSONWriter()
        writer.uint(value)
        let bytes = writer.finish()
        #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        #expect(try JSONReader.read(bytes) { (reader) throws(JSONError) in try reader.readUInt64() } == value)
    }

    @Test("random integers survive writing and reading")
    func randomIntegersRoundTrip() throws {
        var random = SeededRandom(seed: 0x1D0C)
        for _ in 0..<5_000 {
            let signed = Int64(bitPattern: random.next()) >> Int64(random.next() % 64)
            let unsigned = random.next() >> (random.next() % 64)
            var writer = JSONWriter()
            writer.beginArray()
            writer.int(signed)
            writer.uint(unsigned)
            writer.endArray()
            let bytes = writer.finish()
            let read = try JSONReader.read(bytes) { (reader) throws(JSONError) -> (Int64, UInt64) in
                try reader.beginArray()
                _ = try reader.nextElement()
                let signed = try reader.readInt64()
                _ = try reader.nextElement()
                let unsigned = try reader.readUInt64()
                #expect(try reader.nextElement() == false)
                return (signed, unsigned)
            }
            #expect(read.0 == signed)
            #expect(read.1 == unsigned)
        }
    }

    @Test("an event-shaped record is written to the expected bytes and read back field by field")
    func eventShapedRecord() throws {
        let record = SampleRecord.example
        let bytes = record.encoded()
        #expect(String(decoding: bytes, as: UTF8.self) == SampleRecord.exampleJSON)
        #expect(try SampleRecord(decoding: bytes) == record)
    }

    @Test("a record with members in another order, extra members and whitespace still decodes")
    func recordToleratesOrderAndUnknownMembers() throws {
        let text = """
            { "data" : {"size": 48213, "title": "Compte rendu", "future": [1, {"x": null}], "confidential": false,
              "document": "doc-5b2e8f10", "typeCode": "11488-4"},
              "v": 1, "unknown": {"deep": [[[]]]}, "type": "DocumentDeposited", "seq": 1042,
              "actor": {"authentication": "cps", "structure": "750712184", "profession": "10",
                        "role": "professional", "id": "810002345678"},
              "dossier": "6f1c2e9a-3b7d-4c1e-9a4f-2d8e7b6c5a10", "command": "cmd-7f3a9c2e-0001",
              "at": "2026-03-02T09:14:07.120Z" }
            """
        var expected = SampleRecord.example
        expected.title = "Compte rendu"
        #expect(try SampleRecord(decoding: Array(text.utf8)) == expected)
    }
}

// MARK: - Test support

extension JSONCodecTests {
    /// A SplitMix64 generator: the same seed gives the same sequence, so a failure replays.
    struct SeededRandom: RandomNumberGenerator {
        /// The generator's state.
        private var state: UInt64

        /// Creates a generator from a seed.
        init(seed: UInt64) {
            self.state = seed
        }

        /// The next 64 random bits.
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = self.state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    /// A JSON value read into a tree, to compare readers.
    indirect enum JSONTree: Equatable, CustomStringConvertible {
        // The kinds of value; numbers are integers only.
        case null
        case bool(Bool)
        case integer(Int64)
        case string(String)
        case array([JSONTree])
        case object([String: JSONTree])

        /// Reads one complete document (integers only for numbers) with ``JSONReader``.
        static func read(_ bytes: [UInt8]) throws(JSONError) -> JSONTree {
            try JSONReader.read(bytes) { (reader) throws(JSONError) -> JSONTree in
                let tree = try Self.read(&reader)
                try reader.expectEnd()
                return tree
            }
        }

        /// Reads the next value with ``JSONReader``.
        static func read(_ reader: inout JSONReader) throws(JSONError) -> JSONTree {
            switch try reader.peekKind() {
            case .object:
                try reader.beginObject()
                var members: [String: JSONTree] = [:]
                while let key = try reader.nextKey() {
                    let name = key.string
                    members[name] = try Self.read(&reader)
                }
                return .object(members)
            case .array:
                try reader.beginArray()
                var elements: [JSONTree] = []
                while try reader.nextElement() {
                    elements.append(try Self.read(&reader))
                }
                return .array(elements)
            case .string:
                return .string(try reader.readString())
            case .number:
                return .integer(try reader.readInt64())
            case .bool:
                return .bool(try reader.readBool())
            case .null:
                _ = try reader.readNull()
                return .null
            }
        }

        /// Checks a whole document against the JSON grammar with ``JSONReader/skipValue()``.
        static func validate(_ bytes: [UInt8]) throws(JSONError) {
            try JSONReader.read(bytes) { (reader) throws(JSONError) in
                try reader.skipValue()
                try reader.expectEnd()
            }
        }

        /// Checks a whole document against the JSON grammar with ``JSONReader/skipValue()``.
        static func validate(_ text: String) throws(JSONError) {
            try Self.validate(Array(text.utf8))
        }

        /// The tree in Swift's notation, for failure messages.
        var description: String {
            switch self {
            case .null: "null"
            case .bool(let value): "\(value)"
            case .integer(let value): "\(value)"
            case .string(let value): "\(value.debugDescription)"
            case .array(let elements): "\(elements)"
            case .object(let members): "\(members)"
            }
        }
    }

    /// A record shaped like a journal event, written and read with the primitives as the event codec
    /// will.
    ///
    /// The fields mirror the envelope (`seq`, `at`, `type`, `v`, `dossier`, `command`), an `actor` object
    /// with two optional members, and a `data` object with a string that needs escapes.
    struct SampleRecord: Equatable {
        var sequence: UInt64
        var at: Int64
        var type: String
        var version: Int64
        var dossier: String
        var actorID: String
        var role: String
        var profession: String?
        var structure: String?
        var authentication: String
        var command: String
        var document: String
        var typeCode: String
        var title: String
        var size: Int64
        var confidential: Bool

        /// A record with every field set.
        static let example = SampleRecord(
            sequence: 1042,
            at: 1_772_442_847_120,
            type: "DocumentDeposited",
            version: 1,
            dossier: "6f1c2e9a-3b7d-4c1e-9a4f-2d8e7b6c5a10",
            actorID: "810002345678",
            role: "professional",
            profession: "10",
            structure: "750712184",
            authentication: "cps",
            command: "cmd-7f3a9c2e-0001",
            document: "doc-5b2e8f10",
            typeCode: "11488-4",
            title: "Compte rendu de consultation \"cardio\"\n",
            size: 48213,
            confidential: false
        )

        /// The exact bytes ``encoded()`` writes for ``example``.
        static let exampleJSON =
            #"{"seq":1042,"at":"2026-03-02T09:14:07.120Z","type":"DocumentDeposited","v":1,"#
            + #""dossier":"6f1c2e9a-3b7d-4c1e-9a4f-2d8e7b6c5a10","#
            + #""actor":{"id":"810002345678","role":"professional","profession":"10","structure":"750712184","#
            + #""authentication":"cps"},"command":"cmd-7f3a9c2e-0001","#
            + #""data":{"document":"doc-5b2e8f10","typeCode":"11488-4","#
            + #""title":"Compte rendu de consultation \"cardio\"\n","size":48213,"confidential":false}}"#

        /// Writes the record with ``JSONWriter``, omitting absent optional members.
        func encoded() -> [UInt8] {
            var writer = JSONWriter()
            writer.beginObject()
            writer.field("seq", self.sequence)
            writer.field("at", timestamp: self.at)
            writer.field("type", self.type)
            writer.field("v", self.version)
            writer.field("dossier", self.dossier)
            writer.key("actor")
            writer.beginObject()
            writer.field("id", self.actorID)
            writer.field("role", self.role)
            writer.field("profession", self.profession)
            writer.field("structure", self.structure)
            writer.field("authentication", self.authentication)
            writer.endObject()
            writer.field("command", self.command)
            writer.key("data")
            writer.beginObject()
            writer.field("document", self.document)
            writer.field("typeCode", self.typeCode)
            writer.field("title", self.title)
            writer.field("size", self.size)
            writer.field("confidential", self.confidential)
            writer.endObject()
            writer.endObject()
            return writer.finish()
        }

        /// Creates a record from its fields.
        init(
            sequence: UInt64,
            at: Int64,
            type: String,
            version: Int64,
            dossier: String,
            actorID: String,
            role: String,
            profession: String?,
            structure: String?,
            authentication: String,
            command: String,
            document: String,
            typeCode: String,
            title: String,
            size: Int64,
            confidential: Bool
        ) {
            self.sequence = sequence
            self.at = at
            self.type = type
            self.version = version
            self.dossier = dossier
            self.actorID = actorID
            self.role = role
            self.profession = profession
            self.structure = structure
            self.authentication = authentication
            self.command = command
            self.document = document
            self.typeCode = typeCode
            self.title = title
            self.size = size
            self.confidential = confidential
        }

        /// Reads a record with ``JSONReader``, in any member order, skipping unknown members.
        init(decoding bytes: [UInt8]) throws(JSONError) {
            self = try JSONReader.read(bytes) { (reader) throws(JSONError) -> SampleRecord in
                var record = SampleRecord(
                    sequence: 0,
                    at: 0,
                    type: "",
                    version: 0,
                    dossier: "",
                    actorID: "",
                    role: "",
                    profession: nil,
                    structure: nil,
                    authentication: "",
                    command: "",
                    document: "",
                    typeCode: "",
                    title: "",
                    size: 0,
                    confidential: false
                )
                try reader.beginObject()
                while let key = try reader.nextKey() {
                    switch key {
                    case "seq": record.sequence = try reader.readUInt64()
                    case "at": record.at = try reader.readTimestamp()
                    case "type": record.type = try reader.readString()
                    case "v": record.version = try reader.readInt64()
                    case "dossier": record.dossier = try reader.readString()
                    case "command": record.command = try reader.readString()
                    case "actor":
                        try reader.beginObject()
                        while let key = try reader.nextKey() {
                            switch key {
                            case "id": record.actorID = try reader.readString()
                            case "role": record.role = try reader.readString()
                            case "profession": record.profession = try reader.readNull() ? nil : try reader.readString()
                            case "structure": record.structure = try reader.readNull() ? nil : try reader.readString()
                            case "authentication": record.authentication = try reader.readString()
                            default: try reader.skipValue()
                            }
                        }
                    case "data":
                        try reader.beginObject()
                        while let key = try reader.nextKey() {
                            switch key {
                            case "document": record.document = try reader.readString()
                            case "typeCode": record.typeCode = try reader.readString()
                            case "title": record.title = try reader.readString()
                            case "size": record.size = try reader.readInt64()
                            case "confidential": record.confidential = try reader.readBool()
                            default: try reader.skipValue()
                            }
                        }
                    default:
                        try reader.skipValue()
                    }
                }
                try reader.expectEnd()
                return record
            }
        }
    }
}
