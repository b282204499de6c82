#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A saved index file, read in place with `pread`: a lookup reads about a dozen table entries and
/// one postings block, never the whole file.
///
/// `@unchecked Sendable`: the descriptor is only read with `pread` (positional, so concurrent
/// reads do not interfere) and is closed once, in `deinit`; the file is replaced by rename, never
/// rewritten in place, so what was checked at open stays what is read.
final class IndexFile: @unchecked Sendable {
    let path: String
    let header: IndexHeader
    private let descriptor: Int32

    /// Opens and checks the header (magic, version, digest, sizes against the file's size).
    init(path: String) throws(DossierIndexError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { throw DossierIndexError(.notFound, "no index file", path: path) }
            throw DossierIndexError(.io, "cannot open: \(String(cString: strerror(code)))", path: path)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw DossierIndexError(.io, "not a regular file", path: path)
        }
        do {
            let size = Int(info.st_size)
            let bytes = try Self.read(descriptor, at: 0, count: min(size, IndexFormat.headerSize), path: path)
            self.header = try bytes.withUnsafeBytes { raw in try IndexHeader.decode(raw, fileSize: size) }
        } catch let error as DossierIndexError {
            close(descriptor)
            throw error.with(path: path)
        } catch {
            close(descriptor)
            throw DossierIndexError(.io, "\(error)", path: path)
        }
        self.descriptor = descriptor
    }

    deinit {
        close(self.descriptor)
    }

    /// The unit offsets of `key`, or `[]` if the index has no entry for it.
    /// - Throws: ``DossierIndexError/Code/corrupt`` when an entry read on the way, or the
    ///   postings block, fails its check.
    func lookup(_ key: DossierKey) throws -> [Int] {
        var low = 0
        var high = self.header.dossiers
        // Binary search entry by entry while the range is wide, then read the rest in one go.
        while high - low > 128 {
            let middle = (low + high) / 2
            let entry = try self.entries(from: middle, count: 1)
            let found = try entry.withUnsafeBytes { raw in try self.checkedEntry(raw, 0) }
            if found.key == key { return try self.postings(of: found) }
            if found.key < key { low = middle + 1 } else { high = middle }
        }
        guard high > low else { return [] }
        let chunk = try self.entries(from: low, count: high - low)
        let match = try chunk.withUnsafeBytes { raw -> Entry? in
            var previous: DossierKey?
            for index in 0..<(high - low) {
                let entry = try self.checkedEntry(raw, index * IndexFormat.entrySize)
                if let previous, previous >= entry.key {
                    throw DossierIndexError(.corrupt, "table entries out of order", path: self.path)
                }
                previous = entry.key
                if entry.key == key { return entry }
            }
            return nil
        }
        guard let match else { return [] }
        return try self.postings(of: match)
    }

    /// Calls `body` with every dossier key and its unit offsets, in key order, checking every
    /// entry, every postings block, and the order of the keys.
    func forEachEntry(_ body: (DossierKey, [Int]) throws -> Void) throws {
        let batch = 4096
        var previous: DossierKey?
        var start = 0
        while start < self.header.dossiers {
            let count = min(batch, self.header.dossiers - start)
            let chunk = try self.entries(from: start, count: count)
            var entries: [Entry] = []
            entries.reserveCapacity(count)
            try chunk.withUnsafeBytes { raw in
                for index in 0..<count {
                    let entry = try self.checkedEntry(raw, index * IndexFormat.entrySize)
                    if let previous, previous >= entry.key {
                        throw DossierIndexError(.corrupt, "table entries out of order", path: self.path)
                    }
                    previous = entry.key
                    entries.append(entry)
                }
            }
            // The blocks of consecutive entries are consecutive: read them in one go.
            let from = entries.map(\.start).min()!
            let to = entries.map { $0.start + $0.length }.max()!
            let blocks = try self.readPostings(at: from, count: to - from)
            for entry in entries {
                let offsets = try blocks.withUnsafeBytes { raw in
                    let start = entry.start - from
                    return try self.decode(
                        UnsafeRawBufferPointer(rebasing: raw[start..<(start + entry.length)]), key: entry.key)
                }
                try body(entry.key, offsets)
            }
            start += count
        }
    }

    /// Reads every entry and block once: whether the whole file passes its checks.
    func verify() throws {
        try self.forEachEntry { _, _ in }
        try self.forEachIdentifierEntry { _ in }
    }

    // MARK: Entries and blocks

    struct Entry {
        var key: DossierKey
        var start: Int
        var length: Int
    }

    private func entries(from index: Int, count: Int) throws -> [UInt8] {
        try Self.read(
            self.descriptor, at: self.header.tableOffset + index * IndexFormat.entrySize,
            count: count * IndexFormat.entrySize, path: self.path)
    }

    private func readPostings(at start: Int, count: Int) throws -> [UInt8] {
        try Self.read(self.descriptor, at: self.header.postingsOffset + start, count: count, path: self.path)
    }

    private func checkedEntry(_ raw: UnsafeRawBufferPointer, _ offset: Int) throws -> Entry {
        let bytes = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + IndexFormat.entrySize)])
        guard IndexFormat.entryCheck(bytes) == bytes.loadLE(at: 28) as UInt32 else {
            throw DossierIndexError(.corrupt, "a table entry fails its check", path: self.path)
        }
        let start: UInt64 = bytes.loadLE(at: 16)
        let length = Int(bytes.loadLE(at: 24) as UInt32)
        guard length >= 5, start <= UInt64(self.header.postingsSize),
            Int(start) + length <= self.header.postingsSize
        else {
            throw DossierIndexError(.corrupt, "a table entry points outside the postings", path: self.path)
        }
        return Entry(key: DossierKey.load(from: bytes, at: 0), start: Int(start), length: length)
    }

    private func postings(of entry: Entry) throws -> [Int] {
        let block = try self.readPostings(at: entry.start, count: entry.length)
        return try block.withUnsafeBytes { raw in try self.decode(raw, key: entry.key) }
    }

    /// Checks a postings block and decodes its offsets: strictly increasing, inside the journal
    /// part the index covers.
    private func decode(_ block: UnsafeRawBufferPointer, key: DossierKey) throws -> [Int] {
        let varints = UnsafeRawBufferPointer(rebasing: block[4...])
        guard IndexFormat.blockCheck(key: key, varints: varints) == block.loadLE(at: 0) as UInt32 else {
            throw DossierIndexError(.corrupt, "a postings block fails its check", path: self.path)
        }
        var offsets: [Int] = []
        var cursor = 0
        var value: UInt64 = 0
        while cursor < varints.count {
            guard let delta = Varint.read(varints, &cursor), offsets.isEmpty || delta > 0 else {
                throw DossierIndexError(.corrupt, "a postings block is malformed", path: self.path)
            }
            let (sum, overflow) = value.addingReportingOverflow(delta)
            value = sum
            guard !overflow, value < UInt64(self.header.coveredEnd) else {
                throw DossierIndexError(.corrupt, "a postings block names a unit past the covered end", path: self.path)
            }
            offsets.append(Int(value))
        }
        return offsets
    }

    // MARK: Identifier table

    /// An entry of the identifier table: the unit holding the event that last gave the
    /// identifier of key `key` to the dossier at position `dossier` in the table.
    struct IdentifierEntry: Comparable {
        var key: IdentifierKey
        var unit: Int
        var dossier: Int

        /// The table's order: key, then unit, then dossier.
        static func < (lhs: IdentifierEntry, rhs: IdentifierEntry) -> Bool {
            (lhs.key, lhs.unit, lhs.dossier) < (rhs.key, rhs.unit, rhs.dossier)
        }
    }

    /// The dossiers the identifier table names for `key`, each with the unit that holds the event
    /// that last gave them the identifier, in table order (unit, then dossier); `[]` if none.
    ///
    /// A lookup binary-searches the table in place, then reads on from where the key starts.
    /// - Throws: ``DossierIndexError/Code/corrupt`` when an entry read on the way, or the table
    ///   entry of a dossier named, fails its check, or entries are out of order.
    func holdings(of key: IdentifierKey) throws -> [(unit: Int, dossier: DossierKey)] {
        let count = self.header.identifierEntries
        var low = 0
        var high = count
        // Binary search entry by entry while the range is wide: the first entry of `key`, if
        // any, is then at an index in low...high.
        while high - low > 64 {
            let middle = (low + high) / 2
            let entry = try self.identifierEntries(from: middle, count: 1)[0]
            if entry.key < key { low = middle + 1 } else { high = middle }
        }
        var matches: [IdentifierEntry] = []
        var previous: IdentifierEntry?
        var position = low
        var batch = high - low + 8
        reading: while position < count {
            let entries = try self.identifierEntries(from: position, count: min(batch, count - position))
            for entry in entries {
                if let previous, !(previous < entry) {
                    throw DossierIndexError(.corrupt, "identifier entries out of order", path: self.path)
                }
                previous = entry
                if entry.key > key { break reading }
                if entry.key == key { matches.append(entry) }
            }
            position += entries.count
            batch = 64
        }
        return try matches.map { ($0.unit, try self.dossierKey(at: $0.dossier)) }
    }

    /// Calls `body` with every entry of the identifier table, in order, checking each, their
    /// order, and the number of distinct keys against the header.
    func forEachIdentifierEntry(_ body: (IdentifierEntry) throws -> Void) throws {
        let batch = 4096
        var previous: IdentifierEntry?
        var distinct = 0
        var start = 0
        while start < self.header.identifierEntries {
            let entries = try self.identifierEntries(
                from: start, count: min(batch, self.header.identifierEntries - start))
            for entry in entries {
                if let previous, !(previous < entry) {
                    throw DossierIndexError(.corrupt, "identifier entries out of order", path: self.path)
                }
                if previous?.key != entry.key { distinct += 1 }
                previous = entry
                try body(entry)
            }
            start += entries.count
        }
        guard distinct == self.header.identifiers else {
            throw DossierIndexError(
                .corrupt,
                "the identifier table holds \(distinct) identifiers, its header says \(self.header.identifiers)",
                path: self.path)
        }
    }

    /// The key of the dossier at `position` in the table, its entry checked.
    private func dossierKey(at position: Int) throws -> DossierKey {
        let entry = try self.entries(from: position, count: 1)
        return try entry.withUnsafeBytes { raw in try self.checkedEntry(raw, 0) }.key
    }

    /// `count` identifier entries from `index`, each checked: its check, a unit below the
    /// covered end, a dossier in the table.
    private func identifierEntries(from index: Int, count: Int) throws -> [IdentifierEntry] {
        let size = IndexFormat.identifierEntrySize
        let bytes = try Self.read(
            self.descriptor, at: self.header.identifiersOffset + index * size, count: count * size, path: self.path)
        return try bytes.withUnsafeBytes { raw in
            try (0..<count).map { index in
                let entry = UnsafeRawBufferPointer(rebasing: raw[(index * size)..<((index + 1) * size)])
                guard IndexFormat.identifierEntryCheck(entry) == entry.loadLE(at: 28) as UInt32 else {
                    throw DossierIndexError(.corrupt, "an identifier entry fails its check", path: self.path)
                }
                let unit: UInt64 = entry.loadLE(at: 16)
                let dossier = Int(entry.loadLE(at: 24) as UInt32)
                guard unit < UInt64(self.header.coveredEnd), dossier < self.header.dossiers else {
                    throw DossierIndexError(
                        .corrupt, "an identifier entry names a unit past the covered end or no dossier",
                        path: self.path)
                }
                return IdentifierEntry(key: IdentifierKey.load(from: entry, at: 0), unit: Int(unit), dossier: dossier)
            }
        }
    }

    // MARK: I/O

    /// Exactly `count` bytes at `offset`.
    static func read(_ descriptor: Int32, at offset: Int, count: Int, path: String) throws -> [UInt8] {
        let bytes = try readAvailable(descriptor, at: offset, count: count, failure: "cannot read", path: path)
        guard bytes.count == count else {
            throw DossierIndexError(
                .corrupt, "the file ends at \(offset + bytes.count) bytes while reading it", path: path)
        }
        return bytes
    }
}

/// Reads a few bytes of the journal at unit boundaries the reader has already checked: where a
/// batch starts when checkpoints precede it, and a batch's `unitStart` from its seal. Buffered in
/// chunks, for the sequential reads of a build.
final class JournalPeek {
    private let descriptor: Int32
    private let path: String
    private let chunk: Int
    private var buffer: [UInt8] = []
    private var base = 0

    init(path: String, chunk: Int) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw DossierIndexError(.io, "cannot open the journal: \(String(cString: strerror(errno)))", path: path)
        }
        self.descriptor = descriptor
        self.path = path
        self.chunk = chunk
    }

    deinit {
        close(self.descriptor)
    }

    /// The `count` bytes at `offset` (which the journal holds).
    private func bytes(at offset: Int, count: Int) throws -> ArraySlice<UInt8> {
        if offset < self.base || offset + count > self.base + self.buffer.count {
            self.base = offset
            self.buffer = try readAvailable(
                self.descriptor, at: offset, count: max(count, self.chunk), failure: "cannot read the journal", path: nil)
            guard self.buffer.count >= count else {
                throw DossierIndexError(.io, "the journal ends at byte \(offset + self.buffer.count)", path: self.path)
            }
        }
        return self.buffer[(offset - self.base)..<(offset - self.base + count)]
    }

    /// Where the batch read last starts, given the end of the unit before it: past the
    /// checkpoints (196-byte units that start with their 12-byte prefix) between them.
    func batchStart(after offset: Int, end: Int) throws -> Int {
        let prefix: [UInt8] = [0x5D, 0x2A, 0x4D, 0x18, 0xBC, 0x00, 0x00, 0x00, 0x44, 0x4D, 0x4A, 0x43]
        var position = offset
        while position + 196 < end, try self.bytes(at: position, count: 12).elementsEqual(prefix) {
            position += 196
        }
        return position
    }

    /// The `unitStart` field of the seal that ends at `end`.
    func sealedStart(ofUnitEndingAt end: Int) throws -> Int {
        let field = try self.bytes(at: end - 72 + 12, count: 8)
        return Int(truncatingIfNeeded: field.withUnsafeBytes { $0.loadLE(at: 0) as UInt64 })
    }

}

/// The bytes at `offset`, `count` of them or fewer where the file ends; `pread` retried on
/// `EINTR` and on short reads. An I/O error is thrown as `failure: <reason>`.
func readAvailable(_ descriptor: Int32, at offset: Int, count: Int, failure: String, path: String?) throws -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
        let result = bytes.withUnsafeMutableBytes { buffer in
            pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
        }
        if result < 0 && errno == EINTR { continue }
        guard result >= 0 else {
            throw DossierIndexError(.io, "\(failure): \(String(cString: strerror(errno)))", path: path)
        }
        if result == 0 { break }
        done += result
    }
    bytes.removeLast(count - done)
    return bytes
}
