import Foundation
import LadderGit

/// `ladder-policy.yaml`: branch-protection, promotion and approval rules (SPEC section 6),
/// checked against the environments and promotions of `ladder.yaml`.
///
/// Rules for a promotion into `env` from `source` are ``RuleSettings`` merged in this order, the
/// later winning: `defaults` ← `environments.<env>` ← `environments.<env>.from.<source>`
/// (see ``RuleSettings/merged(over:)``), then resolved with Ladder's defaults into
/// ``EffectiveRules``.
public struct PolicyFile: Sendable {
    /// The name used in messages, e.g. `ladder-policy.yaml@main`.
    public var file: String
    public var version: Int
    public var groups: PolicyGroups
    public var defaults: RuleSettings
    /// The environments the policy writes rules for, by name.
    public var environments: [String: EnvironmentPolicy]
    public var rollback: RollbackSettings
    /// `policy_changes.approvals`, merged over `defaults.approvals`; nil when the section is absent.
    public var policyChanges: ApprovalSettings?
    public var enforcement: Enforcement
    /// Findings that do not stop the policy from working (an unused group...).
    public var warnings: [ConfigError]
    /// The environments of `ladder.yaml`, in order.
    public let environmentNames: [String]
    /// The promotions of `ladder.yaml`.
    public let promotions: [PromotionEdge]

    /// A policy that restricts nothing beyond `ladder.yaml`'s promotion edges, for repositories
    /// without a policy file.
    public static func permissive(config: LadderConfig, file: String = "(no policy)") -> PolicyFile {
        PolicyFile(
            file: file, version: 1, groups: PolicyGroups(), defaults: RuleSettings(), environments: [:],
            rollback: RollbackSettings(), policyChanges: nil, enforcement: .active, warnings: [],
            environmentNames: config.environmentNames, promotions: config.promotions)
    }

    /// The sources `environment` accepts promotions from: `promote_from` when written (the loader
    /// has checked that each is a promotion of `ladder.yaml`), else every source `ladder.yaml` names.
    public func acceptedSources(of environment: String) -> [String] {
        if let listed = environments[environment]?.promoteFrom { return listed }
        return promotions.filter { $0.to == environment }.map(\.from)
    }

    /// The sources `ladder.yaml` promotes into `environment` from.
    public func configuredSources(of environment: String) -> [String] {
        promotions.filter { $0.to == environment }.map(\.from)
    }

    /// The merged, not yet resolved settings for `environment` (from `source`, when given).
    public func settings(for environment: String, from source: String? = nil) -> RuleSettings {
        var merged = defaults
        if let policy = environments[environment] {
            merged = policy.rules.merged(over: merged)
            if let source, let transition = policy.transitions[source] {
                merged = transition.merged(over: merged)
            }
        }
        return merged
    }

    /// The effective rules for promotions into `environment` from `source` (nil: the
    /// environment's own level, without any per-source override).
    public func rules(for environment: String, from source: String? = nil) -> EffectiveRules {
        EffectiveRules(
            environment: environment, source: source, promoteFrom: acceptedSources(of: environment),
            settings: settings(for: environment, from: source))
    }

    /// The rules for a rollback of `environment`: the environment's rules, with approvals from
    /// `defaults.approvals` ← `rollback.approvals`, checks from `rollback.checks` (default none),
    /// promoters from `rollback.by`, no soak, no size limit, and no windows when `ignore_windows`.
    public func rollbackRules(for environment: String) -> EffectiveRules {
        var rules = self.rules(for: environment)
        rules.source = nil
        rules.approvals = rollback.approvals.merged(over: defaults.approvals).resolved
        rules.checks = rollback.checks ?? []
        rules.promoters = rollback.by
        rules.soak = nil
        rules.maxChangedFiles = nil
        rules.auto = false
        if rollback.ignoreWindows { rules.windows = [] }
        return rules
    }

    /// Approvals a branch needs when it edits `ladder.yaml` or the policy file; nil when the
    /// policy has no `policy_changes` section.
    public var policyChangeApprovals: ApprovalRules? {
        policyChanges.map { $0.merged(over: defaults.approvals).resolved }
    }

    /// Whether the policy writes per-source overrides for `environment`.
    public func hasTransitions(_ environment: String) -> Bool {
        !(environments[environment]?.transitions.isEmpty ?? true)
    }
}

/// Why the policy could not be loaded from the repository.
public enum PolicyError: LadderFailure, Equatable {
    case missing(file: String, revision: String)
    case unreadable(file: String, reason: String)

    public var exitStatus: ExitStatus { .badInput }

    public var errorDescription: String? {
        switch self {
        case .missing(let file, let revision): return "no \(file) at \(revision)"
        case .unreadable(let file, let reason): return "cannot read \(file): \(reason)"
        }
    }

    public var hint: String? {
        switch self {
        case .missing: return "write a policy (see 'ladder init') or set 'policy:' in ladder.yaml"
        case .unreadable: return nil
        }
    }
}

extension PolicyFile {
    /// Reads and validates the policy named by `ladder.yaml` (`policy:`) from `commit` (default
    /// the workspace commit), never from the working tree.
    ///
    /// - Throws: ``PolicyError/missing(file:revision:)`` when the file is absent, or
    ///   ``ConfigErrors`` listing every mistake.
    public static func load(from workspace: Workspace, at commit: ObjectID? = nil, revisionName: String? = nil) throws -> PolicyFile {
        let path = workspace.config.policyPath
        let commitID = commit ?? workspace.commitID
        let name = revisionName ?? (commit == nil ? workspace.revision : commitID.short)
        let tree = try workspace.repository.commit(commitID).treeID
        guard let entry = try workspace.repository.entry(atPath: path, inTree: tree), !entry.isTree else {
            throw PolicyError.missing(file: path, revision: name)
        }
        let bytes = try workspace.repository.blob(entry.id).bytes
        return try parse(bytes, file: "\(path)@\(name)", config: workspace.config)
    }

    /// Reads a policy file from disk (`ladder policy validate FILE`).
    /// - Parameter displayName: how to name the file in messages (default: `path`).
    public static func load(contentsOf path: String, displayName: String? = nil, config: LadderConfig) throws -> PolicyFile {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw PolicyError.unreadable(file: displayName ?? path, reason: (error as NSError).localizedFailureReason ?? "no such file or not readable")
        }
        return try parse(bytes, file: displayName ?? path, config: config)
    }

    /// Parses and validates a policy against `config`.
    ///
    /// - Throws: ``ConfigErrors`` with every mistake found (not just the first), each with
    ///   file:line:column, in document order.
    public static func parse(_ bytes: [UInt8], file: String = "ladder-policy.yaml", config: LadderConfig) throws(ConfigErrors) -> PolicyFile {
        var loader = PolicyLoader(file: file, config: config)
        let policy = loader.load(bytes)
        guard let policy, loader.errors.isEmpty else {
            throw ConfigErrors(loader.errors.isEmpty ? [ConfigError(file: file, line: 0, column: 0, reason: "the policy could not be read")] : loader.errors)
        }
        return policy
    }
}
