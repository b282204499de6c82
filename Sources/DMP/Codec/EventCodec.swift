/// The JSON form of an ``Event``: one record of the journal, one line without its newline.
///
/// Every record is one object with the keys in this order (the order is part of the format, and
/// the bytes written are the bytes hashed by the journal's chain):
///
/// ```
/// {"seq":1042,"at":"2026-03-02T09:14:07.120Z","type":"DocumentConsulted","v":1,
///  "dossier":"6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b",
///  "actor":{"id":"810001234567","role":"professional","profession":"10","practice":"standard",
///           "structure":"750712184","auth":"cps","software":"CareSoft 4.2"},
///  "command":"consult-2026-0042","data":{"document":"DOC-1","mode":"normal","right":"care_team"}}
/// ```
///
/// - `seq`: the journal's sequence number; `at`: UTC with milliseconds, always 24 characters.
/// - `type` and `v` name the schema of `data`: `Schemas/events/<type>.schema.json` describes
///   version 1 of every type; an older version `N` keeps its `<type>.v<N>.schema.json` and is
///   upcast when read, the journal is never rewritten.
/// - `actor`: `id`, `role`, `profession`, `practice`, `structure`, `auth`, `software`, the
///   absent optional ones omitted.
/// - `data`: the payload's fields under their Swift labels, in declaration order; absent
///   optionals are omitted, never `null`; enumerations are their wire names; instants are
///   RFC 3339 strings in the record form; a ``PatientIdentifier`` is its string form (`NIR:…`).
///
/// ```swift
/// var batch: [UInt8] = []
/// EventCodec.encode(event, into: &batch)
/// let back = try EventCodec.decode(batch)
/// assert(back == event)
/// ```
///
/// Decoding is strict: keys may come in any order, but an unknown key (in the envelope, the
/// actor or `data`), a key given twice, a missing required member, a `null`, a value of the wrong
/// type, an unknown enumeration value, an unknown `type` or an unsupported `v` is refused with an
/// ``EventDecodingError`` that names the field and the byte. Unknown keys are not ignored because
/// any change to the shape of `data` is a new `v`: a reader meets only the keys of the versions
/// it knows, and an unknown key means a record it must not half-read. Decoding allocates only the
/// strings the event holds (strings of at most 15 bytes are stored inline and allocate nothing).
/// Records exactly as this codec writes them, of the types a replay meets most (consultations,
/// refusals, notifications, authorisations, deposits), take a fast path that compares the fixed
/// parts of the record with constants; anything else is read by the general reader, which accepts
/// any key order and names what is wrong.
public enum EventCodec {
    /// Appends one event as one JSON object, without a newline.
    ///
    /// The output never holds a raw line feed: strings are escaped.
    ///
    /// - Parameters:
    ///   - event: The event. Its instants must lie within the years 0000 to 9999 (anything else is
    ///     a programming error and traps).
    ///   - buffer: The bytes to append to, such as a batch of records.
    public static func encode(_ event: Event, into buffer: inout [UInt8]) {
        JSONWriter.write(into: &buffer) { writer in
            Self.write(event, to: &writer)
        }
    }

    /// Encodes one event as one JSON object, without a newline.
    ///
    /// - Parameter event: The event.
    /// - Returns: The record's bytes.
    public static func encode(_ event: Event) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        Self.write(event, to: &writer)
        return writer.finish()
    }

    /// Decodes one record.
    ///
    /// - Parameter bytes: One record: a JSON object, with nothing after it but whitespace.
    /// - Returns: The event.
    /// - Throws: ``EventDecodingError`` naming the field and the byte offset of the first problem.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(EventDecodingError) -> Event {
        try Self.decode(bytes, strings: nil)
    }

    /// Decodes the record a journal holds at `sequence`: its `seq` must say so.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, at sequence: UInt64, strings: StringInterner? = nil
    ) throws(EventDecodingError) -> Event {
        let event = try Self.decode(bytes, strings: strings)
        guard event.sequence == sequence else {
            throw EventDecodingError(
                offset: 0, message: "record \(sequence) says its sequence number is \(event.sequence)")
        }
        return event
    }

    /// Decodes one record, sharing repeated strings through `strings` (one interner per
    /// thread).
    static func decode(_ bytes: UnsafeRawBufferPointer, strings: StringInterner?) throws(EventDecodingError) -> Event {
        if let event = Self.readCanonical(bytes, strings: strings) {
            return event
        }
        do {
            return try Self.read(bytes)
        } catch {
            throw EventDecodingError(offset: error.offset, message: error.message)
        }
    }

    /// Decodes one record.
    ///
    /// - Parameter bytes: One record: a JSON object, with nothing after it but whitespace.
    /// - Returns: The event.
    /// - Throws: ``EventDecodingError`` naming the field and the byte offset of the first problem.
    public static func decode(_ bytes: [UInt8]) throws(EventDecodingError) -> Event {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(EventDecodingError) -> Event in try Self.decode(buffer) }
        }
        return try result.get()
    }
}

/// A record that is not a valid event: where, and what is wrong.
///
/// The message starts with the path of the field, for example
/// `data.document.sha256: expected a string`, and ``description`` adds the byte:
/// `data.document.sha256: expected a string at byte 212`.
public struct EventDecodingError: Error, Sendable, CustomStringConvertible {
    /// The offset, from the start of the record, of the byte where the problem was found.
    public var offset: Int
    /// The field's path and what is wrong, phrased to be followed by ` at byte <offset>`.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - offset: The offset of the offending byte from the start of the record.
    ///   - message: What is wrong, naming the field, phrased to be followed by ` at byte <offset>`.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// The message and the offset, such as `data.mode: unknown value "fast" at byte 230`.
    public var description: String {
        "\(self.message) at byte \(self.offset)"
    }
}

// MARK: - Event types

/// The wire name of every event type; the case names are those of ``EventPayload``.
enum EventKind: String, CaseIterable, WireValue {
    case openingNoticeSent = "OpeningNoticeSent"
    case creationOpposed = "CreationOpposed"
    case dossierOpened = "DossierOpened"
    case dossierClosed = "DossierClosed"
    case dossierSuspended = "DossierSuspended"
    case suspensionLifted = "SuspensionLifted"
    case dossierReopened = "DossierReopened"
    case deletionRequested = "DeletionRequested"
    case deletionRequestWithdrawn = "DeletionRequestWithdrawn"
    case dossierPurged = "DossierPurged"
    case majorityReached = "MajorityReached"
    case identityRectified = "IdentityRectified"
    case identifierChanged = "IdentifierChanged"
    case legalRepresentativeAdded = "LegalRepresentativeAdded"
    case legalRepresentativeRemoved = "LegalRepresentativeRemoved"
    case documentDeposited = "DocumentDeposited"
    case documentReplaced = "DocumentReplaced"
    case documentArchived = "DocumentArchived"
    case documentUnarchived = "DocumentUnarchived"
    case documentDeleted = "DocumentDeleted"
    case documentMasked = "DocumentMasked"
    case documentUnmasked = "DocumentUnmasked"
    case documentHiddenFromRepresentatives = "DocumentHiddenFromRepresentatives"
    case documentReleased = "DocumentReleased"
    case professionalAuthorised = "ProfessionalAuthorised"
    case authorisationRevoked = "AuthorisationRevoked"
    case professionalBlocked = "ProfessionalBlocked"
    case professionalUnblocked = "ProfessionalUnblocked"
    case treatingDoctorDeclared = "TreatingDoctorDeclared"
    case treatingDoctorWithdrawn = "TreatingDoctorWithdrawn"
    case administratorRightsGranted = "AdministratorRightsGranted"
    case administratorRightsRevoked = "AdministratorRightsRevoked"
    case emergencySettingsChanged = "EmergencySettingsChanged"
    case documentListConsulted = "DocumentListConsulted"
    case documentConsulted = "DocumentConsulted"
    case consultationRefused = "ConsultationRefused"
    case notificationSent = "NotificationSent"

    static let wireTable = WireTable<Self>()
}
