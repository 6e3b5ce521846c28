import Crypto
import Foundation

// Signed notes and checkpoints as specified by C2SP (c2sp.org/signed-note and
// c2sp.org/tlog-checkpoint), with Ed25519 keys (signature type 0x01).

/// A public Ed25519 key that verifies signed notes, identified by name and key ID.
///
/// Text form: `<name>+<8 hex digits of the key ID>+<base64(0x01 || 32-byte public key)>`.
public struct NoteVerifier: Sendable, Hashable {
    public let name: String
    /// First four bytes (big-endian) of SHA-256(name || 0x0A || 0x01 || public key).
    public let keyID: UInt32
    /// The 32-byte Ed25519 public key.
    public let publicKey: [UInt8]

    /// A verifier for `publicKey` under `name`.
    public init(name: String, publicKey: [UInt8]) throws(AuditError) {
        try NoteKeys.checkName(name)
        guard publicKey.count == 32 else { throw .malformedNote("an Ed25519 public key has 32 bytes") }
        self.name = name
        self.publicKey = publicKey
        self.keyID = NoteKeys.keyID(name: name, publicKey: publicKey)
    }

    /// Parses the text form; the key ID must match the name and key.
    public init(text: String) throws(AuditError) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedNote("verifier key must be '<name>+<key id>+<key>'") }
        let key = try NoteKeys.decodeKey(String(parts[2]), what: "verifier key")
        try self.init(name: String(parts[0]), publicKey: key)
        guard String(parts[1]) == NoteKeys.hex(keyID) else { throw .malformedNote("verifier key id does not match its key") }
    }

    /// The text form.
    public var text: String { "\(name)+\(NoteKeys.hex(keyID))+\(NoteKeys.encodeKey(publicKey))" }

    /// True when `signature` (64 bytes, without the key ID) is this key's signature of `message`.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            return false
        }
        return key.isValidSignature(signature, for: message)
    }
}

/// A private Ed25519 key that signs notes.
///
/// Text form: `PRIVATE+KEY+<name>+<8 hex digits of the key ID>+<base64(0x01 || 32-byte seed)>`.
/// It is a secret: never log it.
public struct NoteSigner: Sendable {
    public let verifier: NoteVerifier
    private let seed: [UInt8]

    /// A new random key named `name` (a schema-less URL such as `example.com/ladder-audit` is
    /// recommended; no spaces or `+`).
    public static func generate(name: String) throws(AuditError) -> NoteSigner {
        try NoteSigner(name: name, seed: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    /// The key with the given 32-byte seed.
    public init(name: String, seed: [UInt8]) throws(AuditError) {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw .malformedNote("an Ed25519 private key seed has 32 bytes")
        }
        self.seed = seed
        self.verifier = try NoteVerifier(name: name, publicKey: Array(key.publicKey.rawRepresentation))
    }

    /// Parses the text form; the key ID must match the name and derived public key.
    public init(text: String) throws(AuditError) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY" else {
            throw .malformedNote("private key must be 'PRIVATE+KEY+<name>+<key id>+<key>'")
        }
        let seed = try NoteKeys.decodeKey(String(parts[4]), what: "private key")
        try self.init(name: String(parts[2]), seed: seed)
        guard String(parts[3]) == NoteKeys.hex(verifier.keyID) else {
            throw .malformedNote("private key id does not match its key")
        }
    }

    public var name: String { verifier.name }

    /// The text form.
    public var text: String { "PRIVATE+KEY+\(name)+\(NoteKeys.hex(verifier.keyID))+\(NoteKeys.encodeKey(seed))" }

    /// The 64-byte Ed25519 signature of `message`.
    public func signature(for message: [UInt8]) -> [UInt8] {
        // The seed was validated in init, so the key can be rebuilt.
        let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        return Array(try! key.signature(for: message))
    }
}

enum NoteKeys {
    static let ed25519: UInt8 = 0x01

    static func checkName(_ name: String) throws(AuditError) {
        guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0 == "+" || $0.properties.isWhitespace || $0.value < 0x20 })
        else { throw .malformedNote("key name '\(name)' must be non-empty, without spaces or '+'") }
    }

    static func keyID(name: String, publicKey: [UInt8]) -> UInt32 {
        let digest = AuditHash.sha256(Array(name.utf8) + [0x0A, ed25519] + publicKey)
        return digest.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func hex(_ keyID: UInt32) -> String {
        AuditHash.hexString((0..<4).map { UInt8(truncatingIfNeeded: keyID >> (24 - 8 * UInt32($0))) })
    }

    static func encodeKey(_ key: [UInt8]) -> String { Data([ed25519] + key).base64EncodedString() }

    static func decodeKey(_ text: String, what: String) throws(AuditError) -> [UInt8] {
        guard let bytes = strictBase64(text), bytes.count == 33, bytes[0] == ed25519 else {
            throw .malformedNote("\(what) is not a base64 Ed25519 key")
        }
        return Array(bytes.dropFirst())
    }

    /// Standard padded base64 (RFC 4648 section 4) and nothing else.
    static func strictBase64(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text), data.base64EncodedString() == text else { return nil }
        return Array(data)
    }
}

/// A signed note: a text and one or more signatures of it.
public struct SignedNote: Sendable, Hashable {
    /// One signature line.
    public struct Signature: Sendable, Hashable {
        public var keyName: String
        public var keyID: UInt32
        /// The signature bytes after the key ID.
        public var bytes: [UInt8]

        public init(keyName: String, keyID: UInt32, bytes: [UInt8]) {
            self.keyName = keyName
            self.keyID = keyID
            self.bytes = bytes
        }
    }

    /// Most signatures accepted on one note.
    public static let maximumSignatures = 64

    /// The signed text, ending in a newline.
    public var text: String
    public var signatures: [Signature]

    public init(text: String, signatures: [Signature]) {
        self.text = text
        self.signatures = signatures
    }

    /// Signs `text` (which must end in a newline and hold no control characters other than
    /// newlines) with every signer.
    public static func sign(_ text: String, with signers: [NoteSigner]) throws(AuditError) -> SignedNote {
        try checkText(text)
        guard !signers.isEmpty else { throw .malformedNote("a note needs at least one signature") }
        let message = Array(text.utf8)
        return SignedNote(
            text: text,
            signatures: signers.map {
                Signature(keyName: $0.name, keyID: $0.verifier.keyID, bytes: $0.signature(for: message))
            })
    }

    /// The note as text: the text, a blank line, then `— <name> <base64(key ID || signature)>`
    /// lines.
    public var serialized: String {
        var output = text + "\n"
        for signature in signatures {
            let keyID = (0..<4).map { UInt8(truncatingIfNeeded: signature.keyID >> (24 - 8 * UInt32($0))) }
            output += "\u{2014} \(signature.keyName) \(Data(keyID + signature.bytes).base64EncodedString())\n"
        }
        return output
    }

    /// Parses a note; the text is separated from the signatures by its last blank line.
    public static func parse(_ note: String) throws(AuditError) -> SignedNote {
        if note.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) {
            throw .malformedNote("note contains control characters")
        }
        guard note.hasSuffix("\n"), let split = note.range(of: "\n\n", options: .backwards) else {
            throw .malformedNote("note has no signature block")
        }
        let text = String(note[..<split.lowerBound]) + "\n"
        try checkText(text)
        var lines = note[split.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // after the final newline
        guard !lines.isEmpty else { throw .malformedNote("note has no signatures") }
        guard lines.count <= maximumSignatures else { throw .malformedNote("note has more than \(maximumSignatures) signatures") }
        var signatures: [Signature] = []
        for line in lines {
            let prefix = "\u{2014} "
            let fields = line.hasPrefix(prefix) ? line.dropFirst(prefix.count).split(separator: " ", omittingEmptySubsequences: false) : []
            guard fields.count == 2, let bytes = NoteKeys.strictBase64(String(fields[1])), bytes.count > 4 else {
                throw .malformedNote("malformed signature line '\(line)'")
            }
            let name = String(fields[0])
            try NoteKeys.checkName(name)
            let keyID = bytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            signatures.append(Signature(keyName: name, keyID: keyID, bytes: Array(bytes.dropFirst(4))))
        }
        return SignedNote(text: text, signatures: signatures)
    }

    /// Verifies the note against `trusted` keys and returns the ones whose signature verified.
    ///
    /// Signatures whose (name, key ID) matches no trusted key are ignored. A signature by a
    /// trusted key that fails to verify rejects the note, and so does a note that no trusted
    /// key signed.
    @discardableResult
    public func verify(trusting trusted: [NoteVerifier]) throws(AuditError) -> [NoteVerifier] {
        let message = Array(text.utf8)
        var verified: [NoteVerifier] = []
        for signature in signatures {
            guard let key = trusted.first(where: { $0.name == signature.keyName && $0.keyID == signature.keyID }) else {
                continue
            }
            guard key.isValidSignature(signature.bytes, for: message) else { throw .badSignature(keyName: key.name) }
            if !verified.contains(key) { verified.append(key) }
        }
        guard !verified.isEmpty else { throw .noTrustedSignature }
        return verified
    }

    static func checkText(_ text: String) throws(AuditError) {
        guard text.hasSuffix("\n"), text != "\n" else { throw .malformedNote("note text must be non-empty and end in a newline") }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) {
            throw .malformedNote("note text contains control characters")
        }
    }
}

/// A checkpoint of the audit chain: a signed statement of its size and tip.
///
/// Body (c2sp.org/tlog-checkpoint): the origin line (`ladder.audit/<repository identity>`),
/// the number of events the tip covers, and the base64 of the tip hash's 32 bytes (32 zero
/// bytes for an empty chain). The tip hash stands in for the Merkle root: it commits to the
/// whole history through the hash chain.
public struct AuditCheckpoint: Sendable, Hashable {
    public var origin: String
    /// Events covered by the tip (the tip and its ancestors); the tip's seq for a linear chain.
    public var count: Int
    /// The tip hash as 64 lowercase hex digits.
    public var tipHash: String

    public init(origin: String, count: Int, tipHash: String) {
        self.origin = origin
        self.count = count
        self.tipHash = tipHash
    }

    /// The conventional origin for a repository: `ladder.audit/<identity>`.
    public static func origin(repository identity: String) -> String { "ladder.audit/\(identity)" }

    /// A checkpoint of a verified chain; its tip is the last verified event.
    public init(origin: String, chain: AuditChainReport) {
        let tipHash = chain.tip?.hash ?? AuditEvent.genesisHash
        self.init(origin: origin, count: chain.ancestorCount(ofHash: tipHash) ?? 0, tipHash: tipHash)
    }

    /// The note text.
    public func body() throws(AuditError) -> String {
        guard !origin.isEmpty, !origin.contains("\n") else { throw .malformedNote("checkpoint origin must be one non-empty line") }
        guard let bytes = AuditHash.bytes(ofHex: tipHash) else { throw .malformedNote("checkpoint tip is not a hash") }
        return "\(origin)\n\(count)\n\(Data(bytes).base64EncodedString())\n"
    }

    /// Parses a checkpoint body; extension lines after the third are accepted and ignored.
    public init(body: String) throws(AuditError) {
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.last == "" else { throw .malformedNote("checkpoint must end in a newline") }
        lines.removeLast()
        guard lines.count >= 3, !lines.contains(where: \.isEmpty) else {
            throw .malformedNote("checkpoint needs origin, size and tip lines, none empty")
        }
        guard let count = Int(lines[1]), count >= 0, String(count) == lines[1] else {
            throw .malformedNote("checkpoint size '\(lines[1])' is not a decimal number")
        }
        guard let tip = NoteKeys.strictBase64(lines[2]), tip.count == 32 else {
            throw .malformedNote("checkpoint tip is not the base64 of 32 bytes")
        }
        self.init(origin: lines[0], count: count, tipHash: AuditHash.hexString(tip))
    }

    /// The signed note text of this checkpoint.
    public func signed(with signers: [NoteSigner]) throws(AuditError) -> String {
        try SignedNote.sign(body(), with: signers).serialized
    }

    /// Parses and verifies a signed checkpoint against `trusted` keys (see
    /// ``SignedNote/verify(trusting:)``); when `origin` is given the checkpoint must carry it.
    public static func verify(
        _ note: String, trusting trusted: [NoteVerifier], origin: String? = nil
    ) throws(AuditError) -> AuditCheckpoint {
        let parsed = try SignedNote.parse(note)
        try parsed.verify(trusting: trusted)
        let checkpoint = try AuditCheckpoint(body: parsed.text)
        if let origin, checkpoint.origin != origin { throw .originMismatch(expected: origin, found: checkpoint.origin) }
        return checkpoint
    }

    /// Checks the chain against this (verified) checkpoint: the event at seq ``count`` (for a
    /// DAG, the event covering ``count`` events) must have hash ``tipHash``. Fails on a chain
    /// rewritten or truncated since the checkpoint was signed.
    public func checkConsistency(with chain: AuditChainReport) throws(AuditError) {
        try chain.checkContains(count: count, tipHash: tipHash)
    }
}
