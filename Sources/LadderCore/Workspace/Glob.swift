import Foundation

/// A gitignore-style pattern, matched against slash-separated paths relative to an environment
/// directory: `*` and `?` never cross a slash, `**` spans directories, a pattern without an inner
/// slash matches a name at any depth, a leading slash anchors, a trailing slash matches directories
/// only (and therefore everything below them), `[a-z]` classes and `\` escapes work as in git.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written (including any leading `!`).
    public let source: String
    /// True for `!pattern`, which re-includes what earlier patterns matched.
    public let isNegated: Bool
    let directoryOnly: Bool
    let anchored: Bool
    let segments: [Segment]

    enum Segment: Sendable, Hashable {
        case doubleStar
        case pattern([Token])
    }

    enum Token: Sendable, Hashable {
        case literal(Unicode.Scalar)
        case any          // ?
        case star         // *
        case set([ClosedRange<Unicode.Scalar>], negated: Bool)
    }

    public var description: String { source }

    public struct SyntaxError: Error, LocalizedError, Sendable {
        public let pattern: String
        public let reason: String
        public var errorDescription: String? { "bad pattern '\(pattern)': \(reason)" }
    }

    public init(_ source: String) throws(SyntaxError) {
        self.source = source
        var text = Substring(source)
        guard !text.isEmpty else { throw SyntaxError(pattern: source, reason: "the pattern is empty") }
        isNegated = text.hasPrefix("!")
        if isNegated { text = text.dropFirst() }
        if text.hasPrefix("\\!") || text.hasPrefix("\\#") { text = text.dropFirst() }
        directoryOnly = text.hasSuffix("/") && !text.hasSuffix("\\/")
        if directoryOnly { text = text.dropLast() }
        var body = String(text)
        var isAnchored = body.hasPrefix("/")
        if isAnchored { body.removeFirst() }
        guard !body.isEmpty else { throw SyntaxError(pattern: source, reason: "the pattern matches nothing") }
        if body.contains("/") { isAnchored = true }
        if body.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0 == "." }) {
            throw SyntaxError(pattern: source, reason: "'.' and '..' are not allowed in patterns")
        }
        anchored = isAnchored
        var parsed: [Segment] = []
        for part in body.split(separator: "/", omittingEmptySubsequences: false) {
            if part.isEmpty { throw SyntaxError(pattern: source, reason: "empty path segment ('//')") }
            if part == "**" {
                if parsed.last != .doubleStar { parsed.append(.doubleStar) }
            } else {
                parsed.append(.pattern(try Self.tokens(String(part), source: source)))
            }
        }
        segments = parsed
    }

    private static func tokens(_ part: String, source: String) throws(SyntaxError) -> [Token] {
        var result: [Token] = []
        let scalars = Array(part.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\":
                index += 1
                guard index < scalars.count else { throw SyntaxError(pattern: source, reason: "a trailing backslash escapes nothing") }
                result.append(.literal(scalars[index]))
            case "?": result.append(.any)
            case "*":
                if result.last != .star { result.append(.star) }
            case "[":
                var cursor = index + 1
                var negated = false
                if cursor < scalars.count, scalars[cursor] == "!" || scalars[cursor] == "^" {
                    negated = true
                    cursor += 1
                }
                var ranges: [ClosedRange<Unicode.Scalar>] = []
                var first = true
                while cursor < scalars.count, scalars[cursor] != "]" || first {
                    first = false
                    var low = scalars[cursor]
                    if low == "\\", cursor + 1 < scalars.count {
                        cursor += 1
                        low = scalars[cursor]
                    }
                    if cursor + 2 < scalars.count, scalars[cursor + 1] == "-", scalars[cursor + 2] != "]" {
                        let high = scalars[cursor + 2]
                        guard low <= high else { throw SyntaxError(pattern: source, reason: "reversed range \(low)-\(high)") }
                        ranges.append(low...high)
                        cursor += 3
                    } else {
                        ranges.append(low...low)
                        cursor += 1
                    }
                }
                guard cursor < scalars.count else { throw SyntaxError(pattern: source, reason: "unclosed '['") }
                result.append(.set(ranges, negated: negated))
                index = cursor
            default: result.append(.literal(scalar))
            }
            index += 1
        }
        return result
    }

    /// True when this pattern matches `path` itself (a file when `isDirectory` is false) or one of
    /// its parent directories.
    public func matches(_ path: String, isDirectory: Bool = false) -> Bool {
        let components = path.split(separator: "/").map { Array($0.unicodeScalars) }
        guard !components.isEmpty else { return false }
        // The path itself, then each parent directory (a match on a directory covers its contents).
        for length in stride(from: components.count, through: 1, by: -1) {
            let candidateIsDirectory = length < components.count || isDirectory
            if directoryOnly && !candidateIsDirectory { continue }
            if matchesExactly(Array(components[0..<length])) { return true }
        }
        return false
    }

    private func matchesExactly(_ components: [[Unicode.Scalar]]) -> Bool {
        if anchored {
            return Self.match(segments[...], components[...])
        }
        // Unanchored single-segment pattern: matches the last component at any depth.
        guard let last = components.last, case .pattern(let tokens) = segments.first, segments.count == 1 else {
            return Self.match(segments[...], components[...])
        }
        return Self.matchSegment(tokens[...], last[...])
    }

    private static func match(_ segments: ArraySlice<Segment>, _ components: ArraySlice<[Unicode.Scalar]>) -> Bool {
        guard let first = segments.first else { return components.isEmpty }
        switch first {
        case .doubleStar:
            let rest = segments.dropFirst()
            if rest.isEmpty { return !components.isEmpty }
            var remaining = components
            while true {
                if match(rest, remaining) { return true }
                if remaining.isEmpty { return false }
                remaining = remaining.dropFirst()
            }
        case .pattern(let tokens):
            guard let component = components.first else { return false }
            return matchSegment(tokens[...], component[...]) && match(segments.dropFirst(), components.dropFirst())
        }
    }

    private static func matchSegment(_ tokens: ArraySlice<Token>, _ text: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let token = tokens.first else { return text.isEmpty }
        switch token {
        case .star:
            var remaining = text
            while true {
                if matchSegment(tokens.dropFirst(), remaining) { return true }
                if remaining.isEmpty { return false }
                remaining = remaining.dropFirst()
            }
        case .any:
            return !text.isEmpty && matchSegment(tokens.dropFirst(), text.dropFirst())
        case .literal(let scalar):
            return text.first == scalar && matchSegment(tokens.dropFirst(), text.dropFirst())
        case .set(let ranges, let negated):
            guard let scalar = text.first else { return false }
            let inSet = ranges.contains { $0.contains(scalar) }
            return inSet != negated && matchSegment(tokens.dropFirst(), text.dropFirst())
        }
    }
}

/// An ordered list of patterns where the last matching pattern decides, as in a `.gitignore` file.
public struct GlobList: Sendable, Hashable {
    public let patterns: [GlobPattern]

    public init(_ patterns: [GlobPattern]) {
        self.patterns = patterns
    }

    public var isEmpty: Bool { patterns.isEmpty }

    /// The pattern that decides `path` is matched, or nil when it is not matched (no pattern, or
    /// re-included by a later `!pattern`).
    public func match(_ path: String, isDirectory: Bool = false) -> GlobPattern? {
        var decided: GlobPattern?
        for pattern in patterns where pattern.matches(path, isDirectory: isDirectory) {
            decided = pattern.isNegated ? nil : pattern
        }
        return decided
    }
}
