import Clibgit2
import Foundation

/// One changed path between two trees.
public struct TreeDelta: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        case added, deleted, modified, renamed, typeChanged
    }

    public let status: Status
    /// Path in the old tree (equal to `newPath` unless renamed; for an addition, the new path).
    public let oldPath: String
    /// Path in the new tree (for a deletion, the old path).
    public let newPath: String
    public let oldID: ObjectID?
    public let newID: ObjectID?
    public let oldMode: FileMode?
    public let newMode: FileMode?
    /// Rename similarity, 0–100.
    public let similarity: Int

    public init(
        status: Status, oldPath: String, newPath: String, oldID: ObjectID?, newID: ObjectID?,
        oldMode: FileMode?, newMode: FileMode?, similarity: Int = 0
    ) {
        self.status = status
        self.oldPath = oldPath
        self.newPath = newPath
        self.oldID = oldID
        self.newID = newID
        self.oldMode = oldMode
        self.newMode = newMode
        self.similarity = similarity
    }
}

/// Options for `Repository.diffTrees`.
public struct TreeDiffOptions: Sendable {
    /// Detect renames (and count a rename with content changes as one renamed change).
    public var detectRenames: Bool = true
    /// Similarity, in percent, from which an added/deleted pair is a rename.
    public var renameThreshold: Int = 50
    /// Report a changed executable bit or a file ↔ symlink change as `typeChanged`.
    public var reportTypeChanges: Bool = true

    public init(detectRenames: Bool = true, renameThreshold: Int = 50, reportTypeChanges: Bool = true) {
        self.detectRenames = detectRenames
        self.renameThreshold = renameThreshold
        self.reportTypeChanges = reportTypeChanges
    }
}

extension Repository {
    /// Compares two trees (either may be nil for "empty"), typically two environment subtrees.
    /// Identical subtrees are skipped by id, so the cost grows with what differs.
    public func diffTrees(_ old: ObjectID?, _ new: ObjectID?, options: TreeDiffOptions = TreeDiffOptions()) throws(GitError) -> [TreeDelta] {
        if old == new { return [] }
        var oldTree: OpaquePointer?
        var newTree: OpaquePointer?
        defer {
            git_tree_free(oldTree)
            git_tree_free(newTree)
        }
        if let old {
            var oid = old.oid
            try check(git_tree_lookup(&oldTree, pointer, &oid), "read tree \(old.short)")
        }
        if let new {
            var oid = new.oid
            try check(git_tree_lookup(&newTree, pointer, &oid), "read tree \(new.short)")
        }
        var diffOptions = git_diff_options()
        try check(git_diff_options_init(&diffOptions, UInt32(GIT_DIFF_OPTIONS_VERSION)), "initialise diff options")
        if options.reportTypeChanges {
            diffOptions.flags |= GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
        }
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &diffOptions), "compare trees")
        defer { git_diff_free(diff) }
        if options.detectRenames {
            var findOptions = git_diff_find_options()
            try check(git_diff_find_options_init(&findOptions, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "initialise rename options")
            findOptions.flags = GIT_DIFF_FIND_RENAMES.rawValue | GIT_DIFF_FIND_EXACT_MATCH_ONLY.rawValue * 0
            findOptions.rename_threshold = UInt16(options.renameThreshold)
            try check(git_diff_find_similar(diff, &findOptions), "detect renames")
        }
        let count = git_diff_num_deltas(diff)
        var deltas: [TreeDelta] = []
        deltas.reserveCapacity(count)
        for index in 0..<count {
            let delta = git_diff_get_delta(diff, index)!.pointee
            let status: TreeDelta.Status
            switch delta.status {
            case GIT_DELTA_ADDED: status = .added
            case GIT_DELTA_DELETED: status = .deleted
            case GIT_DELTA_RENAMED: status = .renamed
            case GIT_DELTA_TYPECHANGE: status = .typeChanged
            case GIT_DELTA_MODIFIED:
                status = (options.reportTypeChanges && delta.old_file.mode != delta.new_file.mode) ? .typeChanged : .modified
            default: status = .modified
            }
            let oldPath = PathCoding.decode(cString: delta.old_file.path)
            let newPath = PathCoding.decode(cString: delta.new_file.path)
            let hasOld = status != .added
            let hasNew = status != .deleted
            deltas.append(
                TreeDelta(
                    status: status,
                    oldPath: oldPath,
                    newPath: newPath,
                    oldID: hasOld ? ObjectID(delta.old_file.id) : nil,
                    newID: hasNew ? ObjectID(delta.new_file.id) : nil,
                    oldMode: hasOld ? FileMode(raw: UInt32(delta.old_file.mode)) : nil,
                    newMode: hasNew ? FileMode(raw: UInt32(delta.new_file.mode)) : nil,
                    similarity: Int(delta.similarity)
                ))
        }
        return deltas
    }
}

/// A unified diff of two buffers and its line counts.
public struct TextPatch: Sendable {
    public let text: String
    public let added: Int
    public let deleted: Int
    public let isBinary: Bool
}

extension Repository {
    /// A unified diff of two byte buffers (nil = absent), labelled with the given paths, in git's
    /// format (`diff --git a/… b/…`), with added/deleted line counts.
    public func patch(old: [UInt8]?, oldPath: String, new: [UInt8]?, newPath: String, contextLines: Int = 3) throws(GitError) -> TextPatch {
        ensureLibgit2()
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "initialise diff options")
        options.context_lines = UInt32(contextLines)
        var patch: OpaquePointer?
        let oldBytes = old ?? []
        let newBytes = new ?? []
        let status = PathCoding.withCString(oldPath) { oldC in
            PathCoding.withCString(newPath) { newC in
                oldBytes.withUnsafeBytes { oldBuffer in
                    newBytes.withUnsafeBytes { newBuffer in
                        git_patch_from_buffers(
                            &patch,
                            old == nil ? nil : (oldBuffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)), oldBuffer.count, oldC,
                            new == nil ? nil : (newBuffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)), newBuffer.count, newC,
                            &options)
                    }
                }
            }
        }
        try check(status, "diff '\(newPath)'")
        defer { git_patch_free(patch) }
        var context = 0
        var additions = 0
        var deletions = 0
        try check(git_patch_line_stats(&context, &additions, &deletions, patch), "count lines of '\(newPath)'")
        let delta = git_patch_get_delta(patch)!.pointee
        let binary = (delta.flags & GIT_DIFF_FLAG_BINARY.rawValue) != 0
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try check(git_patch_to_buf(&buffer, patch), "format diff of '\(newPath)'")
        let text = buffer.ptr.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: buffer.size), as: UTF8.self) } ?? ""
        return TextPatch(text: text, added: additions, deleted: deletions, isBinary: binary)
    }
}

/// A path that differs between two trees, with its old and new ids (nil: absent on that side).
public struct ChangedPath: Sendable, Hashable {
    public let path: String
    public let oldID: ObjectID?
    public let newID: ObjectID?
}

extension Repository {
    /// The blob paths that differ between two trees, found by walking both trees in step and
    /// descending only into subtrees whose ids differ. No rename or type-change detection: this is
    /// the cheap "which files changed" question asked once per commit of a long history.
    ///
    /// With `retaining`, the trees read stay parsed for the next step of a walk (see
    /// ``TreeRetainer``), so that a walk comparing each commit with its parent reads each tree once.
    public func changedPaths(
        _ old: ObjectID?, _ new: ObjectID?, prefix: String = "", retaining retainer: TreeRetainer? = nil
    ) throws(GitError) -> [ChangedPath] {
        var result: [ChangedPath] = []
        try compareTrees(old, new, prefix: prefix, retainer: retainer, into: &result)
        return result
    }

    private func lookupTree(_ id: ObjectID?, retainer: TreeRetainer?) throws(GitError) -> OpaquePointer? {
        guard let id else { return nil }
        if let tree = retainer?.take(id) { return tree }
        var oid = id.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "read tree \(id.short)")
        retainer?.keep(id, tree!)
        return tree
    }

    private func compareTrees(
        _ old: ObjectID?, _ new: ObjectID?, prefix: String, retainer: TreeRetainer?, into result: inout [ChangedPath]
    ) throws(GitError) {
        if old == new { return }
        let oldTree = try lookupTree(old, retainer: retainer)
        defer { if retainer == nil { git_tree_free(oldTree) } }
        let newTree = try lookupTree(new, retainer: retainer)
        defer { if retainer == nil { git_tree_free(newTree) } }
        let oldCount = oldTree.map { git_tree_entrycount($0) } ?? 0
        let newCount = newTree.map { git_tree_entrycount($0) } ?? 0
        var i = 0
        var j = 0
        func name(_ entry: OpaquePointer) -> String {
            let text = PathCoding.decode(cString: git_tree_entry_name(entry))
            return prefix.isEmpty ? text : prefix + "/" + text
        }
        func isTree(_ entry: OpaquePointer) -> Bool { git_tree_entry_type(entry) == GIT_OBJECT_TREE }
        func emit(_ entry: OpaquePointer, old: Bool) throws(GitError) {
            let id = ObjectID(git_tree_entry_id(entry)!)
            if isTree(entry) {
                try compareTrees(old ? id : nil, old ? nil : id, prefix: name(entry), retainer: retainer, into: &result)
            } else {
                result.append(ChangedPath(path: name(entry), oldID: old ? id : nil, newID: old ? nil : id))
            }
        }
        while i < oldCount || j < newCount {
            let a = i < oldCount ? git_tree_entry_byindex(oldTree, i) : nil
            let b = j < newCount ? git_tree_entry_byindex(newTree, j) : nil
            guard let a else {
                try emit(b!, old: false)
                j += 1
                continue
            }
            guard let b else {
                try emit(a, old: true)
                i += 1
                continue
            }
            // Trees sort as if their names ended in "/", which git_tree_entry_cmp accounts for.
            // Most entries of two versions of a large tree pair up by name: equal names of the
            // same kind compare equal without it.
            let order = isTree(a) == isTree(b) && strcmp(git_tree_entry_name(a), git_tree_entry_name(b)) == 0
                ? 0 : git_tree_entry_cmp(a, b)
            if order < 0 {
                try emit(a, old: true)
                i += 1
            } else if order > 0 {
                try emit(b, old: false)
                j += 1
            } else {
                let aID = ObjectID(git_tree_entry_id(a)!)
                let bID = ObjectID(git_tree_entry_id(b)!)
                if aID != bID || git_tree_entry_filemode_raw(a).rawValue != git_tree_entry_filemode_raw(b).rawValue {
                    switch (isTree(a), isTree(b)) {
                    case (true, true): try compareTrees(aID, bID, prefix: name(a), retainer: retainer, into: &result)
                    case (false, false): result.append(ChangedPath(path: name(a), oldID: aID, newID: bID))
                    default:
                        try emit(a, old: true)
                        try emit(b, old: false)
                    }
                }
                i += 1
                j += 1
            }
        }
    }
}

/// Keeps the trees that ``Repository/changedPaths(_:_:prefix:retaining:)`` reads parsed for the
/// next steps of a walk (call ``advance()`` after each commit). libgit2's object cache skips
/// trees over 4 KiB, so a history walk comparing each commit's environment trees (thousands of
/// entries) with its parent's would otherwise read and parse every such tree twice; and a tree
/// may wait several commits (changes to other environments) before it is compared again. Trees
/// unused for ``depth`` steps are freed. Not thread-safe, like ``Repository``.
public final class TreeRetainer {
    private var trees: [ObjectID: (tree: OpaquePointer, step: Int)] = [:]
    private var step = 0
    public let depth: Int

    public init(depth: Int = 16) {
        self.depth = depth
    }

    deinit {
        for entry in trees.values { git_tree_free(entry.tree) }
    }

    /// A kept tree, marked as used in this step.
    func take(_ id: ObjectID) -> OpaquePointer? {
        guard let tree = trees[id]?.tree else { return nil }
        trees[id] = (tree, step)
        return tree
    }

    func keep(_ id: ObjectID, _ tree: OpaquePointer) {
        trees[id] = (tree, step)
    }

    /// Ends a step: trees unused for ``depth`` steps are freed.
    public func advance() {
        step += 1
        let oldest = step - depth
        for (id, entry) in trees where entry.step < oldest {
            git_tree_free(entry.tree)
            trees[id] = nil
        }
    }
}
