"""He et al. 2019's calc_mi (github.com/jxhe/vae-lagging-encoder, modules/encoders/encoder.py) on the fixed inputs
of MutualInformationTests.matchesTheReferenceImplementation; prints the value that test expects.
Needs torch (run by hand: ../venv/bin/python scripts/mi_reference.py)."""
import math, torch
def log_sum_exp(value, dim=None, keepdim=False):
    m, _ = torch.max(value, dim=dim, keepdim=True)
    value0 = value - m
    if keepdim is False: m = m.squeeze(dim)
    return m + torch.log(torch.sum(torch.exp(value0), dim=dim, keepdim=keepdim))
def calc_mi(mu, logvar, z_samples):
    x_batch, nz = mu.size()
    neg_entropy = (-0.5 * nz * math.log(2 * math.pi)- 0.5 * (1 + logvar).sum(-1)).mean()
    z_samples = z_samples.unsqueeze(1)
    mu, logvar = mu.unsqueeze(0), logvar.unsqueeze(0)
    var = logvar.exp()
    dev = z_samples - mu
    log_density = -0.5 * ((dev ** 2) / var).sum(dim=-1) - 0.5 * (nz * math.log(2 * math.pi) + logvar.sum(-1))
    log_qz = log_sum_exp(log_density, dim=1) - math.log(x_batch)
    return (neg_entropy - log_qz.mean(-1)).item()
B, nz = 40, 6
mu = torch.tensor([[math.sin(0.7*i + 1.3*j) * 1.5 for j in range(nz)] for i in range(B)], dtype=torch.float64)
logvar = torch.tensor([[-1.0 + 0.5*math.cos(0.3*i + 0.9*j) for j in range(nz)] for i in range(B)], dtype=torch.float64)
eps = torch.tensor([[math.sin(2.1*i - 0.4*j + 0.5) for j in range(nz)] for i in range(B)], dtype=torch.float64)
z = mu + torch.exp(0.5*logvar) * eps
print(repr(calc_mi(mu, logvar, z)))
