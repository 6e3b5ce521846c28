import Foundation

/// A `git fast-import` process fed through a pipe.
///
/// Commands are buffered and written in large chunks; ``sha(ofMark:)`` flushes and asks
/// fast-import for the object id behind a mark (`get-mark`), which is how commit messages can
/// name earlier commits (`Ladder-Source-Commit`) while the stream is still being written.
final class FastImport {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer: [UInt8] = []
    private var nextMark = 1

    init(repository: String, environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", repository, "fast-import", "--quiet", "--done", "--depth=50"]
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        buffer.reserveCapacity(1 << 21)
    }

    /// A fresh mark number.
    func newMark() -> Int {
        defer { nextMark += 1 }
        return nextMark
    }

    func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { flush() }
    }

    /// A `data` command with exact byte count.
    func data(_ text: String) {
        let bytes = Array(text.utf8)
        line("data \(bytes.count)")
        buffer.append(contentsOf: bytes)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { flush() }
    }

    /// Starts a commit on `ref`. `parents` are marks: the first becomes `from`, the others `merge`.
    /// Without parents, the commit continues the ref's current tip in the stream (or is a root).
    func commit(
        ref: String, mark: Int?, author: Identity, committer: Identity, time: Int64, message: String, parents: [Int] = []
    ) {
        line("commit \(ref)")
        if let mark { line("mark :\(mark)") }
        line("author \(author.name) <\(author.email)> \(time) +0000")
        line("committer \(committer.name) <\(committer.email)> \(time) +0000")
        data(message)
        if let first = parents.first { line("from :\(first)") }
        for other in parents.dropFirst() { line("merge :\(other)") }
    }

    func modify(_ path: String, _ content: String) {
        line("M 100644 inline \(path)")
        data(content)
    }

    func delete(_ path: String) { line("D \(path)") }

    /// The object id of a mark, once everything written so far has been imported.
    func sha(ofMark mark: Int) throws -> String {
        line("get-mark :\(mark)")
        return try answer()
    }

    /// The object id of the tree at `path` in the commit of `mark` (`ls`); nil when absent.
    func treeID(atPath path: String, ofMark mark: Int) throws -> String? {
        line("ls :\(mark) \(path)")
        // `040000 tree <id>\t<path>`, or `missing <path>`.
        let fields = try answer().split(separator: " ", maxSplits: 2)
        guard fields.count == 3, fields[1] == "tree" else { return nil }
        return String(fields[2].prefix { $0 != "\t" })
    }

    /// Flushes what is buffered and reads fast-import's one-line answer.
    private func answer() throws -> String {
        flush()
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        let fd = output.fileHandleForReading.fileDescriptor
        while true {
            let count = read(fd, &byte, 1)
            if count <= 0 { throw GeneratorError("git fast-import stopped answering") }
            if byte == 0x0A { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        input.fileHandleForWriting.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        line("done")
        flush()
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GeneratorError("git fast-import exited with status \(process.terminationStatus)")
        }
    }
}

/// A git identity.
struct Identity {
    let name: String
    let email: String
}

struct GeneratorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
