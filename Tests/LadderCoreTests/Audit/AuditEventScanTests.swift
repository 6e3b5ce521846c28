import Foundation
import LadderGit
import LadderTestSupport
import Testing

@testable import LadderCore

/// The in-place scan of export's verification must agree with the full parser: never accept a
/// message the parser refuses, give the same hash verdict, and produce the same JSON lines.
@Suite struct AuditEventScanTests {
    typealias F = AuditFixtures

    /// Events of every shape: optional sections absent and present, a join, strings that need
    /// escapes, non-ASCII text.
    static func variedEvents() throws -> [AuditEvent] {
        var events = try F.chain(3)
        var bare = F.body(10, action: .autoRun)
        bare.transition = nil
        bare.approvals = nil
        bare.policy = nil
        bare.source.host = nil
        events.append(try AuditEvent.seal(bare, after: events.last, scrubber: F.noSecrets))
        var odd = F.body(11, action: .policyBypassed, to: "prod")
        odd.approvals = []
        odd.override = AuditOverride(reason: "outage \"sev1\"\nline two\ttab \u{1}\u{7F} back\\slash /", by: "zoë")
        odd.transition?.changedPaths = []
        odd.transition?.commit = nil
        odd.transition?.promotionID = nil
        odd.approvals = [
            AuditApproval(login: "bob", state: "approved", commit: nil, counted: false, reason: "stale"),
            AuditApproval(login: "çarol", state: "approved", commit: nil, counted: true, reason: nil),
        ]
        events.append(try AuditEvent.seal(odd, after: events.last, scrubber: F.noSecrets))
        var rollback = F.body(12, action: .rollbackCreated)
        rollback.transition?.from = nil
        rollback.outcome = .denied
        events.append(try AuditEvent.seal(rollback, after: events.last, scrubber: F.noSecrets))
        let merged = try AuditEvent.sealMerge(
            F.body(13, action: .merged), parents: [events[4], events[2]], scrubber: F.noSecrets)
        events.append(merged)
        return events
    }

    @Test func acceptsCanonicalEventsAndRowsMatchTheWriter() throws {
        for event in try Self.variedEvents() {
            let message = Array(event.commitMessage.utf8)
            try message.withUnsafeBytes { bytes in
                let scan = try #require(AuditEventScan(bytes), "\(event.commitMessage)")
                #expect(scan.hashMatches(in: bytes))
                #expect(scan.seq == event.seq)
                #expect(AuditEventScan.string(scan.id, in: bytes) == event.id)
                #expect(AuditEventScan.string(scan.prevHash, in: bytes) == event.prevHash)
                #expect(scan.mergedHashes?.map { AuditEventScan.string($0, in: bytes) } == event.mergedHashes)
                var line: [UInt8] = []
                JSONLinesRow.appendEvent(scan, message: bytes, to: &line)
                let expected = JSONLinesRow.text(AuditExportRow(event: event), eventJSON: event.commitMessage)
                #expect(String(decoding: line, as: UTF8.self) == expected)
            }
            // Without the final newline too.
            let bare = Array(event.commitMessage.utf8.dropLast())
            #expect(bare.withUnsafeBytes { AuditEventScan($0) != nil })
        }
    }

    @Test func editedEventsFailTheHashCheck() throws {
        let event = try F.chain(1)[0]
        let edited = F.editedMessage(event) { $0["outcome"] = "denied" }
        Array(edited.utf8).withUnsafeBytes { bytes in
            #expect(AuditEventScan(bytes)?.hashMatches(in: bytes) == false)
        }
    }

    /// Whatever the scan accepts, the full parser accepts with the same hash verdict.
    func expectAgreement(_ message: [UInt8], _ note: String) {
        message.withUnsafeBytes { bytes in
            guard let scan = AuditEventScan(bytes) else { return }
            let verdict = AuditChainVerifier.readEvent(String(decoding: bytes, as: UTF8.self))
            switch verdict {
            case .success: #expect(scan.hashMatches(in: bytes), "\(note)")
            case .failure(let failure):
                if case .hashMismatch = failure.kind {
                    #expect(!scan.hashMatches(in: bytes), "\(note)")
                } else {
                    Issue.record("scan accepted what the parser refuses (\(failure.kind)): \(note)")
                }
            }
        }
    }

    @Test(arguments: [
        ("\"seq\":1,", "\"seq\":01,"), ("\"seq\":1,", "\"seq\":1.0,"), ("\"seq\":1,", "\"seq\":0,"),
        ("\"seq\":1,", "\"seq\":99999999999999999999,"), ("\"seq\":1,", "\"seq\": 1,"),
        ("\"outcome\":\"allowed\"", "\"outcome\":\"allow\\u0065d\""), ("\"outcome\":\"allowed\"", "\"outcome\":\"maybe\""),
        ("\"host\":\"build-1\"", "\"host\":\"build\\/1\""), ("\"host\":\"build-1\"", "\"host\":\"build\\u002d1\""),
        ("\"host\":\"build-1\"", "\"host\":1"), ("\"login\":\"alice\"", "\"login\":null"),
        ("\"time\":\"2024-05-01T09:", "\"time\":\"2024-05-01t09:"), ("Z\",", "+00:00\","), ("Z\",", ".5Z\","),
        ("\"id\":\"01HX", "\"id\":\"81HX"), ("\"id\":\"01HX", "\"id\":\"01hx"), ("\"id\":\"01HX", "\"id\":\"01HXI"),
        ("\"schema\":\"ladder.audit/v1\"", "\"schema\":\"ladder.audit/v2\""), ("\"merged_hashes\":null", "\"merged_hashes\":[]"),
        ("\"override\":null", "\"override\":{}"), ("\"override\":null", "\"override\":{\"by\":\"x\",\"reason\":\"y\",\"z\":1}"),
        ("\"counted\":true", "\"counted\":1"), ("\"counted\":true", "\"counted\":\"true\""),
        ("{\"action\"", "\u{FEFF}{\"action\""), ("{\"action\"", " {\"action\""), ("\"approvals\":[", "\"approvals\":[ "),
        ("\"action\":\"promotion.created\",", "\"action\":\"promotion.created\",\"action\":\"promotion.created\","),
        ("\"to\":\"staging\"}", "\"to\":\"staging\",\"zz\":null}"), ("\"message\":\"1 of 1 approvals ✓\"", "\"message\":\"1 of 1 approvals \\u2713\""),
    ])
    func refusesWhatTheParserRefuses(_ edit: (String, String)) throws {
        let message = try F.chain(1)[0].commitMessage
        #expect(message.contains(edit.0), "fixture lacks \(edit.0)")
        let edited = message.replacingOccurrences(of: edit.0, with: edit.1)
        Array(edited.utf8).withUnsafeBytes { #expect(AuditEventScan($0) == nil, "\(edited)") }
        expectAgreement(Array(edited.utf8), edited)
    }

    @Test func randomByteEditsNeverSplitTheVerdicts() throws {
        var generator = SeededGenerator(seed: 42)
        let messages = try Self.variedEvents().map { Array($0.commitMessage.utf8) }
        let alphabet = Array("{}[]\",:\\/0123456789abcdefnulltrueZT- \n\u{1}".utf8) + [0x80, 0xC3, 0xA9, 0xFF, 0xED, 0xA0]
        for round in 0..<3_000 {
            var message = messages[round % messages.count]
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<message.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: message[position] = alphabet.randomElement(using: &generator)!
                case 1: message.remove(at: position)
                default: message.insert(alphabet.randomElement(using: &generator)!, at: position)
                }
            }
            expectAgreement(message, String(decoding: message, as: UTF8.self))
        }
    }
}

/// Export's linear-chain path against the general verifier, on chains stored by git.
@Suite struct AuditStoredChainTests {
    /// The JSON lines of the events of an intact chain, as the general path writes them.
    func expectedLines(_ log: AuditLog) throws -> String {
        let entries = try log.entries()
        let report = AuditChainVerifier.verify(entries)
        return zip(report.nodes, entries).map { JSONLinesRow.text(AuditExportRow(event: $0.event), eventJSON: $1.message) }.joined()
    }

    func exported(_ log: AuditLog, format: AuditExportFormat = .jsonl, memoryBudget: Int = 256 << 20) throws -> (String, AuditExportResult) {
        let directory = ScratchDirectory("export")
        let path = directory.join("out")
        var exporter = AuditExporter(log: log, history: nil, filter: AuditExportFilter(), format: format)
        exporter.memoryBudget = memoryBudget
        let result = try exporter.export(toFile: path)
        return (try String(contentsOfFile: path, encoding: .utf8), result)
    }

    @Test func exportsTheSameBytesAsTheGeneralPath() throws {
        let fixture = try FixtureRepository()
        let log = try AuditStore.log(fixture.path)
        var events: [AuditEvent] = []
        for number in 1...6 {
            let approvals = [AuditApproval(login: "bob", state: "approved", commit: nil, counted: number % 2 == 0, reason: nil)]
            events.append(try log.append(AuditStore.body(number, action: number % 3 == 0 ? .promotionChecked : .promotionCreated, approvals: approvals)))
        }
        // A valid event the scan leaves to the full parser (a time before 1970).
        var early = AuditStore.body(7)
        early.time = "1969-07-20T20:17:40Z"
        events.append(try log.append(early))
        var batches: [AuditMessageBatch] = []
        #expect(try log.readLinearChain(batchSize: 3) { batches.append($0) })
        #expect(batches.map(\.ranges.count) == [3, 3, 1])
        let tip = try #require(batches.first)
        let root = try #require(batches.last)
        tip.bytes.withUnsafeBytes { raw in
            #expect(AuditEventScan(UnsafeRawBufferPointer(rebasing: raw[tip.ranges[0]])) == nil)
        }
        root.bytes.withUnsafeBytes { raw in
            #expect(AuditEventScan(UnsafeRawBufferPointer(rebasing: raw[root.ranges[0]])) != nil)
        }
        // Batches prepared on other threads give the same lines, in order.
        let prepared = try #require(try log.preparedLinearChain(format: .jsonl, filter: AuditExportFilter(), workers: 3, batchSize: 2))
        #expect(try AuditPreparedBatch.verify(prepared).eventCount == 7)
        let lines = prepared.flatMap { batch in
            batch.events.compactMap { event -> [UInt8]? in
                guard case .line(let range) = event.row else { return nil }
                return Array(batch.output[range])
            }.joined()
        }
        #expect(String(decoding: lines, as: UTF8.self) == (try expectedLines(log)))
        let (text, result) = try exported(log)
        #expect(text == (try expectedLines(log)))
        // The same bytes when every line waits in the temporary file.
        #expect(try exported(log, memoryBudget: 0).0 == text)
        #expect(result.chain.eventCount == 7)
        #expect(result.chain.tip?.hash == events.last?.hash)
        #expect(result.chain.tip?.seq == 7)
        // Other formats go through the parsed events and match the writer.
        let (csv, _) = try exported(log, format: .csv)
        let writer = AuditExportWriter(format: .csv)
        #expect(csv == writer.render(events.map(AuditExportRow.init(event:))))
    }

    /// Lines spooled to the temporary file come back in chain order, byte for byte; a spool that
    /// refuses leaves them in memory.
    @Test func spooledLinesComeBackInOrder() throws {
        let fixture = try FixtureRepository()
        let log = try AuditStore.log(fixture.path)
        for number in 1...9 { try log.append(AuditStore.body(number)) }
        let expected = try expectedLines(log)
        // Everything spooled, then only what exceeds a budget of about two batches.
        for budget in [0, 3_000] {
            let spool = AuditSpool(memoryBudget: budget)
            let batches = try #require(try log.preparedLinearChain(format: .jsonl, filter: AuditExportFilter(), workers: 3, batchSize: 2, spool: spool))
            let spooled = batches.filter { $0.spooled != nil }
            #expect(spooled.allSatisfy { $0.output.isEmpty })
            #expect(budget == 0 ? spooled.count == batches.count : (1..<batches.count).contains(spooled.count), "budget \(budget)")
            let directory = ScratchDirectory("spool")
            let descriptor = open(directory.join("out"), O_WRONLY | O_CREAT, 0o644)
            let output = AuditExportOutput(descriptor: descriptor, path: directory.join("out"), digest: false)
            for batch in batches {
                if let range = batch.spooled { try spool.copy(range, to: output) } else { try batch.output.withUnsafeBytes { try output.write($0) } }
            }
            try output.flush()
            close(descriptor)
            #expect(try String(contentsOfFile: directory.join("out"), encoding: .utf8) == expected, "budget \(budget)")
        }

        struct Refusing: AuditLineStore {
            func store(_ bytes: [UInt8]) -> Range<Int>? { nil }
            func copy(_ range: Range<Int>, to output: AuditExportOutput) throws { Issue.record("nothing was stored") }
        }
        let kept = try #require(try log.preparedLinearChain(format: .jsonl, filter: AuditExportFilter(), workers: 2, batchSize: 4, spool: Refusing()))
        #expect(kept.allSatisfy { $0.spooled == nil && !$0.output.isEmpty })
        #expect(String(decoding: kept.flatMap(\.output), as: UTF8.self) == expected)
    }

    @Test func emptyLogExportsNothing() throws {
        let fixture = try FixtureRepository()
        let log = try AuditStore.log(fixture.path)
        let (text, result) = try exported(log)
        #expect(text.isEmpty)
        #expect(result.chain.eventCount == 0)
        #expect(result.chain.tip == nil)
    }

    /// Every tampering the verifier reports, export refuses with the same first break.
    @Test func refusesTamperedChainsWithTheVerifiersBreak() throws {
        let fixture = try FixtureRepository()
        let log = try AuditStore.log(fixture.path)
        var events: [AuditEvent] = []
        for number in 1...6 { events.append(try log.append(AuditStore.body(number))) }
        let messages = events.map(\.commitMessage)
        var resealed = events[2]
        resealed.body.outcome = .denied
        resealed.hash = resealed.computedHash
        var replayed = try AuditEvent.seal(events[1].body, after: events[5], scrubber: AuditSecretScrubber())
        replayed.hash = replayed.computedHash
        let tamperings: [(String, [String])] = [
            ("edited", messages.enumerated().map { $0 == 2 ? $1.replacingOccurrences(of: "alice", with: "mallory") : $1 }),
            ("resealed", messages.enumerated().map { $0 == 2 ? resealed.commitMessage : $1 }),
            ("deleted", messages.enumerated().filter { $0.offset != 3 }.map(\.element)),
            ("reordered", { var list = messages; list.swapAt(1, 2); return list }()),
            ("replayed", messages + [replayed.commitMessage]),
            ("pretty", messages.enumerated().map { $0 == 4 ? events[4].json.pretty : $1 }),
            ("garbage", messages.enumerated().map { $0 == 0 ? "promote(staging): payments\n" : $1 }),
            ("truncated root", Array(messages.dropFirst())),
        ]
        for (name, tampered) in tamperings {
            try AuditStore.rewrite(fixture.path, messages: tampered)
            let expected = try #require(try log.verify().firstBreak, "\(name)")
            // Prepared on several threads in small batches, the chain breaks where it does on one.
            for (workers, batchSize) in [(1, 1_024), (3, 2), (2, 1)] {
                let batches = try #require(try log.preparedLinearChain(format: .jsonl, filter: AuditExportFilter(), workers: workers, batchSize: batchSize))
                #expect(batches.map(\.number) == Array((0..<batches.count).reversed()), "\(name)")
                do {
                    _ = try AuditPreparedBatch.verify(batches)
                    Issue.record("\(name): verified a broken chain")
                } catch AuditLogError.broken(let found) {
                    #expect(found == expected, "\(name), \(workers) workers")
                }
            }
            do {
                _ = try exported(log)
                Issue.record("\(name): exported a broken chain")
            } catch AuditLogError.broken(let found) {
                #expect(found == expected, "\(name)")
            }
        }
    }
}

@Suite struct ExportRowBytesTests {
    @Test func appendedRowsEqualTheWritersRows() throws {
        let writer = AuditExportWriter(format: .jsonl)
        var rows = try AuditEventScanTests.variedEvents().map(AuditExportRow.init(event:))
        for number in 0..<4 {
            rows.append(
                AuditExportRow(
                    commit: String(repeating: "\(number)", count: 40), environment: number == 3 ? "pröd" : "staging",
                    classification: AuditCommitClassification(trailers: number == 1 ? [("Ladder-Promotion", "p-1")] : []),
                    author: "Ann \"A\" O'Neil", authorEmail: "ann@example.com", authorTime: Date(timeIntervalSince1970: 1_700_000_000),
                    committer: "Bot\tone", committerEmail: "", committerTime: Date(timeIntervalSince1970: 1_700_000_060.75),
                    files: number == 2 ? [] : ["environments/staging/a b.yaml", "environments/staging/c\nd"],
                    pullRequest: number == 1 ? 123 : nil, approvals: number == 0 ? ["bob", "zoë"] : [],
                    approvalEvidence: number == 0 ? .recorded : .missing))
        }
        for (index, row) in rows.enumerated() {
            var bytes: [UInt8] = []
            JSONLinesRow.append(row, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == writer.row(row, index: index))
        }
    }

    @Test func timesFormatLikePrintf() {
        var generator = SeededGenerator(seed: 9)
        let samples = [-62_167_219_200.0, -1, 0, 951_782_400, 4_102_444_799.5, 253_402_300_799, 253_402_300_800]
            + (0..<500).map { _ in Double.random(in: -6e10...3e11, using: &generator) }
        for seconds in samples {
            let date = Date(timeIntervalSince1970: seconds)
            let whole = Int64(seconds.rounded(.down))
            let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
            let secondOfDay = whole - days * 86_400
            let formatted = AuditTime.format(date)
            // The parser (an independent calendar computation) reads back the same second.
            if (-62_167_219_200...253_402_300_799).contains(whole) {
                #expect(AuditTime.parse(formatted)?.timeIntervalSince1970 == Double(whole), "\(seconds) \(formatted)")
            }
            #expect(formatted.hasSuffix(String(format: "T%02d:%02d:%02dZ", Int(secondOfDay / 3600), Int(secondOfDay / 60 % 60), Int(secondOfDay % 60))))
        }
        #expect(AuditTime.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(AuditTime.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(AuditTime.format(Date(timeIntervalSince1970: 253_402_300_799)) == "9999-12-31T23:59:59Z")
        #expect(AuditTime.format(Date(timeIntervalSince1970: 253_402_300_800)) == "10000-01-01T00:00:00Z")
        #expect(AuditTime.format(Date(timeIntervalSince1970: -62_167_219_200)) == "0000-01-01T00:00:00Z")
    }
}

@Suite struct PullRequestNumberBytesTests {
    /// The byte rules for plain ASCII messages decide exactly as the character rules.
    @Test func byteRulesAgreeWithCharacterRules() {
        var generator = SeededGenerator(seed: 11)
        let pieces = [
            "Merge pull request #", "See merge request ", "(#", ")", "12", "0", "1234567890", " from ", "acme/x", "!",
            "group/sub", " ", "\t", "\n", "\n\n", "promote(prod): api", "#", "(", "x", "\r\n", "é", "\u{2028}", "\u{A0}",
        ]
        var messages = [
            "Merge pull request #123 from acme/x\n\nbody", "promote(prod): a (#456)", "a (#12)  \n", "See merge request g/p!45",
            "Merge pull request #12 from  x", "Merge pull request #1234567890 from a/b", "x (#)", ")", "", "(#1)", " (#7) ",
        ]
        for _ in 0..<4_000 {
            messages.append((0..<Int.random(in: 1...7, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for message in messages {
            #expect(PullRequestNumber.extract(from: message) == PullRequestNumber.extractUnicode(from: message), "\(message.debugDescription)")
        }
    }
}
