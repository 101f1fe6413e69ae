#!/usr/bin/env bash
# Benchmark of `dossier scan` (not a timed test), on the synthetic repository of the real shape that
# scripts/make-corpus.sh builds (412 features, ~11,000 files, ~100 MB; FEATURES / SEED to change). Every figure is the
# median whole-process wall time over RUNS runs (after one warm-up), printed with its command, next to the floor
# measured in the same run:
#   floor : the same files through `xargs -0 openssl dgst -sha256` (hashing alone, page cache warm)
#   cold  : dossier scan --no-emit --json, no stat cache            target <= 1.0 x floor
#   warm  : the same, stat cache from the previous run, nothing changed   target <= 60 ms
#   stat floor: `find -printf` of size, inode, mtime, ctime of every entry (the stat a warm rescan still needs)
#   CPU   : user + system time of the cold and warm scans (less disturbed than wall time on a shared machine)
#   RSS   : peak resident memory of a cold and a warm scan (GNU time %M)   target <= 64 MB
# Optional: --real DIR (a repository root or kitty-specs/ folder) with SPEC_KITTY_PYTHON=<venv>/bin/python, a venv
# with `pip install spec-kitty-cli==3.2.7`: also times spec-kitty's own dossier indexer in-process over the same
# features (median of RUNS) next to dossier's cold and warm scans of DIR, and prints the ratio. CI never needs it.
#
# Usage: scripts/bench-scan.sh [--no-build] [--real DIR]   env: RUNS=5 FEATURES=412 SEED=1
#        DOSSIER_BIN=/path/to/release/dossier scripts/bench-scan.sh   (an existing release binary, no build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
FEATURES=${FEATURES:-412}
SEED=${SEED:-1}
build=1
real=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --no-build) build=0; shift ;;
        --real) [[ $# -ge 2 ]] || { echo "bench-scan: --real needs a folder" >&2; exit 2; }; real=$2; shift 2 ;;
        *) echo "usage: scripts/bench-scan.sh [--no-build] [--real DIR]" >&2; exit 2 ;;
    esac
done
export PATH=/opt/swift/usr/bin:$PATH
export LC_ALL=C

if [[ -n "${DOSSIER_BIN:-}" ]]; then
    bin=$DOSSIER_BIN
else
    if [[ $build == 1 ]]; then
        (cd "$root" && swift build -c release --product dossier >&2)
    fi
    bin="$(cd "$root" && swift build -c release --show-bin-path)/dossier"
fi
[[ -x "$bin" ]] || { echo "bench-scan: no release binary at $bin (run without --no-build)" >&2; exit 2; }
gnutime=/usr/bin/time
if [[ ! -x $gnutime ]]; then
    echo "bench-scan: GNU time (/usr/bin/time) is needed for peak RSS: apt-get install time" >&2
    exit 2
fi
command -v openssl >/dev/null || { echo "bench-scan: openssl is needed for the floor" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/dossier-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$root/scripts/make-corpus.sh" "$work/repo" --features "$FEATURES" --seed "$SEED"
repo="$work/repo"
state="$work/state"

# median_ms PREP CMD...: runs PREP (untimed) then CMD, RUNS times after one warm-up; prints the median in ms.
median_ms() {
    local prep=$1
    shift
    eval "$prep"
    "$@" >/dev/null 2>&1
    local times=() t0 t1
    for ((r = 0; r < RUNS; r++)); do
        eval "$prep"
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        times+=($(((t1 - t0) / 1000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p" | awk '{ printf "%.1f", $1 / 1000 }'
}

# peak_mb PREP CMD...: median peak RSS (MB) over RUNS runs, by GNU time; also sets cpu_ms to the median CPU time
# (user + system, ms) of those runs, which other processes on a shared machine disturb less than wall time.
peak_mb() {
    local prep=$1
    shift
    local kbs=() cpus=() line
    for ((r = 0; r < RUNS; r++)); do
        eval "$prep"
        line=$("$gnutime" -f '%M %U %S' "$@" 2>&1 >/dev/null | tail -1)
        kbs+=("${line%% *}")
        cpus+=("$(awk '{ printf "%d", ($2 + $3) * 1000 }' <<<"$line")")
    done
    cpu_ms=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
    peak=$(printf '%s\n' "${kbs[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p" | awk '{ printf "%.1f", $1 / 1024 }')
}

# The files the scanner hashes: every regular file below a non-hidden feature folder, no dot-components.
find "$repo/kitty-specs" -mindepth 2 -type f -not -path '*/.*' -print0 >"$work/files"
count=$(tr -cd '\0' <"$work/files" | wc -c)
bytes=$(xargs -0 stat -c %s <"$work/files" | awk '{ s += $1 } END { print s }')
floor_cmd() { xargs -0 openssl dgst -sha256 <"$work/files"; }
# What a warm rescan cannot avoid: one stat of every entry of every feature folder (GNU find, one thread).
stat_floor_cmd() { find "$repo/kitty-specs" -mindepth 2 -not -path '*/.*' -printf '%s %i %T@ %C@\n'; }
# The stat cache trusts no file modified within 2 s of a scan: let the fresh corpus age first.
sleep 3

cold_prep='rm -rf "$state"'
warm_prep=':'
scan=("$bin" scan --no-emit --json --state-dir "$state" "$repo")
floor=$(median_ms ':' floor_cmd)
stat_floor=$(median_ms ':' stat_floor_cmd)
cold=$(median_ms "$cold_prep" "${scan[@]}")
"${scan[@]}" >/dev/null 2>&1
warm=$(median_ms "$warm_prep" "${scan[@]}")
peak_mb "$cold_prep" "${scan[@]}"
cold_rss=$peak cold_cpu=$cpu_ms
"${scan[@]}" >/dev/null 2>&1
peak_mb "$warm_prep" "${scan[@]}"
warm_rss=$peak warm_cpu=$cpu_ms
from_cache=$("${scan[@]}" 2>/dev/null | sed -n 's/.*"files_from_cache": \([0-9]*\).*/\1/p')

ratio=$(awk -v c="$cold" -v f="$floor" 'BEGIN { printf "%.2f", c / f }')
verdict() { awk -v x="$1" -v t="$2" 'BEGIN { print (x <= t) ? "within target" : "OVER target" }'; }
echo "corpus: scripts/make-corpus.sh DIR --features $FEATURES --seed $SEED: $count files scanned, $bytes bytes"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs: $RUNS (median wall time, whole process)"
echo "floor command: find DIR/kitty-specs -mindepth 2 -type f -not -path '*/.*' -print0 | xargs -0 openssl dgst -sha256"
echo "stat floor   : find DIR/kitty-specs -mindepth 2 -not -path '*/.*' -printf '%s %i %T@ %C@\\n'"
echo "scan command : $bin scan --no-emit --json --state-dir STATE DIR"
echo "floor (xargs openssl dgst -sha256) : ${floor} ms"
echo "cold scan (no stat cache)          : ${cold} ms = ${ratio} x floor (target <= 1.0 x) -> $(verdict "$ratio" 1.0)"
echo "stat floor (find -printf, 1 thread): ${stat_floor} ms (one stat per entry, what a warm rescan cannot skip)"
echo "warm rescan (unchanged, cache)     : ${warm} ms, ${from_cache:-?}/$count files from the cache" \
    "(target <= 60 ms) -> $(verdict "$warm" 60); $(awk -v w="$warm" -v f="$stat_floor" \
        'BEGIN { printf "%.2f", w / f }') x the stat floor"
echo "peak RSS cold / warm (GNU time)    : ${cold_rss} MB / ${warm_rss} MB (target <= 64 MB)" \
    "-> $(verdict "$cold_rss" 64)"
echo "CPU time cold / warm (user + sys)  : ${cold_cpu} ms / ${warm_cpu} ms (median; less disturbed by other load)"

if [[ -n $real ]]; then
    py=${SPEC_KITTY_PYTHON:-}
    if [[ -z $py || ! -x $py ]]; then
        echo "bench-scan: --real needs SPEC_KITTY_PYTHON=<venv with spec-kitty-cli==3.2.7>/bin/python" >&2
        exit 2
    fi
    SK_RUNS=${SK_RUNS:-$RUNS}
    specs=$real
    [[ $(basename "$specs") == kitty-specs ]] || specs="$real/kitty-specs"
    rstate="$work/real-state"
    rscan=("$bin" scan --no-emit --json --state-dir "$rstate" "$specs")
    rcold=$(median_ms 'rm -rf "$rstate"' "${rscan[@]}")
    "${rscan[@]}" >/dev/null 2>&1
    rwarm=$(median_ms ':' "${rscan[@]}")
    version=$("$py" -c 'import importlib.metadata as m; print(m.version("spec-kitty-cli"))')
    # spec-kitty's indexer, in-process (imports excluded): every non-hidden folder under kitty-specs/, its mission
    # type from meta.json, the way spec-kitty indexes a mission. Wall and CPU time, median of SK_RUNS.
    sk=$("$py" - "$specs" "$SK_RUNS" 2>/dev/null <<'PY'
import json, pathlib, statistics, sys, time
from specify_cli.dossier.indexer import Indexer
from specify_cli.dossier.manifest import ManifestRegistry
specs, runs = pathlib.Path(sys.argv[1]).resolve(), int(sys.argv[2])
features = sorted(p for p in specs.iterdir() if p.is_dir() and not p.name.startswith("."))
def mission(p):
    try:
        return json.loads((p / "meta.json").read_text()).get("mission_type") or "software-dev"
    except Exception:
        return "software-dev"
wall, cpu, files = [], [], 0
for r in range(runs + 1):
    t0, c0, n = time.perf_counter(), time.process_time(), 0
    for f in features:
        n += len(Indexer(ManifestRegistry(), repo_root=specs.parent).index_feature(f, mission(f)).artifacts)
    if r:  # the first run warms imports and caches
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    files = n
print("%.1f %.1f %d %d" % (statistics.median(wall), statistics.median(cpu), len(features), files))
PY
)
    read -r skms skcpu skfeatures skartifacts <<<"$sk"
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
    echo "real corpus: $specs ($skfeatures features)"
    echo "spec-kitty $version Indexer.index_feature in-process, median of $SK_RUNS: ${skms} ms wall," \
        "${skcpu} ms CPU ($skartifacts artifacts)"
    echo "dossier cold scan (whole process)  : ${rcold} ms -> spec-kitty / dossier = $(ratio "$skms" "$rcold") x"
    echo "dossier warm rescan (whole process): ${rwarm} ms -> spec-kitty / dossier = $(ratio "$skms" "$rwarm") x"
fi
