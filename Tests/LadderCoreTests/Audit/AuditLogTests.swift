import Foundation
import LadderGit
import LadderTestSupport
import Testing

@testable import LadderCore

/// Helpers to build and tamper with audit logs through the git command line.
enum AuditStore {
    static let actor = AuditActor(login: "alice", kind: .human)
    static let source = AuditSource(host: "test", ciProvider: nil, ciRunURL: nil, toolVersion: "0.1.0")

    static func body(_ number: Int, to: String = "staging", commit: String? = nil, action: AuditAction = .promotionCreated,
                     approvals: [AuditApproval]? = nil, promotionID: String? = nil) -> AuditEventBody {
        AuditEventBody(
            action: action, outcome: .allowed, actor: actor, source: source,
            at: Date(timeIntervalSince1970: 1_790_000_000 + Double(number) * 60),
            transition: AuditTransition(from: "dev", to: to, commit: commit, branch: "ladder/promote/dev-to-\(to)",
                                        promotionID: promotionID, changedPaths: ["environments/\(to)/app/values.yaml"]),
            approvals: approvals)
    }

    static func log(_ path: String) throws -> AuditLog {
        AuditLog(repository: try Repository.open(at: path), scrubber: AuditSecretScrubber())
    }

    /// Commit ids of the chain, oldest first (linear chains).
    static func commits(_ path: String) throws -> [String] {
        try Run.gitOutput(["rev-list", "--reverse", "--topo-order", AuditLog.referenceName], in: path)
            .split(separator: "\n").map(String.init)
    }

    /// The exact message of a commit.
    static func message(_ commit: String, in path: String) throws -> String {
        let raw = try Run.git(["cat-file", "commit", commit], in: path).stdout
        return String(raw[raw.range(of: "\n\n")!.upperBound...])
    }

    /// Replaces the ref with a linear chain of commits carrying `messages`, written by git.
    @discardableResult
    static func rewrite(_ path: String, messages: [String]) throws -> String {
        let tree = try Run.gitOutput(["hash-object", "-t", "tree", "-w", "--stdin"], in: path)
        var parent: String?
        let scratch = ScratchDirectory("messages")
        for (index, message) in messages.enumerated() {
            let file = scratch.join("\(index)")
            try message.write(toFile: file, atomically: true, encoding: .utf8)
            parent = try Run.gitOutput(["commit-tree", tree] + (parent.map { ["-p", $0] } ?? []) + ["-F", file], in: path)
        }
        try Run.git(["update-ref", AuditLog.referenceName, parent!], in: path)
        return parent!
    }
}

@Suite struct AuditLogTests {
    @Test func appendReadVerifyRoundTrip() throws {
        let fixture = try FixtureRepository()
        try fixture.commit(["README": "x\n"], "init")
        let log = try AuditStore.log(fixture.path)
        #expect(try log.tip() == nil)
        #expect(try log.verify().isIntact)
        #expect(try log.events().isEmpty)

        var written: [AuditEvent] = []
        for number in 1...5 { written.append(try log.append(AuditStore.body(number))) }
        #expect(written.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(written[1].prevHash == written[0].hash)

        let read = try log.events()
        #expect(read == written)
        #expect(try log.tip()?.event == written.last)
        // One commit per event, message = canonical JSON, empty tree, git sees a linear chain.
        let commits = try AuditStore.commits(fixture.path)
        #expect(commits.count == 5)
        #expect(try AuditStore.message(commits[2], in: fixture.path) == written[2].commitMessage)
        #expect(try fixture.git("rev-parse", "\(AuditLog.referenceName)^{tree}") == "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
        // The working tree, index and HEAD are untouched.
        #expect(try fixture.git("status", "--porcelain") == "")
        #expect(try fixture.git("log", "--format=%s", "-1") == "init")
    }

    @Test func secretsFromTheEnvironmentAreScrubbedBeforeSealing() throws {
        let fixture = try FixtureRepository()
        let log = AuditLog(
            repository: try Repository.open(at: fixture.path),
            scrubber: AuditSecretScrubber(environment: ["GITHUB_TOKEN": "s3cr3t-token-value"]))
        var body = AuditStore.body(1)
        body.transition?.branch = "https://x:s3cr3t-token-value@example.com"
        body.actor.login = "bot s3cr3t-token-value"
        let event = try log.append(body)
        #expect(!event.commitMessage.contains("s3cr3t"))
        let stored = try AuditStore.message(try AuditStore.commits(fixture.path)[0], in: fixture.path)
        #expect(!stored.contains("s3cr3t"))
        #expect(try log.verify().isIntact)
    }

    @Test func concurrentWritersLoseNothing() throws {
        let fixture = try FixtureRepository()
        let path = fixture.path
        let writers = 8
        let perWriter = 200
        let failures = LockedBox<[String]>([])
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            do {
                let log = try AuditStore.log(path)
                for index in 0..<perWriter {
                    var body = AuditStore.body(writer * 1000 + index)
                    body.actor.login = "writer-\(writer)-\(index)"
                    try log.append(body)
                }
            } catch {
                failures.withLock { $0.append("writer \(writer): \(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let report = try AuditStore.log(path).verify()
        #expect(report.isIntact)
        #expect(report.eventCount == writers * perWriter)
        let logins = Set(report.nodes.map(\.event.actor.login))
        #expect(logins.count == writers * perWriter)
        #expect(report.tip?.seq == Int64(writers * perWriter))
        #expect(try Run.gitOutput(["fsck", "--no-dangling"], in: path).isEmpty)
    }

    @Test func lostRacesGiveUpWithinTheBudget() throws {
        let fixture = try FixtureRepository()
        let log = AuditLog(
            repository: try Repository.open(at: fixture.path), scrubber: AuditSecretScrubber(),
            retry: AuditRetryPolicy(maxAttempts: 3, maxDuration: 5, initialPause: 0, maxPause: 0))
        try log.append(AuditStore.body(1))
        // A stale lock file (a writer killed mid-update) makes every attempt lose.
        let lock = try Repository.open(at: fixture.path).gitDirectory + "refs/ladder/audit.lock"
        try "".write(toFile: lock, atomically: false, encoding: .utf8)
        do {
            try log.append(AuditStore.body(2))
            Issue.record("append succeeded through a held lock")
        } catch let error as AuditLogError {
            guard case .contention(let attempts, _) = error else { throw error }
            #expect(attempts == 3)
            #expect(error.exitStatus == .repository)
        }
        try FileManager.default.removeItem(atPath: lock)
        #expect(try log.append(AuditStore.body(3)).seq == 2)
    }

    // MARK: Tampering through git

    func chain(_ count: Int) throws -> (FixtureRepository, AuditLog, [AuditEvent], [String]) {
        let fixture = try FixtureRepository()
        let log = try AuditStore.log(fixture.path)
        var events: [AuditEvent] = []
        for number in 1...count { events.append(try log.append(AuditStore.body(number))) }
        return (fixture, log, events, events.map(\.commitMessage))
    }

    @Test func editedMessageIsFoundAtItsEvent() throws {
        let (fixture, log, events, messages) = try chain(6)
        var edited = messages
        edited[2] = messages[2].replacingOccurrences(of: "\"login\":\"alice\"", with: "\"login\":\"mallory\"")
        #expect(edited[2] != messages[2])
        try AuditStore.rewrite(fixture.path, messages: edited)
        let report = try log.verify()
        #expect(report.firstBreak?.seq == 3)
        #expect(report.firstBreak?.id == events[2].id)
        guard case .hashMismatch = report.firstBreak?.kind else { Issue.record("\(String(describing: report.firstBreak))"); return }
        #expect(throws: AuditLogError.self) { try log.events() }
    }

    @Test func deletedAndReorderedEventsBreakTheLinks() throws {
        let (fixture, log, events, messages) = try chain(6)
        var deleted = messages
        deleted.remove(at: 3)
        try AuditStore.rewrite(fixture.path, messages: deleted)
        var report = try log.verify()
        #expect(report.firstBreak?.seq == 5)
        #expect(report.firstBreak?.id == events[4].id)
        guard case .prevHashMismatch = report.firstBreak?.kind else { Issue.record("\(String(describing: report.firstBreak))"); return }

        var reordered = messages
        reordered.swapAt(1, 2)
        try AuditStore.rewrite(fixture.path, messages: reordered)
        report = try log.verify()
        #expect(report.firstBreak?.seq == 3)
        #expect(report.eventCount == 1)
    }

    @Test func truncationIsCaughtByTheDigestAndRewriteByTheCheckpoint() throws {
        let (fixture, log, _, messages) = try chain(8)
        let signer = try NoteSigner.generate(name: "example.com/audit")
        let (checkpoint, _) = try log.checkpoint(signer: signer, origin: "ladder.audit/test", at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(checkpoint.count == 8)
        let exportDirectory = ScratchDirectory("export")
        let exportPath = exportDirectory.join("audit.jsonl")
        let result = try AuditExporter(log: log, history: nil, filter: AuditExportFilter(), format: .jsonl).export(toFile: exportPath)
        let digest = try AuditDigest.parse(String(contentsOfFile: exportPath + ".sha256", encoding: .utf8))
        #expect(digest == result.digest)
        #expect(digest.eventCount == 8)
        try digest.verifyChain(try log.verify())
        #expect(try log.verifyCheckpoints(trusting: [signer.verifier], chain: try log.verify()).count == 1)

        // Truncate: the remaining chain is intact, but the digest and the checkpoint know better.
        let commits = try AuditStore.commits(fixture.path)
        try Run.git(["update-ref", AuditLog.referenceName, commits[5]], in: fixture.path)
        let truncated = try log.verify()
        #expect(truncated.isIntact)
        #expect(throws: AuditError.truncated(recorded: 8, present: 6)) { try digest.verifyChain(truncated) }
        #expect(throws: AuditLogError.self) { try log.verifyCheckpoints(trusting: [signer.verifier], chain: truncated) }

        // Full rewrite with every hash recomputed: intact, and still caught by the checkpoint.
        var previous: AuditEvent?
        var forged: [String] = []
        for message in messages {
            var body = try AuditEvent.parse(commitMessage: message).body
            body.actor.login = "mallory"
            let event = try AuditEvent.seal(body, after: previous, scrubber: AuditSecretScrubber())
            forged.append(event.commitMessage)
            previous = event
        }
        try AuditStore.rewrite(fixture.path, messages: forged)
        let rewritten = try log.verify()
        #expect(rewritten.isIntact)
        #expect(rewritten.eventCount == 8)
        do {
            _ = try log.verifyCheckpoints(trusting: [signer.verifier], chain: rewritten)
            Issue.record("rewritten chain passed the checkpoint")
        } catch let error as AuditLogError {
            #expect(error.localizedDescription.contains("rewritten"))
        }
        // Another key's checkpoints do not count as trusted ones.
        let stranger = try NoteSigner.generate(name: "example.com/other")
        #expect(throws: AuditLogError.noTrustedCheckpoint(stored: 1)) {
            try log.verifyCheckpoints(trusting: [stranger.verifier], chain: rewritten)
        }
    }

    @Test func tamperedCheckpointSignatureIsRejected() throws {
        let (fixture, log, _, _) = try chain(3)
        let signer = try NoteSigner.generate(name: "example.com/audit")
        _ = try log.checkpoint(signer: signer, origin: "ladder.audit/test", at: Date())
        let stored = try log.storedCheckpoints()
        #expect(stored.count == 1)
        // Change the signed count in the note, keep the signature.
        let forged = stored[0].note.replacingOccurrences(of: "\n3\n", with: "\n2\n")
        let tree = try fixture.git("hash-object", "-t", "tree", "-w", "--stdin")
        let file = fixture.scratch.join("note")
        try forged.write(toFile: file, atomically: true, encoding: .utf8)
        let commit = try fixture.git("commit-tree", tree, "-F", file)
        _ = try fixture.git("update-ref", AuditLog.checkpointsReferenceName, commit)
        do {
            _ = try log.verifyCheckpoints(trusting: [signer.verifier], chain: try log.verify())
            Issue.record("forged checkpoint accepted")
        } catch let error as AuditLogError {
            #expect(error.localizedDescription.contains("does not verify"))
        }
    }

    // MARK: Across clones

    @Test func twoClonesJoinThroughABareRemote() throws {
        let origin = try FixtureRepository()
        try origin.commit(["README": "x\n"], "init")
        let firstLog = try AuditStore.log(origin.path)
        try firstLog.append(AuditStore.body(1))
        let remote = ScratchDirectory("remote")
        let barePath = remote.join("audit.git")
        try Run.git(["clone", "-q", "--bare", origin.path, barePath], in: remote.path)
        try Run.git(["push", "-q", barePath, "\(AuditLog.referenceName):\(AuditLog.referenceName)"], in: origin.path)

        let second = ScratchDirectory("second")
        try Run.git(["clone", "-q", barePath, second.path], in: remote.path)
        try Run.git(["fetch", "-q", "origin", "\(AuditLog.referenceName):\(AuditLog.referenceName)"], in: second.path)
        let secondLog = try AuditStore.log(second.path)
        #expect(try secondLog.events().count == 1)

        _ = try origin.git("remote", "add", "origin", barePath)
        try firstLog.append(AuditStore.body(2))
        try firstLog.append(AuditStore.body(3))
        try secondLog.append(AuditStore.body(4))
        let noTokens = RemoteCredentials(environment: [:])
        let now = Date(timeIntervalSince1970: 1_800_000_000)

        let published = try firstLog.push(remote: "origin", actor: AuditStore.actor, source: AuditStore.source, at: now, credentials: noTokens)
        #expect(published.events.outcome == .published)
        #expect(published.merge == nil)
        let remoteBeforeJoin = try Run.gitOutput(["rev-parse", AuditLog.referenceName], in: barePath)

        let joined = try secondLog.push(remote: "origin", actor: AuditStore.actor, source: AuditStore.source, at: now, credentials: noTokens)
        #expect(joined.events.outcome == .joined)
        let merge = try #require(joined.merge)
        #expect(merge.action == .merged)
        #expect(merge.seq == 4)
        // The published events are untouched: the remote's old tip is an ancestor of the new one.
        #expect(try Run.git(["merge-base", "--is-ancestor", remoteBeforeJoin, AuditLog.referenceName], in: barePath, check: false).status == 0)

        let adopted = try firstLog.push(remote: "origin", actor: AuditStore.actor, source: AuditStore.source, at: now, credentials: noTokens)
        #expect(adopted.events.outcome == .adopted)
        let again = try firstLog.push(remote: "origin", actor: AuditStore.actor, source: AuditStore.source, at: now, credentials: noTokens)
        #expect(again.events.outcome == .upToDate)

        for path in [origin.path, second.path, barePath] {
            let report = try AuditStore.log(path).verify()
            #expect(report.isIntact, "\(path): \(String(describing: report.firstBreak))")
            #expect(report.eventCount == 5)
            #expect(report.tip?.id == merge.id)
        }
    }

    @Test func aBrokenRemoteLogIsNotJoined() throws {
        let origin = try FixtureRepository()
        let log = try AuditStore.log(origin.path)
        try log.append(AuditStore.body(1))
        let remote = ScratchDirectory("remote")
        let barePath = remote.join("audit.git")
        try Run.git(["init", "-q", "--bare", barePath], in: remote.path)
        // The remote holds a different, tampered chain.
        let other = try FixtureRepository()
        let otherLog = try AuditStore.log(other.path)
        try otherLog.append(AuditStore.body(7))
        try otherLog.append(AuditStore.body(8))
        let messages = try AuditStore.commits(other.path).map { try AuditStore.message($0, in: other.path) }
        try AuditStore.rewrite(other.path, messages: [messages[0].replacingOccurrences(of: "alice", with: "eve"), messages[1]])
        try Run.git(["push", "-q", barePath, "\(AuditLog.referenceName):\(AuditLog.referenceName)"], in: other.path)

        do {
            _ = try log.push(remote: "file://" + barePath, actor: AuditStore.actor, source: AuditStore.source, at: Date(),
                             credentials: RemoteCredentials(environment: [:]))
            Issue.record("joined a broken chain")
        } catch let error as AuditLogError {
            guard case .remoteBroken = error else { throw error }
            #expect(error.exitStatus == .negative)
        }
        #expect(try log.events().count == 1)
    }

    @Test func sourceAndActorComeFromTheEnvironment() throws {
        let github = AuditContext.source(
            environment: ["GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_ID": "42"],
            host: "runner")
        #expect(github == AuditSource(host: "runner", ciProvider: "github", ciRunURL: "https://github.com/o/r/actions/runs/42", toolVersion: LadderVersion.current))
        let gitlab = AuditContext.source(environment: ["GITLAB_CI": "true", "CI_JOB_URL": "https://gitlab.com/g/p/-/jobs/7"], host: nil)
        #expect(gitlab.ciProvider == "gitlab")
        #expect(gitlab.ciRunURL == "https://gitlab.com/g/p/-/jobs/7")
        #expect(AuditContext.source(environment: [:], host: "laptop").ciProvider == nil)

        #expect(AuditContext.actor(explicit: nil, environment: ["GITHUB_ACTIONS": "true", "GITHUB_ACTOR": "octocat"]) == AuditActor(login: "octocat", kind: .ci))
        #expect(AuditContext.actor(explicit: nil, environment: ["GITLAB_CI": "true", "GITLAB_USER_LOGIN": "tanuki"]) == AuditActor(login: "tanuki", kind: .ci))
        #expect(AuditContext.actor(explicit: "release-bot", environment: ["GITHUB_ACTIONS": "true", "GITHUB_ACTOR": "x"]) == AuditActor(login: "release-bot", kind: .ci))
        let fixture = try FixtureRepository()
        let repository = try Repository.open(at: fixture.path)
        try repository.setConfigValue("user.name", "Carol")
        #expect(AuditContext.actor(explicit: nil, environment: ["USER": "carol"], repository: repository) == AuditActor(login: "Carol", kind: .human))
        #expect(AuditContext.actor(explicit: nil, environment: ["USER": "carol"]) == AuditActor(login: "carol", kind: .human))
    }
}

/// A tiny lock-protected box for collecting results from concurrent test code.
final class LockedBox<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
