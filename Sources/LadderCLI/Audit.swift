import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Export, verify, publish and checkpoint the tamper-evident audit log.",
            discussion: """
                The log lives in the repository on refs/ladder/audit: one commit per event, the
                event as canonical JSON in the message, chained by SHA-256 hashes. Signed
                checkpoints live on refs/ladder/audit-checkpoints.

                Examples:
                  ladder audit export --since 2026-01-01T00:00:00Z --format csv -o audit.csv
                  ladder audit verify --digest audit.csv.sha256
                  ladder audit keygen --name example.com/ladder-audit -o audit.key
                  ladder audit checkpoint --key audit.key
                  ladder audit verify --trusted-key audit.key.pub
                  ladder audit push origin
                """,
            subcommands: [AuditExportCommand.self, AuditVerifyCommand.self, AuditPushCommand.self, AuditCheckpointCommand.self, AuditKeygenCommand.self]
        )
    }
}

extension GlobalOptions {
    /// The repository Ladder works in (no configuration needed).
    func openRepository() throws -> Repository {
        do {
            return try Repository.discover(from: workingDirectory)
        } catch {
            throw WorkspaceError.notARepository(path: workingDirectory, reason: error.message)
        }
    }

    /// `--now`, else the clock.
    func currentTime() throws -> Date {
        guard let now else { return Date() }
        do {
            return try Timestamp.parse(now)
        } catch {
            throw ValidationError("--now: \(error.localizedDescription)")
        }
    }

    /// A path given on the command line, resolved against the directory Ladder was started in.
    func resolvedPath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}

/// Parses an RFC 3339 option value, as a usage error naming the option.
func parseTimeOption(_ text: String?, _ option: String) throws -> Date? {
    guard let text else { return nil }
    do {
        return try Timestamp.parse(text)
    } catch {
        throw ValidationError("\(option): \(error.localizedDescription)")
    }
}

extension AuditExportFormat: ExpressibleByArgument {}
