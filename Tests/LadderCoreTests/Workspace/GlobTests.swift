import Foundation
import LadderCore
import LadderTestSupport
import Testing

@Suite struct GlobTests {
    static let patterns = ["*/env.yaml", "**/secrets/**", "*.secret", "/top.txt", "logs/", "a/**/z.txt", "b?d.yaml", "[ab]*.json", "!keep.secret", "deep/*/x"]
    static let paths = [
        "web/env.yaml", "web/sub/env.yaml", "env.yaml", "web/secrets/db.yaml", "secrets/x", "web/deep/secrets/a/b",
        "x.secret", "web/x.secret", "keep.secret", "web/keep.secret", "top.txt", "web/top.txt", "logs/a.txt", "web/logs/b.txt",
        "logs", "a/z.txt", "a/b/c/z.txt", "bad.yaml", "bd.yaml", "web/bed.yaml", "alpha.json", "web/beta.json", "gamma.json",
        "deep/one/x", "deep/one/two/x", "web/values.yaml", "space name/env.yaml", "ünï/env.yaml",
    ]

    /// The git command line decides the same files as Ladder (gitignore semantics).
    @Test func agreesWithGitCheckIgnore() throws {
        let repo = try FixtureRepository()
        try repo.write([".gitignore": Self.patterns.joined(separator: "\n") + "\n"])
        let list = GlobList(try Self.patterns.map { try GlobPattern($0) })
        let result = try Run.git(["check-ignore", "--no-index", "--stdin", "-z"], in: repo.path, check: false)
        _ = result
        for path in Self.paths {
            let git = try Run.program(Run.gitPath, ["check-ignore", "--no-index", "-q", path], in: repo.path, environment: Run.gitEnvironment)
            let gitIgnores = git.status == 0
            #expect((list.match(path) != nil) == gitIgnores, "\(path): git says \(gitIgnores)")
        }
    }

    @Test(arguments: ["", "/", "a//b", "../x", "x/./y", "[abc", "x\\"])
    func rejectsBadPatterns(_ text: String) {
        #expect(throws: GlobPattern.SyntaxError.self) { try GlobPattern(text) }
    }
}
