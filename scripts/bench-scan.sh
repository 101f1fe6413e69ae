#!/usr/bin/env bash
# Benchmark of `dossier scan` (not a timed test): builds the release binary, makes a synthetic feature of
# FILES artifacts x SIZE bytes in a temp dir, and reports the median whole-process wall time over RUNS runs of
#   dossier scan --no-emit --json
# next to the median of `sha256sum` over the same files and of `dossier --help` (process start).
# Target (issue 2): scan <= 2 x sha256sum + process start.
# Usage: scripts/bench-scan.sh [--no-build]   env: FILES=1000 SIZE=4096 RUNS=7
#        DOSSIER_BIN=/path/to/release/dossier scripts/bench-scan.sh   (use an existing release binary, no build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
FILES=${FILES:-1000}
SIZE=${SIZE:-4096}
RUNS=${RUNS:-7}
export PATH=/opt/swift/usr/bin:$PATH

if [[ -n "${DOSSIER_BIN:-}" ]]; then
    bin=$DOSSIER_BIN
else
    if [[ "${1:-}" != "--no-build" ]]; then
        (cd "$root" && swift build -c release --product dossier >&2)
    fi
    bin="$(cd "$root" && swift build -c release --show-bin-path)/dossier"
fi
[[ -x "$bin" ]] || { echo "bench-scan: no release binary at $bin (run without --no-build)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/dossier-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
feature="$work/repo/kitty-specs/001-bench"
mkdir -p "$feature/tasks" "$work/state"
printf '{"mission_type": "software-dev", "current_step": "implement"}\n' >"$feature/meta.json"
# Deterministic pseudo-random content: each file differs.
head -c $((FILES * SIZE)) /dev/urandom >"$work/blob"
for ((i = 0; i < FILES; i++)); do
    case $((i % 4)) in
        0) name="tasks/WP$(printf '%02d' $((i % 100)))-item-$i.md" ;;
        1) name="notes-$i.md" ;;
        2) name="data-$i.bin" ;;
        *) name="doc-$i.txt" ;;
    esac
    dd if="$work/blob" of="$feature/$name" bs="$SIZE" skip="$i" count=1 status=none
done
rm "$work/blob"
count=$(find "$feature" -type f | wc -l)

# median_ms CMD...: runs CMD RUNS times (plus one warm-up), prints the median wall time in ms.
median_ms() {
    "$@" >/dev/null 2>&1 || true
    local times=() t0 t1
    for ((r = 0; r < RUNS; r++)); do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        times+=($(((t1 - t0) / 1000)))
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    local mid=$(((RUNS + 1) / 2))
    local us
    us=$(echo "$sorted" | sed -n "${mid}p")
    awk -v us="$us" 'BEGIN { printf "%.1f", us / 1000 }'
}

sha_all() { find "$feature" -type f -print0 | xargs -0 sha256sum; }

if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 1 --runs "$RUNS" \
        "$bin scan --no-emit --json --state-dir $work/state $feature" \
        "$bin --help" >&2 || true
fi
scan=$(median_ms "$bin" scan --no-emit --json --state-dir "$work/state" "$feature")
sha=$(median_ms sha_all)
start=$(median_ms "$bin" --help)
budget=$(awk -v s="$sha" -v p="$start" 'BEGIN { printf "%.1f", 2 * s + p }')
verdict=$(awk -v x="$scan" -v b="$budget" 'BEGIN { print (x <= b) ? "within target" : "OVER target" }')

echo "files: $count ($FILES x $SIZE bytes + meta.json), runs: $RUNS (median wall time, whole process)"
echo "dossier scan --no-emit --json : ${scan} ms"
echo "sha256sum (find | xargs)      : ${sha} ms"
echo "dossier --help (process start): ${start} ms"
echo "target: scan <= 2 x sha256sum + start = ${budget} ms -> ${verdict}"
