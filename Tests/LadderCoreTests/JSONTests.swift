import Testing
@testable import LadderCore

@Suite struct JSONTests {
    @Test func parsesAndCanonicalises() throws {
        let value = try JSONValue.parse(#"{"b": [1, 2.5, "x\n"], "a": {"z": null, "y": true}}"#)
        #expect(value.canonical == #"{"a":{"y":true,"z":null},"b":[1,2.5,"x\n"]}"#)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"\\x\"", "01x", "[1] 2"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func reportsPosition() {
        do {
            _ = try JSONValue.parse("{\n  \"a\": tru\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 8)
        }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }
}
