import Foundation
import LadderTestSupport
import Testing

@Suite struct AuditWiringTests {
    func events(_ repo: FixtureRepository) throws -> [[String: Any]] {
        let log = try Run.git(["log", "--format=%B%x00", "refs/ladder/audit"], in: repo.path, check: false)
        guard log.status == 0 else { return [] }
        return log.stdout.split(separator: "\0").compactMap { chunk in
            let text = chunk.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        }.reversed()
    }

    @Test func commandsRecordTheirEvents() throws {
        let repo = try FixtureRepository.example()
        let now = ["--now", "2026-11-24T10:00:00Z"]
        #expect(try Run.ladder(["promote", "staging", "prod", "--actor", "alice"] + now, in: repo.path).status == 0)
        let branchHead = try repo.git("rev-parse", "ladder/promote/staging-to-prod")
        let scratch = ScratchDirectory("reviews")
        let reviews = scratch.join("reviews.json")
        try #"[{"user":"carol","state":"approved","commit":"\#(branchHead)","submitted_at":"2026-11-24T09:00:00Z"}]"#.write(toFile: reviews, atomically: true, encoding: .utf8)
        let check = try Run.ladder(["check", "--branch", "ladder/promote/staging-to-prod", "--reviews", reviews, "--author", "alice"] + now, in: repo.path)
        #expect(check.status == 1)
        #expect(try Run.ladder(["auto", "--actor", "ladder-bot"] + now, in: repo.path).status == 0)

        let recorded = try events(repo)
        let actions = recorded.map { $0["action"] as? String ?? "" }
        #expect(actions == ["promotion.created", "promotion.checked", "promotion.created", "auto.run"])
        let created = recorded[0]
        let transition = created["transition"] as! [String: Any]
        #expect(transition["to"] as? String == "prod")
        #expect(transition["branch"] as? String == "ladder/promote/staging-to-prod")
        #expect((created["actor"] as! [String: Any])["login"] as? String == "alice")
        let checked = recorded[1]
        #expect(checked["outcome"] as? String == "denied")
        let approvals = checked["approvals"] as! [[String: Any]]
        #expect(approvals.first?["login"] as? String == "carol")
        #expect(approvals.first?["counted"] as? Bool == true)
        let verify = try Run.ladder(["audit", "verify"], in: repo.path)
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test func breakGlassIsRecordedLoudly() throws {
        let repo = try FixtureRepository.example()
        // Saturday: prod's weekend freeze; carol (sre) may break glass.
        let result = try Run.ladder(["promote", "staging", "prod", "--actor", "carol", "--break-glass", "INC-42 outage", "--now", "2026-11-21T12:00:00Z"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try repo.git("log", "-1", "--format=%(trailers:key=Ladder-Break-Glass,valueonly)", "ladder/promote/staging-to-prod") == "INC-42 outage")
        let actions = try events(repo).map { $0["action"] as? String ?? "" }
        #expect(actions == ["promotion.created", "policy.bypassed"])
        let denied = try Run.ladder(["promote", "staging", "prod", "--actor", "bob", "--break-glass", "no", "--now", "2026-11-21T12:00:00Z", "--branch", "other"], in: repo.path)
        #expect(denied.status == 1)
    }

    @Test func pushWithLeaseToABareRemote() throws {
        let repo = try FixtureRepository.example()
        let remote = ScratchDirectory("remote")
        try Run.git(["init", "-q", "--bare", remote.path], in: repo.path)
        try Run.git(["remote", "add", "origin", "file://" + remote.path], in: repo.path)
        try Run.git(["push", "-q", "origin", "main"], in: repo.path)
        let now = ["--now", "2026-11-24T10:00:00Z"]
        let first = try Run.ladder(["promote", "dev", "staging", "--push", "origin"] + now, in: repo.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Run.gitOutput(["rev-parse", "ladder/promote/dev-to-staging"], in: remote.path) == (try repo.git("rev-parse", "ladder/promote/dev-to-staging")))
        #expect(try Run.gitOutput(["rev-parse", "refs/ladder/audit"], in: remote.path) == (try repo.git("rev-parse", "refs/ladder/audit")))

        // Someone adds a commit to the pull request branch on the remote: Ladder never overwrites it.
        let other = ScratchDirectory("other")
        try Run.git(["clone", "-q", "file://" + remote.path, other.path], in: repo.path)
        try Run.git(["checkout", "-q", "ladder/promote/dev-to-staging"], in: other.path)
        try "hand edit\n".write(toFile: other.join("environments/staging/web/notes.txt"), atomically: true, encoding: .utf8)
        try Run.git(["add", "-A"], in: other.path)
        try Run.git(["commit", "-q", "-m", "hand edit"], in: other.path)
        try Run.git(["push", "-q", "origin", "ladder/promote/dev-to-staging"], in: other.path)
        let remoteTip = try Run.gitOutput(["rev-parse", "ladder/promote/dev-to-staging"], in: remote.path)
        try repo.commit(["environments/dev/web/values.yaml": "image:\n  tag: \"4.2.0\"\n"], "dev: web 4.2.0", date: "2026-11-23T09:00:00Z")
        let second = try Run.ladder(["promote", "dev", "staging", "--push", "origin"] + now, in: repo.path)
        #expect(second.status == 3)
        #expect(second.stderr.contains("commits Ladder did not make"))
        #expect(try Run.gitOutput(["rev-parse", "ladder/promote/dev-to-staging"], in: remote.path) == remoteTip)
    }

    /// A push that succeeds reports the remote with any token in it masked, in promote, rollback and auto.
    @Test func pushedLinesMaskTokens() throws {
        let secret = "tok_SECRETVALUE12345"
        for command in [["promote", "dev", "staging"], ["rollback", "staging"], ["auto"]] {
            let repo = try FixtureRepository.example()
            let remote = ScratchDirectory("remote")
            let path = remote.join("\(secret).git")
            try Run.git(["init", "-q", "--bare", path], in: repo.path)
            try Run.git(["push", "-q", "file://" + path, "main"], in: repo.path)
            if command[0] == "rollback" {
                try repo.commit(
                    ["environments/staging/web/values.yaml": "image:\n  tag: \"4.9.0\"\n"],
                    "promote(staging): web from dev\n\nLadder-Promotion: 0123456789abcdef\nLadder-From: dev\nLadder-To: staging",
                    date: "2026-11-23T09:00:00Z")
            }
            let result = try Run.ladder(
                command + ["--push", "file://" + path, "--now", "2026-11-24T10:00:00Z"], in: repo.path, environment: ["GITHUB_TOKEN": secret])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(result.stdout.contains("  pushed     file://\(remote.path)/***.git "), "\(command): \(result.stdout)")
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(command)")
        }
    }

    @Test func tokensNeverAppearInOutput() throws {
        let repo = try FixtureRepository.example()
        let secret = "ghp_SUPERSECRETTOKEN1234567890"
        let result = try Run.ladder(
            ["promote", "dev", "staging", "--push", "https://x-access-token:\(secret)@127.0.0.1:1/repo.git", "--now", "2026-11-24T10:00:00Z"],
            in: repo.path, environment: ["GITHUB_TOKEN": secret, "GITHUB_ACTIONS": "true"])
        #expect(result.status == 3)
        #expect(!result.stdout.contains(secret))
        #expect(!result.stderr.contains(secret))
        let log = try Run.git(["log", "--format=%B", "--all"], in: repo.path).stdout
        #expect(!log.contains(secret))
    }
}
