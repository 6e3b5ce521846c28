import Clibgit2
import Foundation

/// An object-database handle, read once per repository and freed with it.
final class ObjectDatabase {
    let pointer: OpaquePointer

    init(_ repository: OpaquePointer) throws(GitError) {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository), "open the object database")
        pointer = odb!
    }

    deinit { git_odb_free(pointer) }
}

extension Repository {
    /// Reads commit `id` with one object-database read, without parsing its signatures, and
    /// calls `body` with its parent ids and its message bytes: what `git_commit_message_raw`
    /// gives (everything after the header's blank line), up to the first NUL byte. The bytes
    /// are only valid inside `body`.
    ///
    /// This is the cheap read for walks that only need the chain and the message (the audit
    /// log: 100,000 commits whose signatures nobody reads). Objects that are not commits, or
    /// whose header does not start with `tree`, `parent`... `author`, `committer` lines, are
    /// refused.
    public func withRawCommit<R>(
        _ id: ObjectID, _ body: (_ parents: [ObjectID], _ message: UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        let odb = try objectDatabase()
        var oid = id.oid
        var object: OpaquePointer?
        try check(git_odb_read(&object, odb.pointer, &oid), "read commit \(id.short)")
        defer { git_odb_object_free(object) }
        guard git_odb_object_type(object) == GIT_OBJECT_COMMIT else {
            throw GitError(operation: "read commit \(id.short)", code: .invalid, errorClass: 0, message: "not a commit")
        }
        let size = git_odb_object_size(object)
        let data = UnsafeRawBufferPointer(start: git_odb_object_data(object), count: size)
        guard let header = RawCommitHeader(data) else {
            throw GitError(operation: "read commit \(id.short)", code: .invalid, errorClass: 0, message: "malformed commit header")
        }
        var message = UnsafeRawBufferPointer(rebasing: data[header.messageStart...])
        if let base = message.baseAddress, let nul = memchr(base, 0, message.count) {
            message = UnsafeRawBufferPointer(start: base, count: base.distance(to: UnsafeRawPointer(nul)))
        }
        return try body(header.parents, message)
    }

    func objectDatabase() throws(GitError) -> ObjectDatabase {
        if let odb = cachedObjectDatabase { return odb }
        let odb = try ObjectDatabase(pointer)
        cachedObjectDatabase = odb
        return odb
    }
}

/// The parts of a raw commit header that a chain walk needs, parsed as libgit2's
/// `commit_parse` does: `tree <hex>`, then zero or more `parent <hex>` lines, then `author` and
/// `committer`; the message starts after the first empty line.
struct RawCommitHeader {
    var parents: [ObjectID] = []
    var messageStart: Int

    init?(_ data: UnsafeRawBufferPointer) {
        var index = 0
        func line(_ prefix: StaticString) -> Bool {
            let count = prefix.utf8CodeUnitCount
            guard index + count <= data.count else { return false }
            for offset in 0..<count where data[index + offset] != prefix.utf8Start[offset] { return false }
            return true
        }
        func id(after prefix: StaticString) -> ObjectID? {
            let start = index + prefix.utf8CodeUnitCount
            guard start + 41 <= data.count, data[start + 40] == 0x0A else { return nil }
            var oid = git_oid()
            let status = data.baseAddress!.advanced(by: start).withMemoryRebound(to: CChar.self, capacity: 40) {
                git_oid_fromstrn(&oid, $0, 40)
            }
            guard status == 0 else { return nil }
            index = start + 41
            return ObjectID(oid)
        }
        guard line("tree "), id(after: "tree ") != nil else { return nil }
        while line("parent ") {
            guard let parent = id(after: "parent ") else { return nil }
            parents.append(parent)
        }
        // One or more author lines (libgit2 ignores extra ones), then the committer line.
        func skipLine() {
            while index < data.count && data[index] != 0x0A { index += 1 }
            index += 1
        }
        guard line("author ") else { return nil }
        while line("author ") { skipLine() }
        guard line("committer ") else { return nil }
        skipLine()
        guard index <= data.count else { return nil }
        // The header ends at the first empty line; without one the message is empty.
        messageStart = data.count
        var position = index - 1
        while position + 1 < data.count {
            if data[position] == 0x0A && data[position + 1] == 0x0A {
                messageStart = position + 2
                break
            }
            position += 1
        }
    }
}
