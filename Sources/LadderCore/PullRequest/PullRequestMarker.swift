/// The hidden machine-readable comment in a pull-request body:
/// `<!-- ladder:promotion {"from":…,"id":…,"source_commit":…,"to":…} -->` or
/// `<!-- ladder:rollback {"id":…,"rollback_of":…,"source_commit":…,"to":…} -->`.
///
/// The JSON is canonical (sorted keys, no white space), with `<`, `>` and `&` written as `\u`
/// escapes so that no value can end the comment early.
public struct PullRequestMarker: Sendable, Hashable {
    public let kind: PullRequestContext.Kind
    public let fields: JSONValue

    public init(kind: PullRequestContext.Kind, fields: JSONValue) {
        self.kind = kind
        self.fields = fields
    }

    /// The marker of a pull request for `context`.
    public init(_ context: PullRequestContext) {
        kind = context.kind
        switch context.kind {
        case .promotion:
            fields = [
                "id": .string(context.id), "from": .optional(context.from), "to": .string(context.to),
                "source_commit": .optional(context.sourceCommit),
            ]
        case .rollback:
            fields = [
                "id": .string(context.id), "to": .string(context.to), "rollback_of": .optional(context.rollback?.of),
                "source_commit": .optional(context.sourceCommit),
            ]
        }
    }

    /// The HTML comment, on one line.
    public var comment: String {
        var json = ""
        for character in fields.canonical {
            switch character {
            case "<": json += "\\u003c"
            case ">": json += "\\u003e"
            case "&": json += "\\u0026"
            default: json.append(character)
            }
        }
        return "<!-- ladder:\(kind.rawValue) \(json) -->"
    }

    /// The first Ladder marker in a pull-request body, or nil when there is none or it does not parse.
    public static func find(in body: String) -> PullRequestMarker? {
        guard let start = body.range(of: "<!-- ladder:") else { return nil }
        let rest = body[start.upperBound...]
        guard let space = rest.firstIndex(of: " "), let kind = PullRequestContext.Kind(rawValue: String(rest[..<space])),
            let end = rest.range(of: " -->")
        else { return nil }
        guard space < end.lowerBound, let fields = try? JSONValue.parse(String(rest[rest.index(after: space)..<end.lowerBound])),
            fields.objectValue != nil
        else { return nil }
        return PullRequestMarker(kind: kind, fields: fields)
    }
}
