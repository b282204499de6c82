#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Temporary files written before an atomic rename, named `<final name>.tmp-<pid>-<random>`.
enum Temporaries {
    /// Removes the temporary files a crash left in `directory`: those whose name starts with
    /// `prefix` (or contains `.tmp-` when `prefix` is `nil`) and whose process no longer runs.
    /// Those of a live process, a write in progress, are left alone. Best effort: errors are
    /// ignored.
    static func removeAbandoned(in directory: String, named prefix: String?) {
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            let rest: Substring
            if let prefix {
                guard name.hasPrefix(prefix) else { continue }
                rest = name.dropFirst(prefix.count)
            } else {
                guard let range = name.range(of: ".tmp-") else { continue }
                rest = name[range.upperBound...]
            }
            guard let pid = Int32(rest.prefix { $0 != "-" }) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink(directory + "/" + name)
            }
        }
    }
}
