import Testing
@testable import LadderCore

@Suite struct StructuredOverlayMergeTests {
    func merge(_ base: String, _ overlay: String, _ format: StructuredFormat = .yaml) throws -> String {
        try OverlayMerge.merge(base: Array(base.utf8), overlay: Array(overlay.utf8), format: format)
    }

    @Test func mapsMergeOverlayWinsNullDeletes() throws {
        let base = """
            image:
              repository: web
              tag: 1.4.0
            replicas: 1
            env: [A, B]
            debug: true
            resources:
              limits: {cpu: 1}
            """
        let overlay = """
            image:
              tag: "1.5.0"
            env: [C]
            debug: null
            resources:
              requests:
                cpu: 0.5
            extra: 1.10
            """
        #expect(try merge(base, overlay) == """
            image:
              repository: web
              tag: "1.5.0"
            replicas: 1
            env:
              - C
            resources:
              limits:
                cpu: 1
              requests:
                cpu: 0.5
            extra: 1.10

            """)
    }

    @Test func sequencesOfMapsAndSpecialStrings() throws {
        let result = try merge(
            "a: 1\n", "list:\n- name: x\n  v: 'it''s'\n- 007\nscript: |\n  echo hi\n  exit 0\nempty: {}\nkey with: ':'\n")
        #expect(result == """
            a: 1
            list:
              - name: x
                v: 'it''s'
              - 007
            script: |
              echo hi
              exit 0
            empty: {}
            key with: ':'

            """)
    }

    @Test func multiDocumentPairsByKindAndName() throws {
        let base = "kind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1}\n---\nkind: Service\nmetadata: {name: web}\n"
        let overlay = "kind: Service\nmetadata: {name: web}\nspec: {port: 80}\n---\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n"
        #expect(try merge(base, overlay) == """
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 3
            ---
            kind: Service
            metadata:
              name: web
            spec:
              port: 80

            """)
    }

    @Test func json() throws {
        let result = try merge(#"{"a": {"b": 1, "c": 2}, "d": [1], "e": "x"}"#, #"{"a": {"c": null, "z": 1.10}, "d": [2, 3], "e": "y\n"}"#, .json)
        #expect(result == """
            {
              "a": {
                "b": 1,
                "z": 1.10
              },
              "d": [
                2,
                3
              ],
              "e": "y\\n"
            }

            """)
    }

    @Test func emptyOverlayKeepsBase() throws {
        #expect(try merge("a: 1\n", "") == "a: 1\n")
        #expect(try merge("a: 1\n", "# only a comment\n") == "a: 1\n")
    }
}
