// The values records and commands share (actor, identity traits, emergency switches, document
// metadata), read and written the same way by ``EventCodec`` and ``CommandCodec``.

// MARK: - Reading

extension FieldReader {
    /// Reads an array of strings.
    mutating func strings(_ path: FieldPath) throws(FieldError) -> [String] {
        var strings: [String] = []
        try self.beginArray(path)
        while try self.nextElement(path) {
            strings.append(try self.string(path.element(strings.count)))
        }
        return strings
    }

    /// Reads confidentiality codes: each known, none twice, `N` among them (ACC-4).
    mutating func confidentiality(_ path: FieldPath) throws(FieldError) -> Confidentiality {
        let start = self.offset
        var value = Confidentiality()
        var sawNormal = false
        var index = 0
        try self.beginArray(path)
        while try self.nextElement(path) {
            let elementStart = self.offset
            let code: ConfidentialityCode = try self.wireValue(path.element(index))
            if code.flag.isEmpty ? sawNormal : value.contains(code.flag) {
                throw self.error(path.element(index), "code \(code.name) given twice", at: elementStart)
            }
            if code.flag.isEmpty {
                sawNormal = true
            }
            value.insert(code.flag)
            index &+= 1
        }
        guard sawNormal else {
            throw self.error(path, "the codes must include N (ACC-4)", at: start)
        }
        return value
    }

    /// Reads a patient identifier in its string form (`NIR:…`, `NIA:…`, `INSC:…`).
    mutating func patientIdentifier(_ path: FieldPath) throws(FieldError) -> PatientIdentifier {
        let start = self.offset
        let text = try self.string(path)
        do {
            return try PatientIdentifier(text)
        } catch {
            throw self.error(path, error, at: start)
        }
    }

    /// Reads the identity traits object (ID-2).
    ///
    /// - Parameters:
    ///   - path: The member that holds the object, such as `data.traits`.
    ///   - object: The same path as one string, for the paths of its members.
    ///   - lenient: Whether codes may be written in lower case (commands typed by people).
    mutating func identityTraits(
        _ path: FieldPath,
        object: StaticString,
        lenient: Bool
    ) throws(FieldError) -> IdentityTraits {
        var birthName: String?
        var firstNames: [String]?
        var birthDate: CivilDate?
        var sex: IdentityTraits.Sex?
        var birthPlace: IdentityTraits.BirthPlaceCode?
        let start = try self.beginObject(path)
        while let key = try self.nextKey(path) {
            let valueStart = self.offset
            switch key {
            case "birthName":
                try self.read(&birthName, FieldPath(object, "birthName"))
            case "firstNames":
                try self.claim(firstNames, FieldPath(object, "firstNames"))
                firstNames = try self.strings(FieldPath(object, "firstNames"))
            case "birthDate":
                let field = FieldPath(object, "birthDate")
                try self.claim(birthDate, field)
                let text = try self.string(field)
                do {
                    birthDate = try CivilDate(text)
                } catch {
                    throw self.error(field, error, at: valueStart)
                }
            case "sex":
                let field = FieldPath(object, "sex")
                try self.claim(sex, field)
                if lenient {
                    let text = try self.string(field)
                    do {
                        sex = try IdentityTraits.Sex(text)
                    } catch {
                        throw self.error(field, error, at: valueStart)
                    }
                } else {
                    sex = try self.wireValue(field)
                }
            case "birthPlace":
                let field = FieldPath(object, "birthPlace")
                try self.claim(birthPlace, field)
                let text = try self.string(field)
                do {
                    birthPlace = try IdentityTraits.BirthPlaceCode(text)
                } catch {
                    throw self.error(field, error, at: valueStart)
                }
            default:
                throw self.unknownKey(key, in: path)
            }
        }
        let name = try self.required(birthName, FieldPath(object, "birthName"), objectAt: start)
        let first = try self.required(firstNames, FieldPath(object, "firstNames"), objectAt: start)
        let date = try self.required(birthDate, FieldPath(object, "birthDate"), objectAt: start)
        let code = try self.required(sex, FieldPath(object, "sex"), objectAt: start)
        let place = try self.required(birthPlace, FieldPath(object, "birthPlace"), objectAt: start)
        do {
            return try IdentityTraits(
                birthName: name,
                birthFirstNames: first,
                birthDate: date,
                sex: code,
                birthPlace: place
            )
        } catch {
            let field = error.field == .birthName ? FieldPath(object, "birthName") : FieldPath(object, "firstNames")
            throw self.error(field, error, at: start)
        }
    }

    /// Reads the emergency switches object (ACC-8).
    mutating func emergencySettings(_ path: FieldPath, object: StaticString) throws(FieldError) -> EmergencySettings {
        var regulation: Bool?
        var breakGlass: Bool?
        var maskedInEmergency: Bool?
        let start = try self.beginObject(path)
        while let key = try self.nextKey(path) {
            switch key {
            case "regulation": try self.read(&regulation, FieldPath(object, "regulation"))
            case "breakGlass": try self.read(&breakGlass, FieldPath(object, "breakGlass"))
            case "maskedInEmergency": try self.read(&maskedInEmergency, FieldPath(object, "maskedInEmergency"))
            default: throw self.unknownKey(key, in: path)
            }
        }
        return EmergencySettings(
            regulation: try self.required(regulation, FieldPath(object, "regulation"), objectAt: start),
            breakGlass: try self.required(breakGlass, FieldPath(object, "breakGlass"), objectAt: start),
            maskedInEmergency: try self.required(
                maskedInEmergency,
                FieldPath(object, "maskedInEmergency"),
                objectAt: start
            )
        )
    }

    /// Reads the actor object of a record or a command (TR-1).
    ///
    /// - Parameter validateIDs: Whether a professional's id is checked as a national id (`8` + RPPS
    ///   or `0` + ADELI, ID-4) and normalised; records keep the id as it was decided.
    mutating func actor(validateIDs: Bool) throws(FieldError) -> Actor {
        let path = FieldPath("", "actor")
        var id: String?
        var idOffset = 0
        var role: Actor.Role?
        var profession: String?
        var practice: Actor.Practice?
        var structure: String?
        var authentication: Actor.Authentication?
        var software: String?
        let start = try self.beginObject(path)
        while let key = try self.nextKey(path) {
            switch key {
            case "id":
                idOffset = self.offset
                try self.read(&id, FieldPath("actor", "id"))
            case "role": try self.read(&role, FieldPath("actor", "role"))
            case "profession": try self.read(&profession, FieldPath("actor", "profession"))
            case "practice": try self.read(&practice, FieldPath("actor", "practice"))
            case "structure": try self.read(&structure, FieldPath("actor", "structure"))
            case "auth": try self.read(&authentication, FieldPath("actor", "auth"))
            case "software": try self.read(&software, FieldPath("actor", "software"))
            default: throw self.unknownKey(key, in: path)
            }
        }
        var actorID = try self.required(id, FieldPath("actor", "id"), objectAt: start)
        let actorRole = try self.required(role, FieldPath("actor", "role"), objectAt: start)
        guard !actorID.isEmpty else {
            throw self.error(FieldPath("actor", "id"), "must not be empty", at: idOffset)
        }
        if validateIDs, actorRole == .professional {
            do {
                actorID = try ProfessionalID(nationalID: actorID).nationalID
            } catch {
                throw self.error(FieldPath("actor", "id"), error, at: idOffset)
            }
        }
        return Actor(
            id: actorID,
            role: actorRole,
            profession: profession.map(Profession.init(code:)),
            practice: practice,
            structure: structure,
            authentication: try self.required(authentication, FieldPath("actor", "auth"), objectAt: start),
            software: software
        )
    }
}

// MARK: - Document metadata

extension FieldReader {
    /// Reads document metadata (DOC-1).
    ///
    /// - Parameters:
    ///   - path: The member that holds the object, such as `data.document`.
    ///   - object: The same path as one string, for the paths of its members.
    ///   - lenient: Whether times may be any RFC 3339 date-time and the digest upper-case hex
    ///     (commands typed by people); records hold the canonical forms only.
    mutating func documentMetadata(
        _ path: FieldPath,
        object: StaticString,
        lenient: Bool
    ) throws(FieldError) -> DocumentMetadata {
        var id: String?
        var typeCode: String?
        var category: String?
        var classCode: String?
        var title: String?
        var createdAt: Int64?
        var actAt: Int64?
        var dischargeAt: Int64?
        var confidentiality: Confidentiality?
        var format: String?
        var size: Int64?
        var sha256: String?
        let start = try self.beginObject(path)
        while let key = try self.nextKey(path) {
            switch key {
            case "id": try self.read(&id, FieldPath(object, "id"))
            case "typeCode": try self.read(&typeCode, FieldPath(object, "typeCode"))
            case "category": try self.read(&category, FieldPath(object, "category"))
            case "classCode": try self.read(&classCode, FieldPath(object, "classCode"))
            case "title": try self.read(&title, FieldPath(object, "title"))
            case "createdAt": try self.readInstant(&createdAt, FieldPath(object, "createdAt"), lenient: lenient)
            case "actAt": try self.readInstant(&actAt, FieldPath(object, "actAt"), lenient: lenient)
            case "dischargeAt": try self.readInstant(&dischargeAt, FieldPath(object, "dischargeAt"), lenient: lenient)
            case "confidentiality":
                try self.claim(confidentiality, FieldPath(object, "confidentiality"))
                confidentiality = try self.confidentiality(FieldPath(object, "confidentiality"))
            case "format": try self.read(&format, FieldPath(object, "format"))
            case "size":
                try self.claim(size, FieldPath(object, "size"))
                size = try self.count(FieldPath(object, "size"))
            case "sha256":
                try self.claim(sha256, FieldPath(object, "sha256"))
                sha256 = try self.sha256(FieldPath(object, "sha256"), acceptUppercase: lenient)
            default:
                throw self.unknownKey(key, in: path)
            }
        }
        return DocumentMetadata(
            id: try self.required(id, FieldPath(object, "id"), objectAt: start),
            typeCode: try self.required(typeCode, FieldPath(object, "typeCode"), objectAt: start),
            category: try self.required(category, FieldPath(object, "category"), objectAt: start),
            classCode: try self.required(classCode, FieldPath(object, "classCode"), objectAt: start),
            title: try self.required(title, FieldPath(object, "title"), objectAt: start),
            createdAt: try self.required(createdAt, FieldPath(object, "createdAt"), objectAt: start),
            actAt: try self.required(actAt, FieldPath(object, "actAt"), objectAt: start),
            dischargeAt: dischargeAt,
            confidentiality: try self.required(confidentiality, FieldPath(object, "confidentiality"), objectAt: start),
            format: try self.required(format, FieldPath(object, "format"), objectAt: start),
            size: try self.required(size, FieldPath(object, "size"), objectAt: start),
            sha256: try self.required(sha256, FieldPath(object, "sha256"), objectAt: start)
        )
    }

    /// Reads an instant once: the record form, or with `lenient` any RFC 3339 date-time.
    private mutating func readInstant(_ slot: inout Int64?, _ path: FieldPath, lenient: Bool) throws(FieldError) {
        try self.claim(slot, path)
        slot = lenient ? try self.anyTimestamp(path) : try self.timestamp(path)
    }
}

// MARK: - Writing shared values

extension JSONWriter {
    /// Writes the actor object (TR-1), omitting absent members.
    mutating func actor(_ actor: Actor) {
        self.beginObject()
        self.field("id", actor.id)
        self.field("role", actor.role.rawValue)
        self.field("profession", actor.profession?.code)
        self.field("practice", actor.practice?.rawValue)
        self.field("structure", actor.structure)
        self.field("auth", actor.authentication.rawValue)
        self.field("software", actor.software)
        self.endObject()
    }

    /// Writes the identity traits object (ID-2).
    mutating func identityTraits(_ traits: IdentityTraits) {
        self.beginObject()
        self.field("birthName", traits.birthName)
        self.key("firstNames")
        self.beginArray()
        for name in traits.birthFirstNames {
            self.string(name)
        }
        self.endArray()
        self.field("birthDate", traits.birthDate.description)
        self.field("sex", traits.sex.rawValue)
        self.field("birthPlace", traits.birthPlace.rawValue)
        self.endObject()
    }

    /// Writes the emergency switches object (ACC-8).
    mutating func emergencySettings(_ settings: EmergencySettings) {
        self.beginObject()
        self.field("regulation", settings.regulation)
        self.field("breakGlass", settings.breakGlass)
        self.field("maskedInEmergency", settings.maskedInEmergency)
        self.endObject()
    }

    /// Writes confidentiality codes, `N` first (ACC-4), without building an array.
    mutating func confidentiality(_ value: Confidentiality) {
        self.beginArray()
        for code in ConfidentialityCode.all where code.flag.isEmpty || value.contains(code.flag) {
            self.string(code.name)
        }
        self.endArray()
    }

    /// Writes document metadata (DOC-1), times in the record form.
    mutating func documentMetadata(_ document: DocumentMetadata) {
        self.beginObject()
        self.field("id", document.id)
        self.field("typeCode", document.typeCode)
        self.field("category", document.category)
        self.field("classCode", document.classCode)
        self.field("title", document.title)
        self.field("createdAt", timestamp: document.createdAt)
        self.field("actAt", timestamp: document.actAt)
        self.field("dischargeAt", timestamp: document.dischargeAt)
        self.key("confidentiality")
        self.confidentiality(document.confidentiality)
        self.field("format", document.format)
        self.field("size", document.size)
        self.field("sha256", document.sha256)
        self.endObject()
    }
}
