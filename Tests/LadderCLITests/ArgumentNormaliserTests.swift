@testable import LadderCLI
import Testing

@Suite struct ArgumentNormaliserTests {
    static let tree: [String: Set<String>] = ["diff": [], "status": [], "audit": ["export", "verify"]]

    @Test(arguments: [
        (["-C", "repo", "--config", "f.yaml", "diff", "dev", "staging"], ["diff", "-C", "repo", "--config", "f.yaml", "dev", "staging"]),
        (["--json", "audit", "export", "--since", "x"], ["audit", "export", "--json", "--since", "x"]),
        (["--format=json", "-q", "status"], ["status", "--format=json", "-q"]),
        (["-Crepo", "status"], ["status", "-C", "repo"]),
        (["status", "-C", "repo"], ["status", "-C", "repo"]),
        (["--version"], ["--version"]),
    ])
    func movesGlobalOptionsAfterTheSubcommand(_ input: [String], _ expected: [String]) {
        #expect(ArgumentNormaliser.normalise(input, commands: Self.tree) == expected)
    }
}
