import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct Auto: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "auto",
            abstract: "Scheduled promotion: promote every edge whose target has auto: true and is due.",
            discussion: """
                For each edge into an environment with auto: true (ladder-policy.yaml), in ladder order: promote when the source differs, its content has soaked long enough and the windows are open; otherwise say why not. Promotions only prepare branches, so content reaches the next environment only after its pull request is merged and has soaked there: a run never carries unsoaked content up the ladder. Running twice changes nothing the second time.

                Exit 0 when every edge promoted, waited or had nothing to do; 1 when an edge was denied by policy; 3 (or 2) when an edge failed — the other edges still run.

                Examples:
                  ladder auto --dry-run
                  ladder auto --payload-dir payloads --format json
                  ladder auto --push origin --payload-dir payloads      # in CI
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var pullRequest: PullRequestOptions

        @Option(name: .customLong("payload-dir"), help: ArgumentHelp("Write one pull-request payload per prepared promotion into DIR (<from>-to-<to>.json).", valueName: "DIR"))
        var payloadDirectory: String?

        func run() throws {
            let (push, dryRun) = (pullRequest.push, pullRequest.dryRun)
            let console = Console(options: global)
            let workspace = try global.openWorkspace()
            let now = try global.clock()
            let gate = try PolicyGate(workspace: workspace)
            let auditActor = pullRequest.auditActor(in: workspace)
            let actor = auditActor.login
            let recorder = AuditRecorder(repository: workspace.repository, actor: auditActor)
            if let payloadDirectory { try PayloadFile.checkDirectory(payloadDirectory) }
            let renderer = try workspace.pullRequestRenderer()
            try pullRequest.checkRemote(in: workspace)
            let forge = pullRequest.payloadForge(in: workspace)
            // Made before any branch moves, so a directory that cannot be made stops the run with
            // nothing written; a dry run makes none.
            if let payloadDirectory, !dryRun { try PayloadFile.createDirectory(payloadDirectory) }
            var results = workspace.autoPromote(policy: gate, actor: actor, now: now, dryRun: dryRun)
            var pushes: [PromotionEdge: PushReport] = [:]
            if !dryRun {
                for (index, result) in results.enumerated() {
                    guard let outcome = result.outcome, outcome.status == .created || outcome.status == .updated || outcome.status == .upToDate else { continue }
                    do {
                        try recorder.recordPromotion(outcome, identity: gate.policyIdentity, at: now)
                        if let commit = outcome.commit,
                            let pushed = try pullRequest.pushBranch(outcome.plan.branch, commit: commit, previous: outcome.previousCommit, in: workspace)
                        {
                            pushes[result.edge] = pushed
                        }
                    } catch {
                        let status = (error as? LadderFailure)?.exitStatus ?? .repository
                        results[index] = AutoEdgeResult(
                            edge: result.edge, action: .error, reason: "\(result.reason); then failed: \(error.localizedDescription)",
                            outcome: outcome, decision: result.decision, dueAt: nil, exitStatus: status)
                    }
                }
                let worstResult = results.map(\.exitStatus).max() ?? .success
                try recorder.record(
                    .autoRun, outcome: worstResult == .success ? .allowed : (worstResult == .negative ? .denied : .error), at: now,
                    transition: nil, policy: AuditPolicy(
                        path: gate.policyIdentity.path, sha256: gate.policyIdentity.sha256,
                        rules: results.map { AuditRuleResult(id: "\($0.edge.from)->\($0.edge.to)", result: $0.action.rawValue, message: $0.reason) }))
            }
            var payloadFiles: [String: String] = [:]
            // A dry run finds a branch an earlier run wrote up to date, and still writes no payload.
            for result in results where !dryRun && (result.action == .promoted || result.action == .upToDate) {
                guard let outcome = result.outcome, let payloadDirectory else { continue }
                let context = workspace.pullRequestContext(
                    for: outcome.plan, breakGlass: nil, requirements: gate.mergeRequirements(for: outcome.plan), actor: actor, forge: forge)
                let file = (payloadDirectory as NSString).appendingPathComponent("\(result.edge.from)-to-\(result.edge.to).json")
                try PayloadFile.write(renderer.render(context).payload, to: file, flag: "--payload-dir")
                payloadFiles["\(result.edge.from)->\(result.edge.to)"] = file
            }
            switch console.format {
            case .json: console.out(AutoFormatter.json(results, payloadFiles: payloadFiles, pushes: pushes, now: now, dryRun: dryRun).pretty)
            case .markdown: console.out(AutoFormatter.markdown(results, now: now))
            case .text: console.section("auto", "ladder auto", AutoFormatter.text(results, pushes: pushes, console: console))
            }
            console.stepSummary(AutoFormatter.markdown(results, now: now))
            for result in results {
                switch result.action {
                case .promoted: console.annotation("notice", "\(result.edge): \(result.reason)")
                case .denied, .error: console.annotation(result.action == .error ? "error" : "warning", "\(result.edge): \(result.reason)")
                default: break
                }
            }
            // The audit log follows the branches once the report is out: if this push fails, what
            // was promoted and pushed has been shown.
            if let push, !dryRun {
                _ = try AuditLog(repository: workspace.repository).push(remote: push, actor: auditActor, source: recorder.source, at: now)
            }
            let worst = results.map(\.exitStatus).max() ?? .success
            if worst != .success { throw ExitCode(worst.rawValue) }
        }
    }
}

enum AutoFormatter {
    static func word(_ action: AutoEdgeResult.Action) -> String {
        switch action {
        case .promoted: return "promoted"
        case .upToDate: return "up to date"
        case .noChanges: return "no changes"
        case .waiting: return "waiting"
        case .denied: return "denied"
        case .wouldPromote: return "would promote"
        case .error: return "error"
        }
    }

    static func text(_ results: [AutoEdgeResult], pushes: [PromotionEdge: PushReport], console: Console) -> String {
        if results.isEmpty { return "no environment has auto: true in the policy; nothing to do" }
        var table = TextTable(["EDGE", "RESULT", "DETAILS"])
        for result in results {
            table.add(
                ["\(result.edge.from) → \(result.edge.to)", word(result.action), result.reason],
                details: pushes[result.edge].map { [$0.line] } ?? [])
        }
        return table.render { column, row, text in
            guard row >= 0, column == 1 else { return row < 0 ? console.style(text, .bold) : text }
            switch results[row].action {
            case .promoted, .wouldPromote: return console.style(text, .green)
            case .waiting: return console.style(text, .yellow)
            case .denied, .error: return console.style(text, .red)
            default: return console.style(text, .dim)
            }
        }
    }

    static func json(_ results: [AutoEdgeResult], payloadFiles: [String: String], pushes: [PromotionEdge: PushReport], now: Date, dryRun: Bool) -> JSONValue {
        [
            "time": .string(Timestamp.format(now)),
            "dry_run": .bool(dryRun),
            "edges": .array(results.map { result in
                [
                    "from": .string(result.edge.from),
                    "to": .string(result.edge.to),
                    "result": .string(result.action.rawValue),
                    "reason": .string(result.reason),
                    "branch": .optional(result.outcome?.plan.branch),
                    "commit": .optional(result.outcome?.commit?.hex),
                    "promotion_id": .optional(result.outcome.flatMap { $0.status == .nothingToPromote ? nil : $0.plan.promotionID }),
                    "units": .array((result.outcome?.plan.units ?? []).map(JSONValue.string)),
                    "due_at": .optional(result.dueAt.map(Timestamp.format)),
                    "payload": .optional(payloadFiles["\(result.edge.from)->\(result.edge.to)"]),
                    "pushed": pushes[result.edge].map { ["remote": .string($0.remote), "already_there": .bool($0.alreadyThere)] } ?? .null,
                    "policy": result.decision?.json ?? .null,
                ]
            }),
        ]
    }

    static func markdown(_ results: [AutoEdgeResult], now: Date) -> String {
        var lines = ["### Ladder auto at \(Timestamp.format(now))", ""]
        if results.isEmpty {
            lines.append("No environment has `auto: true`.")
            return lines.joined(separator: "\n")
        }
        lines.append("| edge | result | details |")
        lines.append("|---|---|---|")
        for result in results {
            lines.append("| `\(result.edge.from)` → `\(result.edge.to)` | \(word(result.action)) | \(markdownCell(result.reason)) |")
        }
        return lines.joined(separator: "\n")
    }
}
