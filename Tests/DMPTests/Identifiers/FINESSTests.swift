import DMP
import Testing

@Suite("ID-5 structures: FINESS")
struct FINESSTests {
    @Test(
        "ID-5 a FINESS is 9 characters, letters possible in the département part",
        arguments: [
            ("750712184", "750712184"),
            ("750 712 184", "750712184"),
            ("2A0000012", "2A0000012"),
            ("2b0000012", "2B0000012"),
            ("9A0000014", "9A0000014"),
            ("010000024", "010000024"),
        ]
    )
    func valid(input: String, expected: String) throws {
        let finess = try FINESS(input)
        #expect(finess.rawValue == expected)
        #expect(finess.description == expected)
        #expect(try FINESS(finess.rawValue) == finess)
    }

    @Test("ID-5 the ninth character is not checked: no key algorithm is documented")
    func keyNotChecked() throws {
        for last in 0...9 {
            #expect(throws: Never.self) {
                try FINESS("75071218\(last)")
            }
        }
    }

    @Test(
        "ID-5 a malformed FINESS is refused",
        arguments: [
            ("75071218", IdentifierError.wrongLength), ("7507121840", .wrongLength), ("", .empty),
            ("75071A184", .invalidCharacter), ("7507121-4", .invalidCharacter), ("-50712184", .invalidCharacter),
            ("É50712184", .invalidCharacter),
        ]
    )
    func malformed(input: String, reason: IdentifierError.Reason) {
        let error = #expect(throws: IdentifierError.self) {
            try FINESS(input)
        }
        #expect(error?.field == .finess)
        #expect(error?.reason == reason)
    }
}
