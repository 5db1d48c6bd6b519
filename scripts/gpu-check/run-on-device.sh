#!/usr/bin/env bash
# The GPU check for a machine with an NVIDIA driver (no .NET needed): the product's NVML reader, published
# self-contained as ./gpu-check, must see GPU memory that another process allocates, and agree with nvidia-smi.
#   scripts/gpu-check/publish.sh            # here: builds scripts/gpu-check/out/gpu-check
#   scripts/gpu-check/run-on-device.sh      # there (needs python3 with CUDA torch to make the allocation)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
probe="$here/out/gpu-check"
gib=$((1024 * 1024 * 1024))

nvidia-smi --query-gpu=name,driver_version,memory.used,memory.total --format=csv
smi_used() { echo $(( $(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i 0) * 1024 * 1024 )); }
probe_used() { "$probe" 0 | sed -n 's/^cuda:0 used_bytes=//p'; }

before=$(probe_used); smi_before=$(smi_used)
echo "before: probe $before bytes, nvidia-smi $smi_before bytes"

flag=$(mktemp -u)
python3 -c "
import torch, time, pathlib
x = torch.empty(8 * 1024**3, dtype=torch.uint8, device='cuda:0'); x.fill_(1); torch.cuda.synchronize()
pathlib.Path('$flag').write_text('ok'); time.sleep(20)" &
holder=$!
for _ in $(seq 1 60); do [ -f "$flag" ] && break; sleep 0.5; done
[ -f "$flag" ] || { echo "FAIL: the 8 GiB allocation did not happen"; exit 1; }

during=$(probe_used); smi_during=$(smi_used)
echo "during: probe $during bytes, nvidia-smi $smi_during bytes"
kill "$holder" 2>/dev/null || true; wait "$holder" 2>/dev/null || true

status=0
delta=$((during - before))
echo "probe saw +$((delta / 1024 / 1024)) MiB for an 8192 MiB tensor (plus the CUDA context)"
[ "$delta" -ge $((8 * gib)) ] && [ "$delta" -le $((9 * gib)) ] || { echo "FAIL: expected +8..9 GiB"; status=1; }
# nvidia-smi rounds to MiB and reads a moment later: allow 64 MiB, far below the 615 MiB of reserved memory that
# NVML's v1 call wrongly counted as used (the bug this check found).
for pair in "idle $before $smi_before" "allocated $during $smi_during"; do
  set -- $pair
  diff=$(($2 - $3)); diff=${diff#-}
  echo "probe vs nvidia-smi ($1): $((diff / 1024 / 1024)) MiB apart"
  [ "$diff" -le $((64 * 1024 * 1024)) ] || { echo "FAIL: probe and nvidia-smi disagree by more than 64 MiB ($1)"; status=1; }
done

if "$probe" 7 >/dev/null 2>&1; then echo "FAIL: a missing device index read as a number"; status=1
else echo "missing device index 7: refused (exit $?) as the gauge expects"; fi

[ "$status" = 0 ] && echo "gpu-check: PASS" || echo "gpu-check: FAIL"
exit $status
