/// Writes trees as YAML or JSON text: used for merged documents and for values that have no
/// original bytes to copy (alias expansions, parents created for a new key, style changes).
enum TreeEmitter {
    // MARK: - YAML

    /// A node in block style whose first line starts at column `indent` (the caller writes that
    /// first indentation); nested levels add `step` spaces.
    static func block(_ node: TreeNode, indent: Int, step: Int, newline: String = "\n") -> String {
        switch node.content {
        case .scalar(let scalar):
            return self.scalar(scalar, inFlow: false, indent: indent, step: step, newline: newline)
        case .mapping(let entries):
            if entries.isEmpty { return "{}" }
            var lines: [String] = []
            for entry in entries {
                let key = self.key(entry.key, style: entry.keyStyle)
                lines.append(key + ":" + blockValue(entry.value, keyIndent: indent, step: step, newline: newline))
            }
            return lines.joined(separator: newline + String(repeating: " ", count: indent))
        case .sequence(let items):
            if items.isEmpty { return "[]" }
            var lines: [String] = []
            for item in items {
                if isBlockCollection(item) {
                    lines.append("- " + block(item, indent: indent + 2, step: step, newline: newline))
                } else {
                    lines.append("-" + blockValue(item, keyIndent: indent, step: step, newline: newline))
                }
            }
            return lines.joined(separator: newline + String(repeating: " ", count: indent))
        }
    }

    /// What follows `key:` for a value: ` scalar`, ` []`, or a line break and a nested block.
    static func blockValue(_ value: TreeNode, keyIndent: Int, step: Int, newline: String) -> String {
        if isBlockCollection(value) {
            let inner = keyIndent + step
            return newline + String(repeating: " ", count: inner) + block(value, indent: inner, step: step, newline: newline)
        }
        return " " + block(value, indent: keyIndent, step: step, newline: newline)
    }

    static func isBlockCollection(_ node: TreeNode) -> Bool {
        switch node.content {
        case .mapping(let entries): return !entries.isEmpty
        case .sequence(let items): return !items.isEmpty
        case .scalar: return false
        }
    }

    /// A node in flow style on one line.
    static func flow(_ node: TreeNode) -> String {
        switch node.content {
        case .scalar(let scalar):
            return self.scalar(scalar, inFlow: true, indent: 0, step: 2, newline: "\n")
        case .mapping(let entries):
            return "{" + entries.map { key($0.key, style: $0.keyStyle, inFlow: true) + ": " + flow($0.value) }.joined(separator: ", ") + "}"
        case .sequence(let items):
            return "[" + items.map(flow).joined(separator: ", ") + "]"
        }
    }

    static func key(_ text: String, style: TreeScalarStyle, inFlow: Bool = false) -> String {
        if !style.isQuoted, isPlainSafe(text, inFlow: inFlow) { return text }
        return doubleQuoted(text)
    }

    /// A scalar keeping its meaning: typed plain scalars as written, strings plain when that
    /// reads back as the same string, else quoted (or a literal block for multi-line text).
    static func scalar(_ scalar: TreeScalar, inFlow: Bool, indent: Int, step: Int, newline: String) -> String {
        if !scalar.isString {
            if scalar.isNull { return scalar.style == .jsonLiteral || scalar.text.isEmpty ? "null" : scalar.text }
            return scalar.text
        }
        let text = scalar.text
        if scalar.style == .singleQuoted, !text.contains(where: { $0.isNewline }) {
            return singleQuoted(text)
        }
        if !scalar.style.isQuoted, isPlainSafe(text, inFlow: inFlow), !TreeScalarTypes.isTyped(text) {
            return text
        }
        if !inFlow, text.contains("\n"), let literal = literalBlock(text, indent: indent + step, newline: newline) {
            return literal
        }
        return doubleQuoted(text)
    }

    static func literalBlock(_ text: String, indent: Int, newline: String) -> String? {
        guard !text.hasPrefix(" "), !text.hasPrefix("\t"),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" || $0 == "\u{7F}" || $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}" })
        else { return nil }
        var body = Substring(text)
        var chomping = "-"
        if body.hasSuffix("\n") {
            body = body.dropLast()
            chomping = body.hasSuffix("\n") ? "+" : ""
        }
        let padding = String(repeating: " ", count: indent)
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : padding + $0 }
        var result = "|" + chomping + newline + lines.joined(separator: newline)
        if chomping == "+" {
            // Keep-chomping: the trailing empty lines are part of the value.
            var extra = text.reversed().prefix { $0 == "\n" }.count - 1
            while extra > 0 {
                result += newline
                extra -= 1
            }
        }
        return result
    }

    /// True when `text` can be written as a plain scalar and read back as the same text.
    static func isPlainSafe(_ text: String, inFlow: Bool) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if first == " " || first == "\t" || last == " " || last == "\t" { return false }
        if "[]{},#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        if "-?:".unicodeScalars.contains(first) {
            let scalars = Array(text.unicodeScalars)
            if scalars.count == 1 || scalars[1] == " " || scalars[1] == "\t" { return false }
            if inFlow, ",[]{}".unicodeScalars.contains(scalars[1]) { return false }
        }
        if text.hasPrefix("---") || text.hasPrefix("...") { return false }
        if text.hasSuffix(":") || text.contains(": ") || text.contains(":\t") || text.contains(" #") || text.contains("\t#") {
            return false
        }
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 && scalar != "\t" { return false }
            if scalar == "\u{7F}" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}" || scalar == "\u{FEFF}" {
                return false
            }
            if inFlow, ",[]{}".unicodeScalars.contains(scalar) { return false }
        }
        return true
    }

    static func singleQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func doubleQuoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            case "\u{85}": output += "\\N"
            case "\u{2028}": output += "\\L"
            case "\u{2029}": output += "\\P"
            default:
                if scalar.value < 0x20 || scalar == "\u{7F}" || scalar == "\u{FEFF}" {
                    output += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }

    // MARK: - JSON

    /// A node as indented JSON; the first line starts at column `indent`.
    static func json(_ node: TreeNode, indent: Int, step: Int, newline: String = "\n") -> String {
        switch node.content {
        case .scalar(let scalar):
            switch scalar.style {
            case .jsonLiteral: return scalar.text
            case .jsonString: return jsonString(scalar.text)
            default:
                if scalar.isNull { return "null" }
                return scalar.isString ? jsonString(scalar.text) : scalar.text
            }
        case .mapping(let entries):
            if entries.isEmpty { return "{}" }
            let inner = String(repeating: " ", count: indent + step)
            let members = entries.map { inner + jsonString($0.key) + ": " + json($0.value, indent: indent + step, step: step, newline: newline) }
            return "{" + newline + members.joined(separator: "," + newline) + newline + String(repeating: " ", count: indent) + "}"
        case .sequence(let items):
            if items.isEmpty { return "[]" }
            let inner = String(repeating: " ", count: indent + step)
            let elements = items.map { inner + json($0, indent: indent + step, step: step, newline: newline) }
            return "[" + newline + elements.joined(separator: "," + newline) + newline + String(repeating: " ", count: indent) + "]"
        }
    }

    static func jsonString(_ text: String) -> String {
        var output = ""
        JSONValue.writeString(text, to: &output)
        return output
    }
}
