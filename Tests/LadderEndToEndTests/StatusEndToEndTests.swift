import Foundation
import LadderTestSupport
import Testing

@Suite struct StatusEndToEndTests {
    /// The unit-content cache is written by a plain run and left alone with --no-cache.
    @Test func noCacheLeavesNoCache() throws {
        let repo = try FixtureRepository.example()
        let cacheFile = repo.path + "/.git/ladder/unit-contents"
        let uncached = try Run.ladder(["status", "--no-cache", "--json"], in: repo.path)
        #expect(uncached.status == 0, "\(uncached.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cacheFile))
        let cached = try Run.ladder(["status", "--json"], in: repo.path)
        #expect(cached.stdout == uncached.stdout)
        #expect(FileManager.default.fileExists(atPath: cacheFile))
        #expect(try Run.ladder(["status", "--json"], in: repo.path).stdout == uncached.stdout)
    }

    @Test func statusTextAndJSON() throws {
        let repo = try FixtureRepository.example()
        let text = try Run.ladder(["status"], in: repo.path)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stderr == "")
        #expect(text.stdout.contains("payments  1.5.0  1.4.0 *  1.4.0"))
        #expect(text.stdout.contains("orders    2.3.1  2.3.1    2.2.0 *"))

        let json = try Run.ladder(["status", "--format", "json"], in: repo.path)
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(object["commit"] as? String == (try repo.head()))
        #expect(object["environments"] as? [String] == ["dev", "staging", "prod"])
        let units = object["units"] as! [[String: Any]]
        let payments = units.first { $0["unit"] as? String == "payments" }!
        let environments = payments["environments"] as! [String: [String: Any]]
        #expect(environments["staging"]?["matches_source"] as? Bool == false)
        #expect(environments["staging"]?["source"] as? String == "dev")
        #expect(environments["dev"]?["matches_source"] is NSNull)
        #expect((object["pending"] as? [Any])?.isEmpty == true)
    }

    @Test func statusInABareCloneWithGlobalOptionsFirst() throws {
        let repo = try FixtureRepository.example()
        let bare = ScratchDirectory("bare")
        try Run.git(["clone", "-q", "--bare", repo.path, bare.path], in: repo.path)
        let elsewhere = ScratchDirectory("cwd")
        let result = try Run.ladder(["-C", bare.path, "--json", "status", "--unit", "web"], in: elsewhere.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"unit\": \"web\""))
        #expect(!result.stdout.contains("\"unit\": \"payments\""))
        let after = try Run.ladder(["status", "-C", bare.path, "-q"], in: elsewhere.path)
        #expect(after.status == 0)
    }

    @Test func errorsHaveOneLineAndExitCodes() throws {
        let repo = try FixtureRepository.example()
        let outside = ScratchDirectory("outside")
        let notRepo = try Run.ladder(["status"], in: outside.path)
        #expect(notRepo.status == 3)
        #expect(notRepo.stderr.hasPrefix("ladder: error: not a git repository"))
        #expect(notRepo.stdout == "")

        let unknownUnit = try Run.ladder(["status", "--unit", "paymnts"], in: repo.path)
        #expect(unknownUnit.status == 2)
        #expect(unknownUnit.stderr == "ladder: error: unknown unit 'paymnts' in environment 'dev/staging/prod'\nhint: did you mean 'payments'?\n")

        let usage = try Run.ladder(["status", "--bogus"], in: repo.path)
        #expect(usage.status == 2)
        #expect(usage.stderr.hasPrefix("ladder: error: unknown option '--bogus'"))

        let conflicting = try Run.ladder(["status", "--json", "--format", "markdown"], in: repo.path)
        #expect(conflicting.status == 2)

        try repo.commit(["ladder.yaml": "version: 1\nenvironmnets: []\n"], "break the config")
        let badConfig = try Run.ladder(["status"], in: repo.path)
        #expect(badConfig.status == 2)
        #expect(badConfig.stderr == "ladder: error: ladder.yaml@main:2:1: unknown key 'environmnets' (did you mean 'environments'?)\n")

        let empty = try FixtureRepository()
        let emptyResult = try Run.ladder(["status"], in: empty.path)
        #expect(emptyResult.status == 3)
        #expect(emptyResult.stderr.contains("no commits yet"))
    }

    @Test func configFlagOverridesTheCommittedFile() throws {
        let repo = try FixtureRepository.example()
        let override = ScratchDirectory("cfg")
        let file = override.join("two.yaml")
        try "version: 1\nenvironments:\n  - {name: dev, path: environments/dev}\n  - {name: prod, path: environments/prod}\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = try Run.ladder(["--config", file, "status", "--json"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"prod\""))
        #expect(!result.stdout.contains("\"staging\""))
    }

    @Test func helpAndVersion() throws {
        let scratch = ScratchDirectory("help")
        let version = try Run.ladder(["--version"], in: scratch.path)
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("ladder "))
        let help = try Run.ladder(["status", "--help"], in: scratch.path)
        #expect(help.status == 0)
        #expect(help.stdout.contains("--unit"))
        #expect(help.stdout.contains("Examples:"))
        let completion = try Run.ladder(["--generate-completion-script", "bash"], in: scratch.path)
        #expect(completion.status == 0)
        #expect(completion.stdout.contains("status"))
    }

    @Test func markdownReportAndStepSummary() throws {
        let repo = try FixtureRepository.example()
        let scratch = ScratchDirectory("summary")
        let summary = scratch.join("summary.md")
        let result = try Run.ladder(["status"], in: repo.path, environment: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary])
        #expect(result.status == 0)
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(markdown.contains("| payments | `1.5.0` | `1.4.0` ⚠️ behind dev | `1.4.0` |"))
    }
}
