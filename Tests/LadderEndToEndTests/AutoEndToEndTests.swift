import Foundation
import LadderTestSupport
import Testing

@Suite struct AutoEndToEndTests {
    @Test func reportsAndPayloads() throws {
        let repo = try FixtureRepository.example()
        let scratch = ScratchDirectory("auto")
        let summary = scratch.join("summary.md")
        let payloads = scratch.join("payloads")
        let result = try Run.ladder(
            ["auto", "--payload-dir", payloads, "--now", "2026-11-24T10:00:00Z", "--json"], in: repo.path,
            environment: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let edges = report["edges"] as! [[String: Any]]
        #expect(edges.map { $0["result"] as? String } == ["promoted", "promoted"])
        #expect(FileManager.default.fileExists(atPath: payloads + "/dev-to-staging.json"))
        #expect(FileManager.default.fileExists(atPath: payloads + "/staging-to-prod.json"))
        #expect(result.stderr.contains("::notice::dev → staging"))
        #expect(try String(contentsOfFile: summary, encoding: .utf8).contains("| `dev` → `staging` | promoted |"))

        let again = try Run.ladder(["auto", "--now", "2026-11-24T11:00:00Z"], in: repo.path)
        #expect(again.status == 0)
        #expect(again.stdout.contains("up to date"))
    }
}

@Suite struct GitLabOutputTests {
    @Test func collapsibleSectionsInGitLabCI() throws {
        let repo = try FixtureRepository.example()
        let result = try Run.ladder(["auto", "--now", "2026-11-24T10:00:00Z", "--dry-run"], in: repo.path, environment: ["GITLAB_CI": "true"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("section_start:"))
        #expect(result.stdout.contains("section_end:"))
        #expect(result.stdout.contains("would promote"))
    }
}
