import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct AuditPushCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push",
            abstract: "Publish the audit log to a remote, joining it with the remote's log if both moved.",
            discussion: """
                Pushes refs/ladder/audit and refs/ladder/audit-checkpoints without ever rewriting
                what the remote holds. When the remote has events the local log lacks, Ladder
                fetches and verifies them, then joins both chains with an audit.merged event and
                pushes with a lease on what it fetched. Credentials: ssh agent for ssh URLs,
                LADDER_GIT_TOKEN (or GITHUB_TOKEN / GITLAB_TOKEN) for https.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "A configured remote name or a URL.")
        var remote: String

        @Option(help: ArgumentHelp("Who records a join event (default: CI actor, git user.name or $USER).", valueName: "NAME"))
        var actor: String?

        func run() throws {
            let console = Console(options: global)
            let repository = try global.openRepository()
            let log = AuditLog(repository: repository)
            let credentials = RemoteCredentials.process
            let report = try log.push(
                remote: remote, actor: AuditContext.actor(explicit: actor, repository: repository),
                source: AuditContext.source(), at: try global.currentTime(), credentials: credentials)
            let name = credentials.scrub(remote)
            if console.format == .json {
                func json(_ publication: AuditRefPublication) -> JSONValue {
                    ["ref": .string(publication.reference), "outcome": .string(publication.outcome.rawValue),
                     "remote_before": .optional(publication.remoteBefore?.hex), "tip": .optional(publication.tip?.hex)]
                }
                console.out(JSONValue.object([
                    "remote": .string(name), "events": json(report.events), "checkpoints": json(report.checkpoints),
                    "merge": report.merge.map { ["seq": .integer($0.seq), "id": .string($0.id)] } ?? .null,
                ]).pretty)
                return
            }
            switch report.events.outcome {
            case .absent: console.info("no audit log to publish")
            case .upToDate: console.info("\(name) is up to date (\(report.events.tip?.short ?? ""))")
            case .published: console.info("published \(AuditLog.referenceName) to \(name): \(report.events.remoteBefore?.short ?? "(new)") → \(report.events.tip?.short ?? "")")
            case .adopted: console.info("\(name) was ahead: local \(AuditLog.referenceName) fast-forwarded to \(report.events.tip?.short ?? "")")
            case .joined:
                let merge = report.merge.map { " with audit.merged #\($0.seq) \($0.id)" } ?? ""
                console.info("joined the local and remote audit logs\(merge); published \(report.events.tip?.short ?? "") to \(name)")
            }
            switch report.checkpoints.outcome {
            case .absent, .upToDate: break
            default: console.info("checkpoints: \(report.checkpoints.outcome.rawValue.replacingOccurrences(of: "_", with: " ")) (\(report.checkpoints.tip?.short ?? ""))")
            }
        }
    }
}
