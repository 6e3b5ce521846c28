import Testing
@testable import LadderCore

@Suite struct StructuredHostileInputTests {
    static let aliasBomb = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """

    @Test func aliasBombIsRefused() {
        let bytes = Array(StructuredHostileInputTests.aliasBomb.utf8)
        #expect(throws: StructuredError.tooLarge) { try StructuredDiff.changes(old: nil, new: bytes, format: .yaml) }
        #expect(throws: StructuredError.tooLarge) { try KeyRewriter.value(at: KeyPath(parsing: "i"), in: bytes, format: .yaml) }
        #expect(throws: KeyRewriteError.target(.tooLarge)) {
            try KeyRewriter.rewrite(target: bytes, source: Array("a: 1\n".utf8), paths: [KeyPath(parsing: "a")], format: .yaml)
        }
    }

    @Test func aliasBombAsAKeyIsRefusedBeforeYamsHashesIt() {
        let yaml = StructuredHostileInputTests.aliasBomb + "\n? *i\n: 1\n*i : 2\n"
        #expect(throws: StructuredError.self) { try StructuredDiff.changes(old: nil, new: Array(yaml.utf8), format: .yaml) }
    }

    @Test(arguments: [
        String(repeating: "[", count: 100_000),
        String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000),
        (0..<400).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n") + " 1\n",
        String(repeating: "- ", count: 2_000) + "x\n",
    ])
    func deepNestingIsRefused(_ yaml: String) {
        #expect(throws: StructuredError.self) { try StructuredDiff.changes(old: nil, new: Array(yaml.utf8), format: .yaml) }
    }

    @Test func moderateNestingIsAccepted() throws {
        let yaml = (0..<60).map { String(repeating: " ", count: $0 * 2) + "k\($0):" }.joined(separator: "\n") + " leaf\n"
        let changes = try StructuredDiff.changes(old: nil, new: Array(yaml.utf8), format: .yaml)
        #expect(changes.count == 1)
    }

    @Test func deepJSONIsRefused() {
        let json = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: StructuredError.tooDeep(line: nil)) { try StructuredDiff.changes(old: nil, new: Array(json.utf8), format: .json) }
    }

    @Test(arguments: [
        ("a:\n\tb: 1\n", 2),  // tab indentation
        ("a: [1, 2\n", 2),  // truncated flow sequence
        ("a: \"unterminated\n", 2),
        ("a: 1\na: 2\n", 1),  // duplicate key
        ("a: *nowhere\n", 1),
        ("- a\nb: c\n", 2),
    ])
    func malformedYAMLNamesTheLine(_ yaml: String, _ line: Int) {
        do {
            _ = try StructuredDiff.changes(old: nil, new: Array(yaml.utf8), format: .yaml)
            Issue.record("expected an error for \(yaml.debugDescription)")
        } catch {
            guard case .malformed(let errorLine?, _, let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(errorLine == line)
            #expect(!reason.isEmpty && reason == reason.lowercased())
        }
    }

    @Test func invalidUTF8() {
        #expect(throws: StructuredError.notUTF8) {
            try StructuredDiff.changes(old: nil, new: [0x61, 0x3A, 0x20, 0xFF, 0x0A], format: .yaml)
        }
    }

    @Test func truncatedJSONReportsPosition() {
        #expect(throws: StructuredError.malformed(line: 2, column: 9, reason: "unexpected end of the document")) {
            try StructuredDiff.changes(old: nil, new: Array("{\"a\":\n  [1, 2,".utf8), format: .json)
        }
    }

    /// Random edits of a realistic file: never a crash, and any successful rewrite keeps every
    /// byte outside its spans.
    @Test func mutatedInputsNeverBreakThePromise() throws {
        let base = Array("""
            # values
            image:
              repository: "web"   # repo
              tag: 1.4.0
            list: [a, {b: c}]
            block: |
              text
            anchors: &x {k: v}
            use: *x
            ---
            kind: K
            metadata: {name: n}
            image: {tag: '1'}

            """.utf8)
        let source = Array("image:\n  tag: 1.5.0\n  digest: sha\nlist: [z]\n".utf8)
        var generator = SplitMix64(seed: 0x1ADD_E2)
        var rewritten = 0
        let alphabet = Array(" :-#[]{}'\"\n&*|>\t,?é".utf8)
        let paths = try ["image.tag", "image.digest", "list", "block"].map { try KeyPath(parsing: $0) }
        for _ in 0..<300 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                default: bytes[position] = alphabet.randomElement(using: &generator)!
                }
            }
            _ = try? StructuredDiff.changes(old: base, new: bytes, format: .yaml)
            if let result = try? KeyRewriter.rewrite(target: bytes, source: source, paths: paths, format: .yaml) {
                #expect(ReplacedSpan.onlySpansChanged(original: bytes, output: result.output, spans: result.replacedSpans))
                if result.didChange { rewritten += 1 }
            }
        }
        #expect(rewritten > 50)
    }
}

/// A small seeded generator so that the mutation test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
