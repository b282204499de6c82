import Foundation
import Testing

@testable import DMPJournal
@testable import journal_crash_child

@Suite("Other processes: crashes, stock lz4, a second writer, a follower", .serialized)
struct ProcessTests {
    @Test("crash test: SIGKILL at random moments never loses an acknowledged record (50 rounds)")
    func crashRounds() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("crash.dmpj")
        var generator = SeededGenerator(seed: 2026)
        var acknowledged: UInt64 = 0
        var recoveries = 0
        for round in 0..<50 {
            let process = Process()
            process.executableURL = crashChildURL()
            process.arguments = ["torture", path, String(round)]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            // Wait until the child is appending, then kill it at a random moment.
            let reader = pipe.fileHandleForReading
            var output = Data()
            while !(String(decoding: output, as: UTF8.self).contains("\n")) {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                output.append(chunk)
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...40, using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            output.append(reader.readDataToEndOfFile())
            let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
            #expect(lines.first?.hasPrefix("ready") == true, "round \(round): \(lines.first ?? "")")
            for line in lines where line.hasPrefix("ack ") {
                let parts = line.split(separator: " ")
                if parts.count == 3, let last = UInt64(parts[2]) { acknowledged = max(acknowledged, last) }
            }
            // Recovery keeps every acknowledged record, byte for byte.
            let writer = try JournalWriter.open(at: path, options: testOptions())
            if writer.recovery != nil { recoveries += 1 }
            #expect(writer.lastSequence >= acknowledged, "round \(round): acknowledged \(acknowledged)")
            try await writer.close()
            let report = try JournalVerifier().verify(path: path)
            #expect(report.isValid, "round \(round): \(String(describing: report.failure))")
            let records = try readAll(path)
            #expect(records.count == Int(report.lastSequence))
            let wrong = records.first { $0.bytes != expectedRecord($0.sequence) }
            #expect(wrong == nil, "round \(round): record \(wrong?.sequence ?? 0) differs")
        }
        #expect(acknowledged > 0, "the child acknowledged records")
        #expect(recoveries > 0, "some kills landed inside a commit and recovery cut the torn tail")
        print("crash test: \(acknowledged) records acknowledged, \(recoveries) recoveries cut a tail")
    }

    @Test("stock lz4 -dc prints exactly the records, in order")
    func stockLZ4() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("lz4.dmpj")
        var options = testOptions(signer: CheckpointSigner(key: .init()))
        options.checkpointInterval = 50
        let writer = try JournalWriter.create(at: path, options: options)
        var expected: [UInt8] = []
        for i in 0..<200 {
            let records = (0..<(i % 7 + 1)).map { Array(#"{"batch":\#(i),"record":\#($0),"pad":"\#(String(repeating: "x", count: i))"}"#.utf8) }
            _ = try await writer.append(records)
            for record in records { expected += record + [0x0A] }
        }
        _ = try await writer.append([[]])
        expected += [0x0A]
        try await writer.close()
        let lz4 = ["/usr/bin/lz4", "/bin/lz4"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let binary = try #require(lz4, "the lz4 command is installed")
        let result = try run(binary, ["-dc", path])
        #expect(result.status == 0)
        #expect(Array(result.output.utf8) == expected)
    }

    @Test("a second writer is refused, in this process and from another one")
    func secondWriter() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("lock.dmpj")
        let first = try JournalWriter.create(at: path, options: testOptions())
        #expect(throws: JournalError.locked) { _ = try JournalWriter.open(at: path, options: testOptions()) }
        try await first.close()

        let holder = Process()
        holder.executableURL = crashChildURL()
        holder.arguments = ["hold", path]
        let pipe = Pipe()
        holder.standardOutput = pipe
        try holder.run()
        defer {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
        var output = ""
        while !output.contains("locked") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output += String(decoding: chunk, as: UTF8.self)
        }
        do {
            _ = try JournalWriter.open(at: path, options: testOptions())
            Issue.record("the second writer was not refused")
        } catch {
            #expect(error.code == .locked)
            #expect(error.description.contains("another writer"))
        }
    }

    @Test("a reader following the file sees records appended by another process")
    func follower() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.file("follow.dmpj")
        let writer = try JournalWriter.create(at: path, options: testOptions())
        _ = try await writer.append([expectedRecord(1)])
        try await writer.close()

        let reader = try JournalReader(path: path)
        let child = Process()
        child.executableURL = crashChildURL()
        child.arguments = ["append", path, "40"]
        try child.run()
        var seen: [JournalRecord] = []
        let deadline = ContinuousClock.now + .seconds(30)
        for try await record in reader.follow(pollInterval: .milliseconds(5)) {
            seen.append(record)
            if seen.count == 41 || ContinuousClock.now > deadline { break }
        }
        child.waitUntilExit()
        #expect(seen.map(\.sequence) == Array(1...41))
        #expect(seen.allSatisfy { $0.bytes == expectedRecord($0.sequence) })
    }
}
