#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writing to a file descriptor (stdout by default), so that streaming millions of
/// records costs one system call per 64 KiB rather than one per line.
///
/// ```swift
/// let out = Output.standard
/// out.write("hello\n")
/// out.flush()
/// ```
final class Output {
    /// Standard output.
    nonisolated(unsafe) static let standard = Output(descriptor: 1)
    /// Standard error (unbuffered in effect: flushed after every write).
    nonisolated(unsafe) static let error = Output(descriptor: 2, autoflush: true)

    private let descriptor: Int32
    private let autoflush: Bool
    private var buffer: [UInt8] = []
    private let capacity = 1 << 16

    init(descriptor: Int32, autoflush: Bool = false) {
        self.descriptor = descriptor
        self.autoflush = autoflush
        self.buffer.reserveCapacity(self.capacity)
    }

    /// Whether the descriptor is a terminal.
    var isTerminal: Bool { isatty(self.descriptor) == 1 }

    /// Appends text.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { self.write(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Appends bytes.
    func write(bytes: UnsafeRawBufferPointer) {
        if self.buffer.count + bytes.count > self.capacity { self.flush() }
        if bytes.count > self.capacity {
            self.writeAll(bytes)
        } else {
            self.buffer.append(contentsOf: bytes)
        }
        if self.autoflush { self.flush() }
    }

    /// Appends bytes.
    func write(bytes: [UInt8]) {
        bytes.withUnsafeBytes { self.write(bytes: $0) }
    }

    /// Appends one byte.
    func write(byte: UInt8) {
        if self.buffer.count + 1 > self.capacity { self.flush() }
        self.buffer.append(byte)
        if self.autoflush { self.flush() }
    }

    /// Writes what is buffered.
    func flush() {
        guard !self.buffer.isEmpty else { return }
        self.buffer.withUnsafeBytes { self.writeAll($0) }
        self.buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let written = writeDescriptor(self.descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                // The reader went away (EPIPE) or the disk is full: nothing more can be said.
                exit(errno == EPIPE ? 0 : 2)
            }
            offset += written
        }
    }
}

/// `write(2)`, outside the class whose methods are named `write`.
private func writeDescriptor(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// Writes a line to standard error.
func warn(_ text: String) {
    Output.standard.flush()
    Output.error.write(text + "\n")
}

/// Ends the process with `status`, once stdout is flushed.
func terminate(_ status: Int32) -> Never {
    Output.standard.flush()
    exit(status)
}
