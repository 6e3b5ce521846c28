import Foundation
import LadderTestSupport
import Testing

@Suite struct AutoEndToEndTests {
    @Test func reportsAndPayloads() throws {
        let repo = try FixtureRepository.example()
        let scratch = ScratchDirectory("auto")
        let summary = scratch.join("summary.md")
        let payloads = scratch.join("payloads")
        let result = try Run.ladder(
            ["auto", "--payload-dir", payloads, "--now", "2026-11-24T10:00:00Z", "--json"], in: repo.path,
            environment: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let edges = report["edges"] as! [[String: Any]]
        #expect(edges.map { $0["result"] as? String } == ["promoted", "promoted"])
        #expect(FileManager.default.fileExists(atPath: payloads + "/dev-to-staging.json"))
        #expect(FileManager.default.fileExists(atPath: payloads + "/staging-to-prod.json"))
        #expect(result.stderr.contains("::notice::dev → staging"))
        #expect(try String(contentsOfFile: summary, encoding: .utf8).contains("| `dev` → `staging` | promoted |"))

        let again = try Run.ladder(["auto", "--now", "2026-11-24T11:00:00Z"], in: repo.path)
        #expect(again.status == 0)
        #expect(again.stdout.contains("up to date"))
    }

    /// `--dry-run` writes nothing: no payload directory, no payload file (also for edges whose
    /// branches an earlier run wrote, which a dry run finds up to date), no branch, no audit event.
    @Test func dryRunWithPayloadDirectoryWritesNothing() throws {
        let repo = try FixtureRepository.example()
        let scratch = ScratchDirectory("auto-dry-run")
        let payloads = scratch.join("payloads")
        let refs = try repo.git("for-each-ref")

        let dry = try Run.ladder(["auto", "--dry-run", "--payload-dir", payloads, "--now", "2026-11-24T10:00:00Z"], in: repo.path)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would promote"))
        #expect(!FileManager.default.fileExists(atPath: payloads))
        #expect(try repo.git("for-each-ref") == refs)

        let run = try Run.ladder(["auto", "--now", "2026-11-24T10:00:00Z"], in: repo.path)
        #expect(run.status == 0, "\(run.stderr)")
        let written = try repo.git("for-each-ref")
        #expect(written != refs)

        let upToDate = try Run.ladder(["auto", "--dry-run", "--payload-dir", payloads, "--json", "--now", "2026-11-24T11:00:00Z"], in: repo.path)
        #expect(upToDate.status == 0, "\(upToDate.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(upToDate.stdout.utf8)) as! [String: Any]
        let edges = report["edges"] as! [[String: Any]]
        #expect(edges.map { $0["result"] as? String } == ["up_to_date", "up_to_date"])
        #expect(edges.allSatisfy { $0["payload"] is NSNull })
        #expect(!FileManager.default.fileExists(atPath: payloads))

        try FileManager.default.createDirectory(atPath: payloads, withIntermediateDirectories: false)
        let existing = try Run.ladder(["auto", "--dry-run", "--payload-dir", payloads, "--now", "2026-11-24T11:00:00Z"], in: repo.path)
        #expect(existing.status == 0, "\(existing.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: payloads) == [])
        #expect(try repo.git("for-each-ref") == written)
    }

    /// A `--payload-dir` that cannot hold payload files is refused before anything is written, with
    /// and without `--dry-run`, with one error line naming the flag and the reason.
    @Test(arguments: [false, true]) func unusablePayloadDirectoryIsRefused(dryRun: Bool) throws {
        let repo = try FixtureRepository.example()
        let scratch = ScratchDirectory("auto-payload-dir")
        let file = scratch.join("payloads")
        try "not a directory\n".write(toFile: file, atomically: true, encoding: .utf8)
        let refs = try repo.git("for-each-ref")
        let cases = [
            (file, "exists and is not a directory"),
            (file + "/nested/deeper", "cannot create it: \(file) is not a directory"),
        ]
        for (directory, reason) in cases {
            let result = try Run.ladder(
                ["auto", "--payload-dir", directory, "--now", "2026-11-24T10:00:00Z"] + (dryRun ? ["--dry-run"] : []), in: repo.path)
            #expect(result.status == 2)
            #expect(result.stderr == "ladder: error: --payload-dir \(directory): \(reason)\n")
            #expect(result.stdout == "")
            #expect(try repo.git("for-each-ref") == refs)
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "not a directory\n")
    }

    /// `--push` reports each pushed branch under its edge with promote's line, and in the JSON
    /// report; a dry run pushes and reports nothing.
    @Test func pushReportsEachPushedBranch() throws {
        let repo = try FixtureRepository.example()
        let remote = ScratchDirectory("auto-remote")
        try Run.git(["init", "-q", "--bare", remote.path], in: repo.path)
        try Run.git(["remote", "add", "origin", "file://" + remote.path], in: repo.path)
        try Run.git(["push", "-q", "origin", "main"], in: repo.path)
        let now = ["--now", "2026-11-24T10:00:00Z"]
        let branches = ["dev → staging": "ladder/promote/dev-to-staging", "staging → prod": "ladder/promote/staging-to-prod"]
        /// The line printed right under the table row of `edge`.
        func lineUnder(_ edge: String, in result: RunResult) -> String? {
            let lines = result.stdoutLines
            guard let row = lines.firstIndex(where: { $0.hasPrefix(edge + " ") }), row + 1 < lines.count else { return nil }
            return lines[row + 1]
        }

        let dry = try Run.ladder(["auto", "--push", "origin", "--dry-run"] + now, in: repo.path)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(!dry.stdout.contains("pushed"))
        #expect(try Run.git(["for-each-ref", "refs/heads/ladder"], in: remote.path).stdout == "")

        let first = try Run.ladder(["auto", "--push", "origin"] + now, in: repo.path)
        #expect(first.status == 0, "\(first.stderr)")
        for (edge, branch) in branches {
            #expect(lineUnder(edge, in: first) == "  pushed     origin \(branch)")
            #expect(try Run.gitOutput(["rev-parse", branch], in: remote.path) == (try repo.git("rev-parse", branch)))
        }

        let again = try Run.ladder(["auto", "--push", "origin"] + now, in: repo.path)
        #expect(again.status == 0, "\(again.stderr)")
        for (edge, branch) in branches {
            #expect(lineUnder(edge, in: again) == "  pushed     origin \(branch) (already there)")
        }

        let json = try Run.ladder(["auto", "--push", "origin", "--json"] + now, in: repo.path)
        #expect(json.status == 0, "\(json.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let edges = report["edges"] as! [[String: Any]]
        #expect(edges.count == 2)
        for edge in edges {
            let pushed = edge["pushed"] as? [String: Any]
            #expect(pushed?["remote"] as? String == "origin")
            #expect(pushed?["already_there"] as? Bool == true)
        }
        let dryJSON = try Run.ladder(["auto", "--push", "origin", "--json", "--dry-run"] + now, in: repo.path)
        let dryEdges = (try JSONSerialization.jsonObject(with: Data(dryJSON.stdout.utf8)) as! [String: Any])["edges"] as! [[String: Any]]
        #expect(dryEdges.count == 2 && dryEdges.allSatisfy { $0["pushed"] is NSNull })
    }
}

@Suite struct GitLabOutputTests {
    @Test func collapsibleSectionsInGitLabCI() throws {
        let repo = try FixtureRepository.example()
        let result = try Run.ladder(["auto", "--now", "2026-11-24T10:00:00Z", "--dry-run"], in: repo.path, environment: ["GITLAB_CI": "true"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("section_start:"))
        #expect(result.stdout.contains("section_end:"))
        #expect(result.stdout.contains("would promote"))
    }
}
