/// The environment ladder as a mermaid `flowchart LR`, with one edge (a promotion) or one
/// environment (a rollback) highlighted.
struct MermaidFlowchart {
    let ladder: PullRequestContext.Ladder
    /// The promotion edge to highlight; it is drawn even when the ladder does not list it.
    let edge: PullRequestContext.Edge?
    /// Environments to highlight.
    let highlighted: [String]

    /// The flowchart source, without the surrounding code fence.
    var source: String {
        var names: [String] = []
        var seen: Set<String> = []
        func add(_ name: String) {
            if seen.insert(name).inserted { names.append(name) }
        }
        ladder.environments.forEach(add)
        var edges: [PullRequestContext.Edge] = []
        var seenEdges: Set<PullRequestContext.Edge> = []
        for candidate in ladder.edges + (edge.map { [$0] } ?? []) where seenEdges.insert(candidate).inserted {
            add(candidate.from)
            add(candidate.to)
            edges.append(candidate)
        }
        highlighted.forEach(add)
        let ids = Self.identifiers(for: names)

        var lines = ["flowchart LR"]
        for name in names {
            lines.append("    \(ids[name]!)[\"\(Self.label(name))\"]")
        }
        var highlightedLink: Int?
        for (index, candidate) in edges.enumerated() {
            let current = candidate == edge
            if current { highlightedLink = index }
            lines.append("    \(ids[candidate.from]!) \(current ? "==>" : "-->") \(ids[candidate.to]!)")
        }
        let marked = names.filter { highlighted.contains($0) }
        if !marked.isEmpty {
            lines.append("    classDef current fill:#fff4ce,stroke:#d97706,stroke-width:3px")
            lines.append("    class \(marked.map { ids[$0]! }.joined(separator: ",")) current")
        }
        if let highlightedLink {
            lines.append("    linkStyle \(highlightedLink) stroke:#d97706,stroke-width:4px")
        }
        return lines.joined(separator: "\n")
    }

    /// A mermaid node id for every name: `env_` and the name with every character outside
    /// `[A-Za-z0-9_]` replaced by `_` (the prefix keeps clear of keywords such as `end` and of the
    /// `o`/`x` arrow heads), made unique with a numeric suffix.
    static func identifiers(for names: [String]) -> [String: String] {
        var ids: [String: String] = [:]
        var used: Set<String> = []
        for name in names {
            let cleaned = String(
                name.unicodeScalars.map { scalar -> Character in
                    scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
                        ? Character(scalar) : "_"
                })
            var id = "env_" + cleaned
            var suffix = 2
            while used.contains(id) {
                id = "env_\(cleaned)_\(suffix)"
                suffix += 1
            }
            used.insert(id)
            ids[name] = id
        }
        return ids
    }

    /// A node label for a quoted mermaid string: quotes, angle brackets, `#`, `&` and backticks as
    /// mermaid entity codes, line breaks as spaces.
    static func label(_ name: String) -> String {
        var output = ""
        for character in Markdown.singleLine(name) {
            switch character {
            case "\"": output += "#quot;"
            case "<": output += "#lt;"
            case ">": output += "#gt;"
            case "&": output += "#amp;"
            case "#": output += "#35;"
            case "`": output += "#96;"
            default: output.append(character)
            }
        }
        return output.isEmpty ? " " : output
    }
}
