#!/usr/bin/env bash
# Soak test (not part of CI): many short trials across 3 silo processes, a random silo killed (SIGKILL) and restarted
# every interval; prints completed, duplicates (must be 0), lost (must be 0) and throughput, and appends the line (and
# the kill log) to the report file. Usage: scripts/soak.sh [TRIALS] [KILL_EVERY_S] [SLOTS_PER_SILO]   (defaults: 10000 30 2)
# Environment: AFTSWEEP_SOAK_REPORT (default ./soak-report.txt), AFTSWEEP_SOAK_LIMIT_S (kill loop limit, default 3600),
# SOAK_SKIP_BUILD=1 to use the current build as it is, AFTSWEEP_SOAK_CLUSTERING=postgres for PostgreSQL clustering,
# grain state and records on a PostgreSQL server the soak starts (initdb in a temp folder; no primary silo, so any of
# the three silos may be killed), AFTSWEEP_SOAK_CLUSTERING=azure for Azure Table clustering on a local Azurite (state
# stays in the folder's SQLite database). SOAK_CONFIGURATION=Release to build (or, with SOAK_SKIP_BUILD=1, use) Release.
# It runs from a snapshot of the built test and silo outputs in a temp folder (removed at the end), so the checkout
# can be rebuilt while an hour-long soak is running (a rebuild would otherwise replace the DLLs under the silos it restarts).
set -euo pipefail
cd "$(dirname "$0")/.."
export AFTSWEEP_SOAK=1
export AFTSWEEP_SOAK_TRIALS="${1:-10000}"
export AFTSWEEP_SOAK_KILL_EVERY_S="${2:-30}"
export AFTSWEEP_SOAK_SLOTS="${3:-2}"
export AFTSWEEP_SOAK_REPORT="${AFTSWEEP_SOAK_REPORT:-$PWD/soak-report.txt}"
configuration="${SOAK_CONFIGURATION:-Debug}"
[ "${SOAK_SKIP_BUILD:-0}" = 1 ] || dotnet build tests -v q -c "$configuration"
snapshot="$(mktemp -d "${TMPDIR:-/tmp}/aftsweep-soak-bin-XXXXXX")"
trap 'rm -rf "$snapshot"' EXIT
mkdir -p "$snapshot/tests/bin/$configuration" "$snapshot/silo/bin/$configuration" "$snapshot/examples/data"
cp AftSweep.sln "$snapshot/"
cp -a "tests/bin/$configuration/net10.0" "$snapshot/tests/bin/$configuration/"
cp -a "silo/bin/$configuration/net10.0" "$snapshot/silo/bin/$configuration/"
cp -a examples/data/sklearn_digits "$snapshot/examples/data/"
[ ! -d .tools ] || ln -s "$PWD/.tools" "$snapshot/.tools"   # Azurite, for AFTSWEEP_SOAK_CLUSTERING=azure
echo "soak: $(date -u '+%F %T') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg), snapshot $snapshot"
dotnet test "$snapshot/tests/bin/$configuration/net10.0/AftSweep.Tests.dll" \
  --filter "FullyQualifiedName~AftSweep.Tests.Reliability.SoakTests" --logger "console;verbosity=detailed"
echo "report: $AFTSWEEP_SOAK_REPORT"; grep '^soak:' "$AFTSWEEP_SOAK_REPORT" | tail -1
