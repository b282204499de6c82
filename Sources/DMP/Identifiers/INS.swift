/// A matricule INS: the number that identifies a patient, a NIR (permanent) or a NIA (provisional).
///
/// The number has 15 characters: 13 for the person and a 2-digit key.
///
/// | part       | sex | year | month | département | commune | order | key |
/// |------------|-----|------|-------|-------------|---------|-------|-----|
/// | characters | 1   | 2    | 2     | 2           | 3       | 3     | 2   |
///
/// The département may be `2A` or `2B` (Corsica). The key is 97 − (number mod 97), computed on the
/// 13 first characters read as a decimal number after replacing `2A` by `19` and `2B` by `18`; a
/// number whose key does not match is refused. Nothing else is checked: real numbers use month
/// values above 12 and sex values other than 1 and 2.
///
/// The number alone does not tell a NIR from a NIA: they come from different registries, and a
/// message carries the OID of the ``AssigningAuthority`` beside the number. The caller says which
/// one it has, by ``Kind`` or by authority.
///
/// ```swift
/// let nir = try INS("2 55 08 14 168 025 38", kind: .nir)
/// nir.rawValue        // "255081416802538"
/// nir.formatted       // "2 55 08 14 168 025 38"
/// nir.authority.oid   // "1.2.250.1.213.1.4.8"
/// ```
public struct INS: Sendable, Hashable, CustomStringConvertible {
    /// The 15 characters of the number and its key, without spaces, letters upper-cased.
    public let rawValue: String

    /// The registry that issued the number; it tells a NIR from a NIA.
    public let authority: AssigningAuthority

    /// Whether the number is a NIR or a NIA.
    public var kind: Kind {
        self.authority.kind
    }

    /// Reads a matricule INS issued in production by the registry of `kind`.
    ///
    /// Spaces (including no-break spaces) are ignored and `2a`/`2b` are upper-cased, so
    /// `"1 85 05 2a 006 084 35"` and `"185052A00608435"` give the same value.
    ///
    /// - Parameters:
    ///   - string: The number and its key, 15 characters once spaces are removed.
    ///   - kind: Whether the number is a NIR or a NIA.
    /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/nir`` or
    ///   ``IdentifierError/Field/nia`` and reason ``IdentifierError/Reason/wrongLength``,
    ///   ``IdentifierError/Reason/empty``, ``IdentifierError/Reason/invalidCharacter`` or
    ///   ``IdentifierError/Reason/wrongKey``.
    public init(_ string: String, kind: Kind) throws(IdentifierError) {
        try self.init(string, authority: kind.productionAuthority)
    }

    /// Reads a matricule INS issued by a given authority, such as the test NIR registry.
    ///
    /// - Parameters:
    ///   - string: The number and its key, 15 characters once spaces are removed.
    ///   - authority: The registry that issued the number.
    /// - Throws: ``IdentifierError``, as ``init(_:kind:)``.
    public init(_ string: String, authority: AssigningAuthority) throws(IdentifierError) {
        if Self.isCompactAndValid(string) {
            // The form records and most callers give: no spaces, uppercase, the right key.
            self.rawValue = string
            self.authority = authority
            return
        }
        let field = authority.kind.field
        let text = IdentifierText.compact(string)
        guard text.count == 15 else {
            throw IdentifierText.wrongLength(
                text,
                expected: "15 (13 for the number, 2 for the key)",
                field: field,
                input: string
            )
        }
        try IdentifierText.requireDigits(text, in: 0..<5, field: field, input: string)
        try IdentifierText.requireDepartement(text, at: 5, field: field, input: string)
        try IdentifierText.requireDigits(text, in: 7..<15, field: field, input: string)

        let given = IdentifierText.digitValue(text[13]) * 10 + IdentifierText.digitValue(text[14])
        let computed = Self.key(of: text)
        guard given == computed else {
            throw IdentifierError(
                field: field,
                reason: .wrongKey,
                input: string,
                message: "key \(Self.twoDigits(given)) does not match the computed key \(Self.twoDigits(computed))"
            )
        }
        self.rawValue = text.string
        self.authority = authority
    }

    /// The number and its key, without spaces: the same as ``rawValue``.
    public var description: String {
        self.rawValue
    }

    /// The number grouped as it is printed on a card: `2 55 08 14 168 025 38`.
    public var formatted: String {
        let characters = Array(self.rawValue)
        var result = ""
        var start = 0
        for length in [1, 2, 2, 2, 3, 3, 2] {
            if start > 0 {
                result.append(" ")
            }
            result.append(contentsOf: characters[start..<(start + length)])
            start += length
        }
        return result
    }

    /// The key of the 13 first characters: 97 − (number mod 97), with `2A` read as 19 and `2B` as 18.
    ///
    /// The 13-digit number is below 10¹³ and fits in a `UInt64` without overflow.
    static func key(of text: IdentifierText.Compacted) -> Int {
        var digits = text.scalars[0..<13].map { IdentifierText.isDigit($0) ? IdentifierText.digitValue($0) : 0 }
        switch text[6] {
        case "A":
            digits[5] = 1
            digits[6] = 9
        case "B":
            digits[5] = 1
            digits[6] = 8
        default:
            break
        }
        var number: UInt64 = 0
        for digit in digits {
            number = number * 10 + UInt64(digit)
        }
        return 97 - Int(number % 97)
    }

    /// Whether `string` is exactly 15 ASCII characters, digits with `2A` or `2B` allowed for
    /// the département, whose key is right: the general checks would accept it as it is.
    static func isCompactAndValid(_ string: String) -> Bool {
        var string = string
        return string.withUTF8 { bytes -> Bool in
            guard bytes.count == 15 else { return false }
            var number: UInt64 = 0
            for index in 0..<13 {
                var digit = bytes[index] &- 0x30
                if digit >= 10 {
                    guard index == 6, bytes[5] == 0x32, bytes[6] == 0x41 || bytes[6] == 0x42 else { return false }
                    digit = 0  // 2A is read as 19, 2B as 18: the 5th and 6th digits become 1 and 9 or 8.
                }
                number = number &* 10 &+ UInt64(digit)
            }
            if bytes[6] >= 0x41 {
                // Replace the "2" and the letter (digits 5 and 6 from the left) by 19 or 18.
                let tens: UInt64 = 1_000_000
                number = number - 2 * tens * 10 + 1 * tens * 10 + (bytes[6] == 0x41 ? 9 : 8) * tens
            }
            let key0 = bytes[13] &- 0x30
            let key1 = bytes[14] &- 0x30
            guard key0 < 10, key1 < 10 else { return false }
            return Int(key0) * 10 + Int(key1) == 97 - Int(number % 97)
        }
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}

// MARK: - Kind

extension INS {
    /// Whether a matricule INS is a NIR or a NIA.
    public enum Kind: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// A NIR (numéro d'inscription au répertoire): the permanent number, issued by INSEE.
        case nir
        /// A NIA (numéro d'immatriculation d'attente): a provisional number for a person not yet
        /// definitively registered; it may later be replaced by a NIR.
        case nia

        /// `NIR` or `NIA`.
        public var description: String {
            switch self {
            case .nir: "NIR"
            case .nia: "NIA"
            }
        }

        /// The production registry that issues numbers of this kind.
        public var productionAuthority: AssigningAuthority {
            switch self {
            case .nir: .nir
            case .nia: .nia
            }
        }

        var field: IdentifierError.Field {
            switch self {
            case .nir: .nir
            case .nia: .nia
            }
        }
    }
}

// MARK: - Assigning authority

extension INS {
    /// The registry that issued a matricule INS, named by its OID as in DMP and INSi messages.
    ///
    /// The known authorities are the production NIR (`1.2.250.1.213.1.4.8`) and NIA
    /// (`1.2.250.1.213.1.4.9`) registries, and two NIR registries for fictitious patients: test
    /// (`1.2.250.1.213.1.4.10`) and demonstration (`1.2.250.1.213.1.4.11`). No test registry for NIA
    /// numbers is documented, so none is modelled.
    ///
    /// ```swift
    /// let authority = try INS.AssigningAuthority(oid: "1.2.250.1.213.1.4.10")
    /// authority.kind          // .nir
    /// authority.environment   // .test
    /// ```
    public struct AssigningAuthority: Sendable, Hashable, CustomStringConvertible {
        /// The authority's OID.
        public let oid: String

        /// The kind of number the authority issues.
        public let kind: Kind

        /// Whether the authority issues real numbers or numbers of fictitious patients.
        public let environment: Environment

        /// The label of the authority in a ``PatientIdentifier`` string form: `NIR`, `NIA`,
        /// `NIR-TEST` or `NIR-DEMO`.
        public let label: String

        private init(oid: String, kind: Kind, environment: Environment, label: String) {
            self.oid = oid
            self.kind = kind
            self.environment = environment
            self.label = label
        }

        /// Finds a known authority by its OID.
        ///
        /// - Parameter oid: An OID such as `1.2.250.1.213.1.4.8`, surrounding spaces ignored.
        /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/assigningAuthority`` and
        ///   reason ``IdentifierError/Reason/unknownCode`` if the OID is not one of ``known``.
        public init(oid: String) throws(IdentifierError) {
            let trimmed = IdentifierText.compact(oid).string
            guard let found = Self.known.first(where: { $0.oid == trimmed }) else {
                let list = Self.known.map(\.oid).joined(separator: ", ")
                throw IdentifierError(
                    field: .assigningAuthority,
                    reason: .unknownCode,
                    input: oid,
                    message: "is not the OID of a known NIR or NIA registry (\(list))"
                )
            }
            self = found
        }

        /// The OID.
        public var description: String {
            self.oid
        }

        /// The production NIR registry (INSEE), OID `1.2.250.1.213.1.4.8`.
        public static let nir = AssigningAuthority(
            oid: "1.2.250.1.213.1.4.8",
            kind: .nir,
            environment: .production,
            label: "NIR"
        )

        /// The production NIA registry, OID `1.2.250.1.213.1.4.9`.
        public static let nia = AssigningAuthority(
            oid: "1.2.250.1.213.1.4.9",
            kind: .nia,
            environment: .production,
            label: "NIA"
        )

        /// The registry of test NIR numbers, OID `1.2.250.1.213.1.4.10`.
        public static let nirTest = AssigningAuthority(
            oid: "1.2.250.1.213.1.4.10",
            kind: .nir,
            environment: .test,
            label: "NIR-TEST"
        )

        /// The registry of demonstration NIR numbers (fictitious patients), OID `1.2.250.1.213.1.4.11`.
        public static let nirDemonstration = AssigningAuthority(
            oid: "1.2.250.1.213.1.4.11",
            kind: .nir,
            environment: .demonstration,
            label: "NIR-DEMO"
        )

        /// Every authority this library knows.
        public static let known: [AssigningAuthority] = [.nir, .nia, .nirTest, .nirDemonstration]
    }

    /// Whether an authority issues real numbers or numbers of fictitious patients.
    public enum Environment: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Real patients.
        case production
        /// Fictitious patients for testing software.
        case test
        /// Fictitious patients for demonstrations.
        case demonstration

        /// `production`, `test` or `demonstration`.
        public var description: String {
            switch self {
            case .production: "production"
            case .test: "test"
            case .demonstration: "demonstration"
            }
        }
    }
}
