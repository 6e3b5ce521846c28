import Foundation
import LadderCore
import Testing

@Suite struct PolicyEvaluatorTests {
    let evaluator = PolicyEvaluator(policy: try! PolicyFixtures.policy(PolicyFixtures.specPolicy))
    /// A Wednesday, no window active.
    static let wednesday = PolicyFixtures.date("2026-11-18T10:00:00Z")
    static let longSoak = SoakObservation(heldSince: PolicyFixtures.date("2026-11-16T10:00:00Z"))

    func request(
        from: String = "staging", to: String = "prod", actor: String? = "alice", files: Int = 3,
        breakGlass: String? = nil, now: Date = wednesday, soak: SoakObservation? = longSoak, trigger: PolicyRequest.Trigger = .manual
    ) -> PolicyRequest {
        PolicyRequest(from: from, to: to, actor: actor, trigger: trigger, changedFiles: files, breakGlassReason: breakGlass, now: now, soak: soak)
    }

    func result(_ decision: PolicyDecision, _ id: String) -> RuleResult? {
        decision.rules.first { $0.id == id }
    }

    @Test func allowedPromotionPassesEveryRule() {
        let decision = evaluator.evaluate(request())
        #expect(decision.decision == .allow)
        #expect(decision.rules.map(\.line) == [
            "prod.promote_from: pass — staging → prod is allowed (prod accepts promotions from staging)",
            "prod.promoters: pass — alice may promote into prod",
            "prod.windows: pass — open until 2026-11-20T15:00:00Z",
            "prod.soak: pass — staging has held this content for 2d (since 2026-11-16T10:00:00Z), 24h required",
            "prod.max_changed_files: pass — 3 changed files, within the limit of 200",
            "prod.break_glass: skip — not requested",
        ])
        #expect(decision.summary == "allowed")
    }

    @Test func skippingTheLadderIsDenied() {
        let decision = evaluator.evaluate(request(from: "dev"))
        #expect(decision.decision == .deny)
        #expect(result(decision, "prod.promote_from")?.line == "prod.promote_from: fail — prod accepts promotions from staging only, not from dev")
        #expect(decision.summary == "denied: prod.promote_from failed")
    }

    @Test func promoterMustBeListed() {
        let decision = evaluator.evaluate(request(actor: "carol"))
        #expect(decision.decision == .deny)
        #expect(result(decision, "prod.promoters")?.message == "carol may not promote into prod; only alice, bob (group release) may")
        let unknown = evaluator.evaluate(request(actor: nil))
        #expect(result(unknown, "prod.promoters")?.message == "who is promoting is unknown; only alice, bob (group release) may promote into prod (pass --actor)")
        // Logins compare without case, as on the forges.
        #expect(evaluator.evaluate(request(actor: "Alice")).decision == .allow)
    }

    struct WindowCase: Sendable, CustomTestStringConvertible {
        let zone: String
        let schedule: String
        let now: String
        let open: Bool
        let message: String
        var testDescription: String { "\(zone) at \(now)" }
    }

    /// A 64h Friday-evening freeze read in local time: the UTC start moves with daylight saving,
    /// while the length stays 64 elapsed hours across the change.
    static let windowCases: [WindowCase] = [
        // Europe/Berlin leaves summer time on Sunday 2026-10-25.
        WindowCase(zone: "Europe/Berlin", schedule: "0 16 * * FRI", now: "2026-10-23T13:59:00Z", open: true,
                   message: "open until 2026-10-23T14:00:00Z"),
        WindowCase(zone: "Europe/Berlin", schedule: "0 16 * * FRI", now: "2026-10-23T14:00:00Z", open: false,
                   message: "closed by \"weekend freeze\" (deny, Fri 2026-10-23 16:00 Europe/Berlin for 64h) until 2026-10-26T06:00:00Z (in 2d16h)"),
        WindowCase(zone: "Europe/Berlin", schedule: "0 16 * * FRI", now: "2026-10-26T05:59:00Z", open: false,
                   message: "closed by \"weekend freeze\" (deny, Fri 2026-10-23 16:00 Europe/Berlin for 64h) until 2026-10-26T06:00:00Z (in 1m)"),
        WindowCase(zone: "Europe/Berlin", schedule: "0 16 * * FRI", now: "2026-10-26T06:00:00Z", open: true,
                   message: "open until 2026-10-30T15:00:00Z"),
        WindowCase(zone: "Europe/Berlin", schedule: "0 16 * * FRI", now: "2026-10-30T15:00:00Z", open: false,
                   message: "closed by \"weekend freeze\" (deny, Fri 2026-10-30 16:00 Europe/Berlin for 64h) until 2026-11-02T07:00:00Z (in 2d16h)"),
        // America/New_York enters summer time on Sunday 2026-03-08.
        WindowCase(zone: "America/New_York", schedule: "0 18 * * FRI", now: "2026-03-06T23:00:00Z", open: false,
                   message: "closed by \"weekend freeze\" (deny, Fri 2026-03-06 18:00 America/New_York for 64h) until 2026-03-09T15:00:00Z (in 2d16h)"),
        WindowCase(zone: "America/New_York", schedule: "0 18 * * FRI", now: "2026-03-09T14:59:59Z", open: false,
                   message: "closed by \"weekend freeze\" (deny, Fri 2026-03-06 18:00 America/New_York for 64h) until 2026-03-09T15:00:00Z (in 1s)"),
        WindowCase(zone: "America/New_York", schedule: "0 18 * * FRI", now: "2026-03-09T15:00:00Z", open: true,
                   message: "open until 2026-03-13T22:00:00Z"),
        WindowCase(zone: "America/New_York", schedule: "0 18 * * FRI", now: "2026-03-13T21:59:00Z", open: true,
                   message: "open until 2026-03-13T22:00:00Z"),
    ]

    @Test(arguments: windowCases) func windowsAcrossDaylightSaving(_ example: WindowCase) throws {
        let policy = try PolicyFixtures.policy("""
            version: 1
            environments:
              prod:
                windows:
                  - {kind: deny, schedule: "\(example.schedule)", duration: 64h, timezone: \(example.zone), reason: weekend freeze}
            """)
        let decision = PolicyEvaluator(policy: policy).evaluate(
            request(now: PolicyFixtures.date(example.now), soak: nil))
        let windows = try #require(result(decision, "prod.windows"))
        #expect(windows.result == (example.open ? .pass : .fail))
        #expect(windows.message == example.message)
        #expect(decision.decision == (example.open ? .allow : .deny))
    }

    /// The freeze ends at midnight on Monday 2027-01-04, but the weekend freeze that started on
    /// Friday 2027-01-01 keeps prod closed until 08:00 Berlin time.
    @Test func yearEndFreezeClosesProd() {
        let decision = evaluator.evaluate(request(now: PolicyFixtures.date("2026-12-22T10:00:00Z")))
        #expect(result(decision, "prod.windows")?.message
            == "closed by \"year-end freeze\" (deny, 2026-12-20T00:00:00Z to 2027-01-04T00:00:00Z) until 2027-01-04T07:00:00Z (in 12d21h)")
        #expect(decision.decision == .deny)
    }

    @Test func soakNotYetSatisfied() {
        let soak = SoakObservation(heldSince: PolicyFixtures.date("2026-11-18T06:48:00Z"))
        let decision = evaluator.evaluate(request(soak: soak))
        #expect(result(decision, "prod.soak")?.line
            == "prod.soak: fail — soaking: staging has held this content for 3h12m of 24h, until 2026-11-19T06:48:00Z")
        #expect(decision.decision == .deny)
        let unknown = evaluator.evaluate(request(soak: nil))
        #expect(result(unknown, "prod.soak")?.message == "cannot tell how long staging has held this content; 24h is required")
    }

    @Test func sizeLimit() {
        let decision = evaluator.evaluate(request(files: 201))
        #expect(result(decision, "prod.max_changed_files")?.line == "prod.max_changed_files: fail — 201 changed files, more than the limit of 200")
    }

    @Test func breakGlassBypassesWindowsSoakAndPromotersForItsGroupOnly() {
        let friday = PolicyFixtures.date("2026-11-20T18:00:00Z")
        let young = SoakObservation(heldSince: PolicyFixtures.date("2026-11-20T17:00:00Z"))
        let granted = evaluator.evaluate(request(actor: "carol", breakGlass: "payments outage", now: friday, soak: young))
        #expect(granted.decision == .allow)
        #expect(granted.rules.filter(\.bypassed).map(\.id) == ["prod.promoters", "prod.windows", "prod.soak"])
        #expect(result(granted, "prod.promoters")?.message
            == "bypassed by break-glass (carol): carol may not promote into prod; only alice, bob (group release) may")
        #expect(result(granted, "prod.break_glass")?.line
            == "prod.break_glass: pass — break-glass by carol: \"payments outage\"; bypassed prod.promoters, prod.windows, prod.soak")
        #expect(granted.breakGlass == BreakGlassUse(reason: "payments outage", by: "carol", granted: true, bypassed: ["prod.promoters", "prod.windows", "prod.soak"]))
        #expect(granted.summary == "allowed: break-glass by carol bypassed prod.promoters, prod.windows, prod.soak")

        let wrongGroup = evaluator.evaluate(request(actor: "alice", breakGlass: "payments outage", now: friday, soak: young))
        #expect(wrongGroup.decision == .deny)
        #expect(wrongGroup.rules.filter(\.bypassed).isEmpty)
        #expect(result(wrongGroup, "prod.break_glass")?.message == "alice may not break glass for prod; only carol, dave (group sre) may")

        let notAllowed = evaluator.evaluate(request(from: "dev", to: "staging", actor: "carol", breakGlass: "hurry", soak: young))
        #expect(result(notAllowed, "staging.break_glass")?.message == "break-glass is not allowed for staging")
        #expect(notAllowed.decision == .deny)

        // Never the edge, never the size limit.
        let skip = evaluator.evaluate(request(from: "dev", actor: "carol", files: 500, breakGlass: "hurry"))
        #expect(skip.decision == .deny)
        #expect(skip.failures.map(\.id) == ["prod.promote_from", "prod.max_changed_files"])
    }

    @Test func evaluateModeReportsButAllows() throws {
        let text = PolicyFixtures.specPolicy.replacingOccurrences(of: "enforcement: active", with: "enforcement: evaluate")
        let evaluator = PolicyEvaluator(policy: try PolicyFixtures.policy(text))
        let decision = evaluator.evaluate(request(from: "dev", actor: "carol"))
        #expect(decision.decision == .allow)
        #expect(decision.wouldDeny)
        #expect(decision.failures.map(\.id) == ["prod.promote_from", "prod.promoters"])
        #expect(decision.summary == "allowed (enforcement: evaluate — would deny: prod.promote_from, prod.promoters; nothing is denied)")
        #expect(decision.json["would_deny"] == .bool(true))
        #expect(decision.json["decision"] == .string("allow"))
    }

    @Test func scheduledPromotionsNeedAuto() {
        let staging = evaluator.evaluate(request(from: "dev", to: "staging", actor: "ladder-bot", trigger: .auto))
        #expect(result(staging, "staging.auto")?.result == .pass)
        #expect(result(staging, "staging.promoters") == nil)
        #expect(staging.decision == .allow)
        let prod = evaluator.evaluate(request(trigger: .auto))
        #expect(result(prod, "prod.auto")?.message == "prod does not accept scheduled promotions (auto is not set)")
        #expect(prod.decision == .deny)
    }

    @Test func decisionJSONHasTheSpecShape() {
        let decision = evaluator.evaluate(request(from: "dev"))
        let json = decision.json
        #expect(json["decision"] == .string("deny"))
        #expect(json["environment"] == .string("prod"))
        #expect(json["rules"]?.arrayValue?.first == ["id": "prod.promote_from", "result": "fail", "message": "prod accepts promotions from staging only, not from dev"])
    }
}
