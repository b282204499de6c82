/// The five INS traits that travel with a matricule INS and describe the person it identifies.
///
/// They are the birth identity as the national registries hold it: birth name, birth first
/// names, birth date, sex and the INSEE code of the birth place. The holder may have personal
/// data rectified; a rectification is a new value of this type, never a change to the INS key.
///
/// Names are kept exactly as given (the registries return them in capitals); only an empty or
/// blank name is refused.
///
/// ```swift
/// let traits = try IdentityTraits(
///     birthName: "MARTIN",
///     birthFirstNames: ["MARIE", "LOUISE"],
///     birthDate: try CivilDate(year: 1955, month: 8, day: 14),
///     sex: .female,
///     birthPlace: try IdentityTraits.BirthPlaceCode("14118")
/// )
/// ```
public struct IdentityTraits: Sendable, Hashable, CustomStringConvertible {
    /// The birth name (nom de naissance).
    public let birthName: String

    /// The birth first names (prénoms de naissance), in order; never empty.
    public let birthFirstNames: [String]

    /// The birth date.
    public let birthDate: CivilDate

    /// The sex, as coded in the INS.
    public let sex: Sex

    /// The INSEE code of the birth place.
    public let birthPlace: BirthPlaceCode

    /// Creates the traits of a person.
    ///
    /// - Parameters:
    ///   - birthName: The birth name; not empty or blank.
    ///   - birthFirstNames: The birth first names, at least one, none empty or blank.
    ///   - birthDate: The birth date, already a valid calendar date.
    ///   - sex: The sex.
    ///   - birthPlace: The INSEE code of the birth place.
    /// - Throws: ``IdentifierError`` with reason ``IdentifierError/Reason/empty`` and field
    ///   ``IdentifierError/Field/birthName`` or ``IdentifierError/Field/birthFirstNames``.
    public init(
        birthName: String,
        birthFirstNames: [String],
        birthDate: CivilDate,
        sex: Sex,
        birthPlace: BirthPlaceCode
    ) throws(IdentifierError) {
        guard !Self.isBlank(birthName) else {
            throw IdentifierError(field: .birthName, reason: .empty, input: birthName, message: "is empty")
        }
        guard !birthFirstNames.isEmpty else {
            throw IdentifierError(
                field: .birthFirstNames,
                reason: .empty,
                input: "",
                message: "is an empty list; at least one first name is required"
            )
        }
        if let position = birthFirstNames.firstIndex(where: Self.isBlank) {
            throw IdentifierError(
                field: .birthFirstNames,
                reason: .empty,
                input: birthFirstNames.joined(separator: " "),
                message: "first name \(position + 1) of \(birthFirstNames.count) is empty"
            )
        }
        self.birthName = birthName
        self.birthFirstNames = birthFirstNames
        self.birthDate = birthDate
        self.sex = sex
        self.birthPlace = birthPlace
    }

    /// The traits on one line: `MARTIN MARIE LOUISE, sex F, born 1955-08-14 at 14118`.
    public var description: String {
        "\(self.birthName) \(self.birthFirstNames.joined(separator: " ")), sex \(self.sex), "
            + "born \(self.birthDate) at \(self.birthPlace)"
    }

    private static func isBlank(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }
}

// MARK: - Sex

extension IdentityTraits {
    /// The sex as coded in the INS: `M`, `F`, or `I` when unknown or other.
    public enum Sex: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Male, code `M`.
        case male = "M"
        /// Female, code `F`.
        case female = "F"
        /// Unknown or other (indéterminé), code `I`.
        case indeterminate = "I"

        /// Reads a sex code.
        ///
        /// - Parameter string: `M`, `F` or `I`, in either case; surrounding spaces are ignored.
        /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/sex`` and reason
        ///   ``IdentifierError/Reason/unknownCode``.
        public init(_ string: String) throws(IdentifierError) {
            guard let sex = Self(rawValue: IdentifierText.compact(string).string) else {
                throw IdentifierError(
                    field: .sex,
                    reason: .unknownCode,
                    input: string,
                    message: "is not a sex code: M, F or I"
                )
            }
            self = sex
        }

        /// The code: `M`, `F` or `I`.
        public var description: String {
            self.rawValue
        }
    }
}

// MARK: - Birth place

extension IdentityTraits {
    /// The INSEE code of a birth place: a commune in France, or a country for a person born abroad.
    ///
    /// Five characters: two for the département (`2A` and `2B` in Corsica) and three for the
    /// commune, or `99` and three digits naming the country of birth.
    ///
    /// ```swift
    /// let ajaccio = try IdentityTraits.BirthPlaceCode("2A004")
    /// let abroad = try IdentityTraits.BirthPlaceCode("99134")   // Spain
    /// abroad.isAbroad   // true
    /// ```
    public struct BirthPlaceCode: Sendable, Hashable, CustomStringConvertible {
        /// The five characters, letters upper-cased.
        public let rawValue: String

        /// Reads an INSEE code.
        ///
        /// - Parameter string: Five characters; spaces are ignored and `2a`/`2b` upper-cased.
        /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/birthPlace`` and reason
        ///   ``IdentifierError/Reason/wrongLength``, ``IdentifierError/Reason/empty`` or
        ///   ``IdentifierError/Reason/invalidCharacter``.
        public init(_ string: String) throws(IdentifierError) {
            if Self.isCompactAndValid(string) {
                // The form records and most callers give: five characters, upper case.
                self.rawValue = string
                return
            }
            let text = IdentifierText.compact(string)
            guard text.count == 5 else {
                throw IdentifierText.wrongLength(
                    text,
                    expected: "5 (département and commune, or 99 and a country)",
                    field: .birthPlace,
                    input: string
                )
            }
            try IdentifierText.requireDepartement(text, at: 0, field: .birthPlace, input: string)
            try IdentifierText.requireDigits(text, in: 2..<5, field: .birthPlace, input: string)
            self.rawValue = text.string
        }

        /// Whether `string` is exactly two digits (or `2A`, `2B`) and three digits, in ASCII: the
        /// general checks would accept it as it is.
        static func isCompactAndValid(_ string: String) -> Bool {
            var string = string
            return string.withUTF8 { bytes in
                guard bytes.count == 5 else { return false }
                let departement =
                    (bytes[0] &- 0x30 < 10 && bytes[1] &- 0x30 < 10)
                    || (bytes[0] == 0x32 && (bytes[1] == 0x41 || bytes[1] == 0x42))
                return departement && bytes[2] &- 0x30 < 10 && bytes[3] &- 0x30 < 10 && bytes[4] &- 0x30 < 10
            }
        }

        /// Whether the code names a country (`99…`): the person was born abroad.
        public var isAbroad: Bool {
            self.rawValue.hasPrefix("99")
        }

        /// The five characters: the same as ``rawValue``.
        public var description: String {
            self.rawValue
        }
    }
}
