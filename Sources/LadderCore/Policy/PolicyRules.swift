import Foundation

/// A position in the policy file, kept so that contradictions found after merging can still be
/// reported at the line that caused them.
public struct PolicyPosition: Sendable, Hashable {
    public let line: Int
    public let column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// Whether a change to an environment that is not a faithful promotion may merge.
public enum DirectChanges: String, Sendable, CaseIterable {
    case allow, deny
}

/// `enforcement:` — `evaluate` reports what would be denied and denies nothing.
public enum Enforcement: String, Sendable, CaseIterable {
    case active, evaluate
}

/// The `approvals:` block as written at one level (every field optional, merged key by key).
public struct ApprovalSettings: Sendable, Equatable {
    public var required: Int?
    public var from: [Principal]?
    public var codeOwners: Bool?
    public var allowAuthor: Bool?
    public var allowCommitters: Bool?
    public var dismissStale: Bool?
    public var maxAge: PolicyDuration?

    public init() {}

    /// `self` over `base`: each field set here wins.
    public func merged(over base: ApprovalSettings) -> ApprovalSettings {
        var result = base
        if let required { result.required = required }
        if let from { result.from = from }
        if let codeOwners { result.codeOwners = codeOwners }
        if let allowAuthor { result.allowAuthor = allowAuthor }
        if let allowCommitters { result.allowCommitters = allowCommitters }
        if let dismissStale { result.dismissStale = dismissStale }
        if let maxAge { result.maxAge = maxAge }
        return result
    }

    /// The settings with Ladder's defaults for whatever no level set.
    public var resolved: ApprovalRules {
        ApprovalRules(
            required: required ?? 0, from: from, codeOwners: codeOwners ?? false, allowAuthor: allowAuthor ?? false,
            allowCommitters: allowCommitters ?? true, dismissStale: dismissStale ?? true, maxAge: maxAge)
    }
}

/// Effective approval rules.
///
/// Defaults when nothing sets them: no approval required, anyone may approve, code owners not
/// required, the author's approval never counts, committers' approvals count, an approval counts
/// only for the exact head commit, approvals do not expire.
public struct ApprovalRules: Sendable, Equatable {
    /// How many distinct eligible approvals are needed.
    public var required: Int
    /// Who may approve; nil means anyone.
    public var from: [Principal]?
    /// Whether the code owners of every changed path must approve.
    public var codeOwners: Bool
    /// Whether the promotion's author counts as an approver.
    public var allowAuthor: Bool
    /// Whether people who committed to the branch count as approvers.
    public var allowCommitters: Bool
    /// Whether an approval of an older commit no longer counts.
    public var dismissStale: Bool
    /// Approvals older than this do not count.
    public var maxAge: PolicyDuration?

    public init(
        required: Int = 0, from: [Principal]? = nil, codeOwners: Bool = false, allowAuthor: Bool = false,
        allowCommitters: Bool = true, dismissStale: Bool = true, maxAge: PolicyDuration? = nil
    ) {
        self.required = required
        self.from = from
        self.codeOwners = codeOwners
        self.allowAuthor = allowAuthor
        self.allowCommitters = allowCommitters
        self.dismissStale = dismissStale
        self.maxAge = maxAge
    }
}

/// The `break_glass:` block as written at one level.
public struct BreakGlassSettings: Sendable, Equatable {
    public var allowed: Bool?
    public var by: [Principal]?
    public var approvals: Int?

    public init() {}

    public func merged(over base: BreakGlassSettings) -> BreakGlassSettings {
        var result = base
        if let allowed { result.allowed = allowed }
        if let by { result.by = by }
        if let approvals { result.approvals = approvals }
        return result
    }

    public var resolved: BreakGlassRules {
        BreakGlassRules(allowed: allowed ?? false, by: by ?? [], approvals: approvals)
    }
}

/// Effective break-glass rules: who may bypass the rules that break-glass can bypass, and how
/// many approvals the bypassing change still needs at merge.
public struct BreakGlassRules: Sendable, Equatable {
    public var allowed: Bool
    public var by: [Principal]
    /// Approvals required instead of `approvals.required` when break-glass is used; nil keeps them.
    public var approvals: Int?

    public init(allowed: Bool = false, by: [Principal] = [], approvals: Int? = nil) {
        self.allowed = allowed
        self.by = by
        self.approvals = approvals
    }
}

/// One level of rules as written in the policy: `defaults`, `environments.<env>` or
/// `environments.<env>.from.<source>`. Every field is optional.
///
/// Merging (``merged(over:)``): the more specific level wins key by key. The two mappings,
/// `approvals` and `break_glass`, merge field by field; every other value — scalars and lists
/// such as `checks`, `promoters` and `windows` — replaces the less specific one as a whole.
public struct RuleSettings: Sendable, Equatable {
    public var promoters: [Principal]?
    public var auto: Bool?
    public var soak: PolicyDuration?
    public var approvals = ApprovalSettings()
    public var checks: [String]?
    public var requireUpToDate: Bool?
    public var requireSignedCommits: Bool?
    public var maxChangedFiles: Int?
    public var directChanges: DirectChanges?
    public var windows: [TimeWindow]?
    public var breakGlass = BreakGlassSettings()
    /// A regular expression the pull-request title or commit message must match.
    public var ticket: String?
    /// Where each key (dotted, e.g. `approvals.required`) was written, for later messages.
    public var positions: [String: PolicyPosition] = [:]

    public init() {}

    /// `self` over `base`: see the type's documentation for the merge rules.
    public func merged(over base: RuleSettings) -> RuleSettings {
        var result = base
        if let promoters { result.promoters = promoters }
        if let auto { result.auto = auto }
        if let soak { result.soak = soak }
        result.approvals = approvals.merged(over: base.approvals)
        if let checks { result.checks = checks }
        if let requireUpToDate { result.requireUpToDate = requireUpToDate }
        if let requireSignedCommits { result.requireSignedCommits = requireSignedCommits }
        if let maxChangedFiles { result.maxChangedFiles = maxChangedFiles }
        if let directChanges { result.directChanges = directChanges }
        if let windows { result.windows = windows }
        result.breakGlass = breakGlass.merged(over: base.breakGlass)
        if let ticket { result.ticket = ticket }
        result.positions.merge(positions) { _, specific in specific }
        return result
    }
}

/// The rules of one environment as written: its own level plus per-source overrides.
public struct EnvironmentPolicy: Sendable, Equatable {
    public var name: String
    /// `promote_from`, when written; nil accepts every source that `ladder.yaml` promotes from.
    public var promoteFrom: [String]?
    public var rules: RuleSettings
    /// `from.<source>` overrides, by source name.
    public var transitions: [String: RuleSettings]

    public init(name: String, promoteFrom: [String]? = nil, rules: RuleSettings = RuleSettings(), transitions: [String: RuleSettings] = [:]) {
        self.name = name
        self.promoteFrom = promoteFrom
        self.rules = rules
        self.transitions = transitions
    }
}

/// `rollback:` — the lighter rules for rollback branches.
public struct RollbackSettings: Sendable, Equatable {
    /// Merged over `defaults.approvals` (not over the environment's approvals).
    public var approvals = ApprovalSettings()
    /// Required checks of a rollback; nil: none.
    public var checks: [String]?
    /// Who may run `ladder rollback`; nil: anyone.
    public var by: [Principal]?
    /// Whether rollbacks may go through closed windows.
    public var ignoreWindows = false
    public var positions: [String: PolicyPosition] = [:]

    public init() {}
}

/// The fully resolved rules for promotions into `environment` from `source`.
public struct EffectiveRules: Sendable, Equatable {
    public var environment: String
    /// The source these rules are for; nil for the environment as a whole (no per-source override).
    public var source: String?
    /// The sources the environment accepts promotions from.
    public var promoteFrom: [String]
    /// Who may promote into the environment; nil means anyone.
    public var promoters: [Principal]?
    public var auto: Bool
    public var soak: PolicyDuration?
    public var approvals: ApprovalRules
    public var checks: [String]
    public var requireUpToDate: Bool
    public var requireSignedCommits: Bool
    public var maxChangedFiles: Int?
    public var directChanges: DirectChanges
    public var windows: [TimeWindow]
    public var breakGlass: BreakGlassRules
    public var ticket: String?

    /// Resolves merged settings, filling in Ladder's defaults: no promoter restriction, no auto,
    /// no soak, the approval defaults of ``ApprovalRules``, no checks, no up-to-date or signature
    /// requirement, no size limit, direct changes allowed, no windows, no break-glass, no ticket.
    public init(environment: String, source: String?, promoteFrom: [String], settings: RuleSettings) {
        self.environment = environment
        self.source = source
        self.promoteFrom = promoteFrom
        self.promoters = settings.promoters
        self.auto = settings.auto ?? false
        self.soak = settings.soak
        self.approvals = settings.approvals.resolved
        self.checks = settings.checks ?? []
        self.requireUpToDate = settings.requireUpToDate ?? false
        self.requireSignedCommits = settings.requireSignedCommits ?? false
        self.maxChangedFiles = settings.maxChangedFiles
        self.directChanges = settings.directChanges ?? .allow
        self.windows = settings.windows ?? []
        self.breakGlass = settings.breakGlass.resolved
        self.ticket = settings.ticket
    }
}
