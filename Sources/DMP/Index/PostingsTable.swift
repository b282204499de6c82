/// The postings being built in memory: for each dossier key, the units (in journal order, each
/// once) that hold its records.
///
/// An open-addressing hash table from key to dossier ordinal (the keys are UUIDs, mixed once) and
/// one (dossier, unit) pair per dossier and unit, in journal order, in flat arrays: no allocation
/// per dossier or per record, so that building over 10 M events is bound by reading the journal.
/// ``finish()`` then groups the pairs by dossier (a counting sort, which keeps journal order).
struct PostingsTable: Sendable {
    /// A slot of the hash table: a key, its dossier ordinal + 1 (0: empty) and the last unit
    /// added for it, together so that adding a record touches one cache line.
    private struct Slot: Sendable {
        var key = DossierKey(high: 0, low: 0)
        var ordinal: Int32 = 0
        var lastUnit: Int32 = -1
    }

    private var slots: [Slot]
    private var mask: Int
    /// Per dossier ordinal: its key.
    private(set) var keys: [DossierKey] = []
    /// Per (dossier, unit) pair, in journal order, until ``finish()``.
    private var pairDossier: [Int32] = []
    private var pairUnit: [Int32] = []
    /// After ``finish()``: the units of dossier `d` are `grouped[starts[d] ..< starts[d + 1]]`.
    private var starts: [Int32] = []
    private var grouped: [Int32] = []
    /// Per unit ordinal: its offset in the journal.
    private(set) var unitOffsets: [Int] = []

    init() {
        self.slots = [Slot](repeating: Slot(), count: 1 << 10)
        self.mask = (1 << 10) - 1
    }

    /// The number of dossiers.
    var count: Int { self.keys.count }

    /// Starts a unit at `offset` (after every unit already added). Returns its ordinal.
    mutating func beginUnit(at offset: Int) -> Int32 {
        precondition(self.unitOffsets.last.map { offset > $0 } ?? true, "units are added in journal order")
        self.unitOffsets.append(offset)
        return Int32(self.unitOffsets.count - 1)
    }

    /// Records that unit `unit` (the last one begun) holds a record of `key`. Returns the
    /// dossier's ordinal.
    @inline(__always)
    @discardableResult
    mutating func add(_ key: DossierKey, unit: Int32) -> Int32 {
        let slot = self.slot(inserting: key)
        let ordinal = self.slots[slot].ordinal - 1
        guard self.slots[slot].lastUnit != unit else { return ordinal }
        self.slots[slot].lastUnit = unit
        self.pairDossier.append(ordinal)
        self.pairUnit.append(unit)
        return ordinal
    }

    /// Groups the pairs by dossier. Call once every unit is added, before reading offsets.
    mutating func finish() {
        var starts = [Int32](repeating: 0, count: self.keys.count + 1)
        for dossier in self.pairDossier { starts[Int(dossier) + 1] += 1 }
        for index in 0..<self.keys.count { starts[index + 1] += starts[index] }
        var next = starts
        var grouped = [Int32](repeating: 0, count: self.pairUnit.count)
        for (dossier, unit) in zip(self.pairDossier, self.pairUnit) {
            grouped[Int(next[Int(dossier)])] = unit
            next[Int(dossier)] += 1
        }
        self.starts = starts
        self.grouped = grouped
        self.pairDossier = []
        self.pairUnit = []
    }

    /// The unit offsets of `key`, in order (empty if none).
    func offsets(of key: DossierKey) -> [Int] {
        guard let ordinal = self.find(key) else { return [] }
        return self.offsets(ordinal: ordinal)
    }

    /// The unit offsets of the dossier at `ordinal`, in order.
    func offsets(ordinal: Int) -> [Int] {
        precondition(self.starts.count == self.keys.count + 1, "finish() first")
        return self.grouped[Int(self.starts[ordinal])..<Int(self.starts[ordinal + 1])].map {
            self.unitOffsets[Int($0)]
        }
    }

    /// The dossier ordinals sorted by key.
    func sortedOrdinals() -> [Int] {
        self.keys.indices.sorted { self.keys[$0] < self.keys[$1] }
    }

    // MARK: Hash table

    @inline(__always)
    private static func hash(_ key: DossierKey) -> Int {
        var x = key.high ^ (key.low &* 0x9E37_79B9_7F4A_7C15)
        x ^= x >> 31
        x &*= 0xBF58_476D_1CE4_E5B9
        x ^= x >> 29
        return Int(truncatingIfNeeded: x)
    }

    private func find(_ key: DossierKey) -> Int? {
        var slot = Self.hash(key) & self.mask
        while true {
            let value = self.slots[slot]
            if value.ordinal == 0 { return nil }
            if value.key == key { return Int(value.ordinal - 1) }
            slot = (slot + 1) & self.mask
        }
    }

    /// The slot of `key`, inserted if missing.
    @inline(__always)
    private mutating func slot(inserting key: DossierKey) -> Int {
        var slot = Self.hash(key) & self.mask
        while true {
            let value = self.slots[slot]
            if value.ordinal == 0 { break }
            if value.key == key { return slot }
            slot = (slot + 1) & self.mask
        }
        self.keys.append(key)
        self.slots[slot] = Slot(key: key, ordinal: Int32(self.keys.count))
        if self.keys.count * 2 > self.slots.count {
            self.grow()
            return self.slot(inserting: key)
        }
        return slot
    }

    private mutating func grow() {
        let size = self.slots.count * 2
        let old = self.slots
        self.slots = [Slot](repeating: Slot(), count: size)
        self.mask = size - 1
        for value in old where value.ordinal != 0 {
            var slot = Self.hash(value.key) & self.mask
            while self.slots[slot].ordinal != 0 { slot = (slot + 1) & self.mask }
            self.slots[slot] = value
        }
    }
}
