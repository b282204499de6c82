/// A FINESS number: the national identifier of a health or social-care structure.
///
/// Nine characters: a 2-character département part, digits or ASCII letters (`2A`, `2B` for
/// Corsica), then seven digits. Both legal entities (entité juridique) and sites (établissement)
/// have one.
///
/// The ninth character is often said to be a Luhn-style key, but no source this library relies on
/// documents the algorithm (nor how letters in the département part would enter it), so it is not
/// checked: only the shape is. A mistyped digit is therefore not detected here.
///
/// ```swift
/// let site = try FINESS("750 712 184")
/// site.rawValue   // "750712184"
/// let ajaccio = try FINESS("2A0000012")
/// ```
public struct FINESS: Sendable, Hashable, CustomStringConvertible {
    /// The nine characters, without spaces, letters upper-cased.
    public let rawValue: String

    /// Reads a FINESS number.
    ///
    /// - Parameter string: Nine characters: two digits or ASCII letters, then seven digits; spaces are
    ///   ignored and letters upper-cased.
    /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/finess`` and reason
    ///   ``IdentifierError/Reason/wrongLength``, ``IdentifierError/Reason/empty`` or
    ///   ``IdentifierError/Reason/invalidCharacter``.
    public init(_ string: String) throws(IdentifierError) {
        let text = IdentifierText.compact(string)
        guard text.count == 9 else {
            throw IdentifierText.wrongLength(text, expected: "9", field: .finess, input: string)
        }
        for index in 0..<2 {
            let scalar = text[index]
            guard IdentifierText.isDigit(scalar) || IdentifierText.isUppercaseLetter(scalar) else {
                throw IdentifierError(
                    field: .finess,
                    reason: .invalidCharacter,
                    input: string,
                    message: "character \(IdentifierText.quoted(scalar)) at position \(text.positions[index]) "
                        + "is not a digit or a letter"
                )
            }
        }
        try IdentifierText.requireDigits(text, in: 2..<9, field: .finess, input: string)
        self.rawValue = text.string
    }

    /// The nine characters: the same as ``rawValue``.
    public var description: String {
        self.rawValue
    }
}
