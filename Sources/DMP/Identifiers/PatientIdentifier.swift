/// Any identifier a dossier can be found by: a NIR, a NIA, or a legacy INS-C.
///
/// The string form is stable and used as a lookup key: a label, a colon and the number, with no
/// spaces.
///
/// | identifier                             | string form                |
/// |----------------------------------------|----------------------------|
/// | NIR (production)                       | `NIR:255081416802538`      |
/// | NIR of a test or demonstration patient | `NIR-TEST:…`, `NIR-DEMO:…` |
/// | NIA                                    | `NIA:…` (15 characters)    |
/// | INS-C                                  | `INSC:…` (22 digits)       |
///
/// The case matches the kind of the INS it carries: build one from an INS with
/// `PatientIdentifier(ins)`, which picks the case.
///
/// ```swift
/// let id = try PatientIdentifier("NIR:255081416802538")
/// id.description      // "NIR:255081416802538"
/// let same = try PatientIdentifier("2 55 08 14 168 025 38", kind: .nir)
/// let legacy = try PatientIdentifier("1234567890123456789012")   // an INS-C
/// ```
public enum PatientIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// A NIR: an INS whose ``INS/kind`` is ``INS/Kind/nir``.
    case nir(INS)
    /// A NIA: an INS whose ``INS/kind`` is ``INS/Kind/nia``.
    case nia(INS)
    /// A legacy INS-C.
    case insc(INSC)

    /// Wraps an INS in the case that matches its kind.
    ///
    /// - Parameter ins: A NIR or a NIA.
    public init(_ ins: INS) {
        switch ins.kind {
        case .nir: self = .nir(ins)
        case .nia: self = .nia(ins)
        }
    }

    /// Reads a string form (`NIR:…`, `NIA:…`, `NIR-TEST:…`, `NIR-DEMO:…`, `INSC:…`) or a bare number.
    ///
    /// A bare number of 22 digits is an INS-C. A bare number of 15 characters is a NIR or a NIA,
    /// which the number alone does not tell: pass `kind`, or the parse fails with
    /// ``IdentifierError/Reason/missingKind``. Spaces in the number are ignored.
    ///
    /// - Parameters:
    ///   - string: A string form or a bare number.
    ///   - kind: What a bare 15-character number is; ignored when the string has a label.
    /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/patientIdentifier`` and reason
    ///   ``IdentifierError/Reason/unknownPrefix``, ``IdentifierError/Reason/missingKind``,
    ///   ``IdentifierError/Reason/wrongLength`` or ``IdentifierError/Reason/empty``; or the error
    ///   of ``INS`` or ``INSC`` for the number itself.
    public init(_ string: String, kind: INS.Kind? = nil) throws(IdentifierError) {
        if let colon = string.firstIndex(of: ":") {
            let label = String(string[..<colon])
            let number = String(string[string.index(after: colon)...])
            if label == Self.inscLabel {
                self = .insc(try INSC(number))
                return
            }
            guard let authority = INS.AssigningAuthority.known.first(where: { $0.label == label }) else {
                let labels = (INS.AssigningAuthority.known.map(\.label) + [Self.inscLabel]).joined(separator: ", ")
                throw IdentifierError(
                    field: .patientIdentifier,
                    reason: .unknownPrefix,
                    input: string,
                    message: "label \(label.debugDescription) is not one of \(labels)"
                )
            }
            self.init(try INS(number, authority: authority))
            return
        }

        let text = IdentifierText.compact(string)
        switch text.count {
        case 22:
            self = .insc(try INSC(string))
        case 15:
            guard let kind else {
                throw IdentifierError(
                    field: .patientIdentifier,
                    reason: .missingKind,
                    input: string,
                    message: "a bare 15-character number may be a NIR or a NIA; say which, or write NIR:… or NIA:…"
                )
            }
            self.init(try INS(string, kind: kind))
        default:
            throw IdentifierText.wrongLength(
                text,
                expected: "15 (NIR or NIA) or 22 (INS-C), or a labelled form such as NIR:…",
                field: .patientIdentifier,
                input: string
            )
        }
    }

    /// The stable string form: label, colon, number, such as `NIR:255081416802538`.
    public var description: String {
        switch self {
        case .nir(let ins), .nia(let ins):
            "\(ins.authority.label):\(ins.rawValue)"
        case .insc(let insc):
            "\(Self.inscLabel):\(insc.rawValue)"
        }
    }

    /// The INS of a NIR or NIA, or `nil` for an INS-C.
    public var ins: INS? {
        switch self {
        case .nir(let ins), .nia(let ins): ins
        case .insc: nil
        }
    }

    /// What the identifier is, for error messages: `NIR`, `NIA` or `INS-C`.
    var kindName: String {
        switch self {
        case .nir: "NIR"
        case .nia: "NIA"
        case .insc: "INS-C"
        }
    }

    /// The order of the promotion rules: an INS-C may become a NIA or NIR, a NIA may become a NIR.
    var rank: Int {
        switch self {
        case .insc: 0
        case .nia: 1
        case .nir: 2
        }
    }

    private static let inscLabel = "INSC"
}
