// Reading records: the envelope in any order, then `data` by `(type, v)`.

extension EventCodec {
    /// The path of the `data` object.
    static var dataPath: FieldPath { FieldPath("", "data") }

    /// Reads one record.
    ///
    /// Inlined into ``decode(_:)-(UnsafeRawBufferPointer)``, its only caller, so that the event is
    /// built in place rather than copied out.
    @inline(__always)
    static func read(_ bytes: UnsafeRawBufferPointer) throws(FieldError) -> Event {
        var reader = FieldReader(bytes)
        var sequence: UInt64?
        var at: Int64?
        var kind: EventKind?
        var version: Int64?
        var versionAt = 0
        var dossier: String?
        var dossierAt = 0
        var actor: Actor?
        var command: String?
        var commandAt = 0
        var payload: EventPayload?
        var deferred: Range<Int>?
        let start = try reader.beginObject(.record)
        // The canonical order puts `type` and `v` before `data`, so `data` is read in place; when
        // it comes first it is skipped and read once the envelope is known.
        while let key = try reader.nextKey(.record) {
            switch key {
            case "seq":
                try reader.claim(sequence, FieldPath("", "seq"))
                sequence = try reader.uint64(FieldPath("", "seq"))
            case "at":
                try reader.readTimestamp(&at, FieldPath("", "at"))
            case "type":
                try reader.read(&kind, FieldPath("", "type"))
            case "v":
                try reader.claim(version, FieldPath("", "v"))
                versionAt = reader.offset
                version = try reader.int64(FieldPath("", "v"))
            case "dossier":
                dossierAt = reader.offset
                try reader.read(&dossier, FieldPath("", "dossier"))
            case "actor":
                try reader.claim(actor, FieldPath("", "actor"))
                actor = try reader.actor(validateIDs: false)
            case "command":
                commandAt = reader.offset
                try reader.read(&command, FieldPath("", "command"))
            case "data":
                if payload != nil || deferred != nil {
                    throw reader.error(Self.dataPath, "key given twice", at: reader.offset)
                }
                if let kind, let version {
                    payload = try Self.readData(kind, version: version, versionAt: versionAt, from: &reader)
                } else {
                    deferred = try reader.skipValue(Self.dataPath)
                }
            default:
                throw reader.unknownKey(key, in: .record)
            }
        }
        try reader.expectEnd()
        let eventKind = try reader.required(kind, FieldPath("", "type"), objectAt: start)
        let eventVersion = try reader.required(version, FieldPath("", "v"), objectAt: start)
        if let deferred {
            var data = FieldReader(UnsafeRawBufferPointer(rebasing: bytes[deferred]), base: deferred.lowerBound)
            payload = try Self.readData(eventKind, version: eventVersion, versionAt: versionAt, from: &data)
            try data.expectEnd()
        }
        let dossierText = try reader.required(dossier, FieldPath("", "dossier"), objectAt: start)
        guard let dossierID = DossierID.parse(dossierText) else {
            throw reader.error(
                FieldPath("", "dossier"),
                "expected a lowercase UUID such as 6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b, found \(FieldReader.quoted(dossierText))",
                at: dossierAt)
        }
        let commandKey = try reader.required(command, FieldPath("", "command"), objectAt: start)
        guard !commandKey.isEmpty else {
            throw reader.error(FieldPath("", "command"), "must not be empty", at: commandAt)
        }
        return Event(
            sequence: try reader.required(sequence, FieldPath("", "seq"), objectAt: start),
            at: try reader.required(at, FieldPath("", "at"), objectAt: start),
            dossier: dossierID,
            actor: try reader.required(actor, FieldPath("", "actor"), objectAt: start),
            command: commandKey,
            payload: try reader.required(payload, Self.dataPath, objectAt: start)
        )
    }

    /// Reads `data` as the version `v` of the type says, upcasting older versions.
    ///
    /// - Parameters:
    ///   - kind: The record's `type`.
    ///   - version: The record's `v`.
    ///   - versionAt: The offset of `v`, for the error about an unsupported version.
    ///   - reader: A reader on the `data` value.
    static func readData(
        _ kind: EventKind,
        version: Int64,
        versionAt: Int,
        from reader: inout FieldReader
    ) throws(FieldError) -> EventPayload {
        switch (kind, version) {
        case (_, Int64(EventPayload.currentVersion)):
            return try Self.readCurrentData(kind, from: &reader)
        // An older version keeps its own reader and is upcast to the current payload here, e.g.
        // `case (.documentDeposited, 0): return try Self.readDocumentDepositedV0(from: &reader)`.
        default:
            throw reader.error(
                FieldPath("", "v"),
                "version \(version) of \(kind.rawValue) is not supported (this reader knows version "
                    + "\(EventPayload.currentVersion))",
                at: versionAt
            )
        }
    }

    /// The path of a member of `data`.
    @inline(__always)
    private static func data(_ name: StaticString) -> FieldPath {
        FieldPath("data", name)
    }

    /// Reads `data` in the current version of its type.
    private static func readCurrentData(
        _ kind: EventKind,
        from reader: inout FieldReader
    ) throws(FieldError) -> EventPayload {
        switch kind {
        case .openingNoticeSent:
            var identifier: PatientIdentifier?
            var traits: IdentityTraits?
            var channel: NoticeChannel?
            var openingDue: Int64?
            var majorityAt: Int64?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "identifier":
                    try reader.claim(identifier, Self.data("identifier"))
                    identifier = try reader.patientIdentifier(Self.data("identifier"))
                case "traits":
                    try reader.claim(traits, Self.data("traits"))
                    traits = try reader.identityTraits(Self.data("traits"), object: "data.traits", lenient: false)
                case "channel": try reader.read(&channel, Self.data("channel"))
                case "openingDue": try reader.readTimestamp(&openingDue, Self.data("openingDue"))
                case "majorityAt": try reader.readTimestamp(&majorityAt, Self.data("majorityAt"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .openingNoticeSent(
                identifier: try reader.required(identifier, Self.data("identifier"), objectAt: start),
                traits: try reader.required(traits, Self.data("traits"), objectAt: start),
                channel: try reader.required(channel, Self.data("channel"), objectAt: start),
                openingDue: try reader.required(openingDue, Self.data("openingDue"), objectAt: start),
                majorityAt: majorityAt
            )

        case .creationOpposed:
            return .creationOpposed(proofID: try Self.readOnlyString("proofID", from: &reader))

        case .dossierOpened:
            var mode: CreationMode?
            var identifier: PatientIdentifier?
            var traits: IdentityTraits?
            var expressConsent: Bool?
            var emergency: EmergencySettings?
            var majorityAt: Int64?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "mode": try reader.read(&mode, Self.data("mode"))
                case "identifier":
                    try reader.claim(identifier, Self.data("identifier"))
                    identifier = try reader.patientIdentifier(Self.data("identifier"))
                case "traits":
                    try reader.claim(traits, Self.data("traits"))
                    traits = try reader.identityTraits(Self.data("traits"), object: "data.traits", lenient: false)
                case "expressConsent": try reader.read(&expressConsent, Self.data("expressConsent"))
                case "emergency":
                    try reader.claim(emergency, Self.data("emergency"))
                    emergency = try reader.emergencySettings(Self.data("emergency"), object: "data.emergency")
                case "majorityAt": try reader.readTimestamp(&majorityAt, Self.data("majorityAt"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .dossierOpened(
                mode: try reader.required(mode, Self.data("mode"), objectAt: start),
                identifier: identifier,
                traits: traits,
                expressConsent: try reader.required(expressConsent, Self.data("expressConsent"), objectAt: start),
                emergency: try reader.required(emergency, Self.data("emergency"), objectAt: start),
                majorityAt: majorityAt
            )

        case .dossierClosed:
            var reason: ClosureReason?
            var archivedUntil: Int64?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "reason": try reader.read(&reason, Self.data("reason"))
                case "archivedUntil": try reader.readTimestamp(&archivedUntil, Self.data("archivedUntil"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .dossierClosed(
                reason: try reader.required(reason, Self.data("reason"), objectAt: start),
                archivedUntil: try reader.required(archivedUntil, Self.data("archivedUntil"), objectAt: start)
            )

        case .dossierSuspended:
            var reason: String?
            var closureDue: Int64?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "reason": try reader.read(&reason, Self.data("reason"))
                case "closureDue": try reader.readTimestamp(&closureDue, Self.data("closureDue"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .dossierSuspended(
                reason: try reader.required(reason, Self.data("reason"), objectAt: start),
                closureDue: try reader.required(closureDue, Self.data("closureDue"), objectAt: start)
            )

        case .suspensionLifted:
            return .suspensionLifted(objection: try Self.readOnlyString("objection", from: &reader))

        case .dossierReopened:
            try reader.emptyObject(Self.dataPath)
            return .dossierReopened

        case .deletionRequested:
            var purgeDue: Int64?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                guard key == "purgeDue" else {
                    throw reader.unknownKey(key, in: Self.dataPath)
                }
                try reader.readTimestamp(&purgeDue, Self.data("purgeDue"))
            }
            return .deletionRequested(purgeDue: try reader.required(purgeDue, Self.data("purgeDue"), objectAt: start))

        case .deletionRequestWithdrawn:
            try reader.emptyObject(Self.dataPath)
            return .deletionRequestWithdrawn

        case .dossierPurged:
            var cause: PurgeCause?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                guard key == "cause" else {
                    throw reader.unknownKey(key, in: Self.dataPath)
                }
                try reader.read(&cause, Self.data("cause"))
            }
            return .dossierPurged(cause: try reader.required(cause, Self.data("cause"), objectAt: start))

        case .majorityReached:
            var removed: [String]?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                guard key == "representativesRemoved" else {
                    throw reader.unknownKey(key, in: Self.dataPath)
                }
                try reader.claim(removed, Self.data("representativesRemoved"))
                removed = try reader.strings(Self.data("representativesRemoved"))
            }
            return .majorityReached(
                representativesRemoved: try reader.required(
                    removed,
                    Self.data("representativesRemoved"),
                    objectAt: start
                )
            )

        case .identityRectified:
            var traits: IdentityTraits?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                guard key == "traits" else {
                    throw reader.unknownKey(key, in: Self.dataPath)
                }
                try reader.claim(traits, Self.data("traits"))
                traits = try reader.identityTraits(Self.data("traits"), object: "data.traits", lenient: false)
            }
            return .identityRectified(traits: try reader.required(traits, Self.data("traits"), objectAt: start))

        case .identifierChanged:
            var identifier: PatientIdentifier?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                guard key == "identifier" else {
                    throw reader.unknownKey(key, in: Self.dataPath)
                }
                try reader.claim(identifier, Self.data("identifier"))
                identifier = try reader.patientIdentifier(Self.data("identifier"))
            }
            return .identifierChanged(
                identifier: try reader.required(identifier, Self.data("identifier"), objectAt: start)
            )

        case .legalRepresentativeAdded:
            var representative: String?
            var representativeKind: RepresentativeKind?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "representative": try reader.read(&representative, Self.data("representative"))
                case "kind": try reader.read(&representativeKind, Self.data("kind"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .legalRepresentativeAdded(
                representative: try reader.required(representative, Self.data("representative"), objectAt: start),
                kind: try reader.required(representativeKind, Self.data("kind"), objectAt: start)
            )

        case .legalRepresentativeRemoved:
            return .legalRepresentativeRemoved(
                representative: try Self.readOnlyString("representative", from: &reader)
            )

        case .documentDeposited:
            let deposit = try Self.readDeposit(replacement: false, from: &reader)
            return .documentDeposited(
                document: deposit.document,
                mode: deposit.mode,
                late: deposit.late,
                deadlines: deposit.deadlines
            )

        case .documentReplaced:
            let deposit = try Self.readDeposit(replacement: true, from: &reader)
            return .documentReplaced(
                replaced: deposit.replaced ?? "",
                document: deposit.document,
                mode: deposit.mode,
                late: deposit.late,
                deadlines: deposit.deadlines
            )

        case .documentArchived:
            return .documentArchived(document: try Self.readOnlyString("document", from: &reader))
        case .documentUnarchived:
            return .documentUnarchived(document: try Self.readOnlyString("document", from: &reader))

        case .documentDeleted:
            var document: String?
            var reason: String?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "document": try reader.read(&document, Self.data("document"))
                case "reason": try reader.read(&reason, Self.data("reason"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .documentDeleted(
                document: try reader.required(document, Self.data("document"), objectAt: start),
                reason: reason
            )

        case .documentMasked:
            return .documentMasked(document: try Self.readOnlyString("document", from: &reader))
        case .documentUnmasked:
            return .documentUnmasked(document: try Self.readOnlyString("document", from: &reader))
        case .documentHiddenFromRepresentatives:
            return .documentHiddenFromRepresentatives(document: try Self.readOnlyString("document", from: &reader))

        case .documentReleased:
            var document: String?
            var cause: ReleaseCause?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "document": try reader.read(&document, Self.data("document"))
                case "cause": try reader.read(&cause, Self.data("cause"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .documentReleased(
                document: try reader.required(document, Self.data("document"), objectAt: start),
                cause: try reader.required(cause, Self.data("cause"), objectAt: start)
            )

        case .professionalAuthorised:
            var professional: String?
            var basis: AuthorisationBasis?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "professional": try reader.read(&professional, Self.data("professional"))
                case "basis": try reader.read(&basis, Self.data("basis"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .professionalAuthorised(
                professional: try reader.required(professional, Self.data("professional"), objectAt: start),
                basis: try reader.required(basis, Self.data("basis"), objectAt: start)
            )

        case .authorisationRevoked:
            return .authorisationRevoked(professional: try Self.readOnlyString("professional", from: &reader))

        case .professionalBlocked:
            var target: String?
            var targetKind: BlockTarget?
            var reason: String?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "target": try reader.read(&target, Self.data("target"))
                case "targetKind": try reader.read(&targetKind, Self.data("targetKind"))
                case "reason": try reader.read(&reason, Self.data("reason"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .professionalBlocked(
                target: try reader.required(target, Self.data("target"), objectAt: start),
                targetKind: try reader.required(targetKind, Self.data("targetKind"), objectAt: start),
                reason: try reader.required(reason, Self.data("reason"), objectAt: start)
            )

        case .professionalUnblocked:
            return .professionalUnblocked(target: try Self.readOnlyString("target", from: &reader))
        case .treatingDoctorDeclared:
            return .treatingDoctorDeclared(professional: try Self.readOnlyString("professional", from: &reader))
        case .treatingDoctorWithdrawn:
            return .treatingDoctorWithdrawn(professional: try Self.readOnlyString("professional", from: &reader))
        case .administratorRightsGranted:
            return .administratorRightsGranted(professional: try Self.readOnlyString("professional", from: &reader))
        case .administratorRightsRevoked:
            return .administratorRightsRevoked(professional: try Self.readOnlyString("professional", from: &reader))

        case .emergencySettingsChanged:
            var settings: EmergencySettings?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                guard key == "settings" else {
                    throw reader.unknownKey(key, in: Self.dataPath)
                }
                try reader.claim(settings, Self.data("settings"))
                settings = try reader.emergencySettings(Self.data("settings"), object: "data.settings")
            }
            return .emergencySettingsChanged(
                settings: try reader.required(settings, Self.data("settings"), objectAt: start)
            )

        case .documentListConsulted:
            var mode: AccessMode?
            var reason: String?
            var right: AccessRight?
            var shown: Int64?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "mode": try reader.read(&mode, Self.data("mode"))
                case "reason": try reader.read(&reason, Self.data("reason"))
                case "right": try reader.read(&right, Self.data("right"))
                case "shown":
                    try reader.claim(shown, Self.data("shown"))
                    shown = try reader.count(Self.data("shown"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .documentListConsulted(
                mode: try reader.required(mode, Self.data("mode"), objectAt: start),
                reason: reason,
                right: try reader.required(right, Self.data("right"), objectAt: start),
                shown: Int(try reader.required(shown, Self.data("shown"), objectAt: start))
            )

        case .documentConsulted:
            var document: String?
            var mode: AccessMode?
            var reason: String?
            var right: AccessRight?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "document": try reader.read(&document, Self.data("document"))
                case "mode": try reader.read(&mode, Self.data("mode"))
                case "reason": try reader.read(&reason, Self.data("reason"))
                case "right": try reader.read(&right, Self.data("right"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .documentConsulted(
                document: try reader.required(document, Self.data("document"), objectAt: start),
                mode: try reader.required(mode, Self.data("mode"), objectAt: start),
                reason: reason,
                right: try reader.required(right, Self.data("right"), objectAt: start)
            )

        case .consultationRefused:
            var document: String?
            var mode: AccessMode?
            var reason: String?
            var refusal: String?
            var answeredNotFound: Bool?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "document": try reader.read(&document, Self.data("document"))
                case "mode": try reader.read(&mode, Self.data("mode"))
                case "reason": try reader.read(&reason, Self.data("reason"))
                case "refusal": try reader.read(&refusal, Self.data("refusal"))
                case "answeredNotFound": try reader.read(&answeredNotFound, Self.data("answeredNotFound"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .consultationRefused(
                document: document,
                mode: try reader.required(mode, Self.data("mode"), objectAt: start),
                reason: reason,
                refusal: try reader.required(refusal, Self.data("refusal"), objectAt: start),
                answeredNotFound: try reader.required(answeredNotFound, Self.data("answeredNotFound"), objectAt: start)
            )

        case .notificationSent:
            var recipient: NotificationRecipient?
            var notificationKind: NotificationKind?
            var document: String?
            var professional: String?
            let start = try reader.beginObject(Self.dataPath)
            while let key = try reader.nextKey(Self.dataPath) {
                switch key {
                case "recipient": try reader.read(&recipient, Self.data("recipient"))
                case "kind": try reader.read(&notificationKind, Self.data("kind"))
                case "document": try reader.read(&document, Self.data("document"))
                case "professional": try reader.read(&professional, Self.data("professional"))
                default: throw reader.unknownKey(key, in: Self.dataPath)
                }
            }
            return .notificationSent(
                recipient: try reader.required(recipient, Self.data("recipient"), objectAt: start),
                kind: try reader.required(notificationKind, Self.data("kind"), objectAt: start),
                document: document,
                professional: professional
            )
        }
    }

    /// Reads a `data` object whose only member is one string.
    private static func readOnlyString(
        _ name: StaticString,
        from reader: inout FieldReader
    ) throws(FieldError) -> String {
        var value: String?
        let start = try reader.beginObject(Self.dataPath)
        while let key = try reader.nextKey(Self.dataPath) {
            guard key == name else {
                throw reader.unknownKey(key, in: Self.dataPath)
            }
            try reader.read(&value, FieldPath("data", name))
        }
        return try reader.required(value, FieldPath("data", name), objectAt: start)
    }

    /// The members of a deposit or a replacement.
    private struct Deposit {
        var replaced: String?
        var document: DocumentMetadata
        var mode: AccessMode
        var late: Bool
        var deadlines: ReleaseDeadlines?
    }

    /// Reads the `data` of a deposit (DOC-1, DOC-2, ACC-6) or a replacement (DOC-4).
    private static func readDeposit(
        replacement: Bool,
        from reader: inout FieldReader
    ) throws(FieldError) -> Deposit {
        var replaced: String?
        var document: DocumentMetadata?
        var mode: AccessMode?
        var late: Bool?
        var deadlines: ReleaseDeadlines?
        let start = try reader.beginObject(Self.dataPath)
        while let key = try reader.nextKey(Self.dataPath) {
            switch key {
            case "document":
                try reader.claim(document, Self.data("document"))
                document = try reader.documentMetadata(Self.data("document"), object: "data.document", lenient: false)
            case "mode": try reader.read(&mode, Self.data("mode"))
            case "late": try reader.read(&late, Self.data("late"))
            case "deadlines":
                try reader.claim(deadlines, Self.data("deadlines"))
                deadlines = try Self.readDeadlines(from: &reader)
            case "replaced" where replacement:
                try reader.read(&replaced, Self.data("replaced"))
            default:
                throw reader.unknownKey(key, in: Self.dataPath)
            }
        }
        if replacement {
            _ = try reader.required(replaced, Self.data("replaced"), objectAt: start)
        }
        return Deposit(
            replaced: replaced,
            document: try reader.required(document, Self.data("document"), objectAt: start),
            mode: try reader.required(mode, Self.data("mode"), objectAt: start),
            late: try reader.required(late, Self.data("late"), objectAt: start),
            deadlines: deadlines
        )
    }

    /// Reads the reminder and release deadlines of a document invisible to the patient (ACC-6).
    private static func readDeadlines(from reader: inout FieldReader) throws(FieldError) -> ReleaseDeadlines {
        let path = Self.data("deadlines")
        var reminder: Int64?
        var release: Int64?
        let start = try reader.beginObject(path)
        while let key = try reader.nextKey(path) {
            switch key {
            case "reminder": try reader.readTimestamp(&reminder, FieldPath("data.deadlines", "reminder"))
            case "release": try reader.readTimestamp(&release, FieldPath("data.deadlines", "release"))
            default: throw reader.unknownKey(key, in: path)
            }
        }
        return ReleaseDeadlines(
            reminder: try reader.required(reminder, FieldPath("data.deadlines", "reminder"), objectAt: start),
            release: try reader.required(release, FieldPath("data.deadlines", "release"), objectAt: start)
        )
    }
}
