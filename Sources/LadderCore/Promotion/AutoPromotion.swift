import Foundation
import LadderGit

/// What `ladder auto` did with one promotion edge.
public struct AutoEdgeResult: Sendable {
    public enum Action: String, Sendable {
        /// A promotion branch was created or updated.
        case promoted
        /// The branch already holds this content.
        case upToDate = "up_to_date"
        /// The source does not differ from the target.
        case noChanges = "no_changes"
        /// The policy does not allow it yet (soak, window) or at all (denied).
        case waiting
        case denied
        /// `--dry-run`: would have promoted.
        case wouldPromote = "would_promote"
        /// Something failed on this edge (the others still ran).
        case error
    }

    public let edge: PromotionEdge
    public let action: Action
    /// Plain words: why, or what was done.
    public let reason: String
    public let outcome: PromotionOutcome?
    public let decision: PolicyDecision?
    /// When waiting: when the edge may become due (end of soak or of a window), if known.
    public let dueAt: Date?
    public let exitStatus: ExitStatus

    public init(edge: PromotionEdge, action: Action, reason: String, outcome: PromotionOutcome?, decision: PolicyDecision?, dueAt: Date?, exitStatus: ExitStatus) {
        self.edge = edge
        self.action = action
        self.reason = reason
        self.outcome = outcome
        self.decision = decision
        self.dueAt = dueAt
        self.exitStatus = exitStatus
    }
}

extension Workspace {
    /// The promotion edges `ladder auto` considers: targets with `auto: true`, in ladder order.
    public func autoEdges(policy: PolicyFile) -> [PromotionEdge] {
        let order = Dictionary(uniqueKeysWithValues: config.environmentNames.enumerated().map { ($1, $0) })
        return config.promotions
            .filter { policy.rules(for: $0.to, from: $0.from).auto }
            .sorted { (order[$0.to] ?? 0, order[$0.from] ?? 0) < (order[$1.to] ?? 0, order[$1.from] ?? 0) }
    }

    /// Runs one scheduled promotion pass: every due edge is promoted (branch and commit written),
    /// the others say why not. Failures on one edge do not stop the others.
    public func autoPromote(policy gate: PolicyGate, actor: String, now: Date, dryRun: Bool) -> [AutoEdgeResult] {
        var results: [AutoEdgeResult] = []
        for edge in autoEdges(policy: gate.policy) {
            var options = PromoteOptions(actor: actor, now: now)
            options.trigger = .auto
            options.dryRun = dryRun
            do {
                let outcome = try promote(PromotionRequest(from: edge.from, to: edge.to), options: options, gate: gate)
                let units = PromotionMessage.unitList(outcome.plan.units)
                switch outcome.status {
                case .nothingToPromote:
                    results.append(AutoEdgeResult(edge: edge, action: .noChanges, reason: "no changes: \(edge.to) already has \(edge.from)'s promotable content", outcome: outcome, decision: nil, dueAt: nil, exitStatus: .success))
                case .upToDate:
                    results.append(AutoEdgeResult(edge: edge, action: .upToDate, reason: "up to date: \(outcome.plan.branch) already holds \(units)", outcome: outcome, decision: nil, dueAt: nil, exitStatus: .success))
                case .created, .updated:
                    results.append(AutoEdgeResult(edge: edge, action: .promoted, reason: "\(outcome.status.rawValue) \(outcome.plan.branch): \(units)", outcome: outcome, decision: outcome.decision, dueAt: nil, exitStatus: .success))
                case .wouldCreate, .wouldUpdate:
                    results.append(AutoEdgeResult(edge: edge, action: .wouldPromote, reason: "would \(outcome.status == .wouldCreate ? "create" : "update") \(outcome.plan.branch): \(units)", outcome: outcome, decision: outcome.decision, dueAt: nil, exitStatus: .success))
                }
            } catch let denied as PromotionDenied {
                let failures = denied.decision.failures
                // Soak and windows pass with time: the edge is waiting, not refused.
                let temporary = failures.allSatisfy { $0.id.hasSuffix(".soak") || $0.id.hasSuffix(".windows") }
                let reason = failures.map(\.message).joined(separator: "; ")
                results.append(AutoEdgeResult(
                    edge: edge, action: temporary ? .waiting : .denied,
                    reason: temporary ? reason : "denied by \(failures.map(\.id).joined(separator: ", ")): \(reason)",
                    outcome: nil, decision: denied.decision, dueAt: Self.dueTime(in: failures), exitStatus: temporary ? .success : .negative))
            } catch {
                let status = (error as? LadderFailure)?.exitStatus ?? .repository
                results.append(AutoEdgeResult(edge: edge, action: .error, reason: error.localizedDescription, outcome: nil, decision: nil, dueAt: nil, exitStatus: status))
            }
        }
        return results
    }

    /// The latest "until <RFC 3339>" among the failing rules' messages: when the edge may be due.
    static func dueTime(in failures: [RuleResult]) -> Date? {
        var latest: Date?
        for rule in failures {
            guard let range = rule.message.range(of: "until ") else { continue }
            let candidate = rule.message[range.upperBound...].prefix { !$0.isWhitespace && $0 != "," && $0 != ";" && $0 != ")" }
            if let date = try? Timestamp.parse(String(candidate)) {
                latest = max(latest ?? date, date)
            }
        }
        return latest
    }
}
