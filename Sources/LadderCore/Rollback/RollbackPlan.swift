import Crypto
import Foundation
import LadderGit

/// What a rollback undoes.
public enum RollbackTarget: Sendable, Hashable {
    /// The most recent promotion into the environment.
    case latestPromotion
    /// `--promotion ID`: a promotion id or a commit naming a promotion.
    case promotion(String)
    /// `--to REV`: the environment's content at a revision.
    case revision(String)
}

/// Input of `planRollback` / `rollback`.
public struct RollbackRequest: Sendable {
    public var environment: String
    public var target: RollbackTarget
    /// Limit the rollback to these units (empty: the whole environment).
    public var units: [String] = []
    /// For a promotion: restore files changed after the promotion to their pre-promotion content
    /// instead of stopping on them.
    public var restore = false
    /// Why, for the commit message and the pull request.
    public var reason: String?

    public init(environment: String, target: RollbackTarget) {
        self.environment = environment
        self.target = target
    }
}

/// One file or directory of the environment as the rollback leaves it.
public struct RollbackWrite: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        /// An existing object by id: a blob, a symlink or a whole subtree (`--to`).
        case object(ObjectID, FileMode)
        /// New bytes (a three-way or key-level revert).
        case bytes([UInt8], FileMode)
        /// The entry is removed.
        case delete
    }

    /// Path relative to the environment directory; empty for the whole environment.
    public let path: String
    public let content: Content
}

/// How the rollback arrives at a file's new content.
public enum RollbackMethod: String, Sendable, Hashable {
    /// The file still held what the promotion wrote: its pre-promotion content is restored.
    case restored
    /// Later commits changed other lines: the promotion's change was reverted line by line.
    case merged
    /// Key-level file: only the keys the promotion changed return to their old values.
    case keys
    /// `--restore`: changed after the promotion, restored to its pre-promotion content anyway.
    case forced
    /// `--to`: the content at the revision.
    case revision
}

/// A file the rollback changes, for reports, the commit message and the pull request.
public struct RolledBackFile: Sendable, Hashable {
    /// Path relative to the environment directory.
    public let path: String
    public let unit: String?
    /// The change the rollback makes to the environment as it is now.
    public let status: FileChange.Status
    public let method: RollbackMethod
    /// Key values before → after the rollback (structured files).
    public let keys: [KeyDifference]
}

/// A file the promotion changed that later commits changed too, so that reverting it would undo
/// someone else's work.
public struct RollbackConflict: Sendable, Hashable {
    /// Path relative to the environment directory.
    public let path: String
    /// Why it cannot be reverted, in a few words.
    public let reason: String
    /// Trunk commits after the promotion that touched the file, newest first (id, summary).
    public let commits: [LaterCommit]

    public struct LaterCommit: Sendable, Hashable {
        public let id: ObjectID
        public let summary: String
    }
}

/// What `ladder rollback` will write.
public struct RollbackPlan: Sendable {
    public let environment: EnvironmentConfig
    public let target: RollbackTarget
    /// The promotion undone (nil for `--to`).
    public let promotion: PromotionRecord?
    /// `--to`: the resolved revision.
    public let revision: ObjectID?
    /// The `Ladder-Rollback-Of` value: the promotion id, or the full id of the revision.
    public let rollbackOf: String
    /// The commit whose content is restored: the trunk commit before the promotion, or the revision.
    public let restoredCommit: ObjectID?
    /// The trunk commit the rollback is built on.
    public let baseCommit: ObjectID
    public let units: [String]
    public let selectedUnits: [String]
    public let files: [RolledBackFile]
    public let writes: [RollbackWrite]
    /// Conflicting files restored anyway (`--restore`).
    public let overridden: [RollbackConflict]
    public let versions: [String: (old: String?, new: String?)]
    /// Deterministic id: first 16 hex of SHA-256 over (environment, what is undone, units, base commit).
    public let rollbackID: String
    /// `ladder/rollback/<env>/<promotion id or short revision>[.<unit>|.<hash>]`.
    public let branch: String
    public let reason: String?
    /// When there is nothing to roll back: why, in plain words.
    public let nothingReason: String?

    public var isEmpty: Bool { writes.isEmpty }

    /// Repository paths the rollback changes, sorted.
    public var changedPaths: [String] {
        files.map { environment.path + "/" + $0.path }.sorted()
    }
}

/// Failures of planning and writing a rollback.
public enum RollbackError: LadderFailure, Equatable {
    case unknownPromotion(String, environment: String, recent: [String])
    case promotionIntoOtherEnvironment(String, environment: String, actual: String)
    case conflicts(promotion: String, environment: String, conflicts: [RollbackConflict])
    case environmentMissing(environment: String, revision: String)
    case unitMissing(unit: String, environment: String, revision: String)
    case branchMoved(branch: String, expected: String?, found: String?)
    case invalidBranch(String)

    public var exitStatus: ExitStatus {
        switch self {
        case .unknownPromotion, .promotionIntoOtherEnvironment, .environmentMissing, .unitMissing, .invalidBranch: return .badInput
        case .conflicts: return .negative
        case .branchMoved: return .repository
        }
    }

    public var errorDescription: String? {
        switch self {
        case .unknownPromotion(let id, let environment, _):
            return "unknown promotion '\(id)': no promotion into \(environment) with this id or commit on the trunk's history"
        case .promotionIntoOtherEnvironment(let id, let environment, let actual):
            return "promotion \(id) went into \(actual), not \(environment)"
        case .conflicts(let promotion, let environment, let conflicts):
            let paths = conflicts.map { PathCoding.display($0.path) }.joined(separator: ", ")
            return "cannot roll back promotion \(promotion) in \(environment): \(conflicts.count) file\(conflicts.count == 1 ? " was" : "s were") changed after it: \(paths)"
        case .environmentMissing(let environment, let revision):
            return "\(environment) does not exist at \(revision); nothing to restore"
        case .unitMissing(let unit, let environment, let revision):
            return "unit '\(unit)' exists neither in \(environment) now nor at \(revision)"
        case .branchMoved(let branch, let expected, let found):
            return "branch '\(branch)' moved while rolling back (expected \(expected.map { String($0.prefix(7)) } ?? "no branch"), found \(found.map { String($0.prefix(7)) } ?? "no branch")); nothing was overwritten"
        case .invalidBranch(let name): return "invalid branch name '\(name)'"
        }
    }

    public var hint: String? {
        switch self {
        case .unknownPromotion(_, let environment, let recent):
            return recent.isEmpty
                ? "no promotion into \(environment) was found; use --to REV to restore an earlier state"
                : "recent promotions into \(environment): \(recent.joined(separator: ", "))"
        case .promotionIntoOtherEnvironment(let id, _, let actual): return "run 'ladder rollback \(actual) --promotion \(id)'"
        case .conflicts: return "resolve by hand, or pass --restore to put those files back to their content before the promotion"
        case .branchMoved: return "re-run the command to roll back on top of the new state"
        default: return nil
        }
    }
}

extension Workspace {
    /// The default rollback branch (SPEC section 7): `ladder/rollback/<env>/<key>`, with `.<unit>`
    /// or `.<first 8 hex of SHA-256 over the sorted unit names>` when units are selected.
    public static func rollbackBranch(environment: String, key: String, units: [String]) -> String {
        let base = "ladder/rollback/\(environment)/\(key)"
        let selected = Array(Set(units)).sorted()
        switch selected.count {
        case 0: return base
        case 1 where Repository.isValidBranchName("\(base).\(selected[0])"): return "\(base).\(selected[0])"
        default: return "\(base).\(Self.hex(selected.joined(separator: "\n")).prefix(8))"
        }
    }

    static func hex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Computes a rollback without writing anything: what is undone, the files as they will be,
    /// conflicts, the rollback id and the branch.
    ///
    /// - Throws: ``RollbackError/conflicts(promotion:environment:conflicts:)`` (exit 1) when files
    ///   the promotion changed were changed again since and `restore` is off; unknown promotions,
    ///   revisions, environments or units (exit 2).
    public func planRollback(_ request: RollbackRequest) throws -> RollbackPlan {
        let environment = try self.environment(request.environment)
        let units = Array(Set(request.units)).sorted()
        let baseCommit = commitID
        var builder = RollbackBuilder(workspace: self, environment: environment, units: units, baseCommit: baseCommit)

        switch request.target {
        case .latestPromotion, .promotion:
            try validateUnits(units, environments: [environment])
            let record: PromotionRecord?
            if case .promotion(let selector) = request.target {
                record = try promotion(selector, into: environment.name)
            } else {
                record = try latestPromotion(into: environment.name)
            }
            guard let record else {
                return builder.empty(target: request.target, reason: request.reason, why: "no promotion into \(environment.name) found on \(revision)")
            }
            try builder.revert(record, restore: request.restore)
            return try builder.finish(target: request.target, promotion: record, revision: nil, reason: request.reason)
        case .revision(let name):
            let revisionCommit = try resolve(name)
            try builder.restore(revisionCommit, name: name)
            return try builder.finish(target: request.target, promotion: nil, revision: revisionCommit, reason: request.reason)
        }
    }
}
