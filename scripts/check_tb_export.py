"""Reads a vaetop TensorBoard export back with TensorBoard's own EventAccumulator and prints what it found.
Optional (needs `pip install tensorboard`). Usage: vaetop export RUN --tensorboard DIR; python scripts/check_tb_export.py DIR
"""
import sys
from tensorboard.backend.event_processing import event_accumulator as ea

acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.SCALARS: 0, ea.TENSORS: 0})
acc.Reload()
tags = acc.Tags()
scalars = tags["scalars"]
print(f"{len(scalars)} scalar tags, e.g. {sorted(scalars)[:6]}")
for t in ["loss/total", "lr", "beta", "kl/dim_00", "eval/loss", "grad_norm"]:
    if t in scalars:
        s = acc.Scalars(t)
        print(f"{t}: {len(s)} points, first {s[0].step}:{s[0].value:.5g}, last {s[-1].step}:{s[-1].value:.5g}")
print("text tags:", tags["tensors"])
for t in tags["tensors"]:
    from tensorboard.util import tensor_util
    ev = acc.Tensors(t)
    print(f"{t}: {len(ev)} entries, first: {tensor_util.make_ndarray(ev[0].tensor_proto).item().decode()!r}")
