import Foundation
import LadderTestSupport
import Testing

@Suite struct PromoteEndToEndTests {
    @Test func promoteAndPlanThroughTheBinary() throws {
        let repo = try FixtureRepository.example()
        let now = ["--now", "2026-11-02T12:00:00Z"]
        let plan = try Run.ladder(["plan", "dev", "staging"] + now, in: repo.path)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("image.tag: 1.4.0 → 1.5.0"))
        #expect(plan.stdout.contains("Policy: allowed"))
        #expect(try repo.git("branch", "--list", "ladder/*") == "")

        let dry = try Run.ladder(["promote", "dev", "staging", "--dry-run", "--json"] + now, in: repo.path)
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("\"status\": \"would_create\""))
        #expect(try repo.git("branch", "--list", "ladder/*") == "")

        let promote = try Run.ladder(["promote", "dev", "staging"] + now, in: repo.path)
        #expect(promote.status == 0, "\(promote.stderr)")
        #expect(promote.stdout.contains("created ladder/promote/dev-to-staging"))
        let again = try Run.ladder(["promote", "dev", "staging"] + now, in: repo.path)
        #expect(again.stdout.contains("up to date"))
    }

    @Test func policyDenialAndBadInput() throws {
        let repo = try FixtureRepository.example()
        // Content committed at 2026-11-01T01:00Z; staging requires 1h of soak.
        let denied = try Run.ladder(["promote", "dev", "staging", "--now", "2026-11-01T01:10:00Z"], in: repo.path)
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("denied by policy"))
        #expect(denied.stderr.contains("staging.soak"))
        #expect(try repo.git("branch", "--list", "ladder/*") == "")

        let skip = try Run.ladder(["promote", "dev", "prod", "--now", "2026-11-05T12:00:00Z"], in: repo.path)
        #expect(skip.status == 1)
        #expect(skip.stderr.contains("not a promotion edge"))

        let badBranch = try Run.ladder(["promote", "dev", "staging", "--branch", "has space"], in: repo.path)
        #expect(badBranch.status == 2)
        #expect(badBranch.stderr.contains("invalid branch name 'has space'"))

        let noReason = try Run.ladder(["promote", "dev", "staging", "--break-glass", " "], in: repo.path)
        #expect(noReason.status == 2)
    }
}
