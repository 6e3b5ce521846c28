/// Byte-level facts about a text file: where lines start, their indentation, the line ending.
struct TextLayout {
    let bytes: [UInt8]
    /// Byte offset where each line starts. Line breaks are those libyaml counts: LF, CR, CRLF,
    /// NEL (U+0085), LS (U+2028), PS (U+2029).
    let lineStarts: [Int]
    /// 3 when the file starts with a UTF-8 byte-order mark, which libyaml does not count.
    let bomLength: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        bomLength = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var starts = [0]
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == 0x0A {
                starts.append(index + 1)
            } else if byte == 0x0D {
                if index + 1 < count, bytes[index + 1] == 0x0A { index += 1 }
                starts.append(index + 1)
            } else if byte == 0xC2, index + 1 < count, bytes[index + 1] == 0x85 {
                index += 1
                starts.append(index + 1)
            } else if byte == 0xE2, index + 2 < count, bytes[index + 1] == 0x80,
                bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
            {
                index += 2
                starts.append(index + 1)
            }
            index += 1
        }
        lineStarts = starts
    }

    /// The byte offset of a libyaml mark (1-based line, 1-based column counted in Unicode scalars).
    func offset(line: Int, column: Int) -> Int {
        guard line >= 1, line <= lineStarts.count else { return bytes.count }
        var index = lineStarts[line - 1] + (line == 1 ? bomLength : 0)
        var remaining = column - 1
        while remaining > 0, index < bytes.count {
            index += 1
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            remaining -= 1
        }
        return index
    }

    /// The 0-based line that contains a byte offset.
    func line(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    func lineStart(of offset: Int) -> Int { lineStarts[line(of: offset)] }

    /// Column of an offset in bytes from the start of its line (indentation is ASCII spaces, so
    /// this is the indentation when the offset is the first content of a line).
    func column(of offset: Int) -> Int { offset - lineStart(of: offset) }

    /// Number of leading spaces of the line containing `offset`.
    func indentation(ofLineAt offset: Int) -> Int {
        var index = lineStart(of: offset)
        let start = index
        while index < bytes.count, bytes[index] == 0x20 { index += 1 }
        return index - start
    }

    /// True when only spaces or tabs precede `offset` on its line.
    func startsLine(_ offset: Int) -> Bool {
        var index = lineStart(of: offset)
        while index < offset {
            if bytes[index] != 0x20, bytes[index] != 0x09 { return false }
            index += 1
        }
        return true
    }

    /// Offset of the line break ending the line that contains `offset` (or the end of the file).
    func lineEnd(of offset: Int) -> Int {
        var index = offset
        while index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
        return index
    }

    /// The line ending the file uses: CRLF when its first line break is CRLF, else LF.
    var newline: String {
        guard let first = bytes.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) else { return "\n" }
        if bytes[first] == 0x0D { return first + 1 < bytes.count && bytes[first + 1] == 0x0A ? "\r\n" : "\r" }
        return "\n"
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    static func isBreak(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D }
    static func isSpace(_ byte: UInt8) -> Bool { isBlank(byte) || isBreak(byte) }

    /// Skips spaces, tabs, line breaks and `#` comments.
    func skipSpaceAndComments(from offset: Int, limit: Int? = nil) -> Int {
        let end = limit ?? bytes.count
        var index = offset
        while index < end {
            let byte = bytes[index]
            if TextLayout.isSpace(byte) {
                index += 1
            } else if byte == UInt8(ascii: "#"), index == 0 || TextLayout.isSpace(bytes[index - 1]) {
                while index < end, !TextLayout.isBreak(bytes[index]) { index += 1 }
            } else {
                break
            }
        }
        return index
    }

    /// Skips `&anchor` and `!tag` properties and the blanks after them.
    func skipProperties(from offset: Int) -> Int {
        var index = offset
        while index < bytes.count, bytes[index] == UInt8(ascii: "&") || bytes[index] == UInt8(ascii: "!") {
            while index < bytes.count, !TextLayout.isSpace(bytes[index]) { index += 1 }
            while index < bytes.count, TextLayout.isBlank(bytes[index]) { index += 1 }
        }
        return index
    }

    /// Moves back over blanks that end at `offset`, not past `floor`.
    func trimBlanksBackward(from offset: Int, floor: Int) -> Int {
        var index = offset
        while index > floor, TextLayout.isBlank(bytes[index - 1]) { index -= 1 }
        return index
    }

    /// Smallest positive step between the indentation of a block map key and its children,
    /// as used by the file; 2 when the file does not show one.
    func indentStep(root: TreeNode) -> Int {
        var best: Int?
        func visit(_ node: TreeNode, depth: Int) {
            guard depth < 64, node.located, !node.isFlow, !node.isAlias else { return }
            switch node.content {
            case .mapping(let entries):
                for entry in entries {
                    let child = entry.value
                    if child.located, !child.isFlow, !child.isAlias, child.entries != nil || child.items != nil,
                        startsLine(child.span.lowerBound)
                    {
                        let step = column(of: child.span.lowerBound) - column(of: entry.keySpan.lowerBound)
                        if step > 0 { best = min(best ?? step, step) }
                    }
                    visit(child, depth: depth + 1)
                }
            case .sequence(let items):
                for item in items { visit(item, depth: depth + 1) }
            case .scalar:
                break
            }
        }
        visit(root, depth: 0)
        return best ?? 2
    }
}
