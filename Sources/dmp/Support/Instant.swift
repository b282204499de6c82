import ArgumentParser
import DMP

/// Instants as the tool reads and prints them: milliseconds since 1970-01-01T00:00:00Z.
///
/// The tool prints instants in the form records hold (`2026-03-02T09:14:07.120Z`) and reads any
/// RFC 3339 date-time, or a bare date meaning midnight in Paris at the start of that day
/// (DOMAIN.md: calendar rules use the Europe/Paris calendar).
///
/// ```swift
/// Instant.parse("2026-03-02")                  // 2026-03-01T23:00:00.000Z
/// Instant.parse("2026-03-02T10:14:07+01:00")   // 2026-03-02T09:14:07.000Z
/// Instant.format(1_772_442_847_120)            // "2026-03-02T09:14:07.120Z"
/// ```
enum Instant {
    static let millisecondsPerDay: Int64 = 86_400_000

    /// Formats an instant as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func format(_ milliseconds: Int64) -> String {
        let (days, time) = Self.split(milliseconds)
        let date = Self.civil(days: days)
        return Self.digits(date.year, 4) + "-" + Self.digits(date.month, 2) + "-" + Self.digits(date.day, 2) + "T"
            + Self.digits(Int(time / 3_600_000), 2) + ":" + Self.digits(Int(time / 60_000 % 60), 2) + ":"
            + Self.digits(Int(time / 1000 % 60), 2) + "." + Self.digits(Int(time % 1000), 3) + "Z"
    }

    /// The Paris calendar month of an instant, `YYYY-MM`.
    static func parisMonth(_ milliseconds: Int64) -> String {
        let date = Self.civil(days: Self.split(milliseconds + ParisCalendar.offset(at: milliseconds)).days)
        return Self.digits(date.year, 4) + "-" + Self.digits(date.month, 2)
    }

    /// The Paris calendar date of an instant, `YYYY-MM-DD`.
    static func parisDate(_ milliseconds: Int64) -> String {
        let date = Self.civil(days: Self.split(milliseconds + ParisCalendar.offset(at: milliseconds)).days)
        return Self.digits(date.year, 4) + "-" + Self.digits(date.month, 2) + "-" + Self.digits(date.day, 2)
    }

    /// The Paris calendar date of an instant.
    static func parisCivilDate(_ milliseconds: Int64) -> (year: Int, month: Int, day: Int) {
        Self.civil(days: Self.split(milliseconds + ParisCalendar.offset(at: milliseconds)).days)
    }

    /// Reads an RFC 3339 date-time, or a date meaning midnight in Paris.
    /// - Returns: The instant, or `nil` with nothing more said; see ``parseOrExplain(_:)``.
    static func parse(_ text: String) -> Int64? {
        try? Self.parseOrExplain(text)
    }

    /// Reads an RFC 3339 date-time, or a date meaning midnight in Paris.
    /// - Throws: A ``ToolError`` saying what is wrong.
    static func parseOrExplain(_ text: String) throws(ToolError) -> Int64 {
        let bytes = Array(text.utf8)
        func bad(_ why: String) -> ToolError {
            .usage(
                "\"\(text)\" is not a time: \(why) (expected RFC 3339, such as 2026-03-02T10:14:07+01:00, "
                    + "or a date such as 2026-03-02, meaning midnight in Paris)")
        }
        func number(_ start: Int, _ count: Int) throws(ToolError) -> Int {
            guard start + count <= bytes.count else { throw bad("it ends too early") }
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard byte >= 0x30 && byte <= 0x39 else { throw bad("a digit is expected at character \(start + 1)") }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        func expect(_ byte: UInt8, at index: Int) throws(ToolError) {
            guard index < bytes.count, bytes[index] == byte else {
                throw bad("\"\(Character(Unicode.Scalar(byte)))\" is expected at character \(index + 1)")
            }
        }
        let year = try number(0, 4)
        try expect(0x2D, at: 4)
        let month = try number(5, 2)
        try expect(0x2D, at: 7)
        let day = try number(8, 2)
        guard month >= 1 && month <= 12, day >= 1 && day <= Self.daysIn(year: year, month: month) else {
            throw bad("no such date")
        }
        if bytes.count == 10 {
            guard let date = try? CivilDate(year: year, month: month, day: day) else { throw bad("no such date") }
            return ParisCalendar.startOfDay(date)
        }
        guard bytes.count > 10, bytes[10] == 0x54 || bytes[10] == 0x74 || bytes[10] == 0x20 else {
            throw bad("\"T\" is expected after the date")
        }
        let hour = try number(11, 2)
        try expect(0x3A, at: 13)
        let minute = try number(14, 2)
        var index = 16
        var second = 0
        var millisecond = 0
        if index < bytes.count && bytes[index] == 0x3A {
            second = try number(index + 1, 2)
            index += 3
            if index < bytes.count && bytes[index] == 0x2E {
                index += 1
                var scale = 100
                let start = index
                while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                    millisecond += Int(bytes[index] - 0x30) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { throw bad("digits are expected after the decimal point") }
            }
        }
        guard hour < 24, minute < 60, second < 60 else { throw bad("no such time of day") }
        guard index < bytes.count else { throw bad("a time zone is required: Z or an offset such as +01:00") }
        var offset: Int64 = 0
        switch bytes[index] {
        case 0x5A, 0x7A:
            index += 1
        case 0x2B, 0x2D:
            let sign: Int64 = bytes[index] == 0x2B ? 1 : -1
            let hours = try number(index + 1, 2)
            try expect(0x3A, at: index + 3)
            let minutes = try number(index + 4, 2)
            guard hours < 24, minutes < 60 else { throw bad("no such offset") }
            offset = sign * (Int64(hours) * 3_600_000 + Int64(minutes) * 60_000)
            index += 6
        default:
            throw bad("a time zone is required: Z or an offset such as +01:00")
        }
        guard index == bytes.count else { throw bad("unexpected characters after the time zone") }
        let days = Self.days(year: year, month: month, day: day)
        return days * Self.millisecondsPerDay + Int64(hour) * 3_600_000 + Int64(minute) * 60_000
            + Int64(second) * 1000 + Int64(millisecond) - offset
    }

    // MARK: Calendar arithmetic (Howard Hinnant's algorithms, proleptic Gregorian calendar)

    static func split(_ milliseconds: Int64) -> (days: Int64, time: Int64) {
        var days = milliseconds / Self.millisecondsPerDay
        var time = milliseconds % Self.millisecondsPerDay
        if time < 0 {
            days -= 1
            time += Self.millisecondsPerDay
        }
        return (days, time)
    }

    /// Days since 1970-01-01 of a civil date.
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number.
    static func civil(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func digits(_ value: Int, _ count: Int) -> String {
        let text = String(value)
        return text.count >= count ? text : String(repeating: "0", count: count - text.count) + text
    }
}

extension Instant {
    /// Reads a time given on the command line, for `@Option(transform:)`.
    /// - Throws: `ValidationError` saying what is wrong (exit status 2).
    static func argument(_ text: String) throws -> Int64 {
        do {
            return try Self.parseOrExplain(text)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
