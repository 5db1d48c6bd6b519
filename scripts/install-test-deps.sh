#!/usr/bin/env bash
# Installs the real services the tests start (idempotent): Azurite (npm, into .tools/) and Prometheus (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

if [ ! -x "$root/.tools/node_modules/.bin/azurite" ]; then
  mkdir -p "$root/.tools"
  (cd "$root/.tools" && npm install --no-audit --no-fund --silent azurite@3.37.0 >/dev/null)
fi

if ! command -v prometheus >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  else
    echo "prometheus is missing and this is not root: install Debian's 'prometheus' package" >&2
  fi
fi
