import Foundation
import LadderCore
import Testing

@Suite struct PolicyRulesTests {
    static let config = try! LadderConfig.parse(Array("""
        version: 1
        environments:
          - {name: dev, path: environments/dev}
          - {name: hotfix, path: environments/hotfix}
          - {name: staging, path: environments/staging}
          - {name: prod, path: environments/prod}
        promotions:
          - {from: dev, to: [staging]}
          - {from: staging, to: [prod]}
          - {from: hotfix, to: [prod]}
        """.utf8))

    static let policyText = """
        version: 1
        groups:
          release: [alice, bob]
          sre: [carol, dave]
        defaults:
          approvals: {required: 1, allow_author: false, max_age: 7d}
          checks: [build]
          soak: 2h
        environments:
          staging:
            auto: true
          prod:
            promoters: [group:release]
            approvals: {required: 2, from: [group:sre]}
            checks: [build, e2e]
            windows:
              - {kind: deny, schedule: "0 16 * * FRI", duration: 64h, timezone: Europe/Berlin, reason: weekend freeze}
            break_glass: {allowed: true, by: [group:sre]}
            from:
              hotfix:
                approvals: {from: [group:sre, group:release]}
                checks: [build, smoke]
                windows: []
                soak: 0s
                break_glass: {approvals: 1}
        """

    @Test func defaultsEnvironmentAndTransitionMerge() throws {
        let policy = try PolicyFixtures.policy(Self.policyText, config: Self.config)

        let staging = policy.rules(for: "staging", from: "dev")
        #expect(staging.promoteFrom == ["dev"])
        #expect(staging.auto)
        #expect(staging.soak == PolicyDuration(seconds: 7200))  // from defaults
        #expect(staging.checks == ["build"])
        #expect(staging.approvals == ApprovalRules(required: 1, from: nil, allowAuthor: false, maxAge: PolicyDuration(seconds: 7 * 86_400)))

        let fromStaging = policy.rules(for: "prod", from: "staging")
        #expect(fromStaging.promoteFrom == ["staging", "hotfix"])
        #expect(fromStaging.approvals.required == 2)
        #expect(fromStaging.approvals.from == [.group("sre")])
        #expect(fromStaging.approvals.maxAge == PolicyDuration(seconds: 7 * 86_400))  // map merge keeps the default's key
        #expect(fromStaging.checks == ["build", "e2e"])  // lists replace
        #expect(fromStaging.windows.count == 1)
        #expect(fromStaging.breakGlass == BreakGlassRules(allowed: true, by: [.group("sre")], approvals: nil))
        #expect(fromStaging.auto == false)

        let fromHotfix = policy.rules(for: "prod", from: "hotfix")
        #expect(fromHotfix.approvals.required == 2)  // from the environment
        #expect(fromHotfix.approvals.from == [.group("sre"), .group("release")])  // from the transition
        #expect(fromHotfix.approvals.allowAuthor == false)  // from defaults
        #expect(fromHotfix.checks == ["build", "smoke"])
        #expect(fromHotfix.windows.isEmpty)  // an empty list replaces too
        #expect(fromHotfix.soak == PolicyDuration(seconds: 0))
        #expect(fromHotfix.breakGlass == BreakGlassRules(allowed: true, by: [.group("sre")], approvals: 1))
        #expect(fromHotfix.promoters == [.group("release")])
    }

    @Test func unsetRulesTakeLaddersDefaults() throws {
        let policy = try PolicyFixtures.policy("version: 1\n", config: Self.config)
        let rules = policy.rules(for: "prod", from: "staging")
        #expect(rules.promoteFrom == ["staging", "hotfix"])
        #expect(rules.promoters == nil)
        #expect(rules.approvals == ApprovalRules(required: 0, from: nil, codeOwners: false, allowAuthor: false, allowCommitters: true, dismissStale: true))
        #expect(rules.directChanges == .allow)
        #expect(rules.windows.isEmpty && rules.checks.isEmpty && rules.soak == nil && rules.maxChangedFiles == nil)
        #expect(policy.rules(for: "dev").promoteFrom.isEmpty)
        #expect(policy.policyChangeApprovals == nil)
    }

    @Test func rollbackAndPolicyChangeRules() throws {
        let policy = try PolicyFixtures.policy(PolicyFixtures.specPolicy)
        let rollback = policy.rollbackRules(for: "prod")
        #expect(rollback.approvals.required == 1)
        #expect(rollback.approvals.from == nil)
        #expect(rollback.approvals.dismissStale)
        #expect(rollback.windows.isEmpty)
        #expect(rollback.checks.isEmpty)
        #expect(rollback.soak == nil)
        #expect(rollback.breakGlass.allowed)
        #expect(policy.policyChangeApprovals?.required == 2)
        #expect(policy.policyChangeApprovals?.from == [.group("sre")])
    }
}
