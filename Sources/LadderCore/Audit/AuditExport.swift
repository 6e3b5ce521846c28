import Foundation

// MARK: - History classification

/// What a trunk commit that changed an environment was.
public enum AuditCommitKind: String, Sendable, Hashable, CaseIterable {
    /// Carries a `Ladder-Promotion` trailer.
    case promotion
    /// Carries a `Ladder-Rollback-Of` trailer.
    case rollback
    /// Anything else: a change made without Ladder.
    case direct
}

/// A trunk commit classified by its trailers.
public struct AuditCommitClassification: Sendable, Hashable {
    public var kind: AuditCommitKind
    /// The `Ladder-Promotion` value, when present.
    public var promotionID: String?
    /// The `Ladder-Rollback-Of` value, when present.
    public var rollbackOf: String?

    /// Classifies a commit from its parsed trailers (keys compared case-insensitively, as git
    /// does; the last occurrence of a key wins). A rollback commit is a rollback even if it
    /// also carries a promotion id.
    public init(trailers: [(key: String, value: String)]) {
        func last(_ key: String) -> String? {
            trailers.last { $0.key.caseInsensitiveCompare(key) == .orderedSame }
                .map { $0.value.trimmingCharacters(in: .whitespaces) }
        }
        promotionID = last("Ladder-Promotion")
        rollbackOf = last("Ladder-Rollback-Of")
        kind = rollbackOf != nil ? .rollback : promotionID != nil ? .promotion : .direct
    }
}

/// Whether a change to an environment has the approvals the audit requires.
public enum AuditApprovalEvidence: String, Sendable, Hashable, CaseIterable {
    /// `ladder check` recorded at least one counted approval for the change.
    case recorded
    /// The environment is protected and no approval was recorded: flagged in exports.
    case missing
    /// The environment does not require approvals.
    case notRequired = "not_required"

    /// The evidence for a change to an environment that is (or is not) `protected`, given the
    /// logins whose approvals were recorded for it.
    public static func evaluate(protected: Bool, recordedApprovals: [String]) -> AuditApprovalEvidence {
        if !recordedApprovals.isEmpty { return .recorded }
        return protected ? .missing : .notRequired
    }
}

/// Pull-request numbers in merge and squash commit messages.
public enum PullRequestNumber {
    /// The pull (merge) request number named by a commit message, or nil. Recognised:
    /// GitHub merge commits (`Merge pull request #123 from org/branch` as the subject),
    /// GitLab merge commits (a line `See merge request group/sub/project!45`), and squash
    /// merges whose subject ends in `(#123)`.
    public static func extract(from message: String) -> Int? {
        // Every form needs one of these ASCII runs in the bytes (no other characters are
        // canonically equivalent to theirs), and most commit messages have none: skip the
        // line splitting for them.
        guard containsAny(message, ["Merge pull request #", "See merge request ", "(#"]) else { return nil }
        var message = message
        if let number = message.withUTF8({ extractASCII($0) }) { return number }
        return extractUnicode(from: message)
    }

    /// The same rules on the bytes of a message that is plain ASCII without CR, vertical tab or
    /// form feed: there, lines end only at LF and trimming removes only spaces and tabs, so
    /// bytes decide exactly as characters do. nil (`.some(nil)`) when no number is found;
    /// `nil` when the message is not such text and the character rules must decide.
    static func extractASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Int?? {
        for byte in bytes where byte >= 0x80 || byte == 0x0D || byte == 0x0B || byte == 0x0C { return nil }
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        func number(_ range: Range<Int>) -> Int? {
            guard (1...9).contains(range.count), range.allSatisfy({ isDigit(bytes[$0]) }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(bytes[$1] - 0x30) }
        }
        func hasPrefix(_ range: Range<Int>, _ prefix: StaticString) -> Bool {
            range.count >= prefix.utf8CodeUnitCount
                && memcmp(bytes.baseAddress! + range.lowerBound, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
        }
        var lines: [Range<Int>] = []
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x0A {
            var lower = start
            var upper = index
            while lower < upper && isBlank(bytes[lower]) { lower += 1 }
            while upper > lower && isBlank(bytes[upper - 1]) { upper -= 1 }
            lines.append(lower..<upper)
            start = index + 1
        }
        let subject = lines.first { !$0.isEmpty } ?? 0..<0
        let mergePrefix: StaticString = "Merge pull request #"
        if hasPrefix(subject, mergePrefix) {
            let rest = (subject.lowerBound + mergePrefix.utf8CodeUnitCount)..<subject.upperBound
            var end = rest.lowerBound
            while end < rest.upperBound && isDigit(bytes[end]) { end += 1 }
            let after = end..<rest.upperBound
            if let value = number(rest.lowerBound..<end), hasPrefix(after, " from "), after.count > 6,
                !isBlank(bytes[after.lowerBound + 6])
            {
                return value
            }
        }
        let gitLabPrefix: StaticString = "See merge request "
        for line in lines.reversed() where hasPrefix(line, gitLabPrefix) {
            let reference = (line.lowerBound + gitLabPrefix.utf8CodeUnitCount)..<line.upperBound
            guard let bang = reference.last(where: { bytes[$0] == UInt8(ascii: "!") }) else { continue }
            let project = reference.lowerBound..<bang
            if !project.isEmpty, !project.contains(where: { isBlank(bytes[$0]) || bytes[$0] == UInt8(ascii: "!") }),
                let value = number((bang + 1)..<reference.upperBound)
            {
                return value
            }
        }
        if !subject.isEmpty, bytes[subject.upperBound - 1] == UInt8(ascii: ")"),
            let open = stride(from: subject.upperBound - 2, through: subject.lowerBound, by: -1).first(where: {
                bytes[$0] == UInt8(ascii: "(") && bytes[$0 + 1] == UInt8(ascii: "#")
            }), let value = number((open + 2)..<(subject.upperBound - 1))
        {
            return value
        }
        return .some(nil)
    }

    /// The rules on characters, for any message.
    static func extractUnicode(from message: String) -> Int? {
        // Plain scanning: this runs once per trunk commit of an export, where compiling regular
        // expressions per call dominated the cost.
        let lines = message.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let subject = lines.first { !$0.isEmpty } ?? ""
        let mergePrefix = "Merge pull request #"
        if subject.hasPrefix(mergePrefix) {
            let rest = subject.dropFirst(mergePrefix.count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            let after = rest.dropFirst(digits.count)
            if (1...9).contains(digits.count), after.hasPrefix(" from "), let next = after.dropFirst(6).first, !next.isWhitespace {
                return Int(digits)
            }
        }
        let gitLabPrefix = "See merge request "
        for line in lines.reversed() where line.hasPrefix(gitLabPrefix) {
            let reference = line.dropFirst(gitLabPrefix.count)
            guard let bang = reference.lastIndex(of: "!") else { continue }
            let project = reference[..<bang]
            let digits = reference[reference.index(after: bang)...]
            if !project.isEmpty, !project.contains(where: { $0.isWhitespace || $0 == "!" }), (1...9).contains(digits.count),
                digits.allSatisfy({ $0.isASCII && $0.isNumber })
            {
                return Int(digits)
            }
        }
        if subject.hasSuffix(")"), let open = subject.range(of: "(#", options: .backwards) {
            let digits = subject[open.upperBound..<subject.index(before: subject.endIndex)]
            if (1...9).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return Int(digits) }
        }
        return nil
    }

    private static func containsAny(_ message: String, _ needles: [StaticString]) -> Bool {
        var message = message
        return message.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            return needles.contains { needle in
                let count = needle.utf8CodeUnitCount
                var offset = 0
                while offset + count <= bytes.count,
                    let found = memchr(base + offset, Int32(needle.utf8Start[0]), bytes.count - offset - count + 1)
                {
                    let position = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                    if memcmp(base + position, needle.utf8Start, count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }
}

// MARK: - Rows

/// One exported record: either a Ladder audit event or a trunk commit that changed an
/// environment (one row per commit and environment).
///
/// JSON and JSON Lines write every key of ``columns`` plus `event` (the full event for event
/// rows, `null` for commit rows), with `null` for absent values; CSV writes ``columns`` only.
public struct AuditExportRow: Sendable, Hashable {
    /// Where a row comes from.
    public enum Record: String, Sendable, Hashable { case event, commit }

    public var record: Record
    /// Event time, or the commit's committer time.
    public var time: Date
    public var environment: String?
    /// The event action; nil for commit rows.
    public var action: AuditAction?
    public var outcome: AuditOutcome?
    public var kind: AuditCommitKind?
    public var commit: String?
    public var promotionID: String?
    public var eventID: String?
    public var seq: Int64?
    public var hash: String?
    /// The event's actor login.
    public var actor: String?
    public var author: String?
    public var authorEmail: String?
    public var authorTime: Date?
    public var committer: String?
    public var committerEmail: String?
    public var committerTime: Date?
    public var files: [String]
    public var pullRequest: Int?
    /// Logins whose approvals were recorded (counted) for the change.
    public var approvals: [String]
    public var approvalEvidence: AuditApprovalEvidence?
    public var event: JSONValue?

    /// The column names, in output order.
    public static let columns = [
        "record", "time", "environment", "action", "outcome", "kind", "commit", "promotion_id", "event_id", "seq",
        "hash", "actor", "author", "author_email", "author_time", "committer", "committer_email", "committer_time",
        "files", "pull_request", "approvals", "approval_evidence",
    ]

    /// A row for a Ladder event: environment and files from its transition, approvals from
    /// its counted approvals.
    public init(event: AuditEvent) {
        record = .event
        time = AuditTime.parse(event.time) ?? Date(timeIntervalSince1970: 0)
        environment = event.transition?.to
        action = event.action
        outcome = event.outcome
        kind = Self.kind(of: event.action)
        commit = event.transition?.commit
        promotionID = event.transition?.promotionID
        eventID = event.id
        seq = event.seq
        hash = event.hash
        actor = event.actor.login
        files = event.transition?.changedPaths ?? []
        approvals = (event.approvals ?? []).filter(\.counted).map(\.login)
        self.event = event.json
    }

    /// The commit kind an event row carries for `action`.
    static func kind(of action: AuditAction) -> AuditCommitKind? {
        switch action {
        case .promotionCreated, .promotionUpdated, .promotionChecked, .policyBypassed: return .promotion
        case .rollbackCreated: return .rollback
        case .autoRun, .merged: return nil
        }
    }

    /// A row for a trunk commit that changed `environment`.
    public init(
        commit: String, environment: String, classification: AuditCommitClassification, author: String,
        authorEmail: String, authorTime: Date, committer: String, committerEmail: String, committerTime: Date,
        files: [String], pullRequest: Int?, approvals: [String], approvalEvidence: AuditApprovalEvidence
    ) {
        record = .commit
        time = committerTime
        self.environment = environment
        kind = classification.kind
        self.commit = commit
        promotionID = classification.promotionID
        self.author = author
        self.authorEmail = authorEmail
        self.authorTime = authorTime
        self.committer = committer
        self.committerEmail = committerEmail
        self.committerTime = committerTime
        self.files = files
        self.pullRequest = pullRequest
        self.approvals = approvals
        self.approvalEvidence = approvalEvidence
    }

    /// The row's values by column, `nil` for absent ones; lists stay lists.
    var values: [JSONValue] {
        func date(_ value: Date?) -> JSONValue { value.map { .string(AuditTime.format($0)) } ?? .null }
        return [
            .string(record.rawValue), .string(AuditTime.format(time)), .optional(environment), .optional(action?.rawValue),
            .optional(outcome?.rawValue), .optional(kind?.rawValue), .optional(commit), .optional(promotionID),
            .optional(eventID), seq.map(JSONValue.integer) ?? .null, .optional(hash), .optional(actor), .optional(author),
            .optional(authorEmail), date(authorTime), .optional(committer), .optional(committerEmail), date(committerTime),
            .array(files.map(JSONValue.string)), pullRequest.map { .integer(Int64($0)) } ?? .null,
            .array(approvals.map(JSONValue.string)), .optional(approvalEvidence?.rawValue),
        ]
    }

    /// The row as a JSON object.
    public var json: JSONValue {
        var members = Dictionary(uniqueKeysWithValues: zip(Self.columns, values))
        members["event"] = event ?? .null
        return .object(members)
    }

    /// The row's CSV fields: null as an empty field, lists joined with `;`.
    public var csvFields: [String] {
        values.map { value in
            switch value {
            case .null: return ""
            case .string(let text): return text
            case .integer(let number): return String(number)
            case .array(let elements): return elements.compactMap(\.stringValue).joined(separator: ";")
            default: return value.canonical
            }
        }
    }
}

/// Which rows an export keeps.
public struct AuditExportFilter: Sendable, Hashable {
    /// Keep rows at or after this time.
    public var since: Date?
    /// Keep rows at or before this time.
    public var until: Date?
    /// Keep rows for these environments only (`--env`, repeatable); nil keeps all.
    public var environments: Set<String>?
    /// Keep event rows with these actions and commit rows of these kinds (`--action
    /// promotion.created`, `--action direct`); nil keeps all.
    public var actions: Set<String>?

    public init(since: Date? = nil, until: Date? = nil, environments: Set<String>? = nil, actions: Set<String>? = nil) {
        self.since = since
        self.until = until
        self.environments = environments
        self.actions = actions
    }

    /// True when `row` passes every filter that is set.
    public func matches(_ row: AuditExportRow) -> Bool {
        matches(time: row.time, environment: row.environment, action: row.action?.rawValue, kind: row.kind?.rawValue)
    }

    /// True when no filter is set.
    var keepsEverything: Bool { since == nil && until == nil && environments == nil && actions == nil }

    /// True when a row with these values passes every filter that is set.
    func matches(time: Date, environment: String?, action: String?, kind: String?) -> Bool {
        if let since, time < since { return false }
        if let until, time > until { return false }
        if let environments, !environments.contains(environment ?? "") { return false }
        if let actions {
            let names = [action, kind].compactMap { $0 }
            if !names.contains(where: actions.contains) { return false }
        }
        return true
    }
}

// MARK: - Writers

/// The export file formats.
public enum AuditExportFormat: String, Sendable, Hashable, CaseIterable {
    /// One canonical JSON object per line.
    case jsonl
    /// RFC 4180: a header row, CRLF line ends, fields quoted when they hold `,`, `"`, CR or LF.
    case csv
    /// A pretty-printed JSON array.
    case json
}

/// Writes rows incrementally, so long exports stream: `header`, then `row(_:index:)` for each
/// row (0-based index), then `footer(rowCount:)`.
public struct AuditExportWriter: Sendable {
    public var format: AuditExportFormat

    public init(format: AuditExportFormat) { self.format = format }

    /// Text before the first row: the CSV header row, or the opening bracket of a JSON array.
    public var header: String {
        switch format {
        case .jsonl: return ""
        case .csv: return CSV.line(AuditExportRow.columns)
        case .json: return "["
        }
    }

    /// The text of one row; `index` is its 0-based position (JSON needs it for separators).
    public func row(_ row: AuditExportRow, index: Int) -> String {
        switch format {
        case .jsonl: return row.json.canonical + "\n"
        case .csv: return CSV.line(row.csvFields)
        case .json:
            let indented = row.json.pretty.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
            return (index == 0 ? "\n" : ",\n") + indented
        }
    }

    /// Text after the last row.
    public func footer(rowCount: Int) -> String {
        switch format {
        case .jsonl, .csv: return ""
        case .json: return rowCount == 0 ? "]\n" : "\n]\n"
        }
    }

    /// The whole export of `rows` as one string.
    public func render(_ rows: [AuditExportRow]) -> String {
        var output = header
        for (index, row) in rows.enumerated() { output += self.row(row, index: index) }
        return output + footer(rowCount: rows.count)
    }
}

/// RFC 4180 field quoting.
public enum CSV {
    /// `field`, quoted (with inner quotes doubled) when it holds a comma, a quote, CR or LF.
    public static func field(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A record: the fields quoted as needed, separated by commas, ended by CRLF.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }
}
