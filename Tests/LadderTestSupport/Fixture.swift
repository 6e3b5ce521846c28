import Foundation

/// A scratch git repository built with the git command line, for tests.
public final class FixtureRepository: @unchecked Sendable {
    public let scratch: ScratchDirectory
    public var path: String { scratch.path }
    private var clock: Int = 0

    /// Creates an empty repository with `main` as its initial branch.
    public init(bare: Bool = false) throws {
        scratch = ScratchDirectory("ladder-repo")
        try Run.git(["init", "-q", "-b", "main"] + (bare ? ["--bare"] : []), in: path)
    }

    /// Writes files (path → content) into the working tree; `nil` content deletes the file.
    public func write(_ files: [String: String?]) throws {
        for (relative, content) in files {
            let full = scratch.join(relative)
            if let content {
                try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try content.write(toFile: full, atomically: true, encoding: .utf8)
            } else {
                try? FileManager.default.removeItem(atPath: full)
            }
        }
    }

    /// Writes raw bytes to a path.
    public func writeBytes(_ relative: String, _ bytes: [UInt8]) throws {
        let full = scratch.join(relative)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }

    /// Stages everything and commits with `message`, with a clock that advances one hour per commit
    /// (or the given ISO date). Returns the new commit id.
    @discardableResult
    public func commit(_ message: String, date: String? = nil) throws -> String {
        clock += 1
        let when = date ?? String(format: "2026-11-01T%02d:00:00Z", min(clock, 23))
        try Run.git(["add", "-A"], in: path)
        try Run.git(["commit", "-q", "--allow-empty", "-m", message], in: path,
                    environment: ["GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when])
        return try head()
    }

    /// Writes files and commits them.
    @discardableResult
    public func commit(_ files: [String: String?], _ message: String, date: String? = nil) throws -> String {
        try write(files)
        return try commit(message, date: date)
    }

    public func head() throws -> String { try Run.gitOutput(["rev-parse", "HEAD"], in: path) }

    public func git(_ arguments: String...) throws -> String { try Run.gitOutput(arguments, in: path) }

    /// Copies a directory tree (e.g. the bundled example) into the repository.
    public func copyTree(from source: String, excluding: Set<String> = []) throws {
        let manager = FileManager.default
        for item in try manager.contentsOfDirectory(atPath: source) where !excluding.contains(item) {
            try manager.copyItem(atPath: (source as NSString).appendingPathComponent(item), toPath: scratch.join(item))
        }
    }

    /// The repository root of the Ladder project (for the bundled example).
    public static var projectRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// The files and folders of the bundled example monorepo at the project root.
    public static let exampleItems = ["ladder.yaml", "ladder-policy.yaml", "templates", "environments", ".ladder", ".github/CODEOWNERS"]

    /// A repository holding the bundled example monorepo (ladder.yaml, templates/, environments/) in one commit.
    public static func example() throws -> FixtureRepository {
        let repository = try FixtureRepository()
        let manager = FileManager.default
        for item in exampleItems {
            let source = (projectRoot as NSString).appendingPathComponent(item)
            guard manager.fileExists(atPath: source) else { continue }
            let target = repository.scratch.join(item)
            try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try manager.copyItem(atPath: source, toPath: target)
        }
        try repository.commit("Import the example monorepo")
        return repository
    }
}
