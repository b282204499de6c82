// The replay's shortcut for the types most of a journal holds: a canonical record of one of them
// is folded straight from its bytes, without building its event. Their fold needs a few fields
// (the dossier, the time, the command's key, the actor, a name or two); building the event would
// make strings of every member only to drop them.
//
// The shortcut accepts exactly what the decoder's canonical path accepts, member by member, and
// gives up (returns `false`, changing nothing) at anything else: the caller then decodes the
// record in full and folds the event, so a record it refuses still gets the decoder's diagnosis.
// Strings the fold keeps or compares (the actor's id, the command's key, document and
// professional ids) must be ASCII here: their byte equality is then their `String` equality.
// The tests check, record by record and on whole journals, that both ways give the same state.

extension StoreState {
    /// The envelope members the fold of the shortcut's types uses.
    private struct Envelope {
        var at: Int64
        var kind: EventKind
        var dossier: DossierID
        var actorID: UnsafeRawBufferPointer
        var role: Actor.Role
        var command: UnsafeRawBufferPointer
    }

    /// The member the fold of a type uses, beyond the envelope.
    private enum Folded {
        /// A notification, with the document of a reminder (ACC-6).
        case notification(reminderOf: UnsafeRawBufferPointer?)
        /// A read of a document or of the list, in a mode.
        case read(AccessMode)
        /// An authorisation.
        case authorisation(professional: UnsafeRawBufferPointer, basis: AuthorisationBasis)
        /// A médecin traitant declared.
        case treatingDoctor(UnsafeRawBufferPointer)
        /// A legal representative added.
        case representative(UnsafeRawBufferPointer, RepresentativeKind)
    }

    /// Folds the record at `sequence` if it is a canonical record of a type the shortcut knows,
    /// during a replay; otherwise changes nothing and returns `false` (decode it and ``apply(_:)``).
    mutating func applyCanonical(_ bytes: UnsafeRawBufferPointer, sequence: UInt64) -> Bool {
        guard self.replaying, let start = bytes.baseAddress else {
            return false
        }
        var cursor = CanonicalCursor(pointer: start, count: bytes.count)
        guard let envelope = Self.envelope(&cursor, sequence: sequence) else {
            return false
        }
        let folded: Folded
        switch envelope.kind {
        case .notificationSent:
            guard let value = Self.notification(&cursor) else { return false }
            folded = value
        case .documentConsulted:
            guard let mode = Self.consultation(&cursor) else { return false }
            folded = .read(mode)
        case .documentListConsulted:
            guard let mode = Self.listConsultation(&cursor) else { return false }
            folded = .read(mode)
        case .professionalAuthorised:
            guard let value = Self.authorisation(&cursor) else { return false }
            folded = value
        case .treatingDoctorDeclared:
            guard cursor.literal(#"{"professional":"#), let professional = Self.asciiString(&cursor),
                cursor.literal("}")
            else {
                return false
            }
            folded = .treatingDoctor(professional)
        case .legalRepresentativeAdded:
            guard cursor.literal(#"{"representative":"#), let representative = Self.asciiString(&cursor),
                cursor.literal(#","kind":"#), let kind: RepresentativeKind = cursor.name(),
                cursor.literal("}")
            else {
                return false
            }
            folded = .representative(representative, kind)
        default:
            return false
        }
        guard cursor.literal("}"), cursor.atEnd else {
            return false
        }
        self.fold(envelope, folded, sequence: sequence)
        return true
    }

    /// What ``apply(_:)`` does with the event of such a record (``DossierState/apply(_:)``,
    /// the management figures and the command's outcome).
    private mutating func fold(_ envelope: Envelope, _ folded: Folded, sequence: UInt64) {
        let slot = self.states.slot(of: envelope.dossier)
        self.states.values[slot].lastEventAt = max(self.states.values[slot].lastEventAt, envelope.at)
        self.states.values[slot].eventCount += 1
        switch folded {
        case .notification(let document?):
            self.states.values[slot].documents[Self.string(document)]?.reminderDue = nil
        case .notification(nil):
            break
        case .read(let mode):
            if envelope.role == .professional {
                self.states.values[slot].professionalsSeen.insert(Self.string(envelope.actorID))
            }
            self.figures.countRead(mode)
        case .authorisation(let professional, let basis):
            self.states.values[slot].authorisations[Self.string(professional)] = basis
        case .treatingDoctor(let professional):
            self.states.values[slot].treatingDoctors.insert(Self.string(professional))
        case .representative(let representative, let kind):
            self.states.values[slot].representatives[Self.string(representative)] = kind
        }
        self.lastAt = max(self.lastAt, envelope.at)
        if envelope.at != self.lastKeyAt || !Self.equal(envelope.command, self.lastKey) {
            self.recordFirstEvent(
                command: Self.string(envelope.command), at: envelope.at, actorID: Self.string(envelope.actorID),
                sequence: sequence)
        }
    }

    // MARK: Reading

    /// The envelope, up to and including `,"data":`; the record must be at `sequence`.
    private static func envelope(_ cursor: inout CanonicalCursor, sequence: UInt64) -> Envelope? {
        guard cursor.literal(#"{"seq":"#), let recorded = cursor.unsigned(), recorded == sequence,
            cursor.literal(#","at":"#), let at = cursor.timestamp(),
            cursor.literal(#","type":"#), let kind: EventKind = cursor.name(),
            cursor.literal(#","v":1,"dossier":"#), let dossier = cursor.dossierID(),
            cursor.literal(#","actor":"#), let (actorID, role) = Self.actor(&cursor),
            cursor.literal(#","command":"#), let command = Self.asciiString(&cursor), command.count > 0,
            cursor.literal(#","data":"#)
        else {
            return nil
        }
        return Envelope(at: at, kind: kind, dossier: dossier, actorID: actorID, role: role, command: command)
    }

    /// The actor object, as ``CanonicalCursor/actor()`` reads it: its id (ASCII) and role.
    private static func actor(_ cursor: inout CanonicalCursor) -> (UnsafeRawBufferPointer, Actor.Role)? {
        guard cursor.literal(#"{"id":"#), let id = Self.asciiString(&cursor), id.count > 0,
            cursor.literal(#","role":"#), let role: Actor.Role = cursor.name()
        else {
            return nil
        }
        if cursor.literal(#","profession":"#) {
            guard Self.validString(&cursor) else { return nil }
        }
        if cursor.literal(#","practice":"#) {
            guard let _: Actor.Practice = cursor.name() else { return nil }
        }
        if cursor.literal(#","structure":"#) {
            guard Self.validString(&cursor) else { return nil }
        }
        guard cursor.literal(#","auth":"#), let _: Actor.Authentication = cursor.name() else {
            return nil
        }
        if cursor.literal(#","software":"#) {
            guard Self.validString(&cursor) else { return nil }
        }
        return cursor.literal("}") ? (id, role) : nil
    }

    /// The `data` of a notification.
    private static func notification(_ cursor: inout CanonicalCursor) -> Folded? {
        guard cursor.literal(#"{"recipient":"#), let _: NotificationRecipient = cursor.name(),
            cursor.literal(#","kind":"#), let kind: NotificationKind = cursor.name()
        else {
            return nil
        }
        var document: UnsafeRawBufferPointer?
        if cursor.literal(#","document":"#) {
            guard let value = Self.asciiString(&cursor) else { return nil }
            document = value
        }
        if cursor.literal(#","professional":"#) {
            guard Self.validString(&cursor) else { return nil }
        }
        guard cursor.literal("}") else {
            return nil
        }
        return .notification(reminderOf: kind == .invisibleDocumentWaiting ? document : nil)
    }

    /// The `data` of a consultation: its mode.
    private static func consultation(_ cursor: inout CanonicalCursor) -> AccessMode? {
        guard cursor.literal(#"{"document":"#), Self.validString(&cursor),
            cursor.literal(#","mode":"#), let mode: AccessMode = cursor.name(),
            Self.reason(&cursor),
            cursor.literal(#","right":"#), let _: AccessRight = cursor.name(),
            cursor.literal("}")
        else {
            return nil
        }
        return mode
    }

    /// The `data` of a consultation of the list of documents: its mode.
    private static func listConsultation(_ cursor: inout CanonicalCursor) -> AccessMode? {
        guard cursor.literal(#"{"mode":"#), let mode: AccessMode = cursor.name(),
            Self.reason(&cursor),
            cursor.literal(#","right":"#), let _: AccessRight = cursor.name(),
            cursor.literal(#","shown":"#), let shown = cursor.unsigned(), shown <= UInt64(Int64.max),
            cursor.literal("}")
        else {
            return nil
        }
        return mode
    }

    /// The `data` of an authorisation.
    private static func authorisation(_ cursor: inout CanonicalCursor) -> Folded? {
        guard cursor.literal(#"{"professional":"#), let professional = Self.asciiString(&cursor),
            cursor.literal(#","basis":"#), let basis: AuthorisationBasis = cursor.name(),
            cursor.literal("}")
        else {
            return nil
        }
        return .authorisation(professional: professional, basis: basis)
    }

    /// An optional `,"reason":"…"` member; `false` if present and not a valid string.
    private static func reason(_ cursor: inout CanonicalCursor) -> Bool {
        cursor.literal(#","reason":"#) ? Self.validString(&cursor) : true
    }

    /// A string without escapes whose UTF-8 is valid (what ``CanonicalCursor/string()`` accepts).
    private static func validString(_ cursor: inout CanonicalCursor) -> Bool {
        guard let (body, nonASCII) = cursor.plainBytes() else {
            return false
        }
        return !nonASCII || UTF8Validation.firstInvalidByte(in: body, from: 0, to: body.count) == nil
    }

    /// A string without escapes, all ASCII.
    private static func asciiString(_ cursor: inout CanonicalCursor) -> UnsafeRawBufferPointer? {
        guard let (body, nonASCII) = cursor.plainBytes(), !nonASCII else {
            return nil
        }
        return body
    }

    /// The string of ASCII bytes.
    private static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes)
            return bytes.count
        }
    }

    /// Whether the string of ASCII bytes equals `string`, as `String` compares (a string that is
    /// not ASCII may still equal an ASCII one: U+212A KELVIN SIGN is `K`).
    private static func equal(_ bytes: UnsafeRawBufferPointer, _ string: String) -> Bool {
        var string = string
        let sameBytes = string.withUTF8 { utf8 -> Bool? in
            if utf8.contains(where: { $0 >= 0x80 }) {
                return nil
            }
            return utf8.count == bytes.count && utf8.elementsEqual(bytes)
        }
        return sameBytes ?? (Self.string(bytes) == string)
    }
}
