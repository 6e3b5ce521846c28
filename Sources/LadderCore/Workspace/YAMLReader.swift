import Foundation
import Yams

/// Strict reading of a YAML configuration file: every value is checked for its type, unknown keys
/// are refused with the closest known key as a hint, and every error carries file:line:column.
public struct YAMLReader {
    public let file: String

    /// Refuse documents with more nodes than this (alias expansion included).
    static let maximumNodes = 200_000
    static let maximumDepth = 64

    public init(file: String) {
        self.file = file
    }

    /// Parses `bytes` as a single YAML document whose root must be a mapping.
    public func parseRoot(_ bytes: [UInt8]) throws(ConfigError) -> YAMLMap {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let line = Self.firstInvalidUTF8Line(bytes)
            throw ConfigError(file: file, line: line, column: 1, reason: "the file is not valid UTF-8")
        }
        let node: Node?
        do {
            // The basic resolver: values are typed by the reader from their text and style, and
            // Yams's default resolver compiles a dozen ICU regular expressions (~9 M instructions,
            // 2-3 ms) the first time it is used.
            node = try Yams.compose(yaml: text, .basic, .default, .utf8)
        } catch let error as YamlError {
            throw convert(error)
        } catch {
            throw ConfigError(file: file, line: 0, column: 0, reason: "cannot parse YAML: \(error)")
        }
        guard let node else {
            throw ConfigError(file: file, line: 0, column: 0, reason: "the file is empty")
        }
        var count = 0
        try checkSize(node, depth: 0, count: &count)
        guard case .mapping(let mapping) = node else {
            throw error(at: node, "the top level must be a mapping of keys to values, not \(Self.kind(node))")
        }
        return YAMLMap(reader: self, mapping: mapping, node: node, path: "")
    }

    private func checkSize(_ node: Node, depth: Int, count: inout Int) throws(ConfigError) {
        count += 1
        if count > Self.maximumNodes {
            throw error(at: node, "the document is too large (more than \(Self.maximumNodes) values, aliases expanded)")
        }
        if depth > Self.maximumDepth {
            throw error(at: node, "the document is nested more than \(Self.maximumDepth) levels deep")
        }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                try checkSize(key, depth: depth + 1, count: &count)
                try checkSize(value, depth: depth + 1, count: &count)
            }
        case .sequence(let sequence):
            for element in sequence { try checkSize(element, depth: depth + 1, count: &count) }
        default:
            break
        }
    }

    /// The 1-based line holding the first byte sequence that is not valid UTF-8.
    static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int {
        var line = 1
        for slice in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if String(validating: slice, as: UTF8.self) == nil { return line }
            line += 1
        }
        return line
    }

    func convert(_ error: YamlError) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let contextText = context.map { "\($0.text) " } ?? ""
            return ConfigError(file: file, line: mark.line, column: mark.column, reason: "invalid YAML: \(contextText)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(
                file: file, line: context.mark.line, column: context.mark.column,
                reason: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping")
        case .reader(let problem, _, _, _):
            return ConfigError(file: file, line: 0, column: 0, reason: "invalid YAML: \(problem)")
        default:
            return ConfigError(file: file, line: 0, column: 0, reason: "invalid YAML: \(error)")
        }
    }

    func error(at node: Node?, _ reason: String, hint: String? = nil) -> ConfigError {
        let mark = node?.mark
        return ConfigError(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, reason: reason, hint: hint)
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if scalar.tag.description == "tag:yaml.org,2002:null" || (scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)) {
                return "null"
            }
            return "a scalar value"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

/// A mapping being read; tracks which keys were consumed so unknown ones can be reported.
public struct YAMLMap {
    let reader: YAMLReader
    let mapping: Node.Mapping
    /// The mapping node itself, for positions.
    public let node: Node
    /// Dotted path from the root, e.g. `promote.keys[0]`, for messages.
    public let path: String

    public var file: String { reader.file }

    /// Keys in document order.
    public var keys: [String] {
        mapping.compactMap { $0.key.scalar?.string }
    }

    /// Fails on any key outside `known`, suggesting the closest known key.
    public func allowOnly(_ known: [String]) throws(ConfigError) {
        for (key, _) in mapping {
            guard let name = key.scalar?.string else {
                throw reader.error(at: key, "keys must be plain text\(where_)")
            }
            if !known.contains(name) {
                let suggestion = Suggestion.closest(to: name, in: known)
                throw reader.error(
                    at: key, "unknown key '\(name)'\(where_)",
                    hint: suggestion.map { "did you mean '\($0)'?" } ?? "known keys: \(known.joined(separator: ", "))")
            }
        }
    }

    private var where_: String { path.isEmpty ? "" : " in '\(path)'" }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw node for `key`, if present.
    public func node(_ key: String) -> Node? {
        for (candidate, value) in mapping where candidate.scalar?.string == key { return value }
        return nil
    }

    /// The key node for `key` (for positions of errors about the key itself).
    public func keyNode(_ key: String) -> Node? {
        for (candidate, _) in mapping where candidate.scalar?.string == key { return candidate }
        return nil
    }

    public func contains(_ key: String) -> Bool { node(key) != nil }

    /// An error positioned at `key`'s value (or at the mapping when the key is absent).
    public func error(_ key: String?, _ reason: String, hint: String? = nil) -> ConfigError {
        reader.error(at: key.flatMap { node($0) } ?? node, reason, hint: hint)
    }

    public func error(at node: Node, _ reason: String, hint: String? = nil) -> ConfigError {
        reader.error(at: node, reason, hint: hint)
    }

    private func scalar(_ key: String, expected: String) throws(ConfigError) -> Node.Scalar? {
        guard let value = node(key) else { return nil }
        if YAMLReader.kind(value) == "null" { return nil }
        guard case .scalar(let scalar) = value else {
            throw reader.error(at: value, "'\(child(key))' must be \(expected), not \(YAMLReader.kind(value))")
        }
        return scalar
    }

    /// A string value; numbers and booleans written without quotes are accepted as their text.
    public func string(_ key: String) throws(ConfigError) -> String? {
        try scalar(key, expected: "a string")?.string
    }

    public func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let value = try string(key) else {
            throw reader.error(at: node, "missing required key '\(child(key))'")
        }
        return value
    }

    public func int(_ key: String) throws(ConfigError) -> Int? {
        guard let scalar = try scalar(key, expected: "a whole number") else { return nil }
        guard scalar.style == .plain, let value = Int(scalar.string) else {
            throw reader.error(at: node(key), "'\(child(key))' must be a whole number, not '\(scalar.string)'")
        }
        return value
    }

    public func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let scalar = try scalar(key, expected: "true or false") else { return nil }
        switch (scalar.style == .plain, scalar.string.lowercased()) {
        case (true, "true"), (true, "yes"), (true, "on"): return true
        case (true, "false"), (true, "no"), (true, "off"): return false
        default:
            throw reader.error(at: node(key), "'\(child(key))' must be true or false, not '\(scalar.string)'")
        }
    }

    public func map(_ key: String) throws(ConfigError) -> YAMLMap? {
        guard let value = node(key), YAMLReader.kind(value) != "null" else { return nil }
        guard case .mapping(let mapping) = value else {
            throw reader.error(at: value, "'\(child(key))' must be a mapping, not \(YAMLReader.kind(value))")
        }
        return YAMLMap(reader: reader, mapping: mapping, node: value, path: child(key))
    }

    /// The elements of a list value, each with its node for positions.
    public func list(_ key: String) throws(ConfigError) -> [Node]? {
        guard let value = node(key), YAMLReader.kind(value) != "null" else { return nil }
        guard case .sequence(let sequence) = value else {
            throw reader.error(at: value, "'\(child(key))' must be a list, not \(YAMLReader.kind(value))")
        }
        return Array(sequence)
    }

    /// A list of strings; a single string is accepted where `allowSingle` is set.
    public func stringList(_ key: String, allowSingle: Bool = false) throws(ConfigError) -> [(String, Node)]? {
        guard let value = node(key), YAMLReader.kind(value) != "null" else { return nil }
        if allowSingle, case .scalar(let scalar) = value { return [(scalar.string, value)] }
        guard let elements = try list(key) else { return nil }
        var result: [(String, Node)] = []
        for (index, element) in elements.enumerated() {
            guard case .scalar(let scalar) = element, YAMLReader.kind(element) != "null" else {
                throw reader.error(at: element, "'\(child(key))[\(index)]' must be a string, not \(YAMLReader.kind(element))")
            }
            result.append((scalar.string, element))
        }
        return result
    }

    /// Each element of a list of mappings.
    public func mapList(_ key: String) throws(ConfigError) -> [YAMLMap]? {
        guard let elements = try list(key) else { return nil }
        var result: [YAMLMap] = []
        for (index, element) in elements.enumerated() {
            guard case .mapping(let mapping) = element else {
                throw reader.error(at: element, "'\(child(key))[\(index)]' must be a mapping, not \(YAMLReader.kind(element))")
            }
            result.append(YAMLMap(reader: reader, mapping: mapping, node: element, path: "\(child(key))[\(index)]"))
        }
        return result
    }

    /// The entries of a mapping value whose keys are names chosen by the user (groups, environments).
    public func entries(_ key: String) throws(ConfigError) -> [(name: String, keyNode: Node, value: Node)]? {
        guard let map = try map(key) else { return nil }
        return map.mapping.map { (name: $0.key.scalar?.string ?? "", keyNode: $0.key, value: $0.value) }
    }

    /// Interprets an arbitrary node as a mapping (e.g. an entry of `entries`).
    public func asMap(_ node: Node, path: String) throws(ConfigError) -> YAMLMap {
        guard case .mapping(let mapping) = node else {
            throw reader.error(at: node, "'\(path)' must be a mapping, not \(YAMLReader.kind(node))")
        }
        return YAMLMap(reader: reader, mapping: mapping, node: node, path: path)
    }
}
