#!/usr/bin/env bash
# Walk-through of Ladder on a scratch copy of the bundled example monorepo.
# Run through `make demo`, which builds Ladder and sets $LADDER.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LADDER="${LADDER:-$ROOT/.build/debug/ladder}"
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/ladder-demo.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
DEMO="$SCRATCH/repo"     # the monorepo
OUT="$SCRATCH/out"       # payloads and forge JSON, outside the repository
mkdir -p "$OUT"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME="Alice Release" GIT_AUTHOR_EMAIL=alice@example.com
export GIT_COMMITTER_NAME="Alice Release" GIT_COMMITTER_EMAIL=alice@example.com
unset GITHUB_ACTIONS GITLAB_CI CI || true

bold=$'\033[1m'; reset=$'\033[0m'
[ -t 1 ] || { bold=""; reset=""; }
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$reset"; }
show() { printf '$ ladder'; printf ' %q' "$@"; printf '\n'; }
run() { show "$@"; "$LADDER" "$@"; }
run_may_fail() { show "$@"; set +e; "$LADDER" "$@"; local code=$?; set -e; printf '(exit %s)\n' "$code"; }
commit_at() { # commit_at <date> <message>
  git -C "$DEMO" add -A
  GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1" git -C "$DEMO" commit -q -m "$2"
}

step "A scratch monorepo from the bundled example, in $DEMO"
git init -q -b main "$DEMO"
for item in ladder.yaml ladder-policy.yaml templates environments .github; do cp -R "$ROOT/$item" "$DEMO/"; done
sed -i 's/tag: "1.5.0"/tag: "1.4.0"/' "$DEMO/environments/dev/payments/values.yaml"
commit_at 2026-11-16T09:00:00Z "Import environments"
sed -i 's/tag: "1.4.0"/tag: "1.5.0"/' "$DEMO/environments/dev/payments/values.yaml"
commit_at 2026-11-23T09:00:00Z "dev: payments 1.5.0"
git -C "$DEMO" log --format='    %h %ad %s' --date=iso-strict
cd "$DEMO"

step "What is where: units × environments (* = differs from its source)"
run status

step "What promoting dev into staging would change in staging"
run diff dev staging

step "The effective configuration of payments in prod (templates/ + environments/prod/)"
run render prod payments --format json | head -30
echo "  …"

step "The rules, in plain words"
run policy explain prod --now 2026-11-23T09:30:00Z

step "A scheduled run 30 minutes after the dev change: staging → prod is due, dev → staging still soaks"
run_may_fail auto --actor ladder-bot --now 2026-11-23T09:30:00Z --payload-dir "$OUT"

step "An hour later a release engineer promotes dev → staging by hand, with a pull-request payload"
run plan dev staging --now 2026-11-23T10:30:00Z
run promote dev staging --actor alice --now 2026-11-23T10:30:00Z --payload "$OUT/dev-to-staging.json"
python3 - "$OUT/dev-to-staging.json" <<'PY' 2>/dev/null || head -c 600 "$OUT/dev-to-staging.json"
import json, sys
payload = json.load(open(sys.argv[1]))
print("payload:", json.dumps({k: v for k, v in payload.items() if k != "body"}, indent=2))
print("body (first lines):")
print("\n".join("  " + line for line in payload["body"].splitlines()[:14]))
PY
echo "Branches (the working tree, index and HEAD were not touched):"
git for-each-ref --format='    %(refname:short) %(objectname:short) %(subject)' refs/heads/ladder/
git status --short | sed 's/^/    /'

step "The merge gate on the prod pull request: one approval from the author, a stale one, checks missing"
HEAD_SHA=$(git rev-parse ladder/promote/staging-to-prod)
cat > "$OUT/reviews-denied.json" <<JSON
[{"user": {"login": "ladder-bot"}, "state": "APPROVED", "commit_id": "$HEAD_SHA", "submitted_at": "2026-11-24T09:00:00Z"},
 {"user": {"login": "carol"}, "state": "APPROVED", "commit_id": "0123456789abcdef0123456789abcdef01234567", "submitted_at": "2026-11-24T09:05:00Z"}]
JSON
run_may_fail check --branch ladder/promote/staging-to-prod --author ladder-bot --reviews "$OUT/reviews-denied.json" --now 2026-11-24T10:00:00Z

step "After carol and dave approve the head commit and CI is green, the gate allows the merge"
cat > "$OUT/reviews-approved.json" <<JSON
[{"user": {"login": "carol"}, "state": "APPROVED", "commit_id": "$HEAD_SHA", "submitted_at": "2026-11-24T09:30:00Z"},
 {"user": {"login": "dave"}, "state": "APPROVED", "commit_id": "$HEAD_SHA", "submitted_at": "2026-11-24T09:40:00Z"}]
JSON
cat > "$OUT/checks.json" <<JSON
{"check_runs": [{"name": "build", "status": "completed", "conclusion": "success", "head_sha": "$HEAD_SHA"},
                {"name": "e2e", "status": "completed", "conclusion": "success", "head_sha": "$HEAD_SHA"}]}
JSON
run check --branch ladder/promote/staging-to-prod --author ladder-bot --reviews "$OUT/reviews-approved.json" --checks "$OUT/checks.json" --now 2026-11-24T10:00:00Z

step "Someone edits the prod branch by hand: the integrity rule catches it"
git checkout -q ladder/promote/staging-to-prod
sed -i 's/replicas: 4/replicas: 40/' environments/prod/orders/values.yaml
commit_at 2026-11-24T10:10:00Z "more replicas, quietly"
git checkout -q main
echo '$ ladder check --branch ladder/promote/staging-to-prod … --json'
set +e
"$LADDER" check --branch ladder/promote/staging-to-prod --author ladder-bot --reviews "$OUT/reviews-approved.json" \
  --checks "$OUT/checks.json" --now 2026-11-24T10:20:00Z --json > "$OUT/check.json"
echo "(exit $?)"
set -e
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("decision:", d["decision"]); [print("  fail", r["id"] + ":", r["message"]) for r in d["rules"] if r["result"] == "fail"]' "$OUT/check.json"

step "The staging promotion is merged (fast-forward), then rolled back"
git merge -q --ff-only ladder/promote/dev-to-staging
run status --unit payments
run rollback staging --actor alice --reason "payments 1.5.0 fails smoke tests" --now 2026-11-24T11:00:00Z --payload "$OUT/rollback.json"
git for-each-ref --format='    %(refname:short) %(objectname:short) %(subject)' refs/heads/ladder/rollback/

step "The audit trail: every promotion, check and rollback, plus the trunk's own history"
run audit export --format csv -o "$OUT/audit.csv"
head -4 "$OUT/audit.csv" | cut -c1-160
run audit verify --digest "$OUT/audit.csv.sha256"

echo
echo "Done. The scratch repository is removed on exit."
