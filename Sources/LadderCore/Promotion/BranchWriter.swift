import Foundation
import LadderGit

/// The branch-writing stage that `promote` and `rollback` share: decides whether a Ladder branch
/// is up to date or is to be created or updated, and writes it: one commit built in memory on top
/// of a base commit, the branch moved to it with compare-and-swap. Never touches the working tree,
/// the index or HEAD. What differs between promotions and rollbacks (the content check, the
/// policy, the message, the tree changes, the error for a moved branch) comes in as closures.
struct BranchWriter {
    /// How the stage ended; the raw values are those of ``PromotionStatus`` and ``RollbackStatus``.
    enum Status: String {
        case upToDate = "up_to_date"
        case wouldCreate = "would_create"
        case wouldUpdate = "would_update"
        case created
        case updated
    }

    struct Result {
        let status: Status
        /// The branch tip before (nil when the branch did not exist).
        let previous: ObjectID?
        /// The branch tip afterwards: the new commit, or the existing one when up to date; nil
        /// for a dry run.
        let commit: ObjectID?
        /// The policy's decision; nil when the branch was up to date (the policy is not asked then).
        let decision: PolicyDecision?
        let message: String?
    }

    let repository: Repository
    /// The branch name, without `refs/heads/`.
    let branch: String
    /// The new commit's only parent; the changes apply to its tree.
    let base: ObjectID
    /// The commit's author name; the committer is the repository's default identity.
    let actor: String
    let time: Date
    /// Decide and render, but write nothing.
    let dryRun: Bool
    /// The reflog message of the branch update.
    let reflogMessage: String

    /// Runs the stage. `holds` tells whether the branch at a tip already holds exactly what this
    /// run would write; `authorize` evaluates the policy and throws the caller's denial;
    /// `message` renders the commit message for the decision; `changes` lists the updates to the
    /// base tree (it may write blobs, and is called only when writing); `moved` is the error
    /// thrown when the branch is no longer at the tip read first (expected, found).
    func write(
        holds: (ObjectID) throws -> Bool,
        authorize: () throws -> PolicyDecision,
        message render: (PolicyDecision) -> String,
        changes: () throws -> [TreeUpdate],
        moved: (_ expected: ObjectID?, _ found: ObjectID?) -> any Error
    ) throws -> Result {
        let refName = "refs/heads/\(branch)"
        let existing = try repository.exactReference(refName)?.target
        // Same content already on the branch: nothing to do, whatever the policy says now.
        if let existing, try holds(existing) {
            return Result(status: .upToDate, previous: existing, commit: existing, decision: nil, message: nil)
        }
        let decision = try authorize()
        let message = render(decision)
        if dryRun {
            return Result(
                status: existing == nil ? .wouldCreate : .wouldUpdate, previous: existing, commit: nil, decision: decision, message: message)
        }

        let baseTree = try repository.commit(base).treeID
        let tree = try repository.updateTree(baseTree, changes())
        var author = repository.defaultSignature(time: time)
        let committer = author
        if actor != author.name { author.name = actor }
        let commit = try repository.createCommit(tree: tree, parents: [base], author: author, committer: committer, message: message)
        do {
            try repository.updateReference(refName, to: commit, expected: existing, message: reflogMessage)
        } catch {
            if error.code == .modified || error.code == .exists {
                throw moved(existing, try? repository.exactReference(refName)?.target)
            }
            throw error
        }
        return Result(status: existing == nil ? .created : .updated, previous: existing, commit: commit, decision: decision, message: message)
    }
}

/// A command's status that names each ``BranchWriter/Status`` with the same raw value.
protocol BranchWriterReporting: RawRepresentable<String> {}

extension BranchWriterReporting {
    init(_ status: BranchWriter.Status) {
        guard let value = Self(rawValue: status.rawValue) else { preconditionFailure("no \(Self.self) for \(status)") }
        self = value
    }
}
