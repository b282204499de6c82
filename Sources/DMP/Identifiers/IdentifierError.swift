/// An identifier or identity trait that was refused: which field, why, and the input that caused it.
///
/// Every throwing initialiser of the identifier types throws this error, and nothing else. Its
/// ``description`` is a sentence an operator can act on, for example:
///
/// ```
/// NIR "1 85 05 78 006 084 37": key 37 does not match the computed key 91
/// ```
///
/// Two errors are equal when their ``field`` and ``reason`` are equal; the input and the message
/// are diagnostics and take no part in the comparison. Match on the reason in a `catch` clause:
///
/// ```swift
/// do {
///     let nir = try INS("1 85 05 78 006 084 37", kind: .nir)
///     print(nir)
/// } catch IdentifierError.wrongKey {
///     print("mistyped number")
/// } catch {
///     print(error)
/// }
/// ```
public struct IdentifierError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The identifier or identity field that was refused, such as ``Field/nir`` or ``Field/date``.
    public let field: Field

    /// Why the field was refused, such as ``Reason/wrongKey``.
    public let reason: Reason

    /// The input as the caller gave it (not normalised), or a description of the refused change.
    public let input: String

    /// What is wrong, as a phrase that follows the field and the input in ``description``.
    public let message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - field: The identifier or identity field that was refused.
    ///   - reason: Why it was refused.
    ///   - input: The input as given by the caller.
    ///   - message: What is wrong, phrased to follow the field and the input.
    public init(field: Field, reason: Reason, input: String, message: String) {
        self.field = field
        self.reason = reason
        self.input = input
        self.message = message
    }

    /// The field, the input in quotes, and what is wrong, for example
    /// `NIR "1 85 05 78 006 084 37": key 37 does not match the computed key 91`.
    ///
    /// Control characters and quotes in the input are escaped, and a very long input is cut.
    public var description: String {
        "\(self.field) \(IdentifierText.quoted(self.input)): \(self.message)"
    }

    /// Compares the field and the reason only.
    ///
    /// - Parameters:
    ///   - lhs: An error.
    ///   - rhs: Another error.
    /// - Returns: Whether both errors refuse the same field for the same reason.
    public static func == (lhs: IdentifierError, rhs: IdentifierError) -> Bool {
        lhs.field == rhs.field && lhs.reason == rhs.reason
    }
}

// MARK: - Field

extension IdentifierError {
    /// The identifier or identity field an error is about; an extensible set of named values.
    public struct Field: Hashable, Sendable, CustomStringConvertible {
        /// The field's name as it appears in an error's description, such as `NIR` or `birth date`.
        public let name: String

        /// Creates a field with a name.
        ///
        /// - Parameter name: The name shown in error descriptions.
        public init(_ name: String) {
            self.name = name
        }

        /// The field's name.
        public var description: String {
            self.name
        }

        /// A matricule INS issued as a NIR (permanent social-security number).
        public static let nir = Field("NIR")
        /// A matricule INS issued as a NIA (provisional number).
        public static let nia = Field("NIA")
        /// The OID of the authority that assigned a matricule INS.
        public static let assigningAuthority = Field("INS assigning authority")
        /// A legacy INS-C.
        public static let insc = Field("INS-C")
        /// A patient identifier in its prefixed string form, or a bare number of unknown kind.
        public static let patientIdentifier = Field("patient identifier")
        /// A change to a dossier's identifier history.
        public static let identifierHistory = Field("identifier history")
        /// The birth name (nom de naissance).
        public static let birthName = Field("birth name")
        /// The birth first names (prénoms de naissance).
        public static let birthFirstNames = Field("birth first names")
        /// A calendar date, such as a birth date.
        public static let date = Field("date")
        /// The sex code.
        public static let sex = Field("sex")
        /// The INSEE code of the birth place.
        public static let birthPlace = Field("birth place code")
        /// An RPPS number.
        public static let rpps = Field("RPPS")
        /// An ADELI number.
        public static let adeli = Field("ADELI")
        /// A professional national id (prefix and RPPS or ADELI number).
        public static let professionalID = Field("professional national id")
        /// A FINESS number.
        public static let finess = Field("FINESS")
    }
}

// MARK: - Reason

extension IdentifierError {
    /// Why a field was refused: an extensible code, compared by its name.
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, such as `wrongKey`.
        public let code: String

        /// Creates a reason with a code.
        ///
        /// - Parameter code: The code's name; two reasons with the same code are equal.
        public init(_ code: String) {
            self.code = code
        }

        /// The code's name.
        public var description: String {
            self.code
        }

        /// The input does not have the number of characters the identifier requires.
        public static let wrongLength = Reason("wrongLength")
        /// The input contains a character the identifier does not allow at that place.
        public static let invalidCharacter = Reason("invalidCharacter")
        /// The 2-digit key of a NIR or NIA does not match the number.
        public static let wrongKey = Reason("wrongKey")
        /// A check digit (Luhn) does not match the rest of the number.
        public static let wrongCheckDigit = Reason("wrongCheckDigit")
        /// A date does not exist in the calendar.
        public static let invalidDate = Reason("invalidDate")
        /// A required value is empty or blank.
        public static let empty = Reason("empty")
        /// An identifier history change that the promotion rules forbid.
        public static let illegalTransition = Reason("illegalTransition")
        /// An identifier history change to the identifier that is already current.
        public static let unchanged = Reason("unchanged")
        /// A string form starts with a prefix that names no known identifier.
        public static let unknownPrefix = Reason("unknownPrefix")
        /// A bare 15-character number was given without saying whether it is a NIR or a NIA.
        public static let missingKind = Reason("missingKind")
        /// A code (sex, assigning authority OID) that is not in its value set.
        public static let unknownCode = Reason("unknownCode")

        /// Matches an error whose reason is this one, so that `catch IdentifierError.wrongKey` works.
        ///
        /// - Parameters:
        ///   - pattern: The reason to look for.
        ///   - error: Any error.
        /// - Returns: Whether `error` is an ``IdentifierError`` with this reason.
        public static func ~= (pattern: Reason, error: any Error) -> Bool {
            guard let error = error as? IdentifierError else {
                return false
            }
            return error.reason == pattern
        }

        /// Matches an error whose reason is this one, where the error is already typed.
        ///
        /// - Parameters:
        ///   - pattern: The reason to look for.
        ///   - error: An identifier error.
        /// - Returns: Whether `error` has this reason.
        public static func ~= (pattern: Reason, error: IdentifierError) -> Bool {
            error.reason == pattern
        }
    }

    /// The input does not have the number of characters the identifier requires.
    public static let wrongLength = Reason.wrongLength
    /// The input contains a character the identifier does not allow at that place.
    public static let invalidCharacter = Reason.invalidCharacter
    /// The 2-digit key of a NIR or NIA does not match the number.
    public static let wrongKey = Reason.wrongKey
    /// A check digit (Luhn) does not match the rest of the number.
    public static let wrongCheckDigit = Reason.wrongCheckDigit
    /// A date does not exist in the calendar.
    public static let invalidDate = Reason.invalidDate
    /// A required value is empty or blank.
    public static let empty = Reason.empty
    /// An identifier history change that the promotion rules forbid.
    public static let illegalTransition = Reason.illegalTransition
    /// An identifier history change to the identifier that is already current.
    public static let unchanged = Reason.unchanged
    /// A string form starts with a prefix that names no known identifier.
    public static let unknownPrefix = Reason.unknownPrefix
    /// A bare 15-character number was given without saying whether it is a NIR or a NIA.
    public static let missingKind = Reason.missingKind
    /// A code (sex, assigning authority OID) that is not in its value set.
    public static let unknownCode = Reason.unknownCode
}
