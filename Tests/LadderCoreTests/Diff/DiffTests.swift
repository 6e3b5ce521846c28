import Foundation
import LadderCore
import LadderGit
import LadderTestSupport
import Testing

@Suite struct DiffTests {
    static let config = """
        version: 1
        environments:
          - {name: dev, path: envs/dev}
          - {name: staging, path: envs/staging}
        promote:
          exclude: ["*/env.yaml", "**/secrets/**"]
          keys:
            - files: "*/values.yaml"
              paths: [image.tag]
          delete: true
        """

    /// Ladder's name-status agrees with `git diff --name-status -M` of the two environment trees,
    /// over many generated environment pairs.
    @Test(arguments: 0..<12)
    func nameStatusMatchesGit(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed + 1))
        let repo = try FixtureRepository()
        var files: [String: String?] = ["ladder.yaml": Self.config]
        for unit in 0..<6 {
            for file in 0..<4 {
                let body = (0..<30).map { "line \($0) of unit \(unit) file \(file)" }.joined(separator: "\n") + "\n"
                let path = "u\(unit)/f\(file).txt"
                let roll = Int.random(in: 0..<10, using: &generator)
                files["envs/staging/" + path] = roll == 0 ? nil : body
                switch roll {
                case 1: files["envs/dev/" + path] = nil  // deleted in source
                case 2: files["envs/dev/" + path] = body + "extra\n"  // modified
                case 3: files["envs/dev/u\(unit)/renamed\(file).txt"] = body + "tail\n"  // renamed with edit
                default: files["envs/dev/" + path] = body
                }
            }
        }
        try repo.commit(files, "generated \(seed)")
        let workspace = try Workspace.open(at: repo.path)
        var request = DiffRequest(from: "dev", to: "staging")
        request.detail = .names
        let ours = try workspace.diff(request).changes.map { change -> String in
            change.status == .renamed ? "R\t\(change.oldPath!)\t\(change.path)" : "\(change.status.letter)\t\(change.path)"
        }.sorted()
        let theirs = try repo.git("diff", "--name-status", "-M", "HEAD:envs/staging", "HEAD:envs/dev")
            .split(separator: "\n").map { line -> String in
                var fields = line.split(separator: "\t").map(String.init)
                if fields[0].hasPrefix("R") { fields[0] = "R" }
                return fields.joined(separator: "\t")
            }.sorted()
        #expect(ours == theirs)
    }

    /// The three detail levels list the same paths and statuses; only `.paths` skips the key and
    /// pattern rules (so a file whose promoted keys are equal still counts as promotable there).
    @Test func detailLevelsAgreeOnPathsAndStatuses() throws {
        let repo = try FixtureRepository.example()
        let workspace = try Workspace.open(at: repo.path)
        var results: [DiffDetail: EnvironmentDiff] = [:]
        for detail in [DiffDetail.paths, .names, .keys] {
            var request = DiffRequest(from: "dev", to: "staging")
            request.detail = detail
            results[detail] = try workspace.diff(request)
        }
        let listing = { (diff: EnvironmentDiff) in diff.changes.map { "\($0.status.letter) \($0.path)" } }
        #expect(listing(results[.paths]!) == listing(results[.keys]!))
        #expect(listing(results[.names]!) == listing(results[.keys]!))
        #expect(results[.names]!.promotable.map(\.path) == results[.keys]!.promotable.map(\.path))
        #expect(results[.names]!.changes.allSatisfy { $0.keys == nil || $0.mode != .file })
        let worker = results[.paths]!.changes.first { $0.path == "worker/values.yaml" }
        #expect(worker?.promotable == true)
        #expect(worker?.keys == nil)
        #expect(results[.paths]!.changes.first { $0.path == "payments/env.yaml" }?.promotable == false)
    }

    @Test func keyLevelAndExclusions() throws {
        let repo = try FixtureRepository.example()
        let workspace = try Workspace.open(at: repo.path)
        let diff = try workspace.diff(DiffRequest(from: "dev", to: "staging"))
        let byPath = Dictionary(uniqueKeysWithValues: diff.changes.map { ($0.path, $0) })
        let values = try #require(byPath["payments/values.yaml"])
        #expect(values.promotable)
        #expect(values.mode == .keys)
        #expect(values.keys?.first { $0.path == "image.tag" }?.new == "1.5.0")
        #expect(values.keys?.first { $0.path == "replicas" }?.promotable == false)
        let env = try #require(byPath["payments/env.yaml"])
        #expect(!env.promotable)
        #expect(env.excludedBy == "*/env.yaml")
        #expect(byPath["payments/secrets/db.yaml"]?.excludedBy == "**/secrets/**")
        // Key-level file whose promoted keys are equal: nothing moves.
        #expect(byPath["worker/values.yaml"]?.promotable == false)
        let terragrunt = try #require(byPath["web/cdn/terragrunt.hcl"])
        #expect(terragrunt.mode == .pattern)
        #expect(terragrunt.keys == [KeyDifference(path: "match 1", old: "v2.3.0", new: "v2.4.0", promotable: true)])
        #expect(diff.promotable.map(\.path) == ["payments/features.yaml", "payments/values.yaml", "web/cdn/terragrunt.hcl", "web/values.yaml"])
        #expect(diff.summary.excluded == 5)
    }

    @Test func deletionsFollowPromoteDelete() throws {
        let repo = try FixtureRepository()
        try repo.commit([
            "ladder.yaml": "version: 1\nenvironments:\n  - {name: a, path: a}\n  - {name: b, path: b}\n",
            "a/svc/x.txt": "x\n", "b/svc/x.txt": "x\n", "b/svc/old.txt": "old\n",
        ], "one")
        let diff = try Workspace.open(at: repo.path).diff(DiffRequest(from: "a", to: "b"))
        #expect(diff.changes.map(\.status) == [.kept])
        #expect(diff.promotable.isEmpty)
        try repo.commit(["ladder.yaml": "version: 1\nenvironments:\n  - {name: a, path: a}\n  - {name: b, path: b}\npromote:\n  delete: true\n"], "delete")
        let again = try Workspace.open(at: repo.path).diff(DiffRequest(from: "a", to: "b"))
        #expect(again.changes.map(\.status) == [.deleted])
        #expect(again.promotable.count == 1)
    }

    @Test func oddInputs() throws {
        let repo = try FixtureRepository()
        try repo.write([
            "ladder.yaml": "version: 1\nenvironments:\n  - {name: a, path: a}\n  - {name: b, path: b}\n  - {name: empty, path: e}\n  - {name: ghost, path: g}\n",
            "a/svc/with space.yaml": "k: 1\n", "b/svc/with space.yaml": "k: 2\n",
            "a/svc/ünïcødé.txt": "u\n",
            "a/svc/broken.yaml": "k: [1, 2\n", "b/svc/broken.yaml": "k: 1\n",
            "a/svc/big.yaml": "k: " + String(repeating: "x", count: 9 * 1024 * 1024) + "\n", "b/svc/big.yaml": "k: small\n",
            "e/.keep": "",
        ])
        try repo.writeBytes("a/svc/bin.dat", [0, 1, 2, 3])
        try repo.writeBytes("b/svc/bin.dat", [0, 1, 2, 4])
        try FileManager.default.createSymbolicLink(atPath: repo.scratch.join("a/svc/escape"), withDestinationPath: "../../../etc/passwd")
        try FileManager.default.createSymbolicLink(atPath: repo.scratch.join("a/svc/inside"), withDestinationPath: "with space.yaml")
        try repo.commit("odd")
        let workspace = try Workspace.open(at: repo.path)
        let diff = try workspace.diff(DiffRequest(from: "a", to: "b"))
        let byPath = Dictionary(uniqueKeysWithValues: diff.changes.map { ($0.path, $0) })
        #expect(byPath["svc/with space.yaml"]?.keys?.first?.new == "1")
        #expect(byPath["svc/ünïcødé.txt"]?.status == .added)
        #expect(byPath["svc/broken.yaml"]?.problem?.hasPrefix("cannot compare keys") == true)
        #expect(byPath["svc/broken.yaml"]?.promotable == true)
        #expect(byPath["svc/big.yaml"]?.problem?.hasPrefix("too large") == true)
        #expect(byPath["svc/bin.dat"]?.binary == true)
        #expect(byPath["svc/escape"]?.promotable == false)
        #expect(byPath["svc/escape"]?.problem?.contains("outside the environment") == true)
        #expect(byPath["svc/inside"]?.promotable == true)

        // An empty environment and one that does not exist at all.
        let fromEmpty = try workspace.diff(DiffRequest(from: "empty", to: "b"))
        #expect(fromEmpty.changes.filter { $0.path != ".keep" }.allSatisfy { $0.status == .kept })
        let fromGhost = try workspace.diff(DiffRequest(from: "ghost", to: "a"))
        #expect(fromGhost.from.tree == nil)
        #expect(!fromGhost.changes.isEmpty)
    }

    @Test func revisionsAndUnits() throws {
        let repo = try FixtureRepository.example()
        let first = try repo.head()
        try repo.commit(["environments/dev/orders/values.yaml": "image:\n  tag: \"2.4.0\"\n"], "dev: orders 2.4.0")
        let workspace = try Workspace.open(at: repo.path)
        var request = DiffRequest(from: "dev", to: "staging")
        request.units = ["orders"]
        #expect(try workspace.diff(request).promotable.map(\.path) == ["orders/values.yaml"])
        request.fromCommit = ObjectID(hex: first)!
        #expect(try workspace.diff(request).promotable.isEmpty)
        request.units = ["nope"]
        #expect(throws: WorkspaceError.self) { try workspace.diff(request) }
    }

    @Test func renderedComparesEffectiveConfiguration() throws {
        let repo = try FixtureRepository()
        try repo.commit([
            "ladder.yaml": "version: 1\nbase: base\nenvironments:\n  - {name: a, path: a}\n  - {name: b, path: b}\n",
            "base/svc/values.yaml": "image:\n  repo: r\n  tag: \"0\"\nreplicas: 1\n",
            "a/svc/values.yaml": "image:\n  tag: \"2\"\n",
            "b/svc/values.yaml": "image:\n  tag: \"1\"\nreplicas: null\n",
        ], "layers")
        var request = DiffRequest(from: "a", to: "b")
        request.rendered = true
        let diff = try Workspace.open(at: repo.path).diff(request)
        let keys = try #require(diff.changes.first?.keys)
        #expect(keys.contains(KeyDifference(path: "image.tag", old: "1", new: "2", promotable: true)))
        #expect(keys.contains(KeyDifference(path: "replicas", old: nil, new: "1", promotable: true)))
        #expect(!keys.contains { $0.path == "image.repo" })
    }
}
