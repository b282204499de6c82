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
    /// The bytes of the table and the postings area, from `saved` (if any) and `tail`, whose units
    /// all come after those of `saved`.
    static func encode(saved: IndexFile?, tail: PostingsTable) throws -> (table: [UInt8], postings: [UInt8]) {
        var table: [UInt8] = []
        var postings: [UInt8] = []
        table.reserveCapacity(((saved?.header.dossiers ?? 0) + tail.count) * IndexFormat.entrySize)
        var varints: [UInt8] = []
        func append(_ key: DossierKey, _ offsets: [Int]) {
            varints.removeAll(keepingCapacity: true)
            var previous = 0
            for offset in offsets {
                Varint.append(UInt64(offset - previous), to: &varints)
                previous = offset
            }
            let start = postings.count
            let check = varints.withUnsafeBytes { IndexFormat.blockCheck(key: key, varints: $0) }
            postings.appendLE(check)
            postings.append(contentsOf: varints)
            let entryStart = table.count
            key.append(to: &table)
            table.appendLE(UInt64(start))
            table.appendLE(UInt32(postings.count - start))
            let entryCheck = table.withUnsafeBytes {
                IndexFormat.entryCheck(UnsafeRawBufferPointer(rebasing: $0[entryStart..<(entryStart + 28)]))
            }
            table.appendLE(entryCheck)
        }
        let ordinals = tail.sortedOrdinals()
        var next = 0  // in `ordinals`
        func flushTail(before key: DossierKey?) {
            while next < ordinals.count, key.map({ tail.keys[ordinals[next]] < $0 }) ?? true {
                append(tail.keys[ordinals[next]], tail.offsets(ordinal: ordinals[next]))
                next += 1
            }
        }
        try saved?.forEachEntry { key, offsets in
            flushTail(before: key)
            if next < ordinals.count, tail.keys[ordinals[next]] == key {
                append(key, offsets + tail.offsets(ordinal: ordinals[next]))
                next += 1
            } else {
                append(key, offsets)
            }
        }
        flushTail(before: nil)
        return (table, postings)
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
