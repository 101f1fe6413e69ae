#!/usr/bin/env bash
# Durable append throughput of the offline queue (issue 3): events/s for a 1,000-artifact scan's
# events (1,001 per append, one transaction) and for a burst of 100,000 events (one transaction, and batches of
# 1,000), medians over several runs, release build, SQLite in WAL with synchronous=FULL on the real disk.
#
# Usage: scripts/bench-append.sh [RUNS]        (default 7 runs)
# Env:   BENCH_DIR     where the throwaway queues go (default: .bench-append/ in the repository, i.e. real disk)
#        SCRATCH_PATH  SwiftPM scratch path for the release build (default: .build)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
runs="${1:-7}"
scratch="${SCRATCH_PATH:-.build}"
bench_dir="${BENCH_DIR:-$PWD/.bench-append}"
mkdir -p "$bench_dir"
trap 'rm -rf "$bench_dir"' EXIT

swift build -c release --product dossier-bench --scratch-path "$scratch" >&2
bin="$(swift build -c release --product dossier-bench --scratch-path "$scratch" --show-bin-path)/dossier-bench"

echo "# dossier queue append benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(df -T "$bench_dir" | awk 'NR==2{print $2}') disk)"
"$bin" append --artifacts 1000 --runs "$runs" --dir "$bench_dir" --label "scan-1000-artifacts"
"$bin" append --artifacts 99999 --runs "$runs" --dir "$bench_dir" --label "burst-100k-one-transaction"
"$bin" append --artifacts 99999 --batch-size 1000 --runs "$runs" --dir "$bench_dir" --label "burst-100k-batches-of-1000"
