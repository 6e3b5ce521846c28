import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct AuditExportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export audit events and every trunk commit that changed an environment.",
            discussion: """
                Rows: Ladder's events (parents first), then one row per trunk commit and changed
                environment (oldest first), classified as promotion, rollback or direct, with
                author, committer, files, pull-request number, the approvals recorded by
                'ladder check' and approval_evidence ('missing' flags a change to a protected
                environment without recorded approval).

                With -o FILE the file is written atomically, and FILE.sha256 records its SHA-256,
                the number of events and the chain tip, for 'ladder audit verify --digest'.
                --action takes an event action (promotion.created, ...) or a commit kind
                (promotion, rollback, direct); --env and --action may be repeated.
                """
        )

        // Not the shared GlobalOptions: here --format names the file format (jsonl, csv, json),
        // not the report format, so the other global options are declared one by one.
        @Option(name: .customShort("C"), help: ArgumentHelp("Run as if Ladder was started in <path>.", valueName: "path"))
        var directory: String?

        @Option(name: .customLong("config"), help: ArgumentHelp("Read the configuration from FILE instead of ladder.yaml in the commit.", valueName: "FILE"))
        var configFile: String?

        @Option(help: "Colour: auto, always or never (NO_COLOR is honoured).")
        var color: ColorMode = .auto

        @Option(help: ArgumentHelp("Use this time (RFC 3339) instead of the clock.", valueName: "time"))
        var now: String?

        @Flag(name: [.customShort("q"), .long], help: "Print only errors and the essential result.")
        var quiet = false

        @Flag(name: [.customShort("v"), .long], help: "Explain what Ladder is doing on stderr.")
        var verbose = false

        @Flag(help: "Short for --format json.")
        var json = false

        /// The shared options, rebuilt from the ones declared here.
        var global: GlobalOptions {
            get throws {
                var arguments = ["--color", color.rawValue]
                if let directory { arguments += ["-C", directory] }
                if let configFile { arguments += ["--config", configFile] }
                if let now { arguments += ["--now", now] }
                if quiet { arguments.append("--quiet") }
                if verbose { arguments.append("--verbose") }
                return try GlobalOptions.parse(arguments)
            }
        }

        @Option(help: ArgumentHelp("Keep rows at or after this time (RFC 3339).", valueName: "time"))
        var since: String?

        @Option(help: ArgumentHelp("Keep rows at or before this time (RFC 3339).", valueName: "time"))
        var until: String?

        @Option(name: .customLong("env"), help: ArgumentHelp("Keep rows for this environment (repeatable).", valueName: "env"))
        var environments: [String] = []

        @Option(name: .customLong("action"), help: ArgumentHelp("Keep rows with this action or commit kind (repeatable).", valueName: "action"))
        var actions: [String] = []

        @Option(name: .customLong("format"), help: "File format: jsonl, csv or json (default jsonl).")
        var exportFormat: AuditExportFormat = .jsonl

        var effectiveFormat: AuditExportFormat { json ? .json : exportFormat }

        @Option(name: .customShort("o"), help: ArgumentHelp("Write to FILE (and FILE.sha256) instead of stdout.", valueName: "FILE"))
        var output: String?

        static let knownActions = Set(AuditAction.allCases.map(\.rawValue) + AuditCommitKind.allCases.map(\.rawValue))

        func validate() throws {
            if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
            if json, exportFormat != .jsonl, exportFormat != .json {
                throw ValidationError("--json conflicts with --format \(exportFormat.rawValue)")
            }
            for action in actions where !Self.knownActions.contains(action) {
                throw ValidationError("--action: unknown action '\(action)' (known: \(Self.knownActions.sorted().joined(separator: ", ")))")
            }
            if let since = try parseTimeOption(since, "--since"), let until = try parseTimeOption(until, "--until"), since > until {
                throw ValidationError("--since is after --until")
            }
        }

        func run() throws {
            let global = try self.global
            let console = Console(options: global)
            let workspace = try global.openWorkspace()
            for name in environments { _ = try workspace.environment(name) }
            let filter = AuditExportFilter(
                since: try parseTimeOption(since, "--since"), until: try parseTimeOption(until, "--until"),
                environments: environments.isEmpty ? nil : Set(environments), actions: actions.isEmpty ? nil : Set(actions))
            let log = AuditLog(repository: workspace.repository)
            var exporter = AuditExporter(log: log, history: AuditHistory(workspace: workspace), filter: filter, format: effectiveFormat)
            let showProgress = isatty(STDERR_FILENO) == 1 && !quiet
            if showProgress {
                exporter.progress = { count in
                    FileHandle.standardError.write(Data("\rladder: exporting… \(count) rows".utf8))
                }
            }
            defer { if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }

            if let output {
                let path = global.resolvedPath(output)
                let result = try exporter.export(toFile: path)
                if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                console.info(
                    "exported \(result.rowCount) rows (\(result.eventRows) events, \(result.commitRows) commits) to \(output); digest \(output).sha256")
            } else {
                let stream = AuditExportOutput(descriptor: STDOUT_FILENO, path: "stdout", digest: false)
                _ = try exporter.write(to: stream)
            }
        }
    }
}
