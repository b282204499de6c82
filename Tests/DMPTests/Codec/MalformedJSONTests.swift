import DMP
import Testing

extension JSONCodecTests {
    @Suite struct Malformed {
        /// A broken document, the error it must raise, and where.
        struct Case: CustomStringConvertible, Sendable {
            /// The document.
            let bytes: [UInt8]
            /// The code of the error it must raise.
            let code: JSONError.Code
            /// The offset the error must name.
            let offset: Int

            /// A case whose document is text.
            init(_ text: String, _ code: JSONError.Code, _ offset: Int) {
                self.bytes = Array(text.utf8)
                self.code = code
                self.offset = offset
            }

            /// A case whose document is raw bytes, such as invalid UTF-8.
            init(bytes: [UInt8], _ code: JSONError.Code, _ offset: Int) {
                self.bytes = bytes
                self.code = code
                self.offset = offset
            }

            /// The document, quoted, as the test's argument label.
            var description: String {
                String(decoding: self.bytes, as: UTF8.self).debugDescription
            }
        }

        /// Broken documents: truncations, bad structure, bad numbers, bad strings, bad literals,
        /// trailing bytes and deep nesting.
        static let cases: [Case] = [
            Case("", .unexpectedEnd, 0),
            Case("   ", .unexpectedEnd, 3),
            Case("{", .unexpectedEnd, 1),
            Case(#"{"a""#, .unexpectedEnd, 4),
            Case(#"{"a":"#, .unexpectedEnd, 5),
            Case(#"{"a":1"#, .unexpectedEnd, 6),
            Case(#"{"a":1,}"#, .unexpectedByte, 7),
            Case(#"{"a":1,,"b":2}"#, .unexpectedByte, 7),
            Case("[1,]", .unexpectedByte, 3),
            Case("[,1]", .unexpectedByte, 1),
            Case("[1,,2]", .unexpectedByte, 3),
            Case("[1 2]", .unexpectedByte, 3),
            Case(#"{"a" 1}"#, .unexpectedByte, 5),
            Case(#"{"a":1 "b":2}"#, .unexpectedByte, 7),
            Case("{a:1}", .unexpectedByte, 1),
            Case("{'a':1}", .unexpectedByte, 1),
            Case(#"{"a":01}"#, .invalidNumber, 5),
            Case("-", .unexpectedEnd, 1),
            Case("-a", .invalidNumber, 1),
            Case("1.", .unexpectedEnd, 2),
            Case("1.e5", .invalidNumber, 2),
            Case("1e", .unexpectedEnd, 2),
            Case("1e+", .unexpectedEnd, 3),
            Case(".5", .unexpectedByte, 0),
            Case("+1", .unexpectedByte, 0),
            Case("NaN", .unexpectedByte, 0),
            Case("Infinity", .unexpectedByte, 0),
            Case("123abc", .invalidNumber, 3),
            Case("[1true]", .invalidNumber, 2),
            Case("-0x1", .invalidNumber, 2),
            Case(#""abc"#, .unexpectedEnd, 4),
            Case("\"a\nb\"", .controlCharacter, 2),
            Case("\"tab\there\"", .controlCharacter, 4),
            Case("\"0123456789\u{1}\"", .controlCharacter, 11),
            Case(#""\x""#, .invalidEscape, 1),
            Case(#""\"#, .unexpectedEnd, 2),
            Case(#""\u12"#, .unexpectedEnd, 5),
            Case(#""\u12G4""#, .invalidEscape, 1),
            Case(#""\uDE00""#, .invalidEscape, 1),
            Case(#""\uD83D""#, .invalidEscape, 1),
            Case(#""\uD83Dx\uDE00""#, .invalidEscape, 1),
            Case(#""\uD83D\uD83D""#, .invalidEscape, 1),
            Case(bytes: [0x22, 0xC3, 0x28, 0x22], .invalidUTF8, 1),
            Case(bytes: [0x22, 0x61, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8, 2),
            Case(bytes: [0x22, 0xC0, 0xAF, 0x22], .invalidUTF8, 1),
            Case(bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22], .invalidUTF8, 1),
            Case(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8, 1),
            Case(bytes: [0x22, 0xF0, 0x9F, 0x98, 0x22], .invalidUTF8, 1),
            Case(bytes: [0x22, 0x80, 0x22], .invalidUTF8, 1),
            Case(bytes: [0x22, 0xFF, 0x22], .invalidUTF8, 1),
            Case(bytes: [0x22, 0x5C, 0x6E, 0xFF, 0x22], .invalidUTF8, 3),
            Case(bytes: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], .invalidUTF8, 2),
            Case("tru", .unexpectedEnd, 3),
            Case("trUe", .unexpectedByte, 0),
            Case("nul", .unexpectedEnd, 3),
            Case("nulll", .trailingBytes, 4),
            Case(#"{"a":tru}"#, .unexpectedByte, 5),
            Case("{} x", .trailingBytes, 3),
            Case("{}{}", .trailingBytes, 2),
            Case(#"{"a":1}}"#, .trailingBytes, 7),
            Case("{}\u{0}", .trailingBytes, 2),
            Case("\u{FEFF}{}", .unexpectedByte, 0),
            Case("[\"a\"]]", .trailingBytes, 5),
            Case("]", .unexpectedByte, 0),
            Case(String(repeating: "[", count: 65) + String(repeating: "]", count: 65), .tooDeep, 64),
            Case(String(repeating: "[", count: 100_000), .tooDeep, 64),
            Case(String(repeating: #"{"a":"#, count: 100_000), .tooDeep, 320),
        ]

        @Test("a broken document is refused with an error that names the byte", arguments: Self.cases)
        func broken(entry: Case) {
            let error = #expect(throws: JSONError.self) { try JSONTree.validate(entry.bytes) }
            #expect(error?.code == entry.code, "\(error.map { "\($0)" } ?? "no error")")
            #expect(error?.offset == entry.offset, "\(error.map { "\($0)" } ?? "no error")")
        }

        @Test("every prefix of a valid document is refused as truncated, at its end")
        func everyPrefix() throws {
            let text = #"""
                {"seq":1042, "at":"2026-03-02T09:14:07.120Z", "neg":-12, "float":-1.5e-3, "t":true, "f":false,
                 "n":null, "s":"é😀\n\"\u00e9\uD83D\uDE00", "list":[0,[],{}], "deep":{"a":[{"b":"c"}]} }
                """#
            let bytes = Array(text.utf8)
            try JSONTree.validate(bytes)
            for length in 0..<bytes.count {
                let prefix = Array(bytes[0..<length])
                let error = #expect(throws: JSONError.self) { try JSONTree.validate(prefix) }
                #expect(error?.code == .unexpectedEnd, "prefix of \(length) bytes: \(error.map { "\($0)" } ?? "")")
                #expect(error?.offset == length, "prefix of \(length) bytes")
            }
        }

        @Test("every prefix of a record is refused by its typed decoder")
        func everyPrefixOfRecord() throws {
            let bytes = SampleRecord.example.encoded()
            for length in 0..<bytes.count {
                let prefix = Array(bytes[0..<length])
                let error = #expect(throws: JSONError.self) { try SampleRecord(decoding: prefix) }
                #expect(error?.code == .unexpectedEnd, "prefix of \(length) bytes")
                #expect(error.map { $0.offset <= length } ?? false)
            }
        }

        @Test("random garbage never traps: it is read or refused with an offset inside the input")
        func garbage() {
            var random = SeededRandom(seed: 0xBAD)
            let alphabet = Array(#"{}[]":,0123456789-+.eEtrufalsn\ "#.utf8) + [0x0A, 0xC3, 0xA9, 0xFF, 0x00]
            for _ in 0..<20_000 {
                let length = Int(random.next() % 48)
                let bytes = (0..<length).map { _ in
                    random.next() % 8 == 0
                        ? UInt8(truncatingIfNeeded: random.next())
                        : alphabet[Int(random.next() % UInt64(alphabet.count))]
                }
                do throws(JSONError) {
                    try JSONTree.validate(bytes)
                } catch {
                    #expect((0...bytes.count).contains(error.offset))
                }
            }
        }

        @Test("every single-byte change of a record never traps the decoders")
        func mutations() {
            let original = SampleRecord.example.encoded()
            let replacements: [UInt8] = [
                0x00, 0x0A, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x30, 0x2D, 0x80, 0xFF,
            ]
            for position in 0..<original.count {
                for replacement in replacements {
                    var bytes = original
                    bytes[position] = replacement
                    do throws(JSONError) {
                        _ = try SampleRecord(decoding: bytes)
                    } catch {
                        #expect((0...bytes.count).contains(error.offset))
                    }
                    do throws(JSONError) {
                        _ = try JSONTree.validate(bytes)
                    } catch {
                        #expect((0...bytes.count).contains(error.offset))
                    }
                }
            }
        }
    }
}
