// The replay's shortcut for the types most of a journal holds: a canonical record of one of them
// is folded straight from its bytes, without building its event. Their fold needs a few fields
// (the dossier, the time, the command's key, the actor, a name or two); building the event would
// make strings of every member only to drop them.
//
// The shortcut reads the record with the decoder's own canonical readers (`CanonicalCursor`), and
// checks the UTF-8 of the strings it does not keep as the decoder does when it makes them; it gives
// up (returns `false`, changing nothing) at anything else: the caller then decodes the record in
// full and folds the event, so a record it refuses still gets the decoder's diagnosis. Strings the
// fold keeps or compares (the actor's id, the command's key, document and professional ids) must
// be ASCII here: their byte equality is then their `String` equality. The tests check, record by
// record and on whole journals, that both ways give the same state.

extension RawString {
    /// The bytes, if all are ASCII.
    var ascii: UnsafeRawBufferPointer? {
        self.nonASCII ? nil : self.body
    }
}

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
        // The decoder's canonical readers, member for member; the strings the fold keeps must be
        // ASCII, and the others valid UTF-8, as the decoder requires.
        let folded: Folded
        switch envelope.kind {
        case .notificationSent:
            guard let data = cursor.notificationData(), data.document?.isValid ?? true,
                data.professional?.isValid ?? true
            else {
                return false
            }
            if data.kind == .invisibleDocumentWaiting, let document = data.document {
                guard let id = document.ascii else { return false }
                folded = .notification(reminderOf: id)
            } else {
                folded = .notification(reminderOf: nil)
            }
        case .documentConsulted:
            guard let data = cursor.consultationData(), data.document.isValid, data.reason?.isValid ?? true else {
                return false
            }
            folded = .read(data.mode)
        case .documentListConsulted:
            guard let data = cursor.listConsultationData(), data.reason?.isValid ?? true else {
                return false
            }
            folded = .read(data.mode)
        case .professionalAuthorised:
            guard let data = cursor.authorisationData(), let professional = data.professional.ascii else {
                return false
            }
            folded = .authorisation(professional: professional, basis: data.basis)
        case .treatingDoctorDeclared:
            guard let professional = cursor.onlyString(#"{"professional":"#)?.ascii else {
                return false
            }
            folded = .treatingDoctor(professional)
        case .legalRepresentativeAdded:
            guard let data = cursor.representativeData(), let representative = data.representative.ascii else {
                return false
            }
            folded = .representative(representative, data.kind)
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

    /// The envelope, read by the decoder's canonical reader; the record must be at `sequence`,
    /// the actor's id and the command's key ASCII, and the actor's other strings valid UTF-8.
    private static func envelope(_ cursor: inout CanonicalCursor, sequence: UInt64) -> Envelope? {
        var raw = RawEnvelope()
        guard cursor.envelope(into: &raw), raw.sequence == sequence, let actorID = raw.actor.id.ascii,
            raw.actor.profession?.isValid ?? true, raw.actor.structure?.isValid ?? true,
            raw.actor.software?.isValid ?? true, let command = raw.command.ascii
        else {
            return nil
        }
        return Envelope(
            at: raw.at, kind: raw.kind, dossier: raw.dossier, actorID: actorID, role: raw.actor.role, command: command)
    }

    /// The string of ASCII bytes.
    @inline(__always)
    private static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        RawString.ascii(bytes)
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
