# Shared set-up of the delivery and receiver benchmarks (sourced, not run): a throwaway webhook secret, the
# SQLite durability floor measured on the benchmark's own disk, the machine's load, and a median.
#
#   bench_secret DIR                 writes DIR/secret (whsec_…, mode 600) and prints its path
#   bench_floor PATH TRANSACTIONS REPEATS
#                                    prints "ROWS_PER_S MS_PER_TX": the median over REPEATS runs of TRANSACTIONS
#                                    100-row transactions of 1 KB rows, WAL, synchronous=FULL, in a fresh PATH
#   bench_load                       prints the 1/5/15-minute load averages ("1.02 0.87 0.66")
#   bench_median N…                  prints the median of the numbers given

bench_secret() {
    local file="$1/secret"
    python3 -c 'import base64,os; print("whsec_" + base64.b64encode(os.urandom(24)).decode())' > "$file"
    chmod 600 "$file"
    printf '%s\n' "$file"
}

bench_floor() {
    python3 - "$1" "$2" "$3" <<'PY'
import os, sqlite3, statistics, sys, time
path, transactions, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rates, costs = [], []
for _ in range(repeats):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix): os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    row = os.urandom(1024)
    start = time.perf_counter()
    for _ in range(transactions):
        db.execute("BEGIN")
        db.executemany("INSERT INTO t (body) VALUES (?)", [(row,)] * 100)
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    rates.append(transactions * 100 / elapsed)
    costs.append(elapsed / transactions * 1000)
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix): os.remove(path + suffix)
print(round(statistics.median(rates)), round(statistics.median(costs), 3))
PY
}

bench_load() { cut -d' ' -f1-3 /proc/loadavg; }

bench_median() {
    printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}
