#!/usr/bin/env bash
# Ladder's benchmarks (SPEC section 10), run by `make bench` after the release build.
#
# Generates (or reuses, from Benchmarks/.cache) the benchmark monorepos, then times each
# operation as whole processes, several runs each, next to the same work done by the git
# command line on the same repository in the same session. Prints a markdown table and writes
# it to Benchmarks/results.md. Operations whose Ladder command does not exist yet are listed as
# "not yet implemented".
#
# Knobs (environment): BENCH_RUNS (timed runs per operation, default 7), BENCH_CACHE (where the
# generated repositories live), LADDER_BIN_DIR (directory holding ladder and ladder-bench-gen,
# default: the release build), BENCH_OUTPUT (results file, default Benchmarks/results.md).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${BENCH_RUNS:-7}
CACHE=${BENCH_CACHE:-$ROOT/Benchmarks/.cache}
OUTPUT=${BENCH_OUTPUT:-$ROOT/Benchmarks/results.md}
BIN=${LADDER_BIN_DIR:-$(swift build -c release --show-bin-path)}
LADDER=$BIN/ladder
GEN=$BIN/ladder-bench-gen
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/ladder-bench.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT

log() { printf 'bench: %s\n' "$*" >&2; }

# Git and Ladder see neither the user's nor the system's configuration.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null NO_COLOR=1 LC_ALL=C
export GIT_AUTHOR_NAME="Bench Runner" GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME="Bench Runner" GIT_COMMITTER_EMAIL=bench@example.com
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITLAB_CI CI

# ---------------------------------------------------------------------------------------------
# Tools

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

if [ ! -x /usr/bin/time ]; then
    log "installing GNU time for peak-memory figures"
    as_root apt-get update -qq >/dev/null 2>&1 || true
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 || log "could not install time; memory rows will be skipped"
fi
[ -x "$LADDER" ] || { log "no ladder binary at $LADDER (run make release)"; exit 2; }
if [ ! -x "$GEN" ]; then
    log "building ladder-bench-gen"
    swift build -c release --static-swift-stdlib --product ladder-bench-gen >&2
fi

# ---------------------------------------------------------------------------------------------
# Repositories

# repo NAME GENERATOR-ARGS... — prints the path of a cached repository generated with these
# arguments; the key covers the arguments and the generator's sources, so a changed generator
# regenerates. The manifest (shell syntax) sits next to it as NAME-KEY.env.
repo() {
    local name=$1; shift
    local key
    key=$( { printf '%s\n' "$*"; cat "$ROOT"/Benchmarks/Generator/*.swift; } | sha256sum | cut -c1-12)
    local path=$CACHE/$name-$key.git
    if [ ! -d "$path" ]; then
        mkdir -p "$CACHE"
        log "generating $name ($*)"
        local started=$(date +%s%N)
        "$GEN" --output "$path" --manifest "$CACHE/$name-$key.env" "$@" >&2
        echo "$(( ($(date +%s%N) - started) / 1000000 ))" > "$CACHE/$name-$key.ms"
    fi
    echo "$path"
}

M=$(repo M --size M --differ-fraction 0.01)
L=$(repo L --size L --differ-units 10)
A=$(repo A --size S --audit-events 100000)

manifest() { sed -n "s/^$2=//p" "${1%.git}.env" | tr -d '"'; }
generation_time() { local ms; ms=$(cat "${1%.git}.ms" 2>/dev/null) || { echo "?"; return; }; awk -v ms="$ms" 'BEGIN{printf "%.1f s", ms/1000}'; }

# ---------------------------------------------------------------------------------------------
# Measuring

# measure RESET CMD... — runs CMD once to warm the caches and check that it works, then RUNS
# times, calling RESET (a function name, or "") before each run. Sets STATS to
# "median min max" in milliseconds, or returns 1 with the failure in FAILURE.
measure() {
    local reset=$1; shift
    local times=() i t0 t1 status
    [ -n "$reset" ] && $reset
    set +e
    "$@" >/dev/null 2>"$SCRATCH/stderr"
    status=$?
    set -e
    if [ $status -ne 0 ]; then
        FAILURE="exit $status: $(head -c 200 "$SCRATCH/stderr" | tr '\n|' '  ')"
        return 1
    fi
    for ((i = 0; i < RUNS; i++)); do
        [ -n "$reset" ] && $reset
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        times+=($(( (t1 - t0) / 1000 )))
    done
    STATS=$(printf '%s\n' "${times[@]}" | sort -n | awk '{v[NR]=$1} END {
        m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
        printf "%.1f %.1f %.1f", m/1000, v[1]/1000, v[NR]/1000 }')
}

# peak_kb CMD... — the maximum resident set size of CMD in KiB.
peak_kb() {
    [ -x /usr/bin/time ] || { echo ""; return; }
    /usr/bin/time -f '%M' -o "$SCRATCH/rss" "$@" >/dev/null 2>&1 || true
    tail -n 1 "$SCRATCH/rss"
}

# A command exists when its own help comes back (an unknown subcommand prints the root help).
implemented() { "$LADDER" "$@" --help 2>/dev/null | grep -q "USAGE: ladder $* "; }

fmt() { awk -v m="$1" -v lo="$2" -v hi="$3" 'BEGIN{printf "%.1f ms (%.1f–%.1f)", m, lo, hi}'; }

ROWS=()
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 |"); }

# compare OPERATION REPO TARGET-MAX-RATIO RESET-L CMD-L -- RESET-B CMD-B
# Ladder and baseline medians with ratio = ladder ÷ baseline, checked against the target.
compare() {
    local operation=$1 repo=$2 target=$3 target_text=$4; shift 4
    local reset_l=$1; shift
    local ladder_cmd=() baseline_cmd=()
    while [ "$1" != "--" ]; do ladder_cmd+=("$1"); shift; done
    shift
    local reset_b=$1; shift
    baseline_cmd=("$@")
    local l b
    if ! measure "$reset_l" "${ladder_cmd[@]}"; then
        row "$operation" "$repo" "failed ($FAILURE)" "" "" "$target_text" "❌"
        return
    fi
    l=($STATS)
    LAST_LADDER_MS=${l[0]}
    if ! measure "$reset_b" "${baseline_cmd[@]}"; then
        row "$operation" "$repo" "$(fmt "${l[@]}")" "baseline failed ($FAILURE)" "" "$target_text" "?"
        return
    fi
    b=($STATS)
    local ratio verdict
    ratio=$(awk -v l="${l[0]}" -v b="${b[0]}" 'BEGIN{ r = l / b; if (r < 1) printf "%.2f× (%.1f× faster)", r, b / l; else printf "%.2f×", r }')
    verdict=$(awk -v l="${l[0]}" -v b="${b[0]}" -v t="$target" 'BEGIN{ print (l / b <= t) ? "✅" : "❌" }')
    row "$operation" "$repo" "$(fmt "${l[@]}")" "$(fmt "${b[@]}")" "$ratio" "$target_text" "$verdict"
}

not_yet() { row "$1" "$2" "not yet implemented" "" "" "$3" "—"; }

# ---------------------------------------------------------------------------------------------
# 1. ladder diff --name-status on M, 1% of units differ

log "diff on M"
if implemented diff; then
    DEV_TREE=$(git -C "$M" rev-parse main:environments/dev)
    STAGING_TREE=$(git -C "$M" rev-parse main:environments/staging)
    compare "\`ladder diff dev staging --name-status\`, $(manifest "$M" differing_units | wc -w) of $(manifest "$M" units) units differ" \
        M 1.0 "≤ 1.0×" \
        "" "$LADDER" -C "$M" diff dev staging --name-status -- \
        "" git -C "$M" diff --name-status "$STAGING_TREE" "$DEV_TREE"
else
    not_yet "\`ladder diff dev staging --name-status\`, 1% of units differ" M "≤ 1.0×"
fi

# ---------------------------------------------------------------------------------------------
# 2. ladder promote on M and L, 10 units changed, against a shell promotion

# Both sides start from the same state each run: no promotion branch, the audit log as generated.
PROMOTE_REPO=""
PROMOTE_AUDIT=""
reset_ladder_promote() {
    git -C "$PROMOTE_REPO" update-ref -d refs/heads/ladder/promote/dev-to-staging 2>/dev/null || true
    if [ -n "$PROMOTE_AUDIT" ]; then
        git -C "$PROMOTE_REPO" update-ref refs/ladder/audit "$PROMOTE_AUDIT"
    else
        git -C "$PROMOTE_REPO" update-ref -d refs/ladder/audit 2>/dev/null || true
    fi
}
# The shell promotion's worktree goes to memory when it can (BENCH_WORKTREE_DIR overrides): removing
# 130,000 files between runs on a slow disk takes minutes, and a faster baseline only makes the
# comparison stricter for Ladder.
WORKTREE_PARENT=${BENCH_WORKTREE_DIR:-$( [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "$SCRATCH")}
WORKTREE=$(mktemp -d "$WORKTREE_PARENT/ladder-bench-worktree.XXXXXX")
rmdir "$WORKTREE"
trap 'rm -rf "$SCRATCH" "$WORKTREE"' EXIT
reset_shell_promote() {
    rm -rf "$WORKTREE"
    git -C "$PROMOTE_REPO" worktree prune
    git -C "$PROMOTE_REPO" branch -q -D bench/shell-promotion >/dev/null 2>&1 || true
}
# The shell promotion: check out the trunk in a new worktree on a new branch, copy the changed
# units from dev to staging, stage everything, commit.
shell_promote() {
    local repo=$1; shift
    git -C "$repo" worktree add -q -b bench/shell-promotion "$WORKTREE" main
    local unit
    for unit in "$@"; do
        cp -a "$WORKTREE/environments/dev/$unit/." "$WORKTREE/environments/staging/$unit/"
    done
    git -C "$WORKTREE" add -A
    git -C "$WORKTREE" commit -q -m "promote(staging): $# units from dev"
}

PROMOTE_M_MS=""
PROMOTE_L_MS=""
for size in M L; do
    repo_path=${!size}
    read -r -a units <<< "$(manifest "$repo_path" differing_units)"
    operation="\`ladder promote dev staging\`, ${#units[@]} units changed"
    log "promote on $size"
    if implemented promote; then
        PROMOTE_REPO=$repo_path
        PROMOTE_AUDIT=$(git -C "$repo_path" rev-parse -q --verify refs/ladder/audit || true)
        LAST_LADDER_MS=""
        compare "$operation" "$size" 0.05 "≥ 20× faster" \
            reset_ladder_promote "$LADDER" -C "$repo_path" promote dev staging -- \
            reset_shell_promote shell_promote "$repo_path" "${units[@]}"
        reset_ladder_promote
        reset_shell_promote
        [ "$size" = M ] && PROMOTE_M_MS=$LAST_LADDER_MS || PROMOTE_L_MS=$LAST_LADDER_MS
    else
        not_yet "$operation" "$size" "≥ 20× faster"
    fi
done
if [ -n "$PROMOTE_M_MS" ] && [ -n "$PROMOTE_L_MS" ]; then
    scaling=$(awk -v l="$PROMOTE_L_MS" -v m="$PROMOTE_M_MS" 'BEGIN{printf "%.2f", l / m}')
    row "\`ladder promote\` scaling, L ÷ M" "L, M" "$scaling×" "" "" "≤ 1.5×" \
        "$(awk -v s="$scaling" 'BEGIN{print (s <= 1.5) ? "✅" : "❌"}')"
else
    row "\`ladder promote\` scaling, L ÷ M" "L, M" "not yet implemented" "" "" "≤ 1.5×" "—"
fi

# ---------------------------------------------------------------------------------------------
# 3. ladder status on L

log "status on L"
# A plain run finds the unit contents its warm-up run recorded in $GIT_DIR/ladder/unit-contents
# (what a user sees from the second run on); --no-cache reads every unit of every environment,
# as the very first run does.
STATUS_OP="\`ladder status\`, $(manifest "$L" units) units × 3 environments"
if measure "" "$LADDER" -C "$L" status; then
    s=($STATS)
    row "$STATUS_OP (unit contents cached by the previous run)" L "$(fmt "${s[@]}")" "—" "" "≤ 300 ms" "$(awk -v m="${s[0]}" 'BEGIN{print (m <= 300) ? "✅" : "❌"}')"
else
    row "$STATUS_OP" L "failed ($FAILURE)" "—" "" "≤ 300 ms" "❌"
fi
if measure "" "$LADDER" -C "$L" status --no-cache; then
    s=($STATS)
    row "\`ladder status --no-cache\` (every unit read, as on a first run)" L "$(fmt "${s[@]}")" "—" "" "≤ 300 ms" "$(awk -v m="${s[0]}" 'BEGIN{print (m <= 300) ? "✅" : "❌"}')"
else
    row "\`ladder status --no-cache\`" L "failed ($FAILURE)" "—" "" "≤ 300 ms" "❌"
fi

# ---------------------------------------------------------------------------------------------
# 4. ladder audit export: 100,000 events, and the history part on M

log "audit export"
if implemented audit export; then
    compare "\`ladder audit export\` of $(manifest "$A" audit_events) events" A 1.5 "≤ 1.5×" \
        "" "$LADDER" -C "$A" audit export --format jsonl -- \
        "" git -C "$A" log --format=%B refs/ladder/audit
    compare "\`ladder audit export\`, history part ($(manifest "$M" commits) commits)" M 1.0 "≤ 1.0×" \
        "" "$LADDER" -C "$M" audit export --format jsonl -- \
        "" git -C "$M" log --name-status -- environments/
else
    not_yet "\`ladder audit export\` of 100,000 events" A "≤ 1.5×"
    not_yet "\`ladder audit export\`, history part (20,000 commits)" M "≤ 1.0×"
fi

# ---------------------------------------------------------------------------------------------
# 5. Peak memory on L: the largest resident set of the Ladder commands that exist

log "peak memory on L"
if [ -x /usr/bin/time ]; then
    PEAKS=()
    kb=$(peak_kb "$LADDER" -C "$L" status --no-cache); PEAKS+=("status $kb")
    if implemented diff; then kb=$(peak_kb "$LADDER" -C "$L" diff dev staging --name-status); PEAKS+=("diff $kb"); fi
    if implemented promote; then
        PROMOTE_REPO=$L
        PROMOTE_AUDIT=$(git -C "$L" rev-parse -q --verify refs/ladder/audit || true)
        reset_ladder_promote
        kb=$(peak_kb "$LADDER" -C "$L" promote dev staging); PEAKS+=("promote $kb")
        reset_ladder_promote
    fi
    worst=$(printf '%s\n' "${PEAKS[@]}" | sort -k2 -n | tail -n 1)
    detail=$(printf '%s\n' "${PEAKS[@]}" | awk '{printf "%s%s %.0f MB", (NR>1?", ":""), $1, $2/1024}')
    row "peak memory on L ($detail)" L "$(awk -v k="${worst#* }" 'BEGIN{printf "%.0f MB", k/1024}')" "—" "" "≤ 150 MB" \
        "$(awk -v k="${worst#* }" 'BEGIN{print (k/1024 <= 150) ? "✅" : "❌"}')"
else
    row "peak memory on L" L "skipped (no /usr/bin/time)" "—" "" "≤ 150 MB" "—"
fi

# ---------------------------------------------------------------------------------------------
# Report

{
    echo "# Ladder benchmarks"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "- ladder: $("$LADDER" --version 2>/dev/null || echo unknown), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory"
    echo "- $(git --version), libgit2 $(pkg-config --modversion libgit2 2>/dev/null || echo unknown)"
    echo "- load average when the report was written (other jobs share the machine): $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- runs: $RUNS timed whole-process runs per operation after one warm-up run; median (min–max)"
    echo "- repositories (Benchmarks/Generator, bare, cached in Benchmarks/.cache):"
    for size in M L A; do
        repo_path=${!size}
        echo "  - $size: $(manifest "$repo_path" units) units × 3 environments, $(manifest "$repo_path" commits) commits, $(manifest "$repo_path" audit_events) audit events, $(manifest "$repo_path" differing_units | wc -w) units differ between dev and staging; generated in $(generation_time "$repo_path")"
    done
    echo
    echo "| operation | repo | ladder | git baseline | ratio (ladder ÷ baseline) | target | |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "Baselines: diff = \`git diff --name-status <staging-tree> <dev-tree>\`; promote = \`git worktree add\` +"
    echo "\`cp -a\` of the changed units + \`git add -A\` + \`git commit\`; audit export = \`git log --format=%B refs/ladder/audit\`;"
    echo "history part = \`git log --name-status -- environments/\`."
} | tee "$OUTPUT"
