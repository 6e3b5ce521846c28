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
        try contentReader.content(unit: unit, tree: tree)
    }

    /// The value at a configured key path in a YAML/JSON file, nil when absent or unreadable.
    static func lookup(_ keys: [String], in bytes: [UInt8], path: String) -> [String?] {
        lookup(keys.map { try? KeyPath(parsing: $0) }, in: bytes, format: StructuredFormat(path: path))
    }

    /// `lookup(_:in:path:)` with key paths parsed once (nil where a key does not parse).
    static func lookup(_ parsed: [KeyPath?], in bytes: [UInt8], format: StructuredFormat?) -> [String?] {
        guard let format else { return parsed.map { _ in nil } }
        // Each distinct path once (the version key is often one of the promoted keys).
        var distinct: [KeyPath] = []
        for case let path? in parsed where !distinct.contains(path) { distinct.append(path) }
        guard let values = try? KeyRewriter.values(at: distinct, in: bytes, format: format) else { return parsed.map { _ in nil } }
        return parsed.map { path in path.flatMap { distinct.firstIndex(of: $0) }.flatMap { values[$0] } }
    }
}

/// Computes unit contents for one command, reading each blob's key values and pattern captures
/// once: environments in sync share blobs, and the answer depends only on the blob and the rule.
///
/// Holds a repository handle, so it belongs to the thread that made it.
final class UnitContentReader {
    let repository: Repository
    let config: LadderConfig
    /// Per key rule: its key paths followed by `version_key`, parsed once.
    private let keyRulePaths: [[KeyPath?]]
    private let versionKeyPath: [KeyPath?]
    /// Per pattern rule: the compiled expression, nil when it does not compile.
    private let expressions: [NSRegularExpression?]

    private struct BlobKey: Hashable {
        let rule: Int
        let id: ObjectID
        let format: StructuredFormat?
    }
    /// Key-rule files: the text hashed after the path, and the version found there.
    private var keyValues: [BlobKey: (text: String, version: String?)] = [:]
    private var captures: [BlobKey: [String]] = [:]
    private var versions: [BlobKey: String?] = [:]

    init(repository: Repository, config: LadderConfig) {
        self.repository = repository
        self.config = config
        let version = config.versionKey.map { [$0] } ?? []
        keyRulePaths = config.promote.keys.map { rule in (rule.paths + version).map { try? KeyPath(parsing: $0) } }
        versionKeyPath = version.map { try? KeyPath(parsing: $0) }
        expressions = config.promote.patterns.map { try? PatternRewriter.compile($0.regex) }
    }

    /// The content of `unit` whose tree is `tree` (the same in every environment).
    func content(unit: String, tree: ObjectID) throws -> UnitContent {
        let prefix = unit == Workspace.wholeEnvironmentUnit ? "" : unit
        var hasher = ContentHasher()
        var versionCandidates: [(rank: Int, path: String, id: ObjectID)] = []
        var version: String?
        let rules = config.promote
        try repository.walkTree(
            tree, prefix: prefix,
            prune: { path in
                let directory = GlobPath(path)
                // A directory whose whole content is excluded (`**/secrets/**`) need not be read.
                return rules.exclude.match(directory, isDirectory: true) == nil && !rules.exclude.matchesEverythingBelow(directory)
            }
        ) { path, entry in
            let globPath = GlobPath(path)
            if rules.exclude.match(globPath) != nil { return }
            if entry.mode.isFile, let index = rules.keys.firstIndex(where: { $0.files.matches(globPath) }) {
                let key = BlobKey(rule: index, id: entry.id, format: StructuredFormat(path: path))
                let values: (text: String, version: String?)
                if let known = keyValues[key] {
                    values = known
                } else {
                    let rule = rules.keys[index]
                    // One parse for the promoted keys and the version key.
                    let found = Workspace.lookup(keyRulePaths[index], in: try repository.blob(entry.id).bytes, format: key.format)
                    let text = zip(rule.paths, found).map { "\($0)=\($1 ?? "∅")" }.joined(separator: "\0")
                    values = (text, config.versionKey != nil ? (found.last ?? nil) : nil)
                    keyValues[key] = values
                }
                hasher.line("k", path) { $0.append(contentsOf: values.text.utf8) }
                if version == nil, let found = values.version { version = found }
            } else if entry.mode.isFile, let index = rules.patterns.firstIndex(where: { $0.files.matches(globPath) }) {
                let key = BlobKey(rule: index, id: entry.id, format: nil)
                let found: [String]
                if let known = captures[key] {
                    found = known
                } else {
                    let bytes = try repository.blob(entry.id).bytes
                    found = expressions[index].flatMap { try? PatternRewriter.captures(of: $0, in: bytes) } ?? ["∅"]
                    captures[key] = found
                }
                hasher.line("p", path) { line in
                    for (offset, capture) in found.enumerated() {
                        if offset > 0 { line.append(0) }
                        line.append(contentsOf: capture.utf8)
                    }
                }
            } else {
                hasher.line("f", path) { line in
                    line.append(contentsOf: String(entry.mode.rawValue).utf8)
                    line.append(0)
                    entry.id.appendHex(to: &line)
                }
                if StructuredFormat(path: path) != nil, !path.utf8.dropFirst(prefix.isEmpty ? 0 : prefix.utf8.count + 1).contains(UInt8(ascii: "/")) {
                    versionCandidates.append((path.hasSuffix("values.yaml") ? 1 : 2, path, entry.id))
                }
            }
        }
        let digest = AuditHash.hexString(Array(hasher.sha.finalize()))
        if config.versionKey != nil, version == nil {
            for candidate in versionCandidates.sorted(by: { ($0.rank, $0.path) < ($1.rank, $1.path) }) {
                let key = BlobKey(rule: -1, id: candidate.id, format: StructuredFormat(path: candidate.path))
                let value: String?
                if let known = versions[key] {
                    value = known
                } else {
                    value = Workspace.lookup(versionKeyPath, in: try repository.blob(candidate.id).bytes, format: key.format)[0]
                    versions[key] = value
                }
                if let value {
                    version = value
                    break
                }
            }
        }
        return UnitContent(contentID: String(digest.prefix(10)), version: version)
    }
}

/// The SHA-256 behind a unit's content id: one line per file, `<tag> <path>\0<what counts>\n`,
/// each assembled in one reused buffer rather than as a string.
private struct ContentHasher {
    var sha = SHA256()
    private var buffer: [UInt8] = []

    mutating func line(_ tag: Unicode.Scalar, _ path: String, _ rest: (inout [UInt8]) -> Void) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(UInt8(ascii: tag))
        buffer.append(UInt8(ascii: " "))
        buffer.append(contentsOf: path.utf8)
        buffer.append(0)
        rest(&buffer)
        buffer.append(0x0A)
        buffer.withUnsafeBytes { sha.update(bufferPointer: $0) }
    }
}
