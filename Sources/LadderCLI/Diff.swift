import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Show what promoting <from> into <to> would change in <to>.",
            discussion: """
                Changes are always seen from the target: 'added' exists only in <from>, 'deleted' exists only in <to> (shown as 'kept' unless promote.delete is true). Each change says whether it is promotable or environment-specific (promote.exclude), and for YAML/JSON files which keys change. Identical subtrees are skipped by object id.

                --name-only, --name-status, --stat and --patch list every difference between the two directories, like git; the default report and --format json/markdown also say what a promotion would move. With --exit-code, exit 1 when something promotable differs.

                Examples:
                  ladder diff dev staging
                  ladder diff staging prod --unit payments --format json
                  ladder diff dev staging --name-status
                  ladder diff staging prod --from-ref main --to-ref release/2026-11 --patch
                  ladder diff dev staging --rendered --unit web
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The source environment.")
        var from: String

        @Argument(help: "The target environment.")
        var to: String

        @Option(name: .customLong("unit"), help: "Only this unit (repeatable).")
        var units: [String] = []

        @Option(help: ArgumentHelp("Compare both environments at this revision (default: the trunk tip).", valueName: "REV"))
        var at: String?

        @Option(name: .customLong("from-ref"), help: ArgumentHelp("Read <from> at this revision.", valueName: "REV"))
        var fromRef: String?

        @Option(name: .customLong("to-ref"), help: ArgumentHelp("Read <to> at this revision.", valueName: "REV"))
        var toRef: String?

        @Flag(name: .customLong("name-only"), help: "List changed paths only.")
        var nameOnly = false

        @Flag(name: .customLong("name-status"), help: "List changed paths with git's status letters.")
        var nameStatus = false

        @Flag(help: "Show lines added and removed per file.")
        var stat = false

        @Flag(help: "Show unified diffs of text files.")
        var patch = false

        @Flag(help: "Compare effective configurations (base + overlay) instead of overlay files.")
        var rendered = false

        @Flag(name: .customLong("exit-code"), help: "Exit 1 when something promotable differs.")
        var exitCode = false

        func validate() throws {
            let modes = [nameOnly, nameStatus, stat, patch].filter { $0 }.count
            if modes > 1 { throw ValidationError("--name-only, --name-status, --stat and --patch are mutually exclusive") }
            if at != nil && (fromRef != nil || toRef != nil) {
                throw ValidationError("--at cannot be combined with --from-ref or --to-ref")
            }
        }

        func run() throws {
            let console = Console(options: global)
            let workspace = try global.openWorkspace(revision: at)
            var request = DiffRequest(from: from, to: to)
            request.units = units
            request.rendered = rendered
            request.fromCommit = try fromRef.map(workspace.resolve)
            request.toCommit = try toRef.map(workspace.resolve)
            // A bare listing needs no contents; --exit-code and the job summary need promotability.
            if nameOnly || nameStatus {
                request.detail = exitCode || console.writesStepSummary ? .names : .paths
            } else {
                request.detail = .keys
            }
            let diff = try workspace.diff(request)
            if diff.from.tree == nil {
                console.warning("environment '\(diff.from.environment)' does not exist at \(diff.from.commit.short) (\(diff.from.path))")
            }
            if diff.to.tree == nil {
                console.warning("environment '\(diff.to.environment)' does not exist at \(diff.to.commit.short) (\(diff.to.path))")
            }

            if nameOnly {
                for change in diff.changes { console.out(PathCoding.display(change.path)) }
            } else if nameStatus {
                for change in diff.changes { console.out(DiffFormatter.nameStatusLine(change)) }
            } else if stat {
                console.out(try DiffFormatter.stat(diff, workspace: workspace))
            } else if patch {
                for change in diff.changes {
                    let text = try workspace.patch(for: change, in: diff)
                    console.write(text.text)
                }
            } else {
                switch console.format {
                case .json: console.out(DiffFormatter.json(diff).pretty)
                case .markdown: console.out(DiffFormatter.markdown(diff))
                case .text: console.out(DiffFormatter.text(diff, console: console))
                }
            }
            console.stepSummary(DiffFormatter.markdown(diff))
            if exitCode && !diff.promotable.isEmpty { throw ExitCode(ExitStatus.negative.rawValue) }
        }
    }
}

enum DiffFormatter {
    static func nameStatusLine(_ change: FileChange) -> String {
        switch change.status {
        case .renamed:
            let score = String(format: "%03d", change.similarity)
            return "R\(score)\t\(PathCoding.display(change.oldPath ?? change.path))\t\(PathCoding.display(change.path))"
        default:
            return "\(change.status.letter)\t\(PathCoding.display(change.path))"
        }
    }

    static func json(_ diff: EnvironmentDiff) -> JSONValue {
        func side(_ side: EnvironmentDiff.Side) -> JSONValue {
            ["environment": .string(side.environment), "path": .string(side.path), "commit": .string(side.commit.hex)]
        }
        let changes: [JSONValue] = diff.changes.map { change in
            var object: [String: JSONValue] = [
                "path": .string(change.path),
                "unit": .optional(change.unit),
                "status": .string(change.status.rawValue),
                "promotable": .bool(change.promotable),
            ]
            if let oldPath = change.oldPath { object["old_path"] = .string(oldPath) }
            if let blob = change.oldBlob { object["old_blob"] = .string(blob.hex) }
            if let blob = change.newBlob { object["new_blob"] = .string(blob.hex) }
            if let mode = change.oldMode { object["old_mode"] = .string(String(mode.rawValue, radix: 8)) }
            if let mode = change.newMode { object["new_mode"] = .string(String(mode.rawValue, radix: 8)) }
            if let excluded = change.excludedBy { object["excluded_by"] = .string(excluded) }
            if let reason = change.reason { object["reason"] = .string(reason) }
            if change.mode != .file { object["promotion"] = .string(change.mode.rawValue) }
            if change.binary { object["binary"] = true }
            if let problem = change.problem { object["problem"] = .string(problem) }
            if change.status == .renamed { object["similarity"] = .integer(Int64(change.similarity)) }
            if let keys = change.keys {
                object["keys"] = .array(keys.map { key in
                    var entry: [String: JSONValue] = ["path": .string(key.path), "old": .optional(key.old), "new": .optional(key.new)]
                    if change.mode == .keys { entry["promotable"] = .bool(key.promotable) }
                    return .object(entry)
                })
            }
            return .object(object)
        }
        let summary = diff.summary
        return [
            "from": side(diff.from),
            "to": side(diff.to),
            "rendered": .bool(diff.rendered),
            "changes": .array(changes),
            "summary": [
                "added": .integer(Int64(summary.added)),
                "modified": .integer(Int64(summary.modified)),
                "deleted": .integer(Int64(summary.deleted)),
                "renamed": .integer(Int64(summary.renamed)),
                "type_changed": .integer(Int64(summary.typeChanged)),
                "kept": .integer(Int64(summary.kept)),
                "excluded": .integer(Int64(summary.excluded)),
                "promotable": .integer(Int64(diff.promotable.count)),
            ],
        ]
    }

    /// Shortens a value for one line of text output (never in JSON).
    static func abbreviate(_ value: String?, limit: Int = 60) -> String {
        guard let value else { return "(absent)" }
        let single = value.replacingOccurrences(of: "\n", with: "⏎")
        return single.count > limit ? String(single.prefix(limit - 1)) + "…" : single
    }

    static func statusWord(_ change: FileChange) -> String {
        switch change.status {
        case .added: return "added"
        case .deleted: return "deleted"
        case .kept: return "kept"
        case .modified: return "modified"
        case .renamed: return "renamed"
        case .typeChanged: return "type changed"
        }
    }

    static func text(_ diff: EnvironmentDiff, console: Console) -> String {
        var lines: [String] = []
        let promotable = diff.promotable
        let unitCount = Set(promotable.map { $0.unit ?? "" }).count
        let headline = "\(diff.from.environment) → \(diff.to.environment)\(diff.rendered ? " (rendered)" : ""): "
            + (promotable.isEmpty
                ? "nothing to promote"
                : "\(promotable.count) promotable change\(promotable.count == 1 ? "" : "s") in \(unitCount) unit\(unitCount == 1 ? "" : "s")")
        let others = diff.changes.count - promotable.count
        lines.append(console.style(headline + (others > 0 ? ", \(others) not promoted" : ""), .bold))
        let groups = Dictionary(grouping: diff.changes) { $0.unit ?? "(environment root)" }
        for unit in groups.keys.sorted() {
            lines.append("")
            lines.append(console.style(unit, .bold))
            for change in groups[unit]! {
                let local = change.unit.map { unit in
                    unit == Workspace.wholeEnvironmentUnit ? change.path : String(change.path.dropFirst(unit.count + 1))
                } ?? change.path
                var name = PathCoding.display(local)
                if let oldPath = change.oldPath { name = "\(PathCoding.display(oldPath)) → \(name)" }
                let marker = change.promotable ? console.style(change.status.letter, .green) : console.style("·", .dim)
                var detail = statusWord(change)
                if let excluded = change.excludedBy {
                    detail += ", environment-specific (\(excluded))"
                } else if !change.promotable, let reason = change.reason {
                    detail += ", \(reason)"
                }
                if change.binary { detail += ", binary" }
                lines.append("  \(marker) \(name)  \(console.style(detail, .dim))")
                if let problem = change.problem { lines.append("      " + console.style("! \(problem)", .yellow)) }
                for key in change.excludedBy == nil ? change.keys ?? [] : [] {
                    let text = "\(key.path): \(abbreviate(key.old)) → \(abbreviate(key.new))"
                    lines.append("      " + (key.promotable && change.promotable ? text : console.style(text + " (not promoted)", .dim)))
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func markdown(_ diff: EnvironmentDiff) -> String {
        var lines = ["### `\(diff.from.environment)` → `\(diff.to.environment)`", ""]
        if diff.changes.isEmpty {
            lines.append("No differences.")
            return lines.joined(separator: "\n")
        }
        lines.append("| unit | file | change | promotable | keys |")
        lines.append("|---|---|---|---|---|")
        for change in diff.changes {
            let keys = (change.keys ?? []).filter { change.mode != .keys || $0.promotable }
                .map { "`\(markdownCell($0.path))`: \(markdownCell(abbreviate($0.old))) → \(markdownCell(abbreviate($0.new)))" }
                .joined(separator: "<br>")
            let promotable = change.promotable ? "yes" : (change.excludedBy.map { "no (`\(markdownCell($0))`)" } ?? "no")
            lines.append("| \(markdownCell(change.unit ?? "")) | `\(markdownCell(PathCoding.display(change.path)))` | \(statusWord(change)) | \(promotable) | \(keys) |")
        }
        return lines.joined(separator: "\n")
    }

    static func stat(_ diff: EnvironmentDiff, workspace: Workspace) throws -> String {
        var rows: [(String, String)] = []
        var totalAdded = 0
        var totalDeleted = 0
        for change in diff.changes {
            let patch = try workspace.patch(for: change, in: diff)
            let name = PathCoding.display(change.oldPath.map { "\($0) => \(change.path)" } ?? change.path)
            if patch.isBinary {
                rows.append((name, "Bin"))
            } else {
                totalAdded += patch.added
                totalDeleted += patch.deleted
                let bar = String(repeating: "+", count: min(patch.added, 40)) + String(repeating: "-", count: min(patch.deleted, 40))
                rows.append((name, "\(patch.added + patch.deleted) \(bar)"))
            }
        }
        let width = rows.map(\.0.count).max() ?? 0
        var lines = rows.map { " \($0.0.padding(toLength: width, withPad: " ", startingAt: 0)) | \($0.1)" }
        lines.append(" \(diff.changes.count) file\(diff.changes.count == 1 ? "" : "s") changed, \(totalAdded) insertion\(totalAdded == 1 ? "" : "s")(+), \(totalDeleted) deletion\(totalDeleted == 1 ? "" : "s")(-)")
        return lines.joined(separator: "\n")
    }
}
