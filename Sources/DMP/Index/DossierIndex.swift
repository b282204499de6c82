import DMPJournal

/// A sidecar index of a journal, `<journal>.idx`: for each dossier, the byte offsets of the
/// journal units (sealed batches) that hold its events, so that the history of one dossier is
/// read without scanning the journal; and for each patient identifier any dossier was ever
/// given, the dossiers that held it (ID-3), so that a person is found without scanning either.
///
/// The index is derived data, rebuildable from the journal at any time, and never trusted:
///
/// - on opening, its header is checked (magic, version, SHA-256) and it must name the journal's
///   id and genesis value, and the journal's chain value where the index ends; otherwise opening
///   throws a ``DossierIndexError`` (``DossierIndexError/Code/foreignJournal``,
///   ``DossierIndexError/Code/stale``, ``DossierIndexError/Code/corrupt``…) and the caller
///   rebuilds it or scans;
/// - every table entry, postings block and identifier entry read carries a check, verified on
///   every lookup;
/// - the units it names are read with `JournalReader.seek(toUnitAt:)`, which checks each against
///   its seal, and records of other dossiers in those units are skipped: a damaged or forged
///   index can make a read fail, never return events of another dossier or events the journal
///   does not hold;
/// - each dossier it names for an identifier is confirmed by the journal's own record of the
///   event that gave it that identifier.
///
/// Units appended to the journal after the saved index ends are scanned when it is opened, so a
/// `DossierIndex` always answers for the whole journal as of its opening; ``save()`` writes them
/// into the file (atomically).
///
/// ```swift
/// let index = try DossierIndex.update(journal: "dmp.dmpj").index   // build, or extend and save
/// let nir = try PatientIdentifier("NIR:255081416802538")
/// if let dossier = try index.dossiers(identifiedBy: [nir]).last {   // the latest holder
///     let trace = try History.trace(of: dossier, viewer: .holder, journal: "dmp.dmpj", index: index)
/// }
/// ```
///
/// What the index does not give: it does not verify the journal (a unit it does not name is not
/// read; `JournalVerifier` does that), and time-bounded queries rely on the journal's event times
/// never going backwards, which the store guarantees.
public struct DossierIndex: Sendable {
    /// How far an index covers its journal.
    public struct Coverage: Sendable, Equatable {
        /// The offset just past the last unit indexed (the next unit starts there).
        public let end: Int
        /// The sequence number of the last record indexed (0 if none).
        public let lastSequence: UInt64
        /// The journal's chain value at ``end``.
        public let head: ChainHash
        /// The number of sealed batches indexed.
        public let units: Int
    }

    /// The journal this index describes.
    public let journalPath: String
    /// The part of the journal this value answers for: the saved file plus the units scanned
    /// after it.
    public let coverage: Coverage
    /// The batches and records scanned after the part the saved file covers (0 once saved).
    public let unsavedUnits: Int
    /// See ``unsavedUnits``.
    public let unsavedEvents: Int

    private let saved: IndexFile?
    private let tail: PostingsTable
    private let tailIdentifiers: IdentifierTable
    private let journalID: [UInt8]
    private let genesis: [UInt8]

    /// The path of the index of `journal`: `<journal>.idx`.
    public static func path(forJournal journal: String) -> String {
        journal + ".idx"
    }

    /// The path of this index's file.
    public var path: String { Self.path(forJournal: self.journalPath) }

    /// Whether the saved file covers all that this value covers (nothing to save).
    public var isSaved: Bool { self.saved?.header.coveredEnd == self.coverage.end }

    /// The number of dossiers in the saved file (dossiers that appear only in unsaved units are
    /// not counted until ``save()``).
    public var savedDossiers: Int { self.saved?.header.dossiers ?? 0 }

    /// The number of distinct patient identifiers in the saved file's identifier table (for
    /// reports; those given only in unsaved units are not counted until ``save()``).
    package var savedIdentifiers: Int { self.saved?.header.identifiers ?? 0 }

    /// Opens the index beside `journal`, checks it against the journal, and scans the units
    /// appended after the part it covers (in memory; ``save()`` writes them).
    ///
    /// - Parameter journal: The journal's path; the index is ``path(forJournal:)``.
    /// - Throws: ``DossierIndexError`` when there is no index or it cannot be used
    ///   (``DossierIndexError/Code/notFound``, ``DossierIndexError/Code/unsupportedVersion``,
    ///   ``DossierIndexError/Code/corrupt``, ``DossierIndexError/Code/foreignJournal``,
    ///   ``DossierIndexError/Code/stale``, ``DossierIndexError/Code/invalidRecord``);
    ///   `JournalError` when the journal cannot be read.
    public init(journal: String) throws {
        let file = try IndexFile(path: Self.path(forJournal: journal))
        let reader = try JournalReader(path: journal)
        let header = file.header
        guard reader.header.journalID == header.journalID, reader.header.genesis.bytes == header.genesis else {
            throw DossierIndexError(
                .foreignJournal, "the index was built from another journal (journal id or genesis value differs)",
                path: file.path)
        }
        guard header.coveredEnd >= reader.header.frameLength else {
            throw DossierIndexError(.corrupt, "the covered end is inside the journal's header", path: file.path)
        }
        do {
            try reader.seek(toUnitAt: header.coveredEnd)
        } catch {
            guard error.code == .invalidArgument else { throw error }
            throw DossierIndexError(
                .stale, "the journal is shorter than the \(header.coveredEnd) bytes the index covers", path: file.path)
        }
        guard reader.head.bytes == header.head else {
            throw DossierIndexError(
                .stale,
                "the journal's chain value at byte \(header.coveredEnd) is not the one indexed "
                    + "(the journal was replaced or rewritten)", path: file.path)
        }
        let scan = try Self.scan(reader, after: header.lastSequence, progress: nil)
        self.init(journal: journal, saved: file, scan: scan, reader: reader, savedUnits: header.units)
    }

    private init(journal: String, saved: IndexFile?, scan: Scan, reader: JournalReader, savedUnits: Int) {
        let tail = scan.table
        let lastSequence = scan.lastSequence
        self.journalPath = journal
        self.saved = saved
        self.tail = tail
        self.tailIdentifiers = scan.identifiers
        self.journalID = reader.header.journalID
        self.genesis = reader.header.genesis.bytes
        self.unsavedUnits = tail.unitOffsets.count
        self.unsavedEvents = scan.events
        self.coverage = Coverage(
            end: reader.nextUnitOffset, lastSequence: lastSequence, head: reader.head,
            units: savedUnits + tail.unitOffsets.count)
    }

    /// Builds the index of `journal` from scratch, by reading every sealed unit, in memory
    /// (``save()`` writes it). The journal is read as by `JournalReader`: every unit is checked
    /// against its seal; an unsealed tail ends the index.
    ///
    /// - Parameters:
    ///   - journal: The journal's path.
    ///   - progress: Called from time to time with the bytes read and the journal's size.
    /// - Throws: `JournalError` for a journal that cannot be read or is damaged;
    ///   ``DossierIndexError/Code/invalidRecord`` for a record that is not a valid event.
    public static func build(
        journal: String, progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> DossierIndex {
        let reader = try JournalReader(path: journal)
        let scan = try Self.scan(reader, after: 0, progress: progress)
        return DossierIndex(journal: journal, saved: nil, scan: scan, reader: reader, savedUnits: 0)
    }

    /// What ``update(journal:rebuild:progress:)`` did.
    public struct Update: Sendable {
        /// What was done to the file.
        public enum Action: String, Sendable {
            /// There was no index: it was built.
            case created
            /// The index could not be used (see ``Update/reason``): it was built again.
            case rebuilt
            /// Units appended since it was saved were added.
            case extended
            /// The index already covered the whole journal.
            case unchanged
        }

        /// What was done.
        public let action: Action
        /// Why the index was rebuilt: the error that made it unusable, or `nil`.
        public let reason: DossierIndexError?
        /// The index, saved.
        public let index: DossierIndex
        /// The batches and records added to the file (all of them when created or rebuilt).
        public let addedUnits: Int
        /// See ``addedUnits``.
        public let addedEvents: Int
    }

    /// Brings the index of `journal` up to date on disk: opens it and adds the units appended
    /// since it was saved, or builds it when it is missing or cannot be used (another version,
    /// damaged, foreign, stale). An index that is already up to date is read whole once to check
    /// every entry. Writes are atomic (a temporary file, synced, renamed, the directory synced).
    ///
    /// - Parameters:
    ///   - journal: The journal's path; the index is ``path(forJournal:)``.
    ///   - rebuild: Build from scratch even if the index is usable.
    ///   - progress: Called with the bytes read and the journal's size while building.
    /// - Returns: What was done, and the saved index.
    /// - Throws: `JournalError` for a journal that cannot be read or is damaged;
    ///   ``DossierIndexError`` for a record that cannot be indexed or when the file cannot be
    ///   written.
    public static func update(
        journal: String, rebuild: Bool = false, progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> Update {
        var reason: DossierIndexError?
        var action = Update.Action.rebuilt
        if !rebuild {
            do {
                var index = try DossierIndex(journal: journal)
                if index.isSaved {
                    try index.saved?.verify()
                    return Update(action: .unchanged, reason: nil, index: index, addedUnits: 0, addedEvents: 0)
                }
                let added = (index.unsavedUnits, index.unsavedEvents)
                try index.save()  // reads and checks every saved entry while merging
                return Update(action: .extended, reason: nil, index: index, addedUnits: added.0, addedEvents: added.1)
            } catch let error as DossierIndexError where error.code == .notFound {
                action = .created
            } catch let error as DossierIndexError
                where [.corrupt, .unsupportedVersion, .foreignJournal, .stale].contains(error.code)
            {
                reason = error
            }
        }
        var index = try Self.build(journal: journal, progress: progress)
        let added = (index.unsavedUnits, index.unsavedEvents)
        try index.save()
        return Update(action: action, reason: reason, index: index, addedUnits: added.0, addedEvents: added.1)
    }

    /// Writes the index to ``path`` atomically, merging the saved file with the units scanned
    /// since; afterwards this value reads the new file. Does nothing when ``isSaved``.
    /// - Throws: ``DossierIndexError/Code/io`` when the file cannot be written (a read-only
    ///   directory, a full disk); ``DossierIndexError/Code/corrupt`` when the saved file fails a
    ///   check while being merged. This value is unchanged on failure.
    public mutating func save() throws {
        guard !self.isSaved else { return }
        let encoded = try IndexWriter.encode(saved: self.saved, tail: self.tail, identifiers: self.tailIdentifiers)
        let header = IndexHeader(
            journalID: self.journalID, genesis: self.genesis, coveredEnd: self.coverage.end,
            lastSequence: self.coverage.lastSequence, head: self.coverage.head.bytes, units: self.coverage.units,
            dossiers: encoded.dossiers, postingsSize: encoded.postings.count, events: self.coverage.lastSequence,
            identifierEntries: encoded.identifierEntries, identifiers: encoded.identifiers)
        try IndexWriter.write(
            [header.encode(), encoded.table, encoded.postings, encoded.identifierTable], to: self.path)
        let file = try IndexFile(path: self.path)
        guard file.header == header else {
            throw DossierIndexError(.io, "the index file changed while it was being saved", path: self.path)
        }
        self = DossierIndex(saved: file, from: self)
    }

    private init(saved: IndexFile, from index: DossierIndex) {
        self.journalPath = index.journalPath
        self.saved = saved
        var empty = PostingsTable()
        empty.finish()
        self.tail = empty
        self.tailIdentifiers = .empty
        self.journalID = index.journalID
        self.genesis = index.genesis
        self.coverage = index.coverage
        self.unsavedUnits = 0
        self.unsavedEvents = 0
    }

    /// The offsets of the units that hold events of `dossier`, in journal order: candidates, to
    /// be read with `JournalReader.seek(toUnitAt:)` and filtered (a unit holds records of other
    /// dossiers too). Empty if the journal holds no event of `dossier`.
    ///
    /// A lookup reads about a dozen table entries and one postings block of the file.
    /// - Throws: ``DossierIndexError/Code/corrupt`` when an entry or block read fails its check.
    public func units(of dossier: DossierID) throws -> [Int] {
        let key = DossierKey(dossier)
        let saved = try self.saved?.lookup(key) ?? []
        return saved + self.tail.offsets(of: key)
    }

    /// Calls `body` with every event of `dossier`, in journal order, with its stored bytes
    /// (valid during the call only), reading only the units the index names.
    ///
    /// Each unit is checked against its seal and must be the batch that starts at the offset
    /// named; records of other dossiers are skipped (by their `dossier` member, or by decoding
    /// them when they are not in the canonical form); each record is returned at most once, and
    /// its `seq` must be its sequence number.
    /// - Throws: `JournalError` when a unit does not read (damage, or an offset that is not a
    ///   unit); ``DossierIndexError/Code/corrupt`` when the index fails a check or names no sealed
    ///   unit; ``DossierIndexError/Code/foreignJournal`` if the journal was replaced since the
    ///   index was opened; `EventDecodingError` for a record of `dossier` that is not a valid
    ///   event; or what `body` throws.
    public func forEachEvent(
        of dossier: DossierID, _ body: (_ event: Event, _ record: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let key = DossierKey(dossier)
        try self.forEachRecord(inUnitsAt: try self.units(of: dossier)) { _, sequence, record in
            if let fast = RecordDossier.fastKey(record), fast != key { return }
            let event = try EventCodec.decode(record, at: sequence)
            guard event.dossier == dossier else { return }
            try body(event, record)
        }
    }

    /// The dossiers that were ever identified by any of `identifiers`, current or old (ID-3), in
    /// journal order of the event that last gave one of them to each dossier: the last one is
    /// the latest holder. Empty if no dossier ever was.
    ///
    /// The identity events are `OpeningNoticeSent`, `DossierOpened` (when it carries an
    /// identifier) and `IdentifierChanged`. Pass several identifiers when the text a person typed
    /// may stand for several, such as a bare 15-character number that may be a NIR or a NIA.
    ///
    /// ```swift
    /// let number = "185057505612388"
    /// let holders = try index.dossiers(
    ///     identifiedBy: [try PatientIdentifier(number, kind: .nir), try PatientIdentifier(number, kind: .nia)])
    /// ```
    ///
    /// The index is not trusted: for each dossier its identifier table names, the unit it names
    /// is read (checked against its seal) and must hold an event of that dossier giving it the
    /// identifier; the order is that of the sequence numbers read there. A damaged or forged
    /// index can therefore make the lookup fail, or, forged with recomputed checks, omit a
    /// dossier, never name a dossier that the journal does not show holding the identifier.
    ///
    /// A lookup reads about a dozen entries of the identifier table, one table entry and one
    /// unit for each dossier named.
    /// - Parameter identifiers: The identifiers, matched by their string form
    ///   (`PatientIdentifier.description`).
    /// - Returns: The dossiers, the latest holder last.
    /// - Throws: ``DossierIndexError/Code/corrupt`` when the index fails a check or names a
    ///   dossier that the unit it names does not show receiving the identifier;
    ///   ``DossierIndexError/Code/foreignJournal`` if the journal was replaced since the index was
    ///   opened; `JournalError` when a unit does not read; `EventDecodingError` for a record of a
    ///   dossier named that is not a valid event.
    public func dossiers(identifiedBy identifiers: [PatientIdentifier]) throws -> [DossierID] {
        /// The index's word that the unit at `unit` gave `name` to `dossier`.
        struct Claim {
            var unit: Int
            var dossier: DossierKey
            var name: String
            /// The sequence number of the last event of the unit confirming it.
            var sequence: UInt64 = 0
        }
        var claims: [Claim] = []
        for name in Set(identifiers.map(\.description)).sorted() {
            let key = IdentifierKey(name)
            for holding in try self.saved?.holdings(of: key) ?? [] {
                claims.append(Claim(unit: holding.unit, dossier: holding.dossier, name: name))
            }
            for holding in self.tailIdentifiers.holdings(of: key) {
                claims.append(
                    Claim(
                        unit: self.tail.unitOffsets[Int(holding.unit)], dossier: self.tail.keys[Int(holding.dossier)],
                        name: name))
            }
        }
        guard !claims.isEmpty else { return [] }
        var byUnit: [Int: [Int]] = [:]  // unit offset → indices in `claims`
        for (index, claim) in claims.enumerated() { byUnit[claim.unit, default: []].append(index) }
        try self.forEachRecord(inUnitsAt: byUnit.keys.sorted()) { unit, sequence, record in
            guard let named = byUnit[unit] else { return }
            let key = try RecordDossier.key(of: record)
            guard named.contains(where: { claims[$0].dossier == key }) else { return }
            guard let given = try EventCodec.decode(record, at: sequence).payload.givenIdentifier?.description
            else { return }
            for index in named where claims[index].dossier == key && claims[index].name == given {
                claims[index].sequence = sequence
            }
        }
        var latest: [DossierKey: UInt64] = [:]
        for claim in claims {
            guard claim.sequence > 0 else {
                throw DossierIndexError(
                    .corrupt,
                    "the index says that the unit at byte \(claim.unit) gave an identifier to dossier "
                        + "\(DossierID(claim.dossier).rawValue); it holds no such event", path: self.path)
            }
            latest[claim.dossier] = max(latest[claim.dossier] ?? 0, claim.sequence)
        }
        return latest.sorted { $0.value < $1.value }.map { DossierID($0.key) }
    }

    /// Calls `body` with every record of the units at `offsets` (ascending), with the unit's
    /// offset and the record's sequence number, reading only those units.
    ///
    /// Each unit is checked against its seal and must be the batch that starts at the offset
    /// named; each record is passed at most once.
    private func forEachRecord(
        inUnitsAt offsets: [Int],
        _ body: (_ unit: Int, _ sequence: UInt64, _ record: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard !offsets.isEmpty else { return }
        let reader = try JournalReader(path: self.journalPath)
        guard reader.header.journalID == self.journalID, reader.header.genesis.bytes == self.genesis else {
            throw DossierIndexError(
                .foreignJournal, "the journal was replaced after its index was opened", path: self.path)
        }
        Self.prefetch(self.journalPath, offsets: offsets)
        let peek = try JournalPeek(path: self.journalPath, chunk: 4096)
        var last: UInt64 = 0
        for offset in offsets {
            try self.seek(reader, to: offset)
            var first = true
            let read = try reader.nextBatch { sequence, _, record in
                if first {
                    // The unit read must be the batch at `offset` (its seal says where it starts).
                    first = false
                    guard try peek.sealedStart(ofUnitEndingAt: reader.nextUnitOffset) == offset else {
                        throw DossierIndexError(
                            .corrupt, "the index names byte \(offset), where no batch starts", path: self.path)
                    }
                }
                guard sequence > last else { return }
                last = sequence
                try body(offset, sequence, record)
            }
            guard read else {
                throw DossierIndexError(
                    .corrupt, "the index names byte \(offset), where no sealed unit starts", path: self.path)
            }
        }
    }

    /// Moves `reader` to the unit at `offset`, named by the index.
    private func seek(_ reader: JournalReader, to offset: Int) throws {
        do {
            try reader.seek(toUnitAt: offset)
        } catch {
            guard error.code == .invalidArgument else { throw error }
            throw DossierIndexError(.corrupt, "the index names byte \(offset), outside the journal", path: self.path)
        }
    }

    // MARK: Scanning

    private struct Scan {
        var table = PostingsTable()
        var identifiers = IdentifierTable()
        var lastSequence: UInt64
        var events = 0
    }

    /// Reads every unit from the reader's position to the end of what is sealed.
    private static func scan(
        _ reader: JournalReader, after lastSequence: UInt64, progress: ((Int, Int) -> Void)?
    ) throws -> Scan {
        var scan = Scan(lastSequence: lastSequence)
        let total = progress == nil ? 0 : fileSize(reader.path)
        let peek = try JournalPeek(path: reader.path, chunk: 1 << 20)
        while true {
            let previousEnd = reader.nextUnitOffset
            var unit: Int32 = -1
            let more = try reader.nextBatch { sequence, _, record in
                if unit < 0 {
                    guard sequence == scan.lastSequence + 1 else {
                        throw DossierIndexError(
                            .stale,
                            "the journal's record after the indexed part is \(sequence), not \(scan.lastSequence + 1)")
                    }
                    // The batch starts after the checkpoints, if any, that follow the last unit.
                    let start = try peek.batchStart(after: previousEnd, end: reader.nextUnitOffset)
                    unit = scan.table.beginUnit(at: start)
                }
                let read: (key: DossierKey, identifier: PatientIdentifier?)
                do {
                    read = try RecordDossier.keyAndIdentifier(of: record)
                } catch {
                    throw DossierIndexError(
                        .invalidRecord, "\(reader.path): record \(sequence) cannot be indexed: \(error)")
                }
                let dossier = scan.table.add(read.key, unit: unit)
                if let identifier = read.identifier {
                    scan.identifiers.add(IdentifierKey(identifier.description), dossier: dossier, unit: unit)
                }
                scan.lastSequence = sequence
                scan.events += 1
            }
            guard more else { break }
            if let progress { progress(reader.nextUnitOffset, total) }
        }
        scan.table.finish()
        scan.identifiers.finish()
        return scan
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The size of a file, or 0 if it cannot be read (for progress only).
private func fileSize(_ path: String) -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else { return 0 }
    return Int(info.st_size)
}

extension DossierIndex {
    /// Asks the kernel to start reading the units to come, all at once: on a cold cache the disk
    /// then serves them in parallel instead of one seek after another. A hint only: nothing fails
    /// if it is not taken.
    static func prefetch(_ path: String, offsets: [Int]) {
        #if os(Linux)
            guard offsets.count > 1 else { return }
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { return }
            defer { close(fd) }
            for offset in offsets {
                _ = posix_fadvise(fd, off_t(offset), 64 << 10, POSIX_FADV_WILLNEED)
            }
        #endif
    }
}
