import Foundation
import LadderCore
import LadderTestSupport
import Testing
import Yams

@Suite struct ScaffoldWriterTests {
    static let layouts: [(String, [String: String])] = [
        ("kustomize", Layouts.kustomize), ("flux", Layouts.flux), ("terraform", Layouts.terraform),
        ("units", [
            "envs/dev/a/values.yaml": "image: {tag: '1'}\n", "envs/qa/a/values.yaml": "image: {tag: '1'}\n",
            "envs/staging/a/values.yaml": "image: {tag: '1'}\n", "envs/prod/a/values.yaml": "image: {tag: '1'}\n",
            "envs/prod/a/env.yaml": "replicas: 3\n",
        ]),
    ]

    @Test(arguments: layouts.map(\.0))
    func generatedFilesLoadWithLaddersOwnLoaders(_ name: String) throws {
        let tree = ProjectTree(files: Self.layouts.first { $0.0 == name }!.1)
        let layout = try LayoutDetector.detect(tree)
        let options = ScaffoldOptions(trunk: "trunk", forge: .gitlab)
        let config = try LadderConfig.parse(Array(ScaffoldWriter.config(layout, options: options).utf8))
        #expect(config.trunk == "trunk")
        #expect(config.forge == .gitlab)
        #expect(config.environmentNames == layout.environments.map(\.name))
        #expect(config.unitDepth == layout.unitDepth)
        #expect(config.base == layout.base)
        #expect(config.promote.delete)

        let policy = try PolicyFile.parse(Array(ScaffoldWriter.policy(layout).utf8), config: config)
        #expect(policy.warnings.isEmpty, "\(policy.warnings)")
        let names = config.environmentNames
        let first = policy.rules(for: names[0])
        #expect(first.approvals.required == 0)
        for (index, middle) in names.enumerated().dropFirst().dropLast() {
            let rules = policy.rules(for: middle, from: names[index - 1])
            #expect(rules.auto == true)
            #expect(rules.soak != nil)
            #expect(rules.promoteFrom == [names[index - 1]])
        }
        let last = policy.rules(for: names.last!, from: names[names.count - 2])
        #expect(last.promoteFrom == [names[names.count - 2]])
        #expect(last.auto == false)
        #expect(last.approvals.required == 2)
        #expect(last.approvals.allowAuthor == false)
        #expect(last.windows.count == 1)
        guard case .recurring(_, let duration, let zone) = last.windows.first?.timing else {
            Issue.record("expected a recurring window")
            return
        }
        #expect(zone.secondsFromGMT(for: Date()) == 0)  // Foundation may name UTC "GMT"
        #expect(duration == (try PolicyDuration(parsing: "62h")))
        #expect(last.windows.first?.kind == .deny)
        #expect(last.breakGlass.allowed == false)
    }

    @Test func yamlScalarsNeedingQuotes() throws {
        let layout = DetectedLayout(
            summary: "test", parent: "envs",
            environments: [DetectedEnvironment(name: "1", path: "envs/1"), DetectedEnvironment(name: "on", path: "envs/on #x")],
            base: nil, unitDepth: 1, excludes: [DetectedRule(pattern: "*/env.yaml", reason: "why")], keys: [], patterns: [],
            versionKey: nil, notes: ["a note: with a colon"])
        let config = try LadderConfig.parse(Array(ScaffoldWriter.config(layout, options: ScaffoldOptions(trunk: "release/2026")).utf8))
        #expect(config.environmentNames == ["1", "on"])
        #expect(config.environments.last?.path == "envs/on #x")
        #expect(config.trunk == "release/2026")
        _ = try PolicyFile.parse(Array(ScaffoldWriter.policy(layout).utf8), config: config)
    }

    @Test func gitHubWorkflowPassesTheSanityChecks() throws {
        let text = GitHubWorkflow.render(trunk: "main")
        #expect(try WorkflowLint.github(text) == [])
        let root = try WorkflowLint.root(text)
        #expect(root["permissions"]?.mapping?["contents"]?.string == "read")
        let auto = try #require(root["jobs"]?.mapping?["auto"]?.mapping)
        #expect(auto["permissions"]?.mapping?["contents"]?.string == "write")
        #expect(auto["permissions"]?.mapping?["pull-requests"]?.string == "write")
        let scripts = (auto["steps"]?.sequence ?? []).compactMap { $0.mapping?["run"]?.string }.joined(separator: "\n")
        #expect(scripts.contains("ladder auto --push origin --payload-dir payloads"))
        #expect(scripts.contains("gh api \"repos/$REPO/pulls\" --method POST --input \"$payload\""))
        #expect(scripts.contains("already exists"))
        let check = try #require(root["jobs"]?.mapping?["check"]?.mapping)
        let checkScripts = (check["steps"]?.sequence ?? []).compactMap { $0.mapping?["run"]?.string }.joined(separator: "\n")
        #expect(checkScripts.contains("repos/$REPO/pulls/$PR_NUMBER/reviews"))
        #expect(checkScripts.contains("repos/$REPO/commits/$HEAD_SHA/check-runs"))
        #expect(checkScripts.contains("ladder check --branch \"$HEAD_REF\" --base \"$BASE_REF\" --reviews reviews.json --checks checks.json --author \"$PR_AUTHOR\" --title \"$PR_TITLE\""))
        #expect(!text.contains("run: ${{"))
        // No expression at all inside a script: every value reaches the shell through env.
        #expect(!scripts.contains("${{") && !checkScripts.contains("${{"))
    }

    @Test func gitHubWorkflowQuotesAnOddTrunk() throws {
        let text = GitHubWorkflow.render(trunk: "on")
        #expect(try WorkflowLint.github(text) == [])
        let root = try WorkflowLint.root(text)
        #expect(root["env"]?.mapping?["TRUNK"]?.string == "on")
        #expect(root["env"]?.mapping?["TRUNK"]?.tag.description == "tag:yaml.org,2002:str")
    }

    @Test func gitLabPipelinePassesTheSanityChecks() throws {
        let text = GitLabPipeline.render(trunk: "main")
        #expect(try WorkflowLint.gitlab(text) == [])
        let root = try WorkflowLint.root(text)
        let auto = try #require(root["ladder-auto"]?.mapping)
        #expect(auto["rules"]?.sequence?.first?.mapping?["if"]?.string == "$CI_PIPELINE_SOURCE == \"schedule\" && $LADDER_AUTO == \"true\"")
        let check = try #require(root["ladder-check"]?.mapping)
        #expect(check["rules"]?.sequence?.first?.mapping?["if"]?.string == "$CI_PIPELINE_SOURCE == \"merge_request_event\"")
        #expect(check["script"]?.sequence?.first?.string?.contains("ladder check --branch") == true)
        #expect(auto["script"]?.sequence?.first?.string?.contains("ladder auto --push origin --payload-dir payloads") == true)
        _ = try CronSchedule(parsing: GitLabPipeline.schedule)
        #expect(text.contains("\"\(GitLabPipeline.schedule)\""))
        let include = try WorkflowLint.root(GitLabPipeline.rootFile)
        #expect(include["include"]?.sequence?.first?.mapping?["local"]?.string == GitLabPipeline.path)
    }

    @Test func filesPerCIAndExistingGitLabPipeline() throws {
        let layout = try LayoutDetector.detect(ProjectTree(files: Layouts.terraform))
        #expect(ScaffoldWriter.files(for: layout, options: ScaffoldOptions()).map(\.path) == ["ladder.yaml", "ladder-policy.yaml"])
        #expect(ScaffoldWriter.files(for: layout, options: ScaffoldOptions(ci: .github)).map(\.path).last == ".github/workflows/ladder.yml")
        #expect(ScaffoldWriter.files(for: layout, options: ScaffoldOptions(ci: .gitlab)).map(\.path).suffix(2) == [".gitlab/ladder.yml", ".gitlab-ci.yml"])
        let existing = ScaffoldWriter.files(for: layout, options: ScaffoldOptions(ci: .gitlab)) { $0 == ".gitlab-ci.yml" }
        #expect(existing.map(\.path).last == ".gitlab/ladder.yml")
    }
}

/// The checks themselves must catch what they claim to catch.
@Suite struct WorkflowLintTests {
    static let valid = """
        on:
          schedule:
            - cron: "0 * * * *"
        permissions: {contents: read}
        jobs:
          a:
            runs-on: ubuntu-latest
            permissions: {contents: read}
            steps:
              - uses: actions/checkout@v4
              - run: echo "$TITLE"
                env:
                  TITLE: ${{ github.event.pull_request.title }}
        """

    @Test func cleanWorkflow() throws {
        #expect(try WorkflowLint.github(Self.valid) == [])
    }

    @Test(arguments: [
        ("run: echo \"$TITLE\"", "run: echo \"${{ github.event.pull_request.title }}\"", "untrusted"),
        ("run: echo \"$TITLE\"", "run: echo \"${{ github.head_ref }}\"", "untrusted"),
        ("${{ github.event.pull_request.title }}", "${{ event.pull_request.title }}", "unknown context 'event'"),
        ("${{ github.event.pull_request.title }}", "${{ github.event.pull_request.title }", "unclosed"),
        ("${{ github.event.pull_request.title }}", "${{ evil(github.event) }}", "unknown function 'evil'"),
        ("\"0 * * * *\"", "\"0 * * *\"", "cron"),
        ("\"0 * * * *\"", "\"61 * * * *\"", "invalid cron"),
        ("permissions: {contents: read}\njobs", "jobs", "no top-level 'permissions:'"),
        ("runs-on: ubuntu-latest", "runs-in: ubuntu-latest", "no runs-on"),
        ("- uses: actions/checkout@v4", "- uses: actions/checkout", "unpinned"),
    ])
    func catches(_ original: String, _ replacement: String, _ expected: String) throws {
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.valid)
        let problems = try WorkflowLint.github(text)
        #expect(problems.contains { $0.contains(expected) }, "\(problems)")
    }

    @Test func gitLabJobsNeedScriptsAndRules() throws {
        let text = """
            .base: {image: alpine}
            good: {extends: .base, script: [echo], rules: [{if: '$CI'}]}
            noscript: {extends: .base, rules: [{if: '$CI'}]}
            norules: {script: [echo]}
            """
        let problems = try WorkflowLint.gitlab(text)
        #expect(problems.sorted() == ["job norules has no rules", "job noscript has no script"])
    }
}
