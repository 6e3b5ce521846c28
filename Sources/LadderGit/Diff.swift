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
    /// Compares two trees (either may be nil for "empty"), typically two environment subtrees,
    /// in git's path order. Both trees are walked in step and only subtrees whose ids differ are
    /// opened, so the cost follows what differs, not the size of the trees (libgit2's
    /// `git_diff_tree_to_tree` reads every subtree of both sides). Renames need content
    /// similarity: when there are both additions and deletions, the smallest subtree holding all
    /// of them is handed to libgit2's `git_diff_find_similar`, which decides exactly as before.
    public func diffTrees(_ old: ObjectID?, _ new: ObjectID?, options: TreeDiffOptions = TreeDiffOptions()) throws(GitError) -> [TreeDelta] {
        if old == new { return [] }
        var entries: [ChangedEntry] = []
        try compareTrees(old, new, prefix: "", into: &entries)
        var deltas: [TreeDelta] = []
        deltas.reserveCapacity(entries.count)
        for entry in entries { entry.appendDeltas(to: &deltas, reportTypeChanges: options.reportTypeChanges) }
        guard options.detectRenames else { return deltas }
        let unpaired = deltas.filter { $0.status == .added || $0.status == .deleted }
        guard unpaired.contains(where: { $0.status == .added }), unpaired.contains(where: { $0.status == .deleted }) else {
            return deltas
        }
        let directory = Self.commonDirectory(of: unpaired.map(\.newPath))
        let inner = try libgit2DiffTrees(
            try subtree(old, at: directory), try subtree(new, at: directory), options: options
        ).map { $0.prefixed(by: directory) }
        let outside = deltas.filter { !Self.path($0.newPath, isInside: directory) }
        return (outside + inner).sorted { $0.newPath.utf8.lexicographicallyPrecedes($1.newPath.utf8) }
    }

    /// The deepest directory containing every path ("" for the root).
    static func commonDirectory(of paths: [String]) -> String {
        guard var common = paths.first.map({ $0.split(separator: "/", omittingEmptySubsequences: false).dropLast() }) else { return "" }
        for path in paths.dropFirst() {
            let components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            var shared = 0
            while shared < common.count, shared < components.count,
                common[common.startIndex + shared] == components[components.startIndex + shared] {
                shared += 1
            }
            common = common.prefix(shared)
        }
        return common.joined(separator: "/")
    }

    static func path(_ path: String, isInside directory: String) -> Bool {
        directory.isEmpty || path.hasPrefix(directory + "/")
    }

    /// The id of the subtree at `path` under `root` (nil when absent or not a tree).
    private func subtree(_ root: ObjectID?, at path: String) throws(GitError) -> ObjectID? {
        guard let root, !path.isEmpty else { return root }
        let tree = try lookupTree(root)
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let status = PathCoding.withCString(path) { git_tree_entry_bypath(&entry, tree, $0) }
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try check(status, "read '\(path)' in tree \(root.short)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return nil }
        return ObjectID(git_tree_entry_id(entry)!)
    }

    /// libgit2's own tree-to-tree diff with rename detection, which opens every subtree of both
    /// sides (internal: the tests use it as the oracle for `diffTrees`).
    func libgit2DiffTrees(_ old: ObjectID?, _ new: ObjectID?, options: TreeDiffOptions) throws(GitError) -> [TreeDelta] {
        if old == new { return [] }
        let oldTree = try lookupTree(old)
        defer { git_tree_free(oldTree) }
        let newTree = try lookupTree(new)
        defer { git_tree_free(newTree) }
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
            findOptions.flags = GIT_DIFF_FIND_RENAMES.rawValue
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
            let hasOld = status != .added
            let hasNew = status != .deleted
            deltas.append(
                TreeDelta(
                    status: status,
                    oldPath: PathCoding.decode(cString: delta.old_file.path),
                    newPath: PathCoding.decode(cString: delta.new_file.path),
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

extension TreeDelta {
    func prefixed(by directory: String) -> TreeDelta {
        guard !directory.isEmpty else { return self }
        return TreeDelta(
            status: status, oldPath: directory + "/" + oldPath, newPath: directory + "/" + newPath,
            oldID: oldID, newID: newID, oldMode: oldMode, newMode: newMode, similarity: similarity)
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

/// A non-tree entry that differs between two trees, as found by the stepwise walk.
struct ChangedEntry {
    let path: String
    let oldID: ObjectID?
    let newID: ObjectID?
    let oldMode: FileMode?
    let newMode: FileMode?

    /// The deltas git reports for this entry: a changed mode is a type change when asked for;
    /// otherwise a change of kind (file, symlink, submodule) is a deletion and an addition.
    func appendDeltas(to deltas: inout [TreeDelta], reportTypeChanges: Bool) {
        switch (oldID, newID) {
        case (nil, let new?):
            deltas.append(TreeDelta(status: .added, oldPath: path, newPath: path, oldID: nil, newID: new, oldMode: nil, newMode: newMode))
        case (let old?, nil):
            deltas.append(TreeDelta(status: .deleted, oldPath: path, newPath: path, oldID: old, newID: nil, oldMode: oldMode, newMode: nil))
        case (let old?, let new?):
            if oldMode == newMode {
                deltas.append(TreeDelta(status: .modified, oldPath: path, newPath: path, oldID: old, newID: new, oldMode: oldMode, newMode: newMode))
            } else if reportTypeChanges {
                deltas.append(TreeDelta(status: .typeChanged, oldPath: path, newPath: path, oldID: old, newID: new, oldMode: oldMode, newMode: newMode))
            } else if oldMode?.kind == newMode?.kind {
                deltas.append(TreeDelta(status: .modified, oldPath: path, newPath: path, oldID: old, newID: new, oldMode: oldMode, newMode: newMode))
            } else {
                deltas.append(TreeDelta(status: .deleted, oldPath: path, newPath: path, oldID: old, newID: nil, oldMode: oldMode, newMode: nil))
                deltas.append(TreeDelta(status: .added, oldPath: path, newPath: path, oldID: nil, newID: new, oldMode: nil, newMode: newMode))
            }
        case (nil, nil):
            break
        }
    }
}

extension FileMode {
    /// Files with and without the executable bit are one kind; symlinks and submodules others.
    var kind: Int {
        switch self {
        case .blob, .executable: 0
        case .symlink: 1
        case .submodule: 2
        case .tree: 3
        }
    }
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
        var entries: [ChangedEntry] = []
        try compareTrees(old, new, prefix: prefix, retainer: retainer, into: &entries)
        return entries.map { ChangedPath(path: $0.path, oldID: $0.oldID, newID: $0.newID) }
    }

    fileprivate func lookupTree(_ id: ObjectID?, retainer: TreeRetainer? = nil) throws(GitError) -> OpaquePointer? {
        guard let id else { return nil }
        if let tree = retainer?.take(id) { return tree }
        var oid = id.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "read tree \(id.short)")
        retainer?.keep(id, tree!)
        return tree
    }

    /// Walks both trees in step (git's entry order, in which a tree sorts as if its name ended
    /// in "/", so the output is in full-path byte order) and appends every differing non-tree
    /// entry, opening only subtrees whose ids differ.
    fileprivate func compareTrees(
        _ old: ObjectID?, _ new: ObjectID?, prefix: String, retainer: TreeRetainer? = nil, into result: inout [ChangedEntry]
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
        func mode(_ entry: OpaquePointer) -> FileMode { FileMode(raw: git_tree_entry_filemode_raw(entry).rawValue) }
        func emit(_ entry: OpaquePointer, old: Bool) throws(GitError) {
            let id = ObjectID(git_tree_entry_id(entry)!)
            if isTree(entry) {
                try compareTrees(old ? id : nil, old ? nil : id, prefix: name(entry), retainer: retainer, into: &result)
            } else if old {
                result.append(ChangedEntry(path: name(entry), oldID: id, newID: nil, oldMode: mode(entry), newMode: nil))
            } else {
                result.append(ChangedEntry(path: name(entry), oldID: nil, newID: id, oldMode: nil, newMode: mode(entry)))
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
                // Most pairs are equal: compare the raw ids and modes before building values.
                if git_oid_cmp(git_tree_entry_id(a), git_tree_entry_id(b)) != 0
                    || git_tree_entry_filemode_raw(a).rawValue != git_tree_entry_filemode_raw(b).rawValue
                {
                    let aID = ObjectID(git_tree_entry_id(a)!)
                    let bID = ObjectID(git_tree_entry_id(b)!)
                    let aMode = mode(a)
                    let bMode = mode(b)
                    switch (isTree(a), isTree(b)) {
                    case (true, true): try compareTrees(aID, bID, prefix: name(a), retainer: retainer, into: &result)
                    case (false, false): result.append(ChangedEntry(path: name(a), oldID: aID, newID: bID, oldMode: aMode, newMode: bMode))
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
