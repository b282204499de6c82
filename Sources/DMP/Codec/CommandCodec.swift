/// The JSON form of a ``Command``: one line of the input of `dmp exec`.
///
/// Every line is one object:
///
/// ```
/// {"key":"deposit-2026-0042","actor":{"id":"810001234567","role":"professional","profession":"10",
///  "auth":"cps"},"dossier":"6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b","at":"2026-03-02T10:14:07+01:00",
///  "action":"DepositDocument","data":{"document":{…},"mode":"normal"}}
/// ```
///
/// - `key`: the idempotency key (DOC-3); `actor`: as in records (`Schemas/events/common.schema.json`).
/// - `dossier`: the dossier's id, a UUID, for every action but those that create one.
/// - `at`: the command's own time, any RFC 3339 date-time; absent, the store's clock decides.
/// - `action`: the name of the ``Command/Action`` case, capitalised (`DepositDocument`, `Tick`);
///   `data`: its fields under their Swift labels (``Command/Action/setEmergencySettings(_:)`` uses
///   `settings`). `data` may be left out when the action has no field.
///
/// `Schemas/commands/<Action>.schema.json` describes each action. Decoding is strict as
/// ``EventCodec`` is (unknown keys, keys given twice, `null`, unknown values are refused), and
/// checks identifiers with the identifier types: the actor's id when the actor is a
/// professional and every `professional` field (ID-4), patient identifiers (ID-1, ID-3), identity
/// traits (ID-2), the SHA-256 of a document. What is typed by people is accepted in its usual
/// forms and normalised: any RFC 3339 time, upper-case hexadecimal, spaces in identifiers.
///
/// ```swift
/// let command = try CommandCodec.decode(Array(line.utf8))
/// let events = try await store.execute(command)
/// ```
public enum CommandCodec {
    /// Decodes one line.
    ///
    /// - Parameter line: One JSON object, without its newline.
    /// - Returns: The command.
    /// - Throws: ``CommandDecodingError`` naming the field and the byte offset of the first problem.
    public static func decode(_ line: UnsafeRawBufferPointer) throws(CommandDecodingError) -> Command {
        do {
            return try Self.read(line)
        } catch {
            throw CommandDecodingError(offset: error.offset, message: error.message)
        }
    }

    /// Decodes one line.
    ///
    /// - Parameter line: One JSON object, without its newline.
    /// - Returns: The command.
    /// - Throws: ``CommandDecodingError`` naming the field and the byte offset of the first problem.
    public static func decode(_ line: [UInt8]) throws(CommandDecodingError) -> Command {
        let result = line.withUnsafeBytes { buffer in
            Result { () throws(CommandDecodingError) -> Command in try Self.decode(buffer) }
        }
        return try result.get()
    }

    /// Encodes one command as one JSON object, without a newline; instants in the record form.
    ///
    /// - Parameter command: The command.
    /// - Returns: The line's bytes.
    public static func encode(_ command: Command) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        Self.write(command, to: &writer)
        return writer.finish()
    }

    /// Appends one command as one JSON object, without a newline.
    ///
    /// - Parameters:
    ///   - command: The command.
    ///   - buffer: The bytes to append to.
    public static func encode(_ command: Command, into buffer: inout [UInt8]) {
        JSONWriter.write(into: &buffer) { writer in
            Self.write(command, to: &writer)
        }
    }

    /// The wire name of every action, in declaration order: `SendOpeningNotice` … `Tick`.
    public static let actionNames: [String] = ActionKind.allCases.map(\.rawValue)

    /// The wire name of an action: its case name, capitalised.
    ///
    /// - Parameter action: An action.
    /// - Returns: Its name, such as `DepositDocument`.
    public static func actionName(of action: Command.Action) -> String {
        ActionKind(action).rawValue
    }
}

/// A command line that is not a valid command: where, and what is wrong.
///
/// The message starts with the path of the field, for example
/// `data.document.sha256: expected 64 hexadecimal digits, found "12ab"`, and ``description`` adds
/// the byte.
public struct CommandDecodingError: Error, Sendable, CustomStringConvertible {
    /// The offset, from the start of the line, of the byte where the problem was found.
    public var offset: Int
    /// The field's path and what is wrong, phrased to be followed by ` at byte <offset>`.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - offset: The offset of the offending byte from the start of the line.
    ///   - message: What is wrong, naming the field, phrased to be followed by ` at byte <offset>`.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// The message and the offset, such as `action: unknown value "Deposit" (…) at byte 98`.
    public var description: String {
        "\(self.message) at byte \(self.offset)"
    }
}

// MARK: - Actions

/// The wire name of every action: the ``Command/Action`` case name, capitalised.
enum ActionKind: String, CaseIterable, WireValue {
    case sendOpeningNotice = "SendOpeningNotice"
    case opposeCreation = "OpposeCreation"
    case createDossier = "CreateDossier"
    case closeDossier = "CloseDossier"
    case suspendDossier = "SuspendDossier"
    case liftSuspension = "LiftSuspension"
    case reopenDossier = "ReopenDossier"
    case requestDeletion = "RequestDeletion"
    case withdrawDeletionRequest = "WithdrawDeletionRequest"
    case rectifyIdentity = "RectifyIdentity"
    case changeIdentifier = "ChangeIdentifier"
    case addLegalRepresentative = "AddLegalRepresentative"
    case removeLegalRepresentative = "RemoveLegalRepresentative"
    case depositDocument = "DepositDocument"
    case replaceDocument = "ReplaceDocument"
    case archiveDocument = "ArchiveDocument"
    case unarchiveDocument = "UnarchiveDocument"
    case deleteDocument = "DeleteDocument"
    case maskDocument = "MaskDocument"
    case unmaskDocument = "UnmaskDocument"
    case hideFromRepresentatives = "HideFromRepresentatives"
    case releaseDocument = "ReleaseDocument"
    case authorise = "Authorise"
    case revokeAuthorisation = "RevokeAuthorisation"
    case block = "Block"
    case unblock = "Unblock"
    case declareTreatingDoctor = "DeclareTreatingDoctor"
    case withdrawTreatingDoctor = "WithdrawTreatingDoctor"
    case grantAdministrator = "GrantAdministrator"
    case revokeAdministrator = "RevokeAdministrator"
    case setEmergencySettings = "SetEmergencySettings"
    case consultDocumentList = "ConsultDocumentList"
    case consultDocument = "ConsultDocument"
    case tick = "Tick"

    static let wireTable = WireTable<Self>()

    /// The kind of an action.
    init(_ action: Command.Action) {
        switch action {
        case .sendOpeningNotice: self = .sendOpeningNotice
        case .opposeCreation: self = .opposeCreation
        case .createDossier: self = .createDossier
        case .closeDossier: self = .closeDossier
        case .suspendDossier: self = .suspendDossier
        case .liftSuspension: self = .liftSuspension
        case .reopenDossier: self = .reopenDossier
        case .requestDeletion: self = .requestDeletion
        case .withdrawDeletionRequest: self = .withdrawDeletionRequest
        case .rectifyIdentity: self = .rectifyIdentity
        case .changeIdentifier: self = .changeIdentifier
        case .addLegalRepresentative: self = .addLegalRepresentative
        case .removeLegalRepresentative: self = .removeLegalRepresentative
        case .depositDocument: self = .depositDocument
        case .replaceDocument: self = .replaceDocument
        case .archiveDocument: self = .archiveDocument
        case .unarchiveDocument: self = .unarchiveDocument
        case .deleteDocument: self = .deleteDocument
        case .maskDocument: self = .maskDocument
        case .unmaskDocument: self = .unmaskDocument
        case .hideFromRepresentatives: self = .hideFromRepresentatives
        case .releaseDocument: self = .releaseDocument
        case .authorise: self = .authorise
        case .revokeAuthorisation: self = .revokeAuthorisation
        case .block: self = .block
        case .unblock: self = .unblock
        case .declareTreatingDoctor: self = .declareTreatingDoctor
        case .withdrawTreatingDoctor: self = .withdrawTreatingDoctor
        case .grantAdministrator: self = .grantAdministrator
        case .revokeAdministrator: self = .revokeAdministrator
        case .setEmergencySettings: self = .setEmergencySettings
        case .consultDocumentList: self = .consultDocumentList
        case .consultDocument: self = .consultDocument
        case .tick: self = .tick
        }
    }

    /// Whether the action has no field, so that `data` may be left out.
    var hasNoData: Bool {
        switch self {
        case .opposeCreation, .reopenDossier, .requestDeletion, .withdrawDeletionRequest, .tick: true
        default: false
        }
    }
}

// MARK: - Writing

extension CommandCodec {
    /// Writes one command.
    static func write(_ command: Command, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("key", command.key)
        writer.key("actor")
        writer.actor(command.actor)
        writer.field("dossier", command.dossier?.rawValue)
        writer.field("at", timestamp: command.at)
        writer.field("action", ActionKind(command.action).rawValue)
        writer.key("data")
        writer.beginObject()
        switch command.action {
        case .sendOpeningNotice(let identifier, let traits, let channel):
            writer.field("identifier", identifier.description)
            writer.key("traits")
            writer.identityTraits(traits)
            writer.field("channel", channel.rawValue)
        case .opposeCreation, .reopenDossier, .requestDeletion, .withdrawDeletionRequest, .tick:
            break
        case .createDossier(let identifier, let traits, let mode, let expressConsent):
            writer.field("identifier", identifier?.description)
            writer.field("traits", ifPresent: traits) { writer, traits in writer.identityTraits(traits) }
            writer.field("mode", mode.rawValue)
            writer.field("expressConsent", expressConsent)
        case .closeDossier(let reason):
            writer.field("reason", reason.rawValue)
        case .suspendDossier(let reason):
            writer.field("reason", reason)
        case .liftSuspension(let objection):
            writer.field("objection", objection)
        case .rectifyIdentity(let traits):
            writer.key("traits")
            writer.identityTraits(traits)
        case .changeIdentifier(let identifier):
            writer.field("identifier", identifier.description)
        case .addLegalRepresentative(let representative, let kind):
            writer.field("representative", representative)
            writer.field("kind", kind.rawValue)
        case .removeLegalRepresentative(let representative):
            writer.field("representative", representative)
        case .depositDocument(let document, let mode):
            writer.key("document")
            writer.documentMetadata(document)
            writer.field("mode", mode.rawValue)
        case .replaceDocument(let replaced, let document, let mode):
            writer.field("replaced", replaced)
            writer.key("document")
            writer.documentMetadata(document)
            writer.field("mode", mode.rawValue)
        case .archiveDocument(let document), .unarchiveDocument(let document), .maskDocument(let document),
            .unmaskDocument(let document), .hideFromRepresentatives(let document), .releaseDocument(let document):
            writer.field("document", document)
        case .deleteDocument(let document, let reason):
            writer.field("document", document)
            writer.field("reason", reason)
        case .authorise(let professional, let basis):
            writer.field("professional", professional)
            writer.field("basis", basis.rawValue)
        case .revokeAuthorisation(let professional), .declareTreatingDoctor(let professional),
            .withdrawTreatingDoctor(let professional), .grantAdministrator(let professional),
            .revokeAdministrator(let professional):
            writer.field("professional", professional)
        case .block(let target, let targetKind, let reason):
            writer.field("target", target)
            writer.field("targetKind", targetKind.rawValue)
            writer.field("reason", reason)
        case .unblock(let target):
            writer.field("target", target)
        case .setEmergencySettings(let settings):
            writer.key("settings")
            writer.emergencySettings(settings)
        case .consultDocumentList(let mode, let reason):
            writer.field("mode", mode.rawValue)
            writer.field("reason", reason)
        case .consultDocument(let document, let mode, let reason):
            writer.field("document", document)
            writer.field("mode", mode.rawValue)
            writer.field("reason", reason)
        }
        writer.endObject()
        writer.endObject()
    }
}

// MARK: - Reading

extension CommandCodec {
    /// The path of the `data` object.
    private static var dataPath: FieldPath { FieldPath("", "data") }

    /// The path of a member of `data`.
    @inline(__always)
    private static func data(_ name: StaticString) -> FieldPath {
        FieldPath("data", name)
    }

    /// Reads one command.
    static func read(_ line: UnsafeRawBufferPointer) throws(FieldError) -> Command {
        var reader = FieldReader(line)
        var key: String?
        var keyAt = 0
        var actor: Actor?
        var dossier: DossierID?
        var at: Int64?
        var kind: ActionKind?
        var action: Command.Action?
        var deferred: Range<Int>?
        let start = try reader.beginObject(.record)
        while let member = try reader.nextKey(.record) {
            switch member {
            case "key":
                keyAt = reader.offset
                try reader.read(&key, FieldPath("", "key"))
            case "actor":
                try reader.claim(actor, FieldPath("", "actor"))
                actor = try reader.actor(validateIDs: true)
            case "dossier":
                try reader.claim(dossier, FieldPath("", "dossier"))
                dossier = try Self.readDossier(from: &reader)
            case "at":
                try reader.claim(at, FieldPath("", "at"))
                at = try reader.anyTimestamp(FieldPath("", "at"))
            case "action":
                try reader.read(&kind, FieldPath("", "action"))
            case "data":
                if action != nil || deferred != nil {
                    throw reader.error(Self.dataPath, "key given twice", at: reader.offset)
                }
                if let kind {
                    action = try Self.readAction(kind, from: &reader)
                } else {
                    deferred = try reader.skipValue(Self.dataPath)
                }
            default:
                throw reader.unknownKey(member, in: .record)
            }
        }
        try reader.expectEnd()
        let actionKind = try reader.required(kind, FieldPath("", "action"), objectAt: start)
        if let deferred {
            var data = FieldReader(UnsafeRawBufferPointer(rebasing: line[deferred]), base: deferred.lowerBound)
            action = try Self.readAction(actionKind, from: &data)
            try data.expectEnd()
        }
        if action == nil {
            guard actionKind.hasNoData else {
                throw reader.error(Self.dataPath, "missing (\(actionKind.rawValue) has fields)", at: start)
            }
            action = Self.emptyAction(actionKind)
        }
        let commandKey = try reader.required(key, FieldPath("", "key"), objectAt: start)
        guard !commandKey.isEmpty else {
            throw reader.error(FieldPath("", "key"), "must not be empty", at: keyAt)
        }
        return Command(
            key: commandKey,
            actor: try reader.required(actor, FieldPath("", "actor"), objectAt: start),
            dossier: dossier,
            at: at,
            action: try reader.required(action, Self.dataPath, objectAt: start)
        )
    }

    /// Reads a dossier id: a UUID, normalised to lower case.
    private static func readDossier(from reader: inout FieldReader) throws(FieldError) -> DossierID {
        let path = FieldPath("", "dossier")
        let start = reader.offset
        let text = try reader.string(path)
        guard let id = DossierID(rawValue: text) else {
            throw reader.error(
                path,
                "expected a UUID such as 6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b, found \(FieldReader.quoted(text))",
                at: start
            )
        }
        return id
    }

    /// Reads a professional's national id (ID-4) and normalises it.
    private static func readProfessional(
        _ slot: inout String?,
        _ path: FieldPath,
        from reader: inout FieldReader
    ) throws(FieldError) {
        try reader.claim(slot, path)
        let start = reader.offset
        let text = try reader.string(path)
        do {
            slot = try ProfessionalID(nationalID: text).nationalID
        } catch {
            throw reader.error(path, error, at: start)
        }
    }

    /// Reads the `data` of an action.
    private static func readAction(
        _ kind: ActionKind,
        from reader: inout FieldReader
    ) throws(FieldError) -> Command.Action {
        var identifier: PatientIdentifier?
        var traits: IdentityTraits?
        var channel: NoticeChannel?
        var creationMode: CreationMode?
        var expressConsent: Bool?
        var closureReason: ClosureReason?
        var reason: String?
        var objection: String?
        var representative: String?
        var representativeKind: RepresentativeKind?
        var document: DocumentMetadata?
        var documentID: String?
        var replaced: String?
        var mode: AccessMode?
        var professional: String?
        var basis: AuthorisationBasis?
        var target: String?
        var targetAt = 0
        var targetKind: BlockTarget?
        var settings: EmergencySettings?
        let start = try reader.beginObject(Self.dataPath)
        // Every member an action may have is read into its slot; which ones the action allows is
        // checked by name first, so that a member of another action is an unknown key.
        while let member = try reader.nextKey(Self.dataPath) {
            guard Self.allows(kind, member) else {
                throw reader.unknownKey(member, in: Self.dataPath)
            }
            switch member {
            case "identifier":
                try reader.claim(identifier, Self.data("identifier"))
                identifier = try reader.patientIdentifier(Self.data("identifier"))
            case "traits":
                try reader.claim(traits, Self.data("traits"))
                traits = try reader.identityTraits(Self.data("traits"), object: "data.traits", lenient: true)
            case "channel": try reader.read(&channel, Self.data("channel"))
            case "mode" where kind == .createDossier: try reader.read(&creationMode, Self.data("mode"))
            case "mode": try reader.read(&mode, Self.data("mode"))
            case "expressConsent": try reader.read(&expressConsent, Self.data("expressConsent"))
            case "reason" where kind == .closeDossier: try reader.read(&closureReason, Self.data("reason"))
            case "reason": try reader.read(&reason, Self.data("reason"))
            case "objection": try reader.read(&objection, Self.data("objection"))
            case "representative": try reader.read(&representative, Self.data("representative"))
            case "kind": try reader.read(&representativeKind, Self.data("kind"))
            case "document" where kind == .depositDocument || kind == .replaceDocument:
                try reader.claim(document, Self.data("document"))
                document = try reader.documentMetadata(Self.data("document"), object: "data.document", lenient: true)
            case "document": try reader.read(&documentID, Self.data("document"))
            case "replaced": try reader.read(&replaced, Self.data("replaced"))
            case "professional": try Self.readProfessional(&professional, Self.data("professional"), from: &reader)
            case "basis": try reader.read(&basis, Self.data("basis"))
            case "target":
                targetAt = reader.offset
                try reader.read(&target, Self.data("target"))
            case "targetKind": try reader.read(&targetKind, Self.data("targetKind"))
            case "settings":
                try reader.claim(settings, Self.data("settings"))
                settings = try reader.emergencySettings(Self.data("settings"), object: "data.settings")
            default:
                throw reader.unknownKey(member, in: Self.dataPath)
            }
        }

        /// The value of a required member.
        func required<Value>(_ value: Value?, _ name: StaticString) throws(FieldError) -> Value {
            try reader.required(value, FieldPath("data", name), objectAt: start)
        }

        switch kind {
        case .sendOpeningNotice:
            return .sendOpeningNotice(
                identifier: try required(identifier, "identifier"),
                traits: try required(traits, "traits"),
                channel: try required(channel, "channel")
            )
        case .opposeCreation, .reopenDossier, .requestDeletion, .withdrawDeletionRequest, .tick:
            return Self.emptyAction(kind)
        case .createDossier:
            return .createDossier(
                identifier: identifier,
                traits: traits,
                mode: try required(creationMode, "mode"),
                expressConsent: expressConsent ?? false
            )
        case .closeDossier:
            return .closeDossier(reason: try required(closureReason, "reason"))
        case .suspendDossier:
            return .suspendDossier(reason: try required(reason, "reason"))
        case .liftSuspension:
            return .liftSuspension(objection: try required(objection, "objection"))
        case .rectifyIdentity:
            return .rectifyIdentity(traits: try required(traits, "traits"))
        case .changeIdentifier:
            return .changeIdentifier(identifier: try required(identifier, "identifier"))
        case .addLegalRepresentative:
            return .addLegalRepresentative(
                representative: try required(representative, "representative"),
                kind: try required(representativeKind, "kind")
            )
        case .removeLegalRepresentative:
            return .removeLegalRepresentative(representative: try required(representative, "representative"))
        case .depositDocument:
            return .depositDocument(document: try required(document, "document"), mode: try required(mode, "mode"))
        case .replaceDocument:
            return .replaceDocument(
                replaced: try required(replaced, "replaced"),
                document: try required(document, "document"),
                mode: try required(mode, "mode")
            )
        case .archiveDocument:
            return .archiveDocument(document: try required(documentID, "document"))
        case .unarchiveDocument:
            return .unarchiveDocument(document: try required(documentID, "document"))
        case .deleteDocument:
            return .deleteDocument(document: try required(documentID, "document"), reason: reason)
        case .maskDocument:
            return .maskDocument(document: try required(documentID, "document"))
        case .unmaskDocument:
            return .unmaskDocument(document: try required(documentID, "document"))
        case .hideFromRepresentatives:
            return .hideFromRepresentatives(document: try required(documentID, "document"))
        case .releaseDocument:
            return .releaseDocument(document: try required(documentID, "document"))
        case .authorise:
            return .authorise(
                professional: try required(professional, "professional"),
                basis: try required(basis, "basis")
            )
        case .revokeAuthorisation:
            return .revokeAuthorisation(professional: try required(professional, "professional"))
        case .block:
            let blocked = try required(target, "target")
            let blockedKind = try required(targetKind, "targetKind")
            var normalised = blocked
            if blockedKind == .professional {
                do {
                    normalised = try ProfessionalID(nationalID: blocked).nationalID
                } catch {
                    throw reader.error(Self.data("target"), error, at: targetAt)
                }
            }
            return .block(target: normalised, targetKind: blockedKind, reason: try required(reason, "reason"))
        case .unblock:
            return .unblock(target: try required(target, "target"))
        case .declareTreatingDoctor:
            return .declareTreatingDoctor(professional: try required(professional, "professional"))
        case .withdrawTreatingDoctor:
            return .withdrawTreatingDoctor(professional: try required(professional, "professional"))
        case .grantAdministrator:
            return .grantAdministrator(professional: try required(professional, "professional"))
        case .revokeAdministrator:
            return .revokeAdministrator(professional: try required(professional, "professional"))
        case .setEmergencySettings:
            return .setEmergencySettings(try required(settings, "settings"))
        case .consultDocumentList:
            return .consultDocumentList(mode: try required(mode, "mode"), reason: reason)
        case .consultDocument:
            return .consultDocument(
                document: try required(documentID, "document"),
                mode: try required(mode, "mode"),
                reason: reason
            )
        }
    }

    /// The action of a kind that has no field.
    private static func emptyAction(_ kind: ActionKind) -> Command.Action {
        switch kind {
        case .opposeCreation: .opposeCreation
        case .reopenDossier: .reopenDossier
        case .requestDeletion: .requestDeletion
        case .withdrawDeletionRequest: .withdrawDeletionRequest
        default: .tick
        }
    }

    /// Whether an action has a member of that name.
    private static func allows(_ kind: ActionKind, _ member: FieldKey) -> Bool {
        switch kind {
        case .sendOpeningNotice: member == "identifier" || member == "traits" || member == "channel"
        case .opposeCreation, .reopenDossier, .requestDeletion, .withdrawDeletionRequest, .tick: false
        case .createDossier:
            member == "identifier" || member == "traits" || member == "mode" || member == "expressConsent"
        case .closeDossier, .suspendDossier: member == "reason"
        case .liftSuspension: member == "objection"
        case .rectifyIdentity: member == "traits"
        case .changeIdentifier: member == "identifier"
        case .addLegalRepresentative: member == "representative" || member == "kind"
        case .removeLegalRepresentative: member == "representative"
        case .depositDocument: member == "document" || member == "mode"
        case .replaceDocument: member == "replaced" || member == "document" || member == "mode"
        case .archiveDocument, .unarchiveDocument, .maskDocument, .unmaskDocument, .hideFromRepresentatives,
            .releaseDocument:
            member == "document"
        case .deleteDocument: member == "document" || member == "reason"
        case .authorise: member == "professional" || member == "basis"
        case .revokeAuthorisation, .declareTreatingDoctor, .withdrawTreatingDoctor, .grantAdministrator,
            .revokeAdministrator:
            member == "professional"
        case .block: member == "target" || member == "targetKind" || member == "reason"
        case .unblock: member == "target"
        case .setEmergencySettings: member == "settings"
        case .consultDocumentList: member == "mode" || member == "reason"
        case .consultDocument: member == "document" || member == "mode" || member == "reason"
        }
    }
}
