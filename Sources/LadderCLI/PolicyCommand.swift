import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct Policy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract: "Check the policy file and explain its rules in plain words.",
            subcommands: [Validate.self, Explain.self]
        )
    }
}

extension LadderCommand.Policy {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check ladder-policy.yaml against ladder.yaml; list every mistake with file:line:column.",
            discussion: """
                The policy is read from the trunk tip (or --ref), like ladder.yaml; give FILE to check
                a file on disk instead, e.g. before committing it. Prints 'ok' and exits 0, or lists
                every error and exits 2.

                Examples:
                  ladder policy validate
                  ladder policy validate ladder-policy.yaml --json
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("A policy file on disk to check instead of the committed one.", valueName: "FILE"))
        var file: String?

        @Option(help: ArgumentHelp("Read the configuration and policy at this revision.", valueName: "REV"))
        var ref: String?

        func run() throws {
            let console = Console(options: global)
            let workspace = try global.openWorkspace(revision: ref)
            let policy: PolicyFile
            do {
                if let file {
                    let path = file.hasPrefix("/") ? file : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(file)
                    policy = try PolicyFile.load(contentsOf: path, displayName: file, config: workspace.config)
                } else {
                    policy = try PolicyFile.load(from: workspace)
                }
            } catch let errors as ConfigErrors {
                PolicyOutput.report(errors.errors, file: file ?? workspace.config.policyPath, console: console)
                throw ExitCode(ExitStatus.badInput.rawValue)
            } catch let error as ConfigError {
                PolicyOutput.report([error], file: file ?? workspace.config.policyPath, console: console)
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
            for warning in policy.warnings where console.format == .text {
                console.warning(warning.errorDescription ?? warning.reason)
            }
            switch console.format {
            case .json:
                console.out(JSONValue.object([
                    "ok": .bool(true), "policy": .string(policy.file), "errors": .array([]),
                    "warnings": .array(policy.warnings.map(PolicyOutput.json)),
                ]).pretty)
            case .markdown:
                console.out("✅ `\(policy.file)` is valid")
            case .text:
                console.out("ok")
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Print the effective rules of each environment (or one) in plain words.",
            discussion: """
                Rules are merged defaults ← environments.<env> ← environments.<env>.from.<source>.
                With --now, also says whether each environment's windows are open at that time and
                until when.

                Examples:
                  ladder policy explain
                  ladder policy explain prod --now 2026-11-20T16:30:00Z
                  ladder policy explain --format markdown
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("Explain only this environment.", valueName: "env"))
        var environment: String?

        @Option(help: ArgumentHelp("Read the configuration and policy at this revision.", valueName: "REV"))
        var ref: String?

        func run() throws {
            let console = Console(options: global)
            let now = try global.parsedNow()
            let workspace = try global.openWorkspace(revision: ref)
            if let environment { _ = try workspace.environment(environment) }
            let policy: PolicyFile
            do {
                policy = try PolicyFile.load(from: workspace)
            } catch let errors as ConfigErrors {
                PolicyOutput.report(errors.errors, file: workspace.config.policyPath, console: console)
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
            let explanation = PolicyExplanation(policy: policy, environments: environment.map { [$0] }, now: now)
            switch console.format {
            case .json: console.out(explanation.json.pretty)
            case .markdown: console.out(explanation.markdown)
            case .text: console.out(PolicyOutput.styled(explanation.text, console: console))
            }
            console.stepSummary(explanation.markdown)
        }
    }
}

enum PolicyOutput {
    /// Prints every policy mistake: one `ladder: error:` line each on stderr, or a JSON report on stdout.
    static func report(_ errors: [ConfigError], file: String, console: Console) {
        if console.format == .json {
            console.out(JSONValue.object([
                "ok": .bool(false), "policy": .string(errors.first?.file ?? file),
                "errors": .array(errors.map(json)), "warnings": .array([]),
            ]).pretty)
            return
        }
        for error in errors {
            Console.printError(error.errorDescription ?? error.reason, environment: console.environment)
        }
        if errors.count > 1 {
            FileHandle.standardError.write(Data("ladder: \(errors.count) errors in \(errors.first?.file ?? file)\n".utf8))
        }
    }

    static func json(_ error: ConfigError) -> JSONValue {
        [
            "file": .string(error.file), "line": .integer(Int64(error.line)), "column": .integer(Int64(error.column)),
            "message": .string(error.reason), "hint": .optional(error.suggestion),
        ]
    }

    /// Bold section headings when colour is on.
    static func styled(_ text: String, console: Console) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.isEmpty || line.hasPrefix(" ") ? String(line) : console.style(String(line), .bold)
        }.joined(separator: "\n")
    }
}

