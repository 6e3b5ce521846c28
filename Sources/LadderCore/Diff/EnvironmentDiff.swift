import Foundation
import LadderGit

/// What promoting one environment into another would change in the target (SPEC section 4).
public struct EnvironmentDiff: Sendable {
    /// One side of the comparison.
    public struct Side: Sendable {
        public let environment: String
        public let path: String
        public let commit: ObjectID
        /// nil when the environment directory does not exist at `commit`.
        public let tree: ObjectID?
    }

    public let from: Side
    public let to: Side
    public let changes: [FileChange]
    /// Whether `--rendered` (base + overlay) content was compared.
    public let rendered: Bool
    /// Rendered file contents by the blob id they would have (only with `rendered`).
    public let renderedContent: [ObjectID: [UInt8]]

    /// Counts by status, plus the number of changes that will not move (excluded or kept).
    public var summary: Summary { Summary(changes) }

    /// Changes that a promotion would carry into the target.
    public var promotable: [FileChange] { changes.filter(\.promotable) }

    public struct Summary: Sendable, Hashable {
        public var added = 0, modified = 0, deleted = 0, renamed = 0, typeChanged = 0, kept = 0, excluded = 0

        init(_ changes: [FileChange]) {
            for change in changes {
                switch change.status {
                case .added: added += 1
                case .modified: modified += 1
                case .deleted: deleted += 1
                case .renamed: renamed += 1
                case .typeChanged: typeChanged += 1
                case .kept: kept += 1
                }
                if change.excludedBy != nil { excluded += 1 }
            }
        }
    }
}

/// One file that differs between the two environments, seen from the target.
public struct FileChange: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case added, deleted, kept, modified, renamed
        case typeChanged = "type_changed"

        /// The letter git uses in `--name-status`.
        public var letter: String {
            switch self {
            case .added: return "A"
            case .deleted, .kept: return "D"
            case .modified: return "M"
            case .renamed: return "R"
            case .typeChanged: return "T"
            }
        }
    }

    /// How a promotable file moves.
    public enum Mode: String, Sendable, Hashable {
        /// The whole file is copied.
        case file
        /// Only configured key paths are copied (`promote.keys`).
        case keys
        /// Only the first capture group of a pattern is copied (`promote.patterns`).
        case pattern
    }

    /// Path relative to the environment directory (the source's path for renames).
    public let path: String
    /// For renames, the path in the target that the file had.
    public let oldPath: String?
    public let unit: String?
    public let status: Status
    public let promotable: Bool
    public let mode: Mode
    /// The `promote.exclude` pattern that makes the file environment-specific.
    public let excludedBy: String?
    /// Why the change is or is not promotable, in plain words.
    public let reason: String?
    /// Target blob (old) and source blob (new).
    public let oldBlob: ObjectID?
    public let newBlob: ObjectID?
    public let oldMode: FileMode?
    public let newMode: FileMode?
    /// Key-level changes for YAML/JSON files and pattern captures; nil when not computed.
    public let keys: [KeyDifference]?
    public let binary: Bool
    /// A problem reading the file (malformed YAML, too large, escaping symlink); the rest of the diff stands.
    public let problem: String?
    /// Rename similarity (0–100) for renamed files.
    public let similarity: Int
}

/// One changed value inside a file.
public struct KeyDifference: Sendable, Hashable {
    public let path: String
    public let old: String?
    public let new: String?
    /// True when a promotion moves this value (always true outside key-level files).
    public let promotable: Bool

    public init(path: String, old: String?, new: String?, promotable: Bool) {
        self.path = path
        self.old = old
        self.new = new
        self.promotable = promotable
    }
}

extension Workspace {
    /// The unified diff of one change as it would land in the target (old = target, new = source).
    public func patch(for change: FileChange, in diff: EnvironmentDiff) throws -> TextPatch {
        func bytes(_ id: ObjectID?) throws -> [UInt8]? {
            guard let id else { return nil }
            if let rendered = diff.renderedContent[id] { return rendered }
            return try repository.blob(id).bytes
        }
        let oldPath = "\(diff.to.environment)/\(change.oldPath ?? change.path)"
        let newPath = "\(diff.to.environment)/\(change.path)"
        return try repository.patch(old: bytes(change.oldBlob), oldPath: oldPath, new: bytes(change.newBlob), newPath: newPath)
    }
}
