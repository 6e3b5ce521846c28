import Foundation
import Testing
@testable import LadderCore

@Suite struct AuditChainTests {
    typealias F = AuditFixtures

    @Test func intactChainVerifies() throws {
        let events = try F.chain(5)
        #expect(events.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(zip(events.dropFirst(), events).allSatisfy { $0.prevHash == $1.hash })
        let report = AuditChainVerifier.verify(AuditChainEntry.linear(events))
        #expect(report.isIntact)
        #expect(report.eventCount == 5)
        #expect(report.tip == events[4])
        #expect(report.ancestorCount(ofHash: events[2].hash) == 3)
        #expect(AuditChainVerifier.verify([]).isIntact)
    }

    /// Verifies `messages` as a linear chain and returns the break, which must exist.
    func firstBreak(_ messages: [String]) throws -> AuditChainBreak {
        try #require(AuditChainVerifier.verify(AuditChainEntry.linear(messages: messages)).firstBreak)
    }

    @Test func editedEventIsReportedByHash() throws {
        let events = try F.chain(5)
        var messages = events.map(\.commitMessage)
        messages[2] = F.editedMessage(events[2]) { $0["outcome"] = "denied" }
        let found = try firstBreak(messages)
        #expect(found.seq == 3)
        #expect(found.id == F.id(3))
        #expect(found.index == 2)
        guard case .hashMismatch(let recorded, _) = found.kind else {
            Issue.record("expected a hash mismatch, got \(found)")
            return
        }
        #expect(recorded == events[2].hash)
        #expect(found.description.contains("event 3 (\(F.id(3)))"))
    }

    @Test func editedAndResealedEventBreaksTheNextLink() throws {
        let events = try F.chain(5)
        var edited = events[2]
        edited.body.outcome = .denied
        edited.hash = edited.computedHash
        var messages = events.map(\.commitMessage)
        messages[2] = edited.commitMessage
        let found = try firstBreak(messages)
        #expect(found.seq == 4)
        #expect(found.id == F.id(4))
        #expect(found.kind == .prevHashMismatch(recorded: events[2].hash, expected: edited.hash))
    }

    @Test func deletedEventIsReported() throws {
        var events = try F.chain(5)
        events.remove(at: 2)
        let found = try firstBreak(events.map(\.commitMessage))
        #expect(found.seq == 4)
        #expect(found.id == F.id(4))
        #expect(found.kind == .prevHashMismatch(recorded: events[2].prevHash, expected: events[1].hash))
    }

    @Test func reorderedEventsAreReported() throws {
        var events = try F.chain(5)
        events.swapAt(2, 3)
        let found = try firstBreak(events.map(\.commitMessage))
        #expect(found.index == 2)
        #expect(found.seq == 4)
        #expect(found.id == F.id(4))
        guard case .prevHashMismatch = found.kind else {
            Issue.record("expected a link mismatch, got \(found)")
            return
        }
    }

    @Test func insertedForgedEventIsReportedAtTheNextEvent() throws {
        var events = try F.chain(5)
        // A forgery with a valid hash and link: only the event after it can tell.
        let forged = try AuditEvent.seal(F.body(42, to: "prod"), after: events[1], scrubber: F.noSecrets)
        events.insert(forged, at: 2)
        let found = try firstBreak(events.map(\.commitMessage))
        #expect(found.index == 3)
        #expect(found.seq == 3)
        #expect(found.id == F.id(3))
        #expect(found.kind == .prevHashMismatch(recorded: events[1].hash, expected: forged.hash))

        // A careless forgery (hash not recomputed) is reported itself.
        var careless = events
        careless[2].body.outcome = .denied
        let carelessBreak = try firstBreak(careless.map(\.commitMessage))
        #expect(carelessBreak.id == F.id(42))
        guard case .hashMismatch = carelessBreak.kind else {
            Issue.record("expected a hash mismatch, got \(carelessBreak)")
            return
        }
    }

    @Test func replayedEventIsReportedByID() throws {
        var events = try F.chain(5)
        events.append(try AuditEvent.seal(events[1].body, after: events[4], scrubber: F.noSecrets))
        let found = try firstBreak(events.map(\.commitMessage))
        #expect(found.seq == 6)
        #expect(found.id == F.id(2))
        #expect(found.kind == .duplicateID(firstSeq: 2))
    }

    @Test func seqGapIsReported() throws {
        var events = try F.chain(3)
        var next = try AuditEvent.seal(F.body(4), after: events[2], scrubber: F.noSecrets)
        next.seq = 7
        next.hash = next.computedHash
        events.append(next)
        let found = try firstBreak(events.map(\.commitMessage))
        #expect(found.id == F.id(4))
        #expect(found.kind == .seqMismatch(recorded: 7, expected: 4))
    }

    @Test func genesisMustStartTheChain() throws {
        let events = try F.chain(3)
        let found = try firstBreak(Array(events.dropFirst()).map(\.commitMessage))
        #expect(found.seq == 2)
        #expect(found.kind == .prevHashMismatch(recorded: events[0].hash, expected: AuditEvent.genesisHash))
    }

    @Test func unreadableMessagesAreReported() throws {
        let events = try F.chain(4)
        var messages = events.map(\.commitMessage)
        messages[1] = "promote(staging): payments\n"
        let garbage = try firstBreak(messages)
        #expect(garbage.index == 1)
        #expect(garbage.key == "#2")
        #expect(garbage.seq == nil)
        guard case .unparsable = garbage.kind else {
            Issue.record("expected unparsable, got \(garbage)")
            return
        }

        messages = events.map(\.commitMessage)
        messages[1] = events[1].json.pretty
        let pretty = try firstBreak(messages)
        #expect(pretty.kind == .notCanonical)
        #expect(pretty.seq == 2)
        #expect(pretty.id == F.id(2))

        messages = events.map(\.commitMessage)
        messages[3] = F.editedMessage(events[3]) { $0["action"] = "promotion.deleted" }
        let unknown = try firstBreak(messages)
        #expect(unknown.seq == 4)
        guard case .unparsable(let reason) = unknown.kind else {
            Issue.record("expected unparsable, got \(unknown)")
            return
        }
        #expect(reason.contains("action"))
    }

    @Test func sealingScrubsSecrets() throws {
        let token = "ghp_" + String(repeating: "A1b2", count: 9)
        var body = F.body(1)
        body.override = AuditOverride(reason: "push failed: https://x:\(token)@github.com/o/r", by: "alice")
        body.source.ciRunURL = "https://ci.example/run/1?t=tok-\("s3cr3t-env-value")"
        let event = try AuditEvent.seal(
            body, after: nil, scrubber: AuditSecretScrubber(environment: ["GITHUB_TOKEN": "s3cr3t-env-value", "HOME": "/root"]))
        #expect(!event.commitMessage.contains(token))
        #expect(!event.commitMessage.contains("s3cr3t-env-value"))
        #expect(event.override?.reason == "push failed: https://[REDACTED]@github.com/o/r")
        #expect(event.source.ciRunURL == "https://ci.example/run/1?t=tok-[REDACTED]")
        #expect(event.hash == event.computedHash)
    }

    // MARK: DAG with a join

    /// e1 - e2 - a3 ------- m5
    ///           \- b3 - b4 /
    func forkedChain() throws -> (entries: [AuditChainEntry], events: [String: AuditEvent]) {
        let e1 = try AuditEvent.seal(F.body(1), after: nil, scrubber: F.noSecrets)
        let e2 = try AuditEvent.seal(F.body(2), after: e1, scrubber: F.noSecrets)
        let a3 = try AuditEvent.seal(F.body(3), after: e2, scrubber: F.noSecrets)
        let b3 = try AuditEvent.seal(F.body(4, to: "prod"), after: e2, scrubber: F.noSecrets)
        let b4 = try AuditEvent.seal(F.body(5, to: "prod"), after: b3, scrubber: F.noSecrets)
        var mergeBody = F.body(6, action: .merged)
        mergeBody.transition = nil
        mergeBody.approvals = nil
        mergeBody.policy = nil
        let m = try AuditEvent.sealMerge(mergeBody, parents: [a3, b4], scrubber: F.noSecrets)
        let entries = [
            AuditChainEntry(key: "e1", parents: [], message: e1.commitMessage),
            AuditChainEntry(key: "e2", parents: ["e1"], message: e2.commitMessage),
            AuditChainEntry(key: "b3", parents: ["e2"], message: b3.commitMessage),
            AuditChainEntry(key: "a3", parents: ["e2"], message: a3.commitMessage),
            AuditChainEntry(key: "b4", parents: ["b3"], message: b4.commitMessage),
            AuditChainEntry(key: "m", parents: ["a3", "b4"], message: m.commitMessage),
        ]
        return (entries, ["e1": e1, "e2": e2, "a3": a3, "b3": b3, "b4": b4, "m": m])
    }

    @Test func joinedChainsVerify() throws {
        let (entries, events) = try forkedChain()
        let m = try #require(events["m"])
        #expect(m.seq == 5)
        #expect(m.prevHash == events["a3"]?.hash)
        #expect(m.mergedHashes == [try #require(events["b4"]).hash])
        let report = AuditChainVerifier.verify(entries)
        #expect(report.isIntact, "\(String(describing: report.firstBreak))")
        #expect(report.tip == m)
        #expect(report.ancestorCount(ofHash: m.hash) == 6)
        #expect(report.ancestorCount(ofHash: try #require(events["b4"]).hash) == 4)
    }

    @Test func malformedJoinsAreReported() throws {
        let (entries, events) = try forkedChain()
        let m = try #require(events["m"])

        var wrongMerged = m
        wrongMerged.mergedHashes = [try #require(events["b3"]).hash]
        wrongMerged.hash = wrongMerged.computedHash
        var tampered = entries
        tampered[5].message = wrongMerged.commitMessage
        let merged = try #require(AuditChainVerifier.verify(tampered).firstBreak)
        #expect(merged.seq == 5)
        #expect(merged.id == F.id(6))
        guard case .mergeMismatch = merged.kind else {
            Issue.record("expected a join mismatch, got \(merged)")
            return
        }

        // A plain event cannot have two parents.
        tampered = entries
        tampered[5].message = try AuditEvent.seal(F.body(7), after: events["a3"], scrubber: F.noSecrets).commitMessage
        let plain = try #require(AuditChainVerifier.verify(tampered).firstBreak)
        #expect(plain.index == 5)
        #expect(plain.kind == .mergeMismatch("2 parents on a promotion.created event"))

        // Dropping one parent of the join breaks it as well.
        tampered = entries
        tampered[5].parents = ["a3"]
        let single = try #require(AuditChainVerifier.verify(tampered).firstBreak)
        guard case .mergeMismatch = single.kind else {
            Issue.record("expected a join mismatch, got \(single)")
            return
        }

        // Children before parents.
        tampered = entries
        tampered.swapAt(3, 5)
        let order = try #require(AuditChainVerifier.verify(tampered).firstBreak)
        #expect(order.kind == .unknownParent("a3"))
    }

    @Test func sealingChecksParents() throws {
        let events = try F.chain(2)
        #expect(throws: AuditError.self) { try AuditEvent.seal(F.body(3, action: .merged), after: events[1], scrubber: F.noSecrets) }
        #expect(throws: AuditError.self) {
            try AuditEvent.sealMerge(F.body(3, action: .merged), parents: [events[1]], scrubber: F.noSecrets)
        }
        #expect(throws: AuditError.self) { try AuditEvent.sealMerge(F.body(3), parents: events, scrubber: F.noSecrets) }
    }

    @Test func sealingRefusesWhatCannotBeReadBack() {
        var badTime = F.body(1)
        badTime.time = "2024-05-01 09:30"
        #expect(throws: AuditError.invalidField(field: "time", reason: "not an RFC 3339 UTC time like 2024-05-01T09:30:00Z")) {
            try AuditEvent.seal(badTime, after: nil, scrubber: F.noSecrets)
        }
        var badID = F.body(1)
        badID.id = "promotion-1"
        #expect(throws: AuditError.invalidField(field: "id", reason: "not a 26-character event id")) {
            try AuditEvent.seal(badID, after: nil, scrubber: F.noSecrets)
        }
    }
}
