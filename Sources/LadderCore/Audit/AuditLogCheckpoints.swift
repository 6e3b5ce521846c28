import Foundation
import LadderGit

/// A signed checkpoint as stored on ``AuditLog/checkpointsReferenceName``.
public struct StoredCheckpoint: Sendable, Hashable {
    /// The commit holding it.
    public let commit: ObjectID
    /// The signed note text (C2SP signed-note format).
    public let note: String
}

/// Storage of checkpoints: the ref `refs/ladder/audit-checkpoints` is a chain of commits, one per
/// checkpoint, whose message is the signed note and whose tree is empty. Joining two clones'
/// checkpoint chains (`ladder audit push`) adds a merge commit whose message is not a note;
/// readers skip commits with several parents. Every checkpoint ever stored stays reachable from
/// the ref, so `verify --trusted-key` checks all of them.
extension AuditLog {
    /// Every stored checkpoint, oldest first. A single-parent commit whose message is not a
    /// signed note is reported as an unreadable checkpoint by ``verifyCheckpoints(trusting:chain:origin:)``.
    public func storedCheckpoints() throws -> [StoredCheckpoint] {
        guard let tip = try repository.exactReference(Self.checkpointsReferenceName)?.target else { return [] }
        var result: [StoredCheckpoint] = []
        try repository.walk(from: [tip], order: [.topological, .reverse]) { id in
            let commit = try repository.commit(id)
            if commit.parentIDs.count <= 1 { result.append(StoredCheckpoint(commit: id, note: commit.message)) }
            return true
        }
        return result
    }

    /// Appends a signed note to the checkpoints ref (compare-and-swap with retry, as for events).
    @discardableResult
    public func storeCheckpoint(note: String, at time: Date) throws -> ObjectID {
        let tree = try emptyTree()
        let signature = Self.signature(at: AuditTime.format(time))
        return try update(Self.checkpointsReferenceName, message: "ladder audit: checkpoint") { current in
            try repository.createCommit(
                tree: tree, parents: current.map { [$0] } ?? [], author: signature, committer: signature, message: note)
        }
    }

    /// Verifies the chain, signs a checkpoint of its tip (the number of events the tip covers and
    /// its hash) with `signer`, and stores it. A broken chain is refused: signing it would vouch
    /// for tampering.
    public func checkpoint(signer: NoteSigner, origin: String, at time: Date) throws -> (checkpoint: AuditCheckpoint, commit: ObjectID) {
        let chain = try verify()
        if let firstBreak = chain.firstBreak { throw AuditLogError.broken(firstBreak) }
        let checkpoint = AuditCheckpoint(origin: origin, chain: chain)
        let note = try checkpoint.signed(with: [signer])
        return (checkpoint, try storeCheckpoint(note: note, at: time))
    }

    /// Checks every stored checkpoint signed by one of `trusted` against `chain`: each must
    /// still be contained in it (its tip present and covering the signed count). Checkpoints
    /// signed only by other keys are skipped; a trusted key's signature that does not verify,
    /// or no trusted checkpoint at all, is a failure. With `origin`, checkpoints must carry it.
    /// Returns the checkpoints that verified, oldest first.
    public func verifyCheckpoints(
        trusting trusted: [NoteVerifier], chain: AuditChainReport, origin: String? = nil
    ) throws -> [AuditCheckpoint] {
        let stored = try storedCheckpoints()
        var verified: [AuditCheckpoint] = []
        for item in stored {
            let checkpoint: AuditCheckpoint
            do {
                checkpoint = try AuditCheckpoint.verify(item.note, trusting: trusted, origin: origin)
            } catch AuditError.noTrustedSignature {
                continue
            } catch {
                throw AuditLogError.checkpointMismatch(commit: item.commit.hex, reason: error.localizedDescription)
            }
            do {
                try checkpoint.checkConsistency(with: chain)
            } catch {
                throw AuditLogError.checkpointMismatch(
                    commit: item.commit.hex,
                    reason: "signed at \(checkpoint.count) events, tip \(checkpoint.tipHash.prefix(16)): \(error.localizedDescription)")
            }
            verified.append(checkpoint)
        }
        guard !verified.isEmpty else { throw AuditLogError.noTrustedCheckpoint(stored: stored.count) }
        return verified
    }

    /// The default checkpoint origin of a repository: `ladder.audit/` followed by the host and
    /// path of `remote.origin.url` (credentials, scheme and `.git` removed), or by the
    /// repository directory's name when there is no origin remote.
    public static func defaultOrigin(repository: Repository) -> String {
        var identity: String
        if let url = repository.configValue("remote.origin.url"), !url.isEmpty {
            identity = url
            if let scheme = identity.range(of: "://") { identity = String(identity[scheme.upperBound...]) }
            if let at = identity.firstIndex(of: "@"), !identity[..<at].contains("/") {
                identity = String(identity[identity.index(after: at)...])
            }
            identity = identity.replacingOccurrences(of: ":", with: "/")
            if identity.hasSuffix(".git") { identity = String(identity.dropLast(4)) }
        } else {
            let directory = repository.workingDirectory ?? repository.gitDirectory
            var url = URL(fileURLWithPath: directory)
            if url.lastPathComponent == ".git" { url.deleteLastPathComponent() }
            identity = url.lastPathComponent
            if identity.hasSuffix(".git") { identity = String(identity.dropLast(4)) }
        }
        identity = String(identity.unicodeScalars.filter { $0.value >= 0x21 && $0.value != 0x7F }.map(Character.init))
        return AuditCheckpoint.origin(repository: identity.isEmpty ? "repository" : identity)
    }
}
