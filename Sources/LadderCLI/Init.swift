import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Write ladder.yaml, a starter ladder-policy.yaml and CI files for an existing repository.",
            discussion: """
                Detects the environment directories of the working tree (environments/*, envs/*,
                overlays/* with base/, apps/<env> with apps/base, live/*, stages/*, clusters/* …),
                orders them from dev to prod, and writes commented files to review and commit.
                This is the only command that writes to the working tree. Existing files are never
                replaced without --force; with it, .gitlab-ci.yml is still left alone.

                Examples:
                  ladder init --dry-run
                  ladder init --ci github
                  ladder -C path/to/repo init --ci gitlab --force
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Also write CI jobs: github or gitlab.", valueName: "CI"))
        var ci: CIProvider?

        @Flag(help: "Replace files that already exist.")
        var force = false

        @Flag(name: .customLong("dry-run"), help: "Print what would be written; write nothing.")
        var dryRun = false

        func run() throws {
            let console = Console(options: global)
            let repository = try Repository.discover(from: global.workingDirectory)
            let scaffold = try Scaffold.prepare(repository: repository, ci: ci)
            let existing = scaffold.existingFiles
            if !dryRun { try scaffold.write(force: force) }
            switch console.format {
            case .json: console.out(InitFormatter.json(scaffold, existing: existing, dryRun: dryRun).pretty)
            case .markdown, .text: console.out(InitFormatter.text(scaffold, existing: existing, dryRun: dryRun, console: console))
            }
        }
    }
}

extension CIProvider: ExpressibleByArgument {}

enum InitFormatter {
    static func json(_ scaffold: Scaffold, existing: [String], dryRun: Bool) -> JSONValue {
        let layout = scaffold.layout
        return [
            "dry_run": .bool(dryRun),
            "layout": .string(layout.summary),
            "trunk": .string(scaffold.options.trunk),
            "forge": .string(scaffold.options.forge.rawValue),
            "base": .optional(layout.base),
            "unit_depth": .integer(Int64(layout.unitDepth)),
            "environments": .array(layout.environments.map { ["name": .string($0.name), "path": .string($0.path)] }),
            "files": .array(scaffold.files.map { file in
                var object: [String: JSONValue] = [
                    "path": .string(file.path), "purpose": .string(file.purpose),
                    "overwrites": .bool(existing.contains(file.path)),
                ]
                if dryRun { object["contents"] = .string(file.contents) }
                return .object(object)
            }),
            "notes": .array(layout.notes.map(JSONValue.string)),
        ]
    }

    static func text(_ scaffold: Scaffold, existing: [String], dryRun: Bool, console: Console) -> String {
        let layout = scaffold.layout
        var lines: [String] = []
        let chain = layout.environments.map(\.name).joined(separator: " → ")
        lines.append("Detected \(layout.summary): \(chain) (unit_depth \(layout.unitDepth), trunk \(scaffold.options.trunk), forge \(scaffold.options.forge.rawValue))")
        for note in layout.notes { lines.append("note: \(note)") }
        lines.append("")
        if dryRun {
            for file in scaffold.files {
                let replaces = existing.contains(file.path) ? ", replaces the existing file" : ""
                lines.append(console.style("--- \(file.path) (\(file.purpose)\(replaces))", .bold))
                lines.append(file.contents)
            }
            lines.append("dry run: nothing written")
            return lines.joined(separator: "\n")
        }
        for file in scaffold.files {
            let verb = existing.contains(file.path) ? "replaced" : "wrote"
            lines.append("\(verb) \(file.path)  (\(file.purpose))")
        }
        lines.append("")
        lines.append(console.style("Next steps", .bold))
        var step = 1
        let paths = scaffold.files.map(\.path).joined(separator: " ")
        lines.append("  \(step). review the files, then commit them: git add \(paths) && git commit -m 'Set up Ladder'")
        step += 1
        if scaffold.options.ci == .gitlab, !scaffold.files.contains(where: { $0.path == GitLabPipeline.rootPath }) {
            lines.append("  \(step). add to .gitlab-ci.yml: \(GitLabPipeline.includeLine)")
            step += 1
        }
        lines.append("  \(step). ladder policy validate")
        lines.append("  \(step + 1). ladder status")
        return lines.joined(separator: "\n")
    }
}
