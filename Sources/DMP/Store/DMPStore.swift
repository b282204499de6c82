import Crypto
import DMPJournal

/// The store: a journal, the live state of every dossier, and the rules between them.
///
/// `execute(_:)` decides a command against the current state, appends its events durably
/// (through the journal's group commit), and returns them. Opening a store replays its journal,
/// so a store always holds exactly what its journal says.
///
/// ```swift
/// let store = try await DMPStore.open(at: "dmp.dmpj")
/// let events = try await store.execute(
///     Command(key: "notice-1", actor: .operatorFeed,
///             action: .sendOpeningNotice(identifier: nir, traits: traits, channel: .email)))
/// let dossier = events[0].dossier
/// let trace = await store.trace(of: dossier, viewer: .holder)
/// try await store.close()
/// ```
///
/// Concurrency: the store is an actor. Deciding a command, applying its events to the live state
/// and handing them to the journal happen without suspension, so two commands never decide on the
/// same stale state (the second sees the first's events, durable or about to be). A command
/// returns only once its events are durable. If the journal fails, the store refuses every later
/// command (``DomainError/Code/storageFailed``): reopen it, which replays what is durable.
public actor DMPStore {
    /// How a store behaves.
    public struct Configuration: Sendable {
        /// The rule settings (DOMAIN.md *choices*).
        public var settings = PolicySettings()
        /// The journal writer's options (durability, signer, checkpoint interval). A new journal
        /// gets the store's LZ4 dictionary of typical events (`journal.dictionary`, format
        /// version 2): about a fifth smaller than without one when commits are small; set it to
        /// `nil` for a version 1 journal.
        public var journal = JournalOptions()
        /// The clock used for commands without their own time, ms since the epoch.
        public var clock: @Sendable () -> Int64 = { JournalClock.system.now() }
        /// How long an idempotency key is remembered (DOC-3), in ms; `nil` for ever. Default:
        /// 30 days. Memory for keys is proportional to the commands of that window, not to the
        /// journal.
        public var idempotencyWindow: Int64? = 30 * 86_400_000
        /// Whether opening may replay on two threads (decode on the caller's, fold on another)
        /// when the machine has a second core: measured, about 1.4× faster. `false` replays on
        /// the caller's thread only.
        public var replayOnTwoThreads = true

        /// The defaults: sync every commit, the system clock, the default rule settings.
        public init() {
            self.journal.application = DMPStore.application
            self.journal.dictionary = EventDictionary.bytes
        }
    }

    /// The times a command may have: deadlines computed from them (up to 10 years later) stay
    /// within what timestamps can hold.
    static let commandTimes: ClosedRange<Int64> = 0...ParisCalendar.days(year: 9000, month: 1, day: 1) * 86_400_000

    /// The record format name written in the journal header.
    public static let application = "dmp-events/1"

    private let writer: JournalWriter
    private let configuration: Configuration
    /// The journal file.
    public nonisolated let path: String
    /// The content-addressed store of document bodies beside the journal.
    public nonisolated let bodies: BodyStore
    private var failure: JournalError?
    /// The number of commands whose clock time was before the last event (clamped, DOMAIN "Time").
    public private(set) var clampedClockReadings = 0

    private var live: StoreState

    private init(writer: JournalWriter, configuration: Configuration, live: StoreState) {
        self.writer = writer
        self.path = writer.path
        self.bodies = BodyStore(journalPath: writer.path)
        self.bodies.removeAbandonedTemporaries()
        self.configuration = configuration
        self.live = live
    }

    /// Opens the store at `path`, creating an empty journal if none exists, and replays it.
    ///
    /// The journal is read once: the writer's verification scan hands each sealed batch to the
    /// replay, which decodes on the calling thread and folds on a second one when the machine
    /// has two cores (``ReplayPipeline``).
    /// - Throws: ``JournalError`` when the journal cannot be opened (locked, damaged, not a
    ///   journal), ``EventDecodingError`` when it holds a record that is not a valid event.
    public static func open(at path: String, configuration: Configuration = Configuration()) async throws -> DMPStore {
        let pipeline = ReplayPipeline(
            window: configuration.idempotencyWindow,
            threaded: configuration.replayOnTwoThreads && ReplayPipeline.hasSecondCore)
        var replayError: (any Error)?
        let writer: JournalWriter
        do {
            writer = try JournalWriter.open(at: path, options: configuration.journal) { first, _, records in
                do {
                    try pipeline.replay(records, firstSequence: first)
                    return true
                } catch {
                    replayError = error
                    return false
                }
            }
        } catch JournalError.fileNotFound {
            writer = try JournalWriter.create(at: path, options: configuration.journal)
        } catch {
            _ = pipeline.finish()
            throw replayError ?? error
        }
        return DMPStore(writer: writer, configuration: configuration, live: pipeline.finish())
    }

    /// Decides a command, appends its events durably, and returns them.
    ///
    /// A retried command (same idempotency key, same command) returns its original events
    /// without appending anything (DOC-3); the same key with a different command is refused. A
    /// refused read appends the trace of its refusal and then throws the refusal (ACC-11).
    /// - Throws: ``DomainError`` with a reason code.
    @discardableResult
    public func execute(_ command: Command) async throws(DomainError) -> [Event] {
        if let failure = self.failure {
            throw DomainError(.storageFailed, "the journal failed earlier (\(failure.message)); reopen the store")
        }
        guard !command.key.isEmpty else { throw DomainError(.invalidCommand, "the command has no idempotency key") }
        let fingerprint = Self.fingerprint(command)
        if let outcome = self.live.outcomes[command.key] {
            let same = outcome.fingerprint.isEmpty
                ? outcome.actorID == command.actor.id
                : outcome.fingerprint == fingerprint
            guard same else {
                throw DomainError(
                    .idempotencyConflict, "the key \(command.key) was already used for a different command",
                    rule: "DOC-3")
            }
            if let refusal = outcome.refusal { throw refusal }
            return try self.events(of: outcome)
        }
        // Time never goes backwards in the journal.
        var now: Int64
        if let at = command.at, !Self.commandTimes.contains(at) {
            throw DomainError(.invalidCommand, "at: \(Timestamp.format(at)) is outside the years 1970 to 8999")
        }
        if let at = command.at {
            guard at >= self.live.lastAt else {
                throw DomainError(
                    .timeReversed,
                    "the command is dated \(Timestamp.format(at)), before the last event (\(Timestamp.format(self.live.lastAt)))")
            }
            now = at
        } else {
            now = self.configuration.clock()
            guard Self.commandTimes.contains(now) else {
                throw DomainError(
                    .invalidCommand, "the store's clock reads \(Timestamp.format(now)), outside the years 1970 to 8999")
            }
            if now < self.live.lastAt {
                self.clampedClockReadings += 1
                now = self.live.lastAt
            }
        }
        let decision: Decision
        if case .tick = command.action {
            guard command.actor.role == .system || command.actor.role == .operatorFeed else {
                throw DomainError(.notAuthorised, "only the system tells the store the time has come")
            }
            decision = Decision(
                events: Decider.tick(self.live.states.values, now: now, key: command.key, settings: self.configuration.settings),
                refusal: nil)
        } else {
            let state = command.dossier.flatMap { self.live.states[$0] }
            if let dossier = command.dossier, state == nil {
                throw DomainError(.unknownDossier, "no dossier \(dossier.rawValue)")
            }
            let index = self.live.identifiers
            let states = self.live.states
            let context = DecisionContext(
                now: now, settings: self.configuration.settings,
                dossierHolding: { identifier in
                    guard let id = index[identifier], states[id]?.status != .purged else { return nil }
                    return id
                })
            decision = try Decider.decide(command, state: state, context: context)
        }
        if decision.events.isEmpty {
            if let refusal = decision.refusal { throw refusal }
            return []
        }
        // Hand the events to the journal and apply them, without suspension in between.
        var events = decision.events
        let ticket: CommitTicket
        do throws(JournalError) {
            ticket = try self.writer.submit { (first: UInt64) throws(JournalError) -> RecordBatch in
                var batch = RecordBatch()
                for index in events.indices {
                    events[index].sequence = first + UInt64(index)
                    let event = events[index]
                    try batch.appendRecord { buffer in EventCodec.encode(event, into: &buffer) }
                }
                return batch
            }
        } catch {
            self.failure = error
            throw DomainError(.storageFailed, "the journal refused the events: \(error.message)")
        }
        self.live.beginCommand()
        for event in events { self.live.apply(event) }
        self.live.outcomes[command.key]?.fingerprint = fingerprint
        self.live.outcomes[command.key]?.pending = events
        self.live.forgetOldKeys(now: now)
        do throws(JournalError) {
            try await ticket.wait()
        } catch {
            self.failure = error
            throw DomainError(.storageFailed, "the events could not be made durable: \(error.message)")
        }
        self.live.outcomes[command.key]?.pending = nil
        if let refusal = decision.refusal { throw refusal }
        return events
    }

    /// The events of an earlier command: from memory while pending, else from the journal.
    private func events(of outcome: StoreState.Outcome) throws(DomainError) -> [Event] {
        if let pending = outcome.pending { return pending }
        do {
            let reader = try JournalReader(path: self.path)
            try reader.seek(toSequence: outcome.firstSequence)
            var events: [Event] = []
            while let record = try reader.next() {
                let event = try EventCodec.decode(record.bytes)
                guard events.isEmpty || (event.command == events[0].command && event.at == events[0].at) else { break }
                events.append(event)
            }
            return events
        } catch {
            throw DomainError(.storageFailed, "cannot read back the original outcome: \(error)")
        }
    }

    /// The command's identity for idempotency: a hash of its canonical encoding.
    static func fingerprint(_ command: Command) -> String {
        var hasher = SHA256()
        hasher.update(data: CommandCodec.encode(command))
        return hasher.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// The current state of a dossier.
    public func state(of dossier: DossierID) -> DossierState? {
        self.live.states[dossier]
    }

    /// The live (not purged) dossier holding an identifier, old identifiers included (ID-3).
    public func dossier(for identifier: PatientIdentifier) -> DossierID? {
        guard let id = self.live.identifiers[identifier], self.live.states[id]?.status != .purged else { return nil }
        return id
    }

    /// Every dossier id, sorted.
    public func dossierIDs() -> [DossierID] {
        self.live.states.keys.sorted()
    }

    /// The access trace of a dossier as `viewer` may see it (TR-2, TR-3), read from the journal
    /// (acknowledged events).
    /// - Throws: when the journal cannot be read.
    public func trace(of dossier: DossierID, viewer: TraceViewer) throws -> [TraceEntry] {
        try History.trace(of: dossier, viewer: viewer, journal: self.path)
    }

    /// The management figures the operator may see (section 8).
    public func managementFigures() -> ManagementFigures {
        self.live.figures.figures
    }

    /// The last sequence number applied.
    public var lastSequence: UInt64 { self.writer.lastSequence }

    /// Waits for pending commits, writes the closing checkpoint if configured, and closes.
    public func close() async throws {
        try await self.writer.close()
    }
}
