import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rollback",
            abstract: "Create a rollback branch, commit and pull-request payload.",
            discussion: """
                Without a selector, undoes the most recent promotion into <env> found on the trunk's first-parent history (merged with a merge commit, squashed or rebased). --promotion reverts one promotion's changes to <env> three-way: files changed again since keep those later changes where they do not overlap; overlapping files stop the rollback (exit 1) unless --restore. --to restores <env> (or --unit units) exactly to its content at REV.

                The commit is built in memory on top of the trunk tip and lands on ladder/rollback/<env>/<promotion id or revision>; your working tree, index and HEAD are never touched. Re-running with the same content changes nothing.

                Examples:
                  ladder rollback staging
                  ladder rollback prod --promotion 0123abcd4567ef89 --reason "error rate above 5%"
                  ladder rollback prod --to main~3 --unit payments --payload pr.json
                  ladder rollback staging --dry-run --json
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The environment to roll back.")
        var environment: String

        @Option(help: ArgumentHelp("Undo this promotion (its id, or the commit that brought it in).", valueName: "ID"))
        var promotion: String?

        @Option(help: ArgumentHelp("Restore the environment to its content at this revision.", valueName: "REV"))
        var to: String?

        @Option(name: .customLong("unit"), help: "Roll back only this unit (repeatable).")
        var units: [String] = []

        @Flag(help: "Restore files changed after the promotion to their content before it instead of stopping.")
        var restore = false

        @Option(help: ArgumentHelp("Why: shown in the commit message and the pull request.", valueName: "TEXT"))
        var reason: String?

        @OptionGroup var pullRequest: PullRequestOptions
        @OptionGroup var payloadFile: PayloadFileOption

        func validate() throws {
            if promotion != nil && to != nil {
                throw ValidationError("--promotion and --to cannot be combined")
            }
            if restore && to != nil {
                throw ValidationError("--restore applies to promotions; --to already restores exactly")
            }
            if let reason, reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ValidationError("--reason needs a text")
            }
        }

        var target: RollbackTarget {
            if let promotion { return .promotion(promotion) }
            if let to { return .revision(to) }
            return .latestPromotion
        }

        func run() throws {
            let (push, dryRun, payload) = (pullRequest.push, pullRequest.dryRun, payloadFile.payload)
            let console = Console(options: global)
            let workspace = try global.openWorkspace()
            let now = try global.clock()
            let gate = try PolicyGate(workspace: workspace)
            let auditActor = pullRequest.auditActor(in: workspace)
            let actor = auditActor.login
            let recorder = AuditRecorder(repository: workspace.repository, actor: auditActor)
            try payloadFile.checkWritable()
            let forge = pullRequest.payloadForge(in: workspace)

            var request = RollbackRequest(environment: environment, target: target)
            request.units = units
            request.restore = restore
            request.reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
            var options = RollbackOptions(actor: actor, now: now)
            options.dryRun = dryRun

            try pullRequest.checkRemote(in: workspace)
            let outcome: RollbackOutcome
            do {
                outcome = try workspace.rollback(request, options: options, gate: gate)
            } catch let error as RollbackError {
                if case .conflicts(_, _, let conflicts) = error {
                    switch console.format {
                    case .json: console.out(RollbackFormatter.conflictsJSON(error, conflicts: conflicts).pretty)
                    default: console.out(RollbackFormatter.conflictsText(conflicts, console: console))
                    }
                }
                throw error
            } catch let denied as RollbackDenied {
                console.out(PromotionFormatter.denial(denied.decision, console: console))
                throw denied
            }

            var payloadValue: JSONValue = .null
            var payloadLine: String?
            if outcome.status != .nothingToRollBack {
                let context = workspace.pullRequestContext(
                    for: outcome.plan, requirements: gate.rollbackRequirements(for: outcome.plan.environment.name), actor: actor, forge: forge)
                let rendered = try workspace.pullRequestRenderer().render(context)
                payloadValue = rendered.payload
                if let payload, !dryRun {
                    try PayloadFile.write(payloadValue, to: payload)
                    console.note("payload written to \(payload)")
                    payloadLine = "  payload    \(payload)"
                }
                if rendered.omittedFiles > 0 {
                    console.warning("the pull-request body lists \(rendered.omittedFiles) fewer files to fit \(forge.displayName)'s limit")
                }
            }
            if outcome.wroteCommit { try recordRollbackCreated(outcome, gate: gate, recorder: recorder, at: now) }
            // As with promote: the branch is pushed whenever it holds the rollback, also when this
            // run found it up to date (an earlier run may not have pushed it).
            var pushLine: String?
            if let commit = outcome.commit {
                pushLine = try pullRequest.pushBranch(outcome.plan.branch, commit: commit, previous: outcome.previousCommit, in: workspace)?.line
            }

            switch console.format {
            case .json:
                // stdout is the forge's "create pull request" body (null when there is nothing to
                // roll back); with --dry-run, a report holding that body.
                if dryRun {
                    var report = RollbackFormatter.outcomeJSON(outcome).objectValue ?? [:]
                    report["payload"] = payloadValue
                    console.out(JSONValue.object(report).pretty)
                } else {
                    console.out(payloadValue.pretty)
                }
            case .markdown: console.out(RollbackFormatter.markdown(outcome))
            case .text:
                console.out(RollbackFormatter.outcomeText(outcome, console: console))
                if let payloadLine { console.info(payloadLine) }
                if let pushLine { console.info(pushLine) }
            }
            if let push, !dryRun {
                _ = try AuditLog(repository: workspace.repository).push(
                    remote: push, actor: auditActor, source: recorder.source, at: now)
            }
        }

        /// Appends the `rollback.created` event for a rollback that wrote its branch.
        func recordRollbackCreated(_ outcome: RollbackOutcome, gate: PolicyGate, recorder: AuditRecorder, at time: Date) throws {
            try recorder.record(
                .rollbackCreated, outcome: .allowed, at: time,
                transition: outcome.auditTransition, policy: AuditRecorder.policy(outcome.decision, identity: gate.policyIdentity))
        }
    }
}

enum RollbackFormatter {
    static func statusWord(_ status: RollbackStatus) -> String {
        switch status {
        case .nothingToRollBack: return "nothing to roll back"
        case .upToDate: return "up to date"
        case .created: return "created"
        case .updated: return "updated"
        case .wouldCreate: return "would create"
        case .wouldUpdate: return "would update"
        }
    }

    static func undoes(_ plan: RollbackPlan) -> String {
        if let promotion = plan.promotion {
            let edge = promotion.from.map { "\($0) → \(promotion.to)" } ?? promotion.to
            return "promotion \(promotion.id) (\(edge), brought in by \(promotion.commit.short): \(promotion.summary))"
        }
        return "content at \(plan.revision?.short ?? plan.rollbackOf)"
    }

    static func outcomeText(_ outcome: RollbackOutcome, console: Console) -> String {
        let plan = outcome.plan
        let name = plan.environment.name
        switch outcome.status {
        case .nothingToRollBack:
            return "\(name): nothing to roll back: \(plan.nothingReason ?? "no change")"
        case .upToDate:
            return "\(name): up to date (\(plan.branch) at \(outcome.commit?.short ?? "?"))"
        default:
            var lines = [console.style("\(name): \(statusWord(outcome.status)) \(plan.branch)", .bold)]
            if let commit = outcome.commit {
                lines.append("  commit     \(commit.short)\(outcome.previousCommit.map { " (was \($0.short))" } ?? "")")
            }
            lines.append("  undoes     \(undoes(plan))")
            lines.append("  rollback   \(plan.rollbackID)")
            if let reason = plan.reason { lines.append("  reason     \(reason)") }
            lines.append("  units      \(plan.units.joined(separator: ", "))")
            for unit in plan.units {
                if let version = plan.versions[unit], version.old != version.new {
                    lines.append("    \(unit): \(version.old ?? "none") → \(version.new ?? "none")")
                }
            }
            for file in plan.files {
                lines.append("    \(file.status.letter) \(PathCoding.display(file.path))\(file.method == .forced ? " (restored over later changes)" : "")")
                for key in file.keys.prefix(10) {
                    lines.append("        \(key.path): \(DiffFormatter.abbreviate(key.old)) → \(DiffFormatter.abbreviate(key.new))")
                }
            }
            return lines.joined(separator: "\n")
        }
    }

    static func conflictsText(_ conflicts: [RollbackConflict], console: Console) -> String {
        var lines = [console.style("Changed after the promotion (not rolled back):", .bold)]
        for conflict in conflicts {
            lines.append("  \(PathCoding.display(conflict.path)): \(conflict.reason)")
            for commit in conflict.commits { lines.append("    \(commit.id.short) \(commit.summary)") }
        }
        return lines.joined(separator: "\n")
    }

    static func conflictJSON(_ conflict: RollbackConflict) -> JSONValue {
        [
            "path": .string(conflict.path), "reason": .string(conflict.reason),
            "commits": .array(conflict.commits.map { ["commit": .string($0.id.hex), "summary": .string($0.summary)] }),
        ]
    }

    static func conflictsJSON(_ error: RollbackError, conflicts: [RollbackConflict]) -> JSONValue {
        ["status": "conflict", "message": .optional(error.errorDescription), "conflicts": .array(conflicts.map(conflictJSON))]
    }

    static func outcomeJSON(_ outcome: RollbackOutcome) -> JSONValue {
        let plan = outcome.plan
        let files: [JSONValue] = plan.files.map { file in
            [
                "path": .string(file.path), "unit": .optional(file.unit), "status": .string(file.status.rawValue),
                "method": .string(file.method.rawValue),
                "keys": .array(file.keys.map { ["path": .string($0.path), "old": .optional($0.old), "new": .optional($0.new)] }),
            ]
        }
        var versions: [String: JSONValue] = [:]
        for (unit, version) in plan.versions { versions[unit] = ["old": .optional(version.old), "new": .optional(version.new)] }
        var promotion: JSONValue = .null
        if let record = plan.promotion {
            promotion = [
                "id": .string(record.id), "from": .optional(record.from), "to": .string(record.to),
                "commit": .string(record.commit.hex), "carrier": .string(record.carrier.hex), "landing": .string(record.landing.rawValue),
            ]
        }
        return [
            "environment": .string(plan.environment.name),
            "status": .string(outcome.status.rawValue),
            "reason": .optional(plan.nothingReason),
            "branch": plan.branch.isEmpty ? .null : .string(plan.branch),
            "rollback_id": plan.rollbackID.isEmpty ? .null : .string(plan.rollbackID),
            "rollback_of": plan.rollbackOf.isEmpty ? .null : .string(plan.rollbackOf),
            "promotion": promotion,
            "restored_commit": .optional(plan.restoredCommit?.hex),
            "base_commit": .string(plan.baseCommit.hex),
            "commit": .optional(outcome.commit?.hex),
            "previous_commit": .optional(outcome.previousCommit?.hex),
            "units": .array(plan.units.map(JSONValue.string)),
            "versions": .object(versions),
            "files": .array(files),
            "restored_over_later_changes": .array(plan.overridden.map(conflictJSON)),
            "policy": outcome.decision?.json ?? .null,
        ]
    }

    static func markdown(_ outcome: RollbackOutcome) -> String {
        let plan = outcome.plan
        var lines = ["### Rollback of `\(plan.environment.name)`", ""]
        guard outcome.status != .nothingToRollBack else {
            lines.append("Nothing to roll back: \(plan.nothingReason ?? "no change").")
            return lines.joined(separator: "\n")
        }
        lines.append("Branch `\(plan.branch)` (\(statusWord(outcome.status))), undoes \(markdownCell(undoes(plan))).")
        lines.append("")
        for file in plan.files { lines.append("- `\(markdownCell(PathCoding.display(file.path)))` \(file.status.rawValue)") }
        return lines.joined(separator: "\n")
    }
}
