import Foundation
import LadderCore

enum PolicyFixtures {
    static let ladderYAML = """
        version: 1
        environments:
          - {name: dev, path: environments/dev}
          - {name: staging, path: environments/staging}
          - {name: prod, path: environments/prod}
        promote:
          exclude: ["*/env.yaml"]
        """

    static var config: LadderConfig {
        try! LadderConfig.parse(Array(ladderYAML.utf8))
    }

    /// The policy of SPEC section 6.
    static let specPolicy = """
        version: 1
        groups:
          release: [alice, bob]
          sre: [carol, dave]
        defaults:
          approvals: {required: 1, allow_author: false, dismiss_stale: true}
        environments:
          staging:
            promote_from: [dev]
            auto: true
            soak: 1h
          prod:
            promote_from: [staging]
            promoters: [group:release]
            approvals:
              required: 2
              from: [group:sre, group:release]
              code_owners: true
              allow_author: false
              allow_committers: false
              dismiss_stale: true
            checks: [build, e2e]
            require_up_to_date: true
            require_signed_commits: false
            max_changed_files: 200
            soak: 24h
            direct_changes: deny
            windows:
              - kind: deny
                schedule: "0 16 * * FRI"
                duration: 64h
                timezone: Europe/Berlin
                reason: weekend freeze
              - kind: deny
                from: 2026-12-20T00:00:00Z
                until: 2027-01-04T00:00:00Z
                reason: year-end freeze
            break_glass: {allowed: true, by: [group:sre], approvals: 1}
        rollback:
          approvals: {required: 1}
          ignore_windows: true
        policy_changes:
          approvals: {required: 2, from: [group:sre]}
        enforcement: active
        """

    static func policy(_ text: String, config: LadderConfig = PolicyFixtures.config) throws -> PolicyFile {
        try PolicyFile.parse(Array(text.utf8), file: "ladder-policy.yaml", config: config)
    }

    /// The error lines of a policy that must not load.
    static func errors(_ text: String, config: LadderConfig = PolicyFixtures.config) -> [String] {
        do {
            _ = try PolicyFile.parse(Array(text.utf8), file: "ladder-policy.yaml", config: config)
            return []
        } catch {
            return error.errors.map { $0.errorDescription ?? "" }
        }
    }

    static func date(_ text: String) -> Date {
        try! Timestamp.parse(text)
    }
}
