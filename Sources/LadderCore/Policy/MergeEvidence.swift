import Foundation

/// The reviews of a branch after review semantics have been applied (latest review per user,
/// dismissals, stale approvals, author and committers, `max_age`) — produced by the Review module
/// from the forge's JSON and the effective ``ApprovalRules``.
public struct ApprovalEvidence: Sendable, Equatable {
    /// One person's approval and whether it counts.
    public struct Approval: Sendable, Equatable {
        public var login: String
        /// The commit approved, when known.
        public var commit: String?
        public var counted: Bool
        /// Why it does not count, as a phrase that follows the login:
        /// `approved an older commit 1a2b3c4`, `is the author`.
        public var reason: String?

        public init(login: String, commit: String? = nil, counted: Bool, reason: String? = nil) {
            self.login = login
            self.commit = commit
            self.counted = counted
            self.reason = reason
        }
    }

    /// Someone whose review blocks the merge (changes requested and not since approved).
    public struct Blocker: Sendable, Equatable {
        public var login: String
        /// A phrase following the login: `requested changes on 1a2b3c4`.
        public var reason: String

        public init(login: String, reason: String) {
            self.login = login
            self.reason = reason
        }
    }

    public var approvals: [Approval]
    public var blockers: [Blocker]

    public init(approvals: [Approval] = [], blockers: [Blocker] = []) {
        self.approvals = approvals
        self.blockers = blockers
    }
}

/// The state of one status check, already mapped from the forge's vocabulary.
public enum PolicyCheckState: String, Sendable, CaseIterable {
    case success, neutral, skipped, pending, failure, cancelled, error

    /// Success, neutral and skipped satisfy a required check, as in GitHub's branch protection.
    public var isSatisfied: Bool { self == .success || self == .neutral || self == .skipped }
}

/// Status checks reported for the head commit of a branch.
public struct ChecksEvidence: Sendable, Equatable {
    public struct Check: Sendable, Equatable {
        public var name: String
        public var state: PolicyCheckState
        public var commit: String?

        public init(name: String, state: PolicyCheckState, commit: String? = nil) {
            self.name = name
            self.state = state
            self.commit = commit
        }
    }

    /// Checks in report order; when a name repeats, the last entry wins.
    public var checks: [Check]
    /// The commit the checks must have run on (nil: trust every check's commit).
    public var headCommit: String?

    public init(_ checks: [Check] = [], headCommit: String? = nil) {
        self.checks = checks
        self.headCommit = headCommit
    }

    /// The evidence of parsed forge results: for each name the deciding result (see
    /// `CheckResult.latest`: a run on the head commit beats later runs elsewhere, then time, then
    /// position), in name order.
    public init(results: [CheckResult], headCommit: String?) {
        let deciding = CheckResult.latest(results, headCommit: headCommit).values.sorted { $0.name < $1.name }
        self.init(
            deciding.map { Check(name: $0.name, state: PolicyCheckState(rawValue: $0.state.rawValue) ?? .failure, commit: $0.headSHA) },
            headCommit: headCommit)
    }

    /// The check called `name`, the last reported.
    public func check(named name: String) -> Check? {
        checks.last { $0.name == name }
    }

    /// The state of the check called `name`, the last reported.
    public func state(of name: String) -> PolicyCheckState? {
        checks.last { $0.name == name }?.state
    }
}

/// The code owners of the changed paths and who among them approved.
public struct CodeOwnersEvidence: Sendable, Equatable {
    public struct Requirement: Sendable, Equatable {
        /// The changed path (or the CODEOWNERS pattern covering several).
        public var path: String
        /// Owners as written in CODEOWNERS (`@alice`, `@org/team`).
        public var owners: [String]
        /// Owners whose approval counts.
        public var approvedBy: [String]

        public init(path: String, owners: [String], approvedBy: [String]) {
            self.path = path
            self.owners = owners
            self.approvedBy = approvedBy
        }
    }

    public var requirements: [Requirement]

    public init(_ requirements: [Requirement] = []) {
        self.requirements = requirements
    }
}

/// Whether the branch is a faithful promotion (SPEC section 6, promotion integrity).
public enum IntegrityEvidence: Sendable, Equatable {
    /// Every promotable change equals the source at `Ladder-Source-Commit`, nothing else changed.
    case faithful(promotionID: String)
    /// A promotion branch whose content differs from what it claims to promote.
    case altered(promotionID: String?, problems: [String])
    /// The branch changes the environment without being a promotion.
    case directChange(paths: [String])
}

/// Everything `ladder check` gathers about a branch besides the promotion itself.
public struct MergeEvidence: Sendable, Equatable {
    public var approvals: ApprovalEvidence
    public var checks: ChecksEvidence
    /// nil when CODEOWNERS could not be read.
    public var codeOwners: CodeOwnersEvidence?
    /// Whether the branch contains the trunk tip; nil when unknown.
    public var upToDate: Bool?
    /// Short ids of commits on the branch without a valid signature; nil when not examined.
    public var unsignedCommits: [String]?
    /// The pull-request title and the commit messages, searched for a ticket reference.
    public var ticketText: String?
    public var integrity: IntegrityEvidence?
    /// Whether the branch edits `ladder.yaml` or the policy file.
    public var changesPolicy: Bool

    public init(
        approvals: ApprovalEvidence = ApprovalEvidence(), checks: ChecksEvidence = ChecksEvidence(),
        codeOwners: CodeOwnersEvidence? = nil, upToDate: Bool? = nil, unsignedCommits: [String]? = nil,
        ticketText: String? = nil, integrity: IntegrityEvidence? = nil, changesPolicy: Bool = false
    ) {
        self.approvals = approvals
        self.checks = checks
        self.codeOwners = codeOwners
        self.upToDate = upToDate
        self.unsignedCommits = unsignedCommits
        self.ticketText = ticketText
        self.integrity = integrity
        self.changesPolicy = changesPolicy
    }
}
