"""By hand, with torch: an lr set through commands.jsonl holds through every kind of torch scheduler.

    python clients/python/tests/torch_lr_schedulers.py [--steps 200] [--change-at 50] [--check-at 150]

For each scheduler, two identical (model, Adam with two param groups of different lr, scheduler) triples step
side by side; the run steers the first. At step `change-at` a `set lr` command asks for 5× the schedule's lr;
from then on every group's lr must equal 5 × the untouched schedule's lr of that group (relative error below
1e-12) at every step, and the script prints the numbers at `check-at`. The `plan` record written at the start
must equal the untouched schedule's lr at every step (all but ReduceLROnPlateau, which gets none). Exit status 1
if any check fails.
Not part of the standard-library unit tests (it needs torch); not named test_*.py for that reason.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import vaetop  # noqa: E402


def make(kind, opt, steps):
    S = torch.optim.lr_scheduler
    if kind == "OneCycleLR":
        return S.OneCycleLR(opt, max_lr=[0.01, 0.04], total_steps=steps + 1)
    if kind == "CyclicLR":
        return S.CyclicLR(opt, base_lr=[1e-4, 4e-4], max_lr=[1e-2, 4e-2], step_size_up=40, mode="triangular2")
    if kind == "LambdaLR":
        return S.LambdaLR(opt, lambda t: min(1.0, (t + 1) / 30) * 0.99 ** t)
    if kind == "StepLR":
        return S.StepLR(opt, step_size=30, gamma=0.5)
    if kind == "ExponentialLR":
        return S.ExponentialLR(opt, gamma=0.99)
    if kind == "SequentialLR":
        warm = S.LinearLR(opt, start_factor=0.1, total_iters=20)
        decay = S.CosineAnnealingLR(opt, T_max=steps)
        return S.SequentialLR(opt, [warm, decay], milestones=[20])
    if kind == "ReduceLROnPlateau":
        return S.ReduceLROnPlateau(opt, factor=0.5, patience=10, min_lr=1e-8)
    raise ValueError(kind)


KINDS = ["OneCycleLR", "CyclicLR", "LambdaLR", "StepLR", "ExponentialLR", "SequentialLR", "ReduceLROnPlateau"]


def triple(kind, steps):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Linear(8, 2))
    opt = torch.optim.Adam([{"params": model[0].parameters(), "lr": 1e-3},
                            {"params": model[1].parameters(), "lr": 4e-3}])
    return model, opt, make(kind, opt, steps)


def plateau_metric(step):
    return 10.0 - 0.1 * step if step < 60 else 4.0   # improves, then flat: the plateau cuts lr every few steps


def check(kind, steps, change_at, check_at):
    d = tempfile.mkdtemp(prefix=f"vaetop-{kind}-")
    try:
        model, opt, sched = triple(kind, steps)
        _, ref_opt, ref_sched = triple(kind, steps)
        run = vaetop.init(d, config={"epochs": 1}, steps_per_epoch=steps, model=model, optimizer=opt, scheduler=sched)
        plan_reference = []
        x = torch.randn(16, 4)
        factor, worst, at_check = None, 0.0, None
        while run.global_step < steps:
            with run.step() as step:
                plan_reference.append(ref_opt.param_groups[0]["lr"])
                if factor is not None:
                    for g, (ours, theirs) in enumerate(zip(opt.param_groups, ref_opt.param_groups)):
                        want = factor * theirs["lr"]
                        worst = max(worst, abs(ours["lr"] - want) / abs(want))
                    if step == check_at:
                        at_check = [(g["lr"], r["lr"]) for g, r in zip(opt.param_groups, ref_opt.param_groups)]
                loss = model(x).pow(2).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
                ref_opt.step()                       # no gradients: only its schedule matters here
                if kind == "ReduceLROnPlateau":
                    sched.step(plateau_metric(step))
                    ref_sched.step(plateau_metric(step))
                else:
                    sched.step()
                    ref_sched.step()
                run.log(loss=loss, recon=loss, kl_dims=[0.0])
                if step == change_at:
                    own = ref_opt.param_groups[0]["lr"]
                    factor = 5.0
                    with open(os.path.join(d, "commands.jsonl"), "a") as f:
                        f.write(json.dumps({"id": 1, "command": "set", "parameter": "lr", "value": factor * own}) + "\n")
        run.close()
        with open(os.path.join(d, "run.jsonl")) as f:
            records = list(map(json.loads, f))
        outcome = [r for r in records if r["kind"] == "outcome"][0]
        plans = [r for r in records if r["kind"] == "plan"]
        plan_error = None
        if plans:
            lr = plans[0]["lr"]
            plan_error = max(abs(a - b) / b for a, b in zip(lr, plan_reference)) if len(lr) == len(plan_reference) else float("inf")
        return worst, at_check, outcome, plan_error
    finally:
        shutil.rmtree(d, True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--change-at", type=int, default=50)
    ap.add_argument("--check-at", type=int, default=150)
    a = ap.parse_args()
    torch.set_num_threads(1)
    ok = True
    print(f"torch {torch.__version__}; set lr = 5 × schedule at step {a.change_at}; lr at step {a.check_at}")
    for kind in KINDS:
        worst, at_check, outcome, plan_error = check(kind, a.steps, a.change_at, a.check_at)
        good = worst < 1e-12 and outcome["outcome"] == "applied"
        good &= (plan_error is None) if kind == "ReduceLROnPlateau" else (plan_error is not None and plan_error < 1e-12)
        ok &= good
        groups = "; ".join(f"group {g}: {ours:.6e} = 5 × {theirs:.6e} (ratio {ours / theirs:.15f})"
                           for g, (ours, theirs) in enumerate(at_check))
        print(f"{'ok  ' if good else 'FAIL'} {kind:18s} max rel. error {worst:.1e} over steps {a.change_at + 1}…{a.steps}; "
              f"{groups}; outcome: {outcome['outcome']} from {outcome['from']} ({outcome.get('reason', '')}); "
              f"plan: {'none' if plan_error is None else f'max rel. error {plan_error:.1e} over {a.steps} steps'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
