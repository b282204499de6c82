import DMP

/// How domain values appear in the tool's JSON outputs and tables.
enum Render {
    /// An actor in the shape records use: `id`, `role`, `profession`, `practice`, `structure`,
    /// `auth`, `software`, absent ones left out.
    static func actor(_ actor: Actor, into json: inout JSONOutput) {
        json.beginObject()
        json.field("id", actor.id)
        json.field("role", actor.role.rawValue)
        json.field("profession", actor.profession?.code)
        json.field("practice", actor.practice?.rawValue)
        json.field("structure", actor.structure)
        json.field("auth", actor.authentication.rawValue)
        json.field("software", actor.software)
        json.endObject()
    }

    /// An actor on one line: `holder`, `810001234567 (professional 10)`, `operator-feed`.
    static func actorLabel(_ actor: Actor) -> String {
        switch actor.role {
        case .holder: return "holder"
        case .system: return "system"
        case .operatorFeed: return actor.id
        case .professional:
            var text = actor.id + " (" + Self.professionName(actor.profession)
            if let practice = actor.practice, practice != .standard { text += ", " + practice.rawValue }
            return text + ")"
        default:
            return "\(actor.id) (\(actor.role.rawValue))"
        }
    }

    /// A profession's name for people.
    static func professionName(_ profession: Profession?) -> String {
        switch profession {
        case Profession.physician?: "physician"
        case Profession.pharmacist?: "pharmacist"
        case Profession.dentist?: "dentist"
        case Profession.midwife?: "midwife"
        case Profession.nurse?: "nurse"
        case Profession.physiotherapist?: "physiotherapist"
        case let other?: "profession \(other.code)"
        case nil: "professional"
        }
    }

    /// What an event says, in a few words, for tables.
    static func detail(_ payload: EventPayload) -> String {
        switch payload {
        case .openingNoticeSent(let identifier, _, let channel, let due, _):
            return "\(identifier) by \(channel.rawValue), opens \(Instant.parisDate(due))"
        case .creationOpposed(let proof):
            return "proof \(proof)"
        case .dossierOpened(let mode, let identifier, _, let consent, _, _):
            return mode.rawValue + (identifier.map { " \($0)" } ?? "") + (consent ? ", express consent" : "")
        case .dossierClosed(let reason, let until):
            return "\(reason.rawValue), archived until \(Instant.parisDate(until))"
        case .dossierSuspended(let reason, let due):
            return "\(reason), closes \(Instant.parisDate(due)) without objection"
        case .suspensionLifted(let objection):
            return objection
        case .dossierReopened, .deletionRequestWithdrawn:
            return ""
        case .deletionRequested(let due):
            return "purge \(Instant.parisDate(due))"
        case .dossierPurged(let cause):
            return cause.rawValue
        case .majorityReached(let removed):
            return removed.isEmpty ? "" : "representatives removed: " + removed.joined(separator: ", ")
        case .identityRectified(let traits):
            return traits.description
        case .identifierChanged(let identifier):
            return identifier.description
        case .legalRepresentativeAdded(let representative, let kind):
            return "\(representative) (\(kind.rawValue))"
        case .legalRepresentativeRemoved(let representative):
            return representative
        case .documentDeposited(let document, let mode, let late, _):
            return Self.document(document) + " " + mode.rawValue + (late ? ", late" : "")
        case .documentReplaced(let replaced, let document, let mode, let late, _):
            return Self.document(document) + " replaces \(replaced) " + mode.rawValue + (late ? ", late" : "")
        case .documentArchived(let id), .documentUnarchived(let id), .documentMasked(let id),
            .documentUnmasked(let id), .documentHiddenFromRepresentatives(let id):
            return id
        case .documentDeleted(let id, let reason):
            return id + (reason.map { ": \($0)" } ?? "")
        case .documentReleased(let id, let cause):
            return "\(id) (\(cause.rawValue))"
        case .professionalAuthorised(let professional, let basis):
            return "\(professional) (\(basis.rawValue))"
        case .authorisationRevoked(let professional), .professionalUnblocked(let professional),
            .treatingDoctorDeclared(let professional), .treatingDoctorWithdrawn(let professional),
            .administratorRightsGranted(let professional), .administratorRightsRevoked(let professional):
            return professional
        case .professionalBlocked(let target, let kind, let reason):
            return "\(kind.rawValue) \(target): \(reason)"
        case .emergencySettingsChanged(let settings):
            return Self.emergency(settings)
        case .documentListConsulted(let mode, let reason, let right, let shown):
            return "\(shown) shown, \(mode.rawValue), as \(right.rawValue)" + (reason.map { ": \($0)" } ?? "")
        case .documentConsulted(let id, let mode, let reason, let right):
            return "\(id) \(mode.rawValue), as \(right.rawValue)" + (reason.map { ": \($0)" } ?? "")
        case .consultationRefused(let id, let mode, let reason, let refusal, let notFound):
            return (id ?? "list") + " \(mode.rawValue) refused: \(refusal)" + (notFound ? " (answered not found)" : "")
                + (reason.map { ": \($0)" } ?? "")
        case .notificationSent(let recipient, let kind, let document, let professional):
            var text = "\(kind.rawValue) to \(recipient.rawValue)"
            if let document { text += " about \(document)" }
            if let professional { text += " (\(professional))" }
            return text
        }
    }

    /// A document's id and type for tables.
    static func document(_ document: DocumentMetadata) -> String {
        var text = "\(document.id) [\(document.typeCode) \(document.category)]"
        let flags = document.confidentiality.codes.dropFirst()
        if !flags.isEmpty { text += " " + flags.joined(separator: ",") }
        return text
    }

    /// Emergency switches on one line.
    static func emergency(_ settings: EmergencySettings) -> String {
        "regulation \(settings.regulation ? "on" : "off"), bris de glace \(settings.breakGlass ? "on" : "off"), "
            + "masked documents \(settings.maskedInEmergency ? "on" : "off")"
    }

    /// Identity traits as JSON.
    static func traits(_ traits: IdentityTraits, into json: inout JSONOutput) {
        json.beginObject()
        json.field("birthName", traits.birthName)
        json.field("firstNames", strings: traits.birthFirstNames)
        json.field("birthDate", traits.birthDate.description)
        json.field("sex", traits.sex.rawValue)
        json.field("birthPlace", traits.birthPlace.rawValue)
        json.endObject()
    }

    /// Emergency switches as JSON.
    static func emergency(_ settings: EmergencySettings, into json: inout JSONOutput) {
        json.beginObject()
        json.field("regulation", settings.regulation)
        json.field("breakGlass", settings.breakGlass)
        json.field("maskedInEmergency", settings.maskedInEmergency)
        json.endObject()
    }

    /// A domain refusal as JSON: `code`, `message`, `rule` (`null` when none).
    static func refusal(_ error: DomainError, into json: inout JSONOutput) {
        json.beginObject()
        json.field("code", error.code.rawValue)
        json.field("message", error.message)
        json.nullableField("rule", error.rule)
        json.endObject()
    }
}
