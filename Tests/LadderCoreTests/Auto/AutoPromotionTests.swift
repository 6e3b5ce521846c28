import Foundation
import LadderCore
import LadderGit
import LadderTestSupport
import Testing

@Suite struct AutoPromotionTests {
    /// The example with a history: everything imported on 2026-11-01 10:00, then dev's payments 1.5.0
    /// committed on 2026-11-20 09:00 and staging's orders 2.3.1 → 2.3.2 on 2026-11-20 12:00.
    func history() throws -> FixtureRepository {
        let repo = try FixtureRepository.example()
        try repo.commit(["environments/dev/payments/values.yaml": "image:\n  tag: \"1.6.0\"\n"], "dev: payments 1.6.0", date: "2026-11-20T09:00:00Z")
        try repo.commit(["environments/staging/orders/values.yaml": "image:\n  tag: \"2.3.2\"\n"], "staging: orders 2.3.2", date: "2026-11-20T12:00:00Z")
        return repo
    }

    func run(_ repo: FixtureRepository, at time: String, dryRun: Bool = false) throws -> [AutoEdgeResult] {
        let workspace = try Workspace.open(at: repo.path)
        return workspace.autoPromote(policy: try PolicyGate(workspace: workspace), actor: "ladder-bot", now: try Timestamp.parse(time), dryRun: dryRun)
    }

    @Test func soakBoundaries() throws {
        let repo = try history()
        // 30 minutes after the dev change: dev → staging still soaking (1h).
        var results = try run(repo, at: "2026-11-20T09:30:00Z")
        #expect(results.map(\.edge.description) == ["dev → staging", "staging → prod"])
        #expect(results[0].action == .waiting)
        #expect(results[0].dueAt == (try Timestamp.parse("2026-11-20T10:00:00Z")))
        // One hour after: due.
        results = try run(repo, at: "2026-11-20T10:00:00Z")
        #expect(results[0].action == .promoted)
        // Staging's orders change has not soaked 24h yet (Friday 2026-11-20 is also in the weekend freeze from 16:00).
        results = try run(repo, at: "2026-11-20T13:00:00Z")
        #expect(results[1].action == .waiting)
        #expect(results[1].reason.contains("soaking"))
    }

    @Test func windowsAndIdempotency() throws {
        let repo = try history()
        // Saturday: inside prod's weekend freeze although the soak is over.
        var results = try run(repo, at: "2026-11-21T13:00:00Z")
        #expect(results[1].action == .waiting)
        #expect(results[1].reason.contains("weekend freeze"))
        #expect(results[0].action == .promoted)
        // Tuesday: prod is due too; a second run changes nothing.
        results = try run(repo, at: "2026-11-24T10:00:00Z")
        #expect(results.map(\.action) == [.upToDate, .promoted])
        let branches = try repo.git("for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads/ladder/")
        results = try run(repo, at: "2026-11-24T11:00:00Z")
        #expect(results.map(\.action) == [.upToDate, .upToDate])
        #expect(try repo.git("for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads/ladder/") == branches)
    }

    @Test func dryRunWritesNothing() throws {
        let repo = try history()
        let results = try run(repo, at: "2026-11-24T10:00:00Z", dryRun: true)
        #expect(results.map(\.action) == [.wouldPromote, .wouldPromote])
        #expect(try repo.git("branch", "--list", "ladder/*") == "")
    }

    @Test func chainNeverCarriesUnsoakedContent() throws {
        let repo = try history()
        // dev → staging is prepared, but staging itself is unchanged on the trunk until the PR merges:
        // the prod promotion carries only what staging already holds on main.
        let results = try run(repo, at: "2026-11-24T10:00:00Z")
        let prod = try #require(results[1].outcome)
        #expect(prod.plan.units == ["orders"])
        #expect(!prod.plan.units.contains("payments"))
    }
}
