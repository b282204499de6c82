/// XXH32 (seed 0), as used by the LZ4 frame format for its descriptor and block checksums.
enum XXH32 {
    private static let prime1: UInt32 = 0x9E37_79B1
    private static let prime2: UInt32 = 0x85EB_CA77
    private static let prime3: UInt32 = 0xC2B2_AE3D
    private static let prime4: UInt32 = 0x27D4_EB2F
    private static let prime5: UInt32 = 0x1656_67B1

    @inline(__always)
    private static func round(_ acc: UInt32, _ input: UInt32) -> UInt32 {
        var acc = acc &+ input &* prime2
        acc = (acc << 13) | (acc >> 19)
        return acc &* prime1
    }

    @inline(__always)
    private static func load(_ base: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        let count = bytes.count
        guard let base = bytes.baseAddress else {
            return avalanche(seed &+ prime5)
        }
        var offset = 0
        var h: UInt32
        if count >= 16 {
            var v1 = seed &+ prime1 &+ prime2
            var v2 = seed &+ prime2
            var v3 = seed
            var v4 = seed &- prime1
            let limit = count - 16
            while offset <= limit {
                v1 = round(v1, load(base, offset))
                v2 = round(v2, load(base, offset + 4))
                v3 = round(v3, load(base, offset + 8))
                v4 = round(v4, load(base, offset + 12))
                offset += 16
            }
            h = ((v1 << 1) | (v1 >> 31)) &+ ((v2 << 7) | (v2 >> 25))
                &+ ((v3 << 12) | (v3 >> 20)) &+ ((v4 << 18) | (v4 >> 14))
        } else {
            h = seed &+ prime5
        }
        h = h &+ UInt32(truncatingIfNeeded: count)
        while offset + 4 <= count {
            h = h &+ load(base, offset) &* prime3
            h = ((h << 17) | (h >> 15)) &* prime4
            offset += 4
        }
        while offset < count {
            h = h &+ UInt32(base.load(fromByteOffset: offset, as: UInt8.self)) &* prime5
            h = ((h << 11) | (h >> 21)) &* prime1
            offset += 1
        }
        return avalanche(h)
    }

    @inline(__always)
    private static func avalanche(_ value: UInt32) -> UInt32 {
        var h = value
        h ^= h >> 15
        h = h &* prime2
        h ^= h >> 13
        h = h &* prime3
        h ^= h >> 16
        return h
    }
}
