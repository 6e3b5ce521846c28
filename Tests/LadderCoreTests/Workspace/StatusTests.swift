import Foundation
import LadderCore
import LadderGit
import LadderTestSupport
import Testing

@Suite struct StatusTests {
    @Test func exampleShowsVersionsAndLag() throws {
        let repo = try FixtureRepository.example()
        let workspace = try Workspace.open(at: repo.path)
        let report = try workspace.status()
        #expect(report.environments == ["dev", "staging", "prod"])
        #expect(report.units.map(\.unit) == ["orders", "payments", "web", "worker"])
        let payments = try #require(report.units.first { $0.unit == "payments" })
        #expect(payments.cells["dev"]?.version == "1.5.0")
        #expect(payments.cells["dev"]?.matchesSource == nil)
        #expect(payments.cells["staging"]?.matchesSource == false)
        #expect(payments.cells["staging"]?.source == "dev")
        #expect(payments.cells["prod"]?.matchesSource == true)
        let worker = try #require(report.units.first { $0.unit == "worker" })
        // Environment-specific files (env.yaml, replicas) differ, yet the promotable content is the same.
        #expect(Set(worker.cells.values.map(\.content)).count == 1)
        #expect(worker.cells.values.allSatisfy { $0.matchesSource != false })
    }

    @Test func contentIgnoresExcludedFilesAndUnpromotedKeys() throws {
        let repo = try FixtureRepository()
        try repo.commit([
            "ladder.yaml": """
                version: 1
                environments:
                  - {name: a, path: e/a}
                  - {name: b, path: e/b}
                promote:
                  exclude: ["*/env.yaml"]
                  keys:
                    - files: "*/values.yaml"
                      paths: [image.tag]
                version_key: image.tag
                """,
            "e/a/svc/values.yaml": "image:\n  tag: 1.0\nreplicas: 1\n",
            "e/a/svc/env.yaml": "url: a\n",
            "e/b/svc/values.yaml": "# comment\nreplicas: 5\nimage:\n  tag: 1.0\n",
            "e/b/svc/env.yaml": "url: b\n",
        ], "same promotable content")
        var report = try Workspace.open(at: repo.path).status()
        #expect(report.units.count == 1)
        #expect(report.units[0].cells["b"]?.matchesSource == true)
        #expect(report.units[0].cells["b"]?.version == "1.0")

        try repo.commit(["e/a/svc/values.yaml": "image:\n  tag: 1.1\nreplicas: 1\n"], "new tag in a")
        report = try Workspace.open(at: repo.path).status()
        #expect(report.units[0].cells["b"]?.matchesSource == false)
        #expect(report.units[0].cells["a"]?.version == "1.1")
    }

    /// The content id is the first 10 hex digits of the SHA-256 of one line per counted file:
    /// `f <path>\0<mode>\0<blob>`, `k <path>\0<key>=<value>` or `p <path>\0<captures>`, in tree
    /// order. Outside scripts compare ids across Ladder versions, so the formula is pinned here
    /// with git and sha256sum as the oracles.
    @Test func contentIDFormulaIsStable() throws {
        let repo = try FixtureRepository()
        try repo.commit([
            "ladder.yaml": """
                version: 1
                environments:
                  - {name: a, path: e/a}
                promote:
                  exclude: ["*/env.yaml"]
                  keys:
                    - files: "*/values.yaml"
                      paths: [image.tag, chart.version]
                  patterns:
                    - files: "**/*.hcl"
                      regex: 'ref=(v[0-9.]+)'
                """,
            "e/a/svc/README.md": "read me\n",
            "e/a/svc/env.yaml": "url: a\n",
            "e/a/svc/infra/main.hcl": "source = \"git::x?ref=v1.2.3\"\n",
            "e/a/svc/values.yaml": "image:\n  tag: 1.0\nreplicas: 1\n",
        ], "one unit")
        let readme = try repo.git("rev-parse", "HEAD:e/a/svc/README.md")
        let lines =
            "f svc/README.md\u{0}33188\u{0}\(readme)\n" + "p svc/infra/main.hcl\u{0}v1.2.3\n"
            + "k svc/values.yaml\u{0}image.tag=1.0\u{0}chart.version=∅\n"
        let scratch = ScratchDirectory("content-id")
        try lines.write(toFile: scratch.join("lines"), atomically: true, encoding: .utf8)
        let digest = try Run.program("/usr/bin/sha256sum", [scratch.join("lines")], in: scratch.path).stdout
        let report = try Workspace.open(at: repo.path).status()
        #expect(report.units.first?.cells["a"]?.content == String(digest.prefix(10)))
    }

    @Test(arguments: [(0, ["(all)"]), (1, ["team1", "team2"]), (2, ["team1/api", "team1/web", "team2/db"])])
    func unitDepth(_ depth: Int, _ expected: [String]) throws {
        let repo = try FixtureRepository()
        try repo.commit([
            "ladder.yaml": "version: 1\nunit_depth: \(depth)\nenvironments:\n  - {name: dev, path: dev}\n  - {name: prod, path: prod}\n",
            "dev/team1/web/a.yaml": "x: 1\n", "dev/team1/api/a.yaml": "x: 1\n", "dev/team2/db/a.yaml": "x: 1\n",
            "prod/team1/web/a.yaml": "x: 1\n",
        ], "layout")
        let report = try Workspace.open(at: repo.path).status()
        #expect(report.units.map(\.unit) == expected)
    }

    @Test func findsLastPromotionsAndPendingBranches() throws {
        let repo = try FixtureRepository.example()
        try repo.write(["environments/staging/payments/values.yaml": "image:\n  tag: \"1.5.0\"\n"])
        try repo.commit("promote(staging): payments from dev\n\nLadder-Promotion: 00112233aabbccdd\nLadder-From: dev\nLadder-To: staging\n")
        try Run.git(["checkout", "-q", "-b", "ladder/promote/staging-to-prod"], in: repo.path)
        try repo.commit(["environments/prod/web/values.yaml": "image:\n  tag: \"4.0.3\"\n"], "promote(prod): web from staging\n\nLadder-Promotion: 99\nLadder-From: staging\nLadder-To: prod\n")
        try Run.git(["checkout", "-q", "main"], in: repo.path)
        let report = try Workspace.open(at: repo.path).status()
        #expect(report.lastPromotions.map(\.environment) == ["staging"])
        #expect(report.lastPromotions.first?.promotionID == "00112233aabbccdd")
        #expect(report.pending.map(\.branch) == ["ladder/promote/staging-to-prod"])
        #expect(report.pending.first?.to == "prod")
    }

    @Test func readsConfigurationFromTheCommitNotTheWorkingTree() throws {
        let repo = try FixtureRepository.example()
        try repo.write(["ladder.yaml": "garbage: [\n"])
        let workspace = try Workspace.open(at: repo.path)
        #expect(workspace.config.environmentNames == ["dev", "staging", "prod"])
    }

    @Test func unknownEnvironmentSuggests() throws {
        let repo = try FixtureRepository.example()
        let workspace = try Workspace.open(at: repo.path)
        do {
            _ = try workspace.environment("stagign")
            Issue.record("expected an error")
        } catch let error as WorkspaceError {
            #expect(error.localizedDescription == "unknown environment 'stagign' (known: dev, staging, prod)")
            #expect(error.hint == "did you mean 'staging'?")
            #expect(error.exitStatus == .badInput)
        }
    }
}
