#!/usr/bin/env bash
# Training throughput of the default model (784-400-20, batch 128, Adam) with 1 and 2 threads, release build, with
# the share of the GEMM-only limit (the step's matrix products alone, timed in the same run by `vaetop bench`),
# against the PyTorch reference trainer on the same 5k MNIST subset, back to back in one invocation.
# PyTorch is run when PYTHON (default python3) imports torch; the reference is ../shared/anchors/torch_vae_ref.py
# (or $TORCH_REF) with data from ../shared/datasets/mnist (or $TORCH_DATA).
#
# vaetop is measured twice: with the environment as it is, and with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset for
# that command alone. Some machines here pin OpenBLAS to an older kernel (e.g. Haswell on an AVX-512 CPU) because
# old OpenBLAS builds misbehave on new CPUs; the second line shows the kernel OpenBLAS picks for the CPU itself.
# Usage: scripts/bench.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
py=${PYTHON:-python3}
ref=${TORCH_REF:-../shared/anchors/torch_vae_ref.py}
data=${TORCH_DATA:-../shared/datasets/mnist}
swift build -c release --product vaetop >/dev/null 2>&1
echo "OpenBLAS env: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}"
have_torch=0
if "$py" -c 'import torch' 2>/dev/null && [ -f "$ref" ] && [ -d "$data" ]; then have_torch=1; fi
for t in 1 2; do
  theirs=""
  if [ $have_torch = 1 ]; then
    # Busy-waiting OpenMP threads collapse on a shared machine (0.6–1.2k samples/s at 2 threads): PASSIVE, always.
    theirs=$(OMP_WAIT_POLICY=PASSIVE "$py" "$ref" --threads "$t" --epochs 4 --data "$data" | awk '/throughput_samples_per_s/ {print $2}')
    echo "threads $t: PyTorch $theirs samples/s (OMP_WAIT_POLICY=PASSIVE)"
  else
    echo "threads $t: PyTorch reference not run (torch not importable by $py, or $ref / $data missing)"
  fi
  for variant in as-is native; do
    if [ $variant = as-is ]; then
      out=$(.build/release/vaetop bench --threads "$t" --seconds "$secs")
    else
      out=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .build/release/vaetop bench --threads "$t" --seconds "$secs")
    fi
    ours=$(echo "$out" | awk '{print $2}')
    kernel=$(echo "$out" | sed -n 's/.*openblas kernel \([A-Za-z0-9]*\)).*/\1/p')
    share=$(echo "$out" | sed -n 's/.*gemm_limit_samples_per_s \([0-9]*\).* share \([0-9]*%\).*/\2 of the GEMM-only limit (\1 samples\/s)/p')
    # The probe runs on one thread: a share is only meaningful there.
    [ "$t" != 1 ] && share=$(echo "$out" | sed -n 's/.*gemm_limit_samples_per_s \([0-9]*\).*/GEMM-only limit at 1 thread \1 samples\/s/p')
    line="  vaetop ($variant env, OpenBLAS kernel $kernel): $ours samples/s, $share"
    [ -n "$theirs" ] && line="$line, ratio $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')"
    echo "$line"
  done
done
