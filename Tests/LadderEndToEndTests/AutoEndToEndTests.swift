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
