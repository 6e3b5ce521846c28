import Foundation

/// The GitLab CI jobs `ladder init --ci gitlab` writes.
///
/// They live in `.gitlab/ladder.yml`, included from `.gitlab-ci.yml`: most projects already have
/// a pipeline, and `ladder init` must not rewrite it (even with `--force`). When the project has
/// no `.gitlab-ci.yml`, one holding just the include is written as well.
public enum GitLabPipeline {
    public static let path = ".gitlab/ladder.yml"
    public static let rootPath = ".gitlab-ci.yml"
    /// The schedule suggested for the pipeline schedule that runs `ladder-auto` (GitLab keeps
    /// schedules in the project settings, not in YAML).
    public static let schedule = "*/30 * * * 1-5"

    /// The line a project with its own `.gitlab-ci.yml` adds to it.
    public static let includeLine = "include: [{local: \(path)}]"

    public static let rootFile = """
        # Written by `ladder init --ci gitlab`: the project had no pipeline yet.
        # Ladder's jobs live in .gitlab/ladder.yml; add your own jobs here.
        include:
          - local: \(path)

        """

    public static func render(trunk: String) -> String {
        let trunkValue = ScaffoldWriter.yamlScalar(trunk)
        return """
            # Ladder in GitLab CI, written by `ladder init --ci gitlab` (Ladder \(LadderVersion.current)).
            # Include it from .gitlab-ci.yml:  \(includeLine)
            #
            # ladder-auto:  promotes every edge that is due (`auto: true` in ladder-policy.yaml, soak
            #   passed, windows open), pushes the promotion branches and opens or updates one merge
            #   request per payload. It runs in scheduled pipelines that set LADDER_AUTO=true: create one
            #   under Build > Pipeline schedules with the cron "\(schedule)" and that variable.
            # ladder-check: the merge gate of every merge request. Approvals do not start pipelines:
            #   re-run the job after approving, and make "Pipelines must succeed" a merge check.
            #
            # CI/CD variables (Settings > CI/CD > Variables):
            #   GITLAB_TOKEN   project access token with the api and write_repository scopes, masked.
            #                  CI_JOB_TOKEN cannot push branches or open merge requests. It must not be
            #                  "protected" if merge request pipelines of unprotected branches run ladder-check.
            #   LADDER_SOURCE, LADDER_REF   where to build Ladder from when the image has no `ladder`
            #                  (git URL and tag); or use an image with `ladder` on PATH instead.
            # The jobs use the default stage (test); set `stage:` if your pipeline names its stages.

            .ladder:
              image: swift:6.0
              variables:
                GIT_DEPTH: "0"             # soak times and promotion history need the whole history
                GIT_STRATEGY: clone
                TRUNK: \(trunkValue)
              before_script:
                - |
                  set -eu
                  apt-get update -q && apt-get install -y -q curl git jq libgit2-dev
                  if ! command -v ladder > /dev/null; then
                    if [ -z "${LADDER_SOURCE:-}" ]; then
                      echo "ladder is not on PATH; set the CI/CD variables LADDER_SOURCE and LADDER_REF (see the top of this file)"
                      exit 1
                    fi
                    git clone --depth 1 --branch "${LADDER_REF:-main}" "$LADDER_SOURCE" /tmp/ladder
                    swift build -c release --package-path /tmp/ladder
                    cp /tmp/ladder/.build/release/ladder /usr/local/bin/ladder
                  fi
                  ladder --version

            ladder-auto:
              extends: .ladder
              rules:
                - if: $CI_PIPELINE_SOURCE == "schedule" && $LADDER_AUTO == "true"
                - if: $CI_PIPELINE_SOURCE == "web" && $LADDER_AUTO == "true"
              resource_group: ladder-auto  # one run at a time
              script:
                - |
                  # The clone URL carries CI_JOB_TOKEN, which cannot push; Ladder pushes with GITLAB_TOKEN.
                  git remote set-url origin "$CI_SERVER_URL/$CI_PROJECT_PATH.git"
                  git fetch --no-tags origin "+refs/heads/$TRUNK:refs/heads/$TRUNK"
                  git config user.name "ladder"
                  git config user.email "ladder@$CI_SERVER_HOST"
                  status=0
                  ladder auto --push origin --payload-dir payloads || status=$?
                  api="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests"
                  for payload in payloads/*.json; do
                    [ -e "$payload" ] || continue
                    branch=$(jq -r .source_branch "$payload")
                    code=$(curl -sS -o response.json -w '%{http_code}' --request POST --header "PRIVATE-TOKEN: $GITLAB_TOKEN" --header "Content-Type: application/json" --data @"$payload" "$api")
                    case "$code" in
                      201) echo "opened $(jq -r .web_url response.json)" ;;
                      409)
                        # GitLab answers 409 when the branch already has an open merge request: update it.
                        iid=$(curl -sS --fail --get --header "PRIVATE-TOKEN: $GITLAB_TOKEN" --data-urlencode "source_branch=$branch" --data state=opened "$api" | jq -r '.[0].iid')
                        jq '{title, description}' "$payload" | curl -sS --fail -o /dev/null --request PUT --header "PRIVATE-TOKEN: $GITLAB_TOKEN" --header "Content-Type: application/json" --data @- "$api/$iid"
                        echo "updated !$iid for $branch" ;;
                      *) echo "cannot open a merge request for $branch: HTTP $code $(cat response.json)"; status=1 ;;
                    esac
                  done
                  exit $status

            ladder-check:
              extends: .ladder
              rules:
                - if: $CI_PIPELINE_SOURCE == "merge_request_event"
              script:
                - |
                  # Local branches for both sides; Ladder reads the policy from the target branch.
                  git fetch --no-tags origin "+refs/heads/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME:refs/heads/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" "+refs/merge-requests/$CI_MERGE_REQUEST_IID/head:refs/heads/$CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"
                  api="$CI_API_V4_URL/projects/$CI_PROJECT_ID"
                  head_sha="${CI_MERGE_REQUEST_SOURCE_BRANCH_SHA:-$CI_COMMIT_SHA}"
                  curl -sS --fail --header "PRIVATE-TOKEN: $GITLAB_TOKEN" "$api/merge_requests/$CI_MERGE_REQUEST_IID" > merge_request.json
                  curl -sS --fail --header "PRIVATE-TOKEN: $GITLAB_TOKEN" "$api/merge_requests/$CI_MERGE_REQUEST_IID/approvals" > approvals.json
                  curl -sS --fail --header "PRIVATE-TOKEN: $GITLAB_TOKEN" "$api/repository/commits/$head_sha/statuses?per_page=100" > statuses.json
                  ladder check --branch "$CI_MERGE_REQUEST_SOURCE_BRANCH_NAME" --base "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" --reviews approvals.json --checks statuses.json --author "$(jq -r .author.username merge_request.json)" --title "$CI_MERGE_REQUEST_TITLE"

            """
    }
}
