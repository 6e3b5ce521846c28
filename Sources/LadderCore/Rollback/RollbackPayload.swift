import Foundation
import LadderGit

extension Workspace {
    /// The pull-request context of a rollback plan: what is undone and why, the files and keys it
    /// changes, what the rollback policy requires at merge, and how to undo the rollback itself.
    public func pullRequestContext(for plan: RollbackPlan, requirements: [String], actor: String, forge: Forge) -> PullRequestContext {
        let units = plan.units.map { unit in
            PullRequestContext.Unit(name: unit, oldVersion: plan.versions[unit]?.old, newVersion: plan.versions[unit]?.new)
        }
        let files: [PullRequestContext.ChangedFile] = plan.files.compactMap { file in
            guard let status = PullRequestContext.FileStatus(file.status) else { return nil }
            return PullRequestContext.ChangedFile(
                path: file.path, status: status,
                keys: file.keys.map { PullRequestContext.KeyChange(path: $0.path, old: $0.old, new: $0.new) })
        }
        let rollback: PullRequestContext.Rollback
        if let promotion = plan.promotion {
            rollback = PullRequestContext.Rollback(target: .promotion, of: promotion.id, reason: plan.reason)
        } else {
            rollback = PullRequestContext.Rollback(
                target: .revision, of: plan.revision.map { String($0.hex.prefix(12)) } ?? plan.rollbackOf, reason: plan.reason)
        }
        let unitFlags = plan.selectedUnits.map { " --unit \($0)" }.joined()
        return PullRequestContext(
            kind: .rollback, from: nil, to: plan.environment.name, branch: plan.branch, baseBranch: config.trunk,
            id: plan.rollbackID, sourceCommit: plan.restoredCommit?.hex, baseCommit: plan.baseCommit.hex, actor: actor,
            rollback: rollback, units: units, changedFiles: files, requirements: requirements, ladder: pullRequestLadder,
            rollbackCommand: "ladder rollback \(plan.environment.name) --to \(plan.baseCommit.hex.prefix(12))\(unitFlags)",
            forge: forge)
    }
}
