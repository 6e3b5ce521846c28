import Foundation
import LadderCore
import LadderGit
import LadderTestSupport
import Testing

@Suite struct SoakClockTests {
    /// dev/payments changes at 09:00, then only its environment-specific env.yaml at 10:00, then
    /// dev/orders at 11:00.
    static func history() throws -> (FixtureRepository, [String]) {
        let repo = try FixtureRepository()
        var commits: [String] = []
        commits.append(try repo.commit([
            "ladder.yaml": PolicyFixtures.ladderYAML,
            "environments/dev/payments/values.yaml": "image:\n  tag: 1.0.0\n",
            "environments/dev/payments/env.yaml": "replicas: 1\n",
            "environments/dev/orders/values.yaml": "image:\n  tag: 2.0.0\n",
            "environments/staging/payments/values.yaml": "image:\n  tag: 1.0.0\n",
        ], "start", date: "2026-11-20T08:00:00Z"))
        commits.append(try repo.commit(["environments/dev/payments/values.yaml": "image:\n  tag: 1.1.0\n"], "payments 1.1.0", date: "2026-11-21T09:00:00Z"))
        commits.append(try repo.commit(["environments/dev/payments/env.yaml": "replicas: 2\n"], "more replicas", date: "2026-11-21T10:00:00Z"))
        commits.append(try repo.commit(["environments/dev/orders/values.yaml": "image:\n  tag: 2.1.0\n"], "orders 2.1.0", date: "2026-11-21T11:00:00Z"))
        return (repo, commits)
    }

    @Test func soakStartsWhenThePromotedUnitsLastChanged() throws {
        let (repo, commits) = try Self.history()
        let workspace = try Workspace.open(at: repo.path)
        let dev = try workspace.environment("dev")
        let clock = SoakClock(workspace: workspace)

        let payments = try clock.observe(environment: dev, units: ["payments"], at: workspace.commitID)
        #expect(payments.heldSince == PolicyFixtures.date("2026-11-21T09:00:00Z"))
        #expect(payments.commit?.hex == commits[1])
        #expect(!payments.atLeast)

        let everything = try clock.observe(environment: dev, at: workspace.commitID)
        #expect(everything.heldSince == PolicyFixtures.date("2026-11-21T11:00:00Z"))
        #expect(everything.commit?.hex == commits[3])

        // Unchanged since the first commit: exact, not "at least".
        let staging = try clock.observe(environment: try workspace.environment("staging"), at: workspace.commitID)
        #expect(staging.heldSince == PolicyFixtures.date("2026-11-20T08:00:00Z"))
        #expect(!staging.atLeast)

        // A bounded walk says "at least".
        let bounded = try SoakClock(workspace: workspace, limit: 2).observe(environment: dev, units: ["payments"], at: workspace.commitID)
        #expect(bounded.heldSince == PolicyFixtures.date("2026-11-21T10:00:00Z"))
        #expect(bounded.atLeast)
    }

    @Test func soakDecisionFromRealHistory() throws {
        let (repo, _) = try Self.history()
        let workspace = try Workspace.open(at: repo.path)
        let observation = try SoakClock(workspace: workspace).observe(environment: try workspace.environment("dev"), units: ["payments"], at: workspace.commitID)
        let policy = try PolicyFixtures.policy(PolicyFixtures.specPolicy)
        let evaluator = PolicyEvaluator(policy: policy)
        func soak(at now: String) -> RuleResult? {
            evaluator.evaluate(PolicyRequest(
                from: "dev", to: "staging", actor: "alice", changedFiles: 1, now: PolicyFixtures.date(now), soak: observation
            )).rules.first { $0.id == "staging.soak" }
        }
        #expect(soak(at: "2026-11-21T09:30:00Z")?.line == "staging.soak: fail — soaking: dev has held this content for 30m of 1h, until 2026-11-21T10:00:00Z")
        #expect(soak(at: "2026-11-21T11:15:00Z")?.line == "staging.soak: pass — dev has held this content for 2h15m (since 2026-11-21T09:00:00Z), 1h required")
    }
}
