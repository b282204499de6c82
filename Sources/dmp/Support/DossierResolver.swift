import DMP

/// Finds the dossier meant by `--dossier`: an opaque id as is, or any identifier of the person
/// (NIR, NIA, INS-C, current or old) through the identity events of the journal.
enum DossierResolver {
    /// Whether `text` has the shape of an opaque dossier id (a UUID).
    static func isOpaqueID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 8, 13, 18, 23: if byte != 0x2D { return false }
            default:
                let isHex = (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte | 0x20)
                if !isHex { return false }
            }
        }
        return true
    }

    /// The identifiers `text` may stand for: one, or a NIR and a NIA for a bare 15-character
    /// number (the number alone does not tell them apart).
    static func identifiers(_ text: String) throws(ToolError) -> [PatientIdentifier] {
        do {
            return [try PatientIdentifier(text)]
        } catch {
            if error.reason == .missingKind {
                let both = [INS.Kind.nir, .nia].compactMap { try? PatientIdentifier(text, kind: $0) }
                if !both.isEmpty { return both }
            }
            throw ToolError.usage(
                "--dossier \"\(text)\" is neither a dossier id (a UUID) nor a patient identifier: \(error.message)")
        }
    }

    /// The dossier meant by `text`: an opaque id as is; for an identifier, the latest dossier
    /// that held it (ID-3), with a note on stderr naming the others when several did.
    ///
    /// Through the index when one is usable (the units appended after the part it covers are
    /// read, and every dossier it names is confirmed by the journal's record of the event that gave
    /// it the identifier; see ``DossierIndex/dossiers(identifiedBy:)``), by scanning the journal's
    /// identity events otherwise (`--no-index`, no index, or one that cannot be used): the same
    /// answer and notes either way.
    /// - Throws: ``ToolError`` (status 2) when the text is no identifier or no dossier holds it.
    static func resolve(_ text: String, journal: String, index: IndexSession) throws -> DossierID {
        let text = text.trimmed()
        if self.isOpaqueID(text), let id = DossierID(rawValue: text.lowercased()) { return id }
        let candidates = try self.identifiers(text)
        let names = Set(candidates.map(\.description))
        let holders = try index.query(
            indexed: { index in try index.dossiers(identifiedBy: candidates) },
            scan: { try self.scan(journal, text: text, candidates: candidates) })
        guard let chosen = holders.last else {
            throw ToolError.usage(
                "no dossier in \(journal) was ever identified by \(names.sorted().joined(separator: " or "))")
        }
        if holders.count > 1 {
            let others = holders.dropLast().map(\.rawValue).joined(separator: ", ")
            warn(
                "note: \(text) identified several dossiers over time (\(others)); using the latest, \(chosen.rawValue)")
        }
        return chosen
    }

    /// The dossiers that held any of `candidates`, by reading the whole journal: in order of the
    /// event that last gave one of them to each.
    private static func scan(_ journal: String, text: String, candidates: [PatientIdentifier]) throws -> [DossierID] {
        let names = Set(candidates.map(\.description))
        let numbers = Set(candidates.map { Array(($0.description.split(separator: ":").last ?? "").utf8) })
        var holders: [DossierID] = []
        let prefilter = { (record: UnsafeRawBufferPointer) in numbers.contains { contains(record, $0) } }
        try JournalScan.events(journal, label: "finding \(text)", prefilter: prefilter) { event, _ in
            let identifier: PatientIdentifier?
            switch event.payload {
            case .openingNoticeSent(let id, _, _, _, _): identifier = id
            case .dossierOpened(_, let id, _, _, _, _): identifier = id
            case .identifierChanged(let id): identifier = id
            default: identifier = nil
            }
            guard let identifier, names.contains(identifier.description) else { return }
            holders.removeAll { $0 == event.dossier }
            holders.append(event.dossier)
        }
        return holders
    }
}
