#!/usr/bin/env bash
# Soak test (not part of CI): many short trials across 3 silo processes, a random silo killed (SIGKILL) and restarted
# every interval; prints completed, duplicates (must be 0), lost (must be 0) and throughput, and appends the line to
# the report file. Usage: scripts/soak.sh [TRIALS] [KILL_EVERY_S] [SLOTS_PER_SILO]   (defaults: 10000 30 2)
set -euo pipefail
cd "$(dirname "$0")/.."
export AFTSWEEP_SOAK=1
export AFTSWEEP_SOAK_TRIALS="${1:-10000}"
export AFTSWEEP_SOAK_KILL_EVERY_S="${2:-30}"
export AFTSWEEP_SOAK_SLOTS="${3:-2}"
export AFTSWEEP_SOAK_REPORT="${AFTSWEEP_SOAK_REPORT:-$PWD/soak-report.txt}"
dotnet build tests -v q
dotnet test tests --no-build --filter "FullyQualifiedName~AftSweep.Tests.Reliability.SoakTests" --logger "console;verbosity=detailed"
echo "report: $AFTSWEEP_SOAK_REPORT"; tail -1 "$AFTSWEEP_SOAK_REPORT"
