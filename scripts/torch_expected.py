"""Prints the PyTorch values the optimizer and schedule tests compare against (not run in CI).

The tests also state each formula; these numbers are what torch itself computes, so a reader can check
that the formulas were transcribed right. Usage: python scripts/torch_expected.py > /tmp/expected.txt
"""
import math
import torch

torch.set_default_dtype(torch.float64)
C = torch.tensor([0.3, -0.2, 1.0])
THETA0 = [1.0, 0.5, -0.5]


def run(make, steps=8):
    p = torch.nn.Parameter(torch.tensor(THETA0))
    opt = make([p])
    out = []
    for _ in range(steps):
        opt.zero_grad()
        loss = 0.5 * ((p - C) ** 2).sum()
        loss.backward()
        opt.step()
        out.append(p.detach().tolist())
    return out


def show(name, rows):
    flat = ", ".join(f"{v!r}" for r in rows for v in r)
    print(f"    static let {name}: [Double] = [{flat}]")


print("enum TorchOptimizerValues {")
show("adam", run(lambda ps: torch.optim.Adam(ps, lr=0.1)))
show("adamL2", run(lambda ps: torch.optim.Adam(ps, lr=0.1, weight_decay=0.1)))
show("amsgrad", run(lambda ps: torch.optim.Adam(ps, lr=0.1, amsgrad=True)))
show("adamw", run(lambda ps: torch.optim.AdamW(ps, lr=0.1)))
show("sgd", run(lambda ps: torch.optim.SGD(ps, lr=0.1)))
show("sgdMomentum", run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)))
show("sgdNesterov", run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True)))
show("radam", run(lambda ps: torch.optim.RAdam(ps, lr=0.1), steps=8))
show("radamDecoupled", run(lambda ps: torch.optim.RAdam(ps, lr=0.1, weight_decay=0.1, decoupled_weight_decay=True), steps=8))
print("}")


def lrs(make, steps, momentum=False, opt_kind="sgd"):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9) if opt_kind == "sgd" else torch.optim.Adam([p], lr=0.1)
    s = make(opt)
    lr, mom = [], []
    for _ in range(steps):
        g = opt.param_groups[0]
        lr.append(g["lr"])
        mom.append(g["momentum"] if opt_kind == "sgd" else g["betas"][0])
        opt.step()
        s.step()
    return lr, mom


S = torch.optim.lr_scheduler
print("enum TorchScheduleValues {")
for name, make, n in [
    ("step", lambda o: S.StepLR(o, step_size=3, gamma=0.5), 10),
    ("multistep", lambda o: S.MultiStepLR(o, milestones=[2, 5], gamma=0.1), 8),
    ("exponential", lambda o: S.ExponentialLR(o, gamma=0.9), 6),
    ("cosine", lambda o: S.CosineAnnealingLR(o, T_max=5, eta_min=0.01), 14),
    ("restarts", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001), 22),
    ("triangular", lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3), 14),
    ("triangular2", lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2, step_size_down=3, mode="triangular2"), 16),
    ("expRange", lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode="exp_range", gamma=0.9), 13),
    ("onecycle", lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=10), 10),
    ("onecycleLinear3", lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=12, anneal_strategy="linear", three_phase=True, pct_start=0.25), 12),
    ("warmupCosine", lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.25, total_iters=4), S.CosineAnnealingLR(o, T_max=6)], milestones=[4]), 12),
]:
    lr, mom = lrs(make, n)
    print(f"    static let {name}LR: [Double] = [{', '.join(repr(v) for v in lr)}]")
    print(f"    static let {name}Momentum: [Double] = [{', '.join(repr(v) for v in mom)}]")
lr, mom = lrs(lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=10), 10, opt_kind="adam")
print(f"    static let onecycleAdamBeta1: [Double] = [{', '.join(repr(v) for v in mom)}]")
print("}")
