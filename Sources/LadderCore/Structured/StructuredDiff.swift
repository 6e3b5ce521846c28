/// One key whose value differs between two versions of a file.
public struct KeyChange: Sendable, Hashable, CustomStringConvertible {
    /// Where the value is; carries a document prefix in multi-document files.
    public let path: KeyPath
    /// The old scalar text (or `{}`/`[]` for an empty collection); nil when the key was added.
    public let old: String?
    /// The new scalar text; nil when the key was removed.
    public let new: String?

    /// A change from its parts.
    public init(path: KeyPath, old: String?, new: String?) {
        self.path = path
        self.old = old
        self.new = new
    }

    /// `image.tag: 1.4.0 → 1.5.0`, with `(absent)` for a missing side.
    public var description: String {
        "\(path): \(old ?? "(absent)") → \(new ?? "(absent)")"
    }
}

/// Key-level comparison of two versions of a YAML or JSON file.
public enum StructuredDiff {
    /// The leaf values that differ between `old` and `new` (either may be absent), in document
    /// order.
    ///
    /// Maps are compared key by key and a changed subtree is reported leaf by leaf. Sequences of
    /// maps whose elements all carry a distinct `name` (else `id`, else `key`) are matched by it
    /// (`containers[name=app].image`), other sequences by position. In a file with several YAML
    /// documents each path starts with the document's address: `Kind/name:` for a Kubernetes
    /// object, `#N:` otherwise; documents are matched by kind and name first, by index otherwise.
    /// Scalars are compared and reported by their text as written (`1.10` stays `1.10`).
    public static func changes(old: [UInt8]?, new: [UInt8]?, format: StructuredFormat) throws(StructuredError)
        -> [KeyChange]
    {
        let oldFile = try old.map { bytes throws(StructuredError) in try StructuredFile.parse(bytes, format: format) }
        let newFile = try new.map { bytes throws(StructuredError) in try StructuredFile.parse(bytes, format: format) }
        var changes: [KeyChange] = []
        let oldCount = oldFile?.documents.count ?? 0
        let newCount = newFile?.documents.count ?? 0
        if oldCount <= 1, newCount <= 1 {
            compare(oldFile?.documents.first?.root, newFile?.documents.first?.root, at: KeyPath([]), into: &changes)
            return changes
        }
        for pair in pairDocuments(oldFile, newFile) {
            compare(
                pair.old.map { oldFile!.documents[$0].root }, pair.new.map { newFile!.documents[$0].root },
                at: KeyPath(document: pair.address, []), into: &changes)
        }
        return changes
    }

    static func compare(_ old: TreeNode?, _ new: TreeNode?, at path: KeyPath, into changes: inout [KeyChange]) {
        switch (old, new) {
        case (nil, nil):
            return
        case (let old?, nil):
            leaves(of: old, at: path) { changes.append(KeyChange(path: $0, old: $1, new: nil)) }
        case (nil, let new?):
            leaves(of: new, at: path) { changes.append(KeyChange(path: $0, old: nil, new: $1)) }
        case (let old?, let new?):
            switch (old.content, new.content) {
            case (.scalar(let left), .scalar(let right)):
                if !left.sameMeaning(as: right) { changes.append(KeyChange(path: path, old: left.display, new: right.display)) }
            case (.mapping(let left), .mapping(let right)) where !left.isEmpty || !right.isEmpty:
                for entry in left {
                    compare(entry.value, right.first { $0.key == entry.key }?.value, at: path.appending(.key(entry.key)), into: &changes)
                }
                for entry in right where !left.contains(where: { $0.key == entry.key }) {
                    compare(nil, entry.value, at: path.appending(.key(entry.key)), into: &changes)
                }
            case (.sequence(let left), .sequence(let right)) where !left.isEmpty || !right.isEmpty:
                if let field = naturalKey(left, right) {
                    for item in left {
                        let name = item[field]!.scalar!.text
                        compare(item, right.first { $0[field]?.scalar?.text == name }, at: path.appending(.match(field: field, value: name)), into: &changes)
                    }
                    for item in right {
                        let name = item[field]!.scalar!.text
                        if !left.contains(where: { $0[field]?.scalar?.text == name }) {
                            compare(nil, item, at: path.appending(.match(field: field, value: name)), into: &changes)
                        }
                    }
                } else {
                    for index in 0..<max(left.count, right.count) {
                        compare(
                            index < left.count ? left[index] : nil, index < right.count ? right[index] : nil,
                            at: path.appending(.index(index)), into: &changes)
                    }
                }
            case (.mapping, .mapping), (.sequence, .sequence):
                return  // both empty
            default:
                compare(old, nil, at: path, into: &changes)
                compare(nil, new, at: path, into: &changes)
            }
        }
    }

    /// Every leaf under `node`: scalars, and empty maps or sequences as `{}` / `[]`.
    static func leaves(of node: TreeNode, at path: KeyPath, _ body: (KeyPath, String) -> Void) {
        switch node.content {
        case .scalar(let scalar):
            body(path, scalar.display)
        case .mapping(let entries):
            if entries.isEmpty { body(path, "{}") }
            for entry in entries { leaves(of: entry.value, at: path.appending(.key(entry.key)), body) }
        case .sequence(let items):
            if items.isEmpty { body(path, "[]") }
            if let field = naturalKey(items, []) {
                for item in items {
                    leaves(of: item, at: path.appending(.match(field: field, value: item[field]!.scalar!.text)), body)
                }
            } else {
                for (index, item) in items.enumerated() { leaves(of: item, at: path.appending(.index(index)), body) }
            }
        }
    }

    static let naturalKeyFields = ["name", "id", "key"]

    /// The field that identifies the elements of both sequences, when every element of each is a
    /// map with a distinct scalar value for it.
    static func naturalKey(_ left: [TreeNode], _ right: [TreeNode]) -> String? {
        func identifies(_ field: String, _ items: [TreeNode]) -> Bool {
            var seen = Set<String>()
            for item in items {
                guard let value = item[field]?.scalar, !value.isNull, seen.insert(value.text).inserted else { return false }
            }
            return true
        }
        guard !(left.isEmpty && right.isEmpty) else { return nil }
        return naturalKeyFields.first { identifies($0, left) && identifies($0, right) }
    }
}

extension TreeNode {
    /// The child a path segment names, if present.
    func child(_ segment: KeyPath.Segment) -> TreeNode? {
        switch segment {
        case .key(let key):
            return self[key]
        case .index(let index):
            guard let items, items.indices.contains(index) else { return nil }
            return items[index]
        case .match(let field, let value):
            return items?.first { $0[field]?.scalar?.text == value }
        }
    }

    /// The node at the end of `segments`, if every step exists.
    func lookup(_ segments: [KeyPath.Segment]) -> TreeNode? {
        var node = self
        for segment in segments {
            guard let next = node.child(segment) else { return nil }
            node = next
        }
        return node
    }
}
