import Foundation

/// How a scalar was written; decides how a replacement is rendered.
enum TreeScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
    /// A JSON string token.
    case jsonString
    /// A JSON number, `true`, `false` or `null`, kept as written.
    case jsonLiteral

    var isQuoted: Bool { self == .singleQuoted || self == .doubleQuoted || self == .jsonString }
}

/// A scalar's text (after unquoting and folding) and its style.
struct TreeScalar: Sendable, Hashable {
    var text: String
    var style: TreeScalarStyle

    /// True for a YAML null (`~`, `null`, empty) written plain, or JSON `null`.
    var isNull: Bool {
        switch style {
        case .plain: return TreeScalarTypes.isNull(text)
        case .jsonLiteral: return text == "null"
        default: return false
        }
    }

    /// True when the value is a string, false for nulls, booleans and numbers.
    var isString: Bool {
        switch style {
        case .plain: return !TreeScalarTypes.isTyped(text)
        case .jsonLiteral: return false
        default: return true
        }
    }

    /// Two scalars mean the same when their text and their string-or-not nature agree.
    func sameMeaning(as other: TreeScalar) -> Bool {
        text == other.text && isString == other.isString
    }

    /// Text shown to users: the value without quotes; `null` for an empty null.
    var display: String { isNull && text.isEmpty ? "null" : text }
}

/// A map entry: the key's text and where it and its value sit in the file.
struct TreeEntry: Sendable {
    var key: String
    var keyStyle: TreeScalarStyle
    var keySpan: Range<Int>
    var value: TreeNode
}

/// A value of a YAML or JSON document with the byte range it occupies in its file.
struct TreeNode: Sendable {
    enum Content: Sendable {
        case scalar(TreeScalar)
        case mapping([TreeEntry])
        case sequence([TreeNode])
    }

    var content: Content
    /// Bytes of the value in the file, after any anchor or tag. Meaningless unless `located`.
    var span: Range<Int>
    /// False for the expansion of an alias and for nodes built in memory.
    var located: Bool
    /// This occurrence is an alias (`*name`); `span` covers the alias token.
    var isAlias = false
    /// A flow collection (`[...]`, `{...}`, or any JSON collection).
    var isFlow = false
    /// The node sits inside a flow collection.
    var inFlow = false

    init(_ content: Content, span: Range<Int> = 0..<0, located: Bool = false) {
        self.content = content
        self.span = span
        self.located = located
    }

    var scalar: TreeScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    var entries: [TreeEntry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    var items: [TreeNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    subscript(key: String) -> TreeNode? {
        entries?.first { $0.key == key }?.value
    }

    /// Structural equality of meaning: same shape, same keys (in any order), same scalars.
    func sameMeaning(as other: TreeNode) -> Bool {
        switch (content, other.content) {
        case (.scalar(let left), .scalar(let right)):
            return left.sameMeaning(as: right)
        case (.sequence(let left), .sequence(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.sameMeaning(as: $1) }
        case (.mapping(let left), .mapping(let right)):
            guard left.count == right.count else { return false }
            for entry in left {
                guard let match = right.first(where: { $0.key == entry.key }), entry.value.sameMeaning(as: match.value)
                else { return false }
            }
            return true
        default:
            return false
        }
    }

    /// A canonical one-line rendering: JSON with keys sorted, every scalar as a string of its
    /// text except nulls. Formatting, comments, quoting and key order do not change it.
    var canonical: String {
        var output = ""
        writeCanonical(to: &output)
        return output
    }

    private func writeCanonical(to output: inout String) {
        switch content {
        case .scalar(let scalar):
            if scalar.isNull {
                output += "null"
            } else if scalar.isString {
                JSONValue.writeString(scalar.text, to: &output)
            } else {
                output += scalar.text
            }
        case .sequence(let items):
            output += "["
            for (offset, item) in items.enumerated() {
                if offset > 0 { output += "," }
                item.writeCanonical(to: &output)
            }
            output += "]"
        case .mapping(let entries):
            output += "{"
            let sorted = entries.sorted { Array($0.key.utf16).lexicographicallyPrecedes(Array($1.key.utf16)) }
            for (offset, entry) in sorted.enumerated() {
                if offset > 0 { output += "," }
                JSONValue.writeString(entry.key, to: &output)
                output += ":"
                entry.value.writeCanonical(to: &output)
            }
            output += "}"
        }
    }

    /// Text for a value: a scalar's display text, otherwise the canonical rendering.
    var valueText: String {
        if let scalar { return scalar.display }
        return canonical
    }
}

/// One document of a file, with the bytes it was read from.
struct TreeDocument: Sendable {
    var root: TreeNode
    /// `kind` and `metadata.name` when the document is a Kubernetes object.
    var objectIdentity: (kind: String, name: String)? {
        guard let kind = root["kind"]?.scalar, !kind.isNull,
            let name = root["metadata"]?["name"]?.scalar, !name.isNull
        else { return nil }
        return (kind.text, name.text)
    }
}

/// The parsed documents of a file.
struct StructuredFile: Sendable {
    var bytes: [UInt8]
    var documents: [TreeDocument]
    var format: StructuredFormat

    static func parse(_ bytes: [UInt8], format: StructuredFormat) throws(StructuredError) -> StructuredFile {
        switch format {
        case .yaml: return StructuredFile(bytes: bytes, documents: try YAMLLoader.load(bytes), format: format)
        case .json: return StructuredFile(bytes: bytes, documents: [try JSONLoader.load(bytes)], format: format)
        }
    }

    /// The address of each document: `Kind/name` when the document is a Kubernetes object whose
    /// kind and name are unique in the file, else its index.
    var addresses: [KeyPath.Document] {
        let identities = documents.map { $0.objectIdentity.map { "\($0.kind)/\($0.name)" } }
        var counts: [String: Int] = [:]
        for identity in identities.compactMap({ $0 }) { counts[identity, default: 0] += 1 }
        return documents.indices.map { index in
            if let identity = documents[index].objectIdentity, counts["\(identity.kind)/\(identity.name)"] == 1 {
                return .object(kind: identity.kind, name: identity.name)
            }
            return .index(index)
        }
    }

    /// The index of the document a selector names.
    func documentIndex(_ selector: KeyPath.Document) -> Int? {
        switch selector {
        case .index(let index): return documents.indices.contains(index) ? index : nil
        case .object:
            return addresses.firstIndex(of: selector)
        }
    }
}

/// Pairs the documents of two files: Kubernetes objects by kind and name, the others by index.
func pairDocuments(_ old: StructuredFile?, _ new: StructuredFile?) -> [(address: KeyPath.Document, old: Int?, new: Int?)] {
    let oldAddresses = old?.addresses ?? []
    let newAddresses = new?.addresses ?? []
    var pairs: [(address: KeyPath.Document, old: Int?, new: Int?)] = []
    var usedOld = Set<Int>()
    for (newIndex, address) in newAddresses.enumerated() {
        var oldIndex: Int?
        if case .object = address {
            oldIndex = oldAddresses.firstIndex(of: address)
        } else if oldAddresses.indices.contains(newIndex), case .index = oldAddresses[newIndex] {
            oldIndex = newIndex
        }
        if let oldIndex { usedOld.insert(oldIndex) }
        pairs.append((address, oldIndex, newIndex))
    }
    for (oldIndex, address) in oldAddresses.enumerated() where !usedOld.contains(oldIndex) {
        pairs.append((address, oldIndex, nil))
    }
    return pairs
}

/// YAML 1.1 / 1.2 core-schema recognition of plain scalars that are not strings. Errs on the side
/// of "typed", which only ever makes a rewrite keep the source's plain form.
enum TreeScalarTypes {
    static func isNull(_ text: String) -> Bool {
        switch text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    static let booleans: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ]

    static func isTyped(_ text: String) -> Bool {
        isNull(text) || booleans.contains(text) || isNumber(text)
    }

    static func isNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        guard !bytes.isEmpty else { return false }
        let lower = String(decoding: bytes, as: UTF8.self).lowercased()
        if lower == ".inf" || lower == ".nan" { return true }
        func all(_ slice: Substring.UTF8View.SubSequence, _ allowed: (UInt8) -> Bool) -> Bool {
            !slice.isEmpty && slice.allSatisfy(allowed)
        }
        let isDigit: (UInt8) -> Bool = { (0x30...0x39).contains($0) || $0 == UInt8(ascii: "_") }
        let utf8 = Substring(lower).utf8
        if lower.hasPrefix("0x") { return all(utf8.dropFirst(2)) { isDigit($0) || (0x61...0x66).contains($0) } }
        if lower.hasPrefix("0o") { return all(utf8.dropFirst(2), isDigit) }
        if lower.hasPrefix("0b") { return all(utf8.dropFirst(2), isDigit) }
        // Sexagesimal (YAML 1.1): 1:30, 190:20:30.15
        if lower.contains(":") {
            let parts = lower.split(separator: ":", omittingEmptySubsequences: false)
            return parts.allSatisfy { part in
                !part.isEmpty && part.utf8.allSatisfy { isDigit($0) || $0 == UInt8(ascii: ".") }
            } && parts.dropLast().allSatisfy { !$0.contains(".") }
        }
        // Decimal integer or float with an optional exponent.
        var mantissa = utf8[...]
        if let e = lower.utf8.firstIndex(of: UInt8(ascii: "e")) {
            mantissa = utf8[..<e]
            var exponent = utf8[utf8.index(after: e)...]
            if let sign = exponent.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponent = exponent.dropFirst()
            }
            guard all(exponent, isDigit) else { return false }
        }
        let dots = mantissa.filter { $0 == UInt8(ascii: ".") }.count
        guard dots <= 1 else { return false }
        let digits = mantissa.filter { $0 != UInt8(ascii: ".") }
        return !digits.isEmpty && digits.allSatisfy(isDigit)
    }
}
