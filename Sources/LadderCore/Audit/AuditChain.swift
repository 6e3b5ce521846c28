import Foundation

// MARK: - Sealing

extension AuditEvent {
    /// Seals `body` as the event that follows `previous` (nil: the first event of the chain).
    ///
    /// Every string of the body first goes through `scrubber`; then `seq` becomes the previous
    /// seq + 1 (1 for the first event), `prev_hash` the previous hash (``genesisHash`` for the
    /// first event) and `hash` is computed. The result must read back: a malformed id or time
    /// is an error. `audit.merged` bodies must go through
    /// ``sealMerge(_:parents:scrubber:)`` instead.
    public static func seal(
        _ body: AuditEventBody, after previous: AuditEvent?, scrubber: AuditSecretScrubber
    ) throws(AuditError) -> AuditEvent {
        guard body.action != .merged else {
            throw .invalidParents("an audit.merged event needs two or more parents")
        }
        var event = AuditEvent(
            body: scrubber.scrub(body), seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? genesisHash,
            mergedHashes: nil, hash: "")
        event.hash = event.computedHash
        try event.checkReadable()
        return event
    }

    /// Seals an `audit.merged` event joining the chains that end at `parents` (in the order of
    /// the merge commit's parents: the local tip first).
    ///
    /// `prev_hash` is the first parent's hash, `merged_hashes` the others' in order, and `seq`
    /// the largest parent seq + 1.
    public static func sealMerge(
        _ body: AuditEventBody, parents: [AuditEvent], scrubber: AuditSecretScrubber
    ) throws(AuditError) -> AuditEvent {
        guard body.action == .merged else { throw .invalidParents("only an audit.merged event can have several parents") }
        guard parents.count >= 2, let first = parents.first else {
            throw .invalidParents("an audit.merged event needs two or more parents")
        }
        var event = AuditEvent(
            body: scrubber.scrub(body), seq: parents.map(\.seq).max()! + 1, prevHash: first.hash,
            mergedHashes: parents.dropFirst().map(\.hash), hash: "")
        event.hash = event.computedHash
        try event.checkReadable()
        return event
    }

    /// Refuses to seal what the parser would refuse to read back (a malformed id or time, a
    /// bad hash): such an event would break the chain for good once appended.
    private func checkReadable() throws(AuditError) {
        _ = try AuditEvent.parse(commitMessage: commitMessage)
    }
}

// MARK: - Verification

/// One stored event as the storage layer hands it to the verifier: an opaque key (the git
/// commit id), the keys of its parents, and the raw commit message.
public struct AuditChainEntry: Sendable, Hashable {
    public var key: String
    public var parents: [String]
    public var message: String

    public init(key: String, parents: [String], message: String) {
        self.key = key
        self.parents = parents
        self.message = message
    }

    /// A linear chain of `events` in the given order, keyed `#1`, `#2`, ... by position, each
    /// entry's parent being the one before it.
    public static func linear(_ events: [AuditEvent]) -> [AuditChainEntry] {
        linear(messages: events.map(\.commitMessage))
    }

    /// A linear chain of raw messages, keyed and linked as in ``linear(_:)``.
    public static func linear(messages: [String]) -> [AuditChainEntry] {
        messages.enumerated().map { index, message in
            AuditChainEntry(key: "#\(index + 1)", parents: index == 0 ? [] : ["#\(index)"], message: message)
        }
    }
}

/// An event that verified, with its place in the DAG.
public struct AuditChainNode: Sendable, Hashable {
    public var key: String
    public var parents: [String]
    public var event: AuditEvent
}

/// The first place where a chain fails verification.
public struct AuditChainBreak: Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the event, and what that usually means.
    public enum Kind: Sendable, Hashable {
        /// The message is not a valid event (bad JSON, missing or mistyped field, unknown action).
        case unparsable(String)
        /// The message is valid but not in canonical form; its bytes differ from what was hashed.
        case notCanonical
        /// The stored hash differs from the recomputed one: the event was edited.
        case hashMismatch(recorded: String, computed: String)
        /// `prev_hash` does not match the parent's hash: an event was deleted, reordered or inserted.
        case prevHashMismatch(recorded: String, expected: String)
        /// A join is malformed: wrong `merged_hashes`, or a parent count that does not fit the action.
        case mergeMismatch(String)
        /// `seq` is not the parent's seq + 1 (for a merge, the largest parent seq + 1).
        case seqMismatch(recorded: Int64, expected: Int64)
        /// Another event already carries this id: an event was replayed.
        case duplicateID(firstSeq: Int64)
        /// A parent key is not among the entries before this one.
        case unknownParent(String)
    }

    /// Position of the entry in the verifier's input (0-based).
    public var index: Int
    /// Storage key of the entry (commit id).
    public var key: String
    /// The event's seq and id, when they could be read.
    public var seq: Int64?
    public var id: String?
    public var kind: Kind

    public var description: String {
        let subject: String
        switch (seq, id) {
        case (let seq?, let id?): subject = "event \(seq) (\(id))"
        case (let seq?, nil): subject = "event \(seq)"
        default: subject = "entry \(key)"
        }
        switch kind {
        case .unparsable(let reason): return "\(subject): unreadable: \(reason)"
        case .notCanonical: return "\(subject): not in canonical form (edited)"
        case .hashMismatch(let recorded, let computed):
            return "\(subject): hash mismatch, event was edited (recorded \(recorded), computed \(computed))"
        case .prevHashMismatch(let recorded, let expected):
            return "\(subject): prev_hash \(recorded) does not match \(expected), events were deleted, reordered or inserted"
        case .mergeMismatch(let reason): return "\(subject): invalid join: \(reason)"
        case .seqMismatch(let recorded, let expected): return "\(subject): seq \(recorded), expected \(expected)"
        case .duplicateID(let firstSeq): return "\(subject): id already used by event \(firstSeq), event was replayed"
        case .unknownParent(let parent): return "\(subject): parent \(parent) is not in the chain before it"
        }
    }
}

/// The outcome of verifying a chain.
public struct AuditChainReport: Sendable {
    /// The events that verified, in input order; everything before ``firstBreak``.
    public var nodes: [AuditChainNode]
    /// The first broken entry; nil when the whole chain verified.
    public var firstBreak: AuditChainBreak?

    public var isIntact: Bool { firstBreak == nil }
    /// The number of events that verified.
    public var eventCount: Int { nodes.count }
    /// The last verified event: the chain tip when the input ends at the ref's commit.
    public var tip: AuditEvent? { nodes.last?.event }

    /// The verified event whose hash is `hash`.
    public func event(withHash hash: String) -> AuditEvent? {
        nodes.first { $0.event.hash == hash }?.event
    }

    /// How many verified events the event `hash` covers: itself and all its ancestors. For a
    /// linear chain this is the event's seq.
    public func ancestorCount(ofHash hash: String) -> Int? {
        guard let start = nodes.firstIndex(where: { $0.event.hash == hash }) else { return nil }
        var indexByKey: [String: Int] = [:]
        for (index, node) in nodes.enumerated() { indexByKey[node.key] = index }
        var seen: Set<Int> = [start]
        var pending = [start]
        while let index = pending.popLast() {
            for parent in nodes[index].parents {
                if let parentIndex = indexByKey[parent], seen.insert(parentIndex).inserted { pending.append(parentIndex) }
            }
        }
        return seen.count
    }

    /// Checks that the chain still holds a state recorded earlier (by a digest or a
    /// checkpoint): the event `tipHash` must be present and cover exactly `count` events.
    /// When it is missing, the event at `tipSeq` (default `count`, right for a linear chain)
    /// tells a rewrite from a truncation.
    public func checkContains(count: Int, tipHash: String, tipSeq: Int64? = nil) throws(AuditError) {
        if count == 0 && tipHash == AuditEvent.genesisHash { return }
        let seq = tipSeq ?? Int64(count)
        if let covered = ancestorCount(ofHash: tipHash) {
            guard covered == count else { throw .truncated(recorded: count, present: covered) }
            return
        }
        if let present = nodes.first(where: { $0.event.seq == seq }) {
            throw .rewritten(seq: seq, recorded: tipHash, present: present.event.hash)
        }
        if eventCount < count { throw .truncated(recorded: count, present: eventCount) }
        throw .tipMissing(seq: seq, hash: tipHash)
    }
}

/// Recomputes every hash and link of an audit chain.
public enum AuditChainVerifier {
    /// Verifies `entries`, given parents before children (genesis first, as
    /// `git rev-list --topo-order --reverse` lists them), and stops at the first broken one.
    ///
    /// Each event is checked in this order: it parses and is canonical; its hash matches its
    /// content; its `prev_hash` (and for `audit.merged`, `merged_hashes`) match its parents'
    /// hashes, a root's `prev_hash` being ``AuditEvent/genesisHash``; its `seq` follows its
    /// parents'; its id is new. An event inserted with a valid hash is therefore reported at
    /// the event after it, whose link no longer matches.
    public static func verify(_ entries: [AuditChainEntry]) -> AuditChainReport {
        var report = AuditChainReport(nodes: [], firstBreak: nil)
        var links = AuditChainLinks<String>()
        for (index, entry) in entries.enumerated() {
            func fail(_ kind: AuditChainBreak.Kind, seq: Int64?, id: String?) -> AuditChainReport {
                report.firstBreak = AuditChainBreak(index: index, key: entry.key, seq: seq, id: id, kind: kind)
                return report
            }
            let event: AuditEvent
            switch readEvent(entry.message) {
            case .success(let read): event = read
            case .failure(let failure): return fail(failure.kind, seq: failure.seq, id: failure.id)
            }
            if let kind = links.add(AuditChainLink(event), key: entry.key, parents: entry.parents) {
                return fail(kind, seq: event.seq, id: event.id)
            }
            report.nodes.append(AuditChainNode(key: entry.key, parents: entry.parents, event: event))
        }
        return report
    }

    /// Why a stored message is not a sealed event, with its seq and id when they could be read.
    struct EventFailure: Error {
        var kind: AuditChainBreak.Kind
        var seq: Int64?
        var id: String?
    }

    /// The first checks of each entry: the message parses, is canonical and its hash matches
    /// its content.
    static func readEvent(_ message: String) -> Result<AuditEvent, EventFailure> {
        let event: AuditEvent
        do {
            event = try AuditEvent.parse(commitMessage: message)
        } catch {
            let loose = try? JSONValue.parse(message)
            let kind: AuditChainBreak.Kind =
                error == .notCanonical ? .notCanonical : .unparsable(error.errorDescription ?? "invalid event")
            return .failure(EventFailure(kind: kind, seq: loose?["seq"]?.intValue, id: loose?["id"]?.stringValue))
        }
        let computed = event.computedHash
        guard computed == event.hash else {
            return .failure(EventFailure(kind: .hashMismatch(recorded: event.hash, computed: computed), seq: event.seq, id: event.id))
        }
        return .success(event)
    }
}

/// What the link checks need from an event that parsed and whose hash matched.
struct AuditChainLink {
    var seq: Int64
    var id: String
    var hash: String
    var prevHash: String
    var action: AuditAction
    var mergedHashes: [String]?

    init(seq: Int64, id: String, hash: String, prevHash: String, action: AuditAction, mergedHashes: [String]?) {
        self.seq = seq
        self.id = id
        self.hash = hash
        self.prevHash = prevHash
        self.action = action
        self.mergedHashes = mergedHashes
    }

    init(_ event: AuditEvent) {
        self.init(
            seq: event.seq, id: event.id, hash: event.hash, prevHash: event.prevHash, action: event.action,
            mergedHashes: event.mergedHashes)
    }
}

/// The checks between events, entry by entry, parents first: `prev_hash` (and `merged_hashes`)
/// against the parents' hashes, a root's `prev_hash` being ``AuditEvent/genesisHash``; `seq`
/// after the parents'; ids never reused. `Key` is the storage key of an entry.
struct AuditChainLinks<Key: Hashable> {
    private var linkByKey: [Key: AuditChainRules.Parent] = [:]
    private var rules = AuditChainRules()

    /// Checks `link` stored at `key` with `parents`, and records it when it holds; returns the
    /// reason it does not.
    mutating func add(_ link: AuditChainLink, key: Key, parents: [Key]) -> AuditChainBreak.Kind? {
        var parentLinks: [AuditChainRules.Parent] = []
        for parentKey in parents {
            guard let parent = linkByKey[parentKey] else { return .unknownParent("\(parentKey)") }
            parentLinks.append(parent)
        }
        if let kind = rules.admit(link, parents: parentLinks) { return kind }
        linkByKey[key] = (link.hash, link.seq)
        return nil
    }
}

/// The checks of ``AuditChainLinks`` once an event's parents are known, and the ids admitted so
/// far. A linear chain (each event's parent is the one before) needs nothing else.
struct AuditChainRules {
    typealias Parent = (hash: String, seq: Int64)
    private var seqByID: [String: Int64] = [:]

    init(capacity: Int = 0) {
        seqByID.reserveCapacity(capacity)
    }

    /// Checks `link` against its parents' links, in the verifier's order, and admits its id when
    /// it holds; returns the reason it does not.
    mutating func admit(_ link: AuditChainLink, parents: [Parent]) -> AuditChainBreak.Kind? {
        let expectedPrev = parents.first?.hash ?? AuditEvent.genesisHash
        guard link.prevHash == expectedPrev else { return .prevHashMismatch(recorded: link.prevHash, expected: expectedPrev) }
        if parents.count >= 2 {
            guard link.action == .merged else {
                return .mergeMismatch("\(parents.count) parents on a \(link.action.rawValue) event")
            }
            let expected = parents.dropFirst().map(\.hash)
            guard link.mergedHashes == expected else {
                return .mergeMismatch("merged_hashes do not match the parents \(expected.joined(separator: ", "))")
            }
        } else if link.action == .merged {
            return .mergeMismatch("audit.merged event with \(parents.count) parent(s)")
        }
        let expectedSeq = (parents.map(\.seq).max() ?? 0) + 1
        guard link.seq == expectedSeq else { return .seqMismatch(recorded: link.seq, expected: expectedSeq) }
        if let firstSeq = seqByID.updateValue(link.seq, forKey: link.id) {
            seqByID[link.id] = firstSeq
            return .duplicateID(firstSeq: firstSeq)
        }
        return nil
    }
}
