import Foundation
import Testing

@testable import LadderCore

@Suite struct PullRequestTests {
    static let renderer = try! PullRequestRenderer()

    // MARK: Golden files

    @Suite struct GoldenFiles {
        struct Case: CustomTestStringConvertible, Sendable {
            let name: String
            let context: PullRequestContext
            var testDescription: String { name }
        }

        static let cases: [Case] = [
            Case(name: "github-promotion-break-glass", context: PullRequestFixtures.promotion(forge: .github)),
            Case(name: "gitlab-promotion-break-glass", context: PullRequestFixtures.promotion(forge: .gitlab)),
            Case(name: "github-rollback", context: PullRequestFixtures.rollback(forge: .github)),
            Case(name: "gitlab-rollback", context: PullRequestFixtures.rollback(forge: .gitlab)),
            Case(name: "gitlab-restore-break-glass", context: PullRequestFixtures.restore(forge: .gitlab)),
        ]

        @Test(arguments: cases)
        func payloadAndBody(_ testCase: Case) {
            let rendered = PullRequestTests.renderer.render(testCase.context)
            Golden.assertMatches(rendered.payload.pretty + "\n", file: testCase.name + ".json")
            Golden.assertMatches(rendered.body, file: testCase.name + ".md")
        }

        @Test func payloadShapes() {
            let github = PullRequestTests.renderer.render(PullRequestFixtures.promotion(forge: .github)).payload
            #expect(github.objectValue.map { Set($0.keys) } == ["title", "head", "base", "body", "draft", "maintainer_can_modify"])
            #expect(github["head"] == "ladder/promote/staging-to-prod-eu.1")
            #expect(github["base"] == "main")
            #expect(github["draft"] == false)
            #expect(github["maintainer_can_modify"] == false)

            let gitlab = PullRequestTests.renderer.render(PullRequestFixtures.rollback(forge: .gitlab)).payload
            #expect(
                gitlab.objectValue.map { Set($0.keys) }
                    == ["source_branch", "target_branch", "title", "description", "remove_source_branch", "squash", "labels"])
            #expect(gitlab["labels"] == "rollback,env:staging")
            #expect(gitlab["remove_source_branch"] == true)
            #expect(gitlab["squash"] == false)
            let promotion = PullRequestTests.renderer.render(PullRequestFixtures.promotion(forge: .gitlab)).payload
            #expect(promotion["labels"] == "promotion,env:prod-eu.1")
        }
    }

    // MARK: Marker

    @Suite struct Marker {
        /// The JSON between `<!-- ladder:<kind> ` and ` -->`, parsed independently of `find`.
        static func markerJSON(_ body: String, kind: String) throws -> JSONValue {
            let prefix = "<!-- ladder:\(kind) "
            let start = try #require(body.range(of: prefix))
            let end = try #require(body.range(of: " -->", range: start.upperBound..<body.endIndex))
            return try JSONValue.parse(String(body[start.upperBound..<end.lowerBound]))
        }

        @Test func promotionMarkerParsesBack() throws {
            let body = PullRequestTests.renderer.render(PullRequestFixtures.promotion()).body
            #expect(body.hasPrefix("<!-- ladder:promotion {"))
            let json = try Self.markerJSON(body, kind: "promotion")
            #expect(
                json == [
                    "id": "0123abcd4567ef89", "from": "staging", "to": "prod-eu.1",
                    "source_commit": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
                ])
            let marker = try #require(PullRequestMarker.find(in: body))
            #expect(marker.kind == .promotion)
            #expect(marker.fields == json)
        }

        @Test func rollbackMarkerNamesTheRolledBackPromotion() throws {
            let body = PullRequestTests.renderer.render(PullRequestFixtures.rollback()).body
            #expect(!body.contains("ladder:promotion"))
            let json = try Self.markerJSON(body, kind: "rollback")
            #expect(json["rollback_of"] == "0123abcd4567ef89")
            #expect(json["to"] == "staging")
            #expect(json["id"] == "fedcba9876543210")
            #expect(PullRequestMarker.find(in: body)?.kind == .rollback)
        }

        @Test func valuesCannotEndTheComment() throws {
            var context = PullRequestFixtures.promotion()
            context.from = "x --> <b>&"
            let body = PullRequestTests.renderer.render(context).body
            let firstLine = String(body.prefix { $0 != "\n" })
            // The comment ends exactly once, at the end of its line.
            #expect(firstLine.components(separatedBy: "-->").count == 2)
            #expect(firstLine.hasSuffix(" -->"))
            let json = try Self.markerJSON(body, kind: "promotion")
            #expect(json["from"] == "x --> <b>&")
        }

        @Test func markerIsAddedWhenACustomTemplateLeavesItOut() throws {
            let renderer = try PullRequestRenderer(body: .init(path: ".ladder/pr-body.mustache", text: "Just {{to}}.\n"))
            let rendered = renderer.render(PullRequestFixtures.promotion())
            #expect(rendered.body.hasPrefix(rendered.marker + "\n\nJust prod-eu.1."))
            #expect(PullRequestMarker.find(in: rendered.body)?.fields["id"] == "0123abcd4567ef89")
        }
    }

    // MARK: Title

    @Suite struct Title {
        @Test func builtInTitles() {
            #expect(PullRequestTests.renderer.render(PullRequestFixtures.promotion()).title == "promote(prod-eu.1): payments and orders from staging")
            #expect(PullRequestTests.renderer.render(PullRequestFixtures.rollback()).title == "rollback(staging): undo 0123abcd4567ef89")
            var restore = PullRequestFixtures.rollback()
            restore.rollback = .init(target: .revision, of: "v1.2.0")
            #expect(PullRequestTests.renderer.render(restore).title == "rollback(staging): restore v1.2.0")
            var three = PullRequestFixtures.promotion()
            three.units.append(.init(name: "users"))
            #expect(PullRequestTests.renderer.render(three).title == "promote(prod-eu.1): payments, orders and users from staging")
        }

        @Test func manyUnitsAreSummarisedWithinTheLimit() {
            var context = PullRequestFixtures.promotion()
            context.units = (0..<300).map { .init(name: String(format: "service-%03d", $0)) }
            let title = PullRequestTests.renderer.render(context).title
            #expect(title.utf16.count <= 250)
            #expect(title.hasPrefix("promote(prod-eu.1): service-000, service-001, "))
            #expect(title.hasSuffix(" more from staging"))
            // As many units as fit: one more would not.
            let shown = title.components(separatedBy: "service-").count - 1
            #expect(title.contains(" and \(300 - shown) more from"))
            let longer = "promote(prod-eu.1): "
                + PullRequestRenderer.unitsSummary(context.units.map(\.name), showing: shown + 1) + " from staging"
            #expect(longer.utf16.count > 250)
        }

        @Test func overlongTitleIsCutWithAnEllipsis() {
            var context = PullRequestFixtures.promotion()
            context.units = [.init(name: String(repeating: "x", count: 400))]
            let title = PullRequestTests.renderer.render(context).title
            #expect(title.utf16.count == 250)
            #expect(title.hasSuffix("…"))

            // Characters outside the BMP count twice and are never split.
            context.units = [.init(name: String(repeating: "🚀", count: 300))]
            let emoji = PullRequestTests.renderer.render(context).title
            #expect(emoji.utf16.count <= 250)
            #expect(emoji.hasSuffix("🚀…"))
        }

        @Test func titleIsOneLineAndNotHTMLEscaped() {
            var context = PullRequestFixtures.promotion()
            context.units = [.init(name: "a&b\n<c>")]
            #expect(PullRequestTests.renderer.render(context).title == "promote(prod-eu.1): a&b <c> from staging")
        }
    }

    // MARK: Truncation

    @Suite struct Truncation {
        static func manyFiles(_ forge: Forge) -> PullRequestContext {
            var context = PullRequestFixtures.promotion(forge: forge)
            context.changedFiles = (0..<5000).map { index in
                .init(
                    path: String(format: "unit-%04d/values.yaml", index), status: .modified,
                    keys: [.init(path: "image.tag", old: "1.0.\(index)", new: "1.1.\(index)")])
            }
            context.units = (0..<5000).map { .init(name: String(format: "unit-%04d", $0), oldVersion: "1.0", newVersion: "1.1") }
            return context
        }

        @Test func fiveThousandFilesFitGitHub() throws {
            let rendered = PullRequestTests.renderer.render(Self.manyFiles(.github))
            let body = rendered.body
            #expect(body.utf16.count <= 65_536)
            #expect(body.hasPrefix("<!-- ladder:promotion {"))
            #expect(PullRequestMarker.find(in: body)?.fields["id"] == "0123abcd4567ef89")
            #expect(rendered.omittedFiles > 0)
            #expect(body.contains("… \(rendered.omittedFiles) more files not shown; run `ladder diff staging prod-eu.1` for the full list."))
            // Whole entries only: every shown file keeps its key line, and the sections after the list remain.
            let shown = body.components(separatedBy: "\n- `unit-").count - 1
            #expect(shown == 5000 - rendered.omittedFiles)
            #expect(body.components(separatedBy: "\n  - `image.tag`: ").count - 1 == shown)
            #expect(body.contains("### Required at merge"))
            #expect(body.contains("```mermaid\nflowchart LR"))
            #expect(Markup.fencesBalanced(body))
            #expect(rendered.payload["body"]?.stringValue == body)
            // Dropping fewer files would not have fitted.
            #expect(shown > 100)
        }

        @Test func aHugeUnitTableDoesNotCostTheFiles() {
            var context = PullRequestFixtures.promotion()
            context.units = (0..<5000).map { .init(name: String(format: "unit-%04d", $0), oldVersion: "1.0", newVersion: "1.1") }
            let rendered = PullRequestTests.renderer.render(context)
            #expect(rendered.omittedFiles == 0)
            #expect(rendered.body.utf16.count <= 65_536)
            #expect(rendered.body.contains("more units not shown."))
            #expect(rendered.body.contains("- `payments/logo.png` — modified (binary)"))
            #expect(Markup.tableRowsWellFormed(rendered.body))
        }

        @Test func gitLabTakesTheWholeList() {
            let rendered = PullRequestTests.renderer.render(Self.manyFiles(.gitlab))
            #expect(rendered.omittedFiles == 0)
            #expect(!rendered.body.contains("not shown"))
            #expect(rendered.body.utf16.count <= 1_048_576)
            #expect(rendered.body.contains("unit-4999/values.yaml"))
        }

        @Test func smallLimitsDropExcludedFilesAndUnitRowsButKeepTheMarker() {
            let context = Self.manyFiles(.github)
            let rendered = PullRequestTests.renderer.render(context, bodyLimit: 4000)
            #expect(rendered.body.utf16.count <= 4000)
            #expect(rendered.omittedFiles > 4900 && rendered.omittedFiles < 5000)
            #expect(rendered.body.hasPrefix(rendered.marker))
            #expect(rendered.body.contains("more units not shown."))
            #expect(Markup.fencesBalanced(rendered.body))
            #expect(Markup.tableRowsWellFormed(rendered.body))

            let tiny = PullRequestTests.renderer.render(context, bodyLimit: 600)
            #expect(tiny.body.hasPrefix(tiny.marker))
            #expect(tiny.body.contains("does not fit"))
        }
    }

    // MARK: Hostile values

    @Suite struct Hostile {
        static let long = String(repeating: "A", count: 20_000)

        static func context() -> PullRequestContext {
            var context = PullRequestFixtures.promotion()
            context.units = [
                .init(name: "pay|ments", oldVersion: "`1.4`|x", newVersion: "<script>alert(1)</script>"),
                .init(name: "back\\|slash", oldVersion: "a\nb", newVersion: long),
                .init(name: "``", oldVersion: " ", newVersion: ""),
            ]
            context.changedFiles = [
                .init(
                    path: "evil`name`\n| x | y |\n# heading.yaml", status: .modified,
                    keys: [
                        .init(path: "a|b", old: "<img src=x onerror=alert(1)>", new: "```\ncode\n```"),
                        .init(path: "long", old: long, new: "ok"),
                    ]),
                .init(path: "<b>bold</b>.yaml", oldPath: "**x**.yaml", status: .renamed),
            ]
            context.excludedFiles = [.init(path: "[link](http://x)", rule: "*/*`")]
            context.requirements = ["<script>x</script> | *star* _u_\n# not a heading", "- not a list", "1. not ordered"]
            context.breakGlass = .init(reason: "fix\n\n# Heading\n> quote <script>", by: "@everyone <b>")
            context.rollbackCommand = "ladder rollback x\n```\n# escaped?"
            return context
        }

        @Test func tableAndMarkdownStayIntact() throws {
            let body = PullRequestTests.renderer.render(Self.context()).body
            #expect(Markup.tableRowsWellFormed(body))
            #expect(Markup.fencesBalanced(body))
            let tableRows = body.split(separator: "\n").filter { $0.hasPrefix("|") }
            #expect(tableRows.count == 5)  // header, delimiter, three units
            // Nothing outside code spans and blocks opens HTML or a heading of its own.
            for line in Markup.linesOutsideCodeBlocks(body) {
                let prose = Markup.removingCodeSpans(line)
                if line.hasPrefix("<!-- ladder:") { continue }
                #expect(!Markup.unescaped("<", in: prose), "raw '<' in: \(line)")
                #expect(!line.hasPrefix("# "), "stray heading: \(line)")
                #expect(!line.hasPrefix("| x"), "a value broke out into a table row: \(line)")
            }
            // Long values are abbreviated, never dumped.
            #expect(!body.contains(String(repeating: "A", count: 200)))
            #expect(body.contains("AAAA…AAAA"))
            // Line breaks inside values are shown, not obeyed.
            #expect(body.contains("``evil`name`\\n| x"))
            #expect(body.contains("\\n| x | y |\\n# heading.yaml"))
        }

        @Test func fencedValuesCannotCloseTheirBlock() {
            let body = PullRequestTests.renderer.render(Self.context()).body
            #expect(body.contains("````sh\nladder rollback x\n```\n# escaped?\n````"))
        }
    }

    // MARK: Templates

    @Suite struct Templates {
        @Test func customTemplatesOverrideTheBuiltIns() throws {
            let renderer = try PullRequestRenderer(
                title: .init(path: ".ladder/pr-title.mustache", text: "[{{to}}] {{units_summary}} ({{id}})\n"),
                body: .init(
                    path: ".ladder/pr-body.mustache",
                    text: "{{{marker}}}\nDeploy {{{summary_md}}}\n{{#files}}* {{path}}\n{{/files}}{{#break_glass}}BG by {{by}}{{/break_glass}}\n"))
            let rendered = renderer.render(PullRequestFixtures.promotion())
            #expect(rendered.title == "[prod-eu.1] payments and orders (0123abcd4567ef89)")
            #expect(rendered.body.hasPrefix(rendered.marker + "\nDeploy Promotes `payments` and `orders` from `staging`"))
            #expect(rendered.body.contains("* payments/values.yaml\n* orders/deployment.yaml\n"))
            #expect(rendered.body.hasSuffix("BG by carol\n"))
            #expect(rendered.payload["body"]?.stringValue == rendered.body)
        }

        @Test func brokenBodyTemplateNamesFileAndLine() {
            #expect(throws: PullRequestError.self) {
                try PullRequestRenderer(body: .init(path: ".ladder/pr-body.mustache", text: "# Title\n\n{{#files}}\n- {{path}}\n"))
            }
            do {
                _ = try PullRequestRenderer(body: .init(path: ".ladder/pr-body.mustache", text: "one\ntwo {{#a}}x{{/b}}\nthree\n"))
                Issue.record("a mismatched section must not parse")
            } catch {
                guard case .invalidTemplate(let path, let line, _, _) = error else { return }
                #expect(path == ".ladder/pr-body.mustache")
                #expect(line == 2)
                #expect(error.localizedDescription.hasPrefix(".ladder/pr-body.mustache:2:"))
                #expect(error.exitStatus == .badInput)
            }
        }

        @Test func brokenTitleTemplateReportsColumnsOfTheUsersText() {
            do {
                _ = try PullRequestRenderer(title: .init(path: ".ladder/pr-title.mustache", text: "x {{#to}}y"))
                Issue.record("an unclosed section must not parse")
            } catch {
                guard case .invalidTemplate(let path, let line, let column, _) = error else { return }
                #expect(path == ".ladder/pr-title.mustache")
                #expect(line == 1)
                #expect(column <= "x {{#to}}y".count + 1)
            }
        }

        @Test func builtInTemplatesParse() throws {
            _ = try PullRequestRenderer()
        }
    }

    // MARK: Mermaid

    @Suite struct Mermaid {
        static func isIdentifier(_ id: String) -> Bool {
            guard let first = id.first, first.isASCII, first.isLetter || first == "_" else { return false }
            return id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        }

        @Test func awkwardNamesGetValidUniqueIdentifiers() throws {
            let names = ["prod-eu.1", "prod_eu_1", "prod-eu_1", "end", "o", "x", "Ünï", "a\"b"]
            let ids = MermaidFlowchart.identifiers(for: names)
            #expect(Set(ids.values).count == names.count)
            for id in ids.values {
                #expect(Self.isIdentifier(id), "invalid id \(id)")
                #expect(id.hasPrefix("env_"))
            }
            #expect(ids["prod-eu.1"] == "env_prod_eu_1")
        }

        @Test func everyEnvironmentANodeEveryEdgeAnArrowThisEdgeHighlighted() throws {
            let context = PullRequestFixtures.promotion()
            let source = MermaidFlowchart(ladder: context.ladder, edge: .init(from: "staging", to: "prod-eu.1"), highlighted: ["staging", "prod-eu.1"]).source
            let lines = source.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(lines.first == "flowchart LR")
            #expect(lines.contains("env_prod_eu_1[\"prod-eu.1\"]"))
            let arrows = lines.filter { $0.contains("-->") || $0.contains("==>") }
            #expect(arrows == ["env_dev --> env_staging", "env_staging ==> env_prod_eu_1", "env_staging --> env_prod_us"])
            #expect(lines.contains("linkStyle 1 stroke:#d97706,stroke-width:4px"))
            #expect(lines.contains("class env_staging,env_prod_eu_1 current"))
        }

        @Test func anEdgeMissingFromTheLadderIsStillDrawnAndHighlighted() {
            let source = MermaidFlowchart(
                ladder: .init(chain: ["dev", "staging", "prod"]), edge: .init(from: "dev", to: "prod"), highlighted: ["dev", "prod"]
            ).source
            #expect(source.contains("env_dev ==> env_prod"))
            #expect(source.contains("linkStyle 2 "))
        }

        @Test func labelsAreEscaped() {
            #expect(MermaidFlowchart.label("a\"b<c>#`") == "a#quot;b#lt;c#gt;#35;#96;")
        }
    }

    // MARK: Markdown primitives

    @Suite struct MarkdownPrimitives {
        @Test(arguments: [
            ("plain", "`plain`"),
            ("a`b", "``a`b``"),
            ("`start", "`` `start ``"),
            ("x``y", "```x``y```"),
            (" both ", "`  both  `"),
            ("", "*(empty)*"),
            ("line\nbreak", "`line\\nbreak`"),
        ])
        func codeSpans(input: String, expected: String) {
            #expect(Markdown.code(input) == expected)
        }

        @Test func pipesInTableCells() {
            #expect(Markdown.code("a|b", inTable: true) == "`a\\|b`")
            // A backslash before a pipe must not swallow the escape.
            #expect(Markdown.code("a\\|b", inTable: true) == "`a\\\\\\|b`")
            #expect(Markup.tableRowsWellFormed("| h | i |\n| --- | --- |\n| \(Markdown.code("a\\|b", inTable: true)) | x |\n"))
        }

        @Test func inlineText() {
            #expect(Markdown.text("- item") == "\\- item")
            #expect(Markdown.text("12. x") == "12\\. x")
            #expect(Markdown.text("a <b> *c* [d](e) | f") == "a \\<b\\> \\*c\\* \\[d\\](e) \\| f")
            #expect(Markdown.text("two\nlines") == "two lines")
        }

        @Test func abbreviation() {
            let value = String(repeating: "a", count: 50) + String(repeating: "b", count: 50)
            let short = Markdown.abbreviate(value, limit: 21)
            #expect(short.count == 21)
            #expect(short.hasPrefix("aaaa"))
            #expect(short.hasSuffix("bbbbb"))
            #expect(short.contains("…"))
            #expect(Markdown.abbreviate("short", limit: 21) == "short")
        }
    }
}

/// Small structural checks of rendered markdown, independent of the renderer.
enum Markup {
    /// Every fenced code block opened is closed by a fence of the same character and at least the
    /// same length.
    static func fencesBalanced(_ text: String) -> Bool {
        var open: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let run = line.prefix { $0 == "`" }.count
            if let length = open {
                if run >= length, line.dropFirst(run).allSatisfy({ $0 == " " }) { open = nil }
            } else if run >= 3 {
                open = run
            }
        }
        return open == nil
    }

    /// Lines that are not inside fenced code blocks.
    static func linesOutsideCodeBlocks(_ text: String) -> [String] {
        var result: [String] = []
        var open: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let run = line.prefix { $0 == "`" }.count
            if let length = open {
                if run >= length, line.dropFirst(run).allSatisfy({ $0 == " " }) { open = nil }
            } else if run >= 3 {
                open = run
            } else {
                result.append(String(line))
            }
        }
        return result
    }

    /// The cells of a GFM table row, split the way cmark-gfm does: a backslash pairs with the next
    /// character, an unpaired pipe separates cells.
    static func cells(_ row: Substring) -> Int {
        var count = 0
        var escaped = false
        for character in row {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "|" {
                count += 1
            }
        }
        return count - 1
    }

    /// All table rows of a block have as many cells as its header.
    static func tableRowsWellFormed(_ text: String) -> Bool {
        var expected: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else {
                expected = nil
                continue
            }
            let count = cells(line)
            if let expected, expected != count { return false }
            expected = count
        }
        return true
    }

    /// The line with code spans removed (backtick strings matched by length).
    static func removingCodeSpans(_ line: String) -> String {
        var output = ""
        var characters = Array(line)[...]
        while let first = characters.first {
            if first == "`" {
                let run = characters.prefix { $0 == "`" }.count
                let rest = characters.dropFirst(run)
                if let close = findRun(of: run, in: rest) {
                    characters = rest[close.upperBound...]
                    continue
                }
                output += String(repeating: "`", count: run)
                characters = rest
                continue
            }
            output.append(first)
            characters = characters.dropFirst()
        }
        return output
    }

    private static func findRun(of length: Int, in characters: ArraySlice<Character>) -> Range<Int>? {
        var index = characters.startIndex
        while index < characters.endIndex {
            if characters[index] == "`" {
                var end = index
                while end < characters.endIndex, characters[end] == "`" { end += 1 }
                if end - index == length { return index..<end }
                index = end
            } else {
                index += 1
            }
        }
        return nil
    }

    /// Whether `character` occurs in `text` without a backslash before it.
    static func unescaped(_ character: Character, in text: String) -> Bool {
        var escaped = false
        for current in text {
            if escaped {
                escaped = false
                continue
            }
            if current == "\\" {
                escaped = true
            } else if current == character {
                return true
            }
        }
        return false
    }
}
