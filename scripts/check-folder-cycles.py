#!/usr/bin/env python3
"""Folder dependency cycles inside one module (default Sources/DossierCore).

A folder depends on another when a file in it names a type declared at the top level of a file in the other
(struct, enum, class, actor, protocol, typealias; comments and string literals are ignored). Prints the edges
and every strongly connected group of more than one folder; exits 1 when there is one.

Usage: scripts/check-folder-cycles.py [MODULE_DIR] [-v] [--allow A,B ...]
  --allow A,B   a known cycle of exactly these folders is listed but does not fail the check
"""
import os
import re
import sys

DECL = re.compile(
    r"^(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|internal|fileprivate|private|package|final|indirect|nonisolated)\s+)*"
    r"(?:struct|enum|class|actor|protocol|typealias)\s+([A-Za-z_]\w*)",
    re.M)
IDENT = re.compile(r"\b[A-Z]\w*\b")


def strip(code: str) -> str:
    """Removes comments and string literals (multi-line ones too), keeping interpolations' code out as well."""
    code = re.sub(r'"""(?:.|\n)*?"""', '""', code)
    code = re.sub(r'/\*(?:.|\n)*?\*/', ' ', code)
    code = re.sub(r'//[^\n]*', ' ', code)
    code = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', code)
    return code


def folder_of(root: str, path: str) -> str:
    rel = os.path.relpath(path, root)
    return rel.split(os.sep)[0] if os.sep in rel else "."


def main() -> int:
    argv = sys.argv[1:]
    allowed = []
    while "--allow" in argv:
        i = argv.index("--allow")
        allowed.append(sorted(argv[i + 1].split(",")) if i + 1 < len(argv) else [])
        del argv[i:i + 2]
    args = [a for a in argv if a != "-v"]
    verbose = "-v" in argv
    root = args[0] if args else "Sources/DossierCore"
    files = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            if name.endswith(".swift"):
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    files[path] = strip(f.read())
    declared = {}  # type name -> folder
    for path, code in files.items():
        for m in DECL.finditer(code):
            declared.setdefault(m.group(1), folder_of(root, path))
    edges = {}  # (from, to) -> {type names}
    for path, code in files.items():
        here = folder_of(root, path)
        for name in set(IDENT.findall(code)):
            there = declared.get(name)
            if there and there != here:
                edges.setdefault((here, there), set()).add(name)
    folders = sorted({f for e in edges for f in e})
    graph = {f: sorted(t for (s, t) in edges if s == f) for f in folders}
    # Tarjan's strongly connected components.
    index, low, stack, on, groups = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for f in folders:
        if f not in index:
            visit(f)
    if verbose:
        for (s, t), names in sorted(edges.items()):
            print(f"{s} -> {t}: {', '.join(sorted(names))}")
    failing = [g for g in groups if g not in allowed]
    for group in groups:
        print(("cycle: " if group in failing else "known cycle (allowed): ") + " <-> ".join(group))
        for (s, t), names in sorted(edges.items()):
            if s in group and t in group:
                print(f"  {s} -> {t}: {', '.join(sorted(names))}")
    if not failing:
        print(f"{root}: {len(folders)} folders, {len(edges)} dependencies, no new cycle")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
