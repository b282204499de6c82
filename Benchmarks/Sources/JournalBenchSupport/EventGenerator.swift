/// A deterministic generator of synthetic DMP event JSON, about 300 bytes each.
///
/// Event `i` is a pure function of `(seed, i)`, so every run, every process and every baseline
/// sees the same bytes. The events are not a repeated template: each carries random UUIDs,
/// 64-hex SHA-256 digests, millisecond timestamps, RPPS numbers and names drawn from pools, with
/// the mix of kinds a shared medical record sees (consultations dominate), so that LZ4 ratios are
/// honest (about 2–3× on batches of 1,024, like real events; a template would give 10× and
/// flatter every figure that depends on bytes).
public struct EventGenerator: Sendable {
    /// Bump when the output changes: cached fixtures are keyed by it.
    public static let version = 1

    public let seed: UInt64
    /// The number of distinct dossiers (patients) events are spread over.
    public let dossiers: UInt64
    /// The number of distinct health professionals acting.
    public let professionals: UInt64

    public init(seed: UInt64 = 0x444D_505F_4A52_4E4C, dossiers: UInt64 = 100_000, professionals: UInt64 = 5_000) {
        self.seed = seed
        self.dossiers = dossiers
        self.professionals = professionals
    }

    /// The events `range`, each as its own byte array.
    public func events(_ range: Range<Int>) -> [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(range.count)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(512)
        for i in range {
            buffer.removeAll(keepingCapacity: true)
            self.write(event: i, into: &buffer)
            out.append(buffer)
        }
        return out
    }

    /// Appends the JSON of event `index` (no newline) to `out`.
    public func write(event index: Int, into out: inout [UInt8]) {
        // Each event, dossier and professional gets its own stream: start points scattered by a
        // mixing function (consecutive seeds would give overlapping SplitMix64 streams, and so
        // repeated bytes that flatter compression).
        var rng = SplitMix64(seed: SplitMix64.mix(self.seed &+ UInt64(index)))
        // One event every ~25 ms on average, over a national system.
        let at = Self.epoch2026 + Int64(index) * 25 + Int64(rng.next() % 25)
        // Care happens in sessions: a professional acting on one dossier a few times in a row,
        // interleaved with other sessions. Each event belongs to one of the 16 most recent
        // sessions (about 4 events each), which sets its dossier and its actor.
        let session = UInt64(index / 4) &- rng.next() % 16
        var sessionRNG = SplitMix64(seed: SplitMix64.mix(self.seed ^ 0x5345_5353 &+ session))
        let dossier = sessionRNG.next() % self.dossiers
        let professional = sessionRNG.next() % self.professionals
        let kind = rng.next() % 100
        out.append(contentsOf: #"{"type":""#.utf8)
        switch kind {
        case 0..<38: out.append(contentsOf: "DocumentConsulted".utf8)
        case 38..<70: out.append(contentsOf: "DocumentAdded".utf8)
        case 70..<80: out.append(contentsOf: "AccessGranted".utf8)
        case 80..<85: out.append(contentsOf: "AccessRevoked".utf8)
        case 85..<92: out.append(contentsOf: "DocumentMasked".utf8)
        default: out.append(contentsOf: "DossierOpened".utf8)
        }
        out.append(contentsOf: #"","id":""#.utf8)
        Self.uuid(&rng, into: &out)
        out.append(contentsOf: #"","dossier":""#.utf8)
        var dossierRNG = SplitMix64(seed: SplitMix64.mix(self.seed ^ 0x444F_5353 &+ dossier &* 0xD6E8_FEB8_6659_FD93))
        Self.uuid(&dossierRNG, into: &out)
        out.append(contentsOf: #"","at":""#.utf8)
        Self.timestamp(at, into: &out)
        out.append(contentsOf: #"","actor":"#.utf8)
        self.professional(professional, into: &out)
        switch kind {
        case 0..<38:
            out.append(contentsOf: #","document":""#.utf8)
            Self.uuid(&rng, into: &out)
            out.append(contentsOf: #"","context":""#.utf8)
            out.append(contentsOf: Self.contexts[Int(rng.next() % UInt64(Self.contexts.count))].utf8)
            out.append(contentsOf: #""}"#.utf8)
        case 38..<70:
            let document = Self.documents[Int(rng.next() % UInt64(Self.documents.count))]
            out.append(contentsOf: #","document":{"id":""#.utf8)
            Self.uuid(&rng, into: &out)
            out.append(contentsOf: #"","class":""#.utf8)
            out.append(contentsOf: document.loinc.utf8)
            out.append(contentsOf: #"","size":"#.utf8)
            Self.decimal(8_000 + rng.next() % 2_000_000, into: &out)
            out.append(contentsOf: #","sha256":""#.utf8)
            Self.hex(&rng, bytes: 32, into: &out)
            out.append(contentsOf: #""}}"#.utf8)
        case 70..<85:
            out.append(contentsOf: #","professional":"#.utf8)
            self.professional(rng.next() % self.professionals, into: &out)
            out.append(contentsOf: #","by":""#.utf8)
            out.append(contentsOf: (rng.next() % 3 == 0 ? "representative" : "patient").utf8)
            out.append(contentsOf: #""}"#.utf8)
        case 85..<92:
            out.append(contentsOf: #","document":""#.utf8)
            Self.uuid(&rng, into: &out)
            out.append(contentsOf: #"","reason":"patient"}"#.utf8)
        default:
            out.append(contentsOf: #","patient":{"ins":""#.utf8)
            // A NIR-shaped number: sex, year, month, department, commune, order, key.
            Self.decimal(1 + rng.next() % 2, into: &out)
            Self.decimal(10 + rng.next() % 90, into: &out)
            Self.decimal(10 + rng.next() % 3, into: &out)
            Self.decimal(10 + rng.next() % 85, into: &out)
            Self.decimal(100 + rng.next() % 900, into: &out)
            Self.decimal(100 + rng.next() % 900, into: &out)
            Self.decimal(10 + rng.next() % 87, into: &out)
            out.append(contentsOf: #"","family":""#.utf8)
            out.append(contentsOf: Self.familyNames[Int(rng.next() % UInt64(Self.familyNames.count))].utf8)
            out.append(contentsOf: #"","given":""#.utf8)
            out.append(contentsOf: Self.givenNames[Int(rng.next() % UInt64(Self.givenNames.count))].utf8)
            out.append(contentsOf: #"","birthDate":""#.utf8)
            let birth = Self.epoch2026 - Int64(rng.next() % (90 * 365)) * 86_400_000
            Self.timestamp(birth, into: &out, dateOnly: true)
            out.append(contentsOf: #""}}"#.utf8)
        }
    }

    // MARK: Pieces

    private func professional(_ id: UInt64, into out: inout [UInt8]) {
        var rng = SplitMix64(seed: SplitMix64.mix(self.seed ^ 0x5250_5053 &+ id &* 0xA076_1D64_78BD_642F))
        out.append(contentsOf: #"{"rpps":"10"#.utf8)
        for _ in 0..<9 { out.append(UInt8(ascii: "0") + UInt8(rng.next() % 10)) }
        out.append(contentsOf: #"","name":""#.utf8)
        out.append(contentsOf: Self.familyNames[Int(rng.next() % UInt64(Self.familyNames.count))].utf8)
        out.append(contentsOf: #"","role":""#.utf8)
        out.append(contentsOf: Self.roles[Int(rng.next() % UInt64(Self.roles.count))].utf8)
        out.append(contentsOf: #""}"#.utf8)
    }

    static let epoch2026: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex(_ rng: inout SplitMix64, bytes: Int, into out: inout [UInt8]) {
        var left = bytes
        while left > 0 {
            var word = rng.next()
            for _ in 0..<min(8, left) {
                out.append(Self.hexDigits[Int(word >> 4 & 0xF)])
                out.append(Self.hexDigits[Int(word & 0xF)])
                word >>= 8
            }
            left -= 8
        }
    }

    static func uuid(_ rng: inout SplitMix64, into out: inout [UInt8]) {
        let a = rng.next()
        let b = rng.next()
        var digits: [UInt8] = []
        digits.reserveCapacity(32)
        for shift in stride(from: 60, through: 0, by: -4) { digits.append(Self.hexDigits[Int(a >> UInt64(shift) & 0xF)]) }
        for shift in stride(from: 60, through: 0, by: -4) { digits.append(Self.hexDigits[Int(b >> UInt64(shift) & 0xF)]) }
        digits[12] = UInt8(ascii: "4")
        digits[16] = Self.hexDigits[8 + Int(b & 3)]
        for (i, digit) in digits.enumerated() {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
            out.append(digit)
        }
    }

    static func decimal(_ value: UInt64, into out: inout [UInt8]) {
        if value >= 10 { Self.decimal(value / 10, into: &out) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    private static func padded(_ value: Int64, _ width: Int, into out: inout [UInt8]) {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var v = value
        for i in stride(from: width - 1, through: 0, by: -1) {
            digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
        }
        out.append(contentsOf: digits)
    }

    /// RFC 3339 UTC with milliseconds (`2026-03-14T09:26:53.123Z`), or the date alone.
    static func timestamp(_ milliseconds: Int64, into out: inout [UInt8], dateOnly: Bool = false) {
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        let msOfDay = milliseconds - days * 86_400_000
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        Self.padded(year, 4, into: &out)
        out.append(UInt8(ascii: "-"))
        Self.padded(month, 2, into: &out)
        out.append(UInt8(ascii: "-"))
        Self.padded(day, 2, into: &out)
        if dateOnly { return }
        out.append(UInt8(ascii: "T"))
        Self.padded(msOfDay / 3_600_000, 2, into: &out)
        out.append(UInt8(ascii: ":"))
        Self.padded(msOfDay / 60_000 % 60, 2, into: &out)
        out.append(UInt8(ascii: ":"))
        Self.padded(msOfDay / 1000 % 60, 2, into: &out)
        out.append(UInt8(ascii: "."))
        Self.padded(msOfDay % 1000, 3, into: &out)
        out.append(UInt8(ascii: "Z"))
    }

    static let givenNames = [
        "Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Emma", "Hélène", "Sophie",
        "Nathalie", "Isabelle", "Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Théo", "Raphaël",
        "Nicolas", "Julien", "Thomas", "Antoine", "François", "Benoît", "Jérôme", "Mathilde", "Zoé", "Amélie",
    ]
    static let familyNames = [
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefèvre", "Michel", "García", "David", "Bertrand", "Roux", "Vincent", "Fournier",
        "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martínez",
        "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
    ]
    static let roles = [
        "médecin généraliste", "cardiologue", "pharmacien", "infirmier", "radiologue", "sage-femme",
        "biologiste", "pédiatre", "chirurgien-dentiste", "masseur-kinésithérapeute",
    ]
    static let contexts = ["soins", "urgence", "consultation", "hospitalisation", "téléconsultation"]
    /// LOINC document classes (consultation report, medical summary, discharge letter, lab
    /// results, imaging report, prescription, vaccinations, summary sheet).
    static let documents: [(loinc: String, Void)] = [
        ("11488-4", ()), ("34133-9", ()), ("18842-5", ()), ("11502-2", ()), ("18748-4", ()), ("57833-6", ()),
        ("11369-6", ()), ("60591-5", ()),
    ]
}

/// SplitMix64: tiny, fast, seedable; good enough for synthetic data (not for cryptography).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { self.state = seed }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(self.state)
    }

    /// The SplitMix64 finaliser: a bijective 64-bit mix.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
