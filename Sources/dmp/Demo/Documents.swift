import Crypto
import DMP

/// The kinds of documents the demo deposits: LOINC or DMP type codes, categories, class codes and
/// French titles, and synthetic bodies.
enum DocumentKind: CaseIterable {
    case consultation, prescription, synthesis, vaccination, laboratory, imaging, discharge, psychiatric
    case nursing, physiotherapy, dental, pregnancy, contraception, emergency, advanceDirectives, holderNote
    case reimbursement

    var typeCode: String {
        switch self {
        case .consultation, .dental, .pregnancy, .contraception: "11488-4"
        case .prescription: "57833-6"
        case .synthesis: "60591-5"
        case .vaccination: "11369-6"
        case .laboratory: "11502-2"
        case .imaging: "18748-4"
        case .discharge: "34133-9"
        case .psychiatric: "PSY_SYNTH"
        case .nursing: "11506-3"
        case .physiotherapy: "28570-0"
        case .emergency: "34111-5"
        case .advanceDirectives: "42348-3"
        case .holderNote: "51855-5"
        case .reimbursement: DocumentMetadata.reimbursementTypeCode
        }
    }

    var category: String {
        switch self {
        case .consultation, .discharge, .psychiatric, .nursing, .physiotherapy, .dental, .pregnancy, .contraception,
            .emergency:
            "CPT_REND"
        case .prescription: "TRAITEMENT"
        case .synthesis: "SYNTHESE"
        case .vaccination: "VACCIN"
        case .laboratory: "BIOLOGIE"
        case .imaging: "RADIO_SC"
        case .advanceDirectives: "DIR_ANT"
        case .holderNote: "DOC_PAT"
        case .reimbursement: "REMB"
        }
    }

    var classCode: String {
        switch self {
        case .advanceDirectives, .holderNote: DocumentMetadata.holderClassCode
        case .synthesis, .psychiatric: "11"
        case .prescription: "20"
        case .laboratory: "30"
        case .imaging: "40"
        case .vaccination: "50"
        case .reimbursement: "60"
        default: "10"
        }
    }

    var titles: [String] {
        switch self {
        case .consultation: ["Compte rendu de consultation", "Consultation de suivi", "Consultation pour fièvre"]
        case .prescription: ["Ordonnance", "Ordonnance de renouvellement", "Ordonnance de kinésithérapie"]
        case .synthesis: ["Volet de synthèse médicale"]
        case .vaccination: ["Vaccination antigrippale", "Rappel DTP", "Vaccination ROR", "Vaccination COVID-19"]
        case .laboratory: ["Bilan sanguin", "Numération formule sanguine", "Bilan lipidique", "HbA1c", "Sérologies"]
        case .imaging:
            ["Radiographie thoracique", "Échographie abdominale", "IRM du genou", "Scanner cérébral", "Mammographie"]
        case .discharge: ["Lettre de liaison de sortie", "Compte rendu d'hospitalisation"]
        case .psychiatric: ["Synthèse psychiatrique"]
        case .nursing: ["Suivi infirmier", "Surveillance et pansements"]
        case .physiotherapy: ["Bilan kinésithérapique", "Bilan diagnostique kinésithérapique"]
        case .dental: ["Compte rendu de soins dentaires"]
        case .pregnancy: ["Suivi de grossesse", "Entretien prénatal précoce"]
        case .contraception: ["Consultation de contraception"]
        case .emergency: ["Compte rendu de passage aux urgences"]
        case .advanceDirectives: ["Directives anticipées"]
        case .holderNote: ["Mes allergies et traitements", "Note personnelle"]
        case .reimbursement: ["Historique des remboursements"]
        }
    }

    /// Sentences a body of this kind is made of.
    var sentences: [String] {
        switch self {
        case .consultation, .dental, .pregnancy, .contraception:
            [
                "Motif : suivi habituel.", "Examen clinique sans particularité.", "Tension artérielle 12/8.",
                "Poursuite du traitement en cours.", "Revoir dans trois mois.", "Pas d'allergie connue.",
                "Patient informé des résultats.", "Conseils hygiéno-diététiques donnés.",
            ]
        case .prescription:
            [
                "Paracétamol 1 g, 3 fois par jour, 5 jours.", "Amoxicilline 1 g matin et soir, 7 jours.",
                "Renouvellement du traitement habituel pour 3 mois.", "Séances de kinésithérapie : 10.",
            ]
        case .synthesis:
            [
                "Antécédents : hypertension artérielle.", "Traitement de fond : aucun.", "Allergies : pénicilline.",
                "Facteurs de risque : tabagisme sevré.", "Vaccinations à jour.",
            ]
        case .vaccination:
            ["Vaccin administré dans le deltoïde gauche.", "Lot vérifié, pas de réaction immédiate."]
        case .laboratory:
            [
                "Hémoglobine : 13,8 g/dL.", "Leucocytes : 6,2 G/L.", "Plaquettes : 245 G/L.",
                "Cholestérol LDL : 1,32 g/L.",
                "Glycémie à jeun : 0,95 g/L.", "Créatinine : 78 µmol/L.", "HbA1c : 6,1 %.",
            ]
        case .imaging:
            [
                "Pas d'anomalie décelable.", "Aspect normal des structures étudiées.",
                "Discret épanchement, à contrôler.",
                "Conclusion : examen dans les limites de la normale.",
            ]
        case .discharge, .emergency:
            [
                "Motif d'admission : douleur thoracique.", "Évolution favorable.", "Sortie au domicile.",
                "Traitement de sortie remis au patient.", "Rendez-vous de contrôle dans un mois.",
            ]
        case .psychiatric: ["Suivi au long cours.", "Évolution stable.", "Traitement bien toléré."]
        case .nursing, .physiotherapy:
            [
                "Soins réalisés à domicile.", "Évolution satisfaisante.", "Poursuite des séances.",
                "Douleur évaluée à 2/10.",
            ]
        case .advanceDirectives, .holderNote:
            [
                "Je souhaite que mes proches soient informés.", "Allergie à la pénicilline.",
                "Personne de confiance désignée.",
            ]
        case .reimbursement:
            [
                "Consultation de médecine générale, remboursée.", "Délivrance en pharmacie, remboursée.",
                "Analyses de biologie, remboursées.", "Séances de kinésithérapie, remboursées.",
            ]
        }
    }

    /// A synthetic body: a short French text, plain UTF-8.
    /// The document's id is in its body, so that no two bodies are the same (DOC-3 refuses a
    /// document whose content is already current in the dossier).
    func body(
        id: String, title: String, patient: IdentityTraits, author: String, actAt: Int64,
        random: inout SeededGenerator
    ) -> [UInt8] {
        var text = title.uppercased() + "\n" + id + "\n\n"
        text += "Patient : \(patient.birthName) \(patient.birthFirstNames.joined(separator: " ")), "
        text += "né(e) le \(patient.birthDate)\n"
        text += "Auteur : \(author)\nDate : \(Instant.parisDate(actAt))\n\n"
        let sentences = self.sentences
        for _ in 0..<random.int(2...6) { text += random.pick(sentences) + "\n" }
        text += "\nDocument de démonstration, données synthétiques.\n"
        return Array(text.utf8)
    }
}

/// The SHA-256 of bytes, lowercase hexadecimal.
func sha256Hex(_ bytes: [UInt8]) -> String {
    hex(Array(SHA256.hash(data: bytes)))
}
