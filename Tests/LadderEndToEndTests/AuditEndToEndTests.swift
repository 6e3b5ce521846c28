import Foundation
import LadderCore
import LadderGit
import LadderTestSupport
import Testing

/// Runs the built `ladder audit ...` against scratch repositories.
@Suite struct AuditEndToEndTests {
    /// The example monorepo with `count` audit events appended through the library.
    func repository(events count: Int) throws -> FixtureRepository {
        let repo = try FixtureRepository.example()
        let log = AuditLog(repository: try Repository.open(at: repo.path), scrubber: AuditSecretScrubber())
        for number in 0..<count {
            try log.append(
                AuditEventBody(
                    action: .promotionCreated, outcome: .allowed, actor: AuditActor(login: "alice", kind: .human),
                    source: AuditSource(host: "test", ciProvider: nil, ciRunURL: nil, toolVersion: "0.1.0"),
                    at: Date(timeIntervalSince1970: 1_790_000_000 + Double(number) * 60),
                    transition: AuditTransition(from: "dev", to: "staging", changedPaths: ["environments/staging/web/values.yaml"])))
        }
        return repo
    }

    func ids(_ repo: FixtureRepository) throws -> [String] {
        try repo.git("rev-list", "--reverse", AuditLog.referenceName).split(separator: "\n").map(String.init)
    }

    /// Rewrites the audit ref as a linear chain of the given messages, with git alone.
    func rewrite(_ repo: FixtureRepository, _ messages: [String]) throws {
        let tree = try repo.git("hash-object", "-t", "tree", "-w", "--stdin")
        var parent: String?
        for (index, message) in messages.enumerated() {
            let file = repo.scratch.join(".message-\(index)")
            try message.write(toFile: file, atomically: true, encoding: .utf8)
            parent = try Run.gitOutput(["commit-tree", tree] + (parent.map { ["-p", $0] } ?? []) + ["-F", file], in: repo.path)
        }
        try Run.git(["update-ref", AuditLog.referenceName, parent!], in: repo.path)
    }

    func message(_ repo: FixtureRepository, _ commit: String) throws -> String {
        let raw = try Run.git(["cat-file", "commit", commit], in: repo.path).stdout
        return String(raw[raw.range(of: "\n\n")!.upperBound...])
    }

    @Test func verifyReportsTheFirstEditedEventBySeqAndID() throws {
        let repo = try repository(events: 5)
        let intact = try Run.ladder(["audit", "verify"], in: repo.path)
        #expect(intact.status == 0, "\(intact.stderr)")
        #expect(intact.stdout.hasPrefix("audit log intact: 5 events, tip #5 "))

        let commits = try ids(repo)
        var messages = try commits.map { try message(repo, $0) }
        let edited = try AuditEvent.parse(commitMessage: messages[2])
        messages[2] = messages[2].replacingOccurrences(of: "\"login\":\"alice\"", with: "\"login\":\"mallory\"")
        try rewrite(repo, messages)
        let broken = try Run.ladder(["audit", "verify"], in: repo.path)
        #expect(broken.status == 1)
        #expect(broken.stdout == "")
        #expect(broken.stderr.hasPrefix("ladder: error: audit log fails verification at event 3 (\(edited.id)): hash mismatch"))
    }

    @Test func exportDigestCatchesAModifiedFileAndATruncatedChain() throws {
        let repo = try repository(events: 6)
        let out = ScratchDirectory("out")
        let export = try Run.ladder(["audit", "export", "--format", "csv", "-o", out.join("audit.csv")], in: repo.path)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("exported"))
        let digest = out.join("audit.csv.sha256")
        #expect(try Run.ladder(["audit", "verify", "--digest", digest], in: repo.path).status == 0)

        // Truncate the chain behind the export's back: caught by the digest only.
        let commits = try ids(repo)
        try Run.git(["update-ref", AuditLog.referenceName, commits[3]], in: repo.path)
        #expect(try Run.ladder(["audit", "verify"], in: repo.path).status == 0)
        let truncated = try Run.ladder(["audit", "verify", "--digest", digest], in: repo.path)
        #expect(truncated.status == 1)
        #expect(truncated.stderr.contains("chain truncated: 6 events recorded, 4 present"), "\(truncated.stderr)")
        try Run.git(["update-ref", AuditLog.referenceName, commits[5]], in: repo.path)

        // Modify one byte of the export.
        var csv = try String(contentsOfFile: out.join("audit.csv"), encoding: .utf8)
        csv = csv.replacingOccurrences(of: "alice", with: "alicf")
        try csv.write(toFile: out.join("audit.csv"), atomically: true, encoding: .utf8)
        let modified = try Run.ladder(["audit", "verify", "--digest", digest], in: repo.path)
        #expect(modified.status == 1)
        #expect(modified.stderr.contains("export file was modified"))
    }

    @Test func exportToStdoutFiltersAndRejectsBadOptions() throws {
        let repo = try repository(events: 3)
        let events = try Run.ladder(["audit", "export", "--action", "promotion.created"], in: repo.path)
        #expect(events.status == 0, "\(events.stderr)")
        let lines = events.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(object["record"] as? String == "event")
        }
        let history = try Run.ladder(["audit", "export", "--env", "prod", "--format", "json"], in: repo.path)
        let rows = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as! [[String: Any]]
        #expect(rows.count == 1)
        #expect(rows.first?["approval_evidence"] as? String == "missing")
        #expect(try Run.ladder(["audit", "export", "--action", "bogus"], in: repo.path).status == 2)
        #expect(try Run.ladder(["audit", "export", "--since", "yesterday"], in: repo.path).status == 2)
        #expect(try Run.ladder(["audit", "export", "--env", "qa"], in: repo.path).status == 2)
    }

    @Test func keygenCheckpointAndTrustedKeyCatchAFullRewrite() throws {
        let repo = try repository(events: 4)
        let keys = ScratchDirectory("keys")
        let keygen = try Run.ladder(["audit", "keygen", "--name", "example.com/audit", "-o", keys.join("audit.key")], in: repo.path)
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let verifier = keygen.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(verifier.hasPrefix("example.com/audit+"))
        let attributes = try FileManager.default.attributesOfItem(atPath: keys.join("audit.key"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(!keygen.stdout.contains("PRIVATE"))
        #expect(try Run.ladder(["audit", "keygen", "-o", keys.join("audit.key")], in: repo.path).status != 0)

        let checkpoint = try Run.ladder(["audit", "checkpoint", "--key", keys.join("audit.key")], in: repo.path)
        #expect(checkpoint.status == 0, "\(checkpoint.stderr)")
        let trusted = try Run.ladder(["audit", "verify", "--trusted-key", verifier], in: repo.path)
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(trusted.stdout.contains("checkpoints: 1"))
        #expect(try Run.ladder(["audit", "verify", "--trusted-key", keys.join("audit.key.pub")], in: repo.path).status == 0)

        // Rewrite everything with valid hashes: only the checkpoint notices.
        var previous: AuditEvent?
        var forged: [String] = []
        for commit in try ids(repo) {
            var body = try AuditEvent.parse(commitMessage: try message(repo, commit)).body
            body.actor.login = "mallory"
            let event = try AuditEvent.seal(body, after: previous, scrubber: AuditSecretScrubber())
            forged.append(event.commitMessage)
            previous = event
        }
        try rewrite(repo, forged)
        #expect(try Run.ladder(["audit", "verify"], in: repo.path).status == 0)
        let caught = try Run.ladder(["audit", "verify", "--trusted-key", verifier], in: repo.path)
        #expect(caught.status == 1)
        #expect(caught.stderr.contains("rewritten"), "\(caught.stderr)")
        // Deleting the checkpoints does not help either.
        try Run.git(["update-ref", "-d", AuditLog.checkpointsReferenceName], in: repo.path)
        let deleted = try Run.ladder(["audit", "verify", "--trusted-key", verifier], in: repo.path)
        #expect(deleted.status == 1)
        #expect(deleted.stderr.contains("no checkpoint signed by a trusted key"))
    }

    @Test func concurrentCheckpointProcessesLoseNothing() throws {
        let repo = try repository(events: 2)
        let keys = ScratchDirectory("keys")
        #expect(try Run.ladder(["audit", "keygen", "-o", keys.join("k")], in: repo.path).status == 0)
        let processes = 8
        let rounds = 5
        let statuses = LockedResults()
        DispatchQueue.concurrentPerform(iterations: processes) { _ in
            for _ in 0..<rounds {
                let result = try? Run.ladder(["audit", "checkpoint", "--key", keys.join("k")], in: repo.path)
                statuses.append(result.map { "\($0.status) \($0.stderr)" } ?? "did not run")
            }
        }
        #expect(statuses.values.filter { $0 != "0 " } == [])
        // Two processes signing the same tip in the same second write the very same commit
        // (Ed25519 signatures are deterministic), which is stored once: nothing distinct is lost.
        let stored = try repo.git("rev-list", "--count", AuditLog.checkpointsReferenceName)
        #expect(Int(stored)! >= 1 && Int(stored)! <= processes * rounds)
        let verify = try Run.ladder(["audit", "verify", "--trusted-key", keys.join("k.pub")], in: repo.path)
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("checkpoints: \(stored) "))
    }

    @Test func pushJoinsTwoClonesAndNeverPrintsATokenOnFailure() throws {
        let first = try repository(events: 2)
        let remote = ScratchDirectory("remote")
        let bare = remote.join("repo.git")
        try Run.git(["clone", "-q", "--bare", first.path, bare], in: remote.path)
        _ = try first.git("remote", "add", "origin", bare)
        let pushed = try Run.ladder(["audit", "push", "origin"], in: first.path)
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(pushed.stdout.contains("published"))

        let second = ScratchDirectory("second")
        try Run.git(["clone", "-q", bare, second.path], in: remote.path)
        try Run.git(["fetch", "-q", "origin", "\(AuditLog.referenceName):\(AuditLog.referenceName)"], in: second.path)
        let secondLog = AuditLog(repository: try Repository.open(at: second.path), scrubber: AuditSecretScrubber())
        let source = AuditSource(host: nil, ciProvider: nil, ciRunURL: nil, toolVersion: "0.1.0")
        try secondLog.append(AuditEventBody(action: .autoRun, outcome: .allowed, actor: AuditActor(login: "bot", kind: .ci), source: source, at: Date()))
        let firstLog = AuditLog(repository: try Repository.open(at: first.path), scrubber: AuditSecretScrubber())
        try firstLog.append(AuditEventBody(action: .autoRun, outcome: .denied, actor: AuditActor(login: "bob", kind: .human), source: source, at: Date()))
        #expect(try Run.ladder(["audit", "push", "origin"], in: first.path).status == 0)
        let joined = try Run.ladder(["audit", "push", "origin", "--json"], in: second.path)
        #expect(joined.status == 0, "\(joined.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(joined.stdout.utf8)) as! [String: Any]
        #expect((report["events"] as? [String: Any])?["outcome"] as? String == "joined")
        let verify = try Run.ladder(["-C", bare, "audit", "verify"], in: remote.path)
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("5 events"))

        let secret = "SECRET-\(UUID().uuidString)"
        let failing = try Run.ladder(
            ["audit", "push", "https://x-access-token:\(secret)@127.0.0.1:1/repo.git"], in: first.path,
            environment: ["LADDER_GIT_TOKEN": "tok-\(secret)", "GITHUB_ACTIONS": "true"])
        #expect(failing.status == 3)
        #expect(failing.stderr.hasPrefix("ladder: error: "))
        #expect(!failing.stdout.contains("SECRET"))
        #expect(!failing.stderr.contains("SECRET"))
    }
}

final class LockedResults: @unchecked Sendable {
    private var items: [String] = []
    private let lock = NSLock()
    func append(_ item: String) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }
    var values: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
