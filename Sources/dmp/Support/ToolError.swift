import DMP
import DMPJournal

/// An error the tool reports on stderr before exiting with its status.
///
/// Statuses follow the contract of the tool: 1 when a journal fails verification (or a command
/// was refused), 2 for bad usage, a missing or unreadable file, a file that is not a journal, or
/// a newer format version.
struct ToolError: Error, CustomStringConvertible {
    /// The process exit status.
    var status: Int32
    /// What went wrong, in one or more sentences.
    var message: String

    var description: String { self.message }

    /// Bad usage, or a file that cannot be used at all (status 2).
    static func usage(_ message: String) -> ToolError {
        ToolError(status: 2, message: message)
    }

    /// A journal that fails verification or a command that was refused (status 1).
    static func failure(_ message: String) -> ToolError {
        ToolError(status: 1, message: message)
    }

}

extension ToolError {
    /// The status and message of a journal error: 2 when the file cannot be used at all, 1 when it
    /// is a journal whose bytes fail their checks.
    init(_ error: JournalError) {
        switch error.code {
        case .fileNotFound, .notAJournal, .newerFormatVersion, .unsupportedAlgorithm, .io, .locked,
            .alreadyExists, .invalidArgument, .diskFull:
            self.status = 2
        default:
            self.status = 1
        }
        var message = error.message
        switch error.code {
        case .fileNotFound: message = "no such file"
        case .locked: message = "another process is writing to this journal (it holds the journal's lock)"
        default: break
        }
        var location = ""
        if let offset = error.offset, error.code != .fileNotFound, error.code != .notAJournal {
            location = " at byte \(offset)"
            if let sequence = error.sequence { location += " (after sequence \(sequence))" }
        }
        self.message = "\(error.path ?? "journal")\(location): \(message) [\(error.code.name)]"
    }

    /// The status and message of any error met while reading or writing a journal.
    static func from(_ error: any Error, journal: String) -> ToolError {
        switch error {
        case let error as ToolError:
            return error
        case let error as JournalError:
            return ToolError(error)
        case let error as EventDecodingError:
            return .failure("\(journal): a record is not a valid DMP event: \(error)")
        case let error as DomainError:
            return .failure("\(journal): \(error)")
        default:
            return .failure("\(journal): \(error)")
        }
    }
}
