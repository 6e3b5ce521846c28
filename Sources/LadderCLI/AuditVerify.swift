import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct AuditVerifyCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Recompute every hash and link of the audit log; exit 1 on tampering.",
            discussion: """
                Reports the first broken event by seq and id. --digest FILE.sha256 also checks the
                export file next to it and that the chain still holds the events it recorded
                (truncation). --trusted-key checks every stored checkpoint signed by that key: a
                rewritten or truncated chain is detected even if every hash was recomputed.
                --trusted-key takes the verifier key text or a file holding it.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Digest file written by 'audit export -o'.", valueName: "FILE"))
        var digest: String?

        @Option(name: .customLong("trusted-key"), help: ArgumentHelp("Verifier key (text or file) whose checkpoints must hold (repeatable).", valueName: "PUB"))
        var trustedKeys: [String] = []

        @Option(help: ArgumentHelp("Require checkpoints to carry this origin.", valueName: "origin"))
        var origin: String?

        func run() throws {
            let console = Console(options: global)
            let keys = try trustedKeys.map(loadVerifier)
            let repository = try global.openRepository()
            let log = AuditLog(repository: repository)
            let chain = try log.verify()
            if let firstBreak = chain.firstBreak { throw AuditLogError.broken(firstBreak) }

            var digestLine: String?
            if let digest {
                let path = global.resolvedPath(digest)
                let parsed = try AuditDigest.parse(try readText(path))
                let exportPath = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(parsed.fileName)
                guard let bytes = FileManager.default.contents(atPath: exportPath) else {
                    throw AuditLogError.fileUnreadable(path: exportPath, reason: "the export named by the digest is missing")
                }
                try parsed.verifyFile(bytes)
                try parsed.verifyChain(chain)
                digestLine = "digest: \(parsed.fileName) unmodified; the chain still holds its \(parsed.eventCount) events"
            }
            var checkpoints: [AuditCheckpoint] = []
            if !keys.isEmpty {
                checkpoints = try log.verifyCheckpoints(trusting: keys, chain: chain, origin: origin)
            }

            let tipCommit = try log.tipCommit()
            switch console.format {
            case .json:
                let tip: JSONValue = chain.tip.map { tip in
                    ["seq": .integer(tip.seq), "id": .string(tip.id), "hash": .string(tip.hash), "commit": .optional(tipCommit?.hex)]
                } ?? .null
                console.out(JSONValue.object([
                    "intact": true, "events": .integer(Int64(chain.eventCount)), "tip": tip,
                    "digest": digest.map { .string($0) } ?? .null,
                    "checkpoints": .integer(Int64(checkpoints.count)),
                ]).pretty)
            case .text, .markdown:
                if let tip = chain.tip {
                    console.out("audit log intact: \(chain.eventCount) events, tip #\(tip.seq) \(tip.id) (hash \(tip.hash.prefix(16)), commit \(tipCommit?.short ?? "?"))")
                } else {
                    console.out("audit log intact: no events yet")
                }
                if let digestLine { console.info(digestLine) }
                if !checkpoints.isEmpty {
                    let latest = checkpoints.max { $0.count < $1.count }!
                    console.info("checkpoints: \(checkpoints.count) signed by a trusted key hold (latest at \(latest.count) events)")
                }
            }
        }

        func loadVerifier(_ argument: String) throws -> NoteVerifier {
            if let key = try? NoteVerifier(text: argument) { return key }
            let path = global.resolvedPath(argument)
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("--trusted-key: '\(argument)' is neither a verifier key nor a readable file")
            }
            return try NoteVerifier(text: try readText(path))
        }
    }
}

/// The UTF-8 text of a file, as a bad-input error when unreadable.
func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw AuditLogError.fileUnreadable(path: path, reason: "no such file or not readable")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw AuditLogError.fileUnreadable(path: path, reason: "not UTF-8 text")
    }
    return text
}
