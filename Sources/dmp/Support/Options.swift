import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The journal a subcommand works on.
struct JournalArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The journal file (.dmpj).", valueName: "journal"))
    var path: String
}

/// Output formats of a report (one object).
enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    /// Aligned text for people.
    case table
    /// One JSON object (its schema is in `Schemas/cli/`).
    case json
}

/// Output formats of a stream of records.
enum StreamFormat: String, CaseIterable, ExpressibleByArgument {
    /// Aligned text for people.
    case table
    /// One JSON object holding every record.
    case json
    /// One JSON record per line.
    case jsonl
}

/// `--format table|json`: a table by default when stdout is a terminal, JSON otherwise.
struct ReportFormatOption: ParsableArguments {
    @Option(help: "Output format (default: table on a terminal, json otherwise).")
    var format: ReportFormat?

    /// The format asked for, or the default for where stdout goes.
    var resolved: ReportFormat {
        self.format ?? (isatty(1) == 1 ? .table : .json)
    }
}

/// `--format table|json|jsonl`: a table by default when stdout is a terminal, JSON otherwise.
struct StreamFormatOption: ParsableArguments {
    @Option(help: "Output format (default: table on a terminal, json otherwise).")
    var format: StreamFormat?

    /// The format asked for, or the default for where stdout goes.
    var resolved: StreamFormat {
        self.format ?? (isatty(1) == 1 ? .table : .json)
    }
}

/// `--dossier`: the opaque dossier id or any identifier of the person.
struct DossierOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The dossier: its opaque id, or any identifier of the person (NIR:…, NIA:…, INSC:…, "
                + "or a bare number), old identifiers included.",
            valueName: "id"))
    var dossier: String

    func validate() throws {
        guard !self.dossier.trimmed().isEmpty else {
            throw ValidationError("--dossier must not be empty")
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line ends.
    func trimmed() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
