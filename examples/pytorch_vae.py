"""The PyTorch example VAE (784-400-20, BCE + KL, Adam), instrumented for vaetop.

It writes vaetop's run format (per-step loss, reconstruction, KL and the KL of every latent dimension, β, lr,
gradient norms per layer) and takes commands from `vaetop watch RUN`: pause/resume, lr (applied to the optimizer's
param groups), β, free-bits λ and clip norm, each acknowledged in the run file.

    python examples/pytorch_vae.py --run runs/pytorch --epochs 10 &
    vaetop watch runs/pytorch

Needs torch and numpy; reads MNIST IDX files (gzip) from --data (default: the embedded subset of this repo).
"""
import argparse, gzip, os, struct, sys, time
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python"))
import vaetop  # noqa: E402


def idx(path):
    b = gzip.open(path).read()
    if struct.unpack(">I", b[:4])[0] == 2051:
        n, r, c = struct.unpack(">III", b[4:16])
        return np.frombuffer(b[16:], np.uint8).reshape(n, r * c)
    return np.frombuffer(b[8:], np.uint8)


class VAE(nn.Module):
    def __init__(s, hidden=400, latent=20):
        super().__init__()
        s.fc1 = nn.Linear(784, hidden); s.fc21 = nn.Linear(hidden, latent)
        s.fc22 = nn.Linear(hidden, latent); s.fc3 = nn.Linear(latent, hidden); s.fc4 = nn.Linear(hidden, 784)

    def forward(s, x):
        h = F.relu(s.fc1(x)); mu, logvar = s.fc21(h), s.fc22(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return s.fc4(F.relu(s.fc3(z))), mu, logvar


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default="runs/pytorch")
    ap.add_argument("--data", default=os.path.join(here, "..", "Sources", "Datasets", "Resources", "mnist"))
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--delay", type=float, default=0.0, help="seconds to sleep per step (to watch slowly)")
    a = ap.parse_args()
    torch.manual_seed(a.seed); torch.set_num_threads(1)
    x = torch.tensor(idx(os.path.join(a.data, "train-images-idx3-ubyte.gz")), dtype=torch.float32) / 255
    model = VAE(); opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    layers = ["fc1", "fc21", "fc22", "fc3", "fc4"]
    steps_per_epoch = (len(x) + a.batch - 1) // a.batch
    run = vaetop.Run(a.run, config={"latent": 20, "epochs": a.epochs, "batchSize": a.batch, "encoder": [400], "decoder": [400],
                                    "optimizer": {"kind": "adam", "lr": a.lr}},
                     layers=layers, train_images=len(x), steps_per_epoch=steps_per_epoch,
                     values={"beta": 1.0, "free_bits": 0.0})
    step = 0
    for epoch in range(1, a.epochs + 1):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), a.batch):
            run.apply_commands(step, opt)
            run.wait_while_paused(step, opt)
            if run.stop_requested:
                break
            t0 = time.perf_counter()
            xb = x[perm[i:i + a.batch]]
            logits, mu, logvar = model(xb)
            recon = F.binary_cross_entropy_with_logits(logits, xb, reduction="sum")
            kl_elem = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp())          # per element
            kl_dims = kl_elem.mean(0)                                           # batch mean per dimension
            beta, lam = run.values.get("beta", 1.0), run.values.get("free_bits", 0.0)
            kl_term = torch.clamp(kl_dims, min=lam).sum() * len(xb) if lam > 0 else kl_elem.sum()
            loss = recon + beta * kl_term
            opt.zero_grad(); loss.backward()
            norms = [torch.sqrt(sum((p.grad ** 2).sum() for p in getattr(model, n).parameters())).item() for n in layers]
            total = float(np.sqrt(sum(n * n for n in norms)))
            clip = run.values.get("clip_norm")
            after = torch.nn.utils.clip_grad_norm_(model.parameters(), clip).item() if clip else total
            opt.step(); step += 1
            n = len(xb)
            run.log_step(step=step, epoch=epoch, loss=loss.item() / n, recon=recon.item() / n, kl=kl_elem.sum().item() / n,
                         kl_dims=kl_dims.tolist(), beta=beta, lr=opt.param_groups[0]["lr"], grad_norm=total,
                         grad_norm_clipped=min(total, clip) if clip else total, layer_grad_norms=norms, batch_size=n,
                         samples_per_second=n / (time.perf_counter() - t0), free_bits=lam)
            if a.delay:
                time.sleep(a.delay)
        if run.stop_requested:
            break
    run.close(step, epoch, reason="stopped" if run.stop_requested else "finished")


if __name__ == "__main__":
    main()
