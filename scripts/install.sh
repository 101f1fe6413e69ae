#!/usr/bin/env bash
# Builds dossier in release mode and installs it under PREFIX (default: ~/.local, no root needed):
#   PREFIX/bin/dossier
#   PREFIX/share/man/man1/dossier.1 (+ one page per subcommand: dossier.scan.1, dossier.queue.flush.1, …)
#   PREFIX/share/bash-completion/completions/dossier
#   PREFIX/share/zsh/site-functions/_dossier
#   PREFIX/share/fish/vendor_completions.d/dossier.fish
# Usage: scripts/install.sh [PREFIX]
# Needs Swift 6.1+, pkg-config, libncursesw5-dev and libsqlite3-dev (README, "Install").
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${1:-$HOME/.local}"
case "$prefix" in
    -h | --help)
        sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    -*)
        echo "install.sh: unknown option '$prefix' (usage: scripts/install.sh [PREFIX])" >&2
        exit 2
        ;;
esac
if [ "$#" -gt 1 ]; then
    echo "install.sh: expected at most one argument, PREFIX (got $#)" >&2
    exit 2
fi
command -v swift >/dev/null 2>&1 || {
    echo "install.sh: 'swift' is not on PATH (Swift 6.1 or newer is needed; see README, Install)" >&2
    exit 2
}

scratch="${DOSSIER_INSTALL_SCRATCH:-.build-release}"
echo "building the release binary (swift build -c release, into $scratch/)…"
swift build -c release --product dossier --scratch-path "$scratch"
bin="$(swift build -c release --product dossier --scratch-path "$scratch" --show-bin-path)/dossier"

echo "generating the manual pages (ArgumentParser's generate-manual plugin)…"
man_out="$scratch/plugins/GenerateManual/outputs/dossier"
# The plugin adds pages to what an earlier build left there: start empty, or a removed command keeps its page.
rm -rf "$man_out"
swift package --scratch-path "$scratch" plugin generate-manual --multi-page >/dev/null
[ -f "$man_out/dossier.1" ] || {
    echo "install.sh: generate-manual wrote no $man_out/dossier.1" >&2
    exit 1
}

install -d "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
    "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 0755 "$bin" "$prefix/bin/dossier"
# An upgrade replaces the whole set: pages of commands that are gone go too (only dossier's own pages).
find "$prefix/share/man/man1" -maxdepth 1 -name 'dossier.*1' -type f -delete
find "$man_out" -name '*.1' -exec install -m 0644 {} "$prefix/share/man/man1/" \;
"$bin" --generate-completion-script bash >"$prefix/share/bash-completion/completions/dossier"
"$bin" --generate-completion-script zsh >"$prefix/share/zsh/site-functions/_dossier"
"$bin" --generate-completion-script fish >"$prefix/share/fish/vendor_completions.d/dossier.fish"

echo "installed dossier into $prefix:"
echo "  $prefix/bin/dossier"
echo "  $prefix/share/man/man1/dossier.1 ($(find "$prefix/share/man/man1" -name 'dossier*.1' | wc -l) pages)"
echo "  completions for bash, zsh and fish under $prefix/share"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on your PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
