#!/usr/bin/env bash
# Team receiver throughput (issue 13): SENDERS concurrent senders (default 4) spread over RECEIVERS `dossier
# receive` processes (default 2, release) sharing one PostgreSQL database (a throwaway cluster from
# scripts/postgres-test-server.sh on the real disk, fsync and synchronous_commit on). Each run uses a fresh
# database. Events and senders as in scripts/bench-receiver.sh (`dossier-bench stress-append` synthetic scans; signed
# batches of 100, one request in flight per sender, built before the clock starts). Printed next to it, from the
# same invocation: the SQLite receiver's median (scripts/bench-receiver.sh, same events and senders, one receiver).
# Each run also shows the CPU seconds of the receivers, the PostgreSQL server processes and the senders.
# Target: >= 20,000 events/s aggregate.
#
# Usage: scripts/bench-receiver-pg.sh [RUNS] [EVENTS] [SENDERS] [RECEIVERS]   (default 3 runs of 50,000, 4, 2)
# Env:   DOSSIER_BIN, SCRATCH_PATH as scripts/bench-receiver.sh; BENCH_DIR (default .bench-receiver-pg/)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
runs="${1:-3}"
events="${2:-50000}"
senders="${3:-4}"
receiver_count="${4:-2}"
bench_dir="${BENCH_DIR:-$PWD/.bench-receiver-pg}"
if [[ -z "${DOSSIER_BIN:-}" ]]; then
    scratch="${SCRATCH_PATH:-.build-release}"
    swift build -c release --product dossier --scratch-path "$scratch" >&2
    swift build -c release --product dossier-bench --scratch-path "$scratch" >&2
    DOSSIER_BIN="$(swift build -c release --product dossier --scratch-path "$scratch" --show-bin-path)/dossier"
fi
bin="$DOSSIER_BIN"
bench="${DOSSIER_BENCH_BIN:-$(dirname "$bin")/dossier-bench}"
export DOSSIER_BIN
mkdir -p "$bench_dir"
export DOSSIER_PG_DIR="$bench_dir/postgres"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    scripts/postgres-test-server.sh stop
    rm -rf "$bench_dir"
}
trap cleanup EXIT
server="$(scripts/postgres-test-server.sh start)"

# shellcheck source=scripts/lib/bench-common.sh
source "$(dirname "$0")/lib/bench-common.sh"
secret_file="$(bench_secret "$bench_dir")"
source_state="$bench_dir/source"
mkdir -p "$source_state"
"$bench" stress-append --state-dir "$source_state" --count $((events / senders - 1)) --batches "$senders" >/dev/null

echo "# dossier team receiver benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(df -T "$bench_dir" | awk 'NR==2{print $2}') disk, $senders senders, $receiver_count receivers, PostgreSQL $(psql "$server" -X -t -A -c 'SHOW server_version'), fsync $(psql "$server" -X -t -A -c 'SHOW fsync'), $bin)"

# CPU seconds × 100 used so far by the cluster's server processes (children of its postmaster).
postgres_cpu() {
    local postmaster
    postmaster="$(head -1 "$DOSSIER_PG_DIR/data/postmaster.pid")"
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v p="$postmaster" '$4 == p {s += $14 + $15} END {print s + 0}'
}

rates=()
for run in $(seq 1 "$runs"); do
    database="bench_run_$run"
    psql "$server" -X -q -c "CREATE DATABASE $database"
    url="${server%/*}/$database"
    urls=()
    pids=()
    for n in $(seq 1 "$receiver_count"); do
        out="$bench_dir/receiver-$run-$n.out"
        "$bin" receive --port 0 --secret-file "$secret_file" --store "$url" --pg-tls disable >"$out" 2>&1 &
        pids+=($!)
        for _ in $(seq 1 200); do grep -q "listening on" "$out" 2>/dev/null && break; sleep 0.1; done
        urls+=("$(sed -n 's/^listening on //p' "$out" | head -1)/webhook")
    done
    server_cpu_before=$(postgres_cpu)
    read -r accepted seconds rate sender_cpu < <(python3 scripts/lib/bench_webhook_senders.py \
        "$source_state/queue.sqlite" "$secret_file" "$senders" "${urls[@]}")
    server_cpu=$(awk -v a="$server_cpu_before" -v b="$(postgres_cpu)" 'BEGIN {print (b - a) / 100}')
    receiver_cpu=0
    for pid in "${pids[@]}"; do
        receiver_cpu=$(awk -v sum="$receiver_cpu" '{print sum + ($14 + $15) / 100}' "/proc/$pid/stat")
        kill "$pid"; wait "$pid" 2>/dev/null || true
    done
    pids=()
    stored=$(psql "$url" -X -t -A -c "SELECT COUNT(*) FROM received_events")
    echo "run $run: $accepted accepted (stored $stored) in $seconds s = $rate events/s (CPU: receivers ${receiver_cpu} s incl. start, PostgreSQL ${server_cpu} s, senders ${sender_cpu} s)"
    rates+=("$rate")
    psql "$server" -X -q -c "DROP DATABASE $database"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m=$(median "${rates[@]}")
echo "PostgreSQL: median $m events/s ($senders senders, $receiver_count receivers, $runs runs of $events events; target 20000)"
echo "# SQLite receiver, same events and senders, same invocation:"
BENCH_DIR="$bench_dir/sqlite" scripts/bench-receiver.sh "$runs" "$events" "$senders" | tail -1 | sed 's/^median:/SQLite: median/'
