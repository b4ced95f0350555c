"""vaetop: watch and steer a VAE training run from vaetop's terminal screen.

    import vaetop
    run = vaetop.init("runs/vae", config={"latent": 20, "batchSize": 128}, model=model, optimizer=opt,
                      scheduler=sched, snapshot_every=100, beta=1.0, free_bits=0.0)
    for x in loader:
        with run.step():
            ...                                  # forward, loss, backward, run.clip_grad_norm_(), opt.step()
            run.log(loss=..., recon=..., mu=mu, logvar=logvar, batch_size=len(x))
        if run.stopped:
            break
    run.close()

`import vaetop` needs only the standard library; torch is imported when a model, optimizer or tensors are given.
"""
import os

from . import distributed
from .client import FORMAT, VERSION, Run
from .commands import COMMANDS, HYPERPARAMETERS, MAX_COMMAND_LINE

__version__ = "0.12.0"
__all__ = ["Run", "init", "__version__", "FORMAT", "VERSION", "COMMANDS", "HYPERPARAMETERS", "MAX_COMMAND_LINE",
           "distributed"]


def _is_torch(obj):
    return obj is not None and type(obj).__module__.split(".")[0] == "torch"


class _Unset:
    """The default of a knob argument the loop did not pass (None would mean "declared, off")."""

    def __repr__(self):
        return "<not declared>"


_UNSET = _Unset()


def init(directory=None, config=None, *, model=None, optimizer=None, scheduler=None, snapshot_every=0,
         snapshot_memory=256, snapshot_limit=64, layers=None, name=None, values=None, beta=_UNSET,
         free_bits=_UNSET, clip_norm=_UNSET, clip_value=_UNSET, beta_target=_UNSET, train_images=0, test_images=0,
         steps_per_epoch=0, comm=None, guards=None):
    """A run in `directory` (default: $VAETOP_RUN, else runs/<script name>), ready for the common loop.

    - `model`, `optimizer`, `scheduler` (torch): layers, parameter count, per-layer gradient norms, lr/momentum/
      weight-decay commands that hold through the scheduler, and their state in snapshots.
    - `snapshot_every` K > 0: snapshots every K steps and before every change (so undo and rewind work), at most
      `snapshot_limit` of them within `snapshot_memory` MB.
    - `beta`, `free_bits`, `clip_norm`, `clip_value`, `beta_target`: the knobs the loop reads (`run.beta`,
      `run.free_bits`, `run.clip_norm` through `run.clip_grad_norm_`, …), with their starting values; naming one
      (even as None: off) lets the screen change it. `values` declares them as a dict instead.
    - `guards`: rules that repair the run, {"diverge": "rewind,lr*0.5,max=3", "spike": "rewind,skip=200"}: the
      syntax of vaetop's --on-diverge … (docs/guards.md), acting with the client's snapshots (snapshot_every).
    - Under torch.distributed (torchrun), rank 0 writes; every rank applies the same commands at the same steps.
    """
    if directory is None:
        import sys
        script = os.path.splitext(os.path.basename(sys.argv[0] or "run"))[0] or "run"
        directory = os.environ.get("VAETOP_RUN") or os.path.join("runs", script)
    knobs = dict(values or {})
    for k, v in (("beta", beta), ("free_bits", free_bits), ("clip_norm", clip_norm), ("clip_value", clip_value),
                 ("beta_target", beta_target)):
        if v is not _UNSET:
            knobs[k] = v
    torch_objects = any(_is_torch(o) for o in (model, optimizer, scheduler))
    run = Run(directory, config=config, layers=layers or (), name=name, train_images=train_images,
              test_images=test_images, steps_per_epoch=steps_per_epoch, values=knobs,
              optimizer=None if torch_objects else optimizer, scheduler=None if torch_objects else scheduler,
              snapshot_every=snapshot_every, snapshot_memory=snapshot_memory, snapshot_limit=snapshot_limit,
              comm=comm, guards=guards)
    if torch_objects:
        from . import torchutils
        torchutils.attach(run, model=model, optimizer=optimizer, scheduler=scheduler)
    return run
