import Foundation
import LadderCore
import LadderGit
import LadderTestSupport
import Testing

/// How a promotion branch reaches the trunk on a forge.
enum MergeStyle: String, CaseIterable, Sendable {
    case mergeCommit, squash, rebase
}

enum RollbackFixture {
    static let now = try! Timestamp.parse("2026-11-22T12:00:00Z")

    /// Promotes dev → staging with Ladder, then lands the branch on main the way a forge would,
    /// after an unrelated trunk commit so that every style makes a new trunk commit.
    @discardableResult
    static func promoteAndMerge(_ repo: FixtureRepository, style: MergeStyle, units: [String] = []) throws -> PromotionOutcome {
        let workspace = try Workspace.open(at: repo.path)
        var request = PromotionRequest(from: "dev", to: "staging")
        request.units = units
        let outcome = try workspace.promote(request, options: PromoteOptions(actor: "alice", now: now), gate: OpenGate())
        let branch = outcome.plan.branch
        try repo.commit(["README.md": "unrelated change before merging \(branch)\n"], "docs: unrelated")
        switch style {
        case .mergeCommit:
            _ = try repo.git("merge", "--no-ff", "-q", "-m", "Merge pull request #7 from acme/\(branch)", branch)
        case .squash:
            _ = try repo.git("merge", "--squash", "-q", branch)
            let original = try repo.git("log", "-1", "--format=%B", branch)
            let title = try repo.git("log", "-1", "--format=%s", branch)
            // GitHub's squash message: title (#n), the squashed commits as a list, then its own trailers.
            _ = try repo.git("commit", "-q", "-m", "\(title) (#7)\n\n* \(original)\n\nCo-authored-by: Bob <bob@example.com>")
        case .rebase:
            _ = try repo.git("cherry-pick", branch)
        }
        return outcome
    }

    static func rollback(
        _ repo: FixtureRepository, _ environment: String = "staging", _ target: RollbackTarget = .latestPromotion,
        units: [String] = [], restore: Bool = false, gate: RollbackGate = OpenGate(), dryRun: Bool = false
    ) throws -> RollbackOutcome {
        let workspace = try Workspace.open(at: repo.path)
        var request = RollbackRequest(environment: environment, target: target)
        request.units = units
        request.restore = restore
        request.reason = "error rate above 5%"
        var options = RollbackOptions(actor: "carol", now: now)
        options.dryRun = dryRun
        return try workspace.rollback(request, options: options, gate: gate)
    }

    static func show(_ repo: FixtureRepository, _ revision: String, _ path: String) throws -> String {
        try repo.git("show", "\(revision):\(path)")
    }

    static func ladderBranches(_ repo: FixtureRepository) throws -> [String] {
        try repo.git("branch", "--list", "ladder/rollback/*", "--format=%(refname:short)").split(separator: "\n").map(String.init)
    }
}

@Suite struct RollbackTests {
    typealias F = RollbackFixture

    @Test(arguments: MergeStyle.allCases)
    func undoesTheLatestPromotionWhateverTheMergeStyle(_ style: MergeStyle) throws {
        let repo = try FixtureRepository.example()
        let promotion = try F.promoteAndMerge(repo, style: style)
        let main = try repo.head()
        let status = try repo.git("status", "--porcelain")
        let index = try Data(contentsOf: URL(fileURLWithPath: repo.scratch.join(".git/index")))

        let outcome = try F.rollback(repo)
        #expect(outcome.status == .created)
        let plan = outcome.plan
        #expect(plan.promotion?.id == promotion.plan.promotionID)
        #expect(plan.promotion?.landing == (style == .mergeCommit ? .mergeCommit : .linear))
        #expect(plan.promotion?.commit.hex == main)
        #expect(plan.branch == "ladder/rollback/staging/\(promotion.plan.promotionID)")
        #expect(plan.units == ["payments", "web"])

        // Built on the trunk tip, and staging is exactly as it was before the promotion landed.
        #expect(try repo.git("rev-parse", "\(plan.branch)^") == main)
        #expect(try repo.git("rev-parse", "\(plan.branch):environments/staging") == repo.git("rev-parse", "\(main)^1:environments/staging"))
        #expect(try repo.git("diff", "--name-only", main, plan.branch, "--", ":!environments/staging") == "")

        let trailers = try repo.git("log", "-1", "--format=%(trailers:only,unfold)", plan.branch)
        #expect(trailers.contains("Ladder-Rollback-Of: \(promotion.plan.promotionID)"))
        #expect(trailers.contains("Ladder-To: staging"))
        #expect(trailers.contains("Ladder-Rollback: \(plan.rollbackID)"))
        #expect(trailers.contains("Ladder-Promotion-Commit: \(main)"))
        #expect(!trailers.contains("Ladder-Promotion:"))
        #expect(try repo.git("log", "-1", "--format=%s", plan.branch) == "rollback(staging): undo \(promotion.plan.promotionID)")
        #expect(try repo.git("log", "-1", "--format=%an", plan.branch) == "carol")

        // The checkout is untouched.
        #expect(try repo.head() == main)
        #expect(try repo.git("symbolic-ref", "HEAD") == "refs/heads/main")
        #expect(try repo.git("status", "--porcelain") == status)
        #expect(try Data(contentsOf: URL(fileURLWithPath: repo.scratch.join(".git/index"))) == index)
        _ = try repo.git("fsck", "--strict")

        // Same content again: nothing is written.
        let again = try F.rollback(repo)
        #expect(again.status == .upToDate)
        #expect(again.commit == outcome.commit)
    }

    @Test func laterChangesElsewhereInTheFilesAreKept() throws {
        let repo = try FixtureRepository.example()
        let promotion = try F.promoteAndMerge(repo, style: .mergeCommit)
        let values = "environments/staging/payments/values.yaml"
        let promoted = try F.show(repo, "HEAD", values)
        // A later edit on the promoted line's comment (a line-level conflict) and to keys that the
        // promotion did not change.
        let edited = promoted
            .replacingOccurrences(of: "# set by ladder promote", with: "# pinned by ops")
            .replacingOccurrences(of: "version: 3.2.0", with: "version: 3.3.0")
            .replacingOccurrences(of: "replicas: 2", with: "replicas: 5")
        try repo.commit([values: edited + "\n"], "staging: payments tuning")
        let web = "environments/staging/web/values.yaml"
        try repo.commit([web: try F.show(repo, "HEAD", web).replacingOccurrences(of: "replicas: 2", with: "replicas: 3") + "\n"], "staging: web replicas")

        let outcome = try F.rollback(repo, "staging", .promotion(promotion.plan.promotionID))
        #expect(outcome.status == .created)
        let branch = outcome.plan.branch
        // Key level: only image.tag returns; the comment, chart.version and replicas stay as they are now.
        #expect(try F.show(repo, branch, values) == edited.replacingOccurrences(of: "tag: \"1.5.0\"", with: "tag: \"1.4.0\""))
        let paymentsValues = outcome.plan.files.first { $0.path == "payments/values.yaml" }
        #expect(paymentsValues?.method == .keys)
        #expect(paymentsValues?.keys.map(\.path) == ["image.tag"])
        // Line level: the web tag line reverts, the later replicas change stays.
        let webAfter = try F.show(repo, branch, web)
        #expect(webAfter.contains("replicas: 3"))
        #expect(try webAfter == F.show(repo, "main~3", web).replacingOccurrences(of: "replicas: 2", with: "replicas: 3"))
        // Files nobody touched since are restored whole.
        #expect(try repo.git("rev-parse", "\(branch):environments/staging/payments/features.yaml")
            == repo.git("rev-parse", "main~3:environments/staging/payments/features.yaml"))
    }

    @Test func overlappingLaterChangesStopTheRollbackUnlessRestore() throws {
        let repo = try FixtureRepository.example()
        let promotion = try F.promoteAndMerge(repo, style: .squash)
        let features = "environments/staging/payments/features.yaml"
        let values = "environments/staging/payments/values.yaml"
        let later = try repo.commit([
            features: "checkout:\n  oneClick: maybe\n  wallets: [apple-pay, google-pay, paypal]\n",
            values: try F.show(repo, "HEAD", values).replacingOccurrences(of: "1.5.0", with: "1.5.1") + "\n",
        ], "staging: hand edits")
        let before = try repo.git("for-each-ref")

        do {
            _ = try F.rollback(repo, "staging", .promotion(promotion.plan.promotionID))
            Issue.record("expected conflicts")
        } catch let error as RollbackError {
            #expect(error.exitStatus == .negative)
            guard case .conflicts(let id, let environment, let conflicts) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(id == promotion.plan.promotionID)
            #expect(environment == "staging")
            #expect(conflicts.map(\.path) == ["payments/features.yaml", "payments/values.yaml"])
            #expect(conflicts.allSatisfy { $0.commits.map(\.id.hex) == [later] })
            #expect(conflicts[1].reason.contains("image.tag"))
            #expect(error.localizedDescription.contains("payments/features.yaml, payments/values.yaml"))
        }
        #expect(try repo.git("for-each-ref") == before)

        let restored = try F.rollback(repo, "staging", .promotion(promotion.plan.promotionID), restore: true)
        #expect(restored.status == .created)
        #expect(restored.plan.overridden.map(\.path) == ["payments/features.yaml", "payments/values.yaml"])
        let beforePromotion = "\(later)~2"
        #expect(try repo.git("rev-parse", "\(restored.plan.branch):environments/staging")
            == repo.git("rev-parse", "\(beforePromotion):environments/staging"))
        #expect(restored.plan.files.first { $0.path == "payments/features.yaml" }?.method == .forced)
    }

    @Test func restoresAUnitToARevision() throws {
        let repo = try FixtureRepository.example()
        let start = try repo.head()
        try F.promoteAndMerge(repo, style: .rebase)
        try repo.commit(["environments/staging/payments/extra.yaml": "added: later\n"], "staging: extra file")
        let main = try repo.head()

        let outcome = try F.rollback(repo, "staging", .revision(start), units: ["payments"])
        #expect(outcome.status == .created)
        let branch = outcome.plan.branch
        #expect(branch == "ladder/rollback/staging/\(start.prefix(12)).payments")
        #expect(try repo.git("rev-parse", "\(branch):environments/staging/payments") == repo.git("rev-parse", "\(start):environments/staging/payments"))
        // Other units stay as they are on the trunk.
        #expect(try repo.git("rev-parse", "\(branch):environments/staging/web") == repo.git("rev-parse", "\(main):environments/staging/web"))
        #expect(outcome.plan.files.map(\.path).contains("payments/extra.yaml"))
        #expect(outcome.plan.versions["payments"]?.old == "1.5.0")
        #expect(outcome.plan.versions["payments"]?.new == "1.4.0")
        #expect(try repo.git("log", "-1", "--format=%(trailers:key=Ladder-Rollback-Of,valueonly)", branch) == start)

        // The whole environment.
        let whole = try F.rollback(repo, "staging", .revision(start))
        #expect(try repo.git("rev-parse", "\(whole.plan.branch):environments/staging") == repo.git("rev-parse", "\(start):environments/staging"))
        #expect(try F.rollback(repo, "staging", .revision("HEAD")).status == .nothingToRollBack)
    }

    @Test func keyLevelRollbackOfAUnitPromotion() throws {
        let repo = try FixtureRepository.example()
        let promotion = try F.promoteAndMerge(repo, style: .mergeCommit, units: ["payments"])
        let values = "environments/staging/payments/values.yaml"
        try repo.commit([values: try F.show(repo, "HEAD", values).replacingOccurrences(of: "replicas: 2", with: "replicas: 9") + "\n"], "scale")
        let outcome = try F.rollback(repo, "staging", .promotion(String(try repo.git("rev-parse", "HEAD~1").prefix(10))), units: ["payments"])
        #expect(outcome.plan.promotion?.id == promotion.plan.promotionID)
        #expect(outcome.plan.branch == "ladder/rollback/staging/\(promotion.plan.promotionID).payments")
        let after = try F.show(repo, outcome.plan.branch, values)
        #expect(after.contains("tag: \"1.4.0\""))
        #expect(after.contains("replicas: 9"))
        #expect(outcome.plan.versions["payments"]?.old == "1.5.0")
        #expect(outcome.plan.versions["payments"]?.new == "1.4.0")
    }

    @Test func unknownPromotionNamesItAndListsRecentOnes() throws {
        let repo = try FixtureRepository.example()
        let promotion = try F.promoteAndMerge(repo, style: .mergeCommit)
        do {
            _ = try F.rollback(repo, "staging", .promotion("deadbeefdeadbeef"))
            Issue.record("expected an error")
        } catch let error as RollbackError {
            #expect(error.exitStatus == .badInput)
            #expect(error.localizedDescription.contains("'deadbeefdeadbeef'"))
            #expect(error.hint?.contains(promotion.plan.promotionID) == true)
        }
        do {
            _ = try F.rollback(repo, "prod", .promotion(promotion.plan.promotionID))
            Issue.record("expected an error")
        } catch let error as RollbackError {
            #expect(error == .promotionIntoOtherEnvironment(promotion.plan.promotionID, environment: "prod", actual: "staging"))
        }
        #expect(try F.ladderBranches(repo).isEmpty)
    }

    @Test func nothingToRollBackWritesNothing() throws {
        let repo = try FixtureRepository.example()
        let objects = try repo.git("count-objects")
        let none = try F.rollback(repo)
        #expect(none.status == .nothingToRollBack)
        #expect(none.plan.nothingReason?.contains("no promotion into staging") == true)
        #expect(try repo.git("count-objects") == objects)

        // Once the rollback is merged, the promotion is undone: nothing left to roll back.
        try F.promoteAndMerge(repo, style: .mergeCommit)
        let first = try F.rollback(repo)
        _ = try repo.git("merge", "--no-ff", "-q", "-m", "Merge rollback", first.plan.branch)
        let second = try F.rollback(repo)
        #expect(second.status == .nothingToRollBack)
        #expect(second.plan.nothingReason?.contains("already holds its content from before promotion") == true)
        #expect(try F.ladderBranches(repo) == [first.plan.branch])
        // A rollback is never taken for a promotion.
        #expect(try Workspace.open(at: repo.path).latestPromotion(into: "staging")?.id == first.plan.promotion?.id)
    }

    @Test func dryRunWritesNothing() throws {
        let repo = try FixtureRepository.example()
        try F.promoteAndMerge(repo, style: .squash)
        let outcome = try F.rollback(repo, dryRun: true)
        #expect(outcome.status == .wouldCreate)
        #expect(outcome.message?.contains("Ladder-Rollback-Of:") == true)
        #expect(try F.ladderBranches(repo).isEmpty)
    }

    /// A gate that moves the branch while the rollback is being prepared.
    struct RacingGate: RollbackGate {
        let repo: FixtureRepository
        let branch: String
        let policyIdentity = (path: "", sha256: "")
        func evaluateRollback(_ request: RollbackGateRequest) throws -> PolicyDecision {
            _ = try repo.git("branch", "-f", branch, "HEAD")
            return PolicyDecision(environment: request.environment.name, source: nil, rules: [], breakGlass: nil, enforcement: .active)
        }
        func rollbackRequirements(for environment: String) -> [String] { [] }
    }

    @Test func concurrentBranchChangeIsDetected() throws {
        let repo = try FixtureRepository.example()
        let promotion = try F.promoteAndMerge(repo, style: .mergeCommit)
        let branch = "ladder/rollback/staging/\(promotion.plan.promotionID)"
        do {
            _ = try F.rollback(repo, gate: RacingGate(repo: repo, branch: branch))
            Issue.record("expected a conflict")
        } catch let error as RollbackError {
            #expect(error.exitStatus == .repository)
        }
        #expect(try repo.git("rev-parse", branch) == repo.head())
    }
}

@Suite struct RollbackPolicyTests {
    static func policy(_ rollback: String) throws -> PolicyFile {
        let repo = try FixtureRepository.example()
        let workspace = try Workspace.open(at: repo.path)
        let text = try String(contentsOfFile: repo.scratch.join("ladder-policy.yaml"), encoding: .utf8)
        let start = text.range(of: "rollback:")!.lowerBound
        let end = text.range(of: "policy_changes:")!.lowerBound
        return try PolicyFile.parse(Array(text.replacingCharacters(in: start..<end, with: rollback + "\n\n").utf8), config: workspace.config)
    }

    // Saturday 2026-11-21: inside prod's weekend freeze.
    static let weekend = try! Timestamp.parse("2026-11-21T12:00:00Z")

    @Test func ignoreWindowsAndWhoMayRollBack() throws {
        let open = PolicyEvaluator(policy: try Self.policy("rollback:\n  approvals: {required: 1}\n  ignore_windows: true"))
        let allowed = open.evaluateRollback(environment: "prod", actor: "alice", now: Self.weekend)
        #expect(allowed.decision == .allow)
        #expect(allowed.rules.first { $0.id == "prod.windows" }?.result == .skip)

        let strict = PolicyEvaluator(policy: try Self.policy("rollback:\n  by: [group:sre]\n  ignore_windows: false"))
        let outsider = strict.evaluateRollback(environment: "prod", actor: "alice", now: try Timestamp.parse("2026-11-24T12:00:00Z"))
        #expect(outsider.decision == .deny)
        #expect(outsider.failures.map(\.id) == ["prod.rollback.by"])
        let frozen = strict.evaluateRollback(environment: "prod", actor: "carol", now: Self.weekend)
        #expect(frozen.failures.map(\.id) == ["prod.windows"])
        #expect(strict.evaluateRollback(environment: "staging", actor: "carol", now: Self.weekend).decision == .allow)
    }

    @Test func requirementsUseTheRollbackApprovals() throws {
        let policy = try Self.policy("rollback:\n  approvals: {required: 1, from: [group:sre]}\n  checks: [smoke]\n  ignore_windows: true")
        let lines = PolicyExplanation.rollbackRequirements(policy, environment: "prod")
        #expect(lines.first?.hasPrefix("1 approval from") == true)
        #expect(lines.contains("checks smoke successful on the head commit"))
    }

    @Test func deniedRollbackWritesNothing() throws {
        let repo = try FixtureRepository.example()
        try RollbackFixture.promoteAndMerge(repo, style: .mergeCommit)
        let text = try String(contentsOfFile: repo.scratch.join("ladder-policy.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "rollback:                          # getting back to a known good state must stay easy\n", with: "rollback:\n  by: [group:sre]\n")
        try repo.commit(["ladder-policy.yaml": text], "policy: only SRE roll back")
        let workspace = try Workspace.open(at: repo.path)
        let gate = try PolicyGate(workspace: workspace)
        do {
            _ = try workspace.rollback(
                RollbackRequest(environment: "staging", target: .latestPromotion),
                options: RollbackOptions(actor: "alice", now: RollbackFixture.now), gate: gate)
            Issue.record("expected a denial")
        } catch let denied as RollbackDenied {
            #expect(denied.exitStatus == .negative)
            #expect(denied.localizedDescription.contains("staging.rollback.by"))
        }
        #expect(try RollbackFixture.ladderBranches(repo).isEmpty)
    }
}

@Suite struct RollbackPayloadTests {
    @Test func payloadSaysWhatIsUndoneAndWhy() throws {
        let repo = try FixtureRepository.example()
        let promotion = try RollbackFixture.promoteAndMerge(repo, style: .mergeCommit)
        let outcome = try RollbackFixture.rollback(repo)
        let workspace = try Workspace.open(at: repo.path)
        let context = workspace.pullRequestContext(for: outcome.plan, requirements: ["1 approval"], actor: "carol", forge: .github)
        let rendered = try workspace.pullRequestRenderer().render(context)
        #expect(rendered.title == "rollback(staging): undo \(promotion.plan.promotionID)")
        #expect(rendered.body.contains("Rolls back promotion `\(promotion.plan.promotionID)` in `staging`"))
        #expect(rendered.body.contains("**Reason:** error rate above 5%"))
        #expect(rendered.body.contains("`image.tag`: `1.5.0` → `1.4.0`"))
        #expect(rendered.body.contains("<!-- ladder:rollback {\"id\":\"\(outcome.plan.rollbackID)\""))
        #expect(rendered.body.contains("ladder rollback staging --to \(try repo.head().prefix(12))"))
        let payload = rendered.payload.objectValue ?? [:]
        #expect(payload["head"]?.stringValue == outcome.plan.branch)
        #expect(payload["base"]?.stringValue == "main")
    }

    @Test func auditTransitionCarriesTheRollback() throws {
        let repo = try FixtureRepository.example()
        let promotion = try RollbackFixture.promoteAndMerge(repo, style: .rebase)
        let outcome = try RollbackFixture.rollback(repo)
        #expect(outcome.wroteCommit)
        let transition = outcome.auditTransition
        #expect(transition.from == nil)
        #expect(transition.to == "staging")
        #expect(transition.promotionID == promotion.plan.promotionID)
        #expect(transition.commit == outcome.commit?.hex)
        #expect(transition.sourceCommit == (try repo.git("rev-parse", "HEAD^")))
        #expect(transition.changedPaths.contains("environments/staging/payments/values.yaml"))
    }
}
