/// Character-level helpers shared by the identifier parsers.
///
/// Identifiers arrive typed by people or copied from documents: grouped with spaces (French
/// typography uses no-break spaces), sometimes in lower case. The parsers drop the spaces,
/// upper-case ASCII letters, and then check every remaining character against the identifier's
/// layout. Positions in error messages count characters of the input as given, from 1.
enum IdentifierText {
    /// The input without its spaces, ASCII letters upper-cased, with each character's position in
    /// the original input.
    struct Compacted {
        var scalars: [Unicode.Scalar] = []
        var positions: [Int] = []

        var count: Int {
            self.scalars.count
        }

        var string: String {
            var result = ""
            result.unicodeScalars.append(contentsOf: self.scalars)
            return result
        }

        subscript(index: Int) -> Unicode.Scalar {
            self.scalars[index]
        }
    }

    /// Whether a character is one of the spaces accepted inside an identifier: the ASCII space,
    /// the no-break space (U+00A0) and the narrow no-break space (U+202F).
    static func isIgnorableSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\u{00A0}" || scalar == "\u{202F}"
    }

    static func compact(_ string: String) -> Compacted {
        var result = Compacted()
        var position = 0
        for scalar in string.unicodeScalars {
            position += 1
            if self.isIgnorableSpace(scalar) {
                continue
            }
            result.scalars.append(self.uppercased(scalar))
            result.positions.append(position)
        }
        return result
    }

    static func uppercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        guard scalar.value >= 0x61, scalar.value <= 0x7A, let upper = Unicode.Scalar(scalar.value - 0x20) else {
            return scalar
        }
        return upper
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }

    /// The value of an ASCII digit; only call it on a character `isDigit` accepted.
    static func digitValue(_ scalar: Unicode.Scalar) -> Int {
        Int(scalar.value) - 0x30
    }

    static func isUppercaseLetter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x41 && scalar.value <= 0x5A
    }

    /// The input in double quotes, escaped as a Swift string literal, cut after `limit` characters.
    static func quoted(_ input: String, limit: Int = 64) -> String {
        guard input.count > limit else {
            return input.debugDescription
        }
        let kept = String(input.prefix(limit))
        return String(kept.debugDescription.dropLast()) + "…\" (\(input.count) characters)"
    }

    /// One character in double quotes, escaped so that control characters stay visible.
    static func quoted(_ scalar: Unicode.Scalar) -> String {
        var string = ""
        string.unicodeScalars.append(scalar)
        return string.debugDescription
    }

    /// Checks that the characters in `range` are all ASCII digits.
    static func requireDigits(
        _ text: Compacted,
        in range: Range<Int>,
        field: IdentifierError.Field,
        input: String
    ) throws(IdentifierError) {
        for index in range where !self.isDigit(text[index]) {
            throw self.notADigit(text, at: index, field: field, input: input)
        }
    }

    static func notADigit(
        _ text: Compacted,
        at index: Int,
        field: IdentifierError.Field,
        input: String
    ) -> IdentifierError {
        IdentifierError(
            field: field,
            reason: .invalidCharacter,
            input: input,
            message: "character \(self.quoted(text[index])) at position \(text.positions[index]) is not a digit"
        )
    }

    static func wrongLength(
        _ text: Compacted,
        expected: String,
        field: IdentifierError.Field,
        input: String
    ) -> IdentifierError {
        if text.count == 0 {
            return IdentifierError(
                field: field,
                reason: .empty,
                input: input,
                message: "is empty, expected \(expected)"
            )
        }
        let noun = text.count == 1 ? "character" : "characters"
        return IdentifierError(
            field: field,
            reason: .wrongLength,
            input: input,
            message: "has \(text.count) \(noun) (spaces ignored), expected \(expected)"
        )
    }

    /// Checks a 2-character département part at `index`: two digits, or `2A` or `2B` (Corsica).
    static func requireDepartement(
        _ text: Compacted,
        at index: Int,
        field: IdentifierError.Field,
        input: String
    ) throws(IdentifierError) {
        let first = text[index]
        let second = text[index + 1]
        if self.isDigit(first) && self.isDigit(second) {
            return
        }
        if first == "2" && (second == "A" || second == "B") {
            return
        }
        var part = ""
        part.unicodeScalars.append(first)
        part.unicodeScalars.append(second)
        throw IdentifierError(
            field: field,
            reason: .invalidCharacter,
            input: input,
            message: "département \(part.debugDescription) at position \(text.positions[index]) is not two digits, "
                + "2A or 2B"
        )
    }
}

/// The Luhn check digit, as used by RPPS numbers.
enum Luhn {
    /// The digit that, appended to `digits`, makes the whole pass the Luhn test: from the right,
    /// every second digit starting with the last of `digits` is doubled (minus 9 above 9), and the
    /// sum with the check digit must be a multiple of 10.
    ///
    /// - Parameter digits: Digit values, 0 to 9, most significant first.
    /// - Returns: The check digit, 0 to 9.
    static func checkDigit(for digits: [Int]) -> Int {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            if offset % 2 == 0 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return (10 - sum % 10) % 10
    }
}
