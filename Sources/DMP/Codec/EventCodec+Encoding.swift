// Writing records: the envelope in its fixed key order, then `data` under the Swift labels of the
// payload, in declaration order.

extension EventCodec {
    /// Writes one record.
    static func write(_ event: Event, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("seq", event.sequence)
        writer.field("at", timestamp: event.at)
        writer.field("type", event.payload.type)
        writer.field("v", Int64(EventPayload.currentVersion))
        writer.field("dossier", event.dossier.rawValue)
        writer.key("actor")
        writer.actor(event.actor)
        writer.field("command", event.command)
        writer.key("data")
        Self.writeData(event.payload, to: &writer)
        writer.endObject()
    }

    /// Writes the `data` object of the current version of a payload.
    static func writeData(_ payload: EventPayload, to writer: inout JSONWriter) {
        writer.beginObject()
        switch payload {
        case .openingNoticeSent(let identifier, let traits, let channel, let openingDue, let majorityAt):
            writer.field("identifier", identifier.description)
            writer.key("traits")
            writer.identityTraits(traits)
            writer.field("channel", channel.rawValue)
            writer.field("openingDue", timestamp: openingDue)
            writer.field("majorityAt", timestamp: majorityAt)
        case .creationOpposed(let proofID):
            writer.field("proofID", proofID)
        case .dossierOpened(let mode, let identifier, let traits, let expressConsent, let emergency, let majorityAt):
            writer.field("mode", mode.rawValue)
            writer.field("identifier", identifier?.description)
            writer.field("traits", ifPresent: traits) { writer, traits in writer.identityTraits(traits) }
            writer.field("expressConsent", expressConsent)
            writer.key("emergency")
            writer.emergencySettings(emergency)
            writer.field("majorityAt", timestamp: majorityAt)
        case .dossierClosed(let reason, let archivedUntil):
            writer.field("reason", reason.rawValue)
            writer.field("archivedUntil", timestamp: archivedUntil)
        case .dossierSuspended(let reason, let closureDue):
            writer.field("reason", reason)
            writer.field("closureDue", timestamp: closureDue)
        case .suspensionLifted(let objection):
            writer.field("objection", objection)
        case .dossierReopened, .deletionRequestWithdrawn:
            break
        case .deletionRequested(let purgeDue):
            writer.field("purgeDue", timestamp: purgeDue)
        case .dossierPurged(let cause):
            writer.field("cause", cause.rawValue)
        case .majorityReached(let representativesRemoved):
            writer.key("representativesRemoved")
            writer.beginArray()
            for representative in representativesRemoved {
                writer.string(representative)
            }
            writer.endArray()
        case .identityRectified(let traits):
            writer.key("traits")
            writer.identityTraits(traits)
        case .identifierChanged(let identifier):
            writer.field("identifier", identifier.description)
        case .legalRepresentativeAdded(let representative, let kind):
            writer.field("representative", representative)
            writer.field("kind", kind.rawValue)
        case .legalRepresentativeRemoved(let representative):
            writer.field("representative", representative)
        case .documentDeposited(let document, let mode, let late, let deadlines):
            Self.writeDeposit(replaced: nil, document, mode, late, deadlines, to: &writer)
        case .documentReplaced(let replaced, let document, let mode, let late, let deadlines):
            Self.writeDeposit(replaced: replaced, document, mode, late, deadlines, to: &writer)
        case .documentArchived(let document), .documentUnarchived(let document), .documentMasked(let document),
            .documentUnmasked(let document), .documentHiddenFromRepresentatives(let document):
            writer.field("document", document)
        case .documentDeleted(let document, let reason):
            writer.field("document", document)
            writer.field("reason", reason)
        case .documentReleased(let document, let cause):
            writer.field("document", document)
            writer.field("cause", cause.rawValue)
        case .professionalAuthorised(let professional, let basis):
            writer.field("professional", professional)
            writer.field("basis", basis.rawValue)
        case .authorisationRevoked(let professional), .treatingDoctorDeclared(let professional),
            .treatingDoctorWithdrawn(let professional), .administratorRightsGranted(let professional),
            .administratorRightsRevoked(let professional):
            writer.field("professional", professional)
        case .professionalBlocked(let target, let targetKind, let reason):
            writer.field("target", target)
            writer.field("targetKind", targetKind.rawValue)
            writer.field("reason", reason)
        case .professionalUnblocked(let target):
            writer.field("target", target)
        case .emergencySettingsChanged(let settings):
            writer.key("settings")
            writer.emergencySettings(settings)
        case .documentListConsulted(let mode, let reason, let right, let shown):
            writer.field("mode", mode.rawValue)
            writer.field("reason", reason)
            writer.field("right", right.rawValue)
            writer.field("shown", Int64(shown))
        case .documentConsulted(let document, let mode, let reason, let right):
            writer.field("document", document)
            writer.field("mode", mode.rawValue)
            writer.field("reason", reason)
            writer.field("right", right.rawValue)
        case .consultationRefused(let document, let mode, let reason, let refusal, let answeredNotFound):
            writer.field("document", document)
            writer.field("mode", mode.rawValue)
            writer.field("reason", reason)
            writer.field("refusal", refusal)
            writer.field("answeredNotFound", answeredNotFound)
        case .notificationSent(let recipient, let kind, let document, let professional):
            writer.field("recipient", recipient.rawValue)
            writer.field("kind", kind.rawValue)
            writer.field("document", document)
            writer.field("professional", professional)
        }
        writer.endObject()
    }

    /// Writes the members of a deposit or a replacement (DOC-1, DOC-2, DOC-4, ACC-6).
    private static func writeDeposit(
        replaced: String?,
        _ document: DocumentMetadata,
        _ mode: AccessMode,
        _ late: Bool,
        _ deadlines: ReleaseDeadlines?,
        to writer: inout JSONWriter
    ) {
        writer.field("replaced", replaced)
        writer.key("document")
        writer.documentMetadata(document)
        writer.field("mode", mode.rawValue)
        writer.field("late", late)
        if let deadlines {
            writer.key("deadlines")
            writer.beginObject()
            writer.field("reminder", timestamp: deadlines.reminder)
            writer.field("release", timestamp: deadlines.release)
            writer.endObject()
        }
    }
}
