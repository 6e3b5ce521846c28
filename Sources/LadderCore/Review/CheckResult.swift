import Foundation

/// The normalised outcome of one status check.
public enum CheckState: String, Sendable, CaseIterable, Codable {
    case success
    case failure
    /// Queued, running, or waiting for someone (a GitLab manual job).
    case pending
    case neutral
    case skipped
    case cancelled

    static let names: KeyValuePairs<String, CheckState> = [
        "success": .success, "failure": .failure, "pending": .pending, "neutral": .neutral,
        "skipped": .skipped, "cancelled": .cancelled,
    ]
}

/// One status check as reported by a forge, normalised.
public struct CheckResult: Sendable, Equatable {
    /// The check's name (GitHub check-run name or status context, GitLab job/status name).
    public var name: String
    public var state: CheckState
    /// The commit the check ran on (lower case), when the forge says.
    public var headSHA: String?
    /// When the check last changed (completed, started, updated or created), when the forge says.
    public var time: Date?
    /// Position in the input file (array index from 0).
    public var index: Int

    /// A check result; `index` is its position in the input.
    public init(name: String, state: CheckState, headSHA: String? = nil, time: Date? = nil, index: Int) {
        self.name = name
        self.state = state
        self.headSHA = headSHA
        self.time = time
        self.index = index
    }
}

/// The shape a checks file was recognised as.
public enum ChecksFormat: String, Sendable {
    /// GitHub check runs: `{check_runs:[{name, status, conclusion, head_sha}]}`.
    case githubCheckRuns = "github-check-runs"
    /// GitHub combined status `{sha, statuses:[{context, state}]}`, or the plain list of statuses
    /// for a reference `[{context, state}]`.
    case githubStatus = "github-status"
    /// GitLab commit statuses: `[{name, status, sha}]`.
    case gitlab
    /// Ladder's neutral form: `[{"name", "state", "commit"?}]`. An empty array is read as this.
    case neutral
}

/// The contents of a `--checks` file.
public struct ChecksInput: Sendable, Equatable {
    public var format: ChecksFormat
    /// Every entry in input order, duplicates included; `latest(for:)` picks the deciding ones.
    public var results: [CheckResult]

    /// Checks already read by other means.
    public init(format: ChecksFormat, results: [CheckResult]) {
        self.format = format
        self.results = results
    }

    /// Reads a checks file, recognising its shape. `file` names it in errors.
    ///
    /// Mapping to `CheckState`: GitHub check runs that are not `completed` are pending; a
    /// completed run's conclusion `timed_out`, `action_required` and `stale` are failures. GitHub
    /// status `error` is a failure. GitLab `failed` is a failure; `created`, `waiting_for_resource`,
    /// `preparing`, `pending`, `running`, `scheduled` and `manual` are pending; `canceled` and
    /// `canceling` are cancelled.
    public init(parsing bytes: [UInt8], file: String) throws(ForgeInputError) {
        try self.init(json: try parseForgeJSON(bytes, file: file), file: file)
    }

    /// Reads an already parsed checks document.
    public init(json: JSONValue, file: String) throws(ForgeInputError) {
        switch json {
        case .object(let members) where members["check_runs"] != nil:
            try self.init(checkRuns: members["check_runs"]!, file: file)
        case .object(let members) where members["statuses"] != nil:
            let entry = try ForgeEntry(file: file, entry: "document", value: json)
            try self.init(statuses: members["statuses"]!, sha: try entry.optionalCommit("sha"), label: "statuses", file: file)
        case .array(let elements):
            guard let first = elements.first else {
                self.init(format: .neutral, results: [])
                return
            }
            let entry = try ForgeEntry(file: file, entry: "check 0", value: first)
            if entry.members["context"] != nil {
                try self.init(statuses: json, sha: nil, label: "check", file: file)
            } else if entry.members["status"] != nil {
                try self.init(gitlab: json, file: file)
            } else if entry.members["state"] != nil {
                try self.init(neutral: json, file: file)
            } else {
                throw .missingField(file: file, entry: "check 0", field: "state")
            }
        default:
            throw .unrecognised(
                file: file,
                expected: "a checks document (GitHub \"check_runs\" or \"statuses\", or a GitLab or neutral array of checks)",
                found: describeShape(json))
        }
    }

    private static let checkRunStatuses: KeyValuePairs<String, Bool> = [
        "queued": false, "in_progress": false, "completed": true, "waiting": false, "requested": false,
        "pending": false,
    ]
    private static let checkRunConclusions: KeyValuePairs<String, CheckState> = [
        "success": .success, "failure": .failure, "neutral": .neutral, "cancelled": .cancelled,
        "skipped": .skipped, "timed_out": .failure, "action_required": .failure, "stale": .failure,
    ]
    private static let statusStates: KeyValuePairs<String, CheckState> = [
        "success": .success, "failure": .failure, "error": .failure, "pending": .pending,
    ]
    private static let gitlabStatuses: KeyValuePairs<String, CheckState> = [
        "success": .success, "failed": .failure, "created": .pending, "waiting_for_resource": .pending,
        "preparing": .pending, "pending": .pending, "running": .pending, "scheduled": .pending,
        "manual": .pending, "canceled": .cancelled, "canceling": .cancelled, "skipped": .skipped,
    ]

    private init(checkRuns: JSONValue, file: String) throws(ForgeInputError) {
        var results: [CheckResult] = []
        for (index, element) in try boundedArray(checkRuns, file: file, noun: "check runs").enumerated() {
            let entry = try ForgeEntry(file: file, entry: "check_runs \(index)", value: element)
            let name = try entry.requiredName("name")
            let completed = try entry.requiredEnum("status", noun: "status", Self.checkRunStatuses)
            let state: CheckState
            if completed {
                state = try entry.requiredEnum("conclusion", noun: "conclusion", Self.checkRunConclusions)
            } else {
                state = .pending
            }
            results.append(
                CheckResult(
                    name: name, state: state, headSHA: try entry.optionalCommit("head_sha"),
                    time: try entry.firstDate("completed_at", "started_at"), index: index))
        }
        self.init(format: .githubCheckRuns, results: results)
    }

    private init(statuses: JSONValue, sha: String?, label: String, file: String) throws(ForgeInputError) {
        var results: [CheckResult] = []
        let list: [JSONValue]
        if case .array = statuses {
            list = try boundedArray(statuses, file: file, noun: "statuses")
        } else {
            throw .wrongType(file: file, entry: "document", field: "statuses", expected: "an array", found: statuses.kindName)
        }
        for (index, element) in list.enumerated() {
            let entry = try ForgeEntry(file: file, entry: "\(label) \(index)", value: element)
            results.append(
                CheckResult(
                    name: try entry.requiredName("context"),
                    state: try entry.requiredEnum("state", noun: "state", Self.statusStates),
                    headSHA: sha, time: try entry.firstDate("updated_at", "created_at"), index: index))
        }
        self.init(format: .githubStatus, results: results)
    }

    private init(gitlab json: JSONValue, file: String) throws(ForgeInputError) {
        var results: [CheckResult] = []
        for (index, element) in try boundedArray(json, file: file, noun: "checks").enumerated() {
            let entry = try ForgeEntry(file: file, entry: "check \(index)", value: element)
            results.append(
                CheckResult(
                    name: try entry.requiredName("name"),
                    state: try entry.requiredEnum("status", noun: "status", Self.gitlabStatuses),
                    headSHA: try entry.optionalCommit("sha"),
                    time: try entry.firstDate("finished_at", "started_at", "created_at"), index: index))
        }
        self.init(format: .gitlab, results: results)
    }

    private init(neutral json: JSONValue, file: String) throws(ForgeInputError) {
        var results: [CheckResult] = []
        for (index, element) in try boundedArray(json, file: file, noun: "checks").enumerated() {
            let entry = try ForgeEntry(file: file, entry: "check \(index)", value: element)
            results.append(
                CheckResult(
                    name: try entry.requiredName("name"),
                    state: try entry.requiredEnum("state", noun: "state", CheckState.names),
                    headSHA: try entry.optionalCommit("commit"), index: index))
        }
        self.init(format: .neutral, results: results)
    }
}

extension CheckResult {
    /// The deciding result for each check name.
    ///
    /// When several entries share a name (re-runs, or a status list that keeps history), one
    /// decides, chosen in this order:
    /// 1. when `headCommit` is given, an entry for the head commit (or one that does not say which
    ///    commit it ran on) beats an entry for another commit;
    /// 2. then the later `time`, when both entries have one;
    /// 3. then the later position in the file (GitHub and GitLab list newer runs last unless they
    ///    give times).
    public static func latest(_ results: [CheckResult], headCommit: String?) -> [String: CheckResult] {
        var deciding: [String: CheckResult] = [:]
        for result in results {
            guard let current = deciding[result.name] else {
                deciding[result.name] = result
                continue
            }
            if result.supersedes(current, headCommit: headCommit) { deciding[result.name] = result }
        }
        return deciding
    }

    /// Whether this result ran on the head commit, or does not say.
    func isFor(headCommit: String?) -> Bool {
        guard let headCommit, let headSHA else { return true }
        return commitsMatch(headSHA, headCommit)
    }

    private func supersedes(_ other: CheckResult, headCommit: String?) -> Bool {
        let mine = isFor(headCommit: headCommit)
        let theirs = other.isFor(headCommit: headCommit)
        if mine != theirs { return mine }
        if let time, let otherTime = other.time, time != otherTime { return time > otherTime }
        return index > other.index
    }
}
