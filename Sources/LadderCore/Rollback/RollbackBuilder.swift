import Foundation
import LadderGit

/// Computes the writes of one rollback, in memory: a three-way revert of a promotion's changes to
/// one environment, or the environment (or some units) as they were at a revision.
struct RollbackBuilder {
    /// One side of a file: what a tree holds at a path.
    struct Side: Equatable {
        let id: ObjectID
        let mode: FileMode
    }

    /// What can be done with a file changed both by the promotion and after it.
    enum PartialRevert {
        case write([UInt8], RollbackMethod)
        case unchanged
        case conflict(String)
    }

    let workspace: Workspace
    let environment: EnvironmentConfig
    let units: [String]
    let baseCommit: ObjectID
    private(set) var writes: [RollbackWrite] = []
    private(set) var files: [RolledBackFile] = []
    private(set) var overridden: [RollbackConflict] = []
    private(set) var restoredCommit: ObjectID?
    private(set) var nothingReason: String?
    /// Version before → after per unit, when the rollback changes it.
    private var versions: [String: (old: String?, new: String?)] = [:]

    /// Key changes listed per file.
    static let keysPerFile = 100

    init(workspace: Workspace, environment: EnvironmentConfig, units: [String], baseCommit: ObjectID) {
        self.workspace = workspace
        self.environment = environment
        self.units = units
        self.baseCommit = baseCommit
    }

    private var repository: Repository { workspace.repository }

    private func inScope(_ path: String) -> Bool {
        guard !units.isEmpty, workspace.config.unitDepth > 0 else { return true }
        guard let unit = workspace.unit(ofPath: path) else { return false }
        return units.contains(unit)
    }

    private var scopeWords: String {
        units.isEmpty ? environment.name : "\(environment.name) (\(units.joined(separator: ", ")))"
    }

    // MARK: - Undo a promotion

    mutating func revert(_ record: PromotionRecord, restore: Bool) throws {
        let trunk = try repository.commit(record.commit)
        let before = trunk.parentIDs.first
        restoredCommit = before
        let preTree = try before.flatMap { try workspace.environmentTree(environment, at: $0) }
        let postTree = try workspace.environmentTree(environment, at: record.commit)
        let nowTree = try workspace.environmentTree(environment, at: baseCommit)
        let deltas = try repository.diffTrees(preTree, postTree, options: TreeDiffOptions(detectRenames: false))

        var conflicts: [RollbackConflict] = []
        var touched = false
        for delta in deltas where inScope(delta.newPath) {
            touched = true
            let path = delta.newPath
            let pre = delta.oldID.map { Side(id: $0, mode: delta.oldMode ?? .blob) }
            let post = delta.newID.map { Side(id: $0, mode: delta.newMode ?? .blob) }
            let now = try nowTree.flatMap { try repository.entry(atPath: path, inTree: $0) }.map { Side(id: $0.id, mode: $0.mode) }
            if now == pre { continue }
            if now == post {
                try note(path, now: now, to: pre, method: .restored)
                continue
            }
            switch try partialRevert(path: path, pre: pre, post: post, now: now) {
            case .unchanged:
                continue
            case .write(let bytes, let method):
                let mode = (now?.mode == post?.mode ? pre?.mode : now?.mode) ?? .blob
                try note(path, now: now, bytes: bytes, mode: mode, method: method)
            case .conflict(let reason):
                let conflict = RollbackConflict(path: path, reason: reason, commits: try laterCommits(touching: path, after: record.commit))
                if restore {
                    overridden.append(conflict)
                    try note(path, now: now, to: pre, method: .forced)
                } else {
                    conflicts.append(conflict)
                }
            }
        }
        if !conflicts.isEmpty {
            throw RollbackError.conflicts(promotion: record.id, environment: environment.name, conflicts: conflicts)
        }
        if !touched {
            nothingReason = "promotion \(record.id) changed nothing in \(scopeWords)"
        } else if writes.isEmpty {
            nothingReason = "\(scopeWords) already holds its content from before promotion \(record.id)"
        }
        if !writes.isEmpty { try computeVersions(pre: preTree, post: postTree, now: nowTree) }
    }

    /// A file the promotion changed and later commits changed again: only the promotion's part is
    /// reverted, at key level for key-promoted files, else line by line (git's three-way merge).
    private func partialRevert(path: String, pre: Side?, post: Side?, now: Side?) throws -> PartialRevert {
        guard let pre else { return .conflict("changed after the promotion added it") }
        guard let post else { return .conflict("re-created after the promotion deleted it") }
        guard let now else { return .conflict("deleted after the promotion") }
        guard pre.mode.isFile, post.mode.isFile, now.mode.isFile else { return .conflict("changed after the promotion") }
        let preBytes = try repository.blob(pre.id).bytes
        let postBytes = try repository.blob(post.id).bytes
        let nowBytes = try repository.blob(now.id).bytes

        if let rule = workspace.config.promote.keyRule(for: path), let format = StructuredFormat(path: path) {
            if let result = keyRevert(rule: rule, format: format, pre: preBytes, post: postBytes, now: nowBytes) { return result }
        }
        if [preBytes, postBytes, nowBytes].contains(where: { $0.contains(0) }) {
            return .conflict("binary file changed after the promotion")
        }
        guard let merged = try Repository.mergeFile(ancestor: postBytes, ours: nowBytes, theirs: preBytes) else {
            return .conflict("later commits changed the same lines")
        }
        return merged == nowBytes ? .unchanged : .write(merged, .merged)
    }

    /// Returns the promoted keys to their pre-promotion values, leaving every other key as it is
    /// now; nil when the files cannot be read at key level (the caller falls back to lines).
    private func keyRevert(rule: KeyRule, format: StructuredFormat, pre: [UInt8], post: [UInt8], now: [UInt8]) -> PartialRevert? {
        let paths = rule.paths.compactMap { try? KeyPath(parsing: $0) }
        var revert: [KeyPath] = []
        var changedSince: [String] = []
        do {
            for path in paths {
                let old = try KeyRewriter.value(at: path, in: pre, format: format)
                let promoted = try KeyRewriter.value(at: path, in: post, format: format)
                guard old != promoted else { continue }
                let current = try KeyRewriter.value(at: path, in: now, format: format)
                if current == old { continue }
                if current != promoted {
                    changedSince.append("\(path) (now \(current ?? "absent"), promoted \(promoted ?? "absent"))")
                } else if old == nil {
                    changedSince.append("\(path) was added by the promotion and cannot be removed at key level")
                } else {
                    revert.append(path)
                }
            }
        } catch {
            return nil
        }
        if !changedSince.isEmpty { return .conflict("changed after the promotion: " + changedSince.joined(separator: "; ")) }
        if revert.isEmpty { return .unchanged }
        guard let result = try? KeyRewriter.rewrite(target: now, source: pre, paths: revert, format: format) else { return nil }
        return result.didChange ? .write(result.output, .keys) : .unchanged
    }

    /// Trunk commits after `landed` (first-parent history up to the base commit) that changed `path`.
    private func laterCommits(touching path: String, after landed: ObjectID) throws -> [RollbackConflict.LaterCommit] {
        let full = environment.path + "/" + path
        var result: [RollbackConflict.LaterCommit] = []
        try repository.walk(from: [baseCommit], hiding: [landed], firstParent: true) { id in
            let commit = try repository.commit(id)
            let now = try repository.entry(atPath: full, inTree: commit.treeID)
            let before = try commit.parentIDs.first.flatMap { try repository.entry(atPath: full, inTree: repository.commit($0).treeID) }
            if now != before { result.append(.init(id: id, summary: commit.summary)) }
            return result.count < 20
        }
        return result
    }

    // MARK: - Restore a revision

    mutating func restore(_ revision: ObjectID, name: String) throws {
        restoredCommit = revision
        let atTree = try workspace.environmentTree(environment, at: revision)
        let nowTree = try workspace.environmentTree(environment, at: baseCommit)
        if units.isEmpty || workspace.config.unitDepth == 0 {
            guard let atTree else { throw RollbackError.environmentMissing(environment: environment.name, revision: name) }
            if atTree != nowTree {
                writes.append(RollbackWrite(path: "", content: .object(atTree, .tree)))
                try listChanges(from: nowTree, to: atTree, prefix: "")
            }
        } else {
            for unit in units {
                let at = try atTree.flatMap { try repository.entry(atPath: unit, inTree: $0) }.flatMap { $0.isTree ? $0.id : nil }
                let now = try nowTree.flatMap { try repository.entry(atPath: unit, inTree: $0) }.flatMap { $0.isTree ? $0.id : nil }
                if at == nil && now == nil {
                    throw RollbackError.unitMissing(unit: unit, environment: environment.name, revision: name)
                }
                guard at != now else { continue }
                writes.append(RollbackWrite(path: unit, content: at.map { .object($0, .tree) } ?? .delete))
                try listChanges(from: now, to: at, prefix: unit + "/")
            }
        }
        if writes.isEmpty {
            nothingReason = "\(scopeWords) already equals its content at \(name)"
        } else {
            try computeVersions(pre: atTree, post: nowTree, now: nowTree)
        }
    }

    private mutating func listChanges(from old: ObjectID?, to new: ObjectID?, prefix: String) throws {
        for delta in try repository.diffTrees(old, new, options: TreeDiffOptions(detectRenames: false)) {
            let before = delta.oldID.map { Side(id: $0, mode: delta.oldMode ?? .blob) }
            let after = delta.newID.map { Side(id: $0, mode: delta.newMode ?? .blob) }
            files.append(try describe(prefix + delta.newPath, now: before, after: after, bytes: nil, method: .revision))
        }
    }

    // MARK: - Recording

    private mutating func note(_ path: String, now: Side?, to target: Side?, method: RollbackMethod) throws {
        writes.append(RollbackWrite(path: path, content: target.map { .object($0.id, $0.mode) } ?? .delete))
        files.append(try describe(path, now: now, after: target, bytes: nil, method: method))
    }

    private mutating func note(_ path: String, now: Side?, bytes: [UInt8], mode: FileMode, method: RollbackMethod) throws {
        writes.append(RollbackWrite(path: path, content: .bytes(bytes, mode)))
        let after = Side(id: try repository.hashBlob(bytes), mode: mode)
        files.append(try describe(path, now: now, after: after, bytes: bytes, method: method))
    }

    private func describe(_ path: String, now: Side?, after: Side?, bytes: [UInt8]?, method: RollbackMethod) throws -> RolledBackFile {
        let status: FileChange.Status
        switch (now, after) {
        case (nil, _): status = .added
        case (_, nil): status = .deleted
        case (let now?, let after?): status = (now.mode == .symlink) != (after.mode == .symlink) || now.mode != after.mode && now.id == after.id ? .typeChanged : .modified
        }
        var keys: [KeyDifference] = []
        if let format = StructuredFormat(path: path), now?.mode.isFile ?? true, after?.mode.isFile ?? true {
            let old = try now.map { try repository.blob($0.id).bytes }
            let new = try bytes ?? after.map { try repository.blob($0.id).bytes }
            let changes = (try? StructuredDiff.changes(old: old, new: new, format: format)) ?? []
            keys = changes.prefix(Self.keysPerFile).map { KeyDifference(path: $0.path.description, old: $0.old, new: $0.new, promotable: true) }
        }
        return RolledBackFile(path: path, unit: workspace.unit(ofPath: path), status: status, method: method, keys: keys)
    }

    /// Versions (`version_key`) of the units the rollback changes: the current version, and the
    /// version the rollback brings back when the undone change had changed it.
    private mutating func computeVersions(pre: ObjectID?, post: ObjectID?, now: ObjectID?) throws {
        guard workspace.config.versionKey != nil else { return }
        func version(_ tree: ObjectID?, _ unit: String) throws -> String? {
            guard let unitTree = try workspace.unitTrees([unit], in: tree)[unit] else { return nil }
            return try workspace.unitContent(environment: environment, unit: unit, tree: unitTree).version
        }
        for unit in Set(files.compactMap(\.unit)) {
            let current = try version(now, unit)
            let old = try version(pre, unit)
            let promoted = try version(post, unit)
            versions[unit] = (current, old != promoted ? old : current)
        }
    }

    // MARK: - The plan

    func empty(target: RollbackTarget, reason: String?, why: String) -> RollbackPlan {
        RollbackPlan(
            environment: environment, target: target, promotion: nil, revision: nil, rollbackOf: "", restoredCommit: nil,
            baseCommit: baseCommit, units: [], selectedUnits: units, files: [], writes: [], overridden: [], versions: [:],
            rollbackID: "", branch: "", reason: reason, nothingReason: why)
    }

    func finish(target: RollbackTarget, promotion: PromotionRecord?, revision: ObjectID?, reason: String?) throws -> RollbackPlan {
        let rollbackOf = promotion?.id ?? revision?.hex ?? ""
        var key = promotion?.id ?? String(revision?.hex.prefix(12) ?? "")
        if let promotion, !Repository.isValidBranchName("ladder/rollback/\(environment.name)/\(key)") {
            key = String(promotion.commit.hex.prefix(12))
        }
        let branch = Workspace.rollbackBranch(environment: environment.name, key: key, units: units)
        guard Repository.isValidBranchName(branch) else { throw RollbackError.invalidBranch(branch) }
        let idInput = "rollback\n\(environment.name)\n\(rollbackOf)\n\(units.joined(separator: "\n"))\n\(baseCommit.hex)"
        return RollbackPlan(
            environment: environment, target: target, promotion: promotion, revision: revision, rollbackOf: rollbackOf,
            restoredCommit: restoredCommit, baseCommit: baseCommit, units: Array(Set(files.compactMap(\.unit))).sorted(),
            selectedUnits: units, files: files, writes: writes, overridden: overridden, versions: versions,
            rollbackID: String(Workspace.hex(idInput).prefix(16)), branch: branch, reason: reason, nothingReason: nothingReason)
    }
}
