#!/usr/bin/env bash
# Walk-through of Ladder on a scratch copy of the bundled example monorepo.
# Run through `make demo`, which builds Ladder and sets $LADDER.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LADDER="${LADDER:-$ROOT/.build/debug/ladder}"
DEMO="$(mktemp -d "${TMPDIR:-/tmp}/ladder-demo.XXXXXX")"
trap 'rm -rf "$DEMO"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null NO_COLOR=${NO_COLOR:-}
export GIT_AUTHOR_NAME="Alice Release" GIT_AUTHOR_EMAIL=alice@example.com
export GIT_COMMITTER_NAME="Alice Release" GIT_COMMITTER_EMAIL=alice@example.com

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
run() { printf '$ ladder %s\n' "$*"; "$LADDER" "$@"; }
commit_at() { # commit_at <date> <message>
  git -C "$DEMO" add -A
  GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1" git -C "$DEMO" commit -q -m "$2"
}

step "Create a scratch monorepo from the bundled example in $DEMO"
git init -q -b main "$DEMO"
for item in ladder.yaml ladder-policy.yaml templates environments; do cp -R "$ROOT/$item" "$DEMO/"; done
# Start with dev equal to staging for payments, then ship 1.5.0 to dev a day later.
sed -i 's/tag: "1.5.0"/tag: "1.4.0"/' "$DEMO/environments/dev/payments/values.yaml"
commit_at 2026-11-20T09:00:00Z "Import environments"
sed -i 's/tag: "1.4.0"/tag: "1.5.0"/' "$DEMO/environments/dev/payments/values.yaml"
commit_at 2026-11-21T09:00:00Z "dev: payments 1.5.0"
git -C "$DEMO" log --oneline | sed 's/^/    /'
cd "$DEMO"

step "What is where: units × environments (* = differs from its source)"
run status

step "The same as JSON, for scripts"
run status --json --unit payments
