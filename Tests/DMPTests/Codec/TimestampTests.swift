import DMP
import Testing

extension JSONCodecTests {
    @Suite struct Timestamps {
        @Test(
            "known instants format to their RFC 3339 text and parse back",
            arguments: [
                (Int64(0), "1970-01-01T00:00:00.000Z"),
                (951_868_799_999, "2000-02-29T23:59:59.999Z"),
                (1_772_442_847_120, "2026-03-02T09:14:07.120Z"),
                (-1, "1969-12-31T23:59:59.999Z"),
                (-2_203_891_200_000, "1900-03-01T00:00:00.000Z"),
                (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
                (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
                (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),
            ]
        )
        func knownInstants(milliseconds: Int64, text: String) throws {
            #expect(Timestamp.format(milliseconds) == text)
            #expect(try Timestamp.parse(text) == milliseconds)
            #expect(try Timestamp.parseRFC3339(text) == milliseconds)
        }

        @Test("the range covers the years 0000 to 9999; formatting describes an instant outside it")
        func range() {
            #expect(Timestamp.format(Timestamp.range.lowerBound) == "0000-01-01T00:00:00.000Z")
            #expect(Timestamp.format(Timestamp.range.upperBound) == "9999-12-31T23:59:59.999Z")
            #expect(Timestamp.format(Timestamp.range.upperBound + 1) == "253402300800000 ms since 1970-01-01T00:00:00Z")
            #expect(Timestamp.format(Int64.min) == "-9223372036854775808 ms since 1970-01-01T00:00:00Z")
        }

        @Test("every day from 1600 to 2400, and every 29th day from 0000 to 9999, formats and parses back in order")
        func days() throws {
            let day: Int64 = 86_400_000
            let dense =
                try Timestamp.parse("1600-01-01T00:00:00.000Z")...(try Timestamp.parse("2400-12-31T00:00:00.000Z"))
            var previous = ""
            var failures: [String] = []
            var instant = Timestamp.range.lowerBound + 43_200_123
            while instant <= Timestamp.range.upperBound {
                let text = Timestamp.format(instant)
                if (try? Timestamp.parse(text)) != instant || text <= previous || !text.hasSuffix("T12:00:00.123Z") {
                    failures.append(text)
                }
                previous = text
                instant += dense.contains(instant) ? day : 29 * day
            }
            #expect(failures.isEmpty)
            #expect(previous.hasPrefix("9999-12"))
        }

        @Test("random instants format and parse back")
        func randomInstants() throws {
            var random = SeededRandom(seed: 3339)
            let width = UInt64(Timestamp.range.upperBound - Timestamp.range.lowerBound)
            for _ in 0..<20_000 {
                let instant = Timestamp.range.lowerBound + Int64(random.next() % width)
                #expect(try Timestamp.parse(Timestamp.format(instant)) == instant)
            }
        }

        @Test(
            "any RFC 3339 date-time is accepted by the lenient parser",
            arguments: [
                ("2026-03-02T10:14:07.12+01:00", Int64(1_772_442_847_120)),
                ("2026-03-02T09:14:07.120Z", 1_772_442_847_120),
                ("2026-03-02t09:14:07.120z", 1_772_442_847_120),
                ("2026-03-02T09:14:07.1209999Z", 1_772_442_847_120),
                ("2026-03-02T09:14:07.12Z", 1_772_442_847_120),
                ("2026-03-02T09:14:07Z", 1_772_442_847_000),
                ("2026-03-02T09:14:07.1Z", 1_772_442_847_100),
                ("2026-03-02T03:44:07.120-05:30", 1_772_442_847_120),
                ("2026-03-02T09:14:07.120+00:00", 1_772_442_847_120),
                ("2026-03-02T09:14:07.120-00:00", 1_772_442_847_120),
                ("2026-03-03T09:13:07.120+23:59", 1_772_442_847_120),
                ("1970-01-01T00:59:59.999+01:00", -1),
            ]
        )
        func lenient(text: String, expected: Int64) throws {
            #expect(try Timestamp.parseRFC3339(text) == expected)
        }

        @Test(
            "the record form is exactly YYYY-MM-DDTHH:MM:SS.mmmZ",
            arguments: [
                ("2026-03-02T09:14:07.12Z", 0), ("2026-03-02T09:14:07.1200Z", 0), ("2026-03-02t09:14:07.120Z", 10),
                ("2026-03-02T09:14:07.120z", 23), ("2026-03-02 09:14:07.120Z", 10), ("2026-03-02T09:14:07,120Z", 19),
                ("2026-3-02T09:14:07.120ZZ", 6), ("20260302T09:14:07.120Z+0", 4), ("2026-03-02T09:14:07.12+01", 0),
                ("", 0), ("2026-03-02T09:14:07.120Z ", 0), ("+026-03-02T09:14:07.120Z", 0),
            ]
        )
        func strictForm(text: String, offset: Int) {
            let error = #expect(throws: JSONError.self) { try Timestamp.parse(text) }
            #expect(error?.code == .invalidTimestamp)
            #expect(error?.offset == offset)
        }

        @Test(
            "dates and times that do not exist are refused",
            arguments: [
                "2026-02-30T00:00:00.000Z", "2023-02-29T00:00:00.000Z", "1900-02-29T00:00:00.000Z",
                "2026-04-31T00:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-00-01T00:00:00.000Z",
                "2026-01-00T00:00:00.000Z", "2026-01-32T00:00:00.000Z", "2026-01-01T24:00:00.000Z",
                "2026-01-01T23:60:00.000Z", "2026-01-01T23:59:60.000Z", "2026-01-01T99:99:99.999Z",
            ]
        )
        func impossible(text: String) {
            let strict = #expect(throws: JSONError.self) { try Timestamp.parse(text) }
            #expect(strict?.code == .invalidTimestamp)
            let lenient = #expect(throws: JSONError.self) { try Timestamp.parseRFC3339(text) }
            #expect(lenient?.code == .invalidTimestamp)
        }

        @Test("2000 and 2024 have a February 29, 1900 and 2100 do not")
        func leapYears() throws {
            #expect(try Timestamp.parse("2000-02-29T00:00:00.000Z") == 951_782_400_000)
            #expect(try Timestamp.parse("2024-02-29T00:00:00.000Z") == 1_709_164_800_000)
            #expect(throws: JSONError.self) { try Timestamp.parse("2100-02-29T00:00:00.000Z") }
        }

        @Test(
            "the lenient parser still refuses what is not RFC 3339",
            arguments: [
                "2026-03-02T09:14:07.120", "2026-03-02T09:14:07.Z", "2026-03-02T09:14:07.120+1:00",
                "2026-03-02T09:14:07.120+01", "2026-03-02T09:14:07.120+0100", "2026-03-02T09:14:07.120+24:00",
                "2026-03-02T09:14:07.120+01:60", "2026-03-02 09:14:07Z", "2026-03-02", "2026-03-02T09:14Z",
                "2026-03-02T09:14:07.120Z ", " 2026-03-02T09:14:07.120Z", "2026-03-02T09:14:07.120UTC",
                "2026-03-02T09:14:07.1a0Z", "２０２６-03-02T09:14:07Z", "0000-01-01T00:30:00+01:00",
                "9999-12-31T23:30:00-01:00",
            ]
        )
        func lenientRefusals(text: String) {
            let error = #expect(throws: JSONError.self) { try Timestamp.parseRFC3339(text) }
            #expect(error?.code == .invalidTimestamp)
        }
    }
}
