import Foundation

/// The digest file written next to an export (`<FILE>.sha256`).
///
/// Format, four lines each ending in a newline, in this order:
/// ```
/// <64 hex SHA-256 of the export file>  <export file name>
/// events: <number of events in the audit chain at export time>
/// tip: <hash of the chain tip, 64 zeros for an empty chain>
/// tip_seq: <seq of the chain tip, 0 for an empty chain>
/// ```
/// The first line is what `sha256sum` prints, so `sha256sum -c --ignore-missing` style tools
/// can check the file on its own (they skip the other lines as improperly formatted).
public struct AuditDigest: Sendable, Hashable {
    /// Lowercase hex SHA-256 of the export file's bytes.
    public var fileSHA256: String
    /// The export file's name, without directories.
    public var fileName: String
    public var eventCount: Int
    public var tipHash: String
    public var tipSeq: Int64

    public init(fileSHA256: String, fileName: String, eventCount: Int, tipHash: String, tipSeq: Int64) {
        self.fileSHA256 = fileSHA256
        self.fileName = fileName
        self.eventCount = eventCount
        self.tipHash = tipHash
        self.tipSeq = tipSeq
    }

    /// The digest of an export file with the given bytes, recording the state of `chain`
    /// (its tip is the last verified event).
    public init(exportBytes: some Sequence<UInt8>, fileName: String, chain: AuditChainReport) {
        self.init(
            fileSHA256: AuditHash.hex(exportBytes), fileName: fileName, eventCount: chain.eventCount,
            tipHash: chain.tip?.hash ?? AuditEvent.genesisHash, tipSeq: chain.tip?.seq ?? 0)
    }

    /// The file text.
    public func text() throws(AuditError) -> String {
        guard !fileName.isEmpty, !fileName.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\\" }) else {
            throw .unencodable("file name '\(fileName)' cannot be written in a digest (empty, newline or backslash)")
        }
        return "\(fileSHA256)  \(fileName)\nevents: \(eventCount)\ntip: \(tipHash)\ntip_seq: \(tipSeq)\n"
    }

    /// Parses a digest file; every line must be present, in order, and well-formed.
    public static func parse(_ text: String) throws(AuditError) -> AuditDigest {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.count == 4 else {
            throw .malformedDigest(line: min(lines.count + 1, 5), reason: "expected 4 lines, found \(lines.count)")
        }
        let first = lines[0]
        guard first.utf8.count > 66, let separator = first.range(of: "  "),
            AuditHash.isHash(String(first[..<separator.lowerBound]))
        else { throw .malformedDigest(line: 1, reason: "expected '<64 lowercase hex>  <file name>'") }
        let hash = String(first[..<separator.lowerBound])
        let name = String(first[separator.upperBound...])

        func value(_ line: Int, _ key: String) throws(AuditError) -> String {
            let prefix = "\(key): "
            guard lines[line - 1].hasPrefix(prefix) else { throw .malformedDigest(line: line, reason: "expected '\(key): '") }
            return String(lines[line - 1].dropFirst(prefix.count))
        }
        func number(_ line: Int, _ key: String) throws(AuditError) -> Int64 {
            let text = try value(line, key)
            guard let number = Int64(text), number >= 0, String(number) == text else {
                throw .malformedDigest(line: line, reason: "'\(key)' must be a decimal number")
            }
            return number
        }
        let events = try number(2, "events")
        let tip = try value(3, "tip")
        guard AuditHash.isHash(tip) else { throw .malformedDigest(line: 3, reason: "'tip' must be 64 lowercase hex digits") }
        let tipSeq = try number(4, "tip_seq")
        return AuditDigest(fileSHA256: hash, fileName: name, eventCount: Int(events), tipHash: tip, tipSeq: tipSeq)
    }

    /// Checks the export file against the recorded SHA-256.
    public func verifyFile(_ bytes: some Sequence<UInt8>) throws(AuditError) {
        let computed = AuditHash.hex(bytes)
        guard computed == fileSHA256 else { throw .digestMismatch(recorded: fileSHA256, computed: computed) }
    }

    /// Checks that `chain` still holds the recorded tip covering the recorded number of
    /// events; fails on a truncated or rewritten chain. Appends since the export are fine.
    public func verifyChain(_ chain: AuditChainReport) throws(AuditError) {
        try chain.checkContains(count: eventCount, tipHash: tipHash, tipSeq: tipSeq)
    }
}
