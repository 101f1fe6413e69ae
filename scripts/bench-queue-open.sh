#!/usr/bin/env bash
# What the corruption check costs (issue 9): every queue open runs `PRAGMA quick_check` before anything writes.
# On a queue of 100,000 events (the default cap) this prints medians over several runs of
#   - `dossier queue status` end to end (process start, check, open, migrations, counts),
#   - `PRAGMA quick_check` alone (python3's sqlite3, read-only): the check's own cost,
#   - a read-only open + `SELECT COUNT(*)` alone: the floor an open without the check would pay.
#
# Usage: scripts/bench-queue-open.sh [RUNS]     (default 7 runs)
# Env:   BENCH_DIR     where the throwaway queue goes (default: .bench-queue-open/ in the repository: real disk)
#        DOSSIER_BIN   an already built dossier binary (default: a release build)
#        DOSSIER_BENCH_BIN  the dossier-bench binary (default: next to the dossier binary)
#        SCRATCH_PATH  SwiftPM scratch path for the release build (default: .build)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
runs="${1:-7}"
scratch="${SCRATCH_PATH:-.build}"
bench_dir="${BENCH_DIR:-$PWD/.bench-queue-open}"
rm -rf "$bench_dir"
mkdir -p "$bench_dir"
trap 'rm -rf "$bench_dir"' EXIT

if [ -n "${DOSSIER_BIN:-}" ]; then
    bin="$DOSSIER_BIN"
else
    swift build -c release --product dossier --scratch-path "$scratch" >&2
    swift build -c release --product dossier-bench --scratch-path "$scratch" >&2
    bin="$(swift build -c release --product dossier --scratch-path "$scratch" --show-bin-path)/dossier"
fi
bench="${DOSSIER_BENCH_BIN:-$(dirname "$bin")/dossier-bench}"

"$bench" stress-append --count 99999 --batches 1 --state-dir "$bench_dir" >/dev/null
db="$bench_dir/queue.sqlite"
echo "# dossier queue open benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(df -T "$bench_dir" | awk 'NR==2{print $2}') disk)"
echo "queue: 100000 events, $(($(stat -c %s "$db") / 1048576)) MiB"

python3 - "$bin" "$bench_dir" "$db" "$runs" <<'PY'
import sqlite3, statistics, subprocess, sys, time
bin, state, db, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def median_ms(fn):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)

def status():
    subprocess.run([bin, "queue", "status", "--state-dir", state], check=True, stdout=subprocess.DEVNULL)

def check():
    c = sqlite3.connect("file:" + db + "?mode=ro", uri=True)
    assert [r[0] for r in c.execute("PRAGMA quick_check")] == ["ok"]
    c.close()

def floor():
    c = sqlite3.connect("file:" + db + "?mode=ro", uri=True)
    c.execute("SELECT COUNT(*) FROM events").fetchone()
    c.close()

s, q, f = median_ms(status), median_ms(check), median_ms(floor)
print(f"queue status (with check): median {s:.1f} ms over {runs} runs")
print(f"quick_check alone:         median {q:.1f} ms")
print(f"floor (open + COUNT(*)):   median {f:.1f} ms")
print(f"check share of queue status: {100 * q / s:.0f} %")
PY
