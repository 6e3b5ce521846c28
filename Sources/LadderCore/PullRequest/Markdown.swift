/// Turning untrusted strings (paths, values, names, reasons) into markdown that renders them as
/// text and cannot change the layout around them, on GitHub and GitLab.
enum Markdown {
    /// Length (in characters) above which values are abbreviated in the middle.
    static let valueLimit = 80
    static let pathLimit = 200
    static let textLimit = 500

    /// A string cut in the middle to at most `limit` characters, keeping its start and its end
    /// (digests and versions differ at both ends).
    static func abbreviate(_ value: String, limit: Int) -> String {
        guard value.count > limit, limit >= 3 else { return value }
        let tail = max(1, (limit - 1) / 4)
        let head = limit - 1 - tail
        return String(value.prefix(head)) + "…" + String(value.suffix(tail))
    }

    /// Control characters and line breaks written as visible escapes (`\n`, `\t`, `\u{1B}`).
    static func visible(_ value: String) -> String {
        var output = ""
        output.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where isControl(scalar): output += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF: return true
        default: return false
        }
    }

    /// A code span showing `value` literally: the fence is longer than any backtick run inside,
    /// control characters are visible, long values are abbreviated. In a table cell, pipes are
    /// escaped so that they do not split the cell (GFM unescapes `\|` before inline parsing).
    static func code(_ value: String, limit: Int = valueLimit, inTable: Bool = false) -> String {
        var content = visible(abbreviate(value, limit: limit))
        if content.isEmpty { return "*(empty)*" }
        if inTable { content = escapePipes(content) }
        var longest = 0
        var run = 0
        for character in content {
            if character == "`" {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        let fence = String(repeating: "`", count: longest + 1)
        // CommonMark strips one space from each side when both are present, and a backtick next
        // to the fence would join it: pad in those cases.
        let pad =
            content.first == "`" || content.last == "`"
            || (content.first == " " && content.last == " " && content.contains { $0 != " " })
        return pad ? "\(fence) \(content) \(fence)" : "\(fence)\(content)\(fence)"
    }

    /// `\|` for every pipe; a backslash run right before a pipe is kept at even length so that the
    /// table scanner (which pairs a backslash with the next character) still sees the escape.
    static func escapePipes(_ value: String) -> String {
        guard value.contains("|") else { return value }
        var output = ""
        var backslashes = 0
        for character in value {
            if character == "|" {
                if backslashes % 2 == 1 { output += "\\" }
                output += "\\|"
                backslashes = 0
                continue
            }
            backslashes = character == "\\" ? backslashes + 1 : 0
            output.append(character)
        }
        return output
    }

    /// Inline text that renders as itself: on one line, with markdown and HTML punctuation escaped
    /// and the starts of block constructs (lists, headings, quotes) neutralised.
    static func text(_ value: String, limit: Int = textLimit) -> String {
        let flat = trimmingSpaces(String(String.UnicodeScalarView(value.unicodeScalars.map { isControl($0) ? " " : $0 })))
        let shortened = abbreviate(flat, limit: limit)
        var output = ""
        var atStart = true
        var leadingDigits = 0
        for character in shortened {
            if escapedEverywhere.contains(character) {
                output += "\\"
            } else if atStart, "-+=".contains(character) {
                output += "\\"
            } else if atStart, leadingDigits > 0, ".)".contains(character) {
                output += "\\"
            }
            if atStart, character.isASCII, character.isNumber {
                leadingDigits += 1
            } else {
                atStart = false
            }
            output.append(character)
        }
        return output
    }

    private static let escapedEverywhere: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "&", "#", "!", "$"]

    /// A fenced code block holding `content` verbatim; the fence is longer than any backtick run.
    static func codeBlock(_ content: String, info: String = "") -> String {
        let body = normalizingLineBreaks(content)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { visibleExceptTabs(String($0)) }
            .joined(separator: "\n")
        var longest = 0
        var run = 0
        for character in body {
            if character == "`" {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(info)\n\(body)\n\(fence)"
    }

    private static func visibleExceptTabs(_ line: String) -> String {
        line.split(separator: "\t", omittingEmptySubsequences: false).map { visible(String($0)) }.joined(separator: "\t")
    }

    /// Plain one-line text for a title: line breaks and control characters become spaces, runs of
    /// white space collapse.
    static func singleLine(_ value: String) -> String {
        var output = ""
        var pendingSpace = false
        for scalar in value.unicodeScalars {
            if isControl(scalar) || scalar.properties.isWhitespace {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace { output += " " }
            pendingSpace = false
            output.unicodeScalars.append(scalar)
        }
        return output
    }

    /// `value` cut to at most `limit` UTF-16 code units, ending with `…` when cut, never inside a
    /// grapheme cluster.
    static func cut(_ value: String, utf16Limit limit: Int) -> String {
        guard value.utf16.count > limit else { return value }
        var output = ""
        var used = 0
        for character in value {
            let size = character.utf16.count
            if used + size > limit - 1 { break }
            output.append(character)
            used += size
        }
        while let last = output.last, last == " " { output.removeLast() }
        return output + "…"
    }

    static func trimmingSpaces(_ value: String) -> String {
        var view = Substring(value)
        while view.first == " " { view.removeFirst() }
        while view.last == " " { view.removeLast() }
        return String(view)
    }

    /// CRLF and lone CR as LF.
    static func normalizingLineBreaks(_ value: String) -> String {
        guard value.unicodeScalars.contains("\r") else { return value }
        var output = String.UnicodeScalarView()
        var previousCR = false
        for scalar in value.unicodeScalars {
            if scalar == "\n", previousCR {
                previousCR = false
                continue
            }
            previousCR = scalar == "\r"
            output.append(previousCR ? "\n" : scalar)
        }
        return String(output)
    }
}
