import Foundation
import LadderGit

/// Who asks for a promotion and under which circumstances; the input of the promote-time policy.
public struct GateRequest: Sendable {
    public let plan: PromotionPlan
    public let actor: String
    public let trigger: PolicyRequest.Trigger
    public let breakGlassReason: String?
    public let now: Date

    public init(plan: PromotionPlan, actor: String, trigger: PolicyRequest.Trigger = .manual, breakGlassReason: String?, now: Date) {
        self.plan = plan
        self.actor = actor
        self.trigger = trigger
        self.breakGlassReason = breakGlassReason
        self.now = now
    }
}

/// The seam between promotion and policy: a promotion asks one gate for one decision.
public protocol PromotionGate {
    func evaluate(_ request: GateRequest) throws -> PolicyDecision
    /// Plain-language lines of what the merge gate will require, for pull-request bodies.
    func mergeRequirements(for plan: PromotionPlan) -> [String]
    /// Where the rules come from, for the audit log: the policy path and the SHA-256 of its bytes.
    var policyIdentity: (path: String, sha256: String) { get }
}

/// The policy file of the workspace (or a permissive policy when the repository has none).
public struct PolicyGate: PromotionGate {
    public let policy: PolicyFile
    public let workspace: Workspace
    public let policyIdentity: (path: String, sha256: String)

    /// Loads the policy named by `ladder.yaml` from the commit the workspace works on.
    public init(workspace: Workspace, at commit: ObjectID? = nil) throws {
        self.workspace = workspace
        let commit = commit ?? workspace.commitID
        let path = workspace.config.policyPath
        let tree = try workspace.repository.commit(commit).treeID
        if let entry = try workspace.repository.entry(atPath: path, inTree: tree), !entry.isTree {
            let bytes = try workspace.repository.blob(entry.id).bytes
            policy = try PolicyFile.load(from: workspace, at: commit, revisionName: workspace.revision)
            policyIdentity = (path, AuditHash.hex(bytes))
        } else {
            policy = PolicyFile.permissive(config: workspace.config)
            policyIdentity = (path, "")
        }
    }

    public func evaluate(_ request: GateRequest) throws -> PolicyDecision {
        let plan = request.plan
        let rules = policy.rules(for: plan.to.name, from: plan.from.name)
        var soak: SoakObservation?
        if rules.soak != nil {
            soak = try SoakClock(workspace: workspace).observe(environment: plan.from, units: plan.units, at: plan.sourceCommit)
        }
        let policyRequest = PolicyRequest(
            from: plan.from.name, to: plan.to.name, actor: request.actor, trigger: request.trigger,
            changedFiles: plan.files.count, breakGlassReason: request.breakGlassReason, now: request.now, soak: soak)
        return PolicyEvaluator(policy: policy).evaluate(policyRequest)
    }

    public func mergeRequirements(for plan: PromotionPlan) -> [String] {
        PolicyExplanation.mergeRequirements(policy, environment: plan.to.name, from: plan.from.name)
    }
}

/// A promotion denied by policy (exit 1).
public struct PromotionDenied: LadderFailure {
    public let decision: PolicyDecision
    public let from: String
    public let to: String

    public var exitStatus: ExitStatus { .negative }

    public var errorDescription: String? {
        "promotion \(from) → \(to) denied by policy: " + decision.failures.map { "\($0.id): \($0.message)" }.joined(separator: "; ")
    }
}

/// A gate that allows every promotion (tests, and tools embedding Ladder without a policy).
public struct OpenGate: PromotionGate {
    public init() {}

    public var policyIdentity: (path: String, sha256: String) { ("", "") }

    public func evaluate(_ request: GateRequest) throws -> PolicyDecision {
        PolicyDecision(
            environment: request.plan.to.name, source: request.plan.from.name,
            rules: [.skip("policy", "no policy: every promotion is allowed")], breakGlass: nil, enforcement: .active)
    }

    public func mergeRequirements(for plan: PromotionPlan) -> [String] { [] }
}
