/// Reads JSON keeping key order, each number as written, and every value's byte range.
///
/// `JSONValue.parse` validates the file first (and gives the error position); this pass then
/// walks the known-good bytes.
struct JSONLoader {
    let bytes: [UInt8]
    var index = 0
    var budget = StructuredLimits.maximumNodes

    static func load(_ bytes: [UInt8]) throws(StructuredError) -> TreeDocument {
        do {
            _ = try JSONValue.parse(bytes)
        } catch {
            throw .malformed(line: error.line, column: error.column, reason: error.reason)
        }
        var loader = JSONLoader(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { loader.index = 3 }
        loader.skipSpace()
        return TreeDocument(root: try loader.value(depth: 0))
    }

    mutating func skipSpace() {
        while index < bytes.count, TextLayout.isSpace(bytes[index]) { index += 1 }
    }

    mutating func value(depth: Int) throws(StructuredError) -> TreeNode {
        budget -= 1
        if budget < 0 { throw .tooLarge }
        if depth > StructuredLimits.maximumDepth { throw .tooDeep(line: nil) }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var entries: [TreeEntry] = []
            skipSpace()
            while bytes[index] != UInt8(ascii: "}") {
                let keyStart = index
                let key = string()
                let keySpan = keyStart..<index
                skipSpace()
                index += 1  // ':'
                skipSpace()
                let member = try value(depth: depth + 1)
                entries.append(TreeEntry(key: key, keyStyle: .jsonString, keySpan: keySpan, value: member))
                skipSpace()
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    skipSpace()
                }
            }
            index += 1
            return collection(.mapping(entries), start)
        case UInt8(ascii: "["):
            index += 1
            var items: [TreeNode] = []
            skipSpace()
            while bytes[index] != UInt8(ascii: "]") {
                items.append(try value(depth: depth + 1))
                skipSpace()
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    skipSpace()
                }
            }
            index += 1
            return collection(.sequence(items), start)
        case UInt8(ascii: "\""):
            let text = string()
            return scalar(TreeScalar(text: text, style: .jsonString), start)
        default:
            while index < bytes.count, !TextLayout.isSpace(bytes[index]), !",]}".utf8.contains(bytes[index]) { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            return scalar(TreeScalar(text: text, style: .jsonLiteral), start)
        }
    }

    private func collection(_ content: TreeNode.Content, _ start: Int) -> TreeNode {
        var node = TreeNode(content, span: start..<index, located: true)
        node.isFlow = true
        node.inFlow = true
        return node
    }

    private func scalar(_ scalar: TreeScalar, _ start: Int) -> TreeNode {
        var node = TreeNode(.scalar(scalar), span: start..<index, located: true)
        node.inFlow = true
        return node
    }

    /// Reads a string token; escapes are decoded by `JSONValue`.
    mutating func string() -> String {
        let start = index
        index += 1
        var hasEscape = false
        while bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\") {
                hasEscape = true
                index += 1
            }
            index += 1
        }
        index += 1
        if !hasEscape { return String(decoding: bytes[(start + 1)..<(index - 1)], as: UTF8.self) }
        return (try? JSONValue.parse(Array(bytes[start..<index])))?.stringValue ?? ""
    }
}
