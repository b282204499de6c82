/// Confidentiality codes of a document (value set JDV_J58, ACC-4): `N` is always present, plus any
/// of the three restrictions.
public struct Confidentiality: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    /// Creates a set from its bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0b111 }

    /// `MASQUE_PS`: masked from professionals (except author, médecin traitant, administrators).
    public static let maskedFromProfessionals = Confidentiality(rawValue: 1)
    /// `INVISIBLE_PATIENT`: hidden from the holder and legal representatives until released.
    public static let invisibleToPatient = Confidentiality(rawValue: 2)
    /// `INVISIBLE_REPRESENTANTS_LEGAUX`: hidden from legal representatives (minors' secrecy).
    public static let invisibleToRepresentatives = Confidentiality(rawValue: 4)

    /// The wire codes, `N` first.
    public var codes: [String] {
        var codes = ["N"]
        if self.contains(.maskedFromProfessionals) { codes.append("MASQUE_PS") }
        if self.contains(.invisibleToPatient) { codes.append("INVISIBLE_PATIENT") }
        if self.contains(.invisibleToRepresentatives) { codes.append("INVISIBLE_REPRESENTANTS_LEGAUX") }
        return codes
    }

    /// Reads wire codes; `N` must be present (ACC-4).
    public init(codes: [String]) throws(DomainError) {
        var value = Confidentiality()
        var sawNormal = false
        for code in codes {
            switch code {
            case "N": sawNormal = true
            case "MASQUE_PS": value.insert(.maskedFromProfessionals)
            case "INVISIBLE_PATIENT": value.insert(.invisibleToPatient)
            case "INVISIBLE_REPRESENTANTS_LEGAUX": value.insert(.invisibleToRepresentatives)
            default:
                throw DomainError(.invalidCommand, "unknown confidentiality code \"\(code)\" (value set JDV_J58)")
            }
        }
        guard sawNormal else {
            throw DomainError(.invalidCommand, "confidentiality codes must include N (ACC-4)")
        }
        self = value
    }

    public var description: String { self.codes.joined(separator: ",") }
}

/// The metadata of a document (DOC-1). The body lives outside the journal, addressed by its
/// SHA-256.
///
/// A value type whose fields live in one shared, immutable box: metadata is written once, at
/// deposit, then copied into events, states and listings many times, and a copy moves one
/// reference instead of some 150 bytes. Setting a field makes a new box.
public struct DocumentMetadata: Sendable, Hashable {
    /// The fields, by value.
    private struct Fields: Sendable, Hashable {
        var id: String
        var typeCode: String
        var category: String
        var classCode: String
        var title: String
        var createdAt: Int64
        var actAt: Int64
        var dischargeAt: Int64?
        var confidentiality: Confidentiality
        var format: String
        var size: Int64
        var sha256: String
    }

    /// The shared box of the fields.
    private final class Storage: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    /// The fields; setting them replaces the box (copies never see the change).
    private var fields: Fields {
        get { self.storage.fields }
        set { self.storage = Storage(newValue) }
    }

    /// The document's unique id, set by its creator.
    public var id: String {
        get { self.storage.fields.id }
        set { self.fields.id = newValue }
    }
    /// The type code: LOINC, or a DMP code such as `REMB` (reimbursement history).
    public var typeCode: String {
        get { self.storage.fields.typeCode }
        set { self.fields.typeCode = newValue }
    }
    /// The category shown to the holder (e.g. `CPT_REND`, `BIOLOGIE`, `REMB`).
    public var category: String {
        get { self.storage.fields.category }
        set { self.fields.category = newValue }
    }
    /// The class: `90` is "expression du titulaire" (DOC-7).
    public var classCode: String {
        get { self.storage.fields.classCode }
        set { self.fields.classCode = newValue }
    }
    /// A title for listings.
    public var title: String {
        get { self.storage.fields.title }
        set { self.fields.title = newValue }
    }
    /// When the document was written, ms since the epoch.
    public var createdAt: Int64 {
        get { self.storage.fields.createdAt }
        set { self.fields.createdAt = newValue }
    }
    /// When the act it reports took place, ms since the epoch (DOC-2).
    public var actAt: Int64 {
        get { self.storage.fields.actAt }
        set { self.fields.actAt = newValue }
    }
    /// The end of the hospital stay, if the act was during one (DOC-2: deposit by that day).
    public var dischargeAt: Int64? {
        get { self.storage.fields.dischargeAt }
        set { self.fields.dischargeAt = newValue }
    }
    /// Confidentiality codes at deposit (ACC-4).
    public var confidentiality: Confidentiality {
        get { self.storage.fields.confidentiality }
        set { self.fields.confidentiality = newValue }
    }
    /// The format (MIME type or JDV_J60 format code).
    public var format: String {
        get { self.storage.fields.format }
        set { self.fields.format = newValue }
    }
    /// The body's size in bytes.
    public var size: Int64 {
        get { self.storage.fields.size }
        set { self.fields.size = newValue }
    }
    /// The body's SHA-256 in lowercase hexadecimal.
    public var sha256: String {
        get { self.storage.fields.sha256 }
        set { self.fields.sha256 = newValue }
    }

    /// Creates document metadata.
    public init(
        id: String, typeCode: String, category: String, classCode: String, title: String, createdAt: Int64,
        actAt: Int64, dischargeAt: Int64? = nil, confidentiality: Confidentiality = [], format: String,
        size: Int64, sha256: String
    ) {
        self.storage = Storage(
            Fields(
                id: id, typeCode: typeCode, category: category, classCode: classCode, title: title,
                createdAt: createdAt, actAt: actAt, dischargeAt: dischargeAt, confidentiality: confidentiality,
                format: format, size: size, sha256: sha256))
    }

    public static func == (lhs: DocumentMetadata, rhs: DocumentMetadata) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) {
        self.storage.fields.hash(into: &hasher)
    }

    /// The class code of documents the holder writes (DOC-7).
    public static let holderClassCode = "90"
    /// The type code of the reimbursement history fed by the operator (LC-4).
    public static let reimbursementTypeCode = "REMB"
}

/// The mode in which a professional acts on a dossier (TR-1).
public struct AccessMode: Hashable, Sendable, CustomStringConvertible {
    /// The stable wire name.
    public let rawValue: String
    /// Creates a mode from its wire name.
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { self.rawValue }

    /// Ordinary access.
    public static let normal = AccessMode(rawValue: "normal")
    /// SAMU regulation (centre 15), read only (ACC-8).
    public static let regulation = AccessMode(rawValue: "regulation")
    /// Bris de glace: any professional in an emergency, read and deposit (ACC-8).
    public static let breakGlass = AccessMode(rawValue: "break_glass")
    /// A minor's secret connection: deposits must be invisible to legal representatives (ACC-7).
    public static let secretConnection = AccessMode(rawValue: "secret_connection")

    /// Every mode this version knows.
    public static let known: [AccessMode] = [.normal, .regulation, .breakGlass, .secretConnection]

    /// Whether this is an emergency mode.
    public var isEmergency: Bool { self == .regulation || self == .breakGlass }
}
