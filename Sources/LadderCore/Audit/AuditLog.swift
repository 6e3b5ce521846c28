import Foundation
import LadderGit

/// How long an append keeps trying when other writers win the race for the audit ref.
public struct AuditRetryPolicy: Sendable, Hashable {
    /// Attempts before giving up.
    public var maxAttempts: Int
    /// Total time before giving up, in seconds.
    public var maxDuration: TimeInterval
    /// Upper bound of the random pause after the first lost race, doubled after each loss up to
    /// ``maxPause``; the pause is drawn uniformly below the bound (full jitter).
    public var initialPause: TimeInterval
    public var maxPause: TimeInterval

    public init(maxAttempts: Int, maxDuration: TimeInterval, initialPause: TimeInterval, maxPause: TimeInterval) {
        self.maxAttempts = maxAttempts
        self.maxDuration = maxDuration
        self.initialPause = initialPause
        self.maxPause = maxPause
    }

    /// 2,000 attempts within 60 seconds, pauses from 1 ms up to 25 ms: enough for a handful of
    /// processes appending in a tight loop, short enough to fail clearly on a stuck lock.
    public static let standard = AuditRetryPolicy(maxAttempts: 2_000, maxDuration: 60, initialPause: 0.001, maxPause: 0.025)

    /// The pause after losing `attempt` races.
    func pause(after attempt: Int) -> TimeInterval {
        let bound = min(maxPause, initialPause * pow(2, Double(min(attempt - 1, 20))))
        return Double.random(in: 0...bound)
    }
}

/// The audit log of a repository: one commit per event on ``referenceName``.
///
/// Storage: each event is a commit whose message is the event's canonical JSON and a newline
/// (``AuditEvent/commitMessage``), whose tree is the empty tree, and whose parent is the
/// previous event's commit (two or more parents for an `audit.merged` join). Author and
/// committer are "Ladder audit <ladder-audit@localhost>" at the event's time, so `git log
/// refs/ladder/audit` reads naturally. Signed checkpoints live on a second ref,
/// ``checkpointsReferenceName`` (see `AuditLog+Checkpoints`), because a checkpoint signs a tip
/// that already exists and so cannot be carried by the commits it signs.
///
/// Appends are compare-and-swap updates of the ref, retried on conflict: concurrent writers,
/// threads or processes, never lose an event. A writer killed at any point leaves the ref at its
/// old or new value (libgit2 writes the ref through a lock file and a rename).
///
/// Not thread-safe, like ``Repository``: use one instance per thread.
public final class AuditLog {
    /// The ref holding the chain.
    public static let referenceName = "refs/ladder/audit"
    /// The ref holding signed checkpoints.
    public static let checkpointsReferenceName = "refs/ladder/audit-checkpoints"

    public let repository: Repository
    /// Applied to every event before it is sealed.
    public let scrubber: AuditSecretScrubber
    public let retry: AuditRetryPolicy
    private var emptyTreeID: ObjectID?

    /// The audit log of `repository`. The default scrubber removes the values of the token
    /// variables of the process environment (see ``AuditSecretScrubber/environmentVariables``).
    public init(
        repository: Repository,
        scrubber: AuditSecretScrubber = AuditSecretScrubber(environment: ProcessInfo.processInfo.environment),
        retry: AuditRetryPolicy = .standard
    ) {
        self.repository = repository
        self.scrubber = scrubber
        self.retry = retry
    }

    /// The identity written as author and committer of event commits, at `time`.
    static func signature(at time: String) -> Signature {
        Signature(name: "Ladder audit", email: "ladder-audit@localhost", time: AuditTime.parse(time) ?? Date())
    }

    func emptyTree() throws(GitError) -> ObjectID {
        if let emptyTreeID { return emptyTreeID }
        let id = try repository.emptyTree()
        emptyTreeID = id
        return id
    }

    // MARK: Reading

    /// The commit the ref points to, nil for an empty log.
    public func tipCommit() throws(GitError) -> ObjectID? {
        try repository.exactReference(Self.referenceName)?.target
    }

    /// The event stored in `commit`; fails when its message is not a readable event.
    public func event(inCommit commit: ObjectID) throws -> AuditEvent {
        let message = try repository.commit(commit).message
        do {
            return try AuditEvent.parse(commitMessage: message)
        } catch {
            throw AuditLogError.unreadableEvent(commit: commit.hex, reason: error.errorDescription ?? "invalid event")
        }
    }

    /// The tip commit and its event; nil for an empty log.
    public func tip() throws -> (commit: ObjectID, event: AuditEvent)? {
        guard let commit = try tipCommit() else { return nil }
        return (commit, try event(inCommit: commit))
    }

    /// Calls `visit` with every stored entry reachable from `start` (default: the ref's tip),
    /// parents before children, as ``AuditChainVerifier`` wants them. Keys are commit ids.
    public func forEachEntry(from start: ObjectID? = nil, _ visit: (AuditChainEntry) throws -> Void) throws {
        guard let start = try start ?? tipCommit() else { return }
        try repository.walk(from: [start], order: [.topological, .reverse]) { id in
            let commit = try repository.commit(id)
            try visit(AuditChainEntry(key: id.hex, parents: commit.parentIDs.map(\.hex), message: commit.message))
            return true
        }
    }

    /// Every stored entry, parents first.
    public func entries(from start: ObjectID? = nil) throws -> [AuditChainEntry] {
        var result: [AuditChainEntry] = []
        try forEachEntry(from: start) { result.append($0) }
        return result
    }

    /// Recomputes every hash and link of the chain (see ``AuditChainVerifier``).
    public func verify(from start: ObjectID? = nil) throws -> AuditChainReport {
        AuditChainVerifier.verify(try entries(from: start))
    }

    /// The events of an intact chain, parents first; fails with ``AuditLogError/broken(_:)`` at
    /// the first broken event.
    public func events() throws -> [AuditEvent] {
        let report = try verify()
        if let firstBreak = report.firstBreak { throw AuditLogError.broken(firstBreak) }
        return report.nodes.map(\.event)
    }

    // MARK: Writing

    /// Seals `body` after the current tip and appends it.
    ///
    /// Lost races (the ref moved, or another writer holds its lock) are retried after a random
    /// pause, re-sealing the same body on the new tip, until ``retry`` runs out; then
    /// ``AuditLogError/contention(attempts:seconds:)`` (exit 3). A tip that cannot be read is
    /// refused: an event sealed after it would hang off a hash nobody can check.
    @discardableResult
    public func append(_ body: AuditEventBody) throws -> AuditEvent {
        try withWriterLock { try appendLocked(body) }
    }

    /// Serialises Ladder's own writers of the audit refs with an advisory lock (`flock`) on
    /// `$GIT_DIR/ladder-audit.lock`, on top of the compare-and-swap on the ref: the kernel releases
    /// the lock when a process dies, so a killed writer never leaves it held.
    func withWriterLock<T>(_ body: () throws -> T) throws -> T {
        let path = repository.gitDirectory + "ladder-audit.lock"
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return try body() }  // read-only repository: rely on CAS alone
        defer { close(descriptor) }
        let started = Date()
        var attempt = 0
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            attempt += 1
            try backOff(after: attempt, since: started)
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    func appendLocked(_ body: AuditEventBody) throws -> AuditEvent {
        let tree = try emptyTree()
        let signature = Self.signature(at: body.time)
        let started = Date()
        var attempt = 0
        while true {
            attempt += 1
            let current = try tipCommit()
            let previous = try current.map { try self.event(inCommit: $0) }
            let sealed = try AuditEvent.seal(body, after: previous, scrubber: scrubber)
            let commit = try repository.createCommit(
                tree: tree, parents: current.map { [$0] } ?? [], author: signature, committer: signature,
                message: sealed.commitMessage)
            do {
                try repository.updateReference(
                    Self.referenceName, to: commit, expected: current,
                    message: "ladder audit: \(sealed.action.rawValue) #\(sealed.seq)")
                // Belt and braces: under heavy contention a concurrent writer's compare-and-swap
                // has been seen to replace ours (libgit2 1.5 loose refs). Confirm the event is on
                // the chain; if it was replaced, seal it again on the new tip.
                if try isOnChain(commit) { return sealed }
                try backOff(after: attempt, since: started)
                continue
            } catch {
                guard Self.isLostRace(error) else { throw error }
                try backOff(after: attempt, since: started)
            }
        }
    }

    /// True when `commit` is the tip or one of its recent ancestors on the log.
    func isOnChain(_ commit: ObjectID, depth: Int = 4_096) throws -> Bool {
        guard let tip = try tipCommit() else { return false }
        if tip == commit { return true }
        var found = false
        var seen = 0
        try repository.walk(from: [tip], order: []) { id in
            seen += 1
            if id == commit { found = true }
            return !found && seen < depth
        }
        return found
    }

    /// True for the errors a compare-and-swap loser sees.
    static func isLostRace(_ error: any Error) -> Bool {
        guard let error = error as? GitError else { return false }
        return error.code == .modified || error.code == .exists || error.code == .locked
    }

    /// Sleeps before the next attempt, or throws when the retry budget is spent.
    func backOff(after attempt: Int, since started: Date) throws {
        let elapsed = Date().timeIntervalSince(started)
        guard attempt < retry.maxAttempts, elapsed < retry.maxDuration else {
            throw AuditLogError.contention(attempts: attempt, seconds: elapsed)
        }
        let pause = retry.pause(after: attempt)
        if pause > 0 { usleep(useconds_t(pause * 1_000_000)) }
    }

    /// Points `reference` from `expected` to a commit built by `makeCommit` (given the current
    /// tip), re-reading and rebuilding after each lost race, within ``retry``.
    func update(
        _ reference: String, message: String, _ makeCommit: (ObjectID?) throws -> ObjectID
    ) throws -> ObjectID {
        try withWriterLock { try updateLocked(reference, message: message, makeCommit) }
    }

    func updateLocked(
        _ reference: String, message: String, _ makeCommit: (ObjectID?) throws -> ObjectID
    ) throws -> ObjectID {
        let started = Date()
        var attempt = 0
        while true {
            attempt += 1
            let current = try repository.exactReference(reference)?.target
            let commit = try makeCommit(current)
            do {
                try repository.updateReference(reference, to: commit, expected: current, message: message)
                return commit
            } catch {
                guard Self.isLostRace(error) else { throw error }
                try backOff(after: attempt, since: started)
            }
        }
    }
}

// MARK: - Making events

extension AuditEventBody {
    /// A new body with a fresh id for an event happening at `time`.
    public init(
        action: AuditAction, outcome: AuditOutcome, actor: AuditActor, source: AuditSource, at time: Date,
        transition: AuditTransition? = nil, approvals: [AuditApproval]? = nil, policy: AuditPolicy? = nil,
        override: AuditOverride? = nil
    ) {
        self.init(
            id: AuditEventID.make(time: time), time: AuditTime.format(time), action: action, outcome: outcome,
            actor: actor, source: source, transition: transition, approvals: approvals, policy: policy,
            override: override)
    }
}

/// Who and where, for the events a command records: filled from the process environment.
public enum AuditContext {
    /// Where the event is produced: the host name, the CI provider (`github` when
    /// `GITHUB_ACTIONS=true`, `gitlab` when `GITLAB_CI=true`), the CI run's URL
    /// (`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID`, or `$CI_JOB_URL`)
    /// and the Ladder version.
    public static func source(
        environment: [String: String] = ProcessInfo.processInfo.environment, host: String? = AuditContext.hostName()
    ) -> AuditSource {
        func value(_ key: String) -> String? {
            guard let text = environment[key], !text.isEmpty else { return nil }
            return text
        }
        var provider: String?
        var runURL: String?
        if environment["GITHUB_ACTIONS"] == "true" {
            provider = "github"
            if let server = value("GITHUB_SERVER_URL"), let repository = value("GITHUB_REPOSITORY"), let run = value("GITHUB_RUN_ID") {
                runURL = "\(server)/\(repository)/actions/runs/\(run)"
            }
        } else if environment["GITLAB_CI"] == "true" {
            provider = "gitlab"
            runURL = value("CI_JOB_URL")
        }
        return AuditSource(host: host, ciProvider: provider, ciRunURL: runURL, toolVersion: LadderVersion.current)
    }

    /// Who causes the event: `explicit` (`--actor`) when given (kind `ci` inside CI, else
    /// `human`); in CI, `GITHUB_ACTOR` or `GITLAB_USER_LOGIN` with kind `ci`; otherwise git's
    /// `user.name`, then `$USER`, with kind `human`.
    public static func actor(
        explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        repository: Repository? = nil
    ) -> AuditActor {
        let inCI = environment["GITHUB_ACTIONS"] == "true" || environment["GITLAB_CI"] == "true"
        if let explicit, !explicit.isEmpty { return AuditActor(login: explicit, kind: inCI ? .ci : .human) }
        if environment["GITHUB_ACTIONS"] == "true", let login = environment["GITHUB_ACTOR"], !login.isEmpty {
            return AuditActor(login: login, kind: .ci)
        }
        if environment["GITLAB_CI"] == "true", let login = environment["GITLAB_USER_LOGIN"], !login.isEmpty {
            return AuditActor(login: login, kind: .ci)
        }
        if let name = repository?.configValue("user.name"), !name.isEmpty { return AuditActor(login: name, kind: .human) }
        if let user = environment["USER"], !user.isEmpty { return AuditActor(login: user, kind: .human) }
        return AuditActor(login: "unknown", kind: inCI ? .ci : .human)
    }

    /// The machine's host name, without a DNS lookup.
    public static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }
}
