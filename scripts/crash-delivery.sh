#!/usr/bin/env bash
# Crash safety of delivery (issue 4): the delivering process (`dossier queue flush`) is SIGKILLed at random points,
# TRIALS times (default 50). Before each trial a fresh synthetic scan is appended, so every kill lands while
# events are being claimed, sent or completed. Afterwards a last flush (after the short leases expire) must
# deliver everything: every event of the queue is in the receiver's store, nothing is pending, in flight or
# dead, and duplicates (resends after a kill) were absorbed by the receiver's dedupe. Exit 0 on success.
#
# Usage: scripts/crash-delivery.sh [TRIALS] [EVENTS_PER_TRIAL]     (default 50 trials, 1,000 events each)
# Env:   DOSSIER_BIN  binary to use (default: the debug build, built if needed)
#        DOSSIER_BENCH_BIN  the dossier-bench binary (default: next to the dossier binary)
#        WINDOW       requests in flight per flush (default 4, the flush's default; 1 = one at a time)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
trials="${1:-50}"
per_trial="${2:-1000}"
if [[ -n "${DOSSIER_BIN:-}" ]]; then
    bin="$DOSSIER_BIN"
else
    swift build --product dossier >&2
    swift build --product dossier-bench >&2
    bin="$(swift build --product dossier --show-bin-path)/dossier"
fi
bench="${DOSSIER_BENCH_BIN:-$(dirname "$bin")/dossier-bench}"
work="$(mktemp -d "${TMPDIR:-/tmp}/dossier-crash-delivery.XXXXXX")"
receiver_pid=""
cleanup() {
    if [[ -n "$receiver_pid" ]]; then kill "$receiver_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
state="$work/state"
mkdir -p "$state"
secret_file="$work/secret"
python3 -c 'import base64,os; print("whsec_" + base64.b64encode(os.urandom(24)).decode())' > "$secret_file"
chmod 600 "$secret_file"

"$bin" receive --port 0 --secret-file "$secret_file" --store "$work/receiver.sqlite" >"$work/receiver.out" 2>/dev/null &
receiver_pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/receiver.out" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/^listening on //p' "$work/receiver.out" | head -1)/webhook"
flush=("$bin" queue flush --state-dir "$state" --endpoint "$url" --secret-file "$secret_file" --until-empty
    --lease-seconds 3 --request-timeout 1 --window "${WINDOW:-4}")

killed=0
runs=0
# Count only kills that land while the flush is still running; go on until TRIALS of them (at most 4×TRIALS runs).
while (( killed < trials && runs < 4 * trials )); do
    runs=$((runs + 1))
    "$bench" stress-append --state-dir "$state" --count $((per_trial - 1)) --batches 1 >/dev/null
    "${flush[@]}" >/dev/null 2>&1 &
    pid=$!
    sleep "$(python3 -c 'import random; print(round(random.uniform(0.02, 0.4), 3))')"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null || true
done
echo "flush runs: $runs (window ${WINDOW:-4}), SIGKILLed mid-run: $killed (wanted $trials)"

# Let the leases of the killed workers expire, then deliver the rest.
sleep 3.5
"${flush[@]}" --json > "$work/final.json" 2>/dev/null || true
cat "$work/final.json"

python3 - "$state/queue.sqlite" "$work/receiver.sqlite" <<'PY'
import sqlite3, sys
q = sqlite3.connect(sys.argv[1]); r = sqlite3.connect(sys.argv[2])
queued = {row[0]: row[1] for row in q.execute("select event_id, state from events")}
received = {row[0]: row[1] for row in r.execute("select event_id, receive_count from received_events")}
states = {}
for s in queued.values(): states[s] = states.get(s, 0) + 1
missing = [e for e in queued if e not in received]
extra = [e for e in received if e not in queued]
dups = sum(1 for c in received.values() if c > 1)
print(f"queued {len(queued)} events, states {states}; receiver stored {len(received)}, "
      f"received more than once (absorbed by dedupe): {dups}")
ok = not missing and not extra and states.get("delivered", 0) == len(queued)
if missing: print(f"LOST: {len(missing)} events never reached the receiver, e.g. {missing[:3]}")
if extra: print(f"UNEXPECTED: {len(extra)} events in the receiver that the queue does not know")
print("PASS: no event lost" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
if (( killed < trials )); then
    echo "FAIL: only $killed of the wanted $trials kills landed while flush was running"
    exit 1
fi
