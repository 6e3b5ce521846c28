import Foundation
import LadderGit

extension Workspace {
    /// The user's pull-request templates (`pull_request.title`/`body` in ladder.yaml), read from the
    /// workspace commit; nil entries use the built-in templates.
    public func pullRequestRenderer() throws -> PullRequestRenderer {
        func read(_ path: String?) throws -> PullRequestTemplateFile? {
            guard let path else { return nil }
            guard let entry = try repository.entry(atPath: path, inTree: treeID), !entry.isTree else {
                throw WorkspaceError.configurationUnreadable(file: path, reason: "the pull-request template named in ladder.yaml does not exist at \(revision)")
            }
            guard let text = try repository.blob(entry.id).text else {
                throw WorkspaceError.configurationUnreadable(file: path, reason: "the template is not UTF-8 text")
            }
            return PullRequestTemplateFile(path: path, text: text)
        }
        return try PullRequestRenderer(title: read(config.pullRequestTitleTemplate), body: read(config.pullRequestBodyTemplate))
    }

    /// The environment ladder for flowcharts.
    public var pullRequestLadder: PullRequestContext.Ladder {
        PullRequestContext.Ladder(
            environments: config.environmentNames,
            edges: config.promotions.map { PullRequestContext.Edge(from: $0.from, to: $0.to) })
    }

    /// The pull-request context of a promotion plan.
    public func pullRequestContext(
        for plan: PromotionPlan, breakGlass: BreakGlassUse?, requirements: [String], actor: String, forge: Forge
    ) -> PullRequestContext {
        let units = plan.units.map { unit in
            PullRequestContext.Unit(name: unit, oldVersion: plan.versions[unit]?.old, newVersion: plan.versions[unit]?.new)
        }
        let files: [PullRequestContext.ChangedFile] = plan.files.compactMap { file in
            guard let status = PullRequestContext.FileStatus(file.status) else { return nil }
            return PullRequestContext.ChangedFile(
                path: file.path, oldPath: file.oldPath, status: status,
                keys: file.keys.map { PullRequestContext.KeyChange(path: $0.path, old: $0.old, new: $0.new) })
        }
        let excluded = plan.notPromoted.compactMap { change in
            change.excludedBy.map { PullRequestContext.ExcludedFile(path: change.path, rule: $0) }
        }
        var glass: PullRequestContext.BreakGlass?
        if let breakGlass, breakGlass.granted { glass = PullRequestContext.BreakGlass(reason: breakGlass.reason, by: breakGlass.by) }
        let unitFlags = plan.selectedUnits.map { " --unit \($0)" }.joined()
        return PullRequestContext(
            kind: .promotion, from: plan.from.name, to: plan.to.name, branch: plan.branch, baseBranch: config.trunk,
            id: plan.promotionID, sourceCommit: plan.sourceCommit.hex, baseCommit: plan.baseCommit.hex, actor: actor,
            breakGlass: glass, units: units, changedFiles: files, excludedFiles: excluded, requirements: requirements,
            ladder: pullRequestLadder, rollbackCommand: "ladder rollback \(plan.to.name) --promotion \(plan.promotionID)",
            fullDiffCommand: "ladder diff \(plan.from.name) \(plan.to.name)\(unitFlags)", forge: forge)
    }
}
