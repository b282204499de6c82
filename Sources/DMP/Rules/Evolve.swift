extension DossierState {
    /// Folds one event into the state. Pure and total: no rule checks, no clock, no I/O; every
    /// event ever written applies (replay never fails on a valid journal).
    public func evolve(_ event: Event) -> DossierState {
        var state = self
        state.apply(event)
        return state
    }

    /// Folds one event into the state in place. See ``evolve(_:)``.
    public mutating func apply(_ event: Event) {
        self.lastEventAt = max(self.lastEventAt, event.at)
        self.eventCount += 1
        switch event.payload {
        case .openingNoticeSent(let identifier, let traits, _, let openingDue, let majorityAt):
            self.status = .noticeSent
            if self.identifiers.last != identifier { self.identifiers.append(identifier) }
            self.traits = traits
            self.openingDue = openingDue
            self.majorityAt = majorityAt
        case .creationOpposed(let proof):
            self.status = .opposed
            self.oppositionProof = proof
            self.openingDue = nil
        case .dossierOpened(let mode, let identifier, let traits, _, let emergency, let majorityAt):
            self.status = .open
            self.creationMode = mode
            if let identifier, self.identifiers.last != identifier { self.identifiers.append(identifier) }
            if let traits { self.traits = traits }
            if let majorityAt { self.majorityAt = majorityAt }
            self.emergency = emergency
            self.openingDue = nil
            self.openedAt = event.at
        case .dossierClosed(let reason, let archivedUntil):
            self.status = .closed
            self.closureReason = reason
            self.closedAt = event.at
            self.archivedUntil = archivedUntil
            self.closureDue = nil
        case .dossierSuspended(_, let closureDue):
            self.status = .suspended
            self.closureDue = closureDue
        case .suspensionLifted:
            self.status = .open
            self.closureDue = nil
        case .dossierReopened:
            self.status = .open
            self.openedAt = event.at
            self.closureReason = nil
            self.closedAt = nil
            self.archivedUntil = nil
        case .deletionRequested(let purgeDue):
            self.status = .deletionRequested
            self.purgeDue = purgeDue
        case .deletionRequestWithdrawn:
            self.status = .closed
            self.purgeDue = nil
        case .dossierPurged:
            self.status = .purged
            self.purgeDue = nil
            self.archivedUntil = nil
            self.traits = nil
            for id in self.documents.keys {
                self.documents[id]?.deleted = true
                self.documents[id]?.releaseDue = nil
                self.documents[id]?.reminderDue = nil
            }
        case .majorityReached(let removed):
            for representative in removed { self.representatives[representative] = nil }
            self.majorityAt = nil
        case .identityRectified(let traits):
            self.traits = traits
        case .identifierChanged(let identifier):
            if self.identifiers.last != identifier { self.identifiers.append(identifier) }
        case .legalRepresentativeAdded(let representative, let kind):
            self.representatives[representative] = kind
        case .legalRepresentativeRemoved(let representative):
            self.representatives[representative] = nil

        case .documentDeposited(let metadata, let mode, _, let deadlines):
            self.addDocument(metadata, mode: mode, deadlines: deadlines, event: event)
        case .documentReplaced(let replaced, let metadata, let mode, _, let deadlines):
            if let index = self.documents.index(forKey: replaced) {
                self.documents.values[index].deprecated = true
                self.documents.values[index].replacedBy = metadata.id
            }
            self.addDocument(metadata, mode: mode, deadlines: deadlines, event: event)
        case .documentArchived(let id):
            self.documents[id]?.archived = true
        case .documentUnarchived(let id):
            self.documents[id]?.archived = false
        case .documentDeleted(let id, _):
            self.documents[id]?.deleted = true
            self.documents[id]?.releaseDue = nil
            self.documents[id]?.reminderDue = nil
        case .documentMasked(let id):
            self.documents[id]?.confidentiality.insert(.maskedFromProfessionals)
        case .documentUnmasked(let id):
            self.documents[id]?.confidentiality.remove(.maskedFromProfessionals)
        case .documentHiddenFromRepresentatives(let id):
            self.documents[id]?.confidentiality.insert(.invisibleToRepresentatives)
        case .documentReleased(let id, _):
            self.documents[id]?.confidentiality.remove(.invisibleToPatient)
            self.documents[id]?.releaseDue = nil
            self.documents[id]?.reminderDue = nil

        case .professionalAuthorised(let professional, let basis):
            self.authorisations[professional] = basis
        case .authorisationRevoked(let professional):
            self.authorisations[professional] = nil
        case .professionalBlocked(let target, _, _):
            self.blocks[target] = event.actor.role
            self.treatingDoctors.remove(target)
            self.administrators.remove(target)
            self.authorisations[target] = nil
        case .professionalUnblocked(let target):
            self.blocks[target] = nil
        case .treatingDoctorDeclared(let professional):
            self.treatingDoctors.insert(professional)
        case .treatingDoctorWithdrawn(let professional):
            self.treatingDoctors.remove(professional)
        case .administratorRightsGranted(let professional):
            self.administrators.insert(professional)
        case .administratorRightsRevoked(let professional):
            self.administrators.remove(professional)
        case .emergencySettingsChanged(let settings):
            self.emergency = settings

        case .documentListConsulted, .documentConsulted:
            if event.actor.role == .professional { self.professionalsSeen.insert(event.actor.id) }
        case .consultationRefused:
            break
        case .notificationSent(_, let kind, let document, _):
            if kind == .invisibleDocumentWaiting, let document { self.documents[document]?.reminderDue = nil }
        }
    }

    private mutating func addDocument(
        _ metadata: DocumentMetadata, mode: AccessMode, deadlines: ReleaseDeadlines?, event: Event
    ) {
        var document = Document(
            metadata: metadata, author: event.actor.id, authorRole: event.actor.role, depositedAt: event.at,
            confidentiality: metadata.confidentiality)
        document.releaseDue = deadlines?.release
        document.reminderDue = deadlines?.reminder
        document.secret = mode == .secretConnection
        if self.documents.isEmpty {
            // Most dossiers hold a few documents: room for six at once saves growing three times.
            self.documents.reserveCapacity(6)
        }
        self.documents[metadata.id] = document
        if event.actor.role == .professional { self.professionalsSeen.insert(event.actor.id) }
    }
}
