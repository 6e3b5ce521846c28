import Foundation
import Yams

/// Reads `ladder-policy.yaml` with `YAMLReader`, collecting every mistake instead of stopping at
/// the first, so that `ladder policy validate` can list them all.
struct PolicyLoader {
    let file: String
    let config: LadderConfig
    var errors: [ConfigError] = []
    var warnings: [ConfigError] = []
    private var groupNames: Set<String> = []
    private var usedGroups: Set<String> = []

    init(file: String, config: LadderConfig) {
        self.file = file
        self.config = config
    }

    static let topLevelKeys = ["version", "groups", "defaults", "environments", "rollback", "policy_changes", "enforcement"]
    static let ruleKeys = [
        "promoters", "auto", "soak", "approvals", "checks", "require_up_to_date", "require_signed_commits",
        "max_changed_files", "direct_changes", "windows", "break_glass", "ticket",
    ]
    static let environmentKeys = ["promote_from"] + ruleKeys + ["from"]
    static let approvalKeys = ["required", "from", "code_owners", "allow_author", "allow_committers", "dismiss_stale", "max_age"]
    static let windowKeys = ["kind", "schedule", "duration", "timezone", "from", "until", "reason"]
    static let breakGlassKeys = ["allowed", "by", "approvals"]
    static let rollbackKeys = ["approvals", "checks", "by", "ignore_windows"]
    static let policyChangeKeys = ["approvals"]

    /// Where a level of rules sits, which decides the keys it may hold.
    enum Level {
        case defaults
        case environment(String)
        case transition(environment: String, source: String)
    }

    // MARK: - Helpers

    mutating func attempt<T>(_ body: () throws(ConfigError) -> T?) -> T? {
        do {
            return try body()
        } catch {
            errors.append(error)
            return nil
        }
    }

    func position(_ node: Node?) -> PolicyPosition {
        PolicyPosition(line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0)
    }

    func error(at position: PolicyPosition?, _ reason: String, hint: String? = nil) -> ConfigError {
        ConfigError(file: file, line: position?.line ?? 0, column: position?.column ?? 0, reason: reason, hint: hint)
    }

    /// Reports every key of `map` outside `known`; `misplaced` explains keys that belong elsewhere.
    mutating func checkKeys(_ map: YAMLMap, _ known: [String], misplaced: [String: String] = [:]) {
        for name in map.keys where !known.contains(name) {
            let keyNode = map.keyNode(name) ?? map.node
            let place = map.path.isEmpty ? "" : " in '\(map.path)'"
            if let explanation = misplaced[name] {
                errors.append(map.error(at: keyNode, "'\(name)' is not allowed\(place): \(explanation)"))
                continue
            }
            let suggestion = Suggestion.closest(to: name, in: known)
            errors.append(map.error(
                at: keyNode, "unknown key '\(name)'\(place)",
                hint: suggestion.map { "did you mean '\($0)'?" } ?? "known keys: \(known.joined(separator: ", "))"))
        }
        for key in map.mappingKeysWithoutText {
            errors.append(map.error(at: key, "keys must be plain text"))
        }
    }

    func known(environment name: String) -> Bool { config.environment(name) != nil }

    func environmentHint(_ name: String) -> String {
        Suggestion.closest(to: name, in: config.environmentNames).map { "did you mean '\($0)'?" }
            ?? "ladder.yaml defines: \(config.environmentNames.joined(separator: ", "))"
    }

    // MARK: - Document

    mutating func load(_ bytes: [UInt8]) -> PolicyFile? {
        let reader = YAMLReader(file: file)
        let root: YAMLMap
        do {
            root = try reader.parseRoot(bytes)
        } catch {
            errors.append(error)
            return nil
        }
        checkKeys(root, Self.topLevelKeys)

        var version = 1
        if let value = attempt({ () throws(ConfigError) in try root.int("version") }) {
            if value != 1 {
                errors.append(root.error("version", "unsupported policy version \(value); this Ladder reads version 1"))
            }
            version = value
        } else if !root.contains("version") {
            errors.append(root.error(nil, "missing required key 'version'", hint: "add 'version: 1'"))
        }

        let groups = readGroups(root)

        let defaults = attempt { () throws(ConfigError) in try root.map("defaults") }
            .map { readRules($0, level: .defaults) } ?? RuleSettings()

        var environments: [String: EnvironmentPolicy] = [:]
        if let entries = attempt({ () throws(ConfigError) in try root.entries("environments") }) {
            for entry in entries {
                guard known(environment: entry.name) else {
                    errors.append(root.error(
                        at: entry.keyNode, "unknown environment '\(entry.name)': ladder.yaml does not define it",
                        hint: environmentHint(entry.name)))
                    continue
                }
                if YAMLReader.kind(entry.value) == "null" {
                    environments[entry.name] = EnvironmentPolicy(name: entry.name)
                    continue
                }
                guard let map = attempt({ () throws(ConfigError) in try root.asMap(entry.value, path: "environments.\(entry.name)") }) else {
                    continue
                }
                environments[entry.name] = readEnvironment(entry.name, map)
            }
        }

        var rollback = RollbackSettings()
        if let map = attempt({ () throws(ConfigError) in try root.map("rollback") }) {
            rollback = readRollback(map)
        }

        var policyChanges: ApprovalSettings?
        if let map = attempt({ () throws(ConfigError) in try root.map("policy_changes") }) {
            checkKeys(map, Self.policyChangeKeys)
            var positions: [String: PolicyPosition] = [:]
            policyChanges = readApprovals(map, into: &positions) ?? ApprovalSettings()
            checkApprovalCount(policyChanges!.merged(over: defaults.approvals), positions: positions.merging(defaults.positions) { mine, _ in mine }, groups: groups, context: "policy_changes")
        }

        var enforcement = Enforcement.active
        if let text = attempt({ () throws(ConfigError) in try root.string("enforcement") }) {
            if let value = Enforcement(rawValue: text) {
                enforcement = value
            } else {
                errors.append(root.error("enforcement", "unknown enforcement '\(text)'", hint: "use active or evaluate"))
            }
        }

        for name in groups.members.keys.sorted() where !usedGroups.contains(name) {
            let node = (try? root.map("groups"))?.keyNode(name)
            warnings.append(error(at: position(node), "group '\(name)' is defined but never used"))
        }

        let policy = PolicyFile(
            file: file, version: version, groups: groups, defaults: defaults, environments: environments,
            rollback: rollback, policyChanges: policyChanges, enforcement: enforcement, warnings: warnings,
            environmentNames: config.environmentNames, promotions: config.promotions)
        checkContradictions(policy)
        if rollback.approvals != ApprovalSettings() || rollback.positions["approvals"] != nil {
            checkApprovalCount(rollback.approvals.merged(over: defaults.approvals), positions: rollback.positions.merging(defaults.positions) { mine, _ in mine }, groups: groups, context: "rollback")
        }
        errors = Self.sortedUnique(errors)
        return policy
    }

    static func sortedUnique(_ errors: [ConfigError]) -> [ConfigError] {
        var seen = Set<String>()
        let unique = errors.filter { seen.insert($0.errorDescription ?? "").inserted }
        return unique.enumerated().sorted {
            ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
        }.map(\.element)
    }

    // MARK: - Groups

    mutating func readGroups(_ root: YAMLMap) -> PolicyGroups {
        guard let entries = attempt({ () throws(ConfigError) in try root.entries("groups") }) else { return PolicyGroups() }
        groupNames = Set(entries.map(\.name))
        var members: [String: [Principal]] = [:]
        for entry in entries {
            guard Principal.isValidName(entry.name, allowSlash: false) else {
                errors.append(root.error(at: entry.keyNode, "invalid group name '\(entry.name)'", hint: "use letters, digits, '-', '_' and '.'"))
                continue
            }
            guard case .sequence(let sequence) = entry.value else {
                errors.append(root.error(at: entry.value, "'groups.\(entry.name)' must be a list of logins, not \(YAMLReader.kind(entry.value))"))
                continue
            }
            var list: [Principal] = []
            for (index, element) in sequence.enumerated() {
                guard case .scalar(let scalar) = element, YAMLReader.kind(element) != "null" else {
                    errors.append(root.error(at: element, "'groups.\(entry.name)[\(index)]' must be a string, not \(YAMLReader.kind(element))"))
                    continue
                }
                if let principal = principal(scalar.string, at: element, in: root) { list.append(principal) }
            }
            members[entry.name] = list
        }
        let groups = PolicyGroups(members)
        if let cycle = groups.cycle() {
            let node = (try? root.map("groups"))?.keyNode(cycle[0])
            errors.append(error(at: position(node), "groups refer to each other in a cycle: \(cycle.joined(separator: " → "))"))
        }
        return groups
    }

    mutating func principal(_ text: String, at node: Node, in map: YAMLMap) -> Principal? {
        do {
            let principal = try Principal(parsing: text)
            if case .group(let name) = principal {
                guard groupNames.contains(name) else {
                    let hint = Suggestion.closest(to: name, in: groupNames.sorted()).map { "did you mean 'group:\($0)'?" }
                        ?? (groupNames.isEmpty ? "define it under 'groups:'" : "defined groups: \(groupNames.sorted().joined(separator: ", "))")
                    errors.append(map.error(at: node, "undefined group '\(name)'", hint: hint))
                    return nil
                }
                usedGroups.insert(name)
            }
            return principal
        } catch {
            errors.append(map.error(at: node, error.reason))
            return nil
        }
    }

    mutating func principals(_ map: YAMLMap, _ key: String) -> [Principal]? {
        guard let list = attempt({ () throws(ConfigError) in try map.stringList(key) }) else { return nil }
        return list.compactMap { principal($0.0, at: $0.1, in: map) }
    }

    // MARK: - Rules

    mutating func readEnvironment(_ name: String, _ map: YAMLMap) -> EnvironmentPolicy {
        checkKeys(map, Self.environmentKeys)
        let configured = config.sources(of: name)
        var promoteFrom: [String]?
        if let list = attempt({ () throws(ConfigError) in try map.stringList("promote_from", allowSingle: true) }) {
            var accepted: [String] = []
            for (source, node) in list {
                guard known(environment: source) else {
                    errors.append(map.error(at: node, "unknown environment '\(source)': ladder.yaml does not define it", hint: environmentHint(source)))
                    continue
                }
                guard configured.contains(source) else {
                    let hint = configured.isEmpty
                        ? "ladder.yaml has no promotion into \(name); add one under 'promotions'"
                        : "ladder.yaml promotes into \(name) from: \(configured.joined(separator: ", "))"
                    errors.append(map.error(
                        at: node, "\(source) → \(name) is not a promotion of ladder.yaml; promote_from can only accept its edges",
                        hint: hint))
                    continue
                }
                if accepted.contains(source) {
                    errors.append(map.error(at: node, "'\(source)' is listed twice in 'environments.\(name).promote_from'"))
                    continue
                }
                accepted.append(source)
            }
            promoteFrom = accepted
            if list.isEmpty {
                errors.append(map.error("promote_from", "'environments.\(name).promote_from' is empty: nothing could ever be promoted into \(name)", hint: "remove the key to accept every promotion of ladder.yaml"))
            }
        }
        let rules = readRules(map, level: .environment(name))
        for key in ["soak", "auto"] where map.contains(key) && configured.isEmpty {
            if key == "auto", rules.auto != true { continue }
            errors.append(map.error(
                key, "'\(key)' on \(name), which has no source: ladder.yaml promotes into \(name) from nowhere",
                hint: "soak and auto apply to promotions; add a promotion into \(name) or remove '\(key)'"))
        }

        var transitions: [String: RuleSettings] = [:]
        if let entries = attempt({ () throws(ConfigError) in try map.entries("from") }) {
            let accepted = promoteFrom ?? configured
            for entry in entries {
                guard known(environment: entry.name) else {
                    errors.append(map.error(at: entry.keyNode, "unknown environment '\(entry.name)': ladder.yaml does not define it", hint: environmentHint(entry.name)))
                    continue
                }
                guard accepted.contains(entry.name) else {
                    errors.append(map.error(
                        at: entry.keyNode, "'environments.\(name).from.\(entry.name)' sets rules for promotions from \(entry.name), which \(name) does not accept",
                        hint: accepted.isEmpty ? nil : "\(name) accepts promotions from: \(accepted.joined(separator: ", "))"))
                    continue
                }
                if YAMLReader.kind(entry.value) == "null" { continue }
                guard let transitionMap = attempt({ () throws(ConfigError) in try map.asMap(entry.value, path: "environments.\(name).from.\(entry.name)") }) else { continue }
                transitions[entry.name] = readRules(transitionMap, level: .transition(environment: name, source: entry.name))
            }
        }
        return EnvironmentPolicy(name: name, promoteFrom: promoteFrom, rules: rules, transitions: transitions)
    }

    mutating func readRules(_ map: YAMLMap, level: Level) -> RuleSettings {
        switch level {
        case .defaults:
            checkKeys(map, Self.ruleKeys, misplaced: [
                "promote_from": "sources are chosen per environment, under environments.<env>",
                "from": "per-source overrides belong under environments.<env>.from.<source>",
            ])
        case .transition:
            checkKeys(map, Self.ruleKeys, misplaced: [
                "promote_from": "this block already applies to one source; write promote_from on the environment",
                "from": "per-source overrides do not nest",
            ])
        case .environment:
            break  // checked by readEnvironment, with promote_from and from allowed
        }
        var rules = RuleSettings()
        func note(_ key: String, _ node: Node?) {
            if let node { rules.positions[key] = position(node) }
        }
        for key in Self.ruleKeys where map.contains(key) { note(key, map.node(key)) }

        if map.contains("promoters") {
            rules.promoters = principals(map, "promoters")
            if rules.promoters?.isEmpty == true, (try? map.list("promoters"))?.isEmpty == true {
                errors.append(map.error("promoters", "'\(map.child("promoters"))' is empty: nobody could promote", hint: "remove the key to let anyone promote, or name who may"))
            }
        }
        rules.auto = attempt { () throws(ConfigError) in try map.bool("auto") }
        rules.soak = duration(map, "soak")
        if let approvals = attempt({ () throws(ConfigError) in try map.map("approvals") }) {
            checkKeys(approvals, Self.approvalKeys)
            var positions: [String: PolicyPosition] = [:]
            rules.approvals = readApprovalFields(approvals, into: &positions)
            rules.positions.merge(positions) { _, new in new }
        }
        if let checks = attempt({ () throws(ConfigError) in try map.stringList("checks") }) {
            var names: [String] = []
            for (name, node) in checks {
                if name.trimmingCharacters(in: .whitespaces).isEmpty {
                    errors.append(map.error(at: node, "a check name must not be empty"))
                } else if names.contains(name) {
                    errors.append(map.error(at: node, "check '\(name)' is listed twice"))
                } else {
                    names.append(name)
                }
            }
            rules.checks = names
        }
        rules.requireUpToDate = attempt { () throws(ConfigError) in try map.bool("require_up_to_date") }
        rules.requireSignedCommits = attempt { () throws(ConfigError) in try map.bool("require_signed_commits") }
        if let limit = attempt({ () throws(ConfigError) in try map.int("max_changed_files") }) {
            if limit < 1 {
                errors.append(map.error("max_changed_files", "'\(map.child("max_changed_files"))' must be at least 1, not \(limit)"))
            } else {
                rules.maxChangedFiles = limit
            }
        }
        if let text = attempt({ () throws(ConfigError) in try map.string("direct_changes") }) {
            if let value = DirectChanges(rawValue: text) {
                rules.directChanges = value
            } else {
                errors.append(map.error("direct_changes", "'\(map.child("direct_changes"))' must be allow or deny, not '\(text)'"))
            }
        }
        if let windows = attempt({ () throws(ConfigError) in try map.mapList("windows") }) {
            rules.windows = windows.compactMap { readWindow($0) }
        }
        if let breakGlass = attempt({ () throws(ConfigError) in try map.map("break_glass") }) {
            checkKeys(breakGlass, Self.breakGlassKeys)
            rules.breakGlass.allowed = attempt { () throws(ConfigError) in try breakGlass.bool("allowed") }
            if breakGlass.contains("by") { rules.breakGlass.by = principals(breakGlass, "by") }
            if let count = attempt({ () throws(ConfigError) in try breakGlass.int("approvals") }) {
                if count < 0 {
                    errors.append(breakGlass.error("approvals", "'\(breakGlass.child("approvals"))' must not be negative"))
                } else {
                    rules.breakGlass.approvals = count
                }
            }
            for key in Self.breakGlassKeys where breakGlass.contains(key) { note("break_glass.\(key)", breakGlass.node(key)) }
        }
        if let pattern = attempt({ () throws(ConfigError) in try map.string("ticket") }) {
            if (try? NSRegularExpression(pattern: pattern)) == nil || pattern.isEmpty {
                errors.append(map.error("ticket", "invalid regular expression '\(pattern)' in '\(map.child("ticket"))'"))
            } else {
                rules.ticket = pattern
            }
        }
        return rules
    }

    /// Reads `approvals:` of `map` (policy_changes), noting positions.
    mutating func readApprovals(_ map: YAMLMap, into positions: inout [String: PolicyPosition]) -> ApprovalSettings? {
        guard let approvals = attempt({ () throws(ConfigError) in try map.map("approvals") }) else { return nil }
        checkKeys(approvals, Self.approvalKeys)
        positions["approvals"] = position(map.node("approvals"))
        return readApprovalFields(approvals, into: &positions)
    }

    mutating func readApprovalFields(_ map: YAMLMap, into positions: inout [String: PolicyPosition]) -> ApprovalSettings {
        var settings = ApprovalSettings()
        for key in Self.approvalKeys where map.contains(key) {
            positions["approvals.\(key)"] = position(map.node(key))
        }
        if let required = attempt({ () throws(ConfigError) in try map.int("required") }) {
            if required < 0 {
                errors.append(map.error("required", "'\(map.child("required"))' must not be negative"))
            } else {
                settings.required = required
            }
        }
        if map.contains("from") { settings.from = principals(map, "from") }
        settings.codeOwners = attempt { () throws(ConfigError) in try map.bool("code_owners") }
        settings.allowAuthor = attempt { () throws(ConfigError) in try map.bool("allow_author") }
        settings.allowCommitters = attempt { () throws(ConfigError) in try map.bool("allow_committers") }
        settings.dismissStale = attempt { () throws(ConfigError) in try map.bool("dismiss_stale") }
        settings.maxAge = duration(map, "max_age")
        if settings.maxAge?.seconds == 0 {
            errors.append(map.error("max_age", "'\(map.child("max_age"))' must be longer than zero: no approval could ever count"))
        }
        return settings
    }

    mutating func readRollback(_ map: YAMLMap) -> RollbackSettings {
        checkKeys(map, Self.rollbackKeys)
        var rollback = RollbackSettings()
        if let approvals = readApprovals(map, into: &rollback.positions) { rollback.approvals = approvals }
        if let checks = attempt({ () throws(ConfigError) in try map.stringList("checks") }) { rollback.checks = checks.map(\.0) }
        if map.contains("by") { rollback.by = principals(map, "by") }
        rollback.ignoreWindows = attempt { () throws(ConfigError) in try map.bool("ignore_windows") } ?? false
        return rollback
    }

    mutating func duration(_ map: YAMLMap, _ key: String) -> PolicyDuration? {
        guard let text = attempt({ () throws(ConfigError) in try map.string(key) }) else { return nil }
        do {
            return try PolicyDuration(parsing: text)
        } catch {
            errors.append(map.error(key, Self.describe(error)))
            return nil
        }
    }

    static func describe(_ error: Error) -> String {
        (error as? LocalizedError)?.errorDescription ?? "\(error)"
    }

    // MARK: - Windows

    mutating func readWindow(_ map: YAMLMap) -> TimeWindow? {
        checkKeys(map, Self.windowKeys)
        let errorCount = errors.count
        var kind: TimeWindow.Kind?
        if let text = attempt({ () throws(ConfigError) in try map.string("kind") }) {
            kind = TimeWindow.Kind(rawValue: text)
            if kind == nil { errors.append(map.error("kind", "'\(map.child("kind"))' must be allow or deny, not '\(text)'")) }
        } else if !map.contains("kind") {
            errors.append(map.error(nil, "missing required key '\(map.child("kind"))'", hint: "kind: deny closes promotions while active; kind: allow opens them"))
        }
        let reason = attempt { () throws(ConfigError) in try map.string("reason") }
        let schedule = attempt { () throws(ConfigError) in try map.string("schedule") }
        let durationText = attempt { () throws(ConfigError) in try map.string("duration") }
        let zoneText = attempt { () throws(ConfigError) in try map.string("timezone") }
        let fromText = attempt { () throws(ConfigError) in try map.string("from") }
        let untilText = attempt { () throws(ConfigError) in try map.string("until") }

        if let schedule {
            for key in ["from", "until"] where map.contains(key) {
                errors.append(map.error(at: map.keyNode(key) ?? map.node, "'\(key)' cannot be combined with 'schedule' in one window", hint: "write two windows"))
            }
            var cron: CronSchedule?
            do { cron = try CronSchedule(parsing: schedule) } catch { errors.append(map.error("schedule", Self.describe(error))) }
            var length: PolicyDuration?
            if let durationText {
                do { length = try PolicyDuration(parsing: durationText) } catch { errors.append(map.error("duration", Self.describe(error))) }
                if length?.seconds == 0 {
                    errors.append(map.error("duration", "'\(map.child("duration"))' must be longer than zero"))
                    length = nil
                }
            } else {
                errors.append(map.error(nil, "missing required key '\(map.child("duration"))': a scheduled window needs a length", hint: "add e.g. 'duration: 64h'"))
            }
            var zone: TimeZone? = TimeZone(identifier: "UTC")
            if let zoneText {
                do { zone = try TimeWindow.timeZone(named: zoneText) } catch {
                    zone = nil
                    errors.append(map.error("timezone", Self.describe(error), hint: "use an IANA name such as Europe/Berlin or America/New_York"))
                }
            }
            guard errors.count == errorCount, let kind, let cron, let length, let zone else { return nil }
            do {
                return try TimeWindow(kind: kind, schedule: cron, duration: length, timeZone: zone, reason: reason)
            } catch {
                errors.append(map.error(nil, Self.describe(error)))
                return nil
            }
        }

        for key in ["duration", "timezone"] where map.contains(key) {
            errors.append(map.error(at: map.keyNode(key) ?? map.node, "'\(key)' needs 'schedule'; a window with from/until has fixed ends"))
        }
        guard fromText != nil || untilText != nil else {
            if !map.contains("from") && !map.contains("until") {
                errors.append(map.error(nil, "window '\(map.path)' needs 'schedule' (with duration and timezone) or 'from'/'until'"))
            }
            return nil
        }
        var from: Date?
        var until: Date?
        if let fromText {
            do { from = try Timestamp.parse(fromText) } catch { errors.append(map.error("from", Self.describe(error))) }
        }
        if let untilText {
            do { until = try Timestamp.parse(untilText) } catch { errors.append(map.error("until", Self.describe(error))) }
        }
        guard errors.count == errorCount, let kind else { return nil }
        do {
            return try TimeWindow(kind: kind, from: from, until: until, reason: reason)
        } catch {
            errors.append(map.error(map.contains("until") ? "until" : nil, Self.describe(error)))
            return nil
        }
    }

    // MARK: - Contradictions

    mutating func checkContradictions(_ policy: PolicyFile) {
        for environment in config.environmentNames {
            var sources: [String?] = [nil]
            let transitions = policy.environments[environment]?.transitions ?? [:]
            sources += policy.acceptedSources(of: environment).filter { transitions[$0] != nil }.map { Optional($0) }
            for source in sources {
                let settings = policy.settings(for: environment, from: source)
                let rules = EffectiveRules(environment: environment, source: source, promoteFrom: [], settings: settings)
                let context = "environments.\(environment)" + (source.map { ".from.\($0)" } ?? "")
                checkApprovalCount(settings.approvals, positions: settings.positions, groups: policy.groups, context: context)
                if rules.breakGlass.allowed && policy.groups.logins(rules.breakGlass.by).isEmpty {
                    let at = settings.positions["break_glass.by"] ?? settings.positions["break_glass.allowed"]
                    errors.append(error(
                        at: at, "break_glass is allowed for \(environment) but 'by' names nobody",
                        hint: "name who may break glass, e.g. 'by: [group:sre]'"))
                }
                if let bgApprovals = rules.breakGlass.approvals, rules.breakGlass.allowed, let from = rules.approvals.from {
                    let eligible = policy.groups.logins(from).count
                    if bgApprovals > eligible {
                        errors.append(error(
                            at: settings.positions["break_glass.approvals"],
                            "break_glass.approvals for \(environment) requires \(bgApprovals) approvals but only \(eligible) people may approve (\(policy.groups.phrase(from)))"))
                    }
                }
            }
        }
    }

    mutating func checkApprovalCount(_ approvals: ApprovalSettings, positions: [String: PolicyPosition], groups: PolicyGroups, context: String) {
        let resolved = approvals.resolved
        guard let from = resolved.from else { return }
        let eligible = groups.logins(from)
        guard resolved.required > eligible.count else { return }
        let at = positions["approvals.required"] ?? positions["approvals.from"] ?? positions["approvals"]
        let who = eligible.isEmpty ? "nobody" : "only \(eligible.count) (\(groups.phrase(from)))"
        errors.append(error(
            at: at, "\(context) requires \(resolved.required) approval\(resolved.required == 1 ? "" : "s") but \(who) may approve",
            hint: "lower 'required' or add people to 'from'"))
    }
}

extension YAMLMap {
    /// Keys of the mapping that are not plain scalars (sequences or mappings used as keys).
    var mappingKeysWithoutText: [Node] {
        mapping.compactMap { $0.key.scalar == nil ? $0.key : nil }
    }
}
