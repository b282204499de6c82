import Testing

@testable import DMP

/// The access matrix of DOMAIN.md section 5, cell by cell.
@Suite("Access matrix (DOMAIN section 5), cell by cell")
struct AccessMatrixTests {
    enum Column: String, CaseIterable, CustomStringConvertible {
        case normalOnly = "N only"
        case masked = "MASQUE_PS"
        case invisibleToPatient = "INVISIBLE_PATIENT"
        case invisibleToRepresentatives = "INVISIBLE_REPRESENTANTS_LEGAUX"
        var description: String { self.rawValue }
        var document: String {
            switch self {
            case .normalOnly: "doc-n"
            case .masked: "doc-m"
            case .invisibleToPatient: "doc-ip"
            case .invisibleToRepresentatives: "doc-irl"
            }
        }
    }

    static let treatingDoctor = Actor.professional(try! ProfessionalID(nationalID: rpps("2000000001")), profession: .physician)
    static let administrator = Actor.professional(try! ProfessionalID(nationalID: rpps("2000000002")), profession: .physician)
    static let authorised = Actor.professional(try! ProfessionalID(nationalID: rpps("2000000003")), profession: .physician)
    static let blocked = Actor.professional(try! ProfessionalID(nationalID: rpps("2000000004")), profession: .physician)
    static let emergency = Actor.professional(try! ProfessionalID(nationalID: rpps("2000000005")), profession: .physician)
    static let employer = Actor(id: "employer-1", role: .thirdParty, authentication: .structureCertificate)

    /// A minor's dossier with one document per column, all by `doctorA`, a mother as legal
    /// representative, a médecin traitant, an administrator, an authorised professional, an
    /// occupational doctor with express consent, and a blocked professional.
    static func world(emergency: EmergencySettings = .defaults) -> (World, DossierID) {
        var world = World()
        let dossier = world.openDossier(person: "2120575056123", born: "2012-01-01")
        world.ok(agent, dossier, .addLegalRepresentative(representative: "mother", kind: .parent))
        world.ok(doctorA, dossier, .depositDocument(document: document("doc-n"), mode: .normal))
        world.ok(doctorA, dossier, .depositDocument(document: document("doc-m"), mode: .normal))
        world.ok(.holder(), dossier, .maskDocument(document: "doc-m"))
        world.ok(doctorA, dossier, .depositDocument(document: document("doc-ip", flags: .invisibleToPatient), mode: .normal))
        world.ok(doctorA, dossier, .depositDocument(document: document("doc-irl", flags: .invisibleToRepresentatives), mode: .normal))
        world.ok(.holder(), dossier, .declareTreatingDoctor(professional: treatingDoctor.id))
        world.ok(.holder(), dossier, .grantAdministrator(professional: administrator.id))
        world.ok(.holder(), dossier, .authorise(professional: authorised.id, basis: .holderConsent))
        world.ok(.holder(), dossier, .authorise(professional: occupational.id, basis: .expressConsent))
        world.ok(.holder(), dossier, .block(target: blocked.id, targetKind: .professional, reason: "I do not consent"))
        if emergency != .defaults { world.ok(.holder(), dossier, .setEmergencySettings(emergency)) }
        return (world, dossier)
    }

    static func check(
        _ actor: Actor, _ expected: [Bool], mode: AccessMode = .normal, reason: String? = nil,
        emergency: EmergencySettings = .defaults, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for (column, allowed) in zip(Column.allCases, expected) {
            let (world, dossier) = Self.world(emergency: emergency)
            let read = world.canRead(actor, dossier, column.document, mode: mode, reason: reason)
            #expect(read == allowed, "\(actor.role) \(actor.id) / \(column): expected \(allowed ? "yes" : "no")",
                sourceLocation: sourceLocation)
        }
    }

    @Test("holder: yes, yes, no until released, yes")
    func holder() { Self.check(.holder(), [true, true, false, true]) }

    @Test("legal representative: yes, yes, no until released, no")
    func legalRepresentative() { Self.check(.legalRepresentative("mother"), [true, true, false, false]) }

    @Test("author: yes in every column")
    func author() { Self.check(doctorA, [true, true, true, true]) }

    @Test("médecin traitant and administrator: yes in every column")
    func treatingDoctorAndAdministrator() {
        Self.check(Self.treatingDoctor, [true, true, true, true])
        Self.check(Self.administrator, [true, true, true, true])
    }

    @Test("authorised professional and express-consent doctor: yes, no, yes, yes")
    func authorisedAndExpressConsent() {
        Self.check(Self.authorised, [true, false, true, true])
        Self.check(occupational, [true, false, true, true])
    }

    @Test("blocked professional: no in every column")
    func blocked() { Self.check(Self.blocked, [false, false, false, false]) }

    @Test("emergency, mode allowed: yes, only if masked-in-emergency is on, yes, yes")
    func emergencyAllowed() {
        Self.check(Self.emergency, [true, false, true, true], mode: .breakGlass, reason: "unconscious")
        Self.check(
            Self.emergency, [true, true, true, true], mode: .breakGlass, reason: "unconscious",
            emergency: EmergencySettings(regulation: true, breakGlass: true, maskedInEmergency: true))
        Self.check(regulator, [true, false, true, true], mode: .regulation, reason: "call to centre 15")
    }

    @Test("emergency, mode opposed: no in every column")
    func emergencyOpposed() {
        let opposed = EmergencySettings(regulation: false, breakGlass: false, maskedInEmergency: false)
        Self.check(Self.emergency, [false, false, false, false], mode: .breakGlass, reason: "unconscious", emergency: opposed)
        Self.check(regulator, [false, false, false, false], mode: .regulation, reason: "call", emergency: opposed)
    }

    @Test("operator agent, operator feed, complementary insurer, employer: no in every column")
    func operatorsAndThirdParties() {
        Self.check(agent, [false, false, false, false])
        Self.check(.operatorFeed, [false, false, false, false])
        Self.check(insurer, [false, false, false, false])
        Self.check(Self.employer, [false, false, false, false])
    }
}
