import Clibgit2
import Foundation

/// One change to a tree, addressed by a slash-separated path from the tree's root.
public enum TreeUpdate: Sendable, Hashable {
    /// Adds or replaces the entry at `path` (a blob, a symlink or a whole subtree).
    case upsert(path: String, id: ObjectID, mode: FileMode)
    /// Removes the entry at `path`; removing a path that does not exist is not an error.
    case remove(path: String)

    public var path: String {
        switch self {
        case .upsert(let path, _, _), .remove(let path): return path
        }
    }
}

extension Repository {
    /// Writes a blob and returns its id.
    public func writeBlob(_ bytes: [UInt8]) throws(GitError) -> ObjectID {
        var oid = git_oid()
        let result = bytes.withUnsafeBytes { buffer in
            git_blob_create_from_buffer(&oid, pointer, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, buffer.count)
        }
        try check(result, "write blob")
        return ObjectID(oid)
    }

    /// The id of the empty tree, written if needed.
    public func emptyTree() throws(GitError) -> ObjectID {
        var builder: OpaquePointer?
        try check(git_treebuilder_new(&builder, pointer, nil), "create tree builder")
        defer { git_treebuilder_free(builder) }
        var oid = git_oid()
        try check(git_treebuilder_write(&oid, builder), "write empty tree")
        return ObjectID(oid)
    }

    /// Builds a new tree from `base` (nil: the empty tree) with `updates` applied at their paths,
    /// entirely in memory: no index, no working tree. Intermediate trees are created as needed and
    /// trees left empty by removals disappear, as in git.
    public func updateTree(_ base: ObjectID?, _ updates: [TreeUpdate]) throws(GitError) -> ObjectID {
        let baseID: ObjectID
        if let base { baseID = base } else { baseID = try emptyTree() }
        guard !updates.isEmpty else { return baseID }
        var oid = baseID.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "read tree \(baseID.short)")
        defer { git_tree_free(tree) }

        // libgit2 fails on removing a missing path; drop such removals first, and keep only the
        // last update for any path.
        var latest: [String: TreeUpdate] = [:]
        for update in updates { latest[update.path] = update }
        var effective: [TreeUpdate] = []
        for update in latest.values.sorted(by: { $0.path < $1.path }) {
            if case .remove(let path) = update {
                guard try entry(atPath: path, inTree: baseID) != nil else { continue }
            }
            effective.append(update)
        }
        guard !effective.isEmpty else { return baseID }

        // Keep the C path strings alive for the duration of the call.
        var pathBuffers: [[CChar]] = effective.map { update in
            PathCoding.encode(update.path).map { CChar(bitPattern: $0) } + [0]
        }
        var result = git_oid()
        var gitUpdates: [git_tree_update] = []
        gitUpdates.reserveCapacity(effective.count)
        let status: Int32 = pathBuffers.withUnsafeMutableBufferPointer { buffers in
            for (index, update) in effective.enumerated() {
                var item = git_tree_update()
                item.path = UnsafePointer(buffers[index].withUnsafeMutableBufferPointer { $0.baseAddress! })
                switch update {
                case .upsert(_, let id, let mode):
                    item.action = GIT_TREE_UPDATE_UPSERT
                    item.id = id.oid
                    item.filemode = mode.gitMode
                case .remove:
                    item.action = GIT_TREE_UPDATE_REMOVE
                }
                gitUpdates.append(item)
            }
            return git_tree_create_updated(&result, pointer, tree, gitUpdates.count, gitUpdates)
        }
        _ = pathBuffers
        try check(status, "build tree from \(baseID.short)")
        return ObjectID(result)
    }

    /// Writes a commit object without moving any reference.
    public func createCommit(
        tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String
    ) throws(GitError) -> ObjectID {
        var treeOID = tree.oid
        var treeObject: OpaquePointer?
        try check(git_tree_lookup(&treeObject, pointer, &treeOID), "read tree \(tree.short)")
        defer { git_tree_free(treeObject) }
        var parentObjects: [OpaquePointer?] = []
        defer { parentObjects.forEach { git_commit_free($0) } }
        for parent in parents {
            var parentOID = parent.oid
            var commit: OpaquePointer?
            try check(git_commit_lookup(&commit, pointer, &parentOID), "read commit \(parent.short)")
            parentObjects.append(commit)
        }
        var result = git_oid()
        try author.withGitSignature { (authorSignature) throws(GitError) in
            try committer.withGitSignature { (committerSignature) throws(GitError) in
                let status = parentObjects.withUnsafeMutableBufferPointer { buffer in
                    git_commit_create(
                        &result, pointer, nil, authorSignature, committerSignature, "UTF-8", message,
                        treeObject, buffer.count, buffer.baseAddress)
                }
                try check(status, "write commit")
            }
        }
        return ObjectID(result)
    }

    /// The signature git would use for new commits: `user.name`/`user.email` from configuration,
    /// falling back to the given defaults, at `time`.
    public func defaultSignature(time: Date, fallbackName: String = "Ladder", fallbackEmail: String = "ladder@localhost") -> Signature {
        Signature(
            name: configValue("user.name") ?? fallbackName,
            email: configValue("user.email") ?? fallbackEmail,
            time: time
        )
    }
}

extension Repository {
    /// The id a blob with these bytes would have, without writing it.
    public func hashBlob(_ bytes: [UInt8]) throws(GitError) -> ObjectID {
        var oid = git_oid()
        let result = bytes.withUnsafeBytes { buffer in
            git_odb_hash(&oid, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, buffer.count, GIT_OBJECT_BLOB)
        }
        try check(result, "hash blob")
        return ObjectID(oid)
    }
}
