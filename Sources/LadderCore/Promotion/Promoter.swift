import Foundation
import LadderGit

/// How a promotion run ended.
public enum PromotionStatus: String, Sendable {
    case nothingToPromote = "nothing_to_promote"
    case upToDate = "up_to_date"
    case created
    case updated
    /// `--dry-run`: what would have been created or updated.
    case wouldCreate = "would_create"
    case wouldUpdate = "would_update"
}

/// Options of `ladder promote`.
public struct PromoteOptions: Sendable {
    public var actor: String
    public var trigger: PolicyRequest.Trigger = .manual
    public var breakGlassReason: String?
    public var dryRun = false
    public var now: Date

    public init(actor: String, now: Date) {
        self.actor = actor
        self.now = now
    }
}

/// The result of `promote`.
public struct PromotionOutcome: Sendable {
    public let status: PromotionStatus
    public let plan: PromotionPlan
    public let decision: PolicyDecision?
    /// The branch tip before (nil when the branch did not exist).
    public let previousCommit: ObjectID?
    /// The commit the branch points to afterwards (the new commit, or the existing one when up to date).
    public let commit: ObjectID?
    public let message: String?
}

extension PromotionStatus: BranchWriterReporting {}

extension Workspace {
    /// Plans, gates and writes a promotion: builds the new tree in memory from the base commit's
    /// tree, writes one commit whose parent is the base commit, and moves the promotion branch with
    /// compare-and-swap. Never touches the working tree, the index or HEAD.
    public func promote(_ request: PromotionRequest, options: PromoteOptions, gate: PromotionGate) throws -> PromotionOutcome {
        let plan = try planPromotion(request)
        guard !plan.isEmpty else {
            return PromotionOutcome(status: .nothingToPromote, plan: plan, decision: nil, previousCommit: nil, commit: nil, message: nil)
        }
        let written = try BranchWriter(
            repository: repository, branch: plan.branch, base: plan.baseCommit, actor: options.actor, time: options.now,
            dryRun: options.dryRun, reflogMessage: "ladder: promote \(plan.from.name) → \(plan.to.name)"
        ).write(
            holds: { try branchHolds(plan, at: $0) },
            authorize: {
                let decision = try gate.evaluate(GateRequest(
                    plan: plan, actor: options.actor, trigger: options.trigger, breakGlassReason: options.breakGlassReason, now: options.now))
                if decision.decision == .deny {
                    throw PromotionDenied(decision: decision, from: plan.from.name, to: plan.to.name)
                }
                return decision
            },
            message: { PromotionMessage.render(plan, breakGlass: $0.breakGlass, trigger: options.trigger) },
            changes: {
                try plan.writes.map { write in
                    let path = plan.to.path + "/" + write.path
                    switch write.content {
                    case .blob(let id): return .upsert(path: path, id: id, mode: write.mode)
                    case .bytes(let bytes): return .upsert(path: path, id: try repository.writeBlob(bytes), mode: write.mode)
                    case .delete: return .remove(path: path)
                    }
                }
            },
            moved: { PromotionError.branchMoved(branch: plan.branch, expected: $0?.hex, found: $1?.hex) })
        return PromotionOutcome(
            status: PromotionStatus(written.status), plan: plan, decision: written.decision,
            previousCommit: written.previous, commit: written.commit, message: written.message)
    }

    /// True when the branch at `tip` changes the target exactly as the plan would.
    func branchHolds(_ plan: PromotionPlan, at tip: ObjectID) throws -> Bool {
        try departures(from: plan, at: tip).isEmpty
    }

    /// How the target at commit `tip` departs from what `plan` would make of the plan's base: files
    /// changed that the plan does not write, and planned files with other content. Empty when the
    /// commit holds exactly the promotion. Only hashes are computed; nothing is written. Used for
    /// up-to-date detection and for `check`'s promotion integrity.
    func departures(from plan: PromotionPlan, at tip: ObjectID, source: String? = nil) throws -> [String] {
        let tree = try repository.commit(tip).treeID
        let baseTarget = try repository.entry(atPath: plan.to.path, inTree: repository.commit(plan.baseCommit).treeID)?.id
        let tipTarget = try repository.entry(atPath: plan.to.path, inTree: tree)?.id
        let planned = Set(plan.writes.map(\.path))
        let origin = source ?? "the source"
        var problems: [String] = []
        for change in try repository.changedPaths(baseTarget, tipTarget) where !planned.contains(change.path) {
            problems.append("\(PathCoding.display(change.path)) changed but is not part of the promotion")
        }
        for write in plan.writes.sorted(by: { $0.path < $1.path }) {
            let entry = try repository.entry(atPath: plan.to.path + "/" + write.path, inTree: tree)
            let name = PathCoding.display(write.path)
            switch write.content {
            case .delete:
                if entry != nil { problems.append("\(name) should have been deleted") }
            case .blob(let id):
                if entry == nil { problems.append("\(name) is missing from the promotion") }
                else if entry?.id != id || entry?.mode != write.mode { problems.append("\(name) differs from \(origin)") }
            case .bytes(let bytes):
                if entry == nil { problems.append("\(name) is missing from the promotion") }
                else if try entry?.id != repository.hashBlob(bytes) { problems.append("\(name) differs from the promoted keys of \(origin)") }
            }
        }
        return problems
    }
}

/// The commit message of a promotion: summary, body and `Ladder-*` trailers (SPEC section 5 item 7).
public enum PromotionMessage {
    public static func unitList(_ units: [String], limit: Int = 3) -> String {
        if units.isEmpty { return "all units" }
        if units.count <= limit { return units.joined(separator: ", ") }
        return units.prefix(limit).joined(separator: ", ") + " and \(units.count - limit) more"
    }

    public static func render(_ plan: PromotionPlan, breakGlass: BreakGlassUse?, trigger: PolicyRequest.Trigger = .manual) -> String {
        var lines = ["promote(\(plan.to.name)): \(unitList(plan.units)) from \(plan.from.name)", ""]
        if let breakGlass, breakGlass.granted {
            lines.append("BREAK-GLASS by \(breakGlass.by): \(breakGlass.reason)")
            lines.append("Bypassed: \(breakGlass.bypassed.isEmpty ? "nothing" : breakGlass.bypassed.joined(separator: ", "))")
            lines.append("")
        }
        lines.append("Promote \(plan.files.count) change\(plan.files.count == 1 ? "" : "s") from \(plan.from.name) (\(plan.from.path)) into \(plan.to.name) (\(plan.to.path)).")
        lines.append("")
        for unit in plan.units {
            let version = plan.versions[unit]
            var header = unit
            if let version, version.old != nil || version.new != nil, version.old != version.new {
                header += ": \(version.old ?? "none") -> \(version.new ?? "none")"
            }
            lines.append(header)
            for file in plan.files where file.unit == unit {
                var line = "  \(file.status.letter) \(PathCoding.display(file.path))"
                if !file.keys.isEmpty && file.mode != .file {
                    line += " (" + file.keys.prefix(6).map { "\($0.path): \($0.old ?? "none") -> \($0.new ?? "none")" }.joined(separator: ", ")
                        + (file.keys.count > 6 ? ", …" : "") + ")"
                }
                lines.append(line)
            }
        }
        for file in plan.files where file.unit == nil {
            lines.append("  \(file.status.letter) \(PathCoding.display(file.path))")
        }
        let excluded = plan.notPromoted.filter { $0.excludedBy != nil }.count
        if excluded > 0 {
            lines.append("")
            lines.append("Not promoted: \(excluded) environment-specific file\(excluded == 1 ? "" : "s").")
        }
        lines.append("")
        lines.append("Ladder-Promotion: \(plan.promotionID)")
        lines.append("Ladder-From: \(plan.from.name)")
        lines.append("Ladder-To: \(plan.to.name)")
        lines.append("Ladder-Source-Commit: \(plan.sourceCommit.hex)")
        if trigger == .auto {
            lines.append("Ladder-Trigger: auto")
        }
        if let breakGlass, breakGlass.granted {
            lines.append("Ladder-Break-Glass: \(breakGlass.reason.replacingOccurrences(of: "\n", with: " "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
