import Foundation

/// The structured formats Ladder understands at key level.
public enum StructuredFormat: String, Sendable, Hashable, CaseIterable {
    case yaml
    case json

    /// The format for a file name by its extension (`.yaml`, `.yml`, `.json`, any case), or nil.
    public init?(path: String) {
        // On UTF-8 bytes: the name is the last non-empty component, the extension what follows its
        // last dot (not a leading one). No non-ASCII letter lowercases to one of these extensions.
        var utf8 = path.utf8[...]
        while utf8.last == UInt8(ascii: "/") { utf8 = utf8.dropLast() }
        if let slash = utf8.lastIndex(of: UInt8(ascii: "/")) { utf8 = utf8[utf8.index(after: slash)...] }
        guard let dot = utf8.lastIndex(of: UInt8(ascii: ".")), dot != utf8.startIndex else { return nil }
        let ext = utf8[utf8.index(after: dot)...]
        func equals(_ name: StaticString) -> Bool {
            guard ext.count == name.utf8CodeUnitCount else { return false }
            return zip(ext, UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)).allSatisfy { byte, wanted in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte) == wanted
            }
        }
        if equals("yaml") || equals("yml") {
            self = .yaml
        } else if equals("json") {
            self = .json
        } else {
            return nil
        }
    }
}

/// Limits that keep hostile input from exhausting the stack, memory or time.
public enum StructuredLimits {
    /// Deepest nesting of maps and sequences accepted.
    public static let maximumDepth = 128
    /// Most nodes visited in one file, counting every expansion of an alias.
    public static let maximumNodes = 200_000
}

/// A YAML or JSON file that cannot be read at key level.
///
/// The reasons are short and lowercase; the caller adds the file name.
public enum StructuredError: Error, LocalizedError, Sendable, Equatable {
    /// A syntax error, with the 1-based position where the parser found it, when it gives one.
    case malformed(line: Int?, column: Int?, reason: String)
    /// The file is not valid UTF-8.
    case notUTF8
    /// Nesting deeper than `StructuredLimits.maximumDepth`.
    case tooDeep(line: Int?)
    /// More than `StructuredLimits.maximumNodes` nodes, usually from aliases expanding.
    case tooLarge
    /// Valid YAML that Ladder deliberately refuses (for example an alias used as a map key).
    case unsupported(line: Int?, column: Int?, reason: String)

    public var errorDescription: String? {
        switch self {
        case .malformed(let line, let column, let reason):
            return Self.position(line, column) + reason
        case .notUTF8:
            return "not valid UTF-8"
        case .tooDeep(let line):
            return Self.position(line, nil) + "nesting deeper than \(StructuredLimits.maximumDepth) levels"
        case .tooLarge:
            return "more than \(StructuredLimits.maximumNodes) values once aliases are expanded"
        case .unsupported(let line, let column, let reason):
            return Self.position(line, column) + reason
        }
    }

    private static func position(_ line: Int?, _ column: Int?) -> String {
        switch (line, column) {
        case (let line?, let column?): return "line \(line), column \(column): "
        case (let line?, nil): return "line \(line): "
        default: return ""
        }
    }
}
