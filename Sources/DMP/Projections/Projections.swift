/// Who is looking at a trace (TR-2, TR-3).
public enum TraceViewer: Sendable, Hashable {
    /// The holder: everything except entries about documents invisible to them, until released.
    case holder
    /// A legal representative: as the holder, and never entries hidden from representatives
    /// (ACC-7).
    case legalRepresentative(String)
    /// A professional: their own actions; a médecin traitant or administrator sees the whole
    /// trace.
    case professional(String)
}

/// One line of a dossier's access trace: who, in which role, when, what, in which mode, from
/// which structure and software (TR-1).
public struct TraceEntry: Sendable, Hashable {
    /// The event's sequence number.
    public var sequence: UInt64
    /// When, ms since the epoch.
    public var at: Int64
    /// The event type (`DocumentConsulted`, `ConsultationRefused`, ...).
    public var type: String
    /// Who acted.
    public var actor: Actor
    /// The document concerned, if any.
    public var document: String?
    /// The access mode, for reads and deposits.
    public var mode: AccessMode?
    /// The right used, for allowed reads.
    public var right: AccessRight?
    /// The refusal code, for refused reads.
    public var refusal: String?
    /// The stated reason (emergency access, deletion, block).
    public var reason: String?
}

/// Counts for steering the deployment, with no medical data (section 8): never a document, never
/// a trace entry naming a document.
public struct ManagementFigures: Sendable, Hashable {
    /// Notices sent.
    public var noticesSent = 0
    /// Oppositions to creation.
    public var oppositions = 0
    /// Openings by creation mode.
    public var openingsByMode: [String: Int] = [:]
    /// Openings by département of birth (the first two characters of the INSEE birth place code).
    public var openingsByDepartement: [String: Int] = [:]
    /// Closures by reason.
    public var closuresByReason: [String: Int] = [:]
    /// Reopenings.
    public var reopenings = 0
    /// Purges.
    public var purges = 0
    /// Documents deposited, by category.
    public var documentsByCategory: [String: Int] = [:]
    /// Reads (list and document), by access mode.
    public var accessesByMode: [String: Int] = [:]
    /// Refused reads.
    public var refusedAccesses = 0
}

/// The management figures, as a fold of events (section 8).
struct ManagementProjection {
    private(set) var figures = ManagementFigures()

    /// Counts an event. `traits` are the holder's identity traits after the event (read only for
    /// openings).
    mutating func apply(_ event: Event, traits: @autoclosure () -> IdentityTraits?) {
        switch event.payload {
        case .openingNoticeSent:
            self.figures.noticesSent += 1
        case .creationOpposed:
            self.figures.oppositions += 1
        case .dossierOpened(let mode, _, _, _, _, _):
            self.figures.openingsByMode[mode.rawValue, default: 0] += 1
            let departement = traits().map { String($0.birthPlace.rawValue.prefix(2)) } ?? "unknown"
            self.figures.openingsByDepartement[departement, default: 0] += 1
        case .dossierClosed(let reason, _):
            self.figures.closuresByReason[reason.rawValue, default: 0] += 1
        case .dossierReopened:
            self.figures.reopenings += 1
        case .dossierPurged:
            self.figures.purges += 1
        case .documentDeposited(let document, _, _, _), .documentReplaced(_, let document, _, _, _):
            self.figures.documentsByCategory[document.category, default: 0] += 1
        case .documentListConsulted(let mode, _, _, _), .documentConsulted(_, let mode, _, _):
            self.countRead(mode)
        case .consultationRefused:
            self.figures.refusedAccesses += 1
        default:
            break
        }
    }

    /// Counts a read (of a document or of the list) in a mode.
    mutating func countRead(_ mode: AccessMode) {
        self.figures.accessesByMode[mode.rawValue, default: 0] += 1
    }
}

/// The access trace of a dossier: every event, as a trace entry (TR-1), filtered per viewer at
/// query time against the dossier's current state (TR-2, TR-3). The trace survives purges (TR-5).
enum Traces {
    /// The trace entry of an event.
    static func entry(_ event: Event) -> TraceEntry {
        var entry = TraceEntry(
            sequence: event.sequence, at: event.at, type: event.type, actor: event.actor,
            document: event.payload.documentID)
        switch event.payload {
        case .documentDeposited(_, let mode, _, _), .documentReplaced(_, _, let mode, _, _):
            entry.mode = mode
        case .documentListConsulted(let mode, let reason, let right, _), .documentConsulted(_, let mode, let reason, let right):
            entry.mode = mode
            entry.reason = reason
            entry.right = right
        case .consultationRefused(_, let mode, let reason, let refusal, _):
            entry.mode = mode
            entry.reason = reason
            entry.refusal = refusal
        case .documentDeleted(_, let reason):
            entry.reason = reason
        case .professionalBlocked(_, _, let reason):
            entry.reason = reason
        default:
            break
        }
        return entry
    }

    /// TR-2 and TR-3: what each viewer may see of a trace, given the dossier's current state.
    static func filter(_ entries: [TraceEntry], viewer: TraceViewer, state: DossierState) -> [TraceEntry] {
        switch viewer {
        case .holder:
            return entries.compactMap { entry in
                Self.forPatient(entry, state: state, representative: false)
            }
        case .legalRepresentative(let id):
            guard state.representatives[id] != nil else { return [] }
            return entries.compactMap { entry in
                Self.forPatient(entry, state: state, representative: true)
            }
        case .professional(let id):
            if state.treatingDoctors.contains(id) || state.administrators.contains(id) { return entries }
            return entries.filter { $0.actor.id == id }
        }
    }

    /// An entry as the holder (or a representative) may see it, or `nil` if withheld.
    static func forPatient(_ entry: TraceEntry, state: DossierState, representative: Bool) -> TraceEntry? {
        // Entries made in a minor's secret connection never reach representatives (ACC-7).
        if representative && entry.mode == .secretConnection { return nil }
        guard let id = entry.document else { return entry }
        guard let document = state.documents[id] else {
            // A document that never existed (a refused read of an unknown id): nothing to hide.
            return entry
        }
        if document.confidentiality.contains(.invisibleToPatient) {
            if entry.type == "NotificationSent" {
                // The reminder says something awaits, without saying what (ACC-6).
                var hidden = entry
                hidden.document = nil
                return hidden
            }
            return nil  // TR-3: withheld until released.
        }
        if representative && (document.confidentiality.contains(.invisibleToRepresentatives) || document.secret) {
            return nil
        }
        return entry
    }
}
