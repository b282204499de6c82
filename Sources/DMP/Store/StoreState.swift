/// Everything a store derives from its journal: rebuilt on open, kept up to date with every
/// event. Its memory is proportional to the dossiers and to the commands of the idempotency
/// window, not to the journal.
struct StoreState {
    /// What a command produced, compactly: its events are re-read from the journal on a retry (a
    /// command's events are contiguous and share their time: from `firstSequence` while their key
    /// and time are the command's).
    struct Outcome {
        /// The hash of the command's canonical encoding (empty for commands replayed from the
        /// journal, whose actor is compared instead).
        var fingerprint: String
        /// The actor's national id.
        var actorID: String
        /// The sequence number of its first event.
        var firstSequence: UInt64
        /// The refusal, for a refused read (its trace is its only event).
        var refusal: DomainError?
        /// The events while they may not be durable yet (dropped once read back is possible).
        var pending: [Event]?
    }

    /// Every dossier's state.
    var states = DossierStates()
    /// Identifier (current and old, ID-3) → dossier.
    var identifiers: [PatientIdentifier: DossierID] = [:]
    /// Idempotency key → outcome, for the keys of the window.
    var outcomes: [String: Outcome] = [:]
    /// Keys in the order they were first seen, with their time, to forget them after the window.
    var keyOrder: [(at: Int64, key: String)] = []
    var keyOrderStart = 0
    /// While replaying, the outcomes of the keys of `keyOrder`, in the same order: hashing every
    /// key of the journal into `outcomes`, to forget most of them a month later, would cost more
    /// than the rest of the fold. ``finishReplay()`` indexes those still in the window.
    private var recent: [Outcome] = []
    /// Whether the journal is being replayed (see `recent`).
    private(set) var replaying = true
    /// The time of the last event.
    var lastAt: Int64 = 0
    /// Management figures (traces are read from the journal).
    var figures = ManagementProjection()
    /// The key of the last event applied: the next events of the same command need no lookup.
    var lastKey = ""
    /// The time of the first event of `lastKey`.
    var lastKeyAt: Int64 = -1
    /// How long keys are remembered, in ms (`nil`: for ever).
    let window: Int64?

    init(window: Int64?) {
        self.window = window
    }

    /// Applies a durable (or about to be) event to the states, the indexes and projections.
    mutating func apply(_ event: Event) {
        let dossier = event.dossier
        // Mutate in place: copying the state out and back would copy its collections every event.
        let slot = self.states.slot(of: dossier)
        self.states.values[slot].apply(event)
        self.lastAt = max(self.lastAt, event.at)
        switch event.payload {
        case .openingNoticeSent(let identifier, _, _, _, _), .identifierChanged(let identifier):
            self.identifiers[identifier] = dossier
        case .dossierOpened(_, let identifier?, _, _, _, _):
            self.identifiers[identifier] = dossier
        case .dossierPurged:
            for identifier in self.states.values[slot].identifiers
            where self.identifiers[identifier] == dossier {
                self.identifiers[identifier] = nil
            }
        default:
            break
        }
        self.figures.apply(event, traits: self.states.values[slot].traits)
        // Only a command's first event is recorded. (A key comes back only in a retry, which
        // appends nothing, or once forgotten, after the window, so at another time.)
        if event.command != self.lastKey || event.at != self.lastKeyAt {
            self.recordFirstEvent(command: event.command, at: event.at, actorID: event.actor.id, sequence: event.sequence)
        }
        if case .consultationRefused(_, _, _, let refusal, _) = event.payload {
            let error = DomainError(DomainError.Code(rawValue: refusal), "refused: \(refusal)")
            if self.replaying {
                self.recent[self.recent.count - 1].refusal = error
            } else {
                self.outcomes[event.command]?.refusal = error
            }
        }
    }

    /// Records the outcome of a command from its first event.
    mutating func recordFirstEvent(command: String, at: Int64, actorID: String, sequence: UInt64) {
        self.lastKey = command
        self.lastKeyAt = at
        let outcome = Outcome(fingerprint: "", actorID: actorID, firstSequence: sequence, refusal: nil)
        if self.replaying {
            self.recent.append(outcome)
        } else {
            self.outcomes[command] = outcome
        }
        self.keyOrder.append((at, command))
        self.forgetOldKeys(now: at)
    }

    /// Ends the replay: indexes the outcomes of the commands still in the window.
    mutating func finishReplay() {
        guard self.replaying else { return }
        self.replaying = false
        self.outcomes.reserveCapacity(self.outcomes.count + self.keyOrder.count - self.keyOrderStart)
        for index in self.keyOrderStart..<self.keyOrder.count {
            // A key seen twice in the window (impossible in a journal this store wrote) keeps its
            // latest outcome.
            self.outcomes[self.keyOrder[index].key] = self.recent[index]
        }
        self.recent = []
    }

    /// Forgets the keys first seen more than the window before `now` (while replaying, they are
    /// not in `outcomes` yet: only the window's start moves).
    mutating func forgetOldKeys(now: Int64) {
        guard let window = self.window else { return }
        while self.keyOrderStart < self.keyOrder.count, self.keyOrder[self.keyOrderStart].at < now - window {
            if !self.replaying {
                self.outcomes[self.keyOrder[self.keyOrderStart].key] = nil
            }
            self.keyOrderStart += 1
        }
        if self.keyOrderStart > 4096 && self.keyOrderStart * 2 > self.keyOrder.count {
            self.keyOrder.removeFirst(self.keyOrderStart)
            if self.replaying {
                self.recent.removeFirst(self.keyOrderStart)
            }
            self.keyOrderStart = 0
        }
    }

    /// Starts a command's events: the next event is a command's first, whatever its key.
    mutating func beginCommand() {
        self.lastKey = ""
    }
}

/// Every dossier's state, kept in an array in the order the dossiers first appear, with a map from
/// each id to its place. A dictionary of states would move every state (hundreds of bytes, with
/// their collections) each time it grows; this moves the small map only, and a replay finds a
/// state with one lookup of its id.
struct DossierStates: Equatable {
    /// The states, in the order the dossiers first appeared.
    var values: [DossierState] = []
    /// Where each dossier's state is in `values`.
    private var slots: [DossierID: Int] = [:]
    /// The dossier of the last ``slot(of:)`` and its place: a command's events follow one another
    /// and most concern one dossier (about 40% of the demo's events need no lookup).
    private var lastID: DossierID?
    private var lastSlot = 0

    /// Every dossier id.
    var keys: Dictionary<DossierID, Int>.Keys { self.slots.keys }

    /// The state of a dossier, if it has had an event.
    subscript(id: DossierID) -> DossierState? {
        self.slots[id].map { self.values[$0] }
    }

    /// The place of a dossier's state in `values`, made (with the state before any event) on its
    /// first event.
    mutating func slot(of id: DossierID) -> Int {
        if id == self.lastID {
            return self.lastSlot
        }
        self.lastID = id
        if let slot = self.slots[id] {
            self.lastSlot = slot
            return slot
        }
        self.lastSlot = self.values.count
        self.slots[id] = self.values.count
        self.values.append(DossierState(id: id))
        return self.values.count - 1
    }

    /// The same dossiers in the same states, whatever their order.
    static func == (lhs: DossierStates, rhs: DossierStates) -> Bool {
        lhs.values.count == rhs.values.count && lhs.values.allSatisfy { rhs[$0.id] == $0 }
    }
}
