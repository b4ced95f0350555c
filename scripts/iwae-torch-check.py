#!/usr/bin/env python3
"""Checks `vaetop eval RUN --iwae-k K --images N --dump DIR` against PyTorch: the same weights, images and noise, the
IWAE bound (Burda et al. 2016) computed by torch in float64 with its own ops (nn.functional.linear, relu,
binary_cross_entropy_with_logits, logsumexp). Prints each image's bound from both and the largest difference.

    vaetop eval runs/x --iwae-k 200 --images 20 --dump /tmp/iwae && python3 scripts/iwae-torch-check.py /tmp/iwae
"""
import json, math, os, sys
import torch
import torch.nn.functional as F

d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/iwae"
meta = json.load(open(os.path.join(d, "iwae.json")))
def f32(name):
    raw = open(os.path.join(d, name), "rb").read()
    return torch.frombuffer(bytearray(raw), dtype=torch.float32).double()
params, noise, pixels = f32(meta["paramsFile"]), f32(meta["noiseFile"]), f32(meta["imagesFile"])
layers = {l["name"]: (params[l["weight"]:l["weight"] + l["in"] * l["out"]].view(l["out"], l["in"]),
                      params[l["bias"]:l["bias"] + l["out"]]) for l in meta["layers"]}
enc = sorted(n for n in layers if n.startswith("enc")); dec = sorted(n for n in layers if n.startswith("dec"))
k, n, latent, D = meta["k"], meta["images"], meta["latent"], meta["input"]
x_all = pixels.view(n, D)
eps_all = noise.view(n, k, latent)
worst = 0.0
mine = []
for i in range(n):
    x = x_all[i:i + 1]
    h = x
    for name in enc: h = F.relu(F.linear(h, *layers[name]))
    mu, logvar = F.linear(h, *layers["mu"]), F.linear(h, *layers["logvar"])
    eps = eps_all[i]
    z = mu + eps * torch.exp(logvar / 2)
    g = z
    for name in dec: g = F.relu(F.linear(g, *layers[name]))
    logits = F.linear(g, *layers["out"])
    if meta["likelihood"] == "bernoulli":
        log_lik = -F.binary_cross_entropy_with_logits(logits, x.expand(k, D), reduction="none").sum(1)
    else:
        log_lik = -0.5 * ((logits - x) ** 2).sum(1)               # vaetop's Gaussian recon: without D/2·log 2π
    log_w = log_lik - 0.5 * (z ** 2).sum(1) + 0.5 * (eps ** 2).sum(1) + 0.5 * logvar.sum()
    bound = -(torch.logsumexp(log_w, 0) - math.log(k)).item()
    mine.append(bound)
    diff = abs(bound - meta["bounds"][i])
    worst = max(worst, diff / max(1.0, abs(bound)))
    print(f"image {i:3d}: torch {bound:12.5f}  vaetop {meta['bounds'][i]:12.5f}  difference {diff:.2e}")
print(f"mean: torch {sum(mine) / n:.5f}, vaetop {sum(meta['bounds']) / n:.5f}; largest relative difference {worst:.2e}")
