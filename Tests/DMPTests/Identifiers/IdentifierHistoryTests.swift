import DMP
import Testing

@Suite("ID-3 identifier history")
struct IdentifierHistoryTests {
    // Two of each kind, so that rectifications have somewhere to go.
    static let insc1 = "INSC:1234567890123456789012"
    static let insc2 = "INSC:9876543210987654321098"
    static let nia1 = "NIA:162112B03400539"
    static let nia2 = "NIA:185139912345638"
    static let nir1 = "NIR:255081416802538"
    static let nir2 = "NIR:284122A00401878"
    static let nirTest = "NIR-TEST:255081416802538"
    static let nirTest2 = "NIR-TEST:284122A00401878"
    static let nirDemo = "NIR-DEMO:284122A00401878"

    static func id(_ form: String) throws -> PatientIdentifier {
        try PatientIdentifier(form)
    }

    @Test(
        "ID-3 allowed changes: INS-C to NIA or NIR, NIA to NIR, and rectification within a kind",
        arguments: [
            (Self.insc1, Self.nia1, IdentifierHistory.Change.promotion),
            (Self.insc1, Self.nir1, .promotion),
            (Self.nia1, Self.nir1, .promotion),
            (Self.insc1, Self.insc2, .rectification),
            (Self.nia1, Self.nia2, .rectification),
            (Self.nir1, Self.nir2, .rectification),
            (Self.nirTest, Self.nirTest2, .rectification),
            (Self.insc1, Self.nirTest, .promotion),
        ]
    )
    func allowedChanges(from: String, to: String, expected: IdentifierHistory.Change) throws {
        #expect(try IdentifierHistory.change(from: Self.id(from), to: Self.id(to)) == expected)
        var history = IdentifierHistory(try Self.id(from))
        let change = try history.replaceCurrent(with: Self.id(to))
        #expect(change == expected)
        #expect(history.current == (try Self.id(to)))
        #expect(history.all == [try Self.id(from), try Self.id(to)])
    }

    @Test(
        "ID-3 a NIR never goes back to a NIA or INS-C, nor a NIA to an INS-C",
        arguments: [
            (Self.nir1, Self.nia1),
            (Self.nir1, Self.insc1),
            (Self.nia1, Self.insc1),
            (Self.nirTest, Self.insc1),
        ]
    )
    func refusedChanges(from: String, to: String) throws {
        var history = IdentifierHistory(try Self.id(from))
        let before = history
        let error = #expect(throws: IdentifierError.self) {
            try history.replaceCurrent(with: Self.id(to))
        }
        #expect(error?.field == .identifierHistory)
        #expect(error?.reason == .illegalTransition)
        #expect(error?.message.contains("never goes back") == true)
        #expect(history == before)
    }

    @Test(
        "ID-3 a production number and a test or demonstration number never replace each other",
        arguments: [
            (Self.nir1, Self.nirTest),
            (Self.nirTest, Self.nir1),
            (Self.nia1, Self.nirDemo),
            (Self.nirTest, Self.nirDemo),
        ]
    )
    func environmentsDoNotMix(from: String, to: String) throws {
        let error = #expect(throws: IdentifierError.self) {
            try IdentifierHistory.change(from: Self.id(from), to: Self.id(to))
        }
        #expect(error?.reason == .illegalTransition)
    }

    @Test("ID-3 replacing the current identifier by itself is refused as unchanged")
    func unchanged() throws {
        var history = IdentifierHistory(try Self.id(Self.nia1))
        let error = #expect(throws: IdentifierError.self) {
            try history.replaceCurrent(with: Self.id(Self.nia1))
        }
        #expect(error?.reason == .unchanged)
        #expect(history.all.count == 1)
    }

    @Test("ID-3 a dossier is found by every identifier it has had")
    func lookupByOldIdentifier() throws {
        var history = IdentifierHistory(try Self.id(Self.insc1))
        try history.replaceCurrent(with: Self.id(Self.nia1))
        try history.replaceCurrent(with: Self.id(Self.nir1))
        try history.replaceCurrent(with: Self.id(Self.nir2))

        #expect(history.current == (try Self.id(Self.nir2)))
        #expect(history.all.map(\.description) == [Self.insc1, Self.nia1, Self.nir1, Self.nir2])
        for old in [Self.insc1, Self.nia1, Self.nir1, Self.nir2] {
            #expect(history.contains(try Self.id(old)))
        }
        #expect(!history.contains(try Self.id(Self.insc2)))
        #expect(!history.contains(try Self.id(Self.nia2)))
        // The same digits as a NIA are not the NIR the dossier had.
        #expect(!history.contains(try Self.id("NIA:255081416802538")))
        #expect(history.description == [Self.insc1, Self.nia1, Self.nir1, Self.nir2].joined(separator: " > "))
    }

    @Test("ID-3 a rectification may go back to a NIR the history already holds")
    func rectificationBack() throws {
        let history = try IdentifierHistory(replaying: [Self.id(Self.nir1), Self.id(Self.nir2), Self.id(Self.nir1)])
        #expect(history.current == (try Self.id(Self.nir1)))
        #expect(history.all.count == 3)
    }

    @Test("ID-3 the history is a value: a copy does not see later changes")
    func valueSemantics() throws {
        let original = IdentifierHistory(try Self.id(Self.nia1))
        var changed = original
        try changed.replaceCurrent(with: Self.id(Self.nir1))
        #expect(original.current == (try Self.id(Self.nia1)))
        #expect(original.all.count == 1)
        #expect(changed.current == (try Self.id(Self.nir1)))

        let replaced = try original.replacingCurrent(with: Self.id(Self.nir1))
        #expect(replaced == changed)
        #expect(original.all.count == 1)
    }

    @Test("ID-3 replaying a history checks every step")
    func replaying() throws {
        let history = try IdentifierHistory(replaying: [Self.id(Self.insc1), Self.id(Self.nia1), Self.id(Self.nir1)])
        #expect(history.all.count == 3)

        let refused = #expect(throws: IdentifierError.self) {
            try IdentifierHistory(replaying: [Self.id(Self.nia1), Self.id(Self.nir1), Self.id(Self.nia2)])
        }
        #expect(refused?.reason == .illegalTransition)

        let empty = #expect(throws: IdentifierError.self) {
            try IdentifierHistory(replaying: [])
        }
        #expect(empty?.reason == .empty)
        #expect(empty?.field == .identifierHistory)
    }

    @Test("ID-3 the refusal names the current and the new identifier")
    func refusalMessage() throws {
        let error = #expect(throws: IdentifierError.self) {
            try IdentifierHistory.change(from: Self.id(Self.nir1), to: Self.id(Self.nia1))
        }
        #expect(
            error?.description
                == #"identifier history "NIA:162112B03400539": the current NIR:255081416802538 cannot be replaced "#
                + "by a NIA: a NIR never goes back to a NIA or an INS-C"
        )
    }
}
