import Foundation

/// The GitHub Actions workflow `ladder init --ci github` writes.
///
/// Two jobs: `auto` runs `ladder auto --push origin` on a schedule and opens (or updates) one pull
/// request per payload with `gh api`; `check` runs `ladder check` as the merge gate of every pull
/// request, with reviews and check runs fetched through `gh api`. Values an outsider controls (a
/// pull request's title, branch name, author) reach scripts only through `env:`, never through
/// `${{ }}` inside `run:`, so they cannot inject shell code.
public enum GitHubWorkflow {
    public static let path = ".github/workflows/ladder.yml"
    /// Every 30 minutes on weekdays (UTC, as GitHub reads cron).
    public static let schedule = "*/30 * * * 1-5"

    public static func render(trunk: String) -> String {
        let trunkValue = ScaffoldWriter.yamlScalar(trunk)
        return """
            # Ladder in GitHub Actions, written by `ladder init --ci github` (Ladder \(LadderVersion.current)).
            #
            # auto:  on a schedule, promotes every edge that is due (`auto: true` in ladder-policy.yaml,
            #        soak passed, windows open), pushes the promotion branches and opens or updates one
            #        pull request per promotion from the payloads Ladder writes.
            # check: on every pull request and review, runs `ladder check` as the merge gate. Make the
            #        "ladder / check" status required in the branch protection of \(trunk).
            #
            # Installing Ladder: each job runs `ladder` from PATH when the runner has it (a self-hosted
            # runner or a custom image); otherwise it builds Ladder from source with SwiftPM. Set the
            # repository variables LADDER_SOURCE (git URL of Ladder's source) and LADDER_REF (a tag) for
            # that, or replace the "Install Ladder" steps with a download of a release binary you trust.
            #
            # Tokens: pull requests opened with the default GITHUB_TOKEN do not start other workflows
            # (so the check job would not run on them) and need "Allow GitHub Actions to create and
            # approve pull requests" in the repository settings. Store a GitHub App or fine-grained
            # token with contents and pull-requests write access as the secret LADDER_TOKEN to avoid both.
            name: ladder

            on:
              schedule:
                - cron: "\(schedule)"
              workflow_dispatch: {}
              pull_request:
                branches: [\(trunkValue)]
              pull_request_review:
                types: [submitted, dismissed]

            permissions:
              contents: read

            env:
              TRUNK: \(trunkValue)
              LADDER_SOURCE: ${{ vars.LADDER_SOURCE }}
              LADDER_REF: ${{ vars.LADDER_REF }}

            jobs:
              auto:
                if: ${{ github.event_name == 'schedule' || github.event_name == 'workflow_dispatch' }}
                runs-on: ubuntu-latest
                permissions:
                  contents: write          # push ladder/promote/* branches
                  pull-requests: write     # open and update the promotion pull requests
                concurrency:
                  group: ladder-auto       # one run at a time; a second run would find nothing new anyway
                  cancel-in-progress: false
                steps:
                  - uses: actions/checkout@v4
                    with:
                      ref: ${{ env.TRUNK }}
                      fetch-depth: 0       # soak times and promotion history need the whole history
                  - name: Install Ladder
                    run: |
            \(installScript(indent: "          "))
                  - name: Promote what is due
                    env:
                      LADDER_GIT_TOKEN: ${{ secrets.LADDER_TOKEN || github.token }}
                    run: |
                      git config user.name "github-actions[bot]"
                      git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
                      ladder auto --push origin --payload-dir payloads
                  - name: Open or update pull requests
                    if: ${{ !cancelled() }}   # payloads of edges that succeeded, even when another edge failed
                    env:
                      GH_TOKEN: ${{ secrets.LADDER_TOKEN || github.token }}
                      REPO: ${{ github.repository }}
                    run: |
                      set -uo pipefail
                      shopt -s nullglob
                      status=0
                      for payload in payloads/*.json; do
                        head=$(jq -r .head "$payload")
                        base=$(jq -r .base "$payload")
                        if gh api "repos/$REPO/pulls" --method POST --input "$payload" > response.json 2> error.txt; then
                          echo "opened $(jq -r .html_url response.json)"
                        elif grep -qs "already exists" error.txt response.json; then
                          # GitHub answers 422 when the branch already has an open pull request: update it.
                          number=$(gh api "repos/$REPO/pulls?state=open&base=$base&head=${REPO%%/*}:$head" --jq '.[0].number')
                          jq '{title, body}' "$payload" | gh api "repos/$REPO/pulls/$number" --method PATCH --input - > /dev/null
                          echo "updated pull request #$number for $head"
                        else
                          echo "::error::cannot open a pull request for $head: $(cat error.txt)"
                          status=1
                        fi
                      done
                      exit $status

              check:
                if: ${{ github.event_name == 'pull_request' || github.event_name == 'pull_request_review' }}
                runs-on: ubuntu-latest
                permissions:
                  contents: read
                  pull-requests: read      # reviews
                  checks: read             # check runs
                steps:
                  - uses: actions/checkout@v4
                    with:
                      fetch-depth: 0
                  - name: Install Ladder
                    run: |
            \(installScript(indent: "          "))
                  - name: Fetch reviews and checks
                    env:
                      GH_TOKEN: ${{ github.token }}
                      REPO: ${{ github.repository }}
                      PR_NUMBER: ${{ github.event.pull_request.number }}
                      HEAD_SHA: ${{ github.event.pull_request.head.sha }}
                    run: |
                      set -euo pipefail
                      gh api --paginate "repos/$REPO/pulls/$PR_NUMBER/reviews" --jq '.[]' | jq -s . > reviews.json
                      gh api --paginate "repos/$REPO/commits/$HEAD_SHA/check-runs" --jq '.check_runs[]' | jq -s '{check_runs: .}' > checks.json
                  - name: ladder check
                    env:
                      # Untrusted values travel as environment variables, never inside the script text.
                      HEAD_REF: ${{ github.event.pull_request.head.ref }}
                      BASE_REF: ${{ github.event.pull_request.base.ref }}
                      PR_NUMBER: ${{ github.event.pull_request.number }}
                      PR_AUTHOR: ${{ github.event.pull_request.user.login }}
                      PR_TITLE: ${{ github.event.pull_request.title }}
                    run: |
                      set -euo pipefail
                      # Local branches for both sides; the head comes from the pull request ref, so
                      # branches of forks work too. Ladder reads the policy from the base branch.
                      git fetch --no-tags origin "+refs/heads/$BASE_REF:refs/heads/$BASE_REF" "+refs/pull/$PR_NUMBER/head:refs/heads/$HEAD_REF"
                      ladder check --branch "$HEAD_REF" --base "$BASE_REF" --reviews reviews.json --checks checks.json --author "$PR_AUTHOR" --title "$PR_TITLE"

            """
    }

    /// The shell of the "Install Ladder" steps, indented for a `run: |` block.
    static func installScript(indent: String) -> String {
        let lines = [
            "set -euo pipefail",
            "if command -v ladder > /dev/null; then ladder --version; exit 0; fi",
            "if [ -z \"$LADDER_SOURCE\" ]; then",
            "  echo \"::error::ladder is not on PATH; set the repository variables LADDER_SOURCE and LADDER_REF (see the top of this file)\"",
            "  exit 1",
            "fi",
            "sudo apt-get update -q && sudo apt-get install -y -q libgit2-dev",
            "git clone --depth 1 --branch \"${LADDER_REF:-main}\" \"$LADDER_SOURCE\" \"$RUNNER_TEMP/ladder\"",
            "swift build -c release --package-path \"$RUNNER_TEMP/ladder\"",
            "echo \"$RUNNER_TEMP/ladder/.build/release\" >> \"$GITHUB_PATH\"",
        ]
        return lines.map { indent + $0 }.joined(separator: "\n")
    }
}
