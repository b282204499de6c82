import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// Document bodies, outside the journal, in a content-addressed directory beside it: each body is
/// a file named by the SHA-256 of its bytes, checked against that hash whenever it is read.
public struct BodyStore: Sendable {
    /// The directory holding the bodies.
    public let directory: String

    /// The body directory of a journal: `<journal>.bodies`.
    public init(journalPath: String) {
        self.directory = journalPath + ".bodies"
    }

    /// Stores a body (atomically: temporary file, sync, rename, sync directory) and returns its
    /// SHA-256 in lowercase hexadecimal. Storing the same bytes twice is a no-op.
    public func put(_ bytes: [UInt8]) throws(DomainError) -> String {
        let digest = Self.sha256(bytes)
        let path = self.directory + "/" + digest
        if access(path, F_OK) == 0 { return digest }
        if mkdir(self.directory, 0o755) != 0 && errno != EEXIST {
            throw DomainError(.storageFailed, "cannot create \(self.directory): errno \(errno)")
        }
        // Unique per call: two tasks storing the same body at once must not share a file.
        let temporary = path + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DomainError(.storageFailed, "cannot create \(temporary): errno \(errno)") }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                close(fd)
                unlink(temporary)
                throw DomainError(.storageFailed, "cannot write \(temporary): errno \(errno)")
            }
            written += result
        }
        guard fsync(fd) == 0 else {
            close(fd)
            unlink(temporary)
            throw DomainError(.storageFailed, "cannot sync \(temporary): errno \(errno)")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw DomainError(.storageFailed, "cannot rename \(temporary): errno \(errno)")
        }
        let directoryFD = open(self.directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
        return digest
    }

    /// Removes the temporary files of bodies whose writing a crash interrupted (the store does
    /// this when it opens).
    func removeAbandonedTemporaries() {
        Temporaries.removeAbandoned(in: self.directory, named: nil)
    }

    /// Reads a body and checks it against its SHA-256.
    /// - Throws: ``DomainError/Code/notFound`` if absent; ``DomainError/Code/storageFailed`` if
    ///   the bytes do not match the hash (the body was altered or damaged).
    public func get(_ sha256: String) throws(DomainError) -> [UInt8] {
        let path = self.directory + "/" + sha256
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DomainError(.notFound, "no body with SHA-256 \(sha256)") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw DomainError(.storageFailed, "cannot read \(path): errno \(errno)") }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        guard Self.sha256(bytes) == sha256 else {
            throw DomainError(.storageFailed, "the body \(path) does not match its SHA-256: altered or damaged")
        }
        return bytes
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}
