import Foundation
import LadderCore
import Testing

@Suite struct PolicyLoaderTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let policy: String
        let errors: [String]
        var testDescription: String { name }
    }

    static let head = """
        version: 1
        groups:
          release: [alice, bob]
          sre: [carol, dave]

        """

    static let cases: [Case] = [
        Case(name: "unknown top-level key", policy: head + """
            enviroments: {}
            """, errors: ["ladder-policy.yaml:5:1: unknown key 'enviroments' (did you mean 'environments'?)"]),
        Case(name: "unknown rule key", policy: head + """
            environments:
              prod:
                soak_time: 1h
            """, errors: ["ladder-policy.yaml:7:5: unknown key 'soak_time' in 'environments.prod' (did you mean 'soak'?)"]),
        Case(name: "wrong type", policy: head + """
            defaults:
              approvals: {required: two}
            """, errors: ["ladder-policy.yaml:6:25: 'defaults.approvals.required' must be a whole number, not 'two'"]),
        Case(name: "undefined group", policy: head + """
            environments:
              prod:
                promoters: [group:relase]
            """, errors: ["ladder-policy.yaml:7:17: undefined group 'relase' (did you mean 'group:release'?)"]),
        Case(name: "unknown principal kind", policy: head + """
            environments:
              prod:
                promoters: [team:release]
            """, errors: ["ladder-policy.yaml:7:17: unknown principal kind 'team:'; write a login or group:<name>"]),
        Case(name: "unknown environment, close to a known one", policy: head + """
            environments:
              production: {}
            """, errors: ["ladder-policy.yaml:6:3: unknown environment 'production': ladder.yaml does not define it (did you mean 'prod'?)"]),
        Case(name: "unknown environment", policy: head + """
            environments:
              qa: {}
            """, errors: ["ladder-policy.yaml:6:3: unknown environment 'qa': ladder.yaml does not define it (ladder.yaml defines: dev, staging, prod)"]),
        Case(name: "edge that ladder.yaml does not have", policy: head + """
            environments:
              prod:
                promote_from: [dev]
            """, errors: ["ladder-policy.yaml:7:20: dev → prod is not a promotion of ladder.yaml; promote_from can only accept its edges (ladder.yaml promotes into prod from: staging)"]),
        Case(name: "bad cron", policy: head + """
            environments:
              prod:
                windows:
                  - {kind: deny, schedule: "0 25 * * FRI", duration: 1h}
            """, errors: ["ladder-policy.yaml:8:32: bad cron expression '0 25 * * FRI': hour 25 is out of range 0-23"]),
        Case(name: "bad time zone", policy: head + """
            environments:
              prod:
                windows:
                  - kind: deny
                    schedule: "0 16 * * FRI"
                    duration: 64h
                    timezone: Europe/Berlim
            """, errors: ["ladder-policy.yaml:11:19: unknown time zone 'Europe/Berlim' (use an IANA name such as Europe/Berlin or America/New_York)"]),
        Case(name: "bad duration", policy: head + """
            environments:
              staging:
                soak: 1x
            """, errors: ["ladder-policy.yaml:7:11: bad duration '1x': unexpected 'x'; use a number followed by s, m, h, d or w, as in 1h30m"]),
        Case(name: "bad timestamp", policy: head + """
            environments:
              prod:
                windows:
                  - kind: deny
                    from: 2026-13-01T00:00:00Z
                    until: 2027-01-04T00:00:00Z
            """, errors: ["ladder-policy.yaml:9:15: bad timestamp '2026-13-01T00:00:00Z': month 13 is out of range 1-12"]),
        Case(name: "from after until", policy: head + """
            environments:
              prod:
                windows:
                  - {kind: deny, from: 2027-01-04T00:00:00Z, until: 2026-12-20T00:00:00Z}
            """, errors: ["ladder-policy.yaml:8:57: bad window: 'from' 2027-01-04T00:00:00Z is not before 'until' 2026-12-20T00:00:00Z"]),
        Case(name: "schedule and from in one window", policy: head + """
            environments:
              prod:
                windows:
                  - {kind: deny, schedule: "0 16 * * FRI", duration: 1h, from: 2026-12-20T00:00:00Z}
            """, errors: ["ladder-policy.yaml:8:62: 'from' cannot be combined with 'schedule' in one window (write two windows)"]),
        Case(name: "window kind", policy: head + """
            environments:
              prod:
                windows:
                  - {kind: freeze, until: 2026-12-20T00:00:00Z}
            """, errors: ["ladder-policy.yaml:8:16: 'environments.prod.windows[0].kind' must be allow or deny, not 'freeze'"]),
        Case(name: "bad ticket regex", policy: head + """
            defaults:
              ticket: '([A-Z]+-'
            """, errors: ["ladder-policy.yaml:6:11: invalid regular expression '([A-Z]+-' in 'defaults.ticket'"]),
        Case(name: "more approvals than approvers", policy: head + """
            environments:
              prod:
                approvals: {required: 3, from: [group:sre]}
            """, errors: ["ladder-policy.yaml:7:27: environments.prod requires 3 approvals but only 2 (carol, dave (group sre)) may approve (lower 'required' or add people to 'from')"]),
        Case(name: "contradiction after merging defaults", policy: head + """
            defaults:
              approvals: {required: 2}
            environments:
              prod:
                approvals: {from: [erin]}
            """, errors: ["ladder-policy.yaml:6:25: environments.prod requires 2 approvals but only 1 (erin) may approve (lower 'required' or add people to 'from')"]),
        Case(name: "soak without a source", policy: head + """
            environments:
              dev:
                soak: 1h
            """, errors: ["ladder-policy.yaml:7:11: 'soak' on dev, which has no source: ladder.yaml promotes into dev from nowhere (soak and auto apply to promotions; add a promotion into dev or remove 'soak')"]),
        Case(name: "break-glass by nobody", policy: head + """
            environments:
              prod:
                break_glass: {allowed: true}
            """, errors: ["ladder-policy.yaml:7:28: break_glass is allowed for prod but 'by' names nobody (name who may break glass, e.g. 'by: [group:sre]')"]),
        Case(name: "promote_from in defaults", policy: head + """
            defaults:
              promote_from: [dev]
            """, errors: ["ladder-policy.yaml:6:3: 'promote_from' is not allowed in 'defaults': sources are chosen per environment, under environments.<env>"]),
        Case(name: "group cycle", policy: """
            version: 1
            groups:
              a: [alice, group:b]
              b: [group:a]
            environments:
              prod:
                promoters: [group:a]
            """, errors: ["ladder-policy.yaml:3:3: groups refer to each other in a cycle: a → b → a"]),
        Case(name: "unsupported version", policy: """
            version: 2
            """, errors: ["ladder-policy.yaml:1:10: unsupported policy version 2; this Ladder reads version 1"]),
        Case(name: "missing version", policy: """
            enforcement: active
            """, errors: ["ladder-policy.yaml:1:1: missing required key 'version' (add 'version: 1')"]),
        Case(name: "override for a source the environment does not accept", policy: head + """
            environments:
              prod:
                from:
                  dev: {soak: 1h}
            """, errors: ["ladder-policy.yaml:8:7: 'environments.prod.from.dev' sets rules for promotions from dev, which prod does not accept (prod accepts promotions from: staging)"]),
        Case(name: "enforcement value", policy: head + """
            enforcement: strict
            """, errors: ["ladder-policy.yaml:5:14: unknown enforcement 'strict' (use active or evaluate)"]),
        Case(name: "limits", policy: head + """
            environments:
              prod:
                max_changed_files: 0
                direct_changes: maybe
            """, errors: [
                "ladder-policy.yaml:7:24: 'environments.prod.max_changed_files' must be at least 1, not 0",
                "ladder-policy.yaml:8:21: 'environments.prod.direct_changes' must be allow or deny, not 'maybe'",
            ]),
        Case(name: "YAML syntax", policy: "version: 1\nenvironments: [\n", errors: [
            "ladder-policy.yaml:3:1: invalid YAML: while parsing a flow node did not find expected node content",
        ]),
    ]

    @Test(arguments: cases) func refusesWithPosition(_ example: Case) {
        #expect(PolicyFixtures.errors(example.policy) == example.errors)
    }

    @Test func listsEveryMistakeInDocumentOrder() {
        let errors = PolicyFixtures.errors("""
            version: 1
            groups:
              release: [alice, bob]
            defualts: {}
            environments:
              staging:
                soak: 1x
              prod:
                promoters: [group:sre]
                windows:
                  - {kind: deny, schedule: "0 16 * * FRY", duration: 64h, timezone: Mars/Olympus}
            enforcement: evaluate
            """)
        #expect(errors == [
            "ladder-policy.yaml:4:1: unknown key 'defualts' (did you mean 'defaults'?)",
            "ladder-policy.yaml:7:11: bad duration '1x': unexpected 'x'; use a number followed by s, m, h, d or w, as in 1h30m",
            "ladder-policy.yaml:9:17: undefined group 'sre' (defined groups: release)",
            "ladder-policy.yaml:11:32: bad cron expression '0 16 * * FRY': day-of-week 'FRY' is not a number or a weekday name (SUN-SAT)",
            "ladder-policy.yaml:11:73: unknown time zone 'Mars/Olympus' (use an IANA name such as Europe/Berlin or America/New_York)",
        ])
    }

    @Test func specPolicyLoads() throws {
        let policy = try PolicyFixtures.policy(PolicyFixtures.specPolicy)
        #expect(policy.enforcement == .active)
        #expect(policy.groups.logins([.group("sre"), .group("release")]) == ["carol", "dave", "alice", "bob"])
        #expect(policy.environments["prod"]?.rules.windows?.count == 2)
        #expect(policy.warnings.isEmpty)
    }

    @Test func nestedGroupsExpandOnceEach() throws {
        let policy = try PolicyFixtures.policy("""
            version: 1
            groups:
              release: [alice, bob]
              oncall: [carol, group:release, Alice]
              unused: [zed]
            environments:
              prod:
                promoters: [group:oncall]
            """)
        #expect(policy.groups.logins([.group("oncall")]) == ["carol", "alice", "bob"])
        #expect(policy.groups.contains("BOB", in: [.group("oncall")]))
        #expect(policy.warnings.map { $0.errorDescription ?? "" } == ["ladder-policy.yaml:5:3: group 'unused' is defined but never used"])
    }

    @Test func bundledExamplePolicyValidatesAgainstBundledConfig() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let config = try LadderConfig.parse(Array(try Data(contentsOf: root.appendingPathComponent("ladder.yaml"))))
        let policy = try PolicyFile.load(contentsOf: root.appendingPathComponent("ladder-policy.yaml").path, config: config)
        #expect(policy.rules(for: "prod").checks == ["build", "e2e"])
        #expect(policy.rules(for: "staging").auto)
        #expect(policy.warnings.isEmpty)
    }
}
