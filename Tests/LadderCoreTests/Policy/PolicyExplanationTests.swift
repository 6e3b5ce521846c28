import Foundation
import LadderCore
import Testing

@Suite struct PolicyExplanationTests {
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func examplePolicy() throws -> PolicyFile {
        let config = try LadderConfig.parse(Array(try Data(contentsOf: projectRoot.appendingPathComponent("ladder.yaml"))))
        return try PolicyFile.load(
            contentsOf: projectRoot.appendingPathComponent("ladder-policy.yaml").path, displayName: "ladder-policy.yaml", config: config)
    }

    /// Compares with a golden constant; on a difference, writes the actual output to a file to copy from.
    static func assertGolden(_ actual: String, _ expected: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if actual != expected || ProcessInfo.processInfo.environment["LADDER_RECORD_GOLDEN"] == "1" {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ladder-golden-\(name)")
            try actual.write(to: path, atomically: true, encoding: .utf8)
            #expect(actual == expected, "golden \(name) differs; the actual output is in \(path.path)", sourceLocation: sourceLocation)
        }
    }

    @Test func exampleText() throws {
        let explanation = PolicyExplanation(policy: try Self.examplePolicy(), now: PolicyFixtures.date("2026-11-20T16:30:00Z"))
        try Self.assertGolden(explanation.text + "\n", ExplainGolden.exampleText, "explain-example.txt")
    }

    @Test func exampleMarkdown() throws {
        let explanation = PolicyExplanation(policy: try Self.examplePolicy(), environments: ["prod"])
        try Self.assertGolden(explanation.markdown + "\n", ExplainGolden.exampleProdMarkdown, "explain-example-prod.md")
    }

    @Test func exampleJSON() throws {
        let explanation = PolicyExplanation(policy: try Self.examplePolicy(), environments: ["prod"], now: PolicyFixtures.date("2026-12-24T12:00:00Z"))
        try Self.assertGolden(explanation.json.pretty + "\n", ExplainGolden.exampleProdJSON, "explain-example-prod.json")
    }

    @Test func perSourceSectionsAndCronPhrases() throws {
        let policy = try PolicyFixtures.policy("""
            version: 1
            environments:
              prod:
                windows:
                  - {kind: allow, schedule: "0 9 * * MON-FRI", duration: 8h, timezone: America/New_York, reason: office hours}
                  - {kind: deny, schedule: "30 22 * * *", duration: 30m}
                  - {kind: deny, schedule: "0 0 1 * *", duration: 1d, timezone: UTC}
                from:
                  staging: {soak: 2h}
            """)
        let explanation = PolicyExplanation(policy: policy, environments: ["prod"])
        #expect(explanation.sections.map(\.title) == ["prod (from staging)"])
        #expect(explanation.sections[0].sentences.contains("staging must have held the content for 2h before it moves"))
        #expect(explanation.sections[0].sentences.contains(
            "open only Mon–Fri 09:00 America/New_York for 8h (office hours); closed daily 22:30 UTC for 30m and cron \"0 0 1 * *\" in UTC for 24h"))
    }
}
