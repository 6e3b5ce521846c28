import Foundation
import LadderCore
import LadderGit
import LadderTestSupport
import Testing

@Suite struct BranchCheckTests {
    static let now = try! Timestamp.parse("2026-11-25T10:00:00Z")  // a Wednesday: prod's windows are open

    /// Prepares staging → prod in the example with alice as the promoter.
    func promotedExample() throws -> (FixtureRepository, ObjectID) {
        let repo = try FixtureRepository.example()
        let workspace = try Workspace.open(at: repo.path)
        let outcome = try workspace.promote(PromotionRequest(from: "staging", to: "prod"), options: PromoteOptions(actor: "alice", now: Self.now), gate: OpenGate())
        return (repo, outcome.commit!)
    }

    func check(_ repo: FixtureRepository, reviews: String, checks: String = #"[{"name":"build","state":"success"},{"name":"e2e","state":"success"}]"#, author: String = "alice", branch: String = "ladder/promote/staging-to-prod") throws -> BranchCheckResult {
        let workspace = try Workspace.open(at: repo.path)
        var request = BranchCheckRequest(head: branch, now: Self.now)
        request.author = author
        request.reviews = try ReviewsInput(parsing: Array(reviews.utf8), file: "reviews.json")
        request.checks = try ChecksInput(parsing: Array(checks.utf8), file: "checks.json")
        return try workspace.checkBranch(request, policy: PolicyGate(workspace: workspace).policy)
    }

    func reviews(_ entries: [(String, String, ObjectID)]) -> String {
        "[" + entries.map { #"{"user":"\#($0.0)","state":"\#($0.1)","commit":"\#($0.2.hex)","submitted_at":"2026-11-25T09:00:00Z"}"# }.joined(separator: ",") + "]"
    }

    func rule(_ result: BranchCheckResult, _ id: String) -> RuleResult? {
        result.decisions.flatMap(\.rules).first { $0.id == id }
    }

    @Test func faithfulPromotionWithTwoApprovalsIsAllowed() throws {
        let (repo, head) = try promotedExample()
        let result = try check(repo, reviews: reviews([("carol", "APPROVED", head), ("dave", "APPROVED", head)]))
        #expect(result.allowed, "\(result.decisions.flatMap(\.failures))")
        #expect(rule(result, "prod.integrity")?.result == .pass)
        #expect(result.records.map(\.login).sorted() == ["carol", "dave"])
    }

    @Test func staleSelfAndChangesRequested() throws {
        let (repo, head) = try promotedExample()
        let old = ObjectID(hex: try repo.git("rev-parse", "main"))!
        let stale = try check(repo, reviews: reviews([("carol", "APPROVED", old), ("dave", "APPROVED", head)]))
        #expect(!stale.allowed)
        #expect(rule(stale, "prod.approvals")?.message.contains("carol approved an older commit") == true)

        let selfApproved = try check(repo, reviews: reviews([("alice", "APPROVED", head), ("dave", "APPROVED", head)]))
        #expect(rule(selfApproved, "prod.approvals")?.result == .fail)
        #expect(rule(selfApproved, "prod.approvals")?.message.contains("alice") == true)

        let blocked = try check(repo, reviews: reviews([("carol", "CHANGES_REQUESTED", head), ("dave", "APPROVED", head), ("bob", "APPROVED", head)]))
        #expect(!blocked.allowed)
        #expect(rule(blocked, "prod.approvals")?.message.contains("carol") == true)
    }

    @Test func handEditedPromotionIsCaught() throws {
        let (repo, _) = try promotedExample()
        try Run.git(["checkout", "-q", "ladder/promote/staging-to-prod"], in: repo.path)
        try repo.commit(["environments/prod/orders/values.yaml": "image:\n  tag: \"9.9.9\"\n"], "tweak by hand")
        let head = ObjectID(hex: try repo.head())!
        try Run.git(["checkout", "-q", "main"], in: repo.path)
        let result = try check(repo, reviews: reviews([("carol", "APPROVED", head), ("dave", "APPROVED", head)]))
        #expect(!result.allowed)
        let integrity = try #require(rule(result, "prod.integrity"))
        #expect(integrity.result == .fail)
        #expect(integrity.message.contains("orders/values.yaml"))
    }

    @Test func directChangeToProdIsDenied() throws {
        let repo = try FixtureRepository.example()
        try Run.git(["checkout", "-q", "-b", "hotfix"], in: repo.path)
        let head = ObjectID(hex: try repo.commit(["environments/prod/web/values.yaml": "image:\n  tag: \"4.0.9\"\n"], "hotfix prod"))!
        try Run.git(["checkout", "-q", "main"], in: repo.path)
        let result = try check(repo, reviews: reviews([("carol", "APPROVED", head), ("dave", "APPROVED", head)]), author: "bob", branch: "hotfix")
        #expect(!result.allowed)
        #expect(rule(result, "prod.direct_changes")?.result == .fail)
    }

    @Test func policyChangesNeedTheirApprovals() throws {
        let repo = try FixtureRepository.example()
        try Run.git(["checkout", "-q", "-b", "weaken"], in: repo.path)
        let head = ObjectID(hex: try repo.commit(["ladder-policy.yaml": "version: 1\n"], "drop every rule"))!
        try Run.git(["checkout", "-q", "main"], in: repo.path)
        // The branch's own (empty) policy is not used: the rules come from main.
        let result = try check(repo, reviews: reviews([("alice", "APPROVED", head)]), author: "bob", branch: "weaken")
        #expect(!result.allowed)
        #expect(rule(result, "policy_changes.approvals")?.result == .fail)
        let approved = try check(repo, reviews: reviews([("carol", "APPROVED", head), ("dave", "APPROVED", head)]), author: "bob", branch: "weaken")
        #expect(rule(approved, "policy_changes.approvals")?.result == .pass)
    }
}
