#!/usr/bin/env bash
# Training throughput of the default model (784-400-20, batch 128, Adam) with 1 and 2 threads, release build.
# When `torch` is importable (set PYTHON=/path/to/venv/bin/python), the PyTorch reference trainer
# (../shared/anchors/torch_vae_ref.py, or $TORCH_REF) runs on the same 5k MNIST subset in the same invocation
# and the ratio is printed. Usage: scripts/bench.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
py=${PYTHON:-python3}
ref=${TORCH_REF:-../shared/anchors/torch_vae_ref.py}
data=${TORCH_DATA:-../shared/datasets/mnist}
swift build -c release --product vaetop >/dev/null
echo "OpenBLAS env: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}"
have_torch=0
if "$py" -c 'import torch' 2>/dev/null && [ -f "$ref" ] && [ -d "$data" ]; then have_torch=1; fi
for t in 1 2; do
  ours=$(.build/release/vaetop bench --threads "$t" --seconds "$secs" | awk '{print $2}')
  line="threads $t: vaetop $ours samples/s"
  if [ $have_torch = 1 ]; then
    theirs=$("$py" "$ref" --threads "$t" --epochs 4 --data "$data" | awk '/throughput_samples_per_s/ {print $2}')
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')
    line="$line, PyTorch $theirs samples/s, ratio $ratio"
  else
    line="$line (PyTorch reference not run: torch not importable by $py, or $ref / $data missing)"
  fi
  echo "$line"
done
