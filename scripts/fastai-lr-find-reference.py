#!/usr/bin/env python3
"""fastai's lr_find on given loss curves, for vaetop's `lr-find --like fastai` test (needs torch; CI has none, so the
fixture it writes is committed: Tests/TrainingTests/Fixtures/fastai-lr-find.json).

What fastai 2's `Learner.lr_find` does with the batch losses (fastai/callback/schedule.py, fastai/learner.py),
written out: LRFinder(start_lr=1e-7, end_lr=10, num_it=100) sets lr = start·(end/start)^(i/num_it) before batch i
(SchedExp); Recorder appends that lr and AvgSmoothLoss.value (val = torch.lerp(loss, val, 0.98), shown as
val / (1 − 0.98^count), float32); LRFinder stops after a batch whose smoothed loss exceeds 4 × the best so far, or
after num_it batches; lr_find keeps recorder[num_it//10 : −5] as float32 tensors, cut at the first NaN, and asks
valley, minimum and steep (their code: Python's negative index included).
"""
import json, math, random, sys
import torch

def lr_find(raw, start=1e-7, end=10.0, num_it=100):
    num_it = max(num_it, 6)
    val, count, best = torch.tensor(0.), 0, float("inf")
    lrs, losses = [], []
    for i in range(num_it):
        if i >= len(raw): break
        lr = start * (end / start) ** (i / num_it)
        loss = torch.tensor(raw[i], dtype=torch.float32)
        count += 1
        val = torch.lerp(loss.mean(), val, 0.98)
        smooth = val / (1 - 0.98 ** count)
        lrs.append(lr); losses.append(smooth)
        if smooth < best: best = smooth
        if smooth > 4 * best: break
        if i + 1 >= num_it: break
    L, Y = torch.tensor(lrs[num_it // 10:-5]), torch.tensor(losses[num_it // 10:-5])
    nan = torch.nonzero(torch.isnan(Y.view(-1)))
    if len(nan) > 0:
        d = min(nan); L, Y = L[:d], Y[:d]
    out = {"recorded": len(lrs)}
    if len(Y) >= 2:
        out["valley"] = valley(L, Y)
        out["minimum"] = L[Y.argmin()].item() / 10
        grads = (Y[1:] - Y[:-1]) / (L[1:].log() - L[:-1].log())
        out["steep"] = L[grads.argmin()].item()
    return out

def valley(lrs, losses):
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if (losses[i] < losses[j]) and (lds[i] < lds[j] + 1):
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    idx = max_start + int(sections) + int(sections / 2)
    return float(lrs[idx])

def f32(x):
    return torch.tensor(x, dtype=torch.float32).item()

def curves():
    rnd = random.Random(25)
    out = []
    for k in range(40):
        # A VAE-like curve: flat, falling, a valley, then divergence; noise of several sizes; some with NaN or a plateau.
        a, b, c = rnd.uniform(150, 550), rnd.uniform(0.2, 0.8), rnd.uniform(0.6, 0.95)
        noise = rnd.choice([0.0, 0.5, 2.0, 10.0])
        ys = []
        for i in range(100):
            u = i / 100
            y = a * (1 - b * (1 / (1 + math.exp(-(u - 0.45) * 18)))) + (a * (math.exp((u - c) * 40) - 1) if u > c else 0)
            ys.append(f32(y + rnd.gauss(0, noise)))
        if k % 7 == 3: ys[rnd.randrange(30, 80)] = float("nan")
        if k % 9 == 4: ys = [f32(300.0)] * 100                       # a plateau of equal losses
        out.append(ys)
    out.append([f32(500 - 3 * i) for i in range(100)])                # falls all the way: the degenerate valley
    out.append([f32(500 - 3 * i) for i in range(17)] + [f32(1e9)] * 83)
    # The longest decreasing run starts at the first kept point and is 2 long: fastai's index is -1, the last lr.
    out.append([f32(500.0)] * 11 + [f32(100.0)] + [f32(2000.0 + 50 * i) for i in range(88)])
    return out

# JSON has no NaN: a NaN loss is written as null.
cases = [{"losses": [None if math.isnan(y) else y for y in ys], **lr_find(ys)} for ys in curves()]
json.dump({"about": __doc__.strip().splitlines()[0], "cases": cases}, allow_nan=False, fp=open(sys.argv[1] if len(sys.argv) > 1 else
          "Tests/TrainingTests/Fixtures/fastai-lr-find.json", "w"))
print(len(cases), "cases;", sum("valley" in c for c in cases), "with suggestions;", [c["recorded"] for c in cases][:12])
