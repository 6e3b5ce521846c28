import Foundation

/// A path to a value inside a YAML or JSON file, such as `image.tag`, `containers[0].image`,
/// `containers[name=app].image`, `metadata.annotations."example.com/owner"` or, in a
/// multi-document YAML file, `Deployment/web:spec.replicas` and `#2:spec.replicas`.
///
/// Syntax:
/// - segments are separated by `.`; a key made only of letters, digits and `_ - / @ $ +` (or
///   non-ASCII letters) is written bare, any other key is written in double quotes, where `\"`
///   and `\\` stand for a quote and a backslash (`"example.com/x"`, `"a key"`);
/// - `[N]` selects element N (0-based) of a sequence;
/// - `[field=value]` selects the element of a sequence of maps whose `field` is `value` (the
///   value may be quoted like a key);
/// - an optional document prefix ends with `:`: `#N:` is document N (0-based) of a multi-document
///   file, `Kind/name:` is the Kubernetes object with that `kind` and `metadata.name`;
/// - `.` alone is the root of the document.
public struct KeyPath: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// Which document of a multi-document file a path addresses.
    public enum Document: Sendable, Hashable {
        /// The document at this 0-based position.
        case index(Int)
        /// The Kubernetes object with this `kind` and `metadata.name`.
        case object(kind: String, name: String)
    }

    /// One step of a path.
    public enum Segment: Sendable, Hashable {
        /// A key of a map.
        case key(String)
        /// A 0-based position in a sequence.
        case index(Int)
        /// The element of a sequence of maps whose `field` has the scalar value `value`.
        case match(field: String, value: String)
    }

    /// The document addressed, or nil for every document (and for single-document files).
    public var document: Document?
    /// The steps from the document root to the value.
    public var segments: [Segment]

    /// A path from its parts.
    public init(document: Document? = nil, _ segments: [Segment]) {
        self.document = document
        self.segments = segments
    }

    /// Parses the textual form described on the type.
    public init(parsing text: String) throws(KeyPathError) {
        var parser = KeyPathParser(text: text)
        self = try parser.parse()
    }

    /// The same path with a different document prefix.
    public func inDocument(_ document: Document?) -> KeyPath {
        KeyPath(document: document, segments)
    }

    /// The path with one more segment.
    public func appending(_ segment: Segment) -> KeyPath {
        KeyPath(document: document, segments + [segment])
    }

    /// True when `other` has the same document and starts with every segment of this path.
    public func isPrefix(of other: KeyPath) -> Bool {
        document == other.document && other.segments.starts(with: segments)
    }

    /// The textual form; parsing it gives back the same path.
    public var description: String {
        var output = ""
        switch document {
        case .index(let index): output += "#\(index):"
        case .object(let kind, let name): output += "\(kind)/\(name):"
        case nil: break
        }
        if segments.isEmpty { return output + "." }
        for (offset, segment) in segments.enumerated() {
            switch segment {
            case .key(let key):
                if offset > 0 { output += "." }
                output += KeyPath.quotedIfNeeded(key)
            case .index(let index):
                output += "[\(index)]"
            case .match(let field, let value):
                output += "[\(KeyPath.quotedIfNeeded(field))=\(KeyPath.quotedIfNeeded(value))]"
            }
        }
        return output
    }

    public static func < (lhs: KeyPath, rhs: KeyPath) -> Bool {
        lhs.description < rhs.description
    }

    static func isBareCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-", "/", "@", "$", "+": return true
        default: return scalar.value >= 0x80 && !scalar.properties.isWhitespace && scalar.properties.generalCategory != .control
        }
    }

    static func quotedIfNeeded(_ key: String) -> String {
        if !key.isEmpty, !key.hasPrefix("#"), key.unicodeScalars.allSatisfy(isBareCharacter) { return key }
        var output = "\""
        for character in key {
            if character == "\"" || character == "\\" { output.append("\\") }
            output.append(character)
        }
        return output + "\""
    }
}

/// A key path that cannot be parsed.
public struct KeyPathError: Error, LocalizedError, Sendable, Equatable {
    /// The text that was being parsed.
    public let path: String
    /// 1-based character position of the problem.
    public let column: Int
    /// What is wrong, in a few lowercase words.
    public let reason: String

    public var errorDescription: String? { "invalid key path '\(path)' at column \(column): \(reason)" }
}

private struct KeyPathParser {
    let text: String
    let scalars: [Unicode.Scalar]
    var index = 0

    init(text: String) {
        self.text = text
        scalars = Array(text.unicodeScalars)
    }

    func error(_ reason: String) -> KeyPathError {
        KeyPathError(path: text, column: index + 1, reason: reason)
    }

    var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    mutating func parse() throws(KeyPathError) -> KeyPath {
        if scalars.isEmpty { throw error("empty path") }
        let document = try parseDocumentPrefix()
        if index < scalars.count, scalars[index] == ".", index + 1 == scalars.count {
            return KeyPath(document: document, [])
        }
        if index == scalars.count {
            if document != nil { return KeyPath(document: document, []) }
            throw error("empty path")
        }
        var segments: [KeyPath.Segment] = []
        var expectKey = true
        while let scalar = current {
            if scalar == "[" {
                segments.append(try parseBracket())
                expectKey = false
                continue
            }
            if !expectKey {
                guard scalar == "." else { throw error("expected '.' or '[' between segments") }
                index += 1
                guard current != nil else { throw error("path ends with '.'") }
                expectKey = true
                continue
            }
            segments.append(.key(try parseName(stoppingAt: [".", "["])))
            expectKey = false
        }
        if expectKey { throw error("path ends with '.'") }
        return KeyPath(document: document, segments)
    }

    /// `#N:` or `Kind/name:` when the text before the first unquoted `:` has that shape.
    mutating func parseDocumentPrefix() throws(KeyPathError) -> KeyPath.Document? {
        guard let colon = scalars.firstIndex(of: ":"), !scalars[..<colon].contains("\"") else { return nil }
        let head = String(String.UnicodeScalarView(scalars[..<colon]))
        if head.hasPrefix("#") {
            guard let number = Int(head.dropFirst()), number >= 0, head.count > 1 else {
                throw error("a document index is '#' followed by a number")
            }
            index = colon + 1
            return .index(number)
        }
        let parts = head.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw error("':' must follow a document prefix (#N or Kind/name)") }
        guard !parts[0].isEmpty, !parts[1].isEmpty, !parts[0].contains("."), !parts[0].contains("[") else {
            throw error("a document prefix is Kind/name")
        }
        index = colon + 1
        return .object(kind: String(parts[0]), name: String(parts[1]))
    }

    mutating func parseName(stoppingAt stops: Set<Unicode.Scalar>) throws(KeyPathError) -> String {
        if current == "\"" { return try parseQuoted() }
        var name = String.UnicodeScalarView()
        while let scalar = current, !stops.contains(scalar) {
            guard KeyPath.isBareCharacter(scalar) else {
                throw error("'\(scalar)' must be inside a quoted segment")
            }
            name.append(scalar)
            index += 1
        }
        if name.isEmpty { throw error("empty segment") }
        return String(name)
    }

    mutating func parseQuoted() throws(KeyPathError) -> String {
        index += 1
        var name = String.UnicodeScalarView()
        while let scalar = current {
            index += 1
            if scalar == "\"" { return String(name) }
            if scalar == "\\" {
                guard let escaped = current, escaped == "\"" || escaped == "\\" else {
                    throw error("only \\\" and \\\\ are escapes in a quoted segment")
                }
                name.append(escaped)
                index += 1
                continue
            }
            name.append(scalar)
        }
        throw error("unterminated quoted segment")
    }

    mutating func parseBracket() throws(KeyPathError) -> KeyPath.Segment {
        index += 1
        var digits = ""
        while let scalar = current, ("0"..."9").contains(scalar) {
            digits.unicodeScalars.append(scalar)
            index += 1
        }
        if !digits.isEmpty, current == "]" {
            index += 1
            guard let number = Int(digits) else { throw error("index out of range") }
            return .index(number)
        }
        index -= digits.unicodeScalars.count
        let field = try parseName(stoppingAt: ["=", "]"])
        guard current == "=" else { throw error("expected a number or field=value inside '[ ]'") }
        index += 1
        let value = try parseName(stoppingAt: ["]"])
        guard current == "]" else { throw error("missing ']'") }
        index += 1
        return .match(field: field, value: value)
    }
}
