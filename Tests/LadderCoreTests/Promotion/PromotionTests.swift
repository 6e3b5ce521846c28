import Foundation
import LadderCore
import LadderGit
import LadderTestSupport
import Testing

@Suite struct PromotionTests {
    static let now = try! Timestamp.parse("2026-11-22T12:00:00Z")

    func promote(_ repo: FixtureRepository, _ from: String, _ to: String, units: [String] = [], gate: PromotionGate? = nil, branch: String? = nil) throws -> PromotionOutcome {
        let workspace = try Workspace.open(at: repo.path)
        var request = PromotionRequest(from: from, to: to)
        request.units = units
        request.branch = branch
        return try workspace.promote(request, options: PromoteOptions(actor: "alice", now: Self.now), gate: gate ?? OpenGate())
    }

    @Test func promotesOnlyPromotableContentWithoutTouchingTheCheckout() throws {
        let repo = try FixtureRepository.example()
        let base = try repo.head()
        let index = try Data(contentsOf: URL(fileURLWithPath: repo.scratch.join(".git/index")))
        let outcome = try promote(repo, "dev", "staging")
        #expect(outcome.status == .created)
        #expect(outcome.plan.units == ["payments", "web"])
        let branch = "ladder/promote/dev-to-staging"
        #expect(try repo.git("rev-parse", "\(branch)^") == base)
        let changed = try repo.git("diff", "--name-only", base, branch).split(separator: "\n").map(String.init)
        #expect(changed == [
            "environments/staging/payments/features.yaml", "environments/staging/payments/values.yaml",
            "environments/staging/web/cdn/terragrunt.hcl", "environments/staging/web/values.yaml",
        ])
        // Key-level: only the tag changed, every other byte (comment, replicas) identical.
        let before = try repo.git("show", "\(base):environments/staging/payments/values.yaml")
        let after = try repo.git("show", "\(branch):environments/staging/payments/values.yaml")
        #expect(after == before.replacingOccurrences(of: "tag: \"1.4.0\"", with: "tag: \"1.5.0\""))
        // Whole file copied.
        #expect(try repo.git("rev-parse", "\(branch):environments/staging/payments/features.yaml") == repo.git("rev-parse", "\(base):environments/dev/payments/features.yaml"))
        // Trailers, parsed back by git itself.
        let trailers = try repo.git("log", "-1", "--format=%(trailers:only,unfold)", branch)
        #expect(trailers.contains("Ladder-Promotion: \(outcome.plan.promotionID)"))
        #expect(trailers.contains("Ladder-From: dev"))
        #expect(trailers.contains("Ladder-To: staging"))
        #expect(trailers.contains("Ladder-Source-Commit: \(base)"))
        #expect(try repo.git("log", "-1", "--format=%s", branch) == "promote(staging): payments, web from dev")
        // The checkout is untouched.
        #expect(try repo.git("status", "--porcelain") == "")
        #expect(try repo.head() == base)
        #expect(try repo.git("symbolic-ref", "HEAD") == "refs/heads/main")
        #expect(try Data(contentsOf: URL(fileURLWithPath: repo.scratch.join(".git/index"))) == index)
        _ = try repo.git("fsck", "--strict")
    }

    @Test func rerunIsUpToDateAndSourceMovesUpdate() throws {
        let repo = try FixtureRepository.example()
        let first = try promote(repo, "dev", "staging")
        let second = try promote(repo, "dev", "staging")
        #expect(second.status == .upToDate)
        #expect(second.commit == first.commit)
        try repo.commit(["environments/dev/payments/values.yaml": "image:\n  tag: \"1.6.0\"\n"], "dev: payments 1.6.0")
        let third = try promote(repo, "dev", "staging")
        #expect(third.status == .updated)
        #expect(third.previousCommit == first.commit)
        #expect(try repo.git("show", "ladder/promote/dev-to-staging:environments/staging/payments/values.yaml").contains("tag: \"1.6.0\""))
        // The promotion id is deterministic.
        let workspace = try Workspace.open(at: repo.path)
        #expect(try workspace.planPromotion(PromotionRequest(from: "dev", to: "staging")).promotionID == third.plan.promotionID)
    }

    @Test func nothingToPromoteWritesNothing() throws {
        let repo = try FixtureRepository.example()
        let outcome = try promote(repo, "staging", "prod", units: ["worker"])
        #expect(outcome.status == .nothingToPromote)
        #expect(try repo.git("branch", "--list", "ladder/*") == "")
    }

    @Test func unitBranches() throws {
        let repo = try FixtureRepository.example()
        #expect(try promote(repo, "dev", "staging", units: ["payments"]).plan.branch == "ladder/promote/dev-to-staging.payments")
        let several = try promote(repo, "dev", "staging", units: ["web", "payments"])
        #expect(several.plan.branch.hasPrefix("ladder/promote/dev-to-staging."))
        #expect(several.plan.branch.count == "ladder/promote/dev-to-staging.".count + 8)
        #expect(Workspace.promotionBranch(from: "dev", to: "staging", units: ["payments", "web"]) == several.plan.branch)
        let branches = try repo.git("branch", "--list", "ladder/*", "--format=%(refname:short)").split(separator: "\n")
        #expect(branches.count == 2)
    }

    /// A gate that moves the branch while the promotion is being prepared.
    struct RacingGate: PromotionGate {
        let path: String
        let policyIdentity = (path: "", sha256: "")
        func evaluate(_ request: GateRequest) throws -> PolicyDecision {
            try Run.git(["branch", "-f", request.plan.branch, "HEAD"], in: path)
            return PolicyDecision(environment: request.plan.to.name, source: request.plan.from.name, rules: [], breakGlass: nil, enforcement: .active)
        }
        func mergeRequirements(for plan: PromotionPlan) -> [String] { [] }
    }

    @Test func concurrentBranchChangeIsDetectedNotOverwritten() throws {
        let repo = try FixtureRepository.example()
        let head = try repo.head()
        do {
            _ = try promote(repo, "dev", "staging", gate: RacingGate(path: repo.path))
            Issue.record("expected a conflict")
        } catch let error as PromotionError {
            #expect(error.exitStatus == .repository)
            #expect(error.localizedDescription.contains("moved while promoting"))
        }
        #expect(try repo.git("rev-parse", "ladder/promote/dev-to-staging") == head)
    }

    @Test func deletionsRenamesAndMissingKeys() throws {
        let repo = try FixtureRepository()
        try repo.commit([
            "ladder.yaml": """
                version: 1
                environments:
                  - {name: a, path: a}
                  - {name: b, path: b}
                promote:
                  keys:
                    - files: "*/values.yaml"
                      paths: [image.tag, resources]
                  delete: true
                """,
            "a/svc/values.yaml": "image:\n  tag: 2.0\nresources:\n  cpu: 1\n",
            "b/svc/values.yaml": "# b's own file\nimage:\n  repo: x   # keep\nreplicas: 3\n",
            "b/svc/gone.txt": "old\n",
            "a/svc/new-name.txt": String(repeating: "shared line\n", count: 20) + "a\n",
            "b/svc/old-name.txt": String(repeating: "shared line\n", count: 20) + "b\n",
        ], "setup")
        let outcome = try promote(repo, "a", "b")
        #expect(outcome.status == .created)
        let values = try repo.git("show", "ladder/promote/a-to-b:b/svc/values.yaml")
        #expect(values == "# b's own file\nimage:\n  repo: x   # keep\n  tag: 2.0\nreplicas: 3\nresources:\n  cpu: 1")
        let files = try repo.git("ls-tree", "-r", "--name-only", "ladder/promote/a-to-b", "b/svc").split(separator: "\n")
        #expect(files == ["b/svc/new-name.txt", "b/svc/values.yaml"])
    }

    @Test func notAnEdgeAndBadBranch() throws {
        let repo = try FixtureRepository.example()
        #expect(throws: PromotionError.self) { try promote(repo, "dev", "prod") }
        #expect(throws: PromotionError.self) { try promote(repo, "dev", "staging", branch: "../x") }
        #expect(try repo.git("branch", "--list", "ladder/*") == "")
    }
}
