/// A sliding window over a file, for front-to-back parsing with bounded memory.
///
/// `bytes(at:count:)` returns a pointer into the window's buffer that stays valid until the next
/// call. The buffer grows to the largest range asked for (bounded by the format's frame limits),
/// never to the size of the file.
final class FileWindow {
    private let handle: SystemFile
    private var buffer: UnsafeMutableRawBufferPointer
    private var base = 0
    private var valid = 0
    private let chunk: Int
    /// How much to read past what is asked: `chunk` while reading front to back; small after a
    /// jump (``expectRandomAccess()``), doubling back to `chunk` as reads continue in order.
    private var readAhead: Int
    /// The smallest read-ahead, after a jump.
    private static let minimumReadAhead = 64 << 10
    /// The file size the window reads up to; ``refreshSize()`` updates it.
    private(set) var fileSize: Int

    var path: String { self.handle.path }

    init(path: String, system: SystemCalls = .live, chunk: Int = 4 << 20) throws(JournalError) {
        self.handle = try SystemFile.open(path, flags: O_RDONLY_FLAG, system: system)
        self.chunk = chunk
        self.readAhead = chunk
        self.buffer = .allocate(byteCount: chunk, alignment: 16)
        self.fileSize = try self.handle.size()
    }

    deinit {
        self.buffer.deallocate()
    }

    /// Re-reads the file size (a writer may have appended or recovery may have cut).
    @discardableResult
    func refreshSize() throws(JournalError) -> Int {
        let size = try self.handle.size()
        if size < self.fileSize {
            // The file shrank (a recovery cut a tail): forget cached bytes past the new end.
            self.valid = max(0, min(self.valid, size - self.base))
        }
        self.fileSize = size
        return size
    }

    /// The `count` bytes at `offset`, or `nil` if the file ends before `offset + count`.
    func bytes(at offset: Int, count: Int) throws(JournalError) -> UnsafeRawBufferPointer? {
        precondition(offset >= 0 && count >= 0)
        guard offset + count <= self.fileSize else { return nil }
        if offset >= self.base && offset + count <= self.base + self.valid {
            return UnsafeRawBufferPointer(rebasing: self.buffer[(offset - self.base)..<(offset - self.base + count)])
        }
        try self.load(offset: offset, count: count)
        return UnsafeRawBufferPointer(rebasing: self.buffer[0..<count])
    }

    /// Whatever bytes exist from `offset` up to `offset + limit` (fewer at the end of the file).
    func available(at offset: Int, limit: Int) throws(JournalError) -> UnsafeRawBufferPointer {
        let count = max(0, min(limit, self.fileSize - offset))
        return try self.bytes(at: offset, count: count) ?? UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// Says the next reads jump around the file (an index lookup): read little past what is asked
    /// until reads go front to back again.
    func expectRandomAccess() {
        self.readAhead = min(self.chunk, Self.minimumReadAhead)
    }

    private func load(offset: Int, count: Int) throws(JournalError) {
        if offset >= self.base && offset <= self.base + self.valid && self.readAhead < self.chunk {
            // Reading on in order: read further ahead each time.
            self.readAhead = min(self.chunk, self.readAhead * 2)
        }
        let want = min(max(count, self.readAhead), self.fileSize - offset)
        if want > self.buffer.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: want, alignment: 16)
            self.buffer.deallocate()
            self.buffer = bigger
            self.valid = 0
        }
        var kept = 0
        if offset >= self.base && offset < self.base + self.valid {
            // Keep the overlapping bytes: move them to the front.
            kept = self.base + self.valid - offset
            let from = UnsafeRawPointer(self.buffer.baseAddress! + (offset - self.base))
            self.buffer.baseAddress!.copyMemory(from: from, byteCount: kept)
        }
        let target = UnsafeMutableRawBufferPointer(rebasing: self.buffer[kept..<want])
        let read = try self.handle.read(into: target, at: offset + kept)
        self.base = offset
        self.valid = kept + read
        guard self.valid >= count else {
            // The file shrank under us.
            self.fileSize = offset + self.valid
            throw JournalError(
                .io, "the file ended at \(self.fileSize) bytes while reading it", path: self.path, offset: offset)
        }
    }

    /// Reads bytes anywhere in the file without disturbing the window (for the backward tail
    /// search).
    func readDetached(at offset: Int, count: Int) throws(JournalError) -> [UInt8] {
        let count = max(0, min(count, self.fileSize - offset))
        var out = [UInt8](repeating: 0, count: count)
        let handle = self.handle
        let read: Int
        do {
            read = try out.withUnsafeMutableBytes { buffer in try handle.read(into: buffer, at: offset) }
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError(.io, "\(error)", path: self.path, offset: offset)
        }
        out.removeLast(count - read)
        return out
    }
}

#if canImport(Glibc)
import Glibc
let O_RDONLY_FLAG = O_RDONLY
#elseif canImport(Musl)
import Musl
let O_RDONLY_FLAG = O_RDONLY
#elseif canImport(Darwin)
import Darwin
let O_RDONLY_FLAG = O_RDONLY
#endif
