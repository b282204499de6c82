import DMP
import Synchronization

/// The simulated time the demo's store and journal read: set by the scenario before each command.
final class SimulatedClock: Sendable {
    private let value: Atomic<Int64>

    init(_ start: Int64) {
        self.value = Atomic(start)
    }

    /// The current simulated time, ms since the epoch.
    var now: Int64 { self.value.load(ordering: .relaxed) }

    /// Moves the simulated time (never backwards).
    func set(_ milliseconds: Int64) {
        self.value.store(max(milliseconds, self.now), ordering: .relaxed)
    }
}

/// The demo's simulated history: people, professionals, and what they do over the days, played
/// through the real store.
///
/// The scenario runs on the store's executor (`run(on:)` takes the store as its isolated
/// parameter) and submits each command with `Task.immediate`: the command is decided and handed
/// to the journal synchronously, in the scenario's order, so the events are the same for a given
/// seed; only their durability is awaited later, so thousands of commands are in flight at once
/// and the journal's group commit packs them into large frames.
final class Scenario {
    /// What the scenario is asked to build.
    struct Settings {
        var dossiers: Int
        var days: Int
        var seed: UInt64
        /// Midnight in Paris on the first day.
        var start: Int64
        /// Bodies are written for the documents of the first `bodiesFor` people.
        var bodiesFor: Int
        /// Commands in flight before the oldest is awaited.
        var window = 4096
    }

    /// A dossier worth querying, and why.
    struct Featured: Sendable {
        var what: String
        var dossier: DossierID
        var identifier: String
        /// A subcommand and its arguments after the journal, such as `trace --dossier …`.
        var query: String
    }

    /// What the scenario did.
    struct Summary: Sendable {
        var commands = 0
        /// Refused reads, journaled as ConsultationRefused (ACC-11), by reason code.
        var refusedReads: [String: Int] = [:]
        /// Other refusals (nothing journaled), by reason code: the scenario tries to avoid them.
        var otherRefusals: [String: Int] = [:]
        var firstOtherRefusals: [String] = []
        var documents = 0
        var bodies = 0
        var featured: [Featured] = []
        var end: Int64 = 0
    }

    /// How a person's dossier comes to exist (LC-1, LC-3).
    private enum Arrival {
        case legacy, notice, request
    }

    /// One simulated person and what the scenario remembers about them.
    private struct Person {
        var identifier: PatientIdentifier
        var promotion: PatientIdentifier?
        var traits: IdentityTraits
        var majority: Int64
        var elderly: Bool
        var arrival: Arrival
        var representatives: [String] = []
        var guardian: String?
        var dossier: DossierID?
        var generation = 0
        var counter = 0
        var doctor: Int?
        var seen: [Int] = []
        var lastReimbursement: String?
        var lifeStarted = -1
        var episodesPerDay: Double
        var writesBodies: Bool
    }

    /// Something planned to happen at a time.
    private enum Step {
        case tick
        case arrive, oppose, activateEarly, createAfterOpposition, openingCheck
        case reimbursement(Int), declareDoctor, episode(Int), emergencySettings
        case close, death, suspend, liftSuspension, rectify, promote
        case block, blockedAttempt(Int), unblock(Int), authorise, administrator, occupational, occupationalRefused
        case regulation, breakGlass, thirdParty, secretCare, hideFromRepresentatives, guardian
        case maskedAttempt(String), release(String, Int)
        case reopen, requestDeletion, withdrawDeletion, purgeCheck
        case occupationalRead(Int), revoke(String)
        /// A command built earlier, submitted at its time (the later steps of an episode).
        case command(Command, read: Bool)
    }

    /// A step, its time, and a tie-breaker so that equal times keep their planning order.
    private struct Planned {
        var at: Int64
        var order: UInt64
        var person: Int
        var step: Step

        func precedes(_ other: Planned) -> Bool {
            (self.at, self.order) < (other.at, other.order)
        }
    }

    /// How a submitted command ended.
    private enum Outcome: Sendable {
        case ok
        case refused(code: String, message: String)
    }

    let settings: Settings
    let clock: SimulatedClock
    private let bodies: BodyWriter?
    private var random: SeededGenerator
    private var people: [Person] = []
    private var professionals: [DemoProfessional] = []
    private var byKind: [[Int]] = []
    private var heap: [Planned] = []
    private var order: UInt64 = 0
    private var now: Int64
    private let end: Int64
    private var inFlight: [(task: Task<Outcome, Never>, read: Bool, command: Command)] = []
    private var inFlightStart = 0
    private var summary = Summary()
    private var featuredKinds = Set<String>()
    private let policy = PolicySettings()
    private let agent = Actor(
        id: "agent-cpam-7501", role: .operatorAgent, structure: "CPAM 75", authentication: .operatorLogin,
        software: "Portail agent DMP")
    private let mutuelle = Actor(
        id: "mutuelle-harmonie-042", role: .thirdParty, structure: "Mutuelle", authentication: .structureCertificate)

    init(settings: Settings, clock: SimulatedClock, bodies: BodyWriter?) {
        self.settings = settings
        self.clock = clock
        self.bodies = bodies
        self.random = SeededGenerator(seed: settings.seed)
        self.now = settings.start
        self.end = ParisCalendar.adding(days: settings.days, to: settings.start)
        self.makeProfessionals()
        self.makePeople()
    }

    // MARK: - Running

    /// Plays the whole history through `store`, on its executor.
    func run(on store: isolated DMPStore) async -> Summary {
        let progress = Progress("simulating", total: self.settings.days, unit: .days)
        defer { progress.finish() }
        for day in 0..<self.settings.days {
            self.plan(at: self.dayStart(day) + 2 * 3_600_000, person: -1, .tick)
        }
        for index in self.people.indices {
            self.plan(at: self.arrivalTime(of: index), person: index, .arrive)
        }
        while let item = self.popFirst() {
            guard item.at < self.end else { break }
            self.now = max(self.now, item.at)
            progress.update(Int((self.now - self.settings.start) / 86_400_000))
            await self.perform(item, store)
        }
        while self.inFlightStart < self.inFlight.count { await self.settleOldest(store) }
        self.summary.end = self.end
        return self.summary
    }

    /// Decides a command now (synchronously, on the store's executor) and awaits its durability
    /// later.
    private func submit(_ store: isolated DMPStore, _ command: Command, read: Bool = false) async {
        self.clock.set(self.now)
        let task = Task.immediate { () async -> Outcome in
            do {
                _ = try await store.execute(command)
                return .ok
            } catch let error as DomainError {
                return .refused(code: error.code.rawValue, message: error.message)
            } catch {
                return .refused(code: "error", message: "\(error)")
            }
        }
        self.summary.commands += 1
        self.inFlight.append((task, read, command))
        if self.inFlight.count - self.inFlightStart > self.settings.window { await self.settleOldest(store) }
    }

    /// Submits a command now, or plans it `after` milliseconds from now.
    private func send(
        _ store: isolated DMPStore, _ person: Int, _ command: Command, read: Bool = false, after: Int64 = 0
    ) async {
        if after <= 0 {
            await self.submit(store, command, read: read)
        } else {
            self.plan(at: self.now + after, person: person, .command(command, read: read))
        }
    }

    private func settleOldest(_ store: isolated DMPStore) async {
        let (task, read, command) = self.inFlight[self.inFlightStart]
        self.inFlightStart += 1
        // Drop settled tasks soon: a task keeps its storage until released.
        if self.inFlightStart >= 1024 {
            self.inFlight.removeFirst(self.inFlightStart)
            self.inFlightStart = 0
        }
        if case .refused(let code, let message) = await task.value {
            if read {
                self.summary.refusedReads[code, default: 0] += 1
            } else {
                self.summary.otherRefusals[code, default: 0] += 1
                if self.summary.firstOtherRefusals.count < 10 {
                    let action = CommandCodec.actionName(of: command.action)
                    self.summary.firstOtherRefusals.append("\(action) \(command.key): \(code): \(message)")
                }
            }
        }
    }

    // MARK: - Planning

    private func plan(at: Int64, person: Int, _ step: Step) {
        self.order += 1
        self.heap.append(Planned(at: at, order: self.order, person: person, step: step))
        var child = self.heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.heap[child].precedes(self.heap[parent]) else { break }
            self.heap.swapAt(child, parent)
            child = parent
        }
    }

    private func popFirst() -> Planned? {
        guard !self.heap.isEmpty else { return nil }
        let first = self.heap[0]
        let last = self.heap.removeLast()
        if !self.heap.isEmpty {
            self.heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < self.heap.count && self.heap[left].precedes(self.heap[smallest]) { smallest = left }
                if right < self.heap.count && self.heap[right].precedes(self.heap[smallest]) { smallest = right }
                if smallest == parent { break }
                self.heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }

    private func dayStart(_ day: Int) -> Int64 {
        ParisCalendar.adding(days: day, to: self.settings.start)
    }

    /// A time of day (between `from` and `to` hours, Paris) on the day `days` after today.
    private func daytime(inDays days: Int, from: Int = 8, to: Int = 20) -> Int64 {
        let today = Int((self.now - self.settings.start) / 86_400_000)
        let base = self.dayStart(max(0, today + days))
        return base + Int64(self.random.int((from * 60)..<(to * 60))) * 60_000 + Int64(self.random.int(0..<60_000))
    }

    /// A time of day (8:00 to 20:00, Paris) on the day holding `instant`.
    private func daytime(on instant: Int64) -> Int64 {
        let day = Int((instant - self.settings.start) / 86_400_000)
        return self.dayStart(day) + Int64(self.random.int((8 * 60)..<(20 * 60))) * 60_000
            + Int64(self.random.int(0..<60_000))
    }

    /// A day within `range` days from now, at daytime.
    private func later(_ range: ClosedRange<Int>, from: Int = 8, to: Int = 20) -> Int64 {
        self.daytime(inDays: self.random.int(range), from: from, to: to)
    }

    /// When a person next sees a professional (or opens their space): an exponential wait, at
    /// daytime.
    private func nextEpisode(_ person: Int) -> Int64 {
        let days = self.random.exponential(mean: 1 / self.people[person].episodesPerDay)
        return self.daytime(inDays: Int(days.rounded()))
    }

    private func key(_ person: Int, _ verb: String) -> String {
        self.people[person].counter += 1
        return "p\(person)-\(self.people[person].counter)-\(verb)"
    }

    // MARK: - Population

    private func makeProfessionals() {
        self.byKind = Array(repeating: [], count: ProfessionalKind.allCases.count)
        var serial = Int(self.random.int(0..<1_000_000))
        for kind in ProfessionalKind.allCases {
            let count = max(2, Int((kind.perThousand * Double(self.settings.dossiers) / 1000).rounded()))
            let structures = max(1, count / (kind.structurePrefix == "hospital" ? 25 : 3))
            for _ in 0..<count {
                serial += 1 + self.random.int(0..<40)
                let departement = self.random.pick(["75", "13", "69", "59", "33", "31", "44", "92", "93", "2A"])
                let adeli = (kind == .physiotherapist || kind == .nurse) && self.random.chance(0.2)
                let national =
                    adeli
                    ? Population.adeliNationalID(serial, departement: departement)
                    : Population.rppsNationalID(serial)
                let structure =
                    departement
                    + String(
                        String(
                            1_000_000 + self.random.int(0..<structures) * 7919
                                + kind.rawValue * 104_729 % 8_000_000
                        ).suffix(7))
                let authentication: Actor.Authentication = self.random.chance(0.3) ? .eCPS : .cps
                let actor = Actor.professional(
                    try! ProfessionalID(nationalID: national), profession: kind.profession, practice: kind.practice,
                    structure: structure,
                    authentication: kind.structurePrefix == "hospital" && self.random.chance(0.5)
                        ? .structureCertificate : authentication,
                    software: self.random.pick(kind.software))
                self.byKind[kind.rawValue].append(self.professionals.count)
                self.professionals.append(DemoProfessional(kind: kind, actor: actor))
            }
        }
    }

    private func makePeople() {
        let startYear = Instant.parisCivilDate(self.settings.start).year
        self.people.reserveCapacity(self.settings.dossiers)
        var usedNumbers = Set<String>()
        for index in 0..<self.settings.dossiers {
            let female = self.random.chance(0.52)
            let sex: IdentityTraits.Sex = female ? .female : .male
            let age = self.random.weighted([(0...17, 0.21), (18...64, 0.58), (65...98, 0.21)])
            let years = self.random.int(age)
            let birth = try! CivilDate(
                year: startYear - years - 1 + (self.random.chance(0.5) ? 1 : 0), month: self.random.int(1...12),
                day: self.random.int(1...28))
            let abroad = self.random.chance(0.07)
            let place: String
            if abroad {
                place = "99" + self.random.pick(Population.countries)
            } else {
                let departement = self.random.pick(Population.birthPlaces)
                place = departement.departement + self.random.pick(departement.communes)
            }
            var names = [self.random.pick(female ? Population.femaleNames : Population.maleNames)]
            if self.random.chance(0.6) {
                names.append(self.random.pick(female ? Population.femaleNames : Population.maleNames))
            }
            if self.random.chance(0.15) {
                names.append(self.random.pick(female ? Population.femaleNames : Population.maleNames))
            }
            var surname = self.random.pick(Population.surnames)
            if self.random.chance(0.05) { surname += "-" + self.random.pick(Population.surnames) }
            let traits = try! IdentityTraits(
                birthName: surname, birthFirstNames: names, birthDate: birth, sex: sex,
                birthPlace: try! IdentityTraits.BirthPlaceCode(place))
            // Numbers are unique: the order number moves on until the number is free.
            var order = self.random.int(1...999)
            while usedNumbers.contains(Population.insNumber(sex: sex, birth: birth, place: place, order: order)) {
                order = order % 999 + 1
            }
            let nirNumber = Population.insNumber(sex: sex, birth: birth, place: place, order: order)
            usedNumbers.insert(nirNumber)
            let nir = try! PatientIdentifier(nirNumber, kind: .nir)
            var identifier = nir
            var promotion: PatientIdentifier?
            let legacyPossible = self.settings.start < Decider.optOutEra
            let arrival: Arrival = self.random.weighted([
                (.legacy, legacyPossible ? 0.05 : 0), (.notice, 0.76), (.request, legacyPossible ? 0.19 : 0.24),
            ])
            if abroad && self.random.chance(0.6) {
                // Born abroad: a provisional NIA first, promoted to a NIR later (ID-3).
                var niaOrder = (order + 500) % 999 + 1
                while usedNumbers.contains(Population.insNumber(sex: sex, birth: birth, place: place, order: niaOrder))
                {
                    niaOrder = niaOrder % 999 + 1
                }
                let niaNumber = Population.insNumber(sex: sex, birth: birth, place: place, order: niaOrder)
                usedNumbers.insert(niaNumber)
                identifier = try! PatientIdentifier(niaNumber, kind: .nia)
                promotion = nir
            } else if arrival == .legacy && self.random.chance(0.5) {
                // A dossier of the INS-C era, promoted to the NIR in 2022 (ID-3).
                var digits = ""
                for _ in 0..<22 { digits += String(self.random.int(0...9)) }
                identifier = try! PatientIdentifier("INSC:" + digits)
                promotion = nir
            }
            let majority = ParisCalendar.birthday(birth, age: self.policy.majorityAge)
            let elderly = years >= 65
            var person = Person(
                identifier: identifier, promotion: promotion, traits: traits, majority: majority, elderly: elderly,
                arrival: arrival,
                episodesPerDay: (elderly ? 7.0 : years < 6 ? 6.0 : 3.5) / 365,
                writesBodies: index < self.settings.bodiesFor)
            if majority > self.settings.start {
                person.representatives = ["rep-\(index)-a"]
                if self.random.chance(0.8) { person.representatives.append("rep-\(index)-b") }
            }
            self.people.append(person)
        }
    }

    private func arrivalTime(of index: Int) -> Int64 {
        let days = Double(self.settings.days)
        let startDay = self.settings.start
        func window(_ from: Int64, _ to: Int64) -> Int64? {
            to > from ? from + Int64(self.random.unit() * Double(to - from)) : nil
        }
        let era = Decider.optOutEra
        var at: Int64?
        switch self.people[index].arrival {
        case .legacy:
            at = window(startDay, min(era, startDay + Int64(days * 0.15 * 86_400_000)))
            if at == nil { self.people[index].arrival = .request }
        case .notice:
            at = window(max(startDay, era), startDay + Int64(days * 0.45 * 86_400_000))
            if at == nil { self.people[index].arrival = .request }
        case .request:
            break
        }
        if at == nil, self.people[index].arrival == .request {
            at = window(startDay, startDay + Int64(days * 0.85 * 86_400_000))
        }
        // Move it to a plausible time of day: notices go out early in the morning.
        let base = at ?? startDay
        let day = Int((base - startDay) / 86_400_000)
        let hours = self.people[index].arrival == .notice ? (6, 8) : (8, 20)
        return self.dayStart(day) + Int64(self.random.int((hours.0 * 60)..<(hours.1 * 60))) * 60_000
            + Int64(self.random.int(0..<60_000))
    }

    // MARK: - Actors

    private func holderSide(_ person: Int) -> Actor {
        let record = self.people[person]
        if self.now < record.majority, let representative = record.representatives.first, self.random.chance(0.85) {
            return .legalRepresentative(representative, software: "Mon espace santé")
        }
        if let guardian = record.guardian, self.random.chance(0.7) {
            return .legalRepresentative(guardian, software: "Mon espace santé")
        }
        return .holder(software: self.random.pick(["Mon espace santé", "Mon espace santé (mobile)"]))
    }

    private func professional(_ kind: ProfessionalKind) -> Int {
        self.random.pick(self.byKind[kind.rawValue])
    }

    private func state(_ store: isolated DMPStore, _ person: Int) -> DossierState? {
        self.people[person].dossier.flatMap { store.state(of: $0) }
    }

    private func isOpen(_ store: isolated DMPStore, _ person: Int) -> Bool {
        self.state(store, person)?.status == .open
    }

    private func feature(_ kind: String, _ person: Int, query: String) {
        guard !self.featuredKinds.contains(kind), let dossier = self.people[person].dossier else { return }
        self.featuredKinds.insert(kind)
        self.summary.featured.append(
            Featured(what: kind, dossier: dossier, identifier: self.people[person].identifier.description, query: query)
        )
    }

    // MARK: - Steps

    private func perform(_ item: Planned, _ store: isolated DMPStore) async {
        let person = item.person
        switch item.step {
        case .tick:
            await self.submit(store, Command(key: "tick-\(Instant.parisDate(item.at))", actor: .system, action: .tick))
        case .arrive:
            await self.arrive(person, store)
        case .oppose:
            guard self.state(store, person)?.status == .noticeSent else { return }
            await self.submit(store, self.command(person, "oppose", self.holderSide(person), .opposeCreation))
            self.feature("opposed to creation within the 6 weeks (LC-2)", person, query: "state --dossier ID")
            if self.random.chance(0.3) { self.plan(at: self.later(20...200), person: person, .createAfterOpposition) }
        case .activateEarly, .createAfterOpposition:
            guard let state = self.state(store, person), state.status == .noticeSent || state.status == .opposed else {
                return
            }
            await self.submit(
                store,
                self.command(
                    person, "create", self.holderSide(person),
                    .createDossier(identifier: nil, traits: nil, mode: .holderRequest, expressConsent: false)))
            if case .createAfterOpposition = item.step {
                self.feature(
                    "opposed, then created on request (LC-2, LC-3)", person, query: "events --dossier ID --format table"
                )
            }
            self.startLife(person)
        case .openingCheck:
            guard self.isOpen(store, person), self.people[person].lifeStarted < self.people[person].generation else {
                return
            }
            self.feature("opened automatically 6 weeks after the notice (LC-1)", person, query: "state --dossier ID")
            self.startLife(person)
        case .reimbursement(let generation):
            guard generation == self.people[person].generation else { return }
            await self.reimbursement(person, store)
        case .declareDoctor:
            guard let state = self.state(store, person), state.status == .open else { return }
            let kind: ProfessionalKind =
                self.now < self.people[person].majority && self.random.chance(0.5)
                ? .pediatrician : .generalPractitioner
            let doctor = self.professional(kind)
            let id = self.professionals[doctor].actor.id
            guard state.blocks[id] == nil, !state.treatingDoctors.contains(id) else { return }
            await self.submit(
                store,
                self.command(
                    person, "declare-doctor", self.holderSide(person), .declareTreatingDoctor(professional: id)))
            self.people[person].doctor = doctor
        case .episode(let generation):
            guard generation == self.people[person].generation else { return }
            if self.isOpen(store, person) { await self.episode(person, store) }
            let next = self.nextEpisode(person)
            if next < self.end, self.state(store, person).map({ $0.status != .purged }) ?? false {
                self.plan(at: next, person: person, .episode(generation))
            }
        case .command(let command, let read):
            // Reads are tried whatever happened since they were planned (a refusal is journaled);
            // other commands only if they still make sense.
            if !read {
                guard let state = command.dossier.flatMap({ store.state(of: $0) }), state.status == .open,
                    self.stillApplies(command, in: state)
                else { return }
            }
            await self.submit(store, command, read: read)
        case .occupationalRead(let doctor):
            guard self.isOpen(store, person) else { return }
            let actor = self.professionals[doctor].actor
            await self.submit(
                store,
                self.command(person, "occupational-list", actor, .consultDocumentList(mode: .normal, reason: nil)),
                read: true)
            self.feature(
                "an occupational doctor with the holder's express consent (ACC-9)", person,
                query: "trace --dossier ID --viewer professional:\(actor.id)")
            if self.random.chance(0.3) { self.plan(at: self.later(5...60), person: person, .revoke(actor.id)) }
        case .revoke(let professional):
            guard let state = self.state(store, person), state.status == .open,
                state.authorisations[professional] != nil
            else { return }
            await self.submit(
                store,
                self.command(
                    person, "revoke", .holder(software: "Mon espace santé"),
                    .revokeAuthorisation(professional: professional)))
        case .emergencySettings:
            guard let state = self.state(store, person), state.status == .open else { return }
            let settings =
                self.random.chance(0.7)
                ? EmergencySettings(regulation: true, breakGlass: false, maskedInEmergency: false)
                : self.random.chance(0.5)
                    ? EmergencySettings(regulation: false, breakGlass: false, maskedInEmergency: false)
                    : EmergencySettings(regulation: true, breakGlass: true, maskedInEmergency: true)
            guard settings != state.emergency else { return }
            await self.submit(
                store,
                self.command(person, "emergency-settings", self.holderSide(person), .setEmergencySettings(settings)))
        case .close:
            guard self.isOpen(store, person) else { return }
            await self.submit(
                store, self.command(person, "close", self.holderSide(person), .closeDossier(reason: .holderRequest)))
            switch self.random.unit() {
            case ..<0.35: self.plan(at: self.later(10...150), person: person, .reopen)
            case ..<0.75: self.plan(at: self.later(1...45), person: person, .requestDeletion)
            default: break
            }
        case .death:
            guard let state = self.state(store, person), state.status == .open || state.status == .suspended else {
                return
            }
            await self.submit(store, self.command(person, "death", .operatorFeed, .closeDossier(reason: .death)))
            self.feature("closed on the holder's death (LC-5)", person, query: "state --dossier ID")
        case .suspend:
            guard self.isOpen(store, person) else { return }
            await self.submit(
                store,
                self.command(
                    person, "suspend", self.agent, .suspendDossier(reason: "Suspicion d'usurpation d'identité")))
            if self.random.chance(0.5) {
                self.plan(at: self.later(2...30), person: person, .liftSuspension)
            } else {
                self.feature(
                    "suspended for suspected fraud, closed after 6 weeks (LC-5)", person,
                    query: "events --dossier ID --format table")
            }
        case .liftSuspension:
            guard self.state(store, person)?.status == .suspended else { return }
            await self.submit(
                store,
                self.command(
                    person, "lift-suspension", .holder(software: "Mon espace santé"),
                    .liftSuspension(objection: "Je suis bien le titulaire de ce dossier.")))
        case .rectify:
            guard let state = self.state(store, person), state.status == .open, let traits = state.traits else {
                return
            }
            let more = self.random.pick(traits.sex == .female ? Population.femaleNames : Population.maleNames)
            let names =
                traits.birthFirstNames.count > 1
                ? Array(traits.birthFirstNames.prefix(1)) : traits.birthFirstNames + [more]
            let corrected = try! IdentityTraits(
                birthName: traits.birthName, birthFirstNames: names, birthDate: traits.birthDate, sex: traits.sex,
                birthPlace: traits.birthPlace)
            await self.submit(
                store,
                self.command(
                    person, "rectify", .holder(software: "Mon espace santé"), .rectifyIdentity(traits: corrected)))
            self.people[person].traits = corrected
        case .promote:
            guard let promotion = self.people[person].promotion, let state = self.state(store, person),
                state.status != .purged
            else { return }
            let previous = self.people[person].identifier
            await self.submit(
                store, self.command(person, "promote", .operatorFeed, .changeIdentifier(identifier: promotion)))
            self.people[person].identifier = promotion
            self.people[person].promotion = nil
            let label =
                previous.description.hasPrefix("INSC")
                ? "an INS-C promoted to a NIR (ID-3)" : "a NIA promoted to a NIR (ID-3)"
            self.feature(label, person, query: "state --dossier \(previous.description)")
        case .block:
            await self.block(person, store)
        case .blockedAttempt(let professional):
            guard self.isOpen(store, person) else { return }
            await self.submit(
                store,
                self.command(
                    person, "blocked-list", self.professionals[professional].actor,
                    .consultDocumentList(mode: .normal, reason: nil)), read: true)
            self.feature("a blocked professional refused (ACC-2)", person, query: "trace --dossier ID")
        case .unblock(let professional):
            guard let state = self.state(store, person), state.status == .open,
                state.blocks[self.professionals[professional].actor.id] != nil
            else { return }
            await self.submit(
                store,
                self.command(
                    person, "unblock", .holder(software: "Mon espace santé"),
                    .unblock(target: self.professionals[professional].actor.id)))
        case .authorise:
            guard let state = self.state(store, person), state.status == .open else { return }
            let specialist = self.professional(self.random.pick([.cardiologist, .dermatologist, .gynecologist]))
            let id = self.professionals[specialist].actor.id
            guard state.blocks[id] == nil, state.authorisations[id] != .holderConsent else { return }
            await self.submit(
                store,
                self.command(
                    person, "authorise", self.holderSide(person), .authorise(professional: id, basis: .holderConsent)))
        case .administrator:
            guard let state = self.state(store, person), state.status == .open else { return }
            let specialist = self.professional(self.random.pick([.cardiologist, .generalPractitioner, .hospitalist]))
            let id = self.professionals[specialist].actor.id
            guard state.blocks[id] == nil, !state.administrators.contains(id) else { return }
            await self.submit(
                store,
                self.command(person, "grant-admin", self.holderSide(person), .grantAdministrator(professional: id)))
            self.feature(
                "administrator rights granted to a professional", person,
                query: "trace --dossier ID --viewer professional:\(id)")
        case .occupational:
            await self.occupational(person, store)
        case .occupationalRefused:
            guard self.isOpen(store, person) else { return }
            let doctor = self.professionals[self.professional(.occupationalDoctor)].actor
            guard self.state(store, person)?.authorisations[doctor.id] == nil else { return }
            await self.submit(
                store,
                self.command(person, "occupational-list", doctor, .consultDocumentList(mode: .normal, reason: nil)),
                read: true)
            self.feature(
                "an occupational doctor without express consent refused (ACC-9)", person, query: "trace --dossier ID")
        case .regulation:
            await self.emergency(person, store, mode: .regulation)
        case .breakGlass:
            await self.emergency(person, store, mode: .breakGlass)
        case .thirdParty:
            guard self.people[person].dossier != nil else { return }
            await self.submit(
                store,
                self.command(person, "mutuelle-list", self.mutuelle, .consultDocumentList(mode: .normal, reason: nil)),
                read: true)
            self.feature("a mutuelle refused whatever the events say (ACC-10)", person, query: "trace --dossier ID")
        case .secretCare:
            await self.secretCare(person, store)
        case .hideFromRepresentatives:
            guard let state = self.state(store, person), state.status == .open, state.isMinor(at: self.now) else {
                return
            }
            let candidates = self.documents(state).filter {
                !$0.deleted && !$0.secret && !$0.confidentiality.contains(.invisibleToRepresentatives)
                    && $0.authorRole == .professional && $0.metadata.typeCode != DocumentMetadata.reimbursementTypeCode
            }
            guard !candidates.isEmpty else { return }
            let document = self.random.pick(candidates)
            await self.submit(
                store,
                self.command(
                    person, "hide-from-representatives", .holder(software: "Mon espace santé"),
                    .hideFromRepresentatives(document: document.metadata.id)))
        case .guardian:
            guard let state = self.state(store, person), state.status == .open, state.representatives.isEmpty else {
                return
            }
            let guardian = "guardian-\(person)"
            await self.submit(
                store,
                self.command(
                    person, "guardian", self.agent, .addLegalRepresentative(representative: guardian, kind: .guardian)))
            self.people[person].guardian = guardian
            self.feature(
                "a protected adult with a guardian (LC-9)", person,
                query: "trace --dossier ID --viewer legal-representative:\(guardian)")
        case .maskedAttempt(let document):
            await self.maskedAttempt(person, document, store)
        case .release(let document, let author):
            guard let state = self.state(store, person), state.status == .open,
                let current = state.documents[document], current.confidentiality.contains(.invisibleToPatient),
                !current.deleted
            else { return }
            await self.submit(
                store,
                self.command(person, "release", self.professionals[author].actor, .releaseDocument(document: document)))
            self.feature(
                "an invisible document released by its author after the announcement (ACC-6)", person,
                query: "who-saw --document \(document)")
        case .reopen:
            guard self.state(store, person)?.status == .closed else { return }
            await self.submit(
                store, self.command(person, "reopen", .holder(software: "Mon espace santé"), .reopenDossier))
            self.feature(
                "closed, then reopened with its archive (LC-6)", person, query: "events --dossier ID --format table")
        case .requestDeletion:
            guard let state = self.state(store, person), state.status == .closed else { return }
            await self.submit(
                store,
                self.command(person, "request-deletion", .holder(software: "Mon espace santé"), .requestDeletion)
            )
            if self.random.chance(0.15) {
                self.plan(at: self.later(3...60), person: person, .withdrawDeletion)
            } else {
                // The purge comes with the first tick after 3 months; look at the dossier after it.
                let due = ParisCalendar.adding(months: 3, to: self.now)
                self.plan(at: due + 2 * 86_400_000, person: person, .purgeCheck)
            }
        case .withdrawDeletion:
            guard self.state(store, person)?.status == .deletionRequested else { return }
            await self.submit(
                store,
                self.command(
                    person, "withdraw-deletion", .holder(software: "Mon espace santé"), .withdrawDeletionRequest))
        case .purgeCheck:
            guard self.state(store, person)?.status == .purged else { return }
            self.feature("purged 3 months after a deletion request (LC-7, LC-8)", person, query: "trace --dossier ID")
            if self.random.chance(0.3) {
                // Created again for the same person: a new dossier id (LC-3).
                self.people[person].generation += 1
                let key = self.key(person, "create-again")
                await self.submit(
                    store,
                    Command(
                        key: key, actor: .holder(software: "Mon espace santé"),
                        action: .createDossier(
                            identifier: self.people[person].identifier, traits: self.people[person].traits,
                            mode: .holderRequest, expressConsent: false)))
                self.people[person].dossier = Decider.derivedDossierID(key: key)
                self.people[person].lastReimbursement = nil
                self.people[person].doctor = nil
                self.people[person].seen = []
                self.feature(
                    "created again after a purge: one NIR, two dossiers (LC-3)", person,
                    query: "state --dossier \(self.people[person].identifier)")
                self.startLife(person)
            }
        }
    }

    /// Whether a command planned a few minutes ago still applies to its document: another
    /// episode of the same person may have masked, replaced, archived or deleted it meanwhile.
    private func stillApplies(_ command: Command, in state: DossierState) -> Bool {
        switch command.action {
        case .depositDocument(_, let mode) where command.actor.role == .professional:
            return self.mayWrite(command.actor, mode: mode, in: state)
        case .maskDocument(let id):
            return state.documents[id].map { !$0.deleted && !$0.confidentiality.contains(.maskedFromProfessionals) }
                ?? false
        case .unmaskDocument(let id):
            return state.documents[id].map { !$0.deleted && $0.confidentiality.contains(.maskedFromProfessionals) }
                ?? false
        case .replaceDocument(let id, _, let mode):
            let current = state.documents[id].map { !$0.deleted && !$0.deprecated } ?? false
            return current && self.mayWrite(command.actor, mode: mode, in: state)
        case .archiveDocument(let id):
            return state.documents[id].map { !$0.deleted && !$0.archived } ?? false
        case .deleteDocument(let id, _):
            return state.documents[id].map { !$0.deleted } ?? false
        default:
            return true
        }
    }

    /// Whether a professional may still deposit: they may have been blocked, or the holder may
    /// have opposed bris de glace, since the deposit was planned.
    private func mayWrite(_ actor: Actor, mode: AccessMode, in state: DossierState) -> Bool {
        guard actor.role == .professional else { return true }
        let access = AccessPolicy.dossierAccess(
            actor: actor, mode: mode == .secretConnection ? .normal : mode, reason: "deposit", state: state,
            settings: self.policy, forWriting: true)
        if case .failure = access { return false }
        return true
    }

    private func command(_ person: Int, _ verb: String, _ actor: Actor, _ action: Command.Action) -> Command {
        Command(key: self.key(person, verb), actor: actor, dossier: self.people[person].dossier, action: action)
    }

    private func documents(_ state: DossierState) -> [DossierState.Document] {
        state.documents.values.sorted { $0.metadata.id < $1.metadata.id }
    }

    // MARK: Arrival and life

    private func arrive(_ person: Int, _ store: isolated DMPStore) async {
        let record = self.people[person]
        switch record.arrival {
        case .legacy:
            let key = self.key(person, "create")
            let byPharmacist = self.random.chance(0.4)
            let command: Command
            if self.random.chance(0.3) {
                command = Command(
                    key: key, actor: self.agent,
                    action: .createDossier(
                        identifier: record.identifier, traits: record.traits, mode: .receptionWithConsent,
                        expressConsent: true))
            } else {
                let creator = self.professional(byPharmacist ? .pharmacist : .generalPractitioner)
                command = Command(
                    key: key, actor: self.professionals[creator].actor,
                    action: .createDossier(
                        identifier: record.identifier, traits: record.traits, mode: .professionalWithConsent,
                        expressConsent: true))
            }
            self.people[person].dossier = Decider.derivedDossierID(key: key)
            await self.submit(store, command)
            self.feature(
                "created before 2022 by a professional with express consent (LC-3)", person, query: "state --dossier ID"
            )
            if record.promotion != nil {
                self.plan(
                    at: max(Decider.optOutEra, self.now) + Int64(self.random.int(5...120)) * 86_400_000, person: person,
                    .promote)
            }
            self.startLife(person)
        case .notice:
            let key = self.key(person, "notice")
            self.people[person].dossier = Decider.derivedDossierID(key: key)
            await self.submit(
                store,
                Command(
                    key: key, actor: .operatorFeed,
                    action: .sendOpeningNotice(
                        identifier: record.identifier, traits: record.traits,
                        channel: self.random.chance(0.85) ? .email : .post)))
            for representative in record.representatives where self.now < record.majority {
                await self.submit(
                    store,
                    self.command(
                        person, "representative", .operatorFeed,
                        .addLegalRepresentative(representative: representative, kind: .parent)))
            }
            let due = ParisCalendar.adding(days: 42, to: self.now)
            switch self.random.unit() {
            case ..<0.06: self.plan(at: self.later(2...38), person: person, .oppose)
            case ..<0.10: self.plan(at: self.later(1...35), person: person, .activateEarly)
            default: break
            }
            // The tick after the due date opens it; look then.
            let dueDay = Int((due - self.settings.start) / 86_400_000) + 1
            self.plan(
                at: self.dayStart(dueDay) + 3 * 3_600_000 + Int64(self.random.int(0..<3_600_000)), person: person,
                .openingCheck)
            if record.promotion != nil {
                self.plan(at: self.later(20...200), person: person, .promote)
            }
        case .request:
            let key = self.key(person, "create")
            self.people[person].dossier = Decider.derivedDossierID(key: key)
            let minor = self.now < record.majority
            let actor: Actor =
                minor
                ? .legalRepresentative(record.representatives[0], software: "Mon espace santé")
                : .holder(software: self.random.pick(["Mon espace santé", "Pharmacie (accompagnement)"]))
            await self.submit(
                store,
                Command(
                    key: key, actor: actor,
                    action: .createDossier(
                        identifier: record.identifier, traits: record.traits, mode: .holderRequest,
                        expressConsent: false)))
            if minor {
                for representative in record.representatives {
                    await self.submit(
                        store,
                        self.command(
                            person, "representative", actor,
                            .addLegalRepresentative(representative: representative, kind: .parent)))
                }
            }
            if record.promotion != nil {
                self.plan(at: self.later(20...200), person: person, .promote)
            }
            self.startLife(person)
        }
    }

    /// Plans a newly opened dossier's life: the reimbursement feed, a médecin traitant, care
    /// episodes, and the rarer events.
    private func startLife(_ person: Int) {
        self.people[person].lifeStarted = self.people[person].generation
        let record = self.people[person]
        let minor = self.now < record.majority
        let generation = record.generation
        self.plan(at: self.daytime(inDays: 1, from: 3, to: 5), person: person, .reimbursement(generation))
        if self.random.chance(minor ? 0.45 : 0.6) { self.plan(at: self.later(1...60), person: person, .declareDoctor) }
        self.plan(at: self.nextEpisode(person), person: person, .episode(generation))
        let remaining = Int((self.end - self.now) / 86_400_000)
        guard remaining > 7 else { return }
        func maybe(_ probability: Double, _ step: Step, from: Int = 7) {
            if remaining > from, self.random.chance(probability) {
                self.plan(at: self.later(from...remaining), person: person, step)
            }
        }
        maybe(0.05, .emergencySettings, from: 1)
        maybe(0.03, .block, from: 20)
        maybe(0.04, .authorise)
        maybe(0.015, .administrator)
        maybe(0.025, .regulation)
        maybe(0.02, .breakGlass)
        maybe(0.006, .thirdParty)
        maybe(0.01, .rectify)
        maybe(0.003, .suspend, from: 30)
        if !minor {
            maybe(0.03, .close, from: 30)
            maybe(0.02, .occupational)
            maybe(0.005, .occupationalRefused)
        }
        if record.elderly {
            maybe(0.015, .death, from: 30)
            maybe(0.03, .guardian)
        }
        if minor {
            // Teenagers' secret care (ACC-7) while still minors and at least 14.
            let fourteen = ParisCalendar.adding(years: -4, to: record.majority)
            let from = max(self.now, fourteen)
            let to = min(self.end, record.majority)
            if to > from + 7 * 86_400_000 {
                if self.random.chance(0.15) {
                    self.plan(
                        at: self.daytime(on: from + Int64(self.random.unit() * Double(to - from - 86_400_000))),
                        person: person,
                        .secretCare)
                }
                if self.random.chance(0.05) {
                    self.plan(
                        at: self.daytime(on: from + Int64(self.random.unit() * Double(to - from - 86_400_000))),
                        person: person,
                        .hideFromRepresentatives)
                }
            }
        }
    }

    private func reimbursement(_ person: Int, _ store: isolated DMPStore) async {
        guard self.isOpen(store, person) else { return }
        let record = self.people[person]
        let document = self.metadata(person, .reimbursement, author: "operator-feed", actAt: self.now - 3_600_000)
        if let previous = record.lastReimbursement {
            await self.submit(
                store,
                self.command(
                    person, "remb-update", .operatorFeed,
                    .replaceDocument(replaced: previous, document: document, mode: .normal)))
        } else {
            await self.submit(
                store, self.command(person, "remb", .operatorFeed, .depositDocument(document: document, mode: .normal)))
        }
        self.people[person].lastReimbursement = document.id
        let next = self.daytime(inDays: self.random.int(80...100), from: 3, to: 5)
        if next < self.end { self.plan(at: next, person: person, .reimbursement(self.people[person].generation)) }
    }

    // MARK: Documents

    private func metadata(
        _ person: Int, _ kind: DocumentKind, author: String, actAt: Int64, discharge: Int64? = nil,
        confidentiality: Confidentiality = []
    ) -> DocumentMetadata {
        let title = self.random.pick(kind.titles)
        let id = "DOC-" + self.random.hex(12).uppercased()
        let body = kind.body(
            id: id, title: title, patient: self.people[person].traits, author: author, actAt: actAt,
            random: &self.random)
        let sha = sha256Hex(body)
        if self.people[person].writesBodies, let bodies = self.bodies {
            bodies.put(body, sha256: sha)
            self.summary.bodies += 1
        }
        self.summary.documents += 1
        return DocumentMetadata(
            id: id, typeCode: kind.typeCode, category: kind.category,
            classCode: kind.classCode, title: title, createdAt: min(self.now, actAt + 600_000), actAt: actAt,
            dischargeAt: discharge, confidentiality: confidentiality, format: "urn:ihe:iti:xds-sd:text:2008",
            size: Int64(body.count), sha256: sha)
    }

    /// What a professional of this kind writes.
    private func documentKind(for kind: ProfessionalKind, person: Int) -> DocumentKind? {
        switch kind {
        case .generalPractitioner, .pediatrician:
            return self.random.weighted([
                (.consultation, 0.55), (.prescription, 0.25), (.vaccination, 0.1), (.synthesis, 0.1),
            ])
        case .cardiologist, .dermatologist, .gynecologist: return .consultation
        case .psychiatrist: return self.random.chance(0.5) ? .psychiatric : .consultation
        case .biologist: return .laboratory
        case .radiologist: return .imaging
        case .hospitalist: return .discharge
        case .emergencyPhysician: return .emergency
        case .nurse: return .nursing
        case .physiotherapist: return .physiotherapy
        case .dentist: return .dental
        case .midwife: return .pregnancy
        case .pharmacist, .samuRegulator, .occupationalDoctor, .fireBrigadeDoctor: return nil
        }
    }

    /// The documents `actor` may read in `mode`, as the access policy says.
    private func readable(
        _ state: DossierState, actor: Actor, mode: AccessMode, reason: String?
    ) -> [DossierState.Document] {
        guard
            case .success(let access) = AccessPolicy.dossierAccess(
                actor: actor, mode: mode, reason: reason, state: state, settings: self.policy)
        else { return [] }
        return self.documents(state).filter {
            !$0.deprecated
                && AccessPolicy.sees($0, actor: actor, right: access.right, state: state, settings: self.policy)
        }
    }

    // MARK: Episodes

    private func episode(_ person: Int, _ store: isolated DMPStore) async {
        guard let state = self.state(store, person) else { return }
        if self.random.chance(0.22) {
            await self.holderEpisode(person, state, store)
            return
        }
        let minor = self.now < self.people[person].majority
        var kinds: [(ProfessionalKind, Double)] = [
            (.generalPractitioner, minor ? 0.25 : 0.42), (.biologist, 0.12), (.radiologist, 0.07), (.hospitalist, 0.06),
            (.pharmacist, 0.08), (.nurse, 0.05), (.physiotherapist, 0.04), (.dentist, 0.05),
            (.cardiologist, 0.02), (.dermatologist, 0.02), (.psychiatrist, 0.02),
        ]
        if minor { kinds.append((.pediatrician, 0.2)) }
        if self.people[person].traits.sex == .female && !minor && !self.people[person].elderly {
            kinds.append((.midwife, 0.02))
            kinds.append((.gynecologist, 0.02))
        }
        let kind = self.random.weighted(kinds)
        var index = self.professional(kind)
        if kind == .generalPractitioner || kind == .pediatrician, let doctor = self.people[person].doctor,
            self.professionals[doctor].kind == kind, self.random.chance(0.8)
        {
            index = doctor
        } else if let previous = self.people[person].seen.last(where: { self.professionals[$0].kind == kind }),
            self.random.chance(0.6)
        {
            index = previous
        }
        let actor = self.professionals[index].actor
        guard state.blocks[actor.id] == nil, actor.structure.map({ state.blocks[$0] == nil }) ?? true else { return }
        if !self.people[person].seen.contains(index) { self.people[person].seen.append(index) }
        // The episode's commands, a few minutes apart: the first now, the others planned.
        var offset: Int64 = 0
        let reads = self.readable(state, actor: actor, mode: .normal, reason: nil)
        if self.random.chance(0.75) {
            await self.send(
                store, person, self.command(person, "list", actor, .consultDocumentList(mode: .normal, reason: nil)),
                read: true, after: offset)
            offset += Int64(self.random.int(20_000...180_000))
        }
        for _ in 0..<self.random.int(0...2) where !reads.isEmpty {
            let document = self.random.pick(reads)
            await self.send(
                store, person,
                self.command(
                    person, "read", actor,
                    .consultDocument(document: document.metadata.id, mode: .normal, reason: nil)),
                read: true, after: offset)
            offset += Int64(self.random.int(20_000...300_000))
        }
        if kind == .dentist, self.random.chance(0.3),
            let hidden = self.documents(state).first(where: { $0.metadata.typeCode == "PSY_SYNTH" && !$0.deleted })
        {
            // The profession matrix (ACC-3): a dentist may not read a psychiatric summary; the
            // answer is "not found" (ACC-11).
            await self.send(
                store, person,
                self.command(
                    person, "read", actor, .consultDocument(document: hidden.metadata.id, mode: .normal, reason: nil)),
                read: true, after: offset)
            offset += 30_000
            self.feature(
                "a dentist refused a psychiatric summary (ACC-3, ACC-11)", person,
                query: "who-saw --document \(hidden.metadata.id)")
        }
        if let documentKind = self.documentKind(for: kind, person: person), self.random.chance(0.8) {
            offset += Int64(self.random.int(60_000...600_000))
            await self.deposit(person, documentKind, by: index, after: offset, store)
        }
        // Now and then, the author corrects, archives or deletes one of their documents.
        let own = self.documents(state).filter { $0.author == actor.id && !$0.deleted && !$0.deprecated }
        offset += Int64(self.random.int(60_000...300_000))
        if let document = own.first, self.random.chance(0.04) {
            let kind = DocumentKind.allCases.first { $0.typeCode == document.metadata.typeCode } ?? .consultation
            let replacement = self.metadata(
                person, kind, author: actor.id, actAt: document.metadata.actAt,
                confidentiality: document.confidentiality.subtracting(.maskedFromProfessionals))
            await self.send(
                store, person,
                self.command(
                    person, "replace", actor,
                    .replaceDocument(replaced: document.metadata.id, document: replacement, mode: .normal)),
                after: offset)
            self.feature(
                "a document replaced by a corrected version (DOC-4)", person,
                query: "who-saw --document \(document.metadata.id)")
        } else if let document = own.last, !document.archived, self.random.chance(0.015) {
            await self.send(
                store, person, self.command(person, "archive", actor, .archiveDocument(document: document.metadata.id)),
                after: offset)
        } else if let document = own.last, self.random.chance(0.01) {
            await self.send(
                store, person,
                self.command(
                    person, "delete", actor,
                    .deleteDocument(document: document.metadata.id, reason: "Déposé dans le mauvais dossier")),
                after: offset)
            self.feature(
                "a document deleted by its author (DOC-6)", person, query: "who-saw --document \(document.metadata.id)")
        }
    }

    private func deposit(
        _ person: Int, _ kind: DocumentKind, by professional: Int, after offset: Int64, _ store: isolated DMPStore
    ) async {
        let actor = self.professionals[professional].actor
        let at = self.now + offset
        var actAt = at - Int64(self.random.int(5...90)) * 60_000
        var discharge: Int64?
        if kind == .discharge {
            actAt = at - Int64(self.random.int(1...8)) * 86_400_000
            discharge = at - Int64(self.random.int(1...6)) * 3_600_000
        } else if self.random.chance(0.07) {
            actAt = at - Int64(self.random.int(2...12)) * 86_400_000  // a late deposit (DOC-2)
        }
        var flags: Confidentiality = []
        let invisible = (kind == .laboratory || kind == .imaging) && self.random.chance(0.05)
        if invisible { flags.insert(.invisibleToPatient) }
        let document = self.metadata(
            person, kind, author: actor.id, actAt: actAt, discharge: discharge, confidentiality: flags)
        await self.send(
            store, person, self.command(person, "deposit", actor, .depositDocument(document: document, mode: .normal)),
            after: offset)
        if invisible {
            if self.random.chance(0.6) {
                self.plan(at: self.later(4...25), person: person, .release(document.id, professional))
            } else {
                self.feature(
                    "an invisible document released by itself after a month, with the 2-week reminder (ACC-6)", person,
                    query: "trace --dossier ID")
            }
        }
        if let discharge, ParisCalendar.endOfDay(containing: discharge) <= at {
            self.feature(
                "a late deposit after a hospital stay (DOC-2)", person,
                query: "events --dossier ID --type DocumentDeposited --format table")
        }
    }

    private func holderEpisode(_ person: Int, _ state: DossierState, _ store: isolated DMPStore) async {
        let actor = self.holderSide(person)
        let reads = self.readable(state, actor: actor, mode: .normal, reason: nil)
        var offset: Int64 = 0
        await self.send(
            store, person, self.command(person, "list", actor, .consultDocumentList(mode: .normal, reason: nil)),
            read: true)
        for _ in 0..<self.random.int(0...2) where !reads.isEmpty {
            offset += Int64(self.random.int(20_000...300_000))
            let document = self.random.pick(reads)
            await self.send(
                store, person,
                self.command(
                    person, "read", actor,
                    .consultDocument(document: document.metadata.id, mode: .normal, reason: nil)),
                read: true, after: offset)
        }
        offset += Int64(self.random.int(30_000...120_000))
        let maskable = reads.filter {
            !$0.confidentiality.contains(.maskedFromProfessionals) && $0.authorRole == .professional
                && $0.metadata.typeCode != DocumentMetadata.reimbursementTypeCode
        }
        if !maskable.isEmpty, self.random.chance(0.12) {
            let sensitive = maskable.filter {
                $0.metadata.typeCode == "PSY_SYNTH" || $0.metadata.category == "BIOLOGIE"
            }
            let document = self.random.pick(sensitive.isEmpty ? maskable : sensitive)
            await self.send(
                store, person, self.command(person, "mask", actor, .maskDocument(document: document.metadata.id)),
                after: offset)
            self.plan(at: self.later(1...60), person: person, .maskedAttempt(document.metadata.id))
        } else if let masked = reads.first(where: { $0.confidentiality.contains(.maskedFromProfessionals) }),
            self.random.chance(0.05)
        {
            await self.send(
                store, person, self.command(person, "unmask", actor, .unmaskDocument(document: masked.metadata.id)),
                after: offset)
        } else if self.random.chance(0.04) {
            let kind: DocumentKind = self.people[person].elderly ? .advanceDirectives : .holderNote
            let document = self.metadata(person, kind, author: actor.id, actAt: self.now)
            await self.send(
                store, person,
                self.command(person, "holder-deposit", actor, .depositDocument(document: document, mode: .normal)),
                after: offset)
        }
    }

    private func maskedAttempt(_ person: Int, _ document: String, _ store: isolated DMPStore) async {
        guard let state = self.state(store, person), state.status == .open, let masked = state.documents[document],
            masked.confidentiality.contains(.maskedFromProfessionals), !masked.deleted
        else { return }
        // A care-team professional who is not the author nor a médecin traitant: the masked
        // document is "not found" for them (ACC-5, ACC-11).
        for _ in 0..<8 {
            let index = self.professional(
                self.random.pick([.generalPractitioner, .cardiologist, .nurse, .hospitalist]))
            let actor = self.professionals[index].actor
            guard actor.id != masked.author, !state.treatingDoctors.contains(actor.id),
                !state.administrators.contains(actor.id), state.blocks[actor.id] == nil
            else { continue }
            await self.submit(
                store,
                self.command(
                    person, "read-masked", actor, .consultDocument(document: document, mode: .normal, reason: nil)),
                read: true)
            self.feature(
                "a masked document answered \"not found\" (ACC-5, ACC-11)", person,
                query: "who-saw --document \(document)")
            return
        }
    }

    // MARK: Access events

    private func block(_ person: Int, _ store: isolated DMPStore) async {
        guard let state = self.state(store, person), state.status == .open else { return }
        let candidates = self.people[person].seen.filter { state.blocks[self.professionals[$0].actor.id] == nil }
        let index = candidates.isEmpty ? self.professional(.generalPractitioner) : self.random.pick(candidates)
        let id = self.professionals[index].actor.id
        guard state.blocks[id] == nil else { return }
        await self.submit(
            store,
            self.command(
                person, "block", self.holderSide(person),
                .block(
                    target: id, targetKind: .professional,
                    reason: "Je ne souhaite plus que ce professionnel accède à mon dossier")))
        if self.people[person].doctor == index { self.people[person].doctor = nil }
        self.plan(at: self.later(1...45), person: person, .blockedAttempt(index))
        if self.random.chance(0.2) { self.plan(at: self.later(50...200), person: person, .unblock(index)) }
    }

    private func occupational(_ person: Int, _ store: isolated DMPStore) async {
        guard let state = self.state(store, person), state.status == .open else { return }
        let doctor = self.professional(.occupationalDoctor)
        let id = self.professionals[doctor].actor.id
        guard state.blocks[id] == nil, state.authorisations[id] == nil else { return }
        await self.submit(
            store,
            self.command(
                person, "express-consent", .holder(software: "Mon espace santé"),
                .authorise(professional: id, basis: .expressConsent)))
        self.plan(at: self.later(1...3), person: person, .occupationalRead(doctor))
    }

    private func emergency(_ person: Int, _ store: isolated DMPStore, mode: AccessMode) async {
        guard let state = self.state(store, person), state.status == .open else { return }
        let kind: ProfessionalKind = mode == .regulation ? .samuRegulator : .emergencyPhysician
        let index = self.professional(kind)
        let actor = self.professionals[index].actor
        guard state.blocks[actor.id] == nil else { return }
        let reason =
            mode == .regulation
            ? self.random.pick([
                "Appel au 15 : douleur thoracique", "Appel au 15 : malaise sur la voie publique",
                "Appel au 15 : chute à domicile",
            ])
            : self.random.pick([
                "Patient inconscient aux urgences", "Détresse respiratoire, patient non communicant",
                "Polytraumatisé, pronostic vital engagé",
            ])
        let opposed = mode == .regulation ? !state.emergency.regulation : !state.emergency.breakGlass
        await self.submit(
            store, self.command(person, "emergency-list", actor, .consultDocumentList(mode: mode, reason: reason)),
            read: true)
        if opposed {
            self.feature(
                "an emergency access refused: the holder opposed that mode (ACC-8)", person, query: "trace --dossier ID"
            )
            return
        }
        let reads = self.readable(state, actor: actor, mode: mode, reason: reason)
        if let document = reads.last(where: { $0.metadata.typeCode != DocumentMetadata.reimbursementTypeCode })
            ?? reads.last
        {
            await self.send(
                store, person,
                self.command(
                    person, "emergency-read", actor,
                    .consultDocument(document: document.metadata.id, mode: mode, reason: reason)),
                read: true, after: Int64(self.random.int(30_000...120_000)))
            self.feature(
                mode == .regulation
                    ? "a SAMU regulator read in regulation mode (ACC-8)" : "a bris-de-glace read (ACC-8)",
                person, query: "who-saw --document \(document.metadata.id)")
        }
        if mode == .breakGlass, self.random.chance(0.4) {
            let offset = Int64(self.random.int(1...4)) * 3_600_000
            let document = self.metadata(person, .emergency, author: actor.id, actAt: self.now + offset - 1_800_000)
            await self.send(
                store, person,
                self.command(
                    person, "emergency-deposit", actor, .depositDocument(document: document, mode: .breakGlass)),
                after: offset)
            if !self.people[person].seen.contains(index) { self.people[person].seen.append(index) }
        }
    }

    private func secretCare(_ person: Int, _ store: isolated DMPStore) async {
        guard let state = self.state(store, person), state.status == .open, state.isMinor(at: self.now) else { return }
        let index = self.professional(self.random.chance(0.6) ? .midwife : .generalPractitioner)
        let actor = self.professionals[index].actor
        guard state.blocks[actor.id] == nil else { return }
        let document = self.metadata(
            person, .contraception, author: actor.id, actAt: self.now - 1_200_000,
            confidentiality: .invisibleToRepresentatives)
        await self.submit(
            store,
            self.command(person, "secret-deposit", actor, .depositDocument(document: document, mode: .secretConnection))
        )
        // A parent later looks, and is answered "not found" (ACC-7, ACC-11).
        if let parent = self.people[person].representatives.first, state.representatives[parent] != nil,
            self.random.chance(0.6)
        {
            let representative = Actor.legalRepresentative(parent, software: "Mon espace santé")
            let offset = Int64(self.random.int(1...5)) * 86_400_000
            await self.send(
                store, person,
                self.command(person, "parent-list", representative, .consultDocumentList(mode: .normal, reason: nil)),
                read: true, after: offset)
            await self.send(
                store, person,
                self.command(
                    person, "parent-read", representative,
                    .consultDocument(document: document.id, mode: .normal, reason: nil)),
                read: true, after: offset + 60_000)
            self.feature(
                "a minor's secret care, hidden from the parents (ACC-7)", person,
                // As of just after the parent's attempt: at 18 the parents' access, and view, end.
                query: "trace --dossier ID --viewer legal-representative:\(parent) --at "
                    + Instant.format(self.now + offset + 3_600_000))
        }
    }
}
