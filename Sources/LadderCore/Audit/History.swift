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
    public func forEachRow(approvals: AuditApprovalIndex, _ visit: (AuditExportRow) throws -> Void) throws {
        let repository = workspace.repository
        let environments = workspace.config.environments
        var previousCommit: ObjectID?
        var previousTrees: [ObjectID?] = []
        // Environment trees hold every unit: too large for libgit2's cache, so keep the
        // previous commit's parsed for the next comparison.
        let retainer = TreeRetainer()

        func environmentTrees(ofTree tree: ObjectID) throws -> [ObjectID?] {
            try environments.map { environment in
                guard let entry = try repository.entry(atPath: environment.path, inTree: tree), entry.isTree else { return nil }
                return entry.id
            }
        }

        try repository.walk(from: [workspace.commitID], firstParent: true, order: [.topological, .reverse]) { id in
            let commit = try repository.commit(id)
            let trees = try environmentTrees(ofTree: commit.treeID)
            let parentTrees: [ObjectID?]
            if let parent = commit.parentIDs.first {
                parentTrees = parent == previousCommit ? previousTrees : try environmentTrees(ofTree: repository.commit(parent).treeID)
            } else {
                parentTrees = environments.map { _ in nil }
            }
            previousCommit = id
            previousTrees = trees
            guard trees != parentTrees else { return true }

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
                            protected: requiresApprovals(environment.name), recordedApprovals: recorded)))
            }
            retainer.advance()
            return true
        }
    }
}
