@testable import LadderCore

/// Contexts shared by the pull-request tests.
enum PullRequestFixtures {
    static let ladder = PullRequestContext.Ladder(
        environments: ["dev", "staging", "prod-eu.1", "prod-us"],
        edges: [
            .init(from: "dev", to: "staging"),
            .init(from: "staging", to: "prod-eu.1"),
            .init(from: "staging", to: "prod-us"),
        ])

    static func promotion(forge: Forge = .github, breakGlass: Bool = true) -> PullRequestContext {
        PullRequestContext(
            kind: .promotion,
            from: "staging",
            to: "prod-eu.1",
            branch: "ladder/promote/staging-to-prod-eu.1",
            baseBranch: "main",
            id: "0123abcd4567ef89",
            sourceCommit: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
            baseCommit: "2c26b46b68ffc68ff99b453c1d30413413422d70",
            actor: "carol",
            breakGlass: breakGlass ? .init(reason: "INC-4211: payments outage, hotfix 1.5.1", by: "carol") : nil,
            units: [
                .init(name: "payments", oldVersion: "1.4.0", newVersion: "1.5.1"),
                .init(name: "orders", oldVersion: nil, newVersion: "2.0.0"),
            ],
            changedFiles: [
                .init(
                    path: "payments/values.yaml", status: .modified,
                    keys: [
                        .init(path: "image.tag", old: "1.4.0", new: "1.5.1"),
                        .init(path: "chart.version", old: nil, new: "3.2.0"),
                    ]),
                .init(path: "orders/deployment.yaml", status: .added),
                .init(path: "orders/run.sh", status: .typeChanged),
                .init(path: "payments/old.yaml", status: .deleted),
                .init(path: "payments/config/app.yaml", oldPath: "payments/app.yaml", status: .renamed),
                .init(path: "payments/logo.png", status: .modified, binary: true),
            ],
            excludedFiles: [
                .init(path: "payments/env.yaml", rule: "*/env.yaml"),
                .init(path: "payments/secrets/db.yaml", rule: "**/secrets/**"),
            ],
            requirements: [
                "2 approvals from group sre or release (never the author)",
                "checks build, e2e",
                "code owners of every changed path",
            ],
            ladder: ladder,
            rollbackCommand: "ladder rollback prod-eu.1 --promotion 0123abcd4567ef89",
            forge: forge)
    }

    static func rollback(forge: Forge = .github) -> PullRequestContext {
        PullRequestContext(
            kind: .rollback,
            from: nil,
            to: "staging",
            branch: "ladder/rollback/staging/0123abcd4567ef89",
            baseBranch: "main",
            id: "fedcba9876543210",
            sourceCommit: "2c26b46b68ffc68ff99b453c1d30413413422d70",
            baseCommit: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
            actor: "dave",
            rollback: .init(target: .promotion, of: "0123abcd4567ef89", reason: "error rate above 5% after 1.5.0"),
            units: [.init(name: "payments", oldVersion: "1.5.0", newVersion: "1.4.0")],
            changedFiles: [
                .init(path: "payments/values.yaml", status: .modified, keys: [.init(path: "image.tag", old: "1.5.0", new: "1.4.0")])
            ],
            requirements: ["1 approval"],
            ladder: .init(chain: ["dev", "staging", "prod"]),
            rollbackCommand: "ladder rollback staging --to 9f86d081884c",
            forge: forge)
    }

    /// `ladder rollback prod --to v1.2.0 --break-glass …`: content restored from a revision.
    static func restore(forge: Forge = .gitlab) -> PullRequestContext {
        var context = rollback(forge: forge)
        context.to = "prod"
        context.branch = "ladder/rollback/prod/v1.2.0"
        context.id = "00ff00ff00ff00ff"
        context.rollback = .init(target: .revision, of: "v1.2.0")
        context.breakGlass = .init(reason: "freeze window, customer-facing outage", by: "dave")
        context.units = [.init(name: "payments", oldVersion: "1.5.0", newVersion: "1.2.0"), .init(name: "orders")]
        context.changedFiles.append(.init(path: "orders/values.yaml", status: .modified, keys: [.init(path: "replicas", old: "3", new: nil)]))
        context.requirements = []
        context.rollbackCommand = nil
        return context
    }
}
