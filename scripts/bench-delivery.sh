#!/usr/bin/env bash
# Sustained delivery throughput (issue 12): events/s from the durable queue (WAL, synchronous=FULL)
# to the reference receiver on loopback (its own SQLite store, WAL, synchronous=FULL), signed batches of 100, for
# each window (requests in flight) asked for. Each run: a fresh queue filled with EVENTS events, a fresh receiver,
# one `dossier queue flush --until-empty --window W` timed end to end (process start included). Prints each run,
# the median per window, and next to it the floor measured in the same run on the same disk: 100-row
# transactions of 1 KB rows with synchronous=FULL in WAL mode (the durability cost one sender cannot go below).
#
# Usage: scripts/bench-delivery.sh [RUNS] [EVENTS]      (default 5 runs of 50,000 events)
# Env:   DOSSIER_BIN   use this binary instead of building release (e.g. .build/debug/dossier)
#        DOSSIER_BENCH_BIN  the dossier-bench binary (default: next to the dossier binary)
#        BENCH_DIR     where throwaway state goes (default .bench-delivery/ in the repository: real disk)
#        WINDOWS       windows to measure (default "1 4")
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bench-common.sh
export PATH="/opt/swift/usr/bin:$PATH"
runs="${1:-5}"
events="${2:-50000}"
windows="${WINDOWS:-1 4}"
bench_dir="${BENCH_DIR:-$PWD/.bench-delivery}"
if [[ -n "${DOSSIER_BIN:-}" ]]; then
    bin="$DOSSIER_BIN"
else
    swift build -c release --product dossier >&2
    swift build -c release --product dossier-bench >&2
    bin="$(swift build -c release --product dossier --show-bin-path)/dossier"
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

echo "# dossier delivery benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(bench_load), $(df -T "$bench_dir" | awk 'NR==2{print $2}') disk, $bin)"

# The SQLite floor on this disk, now: 100-row FULL transactions of 1 KB rows (median of 5 × 200 transactions).
read -r floor floor_ms < <(bench_floor "$bench_dir/floor.sqlite" 200 5)
echo "SQLite floor: $floor rows/s ($floor_ms ms per 100-row transaction of 1 KB rows, WAL, synchronous=FULL, same disk)"

for window in $windows; do
    rates=()
    for run in $(seq 1 "$runs"); do
        state="$bench_dir/run-$run"
        mkdir -p "$state"
        "$bench" stress-append --state-dir "$state" --count $((events - 1)) --batches 1 >/dev/null
        fifo="$state/receiver.out"
        "$bin" receive --port 0 --secret-file "$secret_file" --store "$state/receiver.sqlite" >"$fifo" 2>/dev/null &
        receiver_pid=$!
        for _ in $(seq 1 100); do grep -q "listening on" "$fifo" 2>/dev/null && break; sleep 0.1; done
        url="$(sed -n 's/^listening on //p' "$fifo" | head -1)/webhook"
        start=$(date +%s.%N)
        out="$("$bin" queue flush --state-dir "$state" --endpoint "$url" --secret-file "$secret_file" \
            --until-empty --json --window "$window" 2>/dev/null)"
        end=$(date +%s.%N)
        kill "$receiver_pid"; wait "$receiver_pid" 2>/dev/null || true; receiver_pid=""
        delivered=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["delivered"])')
        stored=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from received_events").fetchone()[0])' "$state/receiver.sqlite")
        rate=$(python3 -c "print(round($delivered / ($end - $start)))")
        echo "window $window run $run: delivered $delivered (receiver stored $stored) in $(python3 -c "print(round($end - $start, 3))") s = $rate events/s"
        rates+=("$rate")
        rm -rf "$state"
    done
    median=$(bench_median "${rates[@]}")
    echo "window $window median: $median events/s over $runs runs of $events events = $(python3 -c "print(round(100 * $median / $floor, 1))") % of the floor ($floor rows/s); load now $(bench_load)"
done
