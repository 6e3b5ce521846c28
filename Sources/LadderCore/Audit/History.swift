import Foundation
import LadderGit

/// Approvals recorded by `ladder check` (`promotion.checked` events), looked up for trunk
/// commits.
///
/// Matching rule: a trunk commit C that changed environment E gets the counted approvals of
/// every `promotion.checked` event whose `transition.to` is E and whose
/// - `transition.commit` is C itself (a fast-forward or rebase merge of the checked head), or
///   one of C's parents other than the first (the head a merge commit merged: the first parent
///   is the trunk's previous state, whose approvals are not C's), or
/// - `transition.promotion_id` equals C's `Ladder-Promotion` trailer (a squash merge makes a
///   new commit but keeps the promotion's trailers), or, for a merge commit, the merged head's.
/// Logins are listed once each, in the order first recorded.
public struct AuditApprovalIndex: Sendable {
    private var byCommit: [String: [String: [String]]] = [:]
    private var byPromotion: [String: [String: [String]]] = [:]

    public init() {}

    /// Builds the index from events (other actions are ignored).
    public init(events: some Sequence<AuditEvent>) {
        for event in events { record(event) }
    }

    /// Adds the counted approvals of a `promotion.checked` event.
    public mutating func record(_ event: AuditEvent) {
        if let approvals = AuditApprovalRecord(event) { record(approvals) }
    }

    mutating func record(_ approvals: AuditApprovalRecord) {
        record(logins: approvals.logins, commit: approvals.commit, promotionID: approvals.promotionID, environment: approvals.environment)
    }

    /// Adds the counted approvals `logins` of a `promotion.checked` event with these transition fields.
    mutating func record(logins: [String], commit: String?, promotionID: String?, environment: String) {
        guard !logins.isEmpty else { return }
        if let commit = commit?.lowercased() {
            Self.add(logins, to: &byCommit, key: commit, environment: environment)
        }
        if let promotion = promotionID {
            Self.add(logins, to: &byPromotion, key: promotion, environment: environment)
        }
    }

    private static func add(_ logins: [String], to table: inout [String: [String: [String]]], key: String, environment: String) {
        var list = table[key, default: [:]][environment, default: []]
        for login in logins where !list.contains(login) { list.append(login) }
        table[key, default: [:]][environment] = list
    }

    /// The approvals recorded for a change to `environment` made by a commit (`commit`, its
    /// `parents` in order) carrying the given promotion ids (its own and, for a merge, the
    /// merged head's).
    public func approvals(environment: String, commit: String, parents: [String], promotionIDs: [String]) -> [String] {
        var result: [String] = []
        func take(_ logins: [String]?) {
            for login in logins ?? [] where !result.contains(login) { result.append(login) }
        }
        take(byCommit[commit.lowercased()]?[environment])
        for parent in parents.dropFirst() { take(byCommit[parent.lowercased()]?[environment]) }
        for promotion in promotionIDs { take(byPromotion[promotion]?[environment]) }
        return result
    }

    public var isEmpty: Bool { byCommit.isEmpty && byPromotion.isEmpty }
}

/// The history part of the audit export: every commit of the trunk's first-parent history
/// that changed an environment directory, one row per (commit, environment), oldest first.
public struct AuditHistory {
    public let workspace: Workspace
    /// Whether changes to an environment need recorded approvals; those without are flagged
    /// `missing`. See ``defaultRequiresApprovals(_:)``.
    public var requiresApprovals: (String) -> Bool

    /// - Parameter requiresApprovals: the approval requirement per environment; nil uses
    ///   ``defaultRequiresApprovals(_:)``. This is the seam where the policy plugs in.
    public init(workspace: Workspace, requiresApprovals: ((String) -> Bool)? = nil) {
        self.workspace = workspace
        self.requiresApprovals = requiresApprovals ?? Self.defaultRequiresApprovals(workspace.config)
    }

    /// Stand-in until the policy is wired: every environment except the first one listed in
    /// `ladder.yaml` (the least protected) requires approvals.
    public static func defaultRequiresApprovals(_ config: LadderConfig) -> (String) -> Bool {
        let first = config.environments.first?.name
        return { $0 != first }
    }

    /// Calls `visit` with the row of each (commit, environment) change, oldest commit first and
    /// environments in `ladder.yaml` order. Environment subtrees are compared by id, so
    /// commits that touch nothing below an environment cost one tree lookup per environment.
    ///
    /// The first-parent chain is read once; a commit's rows depend only on it and its parents,
    /// so with `workers` > 1 runs of consecutive commits are compared on every core (each with
    /// its own repository handle) and their rows handed to `visit` in order afterwards.
    public func forEachRow(
        approvals: AuditApprovalIndex, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        _ visit: (AuditExportRow) throws -> Void
    ) throws {
        let chain = try firstParentChain()
        let protected = Dictionary(uniqueKeysWithValues: workspace.config.environments.map { ($0.name, requiresApprovals($0.name)) })
        let comparer = AuditHistoryComparer(environments: workspace.config.environments, approvals: approvals, protected: protected)
        guard workers > 1, chain.count >= 512, #available(macOS 15, *) else {
            try comparer.rows(of: chain[...], repository: workspace.repository, retainer: TreeRetainer(), visit)
            return
        }
        for part in try comparer.rows(of: chain, workers: workers, gitDirectory: workspace.repository.gitDirectory) {
            for row in part { try visit(row) }
        }
    }

    /// The trunk's first-parent history, oldest first, each commit read once; it ends where a
    /// shallow clone's history was cut.
    func firstParentChain() throws -> [Commit] {
        let repository = workspace.repository
        var chain: [Commit] = []
        var next: ObjectID? = workspace.commitID
        while let id = next {
            let commit = try repository.commit(id)
            chain.append(commit)
            next = commit.parentIDs.first
            if let parent = next, repository.isShallow, !repository.contains(parent) { next = nil }
        }
        return chain.reversed()
    }
}

/// The rows of a run of consecutive first-parent commits: what each commit changed below each
/// environment, with its classification and the approvals recorded for it.
struct AuditHistoryComparer: Sendable {
    let environments: [EnvironmentConfig]
    let approvals: AuditApprovalIndex
    /// Environment name → whether changes to it need recorded approvals.
    let protected: [String: Bool]

    /// Calls `visit` with the rows of `commits` (consecutive on the chain, oldest first).
    func rows(
        of commits: ArraySlice<Commit>, repository: Repository, retainer: TreeRetainer, _ visit: (AuditExportRow) throws -> Void
    ) throws {
        var previousCommit: ObjectID?
        var previousTrees: [ObjectID?] = []

        func environmentTrees(ofTree tree: ObjectID) throws -> [ObjectID?] {
            try environments.map { environment in
                guard let entry = try repository.entry(atPath: environment.path, inTree: tree), entry.isTree else { return nil }
                return entry.id
            }
        }

        for commit in commits {
            let id = commit.id
            let trees = try environmentTrees(ofTree: commit.treeID)
            let parentTrees: [ObjectID?]
            if let parent = commit.parentIDs.first {
                parentTrees = parent == previousCommit ? previousTrees : try environmentTrees(ofTree: repository.commit(parent).treeID)
            } else {
                parentTrees = environments.map { _ in nil }
            }
            previousCommit = id
            previousTrees = trees
            guard trees != parentTrees else { continue }

            var classification = AuditCommitClassification(trailers: commit.trailers.map { ($0.key, $0.value) })
            var promotionIDs = classification.promotionID.map { [$0] } ?? []
            if commit.parentIDs.count > 1 {
                let merged = try repository.commit(commit.parentIDs[1])
                let mergedClassification = AuditCommitClassification(trailers: merged.trailers.map { ($0.key, $0.value) })
                if classification.kind == .direct { classification = mergedClassification }
                if let id = mergedClassification.promotionID, !promotionIDs.contains(id) { promotionIDs.append(id) }
            }
            let pullRequest = PullRequestNumber.extract(from: commit.message)
            let parents = commit.parentIDs.map(\.hex)

            for (index, environment) in environments.enumerated() where trees[index] != parentTrees[index] {
                let files = try repository.changedPaths(parentTrees[index], trees[index], retaining: retainer)
                    .map { environment.path + "/" + $0.path }.sorted()
                let recorded = approvals.approvals(
                    environment: environment.name, commit: id.hex, parents: parents, promotionIDs: promotionIDs)
                try visit(
                    AuditExportRow(
                        commit: id.hex, environment: environment.name, classification: classification,
                        author: commit.author.name, authorEmail: commit.author.email, authorTime: commit.author.time,
                        committer: commit.committer.name, committerEmail: commit.committer.email,
                        committerTime: commit.committer.time, files: files, pullRequest: pullRequest, approvals: recorded,
                        approvalEvidence: AuditApprovalEvidence.evaluate(
                            protected: protected[environment.name] ?? true, recordedApprovals: recorded)))
            }
            retainer.advance()
        }
    }

    /// The rows of `chain` in runs of consecutive commits, compared on `workers` threads; the
    /// runs come back in chain order.
    @available(macOS 15, *)
    func rows(of chain: [Commit], workers: Int, gitDirectory: String, runLength: Int? = nil) throws -> [[AuditExportRow]] {
        // Runs short enough to balance the threads, long enough that each starts from a
        // parent it has just compared (one extra commit read per run).
        let runLength = runLength ?? max(64, chain.count / (workers * 8))
        let runs = stride(from: 0, to: chain.count, by: runLength).map { $0..<min($0 + runLength, chain.count) }
        return try ParallelWork.map(runs.count, workers: workers) {
            (repository: try Repository.open(at: gitDirectory), retainer: TreeRetainer())
        } _: { state, run in
            var rows: [AuditExportRow] = []
            try self.rows(of: chain[runs[run]], repository: state.repository, retainer: state.retainer) { rows.append($0) }
            return rows
        }
    }
}
