#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Elapsed time on the monotonic clock.
struct Stopwatch {
    private let start = Stopwatch.now()

    /// Seconds since the stopwatch was made.
    var seconds: Double { Double(Stopwatch.now() - self.start) / 1e9 }

    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

/// A progress line on stderr — a bar with rate and ETA when the total is known, a count and rate
/// otherwise — shown only when stderr is a terminal and the work has lasted over a second.
///
/// ```swift
/// let progress = Progress("verifying", total: size, unit: .bytes)
/// progress.update(done)
/// progress.finish()
/// ```
final class Progress {
    /// What is counted.
    enum Unit {
        case bytes, events, commands, days
    }

    private let label: String
    private var total: Int?
    private let unit: Unit
    private let enabled: Bool
    private let stopwatch = Stopwatch()
    private var lastDraw = 0.0
    private var drawn = false

    init(_ label: String, total: Int?, unit: Unit) {
        self.label = label
        self.total = total
        self.unit = unit
        self.enabled = isatty(2) == 1
    }

    /// Changes the total (when it becomes known).
    func setTotal(_ total: Int?) {
        self.total = total
    }

    /// Reports `done` units so far; draws at most ten times a second.
    func update(_ done: Int) {
        guard self.enabled else { return }
        let elapsed = self.stopwatch.seconds
        guard elapsed >= 1, elapsed - self.lastDraw >= 0.1 else { return }
        self.lastDraw = elapsed
        self.drawn = true
        let rate = Double(done) / elapsed
        var line = "\r\(self.label) "
        if let total = self.total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let width = 24
            let filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            line +=
                "\(Int(fraction * 100))%  \(self.amount(done, unit: false))/\(self.amount(total))  "
                + "\(self.amount(Int(rate)))/s"
            if rate > 0 {
                line += "  ETA " + duration(seconds: Double(total - done) / rate)
            }
        } else {
            line += "\(self.amount(done))  \(self.amount(Int(rate)))/s"
        }
        Output.error.write(line + "\u{1B}[K")
    }

    /// Clears the progress line.
    func finish() {
        guard self.drawn else { return }
        Output.error.write("\r\u{1B}[K")
        self.drawn = false
    }

    private func amount(_ value: Int, unit: Bool = true) -> String {
        switch self.unit {
        case .bytes: return byteSize(value)
        case .events: return Self.compact(value) + (unit ? " events" : "")
        case .commands: return Self.compact(value) + (unit ? " commands" : "")
        case .days: return Self.compact(value) + (unit ? " days" : "")
        }
    }

    private static func compact(_ value: Int) -> String {
        if value >= 1_000_000 { return formatDecimal(Double(value) / 1e6, places: 1) + "M" }
        if value >= 10_000 { return formatDecimal(Double(value) / 1e3, places: 0) + "k" }
        return String(value)
    }
}
