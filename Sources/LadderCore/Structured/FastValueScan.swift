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

    static func value(of keys: [String], in bytes: [UInt8]) -> Answer {
        // A byte-order mark is skipped by the parser but would be read here as part of the first key.
        guard !keys.isEmpty, bytes.count < 256 * 1024, !bytes.starts(with: [0xEF, 0xBB, 0xBF]) else { return .unsure }
        if bytes.contains(where: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "!") || $0 == UInt8(ascii: "%") }) {
            return .unsure
        }
        var stack: [(indent: Int, key: String?)] = []
        var lineStart = 0
        var lineNumber = 0
        var matched: (indent: Int, value: String)?
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
            if let found = matched {
                // A continuation line of the matched plain scalar would change its value.
                if indent > found.indent { return .unsure }
                return .value(found.value)
            }
            if Self.startsWithThree(UInt8(ascii: "-"), content) {
                if lineNumber == 0 && (content.count == 3 || content[content.startIndex + 3] == UInt8(ascii: " ")) && content.count == 3 { continue }
                return .unsure
            }
            if Self.startsWithThree(UInt8(ascii: "."), content) || content.first == UInt8(ascii: "?") { return .unsure }
            while let top = stack.last, top.indent >= indent { stack.removeLast() }
            if content.first == UInt8(ascii: "-") {
                // A sequence element: nothing below it is on a plain key path.
                stack.append((indent, nil))
                continue
            }
            guard let first = content.first, first != UInt8(ascii: "\""), first != UInt8(ascii: "'"), first != UInt8(ascii: "{"), first != UInt8(ascii: "["),
                first != UInt8(ascii: "|"), first != UInt8(ascii: ">"), first != UInt8(ascii: "@"), first != UInt8(ascii: "`")
            else { return .unsure }
            // `key: rest` or `key:` at the end of the line.
            var colon = content.startIndex
            while colon < content.endIndex {
                if bytes[colon] == UInt8(ascii: ":") && (colon + 1 == content.endIndex || bytes[colon + 1] == UInt8(ascii: " ")) { break }
                if bytes[colon] == UInt8(ascii: "#") && colon > content.startIndex && bytes[colon - 1] == UInt8(ascii: " ") { return .unsure }
                colon += 1
            }
            guard colon < content.endIndex else { return .unsure }
            var keyEnd = colon
            while keyEnd > content.startIndex, bytes[keyEnd - 1] == UInt8(ascii: " ") { keyEnd -= 1 }
            guard let key = UTF8Text.string(bytes[content.startIndex..<keyEnd]), !key.isEmpty else { return .unsure }
            var rest = bytes[(colon + 1)..<content.endIndex]
            rest = trimComment(rest, in: bytes)
            // Whether the enclosing keys are the path's first keys and this key is the next one.
            var onPath = stack.count < keys.count
            for (offset, entry) in stack.enumerated() where onPath && entry.key != keys[offset] { onPath = false }
            if onPath && key == keys[stack.count] {
                if stack.count + 1 == keys.count {
                    guard let text = scalar(rest, in: bytes) else { return .unsure }
                    matched = (indent, text)
                    continue
                }
                // A parent of the target written in flow style, or with a value: let the parser decide.
                if !rest.isEmpty { return .unsure }
            }
            stack.append((indent, key))
        }
        if let found = matched { return .value(found.value) }
        return .absent
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
        guard let first = text.first else { return nil }  // empty: null or a nested block
        switch first {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            guard text.count >= 2, text.last == first else { return nil }
            let inner = text.dropFirst().dropLast()
            if inner.contains(first) || inner.contains(UInt8(ascii: "\\")) { return nil }
            return UTF8Text.string(inner)
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "#"):
            return nil
        default:
            guard let value = UTF8Text.string(text) else { return nil }
            if value == "~" || value == "null" || value == "Null" || value == "NULL" || value.contains(": ") || value.hasSuffix(":") { return nil }
            return value
        }
    }
}
