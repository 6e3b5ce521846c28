import Foundation
import Testing
@testable import LadderCore

@Suite struct AuditEventTests {
    // Expected values computed independently with Python (json.dumps with keys sorted by
    // UTF-16 code units, ensure_ascii=False, compact separators; hashlib.sha256).
    @Test func canonicalFormIsStable() {
        let value: JSONValue = [
            "z": 1, "a": [true, false, nil, -42, 0], "é": "café", "😀": "emoji", "ﬁ": "ligature", "\u{7f}": "del",
            "esc": "quote\" backslash\\ slash/ nl\n cr\r tab\t bs\u{8} ff\u{c} c1\u{1} us\u{1f} ls\u{2028} nul\u{0}",
            "": "", "A": "upper",
        ]
        let expected =
            #"{"":"","A":"upper","a":[true,false,null,-42,0],"esc":"quote\" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f c1\u0001 us\u001f ls"#
            + "\u{2028}" + #" nul\u0000","z":1,""# + "\u{7f}" + #"":"del","é":"café","😀":"emoji","ﬁ":"ligature"}"#
        #expect(value.canonical == expected)
        #expect(AuditHash.hex(of: value) == "c7452b737c04054d489ef37f3c8eb249f8a63cc9d214848b71bc380a6855bc19")
    }

    static let goldenMessage =
        #"{"action":"promotion.created","actor":{"kind":"human","login":"alice"},"approvals":[{"commit":"cccccccccccccccccccccccccccccccccccccccc","counted":true,"login":"bob","reason":null,"state":"approved"}],"hash":"3043698cdc4abba28c0afe30db2c6b74e6e2f416b9df1069aafa1d87450d23d8","id":"01HX0000000000000000000001","merged_hashes":null,"outcome":"allowed","override":null,"policy":{"path":"ladder-policy.yaml","rules":[{"id":"approvals.min","message":"1 of 1 approvals ✓","result":"pass"}],"sha256":"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"},"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","schema":"ladder.audit/v1","seq":1,"source":{"ci_provider":null,"ci_run_url":null,"host":"build-1","tool_version":"0.1.0"},"time":"2024-05-01T09:30:00Z","transition":{"base_commit":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","branch":"ladder/promote/dev-to-staging","changed_paths":["environments/staging/payments/values.yaml"],"commit":"cccccccccccccccccccccccccccccccccccccccc","from":"dev","promotion_id":"0123456789abcdef","source_commit":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","to":"staging"}}"#
        + "\n"

    @Test func sealedGenesisMatchesGolden() throws {
        let event = try AuditEvent.seal(AuditFixtures.body(1), after: nil, scrubber: AuditFixtures.noSecrets)
        #expect(event.seq == 1)
        #expect(event.prevHash == AuditEvent.genesisHash)
        #expect(event.hash == "3043698cdc4abba28c0afe30db2c6b74e6e2f416b9df1069aafa1d87450d23d8")
        #expect(event.commitMessage == Self.goldenMessage)
    }

    @Test func roundTripsThroughCommitMessage() throws {
        let events = try AuditFixtures.chain(3)
        for event in events {
            #expect(try AuditEvent.parse(commitMessage: event.commitMessage) == event)
        }
        var minimal = AuditFixtures.body(9, action: .autoRun)
        minimal.transition = nil
        minimal.approvals = []
        minimal.policy = nil
        minimal.override = AuditOverride(reason: "hotfix \"INC-42\"\nline two", by: "carol")
        let event = try AuditEvent.seal(minimal, after: events.last, scrubber: AuditFixtures.noSecrets)
        #expect(event.seq == 4)
        #expect(event.commitMessage.contains(#""transition":null"#))
        #expect(event.commitMessage.contains(#""approvals":[]"#))
        #expect(try AuditEvent.parse(commitMessage: event.commitMessage) == event)
        #expect(try AuditEvent.parse(commitMessage: String(event.commitMessage.dropLast())) == event)
    }

    struct Corruption: CustomTestStringConvertible, Sendable {
        let name: String
        let edit: @Sendable (inout [String: JSONValue]) -> Void
        let error: AuditError
        var testDescription: String { name }
    }

    static let corruptions: [Corruption] = [
        Corruption(name: "missing actor", edit: { $0["actor"] = nil }, error: .invalidField(field: "actor", reason: "missing")),
        Corruption(
            name: "unknown action", edit: { $0["action"] = "promotion.deleted" },
            error: .invalidField(
                field: "action",
                reason: "unknown value 'promotion.deleted' (expected one of: promotion.created, promotion.updated, "
                    + "promotion.checked, rollback.created, policy.bypassed, auto.run, audit.merged)")),
        Corruption(
            name: "seq as string", edit: { $0["seq"] = "1" },
            error: .invalidField(field: "seq", reason: "expected an integer, found a string")),
        Corruption(
            name: "unknown outcome", edit: { $0["outcome"] = "maybe" },
            error: .invalidField(field: "outcome", reason: "unknown value 'maybe' (expected one of: allowed, denied, error)")),
        Corruption(
            name: "actor kind", edit: { $0["actor"] = ["login": "alice", "kind": "robot"] },
            error: .invalidField(field: "actor.kind", reason: "unknown value 'robot' (expected one of: human, ci)")),
        Corruption(
            name: "approval counted", edit: { members in
                members["approvals"] = [["login": "bob", "state": "approved", "commit": nil, "counted": "yes", "reason": nil]]
            }, error: .invalidField(field: "approvals[0].counted", reason: "expected a boolean, found a string")),
        Corruption(
            name: "changed path type", edit: { members in
                var transition = members["transition"]!.objectValue!
                transition["changed_paths"] = [1]
                members["transition"] = .object(transition)
            }, error: .invalidField(field: "transition.changed_paths[0]", reason: "expected a string, found a number")),
        Corruption(
            name: "missing optional key", edit: { $0["override"] = nil },
            error: .invalidField(field: "override", reason: "missing")),
        Corruption(name: "unknown key", edit: { $0["note"] = "hi" }, error: .unknownField("note")),
        Corruption(
            name: "unknown nested key", edit: { $0["actor"] = ["login": "alice", "kind": "ci", "email": "a@b"] },
            error: .unknownField("actor.email")),
        Corruption(
            name: "schema", edit: { $0["schema"] = "ladder.audit/v2" },
            error: .invalidField(field: "schema", reason: "unsupported schema 'ladder.audit/v2', expected 'ladder.audit/v1'")),
        Corruption(
            name: "time with offset", edit: { $0["time"] = "2024-05-01T11:30:00+02:00" },
            error: .invalidField(field: "time", reason: "not an RFC 3339 UTC time like 2024-05-01T09:30:00Z")),
        Corruption(
            name: "short id", edit: { $0["id"] = "abc" },
            error: .invalidField(field: "id", reason: "not a 26-character event id")),
        Corruption(
            name: "uppercase hash", edit: { $0["prev_hash"] = .string(String(repeating: "A", count: 64)) },
            error: .invalidField(field: "prev_hash", reason: "not 64 lowercase hex digits")),
        Corruption(
            name: "merged hashes on a plain event", edit: { $0["merged_hashes"] = [.string(AuditEvent.genesisHash)] },
            error: .invalidField(field: "merged_hashes", reason: "must be null unless action is audit.merged")),
        Corruption(
            name: "merge without merged hashes", edit: { $0["action"] = "audit.merged" },
            error: .invalidField(field: "merged_hashes", reason: "required on an audit.merged event")),
    ]

    @Test(arguments: corruptions)
    func strictParsingNamesTheField(_ corruption: Corruption) throws {
        let event = try AuditEvent.seal(AuditFixtures.body(1), after: nil, scrubber: AuditFixtures.noSecrets)
        let message = AuditFixtures.editedMessage(event, corruption.edit)
        #expect(throws: corruption.error) { try AuditEvent.parse(commitMessage: message) }
    }

    @Test(arguments: [
        "  {}", "{\"a\":1} \n", "[]", "not json",
    ])
    func refusesNonEvents(_ message: String) {
        #expect(throws: AuditError.self) { try AuditEvent.parse(commitMessage: message) }
    }

    @Test func refusesNonCanonicalMessages() throws {
        let event = try AuditEvent.seal(AuditFixtures.body(1), after: nil, scrubber: AuditFixtures.noSecrets)
        #expect(throws: AuditError.notCanonical) { try AuditEvent.parse(commitMessage: event.json.pretty) }
        // A duplicate key hides a second value from the hash: refused too.
        let duplicated = "{\"action\":\"auto.run\"," + event.json.canonical.dropFirst()
        #expect(throws: AuditError.notCanonical) { try AuditEvent.parse(commitMessage: duplicated) }
        let escaped = event.json.canonical.replacingOccurrences(of: "alice", with: "\\u0061lice")
        #expect(throws: AuditError.notCanonical) { try AuditEvent.parse(commitMessage: escaped) }
    }

    @Test(arguments: [
        ("2024-05-01T09:30:00Z", 1_714_555_800.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("2000-02-29T23:59:59Z", 951_868_799.0),
        ("1969-12-31T23:59:59Z", -1.0),
        ("2024-05-01T11:30:00+02:00", 1_714_555_800.0),
        ("2024-05-01t09:30:00.250z", 1_714_555_800.25),
    ])
    func parsesAndFormatsTimes(_ text: String, _ seconds: Double) throws {
        let date = try #require(AuditTime.parse(text))
        #expect(date.timeIntervalSince1970 == seconds)
        #expect(AuditTime.parse(AuditTime.format(date))?.timeIntervalSince1970 == seconds.rounded(.down))
    }

    @Test(arguments: ["2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-05-01 09:30:00Z", "2024-05-01T09:30:00", "2024-05-01T09:30:00.Z", ""])
    func refusesBadTimes(_ text: String) {
        #expect(AuditTime.parse(text) == nil)
    }

    @Test func idsAreSortableFixedLength() {
        var generator = SeededGenerator(seed: 7)
        let early = AuditEventID.make(time: Date(timeIntervalSince1970: 1_714_555_800), using: &generator)
        let late = AuditEventID.make(time: Date(timeIntervalSince1970: 1_714_555_801), using: &generator)
        #expect(early.count == 26 && late.count == 26)
        #expect(AuditEventID.isValid(early) && AuditEventID.isValid(late))
        #expect(early < late)
        #expect(early.hasPrefix("01HWSQTJE0"))  // 1714555800000 ms in Crockford base32
        #expect(AuditEventID.make(time: Date()) != AuditEventID.make(time: Date()))
        #expect(!AuditEventID.isValid("01HX000000000000000000000I"))
        #expect(!AuditEventID.isValid("81HX0000000000000000000000"))
    }
}

/// A deterministic generator for tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
