import DMP
import Testing

extension JSONCodecTests {
    @Suite struct Reader {
        /// Reads the one string of a document.
        private func string(_ text: String) throws(JSONError) -> String {
            try JSONReader.read(Array(text.utf8)) { (reader) throws(JSONError) -> String in
                let value = try reader.readString()
                try reader.expectEnd()
                return value
            }
        }

        @Test("every escape decodes, including surrogate pairs")
        func escapes() throws {
            let text = #""\"\\\/\b\f\n\r\t\u0041\u00e9\u00E9\u20AC\uD83D\uDE00\uD83C\uDDEB\uD83C\uDDF7\u0000""#
            #expect(try self.string(text) == "\"\\/\u{8}\u{C}\n\r\tAéé€😀🇫🇷\u{0}")
        }

        @Test(
            "a \\u escape decodes to the scalar it names, in one to four UTF-8 bytes",
            arguments: [
                (#""\u0024""#, "$"), (#""\u00A2""#, "¢"), (#""\u0939""#, "ह"), (#""\u20AC""#, "€"),
                (#""\uD55C""#, "한"), (#""\uD800\uDF48""#, "𐍈"), (#""\uDBFF\uDFFF""#, "\u{10FFFF}"),
                (#""x\uD83D\uDE00y""#, "x😀y"),
            ]
        )
        func unicodeEscapes(text: String, expected: String) throws {
            #expect(try self.string(text) == expected)
        }

        @Test("non-ASCII UTF-8 is read as is, at every position relative to an eight-byte word")
        func rawUTF8() throws {
            for padding in 0..<9 {
                let value = String(repeating: "a", count: padding) + "é😀漢" + String(repeating: "b", count: padding)
                #expect(try self.string("\"\(value)\"") == value)
            }
        }

        @Test("a string without escapes is returned as a view into the input")
        func zeroCopyView() throws {
            let bytes = Array(#"["plain é", "esc\naped"]"#.utf8)
            try bytes.withUnsafeBytes { buffer in
                var reader = JSONReader(buffer)
                try reader.beginArray()
                #expect(try reader.nextElement())
                let view = try #require(try reader.readStringBytes())
                #expect(String(decoding: view, as: UTF8.self) == "plain é")
                #expect(view.baseAddress == buffer.baseAddress.map { $0 + 2 })
                #expect(try reader.nextElement())
                let before = reader.offset
                #expect(try reader.readStringBytes() == nil)
                #expect(reader.offset == before)
                #expect(try reader.readString() == "esc\naped")
                #expect(try reader.nextElement() == false)
                try reader.expectEnd()
            }
        }

        @Test("a key compares with a compile-time name, even when written with escapes")
        func keys() throws {
            let bytes = Array(#"{"type":1,"typ\u0065":2,"types":3,"":4,"é":5}"#.utf8)
            let matches = try JSONReader.read(bytes) { (reader) throws(JSONError) -> [String] in
                var matches: [String] = []
                try reader.beginObject()
                while let key = try reader.nextKey() {
                    let value = try reader.readInt64()
                    switch key {
                    case "type": matches.append("type=\(value)")
                    case "": matches.append("empty=\(value)")
                    case "é": matches.append("é=\(value)")
                    default:
                        #expect(key != "type")
                        matches.append("other \(key.string)=\(value)")
                    }
                }
                return matches
            }
            #expect(matches == ["type=1", "type=2", "other types=3", "empty=4", "é=5"])
        }

        @Test("null is consumed only when present, and peeked without consuming")
        func nulls() throws {
            let bytes = Array(#"[ null , "x" ]"#.utf8)
            try JSONReader.read(bytes) { (reader) throws(JSONError) in
                try reader.beginArray()
                #expect(try reader.nextElement())
                #expect(reader.isNull)
                #expect(try reader.readNull())
                #expect(try reader.nextElement())
                #expect(!reader.isNull)
                #expect(try reader.readNull() == false)
                #expect(try reader.readString() == "x")
                #expect(try reader.nextElement() == false)
                try reader.expectEnd()
            }
        }

        @Test("booleans, integers and whitespace of every kind")
        func scalars() throws {
            let bytes = Array(" \t\r\n[true,false , -0,0, 7 ,-42]\n\r\t ".utf8)
            let values = try JSONReader.read(bytes) { (reader) throws(JSONError) -> [String] in
                try reader.beginArray()
                var values: [String] = []
                _ = try reader.nextElement()
                values.append("\(try reader.readBool())")
                _ = try reader.nextElement()
                values.append("\(try reader.readBool())")
                while try reader.nextElement() {
                    values.append("\(try reader.readInt64())")
                }
                try reader.expectEnd()
                return values
            }
            #expect(values == ["true", "false", "0", "0", "7", "-42"])
        }

        @Test(
            "an integer out of range is refused",
            arguments: [
                ("9223372036854775808", true), ("-9223372036854775809", true), ("18446744073709551616", false),
                ("99999999999999999999", false), ("-99999999999999999999", true), ("184467440737095516150", false),
            ]
        )
        func overflow(text: String, signed: Bool) {
            let error = #expect(throws: JSONError.self) {
                try JSONReader.read(Array(text.utf8)) { (reader) throws(JSONError) in
                    if signed {
                        _ = try reader.readInt64()
                    } else {
                        _ = try reader.readUInt64()
                    }
                }
            }
            #expect(error?.code == .numberOverflow)
            #expect(error?.offset == 0)
        }

        @Test(
            "a number that is not a plain integer is refused where an integer is expected",
            arguments: ["1.5", "1e3", "1E3", "01", "-01", "00", "-", "--1", "+1", "\"1\"", "true", "0x10", "1.0"]
        )
        func notAnInteger(text: String) {
            let error = #expect(throws: JSONError.self) {
                try JSONReader.read(Array(text.utf8)) { (reader) throws(JSONError) in
                    _ = try reader.readInt64()
                }
            }
            #expect(error?.code == .invalidNumber || error?.code == .unexpectedEnd)
        }

        @Test("a negative number is refused where an unsigned integer is expected")
        func negativeUnsigned() {
            let error = #expect(throws: JSONError.self) {
                try JSONReader.read(Array("[-1]".utf8)) { (reader) throws(JSONError) in
                    try reader.beginArray()
                    _ = try reader.nextElement()
                    _ = try reader.readUInt64()
                }
            }
            #expect(error?.code == .invalidNumber)
            #expect(error?.offset == 1)
        }

        @Test("skipping a value skips everything nested in it")
        func skipNested() throws {
            let text = #"""
                {"skip": {"a": [1, -2.5e+10, 0.0, 3E-2, true, false, null, "s\"\u00e9", {"b": [[], {}, [{}]]}],
                          "c": {"d": {"e": {"f": "g"}}}},
                 "keep": "yes", "skip2": [[[[[[1]]]]]], "last": 7}
                """#
            let kept = try JSONReader.read(Array(text.utf8)) { (reader) throws(JSONError) -> [String] in
                var kept: [String] = []
                try reader.beginObject()
                while let key = try reader.nextKey() {
                    if key == "keep" {
                        kept.append(try reader.readString())
                    } else if key == "last" {
                        kept.append("\(try reader.readInt64())")
                    } else {
                        try reader.skipValue()
                    }
                }
                #expect(reader.depth == 0)
                try reader.expectEnd()
                return kept
            }
            #expect(kept == ["yes", "7"])
        }

        @Test(
            "skipping accepts every number form of the grammar",
            arguments: ["0", "-0", "1", "-1", "10", "0.5", "-0.5", "1e5", "1E+5", "1e-5", "123.456e789", "-0.0e0"]
        )
        func skipNumbers(text: String) throws {
            try JSONTree.validate(text)
            try JSONTree.validate("[\(text),\(text)]")
        }

        @Test("nesting up to the maximum depth is accepted, one more level is refused")
        func depth() throws {
            let depth = JSONReader.maximumDepth
            try JSONTree.validate(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
            try JSONTree.validate(
                String(repeating: "{\"a\":", count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
            )
            let error = #expect(throws: JSONError.self) {
                try JSONTree.validate(
                    String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
                )
            }
            #expect(error?.code == .tooDeep)
            #expect(error?.offset == depth)
        }

        @Test("peeking tells the kind of the next value")
        func kinds() throws {
            let bytes = Array(#"[{}, [], "", -1, 2, true, false, null]"#.utf8)
            let kinds = try JSONReader.read(bytes) { (reader) throws(JSONError) -> [JSONValueKind] in
                var kinds: [JSONValueKind] = []
                try reader.beginArray()
                while try reader.nextElement() {
                    kinds.append(try reader.peekKind())
                    try reader.skipValue()
                }
                return kinds
            }
            #expect(kinds == [.object, .array, .string, .number, .number, .bool, .bool, .null])
        }

        @Test("a timestamp reads without allocating a string, and refuses any other form")
        func timestamps() throws {
            let bytes = Array(
                #"["2026-03-02T09:14:07.120Z", "2026-03-02T09:14:07.12Z", "2026-02-30T00:00:00.000Z"]"#.utf8
            )
            try JSONReader.read(bytes) { (reader) throws(JSONError) in
                try reader.beginArray()
                _ = try reader.nextElement()
                #expect(try reader.readTimestamp() == 1_772_442_847_120)
                _ = try reader.nextElement()
                let short = #expect(throws: JSONError.self) { try reader.readTimestamp() }
                #expect(short?.code == .invalidTimestamp)
                #expect(short?.offset == 30)
            }
            let error = #expect(throws: JSONError.self) {
                try JSONReader.read(bytes) { (reader) throws(JSONError) in
                    try reader.beginArray()
                    while try reader.nextElement() {
                        if reader.offset > 50 {
                            _ = try reader.readTimestamp()
                        } else {
                            try reader.skipValue()
                        }
                    }
                }
            }
            #expect(error?.code == .invalidTimestamp)
            #expect(error?.offset == 65)
            #expect(error?.description == "day 30 does not exist in month 2 of 2026, which has 28 days at byte 65")
        }

        @Test("errors name what was expected and the byte offset")
        func errorDescription() {
            let error = #expect(throws: JSONError.self) {
                try JSONReader.read(Array("            [".utf8)) { (reader) throws(JSONError) in
                    try reader.beginObject()
                }
            }
            #expect(error?.description == "expected '{' at byte 12")
            #expect(error?.code == .unexpectedByte)
            do {
                try JSONTree.validate("{")
                Issue.record("expected an error")
            } catch JSONError.unexpectedEnd {
                // matched by code
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
