#!/usr/bin/env python3
"""Checks dossier's spec-kitty-events export with the spec-kitty-events package itself (not our reading of it).

Subcommands (each prints JSON or a summary, exits non-zero with one line per problem):
  info                        package version, its dossier conformance fixtures, and the fields the package
                              itself reports for each invalid fixture
  check-export DIR SCAN_JSON  every line of DIR/*.jsonl passes Event(**envelope), Event.model_validate_json(strict),
                              the payload model (strict JSON mode) and validate_event(strict=True); the package's
                              reduce_mission_dossier over each file gives the parity hash, counts and drift of
                              `dossier scan --json` (SCAN_JSON)
  reduce FILE                 the package's reducer over a JSON-lines stream, as model_dump(mode="json")
  mutate FILE OUT             variants of the first event of each type in FILE (every field removed, nulled, or
                              given a wrong type or value) written to OUT, one per line; prints the package's
                              verdict for each (strict Event and payload models) as a JSON list of booleans
"""

import copy

import hashlib
import json
import os
import sys
from importlib import metadata

import spec_kitty_events
from spec_kitty_events import dossier as d
from spec_kitty_events.conformance.validators import validate_event
from spec_kitty_events.models import Event

PAYLOAD_MODELS = {
    d.MISSION_DOSSIER_ARTIFACT_INDEXED: d.MissionDossierArtifactIndexedPayload,
    d.MISSION_DOSSIER_ARTIFACT_MISSING: d.MissionDossierArtifactMissingPayload,
    d.MISSION_DOSSIER_SNAPSHOT_COMPUTED: d.MissionDossierSnapshotComputedPayload,
    d.MISSION_DOSSIER_PARITY_DRIFT_DETECTED: d.MissionDossierParityDriftDetectedPayload,
}
FIXTURES = os.path.join(os.path.dirname(spec_kitty_events.__file__), "conformance", "fixtures")


def info():
    with open(os.path.join(FIXTURES, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    entries = manifest["fixtures"] if isinstance(manifest, dict) else manifest
    out = []
    for e in entries:
        if not e["path"].startswith("dossier/"):
            continue
        item = dict(e)
        item["abs_path"] = os.path.join(FIXTURES, e["path"])
        if e.get("fixture_type") is None and e["event_type"] in PAYLOAD_MODELS:
            with open(item["abs_path"], encoding="utf-8") as f:
                payload = json.load(f)
            result = validate_event(payload, e["event_type"], strict=True)
            item["package_valid"] = result.valid
            item["package_fields"] = sorted({v.field for v in result.model_violations})
        out.append(item)
    print(json.dumps({"version": metadata.version("spec-kitty-events"), "fixtures": out}, sort_keys=True))


def parity(entries):
    """Parity: SHA-256 of sorted `path\\thash` lines joined by \\n."""
    lines = sorted(((p.encode("utf-8"), h) for p, h in entries), key=lambda t: t[0])
    return hashlib.sha256(b"\n".join(p + b"\t" + h.encode("utf-8") for p, h in lines)).hexdigest()


def check_export(export_dir, scan_json):
    problems = []
    with open(scan_json, encoding="utf-8") as f:
        scan = json.load(f)
    features = {feat["feature_slug"]: feat for feat in scan["features"]}
    files = sorted(n for n in os.listdir(export_dir) if n.endswith(".jsonl"))
    if len(files) != len(features):
        problems.append(f"{len(files)} exported files for {len(features)} scanned features")
    events_checked = 0
    drift_features = 0
    for name in files:
        path = os.path.join(export_dir, name)
        events = []
        payload_by_kind = {}
        with open(path, encoding="utf-8") as f:
            lines = [l for l in f.read().split("\n") if l.strip()]
        for n, line in enumerate(lines, 1):
            where = f"{name}:{n}"
            try:
                env = json.loads(line)
                ev = Event(**env)
                Event.model_validate_json(line, strict=True)
                model = PAYLOAD_MODELS[ev.event_type]
                model.model_validate_json(json.dumps(env["payload"]), strict=True)
                result = validate_event(env, ev.event_type, strict=True)
                if not result.valid:
                    problems.append(f"{where}: validate_event: {result.model_violations} {result.schema_violations}")
                if str(ev.project_uuid) != env["payload"]["namespace"]["project_uuid"]:
                    problems.append(f"{where}: envelope and namespace project_uuid differ")
                if ev.event_type == d.MISSION_DOSSIER_PARITY_DRIFT_DETECTED:
                    payload_by_kind[env["payload"]["drift_kind"]] = env["payload"]
                events.append(ev)
            except Exception as e:  # noqa: BLE001 - report every kind of rejection with its place
                problems.append(f"{where}: rejected by the package: {type(e).__name__}: {e}")
        events_checked += len(lines)
        try:
            state = d.reduce_mission_dossier(events)
        except Exception as e:  # noqa: BLE001
            problems.append(f"{name}: reduce_mission_dossier failed: {type(e).__name__}: {e}")
            continue
        slug = state.namespace.mission_slug if state.namespace else None
        feat = features.get(slug)
        if feat is None:
            problems.append(f"{name}: namespace mission_slug {slug!r} is not a scanned feature")
            continue
        p = f"{name} ({slug})"
        if state.event_count != len(lines):
            problems.append(f"{p}: reducer event_count {state.event_count} != {len(lines)} lines")
        if state.namespace.mission_type != feat["mission_type"]:
            problems.append(f"{p}: mission_type {state.namespace.mission_type} != {feat['mission_type']}")
        prefix = f"kitty-specs/{slug}/"
        present = {a["relative_path"]: a for a in feat["artifacts"] if a["present"] and a["content_hash_sha256"]}
        reduced = {}
        for key, entry in state.artifacts.items():
            if not key.startswith(prefix):
                problems.append(f"{p}: artifact path {key!r} not under {prefix}")
                continue
            reduced[key[len(prefix):]] = entry
        if set(reduced) != set(present):
            problems.append(f"{p}: reduced artifacts {len(reduced)} != scan's present {len(present)}: "
                            f"{sorted(set(reduced) ^ set(present))[:5]}")
        for rel, entry in reduced.items():
            a = present.get(rel)
            ref = entry.content_ref
            if a and (ref.hash != a["content_hash_sha256"] or ref.size_bytes != a["size_bytes"]
                      or entry.identity.artifact_class != a["class"]):
                problems.append(f"{p}: {rel}: hash/size/class differ from the scan")
        ours = parity((rel, e.content_ref.hash) for rel, e in reduced.items())
        snap = state.latest_snapshot
        if snap is None:
            problems.append(f"{p}: no snapshot after reduction")
            continue
        if not (ours == feat["parity_hash_sha256"] == snap.snapshot_hash):
            problems.append(f"{p}: parity: reduced {ours}, snapshot {snap.snapshot_hash}, "
                            f"scan {feat['parity_hash_sha256']}")
        if not (snap.artifact_count == len(state.artifacts) == len(present)):
            problems.append(f"{p}: artifact_count {snap.artifact_count}, reduced {len(state.artifacts)}, "
                            f"scan {len(present)}")
        missing = feat["counts"]["required_missing"]
        if not (snap.anomaly_count == len(state.anomalies) == missing):
            problems.append(f"{p}: anomaly_count {snap.anomaly_count}, reduced {len(state.anomalies)}, scan {missing}")
        drift = feat.get("drift")
        has_drift = bool(drift) and drift["local_parity_hash"] != drift["baseline_parity_hash"]
        if not has_drift:
            if state.drift_history or state.parity_status != "clean":
                problems.append(f"{p}: drift in the export ({state.parity_status}) but none in the scan")
            continue
        drift_features += 1
        expected = {}
        key_path = {a["key"]: a["relative_path"] for a in feat["artifacts"]}
        if drift["missing_in_baseline"]:
            expected["artifact_added"] = sorted(prefix + key_path[k] for k in drift["missing_in_baseline"])
        if drift["missing_in_local"]:
            expected["artifact_removed"] = len(drift["missing_in_local"])
        if drift["changed"]:
            expected["artifact_mutated"] = sorted(prefix + c["relative_path"] for c in drift["changed"])
        kinds = sorted(r.drift_kind for r in state.drift_history)
        if state.parity_status != "drifted" or kinds != sorted(expected):
            problems.append(f"{p}: drift kinds {kinds} ({state.parity_status}) != scan's {sorted(expected)}")
        for r in state.drift_history:
            if r.expected_hash != drift["baseline_parity_hash"] or r.actual_hash != drift["local_parity_hash"]:
                problems.append(f"{p}: drift {r.drift_kind} hashes differ from the scan")
        for kind, want in expected.items():
            got = sorted(i["path"] for i in (payload_by_kind.get(kind, {}).get("artifact_ids_changed") or []))
            if (len(got) if isinstance(want, int) else got) != want:
                problems.append(f"{p}: {kind} artifact_ids_changed {got} != scan's {want}")
    for line in problems:
        print(line, file=sys.stderr)
    print(json.dumps({"version": metadata.version("spec-kitty-events"), "files": len(files),
                      "events": events_checked, "drift_features": drift_features, "problems": len(problems)}))
    return 1 if problems else 0


def reduce_file(path):
    with open(path, encoding="utf-8") as f:
        events = [Event(**json.loads(l)) for l in f if l.strip()]
    print(json.dumps(d.reduce_mission_dossier(events).model_dump(mode="json"), sort_keys=True))


def package_accepts(env):
    line = json.dumps(env)
    try:
        ev = Event.model_validate_json(line, strict=True)
        model = PAYLOAD_MODELS.get(ev.event_type)
        if model is None:
            return False
        model.model_validate_json(json.dumps(env["payload"]), strict=True)
        return True
    except Exception:  # noqa: BLE001 - any rejection counts
        return False


def leaf_paths(value, prefix=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield prefix + (k,)
            yield from leaf_paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaf_paths(v, prefix + (i,))


def mutate(path, out):
    bases = {}
    with open(path, encoding="utf-8") as f:
        for l in f:
            if l.strip():
                env = json.loads(l)
                bases.setdefault(env["event_type"], env)
    variants = []
    replacements = [None, 123, "", -1, [], {}, True, "not-a-value"]
    for env in bases.values():
        for p in leaf_paths(env):
            if p == ("lamport_clock",):
                continue  # optional in 11.x, required in 6.x: dossier always writes it
            for r in ["<delete>"] + replacements:
                v = copy.deepcopy(env)
                parent = v
                for k in p[:-1]:
                    parent = parent[k]
                if r == "<delete>":
                    del parent[p[-1]]
                else:
                    parent[p[-1]] = r
                variants.append(v)
    with open(out, "w", encoding="utf-8") as f:
        for v in variants:
            f.write(json.dumps(v) + "\n")
    print(json.dumps([package_accepts(v) for v in variants]))


def main(argv):
    if len(argv) == 3 and argv[0] == "mutate":
        mutate(argv[1], argv[2])
        return 0
    if len(argv) >= 1 and argv[0] == "info":
        info()
        return 0
    if len(argv) == 3 and argv[0] == "check-export":
        return check_export(argv[1], argv[2])
    if len(argv) == 2 and argv[0] == "reduce":
        reduce_file(argv[1])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
