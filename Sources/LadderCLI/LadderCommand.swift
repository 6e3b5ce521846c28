import ArgumentParser
import Foundation
import LadderCore
import LadderGit

/// The root `ladder` command.
struct LadderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ladder",
        abstract: "Promote changes between environment directories of a git monorepo (dev → staging → prod).",
        discussion: """
            Ladder reads environments from ladder.yaml in the trunk's tip commit, never from the working tree, and writes only branches and refs: your checkout is never touched.

            Exit codes: 0 success / allowed / no difference; 1 a negative answer (denied, differences with --exit-code, tampering found, check failed); 2 bad input; 3 repository or git failure.

            Global options (-C, --config, --format/--json, --color, --now, -q, -v) may be given before or after the subcommand. Run 'ladder <subcommand> --help' for examples.
            """,
        version: "ladder \(LadderVersion.current)",
        subcommands: [Status.self, Diff.self, Render.self, Plan.self, Promote.self, Check.self, Rollback.self, Auto.self, Audit.self, Policy.self, Init.self],
        helpNames: [.short, .long]
    )

    /// Subcommand names and, for groups, their children; used to place global options.
    /// Built once per process; type names come from `_typeName`, not `String(describing:)`, whose
    /// protocol-conformance lookups scan every conformance record in the binary (~12 M instructions,
    /// most of `ladder --version`).
    static let commandTree: [String: Set<String>] = {
        var tree: [String: Set<String>] = [:]
        for command in configuration.subcommands {
            let name = command.configuration.commandName ?? _typeName(command, qualified: false).lowercased()
            tree[name] = Set(command.configuration.subcommands.compactMap { $0.configuration.commandName })
        }
        tree["help"] = []
        return tree
    }()
}

/// Shared setup for commands that work on a workspace.
extension GlobalOptions {
    func openWorkspace(revision: String? = nil) throws -> Workspace {
        try Workspace.open(at: workingDirectory, configFile: resolvedConfigFile, revision: revision)
    }
}
