import Foundation

/// The result of one policy rule.
public struct GateRule: Sendable, Hashable {
    public enum Result: String, Sendable {
        case pass, fail, skip
    }

    public let id: String
    public let result: Result
    public let message: String

    public init(id: String, result: Result, message: String) {
        self.id = id
        self.result = result
        self.message = message
    }
}

/// What the policy says about a promotion.
public struct GateDecision: Sendable {
    public let allowed: Bool
    public let rules: [GateRule]
    /// Set when break-glass bypassed failing rules: the reason and who used it.
    public let breakGlass: (reason: String, by: String)?
    /// Plain-language lines of what the policy will require at merge time (for the PR body).
    public let mergeRequirements: [String]
    /// Whether the policy only reports (`enforcement: evaluate`).
    public let evaluateOnly: Bool

    public init(allowed: Bool, rules: [GateRule], breakGlass: (reason: String, by: String)? = nil, mergeRequirements: [String] = [], evaluateOnly: Bool = false) {
        self.allowed = allowed
        self.rules = rules
        self.breakGlass = breakGlass
        self.mergeRequirements = mergeRequirements
        self.evaluateOnly = evaluateOnly
    }

    /// Allows everything; used when there is no policy file.
    public static let open = GateDecision(allowed: true, rules: [GateRule(id: "policy", result: .skip, message: "no policy file; every promotion is allowed")])
}

/// Who asks for a promotion and under which circumstances; the input of the promote-time policy.
public struct GateRequest: Sendable {
    public let plan: PromotionPlan
    public let actor: String
    public let breakGlassReason: String?
    public let now: Date

    public init(plan: PromotionPlan, actor: String, breakGlassReason: String?, now: Date) {
        self.plan = plan
        self.actor = actor
        self.breakGlassReason = breakGlassReason
        self.now = now
    }
}

/// The seam between promotion and policy: a promotion asks one gate for one decision.
public protocol PromotionGate {
    func evaluate(_ request: GateRequest) throws -> GateDecision
}

/// A gate that allows every promotion.
public struct OpenGate: PromotionGate {
    public init() {}
    public func evaluate(_ request: GateRequest) throws -> GateDecision { .open }
}

/// A promotion denied by policy (exit 1).
public struct PromotionDenied: LadderFailure {
    public let decision: GateDecision
    public let from: String
    public let to: String

    public var exitStatus: ExitStatus { .negative }

    public var errorDescription: String? {
        let failing = decision.rules.filter { $0.result == .fail }
        return "promotion \(from) → \(to) denied by policy: " + failing.map { "\($0.id): \($0.message)" }.joined(separator: "; ")
    }
}
