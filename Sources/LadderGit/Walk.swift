import Clibgit2
import Foundation

/// The order of a revision walk.
public struct WalkOrder: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Newest committer time first.
    public static let time = WalkOrder(rawValue: GIT_SORT_TIME.rawValue)
    /// Parents after all their children.
    public static let topological = WalkOrder(rawValue: GIT_SORT_TOPOLOGICAL.rawValue)
    /// Oldest first (combine with the others).
    public static let reverse = WalkOrder(rawValue: GIT_SORT_REVERSE.rawValue)
}

extension Repository {
    /// Walks commits reachable from `starts` and not from `hidden`, calling `visit` with each id;
    /// `visit` returns false to stop. `firstParent` follows only first parents (the trunk's own history).
    public func walk(
        from starts: [ObjectID], hiding hidden: [ObjectID] = [], firstParent: Bool = false,
        order: WalkOrder = [.topological, .time], _ visit: (ObjectID) throws -> Bool
    ) throws {
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, pointer), "start history walk")
        defer { git_revwalk_free(walker) }
        try check(git_revwalk_sorting(walker, order.rawValue), "sort history walk")
        if firstParent {
            try check(git_revwalk_simplify_first_parent(walker), "follow first parents")
        }
        for start in starts {
            var oid = start.oid
            try check(git_revwalk_push(walker, &oid), "walk from \(start.short)")
        }
        for hide in hidden {
            var oid = hide.oid
            try check(git_revwalk_hide(walker, &oid), "hide \(hide.short)")
        }
        var oid = git_oid()
        while true {
            let status = git_revwalk_next(&oid, walker)
            if status == GIT_ITEROVER.rawValue {
                git_error_clear()
                return
            }
            // A shallow clone ends where its history was cut: libgit2 1.5 reports the missing
            // parent as not found, which for a shallow repository is simply the end of history.
            if status == GIT_ENOTFOUND.rawValue && isShallow {
                git_error_clear()
                return
            }
            try check(status, "walk history")
            if try !visit(ObjectID(oid)) { return }
        }
    }

    /// Commits (newest first) reachable from `start` whose tree entry at one of `paths` differs from
    /// their first parent's — git's path-limited log, without history simplification beyond first parents
    /// when `firstParent` is set. `limit` bounds the number returned.
    public func commitsTouching(
        paths: [String], from start: ObjectID, firstParent: Bool = true, limit: Int = .max
    ) throws -> [Commit] {
        var result: [Commit] = []
        try walk(from: [start], firstParent: firstParent) { id in
            let commit = try self.commit(id)
            let parentTree = try commit.parentIDs.first.flatMap { contains($0) ? try self.commit($0).treeID : nil }
            for path in paths {
                let now = try entry(atPath: path, inTree: commit.treeID)?.id
                let before = try parentTree.flatMap { try entry(atPath: path, inTree: $0)?.id }
                if now != before {
                    result.append(commit)
                    break
                }
            }
            return result.count < limit
        }
        return result
    }

    /// True when `ancestor` is reachable from `descendant` (or equal to it).
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws(GitError) -> Bool {
        if ancestor == descendant { return true }
        var a = descendant.oid
        var b = ancestor.oid
        let result = git_graph_descendant_of(pointer, &a, &b)
        try check(result, "compare history of \(descendant.short) and \(ancestor.short)")
        return result == 1
    }

    /// The best common ancestor of two commits, or nil when they share no history.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> ObjectID? {
        var out = git_oid()
        var first = a.oid
        var second = b.oid
        let result = git_merge_base(&out, pointer, &first, &second)
        if result == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(result, "find merge base of \(a.short) and \(b.short)")
        return ObjectID(out)
    }
}
