import Foundation
import LadderGit
import LadderTestSupport
import Testing

@Suite struct WriteAndDiffTests {
    @Test func diffOfSubtreesMatchesGit() throws {
        let fixture = try FixtureRepository()
        try fixture.commit([
            "envs/a/web/values.yaml": "tag: 1\nreplicas: 2\n",
            "envs/a/web/deploy.yaml": String(repeating: "line\n", count: 40) + "a\n",
            "envs/a/api/values.yaml": "tag: 3\n",
            "envs/a/new.txt": "only in a\n",
            "envs/b/web/values.yaml": "tag: 0\nreplicas: 2\n",
            "envs/b/web/old-deploy.yaml": String(repeating: "line\n", count: 40) + "b\n",
            "envs/b/api/values.yaml": "tag: 3\n",
            "envs/b/gone.txt": "only in b\n",
        ], "layout")
        let repository = try Repository.open(at: fixture.path)
        let tree = try repository.resolveTree("HEAD")
        let a = try #require(try repository.entry(atPath: "envs/a", inTree: tree)).id
        let b = try #require(try repository.entry(atPath: "envs/b", inTree: tree)).id
        let deltas = try repository.diffTrees(b, a)
        let ours = deltas.map { delta -> String in
            switch delta.status {
            case .added: return "A\t\(delta.newPath)"
            case .deleted: return "D\t\(delta.oldPath)"
            case .modified: return "M\t\(delta.newPath)"
            case .renamed: return "R\t\(delta.oldPath)\t\(delta.newPath)"
            case .typeChanged: return "T\t\(delta.newPath)"
            }
        }.sorted()
        let theirs = try fixture.git("diff", "--name-status", "-M", b.hex, a.hex)
            .split(separator: "\n").map { line -> String in
                var fields = line.split(separator: "\t").map(String.init)
                if fields[0].hasPrefix("R") { fields[0] = "R" }
                return fields.joined(separator: "\t")
            }.sorted()
        #expect(ours == theirs)
        #expect(try repository.diffTrees(a, a).isEmpty)
    }

    @Test func changedPathsMatchGit() throws {
        let fixture = try FixtureRepository()
        var files: [String: String?] = [:]
        for unit in 0..<20 {
            for file in 0..<5 {
                files["a/u\(unit)/f\(file).yaml"] = "v: \(unit * file)\n"
                files["b/u\(unit)/f\(file).yaml"] = (unit + file) % 7 == 0 ? nil : "v: \((unit * file) + (unit % 3 == 0 ? 1 : 0))\n"
            }
            if unit % 5 == 0 { files["b/u\(unit)/extra/deep.txt"] = "x\n" }
        }
        files["a/clash"] = "file\n"
        files["b/clash/inside.txt"] = "dir\n"
        try fixture.commit(files, "two trees")
        let repository = try Repository.open(at: fixture.path)
        let tree = try repository.resolveTree("HEAD")
        let a = try #require(try repository.entry(atPath: "a", inTree: tree)).id
        let b = try #require(try repository.entry(atPath: "b", inTree: tree)).id
        let ours = try repository.changedPaths(a, b).map(\.path).sorted()
        let theirs = try fixture.git("diff", "--name-only", "--no-renames", a.hex, b.hex).split(separator: "\n").map(String.init).sorted()
        #expect(ours == theirs)
        #expect(try repository.changedPaths(a, a).isEmpty)
        #expect(try repository.changedPaths(nil, a).count == 101)
    }

    @Test func retainedTreesGiveTheSameChanges() throws {
        let fixture = try FixtureRepository()
        let repository = try Repository.open(at: fixture.path)
        var trees: [ObjectID] = []
        for step in 0..<6 {
            var files: [String: String?] = [:]
            for unit in 0..<12 { files["env/u\(unit)/values.yaml"] = "v: \(unit % (step + 2))\n" }
            files["env/u\(step)/extra.yaml"] = step % 2 == 0 ? "x\n" : nil
            try fixture.commit(files, "step \(step)")
            trees.append(try #require(try repository.entry(atPath: "env", inTree: try repository.resolveTree("HEAD"))).id)
        }
        let retainer = TreeRetainer(depth: 2)
        for (old, new) in zip([nil] + trees, trees + [nil]) {
            let plain = try repository.changedPaths(old, new)
            #expect(try repository.changedPaths(old, new, retaining: retainer) == plain)
            // Asked twice in one step, again after the step ended, and after the trees expired.
            #expect(try repository.changedPaths(old, new, retaining: retainer) == plain)
            retainer.advance()
            #expect(try repository.changedPaths(old, new, retaining: retainer) == plain)
            for _ in 0..<3 { retainer.advance() }
            #expect(try repository.changedPaths(old, new, retaining: retainer) == plain)
        }
    }

    @Test func reportsTypeChanges() throws {
        let fixture = try FixtureRepository()
        try fixture.commit(["a/run.sh": "echo\n", "a/link": "target\n", "b/run.sh": "echo\n"], "one")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fixture.scratch.join("b/run.sh"))
        try FileManager.default.createSymbolicLink(atPath: fixture.scratch.join("b/link"), withDestinationPath: "target\n")
        try fixture.commit("two")
        let repository = try Repository.open(at: fixture.path)
        let tree = try repository.resolveTree("HEAD")
        let a = try #require(try repository.entry(atPath: "a", inTree: tree)).id
        let b = try #require(try repository.entry(atPath: "b", inTree: tree)).id
        let deltas = try repository.diffTrees(a, b)
        let byPath = Dictionary(uniqueKeysWithValues: deltas.map { ($0.newPath, $0) })
        #expect(byPath["run.sh"]?.status == .typeChanged)
        #expect(byPath["run.sh"]?.newMode == .executable)
        #expect(byPath["link"]?.status == .typeChanged)
        #expect(byPath["link"]?.newMode == .symlink)
    }

    @Test func buildsTreesInMemoryAndCommits() throws {
        let fixture = try FixtureRepository()
        try fixture.commit(["env/staging/web/values.yaml": "tag: 1\n", "env/staging/web/only.yaml": "x\n", "env/prod/web/values.yaml": "tag: 0\n"], "base")
        let indexBefore = try Data(contentsOf: URL(fileURLWithPath: fixture.scratch.join(".git/index")))
        let repository = try Repository.open(at: fixture.path)
        let base = try repository.resolveCommit("main")
        let baseTree = try repository.commit(base).treeID
        let blob = try repository.writeBlob(Array("tag: 2\n".utf8))
        let newTree = try repository.updateTree(baseTree, [
            .upsert(path: "env/staging/web/values.yaml", id: blob, mode: .blob),
            .upsert(path: "env/staging/api/values.yaml", id: blob, mode: .executable),
            .remove(path: "env/staging/web/only.yaml"),
            .remove(path: "env/staging/never/existed.yaml"),
        ])
        let when = Date(timeIntervalSince1970: 1_790_000_000)
        let signature = Signature(name: "Ladder Bot", email: "bot@example.com", time: when)
        let commit = try repository.createCommit(tree: newTree, parents: [base], author: signature, committer: signature, message: "promote\n")
        try repository.updateReference("refs/heads/ladder/promote/dev-to-staging", to: commit, expected: nil, message: "ladder: promote")

        let listing = try fixture.git("ls-tree", "-r", "ladder/promote/dev-to-staging")
        #expect(listing.contains("100755 blob \(blob.hex)\tenv/staging/api/values.yaml"))
        #expect(listing.contains("100644 blob \(blob.hex)\tenv/staging/web/values.yaml"))
        #expect(!listing.contains("only.yaml"))
        #expect(listing.contains("env/prod/web/values.yaml"))
        #expect(try fixture.git("log", "-1", "--format=%an <%ae> %at", "ladder/promote/dev-to-staging") == "Ladder Bot <bot@example.com> 1790000000")
        #expect(try fixture.git("status", "--porcelain") == "")
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.scratch.join(".git/index"))) == indexBefore)
        #expect(try fixture.git("rev-parse", "HEAD") == base.hex)
        _ = try Run.git(["fsck", "--full", "--strict"], in: fixture.path)

        // Removing the only file of a directory removes the directory.
        let pruned = try repository.updateTree(baseTree, [.remove(path: "env/prod/web/values.yaml")])
        #expect(try repository.entry(atPath: "env/prod", inTree: pruned) == nil)
    }

    @Test func referenceUpdatesAreCompareAndSwap() throws {
        let fixture = try FixtureRepository()
        let first = try fixture.commit(["f": "1\n"], "one")
        let second = try fixture.commit(["f": "2\n"], "two")
        let repository = try Repository.open(at: fixture.path)
        let one = try #require(ObjectID(hex: first))
        let two = try #require(ObjectID(hex: second))
        try repository.updateReference("refs/heads/topic", to: one, expected: nil, message: "create")
        #expect(throws: GitError.self) { try repository.updateReference("refs/heads/topic", to: two, expected: nil, message: "again") }
        do {
            try repository.updateReference("refs/heads/topic", to: two, expected: two, message: "wrong expectation")
            Issue.record("expected a conflict")
        } catch {
            #expect(error.code == .modified)
        }
        #expect(try fixture.git("rev-parse", "topic") == first)
        try repository.updateReference("refs/heads/topic", to: two, expected: one, message: "move")
        #expect(try fixture.git("rev-parse", "topic") == second)
        #expect(try repository.exactReference("refs/heads/topic")?.target == two)
        #expect(try repository.references(matching: "refs/heads/*").map(\.name) == ["refs/heads/main", "refs/heads/topic"])
        #expect(Repository.isValidBranchName("ladder/promote/dev-to-staging.web"))
        #expect(!Repository.isValidBranchName("../x"))
        #expect(!Repository.isValidBranchName("has space"))
        #expect(!Repository.isValidBranchName("a..b"))
    }

    @Test func walksFirstParentHistory() throws {
        let fixture = try FixtureRepository()
        try fixture.commit(["f": "1\n"], "one")
        try Run.git(["checkout", "-q", "-b", "side"], in: fixture.path)
        try fixture.commit(["g": "side\n"], "side work")
        try Run.git(["checkout", "-q", "main"], in: fixture.path)
        try fixture.commit(["f": "2\n"], "two")
        try Run.git(["merge", "-q", "--no-ff", "-m", "Merge side", "side"], in: fixture.path)
        let repository = try Repository.open(at: fixture.path)
        var firstParent: [String] = []
        try repository.walk(from: [try repository.resolveCommit("main")], firstParent: true) { id in
            firstParent.append(try repository.commit(id).summary)
            return true
        }
        #expect(firstParent == (try fixture.git("log", "--first-parent", "--format=%s", "main")).split(separator: "\n").map(String.init))
        let touching = try repository.commitsTouching(paths: ["g"], from: try repository.resolveCommit("main"), firstParent: true)
        #expect(touching.map(\.summary) == ["Merge side"])
    }

    @Test func nonUTF8FileNamesRoundTrip() throws {
        let fixture = try FixtureRepository()
        let name: [UInt8] = Array("env/caf".utf8) + [0xE9] + Array(".txt".utf8)
        let path = String(decoding: [UInt8](fixture.scratch.path.utf8) + [UInt8(ascii: "/")] + name, as: UTF8.self)
        _ = path
        // Write through a C path to keep the raw byte.
        var full = Array(fixture.scratch.path.utf8) + [UInt8(ascii: "/")] + Array("env".utf8)
        mkdir(String(decoding: full, as: UTF8.self), 0o755)
        full = Array(fixture.scratch.path.utf8) + [UInt8(ascii: "/")] + name + [0]
        let fd = full.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { open($0, O_CREAT | O_WRONLY, 0o644) }
        }
        #expect(fd >= 0)
        close(fd)
        try fixture.commit("odd name")
        let repository = try Repository.open(at: fixture.path)
        let tree = try repository.resolveTree("HEAD")
        var found: [String] = []
        try repository.walkTree(tree) { path, _ in found.append(path) }
        #expect(found.count == 1)
        #expect(PathCoding.encode(found[0]) == name)
        #expect(PathCoding.display(found[0]) == "env/caf\\xE9.txt")
        #expect(try repository.entry(atPath: found[0], inTree: tree) != nil)
        let copied = try repository.updateTree(tree, [.upsert(path: found[0] + ".copy", id: try repository.entry(atPath: found[0], inTree: tree)!.id, mode: .blob)])
        let listing = try Run.git(["ls-tree", "-r", "-z", "--name-only", copied.hex], in: fixture.path).stdout
        #expect(Array(listing.utf8).count > 0)
        #expect(listing.split(separator: "\0").count == 2)
    }
}
