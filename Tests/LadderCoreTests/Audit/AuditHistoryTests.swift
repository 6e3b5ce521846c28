import Foundation
import LadderGit
import LadderTestSupport
import Testing

@testable import LadderCore

/// A monorepo whose trunk holds a direct change, a squash merge, a GitHub merge commit and a
/// GitLab merge commit, plus audit events recorded by `ladder check`.
struct HistoryFixture {
    let repo: FixtureRepository
    var commits: [String: String] = [:]

    static let config = """
        version: 1
        trunk: main
        environments:
          - name: dev
            path: environments/dev
          - name: staging
            path: environments/staging
          - name: prod
            path: environments/prod

        """

    init() throws {
        repo = try FixtureRepository()
        commits["init"] = try repo.commit(
            [
                "ladder.yaml": Self.config,
                "environments/dev/app/values.yaml": "image:\n  tag: 1.0.0\n",
                "environments/staging/app/values.yaml": "image:\n  tag: 1.0.0\n",
                "environments/prod/app/values.yaml": "image:\n  tag: 1.0.0\n",
            ], "Initial environments")
        commits["direct"] = try repo.commit(["environments/dev/app/values.yaml": "image:\n  tag: 1.1.0\n"], "bump dev by hand")
        commits["readme"] = try repo.commit(["README.md": "docs\n"], "docs only")
        commits["squash"] = try repo.commit(
            ["environments/staging/app/values.yaml": "image:\n  tag: 1.1.0\n", "environments/staging/app/new.yaml": "a: 1\n"],
            "promote(staging): app from dev (#12)\n\nLadder-Promotion: p-squash\nLadder-From: dev\nLadder-To: staging")

        // GitHub-style merge commit of a promotion branch into prod.
        _ = try repo.git("checkout", "-q", "-b", "promote")
        commits["head"] = try repo.commit(
            ["environments/prod/app/values.yaml": "image:\n  tag: 1.1.0\n"],
            "promote(prod): app from staging\n\nLadder-Promotion: p-merge\nLadder-From: staging\nLadder-To: prod")
        _ = try repo.git("checkout", "-q", "main")
        _ = try repo.git("merge", "-q", "--no-ff", "-m", "Merge pull request #5 from org/promote\n\npromote(prod)", "promote")
        commits["github"] = try repo.head()

        // GitLab-style merge commit of a rollback branch.
        _ = try repo.git("checkout", "-q", "-b", "rollback")
        commits["rollbackHead"] = try repo.commit(
            ["environments/prod/app/values.yaml": "image:\n  tag: 1.0.0\n", "environments/prod/app/old.yaml": nil],
            "rollback(prod): undo p-merge\n\nLadder-Rollback-Of: p-merge")
        _ = try repo.git("checkout", "-q", "main")
        _ = try repo.git("merge", "-q", "--no-ff", "-m", "Merge branch 'rollback' into 'main'\n\nrollback\n\nSee merge request group/project!7", "rollback")
        commits["gitlab"] = try repo.head()
    }

    /// Appends `promotion.checked` events: bob approved the squash (by promotion id), carol the
    /// merged head (by commit), dave something unrelated.
    func recordChecks() throws -> AuditLog {
        let log = AuditLog(repository: try Repository.open(at: repo.path), scrubber: AuditSecretScrubber())
        func approval(_ login: String, counted: Bool = true) -> AuditApproval {
            AuditApproval(login: login, state: "approved", commit: nil, counted: counted, reason: counted ? nil : "author")
        }
        try log.append(AuditStore.body(1, to: "staging", action: .promotionChecked, approvals: [approval("bob"), approval("eve", counted: false)], promotionID: "p-squash"))
        try log.append(AuditStore.body(2, to: "prod", commit: commits["head"], action: .promotionChecked, approvals: [approval("carol")]))
        try log.append(AuditStore.body(3, to: "prod", commit: commits["direct"], action: .promotionChecked, approvals: [approval("dave")]))
        try log.append(AuditStore.body(4, to: "prod", action: .promotionCreated))
        return log
    }
}

@Suite struct AuditHistoryTests {
    func rows(_ fixture: HistoryFixture, approvals: AuditApprovalIndex = AuditApprovalIndex()) throws -> [AuditExportRow] {
        let workspace = try Workspace.open(at: fixture.repo.path)
        var rows: [AuditExportRow] = []
        try AuditHistory(workspace: workspace).forEachRow(approvals: approvals) { rows.append($0) }
        return rows
    }

    /// Runs of the chain compared on several threads give the rows, in the order, of one thread.
    @Test func threadsGiveTheSameRows() throws {
        let fixture = try HistoryFixture()
        for number in 1...12 {
            let environment = ["dev", "staging", "prod"][number % 3]
            _ = try fixture.repo.commit(
                ["environments/\(environment)/app/values.yaml": "image:\n  tag: 2.\(number).0\n", "notes/\(number).md": "n\n"],
                "change \(number)\(number % 4 == 0 ? "\n\nLadder-Promotion: p-\(number)\nLadder-To: \(environment)" : "")")
        }
        let log = try fixture.recordChecks()
        let approvals = AuditApprovalIndex(events: try log.events())
        let workspace = try Workspace.open(at: fixture.repo.path)
        let history = AuditHistory(workspace: workspace)
        var sequential: [AuditExportRow] = []
        try history.forEachRow(approvals: approvals, workers: 1) { sequential.append($0) }
        #expect(sequential.count > 12)
        let comparer = AuditHistoryComparer(
            environments: workspace.config.environments, approvals: approvals,
            protected: Dictionary(uniqueKeysWithValues: workspace.config.environments.map { ($0.name, history.requiresApprovals($0.name)) }))
        for (workers, runLength) in [(3, 1), (2, 3), (4, 100)] {
            let parallel = try comparer.rows(
                of: try history.firstParentChain(), workers: workers, gitDirectory: workspace.repository.gitDirectory, runLength: runLength)
            #expect(parallel.flatMap { $0 } == sequential, "\(workers) workers, runs of \(runLength)")
        }
    }

    @Test func classifiesEveryTrunkChangePerEnvironment() throws {
        let fixture = try HistoryFixture()
        let log = try fixture.recordChecks()
        let rows = try rows(fixture, approvals: AuditApprovalIndex(events: try log.events()))
        let summary = rows.map { "\($0.commit!.prefix(7)) \($0.environment!) \($0.kind!.rawValue)" }
        let c = fixture.commits.mapValues { $0.prefix(7) }
        #expect(summary == [
            "\(c["init"]!) dev direct", "\(c["init"]!) staging direct", "\(c["init"]!) prod direct",
            "\(c["direct"]!) dev direct",
            "\(c["squash"]!) staging promotion",
            "\(c["github"]!) prod promotion",
            "\(c["gitlab"]!) prod rollback",
        ])
        let byCommit = Dictionary(grouping: rows, by: { $0.commit! })

        let direct = try #require(byCommit[fixture.commits["direct"]!]?.first)
        #expect(direct.files == ["environments/dev/app/values.yaml"])
        #expect(direct.pullRequest == nil)
        #expect(direct.approvalEvidence == .notRequired)
        #expect(direct.author == "Test Author")
        #expect(direct.committerEmail == "committer@example.com")

        let squash = try #require(byCommit[fixture.commits["squash"]!]?.first)
        #expect(squash.pullRequest == 12)
        #expect(squash.promotionID == "p-squash")
        #expect(squash.files == ["environments/staging/app/new.yaml", "environments/staging/app/values.yaml"])
        #expect(squash.approvals == ["bob"])
        #expect(squash.approvalEvidence == .recorded)

        let github = try #require(byCommit[fixture.commits["github"]!]?.first)
        #expect(github.pullRequest == 5)
        #expect(github.promotionID == "p-merge")
        #expect(github.approvals == ["carol"])
        #expect(github.approvalEvidence == .recorded)

        let gitlab = try #require(byCommit[fixture.commits["gitlab"]!]?.first)
        #expect(gitlab.pullRequest == 7)
        #expect(gitlab.kind == .rollback)
        #expect(gitlab.files == ["environments/prod/app/values.yaml"])
        #expect(gitlab.approvals == [])
        #expect(gitlab.approvalEvidence == .missing)

        // The first environment needs no approvals; the others are flagged without them.
        let initial = byCommit[fixture.commits["init"]!]!
        #expect(initial.map(\.approvalEvidence) == [.notRequired, .missing, .missing])
    }

    @Test func approvalRequirementIsASeam() throws {
        let fixture = try HistoryFixture()
        let workspace = try Workspace.open(at: fixture.repo.path)
        var evidence: [AuditApprovalEvidence?] = []
        try AuditHistory(workspace: workspace, requiresApprovals: { $0 == "dev" }).forEachRow(approvals: AuditApprovalIndex()) {
            evidence.append($0.approvalEvidence)
        }
        #expect(evidence == [.missing, .notRequired, .notRequired, .missing, .notRequired, .notRequired, .notRequired])
    }

    // MARK: Export round trips

    func export(_ fixture: HistoryFixture, format: AuditExportFormat, filter: AuditExportFilter = AuditExportFilter()) throws
        -> (String, AuditExportResult, ScratchDirectory)
    {
        let log = try fixture.recordChecks()
        let workspace = try Workspace.open(at: fixture.repo.path)
        let directory = ScratchDirectory("export")
        let path = directory.join("audit.\(format.rawValue)")
        let result = try AuditExporter(log: log, history: AuditHistory(workspace: workspace), filter: filter, format: format)
            .export(toFile: path)
        // The digest's first line is what sha256sum prints.
        let sha = try Run.program("/usr/bin/sha256sum", ["audit.\(format.rawValue)"], in: directory.path).stdout
        let digest = try String(contentsOfFile: path + ".sha256", encoding: .utf8)
        #expect(digest.hasPrefix(sha))
        #expect(digest.contains("events: 4\n"))
        #expect(try AuditDigest.parse(digest).tipSeq == 4)
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["audit.\(format.rawValue)", "audit.\(format.rawValue).sha256"])
        return (try String(contentsOfFile: path, encoding: .utf8), result, directory)
    }

    @Test func jsonLinesAndJSONReadBackWithFoundation() throws {
        let fixture = try HistoryFixture()
        let (jsonl, result, _) = try export(fixture, format: .jsonl)
        #expect(result.rowCount == 11)
        #expect(result.eventRows == 4)
        let objects = try jsonl.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(objects.count == 11)
        #expect(objects.prefix(4).allSatisfy { $0["record"] as? String == "event" })
        #expect((objects[0]["event"] as? [String: Any])?["seq"] as? Int == 1)
        let gitlab = objects.first { $0["commit"] as? String == fixture.commits["gitlab"] }!
        #expect(gitlab["pull_request"] as? Int == 7)
        #expect(gitlab["approval_evidence"] as? String == "missing")
        #expect(gitlab["event"] is NSNull)
        #expect(Set(gitlab.keys) == Set(AuditExportRow.columns + ["event"]))

        let (json, _, _) = try export(HistoryFixture(), format: .json)
        let array = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
        #expect(array.count == 11)
        #expect(array.last?["kind"] as? String == "rollback")
    }

    @Test func csvReadsBackWithAnRFC4180Reader() throws {
        let fixture = try HistoryFixture()
        let (csv, _, _) = try export(fixture, format: .csv)
        let records = CSVReader.parse(csv)
        #expect(records.first == AuditExportRow.columns)
        #expect(records.count == 12)
        let column = Dictionary(uniqueKeysWithValues: AuditExportRow.columns.enumerated().map { ($1, $0) })
        let squash = records.first { $0[column["commit"]!] == fixture.commits["squash"] }!
        #expect(squash[column["files"]!] == "environments/staging/app/new.yaml;environments/staging/app/values.yaml")
        #expect(squash[column["pull_request"]!] == "12")
        #expect(squash[column["approvals"]!] == "bob")
        // The merge commit's subject has a comma-free body but the events carry commas in JSON-free columns only.
        #expect(records.allSatisfy { $0.count == AuditExportRow.columns.count })
    }

    @Test func filtersApplyToEventsAndCommits() throws {
        let fixture = try HistoryFixture()
        let (prodOnly, result, _) = try export(fixture, format: .jsonl, filter: AuditExportFilter(environments: ["prod"]))
        #expect(result.rowCount == 6)  // 3 prod events + init, github, gitlab
        #expect(!prodOnly.contains("\"environment\":\"staging\""))
        let (directOnly, directResult, _) = try export(HistoryFixture(), format: .jsonl, filter: AuditExportFilter(actions: ["direct"]))
        #expect(directResult.rowCount == 4)
        #expect(directOnly.split(separator: "\n").allSatisfy { $0.contains("\"kind\":\"direct\"") })
        // The digest always records the whole chain, whatever the filter kept.
        #expect(directResult.digest?.eventCount == 4)
    }
}

/// RFC 4180 reader: quoted fields, doubled quotes, CRLF records.
enum CSVReader {
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                record.append(field)
                field = ""
            } else if character == "\r", characters.first == "\n" {
                characters.removeFirst()
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.unicodeScalars.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty { records.append(record + [field]) }
        return records
    }
}

@Suite struct JSONLinesRowTests {
    @Test func splicedRowsEqualTheWritersRows() throws {
        let writer = AuditExportWriter(format: .jsonl)
        var previous: AuditEvent?
        for number in 1...5 {
            var body = AuditStore.body(number, commit: number % 2 == 0 ? nil : String(repeating: "a", count: 40))
            body.transition?.changedPaths.append("a \"quoted\", odd\tpath ü")
            let event = try AuditEvent.seal(body, after: previous, scrubber: AuditSecretScrubber())
            previous = event
            let row = AuditExportRow(event: event)
            #expect(JSONLinesRow.text(row, eventJSON: event.commitMessage) == writer.row(row, index: number - 1))
        }
    }
}
