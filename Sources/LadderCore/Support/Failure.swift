import Foundation
import LadderGit

/// The process exit status classes of SPEC section 3.
public enum ExitStatus: Int32, Sendable, Comparable {
    /// Success, allowed, no difference.
    case success = 0
    /// A negative answer: denied, differences found with `--exit-code`, tampering, check failed.
    case negative = 1
    /// Bad input: usage, configuration, unknown environment, malformed JSON/YAML.
    case badInput = 2
    /// Repository or git failure.
    case repository = 3

    public static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A failure that knows which exit status it maps to and may carry a hint for the user.
public protocol LadderFailure: LocalizedError {
    var exitStatus: ExitStatus { get }
    var hint: String? { get }
}

extension LadderFailure {
    public var hint: String? { nil }
}

/// Failures of the workspace: finding the repository, its configuration and environments.
public enum WorkspaceError: LadderFailure, Equatable {
    case notARepository(path: String, reason: String)
    case emptyRepository
    case configurationMissing(file: String, revision: String)
    case configurationUnreadable(file: String, reason: String)
    case unknownRevision(String, reason: String)
    case unknownEnvironment(String, known: [String])
    case unknownUnit(String, environment: String, known: [String])
    case notATree(path: String, revision: String)
    case invalidInput(String)

    public var exitStatus: ExitStatus {
        switch self {
        case .notARepository, .emptyRepository, .notATree: return .repository
        case .unknownRevision: return .badInput
        default: return .badInput
        }
    }

    public var errorDescription: String? {
        switch self {
        case .notARepository(let path, let reason): return "not a git repository: '\(path)': \(reason)"
        case .emptyRepository: return "the repository has no commits yet"
        case .configurationMissing(let file, let revision): return "no \(file) at \(revision)"
        case .configurationUnreadable(let file, let reason): return "cannot read \(file): \(reason)"
        case .unknownRevision(let revision, let reason): return "unknown revision '\(revision)': \(reason)"
        case .unknownEnvironment(let name, let known):
            return "unknown environment '\(name)' (known: \(known.joined(separator: ", ")))"
        case .unknownUnit(let name, let environment, _): return "unknown unit '\(name)' in environment '\(environment)'"
        case .notATree(let path, let revision): return "'\(path)' is not a directory at \(revision)"
        case .invalidInput(let text): return text
        }
    }

    public var hint: String? {
        switch self {
        case .configurationMissing: return "run 'ladder init' to create one, or pass --config FILE"
        case .emptyRepository: return "commit the environments first"
        case .unknownEnvironment(let name, let known):
            return Suggestion.closest(to: name, in: known).map { "did you mean '\($0)'?" }
        case .unknownUnit(let name, _, let known):
            return Suggestion.closest(to: name, in: known).map { "did you mean '\($0)'?" }
                ?? (known.isEmpty ? nil : "units: \(known.prefix(12).joined(separator: ", "))\(known.count > 12 ? ", …" : "")")
        default: return nil
        }
    }
}

extension GitError: LadderFailure {
    public var exitStatus: ExitStatus {
        switch code {
        case .invalidSpec: return .badInput
        default: return .repository
        }
    }
}

extension ConfigError: LadderFailure {
    public var exitStatus: ExitStatus { .badInput }
}

extension ConfigErrors: LadderFailure {
    public var exitStatus: ExitStatus { .badInput }
}
