import DMP
import Testing

extension JSONCodecTests {
    @Suite struct Writer {
        @Test(
            "strings are escaped as RFC 8259 requires and no more",
            arguments: [
                ("\"", #""\"""#),
                ("\\", #""\\""#),
                ("/", #""/""#),
                ("\n", #""\n""#),
                ("\r", #""\r""#),
                ("\t", #""\t""#),
                ("\u{8}", #""\b""#),
                ("\u{C}", #""\f""#),
                ("\u{0}", #""\u0000""#),
                ("\u{1}", #""\u0001""#),
                ("\u{B}", #""\u000b""#),
                ("\u{1B}", #""\u001b""#),
                ("\u{1F}", #""\u001f""#),
                ("\u{7F}", "\"\u{7F}\""),
                ("é", "\"é\""),
                ("😀", "\"😀\""),
                ("\u{2028}", "\"\u{2028}\""),
                ("a\"b\\c/d\ne", #""a\"b\\c/d\ne""#),
                ("0123456789abcdef\"", #""0123456789abcdef\"""#),
            ]
        )
        func escaping(value: String, expected: String) {
            var writer = JSONWriter()
            writer.string(value)
            #expect(String(decoding: writer.finish(), as: UTF8.self) == expected)
        }

        @Test("no output ever holds a raw line feed, whatever the strings hold")
        func noRawLineFeed() throws {
            var random = SeededRandom(seed: 0x0A0A)
            let alphabet: [Character] = ["\n", "\r", "\t", "\u{0}", "\u{1F}", "\"", "\\", "/", "a", "é", "😀", " "]
            for _ in 0..<2_000 {
                let length = Int(random.next() % 40)
                let value = String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
                var writer = JSONWriter(capacity: 0)
                writer.beginObject()
                writer.field("text", value)
                writer.key("list")
                writer.beginArray()
                writer.string(value)
                writer.endArray()
                writer.endObject()
                let bytes = writer.finish()
                #expect(!bytes.contains(0x0A))
                let read = try JSONTree.read(bytes)
                #expect(read == .object(["text": .string(value), "list": .array([.string(value)])]))
            }
        }

        @Test("commas go between members and elements, never elsewhere")
        func commas() {
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("empty")
            writer.beginObject()
            writer.endObject()
            writer.key("list")
            writer.beginArray()
            writer.int(1)
            writer.beginArray()
            writer.endArray()
            writer.beginObject()
            writer.field("a", true)
            writer.field("b", false)
            writer.endObject()
            writer.null()
            writer.string("x")
            writer.endArray()
            writer.key("n")
            writer.null()
            writer.endObject()
            #expect(
                String(decoding: writer.finish(), as: UTF8.self)
                    == #"{"empty":{},"list":[1,[],{"a":true,"b":false},null,"x"],"n":null}"#
            )
        }

        @Test("an optional member is omitted when nil and written when present")
        func optionalMembers() {
            var writer = JSONWriter()
            writer.beginObject()
            writer.field("s", String?.none)
            writer.field("i", Int64?.none)
            writer.field("u", UInt64?.none)
            writer.field("b", Bool?.none)
            writer.field("t", timestamp: Int64?.none)
            writer.field("o", ifPresent: Int?.none) { writer, _ in writer.null() }
            writer.field("first", "yes")
            writer.field("s", String?.some("v"))
            writer.field("i", Int64?.some(-3))
            writer.field("u", UInt64?.some(3))
            writer.field("b", Bool?.some(true))
            writer.field("t", timestamp: Int64?.some(0))
            writer.field("o", ifPresent: Int?.some(2)) { writer, value in
                writer.beginArray()
                writer.int(Int64(value))
                writer.endArray()
            }
            writer.endObject()
            #expect(
                String(decoding: writer.finish(), as: UTF8.self)
                    == #"{"first":"yes","s":"v","i":-3,"u":3,"b":true,"t":"1970-01-01T00:00:00.000Z","o":[2]}"#
            )
        }

        @Test("the same calls give the same bytes")
        func deterministic() {
            let first = SampleRecord.example.encoded()
            for _ in 0..<10 {
                #expect(SampleRecord.example.encoded() == first)
            }
        }

        @Test("writing into a buffer appends in place, reusing its storage without copying it")
        func writeIntoBufferInPlace() {
            var buffer = Array("{\"earlier\":1}\n".utf8)
            buffer.reserveCapacity(4096)
            let storage = buffer.withUnsafeBufferPointer { $0.baseAddress }
            for sequence in UInt64(1)...3 {
                JSONWriter.write(into: &buffer) { writer in
                    writer.beginObject()
                    writer.field("seq", sequence)
                    writer.endObject()
                }
                buffer.append(0x0A)
            }
            #expect(buffer.withUnsafeBufferPointer { $0.baseAddress } == storage)
            #expect(
                String(decoding: buffer, as: UTF8.self)
                    == "{\"earlier\":1}\n{\"seq\":1}\n{\"seq\":2}\n{\"seq\":3}\n"
            )
        }

        @Test("writing into a buffer that throws leaves the buffer as it was")
        func writeIntoBufferThrowing() {
            struct Stop: Error {}
            var buffer = Array("x".utf8)
            #expect(throws: Stop.self) {
                try JSONWriter.write(into: &buffer) { (writer) throws(Stop) in
                    writer.beginArray()
                    throw Stop()
                }
            }
            #expect(buffer == Array("x".utf8))
        }

        @Test("the output grows past its initial capacity")
        func growth() throws {
            let long = String(repeating: "é\"", count: 50_000)
            var writer = JSONWriter(capacity: 0)
            writer.beginArray()
            for index in 0..<10_000 {
                writer.int(Int64(index))
            }
            writer.string(long)
            writer.endArray()
            let bytes = writer.finish()
            let tree = try JSONTree.read(bytes)
            guard case .array(let elements) = tree else {
                Issue.record("expected an array")
                return
            }
            #expect(elements.count == 10_001)
            #expect(elements.last == .string(long))
            #expect(elements[9_999] == .integer(9_999))
        }

        @Test("string bytes are written as UTF-8, invalid sequences replaced")
        func stringBytes() {
            var writer = JSONWriter()
            writer.beginArray()
            Array("é\n".utf8).withUnsafeBytes { writer.string(bytes: $0) }
            ([0x61, 0xFF, 0x62] as [UInt8]).withUnsafeBytes { writer.string(bytes: $0) }
            writer.endArray()
            #expect(String(decoding: writer.finish(), as: UTF8.self) == "[\"é\\n\",\"a\u{FFFD}b\"]")
        }

        @Test("count and bytes show the output so far")
        func countAndBytes() {
            var writer = JSONWriter()
            writer.beginArray()
            writer.bool(true)
            #expect(writer.count == 5)
            #expect(writer.bytes == Array("[true".utf8))
            writer.endArray()
            #expect(writer.bytes == Array("[true]".utf8))
        }
    }
}
