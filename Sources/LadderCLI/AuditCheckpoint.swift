import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct AuditCheckpointCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Sign the audit chain's tip and size and store the checkpoint in the repository.",
            discussion: """
                The checkpoint is a C2SP signed note (Ed25519) of the origin, the number of events
                and the tip hash, stored as a commit on refs/ladder/audit-checkpoints. Keep the
                verifier key elsewhere: 'ladder audit verify --trusted-key' then detects a chain
                rewritten or truncated after the checkpoint.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Private key file written by 'ladder audit keygen'.", valueName: "KEY"))
        var key: String

        @Option(help: ArgumentHelp("Checkpoint origin (default: ladder.audit/<origin remote or directory>).", valueName: "origin"))
        var origin: String?

        func run() throws {
            let console = Console(options: global)
            let signer = try NoteSigner(text: try readText(global.resolvedPath(key)))
            let repository = try global.openRepository()
            let log = AuditLog(repository: repository)
            let (checkpoint, commit) = try log.checkpoint(
                signer: signer, origin: origin ?? AuditLog.defaultOrigin(repository: repository), at: try global.currentTime())
            if console.format == .json {
                console.out(JSONValue.object([
                    "origin": .string(checkpoint.origin), "count": .integer(Int64(checkpoint.count)),
                    "tip": .string(checkpoint.tipHash), "commit": .string(commit.hex), "key": .string(signer.verifier.text),
                ]).pretty)
            } else {
                console.info("checkpoint of \(checkpoint.count) events (tip \(checkpoint.tipHash.prefix(16))) signed by \(signer.name), stored as \(commit.short) on \(AuditLog.checkpointsReferenceName)")
            }
        }
    }
}
