#!/usr/bin/env bash
# Runs the README's install step into a temporary PREFIX and checks what a new user then does:
# `dossier --help`, `man dossier`, and bash completion of `dossier qu<TAB>`. Exit 0 only when all work.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="$(mktemp -d "${TMPDIR:-/tmp}/dossier-install.XXXXXX")"
trap 'rm -rf "$prefix"' EXIT
fail() {
    echo "check-install: $*" >&2
    exit 1
}

scripts/install.sh "$prefix"

help="$("$prefix/bin/dossier" --help)" || fail "dossier --help exited $?"
grep -q "^USAGE: dossier" <<<"$help" || fail "dossier --help has no USAGE line: $help"
grep -q "secret" <<<"$help" || fail "dossier --help does not list 'secret'"

page="$prefix/share/man/man1/dossier.1"
[ -s "$page" ] || fail "no man page at $page"
[ -s "$prefix/share/man/man1/dossier.queue.flush.1" ] || fail "no page for dossier queue flush"
if command -v man >/dev/null 2>&1; then
    MANPATH="$prefix/share/man" MANPAGER=cat man dossier 2>/dev/null | grep -q "dossier" \
        || fail "man dossier (MANPATH=$prefix/share/man) shows nothing"
else
    grep -q '^\.Dt DOSSIER 1' "$page" || fail "$page is not an mdoc page for DOSSIER(1)"
fi

completions="$(
    PATH="$prefix/bin:$PATH" bash --norc --noprofile -c '
        source "$1"
        COMP_WORDS=(dossier qu); COMP_CWORD=1; COMP_LINE="dossier qu"; COMP_POINT=${#COMP_LINE}
        _dossier dossier qu dossier
        printf "%s\n" "${COMPREPLY[@]}"' _ "$prefix/share/bash-completion/completions/dossier"
)" || fail "the bash completion script failed"
[ "$completions" = "queue" ] || fail "dossier qu<TAB> completed to '$completions', expected 'queue'"
for shell in zsh/site-functions/_dossier fish/vendor_completions.d/dossier.fish; do
    [ -s "$prefix/share/$shell" ] || fail "no completion script $prefix/share/$shell"
done
# Benchmark and load commands live in dossier-bench (not installed): nothing of them in help, pages or completions.
leaks="$(grep -rlE "stress-append|bench-append|bench-frames" "$prefix/share" || true)"
[ -z "$leaks" ] || fail "internal benchmark commands show in: $leaks"
[ ! -e "$prefix/bin/dossier-bench" ] || fail "dossier-bench was installed"
echo "check-install: install into $prefix ok: --help, man dossier, dossier qu<TAB> → queue, zsh and fish scripts, no bench commands"
