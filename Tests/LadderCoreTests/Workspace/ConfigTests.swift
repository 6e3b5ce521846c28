import LadderCore
import Testing

@Suite struct ConfigTests {
    static let minimal = """
        version: 1
        environments:
          - name: dev
            path: environments/dev
          - name: staging
            path: environments/staging
          - name: prod
            path: environments/prod/
        """

    @Test func defaultsAndChain() throws {
        let config = try LadderConfig.parse(Array(Self.minimal.utf8))
        #expect(config.trunk == "main")
        #expect(config.unitDepth == 1)
        #expect(config.policyPath == "ladder-policy.yaml")
        #expect(config.forge == .github)
        #expect(config.environments.map(\.path) == ["environments/dev", "environments/staging", "environments/prod"])
        #expect(config.promotions == [PromotionEdge(from: "dev", to: "staging"), PromotionEdge(from: "staging", to: "prod")])
        #expect(config.promote.delete == false)
    }

    @Test func fullExample() throws {
        let text = """
            version: 1
            trunk: trunk
            base: templates
            unit_depth: 2
            forge: gitlab
            environments:
              - {name: dev, path: envs/dev}
              - {name: qa, path: envs/qa}
              - {name: prod, path: envs/prod}
            promotions:
              - from: dev
                to: [qa, prod]
            promote:
              exclude: ["*/env.yaml", "**/secrets/**"]
              keys:
                - files: "*/values.yaml"
                  paths: [image.tag, chart.version]
              patterns:
                - files: "**/terragrunt.hcl"
                  regex: '\\?ref=(v[0-9.]+)'
              delete: true
            version_key: image.tag
            pull_request:
              title: .ladder/title.mustache
            """
        let config = try LadderConfig.parse(Array(text.utf8))
        #expect(config.promotions.map(\.description) == ["dev → qa", "dev → prod"])
        #expect(config.forge == .gitlab)
        #expect(config.promote.keyRule(for: "web/values.yaml")?.paths == ["image.tag", "chart.version"])
        #expect(config.promote.keyRule(for: "web/sub/values.yaml") == nil)
        #expect(config.promote.patternRule(for: "a/b/terragrunt.hcl") != nil)
        #expect(config.promote.exclude.match("web/secrets/db.yaml")?.source == "**/secrets/**")
        #expect(config.pullRequestTitleTemplate == ".ladder/title.mustache")
    }

    /// Every mistake names the file, line and column, and says what is wrong.
    @Test(arguments: [
        ("version: 1\nenvironment:\n  - name: dev\n", "ladder.yaml:2:1: unknown key 'environment' (did you mean 'environments'?)"),
        ("environments: []\n", "ladder.yaml:1:1: missing required key 'version' (add 'version: 1')"),
        ("version: 2\nenvironments: []\n", "ladder.yaml:1:10: unsupported version 2; this Ladder reads version 1"),
        ("version: 1\nenvironments: []\n", "ladder.yaml:2:15: 'environments' must list at least one environment"),
        ("version: 1\nenvironments:\n  - name: Dev\n    path: e/dev\n", "ladder.yaml:3:11: invalid environment name 'Dev' (names match [a-z0-9][a-z0-9._-]*)"),
        ("version: 1\nenvironments:\n  - name: dev\n    path: ../dev\n", "ladder.yaml:4:11: '../dev' must not contain '..'"),
        ("version: 1\nenvironments:\n  - name: dev\n    path: /srv/dev\n", "ladder.yaml:4:11: '/srv/dev' must be relative to the repository root"),
        ("version: 1\nenvironments:\n  - name: dev\n    path: .git/hooks\n", "ladder.yaml:4:11: '.git/hooks' points into .git"),
        ("version: 1\nenvironments:\n  - name: dev\n    path: a\n  - name: dev\n    path: b\n", "ladder.yaml:5:11: environment 'dev' is defined twice"),
        ("version: 1\nenvironments:\n  - name: dev\n    path: a\n  - name: prod\n    path: a/prod\n", "ladder.yaml:6:11: the path 'a/prod' overlaps environment 'dev' (a)"),
        ("version: 1\nenvironments:\n  - name: dev\n    path: a\n    paht: b\n", "ladder.yaml:5:5: unknown key 'paht' in 'environments[0]' (did you mean 'path'?)"),
        ("version: 1\nenvironments:\n  - name: dev\n    path: a\npromotions:\n  - from: dve\n    to: dev\n", "ladder.yaml:6:11: unknown environment 'dve' (did you mean 'dev'?)"),
        ("version: 1\nenvironments:\n  - {name: a, path: a}\n  - {name: b, path: b}\npromotions:\n  - {from: a, to: [b]}\n  - {from: b, to: [a]}\n", "ladder.yaml:6:3: promotions form a cycle: a → b → a"),
        ("version: 1\nunit_depth: two\nenvironments:\n  - {name: a, path: a}\n", "ladder.yaml:2:13: 'unit_depth' must be a whole number, not 'two'"),
        ("version: 1\nforge: bitbucket\nenvironments:\n  - {name: a, path: a}\n", "ladder.yaml:2:8: unknown forge 'bitbucket' (use github or gitlab)"),
        ("version: 1\nenvironments:\n  - {name: a, path: a}\npromote:\n  delete: maybe\n", "ladder.yaml:5:11: 'promote.delete' must be true or false, not 'maybe'"),
        ("version: 1\nenvironments:\n  - {name: a, path: a}\npromote:\n  patterns:\n    - {files: x, regex: 'ref=v1'}\n", "ladder.yaml:6:25: the regex 'ref=v1' has no capture group; the first group is what moves"),
        ("version: 1\nenvironments:\n  - {name: a, path: a}\npromote:\n  exclude: ['[z-a]']\n", "ladder.yaml:5:13: bad pattern '[z-a]': reversed range z-a"),
        ("version: 1\nenvironments:\n  - {name: a, path: a\n", "ladder.yaml:4:1: invalid YAML: while parsing a flow mapping did not find expected ',' or '}'"),
        ("version: 1\nversion: 1\nenvironments:\n  - {name: a, path: a}\n", "ladder.yaml:1:1: duplicate key 'version' in a mapping"),
        ("- just\n- a list\n", "ladder.yaml:1:1: the top level must be a mapping of keys to values, not a list"),
        ("", "ladder.yaml: the file is empty"),
    ])
    func reportsMistakes(_ text: String, _ expected: String) {
        do {
            _ = try LadderConfig.parse(Array(text.utf8))
            Issue.record("expected an error for:\n\(text)")
        } catch {
            #expect(error.localizedDescription == expected)
        }
    }

    @Test func refusesNonUTF8AndAliasBombs() {
        var bytes = Array("version: 1\nenvironments:\n  - name: d".utf8)
        bytes.append(0xFF)
        bytes += Array("ev\n    path: a\n".utf8)
        #expect(throws: ConfigError.self) { try LadderConfig.parse(bytes) }
        do {
            _ = try LadderConfig.parse(bytes)
        } catch {
            #expect(error.localizedDescription == "ladder.yaml:3:1: the file is not valid UTF-8")
        }

        var bomb = "version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<8 {
            bomb += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        bomb += "environments:\n  - {name: a, path: a}\n"
        do {
            _ = try LadderConfig.parse(Array(bomb.utf8))
            Issue.record("expected the alias bomb to be refused")
        } catch {
            #expect(error.localizedDescription.contains("too large"))
        }
    }
}
