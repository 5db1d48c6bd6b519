#!/usr/bin/env bash
# Installs the real services the tests start (idempotent): Azurite (npm, into .tools/), and from Debian Prometheus,
# PostgreSQL (the tests run their own servers with initdb/pg_ctl in temp folders, as the "postgres" user when root)
# and the sqlite3 command-line tool (the documented queries are run through it).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

if [ ! -x "$root/.tools/node_modules/.bin/azurite" ]; then
  mkdir -p "$root/.tools"
  (cd "$root/.tools" && npm install --no-audit --no-fund --silent azurite@3.37.0 >/dev/null)
fi

have_postgres() { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }

missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
have_postgres || missing+=(postgresql)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    # Packages must not start their services (no init system here, and the tests start their own servers):
    # policy-rc.d 101 tells Debian's maintainer scripts not to.
    blocker=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      blocker=/usr/sbin/policy-rc.d
      printf '#!/bin/sh\nexit 101\n' >"$blocker" && chmod +x "$blocker"
    fi
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ -z "$blocker" ] || rm -f "$blocker"
  else
    echo "missing Debian packages: ${missing[*]} (and this is not root): install them" >&2
  fi
fi
