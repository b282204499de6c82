import DMP
import DMPJournal

/// Streams a journal's records in bounded memory, for the reading subcommands.
///
/// Reading never modifies the journal; it sees what is sealed, so a journal another process is
/// appending to can be read. An unsealed tail ends the stream; damage before the last seal throws
/// after every record before it has been handed over.
enum JournalScan {
    /// Opens a reader, mapping failures to the tool's exit statuses.
    static func reader(_ path: String) throws(ToolError) -> JournalReader {
        do {
            return try JournalReader(path: path)
        } catch {
            throw ToolError(error)
        }
    }

    /// Calls `body` with every record, without copying it; shows progress on a terminal.
    ///
    /// - Parameters:
    ///   - path: The journal.
    ///   - label: The progress line's label.
    ///   - total: The number of records, when known (for an ETA).
    ///   - body: Called with each record's sequence number and bytes (valid during the call only).
    static func records(
        _ path: String, label: String, total: Int? = nil,
        _ body: (_ sequence: UInt64, _ record: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let reader = try Self.reader(path)
        let progress = Progress(label, total: total, unit: .events)
        defer { progress.finish() }
        var count = 0
        do {
            while try reader.nextBatch({ sequence, _, record in
                try body(sequence, record)
                count += 1
            }) {
                progress.update(count)
            }
        } catch let error as JournalError {
            throw ToolError(error)
        }
    }

    /// Calls `body` with every event (decoded) whose stored bytes pass `prefilter` (a cheap test
    /// before decoding, such as "contains this dossier id"), in order.
    static func events(
        _ path: String, label: String, total: Int? = nil,
        prefilter: (UnsafeRawBufferPointer) -> Bool = { _ in true },
        _ body: (Event, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try Self.records(path, label: label, total: total) { sequence, record in
            guard prefilter(record) else { return }
            let event: Event
            do {
                event = try EventCodec.decode(record)
            } catch {
                throw ToolError.failure("\(path): record \(sequence) is not a valid DMP event: \(error)")
            }
            try body(event, record)
        }
    }
}

/// Whether `haystack` contains `needle`.
func contains(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
    guard let first = needle.first else { return true }
    guard haystack.count >= needle.count, let base = haystack.baseAddress else { return false }
    var offset = 0
    let last = haystack.count - needle.count
    return needle.withUnsafeBytes { pattern in
        while offset <= last {
            guard let found = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
            let position = UnsafeRawPointer(found) - base
            if memcmp(base + position, pattern.baseAddress!, needle.count) == 0 { return true }
            offset = position + 1
        }
        return false
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
