#!/usr/bin/env bash
# scripts/check-example-receiver.sh BIN
#
# Runs the example receiver of docs/webhooks.md (docs/examples/receiver.py, Python + standardwebhooks) against a real
# `BIN queue flush`, end to end on loopback (and first checks that docs/webhooks.md shows that file unchanged):
#   1. scans the demo feature (assets/demo) into a fresh state directory: N events queued;
#   2. flushes with a wrong secret: the receiver answers 401, the flush exits 2 with the endpoint paused,
#      all N events still pending, nothing stored;
#   3. flushes with the right secret: exit 0, N delivered, `queue status` says pending 0, in_flight 0, dead 0,
#      delivered N, endpoint active; the receiver's JSON-lines file holds each queued event once, equal to the
#      envelope the queue stored;
#   4. replays one delivered event in a freshly signed batch: the receiver answers `duplicate` and stores nothing;
#   5. rotation: restarted with a new and the old secret, the receiver takes a flush signed with each.
# Prints one line per check; exits 0 when all hold, 1 on the first mismatch, 2 when it cannot run (no python3 or
# no standardwebhooks package). Everything lives in a temporary folder, removed afterwards; the receiver is killed.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 BIN   (BIN: a built dossier binary)" >&2
    exit 2
fi
[[ -f "$1" && -x "$1" ]] || { echo "cannot run: $1 is not an executable file" >&2; exit 2; }
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RECEIVER="$ROOT/docs/examples/receiver.py"
DEMO="$ROOT/assets/demo/kitty-specs/001-demo-checkout"
command -v python3 >/dev/null || { echo "cannot run: python3 is not on PATH" >&2; exit 2; }
python3 -c 'import standardwebhooks' 2>/dev/null ||
    { echo "cannot run: the Python package standardwebhooks is missing (pip install standardwebhooks)" >&2; exit 2; }

# The receiver shown in docs/webhooks.md (its last python block) must be the file this script runs.
python3 - "$ROOT/docs/webhooks.md" "$RECEIVER" <<'EOF' ||
import sys
doc = open(sys.argv[1], encoding="utf-8").read()
start = doc.rindex("```python\n") + len("```python\n")
shown = doc[start:doc.index("```\n", start)]
sys.exit(0 if shown == open(sys.argv[2], encoding="utf-8").read() else 1)
EOF
    { echo "FAIL: the receiver shown in docs/webhooks.md differs from docs/examples/receiver.py" >&2; exit 1; }
echo "ok: docs/webhooks.md shows docs/examples/receiver.py as it is"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dossier-example-receiver.XXXXXX")
RECEIVER_PID=""
# kill_receiver: SIGTERM, then SIGKILL after 5 s (a parent that blocks SIGTERM, as a test runner may, passes its
# signal mask on to the receiver, which then never sees the SIGTERM).
kill_receiver() {
    [[ -n "$RECEIVER_PID" ]] || return 0
    kill "$RECEIVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$RECEIVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$RECEIVER_PID" 2>/dev/null || true
    wait "$RECEIVER_PID" 2>/dev/null || true
    RECEIVER_PID=""
}
cleanup() {
    kill_receiver
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for log in "$WORK"/*.log; do
        [[ -s "$log" ]] && { echo "--- $(basename "$log")" >&2; tail -n 40 "$log" >&2; }
    done
    exit 1
}
ok() { echo "ok: $*"; }

STATE="$WORK/state"
STORE="$WORK/received.jsonl"
mkdir -p "$WORK/repo/kitty-specs"
cp -R "$DEMO" "$WORK/repo/kitty-specs/"
new_secret() {
    (umask 077 && python3 -c 'import base64, os; print("whsec_" + base64.b64encode(os.urandom(24)).decode())' >"$1")
    chmod 600 "$1"
}
new_secret "$WORK/secret"
new_secret "$WORK/wrong-secret"

# start_receiver SECRET_FILE...: the receiver on a free loopback port (--port 0); its first stdout line names it.
start_receiver() {
    local args=() file
    for file in "$@"; do args+=(--secret-file "$file"); done
    : >"$WORK/receiver.log"
    python3 -u "$RECEIVER" --host 127.0.0.1 --port 0 "${args[@]}" --out "$STORE" >>"$WORK/receiver.log" 2>&1 &
    RECEIVER_PID=$!
    URL=""
    for _ in $(seq 1 100); do
        URL=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$WORK/receiver.log" | head -n 1)
        [[ -n "$URL" ]] && break
        kill -0 "$RECEIVER_PID" 2>/dev/null || fail "the receiver exited before listening"
        sleep 0.1
    done
    [[ -n "$URL" ]] || fail "the receiver did not print 'listening on …' within 10 s"
    ENDPOINT="$URL/webhook"
}
stop_receiver() {
    kill_receiver
}
start_receiver "$WORK/secret"
ok "receiver listening on $URL"

# 1. Scan: N events queued.
"$BIN" scan "$WORK/repo/kitty-specs/001-demo-checkout" --state-dir "$STATE" >"$WORK/scan.log" 2>&1 ||
    fail "dossier scan exited $?"
"$BIN" queue list --state-dir "$STATE" --limit 100000 --raw >"$WORK/queued.jsonl" 2>>"$WORK/scan.log" ||
    fail "dossier queue list exited $?"
N=$(grep -c . "$WORK/queued.jsonl" || true)
[[ "$N" -gt 0 ]] || fail "the scan queued no events"
ok "scan queued $N events"

# `queue status --json` reduced to "pending in_flight delivered dead <state of $ENDPOINT>".
status_line() {
    "$BIN" queue status --state-dir "$STATE" --json 2>>"$WORK/flush.log" | python3 -c '
import json, sys
s = json.load(sys.stdin)
c = s["counts"]
states = [e["state"] for e in s["endpoints"] if e["endpoint"] == sys.argv[1]]
print(c["pending"], c["in_flight"], c["delivered"], c["dead"], ",".join(states) or "none")' "$ENDPOINT"
}
stored_count() { if [[ -f "$STORE" ]]; then grep -c . "$STORE" || true; else echo 0; fi; }

# 2. Wrong secret: 401, paused, nothing consumed, nothing stored.
rc=0
"$BIN" queue flush --endpoint "$ENDPOINT" --secret-file "$WORK/wrong-secret" --state-dir "$STATE" --json \
    >"$WORK/flush-wrong.json" 2>>"$WORK/flush.log" || rc=$?
[[ $rc -eq 2 ]] || fail "flush with a wrong secret exited $rc (expected 2: endpoint paused)"
python3 - "$WORK/flush-wrong.json" "$N" <<'EOF' || fail "flush with a wrong secret: $(cat "$WORK/flush-wrong.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert (s["paused"] or "").startswith("HTTP 401"), s
assert (s["delivered"], s["retried"], s["dead"], s["released"]) == (0, 0, 0, int(sys.argv[2])), s
EOF
got=$(status_line)
[[ "$got" == "$N 0 0 0 paused" ]] ||
    fail "after the 401: queue status (pending in_flight delivered dead endpoint) is '$got', expected '$N 0 0 0 paused'"
[[ $(stored_count) -eq 0 ]] || fail "the receiver stored events from a request it should have refused"
ok "wrong secret: HTTP 401, flush exit 2, endpoint paused, $N pending, nothing stored"

# 3. Right secret: every event delivered, stored once, equal to what the queue holds.
rc=0
"$BIN" queue flush --endpoint "$ENDPOINT" --secret-file "$WORK/secret" --state-dir "$STATE" --json \
    >"$WORK/flush.json" 2>>"$WORK/flush.log" || rc=$?
[[ $rc -eq 0 ]] || fail "flush exited $rc: $(cat "$WORK/flush.json")"
python3 - "$WORK/flush.json" "$N" <<'EOF' || fail "flush summary: $(cat "$WORK/flush.json")"
import json, sys
s = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert (s["delivered"], s["retried"], s["dead"], s["released"]) == (n, 0, 0, 0), s
assert s["paused"] is None and s["unreachable"] is False, s
EOF
got=$(status_line)
[[ "$got" == "0 0 $N 0 active" ]] ||
    fail "after the flush: queue status (pending in_flight delivered dead endpoint) is '$got', \
expected '0 0 $N 0 active'"
ok "flush: delivered $N, retried 0, dead 0; queue status: pending 0, in_flight 0, delivered $N, dead 0, endpoint active"
python3 - "$WORK/queued.jsonl" "$STORE" <<'EOF' || fail "the receiver's store does not match the queue"
import json, re, sys
queued = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
stored = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
by_id = {}
for line in stored:
    event = line["event"]
    assert event["event_id"] not in by_id, "stored twice: " + event["event_id"]
    assert re.fullmatch(r"b_[0-9a-f]{32}", line["batch_id"]), "batch id " + line["batch_id"]
    by_id[event["event_id"]] = event
missing = [e["event_id"] for e in queued if e["event_id"] not in by_id]
assert not missing, "never arrived: %s" % missing
extra = set(by_id) - {e["event_id"] for e in queued}
assert not extra, "stored but never queued: %s" % sorted(extra)
for event in queued:
    assert by_id[event["event_id"]] == event, "differs from the queued envelope: " + event["event_id"]
EOF
ok "receiver stored all $N events once each, equal to the queued envelopes"

# 4. A replay of a delivered event, in a new batch signed like dossier signs: answered duplicate, not stored again.
python3 - "$ENDPOINT" "$WORK/secret" "$WORK/queued.jsonl" <<'EOF' || fail "replay was not answered duplicate"
import json, sys, time, urllib.request
from datetime import datetime, timezone
from standardwebhooks.webhooks import Webhook
endpoint, secret_path, queued_path = sys.argv[1:4]
event = open(queued_path).readline().strip()
event_id = json.loads(event)["event_id"]
body = '{"batch_id":"b_replay","events":[%s]}' % event
now = int(time.time())
when = datetime.fromtimestamp(now, tz=timezone.utc)
signature = Webhook(open(secret_path).read().strip()).sign("b_replay", when, body)
request = urllib.request.Request(endpoint, data=body.encode(), method="POST", headers={
    "Content-Type": "application/json", "webhook-id": "b_replay", "webhook-timestamp": str(now),
    "webhook-signature": signature})
with urllib.request.urlopen(request, timeout=10) as response:
    answer = json.load(response)
    assert response.status == 200, response.status
assert answer == {"results": [{"event_id": event_id, "status": "duplicate"}]}, answer
EOF
[[ $(stored_count) -eq "$N" ]] || fail "the replay changed the store ($(stored_count) lines, expected $N)"
ok "replayed event answered duplicate; store still holds $N events"

stop_receiver

# 5. Rotation: a receiver given the new and the old secret takes flushes signed with either.
new_secret "$WORK/new-secret"
start_receiver "$WORK/new-secret" "$WORK/secret"
total=$N
for signing in secret new-secret; do
    "$BIN" scan "$WORK/repo/kitty-specs/001-demo-checkout" --state-dir "$STATE" >>"$WORK/scan.log" 2>&1 ||
        fail "dossier scan exited $?"
    total=$((total + N))
    rc=0
    "$BIN" queue flush --endpoint "$ENDPOINT" --secret-file "$WORK/$signing" --state-dir "$STATE" --json \
        >"$WORK/flush.json" 2>>"$WORK/flush.log" || rc=$?
    [[ $rc -eq 0 ]] || fail "rotation: flush signed with $signing exited $rc: $(cat "$WORK/flush.json")"
    got=$(status_line)
    [[ "$got" == "0 0 $total 0 active" ]] ||
        fail "rotation: after the flush signed with $signing, queue status is '$got', expected '0 0 $total 0 active'"
    [[ $(stored_count) -eq "$total" ]] || fail "rotation: the store holds $(stored_count) events, expected $total"
done
stop_receiver
ok "rotation: a receiver holding the new and the old secret took a flush signed with each ($total events in all)"

echo "example receiver check passed: $N events queued, delivered and stored once;" \
    "401 pauses; duplicates and rotation handled"
