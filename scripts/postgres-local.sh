#!/usr/bin/env bash
# A throwaway PostgreSQL server for trying a PostgreSQL cluster, and for experiments/bench.sh and the soak:
#   scripts/postgres-local.sh start DIR [PORT]   initdb DIR (once), start on 127.0.0.1:PORT (default 55432), create the
#                                                database "aftsweep", and print the export line for AFTSWEEP_POSTGRES
#   scripts/postgres-local.sh stop DIR
# Trust authentication on loopback: for a machine of your own, not a shared one. PostgreSQL refuses to run as root, so
# as root every command runs as the "postgres" user. Binaries: PATH, else Debian's /usr/lib/postgresql/N/bin
# (scripts/install-test-deps.sh installs them).
set -euo pipefail
command="${1:-}"; dir="${2:-}"; port="${3:-55432}"
[ -n "$command" ] && [ -n "$dir" ] || { sed -n '2,9p' "$0"; exit 2; }

bin() {
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  local found; found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$found" ] && [ -x "$found/$1" ] || { echo "PostgreSQL's $1 is not installed: run scripts/install-test-deps.sh" >&2; exit 2; }
  echo "$found/$1"
}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
case "$command" in
  start)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      [ "$(id -u)" != 0 ] || chown postgres: "$dir"
      as_postgres "$(bin initdb)" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log"
    fi
    as_postgres "$(bin pg_ctl)" -D "$dir/data" -l "$dir/postgres.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
    as_postgres "$(bin psql)" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'aftsweep'" | grep -q 1 \
      || as_postgres "$(bin psql)" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE aftsweep"
    echo "export AFTSWEEP_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres;Database=aftsweep'"
    ;;
  stop)
    as_postgres "$(bin pg_ctl)" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  *) echo "scripts/postgres-local.sh: start or stop, not '$command'" >&2; exit 2 ;;
esac
