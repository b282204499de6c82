#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small cache of strings met while decoding, so that equal long strings (a document format,
/// a title template, a software name) share one buffer: fewer allocations while decoding, less
/// memory in the states that keep them. Direct-mapped, 1,024 entries; a collision just replaces
/// the entry. Strings of 15 bytes or fewer are stored inline by Swift and are not cached.
///
/// Not thread-safe: one interner per decoding thread.
final class StringInterner {
    private var slots = [String?](repeating: nil, count: 1024)

    /// The cached string equal to `body`, or the one `make` builds (then cached).
    @inline(__always)
    func string(_ body: UnsafeRawBufferPointer, make: () -> String?) -> String? {
        guard body.count > 15, let base = body.baseAddress else {
            return make()
        }
        var hash: UInt32 = 2_166_136_261
        for byte in body {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let index = Int(hash & 1023)
        if var cached = self.slots[index], cached.utf8.count == body.count,
            cached.withUTF8({ memcmp($0.baseAddress!, base, body.count) == 0 })
        {
            return cached
        }
        let made = make()
        self.slots[index] = made
        return made
    }
}
