import Foundation
import LadderGit

/// `ladder init`: detect the layout of a repository's working tree and write the starting files.
public struct Scaffold {
    /// The working tree the files go into.
    public let root: String
    public let layout: DetectedLayout
    public let options: ScaffoldOptions
    /// The files to write, in order.
    public let files: [ScaffoldFile]

    /// Detects the layout of the working tree of `repository` and prepares the files. Refuses a
    /// bare repository. `ci` selects CI files; `forge` and `trunk` come from the repository.
    public static func prepare(repository: Repository, ci: CIProvider?) throws -> Scaffold {
        guard !repository.isBare, let workingDirectory = repository.workingDirectory else {
            throw ScaffoldError.bareRepository(repository.gitDirectory)
        }
        let root = workingDirectory.hasSuffix("/") && workingDirectory.count > 1 ? String(workingDirectory.dropLast()) : workingDirectory
        let layout = try LayoutDetector.detect(ProjectTree.scan(root: root))
        let forge = repository.configValue("remote.origin.url").flatMap(forge(fromRemoteURL:)) ?? (ci == .gitlab ? .gitlab : .github)
        let options = ScaffoldOptions(trunk: trunk(of: repository), forge: forge, ci: ci)
        let manager = FileManager.default
        let files = ScaffoldWriter.files(for: layout, options: options) { manager.fileExists(atPath: (root as NSString).appendingPathComponent($0)) }
        return Scaffold(root: root, layout: layout, options: options, files: files)
    }

    /// The files that exist already and would be replaced.
    public var existingFiles: [String] {
        files.map(\.path).filter { FileManager.default.fileExists(atPath: absolute($0)) }
    }

    /// Writes every file. Without `force`, refuses before writing anything when one of them
    /// exists, listing them all.
    public func write(force: Bool) throws(ScaffoldError) {
        let existing = existingFiles
        if !existing.isEmpty, !force { throw .wouldOverwrite(existing) }
        for file in files {
            let path = absolute(file.path)
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw .writeFailed(path: file.path, reason: error.localizedDescription)
            }
        }
    }

    func absolute(_ relative: String) -> String {
        (root as NSString).appendingPathComponent(relative)
    }

    /// The forge of a remote URL: GitLab when the host names it, else GitHub. Nil when the URL has
    /// no recognisable host.
    public static func forge(fromRemoteURL url: String) -> Forge? {
        guard let host = host(ofRemoteURL: url) else { return nil }
        return host.lowercased().contains("gitlab") ? .gitlab : .github
    }

    /// The host of `https://host/…`, `ssh://user@host:port/…` or scp-like `user@host:path`.
    static func host(ofRemoteURL url: String) -> String? {
        var rest = Substring(url.trimmingCharacters(in: .whitespaces))
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.prefix { $0 != "/" }
        } else {
            guard let colon = rest.firstIndex(of: ":") else { return nil }
            rest = rest[..<colon]
        }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : String(rest)
    }

    /// The trunk: the remote's default branch (`origin/HEAD`), else the current branch, else `main`.
    public static func trunk(of repository: Repository) -> String {
        if let reference = try? repository.reference("refs/remotes/origin/HEAD"),
            reference.name.hasPrefix("refs/remotes/origin/")
        {
            let name = String(reference.name.dropFirst("refs/remotes/origin/".count))
            if name != "HEAD", LadderConfigNames.isValidBranch(name) { return name }
        }
        if let branch = repository.currentBranch, !branch.hasPrefix("ladder/"), LadderConfigNames.isValidBranch(branch) {
            return branch
        }
        return "main"
    }
}
