import Foundation
import LadderGit

/// Failures of the audit log in a repository. Reasons are short and lowercase.
public enum AuditLogError: LadderFailure, Equatable {
    /// The chain fails verification (exit 1).
    case broken(AuditChainBreak)
    /// A commit on the audit ref does not hold a readable event (exit 1).
    case unreadableEvent(commit: String, reason: String)
    /// Other writers kept winning the race for the ref (exit 3).
    case contention(attempts: Int, seconds: Double)
    /// The remote's audit log fails verification; Ladder will not join it (exit 1).
    case remoteBroken(remote: String, AuditChainBreak)
    /// The remote kept moving while Ladder tried to publish (exit 3).
    case remoteKeepsMoving(remote: String, attempts: Int)
    /// `--trusted-key` was given but no stored checkpoint is signed by a trusted key (exit 1).
    case noTrustedCheckpoint(stored: Int)
    /// A stored checkpoint signed by a trusted key no longer matches the chain (exit 1).
    case checkpointMismatch(commit: String, reason: String)
    /// A file could not be read or written (exit 2 for input, 3 for output).
    case fileUnreadable(path: String, reason: String)
    case fileUnwritable(path: String, reason: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .broken, .unreadableEvent, .remoteBroken, .noTrustedCheckpoint, .checkpointMismatch: return .negative
        case .contention, .remoteKeepsMoving, .fileUnwritable: return .repository
        case .fileUnreadable: return .badInput
        }
    }

    public var errorDescription: String? {
        switch self {
        case .broken(let at): return "audit log fails verification at \(at)"
        case .unreadableEvent(let commit, let reason):
            return "audit log commit \(commit.prefix(7)) does not hold a readable event: \(reason)"
        case .contention(let attempts, let seconds):
            return "cannot append to \(AuditLog.referenceName): other writers kept moving it (\(attempts) attempts in \(String(format: "%.1f", seconds)) s)"
        case .remoteBroken(let remote, let at):
            return "the audit log on '\(remote)' fails verification at \(at); not joining it"
        case .remoteKeepsMoving(let remote, let attempts):
            return "the audit log on '\(remote)' kept moving while publishing (\(attempts) attempts)"
        case .noTrustedCheckpoint(let stored):
            return "no checkpoint signed by a trusted key on \(AuditLog.checkpointsReferenceName) (\(stored) stored): the checkpoints were removed or signed by another key"
        case .checkpointMismatch(let commit, let reason):
            return "checkpoint \(commit.prefix(7)) does not match the chain: \(reason)"
        case .fileUnreadable(let path, let reason): return "cannot read '\(path)': \(reason)"
        case .fileUnwritable(let path, let reason): return "cannot write '\(path)': \(reason)"
        }
    }

    public var hint: String? {
        switch self {
        case .unreadableEvent: return "run 'ladder audit verify' to find the first broken event"
        case .contention: return "retry; if it persists, look for a stale '\(AuditLog.referenceName).lock' in the git directory"
        case .remoteKeepsMoving: return "retry 'ladder audit push'"
        default: return nil
        }
    }
}

extension AuditError: LadderFailure {
    /// Malformed inputs (keys, notes, digest files) are bad input; everything that says the log
    /// or an export does not match what was recorded is a negative answer.
    public var exitStatus: ExitStatus {
        switch self {
        case .malformedJSON, .invalidField, .unknownField, .malformedDigest, .malformedNote, .unencodable, .invalidParents:
            return .badInput
        case .notCanonical, .digestMismatch, .truncated, .rewritten, .tipMissing, .badSignature, .noTrustedSignature,
            .originMismatch:
            return .negative
        }
    }
}
