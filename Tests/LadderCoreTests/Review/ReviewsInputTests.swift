import Foundation
import Testing

@testable import LadderCore

private func parseReviews(_ text: String) throws(ForgeInputError) -> ReviewsInput {
    try ReviewsInput(parsing: Array(text.utf8), file: "reviews.json")
}

private func date(_ text: String) -> Date {
    guard let date = RFC3339.parse(text) else { fatalError("bad test date \(text)") }
    return date
}

extension ReviewTests {
    @Suite struct ReviewsInputTests {
        @Test func readsGitHubReviewsIgnoringExtraFields() throws {
            let input = try parseReviews(
                """
                [{"id": 80, "node_id": "x", "user": {"login": "octocat", "id": 1, "type": "User"},
                  "body": "Looks good", "state": "APPROVED", "html_url": "https://example.com",
                  "commit_id": "ECDD80BB57125D7BA9641FFAA4D7D2C19D3F3091", "submitted_at": "2019-11-17T17:43:43Z",
                  "author_association": "COLLABORATOR", "_links": {"html": {"href": "x"}}},
                 {"user": {"login": "hubot"}, "state": "changes_requested", "commit_id": null, "submitted_at": null},
                 {"user": {"login": "monalisa"}, "state": "Pending", "commit_id": "ecdd80b"}]
                """)
            #expect(input.format == .github)
            #expect(
                input.reviews == [
                    Review(
                        login: "octocat", state: .approved, commit: "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091",
                        submittedAt: date("2019-11-17T17:43:43Z"), index: 0),
                    Review(login: "hubot", state: .changesRequested, index: 1),
                    Review(login: "monalisa", state: .pending, commit: "ecdd80b", index: 2),
                ])
            #expect(input.notes.isEmpty)
        }

        @Test func skipsGitHubReviewsOfDeletedAccounts() throws {
            let input = try parseReviews(
                #"[{"user": null, "state": "CHANGES_REQUESTED"}, {"user": {"login": "a"}, "state": "APPROVED"}]"#)
            #expect(input.reviews.map(\.login) == ["a"])
            #expect(input.reviews.first?.index == 1)
            #expect(input.notes == ["review 0 ignored: its author's account was deleted"])
        }

        @Test func readsGitLabApprovalsAsHeadCommitApprovals() throws {
            let input = try parseReviews(
                """
                {"id": 5, "iid": 5, "approvals_required": 2, "approvals_left": 0,
                 "approved_by": [{"user": {"name": "Administrator", "username": "root", "id": 1}},
                                 {"user": {"username": "jane"}, "approved_at": "2024-03-01T10:00:00.000+01:00"}]}
                """)
            #expect(input.format == .gitlab)
            #expect(
                input.reviews == [
                    Review(login: "root", state: .approved, index: 0),
                    Review(login: "jane", state: .approved, submittedAt: date("2024-03-01T09:00:00Z"), index: 1),
                ])
        }

        @Test func readsNeutralReviews() throws {
            let input = try parseReviews(
                """
                [{"user": "alice", "state": "approved", "commit": "1a2b3c4d"},
                 {"user": "bob", "state": "DISMISSED", "submitted_at": "2024-01-02T03:04:05Z", "note": "ignored"}]
                """)
            #expect(input.format == .neutral)
            #expect(
                input.reviews == [
                    Review(login: "alice", state: .approved, commit: "1a2b3c4d", index: 0),
                    Review(login: "bob", state: .dismissed, submittedAt: date("2024-01-02T03:04:05Z"), index: 1),
                ])
        }

        @Test func readsAnEmptyArrayAsNoReviews() throws {
            #expect(try parseReviews(" [ ] ").reviews.isEmpty)
            #expect(try parseReviews(#"{"approved_by": []}"#).reviews.isEmpty)
        }

        @Test(arguments: [
            ("APPROVED", ReviewState.approved), ("approved", .approved), ("Changes_Requested", .changesRequested),
            ("COMMENTED", .commented), ("dismissed", .dismissed), ("PENDING", .pending),
        ])
        func acceptsStatesInAnyCase(_ text: String, _ state: ReviewState) throws {
            let github = try parseReviews(#"[{"user": {"login": "a"}, "state": "\#(text)"}]"#)
            let neutral = try parseReviews(#"[{"user": "a", "state": "\#(text)"}]"#)
            #expect(github.reviews.map(\.state) == [state])
            #expect(neutral.reviews.map(\.state) == [state])
        }

        @Test(arguments: [
            (
                #"[{"user": {"login": "a"}, "state": "APPROVED"}, {"user": {"login": "b"}, "state": "APPROVE"}]"#,
                #"reviews.json: review 1: unknown state "APPROVE" (expected approved, changes_requested, commented, dismissed or pending)"#
            ),
            (#"[{"user": "a", "state": "approved"}, {"user": "b"}]"#, #"reviews.json: review 1: missing "state""#),
            (#"[{"user": "a", "state": null}]"#, #"reviews.json: review 0: missing "state""#),
            (#"[{"state": "approved"}]"#, #"reviews.json: review 0: missing "user""#),
            (#"[{"user": {"name": "x"}, "state": "APPROVED"}]"#, #"reviews.json: review 0: missing "user.login""#),
            (
                #"[{"user": {"login": 5}, "state": "APPROVED"}]"#,
                #"reviews.json: review 0: "user.login" is a number, expected a string"#
            ),
            (
                #"[{"user": {"login": "a"}, "state": ["APPROVED"]}]"#,
                #"reviews.json: review 0: "state" is an array, expected a string"#
            ),
            (
                #"[{"user": "a", "state": "approved"}, {"user": {"login": "b"}, "state": "approved"}]"#,
                #"reviews.json: review 1: "user" is an object, expected a string"#
            ),
            (
                #"[{"user": true, "state": "approved"}]"#,
                #"reviews.json: review 0: "user" is a boolean, expected an object (GitHub) or a string"#
            ),
            (#"[{"user": "a", "state": "approved"}, 7]"#, "reviews.json: expected review 1 to be an object, found a number"),
            (
                #"{"approved_by": {"user": {"username": "a"}}}"#,
                #"reviews.json: document: "approved_by" is an object, expected an array"#
            ),
            (#"{"approved_by": [{"user": {}}]}"#, #"reviews.json: approved_by 0: missing "user.username""#),
            (
                #"{"approved_by": [{"user": "root"}]}"#,
                #"reviews.json: approved_by 0: "user" is a string, expected an object"#
            ),
            (
                #"{"reviews": []}"#,
                #"reviews.json: expected a reviews document (a GitHub or neutral array of reviews, or GitLab approvals with "approved_by"), found an object with "reviews""#
            ),
            (
                #""approved""#,
                #"reviews.json: expected a reviews document (a GitHub or neutral array of reviews, or GitLab approvals with "approved_by"), found a string"#
            ),
            (
                #"[{"user": "a", "state": "approved", "commit": "main"}]"#,
                #"reviews.json: review 0: invalid "commit" "main": not a hexadecimal commit id"#
            ),
            (
                #"[{"user": {"login": "a"}, "state": "APPROVED", "submitted_at": "yesterday"}]"#,
                #"reviews.json: review 0: invalid "submitted_at" "yesterday": not an RFC 3339 time"#
            ),
            (
                #"[{"user": "a\nb", "state": "approved"}]"#,
                #"reviews.json: review 0: invalid "user" "a\nb": a login must be 1 to 255 characters without spaces or control characters"#
            ),
            (
                #"[{"user": "", "state": "approved"}]"#,
                #"reviews.json: review 0: invalid "user" "": a login must be 1 to 255 characters without spaces or control characters"#
            ),
            (#"[{"user": "a", "state": "approved"},]"#, "reviews.json:1:37: malformed JSON: unexpected character ']'"),
            ("[{\"user\": \"a\",\n  \"state\": ", "reviews.json:2:12: malformed JSON: unexpected end of the document"),
            ("", "reviews.json:1:1: malformed JSON: empty document"),
        ])
        func rejectsBadInputWithItsPosition(_ text: String, _ message: String) {
            #expect {
                try parseReviews(text)
            } throws: { error in
                (error as? ForgeInputError)?.errorDescription == message
            }
        }

        @Test func quotesHostileValuesOnOneShortLine() throws {
            let state = String(repeating: "X", count: 500) + "\n::error::forged"
            do {
                _ = try parseReviews(#"[{"user": "a", "state": \#(JSONValue.string(state).canonical)}]"#)
                Issue.record("expected an error")
            } catch {
                let message = error.errorDescription ?? ""
                #expect(!message.contains("\n"))
                #expect(!message.contains("::error"))
                #expect(message.count < 250)
            }
        }

        @Test func refusesHugeArrays() {
            let entry = #"{"user":"a","state":"approved"}"#
            let text = "[" + Array(repeating: entry, count: ForgeInputLimits.maximumEntries + 1).joined(separator: ",") + "]"
            #expect {
                try parseReviews(text)
            } throws: { error in
                (error as? ForgeInputError)?.errorDescription == "reviews.json: 100001 reviews, more than the limit of 100000"
            }
            let gitlab = #"{"approved_by":["# + Array(repeating: #"{"user":{"username":"a"}}"#, count: 100_001).joined(separator: ",") + "]}"
            #expect {
                try parseReviews(gitlab)
            } throws: { error in
                (error as? ForgeInputError)?.errorDescription == "reviews.json: 100001 approvals, more than the limit of 100000"
            }
        }

        @Test func refusesHugeFilesBeforeParsing() {
            let bytes = [UInt8](repeating: UInt8(ascii: " "), count: ForgeInputLimits.maximumBytes + 1)
            #expect(throws: ForgeInputError.tooLarge(file: "r.json", bytes: bytes.count, limit: ForgeInputLimits.maximumBytes)) {
                try ReviewsInput(parsing: bytes, file: "r.json")
            }
        }

        /// Every truncation and a spread of byte flips of a valid document either parse or throw a
        /// `ForgeInputError`; none may crash.
        @Test func survivesMangledInput() {
            let valid = Array(
                #"[{"user":{"login":"a"},"state":"APPROVED","commit_id":"abcdef1","submitted_at":"2024-01-01T00:00:00Z"}]"#.utf8)
            var variants: [[UInt8]] = (0..<valid.count).map { Array(valid[..<$0]) }
            for position in valid.indices {
                for replacement: UInt8 in [0x00, 0x22, 0x5C, 0x7B, 0x5D, 0xFF] {
                    var copy = valid
                    copy[position] = replacement
                    variants.append(copy)
                }
            }
            for bytes in variants {
                _ = try? ReviewsInput(parsing: bytes, file: "r.json")
                _ = try? ChecksInput(parsing: bytes, file: "c.json")
            }
        }
    }
}

extension ReviewTests {
    @Suite struct RFC3339Tests {
        @Test(arguments: [
            ("1970-01-01T00:00:00Z", 0.0), ("2024-02-29T12:00:00Z", 1_709_208_000), ("2024-02-29t12:00:00z", 1_709_208_000),
            ("2024-02-29 13:30:00+01:30", 1_709_208_000), ("2024-02-29T07:00:00-05:00", 1_709_208_000),
            ("2024-02-29T12:00:00.250Z", 1_709_208_000.25), ("1969-12-31T23:59:59Z", -1),
            ("2000-03-01T00:00:00Z", 951_868_800),
        ])
        func parsesValidTimes(_ text: String, _ seconds: Double) {
            #expect(RFC3339.parse(text)?.timeIntervalSince1970 == seconds)
        }

        @Test(arguments: [
            "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00", "2024-01-01", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00+0100",
            "2024-01-01T00:00:00Z ", "+2024-01-01T00:00:00Z", "2024-1-01T00:00:00Z", "",
        ])
        func rejectsInvalidTimes(_ text: String) {
            #expect(RFC3339.parse(text) == nil)
        }
    }
}
