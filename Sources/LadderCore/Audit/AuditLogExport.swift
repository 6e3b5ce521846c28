import Crypto
import Foundation

/// Buffered output to a file descriptor that hashes what it writes (for the digest file).
public final class AuditExportOutput {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var hasher: SHA256?
    private let path: String
    /// Bytes written so far.
    public private(set) var byteCount = 0

    /// Output to an open file descriptor (not closed by this object); `path` names it in errors.
    /// `digest: false` skips hashing, for a stream whose ``sha256`` nobody reads.
    public init(descriptor: Int32, path: String, digest: Bool = true) {
        self.descriptor = descriptor
        self.path = path
        hasher = digest ? SHA256() : nil
        buffer.reserveCapacity(1 << 20)
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { bytes in try write(UnsafeRawBufferPointer(bytes)) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try append { $0.append(contentsOf: bytes) }
    }

    /// Lets `body` append bytes to the buffer directly.
    func append(_ body: (inout [UInt8]) -> Void) throws {
        let start = buffer.count
        body(&buffer)
        if hasher != nil {
            buffer.withUnsafeBytes { hasher!.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[start...])) }
        }
        byteCount += buffer.count - start
        if buffer.count >= 1 << 20 { try flush() }
    }

    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw AuditLogError.fileUnwritable(path: path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Lowercase hex SHA-256 of everything written; empty for an output made with `digest: false`.
    public var sha256: String {
        hasher.map { AuditHash.hexString(Array($0.finalize())) } ?? ""
    }
}

/// The outcome of an export.
public struct AuditExportResult: Sendable {
    /// Rows written (events and commits that passed the filter).
    public var rowCount: Int
    public var eventRows: Int
    public var commitRows: Int
    /// The verified chain at export time (all events, not only the exported ones).
    public var chain: AuditChainSummary
    /// The digest written next to the file; nil when writing to a stream.
    public var digest: AuditDigest?
}

/// The size and tip of a verified chain.
public struct AuditChainSummary: Sendable, Hashable {
    public struct Tip: Sendable, Hashable {
        public var hash: String
        public var seq: Int64
    }

    public var eventCount: Int
    /// The last event, parents first; nil for an empty log.
    public var tip: Tip?

    public init(eventCount: Int, tip: Tip?) {
        self.eventCount = eventCount
        self.tip = tip
    }

    init(_ report: AuditChainReport) {
        self.init(eventCount: report.eventCount, tip: report.tip.map { Tip(hash: $0.hash, seq: $0.seq) })
    }
}

/// `ladder audit export`: Ladder's events, then the rows derived from the trunk's history.
///
/// Order: events first, parents before children (for a linear log, by seq), then commit rows
/// oldest first. The chain is verified before anything is written; a broken chain is refused
/// with ``AuditLogError/broken(_:)`` so that an export never silently carries tampered events.
public struct AuditExporter {
    public let log: AuditLog
    /// The trunk history to add; nil exports events only.
    public var history: AuditHistory?
    public var filter: AuditExportFilter
    public var format: AuditExportFormat
    /// Called with the number of rows written so far, every few thousand rows.
    public var progress: ((Int) -> Void)?
    /// How many bytes of JSON lines wait in memory for the chain's verification before the rest
    /// waits in a temporary file (see ``AuditSpool``).
    var memoryBudget = 256 << 20

    public init(log: AuditLog, history: AuditHistory?, filter: AuditExportFilter, format: AuditExportFormat) {
        self.log = log
        self.history = history
        self.filter = filter
        self.format = format
    }

    /// Streams the export to `output`.
    public func write(to output: AuditExportOutput) throws -> AuditExportResult {
        let writer = AuditExportWriter(format: format)
        var result = AuditExportResult(rowCount: 0, eventRows: 0, commitRows: 0, chain: AuditChainSummary(eventCount: 0, tip: nil), digest: nil)
        var approvals = AuditApprovalIndex()
        func counted(_ row: AuditExportRow.Record) {
            result.rowCount += 1
            if row == .event { result.eventRows += 1 } else { result.commitRows += 1 }
            if result.rowCount % 5000 == 0 { progress?(result.rowCount) }
        }
        func emit(_ row: AuditExportRow) throws {
            guard filter.matches(row) else { return }
            if format == .jsonl {
                try output.append { JSONLinesRow.append(row, to: &$0) }
            } else {
                try output.write(writer.row(row, index: result.rowCount))
            }
            counted(row.record)
        }

        var spool: (any AuditLineStore)?
        if #available(macOS 15, *), format == .jsonl { spool = AuditSpool(memoryBudget: memoryBudget) }
        if let batches = try log.preparedLinearChain(format: format, filter: filter, spool: spool) {
            result.chain = try AuditPreparedBatch.verify(batches)
            try output.write(writer.header)
            for batch in batches {
                for event in batch.events {
                    if let record = event.approvals { approvals.record(record) }
                    switch event.row {
                    case .line: counted(.event)
                    case .row(let row): try emit(row)
                    case .none: break
                    }
                }
                // The batch's JSON lines, in event order (other formats have none).
                if let range = batch.spooled, let spool {
                    try spool.copy(range, to: output)
                } else {
                    try batch.output.withUnsafeBytes { try output.write($0) }
                }
            }
        } else {
            // A chain with joins: libgit2's topological walk orders it.
            let entries = try log.entries()
            let chain = AuditChainVerifier.verify(entries)
            if let firstBreak = chain.firstBreak { throw AuditLogError.broken(firstBreak) }
            result.chain = AuditChainSummary(chain)
            try output.write(writer.header)
            for (index, node) in chain.nodes.enumerated() {
                approvals.record(node.event)
                let row = AuditExportRow(event: node.event)
                if format == .jsonl {
                    // The stored message is the event's canonical JSON (the verifier checked it):
                    // splice it in rather than serialising the event again.
                    guard filter.matches(row) else { continue }
                    try output.write(JSONLinesRow.text(row, eventJSON: entries[index].message))
                    counted(.event)
                } else {
                    try emit(row)
                }
            }
        }
        try history?.forEachRow(approvals: approvals, emit)
        try output.write(writer.footer(rowCount: result.rowCount))
        try output.flush()
        progress?(result.rowCount)
        return result
    }

    /// Writes the export to `path` atomically (a temporary file in the same directory, then a
    /// rename) and the digest to `<path>.sha256` the same way (see ``AuditDigest``).
    public func export(toFile path: String) throws -> AuditExportResult {
        let url = URL(fileURLWithPath: path)
        var result = try Self.writeAtomically(path) { descriptor in
            let output = AuditExportOutput(descriptor: descriptor, path: path)
            var result = try write(to: output)
            result.digest = AuditDigest(
                fileSHA256: output.sha256, fileName: url.lastPathComponent, eventCount: result.chain.eventCount,
                tipHash: result.chain.tip?.hash ?? AuditEvent.genesisHash, tipSeq: result.chain.tip?.seq ?? 0)
            return result
        }
        let digestText = try result.digest!.text()
        result = try Self.writeAtomically(path + ".sha256") { descriptor in
            let output = AuditExportOutput(descriptor: descriptor, path: path + ".sha256")
            try output.write(digestText)
            try output.flush()
            return result
        }
        return result
    }

    /// Creates a temporary file next to `path`, lets `body` fill it, syncs it and renames it
    /// over `path`. The temporary file is removed on failure.
    public static func writeAtomically<R>(_ path: String, mode: mode_t = 0o644, _ body: (Int32) throws -> R) throws -> R {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw AuditLogError.fileUnwritable(path: path, reason: String(cString: strerror(errno)))
        }
        var done = false
        defer {
            if !done { unlink(temporary) }
        }
        let result: R
        do {
            defer { close(descriptor) }
            result = try body(descriptor)
            guard fsync(descriptor) == 0 else {
                throw AuditLogError.fileUnwritable(path: path, reason: String(cString: strerror(errno)))
            }
        }
        guard rename(temporary, path) == 0 else {
            throw AuditLogError.fileUnwritable(path: path, reason: String(cString: strerror(errno)))
        }
        done = true
        return result
    }
}

/// JSON Lines rows written from their parts, byte-identical to ``AuditExportWriter`` output.
enum JSONLinesRow {
    /// Object keys in canonical order (all ASCII, so UTF-16 order is byte order).
    static let keys = (AuditExportRow.columns + ["event"]).sorted()
    static let columnIndex = Dictionary(uniqueKeysWithValues: AuditExportRow.columns.enumerated().map { ($1, $0) })

    static let keyPrefixes: [[UInt8]] = keys.enumerated().map { offset, key in
        Array(((offset == 0 ? "" : ",") + "\"" + key + "\":").utf8)
    }
    static let keyColumns: [Int?] = keys.map { columnIndex[$0] }

    /// Appends the canonical JSON line of `row` (what ``AuditExportWriter`` writes for it) to
    /// `output`, without building the row's JSON object.
    static func append(_ row: AuditExportRow, to output: inout [UInt8]) {
        let values = row.values
        output.append(UInt8(ascii: "{"))
        for (prefix, column) in zip(keyPrefixes, keyColumns) {
            output.append(contentsOf: prefix)
            if let column {
                values[column].appendCanonical(to: &output)
            } else {
                (row.event ?? .null).appendCanonical(to: &output)
            }
        }
        output.append(contentsOf: "}\n".utf8)
    }

    /// The canonical JSON line of `row`, with `eventJSON` (canonical JSON, optionally followed
    /// by a newline) as the value of `event`.
    static func text(_ row: AuditExportRow, eventJSON: String) -> String {
        let values = row.values
        var output = "{"
        for (offset, key) in keys.enumerated() {
            if offset > 0 { output += "," }
            output += "\"" + key + "\":"
            if key == "event" {
                output += eventJSON.hasSuffix("\n") ? String(eventJSON.dropLast()) : eventJSON
            } else {
                output += values[columnIndex[key]!].canonical
            }
        }
        return output + "}\n"
    }
}
