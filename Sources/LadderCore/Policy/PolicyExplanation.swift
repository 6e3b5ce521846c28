import Foundation

/// The effective rules of a policy in plain words, per environment and per source
/// (`ladder policy explain`).
public struct PolicyExplanation: Sendable {
    /// One environment, or one source of an environment with its own overrides.
    public struct Section: Sendable {
        public var environment: String
        /// The source this section is about when the environment has per-source overrides.
        public var source: String?
        public var rules: EffectiveRules
        /// The rules in sentences.
        public var sentences: [String]
        /// The windows verdict at `now`, when a time was given.
        public var windowsNow: WindowDecision?

        public var title: String {
            source.map { "\(environment) (from \($0))" } ?? environment
        }
    }

    public var file: String
    public var sections: [Section]
    /// Sentences about the policy as a whole: enforcement, rollbacks, policy changes.
    public var general: [String]
    public var now: Date?
    let policy: PolicyFile

    /// Explains the environments `only` (default: all of `ladder.yaml`, in order).
    public init(policy: PolicyFile, environments only: [String]? = nil, now: Date? = nil) {
        self.policy = policy
        self.file = policy.file
        self.now = now
        let names = only ?? policy.environmentNames
        var sections: [Section] = []
        for name in names {
            var targets: [String?] = [nil]
            if policy.hasTransitions(name) {
                targets = policy.acceptedSources(of: name).map { Optional($0) }
            }
            for source in targets {
                let rules = policy.rules(for: name, from: source)
                sections.append(Section(
                    environment: name, source: source, rules: rules,
                    sentences: Self.sentences(rules, policy: policy),
                    windowsNow: now.map { WindowPolicy.evaluate(rules.windows, at: $0) }))
            }
        }
        self.sections = sections
        self.general = Self.general(policy)
    }

    // MARK: - Sentences

    static func sentences(_ rules: EffectiveRules, policy: PolicyFile) -> [String] {
        let env = rules.environment
        let groups = policy.groups
        var lines: [String] = []

        let configured = policy.configuredSources(of: env)
        if rules.promoteFrom.isEmpty {
            lines.append("\(env) accepts no promotions: changes start here")
        } else if let source = rules.source {
            lines.append("these rules apply to promotions from \(source) into \(env)")
        } else {
            let only = rules.promoteFrom.count == 1 ? " only" : ""
            lines.append("\(env) accepts promotions from \(PolicyEvaluator.list(rules.promoteFrom))\(only)")
        }
        let refused = configured.filter { !rules.promoteFrom.contains($0) }
        if !refused.isEmpty {
            lines.append("ladder.yaml also promotes from \(PolicyEvaluator.list(refused)) into \(env), which the policy refuses")
        }
        let hasSource = !rules.promoteFrom.isEmpty

        if hasSource {
            if let promoters = rules.promoters {
                lines.append("only \(groups.phrase(promoters)) may promote")
            } else {
                lines.append("anyone may promote")
            }
            lines.append(rules.auto ? "ladder auto promotes into \(env) on its schedule" : "ladder auto never promotes into \(env)")
            if let soak = rules.soak, soak.seconds > 0 {
                let from = rules.source ?? PolicyEvaluator.list(rules.promoteFrom).replacingOccurrences(of: " and ", with: " or ")
                lines.append("\(from) must have held the content for \(soak.policyText) before it moves")
            }
        }

        lines.append(approvalSentence(rules.approvals, groups: groups))
        if rules.approvals.codeOwners { lines.append("the code owners of every changed path must approve") }
        if rules.checks.isEmpty {
            lines.append("no status checks are required")
        } else {
            let plural = rules.checks.count == 1 ? "check \(rules.checks[0]) must" : "checks \(PolicyEvaluator.list(rules.checks)) must"
            lines.append("\(plural) pass on the head commit")
        }
        if rules.requireUpToDate { lines.append("the branch must contain the trunk tip") }
        if rules.requireSignedCommits { lines.append("every commit must be signed") }
        if let limit = rules.maxChangedFiles { lines.append("at most \(limit) changed file\(limit == 1 ? "" : "s") per promotion") }
        if rules.directChanges == .deny {
            lines.append("changes that are not faithful promotions are refused")
        } else if hasSource {
            lines.append("direct changes (not promotions) are allowed")
        }
        if let ticket = rules.ticket {
            lines.append("the pull-request title or a commit message must reference a ticket matching '\(ticket)'")
        }
        lines.append(windowSentence(rules.windows))
        if rules.breakGlass.allowed {
            var sentence = "\(groups.phrase(rules.breakGlass.by)) may break glass, bypassing promoters, windows, soak and code owners"
            if let count = rules.breakGlass.approvals {
                sentence += "; \(count) approval\(count == 1 ? " is" : "s are") then enough"
            }
            lines.append(sentence)
        } else if hasSource {
            lines.append("no break-glass")
        }
        return lines
    }

    /// What the merge gate (`ladder check`) will require for a change of `environment` coming
    /// from `source`, in plain words, for pull-request bodies.
    public static func mergeRequirements(_ policy: PolicyFile, environment: String, from source: String?) -> [String] {
        let rules = policy.rules(for: environment, from: source)
        var lines = [approvalSentence(rules.approvals, groups: policy.groups)]
        if rules.approvals.codeOwners { lines.append("every changed path approved by its code owners") }
        if !rules.checks.isEmpty { lines.append("checks \(rules.checks.joined(separator: ", ")) successful on the head commit") }
        if rules.requireUpToDate { lines.append("the branch must contain the trunk tip") }
        if rules.requireSignedCommits { lines.append("every commit signed") }
        if let ticket = rules.ticket { lines.append("a ticket reference matching '\(ticket)'") }
        lines.append("the branch must stay a faithful promotion (no hand edits to \(environment))")
        return lines
    }

    static func approvalSentence(_ approvals: ApprovalRules, groups: PolicyGroups) -> String {
        guard approvals.required > 0 else { return "no approvals are required" }
        var sentence = "\(approvals.required) approval\(approvals.required == 1 ? "" : "s")"
        if let from = approvals.from {
            sentence += " from \(groups.phrase(from))"
        } else {
            sentence += " from anyone"
        }
        switch (approvals.allowAuthor, approvals.allowCommitters) {
        case (false, false): sentence += " — never the author or committers"
        case (false, true): sentence += " — never the author"
        case (true, false): sentence += " — never committers (the author's approval counts)"
        case (true, true): sentence += " — the author's approval counts"
        }
        if approvals.dismissStale { sentence += "; approvals count only for the exact head commit" }
        if let maxAge = approvals.maxAge { sentence += "; approvals older than \(maxAge.policyText) do not count" }
        return sentence
    }

    static func windowSentence(_ windows: [TimeWindow]) -> String {
        guard !windows.isEmpty else { return "promotions are open at any time" }
        let deny = windows.filter { $0.kind == .deny }.map(phrase)
        let allow = windows.filter { $0.kind == .allow }.map(phrase)
        var parts: [String] = []
        if !allow.isEmpty { parts.append("open only \(PolicyEvaluator.list(allow))") }
        if !deny.isEmpty { parts.append("closed \(PolicyEvaluator.list(deny))") }
        return parts.joined(separator: "; ")
    }

    /// `Fridays 16:00 Europe/Berlin for 64h (weekend freeze)`, `2026-12-20 to 2027-01-04 (year-end freeze)`.
    static func phrase(_ window: TimeWindow) -> String {
        let reason = window.reason.map { $0.isEmpty ? "" : " (\($0))" } ?? ""
        switch window.timing {
        case .recurring(let schedule, let duration, let zone):
            return "\(cronPhrase(schedule.expression)) \(CivilTime.name(of: zone)) for \(duration.policyText)\(reason)"
        case .absolute(let from, let until):
            let start = from.map(dayOrTime)
            let end = until.map(dayOrTime)
            switch (start, end) {
            case (let start?, let end?): return "\(start) to \(end)\(reason)"
            case (let start?, nil): return "from \(start) on\(reason)"
            case (nil, let end?): return "until \(end)\(reason)"
            case (nil, nil): return "always\(reason)"
            }
        }
    }

    /// A date alone when the instant is midnight UTC, else the full timestamp.
    static func dayOrTime(_ date: Date) -> String {
        let text = Timestamp.format(date)
        return text.hasSuffix("T00:00:00Z") ? String(text.prefix(10)) : text
    }

    static let dayNames = ["SUN": "Sundays", "MON": "Mondays", "TUE": "Tuesdays", "WED": "Wednesdays", "THU": "Thursdays", "FRI": "Fridays", "SAT": "Saturdays"]
    static let dayOrder = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
    static let shortNames = ["SUN": "Sun", "MON": "Mon", "TUE": "Tue", "WED": "Wed", "THU": "Thu", "FRI": "Fri", "SAT": "Sat"]

    /// Plain words for the common shapes of a 5-field cron (`0 16 * * FRI` → `Fridays 16:00`,
    /// `30 22 * * *` → `daily 22:30`, `0 9 * * MON-FRI` → `Mon–Fri 09:00`); anything else is quoted.
    static func cronPhrase(_ expression: String) -> String {
        let fields = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let quoted = "cron \"\(expression)\" in"
        guard fields.count == 5, let minute = Int(fields[0]), let hour = Int(fields[1]), (0..<60).contains(minute), (0..<24).contains(hour),
            fields[2] == "*", fields[3] == "*"
        else { return quoted }
        let time = CivilTime.pad(hour, 2) + ":" + CivilTime.pad(minute, 2)
        func day(_ text: String) -> String? {
            let upper = text.uppercased()
            if dayNames[upper] != nil { return upper }
            if let number = Int(text), (0...7).contains(number) { return dayOrder[number] }
            return nil
        }
        let dow = fields[4]
        if dow == "*" { return "daily \(time)" }
        if let single = day(dow) { return "\(dayNames[single]!) \(time)" }
        let range = dow.split(separator: "-").map(String.init)
        if range.count == 2, let first = day(range[0]), let last = day(range[1]) {
            return "\(shortNames[first]!)–\(shortNames[last]!) \(time)"
        }
        let list = dow.split(separator: ",").map(String.init)
        if list.count > 1 {
            let days = list.compactMap(day)
            if days.count == list.count { return "\(PolicyEvaluator.list(days.map { dayNames[$0]! })) \(time)" }
        }
        return quoted
    }

    static func general(_ policy: PolicyFile) -> [String] {
        var lines: [String] = []
        switch policy.enforcement {
        case .active: lines.append("enforcement: active — a failing rule denies")
        case .evaluate: lines.append("enforcement: evaluate — failing rules are reported, nothing is denied")
        }
        let rollback = policy.rollback
        var sentence = "rollbacks: " + approvalSentence(rollback.approvals.merged(over: policy.defaults.approvals).resolved, groups: policy.groups)
        if let by = rollback.by { sentence += "; only \(policy.groups.phrase(by)) may roll back" }
        if let checks = rollback.checks, !checks.isEmpty { sentence += "; checks \(PolicyEvaluator.list(checks)) must pass" }
        sentence += rollback.ignoreWindows ? "; windows do not apply" : "; the environment's windows apply"
        lines.append(sentence)
        if let approvals = policy.policyChangeApprovals {
            lines.append("a branch that edits ladder.yaml or the policy needs " + approvalSentence(approvals, groups: policy.groups))
        } else {
            lines.append("branches that edit ladder.yaml or the policy need no extra approvals")
        }
        return lines
    }

    // MARK: - Rendering

    /// Plain text: a heading per section and one rule per line.
    public var text: String {
        var lines: [String] = []
        for section in sections {
            lines.append(section.title)
            for sentence in section.sentences { lines.append("  - \(sentence)") }
            if let decision = section.windowsNow, let now {
                lines.append("  - at \(Timestamp.format(now)): \(decision.message)")
            }
            lines.append("")
        }
        lines.append("policy \(file)")
        for sentence in general { lines.append("  - \(sentence)") }
        return lines.joined(separator: "\n")
    }

    public var markdown: String {
        var lines: [String] = ["### Ladder policy (`\(file)`)", ""]
        for section in sections {
            lines.append("#### \(section.title)")
            lines.append("")
            for sentence in section.sentences { lines.append("- \(sentence)") }
            if let decision = section.windowsNow, let now {
                lines.append("- at \(Timestamp.format(now)): \(decision.message)")
            }
            lines.append("")
        }
        lines.append("#### Policy")
        lines.append("")
        for sentence in general { lines.append("- \(sentence)") }
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "policy": .string(file),
            "enforcement": .string(policy.enforcement.rawValue),
            "environments": .array(sections.map(sectionJSON)),
            "summary": .array(general.map(JSONValue.string)),
            "rollback": rollbackJSON,
            "policy_changes": policy.policyChangeApprovals.map { Self.approvalsJSON($0, groups: policy.groups) } ?? .null,
        ]
        var groups: [String: JSONValue] = [:]
        for (name, members) in policy.groups.members {
            groups[name] = .array(members.map { .string($0.description) })
        }
        object["groups"] = .object(groups)
        object["now"] = now.map { .string(Timestamp.format($0)) } ?? .null
        return .object(object)
    }

    func sectionJSON(_ section: Section) -> JSONValue {
        var object: [String: JSONValue] = [
            "environment": .string(section.environment),
            "source": .optional(section.source),
            "rules": Self.rulesJSON(section.rules, groups: policy.groups),
            "summary": .array(section.sentences.map(JSONValue.string)),
        ]
        if let decision = section.windowsNow {
            object["windows_now"] = [
                "open": .bool(decision.isOpen),
                "message": .string(decision.message),
                "reopens_at": decision.reopensAt.map { .string(Timestamp.format($0)) } ?? .null,
                "closes_at": decision.closesAt.map { .string(Timestamp.format($0)) } ?? .null,
            ]
        }
        return .object(object)
    }

    var rollbackJSON: JSONValue {
        let rollback = policy.rollback
        return [
            "approvals": Self.approvalsJSON(rollback.approvals.merged(over: policy.defaults.approvals).resolved, groups: policy.groups),
            "checks": .array((rollback.checks ?? []).map(JSONValue.string)),
            "by": rollback.by.map { .array($0.map { .string($0.description) }) } ?? .null,
            "ignore_windows": .bool(rollback.ignoreWindows),
        ]
    }

    static func principalsJSON(_ principals: [Principal]?, groups: PolicyGroups) -> JSONValue {
        guard let principals else { return .null }
        return .array(principals.map { .string($0.description) })
    }

    static func approvalsJSON(_ approvals: ApprovalRules, groups: PolicyGroups) -> JSONValue {
        [
            "required": .integer(Int64(approvals.required)),
            "from": principalsJSON(approvals.from, groups: groups),
            "eligible": approvals.from.map { .array(groups.logins($0).map(JSONValue.string)) } ?? .null,
            "code_owners": .bool(approvals.codeOwners),
            "allow_author": .bool(approvals.allowAuthor),
            "allow_committers": .bool(approvals.allowCommitters),
            "dismiss_stale": .bool(approvals.dismissStale),
            "max_age": approvals.maxAge.map { .string($0.policyText) } ?? .null,
        ]
    }

    static func windowJSON(_ window: TimeWindow) -> JSONValue {
        var object: [String: JSONValue] = ["kind": .string(window.kind.rawValue), "reason": .optional(window.reason)]
        switch window.timing {
        case .recurring(let schedule, let duration, let zone):
            object["schedule"] = .string(schedule.expression)
            object["duration"] = .string(duration.policyText)
            object["timezone"] = .string(CivilTime.name(of: zone))
        case .absolute(let from, let until):
            object["from"] = from.map { .string(Timestamp.format($0)) } ?? .null
            object["until"] = until.map { .string(Timestamp.format($0)) } ?? .null
        }
        return .object(object)
    }

    /// The effective rules as JSON, with groups expanded beside the principals as written.
    public static func rulesJSON(_ rules: EffectiveRules, groups: PolicyGroups) -> JSONValue {
        [
            "promote_from": .array(rules.promoteFrom.map(JSONValue.string)),
            "promoters": principalsJSON(rules.promoters, groups: groups),
            "promoter_logins": rules.promoters.map { .array(groups.logins($0).map(JSONValue.string)) } ?? .null,
            "auto": .bool(rules.auto),
            "soak": rules.soak.map { .string($0.policyText) } ?? .null,
            "approvals": approvalsJSON(rules.approvals, groups: groups),
            "checks": .array(rules.checks.map(JSONValue.string)),
            "require_up_to_date": .bool(rules.requireUpToDate),
            "require_signed_commits": .bool(rules.requireSignedCommits),
            "max_changed_files": rules.maxChangedFiles.map { .integer(Int64($0)) } ?? .null,
            "direct_changes": .string(rules.directChanges.rawValue),
            "windows": .array(rules.windows.map(windowJSON)),
            "break_glass": [
                "allowed": .bool(rules.breakGlass.allowed),
                "by": .array(rules.breakGlass.by.map { .string($0.description) }),
                "logins": .array(groups.logins(rules.breakGlass.by).map(JSONValue.string)),
                "approvals": rules.breakGlass.approvals.map { .integer(Int64($0)) } ?? .null,
            ],
            "ticket": .optional(rules.ticket),
        ]
    }
}
