import Foundation

/// Why an audit record, digest, key or checkpoint was refused.
///
/// Reasons are short and lowercase; the CLI adds the subject (`ladder: error: audit verify: <reason>`).
public enum AuditError: Error, LocalizedError, Sendable, Equatable {
    /// A commit message or JSON document is not valid JSON.
    case malformedJSON(String)
    /// A field is missing, has the wrong type or an invalid value; `field` is a dotted path
    /// such as `transition.to` or `approvals[1].login`.
    case invalidField(field: String, reason: String)
    /// An object carries a key the schema does not define.
    case unknownField(String)
    /// The message parses but is not byte-for-byte the canonical form of what it contains.
    case notCanonical
    /// A merge event was sealed with fewer than two parents, or a plain event with several.
    case invalidParents(String)
    /// A digest file does not follow the documented format.
    case malformedDigest(line: Int, reason: String)
    /// The export file does not hash to the value recorded in its digest.
    case digestMismatch(recorded: String, computed: String)
    /// The chain holds fewer events than a digest or checkpoint recorded, or lacks its tip.
    case truncated(recorded: Int, present: Int)
    /// The event at the recorded position has another hash: the chain was rewritten.
    case rewritten(seq: Int64, recorded: String, present: String)
    /// The chain does not contain the recorded tip at all.
    case tipMissing(seq: Int64, hash: String)
    /// A key name, key text, signed note or checkpoint is malformed.
    case malformedNote(String)
    /// A signature by a trusted key does not verify.
    case badSignature(keyName: String)
    /// No signature on the note is by a trusted key.
    case noTrustedSignature
    /// A checkpoint was issued for another log.
    case originMismatch(expected: String, found: String)
    /// A value cannot be written in the requested format.
    case unencodable(String)

    public var errorDescription: String? {
        switch self {
        case .malformedJSON(let reason): return "malformed JSON: \(reason)"
        case .invalidField(let field, let reason): return "field '\(field)': \(reason)"
        case .unknownField(let field): return "unknown field '\(field)'"
        case .notCanonical: return "event is not in canonical JSON form"
        case .invalidParents(let reason): return reason
        case .malformedDigest(let line, let reason): return "digest line \(line): \(reason)"
        case .digestMismatch(let recorded, let computed):
            return "export file was modified: digest records sha256 \(recorded), file has \(computed)"
        case .truncated(let recorded, let present):
            return "chain truncated: \(recorded) events recorded, \(present) present"
        case .rewritten(let seq, let recorded, let present):
            return "chain rewritten: event \(seq) has hash \(present), recorded \(recorded)"
        case .tipMissing(let seq, let hash): return "chain rewritten or truncated: recorded tip \(seq) (\(hash)) is missing"
        case .malformedNote(let reason): return reason
        case .badSignature(let name): return "signature by trusted key '\(name)' does not verify"
        case .noTrustedSignature: return "no signature by a trusted key"
        case .originMismatch(let expected, let found): return "checkpoint is for '\(found)', expected '\(expected)'"
        case .unencodable(let reason): return reason
        }
    }
}
