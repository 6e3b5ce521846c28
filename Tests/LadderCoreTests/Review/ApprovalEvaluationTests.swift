import Foundation
import Testing

@testable import LadderCore

private let head = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"
private let older = "1a2b3c4d5e6f708192a3b4c5d6e7f80911223344"
private let now = RFC3339.parse("2024-06-01T12:00:00Z")!

/// Builds reviews from compact tuples: login, state, commit (nil: none), minutes before `now` (nil: undated).
private func reviews(_ entries: [(String, ReviewState, String?, Int?)]) -> [Review] {
    entries.enumerated().map { index, entry in
        Review(
            login: entry.0, state: entry.1, commit: entry.2,
            submittedAt: entry.3.map { now.addingTimeInterval(-Double($0) * 60) }, index: index)
    }
}

private func evaluate(
    _ entries: [(String, ReviewState, String?, Int?)], rule: ApprovalRule, author: String? = "alice",
    committers: Set<String> = []
) -> ApprovalEvaluation {
    ApprovalEvaluation(
        reviews: reviews(entries), rule: rule,
        context: ApprovalContext(headCommit: head, author: author, committers: committers, now: now))
}

extension ReviewTests {
    @Suite struct ApprovalEvaluationTests {
        @Test func countsApprovalsOfTheHeadCommit() {
            let result = evaluate([("bob", .approved, head, 10), ("carol", .approved, String(head.prefix(7)), 5)], rule: .init(required: 2))
            #expect(result.satisfied)
            #expect(result.counted == ["bob", "carol"])
            #expect(result.message == "2 of 2 (bob, carol)")
        }

        @Test func staleApprovalDoesNotCountWhenDismissStale() {
            let entries: [(String, ReviewState, String?, Int?)] = [("bob", .approved, older, 60), ("carol", .approved, head, 5)]
            let strict = evaluate(entries, rule: .init(required: 2, dismissStale: true))
            #expect(!strict.satisfied)
            #expect(strict.counted == ["carol"])
            #expect(strict.rejected == [RejectedApproval(login: "bob", rejection: .stale(commit: older), index: 0)])
            #expect(strict.message == "1 of 2 (carol); bob approved an older commit 1a2b3c4")

            let lenient = evaluate(entries, rule: .init(required: 2, dismissStale: false))
            #expect(lenient.satisfied)
        }

        @Test func approvalsWithoutACommitAreForTheHead() {
            // GitLab approvals carry no commit.
            let result = evaluate([("bob", .approved, nil, nil)], rule: .init(required: 1, dismissStale: true))
            #expect(result.satisfied)
        }

        @Test func authorsApprovalNeverCountsWhenForbidden() {
            let entries: [(String, ReviewState, String?, Int?)] = [("Alice", .approved, head, 5), ("carol", .approved, head, 5)]
            let forbidden = evaluate(entries, rule: .init(required: 2, allowAuthor: false))
            #expect(forbidden.message == "1 of 2 (carol); Alice is the author")
            #expect(!forbidden.satisfied)
            #expect(forbidden.records.first?.reason == "the author")

            let allowed = evaluate(entries, rule: .init(required: 2, allowAuthor: true))
            #expect(allowed.satisfied)
        }

        @Test func committersApprovalDoesNotCountWhenForbidden() {
            let entries: [(String, ReviewState, String?, Int?)] = [("bob", .approved, head, 5), ("carol", .approved, head, 5)]
            let forbidden = evaluate(entries, rule: .init(required: 2, allowCommitters: false), committers: ["BOB"])
            #expect(forbidden.counted == ["carol"])
            #expect(forbidden.message == "1 of 2 (carol); bob committed to the branch")

            let allowed = evaluate(entries, rule: .init(required: 2, allowCommitters: true), committers: ["bob"])
            #expect(allowed.satisfied)
        }

        @Test func changesRequestedBlocksUntilTheSameUserApproves() {
            let blocked = evaluate(
                [("dave", .changesRequested, older, 30), ("bob", .approved, head, 5), ("carol", .approved, head, 5)],
                rule: .init(required: 2))
            #expect(!blocked.satisfied)
            #expect(blocked.blocking == ["dave"])
            #expect(blocked.message == "changes requested by dave; 2 of 2 (bob, carol)")

            let resolved = evaluate(
                [("dave", .changesRequested, older, 30), ("bob", .approved, head, 5), ("dave", .approved, head, 2)],
                rule: .init(required: 2))
            #expect(resolved.satisfied)
            #expect(resolved.counted == ["bob", "dave"])
            #expect(resolved.records.map(\.reason) == ["superseded by a later review", nil, nil])
        }

        @Test func aCommentDoesNotLiftAChangeRequestNorWithdrawAnApproval() {
            let result = evaluate(
                [("dave", .changesRequested, head, 30), ("dave", .commented, head, 10), ("bob", .approved, head, 20),
                 ("bob", .commented, head, 1)],
                rule: .init(required: 1))
            #expect(result.blocking == ["dave"])
            #expect(result.counted == ["bob"])
            #expect(result.records.map(\.reason) == ["changes requested", "a comment, not an approval", nil, "a comment, not an approval"])
        }

        @Test func dismissalRemovesTheStandingReview() {
            let dismissedBlock = evaluate(
                [("dave", .changesRequested, head, 30), ("dave", .dismissed, head, 10), ("bob", .approved, head, 5)],
                rule: .init(required: 1))
            #expect(dismissedBlock.satisfied)
            #expect(dismissedBlock.blocking.isEmpty)

            let dismissedApproval = evaluate([("bob", .approved, head, 30), ("bob", .dismissed, head, 10)], rule: .init(required: 1))
            #expect(!dismissedApproval.satisfied)
            #expect(dismissedApproval.message == "0 of 1")
            #expect(dismissedApproval.records.map(\.reason) == ["superseded by a later review", "dismissed"])
        }

        @Test func latestIsBySubmissionTimeWhenKnown() {
            // Listed out of order: the approval is older than the change request.
            let result = evaluate([("dave", .changesRequested, head, 5), ("dave", .approved, head, 60)], rule: .init(required: 1))
            #expect(result.blocking == ["dave"])
            #expect(!result.satisfied)
        }

        @Test func approvalsOlderThanMaxAgeDoNotCount() {
            let rule = ApprovalRule(required: 2, maxAge: 24 * 3600)
            let result = evaluate([("bob", .approved, head, 3 * 24 * 60), ("carol", .approved, head, 60), ("erin", .approved, head, nil)], rule: rule)
            #expect(result.counted == ["carol"])
            #expect(
                result.message
                    == "1 of 2 (carol); bob approved 3d ago, more than max_age 1d; erin's approval has no time to check max_age against")
        }

        @Test func duplicatesCountOnce() {
            let result = evaluate(
                [("bob", .approved, head, 10), ("BOB", .approved, head, 5), ("bob", .approved, head, 1)], rule: .init(required: 2))
            #expect(result.counted == ["bob"])
            #expect(!result.satisfied)
            #expect(result.records.map(\.counted) == [false, false, true])
        }

        @Test func usersOutsideFromDoNotCountButMayStillBeCodeOwners() {
            let result = evaluate(
                [("bob", .approved, head, 10), ("erin", .approved, head, 5)], rule: .init(required: 1, from: ["Bob", "carol"]))
            #expect(result.counted == ["bob"])
            #expect(result.satisfied)
            #expect(result.message == "1 of 1 (bob); erin is not an eligible approver")
            #expect(result.qualifiedApprovers == ["bob", "erin"])
        }

        @Test func qualifiedApproversExcludeAuthorAndStale() {
            let result = evaluate([("alice", .approved, head, 10), ("bob", .approved, older, 5)], rule: .init(required: 1, from: []))
            #expect(result.qualifiedApprovers.isEmpty)
        }

        @Test func recordsEveryReviewForTheAuditLog() {
            let result = evaluate(
                [("bob", .approved, older, 60), ("carol", .approved, head, 5), ("dave", .pending, nil, nil)], rule: .init(required: 1))
            #expect(
                result.records.map(\.json) == [
                    ["login": "bob", "state": "approved", "commit": .string(older), "counted": false,
                     "reason": "approved an older commit 1a2b3c4"],
                    ["login": "carol", "state": "approved", "commit": .string(head), "counted": true, "reason": nil],
                    ["login": "dave", "state": "pending", "commit": nil, "counted": false, "reason": "pending, not submitted"],
                ])
        }

        @Test func nothingRequired() {
            let result = evaluate([], rule: .init(required: 0))
            #expect(result.satisfied)
            #expect(result.message == "no approval required")
        }

        @Test(arguments: [
            ("1a2b3c4", "1a2b3c4d5e6f", true), ("1A2B3C4D", "1a2b3c4d", true), ("1a2b3c", "1a2b3c4d5e6f", false),
            ("1a2b3c5", "1a2b3c4d5e6f", false), ("abcd", "abcd", true),
        ])
        func commitAbbreviationsMatch(_ first: String, _ second: String, _ expected: Bool) {
            #expect(commitsMatch(first, second) == expected)
            #expect(commitsMatch(second, first) == expected)
        }
    }
}
