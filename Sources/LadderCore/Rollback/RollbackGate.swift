import Foundation
import LadderGit

/// Who asks for a rollback and when; the input of the rollback policy.
public struct RollbackGateRequest: Sendable {
    public let environment: EnvironmentConfig
    public let actor: String
    public let changedFiles: Int
    public let now: Date

    public init(environment: EnvironmentConfig, actor: String, changedFiles: Int, now: Date) {
        self.environment = environment
        self.actor = actor
        self.changedFiles = changedFiles
        self.now = now
    }
}

/// The seam between rollback and policy: a rollback asks one gate for one decision, under the
/// policy's `rollback:` rules rather than the environment's promotion rules.
public protocol RollbackGate {
    func evaluateRollback(_ request: RollbackGateRequest) throws -> PolicyDecision
    /// Plain-language lines of what the merge gate will require of a rollback of `environment`.
    func rollbackRequirements(for environment: String) -> [String]
    /// Where the rules come from, for the audit log: the policy path and the SHA-256 of its bytes.
    var policyIdentity: (path: String, sha256: String) { get }
}

extension PolicyGate: RollbackGate {
    public func evaluateRollback(_ request: RollbackGateRequest) throws -> PolicyDecision {
        PolicyEvaluator(policy: policy).evaluateRollback(environment: request.environment.name, actor: request.actor, now: request.now)
    }

    public func rollbackRequirements(for environment: String) -> [String] {
        PolicyExplanation.rollbackRequirements(policy, environment: environment)
    }
}

extension OpenGate: RollbackGate {
    public func evaluateRollback(_ request: RollbackGateRequest) throws -> PolicyDecision {
        PolicyDecision(
            environment: request.environment.name, source: nil,
            rules: [.skip("policy", "no policy: every rollback is allowed")], breakGlass: nil, enforcement: .active)
    }

    public func rollbackRequirements(for environment: String) -> [String] { [] }
}

extension PolicyEvaluator {
    /// Evaluates the rollback-time rules of `rollback:` for `environment`: who may roll back
    /// (`rollback.by`, default anyone) and the environment's windows, unless `ignore_windows`.
    /// Promotion edges, soak and change size do not apply to rollbacks.
    public func evaluateRollback(environment: String, actor: String?, now: Date) -> PolicyDecision {
        let rules = policy.rollbackRules(for: environment)
        var results: [RuleResult] = []
        let byID = "\(environment).rollback.by"
        if let allowed = rules.promoters {
            let who = policy.groups.phrase(allowed)
            if let actor, !actor.isEmpty {
                results.append(
                    policy.groups.contains(actor, in: allowed)
                        ? .pass(byID, "\(actor) may roll back \(environment)")
                        : .fail(byID, "\(actor) may not roll back \(environment); only \(who) may"))
            } else {
                results.append(.fail(byID, "who is rolling back is unknown; only \(who) may roll back \(environment) (pass --actor)"))
            }
        } else {
            results.append(.pass(byID, "anyone may roll back \(environment)"))
        }
        let windowsID = "\(environment).windows"
        if policy.rollback.ignoreWindows {
            results.append(.skip(windowsID, "rollback.ignore_windows: windows do not apply to rollbacks"))
        } else {
            results.append(Self.windowsResult(id: windowsID, windows: rules.windows, now: now))
        }
        return PolicyDecision(environment: environment, source: nil, rules: results, breakGlass: nil, enforcement: policy.enforcement)
    }
}

extension PolicyExplanation {
    /// What the merge gate will require of a rollback of `environment`, in plain words, for
    /// pull-request bodies (the `rollback:` approvals and checks).
    public static func rollbackRequirements(_ policy: PolicyFile, environment: String) -> [String] {
        let rules = policy.rollbackRules(for: environment)
        var lines = [approvalSentence(rules.approvals, groups: policy.groups)]
        if rules.approvals.codeOwners { lines.append("every changed path approved by its code owners") }
        if !rules.checks.isEmpty { lines.append("checks \(rules.checks.joined(separator: ", ")) successful on the head commit") }
        if rules.requireUpToDate { lines.append("the branch must contain the trunk tip") }
        if rules.requireSignedCommits { lines.append("every commit signed") }
        return lines
    }
}

/// A rollback denied by policy (exit 1).
public struct RollbackDenied: LadderFailure {
    public let decision: PolicyDecision
    public let environment: String

    public var exitStatus: ExitStatus { .negative }

    public var errorDescription: String? {
        "rollback of \(environment) denied by policy: " + decision.failures.map { "\($0.id): \($0.message)" }.joined(separator: "; ")
    }
}
