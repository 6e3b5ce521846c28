import Foundation

/// The verdict of one policy rule.
public struct RuleResult: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        case pass, fail, skip
    }

    /// `<environment>.<rule>`, e.g. `prod.windows`, or `policy_changes.approvals`.
    public var id: String
    public var result: Outcome
    /// The reason in plain words, naming people and times.
    public var message: String
    /// True when the rule failed and break-glass turned the failure into a pass.
    public var bypassed: Bool

    public init(id: String, result: Outcome, message: String, bypassed: Bool = false) {
        self.id = id
        self.result = result
        self.message = message
        self.bypassed = bypassed
    }

    public static func pass(_ id: String, _ message: String) -> RuleResult { RuleResult(id: id, result: .pass, message: message) }
    public static func fail(_ id: String, _ message: String) -> RuleResult { RuleResult(id: id, result: .fail, message: message) }
    public static func skip(_ id: String, _ message: String) -> RuleResult { RuleResult(id: id, result: .skip, message: message) }

    /// `{"id","result","message"}`, plus `"bypassed": true` for a bypassed failure.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["id": .string(id), "result": .string(result.rawValue), "message": .string(message)]
        if bypassed { object["bypassed"] = .bool(true) }
        return .object(object)
    }

    /// `prod.windows: fail — closed by …`.
    public var line: String { "\(id): \(result.rawValue) — \(message)" }
}

/// Break-glass as it was used for one decision.
public struct BreakGlassUse: Sendable, Equatable {
    /// The reason given with `--break-glass`.
    public var reason: String
    /// Who broke the glass.
    public var by: String
    /// Whether the policy allowed this person to break glass here.
    public var granted: Bool
    /// The ids of the failed rules it turned into passes.
    public var bypassed: [String]

    public init(reason: String, by: String, granted: Bool, bypassed: [String]) {
        self.reason = reason
        self.by = by
        self.granted = granted
        self.bypassed = bypassed
    }

    public var json: JSONValue {
        ["reason": .string(reason), "by": .string(by), "granted": .bool(granted), "bypassed": .array(bypassed.map(JSONValue.string))]
    }
}

/// The outcome of evaluating the policy for one promotion (or one merge).
public struct PolicyDecision: Sendable, Equatable {
    public enum Verdict: String, Sendable {
        case allow, deny
    }

    public let decision: Verdict
    public let environment: String
    public let source: String?
    public let rules: [RuleResult]
    public let breakGlass: BreakGlassUse?
    public let enforcement: Enforcement

    /// Decides from the rule results: any failure denies under `active` enforcement; under
    /// `evaluate` the decision is always allow and the failures are only reported.
    public init(environment: String, source: String?, rules: [RuleResult], breakGlass: BreakGlassUse?, enforcement: Enforcement) {
        self.environment = environment
        self.source = source
        self.rules = rules
        self.breakGlass = breakGlass
        self.enforcement = enforcement
        let failed = rules.contains { $0.result == .fail }
        decision = failed && enforcement == .active ? .deny : .allow
    }

    /// The failed rules.
    public var failures: [RuleResult] { rules.filter { $0.result == .fail } }

    /// True when some rule failed, whatever the enforcement.
    public var wouldDeny: Bool { !failures.isEmpty }

    /// One sentence: `allowed`, `denied: prod.windows, prod.soak failed`, or under evaluate,
    /// `allowed (enforcement: evaluate — would deny: prod.windows; nothing is denied)`.
    public var summary: String {
        let failed = failures.map(\.id).joined(separator: ", ")
        let bypass = breakGlass.flatMap { use -> String? in
            guard use.granted, !use.bypassed.isEmpty else { return nil }
            return "break-glass by \(use.by) bypassed \(use.bypassed.joined(separator: ", "))"
        }
        switch (decision, wouldDeny) {
        case (.deny, _):
            return "denied: \(failed) failed"
        case (.allow, true):
            return "allowed (enforcement: evaluate — would deny: \(failed); nothing is denied)"
        case (.allow, false):
            return bypass.map { "allowed: \($0)" } ?? "allowed"
        }
    }

    /// `{"decision","environment","source","enforcement","rules":[…],"break_glass":…}`.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "decision": .string(decision.rawValue),
            "environment": .string(environment),
            "source": .optional(source),
            "enforcement": .string(enforcement.rawValue),
            "rules": .array(rules.map(\.json)),
        ]
        if enforcement == .evaluate, wouldDeny { object["would_deny"] = .bool(true) }
        object["break_glass"] = breakGlass?.json ?? .null
        return .object(object)
    }
}

extension PolicyDuration {
    /// The duration as people write soak times and ages: whole hours below two days (`24h`,
    /// `64h`), whole days from there (`7d`), otherwise the canonical spelling (`1h30m`).
    public var policyText: String {
        if seconds > 0, seconds % 86_400 == 0, seconds >= 2 * 86_400 { return "\(seconds / 86_400)d" }
        if seconds > 0, seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        return description
    }
}
