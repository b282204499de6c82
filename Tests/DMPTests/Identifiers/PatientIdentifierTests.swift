import DMP
import Testing

@Suite("ID-3 INS-C and the patient identifier string form")
struct PatientIdentifierTests {
    @Test(
        "ID-3 an INS-C is 22 digits, spaces ignored",
        arguments: ["1234567890123456789012", "12345 67890 12345 67890 12", "0000000000000000000000"]
    )
    func inscShape(input: String) throws {
        let insc = try INSC(input)
        #expect(insc.rawValue == input.filter { $0 != " " })
        #expect(insc.description == insc.rawValue)
    }

    @Test(
        "ID-3 an INS-C of another length is refused",
        arguments: ["123456789012345678901", "12345678901234567890123", "255081416802538"]
    )
    func inscWrongLength(input: String) {
        let error = #expect(throws: IdentifierError.self) {
            try INSC(input)
        }
        #expect(error?.field == .insc)
        #expect(error?.reason == .wrongLength)
    }

    @Test("ID-3 an INS-C with a non-digit is refused", arguments: ["123456789012345678901A", "12345678901234567890-2"])
    func inscInvalidCharacter(input: String) {
        let error = #expect(throws: IdentifierError.self) {
            try INSC(input)
        }
        #expect(error?.field == .insc)
        #expect(error?.reason == .invalidCharacter)
    }

    @Test("ID-3 the legacy INS-C assigning authority OID is documented")
    func inscOID() {
        #expect(INSC.assigningAuthorityOID == "1.2.250.1.213.1.4.2")
    }

    static let stringForms = [
        "NIR:255081416802538",
        "NIR:284122A00401878",
        "NIA:162112B03400539",
        "NIR-TEST:255081416802538",
        "NIR-DEMO:255081416802538",
        "INSC:1234567890123456789012",
    ]

    @Test("ID-1 ID-3 the string form round-trips", arguments: Self.stringForms)
    func stringFormRoundTrips(form: String) throws {
        let identifier = try PatientIdentifier(form)
        #expect(identifier.description == form)
        #expect(try PatientIdentifier(identifier.description) == identifier)
    }

    @Test("ID-1 the string form carries kind and authority")
    func stringFormCases() throws {
        let nir = try PatientIdentifier("NIR:255081416802538")
        #expect(nir == .nir(try INS("255081416802538", kind: .nir)))
        let nia = try PatientIdentifier("NIA:255081416802538")
        #expect(nia == .nia(try INS("255081416802538", kind: .nia)))
        #expect(nir != nia)
        let test = try PatientIdentifier("NIR-TEST:255081416802538")
        #expect(test == .nir(try INS("255081416802538", authority: .nirTest)))
        #expect(test != nir)
        let insc = try PatientIdentifier("INSC:1234567890123456789012")
        #expect(insc == .insc(try INSC("1234567890123456789012")))
        #expect(insc.ins == nil)
        #expect(nir.ins?.authority == .nir)
    }

    @Test("ID-1 a string form may carry the number with spaces; the result is canonical")
    func stringFormWithSpaces() throws {
        let identifier = try PatientIdentifier("NIR:2 55 08 14 168 025 38")
        #expect(identifier.description == "NIR:255081416802538")
    }

    @Test("ID-1 wrapping an INS picks the case of its kind")
    func wrappingPicksCase() throws {
        let nir = try INS("2 55 08 14 168 025 38", kind: .nir)
        let nia = try INS("2 55 08 14 168 025 38", kind: .nia)
        #expect(PatientIdentifier(nir) == .nir(nir))
        #expect(PatientIdentifier(nia) == .nia(nia))
        #expect(PatientIdentifier(nia).description == "NIA:255081416802538")
    }

    @Test("ID-1 ID-3 a bare number: 22 digits is an INS-C, 15 characters needs the kind")
    func bareNumbers() throws {
        #expect(try PatientIdentifier("1234567890123456789012") == PatientIdentifier("INSC:1234567890123456789012"))
        #expect(try PatientIdentifier("2 55 08 14 168 025 38", kind: .nir) == PatientIdentifier("NIR:255081416802538"))
        #expect(try PatientIdentifier("255081416802538", kind: .nia) == PatientIdentifier("NIA:255081416802538"))
        // The kind applies only to bare numbers.
        #expect(try PatientIdentifier("NIR:255081416802538", kind: .nia) == PatientIdentifier("NIR:255081416802538"))

        let error = #expect(throws: IdentifierError.self) {
            try PatientIdentifier("2 55 08 14 168 025 38")
        }
        #expect(error?.field == .patientIdentifier)
        #expect(error?.reason == .missingKind)
    }

    @Test(
        "ID-1 ID-3 an unknown label is refused",
        arguments: ["nir:255081416802538", "INS:255081416802538", "INS-C:1234567890123456789012", ":255081416802538"]
    )
    func unknownLabel(form: String) {
        let error = #expect(throws: IdentifierError.self) {
            try PatientIdentifier(form)
        }
        #expect(error?.field == .patientIdentifier)
        #expect(error?.reason == .unknownPrefix)
    }

    @Test("ID-1 ID-3 a bare number of another length is refused", arguments: ["12345", "2550814168025380"])
    func bareWrongLength(input: String) {
        let error = #expect(throws: IdentifierError.self) {
            try PatientIdentifier(input, kind: .nir)
        }
        #expect(error?.field == .patientIdentifier)
        #expect(error?.reason == .wrongLength)
    }

    @Test("ID-1 the number of a labelled form is checked like any INS")
    func labelledNumberChecked() {
        let error = #expect(throws: IdentifierError.self) {
            try PatientIdentifier("NIA:255081416802539")
        }
        #expect(error?.field == .nia)
        #expect(error?.reason == .wrongKey)
        let insc = #expect(throws: IdentifierError.self) {
            try PatientIdentifier("INSC:123")
        }
        #expect(insc?.field == .insc)
        #expect(insc?.reason == .wrongLength)
    }
}
