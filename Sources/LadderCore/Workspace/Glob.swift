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
        matches(GlobPath(path), isDirectory: isDirectory)
    }

    /// `matches(_:isDirectory:)` on a path split once for every pattern it is tested against.
    func matches(_ path: GlobPath, isDirectory: Bool = false) -> Bool {
        let count = path.components.count
        guard count > 0 else { return false }
        // The path itself, then each parent directory (a match on a directory covers its contents).
        for length in stride(from: count, through: 1, by: -1) {
            let candidateIsDirectory = length < count || isDirectory
            if directoryOnly && !candidateIsDirectory { continue }
            if matchesExactly(path, length: length) { return true }
        }
        return false
    }

    /// True when every path strictly below the directory `path` matches this pattern: a pattern
    /// `X/**` whose `X` matches the directory itself.
    func matchesEverythingBelow(_ path: GlobPath) -> Bool {
        guard !isNegated, !directoryOnly, segments.count >= 2, segments.last == .doubleStar, !path.components.isEmpty else { return false }
        return Self.match(segments.dropLast(), path, 0, path.components.count)
    }

    private func matchesExactly(_ path: GlobPath, length: Int) -> Bool {
        if anchored {
            // Without `**` a pattern only matches paths with as many components as it has segments.
            if !hasDoubleStar && segments.count != length { return false }
            return Self.match(segments[...], path, 0, length)
        }
        // Unanchored single-segment pattern: matches the last component at any depth.
        guard case .pattern(let tokens) = segments.first, segments.count == 1 else {
            return Self.match(segments[...], path, 0, length)
        }
        return Self.matchSegment(tokens, path.scalars, path.components[length - 1])
    }

    private var hasDoubleStar: Bool { segments.contains(.doubleStar) }

    /// Matches `segments` against components `first..<end` of `path`.
    private static func match(_ segments: ArraySlice<Segment>, _ path: GlobPath, _ first: Int, _ end: Int) -> Bool {
        guard let segment = segments.first else { return first == end }
        switch segment {
        case .doubleStar:
            let rest = segments.dropFirst()
            if rest.isEmpty { return first < end }
            var start = first
            while true {
                if match(rest, path, start, end) { return true }
                if start == end { return false }
                start += 1
            }
        case .pattern(let tokens):
            guard first < end else { return false }
            return matchSegment(tokens, path.scalars, path.components[first]) && match(segments.dropFirst(), path, first + 1, end)
        }
    }

    /// Matches one segment's tokens against `text[range]`; `*` backtracks to its latest position
    /// only, which is exact because no other token can consume what a later `*` would.
    private static func matchSegment(_ tokens: [Token], _ text: [Unicode.Scalar], _ range: Range<Int>) -> Bool {
        var token = 0
        var index = range.lowerBound
        var starToken = -1
        var starIndex = 0
        while index < range.upperBound {
            if token < tokens.count {
                switch tokens[token] {
                case .star:
                    starToken = token
                    starIndex = index
                    token += 1
                    continue
                case .any:
                    token += 1
                    index += 1
                    continue
                case .literal(let scalar):
                    if text[index] == scalar {
                        token += 1
                        index += 1
                        continue
                    }
                case .set(let ranges, let negated):
                    if ranges.contains(where: { $0.contains(text[index]) }) != negated {
                        token += 1
                        index += 1
                        continue
                    }
                }
            }
            guard starToken >= 0 else { return false }
            token = starToken + 1
            starIndex += 1
            index = starIndex
        }
        while token < tokens.count, tokens[token] == .star { token += 1 }
        return token == tokens.count
    }
}

/// A slash-separated path split once into components (empty components dropped, as
/// `split(separator: "/")` does), for matching against many patterns.
struct GlobPath {
    let scalars: [Unicode.Scalar]
    /// The range of each component in `scalars`.
    let components: [Range<Int>]

    init(_ path: String) {
        // One pass, into storage reserved once: status splits every file path of every unit.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(path.utf8.count)
        var components: [Range<Int>] = []
        components.reserveCapacity(8)
        var start = 0
        for scalar in path.unicodeScalars {
            if scalar == "/" {
                if scalars.count > start { components.append(start..<scalars.count) }
                start = scalars.count + 1
            }
            scalars.append(scalar)
        }
        if scalars.count > start { components.append(start..<scalars.count) }
        self.scalars = scalars
        self.components = components
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
        match(GlobPath(path), isDirectory: isDirectory)
    }

    func match(_ path: GlobPath, isDirectory: Bool = false) -> GlobPattern? {
        var decided: GlobPattern?
        for pattern in patterns where pattern.matches(path, isDirectory: isDirectory) {
            decided = pattern.isNegated ? nil : pattern
        }
        return decided
    }

    /// True when every path strictly below the directory `path` is matched, whatever its name:
    /// a pattern `X/**` matches the directory's contents and no later `!pattern` can re-include any.
    func matchesEverythingBelow(_ path: GlobPath) -> Bool {
        guard let last = patterns.lastIndex(where: { $0.matchesEverythingBelow(path) }) else { return false }
        return !patterns[(last + 1)...].contains(where: \.isNegated)
    }
}
