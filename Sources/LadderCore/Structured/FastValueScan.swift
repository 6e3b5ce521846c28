import LadderGit

/// A line scanner that reads the value of a plain key path (`image.tag`) out of simple block-style
/// YAML without building a tree — the common shape of values files, read thousands of times by
/// `ladder status`. Anything it is not sure about (flow collections on the path, anchors, aliases,
/// tags, block scalars, escapes, multi-line scalars, several documents, tabs) makes it give up, and
/// the caller parses the file properly; when it answers, it answers what the full parser would.
enum FastValueScan {
    enum Answer: Equatable {
        case value(String)
        case absent
        case unsure
    }

    /// An open block on the way to the current line: a mapping key or a sequence item.
    private struct Level {
        var indent: Int
        /// The key; nil for a sequence item.
        var key: String?
        /// Whether a value follows on the line itself: nothing may be nested below it then (a
        /// multi-line scalar, or an error).
        var hasValue: Bool
        var children = Children()
    }

    /// What is nested below a level (or at the top): the parser refuses a mapping that repeats a
    /// key or mixes keys with sequence items.
    private struct Children {
        var keys: [String] = []
        var items = false

        mutating func add(key: String?) -> Bool {
            guard let key else {
                items = true
                return keys.isEmpty
            }
            guard !items, !keys.contains(key) else { return false }
            keys.append(key)
            return true
        }
    }

    static func value(of keys: [String], in bytes: [UInt8]) -> Answer {
        // A byte-order mark is skipped by the parser but would be read here as part of the first key.
        guard !keys.isEmpty, bytes.count < 256 * 1024, !bytes.starts(with: [0xEF, 0xBB, 0xBF]) else { return .unsure }
        if bytes.contains(where: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "!") || $0 == UInt8(ascii: "%") }) {
            return .unsure
        }
        var stack: [Level] = []
        var top = Children()
        var matched: String?
        var lineStart = 0
        var lineNumber = 0

        /// Opens `level` below the innermost open one; false when the parser would refuse it there.
        func open(_ level: Level) -> Bool {
            if let last = stack.indices.last {
                guard !stack[last].hasValue, stack[last].children.add(key: level.key) else { return false }
            } else {
                guard top.add(key: level.key) else { return false }
            }
            stack.append(level)
            return true
        }

        /// Reads `key: rest` at column `indent`; false when the scan must give up.
        func keyLine(_ content: ArraySlice<UInt8>, indent: Int) -> Bool {
            guard let first = content.first, first != UInt8(ascii: "\""), first != UInt8(ascii: "'"), first != UInt8(ascii: "{"),
                first != UInt8(ascii: "["), first != UInt8(ascii: "|"), first != UInt8(ascii: ">"), first != UInt8(ascii: "@"),
                first != UInt8(ascii: "`"), first != UInt8(ascii: "-"), first != UInt8(ascii: "?"), first != UInt8(ascii: ":")
            else { return false }
            // `key: rest` or `key:` at the end of the line.
            var colon = content.startIndex
            while colon < content.endIndex {
                if bytes[colon] == UInt8(ascii: ":") && (colon + 1 == content.endIndex || bytes[colon + 1] == UInt8(ascii: " ")) { break }
                if bytes[colon] == UInt8(ascii: "#") && colon > content.startIndex && bytes[colon - 1] == UInt8(ascii: " ") { return false }
                colon += 1
            }
            guard colon < content.endIndex else { return false }
            var keyEnd = colon
            while keyEnd > content.startIndex, bytes[keyEnd - 1] == UInt8(ascii: " ") { keyEnd -= 1 }
            guard let key = UTF8Text.string(bytes[content.startIndex..<keyEnd]), !key.isEmpty else { return false }
            let rest = trimComment(bytes[(colon + 1)..<content.endIndex], in: bytes)
            // Whether the enclosing keys are the path's first keys and this key is the next one.
            var onPath = stack.count < keys.count
            for (offset, level) in stack.enumerated() where onPath && level.key != keys[offset] { onPath = false }
            if onPath && key == keys[stack.count] {
                if stack.count + 1 == keys.count {
                    // A second occurrence is refused by the open below; a value the scan cannot read goes to the parser.
                    guard matched == nil, let text = scalar(rest, in: bytes) else { return false }
                    matched = text
                } else if !rest.isEmpty {
                    // A parent of the target written in flow style, or with a value: let the parser decide.
                    return false
                }
            } else if !isPlain(rest, in: bytes) {
                return false
            }
            return open(Level(indent: indent, key: key, hasValue: !rest.isEmpty))
        }

        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            var end = lineEnd
            if end > lineStart, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            defer {
                lineStart = lineEnd + 1
                lineNumber += 1
            }
            var indent = 0
            while lineStart + indent < end, bytes[lineStart + indent] == UInt8(ascii: " ") { indent += 1 }
            let content = bytes[(lineStart + indent)..<end]
            if content.isEmpty || content.first == UInt8(ascii: "#") { continue }
            if Self.startsWithThree(UInt8(ascii: "-"), content) {
                if lineNumber == 0 && indent == 0 && content.count == 3 { continue }
                return .unsure
            }
            if Self.startsWithThree(UInt8(ascii: "."), content) { return .unsure }
            // Close the blocks this line is not inside; a dedent must land on an open level's column.
            var closed: Int?
            while let level = stack.last, level.indent >= indent {
                closed = level.indent
                stack.removeLast()
            }
            if let closed, closed != indent { return .unsure }
            if content.first == UInt8(ascii: "-") {
                // A sequence item: nothing below it is on a plain key path, but what it holds must
                // be plain, or a mapping entry (`- name: x`) whose further keys line up below it.
                guard content.count == 1 || bytes[content.startIndex + 1] == UInt8(ascii: " ") else { return .unsure }
                var item = content.dropFirst()
                while item.first == UInt8(ascii: " ") { item = item.dropFirst() }
                let column = indent + (content.count - item.count)
                let rest = trimComment(item, in: bytes)
                if rest.isEmpty || isPlain(rest, in: bytes) {
                    guard open(Level(indent: indent, key: nil, hasValue: !rest.isEmpty)) else { return .unsure }
                } else {
                    guard open(Level(indent: indent, key: nil, hasValue: false)), keyLine(item, indent: column) else { return .unsure }
                }
                continue
            }
            guard keyLine(content, indent: indent) else { return .unsure }
        }
        if let matched { return .value(matched) }
        return .absent
    }

    /// True when `text` (a value, comment trimmed) is empty, a plain scalar or a one-line quoted
    /// scalar without escapes: values the scan can step over knowing the parser reads them.
    static func isPlain(_ text: ArraySlice<UInt8>, in bytes: [UInt8]) -> Bool {
        var text = text
        while text.first == UInt8(ascii: " ") { text = text.dropFirst() }
        guard let first = text.first else { return true }
        switch first {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return quotedInner(text) != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "@"), UInt8(ascii: "`"): return false
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
            // `- x`, `? x`, `: x` start a block the parser does not allow after a key.
            if text.count == 1 || bytes[text.startIndex + 1] == UInt8(ascii: " ") { return false }
            return !containsMappingIndicator(text, in: bytes)
        default: return !containsMappingIndicator(text, in: bytes)
        }
    }

    /// True when a plain value holds `: ` or ends with `:`, a mapping the parser refuses there.
    static func containsMappingIndicator(_ text: ArraySlice<UInt8>, in bytes: [UInt8]) -> Bool {
        guard text.last != UInt8(ascii: ":") else { return true }
        var index = text.startIndex
        while index + 1 < text.endIndex {
            if bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: " ") { return true }
            index += 1
        }
        return false
    }

    /// The inside of a one-line quoted scalar that holds no quote and no backslash; nil otherwise.
    static func quotedInner(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let first = text.first, text.count >= 2, text.last == first else { return nil }
        let inner = text.dropFirst().dropLast()
        if inner.contains(first) || inner.contains(UInt8(ascii: "\\")) { return nil }
        return inner
    }

    /// True when `text` starts with three `byte`s (`---`, `...`).
    static func startsWithThree(_ byte: UInt8, _ text: ArraySlice<UInt8>) -> Bool {
        let start = text.startIndex
        return text.count >= 3 && text[start] == byte && text[start + 1] == byte && text[start + 2] == byte
    }

    /// The value text without a trailing ` # comment` and surrounding spaces.
    static func trimComment(_ text: ArraySlice<UInt8>, in bytes: [UInt8]) -> ArraySlice<UInt8> {
        var end = text.endIndex
        var index = text.startIndex
        var quote: UInt8?
        while index < text.endIndex {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                if index == text.startIndex || bytes[index - 1] == UInt8(ascii: " ") { quote = byte }
            } else if byte == UInt8(ascii: "#"), index > text.startIndex, bytes[index - 1] == UInt8(ascii: " ") {
                end = index
                break
            }
            index += 1
        }
        var start = text.startIndex
        while start < end, bytes[start] == UInt8(ascii: " ") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        return bytes[start..<end]
    }

    /// The text of a one-line scalar as the parser reports it, or nil when unsure.
    static func scalar(_ text: ArraySlice<UInt8>, in bytes: [UInt8]) -> String? {
        // Empty: null or a nested block.
        guard let first = text.first, isPlain(text, in: bytes) else { return nil }
        switch first {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return quotedInner(text).flatMap { UTF8Text.string($0) }
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "#"):
            return nil
        default:
            guard let value = UTF8Text.string(text) else { return nil }
            if value == "~" || value == "null" || value == "Null" || value == "NULL" { return nil }
            return value
        }
    }
}
