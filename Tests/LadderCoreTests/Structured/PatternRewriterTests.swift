import Testing
@testable import LadderCore

@Suite struct StructuredPatternTests {
    let pattern = #"\?ref=(v[0-9][0-9.]*)"#

    func run(_ target: String, _ source: String) throws -> PatternRewriteResult {
        let result = try PatternRewriter.rewrite(target: Array(target.utf8), source: Array(source.utf8), pattern: pattern)
        #expect(ReplacedSpan.onlySpansChanged(original: Array(target.utf8), output: result.output, spans: result.replacedSpans))
        return result
    }

    @Test func oneSourceMatchGoesToEveryTargetMatch() throws {
        let target = """
            # ünïcode comment ?ref=v0.0.1 is also a match
            terraform { source = "git::https://x/mod.git?ref=v1.2.0" }
            dependency "b" { config_path = "git::https://x/b.git?ref=v1.1.9" }
            """
        let source = #"terraform { source = "git::https://x/mod.git?ref=v1.3.0" }"#
        let result = try run(target, source)
        #expect(String(decoding: result.output, as: UTF8.self) == """
            # ünïcode comment ?ref=v1.3.0 is also a match
            terraform { source = "git::https://x/mod.git?ref=v1.3.0" }
            dependency "b" { config_path = "git::https://x/b.git?ref=v1.3.0" }
            """)
        #expect(result.changes.map(\.old) == ["v0.0.1", "v1.2.0", "v1.1.9"])
        #expect(result.replacedSpans.count == 3)
    }

    @Test func equalCountsPairByOrder() throws {
        let result = try run("a?ref=v1 b?ref=v2 c", "x?ref=v3\ny?ref=v2\n")
        #expect(String(decoding: result.output, as: UTF8.self) == "a?ref=v3 b?ref=v2 c")
        #expect(result.changes.count == 1)
    }

    @Test func mismatchedCountsAreAnError() {
        #expect(throws: PatternError.countMismatch(source: 2, target: 3)) {
            try run("?ref=v1 ?ref=v2 ?ref=v3", "?ref=v4 ?ref=v5")
        }
        #expect(throws: PatternError.countMismatch(source: 0, target: 1)) { try run("?ref=v1", "nothing") }
    }

    @Test func noMatchAnywhereChangesNothing() throws {
        let result = try run("plain", "text")
        #expect(!result.didChange)
        #expect(result.output == Array("plain".utf8))
    }

    @Test func validation() throws {
        try PatternRewriter.validate(pattern)
        #expect(throws: PatternError.noCaptureGroup(pattern: "v[0-9]+")) { try PatternRewriter.validate("v[0-9]+") }
        #expect(throws: PatternError.self) { try PatternRewriter.validate("(unclosed") }
    }
}
