#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one seam through which the journal talks to the operating system.
///
/// Every system call the writer and readers make goes through an instance of this type, so that
/// tests can make `pwrite` short, `fdatasync` fail or the disk look full, on purpose. `live` calls
/// the real functions.
package struct SystemCalls: Sendable {
    package var open: @Sendable (_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32
    package var close: @Sendable (_ fd: Int32) -> Int32
    package var pread: @Sendable (_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ offset: off_t) -> Int
    package var pwrite: @Sendable (_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int, _ offset: off_t) -> Int
    package var fdatasync: @Sendable (_ fd: Int32) -> Int32
    package var fsync: @Sendable (_ fd: Int32) -> Int32
    package var ftruncate: @Sendable (_ fd: Int32, _ length: off_t) -> Int32
    package var fileSize: @Sendable (_ fd: Int32) -> Int64
    package var flock: @Sendable (_ fd: Int32, _ operation: Int32) -> Int32
    package var link: @Sendable (_ from: String, _ to: String) -> Int32
    package var unlink: @Sendable (_ path: String) -> Int32

    /// The real system calls.
    package static let live = SystemCalls(
        open: { path, flags, mode in Glibc.open(path, flags, mode) },
        close: { fd in Glibc.close(fd) },
        pread: { fd, buffer, count, offset in Glibc.pread(fd, buffer, count, offset) },
        pwrite: { fd, buffer, count, offset in Glibc.pwrite(fd, buffer, count, offset) },
        fdatasync: { fd in Glibc.fdatasync(fd) },
        fsync: { fd in Glibc.fsync(fd) },
        ftruncate: { fd, length in Glibc.ftruncate(fd, length) },
        fileSize: { fd in
            var info = stat()
            guard Glibc.fstat(fd, &info) == 0 else { return -1 }
            return Int64(info.st_size)
        },
        flock: { fd, operation in Glibc.flock(_:_:)(fd, operation) },
        link: { from, to in Glibc.link(from, to) },
        unlink: { path in Glibc.unlink(path) }
    )
}

/// The last `errno`, read right after a failed call.
@inline(__always)
func lastErrno() -> Int32 { errno }

func errnoText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
}

/// A file descriptor with the journal's error conventions: retries on `EINTR`, loops on short
/// reads and writes, and turns failures into ``JournalError`` values that name the file.
final class SystemFile {
    private(set) var fd: Int32
    let path: String
    let system: SystemCalls

    init(fd: Int32, path: String, system: SystemCalls) {
        self.fd = fd
        self.path = path
        self.system = system
    }

    static func open(
        _ path: String, flags: Int32, mode: mode_t = 0o644, system: SystemCalls
    ) throws(JournalError) -> SystemFile {
        var fd: Int32
        repeat {
            fd = system.open(path, flags | O_CLOEXEC, mode)
        } while fd < 0 && lastErrno() == EINTR
        guard fd >= 0 else {
            let code = lastErrno()
            switch code {
            case ENOENT:
                throw JournalError(.fileNotFound, "no such file", path: path, errno: code)
            case EEXIST:
                throw JournalError(.alreadyExists, "the file already exists", path: path, errno: code)
            case ENOSPC:
                throw JournalError(.diskFull, "cannot create the file: the disk is full", path: path, errno: code)
            default:
                throw JournalError(.io, "cannot open: \(errnoText(code))", path: path, errno: code)
            }
        }
        return SystemFile(fd: fd, path: path, system: system)
    }

    func close() {
        if self.fd >= 0 {
            _ = self.system.close(self.fd)
            self.fd = -1
        }
    }

    deinit {
        self.close()
    }

    func size() throws(JournalError) -> Int {
        let size = self.system.fileSize(self.fd)
        guard size >= 0 else {
            let code = lastErrno()
            throw JournalError(.io, "cannot read the file size: \(errnoText(code))", path: self.path, errno: code)
        }
        return Int(size)
    }

    /// Reads up to `count` bytes at `offset`; returns how many were read (fewer only at the end of
    /// the file).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(JournalError) -> Int {
        var done = 0
        while done < buffer.count {
            let result = self.system.pread(
                self.fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if result < 0 {
                let code = lastErrno()
                if code == EINTR { continue }
                throw JournalError(
                    .io, "cannot read: \(errnoText(code))", path: self.path, offset: offset + done, errno: code)
            }
            if result == 0 { break }
            done += result
        }
        return done
    }

    /// Writes every byte of `buffer` at `offset`, looping over short writes.
    func write(_ buffer: UnsafeRawBufferPointer, at offset: Int) throws(JournalError) {
        var done = 0
        while done < buffer.count {
            let result = self.system.pwrite(
                self.fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if result < 0 {
                let code = lastErrno()
                if code == EINTR { continue }
                if code == ENOSPC || code == EDQUOT {
                    throw JournalError(
                        .diskFull, "cannot write: the disk is full", path: self.path, offset: offset + done,
                        errno: code)
                }
                throw JournalError(
                    .io, "cannot write: \(errnoText(code))", path: self.path, offset: offset + done, errno: code)
            }
            if result == 0 {
                throw JournalError(
                    .io, "cannot write: the system wrote nothing", path: self.path, offset: offset + done)
            }
            done += result
        }
    }

    func dataSync() throws(JournalError) {
        var result: Int32
        repeat {
            result = self.system.fdatasync(self.fd)
        } while result != 0 && lastErrno() == EINTR
        guard result == 0 else {
            let code = lastErrno()
            throw JournalError(
                .syncFailed, "fdatasync failed: \(errnoText(code)); written data may be lost", path: self.path,
                errno: code)
        }
    }

    func fullSync() throws(JournalError) {
        var result: Int32
        repeat {
            result = self.system.fsync(self.fd)
        } while result != 0 && lastErrno() == EINTR
        guard result == 0 else {
            let code = lastErrno()
            throw JournalError(.syncFailed, "fsync failed: \(errnoText(code))", path: self.path, errno: code)
        }
    }

    func truncate(to length: Int) throws(JournalError) {
        var result: Int32
        repeat {
            result = self.system.ftruncate(self.fd, off_t(length))
        } while result != 0 && lastErrno() == EINTR
        guard result == 0 else {
            let code = lastErrno()
            throw JournalError(
                .io, "cannot truncate to \(length) bytes: \(errnoText(code))", path: self.path, errno: code)
        }
    }

    /// Takes the exclusive writer lock without waiting.
    func lockExclusive() throws(JournalError) {
        var result: Int32
        repeat {
            result = self.system.flock(self.fd, LOCK_EX | LOCK_NB)
        } while result != 0 && lastErrno() == EINTR
        guard result == 0 else {
            let code = lastErrno()
            if code == EWOULDBLOCK {
                throw JournalError(
                    .locked, "another writer holds this journal's lock (one writer per journal)", path: self.path,
                    errno: code)
            }
            throw JournalError(.io, "cannot lock: \(errnoText(code))", path: self.path, errno: code)
        }
    }
}

/// Makes a directory entry change (a created or renamed file) durable.
func syncDirectory(of path: String, system: SystemCalls) throws(JournalError) {
    let directory = parentDirectory(of: path)
    let handle = try SystemFile.open(directory, flags: O_RDONLY | O_DIRECTORY, system: system)
    try handle.fullSync()
}

func parentDirectory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
}
