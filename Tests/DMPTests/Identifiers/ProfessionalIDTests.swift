import DMP
import Testing

/// The Luhn test, written independently of the library: from the right, double every second
/// digit, add the digits of every product, and ask for a multiple of 10.
func passesLuhn(_ digits: String) -> Bool {
    var sum = 0
    for (offset, character) in digits.reversed().enumerated() {
        let digit = Int(String(character))!
        if offset % 2 == 1 {
            let doubled = digit * 2
            sum += doubled / 10 + doubled % 10
        } else {
            sum += digit
        }
    }
    return sum % 10 == 0
}

/// Completes 10 digits with the one check digit that passes `passesLuhn`.
func withLuhnDigit(_ ten: String) -> String {
    let completed = (0...9).map { ten + String($0) }.filter(passesLuhn)
    return completed[0]
}

@Suite("ID-4 professionals: RPPS, ADELI and national ids")
struct ProfessionalIDTests {
    static let tenDigits = ["1000345678", "1010101010", "0000000000", "9999999999", "8000000000", "1234567890"]

    /// `99700024450` is the RPPS inside the CPS national id `899700024450`; checked by hand: from the
    /// right 0 + 4 + 2 + 0 + 7 + 9 = 22 and doubled 5→1, 4→8, 0, 0, 9→9 = 18; 22 + 18 = 40.
    @Test("ID-4 a known RPPS passes the Luhn check")
    func knownRPPS() throws {
        let rpps = try RPPS("99700024450")
        #expect(rpps.rawValue == "99700024450")
        #expect(ProfessionalID.rpps(rpps).nationalID == "899700024450")
    }

    @Test("ID-4 an RPPS is 11 digits, the last a Luhn check digit", arguments: Self.tenDigits)
    func luhnValid(ten: String) throws {
        let number = withLuhnDigit(ten)
        let rpps = try RPPS(number)
        #expect(rpps.rawValue == number)
        #expect(rpps.description == number)
    }

    @Test("ID-4 changing any one digit of an RPPS breaks the check digit", arguments: Self.tenDigits + ["9970002445"])
    func oneDigitChanged(ten: String) {
        let valid = Array(withLuhnDigit(ten))
        for position in valid.indices {
            for delta in 1...9 {
                var changed = valid
                changed[position] = Character(String((Int(String(valid[position]))! + delta) % 10))
                let error = #expect(throws: IdentifierError.self) {
                    try RPPS(String(changed))
                }
                #expect(error?.field == .rpps)
                #expect(error?.reason == .wrongCheckDigit)
            }
        }
    }

    @Test("ID-4 the RPPS error gives both check digits")
    func checkDigitMessage() {
        let error = #expect(throws: IdentifierError.self) {
            try RPPS("99700024451")
        }
        #expect(
            error?.description == #"RPPS "99700024451": check digit 1 does not match the computed Luhn check digit 0"#
        )
    }

    @Test(
        "ID-4 a malformed RPPS is refused",
        arguments: [
            ("9970002445", IdentifierError.wrongLength), ("997000244500", .wrongLength), ("", .empty),
            ("9970002445A", .invalidCharacter), ("99700-24450", .invalidCharacter),
        ]
    )
    func malformedRPPS(input: String, reason: IdentifierError.Reason) {
        let error = #expect(throws: IdentifierError.self) {
            try RPPS(input)
        }
        #expect(error?.field == .rpps)
        #expect(error?.reason == reason)
    }

    @Test("ID-4 spaces in an RPPS are ignored")
    func rppsSpaces() throws {
        #expect(try RPPS("997 000 244 50") == RPPS("99700024450"))
    }

    @Test(
        "ID-4 an ADELI is 9 characters, digits, the département part may be 2A or 2B",
        arguments: ["751234567", "75 1 23456 7", "2A1234567", "2b1234567", "971234567", "000000000"]
    )
    func adeliShape(input: String) throws {
        let adeli = try ADELI(input)
        #expect(adeli.rawValue.count == 9)
        #expect(adeli.rawValue == input.filter { $0 != " " }.uppercased())
        #expect(adeli.description == adeli.rawValue)
    }

    @Test(
        "ID-4 a malformed ADELI is refused",
        arguments: [
            ("75123456", IdentifierError.wrongLength), ("7512345678", .wrongLength), ("", .empty),
            ("2C1234567", .invalidCharacter), ("A21234567", .invalidCharacter), ("7512345X7", .invalidCharacter),
        ]
    )
    func malformedADELI(input: String, reason: IdentifierError.Reason) {
        let error = #expect(throws: IdentifierError.self) {
            try ADELI(input)
        }
        #expect(error?.field == .adeli)
        #expect(error?.reason == reason)
    }

    @Test(
        "ID-4 national id = 8 + RPPS or 0 + ADELI, and back",
        arguments: ["899700024450", "0751234567", "02A1234567", "8" + withLuhnDigit("1000345678")]
    )
    func nationalIDRoundTrip(nationalID: String) throws {
        let id = try ProfessionalID(nationalID: nationalID)
        #expect(id.nationalID == nationalID)
        #expect(id.description == nationalID)
        #expect(try ProfessionalID(id.nationalID) == id)
    }

    @Test("ID-4 the prefix chooses the directory")
    func prefixChoosesDirectory() throws {
        #expect(try ProfessionalID(nationalID: "899700024450") == .rpps(RPPS("99700024450")))
        #expect(try ProfessionalID(nationalID: "0751234567") == .adeli(ADELI("751234567")))
        #expect(try ProfessionalID(nationalID: "8 997 000 244 50").nationalID == "899700024450")
        #expect(ProfessionalID.rppsPrefix == "8")
        #expect(ProfessionalID.adeliPrefix == "0")
    }

    @Test(
        "ID-4 an unknown prefix is refused",
        arguments: ["499700024450014", "1750712184", "999700024450", "X99700024450"]
    )
    func unknownPrefix(nationalID: String) {
        let error = #expect(throws: IdentifierError.self) {
            try ProfessionalID(nationalID: nationalID)
        }
        #expect(error?.field == .professionalID)
        #expect(error?.reason == .unknownPrefix)
    }

    @Test("ID-4 the number after the prefix is checked by its own rules")
    func numberAfterPrefixChecked() {
        let rpps = #expect(throws: IdentifierError.self) {
            try ProfessionalID(nationalID: "899700024451")
        }
        #expect(rpps?.field == .rpps)
        #expect(rpps?.reason == .wrongCheckDigit)
        let adeli = #expect(throws: IdentifierError.self) {
            try ProfessionalID(nationalID: "075123456")
        }
        #expect(adeli?.field == .adeli)
        #expect(adeli?.reason == .wrongLength)
        let empty = #expect(throws: IdentifierError.self) {
            try ProfessionalID(nationalID: " ")
        }
        #expect(empty?.field == .professionalID)
        #expect(empty?.reason == .empty)
    }
}
