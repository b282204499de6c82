/// An RPPS number: the lifelong identifier of a health professional in the shared directory.
///
/// Eleven digits, the last a Luhn check digit over the eleven: from the right, every second digit
/// is doubled (minus 9 above 9) and the sum must be a multiple of 10.
///
/// ```swift
/// let rpps = try RPPS("99700024450")
/// ProfessionalID.rpps(rpps).nationalID   // "899700024450"
/// ```
public struct RPPS: Sendable, Hashable, CustomStringConvertible {
    /// The eleven digits, without spaces.
    public let rawValue: String

    /// Reads an RPPS number.
    ///
    /// - Parameter string: Eleven digits; spaces (including no-break spaces) are ignored.
    /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/rpps`` and reason
    ///   ``IdentifierError/Reason/wrongLength``, ``IdentifierError/Reason/empty``,
    ///   ``IdentifierError/Reason/invalidCharacter`` or ``IdentifierError/Reason/wrongCheckDigit``.
    public init(_ string: String) throws(IdentifierError) {
        let text = IdentifierText.compact(string)
        guard text.count == 11 else {
            throw IdentifierText.wrongLength(text, expected: "11 digits", field: .rpps, input: string)
        }
        try IdentifierText.requireDigits(text, in: 0..<11, field: .rpps, input: string)
        let digits = text.scalars.map(IdentifierText.digitValue)
        let computed = Luhn.checkDigit(for: Array(digits[0..<10]))
        guard digits[10] == computed else {
            throw IdentifierError(
                field: .rpps,
                reason: .wrongCheckDigit,
                input: string,
                message: "check digit \(digits[10]) does not match the computed Luhn check digit \(computed)"
            )
        }
        self.rawValue = text.string
    }

    /// The eleven digits: the same as ``rawValue``.
    public var description: String {
        self.rawValue
    }
}

/// An ADELI number: the departmental identifier of professions not (yet) in the RPPS directory.
///
/// Nine characters: a 2-character département part (two digits, or `2A`/`2B` for Corsica) and
/// seven digits. No check-digit algorithm is documented in the sources this library relies on, so
/// only the shape is checked.
///
/// ```swift
/// let adeli = try ADELI("75 1 23456 7")
/// ProfessionalID.adeli(adeli).nationalID   // "0751234567"
/// ```
public struct ADELI: Sendable, Hashable, CustomStringConvertible {
    /// The nine characters, without spaces, letters upper-cased.
    public let rawValue: String

    /// Reads an ADELI number.
    ///
    /// - Parameter string: Nine characters; spaces are ignored and `2a`/`2b` upper-cased.
    /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/adeli`` and reason
    ///   ``IdentifierError/Reason/wrongLength``, ``IdentifierError/Reason/empty`` or
    ///   ``IdentifierError/Reason/invalidCharacter``.
    public init(_ string: String) throws(IdentifierError) {
        let text = IdentifierText.compact(string)
        guard text.count == 9 else {
            throw IdentifierText.wrongLength(text, expected: "9", field: .adeli, input: string)
        }
        try IdentifierText.requireDepartement(text, at: 0, field: .adeli, input: string)
        try IdentifierText.requireDigits(text, in: 2..<9, field: .adeli, input: string)
        self.rawValue = text.string
    }

    /// The nine characters: the same as ``rawValue``.
    public var description: String {
        self.rawValue
    }
}

/// The identifier of a health professional as DMP traffic carries it: an RPPS or an ADELI number.
///
/// Its national id (IdNat_PS) is a one-character prefix followed by the number: `8` for RPPS, `0`
/// for ADELI.
///
/// ```swift
/// let author = try ProfessionalID(nationalID: "899700024450")
/// author                 // .rpps(RPPS("99700024450"))
/// author.nationalID      // "899700024450"
/// ```
public enum ProfessionalID: Sendable, Hashable, CustomStringConvertible {
    /// A professional in the RPPS directory.
    case rpps(RPPS)
    /// A professional known by an ADELI number.
    case adeli(ADELI)

    /// The prefix of an RPPS number in a national id.
    public static let rppsPrefix: Character = "8"
    /// The prefix of an ADELI number in a national id.
    public static let adeliPrefix: Character = "0"

    /// Reads a national id: a prefix (`8` or `0`) and the number.
    ///
    /// - Parameter nationalID: `8` followed by an RPPS number, or `0` followed by an ADELI number;
    ///   spaces are ignored.
    /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/professionalID`` and reason
    ///   ``IdentifierError/Reason/empty`` or ``IdentifierError/Reason/unknownPrefix``; or the
    ///   error of ``RPPS`` or ``ADELI`` for the number after the prefix.
    public init(nationalID: String) throws(IdentifierError) {
        let text = IdentifierText.compact(nationalID)
        guard text.count > 0 else {
            throw IdentifierError(
                field: .professionalID,
                reason: .empty,
                input: nationalID,
                message: "is empty, expected 8 and an RPPS number, or 0 and an ADELI number"
            )
        }
        var number = ""
        number.unicodeScalars.append(contentsOf: text.scalars.dropFirst())
        switch Character(text[0]) {
        case Self.rppsPrefix:
            self = .rpps(try RPPS(number))
        case Self.adeliPrefix:
            self = .adeli(try ADELI(number))
        default:
            throw IdentifierError(
                field: .professionalID,
                reason: .unknownPrefix,
                input: nationalID,
                message: "prefix \(IdentifierText.quoted(text[0])) is not 8 (RPPS) or 0 (ADELI)"
            )
        }
    }

    /// Reads a national id; the same as ``init(nationalID:)``.
    ///
    /// - Parameter string: A national id such as `899700024450`.
    /// - Throws: ``IdentifierError``, as ``init(nationalID:)``.
    public init(_ string: String) throws(IdentifierError) {
        try self.init(nationalID: string)
    }

    /// The national id: the prefix and the number, such as `899700024450`.
    public var nationalID: String {
        switch self {
        case .rpps(let rpps): String(Self.rppsPrefix) + rpps.rawValue
        case .adeli(let adeli): String(Self.adeliPrefix) + adeli.rawValue
        }
    }

    /// The national id: the same as ``nationalID``.
    public var description: String {
        self.nationalID
    }
}
