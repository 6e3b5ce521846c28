import Foundation
import Yams

/// Reads single values out of YAML and JSON files by dotted key path (`image.tag`).
enum StructuredLookup {
    static func isStructured(_ path: String) -> Bool {
        path.hasSuffix(".yaml") || path.hasSuffix(".yml") || path.hasSuffix(".json")
    }

    /// The scalar text (or a compact rendering of a map or list) at `keyPath`, or nil.
    static func value(at keyPath: String, in bytes: [UInt8], fileName: String) -> String? {
        guard isStructured(fileName), let text = String(validating: bytes, as: UTF8.self),
            let node = try? Yams.compose(yaml: text)
        else { return nil }
        var current = node
        for segment in keyPath.split(separator: ".") {
            guard case .mapping(let mapping) = current,
                let next = mapping.first(where: { $0.key.scalar?.string == String(segment) })?.value
            else { return nil }
            current = next
        }
        switch current {
        case .scalar(let scalar): return scalar.string
        default: return (try? Yams.serialize(node: current))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
