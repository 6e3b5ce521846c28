import Foundation
@testable import LadderCore

/// Events and chains shared by the audit tests.
enum AuditFixtures {
    static let noSecrets = AuditSecretScrubber()

    static func id(_ number: Int) -> String {
        "01HX" + String(repeating: "0", count: 20) + String(format: "%02d", number)
    }

    static func body(_ number: Int, action: AuditAction = .promotionCreated, to: String = "staging") -> AuditEventBody {
        AuditEventBody(
            id: id(number), time: AuditTime.format(Date(timeIntervalSince1970: 1_714_555_740 + 60 * Double(number))),
            action: action,
            outcome: .allowed, actor: AuditActor(login: "alice", kind: .human),
            source: AuditSource(host: "build-1", ciProvider: nil, ciRunURL: nil, toolVersion: "0.1.0"),
            transition: AuditTransition(
                from: "dev", to: to, sourceCommit: String(repeating: "a", count: 40),
                baseCommit: String(repeating: "b", count: 40), commit: String(repeating: "c", count: 40),
                branch: "ladder/promote/dev-to-\(to)", promotionID: "0123456789abcdef",
                changedPaths: ["environments/\(to)/payments/values.yaml"]),
            approvals: [
                AuditApproval(
                    login: "bob", state: "approved", commit: String(repeating: "c", count: 40), counted: true,
                    reason: nil)
            ],
            policy: AuditPolicy(
                path: "ladder-policy.yaml", sha256: String(repeating: "d", count: 64),
                rules: [AuditRuleResult(id: "approvals.min", result: "pass", message: "1 of 1 approvals ✓")]))
    }

    /// A linear chain of `count` events with ids 1...count.
    static func chain(_ count: Int, to: String = "staging") throws -> [AuditEvent] {
        var events: [AuditEvent] = []
        for number in 1...count {
            events.append(try AuditEvent.seal(body(number, to: to), after: events.last, scrubber: noSecrets))
        }
        return events
    }

    /// The commit message of `event` with one JSON field replaced, the stored hash kept.
    static func editedMessage(_ event: AuditEvent, _ edit: (inout [String: JSONValue]) -> Void) -> String {
        var members = event.json.objectValue!
        edit(&members)
        return JSONValue.object(members).canonical + "\n"
    }
}
