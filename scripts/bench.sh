#!/usr/bin/env bash
# Runs every dossier benchmark (scripts/bench-scan.sh, bench-append.sh, bench-delivery.sh, bench-tui.sh) against
# ONE release build and prints one table of medians next to the targets of issues 2-5, with the machine's core
# count and load average. Each script's full output is kept in the log folder printed at the end.
#
# Usage: scripts/bench.sh [--no-build] [--quick]
#   --no-build   use the existing release binary (.build-release/release/dossier, or $DOSSIER_BIN)
#   --quick      fewer runs (3) and smaller loads, for a smoke check; the published figures use the defaults
# Env:   DOSSIER_BIN   binary to use (skips the build)
#        DOSSIER_BENCH_BIN  the dossier-bench binary (default: next to the dossier binary)
#        SCRATCH_PATH  SwiftPM scratch path of the shared release build (default .build-release, git-ignored)
#        RUNS          runs per benchmark (default: each script's own default)
# Exit: 0 when every benchmark ran (targets missed are shown, not fatal), 1 when one failed to run.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="/opt/swift/usr/bin:$PATH"
build=1
quick=0
for a in "$@"; do
    case "$a" in
        --no-build) build=0 ;;
        --quick) quick=1 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "bench: unknown argument '$a' (try --help)" >&2; exit 2 ;;
    esac
done
scratch="${SCRATCH_PATH:-.build-release}"
if [[ -n "${DOSSIER_BIN:-}" ]]; then
    bin="$DOSSIER_BIN"
else
    if [[ $build == 1 ]]; then
        echo "bench: building the release binary (swift build -c release --product dossier --scratch-path $scratch)" >&2
        swift build -c release --product dossier --scratch-path "$scratch" >&2 || { echo "bench: build failed" >&2; exit 1; }
        swift build -c release --product dossier-bench --scratch-path "$scratch" >&2 || { echo "bench: build failed" >&2; exit 1; }
    fi
    bin="$(swift build -c release --product dossier --scratch-path "$scratch" --show-bin-path)/dossier"
fi
[[ -x "$bin" ]] || { echo "bench: no binary at $bin" >&2; exit 1; }
bin="$(realpath "$bin")"

logs="$(mktemp -d "${TMPDIR:-/tmp}/dossier-bench-logs.XXXXXX")"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
failed=0
runs_arg=()
[[ -n "${RUNS:-}" ]] && runs_arg=("$RUNS")
if [[ $quick == 1 ]]; then export RUNS="${RUNS:-3}" FRAMES=200 IDLE_SECONDS=5 EVENTS=20000; runs_arg=("$RUNS"); fi

run() { # name, command...
    local name="$1"; shift
    echo "bench: $name ..." >&2
    if ! "$@" >"$logs/$name.log" 2>"$logs/$name.err"; then
        echo "bench: $name FAILED (see $logs/$name.log, $logs/$name.err)" >&2
        failed=1
    fi
}

# 1. scan (issues 2, 10): cold scan vs the openssl floor, warm rescan, peak RSS, on the synthetic 412-feature corpus.
run scan env DOSSIER_BIN="$bin" scripts/bench-scan.sh
scan_ms="$(sed -n 's/^cold scan (no stat cache) *: \([0-9.]*\) ms.*/\1/p' "$logs/scan.log")"
sha_ms="$(sed -n 's/^floor (xargs openssl dgst -sha256) *: \([0-9.]*\) ms/\1/p' "$logs/scan.log")"
warm_ms="$(sed -n 's/^warm rescan (unchanged, cache) *: \([0-9.]*\) ms.*/\1/p' "$logs/scan.log")"
rss_mb="$(sed -n 's/^peak RSS cold \/ warm (GNU time) *: \([0-9.]*\) MB.*/\1/p' "$logs/scan.log")"
scan_files="$(sed -n 's/^corpus: .*: \([0-9]*\) files scanned.*/\1/p' "$logs/scan.log")"

# 2. append (issue 3): durable append throughput. bench-append.sh builds with SCRATCH_PATH (a no-op here).
if [[ -n "${DOSSIER_BIN:-}" ]]; then
    # bench-append.sh always builds; with an explicit binary call dossier-bench next to it directly, like it does.
    run append bash -c '
        b="$1"; runs="$2"; d="$(mktemp -d)"; trap "rm -rf $d" EXIT
        "$b" append --artifacts 1000 --runs "$runs" --dir "$d" --label scan-1000-artifacts &&
        "$b" append --artifacts 99999 --batch-size 1000 --runs "$runs" --dir "$d" --label burst-100k-batches-of-1000' \
        _ "${DOSSIER_BENCH_BIN:-$(dirname "$bin")/dossier-bench}" "${RUNS:-7}"
else
    run append env SCRATCH_PATH="$scratch" scripts/bench-append.sh "${runs_arg[@]}"
fi
append_scan="$(sed -n 's/^scan-1000-artifacts median over [0-9]* runs: \([0-9]*\) events\/s.*/\1/p' "$logs/append.log")"
append_burst="$(sed -n 's/^burst-100k-batches-of-1000 median over [0-9]* runs: \([0-9]*\) events\/s.*/\1/p' "$logs/append.log")"

# 3. delivery (issue 4): queue → reference receiver over loopback, both durable.
delivery_events=20000
[[ $quick == 1 ]] && delivery_events=5000
run delivery env DOSSIER_BIN="$bin" scripts/bench-delivery.sh "${RUNS:-5}" "$delivery_events"
delivery="$(sed -n 's/^median: \([0-9.]*\) events\/s.*/\1/p' "$logs/delivery.log")"

# 4. dashboard (issue 5): frame time, idle CPU, RSS with 100,000 queued events.
if command -v tmux >/dev/null; then
    run tui scripts/bench-tui.sh "$bin"
else
    echo "bench: tmux missing; dashboard benchmark skipped" >&2
    failed=1
fi
frame_ms="$(sed -n 's/.*frame render (median of [0-9]* run medians): *\([0-9.]*\) ms.*/\1/p' "$logs/tui.log" 2>/dev/null)"
idle_cpu="$(sed -n 's/.*idle CPU over [0-9]*s: *\([0-9.]*\) %.*/\1/p' "$logs/tui.log" 2>/dev/null)"
rss_mb="$(sed -n 's/.*resident memory: *\([0-9]*\) MB.*/\1/p' "$logs/tui.log" 2>/dev/null)"

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
verdict() { # value, op, target → ok / MISSED / n/a
    python3 -c '
import sys
v, op, t = sys.argv[1:]
try: v = float(v); t = float(t)
except ValueError: print("n/a"); sys.exit()
print("ok" if (v <= t if op == "<=" else v >= t if op == ">=" else v < t) else "MISSED")' "$1" "$2" "$3"
}
echo
echo "dossier benchmarks — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
echo "load average before $load_before, after $load_after; binary $bin"
printf '%-44s %-18s %-22s %s\n' "benchmark (median)" "measured" "target" "verdict"
printf '%-44s %-18s %-22s %s\n' "--------------------------------------------" "------------------" "----------------------" "-------"
printf '%-44s %-18s %-22s %s\n' "cold scan ${scan_files:-?} files (whole process)" "${scan_ms:-?} ms" "<= ${sha_ms:-?} ms (floor)" "$(verdict "${scan_ms:-x}" "<=" "${sha_ms:-x}")"
printf '%-44s %-18s %-22s %s\n' "warm rescan, unchanged (stat cache)" "${warm_ms:-?} ms" "<= 60 ms" "$(verdict "${warm_ms:-x}" "<=" "60")"
printf '%-44s %-18s %-22s %s\n' "scan peak RSS (cold)" "${rss_mb:-?} MB" "<= 64 MB" "$(verdict "${rss_mb:-x}" "<=" "64")"
printf '%-44s %-18s %-22s %s\n' "append, one 1,001-event scan" "${append_scan:-?} ev/s" ">= 50,000 ev/s" "$(verdict "${append_scan:-x}" ">=" 50000)"
printf '%-44s %-18s %-22s %s\n' "append, 100k burst in batches of 1,000" "${append_burst:-?} ev/s" ">= 50,000 ev/s" "$(verdict "${append_burst:-x}" ">=" 50000)"
printf '%-44s %-18s %-22s %s\n' "delivery to the reference receiver" "${delivery:-?} ev/s" ">= 20,000 ev/s" "$(verdict "${delivery:-x}" ">=" 20000)"
printf '%-44s %-18s %-22s %s\n' "dashboard frame, 100k events, 120x40" "${frame_ms:-?} ms" "< 2 ms" "$(verdict "${frame_ms:-x}" "<" 2)"
printf '%-44s %-18s %-22s %s\n' "dashboard idle CPU" "${idle_cpu:-?} %" "< 1 %" "$(verdict "${idle_cpu:-x}" "<" 1)"
printf '%-44s %-18s %-22s %s\n' "dashboard resident memory" "${rss_mb:-?} MB" "< 50 MB" "$(verdict "${rss_mb:-x}" "<" 50)"
echo
echo "full outputs: $logs"
exit $failed
