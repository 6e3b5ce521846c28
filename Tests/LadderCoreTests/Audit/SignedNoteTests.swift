import Foundation
import Testing
@testable import LadderCore

@Suite struct SignedNoteTests {
    // The published example of golang.org/x/mod/sumdb/note (the reference implementation of
    // c2sp.org/signed-note): key texts, text and signed note.
    static let referenceSigner = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let referenceVerifier = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let referenceText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let referenceNote =
        referenceText
        + "\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

    @Test func matchesTheReferenceImplementation() throws {
        let signer = try NoteSigner(text: Self.referenceSigner)
        #expect(signer.text == Self.referenceSigner)
        #expect(signer.verifier.text == Self.referenceVerifier)
        let verifier = try NoteVerifier(text: Self.referenceVerifier)
        #expect(verifier.keyID == 0xc74f_20a3)

        let note = try SignedNote.parse(Self.referenceNote)
        #expect(note.text == Self.referenceText)
        #expect(try note.verify(trusting: [verifier]) == [verifier])
        #if os(Linux)
            // BoringSSL's Ed25519 is deterministic (RFC 8032), so signing reproduces the note.
            #expect(try SignedNote.sign(Self.referenceText, with: [signer]).serialized == Self.referenceNote)
        #endif
    }

    @Test func roundTripsWithANewKey() throws {
        let signer = try NoteSigner.generate(name: "example.com/ladder-audit")
        let reparsed = try NoteSigner(text: signer.text)
        #expect(reparsed.verifier == signer.verifier)
        #expect(signer.text.hasPrefix("PRIVATE+KEY+example.com/ladder-audit+"))
        let verifier = try NoteVerifier(text: signer.verifier.text)
        let note = try SignedNote.sign("hello\n\nworld\n", with: [signer]).serialized
        let parsed = try SignedNote.parse(note)
        #expect(parsed.text == "hello\n\nworld\n")
        try parsed.verify(trusting: [verifier])
    }

    @Test func rejectsTheWrongKey() throws {
        let signer = try NoteSigner.generate(name: "ladder")
        let other = try NoteSigner.generate(name: "ladder")
        let note = try SignedNote.parse(try SignedNote.sign("text\n", with: [signer]).serialized)
        // Same name, another key ID: ignored, so nothing trusted signed the note.
        #expect(throws: AuditError.noTrustedSignature) { try note.verify(trusting: [other.verifier]) }
        #expect(throws: AuditError.noTrustedSignature) { try note.verify(trusting: []) }
    }

    @Test func rejectsACorruptedSignature() throws {
        let signer = try NoteSigner.generate(name: "ladder")
        var note = try SignedNote.parse(try SignedNote.sign("text\n", with: [signer]).serialized)
        note.signatures[0].bytes[10] ^= 0x01
        #expect(throws: AuditError.badSignature(keyName: "ladder")) { try note.verify(trusting: [signer.verifier]) }

        // Changing the text invalidates the signature too.
        let original = try SignedNote.sign("count 5\n", with: [signer]).serialized
        let edited = original.replacingOccurrences(of: "count 5", with: "count 6")
        #expect(throws: AuditError.badSignature(keyName: "ladder")) {
            try SignedNote.parse(edited).verify(trusting: [signer.verifier])
        }
    }

    @Test func ignoresUnknownSignatures() throws {
        let trusted = try NoteSigner.generate(name: "ladder")
        let witness = try NoteSigner.generate(name: "witness.example/w1")
        let note = try SignedNote.sign("text\n", with: [witness, trusted]).serialized
        // An extra line by an unknown key with garbage bytes is ignored as well.
        let extended = note + "\u{2014} stranger AAAAAAAAAAAA\n"
        #expect(try SignedNote.parse(extended).verify(trusting: [trusted.verifier]) == [trusted.verifier])
    }

    @Test(arguments: [
        "text\n",  // no signature block
        "text\n\n",  // no signatures
        "text\n\n- ladder AAAAAAAA\n",  // ASCII dash
        "text\n\n\u{2014} ladder not-base64!\n",
        "text\n\n\u{2014} ladder AAAA\n",  // only a key ID
        "text\n\n\u{2014} lad der AAAAAAAA\n",
        "te\u{1}xt\n\n\u{2014} ladder AAAAAAAA\n",
        "text\n\n\u{2014} ladder AAAAAAAA",  // no final newline
    ])
    func refusesMalformedNotes(_ note: String) {
        #expect(throws: AuditError.self) { try SignedNote.parse(note) }
    }

    @Test(arguments: [
        "", "a+b", "a b", "PeterNeumann+c74f20a3", "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter+Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ])
    func refusesMalformedVerifierKeys(_ text: String) {
        #expect(throws: AuditError.self) { try NoteVerifier(text: text) }
    }

    @Test func refusesMalformedSignerKeys() {
        #expect(throws: AuditError.self) { try NoteSigner(text: Self.referenceVerifier) }
        #expect(throws: AuditError.self) { try NoteSigner(text: Self.referenceSigner.replacingOccurrences(of: "c74f20a3", with: "c74f20a4")) }
        #expect(throws: AuditError.self) { try NoteSigner.generate(name: "has space") }
    }
}

@Suite struct AuditCheckpointTests {
    static let origin = AuditCheckpoint.origin(repository: "github.com/acme/deploy")

    @Test func bodyFollowsTheCheckpointFormat() throws {
        let events = try AuditFixtures.chain(3)
        let checkpoint = AuditCheckpoint(origin: Self.origin, chain: AuditChainVerifier.verify(AuditChainEntry.linear(events)))
        let tip = Data(AuditHash.bytes(ofHex: events[2].hash)!).base64EncodedString()
        #expect(try checkpoint.body() == "ladder.audit/github.com/acme/deploy\n3\n\(tip)\n")
        #expect(try AuditCheckpoint(body: checkpoint.body()) == checkpoint)
        #expect(try AuditCheckpoint(body: checkpoint.body() + "extension\n") == checkpoint)
        #expect(throws: AuditError.self) { try AuditCheckpoint(body: "o\n03\n\(tip)\n") }
        #expect(throws: AuditError.self) { try AuditCheckpoint(body: "o\n3\nAAAA\n") }
        #expect(throws: AuditError.self) { try AuditCheckpoint(body: "o\n3\n") }
    }

    @Test func detectsAConsistentlyRewrittenChain() throws {
        let key = try NoteSigner.generate(name: "ladder.audit/github.com/acme/deploy")
        let events = try AuditFixtures.chain(5)
        let original = AuditChainVerifier.verify(AuditChainEntry.linear(events))
        let note = try AuditCheckpoint(origin: Self.origin, chain: original).signed(with: [key])

        let checkpoint = try AuditCheckpoint.verify(note, trusting: [key.verifier], origin: Self.origin)
        #expect(checkpoint.count == 5)
        try checkpoint.checkConsistency(with: original)

        // Someone with write access rewrites event 2 and reseals everything after it.
        var rewritten = [events[0]]
        for number in 2...5 {
            var body = AuditFixtures.body(number)
            if number == 2 { body.outcome = .denied }
            rewritten.append(try AuditEvent.seal(body, after: rewritten.last, scrubber: AuditFixtures.noSecrets))
        }
        let forged = AuditChainVerifier.verify(AuditChainEntry.linear(rewritten))
        #expect(forged.isIntact)
        #expect(throws: AuditError.rewritten(seq: 5, recorded: events[4].hash, present: rewritten[4].hash)) {
            try checkpoint.checkConsistency(with: forged)
        }

        // Truncation is caught as well.
        let truncated = AuditChainVerifier.verify(AuditChainEntry.linear(Array(events.prefix(4))))
        #expect(throws: AuditError.truncated(recorded: 5, present: 4)) { try checkpoint.checkConsistency(with: truncated) }

        // A checkpoint re-signed by the rewriter's own key is not trusted.
        let intruder = try NoteSigner.generate(name: "ladder.audit/github.com/acme/deploy")
        let forgedNote = try AuditCheckpoint(origin: Self.origin, chain: forged).signed(with: [intruder])
        #expect(throws: AuditError.noTrustedSignature) {
            try AuditCheckpoint.verify(forgedNote, trusting: [key.verifier], origin: Self.origin)
        }
    }

    @Test func checksTheOrigin() throws {
        let key = try NoteSigner.generate(name: "k")
        let note = try AuditCheckpoint(origin: "ladder.audit/other", count: 0, tipHash: AuditEvent.genesisHash).signed(with: [key])
        #expect(throws: AuditError.originMismatch(expected: Self.origin, found: "ladder.audit/other")) {
            try AuditCheckpoint.verify(note, trusting: [key.verifier], origin: Self.origin)
        }
    }

    @Test func coversJoinedChains() throws {
        // After a join the covered count differs from the tip's seq.
        let e1 = try AuditEvent.seal(AuditFixtures.body(1), after: nil, scrubber: AuditFixtures.noSecrets)
        let a2 = try AuditEvent.seal(AuditFixtures.body(2), after: e1, scrubber: AuditFixtures.noSecrets)
        let b2 = try AuditEvent.seal(AuditFixtures.body(3), after: e1, scrubber: AuditFixtures.noSecrets)
        var body = AuditFixtures.body(4, action: .merged)
        body.transition = nil
        let m = try AuditEvent.sealMerge(body, parents: [a2, b2], scrubber: AuditFixtures.noSecrets)
        let report = AuditChainVerifier.verify([
            AuditChainEntry(key: "1", parents: [], message: e1.commitMessage),
            AuditChainEntry(key: "a", parents: ["1"], message: a2.commitMessage),
            AuditChainEntry(key: "b", parents: ["1"], message: b2.commitMessage),
            AuditChainEntry(key: "m", parents: ["a", "b"], message: m.commitMessage),
        ])
        #expect(report.isIntact)
        let checkpoint = AuditCheckpoint(origin: Self.origin, chain: report)
        #expect(checkpoint.count == 4)
        #expect(m.seq == 3)
        try checkpoint.checkConsistency(with: report)
    }
}
