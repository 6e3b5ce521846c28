import Foundation
import LadderTestSupport
import Testing

@Suite struct DiffEndToEndTests {
    @Test func jsonSchema() throws {
        let repo = try FixtureRepository.example()
        let result = try Run.ladder(["diff", "dev", "staging", "--json", "--unit", "payments"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let from = object["from"] as! [String: Any]
        #expect(from["environment"] as? String == "dev")
        #expect(from["path"] as? String == "environments/dev")
        #expect(from["commit"] as? String == (try repo.head()))
        let changes = object["changes"] as! [[String: Any]]
        let values = changes.first { $0["path"] as? String == "payments/values.yaml" }!
        #expect(values["unit"] as? String == "payments")
        #expect(values["status"] as? String == "modified")
        #expect(values["promotable"] as? Bool == true)
        #expect((values["old_blob"] as? String)?.count == 40)
        let keys = values["keys"] as! [[String: Any]]
        #expect(keys.contains { $0["path"] as? String == "image.tag" && $0["old"] as? String == "1.4.0" && $0["new"] as? String == "1.5.0" })
        let env = changes.first { $0["path"] as? String == "payments/env.yaml" }!
        #expect(env["promotable"] as? Bool == false)
        #expect(env["excluded_by"] as? String == "*/env.yaml")
        let summary = object["summary"] as! [String: Int]
        #expect(summary["modified"] == 4)
        #expect(summary["excluded"] == 2)
    }

    @Test func outputModesAndExitCode() throws {
        let repo = try FixtureRepository.example()
        let nameOnly = try Run.ladder(["diff", "staging", "prod", "--name-only"], in: repo.path)
        #expect(nameOnly.stdout.split(separator: "\n").contains("orders/values.yaml"))
        let gitNames = try repo.git("diff", "--name-only", "HEAD:environments/prod", "HEAD:environments/staging")
        #expect(nameOnly.stdout.trimmingCharacters(in: .newlines) == gitNames)

        let patch = try Run.ladder(["diff", "staging", "prod", "--patch", "--unit", "orders"], in: repo.path)
        #expect(patch.stdout.contains("-  tag: \"2.2.0\"   # set by ladder promote\n+  tag: \"2.3.1\"   # set by ladder promote"))

        let stat = try Run.ladder(["diff", "staging", "prod", "--stat", "--unit", "orders"], in: repo.path)
        #expect(stat.stdout.contains("files changed"))

        let differs = try Run.ladder(["diff", "dev", "staging", "--exit-code", "-q"], in: repo.path)
        #expect(differs.status == 1)
        let same = try Run.ladder(["diff", "staging", "prod", "--exit-code", "--unit", "worker"], in: repo.path)
        #expect(same.status == 0)
        #expect(same.stdout.contains("nothing to promote"))

        let markdown = try Run.ladder(["diff", "dev", "staging", "--format", "markdown"], in: repo.path)
        #expect(markdown.stdout.contains("| payments | `payments/values.yaml` | modified | yes | `image.tag`: 1.4.0 → 1.5.0 |"))
    }

    @Test func badInput() throws {
        let repo = try FixtureRepository.example()
        let unknown = try Run.ladder(["diff", "dev", "prdo"], in: repo.path)
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "ladder: error: unknown environment 'prdo' (known: dev, staging, prod)\nhint: did you mean 'prod'?\n")
        let badRef = try Run.ladder(["diff", "dev", "prod", "--from-ref", "no-such-branch"], in: repo.path)
        #expect(badRef.status == 2)
        #expect(badRef.stderr.hasPrefix("ladder: error: unknown revision 'no-such-branch'"))
        let conflicting = try Run.ladder(["diff", "dev", "prod", "--patch", "--stat"], in: repo.path)
        #expect(conflicting.status == 2)
    }
}
