#!/usr/bin/env bash
# Receiver throughput (issue 12): SENDERS concurrent senders (default 4), each posting its own feature's events
# in signed batches of 100 with one request in flight (like one `queue flush`), into one `dossier receive`
# (release, its SQLite store WAL + synchronous=FULL on the real disk). The events are a real emitter's
# (`dossier-bench stress-append`: SENDERS synthetic scans, EVENTS in all); bodies are built and signed before the clock
# starts, so the figure is the receiver's: verify, validate, group commit, reduce, answer. Each run uses a fresh
# receiver and store. Printed next to it, measured in the same run: the SQLite floor (100-row FULL transactions of
# 1 KB rows, WAL, same disk).
#
# Usage: scripts/bench-receiver.sh [RUNS] [EVENTS] [SENDERS]      (default 5 runs of 50,000 events, 4 senders)
# Env:   DOSSIER_BIN   use this binary instead of building release
#        DOSSIER_BENCH_BIN  the dossier-bench binary (default: next to the dossier binary)
#        SCRATCH_PATH  SwiftPM scratch path of the release build (default .build-release, as scripts/bench.sh)
#        BENCH_DIR     where throwaway state goes (default .bench-receiver/ in the repository: real disk)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bench-common.sh
export PATH="/opt/swift/usr/bin:$PATH"
runs="${1:-5}"
events="${2:-50000}"
senders="${3:-4}"
bench_dir="${BENCH_DIR:-$PWD/.bench-receiver}"
if [[ -n "${DOSSIER_BIN:-}" ]]; then
    bin="$DOSSIER_BIN"
else
    scratch="${SCRATCH_PATH:-.build-release}"
    swift build -c release --product dossier --scratch-path "$scratch" >&2
    swift build -c release --product dossier-bench --scratch-path "$scratch" >&2
    bin="$(swift build -c release --product dossier --scratch-path "$scratch" --show-bin-path)/dossier"
fi
bench="${DOSSIER_BENCH_BIN:-$(dirname "$bin")/dossier-bench}"
mkdir -p "$bench_dir"
receiver_pid=""
cleanup() {
    if [[ -n "$receiver_pid" ]]; then kill "$receiver_pid" 2>/dev/null || true; fi
    rm -rf "$bench_dir"
}
trap cleanup EXIT

secret_file="$(bench_secret "$bench_dir")"
source_state="$bench_dir/source"
mkdir -p "$source_state"
"$bench" stress-append --state-dir "$source_state" --count $((events / senders - 1)) --batches "$senders" >/dev/null

echo "# dossier receiver benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(bench_load), $(df -T "$bench_dir" | awk 'NR==2{print $2}') disk, $senders senders, $bin)"

# One signed sender per feature of the source queue (scripts/lib/bench_webhook_senders.py, shared with the
# PostgreSQL receiver benchmark); prints accepted, seconds, events/s, sender CPU seconds.
send() {
    python3 "$(dirname "$0")/lib/bench_webhook_senders.py" "$source_state/queue.sqlite" "$secret_file" "$senders" "$1"
}

rates=()
floors=()
for run in $(seq 1 "$runs"); do
    read -r floor_rate floor_ms < <(bench_floor "$bench_dir/floor.sqlite" 300 1)
    floors+=("$floor_rate")
    store="$bench_dir/run-$run"
    mkdir -p "$store"
    out="$store/receiver.out"
    "$bin" receive --port 0 --secret-file "$secret_file" --store "$store/receiver.sqlite" >"$out" 2>/dev/null &
    receiver_pid=$!
    for _ in $(seq 1 100); do grep -q "listening on" "$out" 2>/dev/null && break; sleep 0.1; done
    url="$(sed -n 's/^listening on //p' "$out" | head -1)/webhook"
    read -r accepted seconds rate sender_cpu < <(send "$url")
    receiver_cpu=$(awk '{print ($14 + $15) / 100}' "/proc/$receiver_pid/stat")
    kill "$receiver_pid"; wait "$receiver_pid" 2>/dev/null || true; receiver_pid=""
    stored=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from received_events").fetchone()[0])' "$store/receiver.sqlite")
    echo "run $run: $accepted accepted (stored $stored) in $seconds s = $rate events/s (CPU: receiver ${receiver_cpu} s incl. start, senders ${sender_cpu} s); floor $floor_rate rows/s ($floor_ms ms per 100-row FULL transaction)"
    rates+=("$rate")
    rm -rf "$store"
done
m=$(bench_median "${rates[@]}")
f=$(bench_median "${floors[@]}")
echo "median: $m events/s ($senders senders, $runs runs of $events events); SQLite floor median $f rows/s = $(python3 -c "print(round(100 * $m / $f))") % of the floor; load now $(bench_load)"
