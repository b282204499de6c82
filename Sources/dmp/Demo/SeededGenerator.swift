/// A repeatable random number generator (SplitMix64): the same seed gives the same demo.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed ^ 0x6A09_E667_F3BC_C909
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `true` with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        self.unit() < probability
    }

    /// A uniform number in [0, 1).
    mutating func unit() -> Double {
        Double(self.next() >> 11) / Double(1 << 53)
    }

    /// A uniform integer in `range`.
    mutating func int(_ range: Range<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// A uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// One element of a non-empty array.
    mutating func pick<Element>(_ items: [Element]) -> Element {
        items[self.int(0..<items.count)]
    }

    /// One element, chosen with the given weights.
    mutating func weighted<Element>(_ items: [(Element, Double)]) -> Element {
        let total = items.reduce(0) { $0 + $1.1 }
        var point = self.unit() * total
        for (item, weight) in items {
            if point < weight { return item }
            point -= weight
        }
        return items[items.count - 1].0
    }

    /// An exponentially distributed number with the given mean.
    mutating func exponential(mean: Double) -> Double {
        -mean * log1p(-self.unit())
    }

    /// Lowercase hexadecimal digits.
    mutating func hex(_ count: Int) -> String {
        var text = ""
        while text.count < count {
            let word = String(self.next(), radix: 16)
            text += String(repeating: "0", count: 16 - word.count) + word
        }
        return String(text.prefix(count))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
