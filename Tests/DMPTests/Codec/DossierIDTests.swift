import Testing

@testable import DMP

/// Dossier ids: UUIDs held as 128 bits, written as the lowercase UUID string.
@Suite struct DossierIDTests {
    @Test("A dossier id round-trips through its lowercase UUID string, from either case")
    func roundTrip() throws {
        let id = try #require(DossierID(rawValue: "6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b"))
        #expect(id.rawValue == "6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b")
        #expect(DossierID(rawValue: "6F1C2A9E-3B4D-5E6F-8A7B-9C0D1E2F3A4B") == id)
        #expect(DossierID(rawValue: "00000000-0000-0000-0000-000000000000")?.rawValue == "00000000-0000-0000-0000-000000000000")
        #expect(DossierID(rawValue: "ffffffff-ffff-ffff-ffff-ffffffffffff")?.rawValue == "ffffffff-ffff-ffff-ffff-ffffffffffff")
    }

    @Test(arguments: [
        "", "nope", "6f1c2a9e3b4d5e6f8a7b9c0d1e2f3a4b", "6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4", "6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b0",
        "6f1c2a9e-3b4d-5e6f-8a7b_9c0d1e2f3a4b", "6g1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b", " 6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4",
    ])
    func malformedIsRefused(_ text: String) {
        #expect(DossierID(rawValue: text) == nil)
    }

    @Test("Records hold ids in lowercase: the record parser refuses uppercase, and any wrong byte anywhere")
    func recordFormIsStrict() throws {
        func parse(_ text: String) -> DossierID? {
            Array(text.utf8).withUnsafeBytes { DossierID.parse($0) }
        }
        let text = "6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b"
        #expect(parse(text) == DossierID(rawValue: text))
        #expect(parse(text.uppercased()) == nil)
        let bytes = Array(text.utf8)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices {
            // Every byte that is not what the format allows at this place is refused.
            for replacement in UInt8.min...UInt8.max {
                var changed = bytes
                changed[index] = replacement
                let allowed: Bool
                if [8, 13, 18, 23].contains(index) {
                    allowed = replacement == 0x2D
                } else {
                    allowed = (0x30...0x39).contains(replacement) || (0x61...0x66).contains(replacement)
                }
                let parsed = changed.withUnsafeBytes { DossierID.parse($0) }
                #expect((parsed != nil) == allowed, "byte \(index) = \(replacement)")
            }
        }
        for _ in 0..<200 {
            let id = DossierID(high: generator.next(), low: generator.next())
            #expect(parse(id.rawValue) == id)
        }
    }

    @Test("Ids order as their strings do, and equal ids hash alike")
    func orderAndHash() {
        var generator = SystemRandomNumberGenerator()
        let ids = (0..<200).map { _ in DossierID(high: generator.next(), low: generator.next() >> (generator.next() % 64)) }
        #expect(ids.sorted().map(\.rawValue) == ids.map(\.rawValue).sorted())
        for id in ids {
            let again = DossierID(rawValue: id.rawValue)!
            #expect(again == id && again.hashValue == id.hashValue)
        }
        #expect(Set(ids).count == Set(ids.map(\.rawValue)).count)
    }

    @Test("Dossier ids derived from a key are version-5-shaped UUIDs, the same for the same key")
    func derived() {
        let id = Decider.derivedDossierID(key: "notice-1")
        #expect(id == Decider.derivedDossierID(key: "notice-1"))
        #expect(id != Decider.derivedDossierID(key: "notice-2"))
        let text = Array(id.rawValue)
        #expect(text.count == 36 && text[14] == "5" && "89ab".contains(text[19]))
    }
}
