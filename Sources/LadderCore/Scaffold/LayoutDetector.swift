import Foundation
import Yams

/// An environment found by ``LayoutDetector``.
public struct DetectedEnvironment: Sendable, Hashable {
    public let name: String
    /// Repository-relative directory.
    public let path: String

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}

/// A proposed rule with the reason written next to it in `ladder.yaml`.
public struct DetectedRule: Sendable, Hashable {
    public let pattern: String
    public let reason: String

    public init(pattern: String, reason: String) {
        self.pattern = pattern
        self.reason = reason
    }
}

/// A proposed `promote.keys` entry.
public struct DetectedKeyRule: Sendable, Hashable {
    public let files: String
    public let paths: [String]
    public let reason: String

    public init(files: String, paths: [String], reason: String) {
        self.files = files
        self.paths = paths
        self.reason = reason
    }
}

/// A proposed `promote.patterns` entry.
public struct DetectedPatternRule: Sendable, Hashable {
    public let files: String
    public let regex: String
    public let reason: String

    public init(files: String, regex: String, reason: String) {
        self.files = files
        self.regex = regex
        self.reason = reason
    }
}

/// What `ladder init` guessed about a repository's layout; the input of ``ScaffoldWriter``.
public struct DetectedLayout: Sendable, Hashable {
    /// A short description, e.g. `Kustomize overlays in overlays/`.
    public var summary: String
    /// The directory holding the environments.
    public var parent: String
    /// Ordered from least to most protected.
    public var environments: [DetectedEnvironment]
    public var base: String?
    public var unitDepth: Int
    public var excludes: [DetectedRule]
    public var keys: [DetectedKeyRule]
    public var patterns: [DetectedPatternRule]
    public var versionKey: String?
    /// Things the user should know: other candidate layouts, directories left out.
    public var notes: [String]

    public init(
        summary: String, parent: String, environments: [DetectedEnvironment], base: String?, unitDepth: Int,
        excludes: [DetectedRule], keys: [DetectedKeyRule], patterns: [DetectedPatternRule], versionKey: String?, notes: [String]
    ) {
        self.summary = summary
        self.parent = parent
        self.environments = environments
        self.base = base
        self.unitDepth = unitDepth
        self.excludes = excludes
        self.keys = keys
        self.patterns = patterns
        self.versionKey = versionKey
        self.notes = notes
    }
}

/// Guesses environments, base directory, unit depth and promotion rules from a working tree.
///
/// The guess follows common public layouts: `environments/<env>` (the bundled example, Terraform),
/// `envs/`, `env/`, Kustomize `overlays/<env>` with `base/`, `stages/`, Terragrunt `live/<env>`,
/// Flux `apps/<env>` with `apps/base`, `deploy/<env>`, `clusters/<env>`. It is a starting point
/// the generated `ladder.yaml` explains; nothing here is final.
public enum LayoutDetector {
    /// Parent directory names, best first. "Weak" names (`apps`, `clusters`, `deploy`) also hold
    /// things that are not environments, so only children with well-known environment names count.
    static let parents: [(name: String, weak: Bool)] = [
        ("environments", false), ("envs", false), ("env", false), ("overlays", false), ("stages", false),
        ("live", false), ("apps", true), ("deploy", true), ("deployments", true), ("clusters", true),
    ]

    /// Children of an environment parent that are shared layers or tooling, not environments.
    static let sharedNames: Set<String> = [
        "base", "bases", "templates", "template", "common", "shared", "components", "modules", "module",
        "lib", "global", "default", "defaults", "scripts", "docs", "charts", "infrastructure",
    ]

    /// Well-known environment names and their rank, least protected first. Unknown names rank
    /// in the middle (``unknownRank``), between integration and staging.
    static let ranks: [String: Int] = [
        "dev": 0, "development": 0, "develop": 0, "test": 1, "testing": 1, "qa": 2, "int": 3, "integration": 3,
        "staging": 5, "stage": 5, "stg": 5, "preprod": 6, "pre-prod": 6, "uat": 7, "prod": 8, "production": 8,
        "prd": 8,
    ]
    static let unknownRank = 4

    /// Files at an environment's top that say nothing about its units.
    static let incidentalFiles: Set<String> = ["readme.md", "readme", "readme.txt", "owners", "codeowners", "license", "notes.md"]

    /// Every layout the detector tries, for the error message.
    public static var searchedLayouts: [String] {
        parents.map { "\($0.name)/*" }
    }

    /// Detects the layout of `tree`; throws ``ScaffoldError`` when no environments are found or a
    /// directory name cannot be an environment name.
    public static func detect(_ tree: ProjectTree) throws(ScaffoldError) -> DetectedLayout {
        var candidates: [(parent: String, rank: Int, depth: Int, children: [String], skipped: [String])] = []
        var lonely: String?
        for directory in tree.directories.sorted() {
            let parts = directory.split(separator: "/")
            guard parts.count <= 2, let last = parts.last,
                let index = parents.firstIndex(where: { $0.name == last })
            else { continue }
            var children: [String] = []
            var skipped: [String] = []
            for child in tree.subdirectories(of: directory) {
                let lowered = child.lowercased()
                if lowered.hasPrefix("_") || sharedNames.contains(lowered) { continue }
                if parents[index].weak && rank(of: lowered) == nil {
                    skipped.append(child)
                    continue
                }
                children.append(child)
            }
            if children.count >= 2 {
                candidates.append((directory, index, parts.count, children, skipped))
            } else if children.count == 1, lonely == nil {
                lonely = "only '\(directory)/\(children[0])' found; Ladder needs at least two environments"
            }
        }
        candidates.sort { ($0.rank, $0.depth, $0.parent) < ($1.rank, $1.depth, $1.parent) }
        guard let chosen = candidates.first else {
            throw .nothingDetected(searched: searchedLayouts, found: lonely)
        }

        var notes: [String] = []
        for other in candidates.dropFirst() {
            notes.append("also found \(other.parent)/{\(other.children.joined(separator: ","))}; edit ladder.yaml if those are your environments")
        }
        if !chosen.skipped.isEmpty {
            notes.append("left out \(chosen.skipped.map { "\(chosen.parent)/\($0)" }.joined(separator: ", ")): not a well-known environment name")
        }

        var environments: [DetectedEnvironment] = []
        for child in chosen.children {
            let path = chosen.parent + "/" + child
            guard let name = environmentName(forDirectory: child) else {
                throw .invalidEnvironmentName(directory: child, path: path)
            }
            if let clash = environments.first(where: { $0.name == name }) {
                throw .duplicateEnvironmentName(name, paths: [clash.path, path])
            }
            environments.append(DetectedEnvironment(name: name, path: path))
        }
        environments = order(environments)

        let base = detectBase(tree, parent: chosen.parent)
        let unitDepth = detectUnitDepth(tree, environments: environments)
        let relativeFiles = environments.flatMap { environment in
            tree.files(under: environment.path).map { (environment.path, $0) }
        }
        let excludes = proposeExcludes(relativeFiles.map(\.1), unitDepth: unitDepth)
        let (keys, versionKey) = proposeKeys(tree, files: relativeFiles, unitDepth: unitDepth)
        let patterns = proposePatterns(tree, files: relativeFiles)

        let isKustomize = environments.contains { environment in
            tree.filesDirectly(in: environment.path).contains { kustomizationNames.contains($0) }
        }
        let parentLast = chosen.parent.split(separator: "/").last.map(String.init) ?? chosen.parent
        var kind: String
        switch parentLast {
        case "overlays": kind = "Kustomize overlays"
        case "apps": kind = "Flux-style apps"
        case "live": kind = "Terragrunt live environments"
        case "clusters": kind = "cluster directories"
        default:
            let hasTerraform = relativeFiles.contains { $0.1.hasSuffix(".tf") }
            kind = isKustomize ? "Kustomize overlays" : hasTerraform ? "Terraform environments" : "environment directories"
        }
        var summary = "\(kind) in \(chosen.parent)/"
        if let base { summary += " (base in \(base)/)" }
        return DetectedLayout(
            summary: summary, parent: chosen.parent, environments: environments, base: base, unitDepth: unitDepth,
            excludes: excludes, keys: keys, patterns: patterns, versionKey: versionKey, notes: notes)
    }

    static let kustomizationNames: Set<String> = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// The environment name for a directory: lowercased, spaces as dashes; nil when the result
    /// still does not fit `[a-z0-9][a-z0-9._-]*`.
    public static func environmentName(forDirectory directory: String) -> String? {
        let name = directory.lowercased().replacingOccurrences(of: " ", with: "-")
        return LadderConfig.isValidEnvironmentName(name) ? name : nil
    }

    /// The rank of a well-known name; `prod-eu` ranks as `prod`. Nil for unknown names.
    static func rank(of name: String) -> Int? {
        if let rank = ranks[name] { return rank }
        for (known, rank) in ranks {
            for separator in ["-", "_", "."] where name.hasPrefix(known + separator) { return rank }
        }
        return nil
    }

    /// Orders environments by well-known rank; unknown names go in the middle, alphabetically.
    public static func order(_ environments: [DetectedEnvironment]) -> [DetectedEnvironment] {
        environments.sorted { left, right in
            let l = rank(of: left.name) ?? unknownRank
            let r = rank(of: right.name) ?? unknownRank
            return l != r ? l < r : left.name < right.name
        }
    }

    static func detectBase(_ tree: ProjectTree, parent: String) -> String? {
        let above = parent.split(separator: "/").dropLast().joined(separator: "/")
        func join(_ directory: String, _ name: String) -> String { directory.isEmpty ? name : directory + "/" + name }
        var candidates = [join(parent, "base"), join(parent, "_base"), join(above, "base"), join(above, "templates"), join(above, "_base")]
        if !above.isEmpty { candidates += ["templates", "base", "_base"] }
        return candidates.first { tree.isDirectory($0) }
    }

    static func isSignificant(_ file: String) -> Bool {
        !incidentalFiles.contains(file.lowercased())
    }

    /// 0 when files sit directly in an environment directory, 2 when every first-level directory
    /// only groups others (`team/service`), else 1.
    static func detectUnitDepth(_ tree: ProjectTree, environments: [DetectedEnvironment]) -> Int {
        if environments.contains(where: { tree.filesDirectly(in: $0.path).contains(where: isSignificant) }) { return 0 }
        var groupingOnly = true
        var sawUnit = false
        for environment in environments {
            for unit in tree.subdirectories(of: environment.path) {
                sawUnit = true
                if tree.filesDirectly(in: environment.path + "/" + unit).contains(where: isSignificant) { groupingOnly = false }
            }
        }
        return sawUnit && groupingOnly ? 2 : 1
    }

    /// A glob for files named `name` at the unit level (`*/env.yaml` with unit_depth 1), or at any
    /// depth (`**/env.yaml`) when some of `matches` sit elsewhere.
    static func glob(forName name: String, matches: [String], unitDepth: Int) -> String {
        let atUnitLevel = matches.allSatisfy { $0.split(separator: "/").count == unitDepth + 1 }
        guard atUnitLevel else { return "**/" + name }
        return unitDepth == 0 ? "/" + name : String(repeating: "*/", count: unitDepth) + name
    }

    /// Exclusions for files that describe an environment rather than what runs in it; proposed
    /// only when such files exist, each with the reason written beside it.
    static func proposeExcludes(_ files: [String], unitDepth: Int) -> [DetectedRule] {
        var rules: [DetectedRule] = []
        func basename(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
        for name in ["env.yaml", "env.yml", "environment.yaml", "environment.yml"] {
            let matches = files.filter { basename($0) == name }
            if !matches.isEmpty {
                rules.append(DetectedRule(
                    pattern: glob(forName: name, matches: matches, unitDepth: unitDepth),
                    reason: "per-environment settings (replicas, endpoints) stay in each environment"))
            }
        }
        if files.contains(where: { $0.hasPrefix("secrets/") || $0.contains("/secrets/") }) {
            rules.append(DetectedRule(pattern: "**/secrets/**", reason: "secret references differ per environment; never copied"))
        }
        for suffix in [".sops.yaml", ".sops.yml", ".enc.yaml", ".enc.yml"] where files.contains(where: { $0.hasSuffix(suffix) }) {
            rules.append(DetectedRule(pattern: "**/*" + suffix, reason: "encrypted with each environment's own keys"))
        }
        if files.contains(where: { $0.hasSuffix(".tfvars") }) {
            rules.append(DetectedRule(
                pattern: "**/*.tfvars", reason: "Terraform variable values (sizes, account ids) belong to the environment; module code still moves"))
        }
        for name in ["backend.tf", "backend.hcl"] where files.contains(where: { basename($0) == name }) {
            rules.append(DetectedRule(pattern: "**/" + name, reason: "each environment keeps its own Terraform state"))
        }
        for name in ["env.hcl", "account.hcl", "region.hcl"] where files.contains(where: { basename($0) == name }) {
            rules.append(DetectedRule(pattern: "**/" + name, reason: "Terragrunt settings of the environment itself"))
        }
        return rules
    }

    /// Key paths worth promoting alone, when the files hold them: `image.tag` and `chart.version`
    /// in Helm values files, `images` in Kustomize overlays.
    static func proposeKeys(
        _ tree: ProjectTree, files: [(environment: String, path: String)], unitDepth: Int
    ) -> ([DetectedKeyRule], String?) {
        var rules: [DetectedKeyRule] = []
        var versionKey: String?
        func basename(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
        func load(_ file: (environment: String, path: String)) -> [String: Any]? {
            guard let bytes = tree.contents(of: file.environment + "/" + file.path) else { return nil }
            return (try? Yams.load(yaml: String(decoding: bytes, as: UTF8.self))) as? [String: Any]
        }
        for name in ["values.yaml", "values.yml"] {
            let matches = files.filter { basename($0.path) == name }
            guard !matches.isEmpty else { continue }
            let documents = matches.compactMap(load)
            var found: [String] = []
            for keyPath in ["image.tag", "chart.version"] {
                let parts = keyPath.split(separator: ".").map(String.init)
                let present = documents.contains { document in
                    (document[parts[0]] as? [String: Any])?[parts[1]] != nil
                }
                if present { found.append(keyPath) }
            }
            guard !found.isEmpty else { continue }
            rules.append(DetectedKeyRule(
                files: glob(forName: name, matches: matches.map(\.path), unitDepth: unitDepth), paths: found,
                reason: "only versions move; the rest of each values file stays per environment"))
            if versionKey == nil, found.contains("image.tag") { versionKey = "image.tag" }
        }
        for name in kustomizationNames.sorted() {
            let matches = files.filter { basename($0.path) == name }
            guard !matches.isEmpty, matches.compactMap(load).contains(where: { $0["images"] != nil }) else { continue }
            rules.append(DetectedKeyRule(
                files: glob(forName: name, matches: matches.map(\.path), unitDepth: unitDepth), paths: ["images"],
                reason: "image tags move; resources and patches stay as each overlay lists them"))
        }
        return (rules, versionKey)
    }

    /// Version pins in Terragrunt files (`?ref=v1.2.3`), promoted alone.
    static func proposePatterns(_ tree: ProjectTree, files: [(environment: String, path: String)]) -> [DetectedPatternRule] {
        let pinned = files.contains { file in
            guard file.path.hasSuffix("terragrunt.hcl"), let bytes = tree.contents(of: file.environment + "/" + file.path) else {
                return false
            }
            return String(decoding: bytes, as: UTF8.self).contains("?ref=v")
        }
        guard pinned else { return [] }
        return [DetectedPatternRule(
            files: "**/terragrunt.hcl", regex: #"\?ref=(v[0-9][0-9.]*)"#,
            reason: "module versions move; inputs stay per environment")]
    }
}
