import DMP

/// The synthetic people of the demo: patients with valid INS numbers and identity traits, and
/// professionals with valid RPPS or ADELI numbers, professions, structures and software.
enum Population {
    static let surnames = [
        "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT",
        "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD",
        "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MULLER", "LEFEVRE", "FAURE", "ANDRE",
        "MERCIER", "BLANC", "GUERIN", "BOYER", "GARNIER", "CHEVALIER", "FRANCOIS", "LEGRAND", "GAUTHIER", "GARCIA",
        "PERRIN", "ROBIN", "CLEMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU", "GAUTIER", "MASSON",
        "MARCHAND", "DUVAL", "DENIS", "DUMONT", "MARIE", "LEMAIRE", "NOEL", "MEYER", "DUFOUR", "MEUNIER",
        "BRUN", "BLANCHARD", "GIRAUD", "JOLY", "RIVIERE", "LUCAS", "BRUNET", "GAILLARD", "BARBIER", "ARNAUD",
        "MARTINEZ", "GERARD", "ROCHE", "RENARD", "SCHMITT", "ROY", "LEROUX", "COLIN", "VIDAL", "CARON",
        "PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE", "RENAUD", "DUMAS", "LACROIX", "OLIVIER", "PHILIPPE",
        "BOURGEOIS", "PIERRE", "BENOIT", "REY", "LECLERC", "PAYET", "ROLLAND", "LECLERCQ", "GUILLAUME", "LECOMTE",
        "BENSAID", "NGUYEN", "DIALLO", "HADDAD", "TRAORE", "DA SILVA", "FERREIRA", "LE GALL", "LE BRIS", "SANTONI",
    ]

    static let femaleNames = [
        "MARIE", "JEANNE", "CAMILLE", "LEA", "MANON", "CHLOE", "EMMA", "INES", "SARAH", "LOUISE", "JULIETTE",
        "ALICE", "CLARA", "ANNE", "CATHERINE", "NATHALIE", "ISABELLE", "SYLVIE", "SANDRINE", "CELINE", "AURELIE",
        "JULIE", "PAULINE", "MONIQUE", "FRANCOISE", "MARTINE", "CHRISTINE", "NADIA", "FATIMA", "AICHA", "LUCIE",
        "ZOE", "ROSE", "ANNA", "MAELYS", "YASMINE", "GISELE", "SIMONE", "HELENE", "ELODIE",
    ]

    static let maleNames = [
        "JEAN", "PIERRE", "MICHEL", "ANDRE", "PHILIPPE", "NICOLAS", "THOMAS", "LUCAS", "HUGO", "LOUIS", "GABRIEL",
        "ARTHUR", "JULES", "ADAM", "RAPHAEL", "PAUL", "ANTOINE", "JULIEN", "ALEXANDRE", "MAXIME", "FRANCOIS",
        "LAURENT", "OLIVIER", "DAVID", "ERIC", "STEPHANE", "KARIM", "MOHAMED", "YANIS", "MAMADOU", "BERNARD",
        "GERARD", "JACQUES", "CHRISTIAN", "DANIEL", "ROGER", "ETIENNE", "MATHIS", "NOAH", "SACHA",
    ]

    /// Places of birth: a département (two characters, as in the NIR) and INSEE commune codes
    /// (three characters), so that the birth place code is the five characters together.
    static let birthPlaces: [(departement: String, communes: [String])] = [
        ("75", ["056", "101", "111", "112", "114", "115", "117", "118", "120"]),
        ("13", ["055", "001", "004", "028"]),
        ("69", ["123", "266", "259"]),
        ("59", ["350", "512", "599"]),
        ("33", ["063", "281", "318"]),
        ("31", ["555", "069"]),
        ("06", ["088", "029"]),
        ("44", ["109", "184"]),
        ("67", ["482", "447"]),
        ("34", ["172", "032"]),
        ("35", ["238"]),
        ("76", ["540", "351"]),
        ("92", ["012", "026", "050", "063"]),
        ("93", ["066", "008", "048"]),
        ("94", ["028", "081"]),
        ("2A", ["004", "247"]),
        ("2B", ["033", "096"]),
        ("97", ["411", "120"]),
        ("29", ["019", "232"]),
        ("63", ["113"]),
        ("21", ["231"]),
        ("14", ["118"]),
        ("57", ["463"]),
        ("87", ["085"]),
    ]

    /// Countries of birth (INSEE codes after 99) for people born abroad.
    static let countries = ["134", "139", "127", "109", "350", "351", "352", "212", "223", "243", "132", "131"]

    /// A matricule INS (NIR or NIA) with its key: sex, year, month, place, order, key.
    static func insNumber(sex: IdentityTraits.Sex, birth: CivilDate, place: String, order: Int) -> String {
        let year = birth.year % 100
        let thirteen = (sex == .female ? "2" : "1") + two(year) + two(birth.month) + place + three(order)
        var digits = Array(thirteen)
        if digits[5] == "2" && digits[6] == "A" { digits[5] = "1"; digits[6] = "9" }
        if digits[5] == "2" && digits[6] == "B" { digits[5] = "1"; digits[6] = "8" }
        let number = UInt64(String(digits))!
        return thirteen + two(97 - Int(number % 97))
    }

    /// An RPPS national id (`8` + 11 digits, the last a Luhn check digit).
    static func rppsNationalID(_ serial: Int) -> String {
        let ten = "10" + String(100_000_000 + serial).suffix(8)
        var sum = 0
        for (index, character) in ten.reversed().enumerated() {
            var value = Int(String(character))!
            if index % 2 == 0 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return "8" + ten + String((10 - sum % 10) % 10)
    }

    /// An ADELI national id (`0` + département + 7 digits).
    static func adeliNationalID(_ serial: Int, departement: String) -> String {
        "0" + departement + String(1_000_000 + serial % 8_000_000).suffix(7)
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
    static func three(_ value: Int) -> String { String(String(1000 + value % 1000).suffix(3)) }
}

/// The kinds of professionals the demo uses, with what they do.
enum ProfessionalKind: Int, CaseIterable {
    case generalPractitioner, pediatrician, cardiologist, dermatologist, psychiatrist, gynecologist
    case biologist, radiologist, hospitalist, emergencyPhysician, samuRegulator
    case pharmacist, nurse, physiotherapist, dentist, midwife, occupationalDoctor, fireBrigadeDoctor

    var profession: Profession {
        switch self {
        case .pharmacist: .pharmacist
        case .nurse: .nurse
        case .physiotherapist: .physiotherapist
        case .dentist: .dentist
        case .midwife: .midwife
        default: .physician
        }
    }

    var practice: Actor.Practice {
        switch self {
        case .samuRegulator: .samuRegulator
        case .occupationalDoctor: .occupationalDoctor
        case .fireBrigadeDoctor: .fireBrigadeDoctor
        default: .standard
        }
    }

    /// How many of each per 1,000 dossiers (at least one of each).
    var perThousand: Double {
        switch self {
        case .generalPractitioner: 12
        case .pediatrician: 2
        case .cardiologist, .dermatologist, .psychiatrist, .gynecologist: 1.5
        case .biologist, .radiologist: 2
        case .hospitalist: 5
        case .emergencyPhysician: 3
        case .samuRegulator: 1
        case .pharmacist: 6
        case .nurse: 8
        case .physiotherapist: 4
        case .dentist: 4
        case .midwife: 2
        case .occupationalDoctor: 1
        case .fireBrigadeDoctor: 0.5
        }
    }

    /// Software seen in DMP traffic (illustrative names).
    var software: [String] {
        switch self {
        case .generalPractitioner, .pediatrician, .cardiologist, .dermatologist, .psychiatrist, .gynecologist:
            ["Weda 4.2", "MLM Medical 3", "Crossway 6.1", "Axisante 5", "HelloDoc 6.8"]
        case .biologist: ["Kalisil 3", "Hexalis 7"]
        case .radiologist: ["Xplore 8", "RIS Medecine 4"]
        case .hospitalist, .emergencyPhysician: ["DxCare 9", "Orbis U 2", "Easily 5", "Urqual 3"]
        case .samuRegulator: ["Appli SAMU 2"]
        case .pharmacist: ["LGPI 2", "Winpharma 8", "Smart Rx 1"]
        case .nurse: ["Vega 4", "Topaze 6"]
        case .physiotherapist: ["Kine+ 4", "Topaze 6"]
        case .dentist: ["Julie 5", "Logos_w 3"]
        case .midwife: ["Weda 4.2", "Maiia 2"]
        case .occupationalDoctor: ["Preventiel 7"]
        case .fireBrigadeDoctor: ["SDIS Sante 1"]
        }
    }

    /// The structure kind they work in.
    var structurePrefix: String {
        switch self {
        case .hospitalist, .emergencyPhysician, .samuRegulator, .biologist, .radiologist: "hospital"
        case .pharmacist: "pharmacy"
        case .occupationalDoctor: "occupational"
        case .fireBrigadeDoctor: "sdis"
        default: "practice"
        }
    }
}

/// One professional of the demo.
struct DemoProfessional {
    let kind: ProfessionalKind
    let actor: Actor
}
