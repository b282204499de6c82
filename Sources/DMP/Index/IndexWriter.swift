#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Serialises an index (a saved file merged with the postings scanned since) and replaces the
/// file atomically.
enum IndexWriter {
    /// The areas after the header.
    struct Encoded {
        var table: [UInt8] = []
        var postings: [UInt8] = []
        var identifierTable: [UInt8] = []
        /// Dossiers in the table.
        var dossiers: Int { self.table.count / IndexFormat.entrySize }
        /// Entries of the identifier table.
        var identifierEntries: Int { self.identifierTable.count / IndexFormat.identifierEntrySize }
        /// Distinct identifiers (keys) in the identifier table.
        var identifiers = 0
    }

    /// The bytes of the table, the postings area and the identifier table, from `saved` (if
    /// any) and `tail` with its `identifiers`, whose units all come after those of `saved`.
    static func encode(
        saved: IndexFile?, tail: PostingsTable, identifiers: IdentifierTable = .empty
    ) throws -> Encoded {
        precondition(identifiers.isFinished, "finish() the identifier table first")
        var encoded = Encoded()
        encoded.table.reserveCapacity(((saved?.header.dossiers ?? 0) + tail.count) * IndexFormat.entrySize)
        var varints: [UInt8] = []
        /// Appends a dossier; returns its position in the table.
        func append(_ key: DossierKey, _ offsets: [Int]) -> Int32 {
            varints.removeAll(keepingCapacity: true)
            var previous = 0
            for offset in offsets {
                Varint.append(UInt64(offset - previous), to: &varints)
                previous = offset
            }
            let start = encoded.postings.count
            let check = varints.withUnsafeBytes { IndexFormat.blockCheck(key: key, varints: $0) }
            encoded.postings.appendLE(check)
            encoded.postings.append(contentsOf: varints)
            let entryStart = encoded.table.count
            key.append(to: &encoded.table)
            encoded.table.appendLE(UInt64(start))
            encoded.table.appendLE(UInt32(encoded.postings.count - start))
            let entryCheck = encoded.table.withUnsafeBytes {
                IndexFormat.entryCheck(UnsafeRawBufferPointer(rebasing: $0[entryStart..<(entryStart + 28)]))
            }
            encoded.table.appendLE(entryCheck)
            return Int32(truncatingIfNeeded: entryStart / IndexFormat.entrySize)
        }
        // The position in the new table of each dossier of `saved` and of `tail`.
        var savedPositions: [Int32] = []
        savedPositions.reserveCapacity(saved?.header.dossiers ?? 0)
        var tailPositions = [Int32](repeating: -1, count: tail.count)
        let ordinals = tail.sortedOrdinals()
        var next = 0  // in `ordinals`
        func flushTail(before key: DossierKey?) {
            while next < ordinals.count, key.map({ tail.keys[ordinals[next]] < $0 }) ?? true {
                tailPositions[ordinals[next]] = append(tail.keys[ordinals[next]], tail.offsets(ordinal: ordinals[next]))
                next += 1
            }
        }
        try saved?.forEachEntry { key, offsets in
            flushTail(before: key)
            if next < ordinals.count, tail.keys[ordinals[next]] == key {
                let position = append(key, offsets + tail.offsets(ordinal: ordinals[next]))
                tailPositions[ordinals[next]] = position
                savedPositions.append(position)
                next += 1
            } else {
                savedPositions.append(append(key, offsets))
            }
        }
        flushTail(before: nil)
        try Self.encodeIdentifiers(
            saved: saved, savedPositions: savedPositions, tail: tail, tailPositions: tailPositions,
            identifiers: identifiers, into: &encoded)
        return encoded
    }

    /// One entry of the identifier table, the dossier given by its position in the new table.
    private struct Holding: Comparable {
        var key: IdentifierKey
        var unit: Int
        var dossier: Int32

        static func < (lhs: Holding, rhs: Holding) -> Bool {
            (lhs.key, lhs.unit, lhs.dossier) < (rhs.key, rhs.unit, rhs.dossier)
        }
    }

    /// Merges the identifier table of `saved` with the holdings of `tail`: for each
    /// (identifier, dossier), the last unit, which is the tail's when it has one.
    private static func encodeIdentifiers(
        saved: IndexFile?, savedPositions: [Int32], tail: PostingsTable, tailPositions: [Int32],
        identifiers: IdentifierTable, into encoded: inout Encoded
    ) throws {
        struct Pair: Hashable {
            var key: IdentifierKey
            var dossier: Int32
        }
        let fresh = identifiers.holdings.map {
            Holding(key: $0.key, unit: tail.unitOffsets[Int($0.unit)], dossier: tailPositions[Int($0.dossier)])
        }.sorted(by: <)
        let superseded = Set(fresh.map { Pair(key: $0.key, dossier: $0.dossier) })
        encoded.identifierTable.reserveCapacity(
            ((saved?.header.identifierEntries ?? 0) + fresh.count) * IndexFormat.identifierEntrySize)
        var lastKey: IdentifierKey?
        func append(_ holding: Holding) {
            if holding.key != lastKey {
                encoded.identifiers += 1
                lastKey = holding.key
            }
            let start = encoded.identifierTable.count
            holding.key.append(to: &encoded.identifierTable)
            encoded.identifierTable.appendLE(UInt64(holding.unit))
            encoded.identifierTable.appendLE(UInt32(bitPattern: holding.dossier))
            let check = encoded.identifierTable.withUnsafeBytes {
                IndexFormat.identifierEntryCheck(UnsafeRawBufferPointer(rebasing: $0[start..<(start + 28)]))
            }
            encoded.identifierTable.appendLE(check)
        }
        var next = 0  // in `fresh`
        try saved?.forEachIdentifierEntry { entry in
            let holding = Holding(key: entry.key, unit: entry.unit, dossier: savedPositions[entry.dossier])
            guard !superseded.contains(Pair(key: holding.key, dossier: holding.dossier)) else { return }
            while next < fresh.count, fresh[next] < holding {
                append(fresh[next])
                next += 1
            }
            append(holding)
        }
        while next < fresh.count {
            append(fresh[next])
            next += 1
        }
    }

    /// Writes `parts` to `path` atomically: a temporary file in the same directory, written,
    /// synced, renamed over `path`, then the directory synced.
    static func write(_ parts: [[UInt8]], to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        Temporaries.removeAbandoned(in: directory, named: (path.split(separator: "/").last.map(String.init) ?? path) + ".tmp-")
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func failure(_ what: String) -> DossierIndexError {
            DossierIndexError(.io, "cannot \(what): \(String(cString: strerror(errno)))", path: path)
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("create a temporary file beside the index") }
        var done = false
        defer {
            if !done { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            for part in parts {
                try part.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let written = systemWrite(descriptor, raw.baseAddress! + offset, raw.count - offset)
                        if written < 0 && errno == EINTR { continue }
                        guard written > 0 else { throw failure("write") }
                        offset += written
                    }
                }
            }
            guard fsync(descriptor) == 0 else { throw failure("sync") }
        }
        guard rename(temporary, path) == 0 else { throw failure("rename the temporary file") }
        done = true
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}

/// `write(2)`, outside the enum whose method is named `write`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
