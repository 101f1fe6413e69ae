#!/usr/bin/env bash
# Bounded end-to-end soak of dossier (issue 6), loopback only. For SECONDS seconds (default 300):
#   - a synthetic repository of FEATURES features that changes all the time (files added, edited, deleted,
#     renamed; meta.json steps moved), scanned again and again with `dossier scan` and, through the dashboard's
#     `s` key, by the engine the dashboard drives;
#   - the dashboard itself running in a private tmux server against the same repository and state directory;
#   - a flaky `dossier receive` (500s at FAIL_RATE, dropped connections, 429/503 with Retry-After), restarted with
#     a new fault seed every RECEIVER_PHASE seconds on the same port;
#   - WORKERS concurrent `dossier queue flush --until-empty` workers, each SIGKILLed at a random moment and
#     replaced.
# Then: the faults stop, a final flush runs until the queue is empty, and the checks run:
#   every event id ever queued (queue list --json over all states) is in the receiver store exactly once,
#   nothing pending or in_flight, nothing dead (events that exhausted their attempts on injected faults are
#   counted, requeued with `queue retry --all` and must then arrive; any other dead event fails), no event in the receiver
#   that the queue never held, PRAGMA integrity_check = ok on the queue and the receiver databases.
# Prints a summary with numbers; exit 0 when every check passes, 1 when one fails, 2 on a setup error.
#
# Usage: scripts/soak.sh [--seconds N] [--keep]        (or SOAK_SECONDS=N)
# Env:   DOSSIER_BIN     binary to use (default: builds the debug product with `swift build --product dossier`)
#        DOSSIER_BENCH_BIN  the dossier-bench binary (default: next to the dossier binary)
#        FEATURES=40  FILES_PER_FEATURE=25  WORKERS=2  FAIL_RATE=0.15  DROP_RATE=0.05  RECEIVER_PHASE=15
#        SOAK_DIR        where the throwaway repository and state go (default: a new mktemp folder)
# Needs: bash, python3 (sqlite3 module), tmux (optional: without tmux the dashboard part is skipped and said so).
set -uo pipefail

seconds="${SOAK_SECONDS:-300}"
keep=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
        --seconds=*) seconds="${1#--seconds=}"; shift ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "soak: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "soak: --seconds '$seconds' is not a whole number of seconds" >&2; exit 2; }

FEATURES="${FEATURES:-40}"
FILES_PER_FEATURE="${FILES_PER_FEATURE:-25}"
WORKERS="${WORKERS:-2}"
FAIL_RATE="${FAIL_RATE:-0.15}"
DROP_RATE="${DROP_RATE:-0.05}"
RECEIVER_PHASE="${RECEIVER_PHASE:-15}"
# Short delivery retries for the soak (hidden flags of `queue flush`). The queue dead-letters after 8 attempts
# whatever the schedule's length, so 7 delays. An event whose 8 attempts all met injected faults is dead by
# design; the soak counts those, requeues them with `queue retry --all` and checks that they arrive too.
RETRY_DELAYS="0.2,0.3,0.5,0.5,1,1,1"
# The lease must outlast a request (lease > request timeout + 1 s), else every claim is given back at once.
FLUSH_TUNING=(--retry-delays "$RETRY_DELAYS" --lease-seconds 6 --request-timeout 3 --max-unreachable 20)

root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
if [[ -n "${DOSSIER_BIN:-}" ]]; then
    bin="$DOSSIER_BIN"
else
    (cd "$root" && swift build --product dossier >&2) || { echo "soak: swift build failed" >&2; exit 2; }
    (cd "$root" && swift build --product dossier-bench >&2) || { echo "soak: swift build failed" >&2; exit 2; }
    bin="$(cd "$root" && swift build --product dossier --show-bin-path)/dossier"
fi
bench_src="${DOSSIER_BENCH_BIN:-$(dirname "$bin")/dossier-bench}"
[[ -x "$bin" ]] || { echo "soak: no dossier binary at $bin" >&2; exit 2; }
command -v python3 >/dev/null || { echo "soak: python3 is needed for the checks" >&2; exit 2; }

work="${SOAK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/dossier-soak.XXXXXX")}"
mkdir -p "$work"
repo="$work/repo"
state="$work/state"
store="$work/receiver.sqlite"
logs="$work/logs"
mkdir -p "$repo/kitty-specs" "$logs"
chmod 700 "$work"

# A private copy of the binary: a `swift build` relinking it mid-soak must not break runs ("Text file busy").
cp "$bin" "$work/dossier" || { echo "soak: cannot copy $bin" >&2; exit 2; }
bin="$work/dossier"
cp "$bench_src" "$work/dossier-bench" || { echo "soak: cannot copy $bench_src" >&2; exit 2; }
bench="$work/dossier-bench"

tmux_sock="soak-$$"
tm() { env -i PATH="$PATH" HOME="${HOME:-/tmp}" LANG=C.UTF-8 TERM=xterm-256color tmux -L "$tmux_sock" -f /dev/null "$@"; }
receiver_pid=""
worker_pids=()
have_tmux=0
cleanup() {
    for p in "${worker_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    [[ -n "$receiver_pid" ]] && kill "$receiver_pid" 2>/dev/null && wait "$receiver_pid" 2>/dev/null
    [[ $have_tmux == 1 ]] && tm kill-server 2>/dev/null
    if [[ $keep == 0 ]]; then rm -rf "$work"; else echo "soak: kept $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '[soak %4ds] %s\n' "$(( $(date +%s) - t_start ))" "$*"; }

# ---- the secret and a fixed loopback port, so restarted receivers keep the URL
secret_file="$work/secret"
python3 -c 'import base64,os; print("whsec_" + base64.b64encode(os.urandom(32)).decode())' >"$secret_file"
chmod 600 "$secret_file"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
url="http://127.0.0.1:$port/webhook"

# ---- the synthetic repository
RANDOM=$(( $$ % 32768 ))
make_feature() {
    local f="$repo/kitty-specs/$1"
    mkdir -p "$f/tasks" "$f/docs"
    printf '{"mission_type": "software-dev", "current_step": "implement"}\n' >"$f/meta.json"
    printf '# Spec %s\n' "$1" >"$f/spec.md"
    printf '# Plan %s\n' "$1" >"$f/plan.md"
    printf '# Tasks %s\n' "$1" >"$f/tasks.md"
    local i
    for ((i = 1; i <= FILES_PER_FEATURE; i++)); do
        if ((i % 3 == 0)); then
            printf '# WP%02d\n%s\n' "$i" "$RANDOM" >"$f/tasks/WP$(printf '%02d' $((i % 100)))-item-$i.md"
        else
            printf 'note %d %s\n' "$i" "$RANDOM" >"$f/docs/note-$i.md"
        fi
    done
}
for ((n = 1; n <= FEATURES; n++)); do make_feature "$(printf '%03d-soak-feature' "$n")"; done

mutations=0
mutate() {
    local n=$(( RANDOM % FEATURES + 1 ))
    local f="$repo/kitty-specs/$(printf '%03d-soak-feature' "$n")"
    case $(( RANDOM % 7 )) in
        0) printf 'edit %s\n' "$RANDOM" >>"$f/spec.md" ;;
        1) printf 'new %s\n' "$RANDOM" >"$f/docs/added-$RANDOM.md" ;;
        2) local victim; victim="$(ls "$f/docs" 2>/dev/null | head -1)"; [[ -n "$victim" ]] && rm -f "$f/docs/$victim" ;;
        3) rm -f "$f/plan.md" ;;
        4) printf '# Plan again %s\n' "$RANDOM" >"$f/plan.md" ;;
        5) local steps=(specify plan tasks_outline implement review done)
           printf '{"mission_type": "software-dev", "current_step": "%s"}\n' "${steps[$(( RANDOM % 6 ))]}" >"$f/meta.json" ;;
        6) local w; w="$(ls "$f/tasks" 2>/dev/null | head -1)"; [[ -n "$w" ]] && mv "$f/tasks/$w" "$f/tasks/WP$(( RANDOM % 90 + 10 ))-moved-$RANDOM.md" ;;
    esac
    mutations=$(( mutations + 1 ))
}

# ---- the flaky receiver
phase=0
receiver_restarts=0
start_receiver() { # $1 = extra fault flags ("" for none)
    local out="$logs/receiver-$phase.out"
    # shellcheck disable=SC2086
    "$bin" receive --port "$port" --secret-file "$secret_file" --store "$store" --state-dir "$state" $1 \
        >"$out" 2>"$logs/receiver-$phase.err" &
    receiver_pid=$!
    local i
    for ((i = 0; i < 200; i++)); do
        grep -q "listening on" "$out" 2>/dev/null && return 0
        kill -0 "$receiver_pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "soak: the receiver did not start (phase $phase):" >&2
    cat "$logs/receiver-$phase.err" >&2
    return 1
}
stop_receiver() {
    [[ -n "$receiver_pid" ]] || return 0
    kill "$receiver_pid" 2>/dev/null
    wait "$receiver_pid" 2>/dev/null
    receiver_pid=""
}
faults() {
    echo "--fail-rate $FAIL_RATE --drop-connection-rate $DROP_RATE --status-sequence 429,503,500 --retry-after 1 --seed $((phase + 1))"
}

# ---- flush workers
worker_starts=0
worker_kills=0
start_worker() {
    "$bin" queue flush --state-dir "$state" --endpoint "$url" --secret-file "$secret_file" --until-empty --json \
        "${FLUSH_TUNING[@]}" >>"$logs/workers.out" 2>>"$logs/workers.err" &
    worker_pids+=("$!")
    worker_starts=$(( worker_starts + 1 ))
}
reap_workers() {
    local alive=() p
    for p in "${worker_pids[@]}"; do
        if kill -0 "$p" 2>/dev/null; then alive+=("$p"); else wait "$p" 2>/dev/null; fi
    done
    worker_pids=("${alive[@]}")
}

queued_total() {
    "$bin" queue status --json --state-dir "$state" 2>/dev/null | python3 -c '
import json, sys
try:
    c = json.load(sys.stdin)["counts"]; print(sum(c.values()))
except Exception:
    print(0)'
}

t_start=$(date +%s)
say "binary $bin, $(nproc) cores, $FEATURES features x ~$((FILES_PER_FEATURE + 4)) files, $WORKERS workers, ${seconds}s, work $work"

# The first scan creates the state directory and the queue.
scans=0
scan_failures=0
if ! "$bin" scan "$repo" --state-dir "$state" >/dev/null 2>"$logs/scan-first.err"; then
    echo "soak: the first scan failed:" >&2; cat "$logs/scan-first.err" >&2; exit 2
fi
scans=1
scan_emits=1
if [[ "$(queued_total)" == 0 ]]; then
    scan_emits=0
    say "note: 'dossier scan' queued no events (scan --no-emit is its only mode in this build); events come from the dashboard's 's' key and 'dossier-bench stress-append'"
fi

start_receiver "$(faults)" || exit 2

if command -v tmux >/dev/null; then
    have_tmux=1
    tm new-session -d -s dash -x 120 -y 40 \
        "exec '$bin' dashboard '$repo' --state-dir '$state' --no-color 2>'$logs/dashboard.err'" || have_tmux=0
else
    say "note: tmux not installed; the dashboard part of the soak is skipped"
fi
dash_scans=0
stress_appends=0

for ((w = 0; w < WORKERS; w++)); do start_worker; done

deadline=$(( t_start + seconds ))
next_phase=$(( t_start + RECEIVER_PHASE ))
while (( $(date +%s) < deadline )); do
    # change the repository and scan it
    for ((m = 0; m < 5; m++)); do mutate; done
    if "$bin" scan "$repo" --state-dir "$state" >/dev/null 2>>"$logs/scan.err"; then
        scans=$(( scans + 1 ))
    else
        scan_failures=$(( scan_failures + 1 ))
    fi
    if [[ $have_tmux == 1 ]] && (( RANDOM % 2 == 0 )); then
        tm send-keys -t dash s 2>/dev/null && dash_scans=$(( dash_scans + 1 ))
    fi
    if [[ $scan_emits == 0 ]] && (( RANDOM % 2 == 0 )); then
        "$bench" stress-append --state-dir "$state" --count $(( RANDOM % 150 + 1 )) --batches 1 \
            >/dev/null 2>>"$logs/stress.err" && stress_appends=$(( stress_appends + 1 ))
    fi
    # kill a random worker at a random moment, then replace it
    reap_workers
    if (( ${#worker_pids[@]} > 0 )) && (( RANDOM % 3 == 0 )); then
        victim="${worker_pids[$(( RANDOM % ${#worker_pids[@]} ))]}"
        if kill -9 "$victim" 2>/dev/null; then worker_kills=$(( worker_kills + 1 )); fi
        wait "$victim" 2>/dev/null
        reap_workers
    fi
    while (( ${#worker_pids[@]} < WORKERS )); do start_worker; done
    # a new receiver phase: graceful restart with another fault seed
    if (( $(date +%s) >= next_phase )); then
        stop_receiver
        phase=$(( phase + 1 ))
        receiver_restarts=$(( receiver_restarts + 1 ))
        start_receiver "$(faults)" || exit 2
        next_phase=$(( $(date +%s) + RECEIVER_PHASE ))
    fi
    sleep "0.$(( RANDOM % 9 + 1 ))"
done

# ---- drain: stop the chaos, keep the dashboard, restart a clean receiver, flush until nothing is left
say "run over: $scans scans, $dash_scans dashboard scans, $stress_appends stress appends, $mutations mutations, $worker_starts workers started, $worker_kills SIGKILLed, $receiver_restarts receiver restarts"
for p in "${worker_pids[@]}"; do kill -9 "$p" 2>/dev/null && worker_kills=$(( worker_kills + 1 )); wait "$p" 2>/dev/null; done
worker_pids=()
dashboard_alive=0
if [[ $have_tmux == 1 ]]; then
    tm capture-pane -p -t dash >"$logs/dashboard-screen.txt" 2>/dev/null && dashboard_alive=1
    tm send-keys -t dash q 2>/dev/null
    sleep 0.5
    tm kill-server 2>/dev/null
    have_tmux=0
fi
stop_receiver
phase=$(( phase + 1 ))
start_receiver "" || exit 2
drain_rounds=0
drain_deadline=$(( $(date +%s) + 120 ))
while :; do
    drain_rounds=$(( drain_rounds + 1 ))
    timeout 60 "$bin" queue flush --state-dir "$state" --endpoint "$url" --secret-file "$secret_file" --until-empty \
        --json "${FLUSH_TUNING[@]}" >>"$logs/drain.out" 2>>"$logs/drain.err"
    left="$("$bin" queue status --json --state-dir "$state" | python3 -c '
import json, sys
c = json.load(sys.stdin)["counts"]; print(c["pending"] + c["in_flight"])')"
    [[ "$left" == 0 ]] && break
    (( $(date +%s) > drain_deadline )) && { say "drain gave up with $left events pending or in flight"; break; }
    sleep 1 # in_flight leases of killed workers expire after --lease-seconds
done
# Dead events: only "attempts exhausted" on injected faults is expected; requeue those and drain again.
expected_dead=0
unexpected_dead=0
read -r expected_dead unexpected_dead < <("$bin" queue list --state dead --json --limit 100000000 --state-dir "$state" |
    python3 -c '
import json, sys
rows = json.load(sys.stdin)
ok = sum(1 for r in rows if (r["last_error"] or "").startswith("attempts exhausted") and "injected" in (r["last_error"] or "")
         or "connection" in (r["last_error"] or ""))
print(ok, len(rows) - ok)')
if (( expected_dead > 0 && unexpected_dead == 0 )); then
    say "$expected_dead events exhausted their attempts on injected faults (expected at FAIL_RATE=$FAIL_RATE); queue retry --all"
    "$bin" queue retry --all --state-dir "$state" >>"$logs/drain.out" 2>>"$logs/drain.err"
    timeout 60 "$bin" queue flush --state-dir "$state" --endpoint "$url" --secret-file "$secret_file" --until-empty \
        --json "${FLUSH_TUNING[@]}" >>"$logs/drain.out" 2>>"$logs/drain.err"
fi
stop_receiver

# ---- checks
"$bin" queue list --json --limit 100000000 --state-dir "$state" >"$work/queue.json" 2>"$logs/list.err" \
    || { echo "soak: queue list failed:" >&2; cat "$logs/list.err" >&2; exit 1; }
elapsed=$(( $(date +%s) - t_start ))
python3 - "$work/queue.json" "$state/queue.sqlite" "$store" "$elapsed" "$scans" "$scan_failures" "$dash_scans" \
    "$stress_appends" "$worker_starts" "$worker_kills" "$receiver_restarts" "$drain_rounds" "$dashboard_alive" \
    "$(nproc)" "$expected_dead" <<'PY'
import collections, json, sqlite3, sys
(qjson, qdb, rdb, elapsed, scans, scan_fail, dash_scans, stress, wstarts, wkills, rrestarts, drains, dash_alive,
 cores, expected_dead) = sys.argv[1:]
rows = json.load(open(qjson))
states = collections.Counter(r["state"] for r in rows)
ids = [r["envelope"]["event_id"] for r in rows]
types = collections.Counter(r["envelope"]["event_type"] for r in rows)
attempts = [r["attempts"] for r in rows]
q = sqlite3.connect(qdb)
r = sqlite3.connect(rdb)
q_ok = q.execute("PRAGMA integrity_check").fetchone()[0]
r_ok = r.execute("PRAGMA integrity_check").fetchone()[0]
stored = collections.Counter(row[0] for row in r.execute("SELECT event_id FROM received_events"))
redeliveries = r.execute("SELECT COALESCE(SUM(receive_count - 1), 0) FROM received_events").fetchone()[0]
qset = set(ids)
missing = [i for i in qset if stored[i] == 0]
twice = [i for i, n in stored.items() if n > 1]
foreign = [i for i in stored if i not in qset]
checks = [
    ("events were queued", len(ids) > 0, f"{len(ids)} queued"),
    ("event ids unique in the queue", len(qset) == len(ids), f"{len(ids) - len(qset)} repeated ids"),
    ("every queued event reached the receiver", not missing, f"{len(missing)} missing, e.g. {missing[:3]}"),
    ("stored exactly once after dedupe", not twice, f"{len(twice)} stored more than once"),
    ("no event the queue never held", not foreign, f"{len(foreign)} foreign"),
    ("nothing pending", states["pending"] == 0, f"{states['pending']} pending"),
    ("nothing stuck in_flight", states["in_flight"] == 0, f"{states['in_flight']} in_flight"),
    ("nothing dead", states["dead"] == 0, f"{states['dead']} dead"),
    ("queue integrity_check", q_ok == "ok", q_ok),
    ("receiver integrity_check", r_ok == "ok", r_ok),
    ("scans never failed", int(scan_fail) == 0, f"{scan_fail} failed scans"),
]
print()
print(f"SOAK SUMMARY ({elapsed} s wall, {cores} cores)")
print(f"  scans: {scans} CLI + {dash_scans} dashboard 's'; stress appends: {stress}; "
      f"flush workers started {wstarts}, SIGKILLed {wkills}; receiver restarts {rrestarts}; drain rounds {drains}; "
      f"dashboard alive at the end: {'yes' if dash_alive == '1' else 'no/skipped'}")
print(f"  queue: {len(ids)} events ({dict(states)}); by type: {dict(types)}")
print(f"  attempts per event: max {max(attempts, default=0)}, events needing >1 attempt: "
      f"{sum(1 for a in attempts if a > 1)}")
print(f"  dead after the run (attempts exhausted on injected faults, requeued and redelivered): {expected_dead}")
print(f"  receiver: {len(stored)} distinct events stored, {redeliveries} duplicate deliveries absorbed by dedupe")
failed = 0
for name, ok, detail in checks:
    print(f"  {'PASS' if ok else 'FAIL'}  {name}" + ("" if ok else f"  ({detail})"))
    failed += 0 if ok else 1
print("SOAK " + ("PASSED" if failed == 0 else f"FAILED ({failed} checks)"))
sys.exit(1 if failed else 0)
PY
status=$?
if [[ $status != 0 ]]; then
    echo "--- last lines of the logs ($logs)" >&2
    for f in "$logs"/*.err; do [[ -s "$f" ]] && { echo "== $f" >&2; tail -5 "$f" >&2; }; done
    keep=1
fi
exit $status
