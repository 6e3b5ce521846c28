import Crypto
import Foundation
import LadderGit

/// What `ladder plan` shows and `ladder promote` writes.
public struct PromotionPlan: Sendable {
    public let from: EnvironmentConfig
    public let to: EnvironmentConfig
    /// The commit the new commit is based on (`--ref`, default the trunk tip).
    public let baseCommit: ObjectID
    /// The commit the source content was read from.
    public let sourceCommit: ObjectID
    /// Units that change, sorted.
    public let units: [String]
    /// Units selected with `--unit` (empty: the whole edge).
    public let selectedUnits: [String]
    public let files: [PromotedFile]
    public let writes: [PlannedWrite]
    /// Differences that do not move: environment-specific files, kept deletions, equal keys.
    public let notPromoted: [FileChange]
    /// Version (version_key) before and after, per unit.
    public let versions: [String: (old: String?, new: String?)]
    /// Deterministic id: first 16 hex of SHA-256 over (from, to, source tree ids, base commit).
    public let promotionID: String
    /// The branch the promotion goes to (without `refs/heads/`).
    public let branch: String
    /// The full diff the plan was computed from.
    public let diff: EnvironmentDiff

    public var isEmpty: Bool { writes.isEmpty }
}

/// Input of `plan`/`promote`.
public struct PromotionRequest: Sendable {
    public var from: String
    public var to: String
    public var units: [String] = []
    /// Base revision (`--ref`); default the workspace commit (trunk tip).
    public var ref: String?
    /// Explicit branch name (`--branch`).
    public var branch: String?
    /// Read the source environment at this commit instead of the base (used by `check` to replay
    /// a promotion from its `Ladder-Source-Commit`).
    public var sourceCommit: ObjectID?

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}

/// Failures of planning and writing a promotion.
public enum PromotionError: LadderFailure, Equatable {
    case invalidBranch(String)
    case notAnEdge(from: String, to: String, edges: [String])
    case branchMoved(branch: String, expected: String?, found: String?)
    case unitNotInEnvironments(String)

    public var exitStatus: ExitStatus {
        switch self {
        case .invalidBranch, .unitNotInEnvironments: return .badInput
        case .notAnEdge: return .negative
        case .branchMoved: return .repository
        }
    }

    public var errorDescription: String? {
        switch self {
        case .invalidBranch(let name): return "invalid branch name '\(name)'"
        case .notAnEdge(let from, let to, _): return "\(from) → \(to) is not a promotion edge in ladder.yaml"
        case .branchMoved(let branch, let expected, let found):
            return "branch '\(branch)' moved while promoting (expected \(expected.map { String($0.prefix(7)) } ?? "no branch"), found \(found.map { String($0.prefix(7)) } ?? "no branch")); nothing was overwritten"
        case .unitNotInEnvironments(let unit): return "unit '\(unit)' exists in neither environment"
        }
    }

    public var hint: String? {
        switch self {
        case .invalidBranch: return "branch names cannot contain spaces, '..', '~', '^', ':', '?', '*', '[' or end in '.lock'"
        case .notAnEdge(_, _, let edges): return "edges: \(edges.joined(separator: ", "))"
        case .branchMoved: return "re-run the command to promote on top of the new state"
        default: return nil
        }
    }
}

extension Workspace {
    /// The default promotion branch for an edge and a unit selection (SPEC section 5 item 6).
    public static func promotionBranch(from: String, to: String, units: [String]) -> String {
        let base = "ladder/promote/\(from)-to-\(to)"
        let selected = Array(Set(units)).sorted()
        switch selected.count {
        case 0: return base
        case 1 where Repository.isValidBranchName("\(base).\(selected[0])"): return "\(base).\(selected[0])"
        default:
            let digest = SHA256.hash(data: Array(selected.joined(separator: "\n").utf8))
            return "\(base).\(digest.map { String(format: "%02x", $0) }.joined().prefix(8))"
        }
    }

    /// Computes a promotion without writing anything: the promotable changes, the steps that move
    /// them, the target files as they will be, the promotion id and the branch.
    public func planPromotion(_ request: PromotionRequest) throws -> PromotionPlan {
        let source = try environment(request.from)
        let target = try environment(request.to)
        guard config.promotions.contains(PromotionEdge(from: source.name, to: target.name)) else {
            throw PromotionError.notAnEdge(from: source.name, to: target.name, edges: config.promotions.map(\.description))
        }
        let branch = request.branch ?? Workspace.promotionBranch(from: source.name, to: target.name, units: request.units)
        guard Repository.isValidBranchName(branch) else { throw PromotionError.invalidBranch(branch) }

        let baseCommit = try request.ref.map(resolve) ?? commitID
        var diffRequest = DiffRequest(from: source.name, to: target.name)
        diffRequest.units = request.units
        let sourceCommit = request.sourceCommit ?? baseCommit
        diffRequest.fromCommit = sourceCommit
        diffRequest.toCommit = baseCommit
        let diff = try self.diff(diffRequest)

        for change in diff.changes where change.problem?.contains("outside the environment") == true {
            throw PromotionStepError.unsafeSymlink(path: change.path, reason: change.problem!)
        }

        let reader = RepositoryContentReader(repository: repository)
        var writes: [PlannedWrite] = []
        var files: [PromotedFile] = []
        var notPromoted: [FileChange] = []
        for change in diff.changes {
            guard change.promotable else {
                notPromoted.append(change)
                continue
            }
            var handled = false
            for step in PromotionSteps.all where step.accepts(change) {
                if let result = try step.apply(change, rules: config.promote, reader: reader) {
                    writes += result.writes
                    files.append(result.file)
                } else {
                    notPromoted.append(change)
                }
                handled = true
                break
            }
            if !handled { notPromoted.append(change) }
        }

        let units = Array(Set(files.compactMap(\.unit))).sorted()
        let sourceTree = try environmentTree(source, at: sourceCommit)
        let targetTree = try environmentTree(target, at: baseCommit)
        // The promoted units' trees, looked up by path: listing every unit of both environments
        // would make the cost follow the size of the repository instead of the change.
        let sourceUnits = try unitTrees(units, in: sourceTree)
        let targetUnits = try unitTrees(units, in: targetTree)
        var versions: [String: (old: String?, new: String?)] = [:]
        for unit in units {
            let new = try sourceUnits[unit].map { try unitContent(environment: source, unit: unit, tree: $0).version } ?? nil
            let old = try targetUnits[unit].map { try unitContent(environment: target, unit: unit, tree: $0).version } ?? nil
            versions[unit] = (old, new)
        }

        var idInput = "\(source.name)\n\(target.name)\n"
        for unit in units { idInput += "\(unit) \(sourceUnits[unit]?.hex ?? "-")\n" }
        if units.isEmpty { idInput += "\(sourceTree?.hex ?? "-")\n" }
        idInput += baseCommit.hex
        let promotionID = AuditHash.hex(idInput.utf8).prefix(16)

        return PromotionPlan(
            from: source, to: target, baseCommit: baseCommit, sourceCommit: sourceCommit, units: units,
            selectedUnits: request.units, files: files, writes: writes, notPromoted: notPromoted, versions: versions,
            promotionID: String(promotionID), branch: branch, diff: diff)
    }
}

extension Workspace {
    /// The trees of `units` inside an environment tree (the environment tree itself for the
    /// whole-environment unit); absent units are left out. The environment tree is read once.
    func unitTrees(_ units: [String], in environmentTree: ObjectID?) throws -> [String: ObjectID] {
        guard let environmentTree else { return [:] }
        var trees: [String: ObjectID] = [:]
        let paths = units.filter { $0 != Workspace.wholeEnvironmentUnit }
        if paths.count != units.count { trees[Workspace.wholeEnvironmentUnit] = environmentTree }
        for (unit, entry) in try repository.entries(atPaths: paths, inTree: environmentTree) {
            if let entry, entry.isTree { trees[unit] = entry.id }
        }
        return trees
    }
}

struct RepositoryContentReader: PromotionContentReader {
    let repository: Repository
    func bytes(_ id: ObjectID) throws -> [UInt8] { try repository.blob(id).bytes }
}
