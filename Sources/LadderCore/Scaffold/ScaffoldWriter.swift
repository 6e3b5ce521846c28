import Foundation
import LadderGit

/// The CI systems `ladder init --ci` writes jobs for.
public enum CIProvider: String, Sendable, CaseIterable {
    case github, gitlab
}

/// Settings of the files `ladder init` writes that do not come from the layout.
public struct ScaffoldOptions: Sendable, Hashable {
    public var trunk: String
    public var forge: Forge
    public var ci: CIProvider?

    public init(trunk: String = "main", forge: Forge = .github, ci: CIProvider? = nil) {
        self.trunk = trunk
        self.forge = forge
        self.ci = ci
    }
}

/// One file `ladder init` writes.
public struct ScaffoldFile: Sendable, Hashable {
    /// Repository-relative path.
    public let path: String
    public let contents: String
    /// What the file is for, shown in the output.
    public let purpose: String
}

/// Turns a ``DetectedLayout`` into `ladder.yaml`, a starter `ladder-policy.yaml` and CI files,
/// each commented so a user can tell what to change.
public enum ScaffoldWriter {
    /// Every file to write. `exists` tells whether a repository path already exists (used for
    /// GitLab's `.gitlab-ci.yml`, which is only created when the project has none).
    public static func files(for layout: DetectedLayout, options: ScaffoldOptions, exists: (String) -> Bool = { _ in false }) -> [ScaffoldFile] {
        var files = [
            ScaffoldFile(path: "ladder.yaml", contents: config(layout, options: options), purpose: "layout and promotion rules"),
            ScaffoldFile(path: "ladder-policy.yaml", contents: policy(layout), purpose: "starter policy"),
        ]
        switch options.ci {
        case .github:
            files.append(ScaffoldFile(
                path: GitHubWorkflow.path, contents: GitHubWorkflow.render(trunk: options.trunk),
                purpose: "scheduled ladder auto and ladder check on pull requests"))
        case .gitlab:
            files.append(ScaffoldFile(
                path: GitLabPipeline.path, contents: GitLabPipeline.render(trunk: options.trunk),
                purpose: "scheduled ladder auto and ladder check on merge requests"))
            // A project's own pipeline is never replaced: it only needs one include line.
            if !exists(GitLabPipeline.rootPath) {
                files.append(ScaffoldFile(path: GitLabPipeline.rootPath, contents: GitLabPipeline.rootFile, purpose: "includes \(GitLabPipeline.path)"))
            }
        case nil:
            break
        }
        return files
    }

    // MARK: ladder.yaml

    /// `ladder.yaml` for `layout`; it loads with ``LadderConfig/parse(_:file:)``.
    public static func config(_ layout: DetectedLayout, options: ScaffoldOptions) -> String {
        var lines: [String] = []
        func add(_ text: String, _ comment: String? = nil) {
            guard let comment else { return lines.append(text) }
            let pad = max(1, 35 - text.count)
            lines.append(text + String(repeating: " ", count: pad) + "# " + comment)
        }
        lines.append("# Ladder configuration written by `ladder init` (Ladder \(LadderVersion.current)).")
        lines.append("# Detected: \(layout.summary).")
        lines.append("# Ladder reads this file from the trunk's tip commit, not from your checkout: commit it,")
        lines.append("# then check the result with `ladder status`. Every key is described in the SPEC, section 2.")
        for note in layout.notes { lines.append("# Note: \(note).") }
        add("version: 1")
        add("trunk: \(yamlScalar(options.trunk))", "the branch that holds every environment")
        if let base = layout.base {
            add("base: \(yamlScalar(base))", "shared layer; `ladder render <env>` shows base + overlay")
            if layout.summary.hasPrefix("Kustomize") {
                lines.append("# (Ladder merges YAML maps to render; `kustomize build` stays the real renderer.)")
            }
        }
        let depthComment: String
        switch layout.unitDepth {
        case 0: depthComment = "each environment is one unit: files sit directly in it"
        case 1: depthComment = "each first-level directory of an environment is a unit"
        default: depthComment = "units are \(layout.unitDepth) levels deep (team/service)"
        }
        add("unit_depth: \(layout.unitDepth)", depthComment)
        add("policy: ladder-policy.yaml", "branch protection and approvals")
        add("forge: \(options.forge.rawValue)", "github | gitlab: the pull-request payload flavour")
        add("environments:", "ordered from least to most protected")
        for environment in layout.environments {
            lines.append("  - name: \(yamlScalar(environment.name))")
            lines.append("    path: \(yamlScalar(environment.path))")
        }
        if layout.environments.count > 1 {
            add("promotions:", "each environment feeds the next; list several targets to fan out")
            for (from, to) in zip(layout.environments, layout.environments.dropFirst()) {
                lines.append("  - from: \(yamlScalar(from.name))")
                lines.append("    to: [\(yamlScalar(to.name))]")
            }
        }
        add("promote:", "what moves between environments")
        if layout.excludes.isEmpty {
            add("  exclude: []", "nothing environment-specific found; e.g. \"*/env.yaml\", \"**/secrets/**\"")
        } else {
            add("  exclude:", "never copied (globs relative to an environment, gitignore-style)")
            for rule in layout.excludes {
                add("    - \(yamlQuoted(rule.pattern))", rule.reason)
            }
        }
        if !layout.keys.isEmpty {
            add("  keys:", "in these files only these key paths move")
            for rule in layout.keys {
                add("    - files: \(yamlQuoted(rule.files))", rule.reason)
                lines.append("      paths: [\(rule.paths.map(yamlScalar).joined(separator: ", "))]")
            }
        }
        if !layout.patterns.isEmpty {
            add("  patterns:", "in these files only the first capture group moves")
            for rule in layout.patterns {
                add("    - files: \(yamlQuoted(rule.files))", rule.reason)
                lines.append("      regex: '\(rule.regex.replacingOccurrences(of: "'", with: "''"))'")
            }
        }
        add("  delete: true", "a file deleted in the source is deleted in the target")
        if let versionKey = layout.versionKey {
            add("version_key: \(yamlScalar(versionKey))", "the value `ladder status` shows per unit")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: ladder-policy.yaml

    /// A starter policy: the first environment takes changes directly, middle ones are promoted
    /// automatically after a soak, the last needs two approvals and is frozen at weekends.
    /// It loads with ``PolicyFile/parse(_:file:config:)`` against the matching `ladder.yaml`.
    public static func policy(_ layout: DetectedLayout) -> String {
        let names = layout.environments.map(\.name)
        var lines = [
            "# Starter policy written by `ladder init`: who may promote what, and when (SPEC section 6).",
            "# Check it with `ladder policy validate`; read it back in plain words with `ladder policy explain`.",
            "version: 1",
            "",
            "# Name people once and refer to them as group:<name> in promoters, approvals.from and break_glass.by:",
            "# groups:",
            "#   release: [alice, bob]",
            "#   sre: [carol, dave]",
            "",
            "defaults:                          # every environment, unless it says otherwise",
            "  approvals: {required: 1, allow_author: false, dismiss_stale: true}",
            "",
            "environments:",
        ]
        for (index, name) in names.enumerated() {
            let key = yamlScalar(name)
            let previous = index > 0 ? yamlScalar(names[index - 1]) : nil
            if index > 0 { lines.append("") }
            lines.append("  \(key):")
            if index == 0 {
                lines.append("    approvals: {required: 0}       # the first environment: changes land here directly")
            } else if index < names.count - 1 {
                lines.append("    promote_from: [\(previous!)]")
                lines.append("    auto: true                     # `ladder auto` promotes \(names[index - 1]) → \(name) when due")
                lines.append("    soak: 1h                       # \(names[index - 1]) must have held the content this long")
                lines.append("    # checks: [build]              # required status checks, named as your CI reports them")
            } else {
                lines.append("    promote_from: [\(previous!)]")
                lines.append("    # promoters: [group:release]   # who may run `ladder promote` into \(name)")
                lines.append("    approvals:")
                lines.append("      required: 2                  # two people, neither of them the author")
                lines.append("      allow_author: false")
                lines.append("      allow_committers: false      # nor anyone who committed to the branch")
                lines.append("      dismiss_stale: true          # an approval counts only for the exact head commit")
                lines.append("      # from: [group:sre]          # only these people count")
                lines.append("      # code_owners: true          # CODEOWNERS of every changed path must approve")
                lines.append("    # checks: [build, e2e]         # required status checks on the head commit")
                lines.append("    require_up_to_date: true       # the branch must contain the trunk tip")
                lines.append("    soak: 24h                      # \(names[index - 1]) must have held the content for a day")
                lines.append("    # direct_changes: deny         # only faithful promotions may change \(name)")
                lines.append("    windows:")
                lines.append("      - kind: deny")
                lines.append("        schedule: \"0 18 * * FRI\"     # Friday 18:00 ...")
                lines.append("        duration: 62h                #   ... until Monday 08:00")
                lines.append("        timezone: UTC                # use your team's zone, e.g. Europe/Berlin")
                lines.append("        reason: weekend freeze")
                lines.append("    break_glass: {allowed: false}  # allow emergency promotions: {allowed: true, by: [group:sre], approvals: 1}")
            }
        }
        lines += [
            "",
            "rollback:                          # getting back to a known good state must stay easy",
            "  approvals: {required: 1}",
            "  ignore_windows: true",
            "",
            "policy_changes:                    # a branch that edits ladder.yaml or this file",
            "  approvals: {required: 2}",
            "",
            "enforcement: active                # `evaluate` reports what would be denied and denies nothing",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: YAML scalars

    static let plainReserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"]

    /// `text` as a YAML scalar: plain when that reads back as the same string, else double-quoted.
    static func yamlScalar(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "._/-".unicodeScalars.contains(scalar)
        }
        if plain, !text.hasPrefix("-"), Double(text) == nil, Int(text) == nil, !plainReserved.contains(text.lowercased()) {
            return text
        }
        return yamlQuoted(text)
    }

    /// `text` double-quoted, with YAML escapes.
    static func yamlQuoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += String(format: "\\x%02X", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
