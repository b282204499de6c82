import Foundation

/// The results table both executables print: each row printed as it comes, then all of them as
/// one Markdown table.
public enum Report {
    struct Row {
        var what: String
        var result: String
        var baseline: String
        var ratio: String
    }

    nonisolated(unsafe) static var rows: [Row] = []

    public static func add(_ what: String, _ result: String, _ baseline: String = "", _ ratio: String = "") {
        rows.append(Row(what: what, result: result, baseline: baseline, ratio: ratio))
        print("  \(what): \(result)\(baseline.isEmpty ? "" : " | vs \(baseline)")\(ratio.isEmpty ? "" : " → \(ratio)")")
        fflush(nil)
    }

    public static func table() {
        print("\n| what | result | baseline (same run) | ratio |\n|---|---|---|---|")
        for row in rows { print("| \(row.what) | \(row.result) | \(row.baseline) | \(row.ratio) |") }
    }

    public static func rate(_ perSecond: Double) -> String {
        if perSecond >= 1e6 { return String(format: "%.2f M events/s", perSecond / 1e6) }
        if perSecond >= 1e3 { return String(format: "%.1f k events/s", perSecond / 1e3) }
        return String(format: "%.0f events/s", perSecond)
    }

    public static func millis(_ seconds: Double) -> String {
        seconds >= 1 ? String(format: "%.2f s", seconds) : String(format: "%.2f ms", seconds * 1e3)
    }

    public static func megabytes(_ bytes: Int) -> String {
        String(format: bytes < 10_000_000 ? "%.2f MB" : "%.0f MB", Double(bytes) / 1e6)
    }

    public static func times(_ ratio: Double) -> String {
        String(format: ratio >= 10 ? "**%.0f×**" : "**%.2f×**", ratio)
    }
}
