"""Pure-Python stand-ins for a training loop's parts, for the standard-library tests of the vaetop client:
an optimizer, a model whose state the snapshots hold, schedulers (closed-form and chainable), a fake loop."""
import copy
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import vaetop  # noqa: E402


class FakeOptimizer:
    """Just enough of torch.optim.Adam's interface: param_groups with lr, betas, weight_decay; state_dict."""

    def __init__(self, lr=1e-3, lrs=None):
        lrs = lrs or [lr, lr]
        self.param_groups = [{"lr": x, "betas": (0.9, 0.999), "weight_decay": 0.0} for x in lrs]

    def state_dict(self):
        return {"param_groups": copy.deepcopy(self.param_groups)}

    def load_state_dict(self, state):
        self.param_groups[:] = copy.deepcopy(state["param_groups"])


class FakeSGD:
    """SGD-like groups: momentum instead of betas."""

    def __init__(self, lr=0.1):
        self.param_groups = [{"lr": lr, "momentum": 0.9, "weight_decay": 1e-4}]


class FakeModel:
    """A 'model' whose weights move every step (by an amount that depends on the lr and a random draw), so a
    restored snapshot is visible in its numbers."""

    def __init__(self, seed=None):
        self.w = [0.0, 1.0]
        self.rng = random.Random(seed) if seed is not None else None    # its own draws (else the global ones)

    def train_step(self, lr):
        self.w = [self.w[0] + lr * (self.rng or random).random(), self.w[1] * (1 - lr)]

    def state_dict(self):
        s = {"w": list(self.w)}
        if self.rng is not None:
            s["rng"] = self.rng.getstate()
        return s

    def load_state_dict(self, s):
        self.w = list(s["w"])
        if "rng" in s:
            self.rng.setstate(s["rng"])


def onecycle_lr(t, max_lr, total, pct=0.3, div=25.0, final_div=1e4):
    """OneCycleLR's cosine formula (two phases) at step t."""
    initial, final = max_lr / div, max_lr / div / final_div
    up = pct * total - 1
    if t <= up:
        p = t / up
        return final_lr_cos(initial, max_lr, p)
    p = (t - up) / (total - 1 - up)
    return final_lr_cos(max_lr, final, min(1.0, p))


def final_lr_cos(start, end, p):
    return end + (start - end) / 2.0 * (math.cos(math.pi * p) + 1)


class FakeOneCycle:
    """Closed form, like torch's OneCycleLR: lr (and β1) computed from the step count alone."""

    def __init__(self, optimizer, max_lrs, total=200):
        self.optimizer, self.max_lrs, self.total, self.t = optimizer, list(max_lrs), total, 0
        self._apply()

    def _apply(self):
        for g, m in zip(self.optimizer.param_groups, self.max_lrs):
            g["lr"] = onecycle_lr(self.t, m, self.total)
            g["betas"] = (0.95 - 0.1 * (g["lr"] / m), 0.999)

    def step(self):
        self.t += 1
        self._apply()

    def state_dict(self):
        return {"t": self.t}

    def load_state_dict(self, s):
        self.t = s["t"]


class FakeChainable:
    """Chainable, like torch's StepLR: the next lr is computed from the group's current lr."""

    def __init__(self, optimizer, gamma=0.9, step_size=7):
        self.optimizer, self.gamma, self.step_size, self.t = optimizer, gamma, step_size, 0

    def step(self):
        self.t += 1
        if self.t % self.step_size == 0:
            for g in self.optimizer.param_groups:
                g["lr"] = g["lr"] * self.gamma

    def state_dict(self):
        return {"t": self.t}

    def load_state_dict(self, s):
        self.t = s["t"]


class FakePlateau:
    """Like ReduceLROnPlateau: step(metric); after `patience` steps without improvement lr *= factor, not below
    min_lr, and only when the cut is larger than eps (both on the group's current lr)."""

    def __init__(self, optimizer, factor=0.5, patience=3, min_lr=1e-5, eps=1e-8):
        self.optimizer, self.factor, self.patience, self.min_lr, self.eps = optimizer, factor, patience, min_lr, eps
        self.best, self.bad = float("inf"), 0

    def step(self, metric):
        if metric < self.best:
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            for g in self.optimizer.param_groups:
                new = max(g["lr"] * self.factor, self.min_lr)
                if g["lr"] - new > self.eps:
                    g["lr"] = new
            self.bad = 0


def records(directory):
    with open(os.path.join(directory, "run.jsonl")) as f:
        return [json.loads(line) for line in f]


def kinds(directory, kind):
    return [r for r in records(directory) if r["kind"] == kind]


def send(directory, line):
    with open(os.path.join(directory, "commands.jsonl"), "a") as f:
        f.write(json.dumps(line) + "\n")


def send_raw(directory, data):
    with open(os.path.join(directory, "commands.jsonl"), "ab") as f:
        f.write(data)


def fake_loop(directory, steps=30, latent=4, before_step=None, optimizer=None, model=None, setup=None,
              after_step=None, **run_kwargs):
    """A loop whose 'loss' decays: it logs every step, evaluates every 10 and honours commands.
    `before_step(k)` runs before the step boundary that precedes step k (inside step k-1's block, so what it
    sends is applied at boundary k-1); `setup(run)` registers handlers; `after_step(run, step)` runs after each
    step's block. The step number comes from the client (undo and rewind move it back)."""
    opt = optimizer or FakeOptimizer()
    run = vaetop.Run(directory, config={"latent": latent, "epochs": 1, "batchSize": 32}, layers=["enc", "dec"],
                     steps_per_epoch=steps, values={"beta": 1.0, "free_bits": 0.0}, optimizer=opt, **run_kwargs)
    if model is not None:
        run.track("model", model.state_dict, model.load_state_dict)
    if setup:
        setup(run)
    if before_step:
        before_step(1)
    while run.global_step < steps:
        with run.step() as step:
            if model is not None:
                model.train_step(opt.param_groups[0]["lr"])
            dims = [0.5 / (j + 1) * math.exp(-step / 50) for j in range(latent)]
            kl = sum(dims)
            recon = 200 * math.exp(-step / 20) + 80
            run.log(loss=recon + run.beta * kl, recon=recon, kl_dims=dims, layer_grad_norms=[6 / step, 8 / step],
                    batch_size=run.batch_size or 32, samples_per_second=1000.0)
            if step % 10 == 0:
                run.log_eval(loss=recon + kl + 5, recon=recon + 5, kl=kl, kl_dims=dims, active_units=latent)
            if before_step and step < steps:
                before_step(step + 1)
        if after_step:
            after_step(run, step)
        if run.stopped:
            break
    run.close(test_loss=100.0, active_units=latent)
    return run, opt
