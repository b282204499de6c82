import DMP
import DMPJournal
import Foundation
import JournalBenchSupport

/// Single-dossier queries through the sidecar index, against a full scan.
enum Queries {
    static func run(_ fixture: DemoFixture, _ options: DomainBench.Options) throws {
        print("\n## Single-dossier queries (\(fixture.name))")
        let dossier = try fixture.busyDossier()
        var expected: [TraceEntry] = []
        let scan = try Measure.run {
            expected = try History.trace(of: dossier, viewer: .holder, journal: fixture.journal)
        }
        // The index: built from scratch (what `dmp index` does the first time).
        let copy = fixture.directory + "/query-copy.dmpj"
        // A copy left by an older fixture (rebuilt since) is replaced.
        if BenchFiles.size(copy) != BenchFiles.size(fixture.journal) {
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: fixture.journal, toPath: copy)
        }
        try? FileManager.default.removeItem(atPath: DossierIndex.path(forJournal: copy))
        let build = try Measure.run { _ = try DossierIndex.update(journal: copy, rebuild: true) }
        let indexBytes = BenchFiles.size(DossierIndex.path(forJournal: copy))
        // Cold: a new process opens the index and answers, after the page cache is dropped (when
        // allowed: root on Linux).
        // The median of five: one cold read can meet the disk still flushing what was dropped.
        var dropped = true
        var colds: [Double] = []
        for _ in 0..<5 {
            dropped = Self.dropPageCache() && dropped
            colds.append(try Child.timed("query", copy, [dossier.rawValue]))
        }
        let cold = colds.sorted()[colds.count / 2]
        // Warm: the same process, index opened once; each query reads the dossier's units.
        let index = try DossierIndex(journal: copy)
        var warm: [Double] = []
        var entries: [TraceEntry] = []
        for _ in 0..<max(5, options.repeats * 5) {
            warm.append(try Measure.run {
                entries = try History.trace(of: dossier, viewer: .holder, journal: copy, index: index)
            }.wall)
        }
        precondition(entries == expected, "the indexed trace differs from the scanned one")
        var stateWarm: [Double] = []
        for _ in 0..<max(5, options.repeats * 5) {
            stateWarm.append(try Measure.run {
                _ = try History.state(of: dossier, asOf: Int64.max, journal: copy, index: index)
            }.wall)
        }
        let units = try index.units(of: dossier).count
        let median = warm.sorted()[warm.count / 2]
        Report.add(
            "one dossier's trace, \(fixture.name), indexed, warm (\(expected.count) entries in \(units) units)",
            Report.millis(median),
            "full scan of the journal: \(Report.millis(scan.wall))", Report.times(scan.wall / median))
        Report.add(
            "  same, cold (new process: open the index, answer\(dropped ? ", page cache dropped" : "; page cache not dropped"); median of 5)",
            Report.millis(cold), "", Report.times(scan.wall / cold))
        Report.add(
            "  one dossier's state, indexed, warm", Report.millis(stateWarm.sorted()[stateWarm.count / 2]), "", "")
        Report.add(
            "  building the index (once; then extended incrementally)",
            "\(Report.millis(build.wall)), \(Report.megabytes(indexBytes)) (\(String(format: "%.1f", Double(indexBytes) / Double(fixture.events))) bytes/event)",
            "", "")
    }

    /// Drops the page cache (root on Linux); `false` when not allowed.
    static func dropPageCache() -> Bool {
        sync()
        guard let handle = FileHandle(forWritingAtPath: "/proc/sys/vm/drop_caches") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("3\n".utf8))) != nil
    }
}
