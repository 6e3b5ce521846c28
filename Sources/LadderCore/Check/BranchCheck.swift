import Foundation
import LadderGit

/// Input of the merge gate (`ladder check`).
public struct BranchCheckRequest: Sendable {
    /// The branch or revision under check.
    public var head: String
    /// The branch it merges into (default: the trunk). Configuration and policy are read from here.
    public var base: String?
    public var reviews: ReviewsInput?
    public var checks: ChecksInput?
    /// The pull request's author; default the head commit's author name.
    public var author: String?
    /// The pull request's title, for `ticket` rules.
    public var title: String?
    public var now: Date

    public init(head: String, now: Date) {
        self.head = head
        self.now = now
    }
}

/// The outcome of `ladder check`: one decision per environment the branch changes.
public struct BranchCheckResult: Sendable {
    public let head: ObjectID
    public let base: ObjectID
    public let mergeBase: ObjectID
    /// The promotion the branch claims to be (trailers), if any.
    public let promotionID: String?
    public let decisions: [PolicyDecision]
    /// Every review, with whether it counted and why (for the audit log).
    public let records: [ReviewRecord]
    public let changedEnvironments: [String]

    /// Allowed only when every environment's decision allows.
    public var allowed: Bool { decisions.allSatisfy { $0.decision == .allow } }
}

/// What the branch claims through its `Ladder-*` trailers.
struct PromotionClaim {
    let id: String?
    let from: String
    let to: String
    let sourceCommit: ObjectID?
    let breakGlass: String?
    /// `Ladder-Trigger: auto` marks a promotion prepared by `ladder auto`.
    let scheduled: Bool
    /// `Ladder-Rollback-Of`: the branch is a rollback of this promotion id or revision.
    let rollbackOf: String?
}

extension Workspace {
    /// Evaluates the merge-time policy for a branch: promotion integrity (or direct change), the
    /// promote-time rules, approvals, code owners, checks, up-to-date, signatures, ticket, and
    /// policy-file changes. The workspace must have been opened at the base branch, so that a pull
    /// request cannot weaken the rules it is judged by.
    public func checkBranch(_ request: BranchCheckRequest, policy: PolicyFile) throws -> BranchCheckResult {
        let head = try resolve(request.head)
        let base = request.base.map { try? resolve($0) } ?? commitID
        guard let base else { throw WorkspaceError.unknownRevision(request.base ?? "", reason: "not found") }
        let mergeBase = try repository.mergeBase(head, base) ?? base
        let headCommit = try repository.commit(head)
        let headTree = headCommit.treeID
        let mergeBaseTree = try repository.commit(mergeBase).treeID

        // The branch's own commits (newest first), and who committed them.
        var branchCommits: [Commit] = []
        try repository.walk(from: [head], hiding: [base]) { id in
            branchCommits.append(try repository.commit(id))
            return branchCommits.count < 10_000
        }
        var committers = Set<String>()
        for commit in branchCommits {
            committers.formUnion(Self.loginCandidates(commit.committer))
            committers.formUnion(Self.loginCandidates(commit.author))
        }
        let author = request.author ?? headCommit.author.name
        committers.subtract(Self.loginCandidates(Signature(name: author, email: "", time: Date())))
        if request.author == nil { committers.subtract(Self.loginCandidates(headCommit.author)) }

        // Which environments changed, and does the branch touch ladder.yaml or the policy?
        var changed: [(EnvironmentConfig, [String])] = []
        for environment in config.environments {
            let before = try repository.entry(atPath: environment.path, inTree: mergeBaseTree)?.id
            let after = try repository.entry(atPath: environment.path, inTree: headTree)?.id
            guard before != after else { continue }
            let paths = try repository.diffTrees(before, after).map(\.newPath)
            changed.append((environment, paths))
        }
        var changesPolicy = false
        for path in [Workspace.configFileName, config.policyPath] {
            if try repository.entry(atPath: path, inTree: mergeBaseTree)?.id != repository.entry(atPath: path, inTree: headTree)?.id {
                changesPolicy = true
            }
        }

        let claimCarrier = branchCommits.first { $0.trailer("Ladder-To") != nil }
        let claim = claimCarrier.map { commit in
            PromotionClaim(
                id: commit.trailer("Ladder-Promotion"), from: commit.trailer("Ladder-From") ?? "", to: commit.trailer("Ladder-To") ?? "",
                sourceCommit: commit.trailer("Ladder-Source-Commit").flatMap(ObjectID.init(hex:)), breakGlass: commit.trailer("Ladder-Break-Glass"),
                scheduled: commit.trailer("Ladder-Trigger") == "auto", rollbackOf: commit.trailer("Ladder-Rollback-Of"))
        }

        // Reviews → approval evidence (eligibility by group is judged by the policy).
        var records: [ReviewRecord] = []
        var decisions: [PolicyDecision] = []
        let unsigned = try branchCommits.filter { try !repository.isSigned($0.id) }.map(\.id.short)
        let ticketText = ([request.title].compactMap { $0 } + branchCommits.map(\.message)).joined(separator: "\n")
        let upToDate = try repository.isAncestor(base, of: head)
        let codeOwnersFile = try codeOwners(at: headTree)

        var targets = changed
        if targets.isEmpty && changesPolicy, let first = config.environments.last {
            targets = [(first, [])]
        }
        for (environment, paths) in targets {
            let isClaimed = claim?.to == environment.name
            let isRollback = isClaimed && claim?.rollbackOf != nil
            let source = isClaimed && !isRollback ? claim?.from : nil
            let rules = isRollback ? policy.rollbackRules(for: environment.name) : policy.rules(for: environment.name, from: source)
            let evaluation = ApprovalEvaluation(
                reviews: request.reviews?.reviews ?? [],
                rule: ApprovalRule(
                    required: rules.approvals.required, from: nil, allowAuthor: rules.approvals.allowAuthor,
                    allowCommitters: rules.approvals.allowCommitters, dismissStale: rules.approvals.dismissStale,
                    maxAge: rules.approvals.maxAge?.timeInterval),
                context: ApprovalContext(headCommit: head.hex, author: author, committers: committers, now: request.now))
            if records.isEmpty { records = evaluation.records }
            let approvals = ApprovalEvidence(
                approvals: evaluation.records.filter { $0.state == .approved }.map {
                    ApprovalEvidence.Approval(login: $0.login, commit: $0.commit, counted: $0.counted, reason: $0.reason)
                },
                blockers: evaluation.blocking.map { ApprovalEvidence.Blocker(login: $0, reason: "requested changes") })
            let checks = ChecksEvidence(results: request.checks?.results ?? [], headCommit: head.hex)
            var owners: CodeOwnersEvidence?
            if rules.approvals.codeOwners, let codeOwnersFile {
                let fullPaths = paths.map { environment.path + "/" + $0 }
                let result = codeOwnersFile.evaluate(
                    changedPaths: fullPaths, approvers: evaluation.qualifiedApprovers,
                    teamMembers: { team in
                        // A team @org/name stands for the policy group of the same name.
                        let name = String(team.split(separator: "/").last ?? Substring(team))
                        let members = policy.groups.logins([Principal.group(name)])
                        return members.isEmpty ? nil : Set(members.map { $0.lowercased() })
                    })
                owners = CodeOwnersEvidence(result.paths.filter { !$0.owners.isEmpty }.map { (path: CodeOwnersPath) in
                    CodeOwnersEvidence.Requirement(
                        path: path.path, owners: path.owners.map { (owner: CodeOwner) in owner.description },
                        approvedBy: path.approvedBy.map { [$0] } ?? [])
                })
            }

            let integrity: IntegrityEvidence
            if isRollback, let claim {
                integrity = try rollbackIntegrity(claim: claim, target: environment, mergeBase: mergeBase, head: head)
            } else if isClaimed, let claim {
                integrity = try promotionIntegrity(claim: claim, target: environment, mergeBase: mergeBase, head: head)
            } else {
                integrity = .directChange(paths: paths.map { environment.path + "/" + $0 })
            }
            let evidence = MergeEvidence(
                approvals: approvals, checks: checks, codeOwners: owners, upToDate: upToDate, unsignedCommits: unsigned,
                ticketText: ticketText, integrity: integrity, changesPolicy: changesPolicy)

            if let source, config.environment(source) != nil {
                var soak: SoakObservation?
                if rules.soak != nil, let sourceCommit = claim?.sourceCommit, repository.contains(sourceCommit) {
                    let sourceEnvironment = try self.environment(source)
                    soak = try SoakClock(workspace: self).observe(environment: sourceEnvironment, units: nil, at: sourceCommit)
                }
                let policyRequest = PolicyRequest(
                    from: source, to: environment.name, actor: author, trigger: claim?.scheduled == true ? .auto : .manual, changedFiles: paths.count,
                    breakGlassReason: claim?.breakGlass, now: request.now, soak: soak)
                let decision = PolicyEvaluator(policy: policy).evaluateMerge(policyRequest, evidence: evidence)
                decisions.append(decision)
            } else {
                var results = MergeRules.evaluate(rules: rules, groups: policy.groups, evidence: evidence)
                results.append(MergeRules.policyChanges(policy.policyChangeApprovals, groups: policy.groups, changesPolicy: changesPolicy, evidence: approvals))
                decisions.append(PolicyDecision(environment: environment.name, source: nil, rules: results, breakGlass: nil, enforcement: policy.enforcement))
            }
        }
        return BranchCheckResult(
            head: head, base: base, mergeBase: mergeBase, promotionID: claim?.id, decisions: decisions, records: records,
            changedEnvironments: changed.map(\.0.name))
    }

    /// Replays the claimed promotion from its source commit onto the merge base and compares the
    /// result with what the branch actually does to the target.
    func promotionIntegrity(claim: PromotionClaim, target: EnvironmentConfig, mergeBase: ObjectID, head: ObjectID) throws -> IntegrityEvidence {
        guard let sourceCommit = claim.sourceCommit else {
            return .altered(promotionID: claim.id, problems: ["the branch has no valid Ladder-Source-Commit trailer"])
        }
        guard repository.contains(sourceCommit) else {
            return .altered(promotionID: claim.id, problems: ["source commit \(sourceCommit.short) is not in this repository"])
        }
        guard config.environment(claim.from) != nil else {
            return .altered(promotionID: claim.id, problems: ["the claimed source environment '\(claim.from)' does not exist"])
        }
        var request = PromotionRequest(from: claim.from, to: target.name)
        request.ref = mergeBase.hex
        request.sourceCommit = sourceCommit
        let plan: PromotionPlan
        do {
            plan = try planPromotion(request)
        } catch let error as PromotionError {
            return .altered(promotionID: claim.id, problems: [error.localizedDescription])
        }
        let problems = try departures(from: plan, at: head, source: "\(claim.from) at \(sourceCommit.short)")
        return problems.isEmpty ? .faithful(promotionID: claim.id ?? plan.promotionID) : .altered(promotionID: claim.id, problems: problems)
    }

    /// Replays the claimed rollback on the merge base and compares it with what the branch does.
    func rollbackIntegrity(claim: PromotionClaim, target: EnvironmentConfig, mergeBase: ObjectID, head: ObjectID) throws -> IntegrityEvidence {
        guard let of = claim.rollbackOf else { return .altered(promotionID: nil, problems: ["no Ladder-Rollback-Of trailer"]) }
        let atBase = try Workspace(repository: repository, config: config, commitID: mergeBase, revision: mergeBase.hex)
        let isRevision = of.count == 40 && ObjectID(hex: of) != nil && repository.contains(ObjectID(hex: of)!)
        var request = RollbackRequest(environment: target.name, target: isRevision ? .revision(of) : .promotion(of))
        request.restore = true
        let plan: RollbackPlan
        do {
            plan = try atBase.planRollback(request)
        } catch {
            return .altered(promotionID: of, problems: ["the rollback of \(of) cannot be replayed: \(error.localizedDescription)"])
        }
        let headTree = try repository.commit(head).treeID
        let baseTarget = try repository.entry(atPath: target.path, inTree: repository.commit(mergeBase).treeID)?.id
        let headTarget = try repository.entry(atPath: target.path, inTree: headTree)?.id
        var problems: [String] = []
        for write in plan.writes {
            let fullPath = write.path.isEmpty ? target.path : target.path + "/" + write.path
            let actual = try repository.entry(atPath: fullPath, inTree: headTree)
            switch write.content {
            case .delete: if actual != nil { problems.append("\(PathCoding.display(write.path)) should have been removed") }
            case .object(let id, _): if actual?.id != id { problems.append("\(PathCoding.display(write.path.isEmpty ? target.name : write.path)) is not the restored content") }
            case .bytes(let bytes, _): if try actual?.id != repository.hashBlob(bytes) { problems.append("\(PathCoding.display(write.path)) is not the reverted content") }
            }
        }
        let covered = plan.writes.map(\.path)
        for delta in try repository.diffTrees(baseTarget, headTarget, options: TreeDiffOptions(detectRenames: false)) {
            let inside = covered.contains { $0.isEmpty || delta.newPath == $0 || delta.newPath.hasPrefix($0 + "/") }
            if !inside { problems.append("\(PathCoding.display(delta.newPath)) changed but is not part of the rollback") }
        }
        return problems.isEmpty ? .faithful(promotionID: of) : .altered(promotionID: of, problems: problems)
    }

    /// CODEOWNERS from the commit under check (`.github/`, the root or `docs/`, as GitHub looks).
    func codeOwners(at tree: ObjectID) throws -> CodeOwners? {
        for path in [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] {
            if let entry = try repository.entry(atPath: path, inTree: tree), !entry.isTree {
                return try? CodeOwners(parsing: repository.blob(entry.id).bytes, file: path)
            }
        }
        return nil
    }

    /// Forge logins a git identity may stand for: the name, the email, its local part, and the
    /// login inside GitHub's noreply addresses (`123+login@users.noreply.github.com`).
    static func loginCandidates(_ signature: Signature) -> Set<String> {
        var result: Set<String> = [signature.name.lowercased()]
        let email = signature.email.lowercased()
        guard !email.isEmpty else { return result }
        result.insert(email)
        if let local = email.split(separator: "@").first {
            let login = local.split(separator: "+").last.map(String.init) ?? String(local)
            result.insert(String(local))
            result.insert(login)
        }
        return result
    }
}
