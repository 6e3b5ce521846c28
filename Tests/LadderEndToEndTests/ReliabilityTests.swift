import Foundation
import LadderTestSupport
import Testing

@Suite(.serialized) struct ReliabilityTests {
    /// `ladder promote` killed with SIGKILL at random moments leaves the repository consistent:
    /// `git fsck` is clean, the branch is either absent or a complete promotion, and a re-run completes.
    @Test func promoteSurvivesSIGKILL() throws {
        let repo = try FixtureRepository.example()
        var generator = SystemRandomNumberGenerator()
        let arguments = ["promote", "dev", "staging", "--now", "2026-11-05T12:00:00Z"]
        for round in 0..<25 {
            let process = try Run.startLadder(arguments, in: repo.path)
            usleep(UInt32.random(in: 0...40_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let fsck = try Run.git(["fsck", "--full", "--no-dangling"], in: repo.path, check: false)
            #expect(fsck.status == 0, "round \(round): \(fsck.stderr)")
            let branch = try Run.git(["rev-parse", "--verify", "-q", "refs/heads/ladder/promote/dev-to-staging"], in: repo.path, check: false)
            if branch.status == 0 {
                // Whatever is there is a whole promotion commit with its trailers.
                let trailers = try repo.git("log", "-1", "--format=%(trailers:key=Ladder-To,valueonly)", "ladder/promote/dev-to-staging")
                #expect(trailers == "staging", "round \(round)")
                try Run.git(["branch", "-D", "-q", "ladder/promote/dev-to-staging"], in: repo.path)
            }
        }
        let rerun = try Run.ladder(arguments, in: repo.path)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("created"))
        #expect(try repo.git("status", "--porcelain") == "")
        let verify = try Run.ladder(["audit", "verify"], in: repo.path)
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    /// `ladder rollback` and audit appends (`ladder check` records an event) killed at random
    /// moments: fsck clean, refs whole, the audit chain verifies, a re-run completes.
    @Test func rollbackAndAuditAppendSurviveSIGKILL() throws {
        let repo = try FixtureRepository.example()
        #expect(try Run.ladder(["promote", "dev", "staging", "--now", "2026-11-05T12:00:00Z"], in: repo.path).status == 0)
        try Run.git(["merge", "-q", "--ff-only", "ladder/promote/dev-to-staging"], in: repo.path)
        var generator = SystemRandomNumberGenerator()
        let rollback = ["rollback", "staging", "--now", "2026-11-06T12:00:00Z"]
        let check = ["check", "--branch", "ladder/promote/dev-to-staging", "--now", "2026-11-06T12:00:00Z"]
        for round in 0..<30 {
            let arguments = round % 2 == 0 ? rollback : check
            let process = try Run.startLadder(arguments, in: repo.path)
            usleep(UInt32.random(in: 0...40_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let fsck = try Run.git(["fsck", "--full", "--no-dangling"], in: repo.path, check: false)
            #expect(fsck.status == 0, "round \(round): \(fsck.stderr)")
            let verify = try Run.ladder(["audit", "verify"], in: repo.path)
            #expect(verify.status == 0, "round \(round): \(verify.stderr)")
            for branch in try repo.git("for-each-ref", "--format=%(refname:short)", "refs/heads/ladder/rollback/").split(separator: "\n") {
                #expect(try repo.git("log", "-1", "--format=%(trailers:key=Ladder-Rollback-Of,valueonly)", String(branch)) != "", "round \(round)")
                try Run.git(["branch", "-D", "-q", String(branch)], in: repo.path)
            }
        }
        let rerun = try Run.ladder(rollback, in: repo.path)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("created"))
    }

    /// Parallel promotions of the same edge and of different edges: no lost update, no corruption;
    /// a loser either finds the work done ("up to date") or reports the moved branch with exit 3.
    @Test func concurrentPromotions() throws {
        let repo = try FixtureRepository.example()
        let now = ["--now", "2026-11-05T12:00:00Z", "--actor", "alice"]
        var processes: [Foundation.Process] = []
        for index in 0..<6 {
            let edge = index % 2 == 0 ? ["dev", "staging"] : ["staging", "prod"]
            processes.append(try Run.startLadder(["promote"] + edge + now, in: repo.path))
        }
        for process in processes { process.waitUntilExit() }
        let statuses = processes.map(\.terminationStatus)
        #expect(statuses.allSatisfy { $0 == 0 || $0 == 3 }, "\(statuses)")
        #expect(try Run.git(["fsck", "--full", "--no-dangling"], in: repo.path, check: false).status == 0)
        for (branch, target) in [("ladder/promote/dev-to-staging", "staging"), ("ladder/promote/staging-to-prod", "prod")] {
            #expect(try repo.git("log", "-1", "--format=%(trailers:key=Ladder-To,valueonly)", branch) == target)
        }
        let again = try Run.ladder(["promote", "dev", "staging"] + now, in: repo.path)
        #expect(again.stdout.contains("up to date"))
    }

    /// Ladder never spawns git: it runs with no git on PATH.
    @Test func runsWithoutGitOnPath() throws {
        let repo = try FixtureRepository.example()
        let empty = ScratchDirectory("nopath")
        let result = try Run.ladder(["promote", "dev", "staging", "--now", "2026-11-05T12:00:00Z"], in: repo.path, environment: ["PATH": empty.path])
        #expect(result.status == 0, "\(result.stderr)")
        let status = try Run.ladder(["status", "--json"], in: repo.path, environment: ["PATH": empty.path])
        #expect(status.status == 0)
    }

    /// Hostile configuration is refused with one clear line and nothing written.
    @Test(arguments: [
        ("environments:\n  - {name: dev, path: ../outside}\n", "must not contain '..'"),
        ("environments:\n  - {name: dev, path: /etc}\n", "must be relative"),
        ("environments:\n  - {name: dev, path: .git}\n", "points into .git"),
        ("environments:\n  - {name: 'Dev Env', path: x}\n", "invalid environment name"),
    ])
    func hostileConfiguration(_ body: String, _ message: String) throws {
        let repo = try FixtureRepository()
        try repo.commit(["ladder.yaml": "version: 1\n" + body, "x/a.txt": "a\n"], "hostile")
        let result = try Run.ladder(["promote", "dev", "staging"], in: repo.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count <= 2)
        #expect(try repo.git("for-each-ref", "refs/heads/ladder") == "")
    }

    @Test func escapingSymlinkIsRefusedForPromotionAndReportedInDiff() throws {
        let repo = try FixtureRepository.example()
        try FileManager.default.createSymbolicLink(atPath: repo.scratch.join("environments/dev/web/passwd"), withDestinationPath: "../../../../etc/passwd")
        try repo.commit("a link out of dev")
        let diff = try Run.ladder(["diff", "dev", "staging", "--unit", "web"], in: repo.path)
        #expect(diff.stdout.contains("points outside the environment"))
        let promote = try Run.ladder(["promote", "dev", "staging", "--now", "2026-11-05T12:00:00Z"], in: repo.path)
        #expect(promote.status == 2)
        #expect(promote.stderr.contains("refusing to promote web/passwd"))
        #expect(try repo.git("for-each-ref", "refs/heads/ladder") == "")
    }

    @Test func oddRepositories() throws {
        // Detached HEAD and a shallow clone work; an empty repository is a clear error.
        let repo = try FixtureRepository.example()
        try repo.commit(["environments/dev/web/values.yaml": "image:\n  tag: \"5.0.0\"\n"], "dev: web 5")
        try Run.git(["checkout", "-q", "--detach", "HEAD~1"], in: repo.path)
        let detached = try Run.ladder(["status", "--json"], in: repo.path)
        #expect(detached.status == 0, "\(detached.stderr)")
        #expect(detached.stdout.contains("5.0.0"))  // the trunk tip, not the detached HEAD

        try Run.git(["checkout", "-q", "main"], in: repo.path)
        let shallow = ScratchDirectory("shallow")
        try Run.git(["clone", "-q", "--depth", "1", "file://" + repo.path, shallow.path], in: repo.path)
        let shallowStatus = try Run.ladder(["status"], in: shallow.path)
        #expect(shallowStatus.status == 0, "\(shallowStatus.stderr)")
    }
}

@Suite struct HostileRepositoryTests {
    @Test func missingObjectsAreARepositoryError() throws {
        let repo = try FixtureRepository.example()
        let blob = try repo.git("rev-parse", "HEAD:environments/dev/payments/values.yaml")
        let path = repo.scratch.join(".git/objects/\(blob.prefix(2))/\(blob.dropFirst(2))")
        try FileManager.default.removeItem(atPath: path)
        let result = try Run.ladder(["promote", "dev", "staging", "--now", "2026-11-05T12:00:00Z"], in: repo.path)
        #expect(result.status == 3)
        #expect(result.stderr.hasPrefix("ladder: error: "))
        #expect(result.stderr.contains(String(blob.prefix(7))))
        #expect(try repo.git("for-each-ref", "refs/heads/ladder") == "")
    }

    @Test func oddFileNamesEndToEnd() throws {
        let repo = try FixtureRepository.example()
        let names = ["web/with space.yaml", "web/quote\"d.yaml", "web/new\nline.yaml", "web/ünï.yaml"]
        for name in names {
            try repo.write(["environments/dev/" + name: "k: 1\n"])
        }
        try repo.commit("odd names in dev")
        let diff = try Run.ladder(["diff", "dev", "staging", "--unit", "web", "--json"], in: repo.path)
        #expect(diff.status == 0, "\(diff.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as! [String: Any]
        let paths = (object["changes"] as! [[String: Any]]).compactMap { $0["path"] as? String }
        for name in names { #expect(paths.contains(name), "\(name)") }
        let promote = try Run.ladder(["promote", "dev", "staging", "--now", "2026-11-05T12:00:00Z"], in: repo.path)
        #expect(promote.status == 0, "\(promote.stderr)")
        let listing = try Run.git(["ls-tree", "-r", "-z", "--name-only", "ladder/promote/dev-to-staging", "environments/staging/web"], in: repo.path).stdout
        for name in names { #expect(listing.split(separator: "\0").contains { $0 == "environments/staging/" + name }, "\(name)") }
        let text = try Run.ladder(["diff", "dev", "staging", "--unit", "web", "--name-only"], in: repo.path)
        #expect(text.stdout.contains("web/new\\nline.yaml"))
    }
}
