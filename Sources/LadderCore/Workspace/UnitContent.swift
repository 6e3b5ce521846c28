import Crypto
import Foundation
import LadderGit

/// What `ladder status` shows for one unit in one environment.
public struct UnitContent: Sendable, Hashable {
    /// Identifies the unit's promotable content: equal ids mean a promotion would change nothing.
    public let contentID: String
    /// The value of `version_key`, when configured and found.
    public let version: String?
}

extension Workspace {
    /// Computes the promotable content identity and version of one unit.
    ///
    /// Excluded (environment-specific) files do not count; for files under key-level promotion only
    /// the promoted key values count; for pattern-promoted files only the captured text counts.
    public func unitContent(environment: EnvironmentConfig, unit: String, tree: ObjectID) throws -> UnitContent {
        let prefix = unit == Workspace.wholeEnvironmentUnit ? "" : unit
        var lines: [String] = []
        var versionCandidates: [(rank: Int, path: String, id: ObjectID)] = []
        var version: String?
        let rules = config.promote
        try repository.walkTree(tree, prefix: prefix, prune: { path in rules.exclude.match(path, isDirectory: true) == nil }) { path, entry in
            if rules.exclude.match(path) != nil { return }
            if let rule = rules.keyRule(for: path), entry.mode.isFile {
                let bytes = try repository.blob(entry.id).bytes
                // One parse for the promoted keys and the version key.
                let keys = rule.paths + (config.versionKey.map { [$0] } ?? [])
                let values = Self.lookup(keys, in: bytes, path: path)
                lines.append("k \(path)\0\(zip(rule.paths, values).map { "\($0)=\($1 ?? "∅")" }.joined(separator: "\0"))")
                if config.versionKey != nil, version == nil, let found = values.last ?? nil { version = found }
            } else if let rule = rules.patternRule(for: path), entry.mode.isFile {
                let bytes = try repository.blob(entry.id).bytes
                let captures = (try? PatternRewriter.captures(of: rule.regex, in: bytes)) ?? ["∅"]
                lines.append("p \(path)\0\(captures.joined(separator: "\0"))")
            } else {
                lines.append("f \(path)\0\(entry.mode.rawValue)\0\(entry.id.hex)")
                if StructuredFormat(path: path) != nil, !path.dropFirst(prefix.isEmpty ? 0 : prefix.count + 1).contains("/") {
                    versionCandidates.append((path.hasSuffix("values.yaml") ? 1 : 2, path, entry.id))
                }
            }
        }
        var hasher = SHA256()
        for line in lines {
            hasher.update(data: Array(line.utf8))
            hasher.update(data: [0x0A])
        }
        let digest = AuditHash.hexString(Array(hasher.finalize()))
        if let key = config.versionKey, version == nil {
            for candidate in versionCandidates.sorted(by: { ($0.rank, $0.path) < ($1.rank, $1.path) }) {
                let bytes = try repository.blob(candidate.id).bytes
                if let value = Self.lookup([key], in: bytes, path: candidate.path)[0] {
                    version = value
                    break
                }
            }
        }
        return UnitContent(contentID: String(digest.prefix(10)), version: version)
    }

    /// The value at a configured key path in a YAML/JSON file, nil when absent or unreadable.
    static func lookup(_ keys: [String], in bytes: [UInt8], path: String) -> [String?] {
        let parsed = keys.map { try? KeyPath(parsing: $0) }
        guard let format = StructuredFormat(path: path) else { return keys.map { _ in nil } }
        let valid = parsed.compactMap { $0 }
        guard let values = try? KeyRewriter.values(at: valid, in: bytes, format: format) else { return keys.map { _ in nil } }
        var iterator = values.makeIterator()
        return parsed.map { $0 == nil ? nil : (iterator.next() ?? nil) }
    }
}


