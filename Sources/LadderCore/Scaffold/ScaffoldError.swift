import Foundation

/// Why `ladder init` cannot write a starting configuration.
public enum ScaffoldError: LadderFailure, Equatable {
    /// No directory looked like a set of environments; `searched` lists the layouts tried.
    case nothingDetected(searched: [String], found: String?)
    /// A directory name cannot become an environment name.
    case invalidEnvironmentName(directory: String, path: String)
    /// Two directories map to the same environment name.
    case duplicateEnvironmentName(String, paths: [String])
    case bareRepository(String)
    /// Files exist and `--force` was not given; nothing was written.
    case wouldOverwrite([String])
    case writeFailed(path: String, reason: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .writeFailed: return .repository
        default: return .badInput
        }
    }

    public var errorDescription: String? {
        switch self {
        case .nothingDetected(let searched, let found):
            let detail = found.map { "; \($0)" } ?? ""
            return "no environment directories found (looked for \(searched.joined(separator: ", ")))\(detail)"
        case .invalidEnvironmentName(let directory, let path):
            return "the directory '\(path)' cannot name an environment: '\(directory)' does not fit [a-z0-9][a-z0-9._-]*"
        case .duplicateEnvironmentName(let name, let paths):
            return "the directories \(paths.map { "'\($0)'" }.joined(separator: " and ")) would both be environment '\(name)'"
        case .bareRepository(let path):
            return "'\(path)' is a bare repository; ladder init writes files into a working tree"
        case .wouldOverwrite(let paths):
            return "would overwrite \(paths.joined(separator: ", ")); nothing written"
        case .writeFailed(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }

    public var hint: String? {
        switch self {
        case .nothingDetected:
            return """
                write ladder.yaml by hand, for example:
                  version: 1
                  environments:
                    - name: dev
                      path: environments/dev
                    - name: prod
                      path: environments/prod
                then run 'ladder status'
                """
        case .invalidEnvironmentName, .duplicateEnvironmentName:
            return "rename the directory, or write ladder.yaml by hand with a valid name for it"
        case .bareRepository:
            return "run ladder init in a clone with a working tree, commit the files, then push"
        case .wouldOverwrite:
            return "pass --force to replace them, or --dry-run to see what would be written"
        case .writeFailed:
            return nil
        }
    }
}
