#!/usr/bin/env bash
# Dashboard benchmark at real scale: the synthetic 412-feature corpus (scripts/make-corpus.sh) and 100,000 events
# in the queue, 120x40 (targets: < 2 ms a frame, < 1 % CPU and 0 repository bytes read when idle, < 64 MB resident).
#
#   scripts/bench-tui.sh [path/to/dossier]
#
# Default binary: .build/release/dossier when it exists (swift build -c release --product dossier), else
# .build/debug/dossier (debug frames are ~10x slower; say which one you measured).
#
# 1. Frame time: `dossier-bench frames --frames N` loads the real queue through the dashboard's data
#    source, waits for its start-up scan, and times without terminal I/O (RUNS runs of FRAMES frames each; the
#    median of the run medians):
#      - a frame while events arrive (the target): new queue counts every frame, through the UI loop's row cache
#        (the event panes' rows, selection, frame of 120x40 cells; the scan's ~11,000 rows are kept);
#      - a frame after a scan changed the data: the rows of all six panes rebuilt, selection, frame;
#      - the floor: drawing the frame alone from rows already built.
# 2. Idle CPU, reads and memory: the real dashboard in a private tmux server (120x40), after its start-up scan of
#    the corpus, left alone for IDLE_SECONDS; CPU = (utime + stime) delta from /proc/<pid>/stat over the window;
#    bytes read = `rchar` delta from /proc/<pid>/io (every read(2) of the process: repository files, the queue,
#    the terminal; so an upper bound of the repository's); RSS = VmRSS (and peak VmHWM).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [[ $# -ge 1 ]]; then BIN=$(realpath "$1")
elif [[ -x "$ROOT/.build/release/dossier" ]]; then BIN="$ROOT/.build/release/dossier"
else BIN="$ROOT/.build/debug/dossier"; fi
[[ -x "$BIN" ]] || { echo "no dossier binary at $BIN (swift build -c release --product dossier)"; exit 2; }
BENCH="${DOSSIER_BENCH_BIN:-$(dirname "$BIN")/dossier-bench}"
[[ -x "$BENCH" ]] || { echo "no dossier-bench next to $BIN (swift build -c release --product dossier-bench)"; exit 2; }
EVENTS=${EVENTS:-100000}
RUNS=${RUNS:-5}
FRAMES=${FRAMES:-1000}
IDLE_SECONDS=${IDLE_SECONDS:-60}
FEATURES=${FEATURES:-412}

WORK=$(mktemp -d /tmp/dossier-bench-tui.XXXXXX)
SOCK="bench-tui-$$"
tm() { env -i PATH="$PATH" HOME="${HOME:-/tmp}" LANG=C.UTF-8 TERM=xterm-256color tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() { tm kill-server 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

STATE="$WORK/state"

echo "binary: $BIN"
echo "corpus: $FEATURES synthetic features (scripts/make-corpus.sh)"
bash "$ROOT/scripts/make-corpus.sh" "$WORK/repo" --features "$FEATURES" > /dev/null
echo "filling the queue with $EVENTS events..."
"$BENCH" stress-append --count $((EVENTS - 1)) --batches 1 --state-dir "$STATE" > /dev/null

echo "frame time: $RUNS runs x $FRAMES frames at 120x40"
medians=(); changes=(); floors=()
for ((i = 1; i <= RUNS; i++)); do
  line=$("$BENCH" frames "$WORK/repo" --state-dir "$STATE" --frames "$FRAMES")
  echo "  run $i: $line"
  medians+=("$(sed -n 's/.* median_ms=\([0-9.]*\).*/\1/p' <<< "$line")")
  changes+=("$(sed -n 's/.* change_median_ms=\([0-9.]*\).*/\1/p' <<< "$line")")
  floors+=("$(sed -n 's/.* draw_median_ms=\([0-9.]*\).*/\1/p' <<< "$line")")
done
median_of() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
frame_ms=$(median_of "${medians[@]}")
change_ms=$(median_of "${changes[@]}")
floor_ms=$(median_of "${floors[@]}")

echo "idle: the dashboard in tmux, untouched for ${IDLE_SECONDS}s"
tm new-session -d -s t -x 120 -y 40 "exec '$BIN' dashboard '$WORK/repo' --state-dir '$STATE'"
for ((i = 0; i < 100; i++)); do
  tm capture-pane -p -t t | grep -qF "pending $EVENTS" && break
  sleep 0.1
done
tm capture-pane -p -t t | grep -qF "pending $EVENTS" || { echo "dashboard did not show the queue:"; tm capture-pane -p -t t; exit 1; }
# The start-up scan of the corpus: every feature listed, no scan running.
for ((i = 0; i < 600; i++)); do
  screen=$(tm capture-pane -p -t t)
  grep -qF "6 Features ($FEATURES)" <<< "$screen" && ! grep -q "scanning" <<< "$screen" && break
  sleep 0.1
done
grep -qF "6 Features ($FEATURES)" <<< "$screen" || { echo "dashboard did not list the features:"; echo "$screen"; exit 1; }
PID=$(tm list-panes -t t -F '#{pane_pid}')
sleep 3  # let the first loads settle
ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
rchar() { awk '/^rchar:/ {print $2}' "/proc/$PID/io"; }
HZ=$(getconf CLK_TCK)
t0=$(ticks); r0=$(rchar); s0=$(date +%s.%N)
sleep "$IDLE_SECONDS"
t1=$(ticks); r1=$(rchar); s1=$(date +%s.%N)
cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$HZ" -v s0="$s0" -v s1="$s1" 'BEGIN {printf "%.2f", (b - a) / hz / (s1 - s0) * 100}')
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$PID/status")
tm send-keys -t t q

echo
echo "RESULTS ($FEATURES features, $EVENTS events in the queue, 120x40; load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '  frame while events arrive (median of %d run medians): %s ms   target < 2 ms\n' "$RUNS" "$frame_ms"
printf '  frame after a scan changed the data (all rows rebuilt): %s ms\n' "$change_ms"
printf '  floor: drawing the frame from rows already built:       %s ms\n' "$floor_ms"
printf '  idle CPU over %ss:                      %s %%    target < 1 %%\n' "$IDLE_SECONDS" "$cpu"
printf '  bytes read while idle (rchar, all files): %d      target 0 from the repository\n' $((r1 - r0))
printf '  resident memory:                         %d MB (peak %d MB)   target < 64 MB\n' $((rss_kb / 1024)) $((hwm_kb / 1024))
