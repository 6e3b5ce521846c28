import ArgumentParser
import Foundation
import LadderCore
import LadderGit

/// Options of the commands that prepare pull requests (a branch, its commit and a payload):
/// `promote`, `auto` and `rollback`.
struct PullRequestOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Payload flavour: github or gitlab (default: forge in ladder.yaml).", valueName: "FORGE"))
    var forge: Forge?

    @Option(help: ArgumentHelp(
        "Push the branch (each one, when several) to REMOTE, then the audit log (lease: the remote branch must be where Ladder last saw it).",
        valueName: "REMOTE"))
    var push: String?

    @Option(help: ArgumentHelp(
        "Who acts: checked by the policy, named as commit author and in the audit log (default: the CI user or git user.name).",
        valueName: "NAME"))
    var actor: String?

    @Flag(name: .customLong("dry-run"), help: "Show what would be written; write nothing.")
    var dryRun = false

    /// The actor: `--actor`, else the CI user, else git's `user.name`.
    func auditActor(in workspace: Workspace) -> AuditActor {
        AuditContext.actor(explicit: actor, repository: workspace.repository)
    }

    /// The payload flavour: `--forge`, else `forge:` in ladder.yaml.
    func payloadForge(in workspace: Workspace) -> Forge {
        forge ?? workspace.config.forge
    }

    /// Refuses an unknown `--push` remote before anything is written.
    func checkRemote(in workspace: Workspace) throws {
        if let push { try BranchPublisher.validate(remote: push, repository: workspace.repository) }
    }

    /// Pushes `branch` at `commit` to the `--push` remote (with the lease on `previous`); nil
    /// without `--push` or on a dry run.
    func pushBranch(_ branch: String, commit: ObjectID, previous: ObjectID?, in workspace: Workspace) throws -> PushReport? {
        guard let push, !dryRun else { return nil }
        let pushed = try BranchPublisher.push(
            repository: workspace.repository, remote: push, branch: branch, commit: commit, previous: previous, trunk: workspace.commitID)
        return PushReport(remote: RemoteCredentials.process.scrub(push), branch: branch, alreadyThere: pushed?.upToDate == true)
    }
}

/// A branch pushed by `--push`, as `promote`, `rollback` and `auto` report it.
struct PushReport {
    /// The remote as given, without credentials (a URL may carry a token).
    let remote: String
    let branch: String
    /// The remote already held the commit; nothing was sent.
    let alreadyThere: Bool

    var line: String { "  pushed     \(remote) \(branch)\(alreadyThere ? " (already there)" : "")" }
}

/// `--payload FILE` of `promote` and `rollback` (`auto` writes one file per promotion with
/// `--payload-dir`).
struct PayloadFileOption: ParsableArguments {
    @Option(help: ArgumentHelp("Write the pull-request payload to FILE.", valueName: "FILE"))
    var payload: String?

    /// Fails early, before anything is written, when the payload file cannot be written.
    func checkWritable() throws {
        if let payload { try PayloadFile.checkWritable(payload) }
    }
}
