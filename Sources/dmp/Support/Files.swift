import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small file helpers: whole-file reads and key files.
enum Files {
    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// The size of a file, or `nil` if it cannot be read.
    static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// The bytes of a (small) file.
    /// - Throws: ``ToolError`` with status 2 when the file is missing or unreadable.
    static func contents(of path: String) throws(ToolError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ToolError.usage("\(path): \(errno == ENOENT ? "no such file" : String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw ToolError.usage("\(path): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// Writes a file whole (created or truncated) with the given mode, and syncs it.
    static func store(_ bytes: [UInt8], to path: String, mode: mode_t) throws(ToolError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw ToolError.usage("\(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        // An existing file keeps its mode through O_CREAT: set it.
        fchmod(descriptor, mode)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw ToolError.usage("\(path): \(String(cString: strerror(errno)))") }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw ToolError.usage("\(path): \(String(cString: strerror(errno)))") }
    }

    /// Creates a directory and its parents if missing.
    static func makeDirectory(_ path: String) throws(ToolError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw ToolError.usage("cannot create \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Removes a file if it exists.
    static func remove(_ path: String) {
        unlink(path)
    }
}

/// Ed25519 key files: the 32 raw bytes of the key as 64 hexadecimal characters and a newline.
///
/// `dmp demo` writes `journal.key` (the private key, mode 0600) and `journal.pub` (the public
/// key) beside the journal; `dmp verify --public-key journal.pub` checks checkpoint signatures
/// with it. A public-key file may hold several keys, one a line.
enum KeyFile {
    /// Writes a key pair: `<base>.key` (private, mode 0600) and `<base>.pub` (public, mode 0644).
    static func write(
        _ key: Curve25519.Signing.PrivateKey, privatePath: String, publicPath: String
    )
        throws(ToolError)
    {
        try Files.store(Array((hex(Array(key.rawRepresentation)) + "\n").utf8), to: privatePath, mode: 0o600)
        try Files.store(Array((hex(Array(key.publicKey.rawRepresentation)) + "\n").utf8), to: publicPath, mode: 0o644)
    }

    /// Reads the public keys of a file (one a line, 64 hexadecimal characters each).
    static func readPublicKeys(_ path: String) throws(ToolError) -> [Curve25519.Signing.PublicKey] {
        let lines = try self.hexLines(path)
        var keys: [Curve25519.Signing.PublicKey] = []
        for (number, bytes) in lines {
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else {
                throw ToolError.usage("\(path), line \(number): not an Ed25519 public key")
            }
            keys.append(key)
        }
        return keys
    }

    /// Reads a private key (64 hexadecimal characters).
    static func readPrivateKey(_ path: String) throws(ToolError) -> Curve25519.Signing.PrivateKey {
        let lines = try self.hexLines(path)
        guard lines.count == 1, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: lines[0].1) else {
            throw ToolError.usage("\(path): expected one Ed25519 private key as 64 hexadecimal characters")
        }
        return key
    }

    private static func hexLines(_ path: String) throws(ToolError) -> [(Int, [UInt8])] {
        let text = String(decoding: try Files.contents(of: path), as: UTF8.self)
        var result: [(Int, [UInt8])] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = String(line).trimmed()
            if trimmed.isEmpty { continue }
            guard let bytes = unhex(trimmed), bytes.count == 32 else {
                throw ToolError.usage(
                    "\(path), line \(index + 1): expected a key as 64 hexadecimal characters, found \(trimmed.count) "
                        + "characters")
            }
            result.append((index + 1, bytes))
        }
        guard !result.isEmpty else { throw ToolError.usage("\(path): no key in the file") }
        return result
    }
}

/// Lowercase hexadecimal.
func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// The bytes of a hexadecimal string, or `nil`.
func unhex(_ text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }
    var bytes: [UInt8] = []
    var index = 0
    while index < utf8.count {
        guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
        bytes.append(high << 4 | low)
        index += 2
    }
    return bytes
}
