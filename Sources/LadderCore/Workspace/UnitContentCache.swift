import Crypto
import Foundation
import LadderGit

/// Unit contents remembered between runs of `ladder status`, in `$GIT_DIR/ladder/unit-contents`.
///
/// A unit's content id and version depend only on its name, its tree (by id) and the promotion
/// rules of `ladder.yaml` (see ``UnitContentReader``). The file records them for the unit trees
/// the last full `status` saw, under a fingerprint of those rules, of the content formula and of
/// Ladder's version: an edited rule or another Ladder starts afresh. After a promotion only the
/// promoted units' trees are new, so a run reads a few units instead of every unit in every
/// environment.
///
/// It is only ever a cache: a missing, unreadable, foreign or damaged file counts as empty,
/// failing to write it is not an error, and `ladder status --no-cache` neither reads nor writes
/// it. Replaced whole by renaming a complete temporary file, so readers never see half of one.
struct UnitContentCache {
    struct Key: Hashable {
        let tree: ObjectID
        let unit: String
    }

    /// Bumped whenever the content formula or this file's layout changes.
    static let formatVersion = 1
    static let fileName = "unit-contents"

    let path: String
    let fingerprint: String
    private(set) var entries: [Key: UnitContent] = [:]

    /// The cache of the repository whose git directory is `gitDirectory`, for `config`'s rules;
    /// empty when there is no usable file.
    init(gitDirectory: String, config: LadderConfig) {
        path = URL(fileURLWithPath: gitDirectory).appendingPathComponent("ladder").appendingPathComponent(Self.fileName).path
        fingerprint = Self.fingerprint(config)
        if let bytes = FileManager.default.contents(atPath: path), let entries = Self.parse(Array(bytes), fingerprint: fingerprint) {
            self.entries = entries
        }
    }

    subscript(unit unit: String, tree tree: ObjectID) -> UnitContent? {
        entries[Key(tree: tree, unit: unit)]
    }

    /// Writes `entries` in place of the file's, unless they are what it holds already. A unit
    /// whose name or version holds a tab or a line break (a YAML block scalar) is left out and
    /// computed again next time: one entry per line needs no escaping.
    func save(_ newEntries: [Key: UnitContent]) {
        func fits(_ text: String) -> Bool { !text.utf8.contains { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } }
        let kept = newEntries.filter { fits($0.key.unit) && fits($0.value.version ?? "") }
        guard kept != entries else { return }
        var text = "ladder-unit-contents \(Self.formatVersion) \(fingerprint)\n"
        // Sorted, so that the same entries always make the same file.
        for (key, content) in kept.sorted(by: { ($0.key.unit, $0.key.tree) < ($1.key.unit, $1.key.tree) }) {
            text += key.tree.hex + "\t" + content.contentID + "\t" + (content.version.map { "=" + $0 } ?? "-") + "\t" + key.unit + "\n"
        }
        text += "end \(kept.count)\n"
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// SHA-256 over everything a content id depends on besides the unit and its tree.
    static func fingerprint(_ config: LadderConfig) -> String {
        let rules = config.promote
        var parts = ["formula \(formatVersion)", "ladder \(LadderVersion.current)"]
        parts += rules.exclude.patterns.map { "exclude \($0.source)" }
        parts += rules.keys.map { "keys \($0.files.source)\u{1}\($0.paths.joined(separator: "\u{1}"))" }
        parts += rules.patterns.map { "pattern \($0.files.source)\u{1}\($0.regex)" }
        parts.append("version_key \(config.versionKey ?? "\u{2}")")
        let digest = SHA256.hash(data: Array(parts.joined(separator: "\0").utf8))
        return AuditHash.hexString(Array(digest))
    }

    /// The entries of a file written for `fingerprint`; nil for anything else.
    static func parse(_ bytes: [UInt8], fingerprint: String) -> [Key: UnitContent]? {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard lines.last?.isEmpty == true else { return nil }  // cut short
        lines.removeLast()
        guard lines.count >= 2, String(decoding: lines[0], as: UTF8.self) == "ladder-unit-contents \(formatVersion) \(fingerprint)",
            String(decoding: lines[lines.count - 1], as: UTF8.self) == "end \(lines.count - 2)"
        else { return nil }
        var entries: [Key: UnitContent] = [:]
        entries.reserveCapacity(lines.count - 2)
        for line in lines[1..<(lines.count - 1)] {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            guard fields.count == 4, let tree = ObjectID(hex: String(decoding: fields[0], as: UTF8.self)), fields[1].count == 10,
                let unit = UTF8Text.string(fields[3])
            else { return nil }
            let version: String?
            if fields[2].elementsEqual("-".utf8) {
                version = nil
            } else if fields[2].first == UInt8(ascii: "="), let text = UTF8Text.string(fields[2].dropFirst()) {
                version = text
            } else {
                return nil
            }
            entries[Key(tree: tree, unit: unit)] = UnitContent(contentID: String(decoding: fields[1], as: UTF8.self), version: version)
        }
        return entries
    }
}
