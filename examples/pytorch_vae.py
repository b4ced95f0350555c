"""The PyTorch example VAE (784-400-20, BCE + KL, Adam), steered from vaetop's screen.

    python examples/pytorch_vae.py --run runs/pytorch --epochs 10 --scheduler onecycle --delay 0.1 &
    vaetop watch runs/pytorch

vaetop.init and one run.log call per step give vaetop the loss, reconstruction, KL and the KL of every latent
dimension, β, λ, lr, gradient norms per layer and throughput; run.log_eval the test ELBO and the active units.
From the screen (commands.jsonl) it takes pause/resume/stop, lr (scaling whatever --scheduler does), momentum,
weight decay, β, free bits λ, clip norm, batch size (the DataLoader is rebuilt), checkpoint, evaluate, traverse,
undo (back to the snapshot before the last change) and rewind (to a snapshot step, paused there). Each command is
answered with an `outcome` record.

Needs torch and numpy; reads MNIST IDX files (gzip) from --data (default: the embedded 5,000-image subset of this
repository, whose last 50 images of every digit are the test split, as vaetop's own trainer holds them out).
"""
import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

try:
    import vaetop                     # pip install ./clients/python
except ImportError:                   # or straight from the repository
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python"))
    import vaetop
from vaetop.torchutils import gaussian_kl, kl_term  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEDULERS = ("none", "onecycle", "cyclic", "lambda", "step", "plateau")


def idx(path):
    b = gzip.open(path).read()
    if struct.unpack(">I", b[:4])[0] == 2051:
        n, r, c = struct.unpack(">III", b[4:16])
        return np.frombuffer(b[16:], np.uint8).reshape(n, r * c)
    return np.frombuffer(b[8:], np.uint8)


def load_mnist(folder):
    """(train, test) float tensors in [0, 1]: with a test file, the two files; else the last 50 images of each
    digit are the test split (vaetop's rule for the embedded subset)."""
    x = torch.tensor(idx(os.path.join(folder, "train-images-idx3-ubyte.gz")), dtype=torch.float32) / 255
    test_path = os.path.join(folder, "t10k-images-idx3-ubyte.gz")
    if os.path.exists(test_path):
        return x, torch.tensor(idx(test_path), dtype=torch.float32) / 255
    labels = idx(os.path.join(folder, "train-labels-idx1-ubyte.gz"))
    test = np.zeros(len(labels), bool)
    for d in range(10):
        test[np.flatnonzero(labels == d)[-50:]] = True
    return x[torch.from_numpy(~test)], x[torch.from_numpy(test)]


class VAE(nn.Module):
    def __init__(s, hidden=400, latent=20):
        super().__init__()
        s.fc1 = nn.Linear(784, hidden); s.fc21 = nn.Linear(hidden, latent)
        s.fc22 = nn.Linear(hidden, latent); s.fc3 = nn.Linear(latent, hidden); s.fc4 = nn.Linear(hidden, 784)

    def encode(s, x):
        h = F.relu(s.fc1(x))
        return s.fc21(h), s.fc22(h)

    def decode(s, z):
        return s.fc4(F.relu(s.fc3(z)))

    def forward(s, x):
        mu, logvar = s.encode(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return s.decode(z), mu, logvar


class Feed:
    """Training batches through a DataLoader, epoch after epoch. `order(epoch)` gives the epoch's image indices;
    a new batch size rebuilds the DataLoader over the rest of the epoch (same order, same position), and the
    position is state a snapshot can hold, so a rewind replays the same batches."""

    def __init__(self, images, batch_size, order):
        self.dataset, self.batch_size, self.order = TensorDataset(images), batch_size, order
        self.epoch, self.position = 1, 0
        self._start_epoch(1, 0)

    def _start_epoch(self, epoch, position):
        self.epoch, self.position = epoch, position
        self.indices = self.order(epoch)
        self._rebuild()

    def _rebuild(self):
        self.loader = DataLoader(self.dataset, batch_size=self.batch_size, sampler=self.indices[self.position:])
        self.batches = iter(self.loader)

    def set_batch_size(self, n):
        self.batch_size = int(n)
        self._rebuild()

    def next(self):
        """The next batch; starts the next epoch when this one is used up."""
        try:
            (xb,) = next(self.batches)
        except StopIteration:
            self._start_epoch(self.epoch + 1, 0)
            (xb,) = next(self.batches)
        self.position += len(xb)
        return xb

    def finished(self, epochs):
        """Whether `epochs` epochs are done."""
        return self.epoch > epochs or (self.epoch == epochs and self.position >= len(self.indices))

    def state(self):
        return {"epoch": self.epoch, "position": self.position, "batch_size": self.batch_size}

    def load_state(self, s):
        self.batch_size = s["batch_size"]
        self._start_epoch(s["epoch"], s["position"])


def make_scheduler(kind, opt, lr, total_steps, steps_per_epoch):
    S = torch.optim.lr_scheduler
    if kind == "onecycle":
        return S.OneCycleLR(opt, max_lr=lr * 3, total_steps=total_steps)
    if kind == "cyclic":
        return S.CyclicLR(opt, base_lr=lr / 10, max_lr=lr * 3, step_size_up=2 * steps_per_epoch)
    if kind == "lambda":
        return S.LambdaLR(opt, lambda t: min(1.0, (t + 1) / steps_per_epoch))            # warm-up over an epoch
    if kind == "step":
        return S.StepLR(opt, step_size=2 * steps_per_epoch, gamma=0.5)
    if kind == "plateau":
        return S.ReduceLROnPlateau(opt, factor=0.5, patience=2)                           # stepped at evaluations
    return None


def step_scheduler(sched):
    """A per-step scheduler step (OneCycleLR refuses steps past its total: after it, the lr stays)."""
    if sched is None or isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
        return
    if isinstance(sched, torch.optim.lr_scheduler.OneCycleLR) and sched.last_epoch + 1 >= sched.total_steps:
        return
    sched.step()


class Showcase:
    """Evaluation, images and traversals on the test split (fixed digits, fixed prior draws, own RNG: evaluating
    never changes the training's random stream)."""

    def __init__(self, run, model, test, latent):
        self.run, self.model, self.test = run, model, test
        g = torch.Generator().manual_seed(1234)
        self.prior = torch.randn(8, latent, generator=g)
        self.shown_originals = False

    @torch.no_grad()
    def evaluate(self, reduce=True):
        model, x = self.model, self.test
        was_training = model.training
        model.eval()
        mu, logvar = model.encode(x)
        g = torch.Generator().manual_seed(99)
        z = mu + torch.randn(mu.shape, generator=g) * torch.exp(0.5 * logvar)
        recon = F.binary_cross_entropy_with_logits(model.decode(z), x, reduction="sum").item() / len(x)
        self.run.log_eval(recon=recon, mu_all=mu, logvar_all=logvar, reduce=reduce)
        self.images()
        model.train(was_training)

    @torch.no_grad()
    def images(self):
        x = self.test[:8]
        mu, _ = self.model.encode(x)
        self.run.log_images(28, 28, originals=[] if self.shown_originals else x,
                            reconstructions=torch.sigmoid(self.model.decode(mu)),
                            samples=torch.sigmoid(self.model.decode(self.prior)))
        self.shown_originals = True

    @torch.no_grad()
    def traverse(self, d):
        values = [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]
        mu, _ = self.model.encode(self.test[:1])
        rows = []
        for start in (mu[0], self.prior[0]):
            z = start.repeat(len(values), 1)
            z[:, d] = torch.tensor(values)
            rows.append(torch.sigmoid(self.model.decode(z)))
        self.run.log_images(28, 28, traversal={"dimension": d, "values": values, "test": rows[0], "prior": rows[1]})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", default="runs/pytorch")
    ap.add_argument("--data", default=os.path.join(HERE, "..", "Sources", "Datasets", "Resources", "mnist"))
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--scheduler", choices=SCHEDULERS, default="none")
    ap.add_argument("--latent", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--eval-every", type=int, default=100, help="steps between evaluations")
    ap.add_argument("--snapshot-every", type=int, default=100, help="steps between snapshots (0: no undo/rewind)")
    ap.add_argument("--snapshot-memory", type=float, default=256, help="megabytes the snapshots may hold")
    ap.add_argument("--delay", type=float, default=0.0, help="seconds to sleep per step (to watch slowly)")
    a = ap.parse_args()
    torch.manual_seed(a.seed); torch.set_num_threads(1)

    train, test = load_mnist(a.data)
    model = VAE(latent=a.latent)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    steps_per_epoch = -(-len(train) // a.batch)
    sched = make_scheduler(a.scheduler, opt, a.lr, a.epochs * steps_per_epoch, steps_per_epoch)
    order = lambda epoch: torch.randperm(len(train), generator=torch.Generator().manual_seed(a.seed * 1000 + epoch)).tolist()  # noqa: E731
    feed = Feed(train, a.batch, order)

    run = vaetop.init(a.run, config={"latent": a.latent, "epochs": a.epochs, "batchSize": a.batch, "encoder": [400],
                                     "decoder": [400], "seed": a.seed, "optimizer": {"kind": "adam", "lr": a.lr}},
                      model=model, optimizer=opt, scheduler=sched, snapshot_every=a.snapshot_every,
                      snapshot_memory=a.snapshot_memory, beta=1.0, free_bits=0.0, clip_norm=None,
                      train_images=len(train), test_images=len(test), steps_per_epoch=steps_per_epoch)
    show = Showcase(run, model, test, a.latent)
    run.track("data", feed.state, feed.load_state, light=True)       # so a rewind replays the same batches

    def checkpoint():
        path = os.path.join(a.run, "checkpoint.pt")
        torch.save({"step": run.global_step, "model": model.state_dict(), "optimizer": opt.state_dict(),
                    "scheduler": sched.state_dict() if sched else None}, path)
        return path

    def evaluate():
        show.evaluate()
        if isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
            sched.step(run.last_eval_loss)

    run.on("batch_size", feed.set_batch_size, value=a.batch)
    run.on("checkpoint", checkpoint)
    run.on("evaluate", evaluate)
    run.on("traverse", show.traverse)

    while not feed.finished(a.epochs) and not run.stopped:
        with run.step() as step:
            xb = feed.next()
            run.epoch = feed.epoch
            logits, mu, logvar = model(xb)
            recon = F.binary_cross_entropy_with_logits(logits, xb, reduction="sum")
            loss = recon + run.beta * kl_term(gaussian_kl(mu, logvar), run.free_bits)
            opt.zero_grad()
            loss.backward()
            run.clip_grad_norm_()                    # per-layer norms first, then the clip norm in force
            opt.step()
            step_scheduler(sched)
            n = len(xb)
            run.log(loss=loss / n, recon=recon / n, mu=mu, logvar=logvar, batch_size=n)
            if step % a.eval_every == 0:
                evaluate()
        if a.delay:
            time.sleep(a.delay)
    if not run.stopped:
        show.evaluate()
    run.close(test_loss=run.last_eval_loss, active_units=run.last_active_units)


if __name__ == "__main__":
    main()
