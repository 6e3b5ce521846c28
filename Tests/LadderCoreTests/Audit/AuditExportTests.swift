import Foundation
import Testing
@testable import LadderCore

@Suite struct AuditExportTests {
    @Test(arguments: [
        ("Merge pull request #123 from acme/ladder/promote/dev-to-staging\n\npromote(staging): payments", 123),
        ("promote(prod): payments from staging (#456)\n\n* body line (#9)", 456),
        ("promote(prod): payments (#77)  \n", 77),
        ("Merge branch 'ladder/promote/dev-to-staging' into 'main'\n\npromote(staging): api\n\nSee merge request group/sub/project!45", 45),
        ("Merge branch 'x' into 'main'\r\n\r\nSee merge request acme/deploy!7\r\n", 7),
    ])
    func extractsPullRequestNumbers(_ message: String, _ number: Int) {
        #expect(PullRequestNumber.extract(from: message) == number)
    }

    @Test(arguments: [
        "fix: bump payments to 1.4.0",
        "Merge branch 'main' into feature",
        "refs #123 in the middle",
        "promote(prod): payments (#12) and more",
        "Merge pull request #abc from acme/x",
        "See merge request !45",
        "",
    ])
    func ignoresOtherMessages(_ message: String) {
        #expect(PullRequestNumber.extract(from: message) == nil)
    }

    @Test func classifiesByTrailers() {
        #expect(AuditCommitClassification(trailers: []).kind == .direct)
        #expect(AuditCommitClassification(trailers: [(key: "Signed-off-by", value: "a")]).kind == .direct)
        let promotion = AuditCommitClassification(trailers: [
            (key: "Ladder-Promotion", value: " 0123456789abcdef"), (key: "Ladder-From", value: "dev"),
        ])
        #expect(promotion.kind == .promotion)
        #expect(promotion.promotionID == "0123456789abcdef")
        let rollback = AuditCommitClassification(trailers: [
            (key: "ladder-promotion", value: "0123456789abcdef"), (key: "LADDER-ROLLBACK-OF", value: "0123456789abcdef"),
        ])
        #expect(rollback.kind == .rollback)
        #expect(rollback.rollbackOf == "0123456789abcdef")
    }

    @Test func flagsMissingApprovals() {
        #expect(AuditApprovalEvidence.evaluate(protected: true, recordedApprovals: []) == .missing)
        #expect(AuditApprovalEvidence.evaluate(protected: true, recordedApprovals: ["bob"]) == .recorded)
        #expect(AuditApprovalEvidence.evaluate(protected: false, recordedApprovals: []) == .notRequired)
        #expect(AuditApprovalEvidence.notRequired.rawValue == "not_required")
    }

    static func commitRow(author: String = "Dana \"D\" Smith, Jr.", files: [String] = ["environments/prod/a.yaml"]) -> AuditExportRow {
        AuditExportRow(
            commit: String(repeating: "e", count: 40), environment: "prod",
            classification: AuditCommitClassification(trailers: []), author: author, authorEmail: "dana@example.com",
            authorTime: AuditTime.parse("2024-05-02T08:00:00Z")!, committer: "GitHub", committerEmail: "noreply@github.com",
            committerTime: AuditTime.parse("2024-05-02T08:05:00Z")!, files: files, pullRequest: 12, approvals: [],
            approvalEvidence: .missing)
    }

    @Test func csvQuotingRoundTrips() throws {
        let row = Self.commitRow(author: "Dana \"D\" Smith, Jr.\nline two\r\nend", files: ["a,b.yaml", "c.yaml"])
        let csv = AuditExportWriter(format: .csv).render([row])
        let records = parseCSV(csv)
        #expect(records.count == 2)
        #expect(records[0] == AuditExportRow.columns)
        let fields = Dictionary(uniqueKeysWithValues: zip(records[0], records[1]))
        #expect(fields["author"] == "Dana \"D\" Smith, Jr.\nline two\r\nend")
        #expect(fields["files"] == "a,b.yaml;c.yaml")
        #expect(fields["pull_request"] == "12")
        #expect(fields["kind"] == "direct")
        #expect(fields["approval_evidence"] == "missing")
        #expect(fields["action"] == "")
        #expect(fields["time"] == "2024-05-02T08:05:00Z")
        // The exact bytes, as Python's csv module writes them (QUOTE_MINIMAL, CRLF).
        #expect(csv.hasSuffix(",\"Dana \"\"D\"\" Smith, Jr.\nline two\r\nend\",dana@example.com,2024-05-02T08:00:00Z,GitHub,noreply@github.com,2024-05-02T08:05:00Z,\"a,b.yaml;c.yaml\",12,,missing\r\n"))
    }

    @Test(arguments: [("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("l1\nl2", "\"l1\nl2\""), ("", "")])
    func quotesCSVFields(_ field: String, _ expected: String) {
        #expect(CSV.field(field) == expected)
    }

    @Test func writesJSONLinesAndJSON() throws {
        let event = try AuditFixtures.chain(1)[0]
        let rows = [AuditExportRow(event: event), Self.commitRow()]
        let lines = AuditExportWriter(format: .jsonl).render(rows).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty)
        let first = try JSONValue.parse(String(lines[0]))
        #expect(first.canonical == String(lines[0]))
        #expect(first["record"] == "event")
        #expect(first["action"] == "promotion.created")
        #expect(first["seq"] == 1)
        #expect(first["approvals"] == ["bob"])
        #expect(first["event"]?["hash"]?.stringValue == event.hash)
        let second = try JSONValue.parse(String(lines[1]))
        #expect(second["event"] == .null)
        #expect(second["pull_request"] == 12)
        #expect(second.objectValue?.count == AuditExportRow.columns.count + 1)

        let json = AuditExportWriter(format: .json).render(rows)
        #expect(json.hasPrefix("[\n  {\n    \"action\": \"promotion.created\","))
        #expect(try JSONValue.parse(json) == .array(rows.map(\.json)))
        #expect(AuditExportWriter(format: .json).render([]) == "[]\n")
        #expect(try JSONValue.parse(AuditExportWriter(format: .json).render([])) == [])
    }

    @Test func filtersRows() throws {
        let events = try AuditFixtures.chain(3)
        let rows = events.map(AuditExportRow.init(event:)) + [Self.commitRow()]
        func kept(_ filter: AuditExportFilter) -> [String?] { rows.filter(filter.matches).map { $0.eventID ?? $0.commit } }
        let commit = String(repeating: "e", count: 40)
        #expect(kept(AuditExportFilter()).count == 4)
        #expect(kept(AuditExportFilter(since: AuditTime.parse("2024-05-01T09:31:00Z"))) == [AuditFixtures.id(2), AuditFixtures.id(3), commit])
        #expect(kept(AuditExportFilter(until: AuditTime.parse("2024-05-01T09:31:00Z"))) == [AuditFixtures.id(1), AuditFixtures.id(2)])
        #expect(kept(AuditExportFilter(environments: ["prod"])) == [commit])
        #expect(kept(AuditExportFilter(actions: ["direct"])) == [commit])
        #expect(kept(AuditExportFilter(actions: ["promotion.created"])).count == 3)
        #expect(kept(AuditExportFilter(environments: ["staging"], actions: ["rollback.created"])).isEmpty)
    }
}

/// A small RFC 4180 reader, independent of the writer, for round-trip checks.
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field: [Unicode.Scalar] = []
    var quoted = false
    var scalars = Array(text.unicodeScalars)[...]
    while let scalar = scalars.popFirst() {
        if quoted {
            if scalar == "\"" {
                if scalars.first == "\"" {
                    field.append(scalars.removeFirst())
                } else {
                    quoted = false
                }
            } else {
                field.append(scalar)
            }
        } else if scalar == "\"" {
            quoted = true
        } else if scalar == "," {
            record.append(String(String.UnicodeScalarView(field)))
            field = []
        } else if scalar == "\r", scalars.first == "\n" {
            scalars.removeFirst()
            record.append(String(String.UnicodeScalarView(field)))
            records.append(record)
            record = []
            field = []
        } else {
            field.append(scalar)
        }
    }
    return records
}
