import Foundation
import Testing

@testable import LadderCore

private func parseChecks(_ text: String) throws(ForgeInputError) -> ChecksInput {
    try ChecksInput(parsing: Array(text.utf8), file: "checks.json")
}

private let head = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"

extension ReviewTests {
    @Suite struct ChecksInputTests {
        @Test func readsGitHubCheckRuns() throws {
            let input = try parseChecks(
                """
                {"total_count": 3, "check_runs": [
                  {"id": 4, "name": "build", "status": "completed", "conclusion": "success", "head_sha": "\(head)",
                   "started_at": "2024-01-01T10:00:00Z", "completed_at": "2024-01-01T10:05:00Z", "app": {"slug": "ci"}},
                  {"name": "e2e", "status": "in_progress", "conclusion": null, "head_sha": "\(head)"},
                  {"name": "lint", "status": "COMPLETED", "conclusion": "timed_out"}]}
                """)
            #expect(input.format == .githubCheckRuns)
            #expect(input.results.map(\.name) == ["build", "e2e", "lint"])
            #expect(input.results.map(\.state) == [.success, .pending, .failure])
            #expect(input.results[0].headSHA == head)
            #expect(input.results[0].time == RFC3339.parse("2024-01-01T10:05:00Z"))
            #expect(input.results[2].headSHA == nil)
        }

        @Test func readsGitHubCombinedStatusWithItsCommit() throws {
            let input = try parseChecks(
                """
                {"state": "failure", "sha": "\(head)", "total_count": 2,
                 "statuses": [{"context": "ci/build", "state": "success", "description": "ok"},
                              {"context": "ci/e2e", "state": "error"}]}
                """)
            #expect(input.format == .githubStatus)
            #expect(input.results.map(\.name) == ["ci/build", "ci/e2e"])
            #expect(input.results.map(\.state) == [.success, .failure])
            #expect(input.results.allSatisfy { $0.headSHA == head })
        }

        @Test func readsGitLabCommitStatuses() throws {
            let input = try parseChecks(
                """
                [{"id": 93, "sha": "\(head)", "ref": "main", "status": "success", "name": "build", "allow_failure": false},
                 {"id": 94, "status": "manual", "name": "deploy"}]
                """)
            #expect(input.format == .gitlab)
            #expect(input.results.map(\.state) == [.success, .pending])
        }

        @Test func readsNeutralChecks() throws {
            let input = try parseChecks(#"[{"name": "build", "state": "SKIPPED", "commit": "9F8E7D6"}]"#)
            #expect(input.format == .neutral)
            #expect(input.results == [CheckResult(name: "build", state: .skipped, headSHA: "9f8e7d6", index: 0)])
        }

        @Test(arguments: [
            ("success", CheckState.success), ("failure", .failure), ("neutral", .neutral), ("cancelled", .cancelled),
            ("skipped", .skipped), ("timed_out", .failure), ("action_required", .failure), ("stale", .failure),
        ])
        func mapsCheckRunConclusions(_ conclusion: String, _ state: CheckState) throws {
            let input = try parseChecks(#"{"check_runs": [{"name": "x", "status": "completed", "conclusion": "\#(conclusion)"}]}"#)
            #expect(input.results.map(\.state) == [state])
        }

        @Test(arguments: [
            ("success", CheckState.success), ("failed", .failure), ("running", .pending), ("pending", .pending),
            ("created", .pending), ("manual", .pending), ("scheduled", .pending), ("canceled", .cancelled),
            ("skipped", .skipped), ("waiting_for_resource", .pending), ("preparing", .pending),
        ])
        func mapsGitLabStatuses(_ status: String, _ state: CheckState) throws {
            let input = try parseChecks(#"[{"name": "x", "status": "\#(status)"}]"#)
            #expect(input.results.map(\.state) == [state])
        }

        @Test(arguments: [
            (
                #"{"check_runs": [{"name": "x", "status": "completed", "conclusion": "passed"}]}"#,
                #"checks.json: check_runs 0: unknown conclusion "passed" (expected success, failure, neutral, cancelled, skipped, timed_out, action_required or stale)"#
            ),
            (
                #"{"check_runs": [{"name": "x", "status": "completed", "conclusion": null}]}"#,
                #"checks.json: check_runs 0: missing "conclusion""#
            ),
            (
                #"{"check_runs": [{"name": "x", "status": "done"}]}"#,
                #"checks.json: check_runs 0: unknown status "done" (expected queued, in_progress, completed, waiting, requested or pending)"#
            ),
            (#"{"check_runs": [{"status": "queued"}]}"#, #"checks.json: check_runs 0: missing "name""#),
            (#"{"check_runs": {}}"#, "checks.json: expected an array of check runs, found an object"),
            (
                #"{"statuses": [{"context": "a", "state": "passed"}]}"#,
                #"checks.json: statuses 0: unknown state "passed" (expected success, failure, error or pending)"#
            ),
            (#"{"sha": 12, "statuses": []}"#, #"checks.json: document: "sha" is a number, expected a string"#),
            (
                #"[{"name": "a", "status": "success"}, {"name": "b", "status": "broken"}]"#,
                #"checks.json: check 1: unknown status "broken" (expected success, failed, created, waiting_for_resource, preparing, pending, running, scheduled, manual, canceled, canceling or skipped)"#
            ),
            (
                #"[{"name": "a", "state": "ok"}]"#,
                #"checks.json: check 0: unknown state "ok" (expected success, failure, pending, neutral, skipped or cancelled)"#
            ),
            (#"[{"name": "a"}]"#, #"checks.json: check 0: missing "state""#),
            (#"[{"name": 3, "state": "success"}]"#, #"checks.json: check 0: "name" is a number, expected a string"#),
            (
                #"[{"name": "a", "state": "success", "commit": "HEAD"}]"#,
                #"checks.json: check 0: invalid "commit" "HEAD": not a hexadecimal commit id"#
            ),
            (
                #"{"checks": []}"#,
                #"checks.json: expected a checks document (GitHub "check_runs" or "statuses", or a GitLab or neutral array of checks), found an object with "checks""#
            ),
            ("{\"check_runs\": [", "checks.json:1:17: malformed JSON: unexpected end of the document"),
        ])
        func rejectsBadInput(_ text: String, _ message: String) {
            #expect {
                try parseChecks(text)
            } throws: { error in
                (error as? ForgeInputError)?.errorDescription == message
            }
        }

        @Test func refusesHugeArrays() {
            let text = #"{"check_runs":["# + Array(repeating: #"{"name":"a","status":"queued"}"#, count: 100_001).joined(separator: ",") + "]}"
            #expect {
                try parseChecks(text)
            } throws: { error in
                (error as? ForgeInputError)?.errorDescription == "checks.json: 100001 check runs, more than the limit of 100000"
            }
        }
    }
}

extension ReviewTests {
    /// Parsed forge results judged by the policy's `checks` rule, as `ladder check` does.
    @Suite struct RequiredCheckTests {
        private func result(_ name: String, _ state: CheckState, sha: String? = nil, time: String? = nil, _ index: Int)
            -> CheckResult
        {
            CheckResult(name: name, state: state, headSHA: sha, time: time.flatMap(RFC3339.parse), index: index)
        }

        private func judge(_ required: [String], _ results: [CheckResult], headCommit: String? = head) -> String {
            MergeRules.checks(id: "c", required: required, evidence: ChecksEvidence(results: results, headCommit: headCommit)).line
        }

        @Test func passesWhenEveryRequiredCheckSucceeded() {
            #expect(
                judge(["build", "e2e", "build"], [result("build", .success, sha: head, 0), result("e2e", .success, 1), result("lint", .failure, 2)])
                    == "c: pass — build and e2e passed")
        }

        @Test func namesMissingFailedPendingAndStaleChecks() {
            let line = judge(
                ["build", "e2e", "lint", "docs", "smoke", "deploy"],
                [
                    result("build", .failure, 0), result("lint", .pending, 1), result("docs", .skipped, 2),
                    result("smoke", .success, sha: "1a2b3c4d5e6f", 3), result("deploy", .cancelled, 4),
                ])
            #expect(line == "c: fail — build failure; e2e not reported; lint still running; smoke ran on another commit 1a2b3c4; deploy cancelled")
        }

        @Test func aSuccessOnAnotherCommitDoesNotCount() {
            #expect(judge(["build"], [result("build", .success, sha: "1111111111", 0)]).hasPrefix("c: fail — build ran on another commit"))
            // Without a head commit to compare with, the result is trusted.
            #expect(judge(["build"], [result("build", .success, sha: "1111111111", 0)], headCommit: nil) == "c: pass — build passed")
        }

        @Test func requiresNothingWhenNoChecksAreRequired() {
            #expect(judge([], [result("x", .failure, 0)]) == "c: skip — no checks required")
        }

        @Test func latestRerunDecides() {
            #expect(judge(["build"], [result("build", .failure, 0), result("build", .success, 1)]) == "c: pass — build passed")
            #expect(judge(["build"], [result("build", .success, 0), result("build", .failure, 1)]) == "c: fail — build failure")
        }

        @Test func timesBeatInputOrder() {
            // GitHub's list of statuses is newest first; times put it right.
            let newestFirst = [
                result("ci", .failure, time: "2024-01-01T10:10:00Z", 0), result("ci", .success, time: "2024-01-01T10:00:00Z", 1),
            ]
            #expect(CheckResult.latest(newestFirst, headCommit: nil)["ci"]?.state == .failure)
        }

        @Test func headCommitBeatsLaterRunsOnOtherCommits() {
            let results = [
                result("build", .success, sha: head, time: "2024-01-01T10:00:00Z", 0),
                result("build", .failure, sha: "1111111111", time: "2024-01-02T10:00:00Z", 1),
            ]
            #expect(judge(["build"], results, headCommit: String(head.prefix(12))) == "c: pass — build passed")
            #expect(CheckResult.latest(results, headCommit: nil)["build"]?.state == .failure)
        }

        @Test func checkNamesAreExact() {
            #expect(judge(["Build"], [result("build", .success, 0)]) == "c: fail — Build not reported")
        }
    }
}
