// The fast path of decoding: records exactly as ``EventCodec`` writes them, for the types a replay
// meets most. It compares the fixed parts of the record (`,"at":"`) with constants instead of
// reading keys, and gives up, returning `nil`, at the first byte it does not expect: the general
// reader then reads the record from the start, in any key order, and reports what is wrong. It
// accepts nothing the general reader refuses: strings must be without escapes and valid UTF-8,
// names known, instants valid, and nothing may follow the record. Its readers of the envelope and
// of the commonest `data` objects also give their strings as bytes (`RawString`): the replay folds
// those records from them (`StoreState.applyCanonical`), so both accept exactly the same records.

extension EventCodec {
    /// Reads a record written in the canonical form, or returns `nil`.
    ///
    /// - Parameter bytes: One record.
    /// - Returns: The event, or `nil` if the record is not in the canonical form of a type this
    ///   path knows (the general reader decides then).
    static func readCanonical(_ bytes: UnsafeRawBufferPointer, strings: StringInterner? = nil) -> Event? {
        guard let start = bytes.baseAddress else {
            return nil
        }
        var cursor = CanonicalCursor(pointer: start, count: bytes.count, strings: strings)
        var envelope = RawEnvelope()
        guard cursor.envelope(into: &envelope), let actor = cursor.actor(envelope.actor),
            let command = envelope.command.string
        else {
            return nil
        }
        let payload: EventPayload?
        switch envelope.kind {
        case .documentConsulted: payload = cursor.consultation()
        case .documentListConsulted: payload = cursor.listConsultation()
        case .consultationRefused: payload = cursor.refusal()
        case .notificationSent: payload = cursor.notification()
        case .professionalAuthorised: payload = cursor.authorisation()
        case .documentDeposited: payload = cursor.deposit()
        case .documentReplaced: payload = cursor.deposit(replacement: true)
        case .openingNoticeSent: payload = cursor.notice()
        case .dossierOpened: payload = cursor.opening()
        case .treatingDoctorDeclared:
            payload = cursor.onlyString(#"{"professional":"#)?.string.map(EventPayload.treatingDoctorDeclared)
        case .legalRepresentativeAdded: payload = cursor.representative()
        default: payload = cursor.generalData(envelope.kind)
        }
        guard let payload, cursor.literal("}"), cursor.atEnd else {
            return nil
        }
        return Event(
            sequence: envelope.sequence,
            at: envelope.at,
            dossier: envelope.dossier,
            actor: actor,
            command: command,
            payload: payload
        )
    }
}

/// A string member as the canonical path reads it: its bytes, without escapes or control
/// characters, and whether any is 0x80 or more (then its UTF-8 is still to be checked).
struct RawString {
    /// The bytes between the quotes.
    var body: UnsafeRawBufferPointer
    /// Whether a byte is 0x80 or more.
    var nonASCII: Bool

    /// The string, or `nil` if its UTF-8 is not valid.
    @inline(__always)
    var string: String? {
        if self.nonASCII {
            return String(validating: self.body, as: UTF8.self)
        }
        return Self.ascii(self.body)
    }

    /// The string of bytes known to be ASCII (so valid UTF-8), copied without a check.
    @inline(__always)
    static func ascii(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes)
            return bytes.count
        }
    }

    /// Whether its UTF-8 is valid (what ``string`` checks, without making the string).
    @inline(__always)
    var isValid: Bool {
        !self.nonASCII || UTF8Validation.firstInvalidByte(in: self.body, from: 0, to: self.body.count) == nil
    }

    /// The string of an optional member: `.some(nil)` when absent, `nil` when present and not
    /// valid UTF-8.
    @inline(__always)
    static func optional(_ raw: RawString?) -> String?? {
        guard let raw else { return .some(nil) }
        guard let string = raw.string else { return nil }
        return .some(string)
    }
}

/// The envelope of a record as the canonical path reads it, strings as bytes.
struct RawEnvelope {
    var sequence: UInt64 = 0
    var at: Int64 = 0
    var kind = EventKind.notificationSent
    var dossier = DossierID(high: 0, low: 0)
    var actor = RawActor()
    var command = RawString(body: UnsafeRawBufferPointer(start: nil, count: 0), nonASCII: false)
}

/// The members of an actor object as the canonical path reads them, strings as bytes.
struct RawActor {
    var id = RawString(body: UnsafeRawBufferPointer(start: nil, count: 0), nonASCII: false)
    var role = Actor.Role.system
    var profession: RawString?
    var practice: Actor.Practice?
    var structure: RawString?
    var authentication = Actor.Authentication.system
    var software: RawString?
}

/// A position in a record read in its canonical form; every reader returns `nil`, without a
/// diagnosis, on anything else.
struct CanonicalCursor {
    /// The first byte of the record.
    private let pointer: UnsafeRawPointer
    /// The number of bytes of the record.
    private let count: Int
    /// The position of the next byte to read.
    private var position = 0

    /// Where repeated strings (titles, formats, software names) are shared, if anywhere.
    private let strings: StringInterner?

    /// Creates a cursor at the start of a record.
    init(pointer: UnsafeRawPointer, count: Int, strings: StringInterner? = nil) {
        self.pointer = pointer
        self.count = count
        self.strings = strings
    }

    /// Consumes a string like ``string()``, sharing it with an equal one read before when an
    /// interner is given: a replay then holds one copy of each document title and format.
    @inline(__always)
    mutating func sharedString() -> String? {
        self.rawString().flatMap(self.shared)
    }

    /// The string of a raw string, shared through the interner if there is one; `nil` if its
    /// UTF-8 is not valid.
    @inline(__always)
    func shared(_ raw: RawString) -> String? {
        guard let strings = self.strings else {
            return raw.string
        }
        return strings.string(raw.body) { raw.string }
    }

    /// Reads `data`, the record's last member, with the general reader (any key order, every
    /// type), so that the envelope already read in the canonical form is not read again; `nil` if
    /// the general reader finds anything wrong (it then reads the whole record and says what).
    mutating func generalData(_ kind: EventKind) -> EventPayload? {
        let end = self.count &- 1
        guard end > self.position, self.byte(at: end) == 0x7D else {
            return nil
        }
        let value = UnsafeRawBufferPointer(start: self.pointer + self.position, count: end &- self.position)
        var reader = FieldReader(value, base: self.position)
        do {
            let payload = try EventCodec.readData(kind, version: 1, versionAt: 0, from: &reader)
            try reader.expectEnd()
            self.position = end
            return payload
        } catch {
            return nil
        }
    }

    /// Whether every byte has been read.
    var atEnd: Bool {
        self.position == self.count
    }

    /// The byte at a position below `count`.
    @inline(__always)
    private func byte(at index: Int) -> UInt8 {
        self.pointer.load(fromByteOffset: index, as: UInt8.self)
    }

    /// Consumes the given bytes, if they come next.
    @inline(__always)
    mutating func literal(_ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard self.position &+ length <= self.count,
            ByteComparison.equal(self.pointer + self.position, UnsafeRawPointer(text.utf8Start), count: length)
        else {
            return false
        }
        self.position &+= length
        return true
    }

    /// Consumes a string without escapes or control characters and returns its body, and whether
    /// it holds bytes of 0x80 or more (whose UTF-8 the caller checks).
    @inline(__always)
    private mutating func plainBytes() -> (body: UnsafeRawBufferPointer, nonASCII: Bool)? {
        guard self.position < self.count, self.byte(at: self.position) == 0x22 else {
            return nil
        }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let start = self.position &+ 1
        var index = start
        var nonASCII = false
        while true {
            if index &+ 8 <= self.count {
                let word = UInt64(littleEndian: self.pointer.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let quotes = word ^ (ones &* 0x22)
                let backslashes = word ^ (ones &* 0x5C)
                let special =
                    ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes | (word &- ones &* 0x20) & ~word)
                    & 0x8080_8080_8080_8080
                nonASCII = nonASCII || word & 0x8080_8080_8080_8080 != 0
                if special == 0 {
                    index &+= 8
                    continue
                }
                index &+= special.trailingZeroBitCount &>> 3
            }
            guard index < self.count else {
                return nil
            }
            let byte = self.byte(at: index)
            if byte == 0x22 {
                self.position = index &+ 1
                return (UnsafeRawBufferPointer(start: self.pointer + start, count: index &- start), nonASCII)
            }
            guard byte >= 0x20, byte != 0x5C else {
                return nil
            }
            nonASCII = nonASCII || byte >= 0x80
            index &+= 1
        }
    }

    /// Consumes a dossier id: a UUID string.
    @inline(__always)
    mutating func dossierID() -> DossierID? {
        guard let (body, _) = self.plainBytes() else {
            return nil
        }
        return DossierID.parse(body)
    }

    /// Consumes a string without escapes; its UTF-8 must be valid.
    @inline(__always)
    mutating func string() -> String? {
        self.rawString()?.string
    }

    /// Consumes a string without escapes or control characters, as its bytes (its UTF-8 not
    /// checked yet: ``RawString/string`` and ``RawString/isValid`` do).
    @inline(__always)
    mutating func rawString() -> RawString? {
        guard let (body, nonASCII) = self.plainBytes() else {
            return nil
        }
        return RawString(body: body, nonASCII: nonASCII)
    }

    /// Consumes one of the names of a ``WireValue`` type.
    @inline(__always)
    mutating func name<Value: WireValue>() -> Value? {
        guard let (body, _) = self.plainBytes() else {
            return nil
        }
        return Value.wireValue(named: body)
    }

    /// Consumes an instant in the record form.
    @inline(__always)
    mutating func timestamp() -> Int64? {
        let length = Timestamp.recordLength
        guard self.position &+ length &+ 2 <= self.count, self.byte(at: self.position) == 0x22,
            self.byte(at: self.position &+ length &+ 1) == 0x22,
            let milliseconds = RecordTime.milliseconds(self.pointer + (self.position &+ 1))
        else {
            return nil
        }
        self.position &+= length &+ 2
        return milliseconds
    }

    /// Consumes an unsigned integer written without a leading zero, that fits in 64 bits.
    @inline(__always)
    mutating func unsigned() -> UInt64? {
        var value: UInt64 = 0
        let start = self.position
        while self.position < self.count {
            let digit = self.byte(at: self.position) &- 0x30
            guard digit < 10 else {
                break
            }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow, !carry else {
                return nil
            }
            value = sum
            self.position &+= 1
        }
        let length = self.position &- start
        guard length > 0, length == 1 || self.byte(at: start) != 0x30 else {
            return nil
        }
        // A fraction or an exponent makes it another number: the general reader refuses it.
        if self.position < self.count {
            let next = self.byte(at: self.position)
            guard next != 0x2E, next != 0x65, next != 0x45 else {
                return nil
            }
        }
        return value
    }

    /// Consumes `true` or `false`.
    @inline(__always)
    mutating func bool() -> Bool? {
        if self.literal("true") {
            return true
        }
        return self.literal("false") ? false : nil
    }

    /// Consumes the actor object.
    mutating func actor() -> Actor? {
        var raw = RawActor()
        guard self.rawActor(into: &raw) else {
            return nil
        }
        return self.actor(raw)
    }

    /// The actor of members read by ``rawActor(into:)``; `nil` if a string is not valid UTF-8.
    func actor(_ raw: RawActor) -> Actor? {
        guard let id = raw.id.string else {
            return nil
        }
        var profession: String?
        if let code = raw.profession {
            guard let value = code.string else { return nil }
            profession = value
        }
        var structure: String?
        if let code = raw.structure {
            guard let value = code.string else { return nil }
            structure = value
        }
        var software: String?
        if let name = raw.software {
            guard let value = self.shared(name) else { return nil }
            software = value
        }
        return Actor(
            id: id,
            role: raw.role,
            profession: profession.map(Profession.init(code:)),
            practice: raw.practice,
            structure: structure,
            authentication: raw.authentication,
            software: software
        )
    }

    /// Consumes the envelope of a record, up to and including `,"data":`, into `envelope`, its
    /// strings as bytes; `false` if it is not in the canonical form.
    @inline(__always)
    mutating func envelope(into envelope: inout RawEnvelope) -> Bool {
        guard self.literal(#"{"seq":"#), let sequence = self.unsigned(),
            self.literal(#","at":"#), let at = self.timestamp(),
            self.literal(#","type":"#), let kind: EventKind = self.name(),
            self.literal(#","v":1,"dossier":"#), let dossier = self.dossierID(),
            self.literal(#","actor":"#), self.rawActor(into: &envelope.actor),
            self.literal(#","command":"#), let command = self.rawString(), command.body.count > 0,
            self.literal(#","data":"#)
        else {
            return false
        }
        envelope.sequence = sequence
        envelope.at = at
        envelope.kind = kind
        envelope.dossier = dossier
        envelope.command = command
        return true
    }

    /// Consumes the actor object into `actor`, its strings as bytes; `false` if it is not in the
    /// canonical form.
    @inline(__always)
    mutating func rawActor(into actor: inout RawActor) -> Bool {
        guard self.literal(#"{"id":"#), let id = self.rawString(), id.body.count > 0,
            self.literal(#","role":"#), let role: Actor.Role = self.name()
        else {
            return false
        }
        actor.id = id
        actor.role = role
        if self.literal(#","profession":"#) {
            guard let code = self.rawString() else { return false }
            actor.profession = code
        }
        if self.literal(#","practice":"#) {
            guard let value: Actor.Practice = self.name() else { return false }
            actor.practice = value
        }
        if self.literal(#","structure":"#) {
            guard let value = self.rawString() else { return false }
            actor.structure = value
        }
        guard self.literal(#","auth":"#), let authentication: Actor.Authentication = self.name() else {
            return false
        }
        actor.authentication = authentication
        if self.literal(#","software":"#) {
            guard let value = self.rawString() else { return false }
            actor.software = value
        }
        return self.literal("}")
    }

    /// Consumes an optional `,"reason":"…"` member; `nil` inside the result means absent.
    @inline(__always)
    private mutating func reason() -> RawString?? {
        guard self.literal(#","reason":"#) else {
            return .some(nil)
        }
        guard let reason = self.rawString() else {
            return nil
        }
        return .some(reason)
    }

    /// Consumes the `data` of a consultation.
    mutating func consultation() -> EventPayload? {
        guard let data = self.consultationData(), let document = data.document.string,
            let reason = RawString.optional(data.reason)
        else {
            return nil
        }
        return .documentConsulted(document: document, mode: data.mode, reason: reason, right: data.right)
    }

    /// Consumes the `data` of a consultation, its strings as bytes.
    @inline(__always)
    mutating func consultationData() -> (document: RawString, mode: AccessMode, reason: RawString?, right: AccessRight)? {
        guard self.literal(#"{"document":"#), let document = self.rawString(),
            self.literal(#","mode":"#), let mode: AccessMode = self.name(),
            let reason = self.reason(),
            self.literal(#","right":"#), let right: AccessRight = self.name(),
            self.literal("}")
        else {
            return nil
        }
        return (document, mode, reason, right)
    }

    /// Consumes the `data` of a consultation of the list of documents.
    mutating func listConsultation() -> EventPayload? {
        guard let data = self.listConsultationData(), let reason = RawString.optional(data.reason) else {
            return nil
        }
        return .documentListConsulted(mode: data.mode, reason: reason, right: data.right, shown: data.shown)
    }

    /// Consumes the `data` of a consultation of the list, its reason as bytes.
    @inline(__always)
    mutating func listConsultationData() -> (mode: AccessMode, reason: RawString?, right: AccessRight, shown: Int)? {
        guard self.literal(#"{"mode":"#), let mode: AccessMode = self.name(),
            let reason = self.reason(),
            self.literal(#","right":"#), let right: AccessRight = self.name(),
            self.literal(#","shown":"#), let shown = self.unsigned(), shown <= UInt64(Int64.max),
            self.literal("}")
        else {
            return nil
        }
        return (mode, reason, right, Int(shown))
    }

    /// Consumes the `data` of a refused read.
    mutating func refusal() -> EventPayload? {
        var document: String?
        if self.literal(#"{"document":"#) {
            guard let value = self.string(), self.literal(#","mode":"#) else {
                return nil
            }
            document = value
        } else if !self.literal(#"{"mode":"#) {
            return nil
        }
        guard let mode: AccessMode = self.name(),
            let rawReason = self.reason(), let reason = RawString.optional(rawReason),
            self.literal(#","refusal":"#), let refusal = self.string(),
            self.literal(#","answeredNotFound":"#), let answeredNotFound = self.bool(),
            self.literal("}")
        else {
            return nil
        }
        return .consultationRefused(
            document: document,
            mode: mode,
            reason: reason,
            refusal: refusal,
            answeredNotFound: answeredNotFound
        )
    }

    /// Consumes the `data` of a notification.
    mutating func notification() -> EventPayload? {
        guard let data = self.notificationData(),
            let document = RawString.optional(data.document),
            let professional = RawString.optional(data.professional)
        else {
            return nil
        }
        return .notificationSent(
            recipient: data.recipient, kind: data.kind, document: document, professional: professional)
    }

    /// Consumes the `data` of a notification, its strings as bytes.
    @inline(__always)
    mutating func notificationData() -> (
        recipient: NotificationRecipient, kind: NotificationKind, document: RawString?, professional: RawString?
    )? {
        guard self.literal(#"{"recipient":"#), let recipient: NotificationRecipient = self.name(),
            self.literal(#","kind":"#), let kind: NotificationKind = self.name()
        else {
            return nil
        }
        var document: RawString?
        if self.literal(#","document":"#) {
            guard let value = self.rawString() else { return nil }
            document = value
        }
        var professional: RawString?
        if self.literal(#","professional":"#) {
            guard let value = self.rawString() else { return nil }
            professional = value
        }
        guard self.literal("}") else {
            return nil
        }
        return (recipient, kind, document, professional)
    }

    /// Consumes the `data` of an authorisation (recorded at a first access under the care-team
    /// presumption, ACC-1).
    mutating func authorisation() -> EventPayload? {
        guard let data = self.authorisationData(), let professional = data.professional.string else {
            return nil
        }
        return .professionalAuthorised(professional: professional, basis: data.basis)
    }

    /// Consumes the `data` of an authorisation, the professional's id as bytes.
    @inline(__always)
    mutating func authorisationData() -> (professional: RawString, basis: AuthorisationBasis)? {
        guard self.literal(#"{"professional":"#), let professional = self.rawString(),
            self.literal(#","basis":"#), let basis: AuthorisationBasis = self.name(),
            self.literal("}")
        else {
            return nil
        }
        return (professional, basis)
    }

    /// Consumes a `data` object of one string member, opened by `opening` (`{"name":`).
    @inline(__always)
    mutating func onlyString(_ opening: StaticString) -> RawString? {
        guard self.literal(opening), let value = self.rawString(), self.literal("}") else {
            return nil
        }
        return value
    }

    /// Consumes the `data` of a legal representative's addition.
    mutating func representative() -> EventPayload? {
        guard let data = self.representativeData(), let representative = data.representative.string else {
            return nil
        }
        return .legalRepresentativeAdded(representative: representative, kind: data.kind)
    }

    /// Consumes the `data` of a legal representative's addition, the representative's id as bytes.
    @inline(__always)
    mutating func representativeData() -> (representative: RawString, kind: RepresentativeKind)? {
        guard self.literal(#"{"representative":"#), let representative = self.rawString(),
            self.literal(#","kind":"#), let kind: RepresentativeKind = self.name(),
            self.literal("}")
        else {
            return nil
        }
        return (representative, kind)
    }

    /// Consumes the `data` of an opening notice (LC-1).
    mutating func notice() -> EventPayload? {
        guard self.literal(#"{"identifier":"#), let identifier = self.patientIdentifier(),
            self.literal(#","traits":"#), let traits = self.identityTraits(),
            self.literal(#","channel":"#), let channel: NoticeChannel = self.name(),
            self.literal(#","openingDue":"#), let openingDue = self.timestamp(),
            let majorityAt = self.majorityAt(), self.literal("}")
        else {
            return nil
        }
        return .openingNoticeSent(
            identifier: identifier, traits: traits, channel: channel, openingDue: openingDue, majorityAt: majorityAt)
    }

    /// Consumes the `data` of an opening (LC-1, LC-3).
    mutating func opening() -> EventPayload? {
        guard self.literal(#"{"mode":"#), let mode: CreationMode = self.name() else {
            return nil
        }
        var identifier: PatientIdentifier?
        if self.literal(#","identifier":"#) {
            guard let value = self.patientIdentifier() else { return nil }
            identifier = value
        }
        var traits: IdentityTraits?
        if self.literal(#","traits":"#) {
            guard let value = self.identityTraits() else { return nil }
            traits = value
        }
        guard self.literal(#","expressConsent":"#), let expressConsent = self.bool(),
            self.literal(#","emergency":{"regulation":"#), let regulation = self.bool(),
            self.literal(#","breakGlass":"#), let breakGlass = self.bool(),
            self.literal(#","maskedInEmergency":"#), let maskedInEmergency = self.bool(), self.literal("}"),
            let majorityAt = self.majorityAt(), self.literal("}")
        else {
            return nil
        }
        return .dossierOpened(
            mode: mode, identifier: identifier, traits: traits, expressConsent: expressConsent,
            emergency: EmergencySettings(
                regulation: regulation, breakGlass: breakGlass, maskedInEmergency: maskedInEmergency),
            majorityAt: majorityAt)
    }

    /// Consumes an optional `,"majorityAt":"…"` member; `nil` inside the result means absent.
    @inline(__always)
    private mutating func majorityAt() -> Int64?? {
        guard self.literal(#","majorityAt":"#) else {
            return .some(nil)
        }
        guard let instant = self.timestamp() else {
            return nil
        }
        return .some(instant)
    }

    /// Consumes a patient identifier in its string form (`NIR:…`, `NIA:…`, `INSC:…`).
    private mutating func patientIdentifier() -> PatientIdentifier? {
        guard let text = self.string() else {
            return nil
        }
        return try? PatientIdentifier(text)
    }

    /// Consumes identity traits (ID-2) in the order the writer gives them.
    private mutating func identityTraits() -> IdentityTraits? {
        guard self.literal(#"{"birthName":"#), let birthName = self.string(),
            self.literal(#","firstNames":["#)
        else {
            return nil
        }
        var firstNames: [String] = []
        if !self.literal("]") {
            repeat {
                guard let name = self.string() else { return nil }
                firstNames.append(name)
            } while self.literal(",")
            guard self.literal("]") else { return nil }
        }
        guard self.literal(#","birthDate":"#), let date = self.string(), let birthDate = try? CivilDate(date),
            self.literal(#","sex":"#), let sex: IdentityTraits.Sex = self.name(),
            self.literal(#","birthPlace":"#), let place = self.string(),
            let birthPlace = try? IdentityTraits.BirthPlaceCode(place),
            self.literal("}")
        else {
            return nil
        }
        return try? IdentityTraits(
            birthName: birthName, birthFirstNames: firstNames, birthDate: birthDate, sex: sex, birthPlace: birthPlace)
    }

    /// Consumes the `data` of a deposit, or of a replacement when `replacement` is set.
    mutating func deposit(replacement: Bool = false) -> EventPayload? {
        var replaced = ""
        if replacement {
            guard self.literal(#"{"replaced":"#), let id = self.string(), self.literal(#","document":"#) else {
                return nil
            }
            replaced = id
        } else {
            guard self.literal(#"{"document":"#) else {
                return nil
            }
        }
        guard let document = self.documentMetadata(),
            self.literal(#","mode":"#), let mode: AccessMode = self.name(),
            self.literal(#","late":"#), let late = self.bool()
        else {
            return nil
        }
        var deadlines: ReleaseDeadlines?
        if self.literal(#","deadlines":{"reminder":"#) {
            guard let reminder = self.timestamp(), self.literal(#","release":"#), let release = self.timestamp(),
                self.literal("}")
            else {
                return nil
            }
            deadlines = ReleaseDeadlines(reminder: reminder, release: release)
        }
        guard self.literal("}") else {
            return nil
        }
        if replacement {
            return .documentReplaced(replaced: replaced, document: document, mode: mode, late: late, deadlines: deadlines)
        }
        return .documentDeposited(document: document, mode: mode, late: late, deadlines: deadlines)
    }

    /// Consumes document metadata.
    private mutating func documentMetadata() -> DocumentMetadata? {
        guard self.literal(#"{"id":"#), let id = self.string(),
            self.literal(#","typeCode":"#), let typeCode = self.string(),
            self.literal(#","category":"#), let category = self.string(),
            self.literal(#","classCode":"#), let classCode = self.string(),
            self.literal(#","title":"#), let title = self.sharedString(),
            self.literal(#","createdAt":"#), let createdAt = self.timestamp(),
            self.literal(#","actAt":"#), let actAt = self.timestamp()
        else {
            return nil
        }
        var dischargeAt: Int64?
        if self.literal(#","dischargeAt":"#) {
            guard let value = self.timestamp() else {
                return nil
            }
            dischargeAt = value
        }
        guard self.literal(#","confidentiality":["N""#), let confidentiality = self.confidentialityRest(),
            self.literal(#","format":"#), let format = self.sharedString(),
            self.literal(#","size":"#), let size = self.unsigned(), size <= UInt64(Int64.max),
            self.literal(#","sha256":"#), let sha256 = self.sha256(),
            self.literal("}")
        else {
            return nil
        }
        return DocumentMetadata(
            id: id,
            typeCode: typeCode,
            category: category,
            classCode: classCode,
            title: title,
            createdAt: createdAt,
            actAt: actAt,
            dischargeAt: dischargeAt,
            confidentiality: confidentiality,
            format: format,
            size: Int64(size),
            sha256: sha256
        )
    }

    /// Consumes the codes after `N` in their canonical order, and the closing `]`.
    private mutating func confidentialityRest() -> Confidentiality? {
        var value = Confidentiality()
        var last = 0
        while self.literal(",") {
            guard let code: ConfidentialityCode = self.name(), !code.flag.isEmpty,
                Int(code.flag.rawValue) > last
            else {
                return nil
            }
            last = Int(code.flag.rawValue)
            value.insert(code.flag)
        }
        return self.literal("]") ? value : nil
    }

    /// Consumes 64 lowercase hexadecimal digits in quotes.
    private mutating func sha256() -> String? {
        guard let (body, _) = self.plainBytes(), body.count == 64 else {
            return nil
        }
        var other: UInt8 = 0
        for byte in body {
            let digit: UInt8 = byte &- 0x30 < 10 ? 1 : 0
            let lower: UInt8 = byte &- 0x61 < 6 ? 1 : 0
            other |= (digit | lower) ^ 1
        }
        guard other == 0 else {
            return nil
        }
        return String(decoding: body, as: UTF8.self)
    }
}
