/// A day in the Gregorian calendar, with no time and no time zone, such as a birth date.
///
/// Always a date that exists: the initialisers refuse a month outside 1…12, a day past the end of
/// its month (29 February only in leap years) and a year outside 1…9999. The string form is
/// `YYYY-MM-DD` (ISO 8601).
///
/// ```swift
/// let birth = try CivilDate(year: 1955, month: 8, day: 14)
/// birth.description               // "1955-08-14"
/// try CivilDate("2024-02-29")     // a leap day
/// ```
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, 1 to 9999.
    public let year: Int
    /// The month, 1 to 12.
    public let month: Int
    /// The day of the month, 1 to 28, 29, 30 or 31.
    public let day: Int

    /// Creates a date from its parts.
    ///
    /// - Parameters:
    ///   - year: The year, 1 to 9999.
    ///   - month: The month, 1 to 12.
    ///   - day: The day, 1 to the number of days in that month.
    /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/date`` and reason
    ///   ``IdentifierError/Reason/invalidDate`` if the date does not exist.
    public init(year: Int, month: Int, day: Int) throws(IdentifierError) {
        // The input of the error, written only when there is one.
        func invalid(_ message: String) -> IdentifierError {
            Self.invalid("\(year)-\(month)-\(day)", message)
        }
        guard (1...9999).contains(year) else {
            throw invalid("year \(year) is not between 1 and 9999")
        }
        guard (1...12).contains(month) else {
            throw invalid("month \(month) is not between 1 and 12")
        }
        let last = Self.daysIn(month: month, year: year)
        guard (1...last).contains(day) else {
            throw invalid("day \(day) does not exist in month \(month) of \(year), which has \(last) days")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads a date written `YYYY-MM-DD`.
    ///
    /// - Parameter string: Exactly 10 characters: four digits, `-`, two digits, `-`, two digits.
    /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/date`` and reason
    ///   ``IdentifierError/Reason/wrongLength``, ``IdentifierError/Reason/empty``,
    ///   ``IdentifierError/Reason/invalidCharacter`` or ``IdentifierError/Reason/invalidDate``.
    public init(_ string: String) throws(IdentifierError) {
        let parts: (year: Int, month: Int, day: Int)
        if let compact = Self.compactParts(string) {
            parts = compact
        } else {
            parts = try Self.checkedParts(string)
        }
        do throws(IdentifierError) {
            try self.init(year: parts.year, month: parts.month, day: parts.day)
        } catch {
            throw IdentifierError(field: error.field, reason: error.reason, input: string, message: error.message)
        }
    }

    /// The parts of `YYYY-MM-DD` in ASCII (the form records and most callers give), or `nil` for
    /// anything else, which ``checkedParts(_:)`` then reads and explains.
    private static func compactParts(_ string: String) -> (year: Int, month: Int, day: Int)? {
        var string = string
        return string.withUTF8 { bytes -> (year: Int, month: Int, day: Int)? in
            guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
            var parts = (year: 0, month: 0, day: 0)
            for index in 0..<10 where index != 4 && index != 7 {
                let digit = bytes[index] &- 0x30
                guard digit < 10 else { return nil }
                if index < 4 {
                    parts.year = parts.year * 10 + Int(digit)
                } else if index < 7 {
                    parts.month = parts.month * 10 + Int(digit)
                } else {
                    parts.day = parts.day * 10 + Int(digit)
                }
            }
            return parts
        }
    }

    /// The parts of `YYYY-MM-DD`, character by character, saying what is wrong and where.
    private static func checkedParts(_ string: String) throws(IdentifierError) -> (year: Int, month: Int, day: Int) {
        let scalars = Array(string.unicodeScalars)
        guard scalars.count == 10 else {
            var text = IdentifierText.Compacted()
            text.scalars = scalars
            throw IdentifierText.wrongLength(text, expected: "10 (YYYY-MM-DD)", field: .date, input: string)
        }
        var parts = [0, 0, 0]
        for (index, scalar) in scalars.enumerated() {
            if index == 4 || index == 7 {
                guard scalar == "-" else {
                    throw IdentifierError(
                        field: .date,
                        reason: .invalidCharacter,
                        input: string,
                        message: "character \(IdentifierText.quoted(scalar)) at position \(index + 1) is not \"-\" "
                            + "(expected YYYY-MM-DD)"
                    )
                }
                continue
            }
            guard IdentifierText.isDigit(scalar) else {
                throw IdentifierError(
                    field: .date,
                    reason: .invalidCharacter,
                    input: string,
                    message: "character \(IdentifierText.quoted(scalar)) at position \(index + 1) is not a digit "
                        + "(expected YYYY-MM-DD)"
                )
            }
            let part = index < 4 ? 0 : (index < 7 ? 1 : 2)
            parts[part] = parts[part] * 10 + IdentifierText.digitValue(scalar)
        }
        return (parts[0], parts[1], parts[2])
    }

    /// The date as `YYYY-MM-DD`.
    public var description: String {
        Self.padded(self.year, 4) + "-" + Self.padded(self.month, 2) + "-" + Self.padded(self.day, 2)
    }

    /// Whether one date comes before another.
    ///
    /// - Parameters:
    ///   - lhs: A date.
    ///   - rhs: Another date.
    /// - Returns: `true` if `lhs` is an earlier day than `rhs`.
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Whether a year has 366 days in the Gregorian calendar.
    static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in a month, 28 to 31.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: self.isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func invalid(_ input: String, _ message: String) -> IdentifierError {
        IdentifierError(field: .date, reason: .invalidDate, input: input, message: message)
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
