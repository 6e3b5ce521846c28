import Clibgit2
import Foundation

/// The mode of a tree entry.
public enum FileMode: UInt32, Sendable, Hashable {
    case tree = 0o040000
    case blob = 0o100644
    case executable = 0o100755
    case symlink = 0o120000
    case submodule = 0o160000

    init(raw: UInt32) {
        self = FileMode(rawValue: raw) ?? (raw & 0o170000 == 0o040000 ? .tree : .blob)
    }

    var gitMode: git_filemode_t { git_filemode_t(rawValue) }

    public var isFile: Bool { self == .blob || self == .executable }
}

/// A name, an email and a moment, as recorded in a commit.
public struct Signature: Sendable, Hashable {
    public var name: String
    public var email: String
    public var time: Date
    /// Offset from UTC in minutes.
    public var offsetMinutes: Int

    public init(name: String, email: String, time: Date, offsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ signature: UnsafePointer<git_signature>) {
        name = String(cString: signature.pointee.name)
        email = String(cString: signature.pointee.email)
        time = Date(timeIntervalSince1970: TimeInterval(signature.pointee.when.time))
        offsetMinutes = Int(signature.pointee.when.offset)
    }

    func withGitSignature<R>(_ body: (UnsafePointer<git_signature>) throws(GitError) -> R) throws(GitError) -> R {
        var signature: UnsafeMutablePointer<git_signature>?
        try check(git_signature_new(&signature, name, email, git_time_t(time.timeIntervalSince1970.rounded(.down)), Int32(offsetMinutes)),
                  "create signature for '\(name) <\(email)>'")
        defer { git_signature_free(signature) }
        return try body(signature!)
    }
}

/// A commit, copied out of libgit2.
public struct Commit: Sendable, Hashable {
    public let id: ObjectID
    public let treeID: ObjectID
    public let parentIDs: [ObjectID]
    public let author: Signature
    public let committer: Signature
    /// The full message, as stored.
    public let message: String

    /// The first line of the message.
    public var summary: String {
        message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }

    /// `Key: value` trailers at the end of the message, in order, as git parses them.
    public var trailers: [Trailer] { Trailer.parse(message) }

    /// The value of the last trailer named `key` (case-insensitive), if any.
    public func trailer(_ key: String) -> String? {
        trailers.last(where: { $0.key.caseInsensitiveCompare(key) == .orderedSame })?.value
    }
}

/// A `Key: value` line from the trailer block of a commit message.
public struct Trailer: Sendable, Hashable {
    public let key: String
    public let value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Parses trailers with libgit2's `git_message_trailers`.
    public static func parse(_ message: String) -> [Trailer] {
        ensureLibgit2()
        var array = git_message_trailer_array()
        guard git_message_trailers(&array, message) == 0 else { return [] }
        defer { git_message_trailer_array_free(&array) }
        var result: [Trailer] = []
        result.reserveCapacity(array.count)
        for index in 0..<array.count {
            let trailer = array.trailers[index]
            let key = String(cString: trailer.key)
            // libgit2 reports a line that is only ":" as a trailer with an empty key; git does not.
            guard !key.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            result.append(Trailer(key: key, value: String(cString: trailer.value)))
        }
        return result
    }
}

/// One entry of a tree.
public struct TreeEntry: Sendable, Hashable {
    public let name: String
    public let id: ObjectID
    public let mode: FileMode

    public init(name: String, id: ObjectID, mode: FileMode) {
        self.name = name
        self.id = id
        self.mode = mode
    }

    public var isTree: Bool { mode == .tree }
}

/// The contents of a blob.
public struct Blob: Sendable {
    public let id: ObjectID
    public let bytes: [UInt8]
    /// libgit2's heuristic: a NUL byte or too many non-printable characters in the first 8000 bytes.
    public let isBinary: Bool

    public init(id: ObjectID, bytes: [UInt8], isBinary: Bool) {
        self.id = id
        self.bytes = bytes
        self.isBinary = isBinary
    }

    public var size: Int { bytes.count }

    /// The content as UTF-8 text, or nil for binary or invalid UTF-8.
    public var text: String? {
        isBinary ? nil : String(validating: bytes, as: UTF8.self)
    }
}

extension Repository {
    /// Reads a commit.
    public func commit(_ id: ObjectID) throws(GitError) -> Commit {
        var oid = id.oid
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, pointer, &oid), "read commit \(id.short)")
        defer { git_commit_free(commit) }
        let parentCount = git_commit_parentcount(commit)
        var parents: [ObjectID] = []
        parents.reserveCapacity(Int(parentCount))
        for index in 0..<parentCount {
            parents.append(ObjectID(git_commit_parent_id(commit, index)!))
        }
        let message = git_commit_message_raw(commit).map { String(cString: $0) } ?? ""
        return Commit(
            id: id,
            treeID: ObjectID(git_commit_tree_id(commit)!),
            parentIDs: parents,
            author: Signature(git_commit_author(commit)!),
            committer: Signature(git_commit_committer(commit)!),
            message: message
        )
    }

    /// The entries of a tree, in git order.
    public func treeEntries(_ id: ObjectID) throws(GitError) -> [TreeEntry] {
        var oid = id.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "read tree \(id.short)")
        defer { git_tree_free(tree) }
        let count = git_tree_entrycount(tree)
        var entries: [TreeEntry] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            let entry = git_tree_entry_byindex(tree, index)!
            entries.append(
                TreeEntry(
                    name: PathCoding.decode(cString: git_tree_entry_name(entry)),
                    id: ObjectID(git_tree_entry_id(entry)!),
                    mode: FileMode(raw: git_tree_entry_filemode_raw(entry).rawValue)
                ))
        }
        return entries
    }

    /// The entry at a slash-separated `path` inside tree `treeID`, or nil when nothing is there.
    /// An empty path names the tree itself.
    public func entry(atPath path: String, inTree treeID: ObjectID) throws(GitError) -> TreeEntry? {
        try entries(atPaths: [path], inTree: treeID)[path] ?? nil
    }

    /// The entries at several paths inside one tree, which is read once (a tree of thousands of
    /// entries costs far more to read than to search). Absent paths map to nil.
    public func entries(atPaths paths: [String], inTree treeID: ObjectID) throws(GitError) -> [String: TreeEntry?] {
        var result: [String: TreeEntry?] = [:]
        guard !paths.isEmpty else { return result }
        var oid = treeID.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "read tree \(treeID.short)")
        defer { git_tree_free(tree) }
        for path in paths where result[path] == nil {
            result[path] = .some(try entry(atPath: path, in: tree!, treeID: treeID))
        }
        return result
    }

    private func entry(atPath path: String, in tree: OpaquePointer, treeID: ObjectID) throws(GitError) -> TreeEntry? {
        if path.isEmpty { return TreeEntry(name: "", id: treeID, mode: .tree) }
        var entry: OpaquePointer?
        let result = PathCoding.withCString(path) { git_tree_entry_bypath(&entry, tree, $0) }
        if result == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(result, "find '\(path)' in tree \(treeID.short)")
        defer { git_tree_entry_free(entry) }
        return TreeEntry(
            name: PathCoding.decode(cString: git_tree_entry_name(entry)),
            id: ObjectID(git_tree_entry_id(entry)!),
            mode: FileMode(raw: git_tree_entry_filemode_raw(entry).rawValue)
        )
    }

    /// Every blob (and symlink, and submodule) below a tree, recursively, with paths relative to it.
    /// `prune` is called for each subtree path; returning false skips that subtree.
    public func walkTree(
        _ treeID: ObjectID, prefix: String = "",
        prune: ((String) -> Bool)? = nil,
        _ visit: (String, TreeEntry) throws -> Void
    ) throws {
        for entry in try treeEntries(treeID) {
            let path = prefix.isEmpty ? entry.name : prefix + "/" + entry.name
            if entry.isTree {
                if let prune, !prune(path) { continue }
                try walkTree(entry.id, prefix: path, prune: prune, visit)
            } else {
                try visit(path, entry)
            }
        }
    }

    /// Reads a blob's content.
    public func blob(_ id: ObjectID) throws(GitError) -> Blob {
        var oid = id.oid
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, &oid), "read blob \(id.short)")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        let bytes: [UInt8]
        if size == 0 {
            bytes = []
        } else {
            let raw = git_blob_rawcontent(blob)!
            bytes = Array(UnsafeRawBufferPointer(start: raw, count: size))
        }
        return Blob(id: id, bytes: bytes, isBinary: git_blob_is_binary(blob) == 1)
    }

    /// The size of a blob without copying its content.
    public func blobSize(_ id: ObjectID) throws(GitError) -> Int {
        var oid = id.oid
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, &oid), "read blob \(id.short)")
        defer { git_blob_free(blob) }
        return Int(git_blob_rawsize(blob))
    }
}

extension Repository {
    /// True when the commit carries a signature header (`gpgsig`); the signature itself is not
    /// verified here (that needs the signer's keys, which the forge has).
    public func isSigned(_ id: ObjectID) throws(GitError) -> Bool {
        var signature = git_buf()
        var signedData = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&signedData)
        }
        var oid = id.oid
        let result = git_commit_extract_signature(&signature, &signedData, pointer, &oid, nil)
        if result == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return false
        }
        try check(result, "read signature of \(id.short)")
        return true
    }
}
