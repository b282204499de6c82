/// A JSON document, or a timestamp inside one, that was refused: what is wrong and at which byte.
///
/// Every throwing function of ``JSONReader`` and ``Timestamp`` throws this error and nothing
/// else; malformed input never traps. Its ``description`` names the byte, for example:
///
/// ```
/// expected '{' at byte 12
/// ```
///
/// Two errors are equal when their ``code`` is equal; the offset and the message are diagnostics.
/// Match on the code in a `catch` clause:
///
/// ```swift
/// do {
///     try reader.beginObject()
/// } catch JSONError.unexpectedEnd {
///     // a truncated record
/// }
/// ```
package struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The family of the error, such as ``Code/unexpectedByte``.
    package let code: Code

    /// The offset, from the start of the input, of the byte where the problem was found.
    package let offset: Int

    /// What is wrong, phrased to be followed by ` at byte <offset>`, such as `expected '{'`.
    package let message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The family of the error.
    ///   - offset: The offset of the offending byte from the start of the input.
    ///   - message: What is wrong, phrased to be followed by ` at byte <offset>`.
    package init(_ code: Code, at offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    /// The message and the offset, such as `expected '{' at byte 12`.
    package var description: String {
        "\(self.message) at byte \(self.offset)"
    }

    /// Compares the codes only.
    ///
    /// - Parameters:
    ///   - lhs: An error.
    ///   - rhs: Another error.
    /// - Returns: Whether both errors belong to the same family.
    package static func == (lhs: JSONError, rhs: JSONError) -> Bool {
        lhs.code == rhs.code
    }
}

// MARK: - Code

extension JSONError {
    /// The family of a ``JSONError``; an extensible set of named values with a stable name.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable snake_case name.
        package let rawValue: String

        /// Creates a code from its name.
        ///
        /// - Parameter rawValue: The stable snake_case name.
        package init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The stable name.
        package var description: String {
            self.rawValue
        }

        /// Matches any error that is a ``JSONError`` with this code, so that
        /// `catch JSONError.unexpectedEnd` works.
        ///
        /// - Parameters:
        ///   - pattern: The code to look for.
        ///   - error: Any error.
        /// - Returns: Whether `error` is a ``JSONError`` with this code.
        package static func ~= (pattern: Code, error: any Error) -> Bool {
            (error as? JSONError)?.code == pattern
        }

        /// Matches a ``JSONError`` with this code, where the error is already typed.
        ///
        /// - Parameters:
        ///   - pattern: The code to look for.
        ///   - error: A JSON error.
        /// - Returns: Whether `error` has this code.
        package static func ~= (pattern: Code, error: JSONError) -> Bool {
            error.code == pattern
        }

        /// The input ends in the middle of a value or a structure.
        package static let unexpectedEnd = Code(rawValue: "unexpected_end")
        /// A byte that is not what the grammar or the caller expects at this point.
        package static let unexpectedByte = Code(rawValue: "unexpected_byte")
        /// A string holds a byte sequence that is not valid UTF-8.
        package static let invalidUTF8 = Code(rawValue: "invalid_utf8")
        /// A string holds a raw control character (U+0000 to U+001F), which must be escaped.
        package static let controlCharacter = Code(rawValue: "control_character")
        /// A backslash escape that is unknown, incomplete, or a lone UTF-16 surrogate.
        package static let invalidEscape = Code(rawValue: "invalid_escape")
        /// A number that does not follow the JSON grammar (leading zero, missing digits) or is not the
        /// integer the caller asked for.
        package static let invalidNumber = Code(rawValue: "invalid_number")
        /// An integer outside the range of the requested type.
        package static let numberOverflow = Code(rawValue: "number_overflow")
        /// Objects and arrays nested deeper than ``JSONReader/maximumDepth``.
        package static let tooDeep = Code(rawValue: "too_deep")
        /// Something other than whitespace after the end of the document.
        package static let trailingBytes = Code(rawValue: "trailing_bytes")
        /// A timestamp that is not in the expected form or names an instant that does not exist.
        package static let invalidTimestamp = Code(rawValue: "invalid_timestamp")
    }

    /// A truncated input.
    package static let unexpectedEnd = Code.unexpectedEnd
    /// A byte the grammar does not allow at this point.
    package static let unexpectedByte = Code.unexpectedByte
    /// A string that is not valid UTF-8.
    package static let invalidUTF8 = Code.invalidUTF8
    /// An unescaped control character in a string.
    package static let controlCharacter = Code.controlCharacter
    /// A malformed escape sequence.
    package static let invalidEscape = Code.invalidEscape
    /// A malformed number.
    package static let invalidNumber = Code.invalidNumber
    /// An integer out of range.
    package static let numberOverflow = Code.numberOverflow
    /// Nesting too deep.
    package static let tooDeep = Code.tooDeep
    /// Bytes after the document.
    package static let trailingBytes = Code.trailingBytes
    /// A malformed or impossible timestamp.
    package static let invalidTimestamp = Code.invalidTimestamp
}
