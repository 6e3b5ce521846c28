import Foundation
import LadderTestSupport
import Testing

@Suite struct InitEndToEndTests {
    /// The bundled example without its configuration: what a team has before adopting Ladder.
    static func exampleWithoutConfig() throws -> FixtureRepository {
        let repo = try FixtureRepository()
        for item in ["templates", "environments"] {
            try FileManager.default.copyItem(
                atPath: (FixtureRepository.projectRoot as NSString).appendingPathComponent(item), toPath: repo.scratch.join(item))
        }
        try repo.commit("Environments")
        return repo
    }

    static func read(_ repo: FixtureRepository, _ path: String) -> String? {
        FileManager.default.contents(atPath: repo.scratch.join(path)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func initThenStatusOnTheExampleLayout() throws {
        let repo = try Self.exampleWithoutConfig()
        let result = try Run.ladder(["init", "--ci", "github"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "")
        #expect(result.stdout.hasPrefix("Detected environment directories in environments/ (base in templates/): dev → staging → prod (unit_depth 1, trunk main, forge github)"))
        #expect(result.stdout.contains("wrote ladder.yaml  (layout and promotion rules)"))
        #expect(result.stdout.contains("wrote ladder-policy.yaml  (starter policy)"))
        #expect(result.stdout.contains("wrote .github/workflows/ladder.yml"))
        #expect(result.stdout.contains("ladder policy validate"))
        #expect(result.stdout.contains("ladder status"))
        #expect(Self.read(repo, ".github/workflows/ladder.yml")?.contains("ladder auto --push origin") == true)

        // Nothing is staged or committed by init itself.
        #expect(try repo.git("status", "--porcelain").split(separator: "\n").sorted() == ["?? .github/", "?? ladder-policy.yaml", "?? ladder.yaml"])
        try repo.commit("Set up Ladder")
        let status = try Run.ladder(["status"], in: repo.path)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("payments  1.5.0  1.4.0 *  1.4.0"))
        let validate = try Run.ladder(["policy", "validate"], in: repo.path)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout == "ok\n")
        let plan = try Run.ladder(["plan", "dev", "staging"], in: repo.path)
        #expect(plan.status == 0, "\(plan.stderr)")
    }

    @Test func kustomizeOverlaysEndToEnd() throws {
        let repo = try FixtureRepository()
        try repo.commit([
            "base/kustomization.yaml": "resources: [deployment.yaml]\n",
            "base/deployment.yaml": "kind: Deployment\n",
            "overlays/dev/kustomization.yaml": "resources: [../../base]\nimages:\n  - name: app\n    newTag: 1.3.0\n",
            "overlays/staging/kustomization.yaml": "resources: [../../base]\nimages:\n  - name: app\n    newTag: 1.2.0\n",
            "overlays/prod/kustomization.yaml": "resources: [../../base]\nimages:\n  - name: app\n    newTag: 1.1.0\n",
        ], "Kustomize app")
        _ = try repo.git("remote", "add", "origin", "git@gitlab.example.com:team/app.git")
        let result = try Run.ladder(["init", "--ci", "gitlab"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        let config = try #require(Self.read(repo, "ladder.yaml"))
        #expect(config.contains("\nforge: gitlab"))
        #expect(config.contains("\nunit_depth: 0"))
        #expect(config.contains("\nbase: base"))
        #expect(Self.read(repo, ".gitlab/ladder.yml") != nil)
        #expect(Self.read(repo, ".gitlab-ci.yml")?.contains("- local: .gitlab/ladder.yml") == true)
        try repo.commit("Set up Ladder")
        let status = try Run.ladder(["status", "--json"], in: repo.path)
        #expect(status.status == 0, "\(status.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(object["environments"] as? [String] == ["dev", "staging", "prod"])
        let diff = try Run.ladder(["diff", "dev", "staging"], in: repo.path)
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("kustomization.yaml"))
    }

    @Test func existingGitLabPipelineIsLeftAlone() throws {
        let repo = try Self.exampleWithoutConfig()
        try repo.write([".gitlab-ci.yml": "build:\n  script: [make]\n"])
        let result = try Run.ladder(["init", "--ci", "gitlab", "--force"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.read(repo, ".gitlab-ci.yml") == "build:\n  script: [make]\n")
        #expect(result.stdout.contains("add to .gitlab-ci.yml: include: [{local: .gitlab/ladder.yml}]"))
    }

    @Test func refusesToOverwriteWithoutForce() throws {
        let repo = try Self.exampleWithoutConfig()
        try repo.write(["ladder-policy.yaml": "mine\n", ".github/workflows/ladder.yml": "mine too\n"])
        let refused = try Run.ladder(["init", "--ci", "github"], in: repo.path)
        #expect(refused.status == 2)
        #expect(refused.stdout == "")
        #expect(refused.stderr.hasPrefix("ladder: error: would overwrite ladder-policy.yaml, .github/workflows/ladder.yml; nothing written\nhint: pass --force"))
        #expect(Self.read(repo, "ladder.yaml") == nil)
        #expect(Self.read(repo, "ladder-policy.yaml") == "mine\n")

        let dryRun = try Run.ladder(["init", "--ci", "github", "--dry-run"], in: repo.path)
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("--- ladder-policy.yaml (starter policy, replaces the existing file)"))
        #expect(dryRun.stdout.contains("--- ladder.yaml (layout and promotion rules)\n# Ladder configuration"))
        #expect(dryRun.stdout.hasSuffix("dry run: nothing written\n"))
        #expect(Self.read(repo, "ladder.yaml") == nil)

        let forced = try Run.ladder(["init", "--ci", "github", "--force"], in: repo.path)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("replaced ladder-policy.yaml"))
        #expect(forced.stdout.contains("wrote ladder.yaml"))
        #expect(Self.read(repo, "ladder-policy.yaml")?.hasPrefix("# Starter policy") == true)
    }

    @Test func nothingDetectedShowsAMinimalConfig() throws {
        let repo = try FixtureRepository()
        try repo.commit(["src/main.c": "int main(void) { return 0; }\n"], "code")
        let result = try Run.ladder(["init"], in: repo.path)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("ladder: error: no environment directories found (looked for environments/*, envs/*"))
        #expect(result.stderr.contains("hint: write ladder.yaml by hand, for example:\n  version: 1\n  environments:\n    - name: dev\n"))
        #expect(Self.read(repo, "ladder.yaml") == nil)
    }

    @Test func bareRepositoryIsRefused() throws {
        let repo = try FixtureRepository(bare: true)
        let result = try Run.ladder(["init"], in: repo.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("is a bare repository; ladder init writes files into a working tree"))
    }

    @Test func trunkFromTheCurrentBranchAndJSON() throws {
        let repo = try Self.exampleWithoutConfig()
        _ = try repo.git("checkout", "-q", "-b", "trunk")
        let result = try Run.ladder(["init", "--json", "--dry-run"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["trunk"] as? String == "trunk")
        #expect(object["dry_run"] as? Bool == true)
        #expect((object["environments"] as? [[String: String]])?.map { $0["name"] ?? "" } == ["dev", "staging", "prod"])
        let files = try #require(object["files"] as? [[String: Any]])
        #expect((files.first?["contents"] as? String)?.contains("\ntrunk: trunk ") == true)
        #expect(Self.read(repo, "ladder.yaml") == nil)
    }

    @Test func trunkFromOriginHead() throws {
        let upstream = try Self.exampleWithoutConfig()
        _ = try upstream.git("branch", "-m", "main", "develop")
        let clone = ScratchDirectory("clone")
        try Run.git(["clone", "-q", upstream.path, clone.path], in: upstream.path)
        try Run.git(["checkout", "-q", "-b", "feature"], in: clone.path)
        let result = try Run.ladder(["init"], in: clone.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("trunk develop"))
    }
}
