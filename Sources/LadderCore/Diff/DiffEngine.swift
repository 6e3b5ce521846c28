import Foundation
import LadderGit

/// Which details a diff computes.
public enum DiffDetail: Sendable {
    /// Paths and statuses only: no blob is read, and whether a change is promotable is judged by
    /// `promote.exclude` and `promote.delete` alone (key and pattern rules need the contents).
    /// For listings that show neither key details nor promotability (`--name-status`).
    case paths
    /// Paths, statuses and exact promotability: blobs are read only for files under a key or
    /// pattern rule.
    case names
    /// Everything, with key-level differences of structured files.
    case keys
}

/// Options of `ladder diff`.
public struct DiffRequest: Sendable {
    public var from: String
    public var to: String
    public var units: [String] = []
    /// Commit for the source environment (default: the workspace commit).
    public var fromCommit: ObjectID?
    /// Commit for the target environment (default: the workspace commit).
    public var toCommit: ObjectID?
    public var rendered = false
    public var detail: DiffDetail = .keys

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}

/// Files larger than this are not parsed for key-level details.
public let maximumStructuredFileSize = 8 * 1024 * 1024

extension Workspace {
    /// Compares two environments: what promoting `request.from` into `request.to` would change in
    /// the target. Identical subtrees are skipped by id and blobs are read only for changed files
    /// that need key-level detail.
    public func diff(_ request: DiffRequest) throws -> EnvironmentDiff {
        let source = try environment(request.from)
        let target = try environment(request.to)
        let fromCommit = request.fromCommit ?? commitID
        let toCommit = request.toCommit ?? commitID
        try validateUnits(request.units, environments: [source, target], at: nil)

        let fromTree = try environmentTree(source, at: fromCommit)
        let toTree = try environmentTree(target, at: toCommit)
        let blobs = BlobSource(repository: repository)
        let deltas: [TreeDelta]
        if request.rendered {
            deltas = try renderedDeltas(old: render(target, at: toCommit), new: render(source, at: fromCommit), blobs: blobs)
        } else {
            deltas = try repository.diffTrees(toTree, fromTree)
        }
        var changes: [FileChange] = []
        changes.reserveCapacity(deltas.count)
        for delta in deltas {
            let path = delta.newPath
            let unit = unit(ofPath: path)
            if !request.units.isEmpty {
                let oldUnit = self.unit(ofPath: delta.oldPath)
                guard unit.map(request.units.contains) == true || oldUnit.map(request.units.contains) == true else { continue }
            }
            changes.append(try classify(delta, unit: unit, detail: request.detail, blobs: blobs))
        }
        changes.sort { $0.path < $1.path }
        return EnvironmentDiff(
            from: .init(environment: source.name, path: source.path, commit: fromCommit, tree: fromTree),
            to: .init(environment: target.name, path: target.path, commit: toCommit, tree: toTree),
            changes: changes, rendered: request.rendered, renderedContent: blobs.memoryContents)
    }

    /// Compares two rendered file sets path by path (no rename detection).
    private func renderedDeltas(old: [RenderedFile], new: [RenderedFile], blobs: BlobSource) throws -> [TreeDelta] {
        var oldByPath: [String: (ObjectID, FileMode)] = [:]
        var newByPath: [String: (ObjectID, FileMode)] = [:]
        for file in old { oldByPath[file.path] = (try blobs.register(file.bytes), file.mode) }
        for file in new { newByPath[file.path] = (try blobs.register(file.bytes), file.mode) }
        var deltas: [TreeDelta] = []
        for path in Set(oldByPath.keys).union(newByPath.keys).sorted() {
            let before = oldByPath[path]
            let after = newByPath[path]
            let status: TreeDelta.Status
            switch (before, after) {
            case (nil, _?): status = .added
            case (_?, nil): status = .deleted
            case (let b?, let a?):
                if b.0 == a.0 && b.1 == a.1 { continue }
                status = b.1 == a.1 ? .modified : .typeChanged
            case (nil, nil): continue
            }
            deltas.append(TreeDelta(status: status, oldPath: path, newPath: path, oldID: before?.0, newID: after?.0, oldMode: before?.1, newMode: after?.1))
        }
        return deltas
    }

    private func classify(_ delta: TreeDelta, unit: String?, detail: DiffDetail, blobs: BlobSource) throws -> FileChange {
        let rules = config.promote
        let path = delta.newPath
        var status: FileChange.Status
        switch delta.status {
        case .added: status = .added
        case .deleted: status = rules.delete ? .deleted : .kept
        case .modified: status = .modified
        case .renamed: status = .renamed
        case .typeChanged: status = .typeChanged
        }
        let excluded = rules.exclude.match(path) ?? (delta.status == .renamed ? rules.exclude.match(delta.oldPath) : nil)
        var promotable = excluded == nil && status != .kept
        var reason: String?
        var problem: String?
        var mode = FileChange.Mode.file
        var keys: [KeyDifference]?
        var binary = false

        if let excluded {
            reason = "environment-specific (promote.exclude \(excluded.source))"
        } else if status == .kept {
            reason = "deleted in the source, kept because promote.delete is false"
        }

        if delta.newMode == .symlink, let id = delta.newID, promotable {
            let target = String(decoding: try blobs.blob(id).bytes, as: UTF8.self)
            if SymlinkCheck.escapes(linkPath: path, target: target) {
                promotable = false
                problem = "symlink to '\(target)' points outside the environment"
                reason = "refused: the symlink escapes the environment"
            }
        }

        let keyRule = rules.keyRule(for: path)
        let patternRule = keyRule == nil ? rules.patternRule(for: path) : nil
        if excluded == nil, status == .modified || status == .renamed || status == .added {
            if keyRule != nil { mode = .keys } else if patternRule != nil { mode = .pattern }
        }

        let needsContent = detail == .keys || (detail == .names && mode != .file)
        if needsContent, status == .modified || status == .renamed, delta.oldMode?.isFile == true, delta.newMode?.isFile == true,
            let oldID = delta.oldID, let newID = delta.newID
        {
            let sizes = (try blobs.size(oldID), try blobs.size(newID))
            if max(sizes.0, sizes.1) > maximumStructuredFileSize {
                if mode != .file || StructuredFormat(path: path) != nil {
                    problem = "too large for key-level comparison (\(max(sizes.0, sizes.1)) bytes)"
                }
            } else {
                let old = try blobs.blob(oldID)
                let new = try blobs.blob(newID)
                binary = old.isBinary || new.isBinary
                if !binary {
                    if let keyRule {
                        let result = keyDifferences(old: old.bytes, new: new.bytes, path: path, rule: keyRule)
                        keys = result.keys
                        problem = result.problem ?? problem
                        if excluded == nil {
                            promotable = result.keys?.contains(where: \.promotable) ?? true
                            if !promotable { reason = "only \(keyRule.paths.joined(separator: ", ")) move, and they are equal" }
                        }
                    } else if let patternRule {
                        let result = patternDifferences(old: old.bytes, new: new.bytes, regex: patternRule.regex)
                        keys = result.keys
                        problem = result.problem ?? problem
                        if excluded == nil {
                            promotable = !(result.keys?.isEmpty ?? false)
                            if !promotable { reason = "only matches of \(patternRule.regex) move, and they are equal" }
                        }
                    } else if let format = StructuredFormat(path: path), detail == .keys {
                        do {
                            keys = try StructuredDiff.changes(old: old.bytes, new: new.bytes, format: format).map {
                                KeyDifference(path: $0.path.description, old: $0.old, new: $0.new, promotable: promotable)
                            }
                        } catch {
                            problem = "cannot compare keys: \(error.localizedDescription)"
                        }
                    }
                }
            }
        } else if detail == .keys, let id = delta.newID ?? delta.oldID, (delta.newMode ?? delta.oldMode)?.isFile == true {
            if try blobs.size(id) <= maximumStructuredFileSize {
                binary = try blobs.blob(id).isBinary
            }
        }
        if promotable, reason == nil {
            switch mode {
            case .file: reason = nil
            case .keys: reason = "key-level: \(keyRule!.paths.joined(separator: ", "))"
            case .pattern: reason = "pattern: \(patternRule!.regex)"
            }
        }
        return FileChange(
            path: path, oldPath: delta.status == .renamed ? delta.oldPath : nil, unit: unit, status: status,
            promotable: promotable, mode: mode, excludedBy: excluded?.source, reason: reason,
            oldBlob: delta.oldID, newBlob: delta.newID, oldMode: delta.oldMode, newMode: delta.newMode,
            keys: keys, binary: binary, problem: problem, similarity: delta.similarity)
    }

    private func keyDifferences(old: [UInt8], new: [UInt8], path: String, rule: KeyRule) -> (keys: [KeyDifference]?, problem: String?) {
        guard let format = StructuredFormat(path: path) else {
            return (nil, "key-level promotion needs a .yaml, .yml or .json file")
        }
        let promoted = rule.paths.compactMap { try? KeyPath(parsing: $0) }
        do {
            let changes = try StructuredDiff.changes(old: old, new: new, format: format)
            return (changes.map { change in
                let bare = change.path.inDocument(nil)
                let moves = promoted.contains { $0.isPrefix(of: bare) || $0.isPrefix(of: change.path) }
                return KeyDifference(path: change.path.description, old: change.old, new: change.new, promotable: moves)
            }, nil)
        } catch {
            return (nil, "cannot compare keys: \(error.localizedDescription)")
        }
    }

    private func patternDifferences(old: [UInt8], new: [UInt8], regex: String) -> (keys: [KeyDifference]?, problem: String?) {
        do {
            let before = try PatternRewriter.captures(of: regex, in: old)
            let after = try PatternRewriter.captures(of: regex, in: new)
            var keys: [KeyDifference] = []
            for index in 0..<max(before.count, after.count) {
                let oldValue = index < before.count ? before[index] : nil
                let newValue = index < after.count ? after[index] : nil
                if oldValue != newValue {
                    keys.append(KeyDifference(path: "match \(index + 1)", old: oldValue, new: newValue, promotable: true))
                }
            }
            return (keys, nil)
        } catch {
            return (nil, error.localizedDescription)
        }
    }
}

/// Reads blobs from the repository, or from content rendered in memory (identified by the id it
/// would have as a git blob, never written).
final class BlobSource {
    let repository: Repository
    private var memory: [ObjectID: [UInt8]] = [:]

    init(repository: Repository) {
        self.repository = repository
    }

    var memoryContents: [ObjectID: [UInt8]] { memory }

    func register(_ bytes: [UInt8]) throws -> ObjectID {
        let id = try repository.hashBlob(bytes)
        memory[id] = bytes
        return id
    }

    func blob(_ id: ObjectID) throws -> Blob {
        if let bytes = memory[id] {
            return Blob(id: id, bytes: bytes, isBinary: bytes.prefix(8000).contains(0))
        }
        return try repository.blob(id)
    }

    func size(_ id: ObjectID) throws -> Int {
        if let bytes = memory[id] { return bytes.count }
        return try repository.blobSize(id)
    }
}

/// Detects symlinks whose target leaves the environment directory.
enum SymlinkCheck {
    /// True when `target`, resolved relative to the link's directory inside the environment, is
    /// absolute or climbs above the environment root.
    static func escapes(linkPath: String, target: String) -> Bool {
        if target.hasPrefix("/") { return true }
        var stack = linkPath.split(separator: "/").dropLast().map(String.init)
        for part in target.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if stack.isEmpty { return true }
                stack.removeLast()
            } else {
                stack.append(String(part))
            }
        }
        return false
    }
}
