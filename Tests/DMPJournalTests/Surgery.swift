import Foundation

@testable import DMPJournal

/// Takes a journal apart into units and puts it back together, recomputing (or not) the chain:
/// the tool of a forger who lacks the signing key.
struct JournalSurgery {
    enum Unit {
        case batch(frame: [UInt8], seal: Seal)
        case checkpoint(Checkpoint)
    }

    var header: [UInt8]
    var units: [Unit]
    /// Byte ranges of the units in the original file.
    var ranges: [Range<Int>]

    init(path: String) throws {
        let bytes = readFile(path)
        let window = try FileWindow(path: path)
        let scanner = try UnitScanner(window: window, checksums: true, decompress: true)
        self.header = Array(bytes[0..<scanner.header.frameLength])
        self.units = []
        self.ranges = []
        while let unit = try scanner.next() {
            self.ranges.append(unit.start..<unit.end)
            switch unit.kind {
            case .batch(let seal):
                self.units.append(.batch(frame: Array(bytes[unit.start..<(unit.end - Format.sealFrame)]), seal: seal))
            case .checkpoint(let checkpoint):
                self.units.append(.checkpoint(checkpoint))
            }
        }
    }

    /// Replaces the records of batch `index` (re-compressing its frame).
    mutating func replaceRecords(ofUnit index: Int, with records: [[UInt8]]) throws {
        guard case .batch(_, var seal) = self.units[index] else { fatalError("not a batch") }
        let batch = try RecordBatch(records)
        var frame: [UInt8] = []
        let shape = self.header.withUnsafeBytes { try! JournalHeader.parse($0, path: nil).frameShape }
        try batch.bytes.withUnsafeBytes { try FrameCompressor(shape: shape).compress($0, appendingTo: &frame) }
        seal.count = UInt32(records.count)
        self.units[index] = .batch(frame: frame, seal: seal)
    }

    /// Lays the units out again, fixing offsets, sequence numbers and every chain value.
    func assemble(rechain: Bool = true) -> [UInt8] {
        var out = self.header
        var head = self.header.withUnsafeBytes { try! JournalHeader.parse($0, path: nil).genesis.bytes }
        var last: UInt64 = 0
        for unit in self.units {
            switch unit {
            case .batch(let frame, var seal):
                if rechain {
                    seal.unitStart = UInt64(out.count)
                    seal.firstSequence = last + 1
                }
                var bytes = frame + seal.encodePrefix()
                let chain = rechain ? bytes.withUnsafeBytes { chainValue(previous: head, $0) } : seal.chain
                bytes += chain
                out += bytes
                head = chain
                last = seal.lastSequence
            case .checkpoint(var checkpoint):
                if rechain {
                    checkpoint.unitStart = UInt64(out.count)
                    checkpoint.sequence = last
                    checkpoint.attested = head
                }
                var bytes = checkpoint.encodePrefix()
                let chain = rechain ? bytes.withUnsafeBytes { chainValue(previous: head, $0) } : checkpoint.chain
                bytes += chain
                out += bytes
                head = chain
            }
        }
        return out
    }
}
