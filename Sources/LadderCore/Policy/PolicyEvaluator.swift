import Foundation
import LadderGit

/// How long the source environment has held the content being promoted (see ``SoakClock``).
public struct SoakObservation: Sendable, Equatable {
    /// When the source started holding this content: the committer time of the trunk commit that
    /// last changed it.
    public var heldSince: Date
    /// That commit, when known.
    public var commit: ObjectID?
    /// True when the history walk stopped at its bound (or at a shallow boundary) before finding
    /// a change: the content is at least this old.
    public var atLeast: Bool

    public init(heldSince: Date, commit: ObjectID? = nil, atLeast: Bool = false) {
        self.heldSince = heldSince
        self.commit = commit
        self.atLeast = atLeast
    }
}

/// What is being promoted, as the promotion engine (`plan`, `promote`, `auto`) sees it.
public struct PolicyRequest: Sendable, Equatable {
    /// Who starts the promotion: a person (`ladder promote`) or the scheduler (`ladder auto`).
    public enum Trigger: String, Sendable {
        case manual, auto
    }

    public var from: String
    public var to: String
    /// The forge login of whoever promotes (`--actor`), if known.
    public var actor: String?
    public var trigger: Trigger
    /// How many files the promotion changes in the target.
    public var changedFiles: Int
    /// `--break-glass REASON`.
    public var breakGlassReason: String?
    public var now: Date
    /// How long the source has held the content; nil when it could not be determined.
    public var soak: SoakObservation?

    public init(
        from: String, to: String, actor: String?, trigger: Trigger = .manual, changedFiles: Int,
        breakGlassReason: String? = nil, now: Date, soak: SoakObservation? = nil
    ) {
        self.from = from
        self.to = to
        self.actor = actor
        self.trigger = trigger
        self.changedFiles = changedFiles
        self.breakGlassReason = breakGlassReason
        self.now = now
        self.soak = soak
    }
}

/// The seam the promotion engine calls: a promotion request in, a policy decision out.
public protocol PolicyEvaluating: Sendable {
    func evaluate(_ request: PolicyRequest) -> PolicyDecision
}

/// Evaluates the policy for promotions (promote time) and, with ``MergeEvidence``, for merges.
///
/// Break-glass: when the request carries a reason, the environment allows break-glass and the
/// actor is among `break_glass.by`, the failures of the rules in ``bypassableAtPromote`` (who
/// promotes, windows, soak) become passes marked `bypassed`; at merge time the approval count
/// drops to `break_glass.approvals` (when set) and code owners are bypassed. Break-glass never
/// bypasses the edge (`promote_from`), the change size, checks, up-to-date, signatures, the
/// ticket or promotion integrity. Asking for break-glass where it is not allowed, or by someone
/// not in `by`, fails `<env>.break_glass` and so denies.
public struct PolicyEvaluator: PolicyEvaluating {
    public let policy: PolicyFile

    /// The promote-time rules break-glass may bypass.
    public static let bypassableAtPromote = ["promoters", "windows", "soak"]
    /// The merge-time rules break-glass may bypass (approvals are lowered, not bypassed).
    public static let bypassableAtMerge = ["code_owners"]

    public init(policy: PolicyFile) {
        self.policy = policy
    }

    /// Evaluates the promote-time rules: edge, promoter (or `auto`), windows, soak, change size,
    /// and break-glass when requested.
    public func evaluate(_ request: PolicyRequest) -> PolicyDecision {
        let rules = policy.rules(for: request.to, from: request.from)
        let results = promotionResults(request, rules: rules)
        return decide(request, rules: rules, results: results, bypassable: Self.bypassableAtPromote)
    }

    /// Evaluates everything `ladder check` needs: the promote-time rules for `request` (its
    /// actor being the promotion's author) followed by the merge-time rules from `evidence`.
    public func evaluateMerge(_ request: PolicyRequest, evidence: MergeEvidence) -> PolicyDecision {
        let rules = policy.rules(for: request.to, from: request.from)
        let glass = breakGlassGrant(request, rules: rules)
        var results = promotionResults(request, rules: rules)
        results += MergeRules.evaluate(
            rules: rules, groups: policy.groups, evidence: evidence,
            breakGlassApprovals: glass == true ? rules.breakGlass.approvals : nil)
        results.append(MergeRules.policyChanges(
            policy.policyChangeApprovals, groups: policy.groups, changesPolicy: evidence.changesPolicy, evidence: evidence.approvals))
        return decide(request, rules: rules, results: results, bypassable: Self.bypassableAtPromote + Self.bypassableAtMerge)
    }

    /// Rules evaluated for the edge `from → to`, in report order, before break-glass is applied.
    public func promotionResults(_ request: PolicyRequest, rules: EffectiveRules) -> [RuleResult] {
        let env = request.to
        var results: [RuleResult] = [edgeResult(request, rules: rules)]
        switch request.trigger {
        case .manual:
            results.append(promoterResult(request, rules: rules))
        case .auto:
            results.append(
                rules.auto
                    ? .pass("\(env).auto", "auto: true — ladder auto may promote into \(env)")
                    : .fail("\(env).auto", "\(env) does not accept scheduled promotions (auto is not set)"))
        }
        results.append(Self.windowsResult(id: "\(env).windows", windows: rules.windows, now: request.now))
        results.append(soakResult(request, rules: rules))
        if let limit = rules.maxChangedFiles {
            let files = "\(request.changedFiles) changed file\(request.changedFiles == 1 ? "" : "s")"
            results.append(
                request.changedFiles <= limit
                    ? .pass("\(env).max_changed_files", "\(files), within the limit of \(limit)")
                    : .fail("\(env).max_changed_files", "\(files), more than the limit of \(limit)"))
        } else {
            results.append(.skip("\(env).max_changed_files", "no limit on changed files"))
        }
        return results
    }

    func edgeResult(_ request: PolicyRequest, rules: EffectiveRules) -> RuleResult {
        let id = "\(request.to).promote_from"
        guard policy.environmentNames.contains(request.to) else {
            return .fail(id, "\(request.to) is not an environment of ladder.yaml")
        }
        let accepted = rules.promoteFrom
        if accepted.contains(request.from) {
            return .pass(id, "\(request.from) → \(request.to) is allowed (\(request.to) accepts promotions from \(Self.list(accepted)))")
        }
        if accepted.isEmpty {
            return .fail(id, "\(request.to) accepts no promotions: nothing feeds it")
        }
        let only = accepted.count == 1 ? " only" : ""
        return .fail(id, "\(request.to) accepts promotions from \(Self.list(accepted))\(only), not from \(request.from)")
    }

    func promoterResult(_ request: PolicyRequest, rules: EffectiveRules) -> RuleResult {
        let id = "\(request.to).promoters"
        guard let promoters = rules.promoters else {
            return .pass(id, "anyone may promote into \(request.to)")
        }
        let who = policy.groups.phrase(promoters)
        guard let actor = request.actor, !actor.isEmpty else {
            return .fail(id, "who is promoting is unknown; only \(who) may promote into \(request.to) (pass --actor)")
        }
        if policy.groups.contains(actor, in: promoters) {
            return .pass(id, "\(actor) may promote into \(request.to)")
        }
        return .fail(id, "\(actor) may not promote into \(request.to); only \(who) may")
    }

    func soakResult(_ request: PolicyRequest, rules: EffectiveRules) -> RuleResult {
        let id = "\(request.to).soak"
        guard let soak = rules.soak, soak.seconds > 0 else {
            return .skip(id, "no soak time")
        }
        guard let observed = request.soak else {
            return .fail(id, "cannot tell how long \(request.from) has held this content; \(soak.policyText) is required")
        }
        let held = max(0, request.now.timeIntervalSince(observed.heldSince))
        let since = Timestamp.format(observed.heldSince)
        let atLeast = observed.atLeast ? "at least " : ""
        if held >= soak.timeInterval {
            return .pass(id, "\(request.from) has held this content for \(atLeast)\(PolicyDuration.phrase(held)) (since \(since)), \(soak.policyText) required")
        }
        let until = Timestamp.format(observed.heldSince.addingTimeInterval(soak.timeInterval))
        return .fail(id, "soaking: \(request.from) has held this content for \(PolicyDuration.phrase(held)) of \(soak.policyText), until \(until)")
    }

    /// The windows verdict at `now` as a rule result (skip when there are no windows).
    public static func windowsResult(id: String, windows: [TimeWindow], now: Date) -> RuleResult {
        guard !windows.isEmpty else { return .skip(id, "no windows: promotions are open at any time") }
        let decision = WindowPolicy.evaluate(windows, at: now)
        return decision.isOpen ? .pass(id, decision.message) : .fail(id, decision.message)
    }

    /// nil when break-glass was not requested; otherwise whether it is granted.
    func breakGlassGrant(_ request: PolicyRequest, rules: EffectiveRules) -> Bool? {
        guard let reason = request.breakGlassReason else { return nil }
        guard rules.breakGlass.allowed, !reason.trimmingCharacters(in: .whitespaces).isEmpty,
            let actor = request.actor, policy.groups.contains(actor, in: rules.breakGlass.by)
        else { return false }
        return true
    }

    func decide(_ request: PolicyRequest, rules: EffectiveRules, results: [RuleResult], bypassable: [String]) -> PolicyDecision {
        var results = results
        let env = request.to
        var use: BreakGlassUse?
        if let reason = request.breakGlassReason {
            let id = "\(env).break_glass"
            let actor = request.actor ?? ""
            let granted = breakGlassGrant(request, rules: rules) == true
            var bypassed: [String] = []
            if granted {
                let ids = Set(bypassable.map { "\(env).\($0)" })
                for index in results.indices where results[index].result == .fail && ids.contains(results[index].id) {
                    results[index].result = .pass
                    results[index].bypassed = true
                    results[index].message = "bypassed by break-glass (\(actor)): \(results[index].message)"
                    bypassed.append(results[index].id)
                }
                // Approvals lowered by break-glass count as bypassed when they would have failed otherwise.
                bypassed += results.filter { $0.bypassed && !bypassed.contains($0.id) }.map(\.id)
                let what = bypassed.isEmpty ? "nothing needed bypassing" : "bypassed \(bypassed.joined(separator: ", "))"
                results.append(.pass(id, "break-glass by \(actor): \"\(reason)\"; \(what)"))
            } else if reason.trimmingCharacters(in: .whitespaces).isEmpty {
                results.append(.fail(id, "break-glass needs a reason"))
            } else if !rules.breakGlass.allowed {
                results.append(.fail(id, "break-glass is not allowed for \(env)"))
            } else if actor.isEmpty {
                results.append(.fail(id, "who is breaking glass is unknown; only \(policy.groups.phrase(rules.breakGlass.by)) may (pass --actor)"))
            } else {
                results.append(.fail(id, "\(actor) may not break glass for \(env); only \(policy.groups.phrase(rules.breakGlass.by)) may"))
            }
            use = BreakGlassUse(reason: reason, by: actor, granted: granted, bypassed: bypassed)
        } else {
            results.append(.skip("\(env).break_glass", "not requested"))
        }
        return PolicyDecision(environment: env, source: request.from, rules: results, breakGlass: use, enforcement: policy.enforcement)
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return "nowhere"
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
    }
}
