import Foundation
import Testing

@testable import DMP

/// A replay folds the records of the commonest types straight from their bytes
/// (`StoreState.applyCanonical`); it must build exactly the state that decoding them and folding
/// the events builds, and take nothing the decoder refuses.
@Suite("Folding records from their bytes")
struct CanonicalFoldTests {
    /// A state that has folded one event of every type, so that notifications and reads meet
    /// documents, authorisations and professionals already there.
    static func base() -> StoreState {
        var state = StoreState(window: 30 * EventSamples.day)
        for event in EventSamples.all { state.apply(event) }
        return state
    }

    /// The folds of one record both ways from `base`: `nil` from the shortcut when it leaves the
    /// record to the decoder, and `nil` from the decoder when it refuses it.
    static func bothWays(_ record: [UInt8], sequence: UInt64, from base: StoreState) -> (shortcut: StoreState?, decoded: StoreState?) {
        var shortcut = base
        let taken = record.withUnsafeBytes { shortcut.applyCanonical($0, sequence: sequence) }
        var decoded = base
        guard let event = try? record.withUnsafeBytes({ try EventCodec.decode($0, at: sequence) }) else {
            return (taken ? shortcut : nil, nil)
        }
        decoded.apply(event)
        return (taken ? shortcut : nil, decoded)
    }

    /// Everything a fold changes, for comparison.
    static func summary(_ state: StoreState) -> String {
        var state = state
        state.finishReplay()
        let outcomes = state.outcomes.keys.sorted().map { key in
            let outcome = state.outcomes[key]!
            return "\(key)=\(outcome.actorID)@\(outcome.firstSequence)/\(outcome.refusal?.code.rawValue ?? "-")"
        }
        return "\(outcomes) \(state.keyOrder.map { "\($0.at):\($0.key)" }) \(state.lastAt) \(state.lastKey) \(state.lastKeyAt)"
    }

    static func same(_ lhs: StoreState, _ rhs: StoreState) -> Bool {
        lhs.states == rhs.states && lhs.identifiers == rhs.identifiers && lhs.figures.figures == rhs.figures.figures
            && Self.summary(lhs) == Self.summary(rhs)
    }

    /// The events of the types the shortcut folds, in every variant the samples have.
    static var hotEvents: [Event] {
        let hot: Set<String> = [
            "NotificationSent", "DocumentConsulted", "DocumentListConsulted", "ProfessionalAuthorised",
            "TreatingDoctorDeclared", "LegalRepresentativeAdded",
        ]
        return (EventSamples.all + EventSamples.variants).filter { hot.contains($0.type) }
    }

    @Test("each canonical record of the six commonest types is folded from its bytes, into the state its event gives")
    func eachHotRecordFoldsAlike() throws {
        let base = Self.base()
        #expect(Self.hotEvents.count >= 9)
        for event in Self.hotEvents {
            // A later event, and one at the time of the last command (same key or not).
            for at in [event.at + 1, EventSamples.all.last!.at] {
                var later = event
                later.sequence = 1000
                later.at = at
                let (shortcut, decoded) = Self.bothWays(EventCodec.encode(later), sequence: 1000, from: base)
                let plain = !String(decoding: EventCodec.encode(later), as: UTF8.self).contains("\\")
                if plain {
                    #expect(shortcut != nil, "\(event.type) should take the shortcut")
                }
                if let shortcut, let decoded {
                    let same = Self.same(shortcut, decoded)
                    #expect(same, "\(event.type)")
                }
            }
        }
    }

    @Test("a reminder of an invisible document, folded from its bytes, clears the document's reminder (ACC-6)")
    func reminderClearsTheDocument() throws {
        var base = StoreState(window: nil)
        base.apply(EventSamples.deposited)  // invisible, with deadlines
        let document = EventSamples.letter.id
        #expect(base.states[EventSamples.dossier]?.documents[document]?.reminderDue != nil)
        let reminder = EventSamples.event(
            1100, .system, "tick-9", .notificationSent(recipient: .holder, kind: .invisibleDocumentWaiting, document: document, professional: nil),
            at: EventSamples.at + 14 * EventSamples.day)
        var state = base
        let taken = EventCodec.encode(reminder).withUnsafeBytes { state.applyCanonical($0, sequence: 1100) }
        #expect(taken)
        #expect(state.states[EventSamples.dossier]?.documents[document]?.reminderDue == nil)
        base.apply(reminder)
        let same = Self.same(state, base)
        #expect(same)
    }

    @Test("a record at another sequence number, or of another type, is left to the decoder, and the state is untouched")
    func leavesWhatItDoesNotKnow() {
        let base = Self.base()
        for event in EventSamples.all + EventSamples.variants {
            var state = base
            let record = EventCodec.encode(event)
            let takenElsewhere = record.withUnsafeBytes { state.applyCanonical($0, sequence: event.sequence &+ 1) }
            #expect(!takenElsewhere)
            let same = Self.same(state, base)
            #expect(same)
            if !Self.hotEvents.contains(event) {
                let taken = record.withUnsafeBytes { state.applyCanonical($0, sequence: event.sequence) }
                #expect(!taken, "\(event.type)")
            }
        }
    }

    @Test("damaged records: the shortcut takes none the decoder refuses, and folds the others as their events")
    func damagedRecords() {
        let base = Self.base()
        var rng = Seeded(state: 42)
        var taken = 0
        var refused = 0
        for event in Self.hotEvents {
            let record = EventCodec.encode(event)
            for _ in 0..<400 {
                var damaged = record
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:
                    damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                case 1:
                    damaged.removeLast(Int.random(in: 1...min(40, damaged.count), using: &rng))
                case 2:
                    damaged.insert(
                        [0x22, 0x5C, 0x7D, 0x2C, 0x80, 0xC3, 0x41, 0x20].randomElement(using: &rng)!,
                        at: Int.random(in: 0..<damaged.count, using: &rng))
                default:
                    let index = Int.random(in: 0..<damaged.count, using: &rng)
                    damaged[index] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                }
                let (shortcut, decoded) = Self.bothWays(damaged, sequence: event.sequence, from: base)
                if let shortcut {
                    taken += 1
                    guard let decoded else {
                        Issue.record("the shortcut took a record the decoder refuses: \(String(decoding: damaged, as: UTF8.self))")
                        continue
                    }
                    let same = Self.same(shortcut, decoded)
                    #expect(same, "\(String(decoding: damaged, as: UTF8.self))")
                } else if decoded == nil {
                    refused += 1
                }
            }
        }
        #expect(taken > 0 && refused > 0, "both kinds were met (\(taken) taken, \(refused) refused)")
    }

    @Test("strings compare as String does: a command key that is canonically equal to the last one is the same command")
    func unicodeEquivalentKeys() throws {
        var first = EventSamples.consulted
        first.command = "\u{212A}"  // KELVIN SIGN, canonically equivalent to "K"
        var second = EventSamples.consulted
        second.sequence = first.sequence + 1
        second.command = "K"
        var base = StoreState(window: nil)
        base.apply(first)
        let (shortcut, decoded) = Self.bothWays(EventCodec.encode(second), sequence: second.sequence, from: base)
        let folded = try #require(shortcut)
        let same = Self.same(folded, try #require(decoded))
        #expect(same)
        #expect(folded.keyOrder.count == 1, "no second outcome for the same command")
    }

    @Test("a replay with the shortcut builds the state, identifiers, figures and outcomes a replay without it builds", arguments: [UInt64(4), 5])
    func wholeJournals(seed: UInt64) async throws {
        let (directory, path) = try await ReplayPipelineTests.history(seed: seed, steps: 1500)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let decoded = try ReplayPipelineTests.replay(path, threaded: false, foldsCanonical: false)
        let folded = try ReplayPipelineTests.replay(path, threaded: false, foldsCanonical: true)
        let sameStates = folded.states == decoded.states
        #expect(sameStates)
        #expect(folded.identifiers == decoded.identifiers)
        #expect(folded.figures.figures == decoded.figures.figures)
        #expect(ReplayPipelineTests.outcomes(folded) == ReplayPipelineTests.outcomes(decoded))
        #expect(folded.keyOrder.map { "\($0.at) \($0.key)" } == decoded.keyOrder.map { "\($0.at) \($0.key)" })
        #expect(!decoded.outcomes.isEmpty)
    }
}
