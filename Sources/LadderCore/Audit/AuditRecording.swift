import Foundation
import LadderGit

/// Records the events of Ladder's own commands on the audit log (SPEC section 9).
public struct AuditRecorder {
    public let repository: Repository
    public let actor: AuditActor
    public let source: AuditSource

    public init(repository: Repository, actor: AuditActor, source: AuditSource = AuditContext.source()) {
        self.repository = repository
        self.actor = actor
        self.source = source
    }

    /// The policy section of an event: the file, its SHA-256 and every rule result.
    public static func policy(_ decision: PolicyDecision?, identity: (path: String, sha256: String)) -> AuditPolicy? {
        guard let decision else { return nil }
        return AuditPolicy(
            path: identity.path, sha256: identity.sha256,
            rules: decision.rules.map { AuditRuleResult(id: $0.id, result: $0.result.rawValue, message: $0.message) })
    }

    /// Appends one event; secrets are scrubbed before sealing.
    @discardableResult
    public func record(
        _ action: AuditAction, outcome: AuditOutcome, at time: Date, transition: AuditTransition? = nil,
        approvals: [AuditApproval]? = nil, policy: AuditPolicy? = nil, override: AuditOverride? = nil
    ) throws -> AuditEvent {
        let body = AuditEventBody(
            action: action, outcome: outcome, actor: actor, source: source, at: time, transition: transition,
            approvals: approvals, policy: policy, override: override)
        return try AuditLog(repository: repository).append(body)
    }

    /// Records a promotion that wrote its branch (and, with break-glass, the bypass).
    public func recordPromotion(_ outcome: PromotionOutcome, identity: (path: String, sha256: String), at time: Date) throws {
        guard outcome.status == .created || outcome.status == .updated, let commit = outcome.commit else { return }
        let plan = outcome.plan
        let transition = AuditTransition(
            from: plan.from.name, to: plan.to.name, sourceCommit: plan.sourceCommit.hex, baseCommit: plan.baseCommit.hex,
            commit: commit.hex, branch: plan.branch, promotionID: plan.promotionID,
            changedPaths: plan.files.map { plan.to.path + "/" + $0.path })
        var override: AuditOverride?
        if let glass = outcome.decision?.breakGlass, glass.granted {
            override = AuditOverride(reason: glass.reason, by: glass.by)
        }
        let policy = Self.policy(outcome.decision, identity: identity)
        try record(outcome.status == .created ? .promotionCreated : .promotionUpdated, outcome: .allowed, at: time,
                   transition: transition, policy: policy, override: override)
        if override != nil {
            try record(.policyBypassed, outcome: .allowed, at: time, transition: transition, policy: policy, override: override)
        }
    }
}

/// Pushing promotion and rollback branches with lease semantics.
public enum BranchPublisher {
    /// Checks `--push REMOTE` before anything is written: a configured remote name, a URL, or an
    /// existing path.
    public static func validate(remote: String, repository: Repository) throws {
        if repository.configValue("remote.\(remote).url") != nil { return }
        if remote.contains("://") || FileManager.default.fileExists(atPath: remote) { return }
        if let at = remote.firstIndex(of: "@"), remote[at...].contains(":") { return }
        throw WorkspaceError.invalidInput("--push \(Redaction.scrub(remote)): no such remote; give a configured remote name or a URL")
    }

    /// The remote branch holds commits Ladder did not make: never overwritten.
    public struct ForeignCommits: LadderFailure {
        public let remote: String
        public let branch: String
        public let tip: ObjectID
        public var exitStatus: ExitStatus { .repository }
        public var errorDescription: String? {
            "cannot push \(branch) to \(remote): the remote branch is at \(tip.short), which has commits Ladder did not make; nothing was overwritten"
        }
        public var hint: String? { "merge or close that pull request first, or push with --branch to a new name" }
    }

    /// Pushes `branch` (now at `commit`) to `remote` with a lease: the remote branch is fetched
    /// first; it may be replaced only when it is absent or is itself a commit Ladder made on top of
    /// the trunk (a previous version of the same rolling branch). Anything else — a commit someone
    /// added by hand — is refused (exit 3). The push itself is conditional on the remote still
    /// holding the fetched value.
    public static func push(repository: Repository, remote: String, branch: String, commit: ObjectID, previous: ObjectID?, trunk: ObjectID? = nil) throws -> PushedReference? {
        let remoteRef = "refs/heads/\(branch)"
        var seen: ObjectID?
        if let listed = try repository.remoteReferences(remote: remote).first(where: { $0.name == remoteRef }) {
            seen = listed.target
            if listed.target == commit {
                return PushedReference(remoteRef: remoteRef, old: listed.target, new: commit, upToDate: true)
            }
            if !repository.contains(listed.target) {
                let tracking = remote.contains("/") || remote.contains(":") ? "refs/ladder/fetched/\(branch)" : "refs/remotes/\(remote)/\(branch)"
                _ = try repository.fetch(remote: remote, refspecs: ["+\(remoteRef):\(tracking)"])
            }
            let tip = try repository.commit(listed.target)
            let madeByLadder = tip.trailer("Ladder-Promotion") != nil || tip.trailer("Ladder-Rollback-Of") != nil
            let onTrunk = try tip.parentIDs.count == 1 && (trunk.map { try repository.isAncestor(tip.parentIDs[0], of: $0) } ?? true)
            if !(madeByLadder && onTrunk) && listed.target != previous {
                throw ForeignCommits(remote: remote, branch: branch, tip: listed.target)
            }
        }
        let results = try repository.push(remote: remote, updates: [PushUpdate(localRef: remoteRef, remoteRef: remoteRef, expectedRemote: seen)])
        let tracking = "refs/remotes/\(remote)/\(branch)"
        if !remote.contains("/"), !remote.contains(":"), Repository.isValidReferenceName(tracking) {
            let current = try repository.exactReference(tracking)?.target
            try? repository.updateReference(tracking, to: commit, expected: current, message: "ladder: pushed \(branch)")
        }
        return results.first
    }
}
