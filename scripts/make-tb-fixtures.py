"""Writes the TensorBoard fixtures of Tests/TensorBoardTests/Fixtures with PyTorch's own SummaryWriter, logging
the way people do: a VAE script's names (KL_dim/N, kld, recon_loss, GradNorm, val_loss, add_scalars groups) and
PyTorch Lightning's (train_loss_step, val_loss, lr-Adam, grad_2.0_norm_total, per-parameter grad_2.0_norm/…), and
the other summaries a VAE script writes beside its scalars (histograms, an image grid, text, add_hparams).
Needs torch and tensorboard (run by hand: ../venv/bin/python scripts/make-tb-fixtures.py); CI reads the files."""
import math, os, shutil
import torch
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
# Beside the scalars: weight histograms, a grid of reconstructions (make_grid's layout: 3 equal channels, 2-pixel
# padding), a colour image, a text note and add_hparams (which writes into a sub-folder named by the time).
def grid(images, nrow, pad=2):
    n, h, w = images.shape
    rows = (n + nrow - 1) // nrow
    out = torch.zeros(3, pad + rows * (h + pad), pad + nrow * (w + pad))
    for i in range(n):
        y, x = pad + (i // nrow) * (h + pad), pad + (i % nrow) * (w + pad)
        out[:, y:y + h, x:x + w] = images[i]
    return out

yy, xx = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing="ij")
w = SummaryWriter(fresh("torch-rich"))
torch.manual_seed(0)
for s in range(6):
    w.add_scalar("loss", 120 - 3 * s, s)
    w.add_scalar("kld", 10 + s, s)
    for d in range(3):
        w.add_scalar(f"kl_per_dim/{d}", (d + 1) * (1 + s / 10), s)
    w.add_histogram("encoder/weight", torch.randn(200) * (1 + s / 10), s)
    if s % 3 == 2:
        # Rings whose radius grows with the index and the step: a picture a test can check pixel by pixel.
        rings = torch.stack([((((yy - 13.5) ** 2 + (xx - 13.5) ** 2).sqrt() - (4 + i % 8 + s / 3)).abs() < 1.5).float()
                             for i in range(16)])
        w.add_image("reconstructions", grid(rings, nrow=4), s)
        w.add_image("colour_check", torch.rand(3, 8, 8), s)
w.add_text("notes", "baseline: **beta 4**, warm-up over 10 epochs", 0)
w.add_hparams({"lr": 1e-3, "batch_size": 128, "beta": 4.0, "latent_dim": 3, "optimizer": "adam", "warmup": True},
              {"hparam/val_loss": 101.5})
w.close()
print("wrote", os.path.abspath(root))
