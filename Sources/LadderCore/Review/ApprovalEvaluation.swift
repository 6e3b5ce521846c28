import Foundation

/// An approval rule of the policy (`approvals:`), with groups already expanded to logins.
public struct ApprovalRule: Sendable, Equatable {
    /// How many distinct approvals are needed.
    public var required: Int
    /// Logins whose approval counts; nil means anyone's. Compared case-insensitively.
    public var from: Set<String>?
    /// Whether the change's author may approve it.
    public var allowAuthor: Bool
    /// Whether someone who committed to the branch may approve it.
    public var allowCommitters: Bool
    /// Whether an approval counts only for the head commit.
    public var dismissStale: Bool
    /// An approval older than this does not count.
    public var maxAge: TimeInterval?

    /// The defaults are the strict choices; the policy loader passes its own values.
    public init(
        required: Int, from: Set<String>? = nil, allowAuthor: Bool = false, allowCommitters: Bool = false,
        dismissStale: Bool = true, maxAge: TimeInterval? = nil
    ) {
        self.required = required
        self.from = from
        self.allowAuthor = allowAuthor
        self.allowCommitters = allowCommitters
        self.dismissStale = dismissStale
        self.maxAge = maxAge
    }
}

/// What the approvals are judged against.
public struct ApprovalContext: Sendable, Equatable {
    /// The commit under check (full or abbreviated id).
    public var headCommit: String
    /// The change's author login, if known.
    public var author: String?
    /// Logins of everyone who committed to the branch.
    public var committers: Set<String>
    /// The current time, for `maxAge`.
    public var now: Date

    /// A context for the change at `headCommit`, written by `author` with commits by `committers`.
    public init(headCommit: String, author: String? = nil, committers: Set<String> = [], now: Date) {
        self.headCommit = headCommit
        self.author = author
        self.committers = committers
        self.now = now
    }
}

/// Why a standing approval does not count.
public enum ApprovalRejection: Sendable, Equatable {
    /// The approver is the change's author and the rule forbids it.
    case author
    /// The approver committed to the branch and the rule forbids it.
    case committer
    /// The approver is not among the rule's eligible logins.
    case notEligible
    /// The approval was given for another commit and the rule dismisses stale approvals.
    case stale(commit: String)
    /// The approval is older than the rule's `maxAge`.
    case tooOld(age: TimeInterval, maxAge: TimeInterval)
    /// The rule has a `maxAge` but the approval has no time to compare with it.
    case undated

    /// The reason without a subject, for audit records: `approved an older commit 1a2b3c4`.
    public var reason: String {
        switch self {
        case .author: return "the author"
        case .committer: return "committed to the branch"
        case .notEligible: return "not an eligible approver"
        case .stale(let commit): return "approved an older commit \(abbreviated(commit))"
        case .tooOld(let age, let maxAge):
            return "approved \(compactDuration(age)) ago, more than max_age \(compactDuration(maxAge))"
        case .undated: return "approval has no time to check max_age against"
        }
    }

    /// The reason as a sentence about `login`: `bob approved an older commit 1a2b3c4`.
    public func sentence(about login: String) -> String {
        switch self {
        case .author: return "\(login) is the author"
        case .committer: return "\(login) committed to the branch"
        case .notEligible: return "\(login) is not an eligible approver"
        case .undated: return "\(login)'s approval has no time to check max_age against"
        case .stale, .tooOld: return "\(login) \(reason)"
        }
    }
}

/// An approval that stands but does not count.
public struct RejectedApproval: Sendable, Equatable {
    public var login: String
    public var rejection: ApprovalRejection
    /// The review's position in the input file.
    public var index: Int

    /// A standing approval by `login` that does not count, for the stated reason.
    public init(login: String, rejection: ApprovalRejection, index: Int) {
        self.login = login
        self.rejection = rejection
        self.index = index
    }
}

/// One review as the audit log records it: `{login, state, commit, counted, reason}`.
public struct ReviewRecord: Sendable, Equatable {
    public var login: String
    public var state: ReviewState
    public var commit: String?
    /// Whether this review is one of the approvals that counted.
    public var counted: Bool
    /// Why it did not count, in plain words; nil when it counted.
    public var reason: String?

    /// A record of one review (audit logs read these back from stored events).
    public init(login: String, state: ReviewState, commit: String?, counted: Bool, reason: String?) {
        self.login = login
        self.state = state
        self.commit = commit
        self.counted = counted
        self.reason = reason
    }

    /// The audit-log form: `{"login","state","commit","counted","reason"}` with nulls where absent.
    public var json: JSONValue {
        .object([
            "login": .string(login), "state": .string(state.rawValue), "commit": .optional(commit),
            "counted": .bool(counted), "reason": .optional(reason),
        ])
    }
}

/// The outcome of an approval rule over a set of reviews.
///
/// Rules applied, in order:
/// - Each user's standing review is their latest approval, change request or dismissal — by
///   `submittedAt` when both reviews have one, else by position in the input. Comments and
///   pending reviews do not change where a user stands (as on GitHub, a comment after an
///   approval leaves the approval in force).
/// - A dismissal removes the user's standing review.
/// - A standing change request blocks, whatever commit it was for, until the same user approves later.
/// - A standing approval counts unless: its author is the change's author (`allowAuthor` false),
///   a committer (`allowCommitters` false), outside `from`, for another commit (`dismissStale`),
///   older than `maxAge`, or undated while `maxAge` is set. Reviews without a commit are taken to
///   be for the head commit.
/// - Logins compare case-insensitively; one user counts once.
public struct ApprovalEvaluation: Sendable, Equatable {
    /// The rule's required count.
    public var required: Int
    /// Logins whose approval counted, in input order of their approvals.
    public var counted: [String]
    /// Standing approvals that did not count, in input order.
    public var rejected: [RejectedApproval]
    /// Logins whose standing review requests changes.
    public var blocking: [String]
    /// Logins whose approval is valid on every ground except `from`: the approvals that may
    /// satisfy code owners, which are judged by ownership rather than by the eligible list.
    public var qualifiedApprovers: [String]
    /// Every input review, in input order, with whether it counted and why not.
    public var records: [ReviewRecord]

    /// True when nobody blocks and enough approvals counted.
    public var satisfied: Bool { blocking.isEmpty && counted.count >= required }

    /// Plain words: `1 of 2 (carol); bob approved an older commit 1a2b3c4; alice is the author`,
    /// led by `changes requested by dave` when someone blocks.
    public var message: String {
        var parts: [String] = []
        if !blocking.isEmpty { parts.append("changes requested by " + listed(blocking)) }
        var count = required == 0 ? "no approval required" : "\(counted.count) of \(required)"
        if !counted.isEmpty { count += " (" + counted.joined(separator: ", ") + ")" }
        parts.append(count)
        parts += rejected.map { $0.rejection.sentence(about: $0.login) }
        return parts.joined(separator: "; ")
    }

    /// Evaluates `rule` over `reviews` (in input order) for the change described by `context`.
    public init(reviews: [Review], rule: ApprovalRule, context: ApprovalContext) {
        // The standing review per user: the latest approval, change request or dismissal.
        // Keyed by lower-cased login; the value is the review's offset in `reviews`.
        var standing: [String: Int] = [:]
        for (offset, review) in reviews.enumerated()
        where [.approved, .changesRequested, .dismissed].contains(review.state) {
            let key = review.login.lowercased()
            if let current = standing[key], let time = review.submittedAt,
                let currentTime = reviews[current].submittedAt, time < currentTime
            {
                continue
            }
            standing[key] = offset
        }

        let author = context.author?.lowercased()
        let committers = Set(context.committers.map { $0.lowercased() })
        let eligible = rule.from.map { Set($0.map { $0.lowercased() }) }

        func rejection(of review: Review, ignoringEligibility: Bool) -> ApprovalRejection? {
            let login = review.login.lowercased()
            if !rule.allowAuthor, login == author { return .author }
            if !rule.allowCommitters, committers.contains(login) { return .committer }
            if !ignoringEligibility, let eligible, !eligible.contains(login) { return .notEligible }
            if rule.dismissStale, let commit = review.commit, !commitsMatch(commit, context.headCommit) {
                return .stale(commit: commit)
            }
            if let maxAge = rule.maxAge {
                guard let time = review.submittedAt else { return .undated }
                let age = context.now.timeIntervalSince(time)
                if age > maxAge { return .tooOld(age: age, maxAge: maxAge) }
            }
            return nil
        }

        var counted: [String] = []
        var rejected: [RejectedApproval] = []
        var blocking: [String] = []
        var qualified: [String] = []
        var records: [ReviewRecord] = []
        for (offset, review) in reviews.enumerated() {
            let isStanding = standing[review.login.lowercased()] == offset
            var reason: String?
            switch review.state {
            case .commented: reason = "a comment, not an approval"
            case .pending: reason = "pending, not submitted"
            case _ where !isStanding: reason = "superseded by a later review"
            case .dismissed: reason = "dismissed"
            case .changesRequested:
                reason = "changes requested"
                blocking.append(review.login)
            case .approved:
                if let why = rejection(of: review, ignoringEligibility: false) {
                    reason = why.reason
                    rejected.append(RejectedApproval(login: review.login, rejection: why, index: review.index))
                } else {
                    counted.append(review.login)
                }
                if rejection(of: review, ignoringEligibility: true) == nil { qualified.append(review.login) }
            }
            records.append(
                ReviewRecord(
                    login: review.login, state: review.state, commit: review.commit, counted: reason == nil,
                    reason: reason))
        }

        self.required = rule.required
        self.counted = counted
        self.rejected = rejected
        self.blocking = blocking
        self.qualifiedApprovers = qualified
        self.records = records
    }
}
