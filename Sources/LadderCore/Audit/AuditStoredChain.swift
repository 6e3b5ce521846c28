import Dispatch
import Foundation
import LadderGit
import Synchronization

/// The stored messages of a linear audit chain (no joins), read with one object read per
/// commit into one buffer: what export verifies and then copies from.
struct AuditStoredChain {
    /// Every message, tip first.
    var bytes: [UInt8] = []
    /// Event commits, parents first.
    var commits: [ObjectID] = []
    /// Where each commit's message is in ``bytes``, parents first.
    var ranges: [Range<Int>] = []
}

extension AuditLog {
    /// The chain's messages when every event commit has at most one parent; nil when the
    /// chain has a join or its history is cut short (a shallow clone), which the revision
    /// walk of ``entries(from:)`` handles.
    func linearChain() throws -> AuditStoredChain? {
        var chain = AuditStoredChain()
        var next = try tipCommit()
        while let id = next {
            do {
                let linear = try repository.withRawCommit(id) { parents, message -> Bool in
                    guard parents.count <= 1 else { return false }
                    let start = chain.bytes.count
                    chain.bytes.append(contentsOf: message)
                    chain.ranges.append(start..<chain.bytes.count)
                    chain.commits.append(id)
                    next = parents.first
                    return true
                }
                guard linear else { return nil }
            } catch let error as GitError where error.code == .notFound {
                return nil
            }
        }
        chain.commits.reverse()
        chain.ranges.reverse()
        return chain
    }
}

/// The events of a verified linear chain, parents first.
struct AuditStoredEvents {
    enum Event {
        /// Read in place by the fast scan (see ``AuditEventScan``).
        case scanned(AuditEventScan)
        /// Read by the full parser, with the message as text.
        case parsed(AuditEvent, String)
    }

    var events: [Event] = []
    var summary = AuditChainSummary(eventCount: 0, tip: nil)

    /// Runs every check of ``AuditChainVerifier/verify(_:)`` over `chain`, in the same order,
    /// and throws ``AuditLogError/broken(_:)`` with the same first break. Messages the scan
    /// accepts are checked in place (the hash over the stored bytes); the others go through
    /// the full parser, which decides exactly as the verifier does.
    static func verify(_ chain: AuditStoredChain) throws -> AuditStoredEvents {
        var result = AuditStoredEvents()
        result.events.reserveCapacity(chain.commits.count)
        var links = AuditChainLinks<ObjectID>()
        let scans = scanned(chain)
        try chain.bytes.withUnsafeBytes { raw in
            for (index, commit) in chain.commits.enumerated() {
                let message = UnsafeRawBufferPointer(rebasing: raw[chain.ranges[index]])
                let link: AuditChainLink
                if let scan = scans[index] {
                    func text(_ range: Range<Int>) -> String { AuditEventScan.string(range, in: message) }
                    link = AuditChainLink(
                        seq: scan.seq, id: text(scan.id), hash: text(scan.hash), prevHash: text(scan.prevHash),
                        action: scan.action, mergedHashes: scan.mergedHashes?.map(text))
                    result.events.append(.scanned(scan))
                } else {
                    let text = String(decoding: message, as: UTF8.self)
                    switch AuditChainVerifier.readEvent(text) {
                    case .success(let event):
                        link = AuditChainLink(event)
                        result.events.append(.parsed(event, text))
                    case .failure(let failure):
                        throw AuditLogError.broken(
                            AuditChainBreak(index: index, key: commit.hex, seq: failure.seq, id: failure.id, kind: failure.kind))
                    }
                }
                let parents = index == 0 ? [] : [chain.commits[index - 1]]
                if let kind = links.add(link, key: commit, parents: parents) {
                    throw AuditLogError.broken(AuditChainBreak(index: index, key: commit.hex, seq: link.seq, id: link.id, kind: kind))
                }
                result.summary = AuditChainSummary(eventCount: index + 1, tip: .init(hash: link.hash, seq: link.seq))
            }
        }
        return result
    }
}

extension AuditStoredEvents {
    /// For each message, its scan when the fast scan accepts it and its stored hash matches
    /// (nil: the full parser decides). The scans and SHA-256s are independent per event, so
    /// they run on every core, each worker taking every n-th message; the link checks that
    /// follow stay sequential, so verdicts and the first break reported do not change.
    static func scanned(
        _ chain: AuditStoredChain, workers: Int = ProcessInfo.processInfo.activeProcessorCount, parallelFrom: Int = 1_024
    ) -> [AuditEventScan?] {
        let count = chain.ranges.count
        let ranges = chain.ranges
        @Sendable func scan(_ index: Int, in raw: UnsafeRawBufferPointer) -> AuditEventScan? {
            let message = UnsafeRawBufferPointer(rebasing: raw[ranges[index]])
            guard let scan = AuditEventScan(message), scan.hashMatches(in: message) else { return nil }
            return scan
        }
        guard workers > 1, count >= parallelFrom, #available(macOS 15, *) else {
            return chain.bytes.withUnsafeBytes { raw in (0..<count).map { scan($0, in: raw) } }
        }
        let bytes = chain.bytes
        let parts = Mutex<[[(Int, AuditEventScan?)]]>([])
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var part: [(Int, AuditEventScan?)] = []
            part.reserveCapacity(count / workers + 1)
            bytes.withUnsafeBytes { raw in
                for index in stride(from: worker, to: count, by: workers) { part.append((index, scan(index, in: raw))) }
            }
            parts.withLock { $0.append(part) }
        }
        var result = [AuditEventScan?](repeating: nil, count: count)
        for part in parts.withLock({ $0 }) {
            for (index, scan) in part { result[index] = scan }
        }
        return result
    }
}

extension AuditEventScan {
    /// Adds the counted approvals of a `promotion.checked` event, as
    /// ``AuditApprovalIndex/record(_:)`` does for a parsed event.
    func record(into index: inout AuditApprovalIndex, in bytes: UnsafeRawBufferPointer) {
        guard action == .promotionChecked, let transition else { return }
        let logins = (approvals ?? []).filter(\.counted).map { Self.string($0.login, in: bytes) }
        index.record(
            logins: logins, commit: transition.commit.map { Self.string($0, in: bytes) },
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
