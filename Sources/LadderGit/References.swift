import Clibgit2
import Foundation

/// A reference and the commit (or object) it points to.
public struct Reference: Sendable, Hashable {
    /// The full name, e.g. `refs/heads/main`.
    public let name: String
    /// The object the reference resolves to (after following symbolic references).
    public let target: ObjectID

    /// The name without `refs/heads/`, `refs/remotes/` or `refs/tags/`.
    public var shortName: String {
        for prefix in ["refs/heads/", "refs/remotes/", "refs/tags/"] where name.hasPrefix(prefix) {
            return String(name.dropFirst(prefix.count))
        }
        return name
    }
}

extension Repository {
    /// True when `name` is a valid full reference name (`refs/heads/x`, `HEAD`).
    public static func isValidReferenceName(_ name: String) -> Bool {
        ensureLibgit2()
        var valid: Int32 = 0
        guard git_reference_name_is_valid(&valid, name) == 0 else { return false }
        return valid == 1
    }

    /// True when `name` is a valid branch name (without `refs/heads/`).
    public static func isValidBranchName(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("-"), name != "HEAD" else { return false }
        return isValidReferenceName("refs/heads/" + name)
    }

    /// Reads a reference by full name (`refs/heads/main`) or by git's short-name rules
    /// (`main`, `origin/main`, `HEAD`); nil when it does not exist.
    public func reference(_ name: String) throws(GitError) -> Reference? {
        var reference: OpaquePointer?
        let result = git_reference_dwim(&reference, pointer, name)
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EINVALIDSPEC.rawValue {
            git_error_clear()
            return nil
        }
        try check(result, "read reference '\(name)'")
        defer { git_reference_free(reference) }
        var resolved: OpaquePointer?
        let resolveResult = git_reference_resolve(&resolved, reference)
        if resolveResult == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(resolveResult, "resolve reference '\(name)'")
        defer { git_reference_free(resolved) }
        return Reference(name: String(cString: git_reference_name(resolved)), target: ObjectID(git_reference_target(resolved)!))
    }

    /// Reads a reference by its exact full name; nil when it does not exist.
    public func exactReference(_ fullName: String) throws(GitError) -> Reference? {
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, pointer, fullName)
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EINVALIDSPEC.rawValue {
            git_error_clear()
            return nil
        }
        try check(result, "read reference '\(fullName)'")
        return Reference(name: fullName, target: ObjectID(oid))
    }

    /// Every reference whose full name matches the fnmatch-style `glob` (`refs/heads/ladder/*`).
    public func references(matching glob: String) throws(GitError) -> [Reference] {
        var iterator: OpaquePointer?
        try check(git_reference_iterator_glob_new(&iterator, pointer, glob), "list references '\(glob)'")
        defer { git_reference_iterator_free(iterator) }
        var result: [Reference] = []
        while true {
            var reference: OpaquePointer?
            let status = git_reference_next(&reference, iterator)
            if status == GIT_ITEROVER.rawValue {
                git_error_clear()
                break
            }
            try check(status, "list references '\(glob)'")
            defer { git_reference_free(reference) }
            guard git_reference_type(reference) == GIT_REFERENCE_DIRECT, let target = git_reference_target(reference) else { continue }
            result.append(Reference(name: String(cString: git_reference_name(reference)), target: ObjectID(target)))
        }
        return result.sorted { $0.name < $1.name }
    }

    /// Points `fullName` at `target` with compare-and-swap semantics: when `expected` is nil the
    /// reference must not exist yet; otherwise it must still point at `expected`. A reference that
    /// moved or appeared meanwhile raises `GitError.Code.modified` or `.exists`, and nothing is written.
    /// The update is atomic (lock file and rename) and logged in the reflog with `message`.
    public func updateReference(_ fullName: String, to target: ObjectID, expected: ObjectID?, message: String) throws(GitError) {
        var newOID = target.oid
        var reference: OpaquePointer?
        defer { git_reference_free(reference) }
        if let expected {
            var currentOID = expected.oid
            try check(git_reference_create_matching(&reference, pointer, fullName, &newOID, 1, &currentOID, message),
                      "update reference '\(fullName)' from \(expected.short) to \(target.short)")
        } else {
            try check(git_reference_create(&reference, pointer, fullName, &newOID, 0, message),
                      "create reference '\(fullName)'")
        }
    }

    /// Deletes `fullName` if it still points at `expected`.
    public func deleteReference(_ fullName: String, expected: ObjectID) throws(GitError) {
        var reference: OpaquePointer?
        try check(git_reference_lookup(&reference, pointer, fullName), "read reference '\(fullName)'")
        defer { git_reference_free(reference) }
        guard let target = git_reference_target(reference), ObjectID(target) == expected else {
            throw GitError(operation: "delete reference '\(fullName)'", code: .modified, message: "the reference moved")
        }
        try check(git_reference_delete(reference), "delete reference '\(fullName)'")
    }

    /// The branch HEAD points to (e.g. `main`), or nil when HEAD is detached.
    public var currentBranch: String? {
        var head: OpaquePointer?
        guard git_reference_lookup(&head, pointer, "HEAD") == 0 else {
            git_error_clear()
            return nil
        }
        defer { git_reference_free(head) }
        guard git_reference_type(head) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(head) else { return nil }
        let name = String(cString: target)
        return name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : name
    }
}
