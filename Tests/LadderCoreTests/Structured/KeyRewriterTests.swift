import Testing
@testable import LadderCore

/// Rewrites `target` with `source` values at `paths` and checks the byte-preservation promise.
func rewrite(_ target: String, _ source: String, _ paths: [String], format: StructuredFormat = .yaml) throws -> RewriteResult {
    let keyPaths = try paths.map { try KeyPath(parsing: $0) }
    let result = try KeyRewriter.rewrite(target: Array(target.utf8), source: Array(source.utf8), paths: keyPaths, format: format)
    #expect(ReplacedSpan.onlySpansChanged(original: Array(target.utf8), output: result.output, spans: result.replacedSpans))
    return result
}

extension RewriteResult {
    var text: String { String(decoding: output, as: UTF8.self) }
}

@Suite struct StructuredKeyRewriterScalarTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let target: String
        let source: String
        let paths: [String]
        let expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "comment after the value is kept",
            target: "image:\n  repository: web  # the app\n  tag: 1.4.0  # pinned\nreplicas: 3\n",
            source: "image:\n  repository: other\n  tag: 1.5.0\nreplicas: 1\n",
            paths: ["image.tag"],
            expected: "image:\n  repository: web  # the app\n  tag: 1.5.0  # pinned\nreplicas: 3\n"),
        Case(
            name: "target's double quotes are kept",
            target: "tag: \"1.4.0\"\n", source: "tag: 1.5.0\n", paths: ["tag"], expected: "tag: \"1.5.0\"\n"),
        Case(
            name: "target's single quotes are kept",
            target: "tag: '1.4.0' # x\n", source: "tag: \"1.5.0\"\n", paths: ["tag"], expected: "tag: '1.5.0' # x\n"),
        Case(
            name: "a quoted string that would read as a number stays quoted",
            target: "tag: 006\n", source: "tag: \"007\"\n", paths: ["tag"], expected: "tag: \"007\"\n"),
        Case(
            name: "a number is not quoted into a string",
            target: "version: \"1.4\"\n", source: "version: 1.10\n", paths: ["version"], expected: "version: 1.10\n"),
        Case(
            name: "anchor on the value is kept",
            target: "base: &ver 1.4.0\nother: *ver\n", source: "base: 1.5.0\nother: 1.5.0\n", paths: ["base"],
            expected: "base: &ver 1.5.0\nother: *ver\n"),
        Case(
            name: "an alias in the target is replaced by the value, the anchor stays",
            target: "base: &ver 1.4.0\nother: *ver\n", source: "base: 1.4.0\nother: 1.5.0\n", paths: ["other"],
            expected: "base: &ver 1.4.0\nother: 1.5.0\n"),
        Case(
            name: "CRLF line endings",
            target: "a: 1\r\nimage:\r\n  tag: 1.4.0\r\n", source: "image:\n  tag: 1.5.0\n", paths: ["image.tag"],
            expected: "a: 1\r\nimage:\r\n  tag: 1.5.0\r\n"),
        Case(
            name: "no trailing newline",
            target: "image:\n  tag: 1.4.0", source: "image:\n  tag: 1.5.0\n", paths: ["image.tag"],
            expected: "image:\n  tag: 1.5.0"),
        Case(
            name: "non-ASCII text before the value on the same line",
            target: "desc: \"日本語 ✓\"\nname: {tag: ünïcode, x: 1}\nimage: {tag: 1.4.0} # é\n",
            source: "image: {tag: 1.5.0}\nname: {tag: ascii}\n", paths: ["image.tag", "name.tag"],
            expected: "desc: \"日本語 ✓\"\nname: {tag: ascii, x: 1}\nimage: {tag: 1.5.0} # é\n"),
        Case(
            name: "document markers and a second document",
            target: "---\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n...\n---\nkind: Service\nmetadata:\n  name: web\n",
            source: "kind: Service\nmetadata:\n  name: web\n---\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 5\n",
            paths: ["Deployment/web:spec.replicas"],
            expected: "---\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 5\n...\n---\nkind: Service\nmetadata:\n  name: web\n"),
        Case(
            name: "empty value gets a value",
            target: "image:\n  tag:\n  pull: Always\n", source: "image:\n  tag: 1.5.0\n", paths: ["image.tag"],
            expected: "image:\n  tag: 1.5.0\n  pull: Always\n"),
        Case(
            name: "multi-line plain scalar in the target",
            target: "note: first\n  second\nkeep: x\n", source: "note: replaced\n", paths: ["note"],
            expected: "note: replaced\nkeep: x\n"),
        Case(
            name: "literal block replaced by a literal block at the target's indentation",
            target: "a:\n  script: |\n    echo old\n    exit 0\n  b: 1\n", source: "a:\n script: |\n   echo new\n", paths: ["a.script"],
            expected: "a:\n  script: |\n    echo new\n  b: 1\n"),
        Case(
            name: "sequence element by name",
            target: "containers:\n  - name: app\n    image: app:1\n  - name: side\n    image: side:1\n",
            source: "containers:\n- name: side\n  image: side:2\n- name: app\n  image: app:2\n",
            paths: ["containers[name=app].image"],
            expected: "containers:\n  - name: app\n    image: app:2\n  - name: side\n    image: side:1\n"),
        Case(
            name: "non-ASCII key and comment in block style, byte-order mark",
            target: "\u{FEFF}ключ: 1.4.0 # ü\nétiquette: \"ß\"\n", source: "ключ: 1.5.0\nétiquette: 日本\n", paths: ["ключ", "étiquette"],
            expected: "\u{FEFF}ключ: 1.5.0 # ü\nétiquette: \"日本\"\n"),
        Case(
            name: "tags are kept and aliases in the source are expanded",
            target: "v: !!str 1.4\n", source: "x: &a 1.5\nv: *a\n", paths: ["v"], expected: "v: !!str 1.5\n"),
        Case(
            name: "double-quoted multi-line value in the target",
            target: "msg: \"one\n  two\"\nz: 1\n", source: "msg: three\n", paths: ["msg"], expected: "msg: \"three\"\nz: 1\n"),
        Case(
            name: "equal values leave the file alone",
            target: "tag: \"1.5.0\" # same\n", source: "tag: 1.5.0\n", paths: ["tag"], expected: "tag: \"1.5.0\" # same\n"),
    ]

    @Test(arguments: cases)
    func rewritesOnlyTheValue(_ testCase: Case) throws {
        let result = try rewrite(testCase.target, testCase.source, testCase.paths)
        #expect(result.text == testCase.expected)
    }

    @Test func reportsChangesAndEqualValues() throws {
        let result = try rewrite("a: 1\nb: 2\n", "a: 1\nb: 3\n", ["a", "b"])
        #expect(result.changed == [KeyChange(path: try KeyPath(parsing: "b"), old: "2", new: "3")])
        #expect(result.unchanged == [try KeyPath(parsing: "a")])
        #expect(result.replacedSpans == [ReplacedSpan(original: 8..<9, replacement: 8..<9)])
    }

    @Test func keyMissingInSourceIsLeftAndReported() throws {
        let result = try rewrite("a: 1\nb: 2\n", "a: 1\n", ["b"])
        #expect(result.text == "a: 1\nb: 2\n")
        #expect(result.missingInSource == [try KeyPath(parsing: "b")])
        #expect(!result.didChange)
    }

    @Test func keyInsideAnAliasIsSkipped() throws {
        let result = try rewrite("base: &b\n  tag: 1\nimage: *b\n", "image:\n  tag: 2\n", ["image.tag"])
        #expect(result.text == "base: &b\n  tag: 1\nimage: *b\n")
        #expect(result.skipped.map(\.path) == [try KeyPath(parsing: "image.tag")])
    }

    @Test func multiDocumentPathsApplyPerDocument() throws {
        let target = "kind: A\nmetadata: {name: x}\nimage: {tag: 1}\n---\nkind: B\nmetadata: {name: y}\nimage: {tag: 1}\n"
        let source = "kind: B\nmetadata: {name: y}\nimage: {tag: 3}\n---\nkind: A\nmetadata: {name: x}\nimage: {tag: 2}\n"
        let result = try rewrite(target, source, ["image.tag"])
        #expect(result.text == "kind: A\nmetadata: {name: x}\nimage: {tag: 2}\n---\nkind: B\nmetadata: {name: y}\nimage: {tag: 3}\n")
        #expect(result.changed.map(\.path.description) == ["A/x:image.tag", "B/y:image.tag"])
    }
}

@Suite struct StructuredKeyRewriterBlockTests {
    @Test func replacesAWholeMapKeepingTheTargetIndentation() throws {
        let target = "images:    # pinned images\n    api: 1.0\n    web: 1.1\nother: x  # keep\n"
        let source = "images:\n  api: 2.0  # new api\n  worker:\n    tag: 3\nother: y\n"
        let result = try rewrite(target, source, ["images"])
        #expect(result.text == "images:    # pinned images\n    api: 2.0  # new api\n    worker:\n      tag: 3\nother: x  # keep\n")
        #expect(result.changed.first?.new == #"{"api":2.0,"worker":{"tag":3}}"#)
    }

    @Test func replacesASequence() throws {
        let target = "hosts:\n  - a.example.com\n  - b.example.com\nport: 80\n"
        let source = "hosts:\n- c.example.com\nport: 81\n"
        let result = try rewrite(target, source, ["hosts"])
        #expect(result.text == "hosts:\n  - c.example.com\nport: 80\n")
    }

    @Test func flowStaysFlow() throws {
        let result = try rewrite("ports: [80, 443] # open\n", "ports:\n  - 8080\n  - 8443\n", ["ports"])
        #expect(result.text == "ports: [8080, 8443] # open\n")
    }

    @Test func flowSourceIntoBlockTarget() throws {
        let result = try rewrite("ports:\n  - 80\nx: 1\n", "ports: [8080, 8443]\n", ["ports"])
        #expect(result.text == "ports: [8080, 8443]\nx: 1\n")
    }

    @Test func scalarBecomesAMap() throws {
        let result = try rewrite("image: none # old\nx: 1\n", "image:\n  tag: 2\n  repo: r\n", ["image"])
        #expect(result.text == "image:\n  tag: 2\n  repo: r # old\nx: 1\n")
    }
}

@Suite struct StructuredKeyRewriterInsertionTests {
    @Test(arguments: [
        // Two-space file, parent exists.
        ("image:\n  repository: web\nreplicas: 2\n", "image:\n  tag: 1.5.0\n", "image.tag",
         "image:\n  repository: web\n  tag: 1.5.0\nreplicas: 2\n"),
        // Four-space file, parent exists, last line has a comment.
        ("image:\n    repository: web  # repo\n", "image:\n    tag: 1.5.0\n", "image.tag",
         "image:\n    repository: web  # repo\n    tag: 1.5.0\n"),
        // Four-space file, parents created at the end of the root map.
        ("service:\n    port: 80\n", "chart:\n  meta:\n    version: 2.0.0\n", "chart.meta.version",
         "service:\n    port: 80\nchart:\n    meta:\n        version: 2.0.0\n"),
        // Two-space file, nested parent created inside an existing map, no trailing newline.
        ("app:\n  name: web", "app:\n  image:\n    tag: \"1.5\"\n", "app.image.tag",
         "app:\n  name: web\n  image:\n    tag: \"1.5\""),
        // A whole map added.
        ("a: 1\n", "a: 1\nlimits:\n  cpu: 1\n  memory: 1Gi\n", "limits",
         "a: 1\nlimits:\n  cpu: 1\n  memory: 1Gi\n"),
        // Into a flow map.
        ("image: {repository: web}\n", "image: {tag: 1.5.0}\n", "image.tag", "image: {repository: web, tag: 1.5.0}\n"),
        // Into an empty parent.
        ("image:\nx: 1\n", "image:\n  tag: 1\n", "image.tag", "image:\n  tag: 1\nx: 1\n"),
        // Into an empty file.
        ("", "image:\n  tag: 1\n", "image.tag", "image:\n  tag: 1\n"),
    ])
    func addsMissingKeys(_ target: String, _ source: String, _ path: String, _ expected: String) throws {
        let result = try rewrite(target, source, [path])
        #expect(result.text == expected)
        #expect(result.changed.first?.old == nil)
    }

    @Test func addsTwoKeysUnderOneNewParent() throws {
        let result = try rewrite("x: 1\n", "image:\n  tag: 2\n  repo: r\n", ["image.tag", "image.repo"])
        #expect(result.text == "x: 1\nimage:\n  tag: 2\n  repo: r\n")
    }

    @Test func crlfInsertion() throws {
        let result = try rewrite("image:\r\n  repo: r\r\n", "image:\n  tag: 2\n", ["image.tag"])
        #expect(result.text == "image:\r\n  repo: r\r\n  tag: 2\r\n")
    }
}

@Suite struct StructuredKeyRewriterJSONTests {
    @Test func rewritesJSONScalarsInPlace() throws {
        let target = "{\n  \"image\": {\"tag\": \"1.4.0\", \"pull\": true},\n  \"replicas\": 3\n}"
        let source = #"{"image":{"tag":"1.5.0"},"replicas":1}"#
        let result = try rewrite(target, source, ["image.tag"], format: .json)
        #expect(result.text == "{\n  \"image\": {\"tag\": \"1.5.0\", \"pull\": true},\n  \"replicas\": 3\n}")
    }

    @Test func replacesAJSONSubtreeAndAddsKeys() throws {
        let target = "{\n    \"a\": 1,\n    \"list\": [1, 2]\n}\n"
        let source = "{\n  \"list\": [\n    3\n  ],\n  \"image\": {\"tag\": \"x\"}\n}\n"
        let result = try rewrite(target, source, ["list", "image.tag"], format: .json)
        #expect(result.text == "{\n    \"a\": 1,\n    \"list\": [\n      3\n    ],\n    \"image\": {\n        \"tag\": \"x\"\n    }\n}\n")
    }

    @Test func numbersKeepTheirText() throws {
        let result = try rewrite(#"{"v": 1.0}"#, #"{"v": 1.10}"#, ["v"], format: .json)
        #expect(result.text == #"{"v": 1.10}"#)
    }
}

@Suite struct StructuredValueTests {
    @Test(arguments: [
        ("image:\n  tag: \"1.10\" # pinned\n", "image.tag", "1.10"),
        ("image:\n  tag: 007\n", "image.tag", "007"),
        ("image: {tag: x}\n", "image", #"{"tag":"x"}"#),
        ("a: [1, b]\n", "a", #"[1,"b"]"#),
        ("a: 1\n", "b", nil),
        ("kind: A\nmetadata: {name: x}\nv: 1\n---\nkind: B\nmetadata: {name: y}\nv: 2\n", "B/y:v", "2"),
        ("v: 1\n---\nv: 2\n", "#1:v", "2"),
        ("base: &b {tag: 1}\nimage: *b\n", "image.tag", "1"),
        ("containers:\n- name: app\n  image: a:1\n", "containers[name=app].image", "a:1"),
    ] as [(String, String, String?)])
    func readsValues(_ yaml: String, _ path: String, _ expected: String?) throws {
        #expect(try KeyRewriter.value(at: KeyPath(parsing: path), in: Array(yaml.utf8), format: .yaml) == expected)
    }

    @Test func readsJSONValues() throws {
        let json = Array(#"{"image": {"tag": "1.5.0", "n": 1.10}}"#.utf8)
        #expect(try KeyRewriter.value(at: KeyPath(parsing: "image.tag"), in: json, format: .json) == "1.5.0")
        #expect(try KeyRewriter.value(at: KeyPath(parsing: "image.n"), in: json, format: .json) == "1.10")
    }

    @Test func canonicalFormIgnoresFormatting() throws {
        let one = try KeyRewriter.value(at: KeyPath(parsing: "a"), in: Array("a:\n  y: 1 # c\n  x: 'q'\n".utf8), format: .yaml)
        let two = try KeyRewriter.value(at: KeyPath(parsing: "a"), in: Array("a: {x: q, y: 1}\n".utf8), format: .yaml)
        #expect(one == two)
    }
}
