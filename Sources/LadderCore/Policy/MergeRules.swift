import Foundation

/// The merge-time rules (`ladder check`) as pure functions of effective rules and evidence.
public enum MergeRules {
    /// Every merge-time rule for `rules.environment`, in report order: approvals, code owners,
    /// checks, up-to-date, signed commits, ticket, integrity and direct changes.
    ///
    /// - Parameter breakGlassApprovals: when break-glass is granted, the approvals required instead.
    public static func evaluate(rules: EffectiveRules, groups: PolicyGroups, evidence: MergeEvidence, breakGlassApprovals: Int? = nil) -> [RuleResult] {
        let env = rules.environment
        return [
            approvals(id: "\(env).approvals", rules: rules.approvals, groups: groups, evidence: evidence.approvals, breakGlassRequired: breakGlassApprovals),
            codeOwners(id: "\(env).code_owners", required: rules.approvals.codeOwners, evidence: evidence.codeOwners),
            checks(id: "\(env).checks", required: rules.checks, evidence: evidence.checks),
            upToDate(id: "\(env).require_up_to_date", required: rules.requireUpToDate, upToDate: evidence.upToDate),
            signedCommits(id: "\(env).signed_commits", required: rules.requireSignedCommits, unsigned: evidence.unsignedCommits),
            ticket(id: "\(env).ticket", pattern: rules.ticket, text: evidence.ticketText),
        ] + integrity(environment: env, evidence: evidence.integrity, directChanges: rules.directChanges)
    }

    /// Counts approvals: those the Review module counted, from people eligible under `from`, each
    /// login once; any blocker fails the rule whatever the count.
    public static func approvals(
        id: String, rules: ApprovalRules, groups: PolicyGroups, evidence: ApprovalEvidence, breakGlassRequired: Int? = nil
    ) -> RuleResult {
        let required = min(rules.required, breakGlassRequired ?? rules.required)
        var counted: [String] = []
        var notes: [String] = []
        var seen = Set<String>()
        for approval in evidence.approvals {
            let key = approval.login.lowercased()
            if approval.counted {
                if let from = rules.from, !groups.contains(approval.login, in: from) {
                    notes.append("\(approval.login) approved but is not among who may approve")
                    continue
                }
                if seen.insert(key).inserted { counted.append(approval.login) }
            } else {
                notes.append("\(approval.login) \(approval.reason ?? "approved but does not count")")
            }
        }
        let blockers = evidence.blockers.map { "\($0.login) \($0.reason)" }
        if rules.required == 0 && blockers.isEmpty {
            return .skip(id, "no approvals required")
        }
        let names = counted.isEmpty ? "" : " (\(counted.joined(separator: ", ")))"
        var message = "\(counted.count) of \(required)\(names)"
        if required != rules.required { message += " under break-glass, \(rules.required) normally" }
        let details = (blockers + notes).joined(separator: "; ")
        if !details.isEmpty { message += "; \(details)" }
        if !blockers.isEmpty || counted.count < required { return .fail(id, message) }
        var result = RuleResult.pass(id, message)
        result.bypassed = counted.count < rules.required
        return result
    }

    public static func codeOwners(id: String, required: Bool, evidence: CodeOwnersEvidence?) -> RuleResult {
        guard required else { return .skip(id, "code owners' approval not required") }
        guard let evidence else { return .fail(id, "the code owners of the changed paths could not be determined") }
        guard !evidence.requirements.isEmpty else { return .pass(id, "no changed path has code owners") }
        let missing = evidence.requirements.filter { $0.approvedBy.isEmpty }
        if missing.isEmpty {
            let approvers = Array(Set(evidence.requirements.flatMap(\.approvedBy))).sorted()
            return .pass(id, "every changed path has a code owner's approval (\(approvers.joined(separator: ", ")))")
        }
        let shown = missing.prefix(5).map { "\($0.path) needs one of \($0.owners.joined(separator: ", "))" }
        let more = missing.count > 5 ? "; and \(missing.count - 5) more" : ""
        return .fail(id, shown.joined(separator: "; ") + more)
    }

    /// Every required check (names compare exactly) must have reported on the head commit with
    /// success, neutral or skipped, as GitHub's branch protection counts them; a result from
    /// another commit says nothing about the head.
    public static func checks(id: String, required: [String], evidence: ChecksEvidence) -> RuleResult {
        var seen: Set<String> = []
        let required = required.filter { seen.insert($0).inserted }
        guard !required.isEmpty else { return .skip(id, "no checks required") }
        var problems: [String] = []
        for name in required {
            guard let check = evidence.check(named: name) else {
                problems.append("\(name) not reported")
                continue
            }
            if let head = evidence.headCommit, let commit = check.commit, !commitsMatch(commit, head) {
                problems.append("\(name) ran on another commit \(commit.prefix(7))")
                continue
            }
            switch check.state {
            case .pending: problems.append("\(name) still running")
            case let state where !state.isSatisfied: problems.append("\(name) \(state.rawValue)")
            default: break
            }
        }
        if problems.isEmpty { return .pass(id, "\(PolicyEvaluator.list(required)) passed") }
        return .fail(id, problems.joined(separator: "; "))
    }

    public static func upToDate(id: String, required: Bool, upToDate: Bool?) -> RuleResult {
        guard required else { return .skip(id, "the branch need not contain the trunk tip") }
        switch upToDate {
        case true?: return .pass(id, "the branch contains the trunk tip")
        case false?: return .fail(id, "the branch does not contain the trunk tip; update it")
        case nil: return .fail(id, "cannot tell whether the branch contains the trunk tip")
        }
    }

    public static func signedCommits(id: String, required: Bool, unsigned: [String]?) -> RuleResult {
        guard required else { return .skip(id, "signed commits not required") }
        guard let unsigned else { return .fail(id, "commit signatures could not be examined") }
        if unsigned.isEmpty { return .pass(id, "every commit is signed") }
        return .fail(id, "unsigned commit\(unsigned.count == 1 ? "" : "s"): \(unsigned.joined(separator: ", "))")
    }

    public static func ticket(id: String, pattern: String?, text: String?) -> RuleResult {
        guard let pattern else { return .skip(id, "no ticket required") }
        guard let regex = try? NSRegularExpression(pattern: pattern) else {
            return .fail(id, "the ticket pattern '\(pattern)' is not a valid regular expression")
        }
        guard let text, !text.isEmpty else { return .fail(id, "no title or commit message to find a ticket in") }
        let range = NSRange(text.startIndex..., in: text)
        if let match = regex.firstMatch(in: text, range: range), let found = Range(match.range, in: text) {
            return .pass(id, "references \(text[found])")
        }
        return .fail(id, "neither the title nor the commit messages reference a ticket matching '\(pattern)'")
    }

    /// `<env>.integrity` and `<env>.direct_changes`.
    public static func integrity(environment env: String, evidence: IntegrityEvidence?, directChanges: DirectChanges) -> [RuleResult] {
        let integrityID = "\(env).integrity"
        let directID = "\(env).direct_changes"
        switch evidence {
        case nil:
            return [.fail(integrityID, "promotion integrity was not verified"), .skip(directID, "not examined")]
        case .faithful(let promotion)?:
            return [
                .pass(integrityID, "promotion \(promotion) is faithful: the target matches the source"),
                .skip(directID, "not a direct change"),
            ]
        case .altered(let promotion, let problems)?:
            let what = promotion.map { "promotion \($0) was changed after it was prepared" } ?? "the promotion was changed after it was prepared"
            let shown = problems.prefix(5).joined(separator: "; ") + (problems.count > 5 ? "; and \(problems.count - 5) more" : "")
            return [.fail(integrityID, "\(what): \(shown)"), .skip(directID, "a promotion, not a direct change")]
        case .directChange(let paths)?:
            let count = "\(paths.count) path\(paths.count == 1 ? "" : "s")"
            let shown = paths.prefix(3).joined(separator: ", ") + (paths.count > 3 ? ", …" : "")
            let direct: RuleResult = directChanges == .allow
                ? .pass(directID, "direct change to \(env) (\(count): \(shown)); direct changes are allowed")
                : .fail(directID, "\(env) refuses direct changes; this branch changes \(count) without being a promotion: \(shown)")
            return [.skip(integrityID, "not a promotion"), direct]
        }
    }

    /// `policy_changes.approvals`: extra approvals for a branch that edits the configuration.
    public static func policyChanges(_ rules: ApprovalRules?, groups: PolicyGroups, changesPolicy: Bool, evidence: ApprovalEvidence) -> RuleResult {
        let id = "policy_changes.approvals"
        guard changesPolicy else { return .skip(id, "the branch does not change ladder.yaml or the policy") }
        guard let rules else { return .skip(id, "the policy sets no rules for policy changes") }
        return approvals(id: id, rules: rules, groups: groups, evidence: evidence)
    }
}
