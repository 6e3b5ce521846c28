#!/usr/bin/env bash
# Fuzz Ladder's parsers with libFuzzer (SPEC section 11).
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]   build, then fuzz each target (or one) for SECONDS
#                                            (default $FUZZ_SECONDS, else 60) each
#   scripts/fuzz.sh --build                  only build the fuzzers
#   scripts/fuzz.sh --list                   list the targets
#   scripts/fuzz.sh --minimize TARGET FILE   minimise a crashing input (prints the smallest one)
#   scripts/fuzz.sh --run TARGET FILE...     run a fuzzer once on the given inputs
#
# Each target is a property in Tests/LadderCoreTests/FuzzRegressionTests.swift with an entry
# point in Fuzz/Targets/<target>.swift and seeds in Fuzz/Corpus/<target>/. Everything generated
# stays under .build-fuzz/: the instrumented build, the fuzzers (.build-fuzz/fuzz/), the working
# corpora (.build-fuzz/corpus/<target>/), logs (.build-fuzz/logs/) and crashing inputs
# (.build-fuzz/crashes/<target>/). The exit status is non-zero when any target crashed, failed
# its property or timed out. A crash found here belongs in Fuzz/Regressions/<target>/ once
# minimised, where `swift test` replays it.
#
# Environment: FUZZ_SECONDS (time per target), FUZZ_MAX_LEN (largest input, default 8192),
# FUZZ_TIMEOUT (seconds one input may take, default 25), FUZZ_FLAGS (extra libFuzzer flags),
# SWIFT (the swift driver, default swift), SWIFTC (the compiler beside it).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SCRATCH=$ROOT/.build-fuzz
OUT=$SCRATCH/fuzz
SWIFT=${SWIFT:-swift}
SWIFTC=${SWIFTC:-$(dirname "$(command -v "$SWIFT" || echo swift)")/swiftc}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
MAX_LEN=${FUZZ_MAX_LEN:-8192}
TIMEOUT=${FUZZ_TIMEOUT:-25}
PROPERTIES=Tests/LadderCoreTests/FuzzRegressionTests.swift
SUDO=$([ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && echo sudo || true)

say() { printf 'fuzz: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }

# The targets: one per entry point under Fuzz/Targets.
# policy: the policy-file loader (Sources/LadderCore/Policy) gets its target by adding
# Fuzz/Targets/policy.swift, a `policy` property in $PROPERTIES and seeds in Fuzz/Corpus/policy/;
# nothing here needs to change.
targets() {
    for file in Fuzz/Targets/*.swift; do basename "$file" .swift; done
}

# --- Prerequisites --------------------------------------------------------------------------

apt_install() {
    say "installing $* with apt-get"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

check_prerequisites() {
    command -v "$SWIFT" >/dev/null 2>&1 || die "no swift toolchain on PATH (set SWIFT)"
    if ! pkg-config --exists libgit2 2>/dev/null; then apt_install libgit2-dev pkg-config; fi
    # libFuzzer's runtime ships with the Swift toolchain on Linux (lib/clang/*/lib/linux); a
    # toolchain without it needs the distribution's compiler-rt.
    local resource
    resource=$(dirname "$(command -v "$SWIFT")")/../lib/clang
    if ! compgen -G "$resource/*/lib/linux/libclang_rt.fuzzer-*.a" >/dev/null \
        && ! compgen -G "$resource/*/lib/*/libclang_rt.fuzzer.a" >/dev/null; then
        say "the Swift toolchain has no libFuzzer runtime under $resource"
        apt_install libclang-rt-dev || apt_install "libclang-rt-$(clang --version 2>/dev/null | sed -n 's/.*version \([0-9]*\).*/\1/p' | head -1)-dev"
    fi
}

# --- Build ----------------------------------------------------------------------------------

# The modules the fuzzers link: LadderCore and everything it depends on, but not the CLI.
LINKED_MODULES="LadderCore LadderGit Yams CYaml Crypto CryptoBoringWrapper CCryptoBoringSSL CCryptoBoringSSLShims Mustache"

build() {
    check_prerequisites
    say "building LadderCore with coverage and address sanitizer into .build-fuzz"
    # Instrument the Swift code for libFuzzer's coverage feedback and for ASan. Only the library
    # targets are built: linking an executable here would pull in libFuzzer's main.
    mkdir -p "$SCRATCH/logs"
    if ! "$SWIFT" build --scratch-path "$SCRATCH" -c debug --target LadderCore \
        -Xswiftc -sanitize=fuzzer,address >"$SCRATCH/logs/build.log" 2>&1; then
        grep -E 'error|warning' "$SCRATCH/logs/build.log" | head -20 >&2
        die "swift build failed (log: .build-fuzz/logs/build.log)"
    fi

    local bin
    bin=$("$SWIFT" build --scratch-path "$SCRATCH" -c debug --show-bin-path)
    mkdir -p "$OUT"
    local objects=$OUT/objects.txt
    : >"$objects.new"
    for module in $LINKED_MODULES; do
        [ -d "$bin/$module.build" ] || die "missing $bin/$module.build; has Package.swift changed?"
        find "$bin/$module.build" -name '*.o' | sort >>"$objects.new"
    done
    mv "$objects.new" "$objects"

    # Clang modules the Swift modules were built against (libgit2's shim and the packages' C parts).
    local includes=(-I "$bin/Modules" -I Sources/Clibgit2)
    for dir in "$SCRATCH"/checkouts/*/Sources/*/include; do
        [ -f "$dir/module.modulemap" ] && includes+=(-I "$dir")
    done

    local target
    for target in $(targets); do
        local binary=$OUT/$target
        if [ -x "$binary" ] && [ -z "$(find Fuzz/Harness.swift "$PROPERTIES" "Fuzz/Targets/$target.swift" \
            $(cat "$objects") -newer "$binary" 2>/dev/null | head -1)" ]; then
            continue
        fi
        say "linking fuzzer $target"
        "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -D LADDER_FUZZ -g -use-ld=lld \
            "${includes[@]}" Fuzz/Harness.swift "$PROPERTIES" "Fuzz/Targets/$target.swift" \
            @"$objects" $(pkg-config --libs libgit2) -o "$binary" \
            || die "cannot build the fuzzer $target"
    done
}

# --- Run ------------------------------------------------------------------------------------

# Leak reports from the Swift runtime's caches would drown real findings.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}
# Swift's own crash backtracer would race ASan and libFuzzer for the fatal signal.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}

run_target() {
    local target=$1 seconds=$2
    local corpus=$SCRATCH/corpus/$target crashes=$SCRATCH/crashes/$target log=$SCRATCH/logs/$target.log
    mkdir -p "$corpus" "$crashes" "$SCRATCH/logs"
    # Seeds are copied into a working corpus, so that what the fuzzer adds never lands in the repository.
    if [ -d "Fuzz/Corpus/$target" ]; then cp -n "Fuzz/Corpus/$target"/* "$corpus"/ 2>/dev/null || true; fi
    local before
    before=$(find "$crashes" -type f | wc -l)
    say "$target: fuzzing for ${seconds}s (log: .build-fuzz/logs/$target.log)"
    local flags=(-max_total_time="$seconds" -max_len="$MAX_LEN" -timeout="$TIMEOUT" -rss_limit_mb=2048
        -artifact_prefix="$crashes/" -print_final_stats=1)
    if [ -f "Fuzz/Dictionaries/$target.dict" ]; then flags+=(-dict="Fuzz/Dictionaries/$target.dict"); fi
    local status=0
    # shellcheck disable=SC2086
    "$OUT/$target" "$corpus" "${flags[@]}" ${FUZZ_FLAGS:-} >"$log" 2>&1 || status=$?
    local after
    after=$(find "$crashes" -type f | wc -l)
    local runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ "$status" != 0 ] || [ "$after" -gt "$before" ]; then
        say "$target: FAILED (exit $status) after ${runs:-?} runs; inputs in .build-fuzz/crashes/$target/:"
        grep -E "fuzz property|ERROR: |SUMMARY: |Fatal error|Test unit written" "$log" | head -8 | sed 's/^/    /' >&2
        return 1
    fi
    say "$target: ok, ${runs:-?} runs, corpus $(find "$corpus" -type f | wc -l) inputs"
}

main() {
    case "${1:-all}" in
    --list) targets; return ;;
    --build) build; return ;;
    --run)
        shift
        [ $# -ge 2 ] || die "usage: scripts/fuzz.sh --run TARGET FILE..."
        build
        local target=$1; shift
        "$OUT/$target" "$@"
        return ;;
    --minimize)
        [ $# = 3 ] || die "usage: scripts/fuzz.sh --minimize TARGET FILE"
        build
        local target=$2 file=$3 dir=$SCRATCH/minimized/$2
        mkdir -p "$dir"
        "$OUT/$target" "$file" -minimize_crash=1 -runs=20000 -exact_artifact_path="$dir/$(basename "$file")" >&2 || true
        say "smallest input: $dir/$(basename "$file")"
        return ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; return ;;
    esac

    local selected=${1:-all}
    if [ $# -ge 2 ]; then SECONDS_PER_TARGET=$2; fi
    local list
    if [ "$selected" = all ]; then
        list=$(targets)
    else
        [ -f "Fuzz/Targets/$selected.swift" ] || die "unknown target '$selected' (known: $(targets | tr '\n' ' '))"
        list=$selected
    fi
    build
    local failed=()
    for target in $list; do
        run_target "$target" "$SECONDS_PER_TARGET" || failed+=("$target")
    done
    if [ ${#failed[@]} -gt 0 ]; then
        say "failed: ${failed[*]}"
        exit 1
    fi
    say "all targets passed"
}

main "$@"
