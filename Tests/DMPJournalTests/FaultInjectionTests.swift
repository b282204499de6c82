import Foundation
import Synchronization
import Testing

@testable import DMPJournal

/// Counts calls so an injected fault can strike at the N-th one.
final class CallCounter: Sendable {
    private let count = Mutex(0)
    func next() -> Int { self.count.withLock { $0 += 1; return $0 } }
}

@Suite("System-call faults and bad input give typed errors and lose nothing acknowledged")
struct FaultInjectionTests {
    @Test("short writes and EINTR are retried transparently")
    func shortWritesAndInterrupts() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("short.dmpj")
        var options = testOptions(sync: true)
        let counter = CallCounter()
        options.system.pwrite = { fd, buffer, count, offset in
            if counter.next() % 3 == 0 {
                errno = EINTR
                return -1
            }
            return pwrite(fd, buffer, min(count, 7), offset)
        }
        let writer = try JournalWriter.create(at: path, options: options)
        let records = (0..<50).map { Array("record number \($0) with some padding".utf8) }
        for record in records { _ = try await writer.append([record]) }
        try await writer.close()
        #expect(try readAll(path).map(\.bytes) == records)
        #expect(try JournalVerifier().verify(path: path).isValid)
    }

    @Test("a failed fdatasync fails the commit, makes the writer unusable, and reopening recovers")
    func failedSync() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("sync.dmpj")
        var options = testOptions(sync: true)
        let counter = CallCounter()
        options.system.fdatasync = { fd in
            // The header's sync is call 1; commits are calls 2, 3, ...: fail the 4th commit.
            if counter.next() == 5 {
                errno = EIO
                return -1
            }
            return fdatasync(fd)
        }
        let writer = try JournalWriter.create(at: path, options: options)
        for i in 0..<3 { _ = try await writer.append([Array("acknowledged \(i)".utf8)]) }
        await #expect(throws: JournalError.syncFailed) {
            _ = try await writer.append([Array("not acknowledged".utf8)])
        }
        await #expect(throws: JournalError.writerFailed) {
            _ = try await writer.append([Array("refused".utf8)])
        }
        try await writer.close()
        // Reopen through recovery: every acknowledged record is there.
        let reopened = try JournalWriter.open(at: path, options: testOptions())
        #expect(reopened.lastSequence >= 3)
        try await reopened.close()
        let records = try readAll(path)
        #expect(Array(records.prefix(3).map(\.bytes)) == (0..<3).map { Array("acknowledged \($0)".utf8) })
        #expect(try JournalVerifier().verify(path: path).isValid)
    }

    @Test("a full disk fails the commit with diskFull; the torn tail is cut on reopen and reported")
    func diskFull() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("full.dmpj")
        var options = testOptions(sync: true)
        let counter = CallCounter()
        options.system.pwrite = { fd, buffer, count, offset in
            let call = counter.next()
            if call == 4 { return pwrite(fd, buffer, count / 2, offset) }  // half of the commit lands
            if call >= 5 {
                errno = ENOSPC
                return -1
            }
            return pwrite(fd, buffer, count, offset)
        }
        let writer = try JournalWriter.create(at: path, options: options)
        for i in 0..<2 { _ = try await writer.append([Array("kept \(i)".utf8)]) }
        do {
            _ = try await writer.append([Array(String(repeating: "lost ", count: 100).utf8)])
            Issue.record("the append should fail")
        } catch {
            #expect(error.code == .diskFull)
            #expect(error.description.contains("disk is full"))
            #expect(error.path == path)
        }
        try await writer.close()
        let report = try JournalVerifier().verify(path: path)
        #expect(report.failure?.isTail == true)
        let reopened = try JournalWriter.open(at: path, options: testOptions())
        let recovery = try #require(reopened.recovery, "the cut is reported")
        #expect(recovery.bytesCut > 0 && recovery.lastSequence == 2)
        try await reopened.close()
        #expect(try readAll(path).map(\.bytes) == [Array("kept 0".utf8), Array("kept 1".utf8)])
    }

    @Test("creating a journal syncs its directory; a failing directory sync is an error")
    func directorySync() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        var options = testOptions(sync: true)
        let synced = Mutex<[Int32]>([])
        options.system.fsync = { fd in
            synced.withLock { $0.append(fd) }
            errno = EIO
            return -1
        }
        #expect(throws: JournalError.syncFailed) {
            _ = try JournalWriter.create(at: directory.file("dir.dmpj"), options: options)
        }
        #expect(synced.withLock { $0.count } == 1)
        #expect(!FileManager.default.fileExists(atPath: directory.file("dir.dmpj")), "the undurable name is taken back")
    }

    @Test("a missing file, a file that is not a journal, a newer version, an existing file: typed errors")
    func badFiles() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let missing = directory.file("missing.dmpj")
        #expect(throws: JournalError.fileNotFound) { _ = try JournalVerifier().verify(path: missing) }
        #expect(throws: JournalError.fileNotFound) { _ = try JournalReader(path: missing) }
        #expect(throws: JournalError.fileNotFound) { _ = try JournalWriter.open(at: missing) }

        let text = directory.file("notes.txt")
        writeFile(text, Array("hello, this is not a journal\n".utf8))
        do {
            _ = try JournalVerifier().verify(path: text)
            Issue.record("not a journal")
        } catch {
            #expect(error.code == .notAJournal)
            #expect(error.description.contains(text))
        }

        // A header from a future version 3 (the layout after formatVersion may differ).
        var future = JournalHeader.encode(journalID: Array(repeating: 1, count: 16), createdAt: 0, application: "x")
        future[12] = 3
        let newer = directory.file("newer.dmpj")
        writeFile(newer, future + [1, 2, 3])
        #expect(throws: JournalError.newerFormatVersion) { _ = try JournalVerifier().verify(path: newer) }
        #expect(throws: JournalError.newerFormatVersion) { _ = try JournalWriter.open(at: newer) }

        let existing = directory.file("existing.dmpj")
        writeFile(existing, [1, 2, 3])
        #expect(throws: JournalError.alreadyExists) { _ = try JournalWriter.create(at: existing) }
        #expect(readFile(existing) == [1, 2, 3], "an existing file is never overwritten")
        // No temporary files are left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test("damage before the last seal: opening for writing refuses, naming offset and sequence; reading stops there")
    func damageRefusesWriting() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let (path, _, units, lastSequences) = try await makeSmallJournal(in: directory)
        var bytes = readFile(path)
        bytes[units[2].lowerBound + 20] ^= 0x01
        writeFile(path, bytes)
        do {
            _ = try JournalWriter.open(at: path, options: testOptions())
            Issue.record("damaged journals must not open for writing")
        } catch {
            #expect(error.code == .damaged)
            #expect(error.offset != nil)
            #expect(error.sequence == lastSequences[1])
        }
        let reader = try JournalReader(path: path)
        var read: [UInt64] = []
        do {
            while let record = try reader.next() { read.append(record.sequence) }
            Issue.record("the reader must report the damage")
        } catch {
            #expect(error.code == .damaged)
        }
        #expect(read == Array(1...lastSequences[1]))
    }
}
