import Crypto

/// The first problem a verification found.
public struct VerificationFailure: Sendable, Equatable, CustomStringConvertible {
    /// What failed.
    public let code: JournalError.Code
    /// The byte offset where the failing frame or field starts.
    public let offset: Int
    /// The last good sequence number before the failure (0 if none).
    public let sequence: UInt64
    /// A sentence an operator understands.
    public let message: String
    /// `true` when the failure lies in the final unit: an unsealed or cut tail, never
    /// acknowledged, which recovery cuts off. `false` for damage before the last seal
    /// (tampering or a media fault), which recovery refuses to touch.
    public let isTail: Bool
    /// The start of the unit in which the failure lies.
    public let unitStart: Int

    public var description: String {
        let kind = self.isTail ? "unsealed or cut tail" : "damage before the last seal"
        return "\(kind) at byte \(self.offset) (after sequence \(self.sequence)): \(self.message) [\(self.code)]"
    }
}

/// What a verification checked and found.
public struct VerificationReport: Sendable {
    /// The file verified.
    public let path: String
    /// Its size in bytes.
    public let fileSize: Int
    /// Its header.
    public let header: JournalHeader
    /// The number of units (batches and checkpoints) that verified.
    public var units = 0
    /// The number of sealed batches that verified.
    public var seals = 0
    /// The number of records in those batches.
    public var records: UInt64 = 0
    /// The last good sequence number.
    public var lastSequence: UInt64 = 0
    /// The chain value after the last good unit.
    public var head: ChainHash
    /// The checkpoints found before any failure.
    public var checkpoints = 0
    /// Checkpoints whose signature verified with one of the given public keys.
    public var checkpointsVerified = 0
    /// Checkpoints signed by a key that was not given: not checked, never counted as good.
    public var checkpointsUnchecked = 0
    /// The last sequence number covered by a checkpoint whose signature verified.
    public var lastSignedSequence: UInt64?
    /// Bytes of compressed data frames.
    public var dataFrameBytes = 0
    /// Bytes of decompressed record content (records plus their newlines).
    public var contentBytes = 0
    /// The end of the last good unit: the size of the acknowledged prefix.
    public var validEnd: Int
    /// The first failure, or `nil` if the whole file verified.
    public var failure: VerificationFailure?

    /// `true` when every byte of the file verified.
    public var isValid: Bool { self.failure == nil }
}

/// Checks a journal file: frames, chain, seals, sequence numbers, times, and checkpoint
/// signatures when given the public key.
///
/// ```swift
/// let report = try JournalVerifier(publicKeys: [key]).verify(path: "journal.dmpj")
/// if let failure = report.failure {
///     print(failure)   // "damage before the last seal at byte 4102 (after sequence 57): ..."
/// }
/// ```
public struct JournalVerifier: Sendable {
    /// Raw public keys by key id (kept as bytes: the key type is not `Sendable`).
    private let keys: [[UInt8]: [UInt8]]

    /// Creates a verifier.
    /// - Parameter publicKeys: Keys whose checkpoints to check. A checkpoint signed by another
    ///   key is counted as unchecked, never as good.
    public init(publicKeys: [Curve25519.Signing.PublicKey] = []) {
        var keys: [[UInt8]: [UInt8]] = [:]
        for key in publicKeys { keys[CheckpointSigner.keyID(of: key)] = Array(key.rawRepresentation) }
        self.keys = keys
    }

    /// Verifies the journal at `path`.
    ///
    /// - Parameters:
    ///   - path: The journal file.
    ///   - progress: Called now and then with the bytes verified so far and the file size.
    /// - Returns: A report; `report.failure` holds the first problem, if any.
    /// - Throws: ``JournalError`` when the file cannot be verified at all: missing or unreadable,
    ///   not a journal, or written in a newer format version.
    public func verify(
        path: String, progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(JournalError) -> VerificationReport {
        let window = try FileWindow(path: path)
        let scanner: UnitScanner
        do {
            scanner = try UnitScanner(window: window, checksums: true, decompress: true)
        } catch {
            throw error.with(path: path)
        }
        var report = VerificationReport(
            path: path, fileSize: window.fileSize, header: scanner.header, head: scanner.header.genesis,
            validEnd: scanner.header.frameLength)
        var lastProgress = 0
        while true {
            let unit: ScannedUnit?
            do {
                unit = try scanner.next()
            } catch {
                report.failure = try self.classify(error, scanner: scanner, window: window)
                break
            }
            guard let unit else { break }
            report.units += 1
            switch unit.kind {
            case .batch(let seal):
                report.seals += 1
                report.records += UInt64(seal.count)
                report.dataFrameBytes += unit.end - unit.start - Format.sealFrame
                report.contentBytes += scanner.contentCount
            case .checkpoint(let checkpoint):
                report.checkpoints += 1
                if let raw = self.keys[checkpoint.keyID],
                    let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
                {
                    let message = Checkpoint.signedMessage(
                        journalID: scanner.header.journalID, sequence: checkpoint.sequence,
                        attested: checkpoint.attested, signedAt: checkpoint.signedAt, keyID: checkpoint.keyID)
                    if key.isValidSignature(checkpoint.signature, for: message) {
                        report.checkpointsVerified += 1
                        report.lastSignedSequence = checkpoint.sequence
                    } else {
                        report.failure = VerificationFailure(
                            code: .badSignature, offset: unit.start + 100, sequence: checkpoint.sequence,
                            message: "the checkpoint's signature does not verify with the public key it names",
                            isTail: false, unitStart: unit.start)
                    }
                } else {
                    report.checkpointsUnchecked += 1
                }
            }
            if report.failure != nil { break }
            report.lastSequence = scanner.lastSequence
            report.head = ChainHash(bytes: scanner.head)
            report.validEnd = unit.end
            if let progress, unit.end - lastProgress >= 16 << 20 {
                lastProgress = unit.end
                progress(unit.end, report.fileSize)
            }
        }
        if let failure = report.failure, failure.code != .badSignature {
            let isTail = try TailClassifier.isTail(
                failingUnit: failure.unitStart, code: failure.code, head: scanner.head, window: window,
                header: scanner.header)
            report.failure = VerificationFailure(
                code: failure.code, offset: failure.offset, sequence: failure.sequence, message: failure.message,
                isTail: isTail, unitStart: failure.unitStart)
        }
        progress?(report.fileSize, report.fileSize)
        return report
    }

    private func classify(
        _ error: ScanFailure, scanner: UnitScanner, window: FileWindow
    ) throws(JournalError) -> VerificationFailure {
        if error.code == .io {
            throw JournalError(.io, error.message, path: window.path, offset: error.offset)
        }
        return VerificationFailure(
            code: error.code, offset: error.offset, sequence: scanner.lastSequence, message: error.message,
            isTail: false, unitStart: error.unitStart)
    }
}
