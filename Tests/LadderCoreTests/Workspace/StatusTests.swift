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

    /// What `status` shows, cell by cell.
    static func cells(_ report: StatusReport) -> [String] {
        report.units.flatMap { row in
            report.environments.map { name in
                "\(row.unit)/\(name): " + (row.cells[name].map { "\($0.content) \($0.version ?? "-") \(String(describing: $0.matchesSource))" } ?? "absent")
            }
        }
    }

    /// The unit-content cache gives the report the computation gives, is read (an entry planted in
    /// it shows), follows changed trees and rules, and survives damage.
    @Test func cacheGivesTheComputedReport() throws {
        let repo = try FixtureRepository.example()
        func report(cache: Bool) throws -> [String] { Self.cells(try Workspace.open(at: repo.path).status(cache: cache)) }
        let cacheFile = URL(fileURLWithPath: try Workspace.open(at: repo.path).repository.gitDirectory)
            .appendingPathComponent("ladder/unit-contents").path
        let computed = try report(cache: false)
        #expect(!FileManager.default.fileExists(atPath: cacheFile))
        #expect(try report(cache: true) == computed)
        let written = try String(contentsOfFile: cacheFile, encoding: .utf8)
        #expect(written.hasPrefix("ladder-unit-contents 1 "))
        #expect(try report(cache: true) == computed)

        // A planted entry shows: the second run read the file rather than the trees.
        let lines = written.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let planted = lines.enumerated().map { index, line in
            guard index == 1 else { return line }
            var fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            fields[1] = "0123456789"
            return fields.joined(separator: "\t")
        }
        try planted.joined(separator: "\n").write(toFile: cacheFile, atomically: true, encoding: .utf8)
        #expect(try report(cache: true).contains { $0.contains("0123456789") })
        #expect(try report(cache: false) == computed)

        // Damaged files are ignored and replaced.
        for damage in ["garbage\n", String(written.dropLast(9)), written.replacingOccurrences(of: "\t", with: " ")] {
            try damage.write(toFile: cacheFile, atomically: true, encoding: .utf8)
            #expect(try report(cache: true) == computed)
            #expect(try String(contentsOfFile: cacheFile, encoding: .utf8) == written)
        }

        // A changed unit is read again; changed rules start afresh.
        try repo.commit(["environments/dev/payments/values.yaml": "image:\n  tag: 9.9.9\n"], "bump dev payments")
        #expect(try report(cache: true) == (try report(cache: false)))
        #expect(try report(cache: true).contains { $0.hasPrefix("payments/dev: ") && $0.contains("9.9.9") })
        let previous = try report(cache: false)
        let config = try repo.git("show", "HEAD:ladder.yaml")
        try repo.commit(["ladder.yaml": config.replacingOccurrences(of: "version_key: image.tag", with: "version_key: chart.version")], "other version key")
        let renamed = try report(cache: false)
        #expect(renamed != previous)
        #expect(try report(cache: true) == renamed)
        // A run over some units reads the cache but does not shrink it to those units.
        let before = try String(contentsOfFile: cacheFile, encoding: .utf8)
        _ = try Workspace.open(at: repo.path).status(units: ["payments"], cache: true)
        #expect(try String(contentsOfFile: cacheFile, encoding: .utf8) == before)
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
