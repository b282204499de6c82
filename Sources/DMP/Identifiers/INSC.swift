/// A legacy INS-C: the 22-digit patient identifier that DMPs used before 2021.
///
/// An INS-C was computed from Vitale-card data (the insured person's NIR without its key, the
/// first name and the birth date, hashed), then followed by a key. The way that key is computed is
/// not documented in the sources this library relies on, so only the shape is checked: 22 digits.
/// A dossier that had an INS-C keeps it in its ``IdentifierHistory`` so that it can still be found
/// by it.
///
/// ```swift
/// let insc = try INSC("1234567890 1234567890 12")
/// insc.rawValue   // "1234567890123456789012"
/// ```
public struct INSC: Sendable, Hashable, CustomStringConvertible {
    /// The OID of the INS-C assigning authority in legacy DMP messages.
    public static let assigningAuthorityOID = "1.2.250.1.213.1.4.2"

    /// The 22 digits, without spaces.
    public let rawValue: String

    /// Reads an INS-C.
    ///
    /// - Parameter string: 22 digits; spaces (including no-break spaces) are ignored.
    /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/insc`` and reason
    ///   ``IdentifierError/Reason/wrongLength``, ``IdentifierError/Reason/empty`` or
    ///   ``IdentifierError/Reason/invalidCharacter``.
    public init(_ string: String) throws(IdentifierError) {
        if string.utf8.count == 22 && string.utf8.allSatisfy({ $0 &- 0x30 < 10 }) {
            // The form records and most callers give: 22 digits, nothing else.
            self.rawValue = string
            return
        }
        let text = IdentifierText.compact(string)
        guard text.count == 22 else {
            throw IdentifierText.wrongLength(text, expected: "22 digits", field: .insc, input: string)
        }
        try IdentifierText.requireDigits(text, in: 0..<22, field: .insc, input: string)
        self.rawValue = text.string
    }

    /// The 22 digits: the same as ``rawValue``.
    public var description: String {
        self.rawValue
    }
}
