#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for tests and benchmarks (issue 13).
#   scripts/postgres-test-server.sh start   # prints the URL, e.g. postgres://dossier@127.0.0.1:54321/postgres
#   scripts/postgres-test-server.sh stop    # stops it and deletes its folder
#   scripts/postgres-test-server.sh restart # stop + start of the same cluster (fault tests)
# The cluster lives in $DOSSIER_PG_DIR (default: a folder under ${TMPDIR:-/tmp}); fsync stays on. initdb refuses
# to run as root, so under root the server runs as the `postgres` user (created by Debian's package; else made
# here). Binaries: initdb/pg_ctl on PATH, else the newest /usr/lib/postgresql/*/bin.
set -euo pipefail

dir="${DOSSIER_PG_DIR:-${TMPDIR:-/tmp}/dossier-test-postgres}"

bin_dir() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return
    fi
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
    [ -n "$found" ] || { echo "postgres-test-server: no initdb/pg_ctl (apt-get install postgresql)" >&2; exit 1; }
    echo "$found"
}

# Runs a command as the unprivileged server user (as ourselves unless we are root).
as_server() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_ctl_cmd() { as_server "$(bin_dir)/pg_ctl" -D "$dir/data" "$@"; }

start() {
    if [ -f "$dir/url" ] && pg_ctl_cmd status >/dev/null 2>&1; then
        cat "$dir/url"
        return
    fi
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    fi
    rm -rf "$dir"
    mkdir -p "$dir/socket"
    [ "$(id -u)" = 0 ] && chown -R postgres "$dir"
    as_server "$(bin_dir)/initdb" -D "$dir/data" -U dossier -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    local port attempt
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 40000))
        if as_server "$(bin_dir)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-k $dir/socket -p $port -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" \
            start >/dev/null 2>&1; then
            echo "$port" >"$dir/port"
            echo "postgres://dossier@127.0.0.1:$port/postgres" >"$dir/url"
            cat "$dir/url"
            return
        fi
    done
    echo "postgres-test-server: the server did not start; its log:" >&2
    cat "$dir/server.log" >&2 || true
    exit 1
}

stop() {
    [ -d "$dir/data" ] && pg_ctl_cmd -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}

# Stops and starts the same cluster on the same port (the data stays).
restart() {
    local port
    port="$(cat "$dir/port")"
    pg_ctl_cmd -m fast -w stop >/dev/null
    pg_ctl_cmd -l "$dir/server.log" -w -t 60 \
        -o "-k $dir/socket -p $port -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >/dev/null
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) restart ;;
    *) echo "usage: $0 start|stop|restart" >&2; exit 2 ;;
esac
