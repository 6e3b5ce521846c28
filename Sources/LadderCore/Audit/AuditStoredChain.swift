import Dispatch
import Foundation
import LadderGit
import Synchronization

/// A run of consecutive messages of a linear audit chain (no joins), read tip first into one
/// buffer: the unit of work export hands to another core while it reads on.
struct AuditMessageBatch: Sendable {
    /// The batch's place in reading order (0 holds the tip).
    var number: Int
    var bytes: [UInt8] = []
    /// Tip first, like ``commits``.
    var ranges: [Range<Int>] = []
    var commits: [ObjectID] = []

    init(number: Int, capacity: Int = 0) {
        self.number = number
        bytes.reserveCapacity(capacity)
    }
}

extension AuditLog {
    /// Reads the chain's messages tip first, one object read per commit, handing `consume` each
    /// batch of `batchSize` messages as soon as it is full (and the last, shorter one). False
    /// when some event commit has two parents or the history is cut short (a shallow clone),
    /// which the revision walk of ``entries(from:)`` handles; batches handed out before that
    /// are then of no use.
    func readLinearChain(batchSize: Int = 1_024, _ consume: (AuditMessageBatch) -> Void) throws -> Bool {
        var batch = AuditMessageBatch(number: 0)
        var next = try tipCommit()
        while let id = next {
            do {
                let linear = try repository.withRawCommit(id) { parents, message -> Bool in
                    guard parents.count <= 1 else { return false }
                    let start = batch.bytes.count
                    batch.bytes.append(contentsOf: message)
                    batch.ranges.append(start..<batch.bytes.count)
                    batch.commits.append(id)
                    next = parents.first
                    return true
                }
                guard linear else { return false }
            } catch let error as GitError where error.code == .notFound {
                return false
            }
            if batch.ranges.count == batchSize {
                // The next batch is about as large: reserve once rather than grow by copying.
                let full = batch
                batch = AuditMessageBatch(number: full.number + 1, capacity: full.bytes.count + full.bytes.count / 8)
                consume(full)
            }
        }
        if !batch.ranges.isEmpty { consume(batch) }
        return true
    }

    /// The chain's events read and prepared for export (see ``AuditPreparedBatch``), parents
    /// first; nil when the chain is not linear (see ``readLinearChain(batchSize:_:)``).
    ///
    /// Reading is sequential (each commit names the next); preparing a batch (scan, SHA-256,
    /// the export row) depends on nothing else, so with `workers` > 1 batches are prepared on
    /// other cores while this thread reads on. The link checks, which need the events in order,
    /// are left to ``AuditPreparedBatch/verify(_:)``.
    ///
    /// With a `spool`, a batch's JSON lines may move there as soon as they are made (see
    /// ``AuditPreparedBatch/spooled``), so memory does not grow with the log.
    func preparedLinearChain(
        format: AuditExportFormat, filter: AuditExportFilter, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        batchSize: Int = 1_024, spool: (any AuditLineStore)? = nil
    ) throws -> [AuditPreparedBatch]? {
        guard workers > 1, #available(macOS 15, *) else {
            var prepared: [AuditPreparedBatch] = []
            guard try readLinearChain(batchSize: batchSize, { prepared.append(AuditPreparedBatch($0, format: format, filter: filter, spool: spool)) })
            else { return nil }
            return prepared.reversed()
        }
        let group = DispatchGroup()
        let queue = DispatchQueue.global(qos: .userInitiated)
        let prepared = Mutex<[AuditPreparedBatch]>([])
        // Work already handed out finishes before anything returns, even on a throw.
        defer { group.wait() }
        let linear = try readLinearChain(batchSize: batchSize) { batch in
            queue.async(group: group) {
                let done = AuditPreparedBatch(batch, format: format, filter: filter, spool: spool)
                prepared.withLock { $0.append(done) }
            }
        }
        guard linear else { return nil }
        group.wait()
        return prepared.withLock { $0 }.sorted { $0.number > $1.number }
    }
}

/// Somewhere prepared JSON lines can wait outside memory (``AuditSpool``).
protocol AuditLineStore: Sendable {
    /// Keeps `bytes` and returns where they are; nil leaves them with the caller.
    func store(_ bytes: [UInt8]) -> Range<Int>?
    /// Copies the bytes kept at `range` to `output`.
    func copy(_ range: Range<Int>, to output: AuditExportOutput) throws
}

/// What the export of one approval-carrying event adds to ``AuditApprovalIndex``.
struct AuditApprovalRecord: Sendable {
    var logins: [String]
    var commit: String?
    var promotionID: String?
    var environment: String

    /// The counted approvals of a `promotion.checked` event; nil for other events.
    init?(_ event: AuditEvent) {
        guard event.action == .promotionChecked, let transition = event.transition else { return nil }
        self.init(
            logins: (event.approvals ?? []).filter(\.counted).map(\.login), commit: transition.commit,
            promotionID: transition.promotionID, environment: transition.to)
    }

    init(logins: [String], commit: String?, promotionID: String?, environment: String) {
        self.logins = logins
        self.commit = commit
        self.promotionID = promotionID
        self.environment = environment
    }
}

/// One batch of a linear chain read and checked event by event, ready for export: per event
/// what the link checks need (or why it is not a sealed event) and its row, the JSON lines of
/// the batch already written into one buffer. Built on any thread; it holds no message bytes
/// beyond what its rows copy.
struct AuditPreparedBatch: Sendable {
    struct Event: Sendable {
        enum Read: Sendable {
            case link(AuditChainLink)
            case broken(AuditChainVerifier.EventFailure)
        }

        enum Row: Sendable {
            /// A JSON line, at this range of ``AuditPreparedBatch/output``.
            case line(Range<Int>)
            /// The row for the format's writer (filter not yet applied).
            case row(AuditExportRow)
            /// Filtered out, or no event to export.
            case none
        }

        var commit: ObjectID
        var read: Read
        var approvals: AuditApprovalRecord?
        var row: Row
    }

    var number: Int
    /// Parents first.
    var events: [Event] = []
    /// The JSON lines of the events, in order (empty once spooled).
    var output: [UInt8] = []
    /// Where the lines went instead, when a spool took them.
    var spooled: Range<Int>?

    /// Reads every message of `batch`: messages the fast scan accepts (see ``AuditEventScan``)
    /// are checked and turned into JSON lines in place; the others go through the full parser,
    /// which decides exactly as ``AuditChainVerifier`` does.
    init(_ batch: AuditMessageBatch, format: AuditExportFormat, filter: AuditExportFilter, spool: (any AuditLineStore)? = nil) {
        number = batch.number
        events.reserveCapacity(batch.ranges.count)
        if format == .jsonl { output.reserveCapacity(batch.bytes.count + batch.ranges.count * 320) }
        batch.bytes.withUnsafeBytes { raw in
            for index in batch.ranges.indices.reversed() {
                let message = UnsafeRawBufferPointer(rebasing: raw[batch.ranges[index]])
                events.append(prepare(message, commit: batch.commits[index], format: format, filter: filter))
            }
        }
        if let spool, !output.isEmpty, let range = spool.store(output) {
            spooled = range
            output = []
        }
    }

    private mutating func prepare(
        _ message: UnsafeRawBufferPointer, commit: ObjectID, format: AuditExportFormat, filter: AuditExportFilter
    ) -> Event {
        if let scan = AuditEventScan(message), scan.hashMatches(in: message) {
            func text(_ range: Range<Int>) -> String { AuditEventScan.string(range, in: message) }
            let link = AuditChainLink(
                seq: scan.seq, id: text(scan.id), hash: text(scan.hash), prevHash: text(scan.prevHash),
                action: scan.action, mergedHashes: scan.mergedHashes?.map(text))
            var row = Event.Row.none
            if format == .jsonl {
                if scan.matches(filter, in: message) {
                    let start = output.count
                    JSONLinesRow.appendEvent(scan, message: message, to: &output)
                    row = .line(start..<output.count)
                }
            } else if let event = try? AuditEvent.parse(commitMessage: String(decoding: message, as: UTF8.self)) {
                // The scan accepts only what the parser accepts; the writers need the whole event.
                row = .row(AuditExportRow(event: event))
            }
            return Event(commit: commit, read: .link(link), approvals: scan.approvalRecord(in: message), row: row)
        }
        let text = String(decoding: message, as: UTF8.self)
        switch AuditChainVerifier.readEvent(text) {
        case .success(let event):
            let exportRow = AuditExportRow(event: event)
            var row = Event.Row.row(exportRow)
            if format == .jsonl {
                row = .none
                if filter.matches(exportRow) {
                    let start = output.count
                    output.append(contentsOf: JSONLinesRow.text(exportRow, eventJSON: text).utf8)
                    row = .line(start..<output.count)
                }
            }
            return Event(commit: commit, read: .link(AuditChainLink(event)), approvals: AuditApprovalRecord(event), row: row)
        case .failure(let failure):
            return Event(commit: commit, read: .broken(failure), approvals: nil, row: .none)
        }
    }

    /// Runs the link checks of ``AuditChainVerifier/verify(_:)`` over the prepared batches of a
    /// linear chain (parents first), in the same order, and throws ``AuditLogError/broken(_:)``
    /// with the same first break; returns the size and tip of the intact chain.
    static func verify(_ batches: [AuditPreparedBatch]) throws -> AuditChainSummary {
        var rules = AuditChainRules(capacity: batches.reduce(0) { $0 + $1.events.count })
        var summary = AuditChainSummary(eventCount: 0, tip: nil)
        var index = 0
        // Each event's only parent is the one before it.
        var parent: AuditChainRules.Parent?
        for batch in batches {
            for event in batch.events {
                let link: AuditChainLink
                switch event.read {
                case .link(let read): link = read
                case .broken(let failure):
                    throw AuditLogError.broken(
                        AuditChainBreak(index: index, key: event.commit.hex, seq: failure.seq, id: failure.id, kind: failure.kind))
                }
                if let kind = rules.admit(link, parents: parent.map { [$0] } ?? []) {
                    throw AuditLogError.broken(AuditChainBreak(index: index, key: event.commit.hex, seq: link.seq, id: link.id, kind: kind))
                }
                index += 1
                parent = (link.hash, link.seq)
                summary = AuditChainSummary(eventCount: index, tip: .init(hash: link.hash, seq: link.seq))
            }
        }
        return summary
    }
}

extension AuditEventScan {
    /// The counted approvals of a `promotion.checked` event, as ``AuditApprovalRecord/init(_:)``
    /// reads them from a parsed event; nil for other events.
    func approvalRecord(in bytes: UnsafeRawBufferPointer) -> AuditApprovalRecord? {
        guard action == .promotionChecked, let transition else { return nil }
        return AuditApprovalRecord(
            logins: (approvals ?? []).filter(\.counted).map { Self.string($0.login, in: bytes) },
            commit: transition.commit.map { Self.string($0, in: bytes) },
            promotionID: transition.promotionID.map { Self.string($0, in: bytes) },
            environment: Self.string(transition.to, in: bytes))
    }

    /// The row kind of the event's action, as ``AuditExportRow/init(event:)`` sets it.
    var kind: AuditCommitKind? { AuditExportRow.kind(of: action) }

    /// Whether the event's row passes `filter`.
    func matches(_ filter: AuditExportFilter, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard !filter.keepsEverything else { return true }
        let timeText = Self.string(time, in: bytes)
        return filter.matches(
            time: AuditTime.parse(timeText) ?? Date(timeIntervalSince1970: 0),
            environment: transition.map { Self.string($0.to, in: bytes) }, action: action.rawValue, kind: kind?.rawValue)
    }
}

extension JSONLinesRow {
    enum EventField {
        case action, actor, approvals, commit, environment, event, eventID, files, hash, kind, outcome, promotionID
        case record, seq, time
        /// A column that event rows leave null.
        case null
    }

    /// The object keys of a row in order, each with its `,"key":` prefix (no comma for the first).
    static let eventFields: [(prefix: [UInt8], field: EventField)] = keys.enumerated().map { offset, key in
        let fields: [String: EventField] = [
            "action": .action, "actor": .actor, "approvals": .approvals, "commit": .commit, "environment": .environment,
            "event": .event, "event_id": .eventID, "files": .files, "hash": .hash, "kind": .kind, "outcome": .outcome,
            "promotion_id": .promotionID, "record": .record, "seq": .seq, "time": .time,
        ]
        return (Array(((offset == 0 ? "" : ",") + "\"" + key + "\":").utf8), fields[key] ?? .null)
    }

    /// Appends the JSON line of a scanned event, byte-identical to ``text(_:eventJSON:)`` for
    /// the row of the parsed event: the scan's string values are already canonical JSON.
    static func appendEvent(_ scan: AuditEventScan, message: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        func copy(_ range: Range<Int>?) {
            if let range {
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: message[range]))
            } else {
                output.append(contentsOf: "null".utf8)
            }
        }
        output.append(UInt8(ascii: "{"))
        for (prefix, field) in eventFields {
            output.append(contentsOf: prefix)
            switch field {
            case .action: copy(scan.actionText)
            case .actor: copy(scan.actorLogin)
            case .approvals:
                output.append(UInt8(ascii: "["))
                var first = true
                for approval in scan.approvals ?? [] where approval.counted {
                    if !first { output.append(UInt8(ascii: ",")) }
                    first = false
                    copy(approval.login)
                }
                output.append(UInt8(ascii: "]"))
            case .commit: copy(scan.transition?.commit)
            case .environment: copy(scan.transition?.to)
            case .event: copy(scan.json)
            case .eventID: copy(scan.id)
            case .files:
                if let paths = scan.transition?.changedPaths { copy(paths) } else { output.append(contentsOf: "[]".utf8) }
            case .hash: copy(scan.hash)
            case .kind:
                if let kind = scan.kind {
                    JSONValue.writeString(kind.rawValue, to: &output)
                } else {
                    output.append(contentsOf: "null".utf8)
                }
            case .outcome: copy(scan.outcomeText)
            case .promotionID: copy(scan.transition?.promotionID)
            case .record: output.append(contentsOf: "\"event\"".utf8)
            case .seq: copy(scan.seqText)
            case .time: copy(scan.time)
            case .null: output.append(contentsOf: "null".utf8)
            }
        }
        output.append(contentsOf: "}\n".utf8)
    }
}
