#!/usr/bin/env bash
# Fuzzes every target of Tests/Fuzz with libFuzzer for a bounded time each (Linux, swift.org toolchain).
#
#   scripts/fuzz.sh [--seconds N] [--target NAME]      env: FUZZ_SEED=N (default 1; 0 = from the clock)
#
# Builds `dossier-fuzz` with -sanitize=fuzzer into its own scratch path (.build-fuzz), then runs each target on
# its checked-in corpus Tests/Fuzz/corpus/<target>/ (read as seeds; new coverage goes to .build-fuzz/corpus/).
# A crash, a hang (> 10 s for one input) or a broken invariant is copied into the checked-in corpus as
# crash-<sha1> (so the corpus grows with every finding) and makes the script exit 1; turn it into a regression
# test before fixing it. Prints, per target, the executions done and what was found.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=30
only=""
# A fixed seed makes a CI run explore the same inputs on every machine (a slower one just gets fewer of them), so
# what lands cannot fail later by luck; FUZZ_SEED=N (0: from the clock) explores elsewhere.
seed=${FUZZ_SEED:-1}
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --target) only="$2"; shift 2 ;;
    *) echo "usage: scripts/fuzz.sh [--seconds N] [--target NAME]" >&2; exit 2 ;;
    esac
done
case "$seconds" in '' | *[!0-9]*) echo "fuzz.sh: --seconds expects a whole number, got '$seconds'" >&2; exit 2 ;; esac

[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
scratch=.build-fuzz
swift build --scratch-path "$scratch" --product dossier-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DDOSSIER_LIBFUZZER
bin="$scratch/debug/dossier-fuzz"

# libFuzzer writes the crash input itself only when the Swift runtime's backtracer stays out of its way.
export SWIFT_BACKTRACE=enable=no
targets=$("$bin" --list | cut -f1)
if [ -n "$only" ]; then
    echo "$targets" | grep -qx -- "$only" || { echo "fuzz.sh: no target '$only' (have: $(echo $targets))" >&2; exit 2; }
    targets="$only"
fi

failed=0
summary=""
for target in $targets; do
    seeds="Tests/Fuzz/corpus/$target"
    work="$scratch/corpus/$target"
    artifacts="$scratch/artifacts/$target"
    mkdir -p "$seeds" "$work" "$artifacts"
    rm -f "$artifacts"/*
    log="$scratch/$target.log"
    echo "== fuzz $target ($seconds s, seeds: $(ls "$seeds" | wc -l))"
    set +e
    DOSSIER_FUZZ_TARGET="$target" "$bin" "$work" "$seeds" -max_total_time="$seconds" -seed="$seed" -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -use_value_profile=1 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" >"$log" 2>&1
    status=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    [ -n "$runs" ] || runs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
    found="nothing"
    for artifact in "$artifacts"/*; do
        [ -e "$artifact" ] || continue
        kind=$(basename "$artifact" | cut -d- -f1)
        sha=$(sha1sum "$artifact" | cut -c1-40)
        cp "$artifact" "$seeds/crash-$sha"
        found="$kind: $seeds/crash-$sha"
        failed=1
    done
    if [ "$status" -ne 0 ] && [ "$found" = "nothing" ]; then
        found="exit status $status without an input (see $log)"
        failed=1
    fi
    if [ "$found" != "nothing" ]; then
        grep -m1 -E 'Fatal error|invariant broken|ERROR: libFuzzer' "$log" >&2 || true
    fi
    summary+=$(printf '%-18s %12s executions   %s' "$target" "${runs:-?}" "$found")$'\n'
done

echo "== fuzz summary ($seconds s per target)"
printf '%s' "$summary"
exit "$failed"
