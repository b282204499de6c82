import CLZ4Baseline
import Crypto
import DMPJournal
import Foundation

/// The physical limit of verification on this machine: the same work the format requires —
/// one chained SHA-256 over every stored byte of each unit, and LZ4 decompression of every data
/// frame — on bytes already in memory, with no parsing checks, no seal fields, no record counts
/// and no I/O. A lower bound no verifier can beat without changing the format.
///
/// `@unchecked Sendable`: the file bytes are immutable; the output buffer is scratch space, and
/// one benchmark uses one instance from one task at a time.
public final class PhysicalLimit: @unchecked Sendable {
    /// The journal file, read whole into memory once.
    public let file: [UInt8]
    private let output: UnsafeMutableRawBufferPointer

    public init(path: String) throws {
        self.file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        self.output = .allocate(byteCount: 4 << 20, alignment: 16)
    }

    deinit { self.output.deallocate() }

    public struct Totals: Sendable {
        public var units = 0
        public var compressedBytes = 0
        public var contentBytes = 0
        public var checksum: UInt8 = 0
    }

    /// Walks the units; hashes and/or decompresses as asked.
    public func run(hash: Bool = true, decompress: Bool = true) -> Totals {
        var totals = Totals()
        let output = self.output
        self.file.withUnsafeBytes { file in
            func u32(_ at: Int) -> UInt32 { file.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian }
            let headerEnd = 8 + Int(u32(4))
            var chain = Array(file[(headerEnd - 32)..<headerEnd])  // the genesis value
            var position = headerEnd
            while position < file.count {
                let start = position
                if u32(position) == 0x184D_2204 {
                    // LZ4 frame with FLG 0x68 (content size, no checksums): 15-byte descriptor.
                    var offset = position + 15
                    var produced = 0
                    while true {
                        let word = u32(offset)
                        offset += 4
                        if word == 0 { break }
                        let size = Int(word & 0x7FFF_FFFF)
                        if decompress {
                            if word & 0x8000_0000 != 0 {
                                (output.baseAddress!).copyMemory(from: file.baseAddress! + offset, byteCount: size)
                                produced += size
                            } else {
                                let n = LZ4_decompress_safe(
                                    (file.baseAddress! + offset).assumingMemoryBound(to: CChar.self),
                                    output.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(size),
                                    Int32(output.count))
                                precondition(n > 0, "LZ4 block does not decompress")
                                produced += Int(n)
                            }
                            totals.checksum &+= output[0]
                        }
                        offset += size
                    }
                    totals.compressedBytes += offset - position
                    totals.contentBytes += produced
                    position = offset + 72  // the seal
                } else {
                    position += 8 + Int(u32(position + 4))  // a checkpoint
                }
                if hash {
                    var hasher = SHA256()
                    hasher.update(data: chain)
                    hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: file[start..<(position - 32)]))
                    chain = Array(hasher.finalize())  // one small allocation per unit (~1,000 units)
                }
                totals.units += 1
            }
            totals.checksum &+= chain[0]
        }
        return totals
    }
}

/// What the naive design costs: a SHA-256 chain over each record, `h = SHA256(h ‖ record)`.
public enum PerRecordChain {
    public static func run(_ arena: RecordArena) -> SHA256.Digest {
        var chain = SHA256.hash(data: [UInt8]())
        arena.bytes.withUnsafeBytes { bytes in
            var start = 0
            for end in arena.ends {
                var hasher = SHA256()
                chain.withUnsafeBytes { hasher.update(bufferPointer: $0) }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                chain = hasher.finalize()
                start = end
            }
        }
        return chain
    }
}

/// The journal operations measured, written as a user would write them.
public enum JournalOps {
    /// Verifies the whole journal (chain, frames, seals, decompression, record counts,
    /// checkpoint signatures). Returns the number of records.
    public static func verify(_ path: String) throws -> UInt64 {
        let report = try JournalVerifier(publicKeys: [FixtureKey.privateKey.publicKey]).verify(path: path)
        precondition(report.isValid, "fixture does not verify: \(report.failure!)")
        return report.records
    }

    /// Reads every record with `nextBatch` (no copy per record). Returns `(records, bytes)`.
    public static func readAll(_ path: String) throws -> (records: Int, bytes: Int) {
        let reader = try JournalReader(path: path)
        var records = 0
        var bytes = 0
        while try reader.nextBatch({ _, _, record in
            records += 1
            bytes += record.count + Int(record[record.count - 1]) & 1
        }) {}
        return (records, bytes)
    }

    /// The bytes a journal would take with the same batches in data frames of format version 1
    /// (no dictionary), everything else equal: the baseline of the dictionary's gain. Each batch
    /// becomes one LZ4 block (batches are at most 1 MiB, blocks up to 4 MiB), stored if it does
    /// not shrink: a 15-byte descriptor, a 4-byte block header, the block and the end mark.
    /// `report` is the journal's verification report (its file and data-frame sizes).
    public static func sizeWithoutDictionary(_ path: String, report: VerificationReport) throws -> Int {
        let reader = try JournalReader(path: path)
        var content: [UInt8] = []
        var compressed = [UInt8](repeating: 0, count: Int(LZ4_compressBound(Int32(1 << 22))))
        var frames = 0
        func flush() {
            guard !content.isEmpty else { return }
            if compressed.count < Int(LZ4_compressBound(Int32(content.count))) {
                compressed = [UInt8](repeating: 0, count: Int(LZ4_compressBound(Int32(content.count))))
            }
            let size = content.withUnsafeBytes { source in
                compressed.withUnsafeMutableBytes { target in
                    LZ4_compress_default(
                        source.baseAddress!.assumingMemoryBound(to: CChar.self),
                        target.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(source.count), Int32(target.count))
                }
            }
            frames += 15 + 4 + min(Int(size), content.count) + 4
            content.removeAll(keepingCapacity: true)
        }
        while try reader.nextBatch({ _, _, record in
            content.append(contentsOf: record)
            content.append(0x0A)
        }) {
            flush()
        }
        let header = reader.header.dictionary.isEmpty ? 0 : 4 + reader.header.dictionary.count
        return report.fileSize - report.dataFrameBytes - header + frames
    }

    /// The LZ4 dictionary of the benchmark journals (`--dictionary`: format version 2, as a
    /// store writes), or `nil` (version 1). Set once, before any run.
    nonisolated(unsafe) public static var dictionary: [UInt8]?

    /// A dictionary of 40 synthetic events of another seed than the measured ones.
    public static func sampleDictionary() -> [UInt8] {
        EventGenerator(seed: 0x5EED).events(0..<40).flatMap { $0 + [0x0A] }
    }

    /// Options for a benchmark journal.
    public static func options(sync: Bool) -> JournalOptions {
        var options = JournalOptions()
        options.dictionary = Self.dictionary
        options.application = "dmp-events/1"
        options.durability = sync ? .syncEveryCommit : .noSync
        return options
    }
}

/// Monotonic nanoseconds.
public func nanos() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// CPU time used by the process so far (user + system, all threads), in seconds.
public func cpuTime() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// The value at percentile `p` (0–100) of sorted samples.
public func percentile(_ sorted: [UInt64], _ p: Double) -> UInt64 {
    guard !sorted.isEmpty else { return 0 }
    let index = min(sorted.count - 1, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)
    return sorted[max(0, index)]
}
