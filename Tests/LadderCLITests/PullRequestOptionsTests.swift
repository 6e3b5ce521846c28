import ArgumentParser
@testable import LadderCLI
import LadderCore
import Testing

/// promote, auto and rollback share `--forge`, `--push`, `--actor` and `--dry-run` (and promote and
/// rollback `--payload`); their names and value names are relied on by scripts outside the project.
@Suite struct PullRequestOptionsTests {
    static func command(_ name: String) -> ParsableCommand.Type {
        switch name {
        case "promote": return LadderCommand.Promote.self
        case "auto": return LadderCommand.Auto.self
        default: return LadderCommand.Rollback.self
        }
    }

    @Test(arguments: ["promote", "auto", "rollback"])
    func helpDescribesTheSharedOptions(_ name: String) {
        let help = LadderCommand.helpMessage(for: Self.command(name), columns: 500)
        for synopsis in ["--forge <FORGE>", "--push <REMOTE>", "--actor <NAME>", "--dry-run"] {
            #expect(help.contains(synopsis), "\(name) --help lacks \(synopsis)")
        }
        #expect(help.contains("--payload-dir <DIR>") == (name == "auto"))
        #expect(help.contains("--payload <FILE>") == (name != "auto"))
        #expect(help.contains("Push the branch (each one, when several) to REMOTE, then the audit log"))
        #expect(!help.contains("not supported"))
    }

    @Test func promoteParsesTheSharedOptions() throws {
        let parsed = try LadderCommand.parseAsRoot(
            ["promote", "dev", "staging", "--forge", "gitlab", "--push", "origin", "--actor", "carol", "--dry-run", "--payload", "pr.json"])
        let promote = try #require(parsed as? LadderCommand.Promote)
        #expect(promote.pullRequest.forge == .gitlab)
        #expect(promote.pullRequest.push == "origin")
        #expect(promote.pullRequest.actor == "carol")
        #expect(promote.pullRequest.dryRun)
        #expect(promote.payloadFile.payload == "pr.json")
    }

    @Test func autoParsesTheSharedOptions() throws {
        let parsed = try LadderCommand.parseAsRoot(
            ["auto", "--forge", "github", "--push", "origin", "--actor", "ladder-bot", "--dry-run", "--payload-dir", "payloads"])
        let auto = try #require(parsed as? LadderCommand.Auto)
        #expect(auto.pullRequest.forge == .github)
        #expect(auto.pullRequest.push == "origin")
        #expect(auto.pullRequest.actor == "ladder-bot")
        #expect(auto.pullRequest.dryRun)
        #expect(auto.payloadDirectory == "payloads")
        #expect(throws: (any Error).self) { try LadderCommand.parseAsRoot(["auto", "--payload", "pr.json"]) }
    }

    @Test func rollbackParsesTheSharedOptions() throws {
        let parsed = try LadderCommand.parseAsRoot(
            ["rollback", "prod", "--forge", "gitlab", "--push", "origin", "--actor", "carol", "--dry-run", "--payload", "pr.json"])
        let rollback = try #require(parsed as? LadderCommand.Rollback)
        #expect(rollback.environment == "prod")
        #expect(rollback.pullRequest.forge == .gitlab)
        #expect(rollback.pullRequest.push == "origin")
        #expect(rollback.pullRequest.actor == "carol")
        #expect(rollback.pullRequest.dryRun)
        #expect(rollback.payloadFile.payload == "pr.json")
    }

    /// plan keeps accepting `--actor` and `--forge` as it did when they lived in the arguments it
    /// shares with promote; it takes none of the writing options.
    @Test func planKeepsActorAndForgeOnly() throws {
        let parsed = try LadderCommand.parseAsRoot(["plan", "staging", "prod", "--actor", "carol", "--forge", "gitlab"])
        let plan = try #require(parsed as? LadderCommand.Plan)
        #expect(plan.actor == "carol")
        #expect(plan.forge == .gitlab)
        for option in [["--push", "origin"], ["--dry-run"], ["--payload", "pr.json"]] {
            #expect(throws: (any Error).self) { try LadderCommand.parseAsRoot(["plan", "staging", "prod"] + option) }
        }
    }
}
