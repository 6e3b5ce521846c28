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
    ///
    /// - Parameter cache: read unit contents computed by earlier runs from, and record this
    ///   run's in, `$GIT_DIR/ladder/unit-contents` (see ``UnitContentCache``); only a run over
    ///   every unit records.
    public func status(units selected: [String] = [], historyLimit: Int = 2_000, cache: Bool = false) throws -> StatusReport {
        try status(units: selected, historyLimit: historyLimit, workers: ProcessInfo.processInfo.activeProcessorCount, cache: cache)
    }

    /// One unit tree whose content `status` computes.
    struct StatusJob: Sendable, Hashable {
        let unit: String
        let tree: ObjectID
    }

    /// What `status` reads from the repository besides the matrix layout.
    struct StatusParts: Sendable {
        var contents: [UnitContent]
        var pending: [StatusReport.Pending]
        var lastPromotions: [StatusReport.LastPromotion]
    }

    /// `status`, spreading the unit contents (and the history reads) over up to `workers` threads
    /// when there are at least `parallelFrom` distinct unit trees.
    func status(units selected: [String], historyLimit: Int, workers: Int, parallelFrom: Int = 256, cache useCache: Bool = false) throws -> StatusReport {
        // The content of a unit depends only on its name and tree: environments that share a
        // subtree (common between dev and staging) are computed once.
        var jobs: [StatusJob] = []
        var jobIndex: [StatusJob: Int] = [:]
        var placement: [String: [String: Int]] = [:]  // env → unit → job
        var allUnits = Set<String>()
        for environment in config.environments {
            var perUnit: [String: Int] = [:]
            for unit in try units(inTree: environmentTree(environment)) {
                if !selected.isEmpty && !selected.contains(unit.name) { continue }
                let job = StatusJob(unit: unit.name, tree: unit.id)
                if let index = jobIndex[job] {
                    perUnit[unit.name] = index
                } else {
                    jobIndex[job] = jobs.count
                    perUnit[unit.name] = jobs.count
                    jobs.append(job)
                }
                allUnits.insert(unit.name)
            }
            placement[environment.name] = perUnit
        }
        // Contents an earlier run computed for the same unit trees under the same rules.
        let cache = useCache ? UnitContentCache(gitDirectory: repository.gitDirectory, config: config) : nil
        var contents = jobs.map { cache?[unit: $0.unit, tree: $0.tree] }
        let missing = jobs.indices.filter { contents[$0] == nil }
        let missingJobs = missing.map { jobs[$0] }
        var computed: StatusParts?
        if workers > 1, missingJobs.count >= parallelFrom, #available(macOS 15, *) {
            // Any failure is reported by the sequential computation below, exactly as without threads.
            computed = try? statusParts(missingJobs, historyLimit: historyLimit, workers: workers)
        }
        if computed == nil {
            computed = StatusParts(
                contents: try missingJobs.map { try contentReader.content(unit: $0.unit, tree: $0.tree) },
                pending: try pendingPromotions(), lastPromotions: try lastPromotions(limit: historyLimit))
        }
        guard var parts = computed else { preconditionFailure("status parts are computed above") }
        for (offset, index) in missing.enumerated() { contents[index] = parts.contents[offset] }
        parts.contents = contents.map { $0! }
        if let cache, selected.isEmpty {
            cache.save(Dictionary(uniqueKeysWithValues: zip(jobs, parts.contents).map { (UnitContentCache.Key(tree: $0.tree, unit: $0.unit), $1) }))
        }
        var rows: [StatusReport.UnitRow] = []
        for unit in allUnits.sorted() {
            var cells: [String: StatusReport.Cell] = [:]
            for environment in config.environments {
                guard let content = placement[environment.name]?[unit].map({ parts.contents[$0] }) else { continue }
                let source = config.primarySource(of: environment.name)
                let matches = source.map { placement[$0]?[unit].map { parts.contents[$0] }?.contentID == content.contentID }
                cells[environment.name] = StatusReport.Cell(
                    version: content.version, content: content.contentID, matchesSource: matches, source: source)
            }
            rows.append(StatusReport.UnitRow(unit: unit, cells: cells))
        }
        return StatusReport(
            commit: commitID, revision: revision, environments: config.environmentNames, units: rows,
            pending: parts.pending, lastPromotions: parts.lastPromotions)
    }

    /// The unit contents and history of `status` on `workers` threads, each with its own repository
    /// handle (libgit2 objects are not thread-safe). Units are handed out in small chunks so that
    /// the thread that also reads the history takes fewer; results come back in job order, so the
    /// report does not depend on scheduling.
    @available(macOS 15, *)
    private func statusParts(_ jobs: [StatusJob], historyLimit: Int, workers: Int) throws -> StatusParts {
        enum Piece: Sendable {
            case history(pending: [StatusReport.Pending], lastPromotions: [StatusReport.LastPromotion])
            case contents([UnitContent])
        }
        let (path, config, commitID, revision) = (repository.gitDirectory, config, commitID, revision)
        let chunks = stride(from: 0, to: jobs.count, by: 32).map { $0..<min($0 + 32, jobs.count) }
        // Item 0, handed out first, is the history; the others are chunks of units.
        let pieces = try ParallelWork.map(chunks.count + 1, workers: workers) {
            let repository = try Repository.open(at: path)
            return (repository: repository, reader: UnitContentReader(repository: repository, config: config))
        } _: { state, item -> Piece in
            guard item > 0 else {
                let workspace = try Workspace(repository: state.repository, config: config, commitID: commitID, revision: revision)
                return .history(pending: try workspace.pendingPromotions(), lastPromotions: try workspace.lastPromotions(limit: historyLimit))
            }
            return .contents(try chunks[item - 1].map { try state.reader.content(unit: jobs[$0].unit, tree: jobs[$0].tree) })
        }
        var parts = StatusParts(contents: [], pending: [], lastPromotions: [])
        for piece in pieces {
            switch piece {
            case .history(let pending, let lastPromotions): (parts.pending, parts.lastPromotions) = (pending, lastPromotions)
            case .contents(let contents): parts.contents += contents
            }
        }
        return parts
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
        // Only environments some edge promotes into can have a last promotion; looking for the
        // others (dev, the usual first rung) would walk the whole history limit in vain.
        let wanted = Set(config.promotions.map(\.to))
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
