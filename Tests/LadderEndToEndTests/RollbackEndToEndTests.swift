import Foundation
import LadderTestSupport
import Testing

@Suite struct RollbackEndToEndTests {
    static let now = ["--now", "2026-11-05T12:00:00Z"]

    /// Promotes dev → staging through the binary and merges the branch with a merge commit.
    static func promoteAndMerge(_ repo: FixtureRepository) throws -> String {
        let promote = try Run.ladder(["promote", "dev", "staging"] + now, in: repo.path)
        #expect(promote.status == 0, "\(promote.stderr)")
        let id = try repo.git("log", "-1", "--format=%(trailers:key=Ladder-Promotion,valueonly)", "ladder/promote/dev-to-staging")
        _ = try repo.git("merge", "--no-ff", "-q", "-m", "Merge pull request #3 from acme/ladder/promote/dev-to-staging", "ladder/promote/dev-to-staging")
        return id
    }

    @Test func rollbackThroughTheBinary() throws {
        let repo = try FixtureRepository.example()

        let nothing = try Run.ladder(["rollback", "staging"] + Self.now, in: repo.path)
        #expect(nothing.status == 0, "\(nothing.stderr)")
        #expect(nothing.stdout.contains("staging: nothing to roll back: no promotion into staging found"))
        #expect(try repo.git("branch", "--list", "ladder/rollback/*") == "")

        let id = try Self.promoteAndMerge(repo)
        let status = try repo.git("status", "--porcelain")

        let dry = try Run.ladder(["rollback", "staging", "--dry-run", "--json"] + Self.now, in: repo.path)
        #expect(dry.status == 0, "\(dry.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as! [String: Any]
        #expect(report["status"] as? String == "would_create")
        #expect(report["rollback_of"] as? String == id)
        #expect((report["payload"] as? [String: Any])?["head"] as? String == "ladder/rollback/staging/\(id)")
        #expect(try repo.git("branch", "--list", "ladder/rollback/*") == "")

        let scratch = ScratchDirectory("rollback-payload")
        let file = scratch.join("pr.json")
        let result = try Run.ladder(
            ["rollback", "staging", "--reason", "error rate above 5% after 1.5.0", "--payload", file, "--actor", "carol"] + Self.now,
            in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("staging: created ladder/rollback/staging/\(id)"))
        #expect(result.stdout.contains("payments: 1.5.0 → 1.4.0"))
        let payload = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
        #expect(payload["head"] as? String == "ladder/rollback/staging/\(id)")
        #expect(payload["base"] as? String == "main")
        #expect(payload["title"] as? String == "rollback(staging): undo \(id)")
        let body = payload["body"] as! String
        #expect(body.hasPrefix("<!-- ladder:rollback {"))
        #expect(body.contains("Rolls back promotion `\(id)` in `staging`"))
        #expect(body.contains("**Reason:** error rate above 5% after 1.5.0"))
        // The example's rollback rules: one approval from SRE or release.
        #expect(body.contains("1 approval from"))
        #expect(try repo.git("rev-parse", "ladder/rollback/staging/\(id):environments/staging") == repo.git("rev-parse", "main^1:environments/staging"))
        #expect(try repo.git("status", "--porcelain") == status)

        let again = try Run.ladder(["rollback", "staging", "--promotion", id] + Self.now, in: repo.path)
        #expect(again.status == 0)
        #expect(again.stdout.contains("up to date"))

        let gitlab = try Run.ladder(["rollback", "staging", "--to", "main~1", "--unit", "payments", "--json", "--forge", "gitlab"] + Self.now, in: repo.path)
        #expect(gitlab.status == 0, "\(gitlab.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(gitlab.stdout.utf8)) as! [String: Any]
        let start = try repo.git("rev-parse", "main~1")
        #expect(object["source_branch"] as? String == "ladder/rollback/staging/\(start.prefix(12)).payments")
        #expect(object["labels"] as? String == "rollback,env:staging")
        #expect(try repo.git("rev-parse", "ladder/rollback/staging/\(start.prefix(12)).payments:environments/staging/payments")
            == repo.git("rev-parse", "\(start):environments/staging/payments"))
    }

    /// `--push` publishes the rollback branch whenever it holds the rollback, as `promote` does:
    /// also when an earlier run wrote it without pushing and this run finds it up to date.
    @Test func pushPublishesTheBranchAlsoWhenUpToDate() throws {
        let repo = try FixtureRepository.example()
        let remote = ScratchDirectory("rollback-remote")
        try Run.git(["init", "-q", "--bare", remote.path], in: repo.path)
        try Run.git(["remote", "add", "origin", "file://" + remote.path], in: repo.path)
        let id = try Self.promoteAndMerge(repo)
        try Run.git(["push", "-q", "origin", "main"], in: repo.path)
        let branch = "ladder/rollback/staging/\(id)"
        func remoteRef(_ name: String) throws -> String? {
            let result = try Run.git(["rev-parse", "--verify", "-q", name], in: remote.path, check: false)
            return result.status == 0 ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
        }

        let dry = try Run.ladder(["rollback", "staging", "--dry-run", "--push", "origin"] + Self.now, in: repo.path)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(!dry.stdout.contains("pushed"))
        #expect(try remoteRef("refs/heads/\(branch)") == nil)

        let unpushed = try Run.ladder(["rollback", "staging"] + Self.now, in: repo.path)
        #expect(unpushed.status == 0, "\(unpushed.stderr)")
        #expect(unpushed.stdout.contains("staging: created \(branch)"))
        #expect(try remoteRef("refs/heads/\(branch)") == nil)
        let tip = try repo.git("rev-parse", branch)

        let pushed = try Run.ladder(["rollback", "staging", "--push", "origin"] + Self.now, in: repo.path)
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(pushed.stdout.contains("staging: up to date (\(branch) at \(tip.prefix(7)))"))
        #expect(pushed.stdout.contains("  pushed     origin \(branch)\n"))
        #expect(try remoteRef("refs/heads/\(branch)") == tip)
        #expect(try remoteRef("refs/ladder/audit") == repo.git("rev-parse", "refs/ladder/audit"))

        let again = try Run.ladder(["rollback", "staging", "--push", "origin"] + Self.now, in: repo.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("  pushed     origin \(branch) (already there)"))

        // A rollback written by this run is pushed too, with the same report line.
        let start = try repo.git("rev-parse", "main~1")
        let restore = "ladder/rollback/staging/\(start.prefix(12)).payments"
        let created = try Run.ladder(["rollback", "staging", "--to", "main~1", "--unit", "payments", "--push", "origin"] + Self.now, in: repo.path)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("staging: created \(restore)"))
        #expect(created.stdout.contains("  pushed     origin \(restore)\n"))
        #expect(try remoteRef("refs/heads/\(restore)") == repo.git("rev-parse", restore))
        #expect(try remoteRef("refs/ladder/audit") == repo.git("rev-parse", "refs/ladder/audit"))
    }

    @Test func exitCodes() throws {
        let repo = try FixtureRepository.example()
        let id = try Self.promoteAndMerge(repo)

        let unknown = try Run.ladder(["rollback", "staging", "--promotion", "nope"] + Self.now, in: repo.path)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("ladder: error: unknown promotion 'nope'"))
        #expect(unknown.stderr.contains("recent promotions into staging: \(id)"))

        let both = try Run.ladder(["rollback", "staging", "--promotion", id, "--to", "main~1"], in: repo.path)
        #expect(both.status == 2)

        let push = try Run.ladder(["rollback", "staging", "--push", "origin"] + Self.now, in: repo.path)
        #expect(push.status == 2)
        #expect(push.stderr.contains("no such remote"))

        let badEnvironment = try Run.ladder(["rollback", "qa"], in: repo.path)
        #expect(badEnvironment.status == 2)

        let features = "environments/staging/payments/features.yaml"
        let later = try repo.commit([features: "checkout:\n  oneClick: maybe\n"], "staging: hand edit")
        let conflict = try Run.ladder(["rollback", "staging"] + Self.now, in: repo.path)
        #expect(conflict.status == 1)
        #expect(conflict.stdout.contains("payments/features.yaml: later commits changed the same lines"))
        #expect(conflict.stdout.contains("\(later.prefix(7)) staging: hand edit"))
        #expect(conflict.stderr.contains("cannot roll back promotion \(id) in staging"))
        #expect(try repo.git("branch", "--list", "ladder/rollback/*") == "")

        let restored = try Run.ladder(["rollback", "staging", "--restore"] + Self.now, in: repo.path)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("payments/features.yaml (restored over later changes)"))
    }
}
