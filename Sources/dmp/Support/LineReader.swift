#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from a file descriptor in bounded memory (one line and one chunk at a time).
///
/// A line ends with `\n`; a `\r` before it is dropped; the last line may lack its `\n`.
final class LineReader {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    /// Opens `path`, or standard input for `-`.
    /// - Throws: ``ToolError`` (status 2) when the file cannot be opened.
    init(path: String) throws(ToolError) {
        if path == "-" {
            self.descriptor = 0
            self.ownsDescriptor = false
        } else {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw ToolError.usage("\(path): \(errno == ENOENT ? "no such file" : String(cString: strerror(errno)))")
            }
            self.descriptor = descriptor
            self.ownsDescriptor = true
        }
    }

    deinit {
        if self.ownsDescriptor { close(self.descriptor) }
    }

    /// The next line without its end, or `nil` at the end of the input.
    func next() throws(ToolError) -> [UInt8]? {
        while true {
            if let newline = self.buffer[self.start...].firstIndex(of: 0x0A) {
                var end = newline
                if end > self.start && self.buffer[end - 1] == 0x0D { end -= 1 }
                let line = Array(self.buffer[self.start..<end])
                self.start = newline + 1
                return line
            }
            if self.atEnd {
                guard self.start < self.buffer.count else { return nil }
                let line = Array(self.buffer[self.start...])
                self.start = self.buffer.count
                return line
            }
            if self.start > 0 {
                self.buffer.removeFirst(self.start)
                self.start = 0
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { read(self.descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ToolError.usage("cannot read the commands: \(String(cString: strerror(errno)))")
            }
            if count == 0 {
                self.atEnd = true
            } else {
                self.buffer.append(contentsOf: chunk[0..<count])
            }
        }
    }
}
