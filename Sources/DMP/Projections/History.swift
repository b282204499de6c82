import DMPJournal

/// Queries answered by streaming a journal, in memory that does not grow with it.
public enum History {
    /// Calls `body` with every event of the journal, in order, decoding each record.
    /// - Throws: ``DMPJournal/JournalError`` for a damaged journal, ``EventDecodingError`` for a
    ///   record that is not a valid event, or what `body` throws.
    public static func forEachEvent(journal path: String, _ body: (Event) throws -> Void) throws {
        let reader = try JournalReader(path: path)
        while try reader.nextBatch({ sequence, _, record in
            let event = try EventCodec.decode(record)
            guard event.sequence == sequence else {
                throw EventDecodingError(
                    offset: 0, message: "record \(sequence) says its sequence number is \(event.sequence)")
            }
            try body(event)
        }) {}
    }

    /// The access trace of a dossier as `viewer` may see it, as of `time` (every event if `nil`):
    /// entries are filtered against the dossier's state at that time (TR-2, TR-3).
    public static func trace(
        of dossier: DossierID, viewer: TraceViewer, asOf time: Int64? = nil, journal path: String
    ) throws -> [TraceEntry] {
        var state = DossierState(id: dossier)
        var entries: [TraceEntry] = []
        struct Done: Error {}
        do {
            try self.forEachEvent(journal: path) { event in
                if let time, event.at > time { throw Done() }
                guard event.dossier == dossier else { return }
                state.apply(event)
                entries.append(Traces.entry(event))
            }
        } catch is Done {}
        return Traces.filter(entries, viewer: viewer, state: state)
    }

    /// The state of a dossier as of `time` (every event at or before it), by replaying the
    /// journal: the same fold as live execution, cut at `time`.
    public static func state(of dossier: DossierID, asOf time: Int64, journal path: String) throws -> DossierState? {
        var state: DossierState?
        struct Done: Error {}
        do {
            try self.forEachEvent(journal: path) { event in
                if event.at > time { throw Done() }
                guard event.dossier == dossier else { return }
                var current = state ?? DossierState(id: dossier)
                current.apply(event)
                state = current
            }
        } catch is Done {}
        return state
    }
}
