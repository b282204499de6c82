import ArgumentParser
import DMP
import DMPJournal

/// `--no-index`: scan the whole journal even when an index exists beside it.
struct IndexOption: ParsableArguments {
    @Flag(
        name: .customLong("no-index"),
        help: "Scan the whole journal even if its index (<journal>.idx, see `dmp index`) exists.")
    var disabled = false
}

/// The dossier index for the reading subcommands: used when it exists, extended over what was
/// appended since it was saved, rebuilt when it cannot be used, and abandoned for a scan (with a
/// note on stderr) when that fails. A query never creates an index: `dmp index` does.
enum IndexSupport {
    /// A query saves the index it extended when the events appended since it was saved reach this
    /// number (and the directory is writable); below it, scanning them each time costs little.
    static let saveThreshold = 10_000  // `dmp index --help` says so

    /// The usable index of `journal`, or `nil` to scan.
    static func open(_ journal: String, option: IndexOption) -> DossierIndex? {
        guard !option.disabled else { return nil }
        let path = DossierIndex.path(forJournal: journal)
        guard Files.exists(path) else { return nil }
        do {
            var index = try DossierIndex(journal: journal)
            if index.unsavedEvents >= self.saveThreshold {
                try? index.save()  // a read-only directory: answer anyway
            }
            return index
        } catch let error as DossierIndexError {
            guard self.isRebuildable(error) else {
                warn("dmp: note: cannot use the index: \(error); scanning the journal")
                return nil
            }
            return self.rebuild(journal, because: error)
        } catch {
            // The journal itself cannot be read: the scan reports it.
            return nil
        }
    }

    /// Whether an index that fails with `error` is rebuilt.
    static func isRebuildable(_ error: DossierIndexError) -> Bool {
        [.corrupt, .unsupportedVersion, .foreignJournal, .stale].contains(error.code)
    }

    /// Builds the index again (it could not be used because of `problem`) and saves it if the
    /// directory is writable; `nil` (to scan) if it cannot be built.
    static func rebuild(_ journal: String, because problem: DossierIndexError) -> DossierIndex? {
        let progress = Progress("rebuilding the index", total: nil, unit: .bytes)
        var index: DossierIndex
        do {
            index = try DossierIndex.build(journal: journal) { done, total in
                progress.setTotal(total)
                progress.update(done)
            }
        } catch {
            progress.finish()
            warn("dmp: note: the index cannot be used (\(problem)) nor rebuilt; scanning the journal")
            return nil
        }
        progress.finish()
        do {
            try index.save()
            warn("dmp: note: the index could not be used (\(problem)); rebuilt it")
        } catch {
            warn(
                "dmp: note: the index could not be used (\(problem)); rebuilt it in memory, but cannot save it: "
                    + "\(error)")
        }
        return index
    }
}

/// The dossier index of one journal for one command: opened at most once, then shared by the
/// resolution of `--dossier` (``DossierResolver``) and the query, so that an index that cannot be
/// used is rebuilt, or abandoned for a scan, once.
final class IndexSession {
    let journal: String
    private let option: IndexOption
    private var opened = false
    /// The index to read through, or `nil` to scan.
    private var index: DossierIndex?
    private var rebuilt = false

    init(journal: String, option: IndexOption) {
        self.journal = journal
        self.option = option
    }

    /// The result of `indexed` with the index when there is a usable one, of `scan` otherwise.
    ///
    /// If the index fails a check during the query, it is rebuilt and the query run again. If
    /// reading a unit it names fails, the tool says so and scans, and later queries of this
    /// session scan too: the scan reports damage to the journal, if that was the cause. `indexed`
    /// must not write output before it returns, so that running it again or falling back repeats
    /// nothing.
    func query<T>(indexed: (DossierIndex) throws -> T, scan: () throws -> T) throws -> T {
        if !self.opened {
            self.opened = true
            self.index = IndexSupport.open(self.journal, option: self.option)
        }
        while let index = self.index {
            do {
                return try indexed(index)
            } catch let error as DossierIndexError {
                if !self.rebuilt && IndexSupport.isRebuildable(error) {
                    self.rebuilt = true
                    if let again = IndexSupport.rebuild(self.journal, because: error) {
                        self.index = again
                        continue
                    }
                } else {
                    warn("dmp: note: reading through the index failed (\(error)); scanning the journal")
                }
            } catch let error as JournalError {
                warn("dmp: note: reading through the index failed (\(ToolError(error).message)); scanning the journal")
            } catch {
                throw ToolError.from(error, journal: self.journal)
            }
            self.index = nil
        }
        return try scan()
    }
}
