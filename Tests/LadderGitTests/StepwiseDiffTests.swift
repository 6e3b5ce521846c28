import Foundation
@testable import LadderGit
import LadderTestSupport
import Testing

/// `diffTrees` walks both trees in step and asks libgit2 only about the subtree where renames
/// can be; it must report exactly what libgit2's whole-tree diff reports.
@Suite struct StepwiseDiffTests {
    /// Deterministic pseudo-random numbers (the tests must not depend on the run).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func body(_ seed: Int) -> String {
        (0..<30).map { "line \($0) of file \(seed): " + String(repeating: "x", count: $0 % 7) }.joined(separator: "\n") + "\n"
    }

    @Test(arguments: 0..<8)
    func matchesLibgit2WholeTreeDiff(seed: Int) throws {
        var random = Generator(state: UInt64(seed) &+ 17)
        let fixture = try FixtureRepository()
        var files: [String: String?] = [:]
        for unit in 0..<12 {
            for file in 0..<4 {
                let content = Self.body(unit * 10 + file)
                files["old/u\(unit)/f\(file).yaml"] = content
                let path = "new/u\(unit)/f\(file).yaml"
                switch random.next(9) {
                case 0: files[path] = nil  // deleted
                case 1: files["new/u\(unit)/renamed-\(file).yaml"] = content  // exact rename in the unit
                case 2: files["new/u\(random.next(12))/moved-\(unit)-\(file).yaml"] = content + "tail\n"  // similar, across units
                case 3: files[path] = content.replacingOccurrences(of: "line 3 ", with: "LINE 3 ")  // modified
                default: files[path] = content
                }
            }
            if random.next(4) == 0 { files["new/u\(unit)/added-\(unit).txt"] = "brand new \(unit)\n" }
        }
        try fixture.commit(files, "two trees")
        if seed % 2 == 0 {
            // An executable bit and a file that became a symlink, staged with the git command line.
            let blob = try fixture.git("rev-parse", "HEAD:old/u0/f0.yaml").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try fixture.git("update-index", "--add", "--cacheinfo", "100755,\(blob),new/u0/f0.yaml")
            _ = try fixture.git("update-index", "--add", "--cacheinfo", "120000,\(blob),new/u1/f1.yaml")
            _ = try fixture.git("commit", "-q", "-m", "modes")
        }
        let repository = try Repository.open(at: fixture.path)
        let tree = try repository.resolveTree("HEAD")
        let old = try #require(try repository.entry(atPath: "old", inTree: tree)).id
        let new = try #require(try repository.entry(atPath: "new", inTree: tree)).id
        for options in [TreeDiffOptions(), TreeDiffOptions(detectRenames: false)] {
            let ours = try repository.diffTrees(old, new, options: options)
            let oracle = try repository.libgit2DiffTrees(old, new, options: options)
            #expect(Set(ours) == Set(oracle))
            #expect(ours.count == oracle.count)
            #expect(ours.map(\.newPath) == ours.map(\.newPath).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        }
    }

    @Test func renamesInsideOneUnitAskLibgit2AboutThatUnitOnly() throws {
        let fixture = try FixtureRepository()
        var files: [String: String?] = [:]
        for unit in 0..<6 {
            for file in 0..<3 {
                files["old/u\(unit)/f\(file).yaml"] = Self.body(unit * 10 + file)
                files["new/u\(unit)/f\(file).yaml"] = unit == 4 && file == 1 ? Self.body(99) : Self.body(unit * 10 + file)
            }
        }
        files["new/u2/f0.yaml"] = nil
        files["new/u2/deep/renamed.yaml"] = Self.body(20) + "one more line\n"
        files["new/u2/f1.yaml"] = nil
        files["new/u2/f1-exact.yaml"] = Self.body(21)
        files["new/u5/extra.yaml"] = "added\n"
        try fixture.commit(files, "two trees")
        let repository = try Repository.open(at: fixture.path)
        let tree = try repository.resolveTree("HEAD")
        let old = try #require(try repository.entry(atPath: "old", inTree: tree)).id
        let new = try #require(try repository.entry(atPath: "new", inTree: tree)).id
        let ours = try repository.diffTrees(old, new)
        #expect(Set(ours) == Set(try repository.libgit2DiffTrees(old, new, options: TreeDiffOptions())))
        #expect(ours.filter { $0.status == .renamed }.map(\.newPath).sorted() == ["u2/deep/renamed.yaml", "u2/f1-exact.yaml"])
        #expect(ours.map(\.newPath) == ["u2/deep/renamed.yaml", "u2/f1-exact.yaml", "u4/f1.yaml", "u5/extra.yaml"])
    }

    @Test func commonDirectory() {
        #expect(Repository.commonDirectory(of: ["a/b/c.yaml", "a/b/d/e.yaml"]) == "a/b")
        #expect(Repository.commonDirectory(of: ["a/b/c.yaml", "a/bc/d.yaml"]) == "a")
        #expect(Repository.commonDirectory(of: ["top.yaml", "a/b.yaml"]) == "")
        #expect(Repository.commonDirectory(of: ["a/x.yaml"]) == "a")
        #expect(Repository.path("ab/c", isInside: "a") == false)
        #expect(Repository.path("a/c", isInside: "a"))
    }
}
