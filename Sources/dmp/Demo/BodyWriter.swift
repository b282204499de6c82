import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes document bodies into a ``DMP/BodyStore`` directory (each body a file named by its
/// SHA-256), on a background queue and without a sync per file; ``finish()`` syncs once.
///
/// `BodyStore.put` syncs every body (two `fsync`s, several milliseconds each on a virtual disk),
/// which is right for a live service and far too slow for a bulk import of thousands of bodies
/// that can be redone: the demo writes the same layout in bulk and syncs at the end.
final class BodyWriter: Sendable {
    /// The body directory (`<journal>.bodies`).
    let directory: String
    private let queue = DispatchQueue(label: "dmp-demo.bodies")

    init(directory: String) throws(ToolError) {
        self.directory = directory
        try Files.makeDirectory(directory)
    }

    /// Queues a body for writing.
    func put(_ bytes: [UInt8], sha256: String) {
        let path = self.directory + "/" + sha256
        self.queue.async {
            let temporary = path + ".tmp"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { return }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { break }
                offset += written
            }
            close(descriptor)
            if offset == bytes.count { rename(temporary, path) } else { unlink(temporary) }
        }
    }

    /// Waits for the queued writes and makes them durable (one `sync` for all of them).
    func finish() {
        self.queue.sync {}
        sync()
    }
}
