import Foundation

/// An owner named in a CODEOWNERS file.
public enum CodeOwner: Hashable, Sendable, CustomStringConvertible {
    /// `@login`, stored without the `@`.
    case user(String)
    /// `@org/team`, stored as `org/team`.
    case team(String)
    /// `someone@example.com`.
    case email(String)

    /// As written in the file: `@alice`, `@org/sre`, `docs@example.com`.
    public var description: String {
        switch self {
        case .user(let login): return "@" + login
        case .team(let name): return "@" + name
        case .email(let address): return address
        }
    }
}

/// One line of a CODEOWNERS file that has a pattern.
public struct CodeOwnersRule: Sendable, Equatable {
    /// The pattern as written.
    public var pattern: String
    /// The owners; empty means the matched paths have no owners.
    public var owners: [CodeOwner]
    /// The 1-based line number.
    public var line: Int
    let matcher: PathPattern

    /// Whether the rule's pattern matches a repository-relative file path (`a/b/c.yaml`).
    public func matches(_ path: String) -> Bool { matcher.matches(path) }
}

/// A problem on one line of a CODEOWNERS file.
public struct CodeOwnersIssue: Sendable, Equatable {
    public var line: Int
    public var reason: String

    /// A problem on 1-based line `line`.
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// Why a CODEOWNERS file was refused.
public enum CodeOwnersError: Error, LocalizedError, Equatable, Sendable {
    /// Larger than GitHub accepts (3 MB); GitHub ignores such a file entirely.
    case tooLarge(file: String, bytes: Int, limit: Int)
    case notUTF8(file: String)
    /// One or more lines are malformed or use syntax GitHub does not support.
    case invalid(file: String, issues: [CodeOwnersIssue])

    public var errorDescription: String? {
        switch self {
        case .tooLarge(let file, let bytes, let limit):
            return "\(file): file too large (\(bytes) bytes, GitHub's limit is \(limit))"
        case .notUTF8(let file):
            return "\(file): not valid UTF-8"
        case .invalid(let file, let issues):
            let shown = issues.prefix(10).map { "\(file):\($0.line): \($0.reason)" }
            let more = issues.count > 10 ? ["and \(issues.count - 10) more problems"] : []
            return (shown + more).joined(separator: "; ")
        }
    }
}

/// A parsed CODEOWNERS file (GitHub syntax).
///
/// Each line is `pattern owner…`; `#` starts a comment at the start of a line or of a word.
/// Patterns follow GitHub's reading of gitignore: a leading or inner `/` anchors the pattern at the
/// repository root, otherwise it matches at any depth; a trailing `/` matches only the contents
/// of a directory; `*` and `?` stay within one path segment; `**` spans segments; a pattern that
/// matches a directory covers everything below it, except `dir/*`, which covers only the direct
/// children of `dir`. The last matching line wins, and a line without owners leaves its paths
/// unowned. GitHub does not support `!` negation, `[ ]` character ranges or escaping a leading `#`,
/// so those are reported as errors rather than matched differently from GitHub.
public struct CodeOwners: Sendable, Equatable {
    /// GitHub ignores CODEOWNERS files larger than this.
    public static let maximumBytes = 3 * 1024 * 1024

    /// The rules in file order.
    public var rules: [CodeOwnersRule]

    /// Parses CODEOWNERS text; `file` names it in errors. All problems are reported together.
    public init(parsing text: String, file: String = "CODEOWNERS") throws(CodeOwnersError) {
        if text.utf8.count > Self.maximumBytes {
            throw .tooLarge(file: file, bytes: text.utf8.count, limit: Self.maximumBytes)
        }
        var rules: [CodeOwnersRule] = []
        var issues: [CodeOwnersIssue] = []
        var lineNumber = 0
        // "\r\n" is a single Character in Swift, so it must be named as a separator of its own.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if lineNumber == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            switch Self.parseLine(line) {
            case .empty: continue
            case .failure(let reason): issues.append(CodeOwnersIssue(line: lineNumber, reason: reason))
            case .rule(let pattern, let owners):
                do throws(CodeOwnersPatternError) {
                    let matcher = try PathPattern(pattern)
                    rules.append(CodeOwnersRule(pattern: pattern, owners: owners, line: lineNumber, matcher: matcher))
                } catch {
                    issues.append(CodeOwnersIssue(line: lineNumber, reason: "\(error.reason): \(quoted(pattern))"))
                }
            }
        }
        if !issues.isEmpty { throw .invalid(file: file, issues: issues) }
        self.rules = rules
    }

    /// Parses a CODEOWNERS file's bytes.
    public init(parsing bytes: [UInt8], file: String = "CODEOWNERS") throws(CodeOwnersError) {
        if bytes.count > Self.maximumBytes { throw .tooLarge(file: file, bytes: bytes.count, limit: Self.maximumBytes) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8(file: file) }
        try self.init(parsing: text, file: file)
    }

    /// The rule that decides `path`'s owners: the last one that matches.
    public func rule(for path: String) -> CodeOwnersRule? {
        rules.last { $0.matches(path) }
    }

    /// The owners of `path`; empty when no rule matches or the deciding rule names nobody.
    public func owners(of path: String) -> [CodeOwner] {
        rule(for: path)?.owners ?? []
    }

    private enum ParsedLine {
        case empty
        case rule(pattern: String, owners: [CodeOwner])
        case failure(String)
    }

    private static func parseLine(_ line: Substring) -> ParsedLine {
        // Split into words on unescaped blanks; a word starting with `#` starts a comment.
        var words: [String] = []
        var word = ""
        var inWord = false
        var iterator = line.unicodeScalars.makeIterator()
        scanning: while let scalar = iterator.next() {
            switch scalar {
            case " ", "\t", "\r":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "#" where !inWord:
                break scanning
            case "\\":
                guard let escaped = iterator.next() else { return .failure("the line ends with a lone backslash") }
                word.unicodeScalars.append(scalar)
                word.unicodeScalars.append(escaped)
                inWord = true
            default:
                word.unicodeScalars.append(scalar)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        guard let pattern = words.first else { return .empty }

        if pattern.hasPrefix("\\#") {
            return .failure(
                "escaping a leading \"#\" is not supported by GitHub, which would ignore this line: \(quoted(pattern))")
        }
        var owners: [CodeOwner] = []
        for text in words.dropFirst() {
            guard let owner = parseOwner(text) else {
                return .failure("invalid owner \(quoted(text)): expected @user, @org/team or an email address")
            }
            if !owners.contains(owner) { owners.append(owner) }
        }
        return .rule(pattern: pattern, owners: owners)
    }

    private static func parseOwner(_ text: String) -> CodeOwner? {
        func isName(_ part: Substring, extra: Set<Character>) -> Bool {
            !part.isEmpty && part.count <= 100
                && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || extra.contains($0)) }
        }
        if text.hasPrefix("@") {
            let parts = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 1, isName(parts[0], extra: ["_"]) { return .user(String(parts[0])) }
            if parts.count == 2, isName(parts[0], extra: ["_"]), isName(parts[1], extra: ["_", "."]) {
                return .team(parts[0] + "/" + parts[1])
            }
            return nil
        }
        let halves = text.split(separator: "@", omittingEmptySubsequences: false)
        guard halves.count == 2, !halves[0].isEmpty, halves[1].contains("."), !halves[1].hasPrefix("."),
            !halves[1].hasSuffix("."),
            text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "\\" })
        else { return nil }
        return .email(text)
    }
}

/// A malformed or unsupported CODEOWNERS pattern.
struct CodeOwnersPatternError: Error {
    let reason: String
}

/// A compiled CODEOWNERS pattern, matched segment by segment against a file path.
struct PathPattern: Sendable, Equatable {
    enum Token: Sendable, Equatable {
        case literal(Unicode.Scalar)
        /// `*`: any run of characters within a segment.
        case star
        /// `?`: one character within a segment.
        case any
    }

    enum Segment: Sendable, Equatable {
        /// `**`: any number of whole segments.
        case globstar
        case glob([Token])
    }

    let segments: [Segment]
    /// A trailing `/`: only paths below a matching directory match.
    let directoryOnly: Bool
    /// `dir/*`: only direct children match, not the contents of subdirectories.
    let childrenOnly: Bool

    init(_ pattern: String) throws(CodeOwnersPatternError) {
        if pattern.hasPrefix("!") { throw CodeOwnersPatternError(reason: "negation (\"!\") is not supported by GitHub") }

        // Split on unescaped `/`, keeping escapes so that `\*` stays a literal star.
        var parts: [[(scalar: Unicode.Scalar, escaped: Bool)]] = [[]]
        var iterator = pattern.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            switch scalar {
            case "\\":
                guard let escaped = iterator.next() else { throw CodeOwnersPatternError(reason: "the pattern ends with a lone backslash") }
                parts[parts.count - 1].append((escaped, true))
            case "/":
                parts.append([])
            case "[":
                throw CodeOwnersPatternError(reason: "character ranges (\"[ ]\") are not supported by GitHub")
            default:
                parts[parts.count - 1].append((scalar, false))
            }
        }

        var anchored = false
        if parts.count > 1, parts[0].isEmpty {
            anchored = true
            parts.removeFirst()
        }
        var directoryOnly = false
        if parts.count > 1, parts[parts.count - 1].isEmpty {
            directoryOnly = true
            parts.removeLast()
        }
        if parts.contains(where: \.isEmpty) {
            throw CodeOwnersPatternError(reason: parts.count == 1 ? "the pattern matches nothing" : "the pattern has an empty segment (\"//\")")
        }
        if parts.count > 1 { anchored = true }

        var segments: [Segment] = parts.map { part in
            if part.count == 2, part.allSatisfy({ $0.scalar == "*" && !$0.escaped }) { return .globstar }
            return .glob(
                part.map { element in
                    if element.escaped { return .literal(element.scalar) }
                    switch element.scalar {
                    case "*": return .star
                    case "?": return .any
                    default: return .literal(element.scalar)
                    }
                })
        }
        if !anchored { segments.insert(.globstar, at: 0) }
        self.segments = segments
        self.directoryOnly = directoryOnly
        self.childrenOnly = !directoryOnly && segments.last == .glob([.star])
    }

    func matches(_ path: String) -> Bool {
        let components = path.split(separator: "/").map { Array($0.unicodeScalars) }
        guard !components.isEmpty else { return false }
        // The pattern may match the whole path, or a leading directory of it (then it covers
        // everything below), subject to the trailing-slash and `dir/*` restrictions.
        for count in stride(from: components.count, through: 1, by: -1) {
            if count == components.count && directoryOnly { continue }
            if count < components.count && childrenOnly { continue }
            if matchesExactly(components[..<count]) { return true }
        }
        return false
    }

    /// Whether the segments match exactly these path components (dynamic programming over
    /// segment × component, so `**` runs cannot blow up).
    private func matchesExactly(_ components: ArraySlice<[Unicode.Scalar]>) -> Bool {
        let count = components.count
        let base = components.startIndex
        // `next[j]`: the segments after the current one match components j..<count.
        var next = [Bool](repeating: false, count: count + 1)
        next[count] = true
        for position in stride(from: segments.count - 1, through: 0, by: -1) {
            var row = [Bool](repeating: false, count: count + 1)
            switch segments[position] {
            case .globstar where position == segments.count - 1 && segments.count > 1:
                // A trailing `/**` matches everything inside, at least one segment.
                for index in 0..<count { row[index] = true }
            case .globstar:
                row[count] = next[count]
                for index in stride(from: count - 1, through: 0, by: -1) { row[index] = next[index] || row[index + 1] }
            case .glob(let tokens):
                for index in 0..<count where next[index + 1] {
                    row[index] = Self.glob(tokens, matches: components[base + index])
                }
            }
            next = row
        }
        return next[0]
    }

    /// Wildcard match within one segment, backtracking only to the last `*` (linear in practice).
    static func glob(_ tokens: [Token], matches text: [Unicode.Scalar]) -> Bool {
        var token = 0
        var character = 0
        var starToken = -1
        var starCharacter = 0
        while character < text.count {
            if token < tokens.count, tokens[token] == .star {
                starToken = token
                starCharacter = character
                token += 1
                continue
            }
            if token < tokens.count {
                let matched: Bool
                switch tokens[token] {
                case .any: matched = true
                case .literal(let scalar): matched = scalar == text[character]
                case .star: matched = false
                }
                if matched {
                    token += 1
                    character += 1
                    continue
                }
            }
            guard starToken >= 0 else { return false }
            token = starToken + 1
            starCharacter += 1
            character = starCharacter
        }
        while token < tokens.count, tokens[token] == .star { token += 1 }
        return token == tokens.count
    }
}
