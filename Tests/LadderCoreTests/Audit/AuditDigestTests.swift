import Testing
@testable import LadderCore

@Suite struct AuditDigestTests {
    // sha256 of "hello\n", as printed by `sha256sum`.
    static let helloSHA = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

    @Test func writesTheDocumentedFormat() throws {
        let chain = AuditChainVerifier.verify(AuditChainEntry.linear(try AuditFixtures.chain(3)))
        let digest = AuditDigest(exportBytes: Array("hello\n".utf8), fileName: "audit.jsonl", chain: chain)
        let text = try digest.text()
        #expect(
            text == "\(Self.helloSHA)  audit.jsonl\nevents: 3\ntip: \(chain.tip!.hash)\ntip_seq: 3\n")
        #expect(try AuditDigest.parse(text) == digest)
        #expect(try AuditDigest.parse(String(text.dropLast())) == digest)
    }

    @Test func emptyChainDigest() throws {
        let digest = AuditDigest(exportBytes: [], fileName: "e.csv", chain: AuditChainVerifier.verify([]))
        #expect(digest.eventCount == 0 && digest.tipSeq == 0 && digest.tipHash == AuditEvent.genesisHash)
        try digest.verifyChain(AuditChainVerifier.verify([]))
    }

    @Test(arguments: [
        ("", 1),
        ("\(helloSHA) audit.jsonl\nevents: 3\ntip: \(AuditEvent.genesisHash)\ntip_seq: 3\n", 1),
        ("\(helloSHA)  \nevents: 3\ntip: \(AuditEvent.genesisHash)\ntip_seq: 3\n", 1),
        ("\(helloSHA)  a\nevents: three\ntip: \(AuditEvent.genesisHash)\ntip_seq: 3\n", 2),
        ("\(helloSHA)  a\nevents: 03\ntip: \(AuditEvent.genesisHash)\ntip_seq: 3\n", 2),
        ("\(helloSHA)  a\nevents: 3\ntip: xyz\ntip_seq: 3\n", 3),
        ("\(helloSHA)  a\nevents: 3\ntip: \(AuditEvent.genesisHash)\nseq: 3\n", 4),
        ("\(helloSHA)  a\nevents: 3\ntip: \(AuditEvent.genesisHash)\n", 4),
        ("\(helloSHA)  a\nevents: 3\ntip: \(AuditEvent.genesisHash)\ntip_seq: 3\nextra\n", 5),
    ])
    func refusesMalformedDigests(_ text: String, _ line: Int) {
        do {
            _ = try AuditDigest.parse(text)
            Issue.record("expected an error")
        } catch {
            guard case .malformedDigest(let found, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(found == line)
        }
    }

    @Test func refusesUnwritableFileNames() {
        let digest = AuditDigest(fileSHA256: Self.helloSHA, fileName: "a\nb", eventCount: 0, tipHash: AuditEvent.genesisHash, tipSeq: 0)
        #expect(throws: AuditError.self) { try digest.text() }
    }

    @Test func detectsAModifiedExport() throws {
        let digest = AuditDigest(exportBytes: Array("hello\n".utf8), fileName: "x", chain: AuditChainVerifier.verify([]))
        try digest.verifyFile(Array("hello\n".utf8))
        #expect(throws: AuditError.digestMismatch(recorded: Self.helloSHA, computed: AuditHash.hex(Array("hellO\n".utf8)))) {
            try digest.verifyFile(Array("hellO\n".utf8))
        }
    }

    @Test func detectsATruncatedChain() throws {
        let events = try AuditFixtures.chain(5)
        let full = AuditChainVerifier.verify(AuditChainEntry.linear(events))
        let digest = AuditDigest(exportBytes: [], fileName: "x", chain: full)
        try digest.verifyChain(full)

        // Dropping the last two events leaves a chain that verifies on its own ...
        let truncated = AuditChainVerifier.verify(AuditChainEntry.linear(Array(events.prefix(3))))
        #expect(truncated.isIntact)
        // ... but not against the digest.
        #expect(throws: AuditError.truncated(recorded: 5, present: 3)) { try digest.verifyChain(truncated) }

        // Appending after the export is fine.
        var longer = events
        longer.append(try AuditEvent.seal(AuditFixtures.body(6), after: events[4], scrubber: AuditFixtures.noSecrets))
        try digest.verifyChain(AuditChainVerifier.verify(AuditChainEntry.linear(longer)))
    }

    @Test func detectsARewrittenTail() throws {
        let events = try AuditFixtures.chain(5)
        let digest = AuditDigest(
            exportBytes: [], fileName: "x", chain: AuditChainVerifier.verify(AuditChainEntry.linear(events)))
        var rewritten = Array(events.prefix(4))
        var body = AuditFixtures.body(5)
        body.outcome = .denied
        rewritten.append(try AuditEvent.seal(body, after: rewritten[3], scrubber: AuditFixtures.noSecrets))
        let report = AuditChainVerifier.verify(AuditChainEntry.linear(rewritten))
        #expect(report.isIntact)
        #expect(throws: AuditError.rewritten(seq: 5, recorded: events[4].hash, present: rewritten[4].hash)) {
            try digest.verifyChain(report)
        }
    }
}
