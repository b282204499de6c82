import Testing

@testable import DMP

/// Milliseconds in a day, for test arithmetic.
let day: Int64 = 86_400_000

/// 2026-03-02T09:00:00Z, the tests' "now" unless said otherwise.
let start: Int64 = 1_772_442_000_000

/// A NIR with its correct key, computed independently of the library (97 − n mod 97).
func nir(_ thirteen: String) -> PatientIdentifier {
    let digits = thirteen.replacingCorsica()
    let key = 97 - Int(UInt64(digits)! % 97)
    let text = thirteen + (key < 10 ? "0" : "") + String(key)
    return try! PatientIdentifier(text, kind: .nir)
}

extension String {
    func replacingCorsica() -> String {
        var text = self
        if let range = text.range(of: "2A") { text.replaceSubrange(range, with: "19") }
        if let range = text.range(of: "2B") { text.replaceSubrange(range, with: "18") }
        return text
    }
}

/// A national id (`8` + RPPS) with a correct Luhn digit.
func rpps(_ ten: String) -> String {
    let digits = ten.compactMap { Int(String($0)) }
    var sum = 0
    for (index, digit) in digits.reversed().enumerated() {
        var value = digit
        if index % 2 == 0 {
            value *= 2
            if value > 9 { value -= 9 }
        }
        sum += value
    }
    return "8" + ten + String((10 - sum % 10) % 10)
}

func traits(born: String = "1985-05-12", name: String = "DUPONT") -> IdentityTraits {
    try! IdentityTraits(
        birthName: name, birthFirstNames: ["JEANNE"], birthDate: try! CivilDate(born), sex: .female,
        birthPlace: try! .init("75056"))
}

func hash(_ n: Int) -> String {
    let hex = String(n, radix: 16)
    return String(repeating: "a", count: 64 - hex.count) + hex
}

func document(
    _ id: String, category: String = "CPT_REND", type: String = "11490-0", classCode: String = "11",
    flags: Confidentiality = [], actAt: Int64 = start, content: Int? = nil
) -> DocumentMetadata {
    DocumentMetadata(
        id: id, typeCode: type, category: category, classCode: classCode, title: "Document \(id)",
        createdAt: actAt, actAt: actAt, confidentiality: flags, format: "application/pdf", size: 1000,
        sha256: hash(content ?? id.hashValueStable))
}

extension String {
    /// A stable small hash (Swift's hashValue is seeded per process).
    var hashValueStable: Int { self.utf8.reduce(7) { ($0 &* 31 &+ Int($1)) & 0x7FFF_FFFF } }
}

let doctorA = Actor.professional(
    try! ProfessionalID(nationalID: rpps("1000000001")), profession: .physician, structure: "750712184",
    software: "CareSoft 4.2")
let doctorB = Actor.professional(
    try! ProfessionalID(nationalID: rpps("1000000002")), profession: .physician, structure: "690000001")
let dentist = Actor.professional(try! ProfessionalID(nationalID: rpps("1000000003")), profession: .dentist)
let regulator = Actor.professional(
    try! ProfessionalID(nationalID: rpps("1000000004")), profession: .physician, practice: .samuRegulator)
let occupational = Actor.professional(
    try! ProfessionalID(nationalID: rpps("1000000005")), profession: .physician, practice: .occupationalDoctor)
let insurer = Actor(id: "mutuelle-42", role: .thirdParty, authentication: .structureCertificate)
let agent = Actor(id: "agent-7", role: .operatorAgent, authentication: .operatorLogin)

/// An in-memory world: the decider and the fold, without a journal. Every rule test runs here;
/// the store tests check that the store adds nothing but durability.
struct World {
    var states: [DossierID: DossierState] = [:]
    var index: [String: DossierID] = [:]
    var now: Int64 = start
    var settings = PolicySettings()
    var counter = 0
    var log: [Event] = []

    mutating func nextKey() -> String {
        self.counter += 1
        return "k\(self.counter)"
    }

    /// Decides and applies a command; returns the decision (refused reads included) or throws.
    @discardableResult
    mutating func run(
        _ actor: Actor, _ dossier: DossierID?, _ action: Command.Action, key: String? = nil
    ) throws(DomainError) -> Decision {
        let command = Command(key: key ?? self.nextKey(), actor: actor, dossier: dossier, action: action)
        let index = self.index
        let states = self.states
        let context = DecisionContext(
            now: self.now, settings: self.settings,
            dossierHolding: { identifier in
                guard let id = index[identifier.description], states[id]?.status != .purged else { return nil }
                return id
            })
        let decision = try Decider.decide(command, state: dossier.flatMap { self.states[$0] }, context: context)
        self.apply(decision.events)
        return decision
    }

    mutating func apply(_ events: [Event]) {
        for var event in events {
            event.sequence = UInt64(self.log.count + 1)
            var state = self.states[event.dossier] ?? DossierState(id: event.dossier)
            state.apply(event)
            self.states[event.dossier] = state
            switch event.payload {
            case .openingNoticeSent(let identifier, _, _, _, _), .identifierChanged(let identifier):
                self.index[identifier.description] = event.dossier
            case .dossierOpened(_, let identifier?, _, _, _, _):
                self.index[identifier.description] = event.dossier
            default: break
            }
            self.log.append(event)
        }
    }

    /// Runs a command that must succeed, returning its events.
    @discardableResult
    mutating func ok(
        _ actor: Actor, _ dossier: DossierID?, _ action: Command.Action,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [Event] {
        do {
            let decision = try self.run(actor, dossier, action)
            #expect(decision.refusal == nil, "refused: \(String(describing: decision.refusal))", sourceLocation: sourceLocation)
            return decision.events
        } catch {
            Issue.record("unexpected refusal: \(error)", sourceLocation: sourceLocation)
            return []
        }
    }

    /// Runs a command that must be refused with `code`; returns the journaled refusal events
    /// (reads) or none.
    @discardableResult
    mutating func refused(
        _ code: DomainError.Code, _ actor: Actor, _ dossier: DossierID?, _ action: Command.Action,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [Event] {
        do {
            let decision = try self.run(actor, dossier, action)
            #expect(decision.refusal?.code == code, "expected \(code), got \(String(describing: decision.refusal))",
                sourceLocation: sourceLocation)
            return decision.events
        } catch {
            #expect(error.code == code, "expected \(code), got \(error)", sourceLocation: sourceLocation)
            return []
        }
    }

    mutating func tick(at time: Int64) -> [Event] {
        self.now = time
        let events = Decider.tick(self.states.values, now: time, key: self.nextKey(), settings: self.settings)
        self.apply(events)
        return events
    }

    /// An open dossier for an adult holder, created on the holder's request.
    mutating func openDossier(person: String = "2850575056123", born: String = "1985-05-12") -> DossierID {
        let events = self.ok(
            .holder(), nil,
            .createDossier(identifier: nir(person), traits: traits(born: born), mode: .holderRequest, expressConsent: true))
        return events[0].dossier
    }

    func state(_ id: DossierID) -> DossierState { self.states[id]! }

    /// Whether `actor` can read `document` now (decided, not applied: a probe).
    func canRead(
        _ actor: Actor, _ dossier: DossierID, _ document: String, mode: AccessMode = .normal, reason: String? = nil
    ) -> Bool {
        let command = Command(
            key: "probe", actor: actor, dossier: dossier,
            action: .consultDocument(document: document, mode: mode, reason: reason))
        let context = DecisionContext(now: self.now, settings: self.settings)
        guard let decision = try? Decider.decide(command, state: self.states[dossier], context: context) else {
            return false
        }
        return decision.refusal == nil
    }
}
