#!/usr/bin/env bash
# Publishes the NVML probe self-contained (linux-x64, trimmed, single file) into scripts/gpu-check/out/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet publish "$here/GpuCheck.csproj" -c Release -o "$here/out" -nologo -v q
ls -la "$here/out/gpu-check"
