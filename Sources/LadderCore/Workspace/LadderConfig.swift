import Foundation
import Yams

/// The forge a pull-request payload is written for.
public enum Forge: String, Sendable, CaseIterable {
    case github, gitlab
}

/// An environment: a name and its directory in the repository.
public struct EnvironmentConfig: Sendable, Hashable {
    public let name: String
    /// Repository-relative directory, without leading or trailing slash.
    public let path: String
}

/// A promotion edge: content flows from `from` into `to`.
public struct PromotionEdge: Sendable, Hashable, CustomStringConvertible {
    public let from: String
    public let to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    public var description: String { "\(from) → \(to)" }
}

/// Key-level promotion: in files matching `files`, only `paths` move.
public struct KeyRule: Sendable, Hashable {
    public let files: GlobPattern
    public let paths: [String]
}

/// Pattern promotion: in files matching `files`, only the first capture group of `regex` moves.
public struct PatternRule: Sendable, Hashable {
    public let files: GlobPattern
    public let regex: String
}

/// What moves between environments (`promote:` in `ladder.yaml`).
public struct PromoteRules: Sendable, Hashable {
    public var exclude: GlobList
    public var keys: [KeyRule]
    public var patterns: [PatternRule]
    /// Whether a file deleted in the source is deleted in the target.
    public var delete: Bool

    public init(exclude: GlobList = GlobList([]), keys: [KeyRule] = [], patterns: [PatternRule] = [], delete: Bool = false) {
        self.exclude = exclude
        self.keys = keys
        self.patterns = patterns
        self.delete = delete
    }

    /// The key rule governing `path` (relative to an environment), the first that matches.
    public func keyRule(for path: String) -> KeyRule? {
        keys.first { $0.files.matches(path) }
    }

    /// The pattern rule governing `path`, the first that matches.
    public func patternRule(for path: String) -> PatternRule? {
        patterns.first { $0.files.matches(path) }
    }
}

/// `ladder.yaml`: the layout of the monorepo and its promotion rules (SPEC section 2).
public struct LadderConfig: Sendable {
    public var version: Int
    public var trunk: String
    public var base: String?
    public var unitDepth: Int
    public var policyPath: String
    public var forge: Forge
    /// Ordered from least to most protected.
    public var environments: [EnvironmentConfig]
    public var promotions: [PromotionEdge]
    public var promote: PromoteRules
    public var versionKey: String?
    public var pullRequestTitleTemplate: String?
    public var pullRequestBodyTemplate: String?
    /// Where the configuration was read from, for messages (e.g. `ladder.yaml@main`).
    public var origin: String

    /// The environment named `name`.
    public func environment(_ name: String) -> EnvironmentConfig? {
        environments.first { $0.name == name }
    }

    /// The environments that feed `name` (normally one).
    public func sources(of name: String) -> [String] {
        promotions.filter { $0.to == name }.map(\.from)
    }

    /// The single source of an environment for `status` (the first edge into it), if any.
    public func primarySource(of name: String) -> String? {
        sources(of: name).first
    }

    public var environmentNames: [String] { environments.map(\.name) }
}

extension LadderConfig {
    static let topLevelKeys = [
        "version", "trunk", "base", "unit_depth", "policy", "forge", "environments", "promotions", "promote",
        "version_key", "pull_request",
    ]

    /// The pattern environment names must follow.
    public static func isValidEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isLowerAlphaNumeric else { return false }
        return name.unicodeScalars.allSatisfy { $0.isLowerAlphaNumeric || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// Checks a repository-relative path from a configuration file: relative, inside the repository,
    /// no `..`, not into `.git`.
    static func validateRelativePath(_ path: String) -> String? {
        if path.isEmpty { return "the path is empty" }
        if path.hasPrefix("/") || path.hasPrefix("~") { return "'\(path)' must be relative to the repository root" }
        if path.contains("\\") { return "'\(path)' must use forward slashes" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains("..") { return "'\(path)' must not contain '..'" }
        if parts.dropLast().contains("") || (parts.count > 1 && parts.first == "") { return "'\(path)' has an empty segment" }
        if parts.first == ".git" || parts.contains(".git") { return "'\(path)' points into .git" }
        if parts.contains(".") { return "'\(path)' must not contain '.' segments" }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 }) { return "'\(path)' contains control characters" }
        return nil
    }

    static func normalise(_ path: String) -> String {
        var result = path
        while result.hasSuffix("/") { result.removeLast() }
        return result
    }

    /// Parses and validates `ladder.yaml` from its bytes. `file` names it in errors.
    public static func parse(_ bytes: [UInt8], file: String = "ladder.yaml") throws(ConfigError) -> LadderConfig {
        let reader = YAMLReader(file: file)
        let root = try reader.parseRoot(bytes)
        try root.allowOnly(topLevelKeys)

        guard let version = try root.int("version") else {
            throw root.error(nil, "missing required key 'version'", hint: "add 'version: 1'")
        }
        guard version == 1 else { throw root.error("version", "unsupported version \(version); this Ladder reads version 1") }

        let trunk = try root.string("trunk") ?? "main"
        guard LadderConfigNames.isValidBranch(trunk) else { throw root.error("trunk", "'\(trunk)' is not a valid branch name") }

        var base: String?
        if let value = try root.string("base") {
            if let problem = validateRelativePath(value) { throw root.error("base", problem) }
            base = normalise(value)
        }

        let unitDepth = try root.int("unit_depth") ?? 1
        guard (0...4).contains(unitDepth) else { throw root.error("unit_depth", "unit_depth must be 0, 1, 2, 3 or 4, not \(unitDepth)") }

        let policyPath = try root.string("policy") ?? "ladder-policy.yaml"
        if let problem = validateRelativePath(policyPath) { throw root.error("policy", problem) }

        var forge = Forge.github
        if let value = try root.string("forge") {
            guard let parsed = Forge(rawValue: value) else {
                throw root.error("forge", "unknown forge '\(value)'", hint: "use github or gitlab")
            }
            forge = parsed
        }

        guard let environmentMaps = try root.mapList("environments"), !environmentMaps.isEmpty else {
            throw root.error("environments", "'environments' must list at least one environment")
        }
        var environments: [EnvironmentConfig] = []
        for map in environmentMaps {
            try map.allowOnly(["name", "path"])
            let name = try map.requiredString("name")
            guard isValidEnvironmentName(name) else {
                throw map.error("name", "invalid environment name '\(name)'", hint: "names match [a-z0-9][a-z0-9._-]*")
            }
            guard !environments.contains(where: { $0.name == name }) else {
                throw map.error("name", "environment '\(name)' is defined twice")
            }
            let path = try map.requiredString("path")
            if let problem = validateRelativePath(path) { throw map.error("path", problem) }
            let normalised = normalise(path)
            if let clash = environments.first(where: { $0.path == normalised || normalised.hasPrefix($0.path + "/") || $0.path.hasPrefix(normalised + "/") }) {
                throw map.error("path", "the path '\(path)' overlaps environment '\(clash.name)' (\(clash.path))")
            }
            if let base, normalised == base || normalised.hasPrefix(base + "/") || base.hasPrefix(normalised + "/") {
                throw map.error("path", "the path '\(path)' overlaps the base directory '\(base)'")
            }
            environments.append(EnvironmentConfig(name: name, path: normalised))
        }
        let names = environments.map(\.name)

        var promotions: [PromotionEdge] = []
        if let edgeMaps = try root.mapList("promotions") {
            for map in edgeMaps {
                try map.allowOnly(["from", "to"])
                let from = try map.requiredString("from")
                guard names.contains(from) else {
                    throw map.error("from", "unknown environment '\(from)'", hint: Suggestion.closest(to: from, in: names).map { "did you mean '\($0)'?" })
                }
                guard let targets = try map.stringList("to", allowSingle: true), !targets.isEmpty else {
                    throw map.error("to", "'\(map.path).to' must name at least one environment")
                }
                for (target, node) in targets {
                    guard names.contains(target) else {
                        throw map.error(at: node, "unknown environment '\(target)'", hint: Suggestion.closest(to: target, in: names).map { "did you mean '\($0)'?" })
                    }
                    guard target != from else { throw map.error(at: node, "an environment cannot promote into itself ('\(from)')") }
                    let edge = PromotionEdge(from: from, to: target)
                    guard !promotions.contains(edge) else { throw map.error(at: node, "the promotion \(edge) is listed twice") }
                    promotions.append(edge)
                }
            }
            if let cycle = findCycle(promotions) {
                throw root.error("promotions", "promotions form a cycle: \(cycle.joined(separator: " → "))")
            }
        } else {
            for index in environments.indices.dropLast() {
                promotions.append(PromotionEdge(from: environments[index].name, to: environments[index + 1].name))
            }
        }

        var rules = PromoteRules()
        if let promote = try root.map("promote") {
            try promote.allowOnly(["exclude", "keys", "patterns", "delete"])
            var excludes: [GlobPattern] = []
            for (text, node) in try promote.stringList("exclude") ?? [] {
                do { excludes.append(try GlobPattern(text)) } catch { throw promote.error(at: node, error.errorDescription ?? error.reason) }
            }
            rules.exclude = GlobList(excludes)
            for map in try promote.mapList("keys") ?? [] {
                try map.allowOnly(["files", "paths"])
                let files = try map.requiredString("files")
                let pattern: GlobPattern
                do { pattern = try GlobPattern(files) } catch { throw map.error("files", error.errorDescription ?? error.reason) }
                guard let paths = try map.stringList("paths", allowSingle: true), !paths.isEmpty else {
                    throw map.error("paths", "'\(map.path).paths' must list at least one key path")
                }
                for (path, node) in paths {
                    do { _ = try KeyPath(parsing: path) } catch { throw map.error(at: node, error.localizedDescription) }
                }
                rules.keys.append(KeyRule(files: pattern, paths: paths.map(\.0)))
            }
            for map in try promote.mapList("patterns") ?? [] {
                try map.allowOnly(["files", "regex"])
                let files = try map.requiredString("files")
                let pattern: GlobPattern
                do { pattern = try GlobPattern(files) } catch { throw map.error("files", error.errorDescription ?? error.reason) }
                let regex = try map.requiredString("regex")
                do {
                    let compiled = try NSRegularExpression(pattern: regex)
                    guard compiled.numberOfCaptureGroups >= 1 else {
                        throw map.error("regex", "the regex '\(regex)' has no capture group; the first group is what moves")
                    }
                } catch let error as ConfigError {
                    throw error
                } catch {
                    throw map.error("regex", "invalid regular expression '\(regex)'")
                }
                rules.patterns.append(PatternRule(files: pattern, regex: regex))
            }
            rules.delete = try promote.bool("delete") ?? false
        }

        var versionKey: String?
        if let value = try root.string("version_key") {
            do { _ = try KeyPath(parsing: value) } catch { throw root.error("version_key", error.localizedDescription) }
            versionKey = value
        }

        var titleTemplate: String?
        var bodyTemplate: String?
        if let pullRequest = try root.map("pull_request") {
            try pullRequest.allowOnly(["title", "body"])
            for key in ["title", "body"] {
                if let value = try pullRequest.string(key), let problem = validateRelativePath(value) {
                    throw pullRequest.error(key, problem)
                }
            }
            titleTemplate = try pullRequest.string("title")
            bodyTemplate = try pullRequest.string("body")
        }

        return LadderConfig(
            version: version, trunk: trunk, base: base, unitDepth: unitDepth, policyPath: policyPath, forge: forge,
            environments: environments, promotions: promotions, promote: rules, versionKey: versionKey,
            pullRequestTitleTemplate: titleTemplate, pullRequestBodyTemplate: bodyTemplate, origin: file)
    }

    static func findCycle(_ edges: [PromotionEdge]) -> [String]? {
        var graph: [String: [String]] = [:]
        for edge in edges { graph[edge.from, default: []].append(edge.to) }
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        func visit(_ node: String) -> [String]? {
            if state[node] == 2 { return nil }
            if state[node] == 1 {
                let start = stack.firstIndex(of: node)!
                return Array(stack[start...]) + [node]
            }
            state[node] = 1
            stack.append(node)
            for next in graph[node] ?? [] {
                if let cycle = visit(next) { return cycle }
            }
            stack.removeLast()
            state[node] = 2
            return nil
        }
        for node in graph.keys.sorted() {
            if let cycle = visit(node) { return cycle }
        }
        return nil
    }
}


/// Names Ladder validates without a repository at hand.
public enum LadderConfigNames {
    public static func isValidBranch(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("-"), !name.hasPrefix("/"), !name.hasSuffix("/"), !name.hasSuffix(".lock"),
            !name.hasSuffix("."), !name.contains(".."), !name.contains("//"), !name.contains("@{")
        else { return false }
        return !name.unicodeScalars.contains { $0.value < 0x21 || $0.value == 0x7F || "~^:?*[\\".unicodeScalars.contains($0) }
    }
}

extension Unicode.Scalar {
    var isLowerAlphaNumeric: Bool {
        ("a"..."z").contains(self) || ("0"..."9").contains(self)
    }
}
