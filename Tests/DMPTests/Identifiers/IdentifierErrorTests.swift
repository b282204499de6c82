import DMP
import Testing

/// One way to provoke each error, with the words its description must contain.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    let field: IdentifierError.Field
    let reason: IdentifierError.Reason
    /// Words of the message that say the reason in plain language.
    let words: String
    let provoke: @Sendable () throws -> Void

    var testDescription: String {
        "\(self.field) \(self.reason)"
    }

    static let all: [ErrorCase] = [
        ErrorCase(field: .nir, reason: .wrongKey, words: "does not match the computed key") {
            _ = try INS("1 85 05 78 006 084 37", kind: .nir)
        },
        ErrorCase(field: .nia, reason: .wrongLength, words: "expected 15") {
            _ = try INS("1 85 05 78 006 084", kind: .nia)
        },
        ErrorCase(field: .nir, reason: .invalidCharacter, words: "is not a digit") {
            _ = try INS("1 85 05 78 0O6 084 91", kind: .nir)
        },
        ErrorCase(field: .nir, reason: .empty, words: "is empty") {
            _ = try INS("", kind: .nir)
        },
        ErrorCase(field: .assigningAuthority, reason: .unknownCode, words: "is not the OID of a known") {
            _ = try INS.AssigningAuthority(oid: "1.2.3")
        },
        ErrorCase(field: .insc, reason: .wrongLength, words: "expected 22 digits") {
            _ = try INSC("123")
        },
        ErrorCase(field: .patientIdentifier, reason: .missingKind, words: "may be a NIR or a NIA") {
            _ = try PatientIdentifier("255081416802538")
        },
        ErrorCase(field: .patientIdentifier, reason: .unknownPrefix, words: "is not one of") {
            _ = try PatientIdentifier("SSN:255081416802538")
        },
        ErrorCase(field: .identifierHistory, reason: .illegalTransition, words: "cannot be replaced") {
            _ = try IdentifierHistory.change(
                from: PatientIdentifier("NIR:255081416802538"),
                to: PatientIdentifier("INSC:1234567890123456789012")
            )
        },
        ErrorCase(field: .identifierHistory, reason: .unchanged, words: "is already the current identifier") {
            _ = try IdentifierHistory.change(
                from: PatientIdentifier("NIR:255081416802538"),
                to: PatientIdentifier("NIR:255081416802538")
            )
        },
        ErrorCase(field: .birthName, reason: .empty, words: "is empty") {
            _ = try IdentityTraits(
                birthName: "",
                birthFirstNames: ["MARIE"],
                birthDate: CivilDate(year: 1955, month: 8, day: 14),
                sex: .female,
                birthPlace: IdentityTraits.BirthPlaceCode("14118")
            )
        },
        ErrorCase(field: .birthFirstNames, reason: .empty, words: "at least one first name") {
            _ = try IdentityTraits(
                birthName: "MARTIN",
                birthFirstNames: [],
                birthDate: CivilDate(year: 1955, month: 8, day: 14),
                sex: .female,
                birthPlace: IdentityTraits.BirthPlaceCode("14118")
            )
        },
        ErrorCase(field: .date, reason: .invalidDate, words: "is not between 1 and 12") {
            _ = try CivilDate(year: 1985, month: 13, day: 1)
        },
        ErrorCase(field: .sex, reason: .unknownCode, words: "is not a sex code") {
            _ = try IdentityTraits.Sex("X")
        },
        ErrorCase(field: .birthPlace, reason: .invalidCharacter, words: "is not two digits, 2A or 2B") {
            _ = try IdentityTraits.BirthPlaceCode("2C004")
        },
        ErrorCase(field: .rpps, reason: .wrongCheckDigit, words: "does not match the computed Luhn check digit") {
            _ = try RPPS("99700024451")
        },
        ErrorCase(field: .adeli, reason: .wrongLength, words: "expected 9") {
            _ = try ADELI("12345678")
        },
        ErrorCase(field: .professionalID, reason: .unknownPrefix, words: "is not 8 (RPPS) or 0 (ADELI)") {
            _ = try ProfessionalID(nationalID: "499700024450")
        },
        ErrorCase(field: .finess, reason: .invalidCharacter, words: "is not a digit") {
            _ = try FINESS("75071A184")
        },
    ]
}

@Suite("Identifier errors")
struct IdentifierErrorTests {
    @Test("every error's description names the field, the input and the reason", arguments: ErrorCase.all)
    func descriptionNamesFieldAndReason(errorCase: ErrorCase) {
        let error = #expect(throws: IdentifierError.self) {
            try errorCase.provoke()
        }
        guard let error else {
            return
        }
        #expect(error.field == errorCase.field)
        #expect(error.reason == errorCase.reason)
        #expect(error.description.hasPrefix("\(errorCase.field.name) \(error.input.debugDescription): "))
        #expect(error.description.contains(errorCase.words))
        #expect(error.description.hasSuffix(error.message))
    }

    @Test("every built-in reason is provoked by at least one case above")
    func everyReasonCovered() {
        let reasons: Set<IdentifierError.Reason> = [
            .wrongLength, .invalidCharacter, .wrongKey, .wrongCheckDigit, .invalidDate, .empty,
            .illegalTransition, .unchanged, .unknownPrefix, .missingKind, .unknownCode,
        ]
        #expect(Set(ErrorCase.all.map(\.reason)) == reasons)
    }

    @Test("errors are equal when field and reason are equal, whatever the input and message")
    func equality() {
        let a = IdentifierError(field: .nir, reason: .wrongKey, input: "1", message: "one")
        let b = IdentifierError(field: .nir, reason: .wrongKey, input: "2", message: "two")
        #expect(a == b)
        #expect(a != IdentifierError(field: .nia, reason: .wrongKey, input: "1", message: "one"))
        #expect(a != IdentifierError(field: .nir, reason: .wrongLength, input: "1", message: "one"))
        #expect(IdentifierError.Reason("wrongKey") == .wrongKey)
        #expect(IdentifierError.Field("NIR") == .nir)
    }

    @Test("catch IdentifierError.wrongKey matches on the reason")
    func catchByReason() {
        var caught = ""
        do {
            _ = try INS("1 85 05 78 006 084 37", kind: .nir)
        } catch IdentifierError.wrongLength {
            caught = "length"
        } catch IdentifierError.wrongKey {
            caught = "key"
        } catch {
            caught = "other"
        }
        #expect(caught == "key")

        do throws(IdentifierError) {
            _ = try RPPS("123")
        } catch IdentifierError.wrongCheckDigit {
            caught = "check digit"
        } catch IdentifierError.wrongLength {
            caught = "length"
        } catch {
            caught = "other"
        }
        #expect(caught == "length")

        struct Unrelated: Error {}
        #expect(!(IdentifierError.wrongKey ~= Unrelated()))
    }

    @Test("extensible codes: a reason and a field defined elsewhere work the same way")
    func extensibleCodes() {
        let stale = IdentifierError.Reason("staleDirectory")
        let error = IdentifierError(field: .init("directory"), reason: stale, input: "x", message: "is stale")
        #expect(error.description == #"directory "x": is stale"#)
        #expect(stale ~= error as any Error)
        #expect(!(IdentifierError.wrongKey ~= error))
    }

    @Test("the input is quoted and escaped in the description, and a very long input is cut")
    func inputEscaped() {
        let quoted = #expect(throws: IdentifierError.self) {
            try RPPS("12\"\n")
        }
        #expect(quoted?.description.hasPrefix(#"RPPS "12\"\n": "#) == true)

        let long = String(repeating: "7", count: 10_000)
        let error = #expect(throws: IdentifierError.self) {
            try INSC(long)
        }
        #expect(error?.input == long)
        #expect((error?.description.count ?? .max) < 200)
        #expect(error?.description.contains("(10000 characters)") == true)
    }
}
