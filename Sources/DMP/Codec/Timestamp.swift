/// Conversions between instants, counted in milliseconds since 1970-01-01T00:00:00Z, and their
/// RFC 3339 text, without Foundation.
///
/// Records hold one form only, UTC with milliseconds, always 24 bytes:
///
/// ```swift
/// Timestamp.format(1_772_442_847_120)             // "2026-03-02T09:14:07.120Z"
/// try Timestamp.parse("2026-03-02T09:14:07.120Z") // 1_772_442_847_120
/// ```
///
/// Input typed by people may be any RFC 3339 date-time; ``parseRFC3339(_:)`` accepts it:
///
/// ```swift
/// try Timestamp.parseRFC3339("2026-03-02T10:14:07.12+01:00") // 1_772_442_847_120
/// ```
///
/// Calendar arithmetic uses Howard Hinnant's `days_from_civil` and `civil_from_days` algorithms
/// (proleptic Gregorian calendar). Leap seconds (second 60) are refused: Unix time has none.
package enum Timestamp {
    /// The instants that have a 4-digit year: 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z.
    package static let range: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    /// The number of bytes of the record form, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    package static let recordLength = 24

    /// The number of milliseconds in a day.
    private static let millisecondsPerDay: Int64 = 86_400_000

    // MARK: Formatting

    /// Formats an instant as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    ///
    /// Total, so that it can describe any value in a message: an instant outside ``range`` has no
    /// RFC 3339 form and is described as `<n> ms since 1970-01-01T00:00:00Z`.
    ///
    /// - Parameter milliseconds: Milliseconds since 1970-01-01T00:00:00Z.
    /// - Returns: The 24-character text, or the description of an instant outside ``range``.
    package static func format(_ milliseconds: Int64) -> String {
        guard Self.range.contains(milliseconds) else {
            return "\(milliseconds) ms since 1970-01-01T00:00:00Z"
        }
        return String(unsafeUninitializedCapacity: Self.recordLength) { buffer in
            guard let base = buffer.baseAddress else {
                return 0
            }
            Self.write(milliseconds, to: base)
            return Self.recordLength
        }
    }

    /// Writes an instant as the 24 bytes `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    ///
    /// - Parameters:
    ///   - milliseconds: Milliseconds since 1970-01-01T00:00:00Z, within ``range``; anything else is a
    ///     programming error and traps.
    ///   - output: Room for 24 bytes.
    static func write(_ milliseconds: Int64, to output: UnsafeMutablePointer<UInt8>) {
        precondition(
            Self.range.contains(milliseconds),
            "timestamp \(milliseconds) ms is outside the years 0000 to 9999"
        )
        var days = milliseconds / Self.millisecondsPerDay
        var time = milliseconds % Self.millisecondsPerDay
        if time < 0 {
            days -= 1
            time += Self.millisecondsPerDay
        }
        let date = Self.civil(fromDays: days)
        Self.writeDigits(date.year, count: 4, to: output)
        output[4] = 0x2D
        Self.writeDigits(date.month, count: 2, to: output + 5)
        output[7] = 0x2D
        Self.writeDigits(date.day, count: 2, to: output + 8)
        output[10] = 0x54
        Self.writeDigits(time / 3_600_000, count: 2, to: output + 11)
        output[13] = 0x3A
        Self.writeDigits(time / 60_000 % 60, count: 2, to: output + 14)
        output[16] = 0x3A
        Self.writeDigits(time / 1_000 % 60, count: 2, to: output + 17)
        output[19] = 0x2E
        Self.writeDigits(time % 1_000, count: 3, to: output + 20)
        output[23] = 0x5A
    }

    /// Writes a non-negative number as exactly `count` decimal digits, with leading zeros.
    @inline(__always)
    private static func writeDigits(_ value: Int64, count: Int, to output: UnsafeMutablePointer<UInt8>) {
        var rest = value
        var index = count
        while index > 0 {
            index &-= 1
            output[index] = UInt8(truncatingIfNeeded: rest % 10) &+ 0x30
            rest /= 10
        }
    }

    // MARK: Parsing

    /// Reads an instant written exactly `YYYY-MM-DDTHH:MM:SS.mmmZ`, the form records hold.
    ///
    /// - Parameter text: The text, 24 characters.
    /// - Returns: Milliseconds since 1970-01-01T00:00:00Z.
    /// - Throws: ``JSONError`` with code ``JSONError/Code/invalidTimestamp`` and the offset in `text` of
    ///   the first wrong character, if the text is in another form or names a date or time that does
    ///   not exist (such as February 30 or hour 24).
    package static func parse(_ text: String) throws(JSONError) -> Int64 {
        var text = text
        let outcome = text.withUTF8 { utf8 -> Result<Int64, JSONError> in
            do throws(JSONError) {
                return .success(try Self.parse(UnsafeRawBufferPointer(utf8), reportingOffsetsFrom: 0))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// Reads an instant written exactly `YYYY-MM-DDTHH:MM:SS.mmmZ` from bytes, without allocating.
    ///
    /// - Parameters:
    ///   - bytes: The text's UTF-8 bytes.
    ///   - base: The offset of the text's first byte in the document, added to error offsets.
    /// - Returns: Milliseconds since 1970-01-01T00:00:00Z.
    /// - Throws: ``JSONError`` with code ``JSONError/Code/invalidTimestamp``.
    static func parse(_ bytes: UnsafeRawBufferPointer, reportingOffsetsFrom base: Int) throws(JSONError) -> Int64 {
        if let milliseconds = Self.parseValidRecord(bytes) {
            return milliseconds
        }
        return try Self.parseRecordReportingErrors(bytes, base: base)
    }

    /// Reads the record form in one pass when it is valid, without building error messages.
    ///
    /// - Parameter bytes: The text's UTF-8 bytes.
    /// - Returns: Milliseconds since 1970-01-01T00:00:00Z, or `nil` if anything is wrong.
    @inline(__always)
    private static func parseValidRecord(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard bytes.count == Self.recordLength, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54,
            bytes[13] == 0x3A, bytes[16] == 0x3A, bytes[19] == 0x2E, bytes[23] == 0x5A
        else {
            return nil
        }
        var invalid = false
        func number(_ from: Int, _ count: Int) -> Int64 {
            var value: Int64 = 0
            for index in from..<(from &+ count) {
                let digit = bytes[index] &- 0x30
                invalid = invalid || digit > 9
                value = value &* 10 &+ Int64(digit)
            }
            return value
        }
        let year = number(0, 4)
        let month = number(5, 2)
        let day = number(8, 2)
        let hour = number(11, 2)
        let minute = number(14, 2)
        let second = number(17, 2)
        let millisecond = number(20, 3)
        guard !invalid, (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year), hour <= 23,
            minute <= 59, second <= 59
        else {
            return nil
        }
        let days = Self.days(fromCivilYear: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1_000 + millisecond
    }

    /// Reads the record form, checking one character at a time, to say what is wrong and where.
    ///
    /// - Parameters:
    ///   - bytes: The text's UTF-8 bytes.
    ///   - base: The offset of the text's first byte in the document, added to error offsets.
    /// - Returns: Milliseconds since 1970-01-01T00:00:00Z, if the text is valid after all.
    /// - Throws: ``JSONError`` with code ``JSONError/Code/invalidTimestamp``.
    private static func parseRecordReportingErrors(
        _ bytes: UnsafeRawBufferPointer,
        base: Int
    ) throws(JSONError) -> Int64 {
        guard bytes.count == Self.recordLength else {
            throw JSONError(
                .invalidTimestamp,
                at: base,
                "expected a timestamp YYYY-MM-DDTHH:MM:SS.mmmZ (24 characters), found \(bytes.count) bytes"
            )
        }
        var cursor = Cursor(bytes: bytes, base: base)
        let year = try cursor.digits(4, "year")
        try cursor.expect(0x2D, "'-'")
        let month = try cursor.digits(2, "month")
        try cursor.expect(0x2D, "'-'")
        let day = try cursor.digits(2, "day")
        try cursor.expect(0x54, "'T'")
        let hour = try cursor.digits(2, "hour")
        try cursor.expect(0x3A, "':'")
        let minute = try cursor.digits(2, "minute")
        try cursor.expect(0x3A, "':'")
        let second = try cursor.digits(2, "second")
        try cursor.expect(0x2E, "'.'")
        let millisecond = try cursor.digits(3, "milliseconds")
        try cursor.expect(0x5A, "'Z'")
        let days = try Self.days(year: year, month: month, day: day, base: base)
        try Self.checkTime(hour: hour, minute: minute, second: second, base: base)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1_000 + millisecond
    }

    /// Reads any RFC 3339 date-time (section 5.6), such as typed by a person.
    ///
    /// Accepts `T` or `t` between date and time; fractional seconds of any length, or none (digits
    /// past the milliseconds are dropped, rounding toward the past); and `Z`, `z`, or an offset
    /// `+HH:MM` or `-HH:MM` (`-00:00` is UTC).
    ///
    /// - Parameter text: The date-time, such as `2026-03-02T10:14:07.12+01:00`.
    /// - Returns: Milliseconds since 1970-01-01T00:00:00Z of the instant named, within ``range``.
    /// - Throws: ``JSONError`` with code ``JSONError/Code/invalidTimestamp`` and the offset in `text` of
    ///   the first wrong character, if the text is not an RFC 3339 date-time, names a date or time
    ///   that does not exist, or names an instant outside ``range`` once converted to UTC.
    package static func parseRFC3339(_ text: String) throws(JSONError) -> Int64 {
        var text = text
        let outcome = text.withUTF8 { utf8 -> Result<Int64, JSONError> in
            do throws(JSONError) {
                return .success(try Self.parseRFC3339(bytes: UnsafeRawBufferPointer(utf8)))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// Reads any RFC 3339 date-time from its UTF-8 bytes; see ``parseRFC3339(_:)``.
    private static func parseRFC3339(bytes: UnsafeRawBufferPointer) throws(JSONError) -> Int64 {
        var cursor = Cursor(bytes: bytes, base: 0)
        let year = try cursor.digits(4, "year")
        try cursor.expect(0x2D, "'-'")
        let month = try cursor.digits(2, "month")
        try cursor.expect(0x2D, "'-'")
        let day = try cursor.digits(2, "day")
        try cursor.expect(0x54, "'T'", caseInsensitive: true)
        let hour = try cursor.digits(2, "hour")
        try cursor.expect(0x3A, "':'")
        let minute = try cursor.digits(2, "minute")
        try cursor.expect(0x3A, "':'")
        let second = try cursor.digits(2, "second")
        var millisecond: Int64 = 0
        if cursor.peek() == 0x2E {
            cursor.index += 1
            var scale: Int64 = 100
            guard cursor.peekDigit() != nil else {
                throw cursor.error("expected a digit of the fraction of a second")
            }
            while let digit = cursor.peekDigit() {
                millisecond += digit * scale
                scale /= 10
                cursor.index += 1
            }
        }
        var offsetMinutes: Int64 = 0
        switch cursor.peek() {
        case 0x5A, 0x7A:
            cursor.index += 1
        case 0x2B, 0x2D:
            let sign: Int64 = cursor.peek() == 0x2D ? -1 : 1
            let start = cursor.index
            cursor.index += 1
            let offsetHour = try cursor.digits(2, "offset hour")
            try cursor.expect(0x3A, "':'")
            let offsetMinute = try cursor.digits(2, "offset minute")
            guard offsetHour <= 23, offsetMinute <= 59 else {
                throw JSONError(.invalidTimestamp, at: start, "offset out of range (-23:59 to +23:59)")
            }
            offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
        default:
            throw cursor.error("expected 'Z' or an offset such as '+01:00'")
        }
        guard cursor.index == bytes.count else {
            throw cursor.error("expected the end of the timestamp")
        }
        let days = try Self.days(year: year, month: month, day: day, base: 0)
        try Self.checkTime(hour: hour, minute: minute, second: second, base: 0)
        let local = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1_000 + millisecond
        let instant = local - offsetMinutes * 60_000
        guard Self.range.contains(instant) else {
            // Only an offset can move an instant of year 0000 or 9999 outside the range.
            throw JSONError(.invalidTimestamp, at: 0, "the instant in UTC is outside the years 0000 to 9999")
        }
        return instant
    }

    // MARK: Calendar

    /// The number of days from 1970-01-01 to a date that exists, after checking it does.
    ///
    /// - Parameters:
    ///   - year: The year, 0 to 9999.
    ///   - month: The month.
    ///   - day: The day of the month.
    ///   - base: The offset of the timestamp's first byte, for error offsets.
    private static func days(year: Int64, month: Int64, day: Int64, base: Int) throws(JSONError) -> Int64 {
        guard (1...12).contains(month) else {
            throw JSONError(.invalidTimestamp, at: base &+ 5, "month \(month) is not between 1 and 12")
        }
        let last = Self.daysIn(month: month, year: year)
        guard (1...last).contains(day) else {
            throw JSONError(
                .invalidTimestamp,
                at: base &+ 8,
                "day \(day) does not exist in month \(month) of \(year), which has \(last) days"
            )
        }
        return Self.days(fromCivilYear: year, month: month, day: day)
    }

    /// Checks the hour, minute and second of a time of day.
    private static func checkTime(hour: Int64, minute: Int64, second: Int64, base: Int) throws(JSONError) {
        guard hour <= 23 else {
            throw JSONError(.invalidTimestamp, at: base &+ 11, "hour \(hour) is not between 0 and 23")
        }
        guard minute <= 59 else {
            throw JSONError(.invalidTimestamp, at: base &+ 14, "minute \(minute) is not between 0 and 59")
        }
        guard second <= 59 else {
            let message =
                second == 60
                ? "second 60 (a leap second) cannot be represented" : "second \(second) is not between 0 and 59"
            throw JSONError(.invalidTimestamp, at: base &+ 17, message)
        }
    }

    /// Whether a year has 366 days in the Gregorian calendar.
    static func isLeap(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in a month of a year, 28 to 31.
    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: Self.isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The number of days from 1970-01-01 to a date (Hinnant's `days_from_civil`).
    ///
    /// - Parameters:
    ///   - year: The year of the proleptic Gregorian calendar.
    ///   - month: The month, 1 to 12.
    ///   - day: The day of the month, 1 to 31.
    /// - Returns: The day number, negative before 1970.
    static func days(fromCivilYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number (Hinnant's `civil_from_days`).
    ///
    /// - Parameter days: The number of days since 1970-01-01, negative before it.
    /// - Returns: The year, month (1 to 12) and day of the month (1 to 31).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

// MARK: - Cursor

extension Timestamp {
    /// A position in the text of a timestamp, with readers that throw precise errors.
    private struct Cursor {
        /// The text.
        let bytes: UnsafeRawBufferPointer
        /// The offset of the text in its document, added to error offsets.
        let base: Int
        /// The offset of the next byte to read.
        var index = 0

        /// The next byte, if any.
        func peek() -> UInt8? {
            self.index < self.bytes.count ? self.bytes[self.index] : nil
        }

        /// The value of the next byte if it is a digit.
        func peekDigit() -> Int64? {
            guard let byte = self.peek(), (0x30...0x39).contains(byte) else {
                return nil
            }
            return Int64(byte &- 0x30)
        }

        /// Reads exactly `count` decimal digits.
        ///
        /// - Parameters:
        ///   - count: The number of digits.
        ///   - field: What the digits are, for the error message.
        mutating func digits(_ count: Int, _ field: String) throws(JSONError) -> Int64 {
            var value: Int64 = 0
            for _ in 0..<count {
                guard let digit = self.peekDigit() else {
                    throw self.error("expected a digit of the \(field)")
                }
                value = value * 10 + digit
                self.index += 1
            }
            return value
        }

        /// Reads one expected byte; with `caseInsensitive`, its lower-case letter too.
        mutating func expect(_ byte: UInt8, _ name: String, caseInsensitive: Bool = false) throws(JSONError) {
            guard let next = self.peek(), next == byte || (caseInsensitive && next == byte | 0x20) else {
                throw self.error("expected \(name)")
            }
            self.index += 1
        }

        /// An error at the cursor's position.
        func error(_ message: String) -> JSONError {
            JSONError(.invalidTimestamp, at: self.base &+ self.index, message)
        }
    }
}
