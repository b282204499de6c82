import DMP
import Testing

/// The key of 13 characters, computed independently of the library: the remainder is carried
/// digit by digit (Horner's rule, never above 970), with `2A` read as 19 and `2B` as 18.
func referenceINSKey(_ thirteen: String) -> String {
    var characters = Array(thirteen.filter { $0 != " " })
    if characters[6] == "A" {
        characters[5] = "1"
        characters[6] = "9"
    } else if characters[6] == "B" {
        characters[5] = "1"
        characters[6] = "8"
    }
    var remainder = 0
    for character in characters {
        remainder = (remainder * 10 + Int(String(character))!) % 97
    }
    let key = 97 - remainder
    return key < 10 ? "0\(key)" : "\(key)"
}

@Suite("ID-1 matricule INS (NIR and NIA)")
struct INSTests {
    /// 13-character numbers: ordinary, Corsican, born abroad (99), overseas (97), months above 12,
    /// sex values other than 1 and 2, the smallest and the largest.
    static let numbers = [
        "1 85 05 78 006 084",
        "2 55 08 14 168 025",
        "1 69 05 49 588 157",
        "2 84 12 2A 004 018",
        "1 62 11 2B 034 005",
        "2 00 01 2B 120 999",
        "1 85 13 99 123 456",
        "2 70 12 97 411 021",
        "7 99 20 75 056 001",
        "3 85 05 99 123 456",
        "8 40 42 2A 999 999",
        "0 00 00 00 000 000",
        "9 99 99 99 999 999",
    ]

    @Test("ID-1 NIR key is 97 minus the number mod 97", arguments: Self.numbers)
    func keyIsComputed(thirteen: String) throws {
        let number = thirteen + " " + referenceINSKey(thirteen)
        let nir = try INS(number, kind: .nir)
        #expect(nir.rawValue == number.filter { $0 != " " })
        #expect(nir.formatted == number)
        #expect(nir.kind == .nir)
    }

    /// Numbers whose keys were checked by hand, by long division in chunks, carrying the remainder.
    /// For `2 55 08 14 168 025`: 25508 mod 97 = 94; 941416 mod 97 = 31; 318025 mod 97 = 59; 97 − 59 = 38.
    /// For `2 84 12 2A 004 018` (2A read as 19): 28412 → 88; 881900 → 73; 734018 → 19; 97 − 19 = 78.
    /// For `1 62 11 2B 034 005` (2B read as 18): 16211 → 12; 121803 → 68; 684005 → 58; 97 − 58 = 39.
    /// For `1 85 13 99 123 456` (month 13): 18513 → 83; 839912 → 86; 863456 → 59; 97 − 59 = 38.
    @Test(
        "ID-1 known valid numbers, including Corsica 2A and 2B and a month above 12",
        arguments: [
            "2 55 08 14 168 025 38",
            "2 84 12 2A 004 018 78",
            "1 62 11 2B 034 005 39",
            "1 85 13 99 123 456 38",
        ]
    )
    func knownValidNumbers(number: String) throws {
        let nir = try INS(number, kind: .nir)
        #expect(nir.formatted == number)
    }

    @Test("ID-1 a wrong key is refused with an error that says so", arguments: Self.numbers)
    func wrongKeyIsRefused(thirteen: String) {
        let good = Int(referenceINSKey(thirteen))!
        for bad in [good % 97 + 1, (good + 95) % 97 + 1, 0, 98, 99] where bad != good {
            let badKey = bad < 10 ? "0\(bad)" : "\(bad)"
            let error = #expect(throws: IdentifierError.self) {
                try INS(thirteen + badKey, kind: .nir)
            }
            #expect(error?.reason == .wrongKey)
            #expect(error?.field == .nir)
            #expect(error?.message == "key \(badKey) does not match the computed key \(referenceINSKey(thirteen))")
        }
    }

    @Test("ID-1 the operator message names the field, the input and both keys")
    func wrongKeyMessage() {
        let error = #expect(throws: IdentifierError.self) {
            try INS("1 85 05 78 006 084 37", kind: .nir)
        }
        #expect(error?.description == #"NIR "1 85 05 78 006 084 37": key 37 does not match the computed key 91"#)
    }

    @Test("ID-1 spaces, no-break spaces and lower-case 2a/2b are accepted and normalised")
    func spacesAreAccepted() throws {
        let forms = [
            "284122A00401878",
            "2 84 12 2A 004 018 78",
            "2 84 12 2a 004 018 78",
            "  2841 22A0 0401 878 ",
            "2\u{00A0}84\u{00A0}12\u{00A0}2A\u{00A0}004\u{00A0}018\u{00A0}78",
            "2\u{202F}84\u{202F}12\u{202F}2A\u{202F}004\u{202F}018\u{202F}78",
        ]
        let parsed = try forms.map { try INS($0, kind: .nir) }
        for ins in parsed {
            #expect(ins == parsed[0])
            #expect(ins.rawValue == "284122A00401878")
            #expect(ins.description == "284122A00401878")
        }
    }

    @Test(
        "ID-1 months above 12 and sex values other than 1 and 2 are not refused",
        arguments: ["1 85 13", "1 85 20", "1 85 42", "1 85 99", "3 85 05", "4 85 05", "7 00 00", "8 99 62", "0 85 05"]
    )
    func noOverValidation(prefix: String) throws {
        let thirteen = prefix + " 75 056 123"
        let nia = try INS(thirteen + " " + referenceINSKey(thirteen), kind: .nia)
        #expect(nia.kind == .nia)
    }

    @Test(
        "ID-1 a number that is not 15 characters is refused",
        arguments: ["1 85 05 78 006 084", "1 85 05 78 006 084 9", "1 85 05 78 006 084 911", "1"]
    )
    func wrongLength(number: String) {
        let error = #expect(throws: IdentifierError.self) {
            try INS(number, kind: .nir)
        }
        #expect(error?.reason == .wrongLength)
        #expect(error?.field == .nir)
    }

    @Test("ID-1 an empty or blank number is refused as empty", arguments: ["", "   ", "\u{00A0}"])
    func empty(number: String) {
        let error = #expect(throws: IdentifierError.self) {
            try INS(number, kind: .nia)
        }
        #expect(error?.reason == .empty)
        #expect(error?.field == .nia)
    }

    @Test(
        "ID-1 letters are refused except A or B after a 2 in the département",
        arguments: [
            "1 85 05 78 0O6 084 91",
            "1 85 05 2C 006 084 91",
            "1 85 05 3A 006 084 91",
            "1 85 05 A2 006 084 91",
            "1 85 05 2A 006 084 9X",
            "X 85 05 78 006 084 91",
            "1 85 05 78 006 08\t91",
            "1 85 05 78 006 084 ９１",
            "185-0578-006-08",
        ]
    )
    func invalidCharacter(number: String) {
        let error = #expect(throws: IdentifierError.self) {
            try INS(number, kind: .nir)
        }
        #expect(error?.reason == .invalidCharacter)
    }

    @Test("ID-1 an invalid character is located by its position in the input as given")
    func invalidCharacterPosition() {
        let error = #expect(throws: IdentifierError.self) {
            try INS("1 85 05 78 0O6 084 91", kind: .nir)
        }
        #expect(error?.message == #"character "O" at position 13 is not a digit"#)
        let departement = #expect(throws: IdentifierError.self) {
            try INS("1 85 05 2C 006 084 91", kind: .nir)
        }
        #expect(departement?.message == #"département "2C" at position 9 is not two digits, 2A or 2B"#)
    }

    @Test("ID-1 the kind comes from the caller: the same digits as NIR and NIA are different identifiers")
    func kindFromCaller() throws {
        let nir = try INS("2 55 08 14 168 025 38", kind: .nir)
        let nia = try INS("2 55 08 14 168 025 38", kind: .nia)
        #expect(nir.rawValue == nia.rawValue)
        #expect(nir != nia)
        #expect(nir.authority == .nir)
        #expect(nia.authority == .nia)
        #expect(nir.authority.oid == "1.2.250.1.213.1.4.8")
        #expect(nia.authority.oid == "1.2.250.1.213.1.4.9")
    }

    @Test(
        "ID-1 assigning authorities are found by OID and tell the kind",
        arguments: [
            ("1.2.250.1.213.1.4.8", INS.Kind.nir, INS.Environment.production),
            ("1.2.250.1.213.1.4.9", INS.Kind.nia, INS.Environment.production),
            ("1.2.250.1.213.1.4.10", INS.Kind.nir, INS.Environment.test),
            ("1.2.250.1.213.1.4.11", INS.Kind.nir, INS.Environment.demonstration),
        ]
    )
    func authorityByOID(oid: String, kind: INS.Kind, environment: INS.Environment) throws {
        let authority = try INS.AssigningAuthority(oid: oid)
        #expect(authority.oid == oid)
        #expect(authority.description == oid)
        #expect(authority.kind == kind)
        #expect(authority.environment == environment)
        let ins = try INS("2 55 08 14 168 025 38", authority: authority)
        #expect(ins.kind == kind)
        #expect(ins.authority == authority)
    }

    @Test(
        "ID-1 an unknown assigning authority OID is refused",
        arguments: ["1.2.250.1.213.1.4.2", "1.2.250.1.213.1.4.12", "", "1.2.250.1.213.1.4.8.1"]
    )
    func unknownAuthority(oid: String) {
        let error = #expect(throws: IdentifierError.self) {
            try INS.AssigningAuthority(oid: oid)
        }
        #expect(error?.reason == .unknownCode)
        #expect(error?.field == .assigningAuthority)
    }

    @Test("ID-1 each kind's production authority is the registry that issues it")
    func productionAuthorities() {
        #expect(INS.Kind.nir.productionAuthority == .nir)
        #expect(INS.Kind.nia.productionAuthority == .nia)
        #expect(INS.AssigningAuthority.known.count == 4)
        #expect(Set(INS.AssigningAuthority.known.map(\.label)) == ["NIR", "NIA", "NIR-TEST", "NIR-DEMO"])
    }

    @Test("ID-1 a compact number is read as the general checks read it (the shortcut for records agrees, key and all)")
    func compactFormAgreesWithTheGeneralChecks() {
        var generator = SystemRandomNumberGenerator()
        var inputs: [String] = []
        for number in Self.numbers {
            let thirteen = number.filter { $0 != " " }
            inputs.append(thirteen + referenceINSKey(number))
        }
        for _ in 0..<300 {
            var thirteen = String((0..<13).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            if Bool.random(using: &generator) {
                var characters = Array(thirteen)
                characters[5] = "2"
                characters[6] = Bool.random(using: &generator) ? "A" : "B"
                thirteen = String(characters)
            }
            inputs.append(thirteen + referenceINSKey(thirteen))
        }
        // Every single-character change of the valid ones: wrong keys, letters, lower case, punctuation.
        let replacements: [Character] = ["0", "1", "5", "9", "A", "B", "a", "b", "C", "-", " ", "é", "٣"]
        for valid in inputs.prefix(40) {
            for index in 0..<15 {
                for replacement in replacements {
                    var characters = Array(valid)
                    characters[index] = replacement
                    inputs.append(String(characters))
                }
            }
        }
        for input in inputs {
            for kind in INS.Kind.allCases {
                // A leading space takes the general checks; the same number without it may take the shortcut.
                let general = try? INS(" " + input, kind: kind)
                let compact = try? INS(input, kind: kind)
                #expect(compact?.rawValue == general?.rawValue, "\(input)")
                #expect(compact?.authority == general?.authority, "\(input)")
            }
            let general = try? INSC(" " + input + "1234567")
            let compact = try? INSC(input + "1234567")
            #expect(compact?.rawValue == general?.rawValue, "\(input)")
        }
        #expect(inputs.filter { (try? INS($0, kind: .nir)) != nil }.count >= 340)
    }
}
