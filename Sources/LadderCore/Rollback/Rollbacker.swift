import Foundation
import LadderGit

/// How a rollback run ended.
public enum RollbackStatus: String, Sendable {
    case nothingToRollBack = "nothing_to_roll_back"
    case upToDate = "up_to_date"
    case created
    case updated
    /// `--dry-run`: what would have been created or updated.
    case wouldCreate = "would_create"
    case wouldUpdate = "would_update"
}

/// Options of `ladder rollback`.
public struct RollbackOptions: Sendable {
    public var actor: String
    public var dryRun = false
    public var now: Date

    public init(actor: String, now: Date) {
        self.actor = actor
        self.now = now
    }
}

/// The result of `rollback`: everything a report, a payload or an audit event
/// (`rollback.created`) needs.
public struct RollbackOutcome: Sendable {
    public let status: RollbackStatus
    public let plan: RollbackPlan
    public let decision: PolicyDecision?
    /// Who asked for the rollback.
    public let actor: String
    /// The branch tip before (nil when the branch did not exist).
    public let previousCommit: ObjectID?
    /// The commit the branch points to afterwards (the new commit, or the existing one when up to date).
    public let commit: ObjectID?
    public let message: String?

    /// True when this run wrote a commit and moved the branch: the audit log gets a
    /// `rollback.created` event exactly then.
    public var wroteCommit: Bool { status == .created || status == .updated }

    /// The audit event's `transition`: no source environment; `promotion_id` is the promotion
    /// undone (nil for `--to`); `source_commit` is the commit whose content is restored.
    public var auditTransition: AuditTransition {
        AuditTransition(
            from: nil, to: plan.environment.name, sourceCommit: plan.restoredCommit?.hex, baseCommit: plan.baseCommit.hex,
            commit: commit?.hex, branch: plan.branch.isEmpty ? nil : plan.branch, promotionID: plan.promotion?.id,
            changedPaths: plan.changedPaths)
    }
}

extension RollbackStatus: BranchWriterReporting {}

extension Workspace {
    /// Plans, gates and writes a rollback: builds the new tree in memory from the workspace
    /// commit's tree, writes one commit whose parent is that commit, and moves the rollback branch
    /// with compare-and-swap. Never touches the working tree, the index or HEAD.
    public func rollback(_ request: RollbackRequest, options: RollbackOptions, gate: RollbackGate) throws -> RollbackOutcome {
        let plan = try planRollback(request)
        guard !plan.isEmpty else {
            return RollbackOutcome(
                status: .nothingToRollBack, plan: plan, decision: nil, actor: options.actor, previousCommit: nil, commit: nil, message: nil)
        }
        let written = try BranchWriter(
            repository: repository, branch: plan.branch, base: plan.baseCommit, actor: options.actor, time: options.now,
            dryRun: options.dryRun, reflogMessage: "ladder: rollback \(plan.environment.name)"
        ).write(
            holds: { try branchHolds(plan, at: $0) },
            authorize: {
                let decision = try gate.evaluateRollback(RollbackGateRequest(
                    environment: plan.environment, actor: options.actor, changedFiles: plan.files.count, now: options.now))
                if decision.decision == .deny {
                    throw RollbackDenied(decision: decision, environment: plan.environment.name)
                }
                return decision
            },
            message: { _ in RollbackMessage.render(plan) },
            changes: {
                try plan.writes.map { write in
                    let path = write.path.isEmpty ? plan.environment.path : plan.environment.path + "/" + write.path
                    switch write.content {
                    case .object(let id, let mode): return .upsert(path: path, id: id, mode: mode)
                    case .bytes(let bytes, let mode): return .upsert(path: path, id: try repository.writeBlob(bytes), mode: mode)
                    case .delete: return .remove(path: path)
                    }
                }
            },
            moved: { RollbackError.branchMoved(branch: plan.branch, expected: $0?.hex, found: $1?.hex) })
        return RollbackOutcome(
            status: RollbackStatus(written.status), plan: plan, decision: written.decision, actor: options.actor,
            previousCommit: written.previous, commit: written.commit, message: written.message)
    }

    /// True when the branch at `tip` leaves the environment exactly as the plan would: every
    /// planned entry is there, and nothing else in the environment differs from the base.
    /// Only hashes are computed; nothing is written.
    func branchHolds(_ plan: RollbackPlan, at tip: ObjectID) throws -> Bool {
        let tree = try repository.commit(tip).treeID
        let baseEnvironment = try environmentTree(plan.environment)
        let branchEnvironment = try repository.entry(atPath: plan.environment.path, inTree: tree)?.id
        let planned = plan.writes.map(\.path)
        func covered(_ path: String) -> Bool {
            planned.contains { $0.isEmpty || path == $0 || path.hasPrefix($0 + "/") }
        }
        for delta in try repository.diffTrees(baseEnvironment, branchEnvironment, options: TreeDiffOptions(detectRenames: false)) {
            if !covered(delta.newPath) || !covered(delta.oldPath) { return false }
        }
        for write in plan.writes {
            let path = write.path.isEmpty ? plan.environment.path : plan.environment.path + "/" + write.path
            let entry = try repository.entry(atPath: path, inTree: tree)
            switch write.content {
            case .delete: if entry != nil { return false }
            case .object(let id, let mode): if entry?.id != id || entry?.mode != mode { return false }
            case .bytes(let bytes, let mode): if try entry?.id != repository.hashBlob(bytes) || entry?.mode != mode { return false }
            }
        }
        return true
    }
}

/// The commit message of a rollback: summary, body and `Ladder-*` trailers.
///
/// Trailers: `Ladder-Rollback` (this rollback's id), `Ladder-Rollback-Of` (the promotion id, or
/// the full id of the revision restored), `Ladder-To` (the environment), and for a promotion
/// `Ladder-Promotion-Commit` (the trunk commit that brought it in). There is deliberately no
/// `Ladder-Promotion` trailer, so that nothing mistakes a rollback for a promotion.
public enum RollbackMessage {
    /// `rollback(staging): undo 0123abcd4567ef89` / `rollback(staging): restore 2c26b46b68ff`.
    public static func summary(_ plan: RollbackPlan) -> String {
        var line = "rollback(\(plan.environment.name)): "
        if let promotion = plan.promotion {
            line += "undo \(promotion.id)"
        } else {
            line += "restore \(plan.revision.map { String($0.hex.prefix(12)) } ?? plan.rollbackOf)"
        }
        if !plan.selectedUnits.isEmpty { line += " (\(PromotionMessage.unitList(plan.selectedUnits)))" }
        return line
    }

    public static func render(_ plan: RollbackPlan) -> String {
        var lines = [summary(plan), ""]
        let files = "\(plan.files.count) file\(plan.files.count == 1 ? "" : "s")"
        let place = "\(plan.environment.name) (\(plan.environment.path))"
        if let promotion = plan.promotion {
            let edge = promotion.from.map { "\($0) → \(promotion.to)" } ?? promotion.to
            lines.append("Undo promotion \(promotion.id) (\(edge), brought in by \(promotion.commit.short)) in \(place): \(files).")
        } else if let revision = plan.revision {
            lines.append("Restore \(place) to its content at \(revision.short): \(files).")
        }
        if let reason = plan.reason, !reason.isEmpty {
            lines.append("")
            lines.append("Reason: \(reason)")
        }
        lines.append("")
        for unit in plan.units {
            var header = unit
            if let version = plan.versions[unit], version.old != version.new {
                header += ": \(version.old ?? "none") -> \(version.new ?? "none")"
            }
            lines.append(header)
            for file in plan.files where file.unit == unit { lines.append(line(file)) }
        }
        for file in plan.files where file.unit == nil { lines.append(line(file)) }
        if !plan.overridden.isEmpty {
            lines.append("")
            lines.append("Restored over later changes (--restore): " + plan.overridden.map { PathCoding.display($0.path) }.joined(separator: ", "))
        }
        lines.append("")
        lines.append("Ladder-Rollback: \(plan.rollbackID)")
        lines.append("Ladder-Rollback-Of: \(plan.rollbackOf)")
        lines.append("Ladder-To: \(plan.environment.name)")
        if let promotion = plan.promotion { lines.append("Ladder-Promotion-Commit: \(promotion.commit.hex)") }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func line(_ file: RolledBackFile) -> String {
        var text = "  \(file.status.letter) \(PathCoding.display(file.path))"
        if !file.keys.isEmpty {
            text += " (" + file.keys.prefix(6).map { "\($0.path): \($0.old ?? "none") -> \($0.new ?? "none")" }.joined(separator: ", ")
                + (file.keys.count > 6 ? ", …" : "") + ")"
        }
        return text
    }
}
