import Foundation
import Testing

@testable import DMP

/// The record form of events (ARCHITECTURE.md, "Records"): round trips, golden bytes, and refusals
/// that name the field.
@Suite struct EventCodecTests {
    // MARK: Helpers

    /// The bytes of a string.
    static func bytes(_ text: String) -> [UInt8] {
        Array(text.utf8)
    }

    /// The record of an event, as text.
    static func text(_ event: Event) -> String {
        String(decoding: EventCodec.encode(event), as: UTF8.self)
    }

    /// The error decoding a record gives, or a failed expectation if it decodes.
    static func failure(
        _ record: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> EventDecodingError? {
        do {
            let event = try EventCodec.decode(Self.bytes(record))
            Issue.record("decoded \(event) from \(record)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// The golden consultation record.
    static let consultedRecord =
        #"{"seq":1042,"at":"2026-03-02T09:14:07.120Z","type":"DocumentConsulted","v":1,"#
        + #""dossier":"6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b","#
        + #""actor":{"id":"899700024450","role":"professional","profession":"10","practice":"standard","#
        + #""structure":"750712184","auth":"cps","software":"CareSoft 4.2"},"#
        + #""command":"consult-2026-0042","data":{"document":"DOC-2026-0001","mode":"normal","right":"care_team"}}"#

    /// The golden deposit record.
    static let depositedRecord =
        #"{"seq":1041,"at":"2026-03-02T09:14:07.120Z","type":"DocumentDeposited","v":1,"#
        + #""dossier":"6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b","#
        + #""actor":{"id":"899700024450","role":"professional","profession":"10","practice":"standard","#
        + #""structure":"750712184","auth":"cps","software":"CareSoft 4.2"},"#
        + #""command":"deposit-2026-0041","data":{"document":{"id":"DOC-2026-0001","typeCode":"11490-0","#
        + #""category":"CPT_REND","classCode":"11","title":"Lettre de sortie \"cardiologie\" — Hôpital Nord","#
        + #""createdAt":"2026-03-02T08:14:07.120Z","actAt":"2026-02-27T14:30:00.000Z","#
        + #""dischargeAt":"2026-03-01T23:00:00.000Z","confidentiality":["N","INVISIBLE_PATIENT"],"#
        + #""format":"application/pdf","size":48213,"#
        + #""sha256":"c973ff7dd7cc61aeb7ba99f92d22af7a184d65cc49c06041aa0524493cb59992"},"#
        + #""mode":"normal","late":false,"#
        + #""deadlines":{"reminder":"2026-03-16T09:14:07.120Z","release":"2026-04-02T09:14:07.120Z"}}}"#

    // MARK: Coverage

    @Test func samplesCoverEveryEventTypeOnceInOrder() {
        #expect(EventSamples.all.count == EventPayload.allTypes.count)
        #expect(EventSamples.all.map { EventSamples.ordinal($0.payload) } == Array(EventPayload.allTypes.indices))
        #expect(EventSamples.all.map(\.type) == EventPayload.allTypes)
    }

    @Test func codecKnowsExactlyTheModelsTypes() {
        #expect(EventKind.allCases.map(\.rawValue) == EventPayload.allTypes)
    }

    // MARK: Round trips

    @Test(arguments: EventSamples.all + EventSamples.variants)
    func roundTripGivesTheSameEvent(_ event: Event) throws {
        let bytes = EventCodec.encode(event)
        let decoded = try EventCodec.decode(bytes)
        #expect(decoded == event)
        let again = try bytes.withUnsafeBytes { buffer throws(EventDecodingError) in try EventCodec.decode(buffer) }
        #expect(again == event)
        #expect(EventCodec.encode(decoded) == bytes)
    }

    @Test(arguments: EventSamples.all + EventSamples.variants)
    func encoderNeverEmitsARawNewline(_ event: Event) {
        #expect(!EventCodec.encode(event).contains(0x0A))
    }

    @Test func encodeIntoAppendsExactlyOneObject() throws {
        var batch: [UInt8] = Self.bytes("prefix\n")
        EventCodec.encode(EventSamples.consulted, into: &batch)
        batch.append(0x0A)
        EventCodec.encode(EventSamples.deposited, into: &batch)
        let lines = batch.split(separator: 0x0A, omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(String(decoding: lines[1], as: UTF8.self) == Self.consultedRecord)
        #expect(String(decoding: lines[2], as: UTF8.self) == Self.depositedRecord)
    }

    // MARK: Golden bytes

    @Test func consultationHasItsGoldenBytes() throws {
        #expect(Self.text(EventSamples.consulted) == Self.consultedRecord)
        #expect(try EventCodec.decode(Self.bytes(Self.consultedRecord)) == EventSamples.consulted)
    }

    @Test func depositHasItsGoldenBytes() throws {
        #expect(Self.text(EventSamples.deposited) == Self.depositedRecord)
        #expect(try EventCodec.decode(Self.bytes(Self.depositedRecord)) == EventSamples.deposited)
    }

    @Test func stringsAreEscapedAsRFC8259RequiresAndNoMore() {
        let record = Self.text(EventSamples.variants[8])
        #expect(record.contains(#""document":"DOC \"quoted\"\\path\t\u0001\u001f""#))
        #expect(record.contains(#""reason":"Patient inconscient\r\nbris de glace — 🚑""#))
    }

    // MARK: The canonical fast path

    /// The event the general reader gives, or `nil` when it refuses the record.
    static func general(_ bytes: [UInt8]) -> Event? {
        bytes.withUnsafeBytes { buffer in try? EventCodec.read(buffer) }
    }

    /// The event the canonical fast path gives, or `nil` when it leaves the record to the general reader.
    static func canonical(_ bytes: [UInt8]) -> Event? {
        bytes.withUnsafeBytes { buffer in EventCodec.readCanonical(buffer) }
    }

    @Test func theCanonicalPathTakesTheHotTypesAndAgreesWithTheGeneralReader() throws {
        #expect(Self.canonical(EventCodec.encode(EventSamples.consulted)) == EventSamples.consulted)
        // A title with accents stays on the fast path; one with an escaped quote leaves it.
        var accented = EventSamples.deposited
        if case .documentDeposited(var document, let mode, let late, let deadlines) = accented.payload {
            document.title = "Compte rendu d'hospitalisation — Hôpital Nord, Zoé"
            accented.payload = .documentDeposited(document: document, mode: mode, late: late, deadlines: deadlines)
        }
        #expect(Self.canonical(EventCodec.encode(accented)) == accented)
        #expect(Self.canonical(EventCodec.encode(EventSamples.deposited)) == nil)
        #expect(Self.canonical(EventCodec.encode(EventSamples.variants[4])) == EventSamples.variants[4])
        // The other types a replay meets most: list consultations, refusals, notifications, presumptions.
        for event in [
            EventSamples.all[24], EventSamples.all[33], EventSamples.all[35], EventSamples.all[36],
            EventSamples.variants[7], EventSamples.variants[9], EventSamples.variants[10],
        ] {
            #expect(Self.canonical(EventCodec.encode(event)) == event, "\(event.type)")
        }
        for event in EventSamples.all + EventSamples.variants {
            let bytes = EventCodec.encode(event)
            if let fast = Self.canonical(bytes) {
                #expect(fast == event)
            }
            #expect(Self.general(bytes) == event)
        }
    }

    @Test("every type's canonical record is read on the fast path; types without a fast reader have their data read by the general reader")
    func everyTypeTakesTheCanonicalEnvelope() throws {
        var types = Set<String>()
        for event in EventSamples.all + EventSamples.variants {
            let bytes = EventCodec.encode(event)
            guard let fast = Self.canonical(bytes) else { continue }
            #expect(fast == event)
            types.insert(event.type)
        }
        #expect(types == Set(EventKind.allCases.map(\.rawValue)))
        // Openings have their own readers: the samples and variants with and without an
        // identifier, traits and majority all take them.
        for event in (EventSamples.all + EventSamples.variants) where ["OpeningNoticeSent", "DossierOpened"].contains(event.type) {
            #expect(Self.canonical(EventCodec.encode(event)) == event, "\(event)")
        }
        // Bad data in a type without a fast reader: the fast path gives up, and the general
        // reader names the field.
        #expect(EventSamples.all[3].type == "DossierClosed")
        var bytes = EventCodec.encode(EventSamples.all[3])
        let text = String(decoding: bytes, as: UTF8.self)
        let broken = text.replacingOccurrences(of: #""data":{"#, with: #""data":{"bogus":1,"#)
        bytes = Array(broken.utf8)
        #expect(Self.canonical(bytes) == nil)
        #expect(throws: EventDecodingError.self) { _ = try EventCodec.decode(bytes) }
        do {
            _ = try EventCodec.decode(bytes)
        } catch {
            #expect(error.message.hasPrefix("data"), "\(error)")
        }
    }

    /// A replacement whose metadata takes the fast path (plain confidentiality).
    static var plainReplacement: Event {
        var event = EventSamples.all[16]
        if case .documentReplaced(let replaced, var document, let mode, let late, let deadlines) = event.payload {
            document.confidentiality = []
            event.payload = .documentReplaced(replaced: replaced, document: document, mode: mode, late: late, deadlines: deadlines)
        }
        return event
    }

    @Test func replacementsTakeTheCanonicalPath() {
        #expect(Self.plainReplacement.type == "DocumentReplaced")
        #expect(Self.canonical(EventCodec.encode(Self.plainReplacement)) == Self.plainReplacement)
    }

    @Test("decoding with a string interner gives the same events, sharing repeated strings")
    func internedDecodingAgrees() throws {
        let strings = StringInterner()
        for _ in 0..<2 {
            for event in EventSamples.all + EventSamples.variants + [Self.plainReplacement] {
                let bytes = EventCodec.encode(event)
                let decoded = try bytes.withUnsafeBytes { buffer throws(EventDecodingError) in
                    try EventCodec.decode(buffer, strings: strings)
                }
                #expect(decoded == event)
            }
        }
        let title = Array("Compte rendu de consultation externe".utf8)
        let first = title.withUnsafeBytes { body in strings.string(body) { String(decoding: body, as: UTF8.self) } }
        let second = title.withUnsafeBytes { body in strings.string(body) { Issue.record("not shared"); return nil } }
        #expect(first == second)
        let other = Array("Compte rendu de consultation interne".utf8)
        #expect(other.withUnsafeBytes { body in strings.string(body) { String(decoding: body, as: UTF8.self) } } == "Compte rendu de consultation interne")
    }

    @Test func theCanonicalPathNeverAcceptsWhatTheGeneralReaderRefuses() {
        var accented = EventSamples.consulted
        accented.actor.software = "Logiciel é"
        for event in [Self.plainReplacement,
            EventSamples.consulted, accented, EventSamples.variants[4], EventSamples.all[33], EventSamples.all[35],
            EventSamples.all[36], EventSamples.variants[9], EventSamples.all[24],
        ] {
            let bytes = EventCodec.encode(event)
            #expect(Self.canonical(bytes) == event)
            for index in bytes.indices {
                for replacement: UInt8 in [0x00, 0x0A, 0x20, 0x22, 0x2C, 0x30, 0x39, 0x41, 0x5C, 0x7D, 0xC3, 0xFF] {
                    var damaged = bytes
                    damaged[index] = replacement
                    if let fast = Self.canonical(damaged) {
                        #expect(fast == Self.general(damaged), "byte \(index) set to \(replacement)")
                    }
                }
                if let fast = Self.canonical(Array(bytes[0..<index])) {
                    Issue.record("the fast path read a record cut at \(index): \(fast)")
                }
            }
        }
    }

    // MARK: Accepted variations

    @Test func keysMayComeInAnyOrder() throws {
        let record =
            #"{"data":{"right":"care_team","mode":"normal","document":"DOC-2026-0001"},"#
            + #""command":"consult-2026-0042","#
            + #""actor":{"software":"CareSoft 4.2","auth":"cps","structure":"750712184","practice":"standard","#
            + #""profession":"10","role":"professional","id":"899700024450"},"#
            + #""dossier":"6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b","v":1,"type":"DocumentConsulted","#
            + #""at":"2026-03-02T09:14:07.120Z","seq":1042}"#
        #expect(try EventCodec.decode(Self.bytes(record)) == EventSamples.consulted)
    }

    @Test func whitespaceAndEscapedKeysAreAccepted() throws {
        let record = Self.consultedRecord
            .replacingOccurrences(of: ",", with: " ,\t")
            .replacingOccurrences(of: #""seq""#, with: #""s\u0065q""#)
        #expect(try EventCodec.decode(Self.bytes("  " + record + " \r")) == EventSamples.consulted)
    }

    @Test func everyKeyMayBeWrittenWithEscapes() throws {
        for event in EventSamples.all + EventSamples.variants {
            // `"key":` becomes `"\u006bey":`, for every key of the record.
            var escaped = ""
            var inString = false
            var previous: Character = " "
            var atKeyStart = false
            for character in Self.text(event) {
                if atKeyStart {
                    let scalar = character.unicodeScalars.first!.value
                    escaped += "\\u00" + String(scalar, radix: 16)
                    atKeyStart = false
                    previous = character
                    continue
                }
                escaped.append(character)
                if character == "\"" && previous != "\\" {
                    inString.toggle()
                    atKeyStart = inString && (escaped.dropLast().last == "{" || escaped.dropLast().last == ",")
                }
                previous = character
            }
            #expect(escaped.contains("\\u0073eq"))
            #expect(try EventCodec.decode(Self.bytes(escaped)) == event, "\(escaped)")
        }
    }

    @Test func instantsRoundTripOverTheWholeRange() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<20_000 {
            let at = Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator)
            var event = EventSamples.consulted
            event.at = at
            #expect(try EventCodec.decode(EventCodec.encode(event)) == event)
        }
    }

    // MARK: Refusals

    @Test func everyTruncationIsAnErrorNeverACrash() {
        for event in EventSamples.all + EventSamples.variants {
            let bytes = EventCodec.encode(event)
            for cut in 0..<bytes.count {
                let prefix = Array(bytes[0..<cut])
                do {
                    _ = try EventCodec.decode(prefix)
                    Issue.record("a record cut at byte \(cut) of \(bytes.count) decoded: \(event.type)")
                } catch {
                    #expect(error.offset >= 0 && error.offset <= cut, "\(event.type) cut at \(cut): \(error)")
                }
            }
        }
    }

    @Test func everyFlippedByteIsAnErrorOrAnEventNeverACrash() {
        let bytes = EventCodec.encode(EventSamples.deposited)
        for index in bytes.indices {
            for replacement: UInt8 in [0x00, 0x0A, 0x22, 0x5C, 0x7D, 0x31, 0xFF] {
                var damaged = bytes
                damaged[index] = replacement
                _ = try? EventCodec.decode(damaged)
            }
        }
    }

    @Test(
        arguments: [
            (
                #""sha256":"c973ff7dd7cc61aeb7ba99f92d22af7a184d65cc49c06041aa0524493cb59992""#, #""sha256":212"#,
                "data.document.sha256: expected a string, found a number"
            ),
            (#""seq":1041"#, #""seq":"1041""#, "seq:"),
            (#""late":false"#, #""late":"no""#, "data.late: expected true or false, found a string"),
            (#""size":48213"#, #""size":-1"#, "data.document.size: expected a number of 0 or more"),
            (#""size":48213"#, #""size":4.5"#, "data.document.size: expected an integer, found a fraction"),
            (
                #""confidentiality":["N","INVISIBLE_PATIENT"]"#, #""confidentiality":"N""#,
                "data.document.confidentiality: expected an array, found a string"
            ),
            (#""deadlines":{"#, #""deadlines":["#, "data.deadlines: expected an object, found an array"),
            (#""actor":{"#, #""actor":["#, "actor: expected an object, found an array"),
            (#""at":"2026-03-02T09:14:07.120Z""#, #""at":"2026-03-02T09:14:07Z""#, "at: expected a timestamp"),
            (
                #""createdAt":"2026-03-02T08:14:07.120Z""#, #""createdAt":"2026-02-30T08:14:07.120Z""#,
                "data.document.createdAt: day 30 does not exist"
            ),
            (#""title":"Lettre"#, #""title":null,"x":"Lettre"#, "data.document.title: expected a string, found null"),
        ] as [(String, String, String)]
    )
    func wrongTypesNameTheField(_ original: String, _ replacement: String, _ message: String) throws {
        #expect(Self.depositedRecord.contains(original))
        let record = Self.depositedRecord.replacingOccurrences(of: original, with: replacement)
        let error = try #require(Self.failure(record))
        #expect(error.message.hasPrefix(message), "\(error)")
    }

    @Test func theOffsetPointsAtTheOffendingValue() throws {
        let record = Self.depositedRecord.replacingOccurrences(
            of:
                #""sha256":"c973ff7dd7cc61aeb7ba99f92d22af7a184d65cc49c06041aa0524493cb59992""#,
            with: #""sha256":212"#
        )
        let error = try #require(Self.failure(record))
        let bytes = Self.bytes(record)
        #expect(String(decoding: bytes[error.offset..<(error.offset + 3)], as: UTF8.self) == "212")
        #expect(error.description == "data.document.sha256: expected a string, found a number at byte \(error.offset)")
    }

    @Test func anErrorInDataReadLastHasItsOffsetInTheRecord() throws {
        let record =
            #"{"data":{"document":"DOC-2026-0001","mode":"fast","right":"care_team"},"seq":1042,"#
            + #""at":"2026-03-02T09:14:07.120Z","type":"DocumentConsulted","v":1,"#
            + #""dossier":"6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b","#
            + #""actor":{"id":"899700024450","role":"professional","auth":"cps"},"command":"c"}"#
        let error = try #require(Self.failure(record))
        #expect(error.message.hasPrefix(#"data.mode: unknown value "fast" (expected one of normal, "#))
        let bytes = Self.bytes(record)
        #expect(String(decoding: bytes[error.offset..<(error.offset + 6)], as: UTF8.self) == #""fast""#)
    }

    @Test func unknownTypeIsRefused() throws {
        let record = Self.consultedRecord.replacingOccurrences(of: "DocumentConsulted", with: "DocumentEaten")
        let error = try #require(Self.failure(record))
        #expect(error.message == #"type: unknown value "DocumentEaten""#)
    }

    @Test func unsupportedVersionIsRefusedByName() throws {
        let record = Self.consultedRecord.replacingOccurrences(of: #""v":1"#, with: #""v":2"#)
        let error = try #require(Self.failure(record))
        #expect(
            error.message == "v: version 2 of DocumentConsulted is not supported (this reader knows version 1)"
        )
        #expect(Self.bytes(record)[error.offset] == UInt8(ascii: "2"))
    }

    @Test(
        arguments: [
            (#""mode":"normal","#, "data.mode: missing"),
            (#","right":"care_team""#, "data.right: missing"),
            (#""seq":1042,"#, "seq: missing"),
            (#""v":1,"#, "v: missing"),
            (#""type":"DocumentConsulted","#, "type: missing"),
            (#""command":"consult-2026-0042","#, "command: missing"),
            (#""auth":"cps","#, "actor.auth: missing"),
            (#","data":{"document":"DOC-2026-0001","mode":"normal","right":"care_team"}"#, "data: missing"),
        ] as [(String, String)]
    )
    func missingFieldsAreNamed(_ removed: String, _ message: String) throws {
        #expect(Self.consultedRecord.contains(removed))
        let error = try #require(Self.failure(Self.consultedRecord.replacingOccurrences(of: removed, with: "")))
        #expect(error.message == message)
    }

    @Test func missingFieldOfANestedObjectIsNamed() throws {
        let record = Self.depositedRecord.replacingOccurrences(
            of:
                #","sha256":"c973ff7dd7cc61aeb7ba99f92d22af7a184d65cc49c06041aa0524493cb59992""#,
            with: ""
        )
        let error = try #require(Self.failure(record))
        #expect(error.message == "data.document.sha256: missing")
        #expect(Self.bytes(record)[error.offset] == UInt8(ascii: "{"))
    }

    @Test(
        arguments: [
            (#""right":"care_team""#, #""right":"care_team","extra":1"#, #"data: unknown key "extra""#),
            (#""seq":1042"#, #""seq":1042,"hash":"00""#, #"unknown key "hash""#),
            (#""auth":"cps""#, #""auth":"cps","email":"x""#, #"actor: unknown key "email""#),
            (#""mode":"normal""#, #""mode":"normal","mode":"normal""#, "data.mode: key given twice"),
            (#""seq":1042"#, #""seq":1042,"seq":1042"#, "seq: key given twice"),
            (#""mode":"normal""#, #""mode":"Normal""#, #"data.mode: unknown value "Normal""#),
            (#""right":"care_team""#, #""right":"nurse""#, #"data.right: unknown value "nurse""#),
            (#""role":"professional""#, #""role":"insurer""#, #"actor.role: unknown value "insurer""#),
            (#""auth":"cps""#, #""auth":"password""#, #"actor.auth: unknown value "password""#),
            (#""mode":"normal""#, #""mode":null"#, "data.mode: expected a string, found null"),
            (#""command":"consult-2026-0042""#, #""command":"""#, "command: must not be empty"),
            (#""dossier":"6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b""#, #""dossier":"""#, "dossier: expected a lowercase UUID"),
            (#""dossier":"6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b""#, #""dossier":"6F1C2A9E-3B4D-5E6F-8A7B-9C0D1E2F3A4B""#, "dossier: expected a lowercase UUID"),
            (#""dossier":"6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b""#, #""dossier":"6f1c2a9e3b4d5e6f8a7b9c0d1e2f3a4b""#, "dossier: expected a lowercase UUID"),
            (#""v":1"#, #""v":01"#, "v: number with a leading zero"),
        ] as [(String, String, String)]
    )
    func strictDecodingRefusesWhatTheSchemaRefuses(
        _ original: String,
        _ replacement: String,
        _ message: String
    )
        throws
    {
        #expect(Self.consultedRecord.contains(original))
        let record = Self.consultedRecord.replacingOccurrences(of: original, with: replacement)
        let error = try #require(Self.failure(record))
        #expect(error.message.hasPrefix(message), "\(error)")
    }

    @Test(
        arguments: [
            (
                #""sha256":"c973ff7dd7cc61aeb7ba99f92d22af7a184d65cc49c06041aa0524493cb59992""#,
                #""sha256":"C973FF7DD7CC61AEB7BA99F92D22AF7A184D65CC49C06041AA0524493CB59992""#,
                "data.document.sha256: expected 64 lowercase hexadecimal digits"
            ),
            (
                #""confidentiality":["N","INVISIBLE_PATIENT"]"#, #""confidentiality":["INVISIBLE_PATIENT"]"#,
                "data.document.confidentiality: the codes must include N (ACC-4)"
            ),
            (
                #""confidentiality":["N","INVISIBLE_PATIENT"]"#, #""confidentiality":["N","N"]"#,
                "data.document.confidentiality[1]: code N given twice"
            ),
            (
                #""confidentiality":["N","INVISIBLE_PATIENT"]"#, #""confidentiality":["N","SECRET"]"#,
                #"data.document.confidentiality[1]: unknown value "SECRET""#
            ),
        ] as [(String, String, String)]
    )
    func documentMetadataIsChecked(_ original: String, _ replacement: String, _ message: String) throws {
        let record = Self.depositedRecord.replacingOccurrences(of: original, with: replacement)
        let error = try #require(Self.failure(record))
        #expect(error.message.hasPrefix(message), "\(error)")
    }

    @Test func identifiersAreCheckedWithTheirTypes() throws {
        let notice = Self.text(EventSamples.all[0])
        let badKey = try #require(
            Self.failure(notice.replacingOccurrences(of: "255081416802538", with: "255081416802539"))
        )
        #expect(badKey.message.hasPrefix(#"data.identifier: NIR "255081416802539": key 39"#), "\(badKey)")
        let badLabel = try #require(Self.failure(notice.replacingOccurrences(of: "NIR:", with: "SSN:")))
        #expect(badLabel.message.hasPrefix("data.identifier: patient identifier"), "\(badLabel)")
        let badDate = try #require(Self.failure(notice.replacingOccurrences(of: "1955-08-14", with: "1955-02-29")))
        #expect(badDate.message.hasPrefix("data.traits.birthDate: date"), "\(badDate)")
        let badSex = try #require(Self.failure(notice.replacingOccurrences(of: #""sex":"F""#, with: #""sex":"f""#)))
        #expect(badSex.message.hasPrefix(#"data.traits.sex: unknown value "f""#), "\(badSex)")
        let blank = try #require(Self.failure(notice.replacingOccurrences(of: #""LOUISE""#, with: #"" ""#)))
        #expect(blank.message.hasPrefix("data.traits.firstNames: birth first names"), "\(blank)")
        let place = try #require(Self.failure(notice.replacingOccurrences(of: "14118", with: "1411")))
        #expect(place.message.hasPrefix("data.traits.birthPlace: birth place code"), "\(place)")
    }

    @Test func trailingBytesAreRefused() throws {
        let error = try #require(Self.failure(Self.consultedRecord + "{}"))
        #expect(error.offset == Self.consultedRecord.utf8.count)
        #expect(try #require(Self.failure("")).offset == 0)
        #expect(try #require(Self.failure("[]")).message == "expected an object, found an array")
    }
}

/// A seeded generator, so that a failure replays (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    /// The state.
    var state: UInt64

    /// Creates a generator from a seed.
    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var value = self.state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
