"""Writes the TensorBoard fixtures in Tests/TensorBoardTests/Fixtures with TensorBoard's and PyTorch's own
writers (not run in CI; needs `pip install torch tensorboard`). Usage: python scripts/make_tb_fixtures.py
"""
import glob, math, os, shutil
from torch.utils.tensorboard import SummaryWriter
from tensorboard.summary import Writer

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorBoardTests", "Fixtures")


def curves(step):
    loss = 500 * math.exp(-step / 5) + 100
    return {"loss/total": loss, "loss/recon": loss - 20, "loss/kl": 20.0, "lr": 1e-3 * (1 + step % 3),
            "beta": min(1.0, step / 5), "grad_norm": 10.0 + step, **{f"kl/dim_{j:02d}": 0.5 * j + step / 10 for j in range(4)}}


def fresh(name):
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


# 1. torch SummaryWriter, legacy simple_value scalars (its default), plus a text record of a change.
d = fresh("torch-simple")
w = SummaryWriter(d)
for step in range(10):
    for tag, v in curves(step).items():
        w.add_scalar(tag, v, step)
    if step == 5:
        w.add_text("changes", "lr: 0.001 → 0.002 (client)", step)
w.add_scalar("eval/loss", 150.0, 9)
w.add_scalar("some/unmapped_tag", 1.0, 9)
w.close()

# 2. torch SummaryWriter new_style=True: tensor-form scalars (float_val, plugin "scalars").
d = fresh("torch-tensor")
w = SummaryWriter(d)
for step in range(10):
    for tag, v in curves(step).items():
        w.add_scalar(tag, v, step, new_style=True)
w.close()

# 3. TensorBoard's own writer (tensor form with shape and data_class), tags under other names + a mapping file.
d = fresh("tensorboard-writer")
w = Writer(d)
for step in range(10):
    c = curves(step)
    w.add_scalar("train/elbo", c["loss/total"], step)
    w.add_scalar("opt/learning_rate", c["lr"], step)
    w.add_scalar("z/kl_00", c["kl/dim_00"], step)
w.flush(); w.close()
with open(os.path.join(d, "mapping.txt"), "w") as f:
    f.write("# tag = field\ntrain/elbo = loss\nopt/learning_rate = lr\nz/kl_00 = kl_dim 0\n")

# 4. A damaged copy of 1: one payload byte flipped in the 4th record, and the tail cut mid-record.
d = fresh("damaged")
src = glob.glob(os.path.join(out, "torch-simple", "events.out.tfevents.*"))[0]
data = bytearray(open(src, "rb").read())
off = 0
for _ in range(3):
    n = int.from_bytes(data[off:off + 8], "little")
    off += 16 + n
damaged_offset = off
data[off + 14] ^= 0xFF
data = data[:-7]
open(os.path.join(d, os.path.basename(src)), "wb").write(bytes(data))
print("damaged record at offset", damaged_offset)
for f in sorted(glob.glob(os.path.join(out, "*", "*"))):
    print(f, os.path.getsize(f))
