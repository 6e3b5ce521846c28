import Foundation
import LadderCore

/// Writes `count` audit events on `refs/ladder/audit`: one commit per event, parent = previous
/// event, message = the event's canonical JSON, hashes chained as `ladder audit verify` expects.
struct AuditLogWriter {
    let count: Int
    let units: [Unit]
    let stream: FastImport
    var random: SeededGenerator
    let startTime: Int64
    let endTime: Int64

    static let logins = ["alice", "bob", "carol", "dave", "emil", "farah", "ladder-bot"]

    mutating func write() {
        guard count > 0 else { return }
        var previous: AuditEvent?
        let step = max(1, (endTime - startTime) / Int64(count))
        var time = startTime
        for _ in 0..<count {
            time += 1 + Int64(random.below(Int(step) * 2))
            let body = makeBody(time: time)
            var event = AuditEvent(
                body: body, seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? AuditEvent.genesisHash,
                mergedHashes: nil, hash: "")
            event.hash = event.computedHash
            let author = Identity(name: body.actor.login, email: "\(body.actor.login)@acme.example.com")
            stream.commit(
                ref: "refs/ladder/audit", mark: nil, author: author, committer: author, time: time,
                message: event.commitMessage)
            previous = event
        }
    }

    private mutating func makeBody(time: Int64) -> AuditEventBody {
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        let actions: [(AuditAction, Int)] = [
            (.promotionCreated, 35), (.promotionUpdated, 10), (.promotionChecked, 40), (.autoRun, 10),
            (.rollbackCreated, 4), (.policyBypassed, 1),
        ]
        var roll = random.below(100)
        var action = AuditAction.promotionCreated
        for (candidate, weight) in actions {
            if roll < weight { action = candidate; break }
            roll -= weight
        }
        let edge = random.chance(0.6) ? ("dev", "staging") : ("staging", "prod")
        let unitCount = 1 + random.below(4)
        let chosen = (0..<unitCount).map { _ in units[random.below(units.count)].name }
        let paths = chosen.flatMap { unit in
            ["environments/\(edge.1)/\(unit)/values.yaml", "environments/\(edge.1)/\(unit)/configmap.yaml"]
        }.sorted()
        let isCI = action == .autoRun || random.chance(0.3)
        let login = isCI ? "ladder-bot" : random.pick(Self.logins)
        let head = random.hex(40)
        let outcome: AuditOutcome = random.chance(0.9) ? .allowed : .denied
        var approvals: [AuditApproval]?
        if action == .promotionChecked {
            approvals = (0..<(1 + random.below(2))).map { _ in
                let counted = random.chance(0.85)
                return AuditApproval(
                    login: random.pick(Self.logins), state: "approved", commit: counted ? head : random.hex(40),
                    counted: counted, reason: counted ? nil : "approved an older commit")
            }
        }
        let rules = [
            AuditRuleResult(id: "\(edge.1).promote_from", result: "pass", message: "\(edge.0) may promote into \(edge.1)"),
            AuditRuleResult(id: "\(edge.1).windows", result: "pass", message: "no window closes \(edge.1) now"),
            AuditRuleResult(
                id: "\(edge.1).approvals", result: outcome == .allowed ? "pass" : "fail",
                message: outcome == .allowed ? "2 of 2 (carol, dave)" : "1 of 2 (carol)"),
        ]
        let isRollback = action == .rollbackCreated
        return AuditEventBody(
            id: AuditEventID.make(time: date, using: &random), time: AuditTime.format(date), action: action,
            outcome: outcome, actor: AuditActor(login: login, kind: isCI ? .ci : .human),
            source: AuditSource(
                host: isCI ? "runner-\(random.below(40))" : "laptop-\(login)", ciProvider: isCI ? "github" : nil,
                ciRunURL: isCI ? "https://github.com/acme/deploy/actions/runs/\(7_000_000 + random.below(1_000_000))" : nil,
                toolVersion: "0.1.0"),
            transition: action == .autoRun
                ? nil
                : AuditTransition(
                    from: isRollback ? nil : edge.0, to: edge.1, sourceCommit: isRollback ? nil : random.hex(40),
                    baseCommit: random.hex(40), commit: head,
                    branch: isRollback ? "ladder/rollback/\(edge.1)/\(random.hex(8))" : "ladder/promote/\(edge.0)-to-\(edge.1)",
                    promotionID: random.hex(16), changedPaths: paths),
            approvals: approvals,
            policy: AuditPolicy(path: "ladder-policy.yaml", sha256: random.hex(64), rules: rules),
            override: action == .policyBypassed ? AuditOverride(reason: "hotfix for incident \(random.below(9000))", by: login) : nil)
    }
}
