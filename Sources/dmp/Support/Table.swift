/// A text table for terminals: columns sized to their widest cell, numbers aligned right.
///
/// ```swift
/// var table = TextTable(["TYPE", "EVENTS"], rightAligned: [1])
/// table.add(["DocumentDeposited", "1,204"])
/// table.render(to: .standard)
/// ```
struct TextTable {
    private let titles: [String]
    private let rightAligned: Set<Int>
    private var rows: [[String]] = []

    init(_ titles: [String], rightAligned: Set<Int> = []) {
        self.titles = titles
        self.rightAligned = rightAligned
    }

    mutating func add(_ row: [String]) {
        self.rows.append(row)
    }

    var isEmpty: Bool { self.rows.isEmpty }

    /// Writes the table; the last column is never padded.
    func render(to output: Output, indent: String = "") {
        var widths = self.titles.map(\.count)
        for row in self.rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        for row in [self.titles] + self.rows {
            var line = indent
            for (index, cell) in row.enumerated() {
                let last = index == row.count - 1
                let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
                if self.rightAligned.contains(index) {
                    line += padding + cell
                } else {
                    line += last ? cell : cell + padding
                }
                if !last { line += "  " }
            }
            while line.last == " " { line.removeLast() }
            output.write(line + "\n")
        }
    }
}

/// Aligned `name  value` lines, for reports.
struct KeyValueReport {
    private var lines: [(String, String)] = []

    mutating func add(_ name: String, _ value: String) {
        self.lines.append((name, value))
    }

    func render(to output: Output) {
        let width = self.lines.map(\.0.count).max() ?? 0
        for (name, value) in self.lines {
            output.write(name + String(repeating: " ", count: width - name.count) + "  " + value + "\n")
        }
    }
}

/// A whole number with thousands separators: `1,234,567`.
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return (value < 0 ? "-" : "") + result
}

/// A whole number with thousands separators.
func grouped(_ value: UInt64) -> String {
    grouped(Int(value))
}

/// A size in bytes for people: `812 B`, `14.2 KiB`, `3.1 MiB`.
func byteSize(_ value: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var size = Double(value)
    var unit = 0
    while size >= 1024 && unit < units.count - 1 {
        size /= 1024
        unit += 1
    }
    return unit == 0 ? "\(value) B" : formatDecimal(size, places: 1) + " " + units[unit]
}

/// A duration for people: `850 ms`, `12.4 s`, `3 min 05 s`.
func duration(seconds: Double) -> String {
    if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
    if seconds < 60 { return formatDecimal(seconds, places: 1) + " s" }
    let total = Int(seconds.rounded())
    let rest = total % 60
    return "\(total / 60) min \(rest < 10 ? "0" : "")\(rest) s"
}
