import DMPJournal

/// Queries answered by streaming a journal, in memory that does not grow with it.
public enum History {
    /// Calls `body` with every event of the journal, in order, decoding each record.
    /// - Throws: ``DMPJournal/JournalError`` for a damaged journal, ``EventDecodingError`` for a
    ///   record that is not a valid event, or what `body` throws.
    public static func forEachEvent(journal path: String, _ body: (Event) throws -> Void) throws {
        let reader = try JournalReader(path: path)
        while try reader.nextBatch({ sequence, _, record in
            try body(try EventCodec.decode(record, at: sequence))
        }) {}
    }

    /// The access trace of a dossier as `viewer` may see it, as of `time` (every event if `nil`):
    /// entries are filtered against the dossier's state at that time (TR-2, TR-3).
    ///
    /// - Parameters:
    ///   - dossier: The dossier.
    ///   - viewer: Whose view.
    ///   - time: The trace as of this time, in milliseconds (every event if `nil`).
    ///   - path: The journal.
    ///   - index: An index of the journal (``DossierIndex``): only the units holding the dossier's
    ///     events are read. `nil` scans the whole journal. Both give the same entries.
    /// - Throws: ``DMPJournal/JournalError``, ``EventDecodingError``, and with an index,
    ///   ``DossierIndexError`` when it fails a check (scan then, or rebuild it).
    public static func trace(
        of dossier: DossierID, viewer: TraceViewer, asOf time: Int64? = nil, journal path: String,
        index: DossierIndex? = nil
    ) throws -> [TraceEntry] {
        var state = DossierState(id: dossier)
        var entries: [TraceEntry] = []
        try self.forEachEvent(of: dossier, asOf: time, journal: path, index: index) { event in
            state.apply(event)
            entries.append(Traces.entry(event))
        }
        return Traces.filter(entries, viewer: viewer, state: state)
    }

    /// The state of a dossier as of `time` (every event at or before it), by replaying the
    /// journal: the same fold as live execution, cut at `time`.
    ///
    /// - Parameters:
    ///   - dossier: The dossier.
    ///   - time: The state as of this time, in milliseconds.
    ///   - path: The journal.
    ///   - index: An index of the journal (``DossierIndex``): only the units holding the dossier's
    ///     events are read. `nil` scans the whole journal. Both give the same state.
    /// - Returns: The state, or `nil` if the dossier had no event at or before `time`.
    /// - Throws: ``DMPJournal/JournalError``, ``EventDecodingError``, and with an index,
    ///   ``DossierIndexError`` when it fails a check (scan then, or rebuild it).
    public static func state(
        of dossier: DossierID, asOf time: Int64, journal path: String, index: DossierIndex? = nil
    ) throws -> DossierState? {
        var state: DossierState?
        try self.forEachEvent(of: dossier, asOf: time, journal: path, index: index) { event in
            var current = state ?? DossierState(id: dossier)
            current.apply(event)
            state = current
        }
        return state
    }

    /// Calls `body` with every event of `dossier` up to `time` (all if `nil`), in order, through
    /// the index when one is given, by scanning otherwise.
    ///
    /// A scan stops at the first event of any dossier after `time`; through the index, at the
    /// first event of this dossier after `time`. They agree because event times never go
    /// backwards in a journal (the store refuses a command dated before the last event).
    static func forEachEvent(
        of dossier: DossierID, asOf time: Int64?, journal path: String, index: DossierIndex?,
        _ body: (Event) throws -> Void
    ) throws {
        struct Done: Error {}
        do {
            if let index {
                guard index.journalPath == path else {
                    throw DossierIndexError(
                        .foreignJournal, "the index given is the index of \(index.journalPath), not of \(path)",
                        path: index.path)
                }
                try index.forEachEvent(of: dossier) { event, _ in
                    if let time, event.at > time { throw Done() }
                    try body(event)
                }
            } else {
                try self.forEachEvent(journal: path) { event in
                    if let time, event.at > time { throw Done() }
                    guard event.dossier == dossier else { return }
                    try body(event)
                }
            }
        } catch is Done {}
    }
}
