import ArgumentParser
import Foundation
import LadderCore
import LadderGit

/// Arguments shared by `plan` and `promote`: which promotion.
struct PromotionArguments: ParsableArguments {
    @Argument(help: "The source environment.")
    var from: String

    @Argument(help: "The target environment (default: every environment <from> feeds).")
    var to: String?

    @Option(name: .customLong("unit"), help: "Promote only this unit (repeatable).")
    var units: [String] = []

    @Option(help: ArgumentHelp("Base the promotion on this revision (default: the trunk tip).", valueName: "REV"))
    var ref: String?

    @Option(help: ArgumentHelp("Use this branch instead of ladder/promote/<from>-to-<to>.", valueName: "NAME"))
    var branch: String?

    @Option(name: .customLong("break-glass"), help: ArgumentHelp("Bypass promote-time rules where the policy allows it; recorded loudly.", valueName: "REASON"))
    var breakGlass: String?

    func validate() throws {
        if let breakGlass, breakGlass.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--break-glass needs a reason")
        }
        if let branch, !Repository.isValidBranchName(branch) {
            throw ValidationError("--branch: invalid branch name '\(branch)'")
        }
    }

    /// The edges to promote: one, or every edge out of `from` (fan-out).
    func edges(in workspace: Workspace) throws -> [PromotionEdge] {
        let source = try workspace.environment(from)
        if let to {
            let target = try workspace.environment(to)
            return [PromotionEdge(from: source.name, to: target.name)]
        }
        let edges = workspace.config.promotions.filter { $0.from == source.name }
        guard !edges.isEmpty else {
            throw WorkspaceError.invalidInput("environment '\(source.name)' feeds no other environment")
        }
        if branch != nil && edges.count > 1 {
            throw WorkspaceError.invalidInput("--branch needs a single target; '\(source.name)' feeds \(edges.map(\.to).joined(separator: ", "))")
        }
        return edges
    }

    func request(for edge: PromotionEdge) -> PromotionRequest {
        var request = PromotionRequest(from: edge.from, to: edge.to)
        request.units = units
        request.ref = ref
        request.branch = branch
        return request
    }
}

extension LadderCommand {
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Show the promotion 'ladder promote' would make, with the policy evaluation. Writes nothing.",
            discussion: """
                Examples:
                  ladder plan dev staging
                  ladder plan staging prod --unit payments --format json
                  ladder plan staging prod --actor carol --now 2026-11-20T17:00:00Z
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var promotion: PromotionArguments

        @Option(help: ArgumentHelp("Who would promote, as the policy sees it (default: CI user or git user.name).", valueName: "NAME"))
        var actor: String?

        @Option(help: ArgumentHelp("Accepted for symmetry with promote; a plan prepares no payload.", valueName: "FORGE"))
        var forge: Forge?

        func run() throws {
            let console = Console(options: global)
            let workspace = try global.openWorkspace()
            let now = try global.clock()
            let gate = try PolicyGate(workspace: workspace)
            let actor = AuditContext.actor(explicit: actor, repository: workspace.repository).login
            var reports: [JSONValue] = []
            var worst = ExitStatus.success
            for edge in try promotion.edges(in: workspace) {
                var options = PromoteOptions(actor: actor, now: now)
                options.breakGlassReason = promotion.breakGlass
                options.dryRun = true
                let plan = try workspace.planPromotion(promotion.request(for: edge))
                let decision = plan.isEmpty ? nil : try gate.evaluate(GateRequest(plan: plan, actor: actor, breakGlassReason: promotion.breakGlass, now: now))
                if decision?.decision == .deny { worst = max(worst, .negative) }
                switch console.format {
                case .json: reports.append(PromotionFormatter.planJSON(plan, decision: decision))
                case .markdown: console.out(PromotionFormatter.planMarkdown(plan, decision: decision))
                case .text: console.out(PromotionFormatter.planText(plan, decision: decision, console: console))
                }
                console.stepSummary(PromotionFormatter.planMarkdown(plan, decision: decision))
            }
            if console.format == .json { console.out((reports.count == 1 ? reports[0] : .array(reports)).pretty) }
            if worst != .success { throw ExitCode(worst.rawValue) }
        }
    }

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "promote",
            abstract: "Create or update the promotion branch, commit and pull-request payload.",
            discussion: """
                The new commit is built in memory on top of the base commit (the trunk tip by default): only the promotable changes of <to> are replaced. The branch ladder/promote/<from>-to-<to> (or .<unit> with one --unit) moves with compare-and-swap; re-running with the same content changes nothing. Your working tree, index and HEAD are never touched.

                Without <to>, every environment <from> feeds is promoted, one branch each; --payload FILE then writes FILE.<to>.json per target.

                Examples:
                  ladder promote dev staging
                  ladder promote staging prod --unit payments --payload pr.json
                  ladder promote staging prod --break-glass "INC-1234 hotfix" --actor carol
                  ladder promote dev staging --dry-run
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var promotion: PromotionArguments
        @OptionGroup var pullRequest: PullRequestOptions
        @OptionGroup var payloadFile: PayloadFileOption

        func run() throws {
            let (push, dryRun, payload) = (pullRequest.push, pullRequest.dryRun, payloadFile.payload)
            let console = Console(options: global)
            let workspace = try global.openWorkspace()
            let now = try global.clock()
            let gate = try PolicyGate(workspace: workspace)
            let auditActor = pullRequest.auditActor(in: workspace)
            let actor = auditActor.login
            let recorder = AuditRecorder(repository: workspace.repository, actor: auditActor)
            let edges = try promotion.edges(in: workspace)
            let renderer = try workspace.pullRequestRenderer()
            try payloadFile.checkWritable()
            try pullRequest.checkRemote(in: workspace)
            let forge = pullRequest.payloadForge(in: workspace)
            var jsonOutputs: [JSONValue] = []
            for edge in edges {
                var options = PromoteOptions(actor: actor, now: now)
                options.breakGlassReason = promotion.breakGlass
                options.dryRun = dryRun
                let outcome: PromotionOutcome
                do {
                    outcome = try workspace.promote(promotion.request(for: edge), options: options, gate: gate)
                } catch let denied as PromotionDenied {
                    console.out(PromotionFormatter.denial(denied.decision, console: console))
                    throw denied
                }
                if !dryRun {
                    try recorder.recordPromotion(outcome, identity: gate.policyIdentity, at: now)
                }
                var pushLine: String?
                if let commit = outcome.commit {
                    pushLine = try pullRequest.pushBranch(outcome.plan.branch, commit: commit, previous: outcome.previousCommit, in: workspace)?.line
                }
                var payloadValue: JSONValue = .null
                var payloadLine: String?
                if outcome.status != .nothingToPromote {
                    let context = workspace.pullRequestContext(
                        for: outcome.plan, breakGlass: outcome.decision?.breakGlass,
                        requirements: gate.mergeRequirements(for: outcome.plan), actor: actor, forge: forge)
                    let rendered = renderer.render(context)
                    payloadValue = rendered.payload
                    if let payload, !dryRun {
                        let file = edges.count > 1 ? PayloadFile.perTarget(payload, target: edge.to) : payload
                        try PayloadFile.write(payloadValue, to: file)
                        console.note("payload written to \(file)")
                        payloadLine = "  payload    \(file)"
                    }
                    if rendered.omittedFiles > 0 {
                        console.warning("the pull-request body lists \(rendered.omittedFiles) fewer files to fit \(forge.displayName)'s limit")
                    }
                }
                switch console.format {
                case .json:
                    if dryRun {
                        // A dry run reports what would happen, with the payload it would send.
                        var report = PromotionFormatter.outcomeJSON(outcome).objectValue ?? [:]
                        report["payload"] = payloadValue
                        jsonOutputs.append(.object(report))
                    } else {
                        jsonOutputs.append(payloadValue)
                    }
                case .markdown: console.out(PromotionFormatter.planMarkdown(outcome.plan, decision: outcome.decision))
                case .text:
                    console.out(PromotionFormatter.outcomeText(outcome, console: console))
                    if let payloadLine { console.info(payloadLine) }
                    if let pushLine { console.info(pushLine) }
                }
            }
            if let push, !dryRun {
                _ = try AuditLog(repository: workspace.repository).push(
                    remote: push, actor: auditActor, source: recorder.source, at: now)
            }
            // With --format json, stdout is the forge's "create pull request" body (null when there is
            // nothing to promote); with --dry-run, a report holding that body.
            if console.format == .json { console.out((jsonOutputs.count == 1 ? jsonOutputs[0] : .array(jsonOutputs)).pretty) }
        }
    }
}

enum PromotionFormatter {
    static func statusWord(_ status: PromotionStatus) -> String {
        switch status {
        case .nothingToPromote: return "nothing to promote"
        case .upToDate: return "up to date"
        case .created: return "created"
        case .updated: return "updated"
        case .wouldCreate: return "would create"
        case .wouldUpdate: return "would update"
        }
    }

    static func outcomeText(_ outcome: PromotionOutcome, console: Console) -> String {
        let plan = outcome.plan
        switch outcome.status {
        case .nothingToPromote:
            return "\(plan.from.name) → \(plan.to.name): nothing to promote"
        case .upToDate:
            return "\(plan.from.name) → \(plan.to.name): up to date (\(plan.branch) at \(outcome.commit?.short ?? "?"))"
        default:
            var lines = [console.style("\(plan.from.name) → \(plan.to.name): \(statusWord(outcome.status)) \(plan.branch)", .bold)]
            if let commit = outcome.commit {
                lines.append("  commit     \(commit.short)\(outcome.previousCommit.map { " (was \($0.short))" } ?? "")")
            }
            lines.append("  promotion  \(plan.promotionID)")
            lines.append("  units      \(plan.units.joined(separator: ", "))")
            for unit in plan.units {
                if let version = plan.versions[unit], version.old != version.new {
                    lines.append("    \(unit): \(version.old ?? "none") → \(version.new ?? "none")")
                }
            }
            lines.append("  files      \(plan.files.count) promoted, \(plan.notPromoted.count) not promoted")
            if let breakGlass = outcome.decision?.breakGlass, breakGlass.granted {
                lines.append(console.style("  BREAK-GLASS by \(breakGlass.by): \(breakGlass.reason)", .red, .bold))
            }
            return lines.joined(separator: "\n")
        }
    }

    static func outcomeJSON(_ outcome: PromotionOutcome) -> JSONValue {
        var object = planJSON(outcome.plan, decision: outcome.decision).objectValue ?? [:]
        object["status"] = .string(outcome.status.rawValue)
        object["commit"] = .optional(outcome.commit?.hex)
        object["previous_commit"] = .optional(outcome.previousCommit?.hex)
        return .object(object)
    }

    static func planJSON(_ plan: PromotionPlan, decision: PolicyDecision?) -> JSONValue {
        let files: [JSONValue] = plan.files.map { file in
            [
                "path": .string(file.path),
                "old_path": .optional(file.oldPath),
                "unit": .optional(file.unit),
                "status": .string(file.status.rawValue),
                "promotion": .string(file.mode.rawValue),
                "keys": .array(file.keys.map { ["path": .string($0.path), "old": .optional($0.old), "new": .optional($0.new)] }),
                "notes": .array(file.notes.map(JSONValue.string)),
            ]
        }
        let excluded: [JSONValue] = plan.notPromoted.map { change in
            ["path": .string(change.path), "status": .string(change.status.rawValue), "excluded_by": .optional(change.excludedBy), "reason": .optional(change.reason)]
        }
        var versions: [String: JSONValue] = [:]
        for (unit, version) in plan.versions { versions[unit] = ["old": .optional(version.old), "new": .optional(version.new)] }
        return [
            "from": .string(plan.from.name),
            "to": .string(plan.to.name),
            "branch": .string(plan.branch),
            "promotion_id": .string(plan.promotionID),
            "base_commit": .string(plan.baseCommit.hex),
            "source_commit": .string(plan.sourceCommit.hex),
            "units": .array(plan.units.map(JSONValue.string)),
            "versions": .object(versions),
            "files": .array(files),
            "not_promoted": .array(excluded),
            "status": .string(plan.isEmpty ? PromotionStatus.nothingToPromote.rawValue : "planned"),
            "policy": decision?.json ?? .null,
        ]
    }

    static func planText(_ plan: PromotionPlan, decision: PolicyDecision?, console: Console) -> String {
        if plan.isEmpty { return "\(plan.from.name) → \(plan.to.name): nothing to promote" }
        var lines = [console.style("Plan: promote \(plan.from.name) → \(plan.to.name) on \(plan.branch)", .bold)]
        lines.append("  promotion \(plan.promotionID), base \(plan.baseCommit.short)")
        for unit in plan.units {
            let version = plan.versions[unit]
            let versionText = version.flatMap { $0.old != $0.new ? " \($0.old ?? "none") → \($0.new ?? "none")" : nil } ?? ""
            lines.append("  \(console.style(unit, .bold))\(versionText)")
            for file in plan.files where file.unit == unit {
                let local = PathCoding.display(String(file.path.dropFirst(unit == Workspace.wholeEnvironmentUnit ? 0 : unit.count + 1)))
                lines.append("    \(file.status.letter) \(local)\(file.mode == .file ? "" : " (\(file.mode.rawValue))")")
                for key in file.keys where file.mode != .file {
                    lines.append("        \(key.path): \(DiffFormatter.abbreviate(key.old)) → \(DiffFormatter.abbreviate(key.new))")
                }
                for note in file.notes { lines.append("        ! \(note)") }
            }
        }
        let excluded = plan.notPromoted.filter { $0.excludedBy != nil }
        if !excluded.isEmpty {
            lines.append("  not promoted (environment-specific): " + excluded.map { PathCoding.display($0.path) }.joined(separator: ", "))
        }
        if let decision {
            lines.append("")
            lines.append(policyText(decision, console: console))
        }
        return lines.joined(separator: "\n")
    }

    static func policyText(_ decision: PolicyDecision, console: Console) -> String {
        var lines = [console.style("Policy: \(decision.decision == .allow ? "allowed" : "denied")\(decision.enforcement == .evaluate && decision.wouldDeny ? " (evaluate mode: would deny)" : "")", .bold)]
        for rule in decision.rules {
            let word: String
            switch rule.result {
            case .pass: word = console.style("pass", .green)
            case .fail: word = console.style("fail", .red)
            case .skip: word = console.style("skip", .dim)
            }
            lines.append("  \(word)  \(rule.id): \(rule.message)\(rule.bypassed ? " (bypassed by break-glass)" : "")")
        }
        return lines.joined(separator: "\n")
    }

    static func denial(_ decision: PolicyDecision, console: Console) -> String {
        policyText(decision, console: console)
    }

    static func planMarkdown(_ plan: PromotionPlan, decision: PolicyDecision?) -> String {
        var lines = ["### Promotion `\(plan.from.name)` → `\(plan.to.name)`", ""]
        if plan.isEmpty {
            lines.append("Nothing to promote.")
            return lines.joined(separator: "\n")
        }
        lines.append("Branch `\(plan.branch)`, promotion `\(plan.promotionID)`.")
        lines.append("")
        lines.append("| unit | version | files |")
        lines.append("|---|---|---|")
        for unit in plan.units {
            let version = plan.versions[unit].map { "\($0.old ?? "—") → \($0.new ?? "—")" } ?? ""
            let files = plan.files.filter { $0.unit == unit }.map { "`\(markdownCell(PathCoding.display($0.path)))`" }.joined(separator: "<br>")
            lines.append("| \(markdownCell(unit)) | \(markdownCell(version)) | \(files) |")
        }
        if let decision {
            lines.append("")
            lines.append("Policy: **\(decision.decision.rawValue)**")
            for rule in decision.rules { lines.append("- `\(rule.id)` \(rule.result.rawValue): \(markdownCell(rule.message))") }
        }
        return lines.joined(separator: "\n")
    }
}

extension Forge: ExpressibleByArgument {}

/// Writing payload files atomically (temporary file, then rename).
enum PayloadFile {
    static func perTarget(_ path: String, target: String) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension.isEmpty ? "json" : url.pathExtension
        return url.deletingPathExtension().path + ".\(target).\(ext)"
    }

    /// Writes `value` to `path`; `flag` names the option that gave the path in errors.
    static func write(_ value: JSONValue, to path: String, flag: String = "--payload") throws {
        let text = value.pretty + "\n"
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            throw WorkspaceError.invalidInput("\(flag) \(path): cannot write the file: \((error as NSError).localizedFailureReason ?? "permission denied or no such directory")")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw WorkspaceError.invalidInput("\(flag) \(path): cannot write the file: \(reason)")
        }
    }

    /// Fails early, before anything is promoted, when the payload file cannot be written.
    static func checkWritable(_ path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
            FileManager.default.isWritableFile(atPath: directory)
        else {
            throw WorkspaceError.invalidInput("--payload \(path): the directory \(directory) does not exist or is not writable")
        }
    }

    /// Fails early, before anything is written, when `--payload-dir` cannot hold payload files: it
    /// must be a writable directory, or be absent with its nearest existing ancestor a writable
    /// directory (it is created with its missing parents). Creates nothing, so a dry run fails the
    /// same way as a real one.
    static func checkDirectory(_ path: String) throws {
        func refuse(_ reason: String) -> Error { WorkspaceError.invalidInput("--payload-dir \(path): \(reason)") }
        guard !path.isEmpty else { throw WorkspaceError.invalidInput("--payload-dir: no directory given") }
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw refuse("exists and is not a directory") }
            guard manager.isWritableFile(atPath: path) else { throw refuse("the directory is not writable") }
            return
        }
        var ancestor = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        while !manager.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) && ancestor.path != "/" {
            ancestor = ancestor.deletingLastPathComponent()
        }
        guard isDirectory.boolValue else { throw refuse("cannot create it: \(ancestor.path) is not a directory") }
        guard manager.isWritableFile(atPath: ancestor.path) else { throw refuse("cannot create it: \(ancestor.path) is not writable") }
    }

    /// Creates the `--payload-dir` directory with its missing parents (after `checkDirectory`).
    static func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            let reason = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription ?? error.localizedDescription
            throw WorkspaceError.invalidInput("--payload-dir \(path): cannot create it: \(reason)")
        }
    }
}
