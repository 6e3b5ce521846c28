import Foundation
import LadderGit

/// What `ladder audit push` did to one ref.
public struct AuditRefPublication: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        /// Local and remote already held the same commit.
        case upToDate = "up_to_date"
        /// The remote was behind (or absent) and was fast-forwarded.
        case published
        /// The remote was ahead; the local ref was fast-forwarded to it and nothing was pushed.
        case adopted
        /// The two had diverged; a join commit with both tips as parents was made and pushed.
        case joined
        /// Neither side has the ref.
        case absent
    }

    public var reference: String
    public var outcome: Outcome
    /// The remote value before the push.
    public var remoteBefore: ObjectID?
    /// The value both sides hold afterwards.
    public var tip: ObjectID?
}

/// The result of ``AuditLog/push(remote:actor:source:at:credentials:)``.
public struct AuditPushReport: Sendable {
    public var events: AuditRefPublication
    public var checkpoints: AuditRefPublication
    /// The `audit.merged` event written when the chains had diverged.
    public var merge: AuditEvent?
}

extension AuditLog {
    /// Publishes the audit log (and its checkpoints) to `remote`, never rewriting what the
    /// remote already holds.
    ///
    /// The remote ref is listed first. When it holds commits the local log lacks, it is fetched
    /// into a temporary ref and verified (a broken remote chain is refused); if it contains the
    /// local log, the local ref is fast-forwarded to it; if neither contains the other, an
    /// `audit.merged` event with both tips as parents (local first) is appended locally. The
    /// result is pushed with a lease on the value fetched, so a remote that moved meanwhile is
    /// never overwritten: the whole round is repeated, up to `maxRounds` times.
    /// Checkpoints are published the same way, joined by a plain merge commit.
    public func push(
        remote: String, actor: AuditActor, source: AuditSource, at time: Date,
        credentials: RemoteCredentials = .process, maxRounds: Int = 5
    ) throws -> AuditPushReport {
        var merge: AuditEvent?
        let events = try publish(Self.referenceName, remote: remote, credentials: credentials, maxRounds: maxRounds) {
            fetched in
            let report = try verify(from: fetched)
            if let firstBreak = report.firstBreak {
                throw AuditLogError.remoteBroken(remote: credentials.scrub(remote), firstBreak)
            }
        } join: { local, fetched in
            let localEvent = try event(inCommit: local)
            let remoteEvent = try event(inCommit: fetched)
            let body = AuditEventBody(action: .merged, outcome: .allowed, actor: actor, source: source, at: time)
            let event = try AuditEvent.sealMerge(body, parents: [localEvent, remoteEvent], scrubber: scrubber)
            let signature = Self.signature(at: event.time)
            merge = event
            return try repository.createCommit(
                tree: try emptyTree(), parents: [local, fetched], author: signature, committer: signature,
                message: event.commitMessage)
        }
        let checkpoints = try publish(
            Self.checkpointsReferenceName, remote: remote, credentials: credentials, maxRounds: maxRounds
        ) { _ in
        } join: { local, fetched in
            let signature = Self.signature(at: AuditTime.format(time))
            return try repository.createCommit(
                tree: try emptyTree(), parents: [local, fetched], author: signature, committer: signature,
                message: "ladder: join audit checkpoints\n")
        }
        return AuditPushReport(events: events, checkpoints: checkpoints, merge: events.outcome == .joined ? merge : nil)
    }

    /// One ref's publication round trip; see ``push(remote:actor:source:at:credentials:maxRounds:)``.
    private func publish(
        _ reference: String, remote: String, credentials: RemoteCredentials, maxRounds: Int,
        verifyFetched: (ObjectID) throws -> Void,
        join: (_ local: ObjectID, _ fetched: ObjectID) throws -> ObjectID
    ) throws -> AuditRefPublication {
        for _ in 0..<maxRounds {
            if let done = try publishRound(
                reference, remote: remote, credentials: credentials, verifyFetched: verifyFetched, join: join)
            {
                return done
            }
        }
        throw AuditLogError.remoteKeepsMoving(remote: credentials.scrub(remote), attempts: maxRounds)
    }

    /// One attempt: nil when the remote or the local ref moved meanwhile and the caller should
    /// start over.
    private func publishRound(
        _ reference: String, remote: String, credentials: RemoteCredentials,
        verifyFetched: (ObjectID) throws -> Void,
        join: (_ local: ObjectID, _ fetched: ObjectID) throws -> ObjectID
    ) throws -> AuditRefPublication? {
        let remoteTip = try repository.remoteReferences(remote: remote, credentials: credentials)
            .first { $0.name == reference }?.target
        var localTip = try repository.exactReference(reference)?.target
        if localTip == nil && remoteTip == nil {
            return AuditRefPublication(reference: reference, outcome: .absent, remoteBefore: nil, tip: nil)
        }
        if let remoteTip, remoteTip == localTip {
            return AuditRefPublication(reference: reference, outcome: .upToDate, remoteBefore: remoteTip, tip: remoteTip)
        }

        var lease = remoteTip
        var outcome = AuditRefPublication.Outcome.published
        var remoteKnown = true
        if let remoteTip {
            if let localTip, repository.contains(remoteTip) {
                remoteKnown = try repository.isAncestor(remoteTip, of: localTip)
            } else {
                remoteKnown = false
            }
        }
        if !remoteKnown {
            guard let fetched = try fetchTemporarily(reference, remote: remote, credentials: credentials) else { return nil }
            lease = fetched
            try verifyFetched(fetched)
            let behind = try localTip.map { try repository.isAncestor($0, of: fetched) } ?? true
            if behind {
                do {
                    try repository.updateReference(reference, to: fetched, expected: localTip, message: "ladder audit: adopt remote log")
                } catch {
                    guard Self.isLostRace(error) else { throw error }
                    return nil
                }
                localTip = fetched
                outcome = .adopted
            } else {
                var joinCommit: ObjectID?
                let joined = try update(reference, message: "ladder audit: join") { current in
                    guard let current else { return fetched }
                    if try repository.isAncestor(fetched, of: current) { return current }
                    let commit = try join(current, fetched)
                    joinCommit = commit
                    return commit
                }
                localTip = joined
                if joinCommit == joined { outcome = .joined }
            }
        }
        guard let tip = localTip else { return nil }
        if tip == lease {
            return AuditRefPublication(reference: reference, outcome: outcome, remoteBefore: remoteTip, tip: tip)
        }
        do {
            try repository.push(
                remote: remote, updates: [PushUpdate(localRef: tip.hex, remoteRef: reference, expectedRemote: lease)],
                credentials: credentials)
        } catch {
            guard Self.remoteMoved(error) else { throw error }
            return nil  // the remote moved since it was listed: fetch and join again
        }
        return AuditRefPublication(reference: reference, outcome: outcome, remoteBefore: remoteTip, tip: tip)
    }

    static func remoteMoved(_ error: any Error) -> Bool {
        guard let error = error as? GitError else { return false }
        return error.code == .modified || error.code == .nonFastForward
    }

    /// Fetches the remote's `reference` into a temporary ref, returns its value and removes the
    /// temporary ref (the objects stay). nil when the remote no longer has the ref.
    private func fetchTemporarily(_ reference: String, remote: String, credentials: RemoteCredentials) throws -> ObjectID? {
        let temporary = "refs/ladder/fetched/\(UUID().uuidString.lowercased())"
        try repository.fetch(remote: remote, refspecs: ["+\(reference):\(temporary)"], credentials: credentials)
        guard let fetched = try repository.exactReference(temporary)?.target else { return nil }
        try? repository.deleteReference(temporary, expected: fetched)
        return fetched
    }
}
