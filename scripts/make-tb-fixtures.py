"""Writes the TensorBoard fixtures of Tests/TensorBoardTests/Fixtures with PyTorch's own SummaryWriter, logging
the way people do: a VAE script's names (KL_dim/N, kld, recon_loss, GradNorm, val_loss, add_scalars groups) and
PyTorch Lightning's (train_loss_step, val_loss, lr-Adam, grad_2.0_norm_total, per-parameter grad_2.0_norm/…).
Needs torch and tensorboard (run by hand: ../venv/bin/python scripts/make-tb-fixtures.py); CI reads the files."""
import math, os, shutil
from torch.utils.tensorboard import SummaryWriter

root = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorBoardTests", "Fixtures")

def fresh(name):
    path = os.path.join(root, name)
    shutil.rmtree(path, ignore_errors=True)
    return path

# A VAE script: per-dimension KL as KL_dim/N, add_scalars groups, a gradient norm, a validation loss.
w = SummaryWriter(fresh("torch-vae-names"))
for s in range(10):
    kls = [1.5 * math.exp(-s / (3 + d)) for d in range(4)]
    w.add_scalar("recon_loss", 90 - s, s)
    w.add_scalar("kld", sum(kls), s)
    for d, k in enumerate(kls):
        w.add_scalar(f"KL_dim/{d}", k, s)
    w.add_scalar("GradNorm", 30 - s, s)
    w.add_scalars("losses", {"kl": sum(kls), "recon": 90 - s}, s)
    w.add_scalar("some/unmapped_tag", s, s)
    if s % 5 == 4:
        w.add_scalar("val_loss", 120 - s, s)
w.close()

# PyTorch Lightning's names (self.log("train_loss"), LearningRateMonitor, log_grad_norm).
w = SummaryWriter(fresh("lightning-names"))
for s in range(10):
    w.add_scalar("train_loss_step", 100 - 2 * s, s)
    w.add_scalar("lr-Adam", 1e-3, s)
    w.add_scalar("grad_2.0_norm_total", 20 - s, s)
    w.add_scalar("grad_2.0_norm/encoder.weight", 12 - s / 2, s)
    w.add_scalar("grad_2.0_norm/decoder.weight", 8 - s / 3, s)
    w.add_scalar("epoch", s // 5, s)
    if s % 5 == 4:
        w.add_scalar("val_loss", 110 - s, s)
w.close()
print("wrote", os.path.abspath(root))
