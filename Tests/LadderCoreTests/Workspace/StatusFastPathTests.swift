import Crypto
import Foundation
@testable import LadderCore
import LadderGit
import LadderTestSupport
import Testing

/// `status` takes shortcuts (memos by object id, pruned directories, a line scan instead of the YAML
/// parser, threads): each must give what the plain computation gives.
@Suite struct StatusFastPathTests {
    static let config = #"""
        version: 1
        environments:
          - {name: a, path: e/a}
          - {name: b, path: e/b}
          - {name: c, path: e/c}
        promote:
          exclude: ["*/env.yaml", "**/secrets/**", "!**/secrets/public.yaml", "**/cache/**"]
          keys:
            - files: "*/values.yaml"
              paths: [image.tag, chart.version]
            - files: "**/app.json"
              paths: [version]
          patterns:
            - files: "**/terragrunt.hcl"
              regex: '\?ref=(v[0-9][0-9.]*)'
        version_key: image.tag
        """#

    /// Units covering the shortcuts' edge cases, per environment.
    static func files(tag: String, replicas: Int, env: String) -> [String: String] {
        [
            // Only an excluded key and an excluded file differ between environments.
            "plain/values.yaml": "# c\nimage:\n  tag: \"\(tag)\"   # set by ladder\nchart:\n  version: 3.2.0\nreplicas: \(replicas)\n",
            "plain/env.yaml": "url: \(env)\n",
            "plain/README.md": "docs\n",
            // No version key in values.yaml: the version comes from another top-level YAML file.
            "noversion/values.yaml": "chart:\n  version: 1.0.0\nreplicas: \(replicas)\n",
            "noversion/a.yaml": "image:\n  tag: from-a-\(tag)\n",
            "noversion/sub/deep.yaml": "image:\n  tag: too-deep\n",
            // Nothing structured at all.
            "text/main.tf": "module \"x\" {}\n",
            "text/terragrunt.hcl": "source = \"git::x?ref=v\(tag)\"\nother = \"y?ref=v0.0.1\"\n",
            // Flow style, anchors, block scalars, several documents: the scan must give up.
            "flow/values.yaml": "image: {tag: \"\(tag)\"}\nchart: {version: 2.0.0}\nreplicas: \(replicas)\n",
            "anchor/values.yaml": "base: &b\n  tag: \(tag)\nimage: *b\nchart:\n  version: 1\n",
            "block/values.yaml": "image:\n  tag: >\n    folded \(tag)\nchart:\n  version: 1\n",
            "multi/values.yaml": "image:\n  tag: first\n---\nimage:\n  tag: \(tag)\n",
            "nulls/values.yaml": "image:\n  tag: ~\nchart:\n  version: null\n",
            "quoted/values.yaml": "image:\n  tag: 'it''s \(tag)'\nchart:\n  version: \"a\\tb\"\n",
            "continued/values.yaml": "image:\n  tag: part one\n    part \(tag)\nchart:\n  version: 1\n",
            "broken/values.yaml": "image: [unclosed\n",
            // A JSON key rule and a JSON version candidate.
            "json/app.json": "{\"version\": \"\(tag)\", \"replicas\": \(replicas)}\n",
            "json/values.json": "{\"image\": {\"tag\": \"j\(tag)\"}}\n",
            // Secrets: excluded, except one file re-included by a negated pattern.
            "secret/values.yaml": "image:\n  tag: \(tag)\n",
            "secret/secrets/db.yaml": "password: \(env)\n",
            "secret/secrets/public.yaml": "ca: \(tag)\n",
            "secret/cache/blob.bin": "\(env)\n",
            // The same blob as plain/values.yaml under another unit.
            "twin/values.yaml": "# c\nimage:\n  tag: \"\(tag)\"   # set by ladder\nchart:\n  version: 3.2.0\nreplicas: \(replicas)\n",
        ].reduce(into: [:]) { $0["e/\(env)/\($1.key)"] = $1.value }
    }

    static func repository() throws -> FixtureRepository {
        let repo = try FixtureRepository()
        var files: [String: String?] = ["ladder.yaml": config]
        files.merge(Self.files(tag: "1.1.0", replicas: 1, env: "a")) { $1 }
        files.merge(Self.files(tag: "1.1.0", replicas: 3, env: "b")) { $1 }
        files.merge(Self.files(tag: "1.0.0", replicas: 5, env: "c")) { $1 }
        files["e/a/only-in-a/values.yaml"] = "image:\n  tag: solo\n"
        try repo.commit(files, "environments")
        return repo
    }

    /// The content of a unit computed the plain way: every file visited, every value parsed.
    static func plainContent(_ workspace: Workspace, unit: String, tree: ObjectID) throws -> UnitContent {
        let rules = workspace.config.promote
        let version = workspace.config.versionKey
        var lines: [String] = []
        var candidates: [(rank: Int, path: String, id: ObjectID)] = []
        var found: String?
        func parsed(_ keys: [String], _ id: ObjectID, _ path: String) throws -> [String?] {
            guard let format = StructuredFormat(path: path) else { return keys.map { _ in nil } }
            let bytes = try workspace.repository.blob(id).bytes
            let values = try? KeyRewriter.values(at: keys.map { try KeyPath(parsing: $0) }, in: bytes, format: format, fastScan: false)
            return values ?? keys.map { _ in nil }
        }
        try workspace.repository.walkTree(tree, prefix: unit) { path, entry in
            if rules.exclude.match(path) != nil { return }
            if let rule = rules.keyRule(for: path), entry.mode.isFile {
                let values = try parsed(rule.paths + (version.map { [$0] } ?? []), entry.id, path)
                lines.append("k \(path)\0\(zip(rule.paths, values).map { "\($0)=\($1 ?? "∅")" }.joined(separator: "\0"))")
                if version != nil, found == nil, let value = values.last ?? nil { found = value }
            } else if let rule = rules.patternRule(for: path), entry.mode.isFile {
                let bytes = try workspace.repository.blob(entry.id).bytes
                lines.append("p \(path)\0\(((try? PatternRewriter.captures(of: rule.regex, in: bytes)) ?? ["∅"]).joined(separator: "\0"))")
            } else {
                lines.append("f \(path)\0\(entry.mode.rawValue)\0\(entry.id.hex)")
                if StructuredFormat(path: path) != nil, !path.dropFirst(unit.count + 1).contains("/") {
                    candidates.append((path.hasSuffix("values.yaml") ? 1 : 2, path, entry.id))
                }
            }
        }
        if let version, found == nil {
            for candidate in candidates.sorted(by: { ($0.rank, $0.path) < ($1.rank, $1.path) }) {
                if let value = try parsed([version], candidate.id, candidate.path)[0] {
                    found = value
                    break
                }
            }
        }
        var hasher = SHA256()
        for line in lines { hasher.update(data: Array((line + "\n").utf8)) }
        return UnitContent(contentID: String(AuditHash.hexString(Array(hasher.finalize())).prefix(10)), version: found)
    }

    @Test(arguments: [1, 2])
    func statusEqualsThePlainComputation(workers: Int) throws {
        let repo = try Self.repository()
        let workspace = try Workspace.open(at: repo.path)
        let report = try workspace.status(units: [], historyLimit: 2_000, workers: workers, parallelFrom: 0)
        var checked = 0
        for environment in workspace.config.environments {
            for unit in try workspace.units(inTree: workspace.environmentTree(environment)) {
                let cell = try #require(report.units.first { $0.unit == unit.name }?.cells[environment.name])
                let plain = try Self.plainContent(workspace, unit: unit.name, tree: unit.id)
                #expect(cell.content == plain.contentID, "\(environment.name)/\(unit.name)")
                #expect(cell.version == plain.version, "\(environment.name)/\(unit.name)")
                checked += 1
            }
        }
        #expect(checked == 3 * 14 + 1)
        let cells = { (unit: String) in try #require(report.units.first { $0.unit == unit }).cells }
        // Environment-specific files and keys do not count; the re-included secret does.
        #expect(try cells("plain")["b"]?.matchesSource == true)
        #expect(try cells("plain")["c"]?.matchesSource == false)
        #expect(try cells("secret")["b"]?.matchesSource == true)
        #expect(try cells("noversion")["a"]?.version == "from-a-1.1.0")
        #expect(try cells("flow")["c"]?.version == "1.0.0")
        #expect(try cells("twin")["a"]?.content != cells("plain")["a"]?.content)
    }

    @Test func threadsGiveTheSameReport() throws {
        let repo = try Self.repository()
        let workspace = try Workspace.open(at: repo.path)
        let one = try workspace.status(units: [], historyLimit: 2_000, workers: 1)
        let two = try workspace.status(units: [], historyLimit: 2_000, workers: 2, parallelFrom: 0)
        #expect(one.units.map(\.unit) == two.units.map(\.unit))
        #expect(one.units.map(\.cells) == two.units.map(\.cells))
        #expect(one.pending == two.pending)
        #expect(one.lastPromotions == two.lastPromotions)
    }

    @Test func promotionTrailersAreFoundInAnyCase() throws {
        let repo = try Self.repository()
        try repo.commit(["e/b/plain/README.md": "new\n"], "promote(b): plain from a\n\nlAdDeR-tO: b\nLadder-From: a\n")
        try repo.commit(["e/c/plain/README.md": "new\n"], "mention ladder-to in the body only\n\nLadder-Tone: c\n")
        let report = try Workspace.open(at: repo.path).status()
        #expect(report.lastPromotions.map(\.environment) == ["b"])
        #expect(report.lastPromotions.first?.from == "a")
    }

    @Test func excludedDirectoriesArePrunedOnlyWhenNothingBelowComesBack() throws {
        let path = { (text: String) in GlobPath(text) }
        let secrets = GlobList(try ["*/env.yaml", "**/secrets/**"].map { try GlobPattern($0) })
        #expect(secrets.matchesEverythingBelow(path("u/secrets")))
        #expect(secrets.matchesEverythingBelow(path("u/deep/secrets")))
        #expect(!secrets.matchesEverythingBelow(path("u")))
        #expect(!secrets.matchesEverythingBelow(path("u/secretsx")))
        let reincluded = GlobList(try ["**/secrets/**", "!**/secrets/public.yaml"].map { try GlobPattern($0) })
        #expect(!reincluded.matchesEverythingBelow(path("u/secrets")))
        let reexcluded = GlobList(try ["!x", "**/secrets/**"].map { try GlobPattern($0) })
        #expect(reexcluded.matchesEverythingBelow(path("u/secrets")))
        // A directory-only pattern does not cover files directly below the directory.
        let directoryOnly = GlobList(try ["secrets/**/"].map { try GlobPattern($0) })
        #expect(!directoryOnly.matchesEverythingBelow(path("secrets")))
    }

    static let yamlCases: [String] = [
        "image:\n  tag: 1.0\n", "image:\n  tag: \"1.0\"  # c\n", "image:\n  tag: '1.0'\n", "image: {tag: 1.0}\n",
        "image:\n  tag: &a 1.0\nx: *a\n", "image:\n  tag: |\n    x\n", "image:\n  tag:\n    nested: 1\n",
        "---\nimage:\n  tag: 1.0\n", "image:\n  tag: a # b\n  other: c\n", "image:\n\ttag: 1\n", "image:\n  tag: a: b\n",
        "image:\n  - tag: 1\n", "image:\r\n  tag: crlf\r\n", "image:\n  tag:\nchart:\n  version: 1\n", "# only a comment\n", "",
        "image:\n  tag: \"say \\\"hi\\\"\"\n", "\u{FEFF}image:\n  tag: bom\n", "image:\n    tag: four\n  other: 1\n",
        // What follows the value decides too: a later line the parser refuses, a second occurrence.
        "image:\n  tag: 1.0\nother: [unclosed\n", "image:\n  tag: 1\nimage:\n  tag: 2\n", "image:\n  tag: 1\n  tag: 2\n",
        "image:\n  tag: 1\nlist:\n  - [a, b\n", "image:\n  tag: 1\nname: \"unterminated\n", "image:\n  tag: 1\nx: |\n  block\n",
        "image:\n  tag: 1\nchart:\n  version: 2\nlist:\n  - a\n  - 'b'\nname: \"q\"\n",
    ]

    /// Files the scan answers itself (the other cases may go either way).
    static let scannedCases: [String] = [
        "image:\n  tag: 1.0\n", "image:\n  tag: 1\nchart:\n  version: 2\nlist:\n  - a\n  - 'b'\nname: \"q\"\n",
    ]

    /// Random files built from the lines values files are made of, well and badly nested: the scan
    /// never answers other than the parser, and answers a fair share itself.
    @Test func randomFilesNeverSplitTheAnswers() throws {
        let lines = [
            "image:", "tag: 1.0", "tag: \"2\"", "chart:", "version: 3", "- a", "- name: x", "-", "value: y", "other: [a",
            "x: |", "continued", "tag: a: b", "# c", "", "list:", "? q", "image: {tag: 1}", "tag: 'it''s'", "k: v # c",
            "tag: null", "tag:", "---", "...", "- - a", "name: - x", "url: http://x", "y: 'q'",
        ]
        let paths = try ["image.tag", "chart.version", "image", "tag", "list"].map { try KeyPath(parsing: $0) }
        var generator = SeededGenerator(seed: 7)
        var scanned = 0
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 1...8, using: &generator)).map { _ in
                String(repeating: " ", count: [0, 0, 2, 2, 4, 1, 3].randomElement(using: &generator)!) + lines.randomElement(using: &generator)!
            }.joined(separator: "\n") + "\n"
            let bytes = Array(text.utf8)
            for path in paths {
                let fast = Result { () throws(StructuredError) in try KeyRewriter.values(at: [path], in: bytes, format: .yaml, fastScan: true) }
                let parsed = Result { () throws(StructuredError) in try KeyRewriter.values(at: [path], in: bytes, format: .yaml, fastScan: false) }
                #expect(fast == parsed, "\(path) in:\n\(text)")
            }
            if FastValueScan.value(of: ["image", "tag"], in: bytes) != .unsure { scanned += 1 }
        }
        #expect(scanned > 300)
    }

    /// The line scan answers what the parser answers, or leaves the file to it.
    @Test(arguments: yamlCases)
    func scanAgreesWithTheParser(_ text: String) throws {
        let bytes = Array(text.utf8)
        // One path at a time: a path the scan leaves to the parser sends every path there.
        for path in try ["image.tag", "chart.version", "image"].map({ try KeyPath(parsing: $0) }) {
            let fast = Result { () throws(StructuredError) in try KeyRewriter.values(at: [path], in: bytes, format: .yaml, fastScan: true) }
            let parsed = Result { () throws(StructuredError) in try KeyRewriter.values(at: [path], in: bytes, format: .yaml, fastScan: false) }
            #expect(fast == parsed, "\(path)")
        }
        if Self.scannedCases.contains(text) {
            #expect(FastValueScan.value(of: ["image", "tag"], in: bytes) != .unsure)
        }
    }
}
