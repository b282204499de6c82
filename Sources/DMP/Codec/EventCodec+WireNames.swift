// The wire names of the model's enumerations, looked up without allocating.

// MARK: - Wire names

/// A value written on the wire as one of a fixed set of strings.
///
/// Decoding compares the bytes of the input with the names in ``wireTable`` and returns the
/// matching constant: a known value costs no allocation.
protocol WireValue: Sendable {
    /// Every value the wire may hold, with its name.
    static var wireTable: WireTable<Self> { get }
}

extension WireValue {
    /// The value whose name is `bytes`, if any.
    @inline(__always)
    static func wireValue(named bytes: UnsafeRawBufferPointer) -> Self? {
        let table = Self.wireTable
        return table.index(of: bytes).map { table.values[$0] }
    }
}

/// The names of a ``WireValue`` type, laid out for lookups that compare bytes without touching a
/// `String` or a reference count.
///
/// A table is a static constant of its type: it lives as long as the process, so its storage is
/// allocated once, never freed, and the table itself is a plain value that copies for free.
struct WireTable<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: the buffers are written once, in `init`, and only read afterwards.

    /// Every value, in the order of its name.
    let values: UnsafeBufferPointer<Value>
    /// The names, one after the other.
    private let names: UnsafeBufferPointer<UInt8>
    /// The offset just past each name in `names`.
    private let ends: UnsafeBufferPointer<Int>
    /// An open-addressing hash table of the values' positions, -1 for an empty slot.
    private let slots: UnsafeBufferPointer<Int16>
    /// The number of slots minus one (a power of two minus one).
    private let mask: Int
    /// The names joined by commas, as UTF-8.
    private let joined: UnsafeBufferPointer<UInt8>

    /// Lays out the names of some values.
    ///
    /// - Parameters:
    ///   - values: Every value the wire may hold, in the order error messages list them.
    ///   - name: The name of a value on the wire.
    init(_ values: [Value], name: (Value) -> String) {
        var names: [UInt8] = []
        var ends: [Int] = []
        for value in values {
            names += name(value).utf8
            ends.append(names.count)
        }
        var size = 8
        while size < values.count &* 4 {
            size &*= 2
        }
        var slots = [Int16](repeating: -1, count: size)
        names.withUnsafeBytes { names in
            var start = 0
            for (index, end) in ends.enumerated() {
                var slot = Self.hash(UnsafeRawBufferPointer(rebasing: names[start..<end])) & (size &- 1)
                while slots[slot] >= 0 {
                    slot = (slot &+ 1) & (size &- 1)
                }
                slots[slot] = Int16(index)
                start = end
            }
        }
        self.values = Self.immortal(values)
        self.names = Self.immortal(names)
        self.ends = Self.immortal(ends)
        self.slots = Self.immortal(slots)
        self.mask = size &- 1
        self.joined = Self.immortal(Array(values.map(name).joined(separator: ", ").utf8))
    }

    /// The names joined by commas, for error messages: `normal, regulation, break_glass`.
    var list: String {
        String(decoding: self.joined, as: UTF8.self)
    }

    /// A copy of some elements in storage that is never freed.
    private static func immortal<Element>(_ elements: [Element]) -> UnsafeBufferPointer<Element> {
        let storage = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(elements.count, 1))
        _ = storage.initialize(from: elements)
        return UnsafeBufferPointer(rebasing: storage[0..<elements.count])
    }

    /// The position of the value named `bytes`, if any: a hash, then a comparison.
    @inline(__always)
    func index(of bytes: UnsafeRawBufferPointer) -> Int? {
        var slot = Self.hash(bytes) & self.mask
        while true {
            let index = Int(self.slots[slot])
            guard index >= 0 else {
                return nil
            }
            let start = index == 0 ? 0 : self.ends[index &- 1]
            if self.ends[index] &- start == bytes.count, Self.equal(self.names, from: start, bytes) {
                return index
            }
            slot = (slot &+ 1) & self.mask
        }
    }

    /// A hash of a name: its length, its first and its last bytes.
    @inline(__always)
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        let count = bytes.count
        var hash = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        if count >= 8, let start = bytes.baseAddress {
            hash ^= UInt64(littleEndian: start.loadUnaligned(as: UInt64.self))
            hash = (hash ^ (hash &>> 29)) &* 0xBF58_476D_1CE4_E5B9
            hash ^= UInt64(littleEndian: start.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
        } else {
            for byte in bytes {
                hash = (hash &<< 8) | UInt64(byte)
            }
        }
        hash = (hash ^ (hash &>> 31)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: hash ^ (hash &>> 29))
    }

    /// Whether `bytes` are the bytes of `names` at `start`.
    @inline(__always)
    private static func equal(
        _ names: UnsafeBufferPointer<UInt8>,
        from start: Int,
        _ bytes: UnsafeRawBufferPointer
    )
        -> Bool
    {
        guard let name = names.baseAddress, let other = bytes.baseAddress else {
            return bytes.isEmpty
        }
        return ByteComparison.equal(UnsafeRawPointer(name + start), other, count: bytes.count)
    }
}

/// Comparison of short byte strings, eight bytes at a time.
enum ByteComparison {
    /// Whether `count` bytes at two addresses are the same.
    @inline(__always)
    static func equal(_ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer, count: Int) -> Bool {
        var index = 0
        while index &+ 8 <= count {
            guard
                lhs.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    == rhs.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            else {
                return false
            }
            index &+= 8
        }
        while index < count {
            guard lhs.load(fromByteOffset: index, as: UInt8.self) == rhs.load(fromByteOffset: index, as: UInt8.self)
            else {
                return false
            }
            index &+= 1
        }
        return true
    }
}

extension WireTable where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// Lays out the names of every case of an enumeration, its raw values.
    init() {
        self.init(Array(Value.allCases)) { $0.rawValue }
    }
}

extension NoticeChannel: WireValue { static let wireTable = WireTable<Self>() }
extension CreationMode: WireValue { static let wireTable = WireTable<Self>() }
extension ClosureReason: WireValue { static let wireTable = WireTable<Self>() }
extension PurgeCause: WireValue { static let wireTable = WireTable<Self>() }
extension RepresentativeKind: WireValue { static let wireTable = WireTable<Self>() }
extension AuthorisationBasis: WireValue { static let wireTable = WireTable<Self>() }
extension BlockTarget: WireValue { static let wireTable = WireTable<Self>() }
extension ReleaseCause: WireValue { static let wireTable = WireTable<Self>() }
extension AccessRight: WireValue { static let wireTable = WireTable<Self>() }
extension NotificationRecipient: WireValue { static let wireTable = WireTable<Self>() }
extension NotificationKind: WireValue { static let wireTable = WireTable<Self>() }
extension IdentityTraits.Sex: WireValue { static let wireTable = WireTable<Self>() }
extension AccessMode: WireValue { static let wireTable = WireTable(Self.known) { $0.rawValue } }
extension Actor.Role: WireValue { static let wireTable = WireTable(Self.known) { $0.rawValue } }
extension Actor.Practice: WireValue { static let wireTable = WireTable(Self.known) { $0.rawValue } }
extension Actor.Authentication: WireValue { static let wireTable = WireTable(Self.known) { $0.rawValue } }

/// A confidentiality code of JDV_J58 (ACC-4), one bit of ``Confidentiality``.
struct ConfidentialityCode: WireValue {
    /// The code, such as `MASQUE_PS`.
    let name: String
    /// The bit it sets; empty for `N`.
    let flag: Confidentiality

    /// Every code, `N` first: the order in which records list them.
    static let all = [
        ConfidentialityCode(name: "N", flag: []),
        ConfidentialityCode(name: "MASQUE_PS", flag: .maskedFromProfessionals),
        ConfidentialityCode(name: "INVISIBLE_PATIENT", flag: .invisibleToPatient),
        ConfidentialityCode(name: "INVISIBLE_REPRESENTANTS_LEGAUX", flag: .invisibleToRepresentatives),
    ]

    static let wireTable = WireTable(Self.all) { $0.name }
}
