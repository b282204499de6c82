/// Calendar arithmetic in the Europe/Paris time zone, without time-zone data files.
///
/// France follows the European Union rule since 1996: UTC+1, and UTC+2 from the last Sunday of
/// March at 01:00 UTC to the last Sunday of October at 01:00 UTC. Deadlines computed here are
/// stored in the events that start them, so replay never depends on this code or on time-zone
/// data (DOMAIN.md, "Time").
public enum ParisCalendar {
    static let millisecondsPerDay: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000

    /// Days since 1970-01-01 of a civil date (shared with the timestamp codec).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        Timestamp.days(fromCivilYear: Int64(year), month: Int64(month), day: Int64(day))
    }

    /// The civil date of a day number.
    static func civil(days: Int64) -> (year: Int, month: Int, day: Int) {
        let date = Timestamp.civil(fromDays: days)
        return (Int(date.year), Int(date.month), Int(date.day))
    }

    /// The day number of the last Sunday of a month.
    static func lastSunday(year: Int, month: Int) -> Int64 {
        let nextMonth = month == 12 ? days(year: year + 1, month: 1, day: 1) : days(year: year, month: month + 1, day: 1)
        let last = nextMonth - 1
        // 1970-01-01 was a Thursday (weekday 4, with Sunday = 0).
        let weekday = ((last % 7) + 7 + 4) % 7
        return last - weekday
    }

    /// The offset of Paris from UTC at an instant, in milliseconds.
    public static func offset(at instant: Int64) -> Int64 {
        let dayNumber = floorDiv(instant, millisecondsPerDay)
        let year = civil(days: dayNumber).year
        let start = lastSunday(year: year, month: 3) * millisecondsPerDay + hour
        let end = lastSunday(year: year, month: 10) * millisecondsPerDay + hour
        return instant >= start && instant < end ? 2 * hour : hour
    }

    /// The Paris wall-clock time of an instant, as ms since the epoch of a "local" UTC clock.
    static func local(_ instant: Int64) -> Int64 { instant + offset(at: instant) }

    /// The instant of a Paris wall-clock time: the earlier one when the hour repeats in October,
    /// the standard-time reading when it falls in the hour skipped in March.
    static func instant(local: Int64) -> Int64 {
        let summer = local - 2 * hour
        if offset(at: summer) == 2 * hour { return summer }
        return local - hour
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// `instant` plus `count` calendar days in Paris (same wall-clock time).
    public static func adding(days count: Int, to instant: Int64) -> Int64 {
        Self.instant(local: local(instant) + Int64(count) * millisecondsPerDay)
    }

    /// `instant` plus `count` calendar months in Paris (same wall-clock time; the day is clamped
    /// to the end of a shorter month).
    public static func adding(months count: Int, to instant: Int64) -> Int64 {
        let wall = local(instant)
        let dayNumber = floorDiv(wall, millisecondsPerDay)
        let timeOfDay = wall - dayNumber * millisecondsPerDay
        let date = civil(days: dayNumber)
        let total = date.year * 12 + (date.month - 1) + count
        let year = total / 12
        let month = total % 12 + 1
        let day = min(date.day, daysIn(year: year, month: month))
        return Self.instant(local: days(year: year, month: month, day: day) * millisecondsPerDay + timeOfDay)
    }

    /// `instant` plus `count` years in Paris.
    public static func adding(years count: Int, to instant: Int64) -> Int64 {
        adding(months: 12 * count, to: instant)
    }

    /// Midnight in Paris at the start of a civil date.
    public static func startOfDay(_ date: CivilDate) -> Int64 {
        instant(local: days(year: date.year, month: date.month, day: date.day) * millisecondsPerDay)
    }

    /// Midnight in Paris at the end of the Paris day holding `instant` (the next day's start).
    public static func endOfDay(containing instant: Int64) -> Int64 {
        let dayNumber = floorDiv(local(instant), millisecondsPerDay)
        return Self.instant(local: (dayNumber + 1) * millisecondsPerDay)
    }

    static func daysIn(year: Int, month: Int) -> Int {
        Int(Timestamp.daysIn(month: Int64(month), year: Int64(year)))
    }

    /// The instant a person born on `birthDate` turns `age` (midnight, Paris).
    public static func birthday(_ birthDate: CivilDate, age: Int) -> Int64 {
        let year = birthDate.year + age
        let day = min(birthDate.day, daysIn(year: year, month: birthDate.month))
        return instant(local: days(year: year, month: birthDate.month, day: day) * millisecondsPerDay)
    }
}
