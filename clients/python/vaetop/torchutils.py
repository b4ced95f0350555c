"""PyTorch helpers for the vaetop client (imported only when used; needs torch).

- `attach(run, model, optimizer, scheduler)`: the model's layers and parameter count for the header, snapshots
  of model, optimizer and scheduler state (CPU deep copies) and of torch's RNG states, the optimizer and
  scheduler for lr/momentum/weight-decay commands.
- `TorchHelper`: what `run.log`, `run.log_eval` and `run.clip_grad_norm_` compute from tensors: the KL of each
  latent dimension from (mu, logvar), per-layer gradient norms, the moments of the posterior means.
- `gaussian_kl(mu, logvar)`, `kl_term(kl_elem, free_bits)`: the pieces of a VAE objective with free bits.
"""
import collections
import copy
import math

import torch

_PREFIXES = ("module.", "_orig_mod.")     # DistributedDataParallel, torch.compile


def layer_name(parameter_name):
    """The module a parameter belongs to: "fc1.weight" → "fc1", "module.enc.0.bias" → "enc.0"."""
    name = parameter_name
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if name.startswith(p):
                name, changed = name[len(p):], True
    return name.rsplit(".", 1)[0] if "." in name else name


def layer_groups(model):
    """[(layer name, [parameters])] in the order of model.named_parameters(), trainable parameters only."""
    groups = {}
    for n, p in model.named_parameters():
        if p.requires_grad:
            groups.setdefault(layer_name(n), []).append(p)
    return list(groups.items())


def cpu_copy(obj):
    """A deep copy with every tensor copied to the CPU (detached), so training on never changes it."""
    if isinstance(obj, torch.Tensor):
        return obj.detach().to(device="cpu", copy=True)
    if isinstance(obj, dict):
        out = collections.OrderedDict() if isinstance(obj, collections.OrderedDict) else {}
        for k, v in obj.items():
            out[k] = cpu_copy(v)
        metadata = getattr(obj, "_metadata", None)          # module state dicts carry their version here
        if metadata is not None and isinstance(out, collections.OrderedDict):
            out._metadata = copy.deepcopy(metadata)
        return out
    if isinstance(obj, list):
        return [cpu_copy(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(cpu_copy(v) for v in obj)
    return copy.deepcopy(obj)


def gaussian_kl(mu, logvar):
    """KL(q(z|x) ‖ N(0, I)) of every element: a (batch, latent) tensor, in nats."""
    return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp())


def kl_term(kl_elem, free_bits=0.0):
    """The KL the objective uses, summed over the batch: with free bits λ > 0, Σ_j max(λ, batch-mean KL_j) times
    the batch size (Kingma et al. 2016); else the plain sum."""
    if free_bits and free_bits > 0:
        return torch.clamp(kl_elem.mean(0), min=float(free_bits)).sum() * kl_elem.shape[0]
    return kl_elem.sum()


def _rng_state():
    state = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state):
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


class TorchHelper:
    """Tensor computations for one run (and its model, when given)."""

    def __init__(self, run, model=None):
        self.run = run
        self.model = model
        self.groups = layer_groups(model) if model is not None else []

    @property
    def layer_names(self):
        return [n for n, _ in self.groups]

    def kl_dims(self, mu, logvar):
        """Batch-mean KL of every latent dimension (a list of floats)."""
        with torch.no_grad():
            return gaussian_kl(mu.detach().double(), logvar.detach().double()).mean(0).tolist()

    def moments(self, mu_all):
        """(rows, per-dimension mean, per-dimension mean of squares) of the posterior means, in float64."""
        with torch.no_grad():
            m = mu_all.detach().double()
            return int(m.shape[0]), m.mean(0).tolist(), m.pow(2).mean(0).tolist()

    def grey_levels(self, images):
        """Images in [0, 1] (any shape with the batch first) as lists of 0–255 grey levels."""
        with torch.no_grad():
            t = images.detach().float().reshape(images.shape[0], -1).clamp(0, 1).mul(255).round().to(torch.uint8)
            return t.cpu().tolist()

    def _layer_norms(self):
        """Per-layer gradient L2 norms (one device sync for all layers) and their total."""
        if not self.groups:
            return [], 0.0
        with torch.no_grad():
            squares = []
            for _, params in self.groups:
                grads = [p.grad.detach() for p in params if p.grad is not None]
                if grads:
                    squares.append(sum(g.double().pow(2).sum() for g in grads))
                else:
                    squares.append(torch.zeros((), dtype=torch.float64, device=params[0].device))
            device = squares[0].device
            stacked = torch.stack([s.to(device) for s in squares])
            layers = stacked.sqrt().tolist()
        return layers, math.sqrt(sum(x * x for x in layers))

    def grad_norms(self):
        """(per-layer norms, total, total after clipping, clip coefficient) of the gradients now."""
        layers, total = self._layer_norms()
        return layers, total, total, 1.0

    def clip_grad_norm_(self, parameters=None, max_norm=None, norm_type=2.0):
        run = self.run
        if parameters is None:
            if self.model is None:
                raise ValueError("clip_grad_norm_ needs the parameters (or a model given to vaetop.init)")
            parameters = [p for _, ps in self.groups for p in ps]
        params = [p for p in parameters if p.grad is not None]
        layers, total = self._layer_norms() if self.model is not None else ([], None)
        clip = max_norm if max_norm is not None else run.clip_norm
        if total is None:
            total = float(torch.nn.utils.clip_grad_norm_(params, float("inf"), norm_type)) if params else 0.0
        clipped, coef = total, 1.0
        if clip and clip > 0 and params:
            torch.nn.utils.clip_grad_norm_(params, float(clip), norm_type)
            coef = min(1.0, float(clip) / (total + 1e-6))
            clipped = min(total, float(clip))
        if run.clip_value and params:
            torch.nn.utils.clip_grad_value_(params, run.clip_value)
            with torch.no_grad():
                clipped = math.sqrt(sum(float(p.grad.detach().double().pow(2).sum()) for p in params))
        run._grad_cache = (layers, total, clipped, coef)
        # As torch.nn.utils.clip_grad_norm_ does: the total norm as a tensor on the gradients' device (`.item()` works).
        return torch.tensor(total, device=params[0].grad.device if params else "cpu")


def attach(run, model=None, optimizer=None, scheduler=None, snapshot_rng=True):
    """Connects a model, optimizer and scheduler to a run: layers and parameter count (for the header), lr,
    momentum and weight-decay commands, per-layer gradient norms in `run.log`, and snapshots of their state."""
    helper = TorchHelper(run, model)
    run._torch = helper
    if model is not None:
        if not run.layers:
            run.layers = helper.layer_names
        if not run.parameters:
            run.parameters = sum(p.numel() for p in model.parameters() if p.requires_grad)
        run.track("model", lambda: cpu_copy(model.state_dict()), lambda s: model.load_state_dict(s))
    if optimizer is not None:
        run.attach(optimizer, scheduler)
        # load_state_dict keeps the tensors it is given: give it a copy, so the snapshot stays as taken.
        run.track("optimizer", lambda: cpu_copy(optimizer.state_dict()),
                  lambda s: optimizer.load_state_dict(cpu_copy(s)))
    if scheduler is not None:
        run.track("scheduler", lambda: copy.deepcopy(scheduler.state_dict()),
                  lambda s: scheduler.load_state_dict(copy.deepcopy(s)))
    if snapshot_rng:
        run.track("torch_rng", _rng_state, _set_rng_state, rng=True)
    return helper
