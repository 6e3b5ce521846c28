import Foundation
import Yams

/// A key path that a rewrite could not apply, and why.
public struct SkippedKey: Sendable, Hashable {
    /// The path, with its document prefix in a multi-document file.
    public let path: KeyPath
    /// Why it was not written, in a few lowercase words.
    public let reason: String
}

/// The outcome of copying key values from a source file into a target file.
public struct RewriteResult: Sendable {
    /// The rewritten target file.
    public let output: [UInt8]
    /// Paths whose value changed (old nil when the key was added to the target).
    public let changed: [KeyChange]
    /// Paths whose value was already equal in both files.
    public let unchanged: [KeyPath]
    /// Paths present in the target but missing in the source: left as they are.
    public let missingInSource: [KeyPath]
    /// Paths that could not be written (an alias in the way, a missing sequence element, ...).
    public let skipped: [SkippedKey]
    /// Where the target was changed, in original and output coordinates; every byte outside
    /// these spans is identical (see `ReplacedSpan.onlySpansChanged`).
    public let replacedSpans: [ReplacedSpan]

    /// True when the output differs from the target.
    public var didChange: Bool { !changed.isEmpty }
}

/// Why a key rewrite failed as a whole.
public enum KeyRewriteError: Error, LocalizedError, Sendable, Equatable {
    /// The source file cannot be read.
    case source(StructuredError)
    /// The target file cannot be read.
    case target(StructuredError)
    /// An edit would not have produced the source's value; nothing is written.
    case unverifiable(path: KeyPath, reason: String)

    public var errorDescription: String? {
        switch self {
        case .source(let error): return "source: " + (error.errorDescription ?? "unreadable")
        case .target(let error): return "target: " + (error.errorDescription ?? "unreadable")
        case .unverifiable(let path, let reason): return "cannot rewrite \(path): \(reason)"
        }
    }
}

/// Copies the values of chosen key paths from a source file into a target file, rewriting only
/// the bytes of those values: comments, key order, quoting, indentation, blank lines, line
/// endings and the final newline (or its absence) of the target stay as they are.
public enum KeyRewriter {
    /// Copies the value at each of `paths` from `source` into `target`.
    ///
    /// - A scalar is replaced in place; a string keeps the target's quoting style when that
    ///   does not change its meaning.
    /// - A map or sequence is replaced as a whole block, re-indented to the target's
    ///   indentation (a flow collection stays flow).
    /// - A key missing in the target is appended at the end of its parent map in the target's
    ///   style, creating missing parent maps.
    /// - A key missing in the source is left alone and reported in `missingInSource`.
    /// - Without a document prefix, a path applies to every document of a multi-document file,
    ///   documents being matched by kind and name, else by index.
    ///
    /// Every edit is verified by reading the result back; an edit that would not reproduce the
    /// source value throws `KeyRewriteError.unverifiable`.
    public static func rewrite(target: [UInt8], source: [UInt8], paths: [KeyPath], format: StructuredFormat)
        throws(KeyRewriteError) -> RewriteResult
    {
        let sourceFile: StructuredFile
        var targetFile: StructuredFile
        do { sourceFile = try StructuredFile.parse(source, format: format) } catch { throw .source(error) }
        do { targetFile = try StructuredFile.parse(target, format: format) } catch { throw .target(error) }
        if targetFile.documents.isEmpty {
            // An empty YAML file: keys are added at its end.
            let end = target.count
            targetFile.documents = [TreeDocument(root: TreeNode(.scalar(TreeScalar(text: "", style: .plain)), span: end..<end, located: true))]
        }
        var buffer = EditBuffer(target)
        var changed: [KeyChange] = []
        var unchanged: [KeyPath] = []
        var missingInSource: [KeyPath] = []
        var skipped: [SkippedKey] = []
        let multiDocument = sourceFile.documents.count > 1 || targetFile.documents.count > 1

        for path in paths {
            for job in jobs(for: path, source: sourceFile, target: targetFile, multiDocument: multiDocument) {
                let sourceNode = job.source.flatMap { sourceFile.documents[$0].root.lookup(path.segments) }
                guard let targetIndex = job.target else {
                    if sourceNode != nil { skipped.append(SkippedKey(path: job.path, reason: "the target has no such document")) }
                    continue
                }
                let layout = TextLayout(targetFile.bytes)
                let surgeon = Surgeon(
                    target: layout, source: TextLayout(sourceFile.bytes), format: format,
                    step: format == .json ? jsonStep(layout) : layout.indentStep(root: targetFile.documents[targetIndex].root))
                let edit: (range: Range<Int>, text: String)
                let oldText: String?
                let wanted: TreeNode
                switch resolve(path.segments, in: targetFile.documents[targetIndex].root) {
                case .blocked(let reason):
                    if sourceNode != nil { skipped.append(SkippedKey(path: job.path, reason: reason)) }
                    continue
                case .found(let node, let lead):
                    guard let sourceNode else {
                        missingInSource.append(job.path)
                        continue
                    }
                    if node.sameMeaning(as: sourceNode) {
                        unchanged.append(job.path)
                        continue
                    }
                    edit = surgeon.replacement(of: node, lead: lead, with: sourceNode)
                    oldText = node.valueText
                    wanted = sourceNode
                case .missing(let parent, let lead, let remaining):
                    guard let sourceNode else { continue }
                    var keys: [String] = []
                    for segment in remaining {
                        guard case .key(let key) = segment else { break }
                        keys.append(key)
                    }
                    guard keys.count == remaining.count else {
                        skipped.append(SkippedKey(path: job.path, reason: "cannot create a sequence element in the target"))
                        continue
                    }
                    guard let insertion = surgeon.insertion(into: parent, lead: lead, keys: keys, value: sourceNode) else {
                        skipped.append(SkippedKey(path: job.path, reason: "cannot add a key to this parent in the target"))
                        continue
                    }
                    edit = insertion
                    oldText = nil
                    wanted = sourceNode
                }
                buffer.replace(edit.range, with: Array(edit.text.utf8))
                do {
                    targetFile = try StructuredFile.parse(buffer.current, format: format)
                } catch {
                    throw .unverifiable(path: job.path, reason: "the edited file does not parse (\(error.errorDescription ?? ""))")
                }
                guard targetFile.documents.indices.contains(targetIndex),
                    let written = targetFile.documents[targetIndex].root.lookup(path.segments),
                    written.sameMeaning(as: wanted)
                else {
                    throw .unverifiable(path: job.path, reason: "the edited file does not hold the source value")
                }
                changed.append(KeyChange(path: job.path, old: oldText, new: wanted.valueText))
            }
        }
        return RewriteResult(
            output: buffer.current, changed: changed, unchanged: unchanged, missingInSource: missingInSource,
            skipped: skipped, replacedSpans: buffer.spans)
    }

    /// Which source and target document each path applies to.
    static func jobs(for path: KeyPath, source: StructuredFile, target: StructuredFile, multiDocument: Bool)
        -> [(path: KeyPath, source: Int?, target: Int?)]
    {
        if let selector = path.document {
            return [(path, source.documentIndex(selector), target.documentIndex(selector))]
        }
        if !multiDocument {
            return [(path, source.documents.isEmpty ? nil : 0, target.documents.isEmpty ? nil : 0)]
        }
        return pairDocuments(target, source).compactMap { pair in
            pair.new == nil ? nil : (path.inDocument(pair.address), pair.new, pair.old)
        }.sorted { ($0.target ?? Int.max) < ($1.target ?? Int.max) }
    }

    enum Resolution {
        case found(TreeNode, lead: Int?)
        case missing(parent: TreeNode, lead: Int?, remaining: ArraySlice<KeyPath.Segment>)
        case blocked(String)
    }

    /// Walks the target along `segments`. `lead` is the end of the key holding the node, when
    /// there is one.
    static func resolve(_ segments: [KeyPath.Segment], in root: TreeNode) -> Resolution {
        var node = root
        var lead: Int?
        for (position, segment) in segments.enumerated() {
            let here = KeyPath(Array(segments[..<position]))
            if node.isAlias || !node.located { return .blocked("\(here) is an alias in the target") }
            if case .key(let key) = segment {
                if let entries = node.entries {
                    guard let entry = entries.first(where: { $0.key == key }) else {
                        return .missing(parent: node, lead: lead, remaining: segments[position...])
                    }
                    node = entry.value
                    lead = entry.keySpan.upperBound
                    continue
                }
                if let scalar = node.scalar, scalar.isNull {
                    return .missing(parent: node, lead: lead, remaining: segments[position...])
                }
                return .blocked("\(here) is not a map in the target")
            }
            guard let child = node.child(segment) else {
                return .blocked("\(KeyPath(Array(segments[...position]))) does not exist in the target")
            }
            node = child
            lead = nil
        }
        return .found(node, lead: lead)
    }

    static func jsonStep(_ layout: TextLayout) -> Int {
        // The indentation of the first indented line.
        for start in layout.lineStarts.dropFirst() {
            var index = start
            while index < layout.bytes.count, layout.bytes[index] == 0x20 { index += 1 }
            if index > start, index < layout.bytes.count, !TextLayout.isBreak(layout.bytes[index]) { return index - start }
        }
        return 2
    }

    // MARK: - Reading one value

    /// The value at `path`: a scalar's text as written (without quotes), or the canonical
    /// one-line JSON rendering of a map or sequence (keys sorted, so formatting and comments do
    /// not change it). Nil when the path does not exist. Without a document prefix the first
    /// document holding the path answers.
    public static func value(at path: KeyPath, in bytes: [UInt8], format: StructuredFormat) throws(StructuredError)
        -> String?
    {
        try values(at: [path], in: bytes, format: format)[0]
    }

    /// The values at several paths, parsing the file once (`value(at:in:format:)` for each path).
    public static func values(at paths: [KeyPath], in bytes: [UInt8], format: StructuredFormat) throws(StructuredError)
        -> [String?]
    {
        try values(at: paths, in: bytes, format: format, fastScan: true)
    }

    /// `values(at:in:format:)`; `fastScan: false` always parses (tests compare both ways).
    static func values(at paths: [KeyPath], in bytes: [UInt8], format: StructuredFormat, fastScan: Bool) throws(StructuredError)
        -> [String?]
    {
        switch format {
        case .json:
            let document = try JSONLoader.load(bytes)
            return paths.map { path in
                if let selector = path.document, selector != .index(0) { return nil }
                return document.root.lookup(path.segments)?.valueText
            }
        case .yaml:
            // Plain key paths in simple files: a line scan, no parse.
            var quick: [String?] = []
            scan: for path in paths where fastScan && path.document == nil {
                let keys = path.segments.compactMap { segment -> String? in
                    if case .key(let key) = segment { return key }
                    return nil
                }
                guard keys.count == path.segments.count else { break }
                switch FastValueScan.value(of: keys, in: bytes) {
                case .value(let text): quick.append(text)
                case .absent: quick.append(nil)
                case .unsure: break scan
                }
            }
            if quick.count == paths.count { return quick }
            // Yams hands libyaml the bytes as UTF-8 without skipping a byte-order mark: drop it here
            // (TextLayout counts it on the first line).
            let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
            guard let text = String(validating: body, as: UTF8.self) else { throw .notUTF8 }
            try YAMLPrescan.check(bytes)
            var loader = YAMLLoader(layout: TextLayout([]))
            do {
                // An explicit encoding spares Yams from reading the process environment on every call.
                var sequence = try Yams.compose_all(yaml: text, .basic, .default, .utf8)
                var roots: [Node] = []
                while let root = sequence.next() { roots.append(root) }
                if let error = sequence.error { throw error }
                var results: [String?] = []
                for path in paths {
                    var result: String?
                    for (index, root) in roots.enumerated() {
                        if let selector = path.document {
                            switch selector {
                            case .index(let wanted): if wanted != index { continue }
                            case .object(let kind, let name):
                                guard Self.child(root, .key("kind"))?.scalar?.string == kind,
                                    let metadata = Self.child(root, .key("metadata")),
                                    Self.child(metadata, .key("name"))?.scalar?.string == name
                                else { continue }
                            }
                        }
                        var node = root
                        var found = true
                        for segment in path.segments {
                            guard let next = Self.child(node, segment) else {
                                found = false
                                break
                            }
                            node = next
                        }
                        if found {
                            result = try loader.convertUnlocated(node, inFlow: false, depth: 0).valueText
                            break
                        }
                    }
                    results.append(result)
                }
                return results
            } catch let error as YamlError {
                throw YAMLLoader.translate(error)
            } catch let error as StructuredError {
                throw error
            } catch {
                throw .malformed(line: nil, column: nil, reason: "\(error)")
            }
        }
    }

    private static func child(_ node: Yams.Node, _ segment: KeyPath.Segment) -> Yams.Node? {
        switch segment {
        case .key(let key):
            guard case .mapping(let mapping) = node else { return nil }
            return mapping.first { $0.key.scalar?.string == key }?.value
        case .index(let index):
            guard case .sequence(let sequence) = node, index < sequence.count else { return nil }
            return sequence[index]
        case .match(let field, let value):
            guard case .sequence(let sequence) = node else { return nil }
            return sequence.first { Self.child($0, .key(field))?.scalar?.string == value }
        }
    }
}

/// Computes the byte edits for one value.
struct Surgeon {
    let target: TextLayout
    let source: TextLayout
    let format: StructuredFormat
    /// Indentation step of the target file.
    let step: Int

    var newline: String { target.newline }

    func spaces(_ count: Int) -> String { String(repeating: " ", count: max(0, count)) }

    func isBlockCollection(_ node: TreeNode) -> Bool {
        TreeEmitter.isBlockCollection(node) && !node.isFlow
    }

    /// The source bytes of a node, when it has them (not an alias or its expansion).
    func raw(_ node: TreeNode) -> String? {
        guard node.located, !node.isAlias else { return nil }
        return String(decoding: source.bytes[node.span], as: UTF8.self)
    }

    /// Shifts every line after the first by `to - from` columns and uses the target's line ending.
    func reindent(_ text: String, from: Int, to: Int) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        for index in lines.indices.dropFirst() {
            let line = lines[index]
            let indent = line.prefix { $0 == " " }.count
            if indent == line.count {
                lines[index] = ""
            } else {
                lines[index] = Substring(spaces(indent >= from ? indent - from + to : to)) + line.dropFirst(indent)
            }
        }
        return lines.joined(separator: newline)
    }

    // MARK: Replacing a value

    /// The offset after the `:` that follows a key ending at `keyEnd`.
    func afterColon(_ keyEnd: Int) -> Int {
        var index = keyEnd
        while index < target.bytes.count, TextLayout.isBlank(target.bytes[index]) { index += 1 }
        return index < target.bytes.count && target.bytes[index] == UInt8(ascii: ":") ? index + 1 : keyEnd
    }

    func replacement(of node: TreeNode, lead keyEnd: Int?, with value: TreeNode) -> (range: Range<Int>, text: String) {
        let lead = keyEnd.map(afterColon)
        if format == .json {
            let column = target.indentation(ofLineAt: node.span.lowerBound)
            return (node.span, jsonText(value, column: column))
        }
        if node.inFlow || node.isFlow {
            let text = value.scalar != nil ? scalarText(value, replacing: node) : flowText(value)
            return (node.span, text)
        }
        let start = lead ?? dashEnd(before: node.span.lowerBound) ?? node.span.lowerBound
        if !isBlockCollection(value) {
            let text = value.scalar != nil ? scalarText(value, replacing: node) : flowText(value)
            if isBlockCollection(node) || node.isAlias == false && node.span.isEmpty {
                return (start..<node.span.upperBound, " " + text)
            }
            return (node.span, text)
        }
        if isBlockCollection(node) {
            var column = target.column(of: node.span.lowerBound)
            var prefix = ""
            if node.items != nil, value.entries != nil, let lead, column <= target.column(of: keyStart(lead)) {
                // An indentless sequence replaced by a map must move right of its key.
                column += step
                prefix = spaces(step)
            }
            return (node.span, prefix + blockText(value, column: column))
        }
        let keyColumn = lead.map { target.column(of: keyStart($0)) } ?? target.column(of: start)
        let column = keyColumn + step
        if lead == nil, dashEnd(before: node.span.lowerBound) == nil {
            return (node.span, blockText(value, column: target.column(of: node.span.lowerBound)))
        }
        return (start..<node.span.upperBound, newline + spaces(column) + blockText(value, column: column))
    }

    /// The start of the key whose `:` ends at `lead` (the key's first byte on that line).
    func keyStart(_ lead: Int) -> Int {
        var index = target.lineStart(of: max(0, lead - 1))
        while index < target.bytes.count, target.bytes[index] == 0x20 { index += 1 }
        if index + 1 < target.bytes.count, target.bytes[index] == UInt8(ascii: "-"), target.bytes[index + 1] == 0x20 {
            index += 1
            while index < target.bytes.count, target.bytes[index] == 0x20 { index += 1 }
        }
        return index
    }

    /// The offset after a `-` sequence indicator that precedes `offset` (over blanks only).
    func dashEnd(before offset: Int) -> Int? {
        var index = offset
        while index > 0, TextLayout.isSpace(target.bytes[index - 1]) { index -= 1 }
        if index > 0, target.bytes[index - 1] == UInt8(ascii: "-"),
            index == offset || TextLayout.isSpace(target.bytes[index])
        {
            return index
        }
        return nil
    }

    func blockText(_ value: TreeNode, column: Int) -> String {
        if let raw = raw(value), !value.isFlow {
            return reindent(raw, from: source.column(of: value.span.lowerBound), to: column)
        }
        return TreeEmitter.block(value, indent: column, step: step, newline: newline)
    }

    func flowText(_ value: TreeNode) -> String {
        if let raw = raw(value), value.isFlow || value.scalar != nil, !raw.contains("\n"), !raw.contains("\r") { return raw }
        return TreeEmitter.flow(value)
    }

    /// The source scalar written for the place of `node`: the target's quoting style when the
    /// meaning allows, otherwise the source's own text.
    func scalarText(_ value: TreeNode, replacing node: TreeNode) -> String {
        guard let scalar = value.scalar else { return flowText(value) }
        let inFlow = node.inFlow || node.isFlow
        let targetStyle = node.scalar?.style ?? .plain
        guard let raw = raw(value) else {
            return TreeEmitter.scalar(scalar, inFlow: inFlow, indent: target.indentation(ofLineAt: node.span.lowerBound), step: step, newline: newline)
        }
        if raw.contains("\n") || raw.contains("\r") {
            if inFlow, scalar.style == .literal || scalar.style == .folded { return TreeEmitter.doubleQuoted(scalar.text) }
            return reindent(
                raw, from: source.indentation(ofLineAt: value.span.lowerBound),
                to: target.indentation(ofLineAt: node.span.lowerBound))
        }
        if !scalar.isString { return raw }
        let text = scalar.text
        switch targetStyle {
        case .plain:
            if TreeEmitter.isPlainSafe(text, inFlow: inFlow), !TreeScalarTypes.isTyped(text) { return text }
            return scalar.style.isQuoted ? raw : TreeEmitter.doubleQuoted(text)
        case .singleQuoted:
            if !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{7F}" }) { return TreeEmitter.singleQuoted(text) }
            return TreeEmitter.doubleQuoted(text)
        case .doubleQuoted:
            return scalar.style == .doubleQuoted ? raw : TreeEmitter.doubleQuoted(text)
        default:
            if !inFlow || scalar.style.isQuoted || TreeEmitter.isPlainSafe(text, inFlow: true) { return raw }
            return TreeEmitter.doubleQuoted(text)
        }
    }

    func jsonText(_ value: TreeNode, column: Int) -> String {
        if let raw = raw(value) {
            return reindent(raw, from: source.indentation(ofLineAt: value.span.lowerBound), to: column)
        }
        return TreeEmitter.json(value, indent: column, step: step, newline: newline)
    }

    // MARK: Adding a key

    func insertion(into parent: TreeNode, lead keyEnd: Int?, keys: [String], value: TreeNode) -> (range: Range<Int>, text: String)? {
        let lead = keyEnd.map(afterColon)
        guard let first = keys.first else { return nil }
        if format == .json {
            guard let entries = parent.entries else { return nil }
            let separator = target.bytes.count > 1 && containsColonSpace ? ": " : ":"
            if let last = entries.last {
                let multiLine = target.line(of: last.keySpan.lowerBound) != target.line(of: parent.span.lowerBound)
                let column = multiLine ? target.column(of: last.keySpan.lowerBound) : 0
                let member = jsonMember(keys, value: value, column: column, separator: separator)
                let text = "," + (multiLine ? newline + spaces(column) : " ") + member
                return (last.value.span.upperBound..<last.value.span.upperBound, text)
            }
            let position = parent.span.lowerBound + 1
            let multiLine = target.lineStarts.count > 1
            if multiLine {
                let outer = target.indentation(ofLineAt: parent.span.lowerBound)
                let member = jsonMember(keys, value: value, column: outer + step, separator: separator)
                return (position..<position, newline + spaces(outer + step) + member + newline + spaces(outer))
            }
            return (position..<position, jsonMember(keys, value: value, column: 0, separator: separator))
        }
        if parent.isFlow, let entries = parent.entries {
            let member = TreeEmitter.key(first, style: .plain, inFlow: true) + ": " + flowText(wrap(keys.dropFirst(), value))
            if let last = entries.last {
                let end = max(last.keySpan.upperBound, last.value.span.upperBound)
                return (end..<end, ", " + member)
            }
            let position = parent.span.lowerBound + 1
            return (position..<position, member)
        }
        if let entries = parent.entries, let firstEntry = entries.first, let last = entries.last {
            let column = target.column(of: firstEntry.keySpan.lowerBound)
            let end = max(last.keySpan.upperBound, last.value.located ? last.value.span.upperBound : 0)
            let position = target.lineEnd(of: end)
            return (position..<position, newline + spaces(column) + yamlEntry(keys[...], value: value, column: column))
        }
        guard let scalar = parent.scalar, scalar.isNull, parent.located else { return nil }
        if let lead {
            // `key:` or `key: ~` becomes a map.
            let column = target.column(of: keyStart(lead)) + step
            return (lead..<parent.span.upperBound, newline + spaces(column) + yamlEntry(keys[...], value: value, column: column))
        }
        // An empty document: append at the end of the file.
        let end = target.bytes.count
        let needsBreak = end > 0 && !TextLayout.isBreak(target.bytes[end - 1])
        return (end..<end, (needsBreak ? newline : "") + yamlEntry(keys[...], value: value, column: 0) + newline)
    }

    var containsColonSpace: Bool {
        let bytes = target.bytes
        for index in bytes.indices.dropLast() where bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == 0x20 {
            return true
        }
        return false
    }

    /// `key: value` in block style, with nested keys created for the remaining path.
    func yamlEntry(_ keys: ArraySlice<String>, value: TreeNode, column: Int) -> String {
        let key = TreeEmitter.key(keys.first!, style: .plain)
        if keys.count > 1 {
            return key + ":" + newline + spaces(column + step) + yamlEntry(keys.dropFirst(), value: value, column: column + step)
        }
        if isBlockCollection(value) {
            let inner = column + step
            return key + ":" + newline + spaces(inner) + blockText(value, column: inner)
        }
        if value.scalar != nil {
            if let raw = raw(value) {
                if raw.contains("\n") || raw.contains("\r") {
                    return key + ": " + reindent(raw, from: source.indentation(ofLineAt: value.span.lowerBound), to: column)
                }
                return key + ": " + raw
            }
            return key + ": " + TreeEmitter.scalar(value.scalar!, inFlow: false, indent: column, step: step, newline: newline)
        }
        return key + ": " + flowText(value)
    }

    func jsonMember(_ keys: [String], value: TreeNode, column: Int, separator: String) -> String {
        var text = TreeEmitter.jsonString(keys[0]) + separator
        if keys.count > 1 {
            let inner = column + step
            text += "{" + newline + spaces(inner) + jsonMember(Array(keys.dropFirst()), value: value, column: inner, separator: separator)
                + newline + spaces(column) + "}"
        } else {
            text += jsonText(value, column: column)
        }
        return text
    }

    /// A map holding `value` under the remaining keys (or the value itself).
    func wrap(_ keys: ArraySlice<String>, _ value: TreeNode) -> TreeNode {
        guard let key = keys.first else { return value }
        return TreeNode(.mapping([TreeEntry(key: key, keyStyle: .plain, keySpan: 0..<0, value: wrap(keys.dropFirst(), value))]))
    }
}
