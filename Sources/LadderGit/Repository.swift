import Clibgit2
import Foundation

/// An open git repository. Not thread-safe: use one instance per thread.
public final class Repository {
    let pointer: OpaquePointer
    /// Opened on first use by raw object reads.
    var cachedObjectDatabase: ObjectDatabase?

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        git_repository_free(pointer)
    }

    /// Opens the repository containing `path`, searching upwards like git does. Works for bare
    /// repositories, `.git` directories and working trees.
    public static func discover(from path: String) throws(GitError) -> Repository {
        ensureLibgit2()
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try check(git_repository_discover(&buffer, path, 0, nil), "find a git repository at '\(path)'")
        let found = String(cString: buffer.ptr)
        return try open(at: found)
    }

    /// Opens the repository at exactly `path` (a working tree, a `.git` directory or a bare repository).
    public static func open(at path: String) throws(GitError) -> Repository {
        ensureLibgit2()
        var repository: OpaquePointer?
        try check(git_repository_open_ext(&repository, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil),
                  "open repository '\(path)'")
        return Repository(pointer: repository!)
    }

    /// Creates a new repository at `path`.
    public static func create(at path: String, bare: Bool = false, initialBranch: String = "main") throws(GitError) -> Repository {
        ensureLibgit2()
        var options = git_repository_init_options()
        try check(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)), "initialise options")
        options.flags = UInt32(GIT_REPOSITORY_INIT_MKPATH.rawValue) | (bare ? UInt32(GIT_REPOSITORY_INIT_BARE.rawValue) : 0)
        var repository: OpaquePointer?
        let status = initialBranch.withCString { branch in
            options.initial_head = branch
            return git_repository_init_ext(&repository, path, &options)
        }
        try check(status, "create repository '\(path)'")
        return Repository(pointer: repository!)
    }

    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    public var isShallow: Bool { git_repository_is_shallow(pointer) == 1 }

    /// True when HEAD points to a branch that has no commit yet.
    public var isHeadUnborn: Bool { git_repository_head_unborn(pointer) == 1 }

    public var isHeadDetached: Bool { git_repository_head_detached(pointer) == 1 }

    /// The `.git` directory (or the bare repository directory), with a trailing slash.
    public var gitDirectory: String { String(cString: git_repository_path(pointer)) }

    /// The working tree directory, or nil for a bare repository.
    public var workingDirectory: String? {
        guard let path = git_repository_workdir(pointer) else { return nil }
        return String(cString: path)
    }

    // MARK: Revisions

    /// Resolves a revision expression (`main`, `HEAD~2`, a sha, a tag, `origin/main`) to a commit id.
    public func resolveCommit(_ revision: String) throws(GitError) -> ObjectID {
        var object: OpaquePointer?
        try check(git_revparse_single(&object, pointer, revision), "resolve revision '\(revision)'")
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        try check(git_object_peel(&peeled, object, GIT_OBJECT_COMMIT), "resolve '\(revision)' to a commit")
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled)!)
    }

    /// Resolves a revision expression to a tree id (a commit's tree, or a tree itself).
    public func resolveTree(_ revision: String) throws(GitError) -> ObjectID {
        var object: OpaquePointer?
        try check(git_revparse_single(&object, pointer, revision), "resolve revision '\(revision)'")
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        try check(git_object_peel(&peeled, object, GIT_OBJECT_TREE), "resolve '\(revision)' to a tree")
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled)!)
    }

    /// True when the object exists in the object database.
    public func contains(_ id: ObjectID) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, pointer) == 0 else { return false }
        defer { git_odb_free(odb) }
        var oid = id.oid
        return git_odb_exists(odb, &oid) == 1
    }

    // MARK: Configuration

    /// A configuration value (`user.name`, `remote.origin.url`), or nil when unset.
    public func configValue(_ key: String) -> String? {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0 else { return nil }
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        guard git_config_get_string(&value, config, key) == 0, let value else { return nil }
        return String(cString: value)
    }

    /// Sets a configuration value in the repository's own configuration file.
    public func setConfigValue(_ key: String, _ value: String) throws(GitError) {
        var config: OpaquePointer?
        try check(git_repository_config(&config, pointer), "open configuration")
        defer { git_config_free(config) }
        try check(git_config_set_string(config, key, value), "set configuration '\(key)'")
    }
}
