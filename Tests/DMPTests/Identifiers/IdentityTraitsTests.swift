import DMP
import Testing

@Suite("ID-2 identity traits and civil dates")
struct IdentityTraitsTests {
    @Test(
        "ID-2 a civil date exists in the Gregorian calendar",
        arguments: [
            (1955, 8, 14), (2024, 2, 29), (2000, 2, 29), (1900, 2, 28), (2023, 12, 31), (1, 1, 1), (9999, 12, 31),
            (2023, 4, 30), (2023, 1, 31),
        ]
    )
    func validDates(year: Int, month: Int, day: Int) throws {
        let date = try CivilDate(year: year, month: month, day: day)
        #expect(date.year == year)
        #expect(date.month == month)
        #expect(date.day == day)
        #expect(try CivilDate(date.description) == date)
    }

    @Test(
        "ID-2 a date that does not exist is refused",
        arguments: [
            (2023, 2, 29), (1900, 2, 29), (2100, 2, 29), (2023, 4, 31), (2023, 13, 1), (2023, 0, 1), (2023, 1, 0),
            (2023, 1, 32), (0, 1, 1), (10000, 1, 1), (-5, 1, 1),
        ]
    )
    func invalidDates(year: Int, month: Int, day: Int) {
        let error = #expect(throws: IdentifierError.self) {
            try CivilDate(year: year, month: month, day: day)
        }
        #expect(error?.field == .date)
        #expect(error?.reason == .invalidDate)
    }

    @Test("ID-2 a date is written and read as YYYY-MM-DD")
    func stringForm() throws {
        #expect(try CivilDate(year: 7, month: 3, day: 9).description == "0007-03-09")
        #expect(try CivilDate("1955-08-14") == CivilDate(year: 1955, month: 8, day: 14))

        let shape = #expect(throws: IdentifierError.self) {
            try CivilDate("1955/08/14")
        }
        #expect(shape?.reason == .invalidCharacter)
        let digits = #expect(throws: IdentifierError.self) {
            try CivilDate("1955-0A-14")
        }
        #expect(digits?.reason == .invalidCharacter)
        let length = #expect(throws: IdentifierError.self) {
            try CivilDate("1955-8-14")
        }
        #expect(length?.reason == .wrongLength)
        let calendar = #expect(throws: IdentifierError.self) {
            try CivilDate("2023-02-29")
        }
        #expect(calendar?.reason == .invalidDate)
        #expect(calendar?.input == "2023-02-29")
        #expect(calendar?.message == "day 29 does not exist in month 2 of 2023, which has 28 days")
    }

    @Test("ID-2 dates are ordered by day")
    func ordering() throws {
        let dates = try ["2024-03-01", "2023-12-31", "2024-02-29", "1955-08-14"].map { try CivilDate($0) }
        #expect(dates.sorted().map(\.description) == ["1955-08-14", "2023-12-31", "2024-02-29", "2024-03-01"])
    }

    static func traits(
        birthName: String = "MARTIN",
        birthFirstNames: [String] = ["MARIE", "LOUISE"]
    ) throws -> IdentityTraits {
        try IdentityTraits(
            birthName: birthName,
            birthFirstNames: birthFirstNames,
            birthDate: CivilDate(year: 1955, month: 8, day: 14),
            sex: .female,
            birthPlace: IdentityTraits.BirthPlaceCode("14118")
        )
    }

    @Test("ID-2 the five traits are kept as given")
    func traitsKept() throws {
        let traits = try Self.traits(birthName: "DE LA TOUR", birthFirstNames: ["JEAN-PIERRE", "ÉLODIE"])
        #expect(traits.birthName == "DE LA TOUR")
        #expect(traits.birthFirstNames == ["JEAN-PIERRE", "ÉLODIE"])
        #expect(traits.birthDate == (try CivilDate("1955-08-14")))
        #expect(traits.sex == .female)
        #expect(traits.birthPlace.rawValue == "14118")
        #expect(traits.description == "DE LA TOUR JEAN-PIERRE ÉLODIE, sex F, born 1955-08-14 at 14118")
    }

    @Test("ID-2 an empty or blank birth name is refused", arguments: ["", " ", "\t", "\u{00A0}"])
    func emptyBirthName(name: String) {
        let error = #expect(throws: IdentifierError.self) {
            try Self.traits(birthName: name)
        }
        #expect(error?.field == .birthName)
        #expect(error?.reason == .empty)
    }

    @Test("ID-2 the birth first names are at least one, none blank", arguments: [[], [""], ["MARIE", " "]])
    func emptyFirstNames(names: [String]) {
        let error = #expect(throws: IdentifierError.self) {
            try Self.traits(birthFirstNames: names)
        }
        #expect(error?.field == .birthFirstNames)
        #expect(error?.reason == .empty)
    }

    @Test(
        "ID-2 sex codes are M, F and I",
        arguments: [
            ("M", IdentityTraits.Sex.male), ("F", .female), ("I", .indeterminate), ("m", .male), (" f ", .female),
        ]
    )
    func sexCodes(code: String, sex: IdentityTraits.Sex) throws {
        #expect(try IdentityTraits.Sex(code) == sex)
        #expect(sex.description == sex.rawValue)
    }

    @Test("ID-2 other sex codes are refused", arguments: ["", "X", "U", "1", "2", "MF", "Male"])
    func unknownSex(code: String) {
        let error = #expect(throws: IdentifierError.self) {
            try IdentityTraits.Sex(code)
        }
        #expect(error?.field == .sex)
        #expect(error?.reason == .unknownCode)
    }

    @Test(
        "ID-2 birth place codes: a commune, Corsica 2A/2B, or 99 and a country",
        arguments: [
            ("75056", false), ("2A004", false), ("2b033", false), ("97411", false), ("99134", true), ("99 100", true),
        ]
    )
    func birthPlaces(code: String, abroad: Bool) throws {
        let place = try IdentityTraits.BirthPlaceCode(code)
        #expect(place.isAbroad == abroad)
        #expect(place.rawValue.count == 5)
        #expect(place.rawValue == place.rawValue.uppercased())
        #expect(place.description == place.rawValue)
    }

    @Test(
        "ID-2 malformed birth place codes are refused",
        arguments: [
            ("7505", IdentifierError.wrongLength), ("750560", .wrongLength), ("", .empty), ("2C004", .invalidCharacter),
            ("75O56", .invalidCharacter), ("A2004", .invalidCharacter),
        ]
    )
    func malformedBirthPlaces(code: String, reason: IdentifierError.Reason) {
        let error = #expect(throws: IdentifierError.self) {
            try IdentityTraits.BirthPlaceCode(code)
        }
        #expect(error?.field == .birthPlace)
        #expect(error?.reason == reason)
    }

    @Test("ID-2 a compact birth place code is read as the general checks read it (the shortcut for records agrees)")
    func compactBirthPlaceAgreesWithTheGeneralChecks() {
        let characters: [Character] = ["0", "1", "2", "5", "9", "A", "B", "a", "b", "C", " ", "-", "é"]
        var inputs = ["75056", "2A004", "2B120", "99134", "97411", "2a004", "2C004", "3A004", "7505", "750561", ""]
        for first in characters {
            for second in characters {
                inputs.append("\(first)\(second)056")
                inputs.append("2A\(first)\(second)6")
            }
        }
        for input in inputs {
            // A leading space takes the general checks; the same code without it may take the shortcut.
            let general = try? IdentityTraits.BirthPlaceCode(" " + input)
            let compact = try? IdentityTraits.BirthPlaceCode(input)
            #expect(compact?.rawValue == general?.rawValue, "\(input)")
        }
        #expect(inputs.filter { (try? IdentityTraits.BirthPlaceCode($0)) != nil }.count >= 30)
    }
}
