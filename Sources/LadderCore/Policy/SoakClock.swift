import Foundation
import LadderGit

/// How long an environment has held its current promotable content, read from the trunk's
/// first-parent history.
///
/// Walking back from a commit, the content of the chosen units is compared with the content at
/// that commit; the oldest commit of the unbroken run with the same content is where the
/// environment started holding it, and its committer time is the start of the soak. Only
/// promotable content counts (``Workspace/unitContent(environment:unit:tree:)``): an edit to an
/// environment-specific file such as `env.yaml` does not restart the clock. Commits whose unit
/// subtrees are unchanged are skipped by tree id, without reading blobs.
public struct SoakClock {
    public let workspace: Workspace
    /// How many commits to look at before giving up (the observation is then "at least").
    public var limit: Int

    public init(workspace: Workspace, limit: Int = 5_000) {
        self.workspace = workspace
        self.limit = limit
    }

    /// When `environment` started holding, at `commit`, the content of `units` (nil: every unit
    /// of the environment at `commit`).
    public func observe(environment: EnvironmentConfig, units: [String]? = nil, at commit: ObjectID) throws -> SoakObservation {
        let repository = workspace.repository
        let selected = try units ?? workspace.units(inTree: workspace.environmentTree(environment, at: commit)).map(\.name)

        var lastTrees: [String: ObjectID?]?
        var lastContent: [String: String?] = [:]
        var reference: [String: String?]?
        var oldest: Commit?
        var visited = 0
        var changed = false
        try repository.walk(from: [commit], firstParent: true) { id in
            let current = try repository.commit(id)
            visited += 1
            let trees = try unitTrees(environment: environment, units: selected, commit: id)
            var content: [String: String?] = [:]
            for unit in selected {
                let tree = trees[unit] ?? nil
                if let previous = lastTrees?[unit], previous == tree {
                    content[unit] = lastContent[unit] ?? nil
                } else if let tree {
                    content[unit] = try workspace.unitContent(environment: environment, unit: unit, tree: tree).contentID
                } else {
                    content[unit] = .some(nil)
                }
            }
            if let reference {
                if content != reference {
                    changed = true
                    return false
                }
            } else {
                reference = content
            }
            oldest = current
            lastTrees = trees
            lastContent = content
            if visited >= limit { return false }
            return true
        }
        guard let oldest else {
            throw WorkspaceError.invalidInput("no history to measure soak time from at \(commit.short)")
        }
        // Reaching the root means the content has been there since the first commit: that is exact.
        let reachedRoot = oldest.parentIDs.isEmpty
        return SoakObservation(
            heldSince: oldest.committer.time, commit: oldest.id,
            atLeast: !changed && !reachedRoot)
    }

    /// The subtree id of each unit of `environment` at `commit` (nil where absent).
    func unitTrees(environment: EnvironmentConfig, units: [String], commit: ObjectID) throws -> [String: ObjectID?] {
        let found = try workspace.unitTrees(units, in: workspace.environmentTree(environment, at: commit))
        var result: [String: ObjectID?] = [:]
        for unit in units { result[unit] = .some(found[unit]) }
        return result
    }
}
