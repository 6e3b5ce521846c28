/// Everything a pull-request title, body and payload are made of, for a promotion or a rollback.
///
/// The promotion and rollback engines fill it in; rendering it needs no repository.
public struct PullRequestContext: Sendable, Hashable {
    /// Whether the pull request promotes a change or rolls one back.
    public enum Kind: String, Sendable, Hashable {
        case promotion, rollback
    }

    /// A unit the change touches, with its version before and after (`version_key`), when known.
    public struct Unit: Sendable, Hashable {
        public var name: String
        public var oldVersion: String?
        public var newVersion: String?

        public init(name: String, oldVersion: String? = nil, newVersion: String? = nil) {
            self.name = name
            self.oldVersion = oldVersion
            self.newVersion = newVersion
        }
    }

    /// How a file changes in the target environment.
    public enum FileStatus: String, Sendable, Hashable, CaseIterable {
        case added, modified, deleted, renamed
        case typeChanged = "type_changed"

        /// The status in plain words, as shown in the body.
        public var words: String {
            switch self {
            case .typeChanged: return "type changed"
            default: return rawValue
            }
        }
    }

    /// One changed value inside a file (`image.tag: 1.4.0 → 1.5.0`); nil means absent on that side.
    public struct KeyChange: Sendable, Hashable {
        public var path: String
        public var old: String?
        public var new: String?

        public init(path: String, old: String?, new: String?) {
            self.path = path
            self.old = old
            self.new = new
        }
    }

    /// A file the change writes into the target environment.
    public struct ChangedFile: Sendable, Hashable {
        /// Path relative to the environment directory.
        public var path: String
        /// For a rename, the path the file had in the target.
        public var oldPath: String?
        public var status: FileStatus
        /// Key-level changes, in the order they should be shown.
        public var keys: [KeyChange]
        public var binary: Bool

        public init(path: String, oldPath: String? = nil, status: FileStatus, keys: [KeyChange] = [], binary: Bool = false) {
            self.path = path
            self.oldPath = oldPath
            self.status = status
            self.keys = keys
            self.binary = binary
        }
    }

    /// A file that differs but is environment-specific, with the `promote.exclude` rule that keeps it.
    public struct ExcludedFile: Sendable, Hashable {
        public var path: String
        public var rule: String

        public init(path: String, rule: String) {
            self.path = path
            self.rule = rule
        }
    }

    /// A use of `--break-glass`: the policy was bypassed.
    public struct BreakGlass: Sendable, Hashable {
        public var reason: String
        /// Who used it.
        public var by: String

        public init(reason: String, by: String) {
            self.reason = reason
            self.by = by
        }
    }

    /// What a rollback undoes.
    public struct Rollback: Sendable, Hashable {
        public enum Target: String, Sendable, Hashable {
            /// `--promotion ID` or the most recent promotion: `of` is a promotion id.
            case promotion
            /// `--to REV`: `of` is the revision whose content is restored.
            case revision
        }

        public var target: Target
        /// The promotion id or revision (the `Ladder-Rollback-Of` trailer).
        public var of: String
        public var reason: String?

        public init(target: Target, of: String, reason: String? = nil) {
            self.target = target
            self.of = of
            self.reason = reason
        }
    }

    /// One promotion edge of the environment ladder.
    public struct Edge: Sendable, Hashable {
        public var from: String
        public var to: String

        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    /// The environment ladder: environments from least to most protected, and every promotion edge.
    public struct Ladder: Sendable, Hashable {
        public var environments: [String]
        public var edges: [Edge]

        public init(environments: [String], edges: [Edge]) {
            self.environments = environments
            self.edges = edges
        }

        /// The default ladder: each environment feeds the next one.
        public init(chain environments: [String]) {
            self.environments = environments
            self.edges = zip(environments, environments.dropFirst()).map { Edge(from: $0, to: $1) }
        }
    }

    public var kind: Kind
    /// Source environment of a promotion; nil for a rollback.
    public var from: String?
    /// The environment the change lands in.
    public var to: String
    /// The branch holding the change (the pull request's head).
    public var branch: String
    /// The branch it merges into (the trunk).
    public var baseBranch: String
    /// Promotion id (`Ladder-Promotion`), or the rollback's own id.
    public var id: String
    /// Commit the source content was read from (`Ladder-Source-Commit`); for a rollback, the commit
    /// whose content is restored, when there is one.
    public var sourceCommit: String?
    /// The trunk commit the branch was built on.
    public var baseCommit: String
    /// Who prepared the change.
    public var actor: String
    public var breakGlass: BreakGlass?
    /// Set exactly when `kind` is `.rollback`.
    public var rollback: Rollback?
    public var units: [Unit]
    public var changedFiles: [ChangedFile]
    public var excludedFiles: [ExcludedFile]
    /// What the policy will require at merge, one plain-language line each (from the policy module).
    public var requirements: [String]
    public var ladder: Ladder
    /// The command that undoes this change, e.g. `ladder rollback staging --promotion 0123abcd…`.
    public var rollbackCommand: String?
    /// The command that shows every change when the body had to leave some out. Defaults to
    /// `ladder diff <from> <to>` for a promotion and `git diff <base>...<branch>` for a rollback.
    public var fullDiffCommand: String?
    public var forge: Forge

    public init(
        kind: Kind,
        from: String?,
        to: String,
        branch: String,
        baseBranch: String,
        id: String,
        sourceCommit: String?,
        baseCommit: String,
        actor: String,
        breakGlass: BreakGlass? = nil,
        rollback: Rollback? = nil,
        units: [Unit] = [],
        changedFiles: [ChangedFile] = [],
        excludedFiles: [ExcludedFile] = [],
        requirements: [String] = [],
        ladder: Ladder,
        rollbackCommand: String? = nil,
        fullDiffCommand: String? = nil,
        forge: Forge
    ) {
        self.kind = kind
        self.from = from
        self.to = to
        self.branch = branch
        self.baseBranch = baseBranch
        self.id = id
        self.sourceCommit = sourceCommit
        self.baseCommit = baseCommit
        self.actor = actor
        self.breakGlass = breakGlass
        self.rollback = rollback
        self.units = units
        self.changedFiles = changedFiles
        self.excludedFiles = excludedFiles
        self.requirements = requirements
        self.ladder = ladder
        self.rollbackCommand = rollbackCommand
        self.fullDiffCommand = fullDiffCommand
        self.forge = forge
    }

    /// The command shown when files had to be left out of the body.
    public var effectiveFullDiffCommand: String {
        if let fullDiffCommand { return fullDiffCommand }
        switch kind {
        case .promotion: return "ladder diff \(from ?? "?") \(to)"
        case .rollback: return "git diff \(baseBranch)...\(branch)"
        }
    }
}

extension PullRequestContext.FileStatus {
    /// The pull-request status of a diff status; nil for `kept` (a kept file does not move).
    public init?(_ status: FileChange.Status) {
        switch status {
        case .added: self = .added
        case .modified: self = .modified
        case .deleted: self = .deleted
        case .renamed: self = .renamed
        case .typeChanged: self = .typeChanged
        case .kept: return nil
        }
    }
}

extension Forge {
    /// The longest pull-request body (GitHub) or merge-request description (GitLab) the forge
    /// accepts, in UTF-16 code units.
    ///
    /// GitHub documents 65,536 characters; GitLab 1,048,576. Counting UTF-16 code units is never
    /// less than counting Unicode scalars or grapheme clusters, so a body within this count is within
    /// the limit however the forge counts.
    public var bodyLimit: Int {
        switch self {
        case .github: return 65_536
        case .gitlab: return 1_048_576
        }
    }

    /// The forge's name for a pull request, for notes in the body.
    public var displayName: String {
        switch self {
        case .github: return "GitHub"
        case .gitlab: return "GitLab"
        }
    }
}
