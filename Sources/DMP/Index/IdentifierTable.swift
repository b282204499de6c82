import Crypto

/// A patient identifier as the index stores it: the first 16 bytes of the SHA-256 of its string
/// form (`PatientIdentifier.description`, such as `NIR:255081416802538`).
///
/// The index compares keys, never strings: every dossier it names for a key is confirmed from the
/// journal, whose record gives the identifier itself (``DossierIndex/dossiers(identifiedBy:)``).
/// The key is not a secret: the identifiers of a journal are few enough to be enumerated.
struct IdentifierKey: IndexKey {
    var high: UInt64
    var low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The key of the identifier whose string form is `name`.
    init(_ name: String) {
        let digest = SHA256.hash(data: Array(name.utf8))
        self = digest.withUnsafeBytes { Self.load(from: $0, at: 0) }
    }
}

extension EventPayload {
    /// The identifier an identity event gives its dossier (ID-3): that of `OpeningNoticeSent`,
    /// of `DossierOpened` when it carries one, of `IdentifierChanged`; `nil` for any other event.
    var givenIdentifier: PatientIdentifier? {
        switch self {
        case .openingNoticeSent(let identifier, _, _, _, _): identifier
        case .dossierOpened(_, let identifier, _, _, _, _): identifier
        case .identifierChanged(let identifier): identifier
        default: nil
        }
    }
}

/// The identifiers given to dossiers in the units being indexed in memory, beside a
/// ``PostingsTable`` whose dossier and unit ordinals it uses: for each (identifier, dossier), the
/// last unit holding an event that gave that identifier to that dossier.
struct IdentifierTable: Sendable {
    /// One identifier given to one dossier in one unit.
    struct Holding: Sendable {
        var key: IdentifierKey
        /// The dossier's ordinal in the ``PostingsTable``.
        var dossier: Int32
        /// The unit's ordinal in the ``PostingsTable``.
        var unit: Int32
    }

    /// A table with no holding, finished.
    static let empty: IdentifierTable = {
        var table = IdentifierTable()
        table.finish()
        return table
    }()

    /// In journal order until ``finish()``; then sorted by (key, dossier), one per pair, with the
    /// last unit.
    private(set) var holdings: [Holding] = []
    /// Whether ``finish()`` was called.
    private(set) var isFinished = false

    /// Records that unit `unit` (the last one begun) holds an event giving the identifier `key`
    /// to the dossier at ordinal `dossier`.
    mutating func add(_ key: IdentifierKey, dossier: Int32, unit: Int32) {
        precondition(!self.isFinished, "add before finish()")
        self.holdings.append(Holding(key: key, dossier: dossier, unit: unit))
    }

    /// Keeps, for each (identifier, dossier), the last unit. Call once every unit is added.
    mutating func finish() {
        self.holdings.sort { ($0.key, $0.dossier, $0.unit) < ($1.key, $1.dossier, $1.unit) }
        var kept: [Holding] = []
        kept.reserveCapacity(self.holdings.count)
        for holding in self.holdings {
            if let last = kept.last, last.key == holding.key, last.dossier == holding.dossier {
                kept[kept.count - 1] = holding  // a later unit
            } else {
                kept.append(holding)
            }
        }
        self.holdings = kept
        self.isFinished = true
    }

    /// The holdings of `key`, in dossier ordinal order.
    func holdings(of key: IdentifierKey) -> ArraySlice<Holding> {
        precondition(self.isFinished, "finish() first")
        var low = 0
        var high = self.holdings.count
        while low < high {
            let middle = (low + high) / 2
            if self.holdings[middle].key < key { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < self.holdings.count, self.holdings[end].key == key { end += 1 }
        return self.holdings[low..<end]
    }
}
