import Crypto
import Foundation

/// What an audit event records.
public enum AuditAction: String, Sendable, Hashable, CaseIterable {
    case promotionCreated = "promotion.created"
    case promotionUpdated = "promotion.updated"
    case promotionChecked = "promotion.checked"
    case rollbackCreated = "rollback.created"
    case policyBypassed = "policy.bypassed"
    case autoRun = "auto.run"
    /// Joins two chains that diverged (a local and a fetched remote log). Not listed in the
    /// specification's action set: it is Ladder's own bookkeeping, written by `audit push`.
    case merged = "audit.merged"
}

/// How the recorded operation ended.
public enum AuditOutcome: String, Sendable, Hashable, CaseIterable {
    case allowed, denied, error
}

/// Who caused an event.
public struct AuditActor: Sendable, Hashable {
    /// A person at a terminal, or an automated job.
    public enum Kind: String, Sendable, Hashable, CaseIterable { case human, ci }

    public var login: String
    public var kind: Kind

    public init(login: String, kind: Kind) {
        self.login = login
        self.kind = kind
    }
}

/// Where an event was produced.
public struct AuditSource: Sendable, Hashable {
    /// Host name of the machine, when known.
    public var host: String?
    /// `github`, `gitlab` or another CI system's name; nil outside CI.
    public var ciProvider: String?
    /// Link to the CI run; nil outside CI.
    public var ciRunURL: String?
    /// The Ladder version that wrote the event.
    public var toolVersion: String

    public init(host: String?, ciProvider: String?, ciRunURL: String?, toolVersion: String) {
        self.host = host
        self.ciProvider = ciProvider
        self.ciRunURL = ciRunURL
        self.toolVersion = toolVersion
    }
}

/// The environment transition an event is about.
public struct AuditTransition: Sendable, Hashable {
    /// Source environment; nil for a rollback, which has none.
    public var from: String?
    public var to: String
    public var sourceCommit: String?
    public var baseCommit: String?
    /// The commit Ladder wrote (promotion or rollback commit), when it wrote one.
    public var commit: String?
    public var branch: String?
    public var promotionID: String?
    /// Repository paths the transition changes, sorted by the writer.
    public var changedPaths: [String]

    public init(
        from: String?, to: String, sourceCommit: String? = nil, baseCommit: String? = nil, commit: String? = nil,
        branch: String? = nil, promotionID: String? = nil, changedPaths: [String] = []
    ) {
        self.from = from
        self.to = to
        self.sourceCommit = sourceCommit
        self.baseCommit = baseCommit
        self.commit = commit
        self.branch = branch
        self.promotionID = promotionID
        self.changedPaths = changedPaths
    }
}

/// A review seen when an event was recorded, and whether the policy counted it.
public struct AuditApproval: Sendable, Hashable {
    public var login: String
    /// The forge's review state, lowercased (`approved`, `changes_requested`, ...).
    public var state: String
    /// The commit the review was given on.
    public var commit: String?
    public var counted: Bool
    /// Why the review was not counted (stale, self-approval, ...); nil when counted.
    public var reason: String?

    public init(login: String, state: String, commit: String?, counted: Bool, reason: String?) {
        self.login = login
        self.state = state
        self.commit = commit
        self.counted = counted
        self.reason = reason
    }
}

/// The result of one policy rule.
public struct AuditRuleResult: Sendable, Hashable {
    public var id: String
    /// The evaluator's verdict word (`pass`, `fail`, ...), recorded as given.
    public var result: String
    public var message: String?

    public init(id: String, result: String, message: String?) {
        self.id = id
        self.result = result
        self.message = message
    }
}

/// The policy file an event was evaluated against.
public struct AuditPolicy: Sendable, Hashable {
    public var path: String
    /// Lowercase hex SHA-256 of the policy file's bytes.
    public var sha256: String
    public var rules: [AuditRuleResult]

    public init(path: String, sha256: String, rules: [AuditRuleResult]) {
        self.path = path
        self.sha256 = sha256
        self.rules = rules
    }
}

/// A break-glass bypass of the policy.
public struct AuditOverride: Sendable, Hashable {
    public var reason: String
    public var by: String

    public init(reason: String, by: String) {
        self.reason = reason
        self.by = by
    }
}

/// The content of an event, everything except its place in the chain.
///
/// A writer builds a body once (with its id and time) and seals it against the current chain
/// tip; after losing a compare-and-swap race it seals the same body again on the new tip, so a
/// retried append keeps its id.
public struct AuditEventBody: Sendable, Hashable {
    /// See ``AuditEventID``.
    public var id: String
    /// RFC 3339 UTC, as written by ``AuditTime/format(_:)``.
    public var time: String
    public var action: AuditAction
    public var outcome: AuditOutcome
    public var actor: AuditActor
    public var source: AuditSource
    public var transition: AuditTransition?
    /// nil when no review was looked at; empty when reviews were looked at and there were none.
    public var approvals: [AuditApproval]?
    public var policy: AuditPolicy?
    public var override: AuditOverride?

    public init(
        id: String, time: String, action: AuditAction, outcome: AuditOutcome, actor: AuditActor,
        source: AuditSource, transition: AuditTransition? = nil, approvals: [AuditApproval]? = nil,
        policy: AuditPolicy? = nil, override: AuditOverride? = nil
    ) {
        self.id = id
        self.time = time
        self.action = action
        self.outcome = outcome
        self.actor = actor
        self.source = source
        self.transition = transition
        self.approvals = approvals
        self.policy = policy
        self.override = override
    }
}

/// One sealed audit event, as stored in a commit message on `refs/ladder/audit`.
///
/// JSON form (schema `ladder.audit/v1`): every key below is always present, absent optional
/// sections are written as `null` (never omitted), and no other key is accepted:
/// `schema, id, seq, time, action, outcome, actor{login,kind}, source{host,ci_provider,
/// ci_run_url,tool_version}, transition{from,to,source_commit,base_commit,commit,branch,
/// promotion_id,changed_paths}, approvals[{login,state,commit,counted,reason}],
/// policy{path,sha256,rules[{id,result,message}]}, override{reason,by}, prev_hash,
/// merged_hashes, hash`.
///
/// `merged_hashes` is Ladder's addition for joins: on an `audit.merged` event it lists the
/// hashes of the second and later parents (`prev_hash` holds the first parent's); on every
/// other event it is `null`.
@dynamicMemberLookup
public struct AuditEvent: Sendable, Hashable {
    /// The value of the `schema` field.
    public static let schema = "ladder.audit/v1"
    /// `prev_hash` of the first event of a chain: 64 zeros.
    public static let genesisHash = String(repeating: "0", count: 64)

    public var body: AuditEventBody
    /// 1 for the first event; parent's seq + 1; for a merge, the largest parent seq + 1.
    public var seq: Int64
    public var prevHash: String
    /// Hashes of the other parents of an `audit.merged` event; nil for every other event.
    public var mergedHashes: [String]?
    /// Lowercase hex SHA-256 of the canonical JSON of the event without the `hash` key.
    public var hash: String

    /// An event with the given fields as they are; use ``seal(_:after:scrubber:)`` to make a
    /// new one.
    public init(body: AuditEventBody, seq: Int64, prevHash: String, mergedHashes: [String]?, hash: String) {
        self.body = body
        self.seq = seq
        self.prevHash = prevHash
        self.mergedHashes = mergedHashes
        self.hash = hash
    }

    /// The body's fields, readable and writable on the event itself (`event.action`).
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<AuditEventBody, Value>) -> Value {
        get { body[keyPath: keyPath] }
        set { body[keyPath: keyPath] = newValue }
    }
}

// MARK: - To JSON

extension AuditEvent {
    /// The event as JSON, including `hash`.
    public var json: JSONValue {
        var members = unsealedMembers
        members["hash"] = .string(hash)
        return .object(members)
    }

    /// The text stored as the commit message: the canonical JSON and a final newline.
    public var commitMessage: String { json.canonical + "\n" }

    /// The hash this event should carry, computed from its other fields.
    public var computedHash: String { AuditHash.hex(of: .object(unsealedMembers)) }

    var unsealedMembers: [String: JSONValue] {
        var members = body.jsonMembers
        members["schema"] = .string(Self.schema)
        members["seq"] = .integer(seq)
        members["prev_hash"] = .string(prevHash)
        members["merged_hashes"] = mergedHashes.map { .array($0.map(JSONValue.string)) } ?? .null
        return members
    }
}

extension AuditEventBody {
    var jsonMembers: [String: JSONValue] {
        [
            "id": .string(id),
            "time": .string(time),
            "action": .string(action.rawValue),
            "outcome": .string(outcome.rawValue),
            "actor": ["login": .string(actor.login), "kind": .string(actor.kind.rawValue)],
            "source": [
                "host": .optional(source.host), "ci_provider": .optional(source.ciProvider),
                "ci_run_url": .optional(source.ciRunURL), "tool_version": .string(source.toolVersion),
            ],
            "transition": transition.map { transition in
                [
                    "from": .optional(transition.from), "to": .string(transition.to),
                    "source_commit": .optional(transition.sourceCommit),
                    "base_commit": .optional(transition.baseCommit), "commit": .optional(transition.commit),
                    "branch": .optional(transition.branch), "promotion_id": .optional(transition.promotionID),
                    "changed_paths": .array(transition.changedPaths.map(JSONValue.string)),
                ]
            } ?? .null,
            "approvals": approvals.map { approvals in
                .array(
                    approvals.map { approval in
                        [
                            "login": .string(approval.login), "state": .string(approval.state),
                            "commit": .optional(approval.commit), "counted": .bool(approval.counted),
                            "reason": .optional(approval.reason),
                        ]
                    })
            } ?? .null,
            "policy": policy.map { policy in
                [
                    "path": .string(policy.path), "sha256": .string(policy.sha256),
                    "rules": .array(
                        policy.rules.map { rule in
                            ["id": .string(rule.id), "result": .string(rule.result), "message": .optional(rule.message)]
                        }),
                ]
            } ?? .null,
            "override": override.map { ["reason": .string($0.reason), "by": .string($0.by)] } ?? .null,
        ]
    }
}

/// SHA-256 helpers for the audit chain.
public enum AuditHash {
    /// Lowercase hex SHA-256 of the canonical JSON of `value`.
    public static func hex(of value: JSONValue) -> String { hex(Array(value.canonical.utf8)) }

    /// Lowercase hex SHA-256 of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String { hexString(sha256(bytes)) }

    static func sha256(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(bytes)))
    }

    static func hexString(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The 32 bytes of a 64-character lowercase hex hash, or nil.
    static func bytes(ofHex text: String) -> [UInt8]? {
        guard isHash(text) else { return nil }
        let utf8 = Array(text.utf8)
        func nibble(_ byte: UInt8) -> UInt8 { byte <= 0x39 ? byte - 0x30 : byte - 0x61 + 10 }
        return stride(from: 0, to: 64, by: 2).map { nibble(utf8[$0]) << 4 | nibble(utf8[$0 + 1]) }
    }

    /// True for 64 lowercase hex digits.
    public static func isHash(_ text: String) -> Bool {
        let utf8 = text.utf8
        return utf8.count == 64 && utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

// MARK: - From JSON

extension AuditEvent {
    /// Parses a commit message: the canonical JSON of one event, optionally followed by one
    /// newline. Anything else (other white space, another key order, duplicate keys, escapes
    /// written differently) is refused with ``AuditError/notCanonical``, so that the stored
    /// bytes are exactly the bytes that were hashed.
    public static func parse(commitMessage message: String) throws(AuditError) -> AuditEvent {
        let text = message.hasSuffix("\n") ? String(message.dropLast()) : message
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            throw .malformedJSON(error.localizedDescription)
        }
        let event = try AuditEvent(json: value)
        guard value.canonical == text else { throw .notCanonical }
        return event
    }

    /// Reads an event from JSON, strictly: every field must be present with the right type,
    /// enumerations must hold known values, and unknown keys are refused. The error names the
    /// offending field. The stored `hash` is read as is; ``AuditChainVerifier`` checks it.
    public init(json: JSONValue) throws(AuditError) {
        let reader = try FieldReader(json, path: "")
        try reader.allowOnly([
            "schema", "id", "seq", "time", "action", "outcome", "actor", "source", "transition", "approvals",
            "policy", "override", "prev_hash", "merged_hashes", "hash",
        ])
        let schema = try reader.string("schema")
        guard schema == Self.schema else {
            throw .invalidField(field: "schema", reason: "unsupported schema '\(schema)', expected '\(Self.schema)'")
        }
        let id = try reader.string("id")
        guard AuditEventID.isValid(id) else { throw .invalidField(field: "id", reason: "not a 26-character event id") }
        let seq = try reader.integer("seq")
        guard seq >= 1 else { throw .invalidField(field: "seq", reason: "must be 1 or more") }
        let time = try reader.string("time")
        guard AuditTime.isCanonical(time) else {
            throw .invalidField(field: "time", reason: "not an RFC 3339 UTC time like 2024-05-01T09:30:00Z")
        }
        let action = try reader.enumeration("action", AuditAction.self)
        let outcome = try reader.enumeration("outcome", AuditOutcome.self)

        let actorReader = try reader.object("actor")
        try actorReader.allowOnly(["login", "kind"])
        let actor = AuditActor(
            login: try actorReader.string("login"), kind: try actorReader.enumeration("kind", AuditActor.Kind.self))

        let sourceReader = try reader.object("source")
        try sourceReader.allowOnly(["host", "ci_provider", "ci_run_url", "tool_version"])
        let source = AuditSource(
            host: try sourceReader.optionalString("host"), ciProvider: try sourceReader.optionalString("ci_provider"),
            ciRunURL: try sourceReader.optionalString("ci_run_url"),
            toolVersion: try sourceReader.string("tool_version"))

        var transition: AuditTransition?
        if let transitionReader = try reader.optionalObject("transition") {
            try transitionReader.allowOnly([
                "from", "to", "source_commit", "base_commit", "commit", "branch", "promotion_id", "changed_paths",
            ])
            transition = AuditTransition(
                from: try transitionReader.optionalString("from"), to: try transitionReader.string("to"),
                sourceCommit: try transitionReader.optionalString("source_commit"),
                baseCommit: try transitionReader.optionalString("base_commit"),
                commit: try transitionReader.optionalString("commit"),
                branch: try transitionReader.optionalString("branch"),
                promotionID: try transitionReader.optionalString("promotion_id"),
                changedPaths: try transitionReader.stringArray("changed_paths"))
        }

        var approvals: [AuditApproval]?
        if let elements = try reader.optionalArray("approvals") {
            var list: [AuditApproval] = []
            for (index, element) in elements.enumerated() {
                let approval = try FieldReader(element, path: "approvals[\(index)]")
                try approval.allowOnly(["login", "state", "commit", "counted", "reason"])
                list.append(
                    AuditApproval(
                        login: try approval.string("login"), state: try approval.string("state"),
                        commit: try approval.optionalString("commit"), counted: try approval.bool("counted"),
                        reason: try approval.optionalString("reason")))
            }
            approvals = list
        }

        var policy: AuditPolicy?
        if let policyReader = try reader.optionalObject("policy") {
            try policyReader.allowOnly(["path", "sha256", "rules"])
            var rules: [AuditRuleResult] = []
            for (index, element) in try policyReader.array("rules").enumerated() {
                let rule = try FieldReader(element, path: "policy.rules[\(index)]")
                try rule.allowOnly(["id", "result", "message"])
                rules.append(
                    AuditRuleResult(
                        id: try rule.string("id"), result: try rule.string("result"),
                        message: try rule.optionalString("message")))
            }
            policy = AuditPolicy(
                path: try policyReader.string("path"), sha256: try policyReader.string("sha256"), rules: rules)
        }

        var override: AuditOverride?
        if let overrideReader = try reader.optionalObject("override") {
            try overrideReader.allowOnly(["reason", "by"])
            override = AuditOverride(reason: try overrideReader.string("reason"), by: try overrideReader.string("by"))
        }

        let prevHash = try reader.string("prev_hash")
        guard AuditHash.isHash(prevHash) else {
            throw .invalidField(field: "prev_hash", reason: "not 64 lowercase hex digits")
        }
        let mergedHashes = try reader.optionalArray("merged_hashes") == nil ? nil : try reader.stringArray("merged_hashes")
        if let mergedHashes {
            guard action == .merged else {
                throw .invalidField(field: "merged_hashes", reason: "must be null unless action is audit.merged")
            }
            guard !mergedHashes.isEmpty, mergedHashes.allSatisfy(AuditHash.isHash) else {
                throw .invalidField(field: "merged_hashes", reason: "must list one or more 64-hex-digit hashes")
            }
        } else if action == .merged {
            throw .invalidField(field: "merged_hashes", reason: "required on an audit.merged event")
        }
        let hash = try reader.string("hash")
        guard AuditHash.isHash(hash) else { throw .invalidField(field: "hash", reason: "not 64 lowercase hex digits") }

        self.init(
            body: AuditEventBody(
                id: id, time: time, action: action, outcome: outcome, actor: actor, source: source,
                transition: transition, approvals: approvals, policy: policy, override: override),
            seq: seq, prevHash: prevHash, mergedHashes: mergedHashes, hash: hash)
    }
}

/// Typed access to the members of a JSON object, with errors that name the field's path.
struct FieldReader {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String) throws(AuditError) {
        guard case .object(let members) = value else {
            throw .invalidField(field: path.isEmpty ? "(event)" : path, reason: "expected an object, found \(value.kindName)")
        }
        self.members = members
        self.path = path
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func allowOnly(_ keys: Set<String>) throws(AuditError) {
        if let unknown = members.keys.filter({ !keys.contains($0) }).sorted().first {
            throw .unknownField(name(unknown))
        }
    }

    func value(_ key: String) throws(AuditError) -> JSONValue {
        guard let value = members[key] else { throw .invalidField(field: name(key), reason: "missing") }
        return value
    }

    func mismatch(_ key: String, _ expected: String, _ found: JSONValue) -> AuditError {
        .invalidField(field: name(key), reason: "expected \(expected), found \(found.kindName)")
    }

    func string(_ key: String) throws(AuditError) -> String {
        let value = try value(key)
        guard case .string(let text) = value else { throw mismatch(key, "a string", value) }
        return text
    }

    func optionalString(_ key: String) throws(AuditError) -> String? {
        let value = try value(key)
        switch value {
        case .null: return nil
        case .string(let text): return text
        default: throw mismatch(key, "a string or null", value)
        }
    }

    func integer(_ key: String) throws(AuditError) -> Int64 {
        let value = try value(key)
        guard case .integer(let number) = value else { throw mismatch(key, "an integer", value) }
        return number
    }

    func bool(_ key: String) throws(AuditError) -> Bool {
        let value = try value(key)
        guard case .bool(let flag) = value else { throw mismatch(key, "a boolean", value) }
        return flag
    }

    func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws(AuditError) -> E
    where E.RawValue == String {
        let text = try string(key)
        guard let value = E(rawValue: text) else {
            let known = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidField(field: name(key), reason: "unknown value '\(text)' (expected one of: \(known))")
        }
        return value
    }

    func object(_ key: String) throws(AuditError) -> FieldReader {
        try FieldReader(try value(key), path: name(key))
    }

    func optionalObject(_ key: String) throws(AuditError) -> FieldReader? {
        let value = try value(key)
        if value == .null { return nil }
        return try FieldReader(value, path: name(key))
    }

    func array(_ key: String) throws(AuditError) -> [JSONValue] {
        let value = try value(key)
        guard case .array(let elements) = value else { throw mismatch(key, "an array", value) }
        return elements
    }

    func optionalArray(_ key: String) throws(AuditError) -> [JSONValue]? {
        let value = try value(key)
        switch value {
        case .null: return nil
        case .array(let elements): return elements
        default: throw mismatch(key, "an array or null", value)
        }
    }

    func stringArray(_ key: String) throws(AuditError) -> [String] {
        var strings: [String] = []
        for (index, element) in try array(key).enumerated() {
            guard case .string(let text) = element else {
                throw .invalidField(field: "\(name(key))[\(index)]", reason: "expected a string, found \(element.kindName)")
            }
            strings.append(text)
        }
        return strings
    }
}
