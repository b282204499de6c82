import DMP
import DMPJournal
import Foundation

@main
struct DomainBench {
    static func main() async throws {
        let path = CommandLine.arguments[1]
        let stage = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "all"
        var count = 0
        if stage == "all" || stage == "read" {
            let t = timed {
                let reader = try! JournalReader(path: path)
                while try! reader.nextBatch({ _, _, _ in count += 1 }) {}
            }
            print("read: \(count) in \(t) s → \(Double(count) / t / 1e6) M/s")
        }
        if stage == "all" || stage == "decode" {
            count = 0
            let t = timed {
                try! History.forEachEvent(journal: path) { _ in count += 1 }
            }
            print("read+decode: \(count) in \(t) s → \(Double(count) / t / 1e6) M/s")
        }
        if stage == "all" || stage == "fold" {
            count = 0
            var states: [DossierID: DossierState] = [:]
            let t = timed {
                try! History.forEachEvent(journal: path) { event in
                    count += 1
                    states[event.dossier, default: DossierState(id: event.dossier)].apply(event)
                }
            }
            print("read+decode+fold states: \(count) in \(t) s → \(Double(count) / t / 1e6) M/s")
        }
        if stage == "all" || stage == "writer" {
            var options = JournalOptions()
            options.durability = .noSync
            var writer: JournalWriter?
            let t = timed { writer = try! JournalWriter.open(at: path, options: options) }
            print("writer open: \(t) s")
            try await writer?.close()
            print("sizes: Event \(MemoryLayout<Event>.size), payload \(MemoryLayout<EventPayload>.size), state \(MemoryLayout<DossierState>.size), metadata \(MemoryLayout<DocumentMetadata>.size), actor \(MemoryLayout<Actor>.size)")
        }
        if stage == "all" || stage == "store" {
            let copy = path + ".copy"
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            var configuration = DMPStore.Configuration()
            configuration.journal.durability = .noSync
            let start = cpu()
            let store = try await DMPStore.open(at: copy, configuration: configuration)
            let t = cpu() - start
            let n = await store.lastSequence
            print("store open: \(n) in \(t) s → \(Double(n) / t / 1e6) M/s")
            try await store.close()
        }
    }

    static func timed(_ body: () -> Void) -> Double {
        let start = cpu()
        body()
        return cpu() - start
    }

    static func cpu() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
