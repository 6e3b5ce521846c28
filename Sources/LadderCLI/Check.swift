import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Merge gate: evaluate the policy for a branch given its reviews and checks.",
            discussion: """
                ladder.yaml and the policy are read from the base branch, never from the branch under check, so a pull request cannot weaken the rules it is judged by. A branch that claims to be a promotion (Ladder-* trailers) must change its target exactly as a promotion from Ladder-Source-Commit would; anything else is a direct change.

                --reviews takes GitHub's "list reviews" response, GitLab's approvals response, or [{"user","state","commit"}]. --checks takes GitHub check runs, GitHub combined status, GitLab commit statuses, or [{"name","state"}].

                Exit 0 allowed, 1 denied, 2 bad input.

                Examples:
                  ladder check --branch ladder/promote/staging-to-prod --reviews reviews.json --checks checks.json
                  gh api repos/{owner}/{repo}/pulls/42/reviews > reviews.json && ladder check --branch "$GITHUB_HEAD_REF" --reviews reviews.json --author "$PR_AUTHOR"
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The revision to check (instead of --branch).", valueName: "REV"))
        var revision: String?

        @Option(help: ArgumentHelp("The branch to check.", valueName: "BRANCH"))
        var branch: String?

        @Option(help: ArgumentHelp("The branch it merges into (default: the trunk).", valueName: "BRANCH"))
        var base: String?

        @Option(help: ArgumentHelp("Reviews JSON from the forge.", valueName: "FILE"))
        var reviews: String?

        @Option(help: ArgumentHelp("Status checks JSON from the forge.", valueName: "FILE"))
        var checks: String?

        @Option(help: ArgumentHelp("The pull request's author (default: the head commit's author).", valueName: "LOGIN"))
        var author: String?

        @Option(help: ArgumentHelp("The pull request's title (for ticket rules).", valueName: "TEXT"))
        var title: String?

        func validate() throws {
            if revision != nil && branch != nil { throw ValidationError("give either --branch or a revision, not both") }
            if revision == nil && branch == nil { throw ValidationError("missing the branch to check: --branch BRANCH or a revision") }
        }

        func run() throws {
            let console = Console(options: global)
            let now = try global.clock()
            let workspace = try global.openWorkspace(revision: base)
            let policy = try PolicyGate(workspace: workspace).policy
            var request = BranchCheckRequest(head: branch ?? revision!, now: now)
            request.base = base
            request.author = author
            request.title = title
            if let reviews { request.reviews = try ReviewsInput(parsing: ForgeFile.read(reviews, flag: "--reviews"), file: reviews) }
            if let checks { request.checks = try ChecksInput(parsing: ForgeFile.read(checks, flag: "--checks"), file: checks) }
            let result = try workspace.checkBranch(request, policy: policy)
            let gateIdentity = try PolicyGate(workspace: workspace).policyIdentity
            let recorder = AuditRecorder(repository: workspace.repository, actor: AuditContext.actor(explicit: nil, repository: workspace.repository))
            for decision in result.decisions {
                try recorder.record(
                    .promotionChecked, outcome: decision.decision == .allow ? .allowed : .denied, at: now,
                    transition: AuditTransition(
                        from: decision.source, to: decision.environment, baseCommit: result.base.hex, commit: result.head.hex,
                        branch: branch, promotionID: result.promotionID),
                    approvals: result.records.map {
                        AuditApproval(login: $0.login, state: $0.state.rawValue, commit: $0.commit, counted: $0.counted, reason: $0.reason)
                    },
                    policy: AuditRecorder.policy(decision, identity: gateIdentity))
            }
            switch console.format {
            case .json: console.out(CheckFormatter.json(result).pretty)
            case .markdown: console.out(CheckFormatter.markdown(result, head: request.head))
            case .text: console.section("check", "ladder check \(request.head)", CheckFormatter.text(result, head: request.head, console: console))
            }
            console.stepSummary(CheckFormatter.markdown(result, head: request.head))
            if console.inGitHubActions {
                for decision in result.decisions {
                    for rule in decision.failures {
                        console.annotation(decision.decision == .deny ? "error" : "warning", "\(rule.id): \(rule.message)")
                    }
                }
            }
            if !result.allowed { throw ExitCode(ExitStatus.negative.rawValue) }
        }
    }
}

/// Reads forge JSON files given on the command line.
enum ForgeFile {
    static func read(_ path: String, flag: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkspaceError.invalidInput("\(flag) \(path): cannot read the file")
        }
        return Array(data)
    }
}

extension ForgeInputError: LadderFailure {
    public var exitStatus: ExitStatus { .badInput }
}

enum CheckFormatter {
    static func json(_ result: BranchCheckResult) -> JSONValue {
        let rules = result.decisions.flatMap { $0.rules.map(\.json) }
        return [
            "decision": .string(result.allowed ? "allow" : "deny"),
            "environment": result.decisions.count == 1 ? .string(result.decisions[0].environment) : .optional(result.decisions.first?.environment),
            "rules": .array(rules),
            "head": .string(result.head.hex),
            "base": .string(result.base.hex),
            "promotion_id": .optional(result.promotionID),
            "changed_environments": .array(result.changedEnvironments.map(JSONValue.string)),
            "environments": .array(result.decisions.map(\.json)),
            "approvals": .array(result.records.map(\.json)),
        ]
    }

    static func text(_ result: BranchCheckResult, head: String, console: Console) -> String {
        var lines: [String] = []
        let verdict = result.allowed ? console.style("allowed", .green, .bold) : console.style("denied", .red, .bold)
        lines.append("\(head) (\(result.head.short)): \(verdict)")
        if result.decisions.isEmpty {
            lines.append("  no environment or policy file changes; nothing to gate")
        }
        for decision in result.decisions {
            lines.append("")
            lines.append(console.style("\(decision.source.map { "\($0) → " } ?? "direct change to ")\(decision.environment)", .bold))
            lines.append(PromotionFormatter.policyText(decision, console: console).split(separator: "\n").dropFirst().joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }

    static func markdown(_ result: BranchCheckResult, head: String) -> String {
        var lines = ["### Ladder check: `\(head)` — \(result.allowed ? "✅ allowed" : "❌ denied")", ""]
        for decision in result.decisions {
            lines.append("**\(decision.source.map { "\($0) → " } ?? "direct change to ")\(decision.environment)**")
            lines.append("")
            lines.append("| rule | result | details |")
            lines.append("|---|---|---|")
            for rule in decision.rules {
                let icon = rule.result == .pass ? "✅ pass" : rule.result == .fail ? "❌ fail" : "➖ skip"
                lines.append("| `\(rule.id)` | \(icon) | \(markdownCell(rule.message)) |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
