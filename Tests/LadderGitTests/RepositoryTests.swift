import Foundation
import LadderGit
import LadderTestSupport
import Testing

@Suite struct RepositoryTests {
    @Test func discoversFromSubdirectoryAndBare() throws {
        let fixture = try FixtureRepository()
        try fixture.commit(["a/b/c.txt": "x\n"], "first")
        let repository = try Repository.discover(from: fixture.scratch.join("a/b"))
        #expect(!repository.isBare)
        #expect(repository.workingDirectory?.hasSuffix("/") == true)

        let bare = ScratchDirectory("bare")
        try Run.git(["clone", "-q", "--bare", fixture.path, bare.path], in: fixture.path)
        let bareRepository = try Repository.discover(from: bare.path)
        #expect(bareRepository.isBare)
        #expect(try bareRepository.resolveCommit("main").hex == fixture.head())
    }

    @Test func discoveryOutsideARepositoryFails() throws {
        let scratch = ScratchDirectory("norepo")
        #expect(throws: GitError.self) { try Repository.discover(from: scratch.path) }
    }

    @Test func resolvesRevisions() throws {
        let fixture = try FixtureRepository()
        let first = try fixture.commit(["f": "1\n"], "one")
        let second = try fixture.commit(["f": "2\n"], "two")
        try Run.git(["tag", "-a", "v1", "-m", "tag", first], in: fixture.path)
        let repository = try Repository.open(at: fixture.path)
        #expect(try repository.resolveCommit("main").hex == second)
        #expect(try repository.resolveCommit("HEAD~1").hex == first)
        #expect(try repository.resolveCommit("v1").hex == first)
        #expect(try repository.resolveCommit(String(first.prefix(10))).hex == first)
        #expect(try repository.resolveTree("main").hex == fixture.git("rev-parse", "main^{tree}"))
        do {
            _ = try repository.resolveCommit("nope")
            Issue.record("expected failure")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.localizedDescription.contains("nope"))
        }
    }

    @Test func readsCommitsAndTrailers() throws {
        let fixture = try FixtureRepository()
        try fixture.commit(["f": "1\n"], "one")
        let message = "promote(staging): web from dev\n\nBody line.\n\nLadder-Promotion: 0123456789abcdef\nLadder-From: dev\nLadder-To: staging\n"
        try fixture.write(["f": "2\n"])
        try Run.git(["add", "-A"], in: fixture.path)
        try Run.git(["commit", "-q", "-m", message], in: fixture.path)
        let repository = try Repository.open(at: fixture.path)
        let commit = try repository.commit(repository.resolveCommit("HEAD"))
        #expect(commit.summary == "promote(staging): web from dev")
        #expect(commit.parentIDs.map(\.hex) == [try fixture.git("rev-parse", "HEAD~1")])
        #expect(commit.author.name == "Test Author")
        #expect(commit.committer.email == "committer@example.com")
        #expect(commit.trailer("ladder-to") == "staging")
        #expect(commit.trailers.map(\.key) == ["Ladder-Promotion", "Ladder-From", "Ladder-To"])
        // Cross-check with git's own trailer parser.
        let gitTrailers = try fixture.git("log", "-1", "--format=%(trailers:only,unfold)")
        #expect(gitTrailers.split(separator: "\n").count == commit.trailers.count)
    }

    @Test func readsTreesAndBlobs() throws {
        let fixture = try FixtureRepository()
        try fixture.writeBytes("bin/data.bin", [0, 1, 2, 0, 255])
        try fixture.commit(["env/dev/web/values.yaml": "image:\n  tag: 1.0\n", "env/dev/run.sh": "#!/bin/sh\n"], "files")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fixture.scratch.join("env/dev/run.sh"))
        try fixture.commit("exec")
        let repository = try Repository.open(at: fixture.path)
        let tree = try repository.resolveTree("HEAD")
        let dev = try #require(try repository.entry(atPath: "env/dev", inTree: tree))
        #expect(dev.isTree)
        #expect(dev.id.hex == (try fixture.git("rev-parse", "HEAD:env/dev")))
        let entries = try repository.treeEntries(dev.id)
        #expect(entries.map(\.name) == ["run.sh", "web"])
        #expect(entries[0].mode == .executable)
        #expect(try repository.entry(atPath: "env/missing/x", inTree: tree) == nil)
        let values = try #require(try repository.entry(atPath: "env/dev/web/values.yaml", inTree: tree))
        let blob = try repository.blob(values.id)
        #expect(blob.text == "image:\n  tag: 1.0\n")
        #expect(!blob.isBinary)
        let binary = try repository.blob(try #require(try repository.entry(atPath: "bin/data.bin", inTree: tree)).id)
        #expect(binary.isBinary)
        #expect(binary.bytes == [0, 1, 2, 0, 255])

        var walked: [String] = []
        try repository.walkTree(tree) { path, _ in walked.append(path) }
        let gitFiles = try fixture.git("ls-tree", "-r", "--name-only", "HEAD").split(separator: "\n").map(String.init)
        #expect(walked == gitFiles)
    }

    @Test func readsConfiguration() throws {
        let fixture = try FixtureRepository()
        try Run.git(["config", "user.name", "Zoë"], in: fixture.path)
        let repository = try Repository.open(at: fixture.path)
        #expect(repository.configValue("user.name") == "Zoë")
        #expect(repository.configValue("ladder.none") == nil)
    }

    @Test func redactsCredentialsInURLs() {
        #expect(Redaction.scrub("failed to reach https://user:s3cret@example.com/repo.git") == "failed to reach https://***@example.com/repo.git")
        #expect(Redaction.scrub("https://ghp_abc@github.com/x and https://h/y") == "https://***@github.com/x and https://h/y")
        #expect(Redaction.scrub("no url here") == "no url here")
    }
}
