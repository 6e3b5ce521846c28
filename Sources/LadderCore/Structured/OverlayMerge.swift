/// The effective configuration of a file present in both the base and an overlay (SPEC §1).
public enum OverlayMerge {
    /// Merges `overlay` onto `base`: maps merge recursively, the overlay wins on scalars and
    /// sequences, and an explicit `null` in the overlay deletes the key.
    ///
    /// The result is YAML text (base key order, keys new in the overlay appended, two-space
    /// indentation, scalars written as they were) or indented JSON for JSON files. YAML files
    /// with several documents merge pairwise, Kubernetes objects by kind and name, other
    /// documents by index; overlay documents without a partner are appended. Comments and
    /// anchors are not carried into the result (aliases are expanded).
    public static func merge(base: [UInt8], overlay: [UInt8], format: StructuredFormat) throws(StructuredError) -> String {
        let baseFile = try StructuredFile.parse(base, format: format)
        let overlayFile = try StructuredFile.parse(overlay, format: format)
        var documents: [TreeNode] = []
        if baseFile.documents.count <= 1, overlayFile.documents.count <= 1 {
            switch (baseFile.documents.first?.root, overlayFile.documents.first?.root) {
            case (let base?, let overlay?): documents.append(merged(base, overlay, depth: 0))
            case (let base?, nil): documents.append(base)
            case (nil, let overlay?): documents.append(merged(nil, overlay, depth: 0))
            case (nil, nil): break
            }
        } else {
            // Keep base order; overlay-only documents come last (pairDocuments lists them there
            // when the overlay is passed as the "old" side).
            for pair in pairDocuments(overlayFile, baseFile) {
                let base = pair.new.map { baseFile.documents[$0].root }
                let overlay = pair.old.map { overlayFile.documents[$0].root }
                switch (base, overlay) {
                case (let base?, let overlay?): documents.append(merged(base, overlay, depth: 0))
                case (let base?, nil): documents.append(base)
                case (nil, let overlay?): documents.append(merged(nil, overlay, depth: 0))
                case (nil, nil): break
                }
            }
        }
        switch format {
        case .json:
            return (documents.first.map { TreeEmitter.json($0, indent: 0, step: 2) } ?? "null") + "\n"
        case .yaml:
            return documents.map { TreeEmitter.block($0, indent: 0, step: 2) + "\n" }.joined(separator: "---\n")
        }
    }

    /// `overlay` onto `base`. An overlay document that is only an empty null leaves the base.
    static func merged(_ base: TreeNode?, _ overlay: TreeNode, depth: Int) -> TreeNode {
        guard let base else { return withoutNulls(overlay) }
        if depth == 0, let scalar = overlay.scalar, scalar.isNull, scalar.text.isEmpty { return base }
        guard let baseEntries = base.entries, let overlayEntries = overlay.entries else { return withoutNulls(overlay) }
        var entries: [TreeEntry] = []
        for entry in baseEntries {
            guard let replacement = overlayEntries.first(where: { $0.key == entry.key }) else {
                entries.append(entry)
                continue
            }
            if replacement.value.scalar?.isNull == true { continue }
            var combined = entry
            combined.value = merged(entry.value, replacement.value, depth: depth + 1)
            entries.append(combined)
        }
        for entry in overlayEntries where !baseEntries.contains(where: { $0.key == entry.key }) {
            if entry.value.scalar?.isNull == true { continue }
            var added = entry
            added.value = withoutNulls(entry.value)
            entries.append(added)
        }
        var result = base
        result.content = .mapping(entries)
        return result
    }

    /// An overlay subtree with no base counterpart: its null map values delete nothing, so
    /// they are dropped as deletions of absent keys.
    static func withoutNulls(_ node: TreeNode) -> TreeNode {
        guard let entries = node.entries else { return node }
        var result = node
        result.content = .mapping(entries.compactMap { entry in
            if entry.value.scalar?.isNull == true { return nil }
            var kept = entry
            kept.value = withoutNulls(entry.value)
            return kept
        })
        return result
    }
}
