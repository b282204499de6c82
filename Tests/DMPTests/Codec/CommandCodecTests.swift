import Foundation
import Testing

@testable import DMP

/// The command-line form of commands (`dmp exec`): round trips, the forms people type, and
/// refusals that name the field.
@Suite struct EventCodecCommandTests {
    // MARK: Helpers

    /// The line of a command, as text.
    static func text(_ command: Command) -> String {
        String(decoding: CommandCodec.encode(command), as: UTF8.self)
    }

    /// Decodes a line.
    static func decode(_ line: String) throws(CommandDecodingError) -> Command {
        try CommandCodec.decode(Array(line.utf8))
    }

    /// The error decoding a line gives, or a failed expectation if it decodes.
    static func failure(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> CommandDecodingError? {
        do {
            let command = try Self.decode(line)
            Issue.record("decoded \(command) from \(line)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// A deposit typed by a person.
    static let depositLine =
        #"{"key":"deposit-0001","actor":{"id":"8 99700 024450","role":"professional","profession":"10","#
        + #""auth":"cps"},"dossier":"6F1C2A9E-3B4D-5E6F-8A7B-9C0D1E2F3A4B","at":"2026-03-02T10:14:07.12+01:00","#
        + #""action":"DepositDocument","data":{"mode":"normal","document":{"id":"DOC-1","typeCode":"11490-0","#
        + #""category":"CPT_REND","classCode":"11","title":"Lettre","createdAt":"2026-03-02T09:00:00Z","#
        + #""actAt":"2026-03-01T08:30:00+01:00","confidentiality":["N"],"format":"application/pdf","size":10,"#
        + #""sha256":"C973FF7DD7CC61AEB7BA99F92D22AF7A184D65CC49C06041AA0524493CB59992"}}}"#

    // MARK: Coverage and round trips

    @Test func samplesCoverEveryActionOnceInOrder() {
        #expect(CommandSamples.all.count == CommandCodec.actionNames.count)
        #expect(CommandSamples.all.map { CommandSamples.ordinal($0.action) } == Array(CommandCodec.actionNames.indices))
        #expect(CommandSamples.all.map { CommandCodec.actionName(of: $0.action) } == CommandCodec.actionNames)
    }

    @Test func actionNamesAreTheCaseNamesCapitalised() {
        for command in CommandSamples.all {
            let caseName = String(String(describing: command.action).prefix { $0.isLetter })
            #expect(
                CommandCodec.actionName(of: command.action) == caseName.prefix(1).uppercased() + caseName.dropFirst()
            )
        }
    }

    @Test(arguments: CommandSamples.all)
    func roundTripGivesTheSameCommand(_ command: Command) throws {
        let bytes = CommandCodec.encode(command)
        #expect(!bytes.contains(0x0A))
        let decoded = try CommandCodec.decode(bytes)
        #expect(decoded == command)
        #expect(CommandCodec.encode(decoded) == bytes)
        var appended: [UInt8] = [0x41]
        CommandCodec.encode(command, into: &appended)
        #expect(appended == [0x41] + bytes)
    }

    @Test func goldenLineOfATick() {
        #expect(
            Self.text(CommandSamples.all[33])
                == #"{"key":"tick-0001","actor":{"id":"system","role":"system","auth":"system"},"#
                + #""at":"2026-03-02T09:14:07.120Z","action":"Tick","data":{}}"#
        )
    }

    // MARK: What people type

    @Test func typedFormsAreAcceptedAndNormalised() throws {
        let command = try Self.decode(Self.depositLine)
        #expect(command.actor.id == "899700024450")
        #expect(command.dossier == EventSamples.dossier)
        #expect(command.at == EventSamples.at)
        guard case .depositDocument(let document, let mode) = command.action else {
            Issue.record("not a deposit: \(command.action)")
            return
        }
        #expect(mode == .normal)
        #expect(document.sha256 == EventSamples.letter.sha256)
        #expect(document.createdAt == 1_772_442_000_000)
        #expect(document.actAt == 1_772_350_200_000)
    }

    @Test func dataMayBeLeftOutOnlyForActionsWithoutFields() throws {
        let tick = try Self.decode(
            #"{"key":"t","actor":{"id":"system","role":"system","auth":"system"},"action":"Tick"}"#
        )
        #expect(tick.action == .tick)
        #expect(tick.at == nil && tick.dossier == nil)
        let error = try #require(
            Self.failure(
                #"{"key":"t","actor":{"id":"holder","role":"holder","auth":"holder_login"},"action":"MaskDocument"}"#
            )
        )
        #expect(error.message == "data: missing (MaskDocument has fields)")
    }

    @Test func actionMayComeAfterData() throws {
        let line =
            #"{"data":{"document":"DOC-1"},"key":"m","actor":{"id":"holder","role":"holder","auth":"holder_login"},"#
            + #""dossier":"6f1c2a9e-3b4d-5e6f-8a7b-9c0d1e2f3a4b","action":"MaskDocument"}"#
        #expect(try Self.decode(line).action == .maskDocument(document: "DOC-1"))
    }

    // MARK: Refusals

    @Test(
        arguments: [
            (
                #""sha256":"C973FF7DD7CC61AEB7BA99F92D22AF7A184D65CC49C06041AA0524493CB59992""#, #""sha256":"12ab""#,
                #"data.document.sha256: expected 64 hexadecimal digits, found "12ab""#
            ),
            (#""id":"8 99700 024450""#, #""id":"899700024451""#, #"actor.id: RPPS "99700024451": check digit"#),
            (
                #""dossier":"6F1C2A9E-3B4D-5E6F-8A7B-9C0D1E2F3A4B""#, #""dossier":"dossier-1""#,
                #"dossier: expected a UUID"#
            ),
            (#""at":"2026-03-02T10:14:07.12+01:00""#, #""at":"2026-03-02 10:14""#, "at: expected 'T'"),
            (#""action":"DepositDocument""#, #""action":"Deposit""#, #"action: unknown value "Deposit""#),
            (#""mode":"normal""#, #""mode":"express""#, #"data.mode: unknown value "express""#),
            (#""mode":"normal""#, #""mode":"normal","reason":"x""#, #"data: unknown key "reason""#),
            (#""size":10"#, #""size":"10""#, "data.document.size:"),
            (#""actAt":"2026-03-01T08:30:00+01:00""#, #""actAt":"2026-03-01""#, "data.document.actAt: expected 'T'"),
            (
                #""confidentiality":["N"]"#, #""confidentiality":[]"#,
                "data.document.confidentiality: the codes must include N"
            ),
            (#""key":"deposit-0001""#, #""key":"""#, "key: must not be empty"),
            (#""key":"deposit-0001","#, "", "key: missing"),
        ] as [(String, String, String)]
    )
    func depositErrorsNameTheField(_ original: String, _ replacement: String, _ message: String) throws {
        #expect(Self.depositLine.contains(original))
        let error = try #require(Self.failure(Self.depositLine.replacingOccurrences(of: original, with: replacement)))
        #expect(error.message.hasPrefix(message), "\(error)")
    }

    @Test func identifiersAreCheckedWithTheirTypes() throws {
        let notice = Self.text(CommandSamples.all[0])
        let badKey = try #require(
            Self.failure(notice.replacingOccurrences(of: "255081416802538", with: "255081416802537"))
        )
        #expect(badKey.message.hasPrefix(#"data.identifier: NIR "255081416802537": key 37 does not match"#))
        let bare = try #require(Self.failure(notice.replacingOccurrences(of: "NIR:", with: "")))
        #expect(bare.message.hasPrefix("data.identifier: patient identifier"), "\(bare)")
        let sex = try Self.decode(notice.replacingOccurrences(of: #""sex":"F""#, with: #""sex":" f ""#))
        #expect(sex == CommandSamples.all[0])

        let authorise = Self.text(CommandSamples.all[22])
        let badProfessional = try #require(
            Self.failure(authorise.replacingOccurrences(of: "810001234565", with: "910001234565"))
        )
        #expect(badProfessional.message.hasPrefix("data.professional: professional national id"), "\(badProfessional)")
        let spaced = try Self.decode(authorise.replacingOccurrences(of: "810001234565", with: "8 1000 1234 565"))
        #expect(spaced == CommandSamples.all[22])

        let block = Self.text(CommandSamples.all[24])
        let badTarget = try #require(Self.failure(block.replacingOccurrences(of: "810001234565", with: "8100")))
        #expect(badTarget.message.hasPrefix("data.target: RPPS"), "\(badTarget)")
        let structure = try Self.decode(
            block.replacingOccurrences(of: "810001234565", with: "130786049")
                .replacingOccurrences(of: #""targetKind":"professional""#, with: #""targetKind":"structure""#)
        )
        #expect(
            structure.action == .block(target: "130786049", targetKind: .structure, reason: "Ancien médecin du travail")
        )
    }

    @Test func membersOfAnotherActionAreUnknownKeys() throws {
        let mask = Self.text(CommandSamples.all[18])
        let error = try #require(
            Self.failure(mask.replacingOccurrences(of: #""document":"DOC-2026-0002""#, with: #""professional":"x""#))
        )
        #expect(error.message == #"data: unknown key "professional""#)
    }

    @Test func everyTruncationIsAnErrorNeverACrash() {
        for command in CommandSamples.all {
            let bytes = CommandCodec.encode(command)
            for cut in 0..<bytes.count {
                do {
                    _ = try CommandCodec.decode(Array(bytes[0..<cut]))
                    Issue.record("a line cut at byte \(cut) decoded: \(command.key)")
                } catch {
                    #expect(error.offset >= 0 && error.offset <= cut, "\(command.key) cut at \(cut): \(error)")
                }
            }
        }
    }
}
