#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone: installs what the tests need, builds, tests,
# and ends with a plain "N passed, N failed" line. Usage: scripts/test.sh [extra dotnet test args]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Build as CI caches commonly configure NuGet: NUGET_PACKAGES without a trailing slash (the build must not depend on
# it; tests/Build/PackageRootTests checks both forms). The folder is NuGet's default, so nothing is downloaded again.
export NUGET_PACKAGES="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
NUGET_PACKAGES="${NUGET_PACKAGES%/}"
results_dir="$(pwd)/artifacts/test-results"
rm -rf "$results_dir"
mkdir -p "$results_dir"

set +e
dotnet test AftSweep.sln -c Release --logger "trx;LogFilePrefix=aftsweep" --results-directory "$results_dir" "$@" 2>&1 | tee "$results_dir/console.log"
status=${PIPESTATUS[0]}
set -e

python3 - "$results_dir" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find(".//{*}ResultSummary/{*}Counters")
    if c is None: continue
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    # The trx counters leave skipped tests out of notExecuted; what was not executed is total - executed.
    skipped += int(c.get("total", 0)) - int(c.get("executed", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit "$status"
