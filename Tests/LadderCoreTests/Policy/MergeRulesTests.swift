import Foundation
import LadderCore
import Testing

@Suite struct MergeRulesTests {
    static let groups = PolicyGroups(["release": [.user("alice"), .user("bob")], "sre": [.user("carol"), .user("dave")]])
    static let prodApprovals = ApprovalRules(required: 2, from: [.group("sre"), .group("release")])

    struct ApprovalCase: Sendable, CustomTestStringConvertible {
        let name: String
        let evidence: ApprovalEvidence
        let required: Int
        let breakGlass: Int?
        let expected: String
        var testDescription: String { name }
    }

    static let approvalCases: [ApprovalCase] = [
        ApprovalCase(
            name: "one of two, one stale",
            evidence: ApprovalEvidence(approvals: [
                .init(login: "carol", counted: true),
                .init(login: "bob", commit: "1a2b3c4", counted: false, reason: "approved an older commit 1a2b3c4"),
            ]),
            required: 2, breakGlass: nil, expected: "prod.approvals: fail — 1 of 2 (carol); bob approved an older commit 1a2b3c4"),
        ApprovalCase(
            name: "two distinct approvals",
            evidence: ApprovalEvidence(approvals: [.init(login: "carol", counted: true), .init(login: "alice", counted: true)]),
            required: 2, breakGlass: nil, expected: "prod.approvals: pass — 2 of 2 (carol, alice)"),
        ApprovalCase(
            name: "duplicates count once",
            evidence: ApprovalEvidence(approvals: [.init(login: "carol", counted: true), .init(login: "Carol", counted: true)]),
            required: 2, breakGlass: nil, expected: "prod.approvals: fail — 1 of 2 (carol)"),
        ApprovalCase(
            name: "outsiders do not count",
            evidence: ApprovalEvidence(approvals: [.init(login: "carol", counted: true), .init(login: "erin", counted: true)]),
            required: 2, breakGlass: nil, expected: "prod.approvals: fail — 1 of 2 (carol); erin approved but is not among who may approve"),
        ApprovalCase(
            name: "changes requested block",
            evidence: ApprovalEvidence(
                approvals: [.init(login: "carol", counted: true), .init(login: "alice", counted: true)],
                blockers: [.init(login: "dave", reason: "requested changes")]),
            required: 2, breakGlass: nil, expected: "prod.approvals: fail — 2 of 2 (carol, alice); dave requested changes"),
        ApprovalCase(
            name: "nothing required",
            evidence: ApprovalEvidence(), required: 0, breakGlass: nil, expected: "prod.approvals: skip — no approvals required"),
        ApprovalCase(
            name: "break-glass lowers the count",
            evidence: ApprovalEvidence(approvals: [.init(login: "dave", counted: true)]),
            required: 2, breakGlass: 1, expected: "prod.approvals: pass — 1 of 1 (dave) under break-glass, 2 normally"),
    ]

    @Test(arguments: approvalCases) func approvals(_ example: ApprovalCase) {
        var rules = Self.prodApprovals
        rules.required = example.required
        let result = MergeRules.approvals(id: "prod.approvals", rules: rules, groups: Self.groups, evidence: example.evidence, breakGlassRequired: example.breakGlass)
        #expect(result.line == example.expected)
        #expect(result.bypassed == (example.breakGlass != nil))
    }

    @Test(arguments: [
        ([ChecksEvidence.Check(name: "build", state: .success), .init(name: "e2e", state: .success)], "pass — build and e2e passed"),
        ([.init(name: "build", state: .success)], "fail — e2e not reported"),
        ([.init(name: "build", state: .pending), .init(name: "e2e", state: .failure)], "fail — build still running; e2e failure"),
        ([.init(name: "build", state: .neutral), .init(name: "e2e", state: .skipped)], "pass — build and e2e passed"),
        ([.init(name: "build", state: .failure), .init(name: "build", state: .success), .init(name: "e2e", state: .cancelled)], "fail — e2e cancelled"),
    ])
    func checks(_ reported: [ChecksEvidence.Check], _ expected: String) {
        #expect(MergeRules.checks(id: "prod.checks", required: ["build", "e2e"], evidence: ChecksEvidence(reported)).line == "prod.checks: \(expected)")
    }

    @Test func smallRules() {
        #expect(MergeRules.checks(id: "dev.checks", required: [], evidence: ChecksEvidence()).result == .skip)
        #expect(MergeRules.upToDate(id: "u", required: true, upToDate: false).line == "u: fail — the branch does not contain the trunk tip; update it")
        #expect(MergeRules.upToDate(id: "u", required: true, upToDate: true).result == .pass)
        #expect(MergeRules.upToDate(id: "u", required: false, upToDate: false).result == .skip)
        #expect(MergeRules.signedCommits(id: "s", required: true, unsigned: ["1a2b3c4"]).line == "s: fail — unsigned commit: 1a2b3c4")
        #expect(MergeRules.signedCommits(id: "s", required: true, unsigned: []).result == .pass)
        #expect(MergeRules.ticket(id: "t", pattern: "OPS-[0-9]+", text: "promote(prod): payments (OPS-42)").line == "t: pass — references OPS-42")
        #expect(MergeRules.ticket(id: "t", pattern: "OPS-[0-9]+", text: "promote(prod): payments").result == .fail)
        #expect(MergeRules.ticket(id: "t", pattern: nil, text: nil).result == .skip)
        #expect(MergeRules.codeOwners(id: "c", required: true, evidence: CodeOwnersEvidence([
            .init(path: "environments/prod/payments/values.yaml", owners: ["@payments-team", "erin"], approvedBy: []),
        ])).line == "c: fail — environments/prod/payments/values.yaml needs one of @payments-team, erin")
        #expect(MergeRules.codeOwners(id: "c", required: true, evidence: nil).result == .fail)
        #expect(MergeRules.codeOwners(id: "c", required: false, evidence: nil).result == .skip)
    }

    @Test func integrityAndDirectChanges() {
        #expect(MergeRules.integrity(environment: "prod", evidence: .faithful(promotionID: "abcd"), directChanges: .deny).map(\.result) == [.pass, .skip])
        let altered = MergeRules.integrity(environment: "prod", evidence: .altered(promotionID: "abcd", problems: ["payments/values.yaml differs from staging"]), directChanges: .deny)
        #expect(altered[0].line == "prod.integrity: fail — promotion abcd was changed after it was prepared: payments/values.yaml differs from staging")
        let denied = MergeRules.integrity(environment: "prod", evidence: .directChange(paths: ["payments/values.yaml"]), directChanges: .deny)
        #expect(denied[1].line == "prod.direct_changes: fail — prod refuses direct changes; this branch changes 1 path without being a promotion: payments/values.yaml")
        let allowed = MergeRules.integrity(environment: "dev", evidence: .directChange(paths: ["a", "b"]), directChanges: .allow)
        #expect(allowed.map(\.result) == [.skip, .pass])
    }

    @Test func mergeDecisionCombinesBothStages() throws {
        let policy = try PolicyFixtures.policy(PolicyFixtures.specPolicy)
        let evaluator = PolicyEvaluator(policy: policy)
        let request = PolicyRequest(
            from: "staging", to: "prod", actor: "alice", changedFiles: 2, now: PolicyFixtures.date("2026-11-18T10:00:00Z"),
            soak: SoakObservation(heldSince: PolicyFixtures.date("2026-11-10T10:00:00Z")))
        var evidence = MergeEvidence(
            approvals: ApprovalEvidence(approvals: [.init(login: "carol", counted: true), .init(login: "dave", counted: true)]),
            checks: ChecksEvidence([.init(name: "build", state: .success), .init(name: "e2e", state: .success)]),
            codeOwners: CodeOwnersEvidence([]), upToDate: true, unsignedCommits: [], ticketText: "promote(prod)",
            integrity: .faithful(promotionID: "0123456789abcdef"), changesPolicy: false)
        let allowed = evaluator.evaluateMerge(request, evidence: evidence)
        #expect(allowed.decision == .allow, "\(allowed.failures.map(\.line))")
        #expect(allowed.rules.map(\.id) == [
            "prod.promote_from", "prod.promoters", "prod.windows", "prod.soak", "prod.max_changed_files",
            "prod.approvals", "prod.code_owners", "prod.checks", "prod.require_up_to_date", "prod.signed_commits", "prod.ticket",
            "prod.integrity", "prod.direct_changes", "policy_changes.approvals", "prod.break_glass",
        ])

        evidence.changesPolicy = true
        evidence.approvals = ApprovalEvidence(approvals: [.init(login: "carol", counted: true), .init(login: "alice", counted: true)])
        let policyChange = evaluator.evaluateMerge(request, evidence: evidence)
        #expect(policyChange.failures.map(\.line) == ["policy_changes.approvals: fail — 1 of 2 (carol); alice approved but is not among who may approve"])

        // Break-glass at merge: one approval is enough and code owners are bypassed; checks are not.
        evidence.changesPolicy = false
        evidence.approvals = ApprovalEvidence(approvals: [.init(login: "dave", counted: true)])
        evidence.codeOwners = nil
        evidence.checks = ChecksEvidence([.init(name: "build", state: .success)])
        var glass = request
        glass.actor = "carol"
        glass.breakGlassReason = "outage"
        let broken = evaluator.evaluateMerge(glass, evidence: evidence)
        #expect(broken.failures.map(\.id) == ["prod.checks"])
        #expect(broken.breakGlass?.bypassed == ["prod.promoters", "prod.code_owners", "prod.approvals"])
    }
}
