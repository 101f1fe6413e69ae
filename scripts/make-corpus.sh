#!/usr/bin/env bash
# Builds a synthetic spec-kitty repository of the real shape under OUT_DIR/kitty-specs/ (deterministic per seed:
# the same seed gives the same names and bytes on any machine).
#
# Usage: scripts/make-corpus.sh OUT_DIR [--features N] [--seed N]      (defaults: 412 features, seed 1)
#
# Shape (modelled on the kitty-specs/ folder of a real spec-kitty repository: 412 features, ~10,900 files, ~100 MB):
# - half the features named `NNN-slug` (older naming), half `slug-ULID8` (current naming, e.g. `parity-fix-01KXYXVP`);
# - ~26 files each: sizes log-normal with median 5.5 KB, p90 19 KB, p99 ~64 KB, one file of ~1 MB in the corpus;
#   ~70 % `.md`, the rest `.json`, `.yaml`, `.jsonl`, `.gitkeep` (empty) and a few `.csv`; 1-4 levels deep;
#   `meta.json` in every feature; text is valid UTF-8 (with some non-ASCII);
# - a few hidden folders inside features (`.kittify/`) and, directly under kitty-specs/, one hidden folder
#   (`.archive/`) and one plain file (`README.md`), which a scan must list as skipped.
# Needs python3 (standard library only). OUT_DIR/kitty-specs must not exist yet.
set -euo pipefail

usage() { echo "usage: scripts/make-corpus.sh OUT_DIR [--features N] [--seed N]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
out=$1
shift
features=412
seed=1
while [[ $# -gt 0 ]]; do
    case $1 in
        --features) [[ $# -ge 2 ]] || usage; features=$2; shift 2 ;;
        --seed) [[ $# -ge 2 ]] || usage; seed=$2; shift 2 ;;
        *) usage ;;
    esac
done
[[ $features =~ ^[0-9]+$ && $features -ge 1 && $features -le 100000 ]] \
    || { echo "make-corpus: --features must be an integer from 1 to 100000, got '$features'" >&2; exit 2; }
[[ $seed =~ ^[0-9]+$ ]] || { echo "make-corpus: --seed must be a non-negative integer, got '$seed'" >&2; exit 2; }
if [[ -e "$out/kitty-specs" ]]; then
    echo "make-corpus: $out/kitty-specs already exists; choose an empty OUT_DIR" >&2
    exit 2
fi
mkdir -p "$out"

exec python3 - "$out" "$features" "$seed" <<'PY'
import json, math, os, random, sys

out, n_features, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)  # only .random() is used: its sequence is fixed across Python versions


def uniform_int(lo, hi):
    return lo + int(rng.random() * (hi - lo + 1)) % (hi - lo + 1)


def pick(seq):
    return seq[uniform_int(0, len(seq) - 1)]


def lognormal(median, sigma):
    # Box-Muller from .random() alone.
    u1 = max(rng.random(), 1e-12)
    u2 = rng.random()
    z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
    return median * math.exp(sigma * z)


WORDS = ("mission dossier artifact parity snapshot drift baseline manifest feature spec plan task review "
         "implement research contract schema event queue webhook receiver retry lease checkpoint status lane "
         "charter glossary doctrine agent harness projection release closure hygiene stability migration "
         "the a of to and in for is on with that by as be are this it from at or an").split()
ACCENTED = ["café", "naïve", "über", "façade", "señal", "résumé", "→", "✓", "日本"]
SLUG_WORDS = ("auth cache parity drift release glossary charter agent harness review lane status event queue "
              "webhook dossier mission projection plugin migration hygiene stability closure sweep fix audit "
              "install command listing report coord worktree bundle chokepoint cycle cleanup integrity").split()
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# One pool of text per corpus; each file takes a slice at its own offset after its own header line.
pool_words = []
for i in range(400000):
    w = pick(WORDS) if i % 97 else pick(ACCENTED)
    pool_words.append(w + ("\n" if i % 13 == 12 else " "))
POOL = "".join(pool_words).encode("utf-8")


def text_bytes(header, size):
    head = header.encode("utf-8")
    if size <= len(head):
        return head
    start = uniform_int(0, len(POOL) - size - 1) if size < len(POOL) - 1 else 0
    body = POOL[start:start + size - len(head)]
    while len(body) < size - len(head):  # files larger than the pool: repeat it
        body += POOL[: size - len(head) - len(body)]
    # Whole characters only, so every text file stays valid UTF-8.
    while body and 0x80 <= body[0] <= 0xBF:
        body = body[1:]
    while body:
        try:
            body.decode("utf-8")
            break
        except UnicodeDecodeError:
            body = body[:-1]
    return head + body


def slug():
    return "-".join(pick(SLUG_WORDS) for _ in range(uniform_int(2, 4)))


def ulid8():
    return "01K" + "".join(pick(CROCKFORD) for _ in range(5))


def size_sample():
    s = int(lognormal(6000, 1.0))
    return max(40, min(s, 600_000))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


specs = os.path.join(out, "kitty-specs")
os.makedirs(specs)
names = set()
big_feature = n_features // 2
for i in range(n_features):
    while True:
        name = "%03d-%s" % (i + 1, slug()) if i % 2 == 0 else "%s-%s" % (slug(), ulid8())
        if name not in names:
            names.add(name)
            break
    root = os.path.join(specs, name)
    files = {"meta.json": json.dumps({
        "mission_type": "software-dev", "feature_slug": name, "friendly_name": name.replace("-", " "),
        "created_at": "2026-%02d-%02dT10:00:00Z" % (uniform_int(1, 12), uniform_int(1, 28)),
    }, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"}
    count = uniform_int(18, 34)
    wp = 0
    for k in range(count):
        r = rng.random()
        depth_r = rng.random()
        if r < 0.70:
            ext = ".md"
        elif r < 0.84:
            ext = ".json"
        elif r < 0.91:
            ext = ".yaml"
        elif r < 0.95:
            ext = ".jsonl"
        elif r < 0.994:
            ext = ".gitkeep"
        else:
            ext = ".csv"
        if ext == ".md" and k < 4:
            rel = ["spec.md", "plan.md", "tasks.md", "research.md"][k]
        elif ext == ".md" and depth_r < 0.45:
            wp += 1
            rel = "tasks/WP%02d-%s.md" % (wp, pick(SLUG_WORDS))
        elif ext == ".gitkeep":
            rel = pick(["checklists", "research", "contracts", "evidence/runs", "status/lanes/done"]) + "/.gitkeep"
        else:
            folder = pick(["", "", "contracts", "checklists", "research", "research/sources",
                           "evidence/reviews/round-%d" % uniform_int(1, 3), "status/lanes/in-progress"])
            base = "%s-%d%s" % (pick(SLUG_WORDS), k, ext)
            rel = base if not folder else folder + "/" + base
        if rel in files:
            continue
        size = size_sample()
        if ext == ".gitkeep":
            data = b""
        elif ext == ".json":
            data = json.dumps({"artifact": rel, "feature": name, "notes": text_bytes("", size).decode("utf-8")},
                              indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
        elif ext == ".jsonl":
            lines, total = [], 0
            while total < size:
                line = json.dumps({"event": pick(WORDS), "seq": len(lines), "feature": name}) + "\n"
                lines.append(line)
                total += len(line)
            data = "".join(lines).encode("utf-8")
        elif ext == ".csv":
            rows = ["id,word,value"] + ["%d,%s,%d" % (j, pick(WORDS), uniform_int(0, 9999))
                                        for j in range(max(1, size // 16))]
            data = ("\n".join(rows) + "\n").encode("utf-8")
        elif ext == ".yaml":
            data = text_bytes("artifact: %s\nfeature: %s\ndescription: |\n  " % (rel, name), size)
        else:
            data = text_bytes("# %s — %s\n\n" % (name, rel), size)
        files[rel] = data
    if i == big_feature:
        files["research/sources/capture-full.md"] = text_bytes("# full capture %s\n\n" % name, 1_050_000)
    if i % 50 == 7:
        files[".kittify/state.json"] = b'{"hidden": true}\n'
    for rel, data in files.items():
        write(os.path.join(root, rel), data)

write(os.path.join(specs, ".archive", "000-retired", "spec.md"), b"# retired\n")
write(os.path.join(specs, "README.md"), b"# kitty-specs\n\nOne folder per mission.\n")
PY
