/// An object key read by ``JSONReader/nextKey()``: a view of its bytes in the input, compared with
/// compile-time names without building a `String`.
///
/// ```swift
/// while let key = try reader.nextKey() {
///     if key == "seq" {
///         sequence = try reader.readUInt64()
///     } else if key == "type" {
///         type = try reader.readString()
///     } else {
///         try reader.skipValue()
///     }
/// }
/// ```
///
/// A key written with escapes (`"typ\u0065"`) compares equal to the name it spells (`"type"`), at the
/// cost of decoding it for each comparison. A key points into the reader's input: it is valid only as
/// long as that input is.
package struct JSONKey: CustomStringConvertible {
    /// The key's bytes in the input, between the quotes, escapes included.
    package let bytes: UnsafeRawBufferPointer

    /// Whether ``bytes`` holds at least one backslash escape.
    package let isEscaped: Bool

    /// Creates a key from its bytes in the input, which the reader has checked.
    ///
    /// - Parameters:
    ///   - bytes: Valid UTF-8 with valid escapes, without the quotes.
    ///   - escaped: Whether the bytes hold an escape.
    init(bytes: UnsafeRawBufferPointer, escaped: Bool) {
        self.bytes = bytes
        self.isEscaped = escaped
    }

    /// The key as a string, escapes decoded (allocates when the key is longer than 15 bytes).
    package var string: String {
        if self.isEscaped {
            // The reader checked the escapes when it read the key.
            return (try? JSONEscapes.decode(self.bytes, from: 0, to: self.bytes.count)) ?? ""
        }
        return String(decoding: self.bytes, as: UTF8.self)
    }

    /// The key as a string.
    package var description: String {
        self.string
    }

    /// Whether a key spells a given name.
    ///
    /// - Parameters:
    ///   - key: A key read from the input.
    ///   - name: A compile-time name, such as `"type"`.
    /// - Returns: Whether the key's text and the name are the same bytes.
    @inline(__always)
    package static func == (key: JSONKey, name: StaticString) -> Bool {
        name.withUTF8Buffer { expected in
            if key.isEscaped {
                return key.string.utf8.elementsEqual(expected)
            }
            return Self.equal(key.bytes, expected)
        }
    }

    /// Whether a key does not spell a given name.
    ///
    /// - Parameters:
    ///   - key: A key read from the input.
    ///   - name: A compile-time name.
    /// - Returns: The negation of `key == name`.
    @inline(__always)
    package static func != (key: JSONKey, name: StaticString) -> Bool {
        !(key == name)
    }

    /// Matches a key against a compile-time name in a `switch` statement.
    ///
    /// - Parameters:
    ///   - name: The name in the `case` label.
    ///   - key: The key being switched over.
    /// - Returns: Whether the key spells the name.
    @inline(__always)
    package static func ~= (name: StaticString, key: JSONKey) -> Bool {
        key == name
    }

    /// Byte-wise equality of two short buffers, length first.
    @inline(__always)
    private static func equal(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = lhs.count
        guard count == rhs.count else {
            return false
        }
        var index = 0
        while index &+ 8 <= count {
            let left = lhs.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let right = UnsafeRawBufferPointer(rhs).loadUnaligned(fromByteOffset: index, as: UInt64.self)
            guard left == right else {
                return false
            }
            index &+= 8
        }
        while index < count {
            guard lhs[index] == rhs[index] else {
                return false
            }
            index &+= 1
        }
        return true
    }
}
