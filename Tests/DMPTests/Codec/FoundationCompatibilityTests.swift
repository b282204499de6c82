import DMP
import Foundation
import Testing

extension JSONCodecTests {
    /// Foundation's `JSONSerialization` as an independent reference (tests only: the module itself does
    /// not use Foundation).
    @Suite struct FoundationCompatibility {
        /// Whether a tree read by ``JSONReader`` holds the same values as what Foundation read.
        private static func same(_ tree: JSONTree, _ foundation: Any) -> Bool {
            switch tree {
            case .null:
                return foundation is NSNull
            case .bool(let value):
                return (foundation as? Bool) == value
            case .integer(let value):
                return (foundation as? NSNumber)?.int64Value == value
            case .string(let value):
                return (foundation as? String) == value
            case .array(let elements):
                guard let other = foundation as? [Any], other.count == elements.count else {
                    return false
                }
                return zip(elements, other).allSatisfy { Self.same($0, $1) }
            case .object(let members):
                guard let other = foundation as? [String: Any], other.count == members.count else {
                    return false
                }
                return members.allSatisfy { key, value in other[key].map { Self.same(value, $0) } ?? false }
            }
        }

        /// Reads a document with Foundation.
        private static func foundation(_ bytes: [UInt8]) throws -> Any {
            try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        }

        /// Documents both readers must accept, with escapes, limits, nesting and whitespace.
        static let documents: [String] = [
            #"{"seq":1042,"at":"2026-03-02T09:14:07.120Z","type":"DocumentDeposited","v":1}"#,
            #"{"escapes":"\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\uD83D\uDE00\u0000\u001F","raw":"é😀漢字"}"#,
            #"[ -9223372036854775807, 9223372036854775807, 0, -0, 42 ]"#,
            #"{"nested":{"a":[true,false,null,{"b":[[],{}]}]},"empty":"","k\u00e9y":"value"}"#,
            "  \t\r\n {\"whitespace\" :\n[ 1 ,\t2 ] }  \n",
            SampleRecord.exampleJSON,
        ]

        @Test("JSONReader reads the same values as JSONSerialization", arguments: Self.documents)
        func sameValues(document: String) throws {
            let bytes = Array(document.utf8)
            let tree = try JSONTree.read(bytes)
            let reference = try Self.foundation(bytes)
            #expect(Self.same(tree, reference), "\(tree) vs \(reference)")
        }

        @Test("JSONSerialization reads what JSONWriter writes, every escape included")
        func foundationReadsWriterOutput() throws {
            var every = ""
            for scalar in 0..<0x80 {
                every.unicodeScalars.append(Unicode.Scalar(UInt8(scalar)))
            }
            let strings = [
                every, "é😀漢字 \u{2028}\u{2029} \u{FEFF}", "\"quoted\" \\ / \n", "", SampleRecord.example.title,
            ]
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("strings")
            writer.beginArray()
            for string in strings {
                writer.string(string)
            }
            writer.endArray()
            writer.field("min", Int64.min)
            writer.field("max", Int64.max)
            writer.field("at", timestamp: 1_772_442_847_120)
            writer.field("yes", true)
            writer.key("nothing")
            writer.null()
            writer.endObject()
            let bytes = writer.finish()

            let reference = try #require(try Self.foundation(bytes) as? [String: Any])
            #expect(reference["strings"] as? [String] == strings)
            #expect((reference["min"] as? NSNumber)?.int64Value == Int64.min)
            #expect((reference["max"] as? NSNumber)?.int64Value == Int64.max)
            #expect(reference["at"] as? String == "2026-03-02T09:14:07.120Z")
            #expect(reference["yes"] as? Bool == true)
            #expect(reference["nothing"] is NSNull)
            #expect(Self.same(try JSONTree.read(bytes), reference))
        }

        @Test("random strings written by JSONWriter read the same in JSONSerialization and JSONReader")
        func randomStrings() throws {
            var random = SeededRandom(seed: 8259)
            let alphabet: [Unicode.Scalar] = ["\u{0}", "\u{1F}", "\n", "\"", "\\", "/", "a", "é", "€", "😀", "\u{7F}"]
            var strings: [String] = []
            for _ in 0..<500 {
                var string = ""
                for _ in 0..<(random.next() % 24) {
                    string.unicodeScalars.append(alphabet[Int(random.next() % UInt64(alphabet.count))])
                }
                strings.append(string)
            }
            var writer = JSONWriter()
            writer.beginArray()
            for string in strings {
                writer.string(string)
            }
            writer.endArray()
            let bytes = writer.finish()
            #expect(try Self.foundation(bytes) as? [String] == strings)
            #expect(try JSONTree.read(bytes) == .array(strings.map { .string($0) }))
        }
    }
}
