import Foundation

/// The Foundation baseline's record, typed as a Codable user would type it: the envelope, and
/// `data` as the union of every type's fields (each decoded only when present); the rare nested
/// objects (identity traits, identifiers, emergency settings) as JSON trees.
public struct FoundationRecord: Decodable {
    public struct Actor: Decodable {
        var id: String
        var role: String
        var profession: String?
        var practice: String?
        var structure: String?
        var auth: String
        var software: String?
    }

    public struct Metadata: Decodable {
        var id: String
        var typeCode: String
        var category: String
        var classCode: String?
        var title: String
        var createdAt: String
        var actAt: String?
        var confidentiality: [String]
        var format: String
        var size: Int
        var sha256: String
    }

    public struct Deadlines: Decodable {
        var release: String
        var reminder: String?
    }

    public struct Payload: Decodable {
        enum Key: String, CodingKey {
            case answeredNotFound, archivedUntil, basis, cause, channel, closureDue, deadlines, document, emergency
            case expressConsent, identifier, kind, late, majorityAt, mode, objection, openingDue, professional
            case proofID, purgeDue, reason, recipient, refusal, replaced, representative, representativesRemoved
            case right, settings, shown, target, targetKind, traits
        }
        var strings: [String] = []
        var metadata: Metadata?
        var deadlines: Deadlines?
        var flags: [Bool] = []
        var shown: Int?
        var removed: [String]?
        var trees: [JSONValue] = []

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            for key in container.allKeys {
                switch key {
                case .answeredNotFound, .expressConsent, .late:
                    self.flags.append(try container.decode(Bool.self, forKey: key))
                case .shown:
                    self.shown = try container.decode(Int.self, forKey: key)
                case .representativesRemoved:
                    self.removed = try container.decode([String].self, forKey: key)
                case .deadlines:
                    self.deadlines = try container.decode(Deadlines.self, forKey: key)
                case .document:
                    if let id = try? container.decode(String.self, forKey: key) {
                        self.strings.append(id)
                    } else {
                        self.metadata = try container.decode(Metadata.self, forKey: key)
                    }
                case .emergency, .identifier, .settings, .traits:
                    self.trees.append(try container.decode(JSONValue.self, forKey: key))
                default:
                    self.strings.append(try container.decode(String.self, forKey: key))
                }
            }
        }
    }

    var seq: UInt64
    var at: String
    var type: String
    var v: Int
    var dossier: String
    var actor: Actor
    var command: String
    var data: Payload
}

/// Any JSON value.
public indirect enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: JSONValue] = [:]
            for key in object.allKeys { members[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(members)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
