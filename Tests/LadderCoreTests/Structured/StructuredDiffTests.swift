import Testing
@testable import LadderCore

@Suite struct StructuredDiffTests {
    func diff(_ old: String?, _ new: String?, format: StructuredFormat = .yaml) throws -> [String] {
        try StructuredDiff.changes(old: old.map { Array($0.utf8) }, new: new.map { Array($0.utf8) }, format: format)
            .map(\.description)
    }

    @Test func nestedMapsAddedAndRemovedKeys() throws {
        let old = "image:\n  repository: web\n  tag: 1.4.0 # pinned\nreplicas: 2\nold: x\n"
        let new = "image:\n  repository: web\n  tag: 1.5.0\n  digest: sha\nreplicas: 2\nlimits: {cpu: 1, mem: 2}\n"
        #expect(try diff(old, new) == [
            "image.tag: 1.4.0 → 1.5.0",
            "image.digest: (absent) → sha",
            "old: x → (absent)",
            "limits.cpu: (absent) → 1",
            "limits.mem: (absent) → 2",
        ])
    }

    @Test func scalarsKeepTheirText() throws {
        #expect(try diff("v: 1.1\ncode: \"007\"\n", "v: 1.10\ncode: '007'\n") == ["v: 1.1 → 1.10"])
        #expect(try diff("v: \"1\"\n", "v: 1\n") == ["v: 1 → 1"])  // a string became a number
        #expect(try diff("a: 1 # comment\nb: 2\n", "b: 2\na: 1\n").isEmpty)
    }

    @Test func sequencesByNameAndByIndex() throws {
        let old = """
            containers:
              - name: app
                image: app:1
              - name: side
                image: side:1
            args: [a, b]
            """
        let new = """
            containers:
              - name: side
                image: side:1
              - name: app
                image: app:2
              - name: new
                image: new:1
            args: [a, c, d]
            """
        #expect(try diff(old, new) == [
            "containers[name=app].image: app:1 → app:2",
            "containers[name=new].name: (absent) → new",
            "containers[name=new].image: (absent) → new:1",
            "args[1]: b → c",
            "args[2]: (absent) → d",
        ])
    }

    @Test func multiDocumentByKindAndName() throws {
        let old = """
            kind: Deployment
            metadata: {name: web}
            spec: {replicas: 2}
            ---
            kind: Service
            metadata: {name: web}
            spec: {port: 80}
            ---
            plain: 1
            """
        let new = """
            kind: Service
            metadata: {name: web}
            spec: {port: 81}
            ---
            kind: Deployment
            metadata: {name: web}
            spec: {replicas: 3}
            ---
            plain: 1
            ---
            extra: true
            """
        #expect(try diff(old, new) == [
            "Service/web:spec.port: 80 → 81",
            "Deployment/web:spec.replicas: 2 → 3",
            "#3:extra: (absent) → true",
        ])
    }

    @Test func wholeFilesAddedOrRemoved() throws {
        #expect(try diff(nil, "a: {b: 1}\nc: []\n") == ["a.b: (absent) → 1", "c: (absent) → []"])
        #expect(try diff("a: 1\n", nil) == ["a: 1 → (absent)"])
        #expect(try diff(nil, nil).isEmpty)
    }

    @Test func keysWithDotsAreQuoted() throws {
        #expect(try diff("metadata:\n  annotations:\n    example.com/x: a\n", "metadata:\n  annotations:\n    example.com/x: b\n") == [
            #"metadata.annotations."example.com/x": a → b"#
        ])
    }

    @Test func typeChangeReportsBothSides() throws {
        #expect(try diff("a: 1\n", "a: {b: 2}\n") == ["a: 1 → (absent)", "a.b: (absent) → 2"])
    }

    @Test func json() throws {
        let old = #"{"image": {"tag": "1.4.0"}, "n": 1.10, "list": [1, 2], "gone": null}"#
        let new = #"{"image": {"tag": "1.5.0"}, "n": 1.10, "list": [1], "added": {"x": true}}"#
        #expect(try diff(old, new, format: .json) == [
            "image.tag: 1.4.0 → 1.5.0",
            "list[1]: 2 → (absent)",
            "gone: null → (absent)",
            "added.x: (absent) → true",
        ])
    }

    @Test func aliasesAreExpanded() throws {
        #expect(try diff("base: &b {tag: 1}\nimage: *b\n", "base: &b {tag: 2}\nimage: *b\n") == [
            "base.tag: 1 → 2", "image.tag: 1 → 2",
        ])
    }

    @Test func malformedFilesThrowWithPosition() throws {
        #expect(throws: StructuredError.malformed(line: 2, column: 5, reason: "mapping values are not allowed in this context")) {
            try diff("a: 1\nb: c: d\n", "a: 1\n")
        }
        #expect(throws: StructuredError.self) { try diff("{", "{}", format: .json) }
    }
}

@Suite struct StructuredKeyPathTests {
    @Test(arguments: [
        ("image.tag", "image.tag"),
        ("images", "images"),
        ("containers[0].image", "containers[0].image"),
        ("containers[name=app].image", "containers[name=app].image"),
        (#"metadata.annotations."example.com/x""#, #"metadata.annotations."example.com/x""#),
        (#""a \"b\"".c"#, #""a \"b\"".c"#),
        ("Deployment/web:spec.replicas", "Deployment/web:spec.replicas"),
        ("#2:spec.replicas", "#2:spec.replicas"),
        (".", "."),
        ("m[0][1]", "m[0][1]"),
        (#"a[name="x.y"]"#, #"a[name="x.y"]"#),
    ])
    func roundTrips(_ text: String, _ printed: String) throws {
        let path = try KeyPath(parsing: text)
        #expect(path.description == printed)
        #expect(try KeyPath(parsing: path.description) == path)
    }

    @Test func parsesParts() throws {
        let path = try KeyPath(parsing: #"Deployment/web:spec.containers[name=app]."a.b"[2]"#)
        #expect(path.document == .object(kind: "Deployment", name: "web"))
        #expect(path.segments == [.key("spec"), .key("containers"), .match(field: "name", value: "app"), .key("a.b"), .index(2)])
    }

    @Test(arguments: ["", "a..b", ".a", "a.", "a[", "a[x]", "a[0", "a b", #""open"#, "a:b", "#x:a", "a[]", "x.#y", #""a\n""#])
    func rejectsInvalidPaths(_ text: String) {
        #expect(throws: KeyPathError.self) { try KeyPath(parsing: text) }
    }

    @Test func formatFromExtension() {
        #expect(StructuredFormat(path: "payments/values.yaml") == .yaml)
        #expect(StructuredFormat(path: "a/b.YML") == .yaml)
        #expect(StructuredFormat(path: "x.json") == .json)
        #expect(StructuredFormat(path: "terragrunt.hcl") == nil)
        #expect(StructuredFormat(path: ".yaml") == nil)
    }
}
