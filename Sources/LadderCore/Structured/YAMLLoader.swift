import Foundation
import Yams

/// Reads YAML with Yams and locates every value's bytes in the original file.
///
/// Yams gives each node only its start mark (line and column, the column counted in Unicode
/// scalars); the end of each value is found by scanning the bytes from there.
struct YAMLLoader {
    let layout: TextLayout
    var budget = StructuredLimits.maximumNodes

    static func load(_ bytes: [UInt8]) throws(StructuredError) -> [TreeDocument] {
        // Yams hands libyaml the bytes as UTF-8 without skipping a byte-order mark: drop it here
        // (TextLayout counts it on the first line).
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
        guard let text = String(validating: body, as: UTF8.self) else { throw .notUTF8 }
        try YAMLPrescan.check(bytes)
        // The basic resolver: Ladder classifies scalars itself, and the default resolver's
        // regular expressions (run for every key while Yams checks for duplicates) cost more
        // than the whole parse.
        var documents: [Yams.Node] = []
        do {
            var sequence = try Yams.compose_all(yaml: text, .basic, .default, .utf8)
            while let node = sequence.next() { documents.append(node) }
            if let error = sequence.error { throw error }
        } catch let error as YamlError {
            throw Self.translate(error)
        } catch {
            throw .malformed(line: nil, column: nil, reason: "\(error)")
        }
        var loader = YAMLLoader(layout: TextLayout(bytes))
        var result: [TreeDocument] = []
        var cursor = 0
        for document in documents {
            let root = try loader.convert(document, after: cursor, inFlow: false, depth: 0)
            if root.located { cursor = max(cursor, root.span.upperBound) }
            result.append(TreeDocument(root: root))
        }
        return result
    }

    static func translate(_ error: YamlError) -> StructuredError {
        func reason(_ context: YamlError.Context?, _ problem: String) -> String {
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return text.lowercased()
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return .malformed(line: mark.line, column: mark.column, reason: reason(context, problem))
        case .reader(let problem, _, _, _):
            return .malformed(line: nil, column: nil, reason: problem.lowercased())
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .malformed(
                line: context.mark.line, column: context.mark.column,
                reason: "duplicate key \(duplicates.joined(separator: ", "))")
        default:
            return .malformed(line: nil, column: nil, reason: "\(error)".lowercased())
        }
    }

    private func offset(_ mark: Yams.Mark?) -> Int? {
        guard let mark else { return nil }
        return layout.offset(line: mark.line, column: mark.column)
    }

    /// Converts a Yams node whose bytes start at or after `minimum`. A node that starts before it
    /// is the target of an alias: Yams hands back the anchored node itself.
    mutating func convert(_ node: Yams.Node, after minimum: Int, inFlow: Bool, depth: Int) throws(StructuredError)
        -> TreeNode
    {
        budget -= 1
        if budget < 0 { throw .tooLarge }
        if depth > StructuredLimits.maximumDepth {
            throw .tooDeep(line: node.mark.map { $0.line })
        }
        let bytes = layout.bytes
        guard let mark = offset(node.mark), mark >= minimum else {
            // An alias: find the `*name` token, then expand without locations.
            var start = minimum
            while start < bytes.count, bytes[start] != UInt8(ascii: "*") { start += 1 }
            var end = start + 1
            while end < bytes.count, !TextLayout.isSpace(bytes[end]), !",]}".utf8.contains(bytes[end]) { end += 1 }
            var expanded = try convertUnlocated(node, inFlow: inFlow, depth: depth)
            expanded.span = start..<min(end, bytes.count)
            expanded.located = true
            expanded.isAlias = true
            expanded.inFlow = inFlow
            return expanded
        }
        switch node {
        case .scalar(let scalar):
            var start = layout.skipProperties(from: mark)
            let style = Self.style(scalar.style)
            if style != .plain || !scalar.string.isEmpty {
                // A value after its properties may continue on the next lines.
                start = layout.skipSpaceAndComments(from: start)
            }
            let end = scalarEnd(from: start, text: scalar.string, style: style)
            var result = TreeNode(.scalar(TreeScalar(text: scalar.string, style: style)), span: start..<end, located: true)
            result.inFlow = inFlow
            return result
        case .mapping(let mapping):
            // Yams reports collection styles from the end event, so look at the bytes instead.
            var start = layout.skipSpaceAndComments(from: layout.skipProperties(from: mark))
            let isFlow = start < bytes.count && bytes[start] == UInt8(ascii: "{")
            var cursor = start
            var entries: [TreeEntry] = []
            for (keyNode, valueNode) in mapping {
                let key = try convert(keyNode, after: cursor, inFlow: isFlow || inFlow, depth: depth + 1)
                if key.located { cursor = max(cursor, key.span.upperBound) }
                let value = try convert(valueNode, after: cursor, inFlow: isFlow || inFlow, depth: depth + 1)
                if value.located { cursor = max(cursor, value.span.upperBound) }
                let keyText = key.scalar?.text ?? key.canonical
                entries.append(TreeEntry(key: keyText, keyStyle: key.scalar?.style ?? .plain, keySpan: key.span, value: value))
            }
            if !isFlow, let first = entries.first { start = min(start, first.keySpan.lowerBound) }
            let end = isFlow ? flowEnd(after: cursor, opening: start) : cursor
            var result = TreeNode(.mapping(entries), span: start..<end, located: true)
            result.isFlow = isFlow
            result.inFlow = inFlow
            return result
        case .sequence(let sequence):
            let start = layout.skipSpaceAndComments(from: layout.skipProperties(from: mark))
            let isFlow = start < bytes.count && bytes[start] == UInt8(ascii: "[")
            var cursor = start + 1
            var items: [TreeNode] = []
            for element in sequence {
                let item = try convert(element, after: cursor, inFlow: isFlow || inFlow, depth: depth + 1)
                if item.located { cursor = max(cursor, item.span.upperBound) }
                items.append(item)
            }
            let end = isFlow ? flowEnd(after: cursor, opening: start) : max(cursor, start + 1)
            var result = TreeNode(.sequence(items), span: start..<end, located: true)
            result.isFlow = isFlow
            result.inFlow = inFlow
            return result
        case .alias:
            throw .unsupported(line: nil, column: nil, reason: "unresolved alias")
        }
    }

    /// The expansion of an alias: same values, no byte positions.
    mutating func convertUnlocated(_ node: Yams.Node, inFlow: Bool, depth: Int) throws(StructuredError) -> TreeNode {
        budget -= 1
        if budget < 0 { throw .tooLarge }
        if depth > StructuredLimits.maximumDepth { throw .tooDeep(line: nil) }
        switch node {
        case .scalar(let scalar):
            return TreeNode(.scalar(TreeScalar(text: scalar.string, style: Self.style(scalar.style))))
        case .mapping(let mapping):
            var entries: [TreeEntry] = []
            for (keyNode, valueNode) in mapping {
                let key = try convertUnlocated(keyNode, inFlow: inFlow, depth: depth + 1)
                let value = try convertUnlocated(valueNode, inFlow: inFlow, depth: depth + 1)
                entries.append(
                    TreeEntry(key: key.scalar?.text ?? key.canonical, keyStyle: key.scalar?.style ?? .plain, keySpan: 0..<0, value: value))
            }
            return TreeNode(.mapping(entries))
        case .sequence(let sequence):
            var items: [TreeNode] = []
            for element in sequence { items.append(try convertUnlocated(element, inFlow: inFlow, depth: depth + 1)) }
            return TreeNode(.sequence(items))
        case .alias:
            throw .unsupported(line: nil, column: nil, reason: "unresolved alias")
        }
    }

    static func style(_ style: Yams.Node.Scalar.Style) -> TreeScalarStyle {
        switch style {
        case .singleQuoted: return .singleQuoted
        case .doubleQuoted: return .doubleQuoted
        case .literal: return .literal
        case .folded: return .folded
        case .any, .plain: return .plain
        }
    }

    // MARK: - Finding where values end

    func scalarEnd(from start: Int, text: String, style: TreeScalarStyle) -> Int {
        let bytes = layout.bytes
        switch style {
        case .doubleQuoted:
            var index = start + 1
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if bytes[index] == UInt8(ascii: "\"") { return index + 1 }
                index += 1
            }
            return bytes.count
        case .singleQuoted:
            var index = start + 1
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "'") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "'") {
                        index += 2
                        continue
                    }
                    return index + 1
                }
                index += 1
            }
            return bytes.count
        case .literal, .folded:
            return blockScalarEnd(from: start)
        default:
            return plainEnd(from: start, text: text)
        }
    }

    /// Walks the source alongside the scalar's text; a run of white space in the text (from line
    /// folding) matches any run of white space and line breaks in the source.
    func plainEnd(from start: Int, text: String) -> Int {
        let bytes = layout.bytes
        let expected = Array(text.utf8)
        var index = start
        var position = 0
        var end = start
        while position < expected.count {
            let byte = expected[position]
            if byte == 0x20 || byte == 0x0A {
                while position < expected.count, expected[position] == 0x20 || expected[position] == 0x0A { position += 1 }
                guard index < bytes.count, TextLayout.isSpace(bytes[index]) else { return fallbackPlainEnd(from: start) }
                while index < bytes.count, TextLayout.isSpace(bytes[index]) { index += 1 }
            } else {
                guard index < bytes.count, bytes[index] == byte else { return fallbackPlainEnd(from: start) }
                index += 1
                position += 1
                end = index
            }
        }
        return end
    }

    /// The end of the line's content, before a comment and trailing blanks.
    func fallbackPlainEnd(from start: Int) -> Int {
        let bytes = layout.bytes
        var index = start
        while index < bytes.count, !TextLayout.isBreak(bytes[index]) {
            if bytes[index] == UInt8(ascii: "#"), index > start, TextLayout.isBlank(bytes[index - 1]) { break }
            index += 1
        }
        return layout.trimBlanksBackward(from: index, floor: start)
    }

    /// A `|` or `>` scalar ends with its last line indented deeper than its parent.
    func blockScalarEnd(from start: Int) -> Int {
        let bytes = layout.bytes
        var headerEnd = start + 1
        var explicitIndent: Int?
        while headerEnd < bytes.count, !TextLayout.isSpace(bytes[headerEnd]) {
            if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[headerEnd]) {
                explicitIndent = Int(bytes[headerEnd] - UInt8(ascii: "0"))
            }
            headerEnd += 1
        }
        let parentIndent = layout.indentation(ofLineAt: start)
        var end = headerEnd
        var contentIndent = explicitIndent.map { parentIndent + $0 }
        var line = layout.line(of: start) + 1
        while line < layout.lineStarts.count {
            let lineStart = layout.lineStarts[line]
            guard lineStart < bytes.count else { break }
            var index = lineStart
            while index < bytes.count, bytes[index] == 0x20 { index += 1 }
            let lineEnd = layout.lineEnd(of: index)
            if index == lineEnd {
                line += 1
                continue
            }
            let indent = index - lineStart
            if contentIndent == nil { contentIndent = indent }
            guard let required = contentIndent, indent >= required, indent > parentIndent else { break }
            end = lineEnd
            line += 1
        }
        return end
    }

    /// The byte after the closing bracket of a flow collection.
    func flowEnd(after cursor: Int, opening: Int) -> Int {
        let bytes = layout.bytes
        guard opening < bytes.count else { return bytes.count }
        let closing = bytes[opening] == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
        var index = max(cursor, opening + 1)
        while index < bytes.count {
            index = layout.skipSpaceAndComments(from: index)
            guard index < bytes.count else { break }
            if bytes[index] == closing { return index + 1 }
            index += 1
        }
        return bytes.count
    }
}

/// A quick pass over the raw text, before Yams sees it, that refuses what could exhaust the stack
/// or time: nesting far beyond the limit (Yams composes recursively) and aliases used as map keys
/// (Yams hashes keys, and hashing an alias bomb never ends).
enum YAMLPrescan {
    static func check(_ bytes: [UInt8]) throws(StructuredError) {
        var flowDepth = 0
        var indents: [Int] = []
        var index = 0
        var line = 1
        var quote: UInt8?
        var blockScalarParent: Int?
        let count = bytes.count
        while index < count {
            // Start of a line (outside a multi-line quoted scalar).
            let lineStart = index
            var column = 0
            if quote == nil {
                while index < count, bytes[index] == 0x20 { index += 1 }
                column = index - lineStart
                // Inside a block scalar: skip blank lines and lines indented deeper than its parent.
                if let parent = blockScalarParent {
                    let isBlankLine = index >= count || TextLayout.isBreak(bytes[index])
                    if isBlankLine || column > parent {
                        index = skipLine(bytes, from: index)
                        line += 1
                        continue
                    }
                    blockScalarParent = nil
                }
            }
            var dashes = 0
            var sawValueIndicator = false
            var atToken = true
            let isExplicitKey = index + 1 < count && bytes[index] == UInt8(ascii: "?") && TextLayout.isSpace(bytes[index + 1])
            var hasContent = false
            while index < count, !TextLayout.isBreak(bytes[index]) {
                let byte = bytes[index]
                if let open = quote {
                    if byte == UInt8(ascii: "\\"), open == UInt8(ascii: "\"") {
                        index += 2
                        continue
                    }
                    if byte == open {
                        if open == UInt8(ascii: "'"), index + 1 < count, bytes[index + 1] == open {
                            index += 2
                            continue
                        }
                        quote = nil
                    }
                    index += 1
                    continue
                }
                if !TextLayout.isBlank(byte) { hasContent = true }
                switch byte {
                case UInt8(ascii: "#") where atToken:
                    while index < count, !TextLayout.isBreak(bytes[index]) { index += 1 }
                    continue
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    if atToken { quote = byte }
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    flowDepth += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    flowDepth = max(0, flowDepth - 1)
                case UInt8(ascii: "-") where atToken && flowDepth == 0:
                    if index + 1 >= count || TextLayout.isSpace(bytes[index + 1]) { dashes += 1 }
                case UInt8(ascii: ":"):
                    if index + 1 >= count || TextLayout.isSpace(bytes[index + 1]) || flowDepth > 0 {
                        sawValueIndicator = true
                    }
                case UInt8(ascii: "*") where atToken:
                    var end = index + 1
                    while end < count, !TextLayout.isSpace(bytes[end]), !",[]{}".utf8.contains(bytes[end]) { end += 1 }
                    var after = end
                    while after < count, TextLayout.isBlank(bytes[after]) { after += 1 }
                    let followedByColon = after < count && bytes[after] == UInt8(ascii: ":")
                    if followedByColon || isExplicitKey || (!sawValueIndicator && flowDepth == 0 && lineHasValueIndicator(bytes, from: end)) {
                        throw .unsupported(line: line, column: index - lineStart + 1, reason: "an alias used as a map key")
                    }
                    index = end
                    atToken = false
                    continue
                default:
                    break
                }
                atToken = TextLayout.isBlank(byte) || ",[]{}:-?".utf8.contains(byte)
                index += 1
            }
            if hasContent, quote == nil {
                while let last = indents.last, last >= column { indents.removeLast() }
                indents.append(column)
                if flowDepth == 0, endsWithBlockScalarHeader(bytes, lineStart: lineStart, lineEnd: index) {
                    blockScalarParent = column
                }
            }
            let estimate = indents.count + dashes + flowDepth
            if estimate > StructuredLimits.maximumDepth * 2 { throw .tooDeep(line: line) }
            if index < count, bytes[index] == 0x0D, index + 1 < count, bytes[index + 1] == 0x0A { index += 1 }
            index += 1
            line += 1
        }
    }

    private static func skipLine(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count, !TextLayout.isBreak(bytes[index]) { index += 1 }
        if index < bytes.count, bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
        return index + 1
    }

    /// True when the line's last token (before a comment) is `|` or `>` with optional indicators.
    private static func endsWithBlockScalarHeader(_ bytes: [UInt8], lineStart: Int, lineEnd: Int) -> Bool {
        var end = lineEnd
        if let hash = bytes[lineStart..<lineEnd].indices.first(where: {
            bytes[$0] == UInt8(ascii: "#") && $0 > lineStart && TextLayout.isBlank(bytes[$0 - 1])
        }) {
            end = hash
        }
        while end > lineStart, TextLayout.isBlank(bytes[end - 1]) { end -= 1 }
        var start = end
        while start > lineStart, !TextLayout.isBlank(bytes[start - 1]) { start -= 1 }
        guard start < end, bytes[start] == UInt8(ascii: "|") || bytes[start] == UInt8(ascii: ">") else { return false }
        return bytes[(start + 1)..<end].allSatisfy { "+-123456789".utf8.contains($0) }
    }

    /// True when a `: ` (or `:` at the end) follows on the same line, outside quotes.
    private static func lineHasValueIndicator(_ bytes: [UInt8], from start: Int) -> Bool {
        var index = start
        while index < bytes.count, !TextLayout.isBreak(bytes[index]) {
            if bytes[index] == UInt8(ascii: "#"), index > 0, TextLayout.isBlank(bytes[index - 1]) { return false }
            if bytes[index] == UInt8(ascii: ":"), index + 1 >= bytes.count || TextLayout.isSpace(bytes[index + 1]) {
                return true
            }
            index += 1
        }
        return false
    }
}
