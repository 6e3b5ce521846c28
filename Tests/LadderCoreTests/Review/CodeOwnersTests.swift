import Foundation
import Testing

@testable import LadderCore

extension ReviewTests {
    @Suite struct CodeOwnersPatternTests {
        @Test(arguments: [
            // A pattern without a slash matches at any depth, and covers directories of that name.
            ("*", "README.md", true), ("*", "a/b/c.txt", true),
            ("*.js", "app.js", true), ("*.js", "src/lib/app.js", true), ("*.js", "app.jsx", false),
            ("values.yaml", "environments/prod/payments/values.yaml", true),
            ("payments", "environments/prod/payments/values.yaml", true),
            // A leading slash anchors at the root.
            ("/docs/", "docs/a.md", true), ("/docs/", "docs/deep/a.md", true), ("/docs/", "src/docs/a.md", false),
            ("/README.md", "README.md", true), ("/README.md", "sub/README.md", false),
            // A trailing slash matches directory contents at any depth, but not a file of that name.
            ("apps/", "apps/x.go", true), ("apps/", "deep/nested/apps/x.go", true), ("apps/", "apps", false),
            ("apps/", "myapps/x.go", false),
            // An inner slash anchors too.
            ("docs/*", "docs/getting-started.md", true), ("docs/*", "docs/build-app/troubleshooting.md", false),
            ("docs/*", "src/docs/a.md", false),
            ("apps/github", "apps/github/x.rb", true), ("apps/github", "apps/github", true),
            ("apps/github", "apps/githubber/x.rb", false),
            ("environments/prod/", "environments/prod/payments/values.yaml", true),
            ("environments/prod/", "environments/production/x", false),
            // `**` spans directories.
            ("**/logs", "build/logs/x.log", true), ("**/logs", "logs/x.log", true), ("**/logs", "deeply/nested/logs/x", true),
            ("docs/**/*.md", "docs/a.md", true), ("docs/**/*.md", "docs/x/y/a.md", true), ("docs/**/*.md", "docs/a.txt", false),
            ("/build/**", "build/a/b", true), ("build/**", "build", false),
            ("environments/*/payments/", "environments/prod/payments/v.yaml", true),
            ("environments/*/payments/", "environments/prod/x/payments/v.yaml", false),
            // `?` is one character; escapes make wildcards literal; patterns are case-sensitive.
            ("file?.txt", "file1.txt", true), ("file?.txt", "file12.txt", false), (#"\*.md"#, "*.md", true),
            (#"\*.md"#, "a.md", false), ("Docs/", "docs/a.md", false),
            (#"path\ with\ spaces/"#, "path with spaces/a", true),
        ])
        func matchesLikeGitHub(_ pattern: String, _ path: String, _ expected: Bool) throws {
            let owners = try CodeOwners(parsing: "\(pattern) @owner\n")
            #expect(owners.rules.first?.matches(path) == expected, "\(pattern) vs \(path)")
        }

        @Test func manyStarsStayFast() throws {
            let owners = try CodeOwners(parsing: "**/**/**/**/**/**/**/**/*a*a*a*a*a*a*a*a*b @x\n")
            let path = Array(repeating: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", count: 30).joined(separator: "/")
            #expect(owners.rules[0].matches(path) == false)
        }
    }
}

extension ReviewTests {
    @Suite struct CodeOwnersParsingTests {
        let file = """
            # Default owners
            *                        @org/platform   # everyone else
            *.md                     docs@example.com

            /environments/prod/      @alice @org/sre
            /environments/prod/payments/ @bob
            /environments/prod/generated/
            environments/staging/*   @carol @Carol
            """

        @Test func parsesOwnersAndComments() throws {
            let owners = try CodeOwners(parsing: file)
            #expect(owners.rules.map(\.line) == [2, 3, 5, 6, 7, 8])
            #expect(owners.rules[0].owners == [.team("org/platform")])
            #expect(owners.rules[1].owners == [.email("docs@example.com")])
            #expect(owners.rules[2].owners == [.user("alice"), .team("org/sre")])
            #expect(owners.rules[4].owners == [])
            #expect(owners.rules[5].owners == [.user("carol"), .user("Carol")])
        }

        @Test(arguments: [
            ("environments/prod/payments/values.yaml", [CodeOwner.user("bob")]),
            ("environments/prod/orders/values.yaml", [.user("alice"), .team("org/sre")]),
            ("environments/prod/README.md", [.user("alice"), .team("org/sre")]),
            ("environments/dev/README.md", [.email("docs@example.com")]),
            ("environments/prod/generated/x.yaml", []),
            ("environments/staging/x.yaml", [.user("carol"), .user("Carol")]),
            ("environments/staging/orders/x.yaml", [.team("org/platform")]),
        ])
        func lastMatchingLineWins(_ path: String, _ expected: [CodeOwner]) throws {
            #expect(try CodeOwners(parsing: file).owners(of: path) == expected)
        }

        @Test func pathsWithoutARuleAreUnowned() throws {
            let owners = try CodeOwners(parsing: "/environments/prod/ @alice\n")
            #expect(owners.rule(for: "environments/dev/a.yaml") == nil)
            #expect(owners.owners(of: "environments/dev/a.yaml") == [])
        }

        @Test(arguments: [
            ("!docs/ @alice", #"CODEOWNERS:1: negation ("!") is not supported by GitHub: "!docs/""#),
            ("*.[ch] @alice", #"CODEOWNERS:1: character ranges ("[ ]") are not supported by GitHub: "*.[ch]""#),
            (
                ##"\#notes.md @alice"##,
                ##"CODEOWNERS:1: escaping a leading "#" is not supported by GitHub, which would ignore this line: "\\#notes.md""##
            ),
            ("docs/ alice", #"CODEOWNERS:1: invalid owner "alice": expected @user, @org/team or an email address"#),
            ("docs/ @org/team/x", #"CODEOWNERS:1: invalid owner "@org/team/x": expected @user, @org/team or an email address"#),
            ("docs/ @", #"CODEOWNERS:1: invalid owner "@": expected @user, @org/team or an email address"#),
            ("docs/ a@b", #"CODEOWNERS:1: invalid owner "a@b": expected @user, @org/team or an email address"#),
            ("/ @alice", #"CODEOWNERS:1: the pattern matches nothing: "/""#),
            ("docs//x @alice", #"CODEOWNERS:1: the pattern has an empty segment ("//"): "docs//x""#),
            (#"docs\"#, "CODEOWNERS:1: the line ends with a lone backslash"),
        ])
        func reportsUnsupportedAndMalformedLines(_ line: String, _ message: String) {
            #expect {
                try CodeOwners(parsing: line)
            } throws: { error in
                (error as? CodeOwnersError)?.errorDescription == message
            }
        }

        @Test func reportsEveryBadLineWithItsNumber() {
            let text = "* @ok\n\n!a @x\n# fine\nb[1] @y\nc @z\r\nd nobody\n"
            #expect {
                try CodeOwners(parsing: text, file: ".github/CODEOWNERS")
            } throws: { error in
                guard case .invalid(let file, let issues) = error as? CodeOwnersError else { return false }
                return file == ".github/CODEOWNERS" && issues.map(\.line) == [3, 5, 7]
            }
        }

        @Test func refusesFilesGitHubWouldIgnore() {
            let big = [UInt8](repeating: UInt8(ascii: "#"), count: CodeOwners.maximumBytes + 1)
            #expect(throws: CodeOwnersError.tooLarge(file: "CODEOWNERS", bytes: big.count, limit: CodeOwners.maximumBytes)) {
                try CodeOwners(parsing: big)
            }
            #expect(throws: CodeOwnersError.notUTF8(file: "CODEOWNERS")) {
                try CodeOwners(parsing: [0x2A, 0x20, 0x40, 0xFF, 0x0A])
            }
        }
    }
}

extension ReviewTests {
    @Suite struct CodeOwnersEvaluationTests {
        let owners: CodeOwners

        init() throws {
            owners = try CodeOwners(
                parsing: """
                /environments/prod/          @alice @org/sre
                /environments/prod/payments/ @bob
                /environments/prod/ledger/   @org/ghost
                /environments/prod/docs/     docs@example.com
                /environments/prod/generated/
                """)
        }

        let teams: (String) -> Set<String>? = { team in team.lowercased() == "org/sre" ? ["carol", "Dave"] : nil }

        @Test func teamMemberSatisfiesTeamOwnedPaths() {
            let result = owners.evaluate(
                changedPaths: ["environments/prod/orders/v.yaml", "environments/dev/x.yaml"], approvers: ["DAVE"],
                teamMembers: teams)
            #expect(result.satisfied)
            #expect(result.paths.map(\.approvedBy) == ["DAVE", nil])
            #expect(result.unowned == ["environments/dev/x.yaml"])
            #expect(result.message == "code owners approved the owned path")
        }

        @Test func reportsEachUnapprovedPathWithItsOwners() {
            let result = owners.evaluate(
                changedPaths: [
                    "environments/prod/payments/a.yaml", "environments/prod/orders/a.yaml", "environments/prod/payments/b.yaml",
                    "environments/prod/ledger/a.yaml", "environments/prod/docs/a.md", "environments/prod/generated/x",
                ],
                approvers: ["carol"], teamMembers: teams)
            #expect(!result.satisfied)
            #expect(
                result.unsatisfied.map(\.path) == [
                    "environments/prod/payments/a.yaml", "environments/prod/payments/b.yaml", "environments/prod/ledger/a.yaml",
                    "environments/prod/docs/a.md",
                ])
            #expect(result.unresolvedOwners == [.team("org/ghost"), .email("docs@example.com")])
            #expect(
                result.message
                    == "environments/prod/payments/a.yaml and environments/prod/payments/b.yaml need approval from @bob; "
                    + "environments/prod/ledger/a.yaml needs approval from @org/ghost (unknown team); "
                    + "environments/prod/docs/a.md needs approval from docs@example.com (no login known)")
        }

        @Test func emailOwnersResolveThroughTheCaller() {
            let result = owners.evaluate(
                changedPaths: ["environments/prod/docs/a.md"], approvers: ["erin"], teamMembers: teams,
                emailLogin: { $0 == "docs@example.com" ? "erin" : nil })
            #expect(result.satisfied)
            #expect(result.paths.first?.approvedBy == "erin")
        }

        @Test func onlyCountedApproversSatisfyOwners() {
            let evaluation = ApprovalEvaluation(
                reviews: [
                    Review(login: "alice", state: .approved, index: 0),
                    Review(login: "bob", state: .approved, commit: "1111111111", index: 1),
                ],
                rule: ApprovalRule(required: 1),
                context: ApprovalContext(headCommit: "2222222222", author: "alice", now: Date()))
            let result = owners.evaluate(
                changedPaths: ["environments/prod/payments/a.yaml", "environments/prod/orders/a.yaml"],
                approvers: evaluation.qualifiedApprovers, teamMembers: teams)
            #expect(result.unsatisfied.count == 2)
        }

        @Test func longGroupsAreShortened() {
            let paths = (1...5).map { "environments/prod/payments/\($0).yaml" }
            let result = owners.evaluate(changedPaths: paths + paths, approvers: [], teamMembers: teams)
            #expect(result.paths.count == 5)
            #expect(
                result.message
                    == "environments/prod/payments/1.yaml, environments/prod/payments/2.yaml, environments/prod/payments/3.yaml and 2 more paths need approval from @bob"
            )
        }

        @Test func noOwnedPaths() {
            let result = owners.evaluate(changedPaths: ["README.md"], approvers: [], teamMembers: teams)
            #expect(result.satisfied)
            #expect(result.message == "no changed path has code owners")
        }
    }
}
