/// Who acts on a dossier: identity, role, profession, structure, and how they authenticated.
///
/// Every event records its actor (TR-1). A professional is named by their national id (`8` +
/// RPPS, `0` + ADELI, see ``ProfessionalID``); a holder by the fixed id ``holderID`` (the dossier
/// says whose it is: no social-security number sits in clear in every record); a legal
/// representative by the opaque id given when they were designated.
///
/// ```swift
/// let doctor = Actor.professional(
///     try ProfessionalID(nationalID: "810001234567"), profession: .physician,
///     structure: "750712184", software: "CareSoft 4.2")
/// ```
public struct Actor: Sendable, Hashable {
    /// The actor's national or opaque id.
    public var id: String
    /// The role in which they act.
    public var role: Role
    /// Their profession (professionals only), a TRE_G15 code such as `10` (physician).
    public var profession: Profession?
    /// What kind of practice grants them access, for professionals.
    public var practice: Practice?
    /// The structure they act for (FINESS or structure id), if any.
    public var structure: String?
    /// How they authenticated.
    public var authentication: Authentication
    /// The software they used, if known.
    public var software: String?

    /// Creates an actor.
    public init(
        id: String, role: Role, profession: Profession? = nil, practice: Practice? = nil, structure: String? = nil,
        authentication: Authentication, software: String? = nil
    ) {
        self.id = id
        self.role = role
        self.profession = profession
        self.practice = practice
        self.structure = structure
        self.authentication = authentication
        self.software = software
    }

    /// The fixed actor id of a dossier's holder.
    public static let holderID = "holder"

    /// The holder, signed in to their own space.
    public static func holder(software: String? = nil) -> Actor {
        Actor(id: holderID, role: .holder, authentication: .holderLogin, software: software)
    }

    /// A legal representative, by the opaque id given when they were designated.
    public static func legalRepresentative(_ id: String, software: String? = nil) -> Actor {
        Actor(id: id, role: .legalRepresentative, authentication: .holderLogin, software: software)
    }

    /// A health professional.
    public static func professional(
        _ id: ProfessionalID, profession: Profession, practice: Practice = .standard, structure: String? = nil,
        authentication: Authentication = .cps, software: String? = nil
    ) -> Actor {
        Actor(
            id: id.nationalID, role: .professional, profession: profession, practice: practice, structure: structure,
            authentication: authentication, software: software)
    }

    /// The operator's automated feed (notices, reimbursement history, fraud closures).
    public static let operatorFeed = Actor(id: "operator-feed", role: .operatorFeed, authentication: .system)

    /// The store itself, applying time rules on a tick.
    public static let system = Actor(id: "system", role: .system, authentication: .system)

    /// The role in which an actor acts. Extensible string constants.
    public struct Role: Hashable, Sendable, CustomStringConvertible {
        /// The stable wire name.
        public let rawValue: String
        /// Creates a role from its wire name.
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { self.rawValue }

        /// The dossier's holder (titulaire).
        public static let holder = Role(rawValue: "holder")
        /// A legal representative of a minor or protected adult.
        public static let legalRepresentative = Role(rawValue: "legal_representative")
        /// A health professional (RPPS or ADELI).
        public static let professional = Role(rawValue: "professional")
        /// An agent or reception staff of the operator (Assurance Maladie): management data only.
        public static let operatorAgent = Role(rawValue: "operator_agent")
        /// The operator's automated feed: notices, reimbursement history, fraud closures; no reading.
        public static let operatorFeed = Role(rawValue: "operator_feed")
        /// A complementary insurer, mutuelle, employer or other third party: always refused (ACC-10).
        public static let thirdParty = Role(rawValue: "third_party")
        /// The store applying time rules.
        public static let system = Role(rawValue: "system")

        /// Every role this version knows.
        public static let known: [Role] = [
            .holder, .legalRepresentative, .professional, .operatorAgent, .operatorFeed, .thirdParty, .system,
        ]
    }

    /// A professional's kind of practice, which decides the access paths open to them.
    public struct Practice: Hashable, Sendable, CustomStringConvertible {
        /// The stable wire name.
        public let rawValue: String
        /// Creates a practice from its wire name.
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { self.rawValue }

        /// Care-team professionals, médecins traitants and any professional in an emergency.
        public static let standard = Practice(rawValue: "standard")
        /// SAMU regulator (centre 15): read only, in regulation mode.
        public static let samuRegulator = Practice(rawValue: "samu_regulator")
        /// Occupational doctor: express, revocable consent only (ACC-9).
        public static let occupationalDoctor = Practice(rawValue: "occupational_doctor")
        /// Fire-brigade doctor: express, revocable consent only (ACC-9).
        public static let fireBrigadeDoctor = Practice(rawValue: "fire_brigade_doctor")

        /// Every practice this version knows.
        public static let known: [Practice] = [.standard, .samuRegulator, .occupationalDoctor, .fireBrigadeDoctor]

        /// Whether this practice needs the holder's express consent for every access (ACC-9).
        public var needsExpressConsent: Bool { self == .occupationalDoctor || self == .fireBrigadeDoctor }
    }

    /// How an actor authenticated.
    public struct Authentication: Hashable, Sendable, CustomStringConvertible {
        /// The stable wire name.
        public let rawValue: String
        /// Creates a means of authentication from its wire name.
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { self.rawValue }

        /// A CPS smart card.
        public static let cps = Authentication(rawValue: "cps")
        /// The e-CPS mobile application.
        public static let eCPS = Authentication(rawValue: "e_cps")
        /// A structure's certificate (indirect authentication of its staff).
        public static let structureCertificate = Authentication(rawValue: "structure_certificate")
        /// The holder's (or representative's) login to their space.
        public static let holderLogin = Authentication(rawValue: "holder_login")
        /// An operator agent's login.
        public static let operatorLogin = Authentication(rawValue: "operator_login")
        /// An automated system.
        public static let system = Authentication(rawValue: "system")

        /// Every means this version knows.
        public static let known: [Authentication] = [
            .cps, .eCPS, .structureCertificate, .holderLogin, .operatorLogin, .system,
        ]
    }
}

/// A health profession, as a code of the TRE_G15 nomenclature.
public struct Profession: Hashable, Sendable, CustomStringConvertible {
    /// The TRE_G15 code.
    public let code: String
    /// Creates a profession from its code.
    public init(code: String) { self.code = code }
    public var description: String { self.code }

    /// Médecin.
    public static let physician = Profession(code: "10")
    /// Pharmacien.
    public static let pharmacist = Profession(code: "21")
    /// Chirurgien-dentiste.
    public static let dentist = Profession(code: "40")
    /// Sage-femme.
    public static let midwife = Profession(code: "50")
    /// Infirmier.
    public static let nurse = Profession(code: "60")
    /// Masseur-kinésithérapeute.
    public static let physiotherapist = Profession(code: "70")
}
