import Foundation

/// The state of one review, as the forges report it.
public enum ReviewState: String, Sendable, CaseIterable, Codable {
    case approved
    case changesRequested = "changes_requested"
    case commented
    case dismissed
    /// Started but not submitted; it never counts.
    case pending

    /// Accepted spellings (compared case-insensitively): GitHub's `APPROVED`… and the neutral `approved`….
    static let names: KeyValuePairs<String, ReviewState> = [
        "approved": .approved, "changes_requested": .changesRequested, "commented": .commented,
        "dismissed": .dismissed, "pending": .pending,
    ]
}

/// One review of a pull request or merge request.
public struct Review: Sendable, Equatable {
    /// The reviewer's login (GitHub) or user name (GitLab), as the forge spells it.
    public var login: String
    public var state: ReviewState
    /// The commit the review was given for (lower case); nil when the forge does not say, in which
    /// case the review is taken to be for the head commit.
    public var commit: String?
    /// When the review was submitted, if known.
    public var submittedAt: Date?
    /// Position in the input file (array index from 0), for messages and ordering.
    public var index: Int

    /// A review; `index` is its position in the input.
    public init(login: String, state: ReviewState, commit: String? = nil, submittedAt: Date? = nil, index: Int) {
        self.login = login
        self.state = state
        self.commit = commit
        self.submittedAt = submittedAt
        self.index = index
    }
}

/// The shape a reviews file was recognised as.
public enum ReviewsFormat: String, Sendable {
    /// GitHub "list reviews for a pull request": `[{user:{login}, state, commit_id, submitted_at}]`.
    case github
    /// GitLab merge request approvals: `{approved_by:[{user:{username}, approved_at?}]}`.
    case gitlab
    /// Ladder's neutral form: `[{"user", "state", "commit"?, "submitted_at"?}]`. An empty array is read as this.
    case neutral
}

/// The contents of a `--reviews` file.
public struct ReviewsInput: Sendable, Equatable {
    public var format: ReviewsFormat
    /// The reviews in input order.
    public var reviews: [Review]
    /// Entries that were read but left out, in plain words (a GitHub review by a deleted account).
    public var notes: [String]

    /// Reviews already read by other means.
    public init(format: ReviewsFormat, reviews: [Review], notes: [String] = []) {
        self.format = format
        self.reviews = reviews
        self.notes = notes
    }

    /// Reads a reviews file, recognising its shape. `file` names it in errors.
    ///
    /// GitLab approvals carry no commit (GitLab resets approvals on push when the project asks it
    /// to, so they are read as approvals of the head commit) and a time only on recent versions
    /// (`approved_at`).
    public init(parsing bytes: [UInt8], file: String) throws(ForgeInputError) {
        try self.init(json: try parseForgeJSON(bytes, file: file), file: file)
    }

    /// Reads an already parsed reviews document.
    public init(json: JSONValue, file: String) throws(ForgeInputError) {
        switch json {
        case .object(let members) where members["approved_by"] != nil:
            try self.init(gitlab: json, file: file)
        case .array(let elements):
            guard let first = elements.first else {
                self.init(format: .neutral, reviews: [])
                return
            }
            let entry = try ForgeEntry(file: file, entry: "review 0", value: first)
            switch entry.members["user"] {
            case .object?, .null?: try self.init(github: json, file: file)
            case .string?: try self.init(neutral: json, file: file)
            case nil: throw .missingField(file: file, entry: "review 0", field: "user")
            case let other?:
                throw .wrongType(
                    file: file, entry: "review 0", field: "user", expected: "an object (GitHub) or a string",
                    found: other.kindName)
            }
        default:
            throw .unrecognised(
                file: file,
                expected: "a reviews document (a GitHub or neutral array of reviews, or GitLab approvals with \"approved_by\")",
                found: describeShape(json))
        }
    }

    private init(github json: JSONValue, file: String) throws(ForgeInputError) {
        var reviews: [Review] = []
        var notes: [String] = []
        for (index, element) in try boundedArray(json, file: file, noun: "reviews").enumerated() {
            let entry = try ForgeEntry(file: file, entry: "review \(index)", value: element)
            switch entry.members["user"] {
            case nil: throw .missingField(file: file, entry: entry.entry, field: "user")
            case .null?:
                // GitHub reports reviews by deleted accounts with `"user": null`; nobody can be
                // credited or blamed for them.
                notes.append("review \(index) ignored: its author's account was deleted")
                continue
            case .object?: break
            case let other?:
                throw .wrongType(file: file, entry: entry.entry, field: "user", expected: "an object", found: other.kindName)
            }
            reviews.append(
                Review(
                    login: try entry.requiredLogin("user.login"),
                    state: try entry.requiredEnum("state", noun: "state", ReviewState.names),
                    commit: try entry.optionalCommit("commit_id"),
                    submittedAt: try entry.optionalDate("submitted_at"),
                    index: index))
        }
        self.init(format: .github, reviews: reviews, notes: notes)
    }

    private init(gitlab json: JSONValue, file: String) throws(ForgeInputError) {
        guard let approvedBy = json["approved_by"] else {
            throw .missingField(file: file, entry: "document", field: "approved_by")
        }
        guard case .array = approvedBy else {
            throw .wrongType(
                file: file, entry: "document", field: "approved_by", expected: "an array", found: approvedBy.kindName)
        }
        var reviews: [Review] = []
        for (index, element) in try boundedArray(approvedBy, file: file, noun: "approvals").enumerated() {
            let entry = try ForgeEntry(file: file, entry: "approved_by \(index)", value: element)
            reviews.append(
                Review(
                    login: try entry.requiredLogin("user.username"), state: .approved, commit: nil,
                    submittedAt: try entry.optionalDate("approved_at"), index: index))
        }
        self.init(format: .gitlab, reviews: reviews)
    }

    private init(neutral json: JSONValue, file: String) throws(ForgeInputError) {
        var reviews: [Review] = []
        for (index, element) in try boundedArray(json, file: file, noun: "reviews").enumerated() {
            let entry = try ForgeEntry(file: file, entry: "review \(index)", value: element)
            reviews.append(
                Review(
                    login: try entry.requiredLogin("user"),
                    state: try entry.requiredEnum("state", noun: "state", ReviewState.names),
                    commit: try entry.optionalCommit("commit"),
                    submittedAt: try entry.optionalDate("submitted_at"),
                    index: index))
        }
        self.init(format: .neutral, reviews: reviews)
    }
}
