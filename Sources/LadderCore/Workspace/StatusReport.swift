import Foundation
import LadderGit

/// `ladder status`: units × environments.
public struct StatusReport: Sendable {
    public struct Cell: Sendable, Hashable {
        public let version: String?
        public let content: String
        /// nil for an environment without a source; false when it differs from its source.
        public let matchesSource: Bool?
        public let source: String?
    }

    public struct UnitRow: Sendable {
        public let unit: String
        /// Environment name → cell; absent where the unit does not exist.
        public let cells: [String: Cell]
    }

    public struct Pending: Sendable, Hashable {
        public let branch: String
        public let from: String
        public let to: String
        public let commit: ObjectID
    }

    public struct LastPromotion: Sendable, Hashable {
        public let environment: String
        public let from: String?
        public let promotionID: String?
        public let commit: ObjectID
        public let time: Date
        public let summary: String
    }

    public let commit: ObjectID
    public let revision: String
    public let environments: [String]
    public let units: [UnitRow]
    public let pending: [Pending]
    public let lastPromotions: [LastPromotion]
}

extension Workspace {
    /// Builds the status matrix at the workspace commit.
    public func status(units selected: [String] = [], historyLimit: Int = 2_000) throws -> StatusReport {
        var contents: [String: [String: UnitContent]] = [:]  // env → unit → content
        var allUnits = Set<String>()
        // The content of a unit depends only on its name and tree: environments that share a
        // subtree (common between dev and staging) are computed once.
        var cache: [String: UnitContent] = [:]
        let reader = UnitContentReader(repository: repository, config: config)
        for environment in config.environments {
            var perUnit: [String: UnitContent] = [:]
            for unit in try units(inTree: environmentTree(environment)) {
                if !selected.isEmpty && !selected.contains(unit.name) { continue }
                let key = unit.name + "\0" + unit.id.hex
                if let cached = cache[key] {
                    perUnit[unit.name] = cached
                } else {
                    let content = try reader.content(unit: unit.name, tree: unit.id)
                    cache[key] = content
                    perUnit[unit.name] = content
                }
                allUnits.insert(unit.name)
            }
            contents[environment.name] = perUnit
        }
        var rows: [StatusReport.UnitRow] = []
        for unit in allUnits.sorted() {
            var cells: [String: StatusReport.Cell] = [:]
            for environment in config.environments {
                guard let content = contents[environment.name]?[unit] else { continue }
                let source = config.primarySource(of: environment.name)
                let matches = source.map { contents[$0]?[unit]?.contentID == content.contentID }
                cells[environment.name] = StatusReport.Cell(
                    version: content.version, content: content.contentID, matchesSource: matches, source: source)
            }
            rows.append(StatusReport.UnitRow(unit: unit, cells: cells))
        }
        return StatusReport(
            commit: commitID, revision: revision, environments: config.environmentNames, units: rows,
            pending: try pendingPromotions(), lastPromotions: try lastPromotions(limit: historyLimit))
    }

    /// Promotion branches (`refs/heads/ladder/promote/*`) whose content has not reached the trunk.
    public func pendingPromotions() throws -> [StatusReport.Pending] {
        var result: [StatusReport.Pending] = []
        for reference in try repository.references(matching: "refs/heads/ladder/promote/*") {
            guard let commit = try? repository.commit(reference.target) else { continue }
            guard let from = commit.trailer("Ladder-From"), let to = commit.trailer("Ladder-To"),
                let target = config.environment(to)
            else { continue }
            if try repository.isAncestor(reference.target, of: commitID) { continue }
            // Squash or rebase merges leave the branch behind although its content arrived.
            if try environmentTree(target, at: reference.target) == environmentTree(target) { continue }
            result.append(StatusReport.Pending(branch: reference.shortName, from: from, to: to, commit: reference.target))
        }
        return result
    }

    /// The most recent promotion into each environment on the trunk's first-parent history.
    public func lastPromotions(limit: Int) throws -> [StatusReport.LastPromotion] {
        var found: [String: StatusReport.LastPromotion] = [:]
        var visited = 0
        let wanted = Set(config.environmentNames)
        // Follow first parents one commit at a time: a revwalk, even in time order, reads the
        // whole history before it hands out the first commit, and only the newest few are needed.
        var next: ObjectID? = commitID
        while let id = next, found.count < wanted.count, visited < limit {
            visited += 1
            let commit = try repository.commit(id)
            var carrier = commit
            if commit.trailer("Ladder-To") == nil, commit.parentIDs.count > 1 {
                carrier = try repository.commit(commit.parentIDs[1])
            }
            if let to = carrier.trailer("Ladder-To"), wanted.contains(to), found[to] == nil {
                found[to] = StatusReport.LastPromotion(
                    environment: to, from: carrier.trailer("Ladder-From"), promotionID: carrier.trailer("Ladder-Promotion"),
                    commit: id, time: commit.committer.time, summary: carrier.summary)
            }
            next = commit.parentIDs.first
            // A shallow clone ends where its history was cut.
            if let parent = next, repository.isShallow, !repository.contains(parent) { next = nil }
        }
        return config.environmentNames.compactMap { found[$0] }
    }
}
