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
/// A key written with escapes (`"typ\u0065"`) is decoded once, when read, and compares equal to
/// the name it spells (`"type"`). A key without escapes points into the reader's input: it is valid
/// only as long as that input is.
package struct JSONKey: CustomStringConvertible {
    /// The key's UTF-8 bytes in the input, between the quotes; empty when ``decoded`` is set.
    package let bytes: UnsafeRawBufferPointer

    /// The key, when it was written with escapes and had to be decoded.
    private let decoded: String?

    /// Creates a key that points at bytes of the input, which hold no escape.
    ///
    /// - Parameter bytes: Valid UTF-8, without quotes or escapes.
    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.decoded = nil
    }

    /// Creates a key from its decoded text, for a key written with escapes.
    ///
    /// - Parameter decoded: The key after unescaping.
    init(decoded: String) {
        self.bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        self.decoded = decoded
    }

    /// The key as a string (allocates when the key is longer than 15 bytes).
    package var string: String {
        if let decoded = self.decoded {
            return decoded
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
            if let decoded = key.decoded {
                return decoded.utf8.elementsEqual(expected)
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
