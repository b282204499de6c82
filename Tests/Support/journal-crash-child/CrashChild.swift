// A child process for the journal's crash and multi-process tests.
//
//   journal-crash-child append PATH COUNT   appends records 1...COUNT (one per commit), then exits
//   journal-crash-child torture PATH SEED   appends forever from 8 concurrent tasks, printing
//                                           "ack FIRST LAST" once each batch is durable
//   journal-crash-child hold PATH           opens PATH for writing, prints "locked", sleeps
//
// Record n's content is a pure function of n (see `expectedRecord`), so a parent can check
// every record it finds after a crash.

import DMPJournal

#if canImport(Glibc)
import Glibc
#endif

func expectedRecord(_ sequence: UInt64) -> [UInt8] {
    var state = sequence &* 0x9E37_79B9_7F4A_7C15
    var bytes = Array("record \(sequence) ".utf8)
    let length = Int(state % 300)
    for _ in 0..<length {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        bytes.append(UInt8(97 + (state >> 33) % 26))
    }
    return bytes
}

func say(_ line: String) {
    var text = line
    text += "\n"
    _ = text.withCString { write(1, $0, strlen($0)) }
}

func makeBatch(first: UInt64, count: UInt64) throws(JournalError) -> RecordBatch {
    var batch = RecordBatch()
    for offset in 0..<count {
        try batch.append(expectedRecord(first + offset))
    }
    return batch
}

func openOrCreate(_ path: String, tornWrites: Bool = false) throws(JournalError) -> JournalWriter {
    var options = JournalOptions()
    options.application = "crash-test/1"
    if tornWrites {
        // Writes land in pieces of at most 256 bytes, so that a SIGKILL can cut a commit in the
        // middle (a stand-in for a power cut that persists only part of a commit).
        var system = SystemCalls.live
        system.pwrite = { fd, buffer, count, offset in
            let result = pwrite(fd, buffer, min(count, 256), offset)
            sched_yield()
            return result
        }
        options.system = system
    }
    do {
        return try JournalWriter.open(at: path, options: options)
    } catch {
        guard error.code == .fileNotFound else { throw error }
        return try JournalWriter.create(at: path, options: options)
    }
}

func appendForever(_ writer: JournalWriter, seed: UInt64) async throws {
    var state = seed
    while true {
        state = state &* 6_364_136_223_846_793_005 &+ 1
        let count = (state >> 40) % 4 + 1
        let ticket = try writer.submit { (first: UInt64) throws(JournalError) -> RecordBatch in
            try makeBatch(first: first, count: count)
        }
        try await ticket.wait()
        say("ack \(ticket.sequences.lowerBound) \(ticket.sequences.upperBound)")
    }
}

@main
struct CrashChild {
    static func main() async {
        let arguments = CommandLine.arguments
        guard arguments.count >= 3 else {
            say("usage: journal-crash-child append|torture|hold PATH [N]")
            exit(2)
        }
        let path = arguments[2]
        do {
            switch arguments[1] {
            case "append":
                let count = UInt64(arguments[3])!
                let writer = try openOrCreate(path)
                for _ in 0..<count {
                    let ticket = try writer.submit { (first: UInt64) throws(JournalError) -> RecordBatch in
                        try makeBatch(first: first, count: 1)
                    }
                    try await ticket.wait()
                }
                try await writer.close()
            case "torture":
                let seed = UInt64(arguments[3])!
                let writer = try openOrCreate(path, tornWrites: true)
                say("ready \(writer.lastSequence)")
                await withTaskGroup(of: Void.self) { group in
                    for task in 0..<8 {
                        group.addTask {
                            do {
                                try await appendForever(writer, seed: seed &+ UInt64(task) &* 0x9E37_79B9)
                            } catch {
                                say("error \(error)")
                                exit(1)
                            }
                        }
                    }
                }
            case "hold":
                let writer = try openOrCreate(path)
                say("locked \(writer.lastSequence)")
                sleep(60)
            default:
                say("unknown mode \(arguments[1])")
                exit(2)
            }
        } catch {
            say("error \(error)")
            exit(1)
        }
    }
}
