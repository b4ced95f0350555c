"""vaetop's run client: write vaetop's run format from a Python training loop and take commands from `vaetop watch`.

Standard library only (torch is used through `vaetop.torchutils`, imported only when tensors or a model are
given). A run is a directory holding run.jsonl (the records, docs/run-format.md) and, once `vaetop watch RUN`
sends something, commands.jsonl (one JSON command per line).

Every command line gets exactly one `outcome` record: "applied" (it happened; `from` is the first step trained
with it), "refused" (malformed or out of range; `reason` says why) or "unsupported" (this loop cannot do it;
`reason` says what is missing). The header's `capabilities` lists what the loop can honour. With a torch
scheduler, a `plan` record gives the lr it plans for every step (the screen draws the lr chart's future from it).

    run = vaetop.Run("runs/demo", config={"latent": 4, "batchSize": 32}, layers=["enc", "dec"],
                     optimizer=opt, values={"beta": 1.0, "free_bits": 0.0})
    while run.global_step < steps:
        with run.step() as step:               # commands are applied at the step boundary, pauses wait here
            ...                                 # train step `step` (1-based), reading run.beta, run.free_bits
            run.log(loss=..., recon=..., kl_dims=[...], batch_size=32)
        if run.stopped:
            break
    run.close()
"""
import atexit
import copy
import datetime
import json
import math
import os
import random
import signal
import socket
import sys
import threading
import time
import warnings

from . import distributed
from . import guards as guards_module
from .commands import (COMMANDS, HYPERPARAMETERS, LABELS, MAX_COMMAND_LINE, CommandReader, clean, compact,
                       range_problem)
from .schedule import OptimizerControl, planned_lrs
from .snapshots import Snapshot, SnapshotStore, estimate_bytes

FORMAT = "vaetop-run"
VERSION = 1
HANDLED = ("batch_size", "checkpoint", "evaluate", "traverse")   # what `run.on(name, fn)` registers
HEARTBEAT_FILE = ".vaetop-alive"   # touched every HEARTBEAT_SECONDS while the writing process lives
HEARTBEAT_SECONDS = 2.0
KNOB_PATIENCE = 100                # steps a declared knob's change may wait for the loop to read it
BATCH_SIZE_PATIENCE = 2            # epochs a batch-size change may take to reach the batches (next epoch, say)

_open_runs = []                    # runs not closed yet: ended with a reason at interpreter exit
_last_exception = []               # the uncaught exception that is ending the interpreter, if any


def _excepthook(exc_type, exc, tb, _previous=sys.excepthook):
    _last_exception[:] = [f"{exc_type.__name__}: {exc}"]
    _previous(exc_type, exc, tb)


def _close_open_runs():
    for run in list(_open_runs):
        detail = _last_exception[0] if _last_exception else "the process exited without run.close()"
        run.close(reason="error", detail=detail)


def _zombie(pid):
    """Whether `pid` has died and waits to be reaped (state Z in /proc; False where there is no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _batch_length(batch):
    """The number of examples in a batch as a DataLoader yields it (a tensor, a tuple/list or dict of them); None
    when it cannot be told."""
    if isinstance(batch, dict):
        batch = next(iter(batch.values()), None)
    elif isinstance(batch, (tuple, list)) and batch and not isinstance(batch[0], (int, float)):
        batch = batch[0]
    shape = getattr(batch, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    try:
        return len(batch)
    except TypeError:
        return None


sys.excepthook = _excepthook
atexit.register(_close_open_runs)

DECLARABLE = ("beta", "beta_target", "free_bits", "clip_norm", "clip_value")  # knobs the loop reads from run.values
OPTIMIZER_KNOBS = ("lr", "momentum", "weight_decay")
MAX_PLAN = 1_000_000               # steps a plan record covers at most
COLLAPSE_THRESHOLD = 0.01
ACTIVE_UNIT_THRESHOLD = 0.01

__all__ = ["Run", "FORMAT", "VERSION", "HYPERPARAMETERS", "COMMANDS", "MAX_COMMAND_LINE"]


def _num(v):
    """Floats as the run format writes them: non-finite values become "nan", "inf", "-inf"."""
    if v is None:
        return None
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def _float(v):
    """A float from a number, a 0-dim tensor or a one-element array."""
    if hasattr(v, "detach"):
        v = v.detach()
    if hasattr(v, "item") and not isinstance(v, (int, float)):
        return float(v.item())
    return float(v)


def _floats(xs):
    """A list of floats from a list, a 1-dim tensor or an array."""
    if xs is None:
        return None
    if hasattr(xs, "detach"):
        xs = xs.detach()
    if hasattr(xs, "tolist"):
        xs = xs.tolist()
    return [float(x) for x in xs]


def _gaussian_kl_dims(mu_rows, logvar_rows):
    """Mean over the rows of KL(N(mu, exp(logvar)) ‖ N(0, 1)) per dimension, from lists of lists."""
    n = len(mu_rows)
    sums = None
    for mu, lv in zip(mu_rows, logvar_rows):
        kl = [-0.5 * (1 + float(v) - float(m) ** 2 - math.exp(float(v))) for m, v in zip(mu, lv)]
        sums = kl if sums is None else [a + b for a, b in zip(sums, kl)]
    return [x / n for x in sums] if sums else []


def _is_tensor(x):
    return type(x).__module__.split(".")[0] == "torch"


class _UndoEntry:
    __slots__ = ("snapshot_id", "step", "detail", "trigger")

    def __init__(self, snapshot_id, step, detail, trigger=None):
        self.snapshot_id, self.step, self.detail = snapshot_id, step, detail
        self.trigger = trigger          # a guard's repair: undoing it quiets that guard


class _Refusal(Exception):
    """A command that cannot be done as asked (its outcome is "refused" with this reason)."""


class _StepContext:
    """`with run.step() as step:` — see Run.step."""
    __slots__ = ("run",)

    def __init__(self, run):
        self.run = run

    def __enter__(self):
        return self.run._enter_step()

    def __exit__(self, exc_type, exc, tb):
        self.run._exit_step(exc_type is None)
        return False


class Run:
    """A vaetop run written by this process (by rank 0 of a distributed run; the other ranks write nothing but
    apply the same commands at the same steps).

    Arguments beyond the run's description (`config`, `layers`, `name`, image counts, `steps_per_epoch`):

    - `values`: the knobs the loop reads from `run.values` (e.g. {"beta": 1.0, "free_bits": 0.0, "clip_norm":
      None}); the ones named here (beta, beta_target, free_bits, clip_norm, clip_value) can be set from the screen.
    - `optimizer`, `scheduler`: lr, momentum and weight decay act on the optimizer's param groups; an lr change
      scales the scheduler's schedule and holds through its steps (vaetop.schedule).
    - `snapshot_every` K > 0 keeps snapshots every K steps and before every change (undo, rewind), at most
      `snapshot_limit` of them in `snapshot_memory` megabytes.
    - `comm`: how the ranks of a distributed run talk (vaetop.distributed); by default detected.
    - `parameters`: trainable parameters (the header's field).
    - `guards`: rules that repair the run, {"diverge": "rewind,lr*0.5,max=3", "spike": "rewind,skip=200"} (docs/
      guards.md: the syntax of vaetop's --on-diverge …). They act at the step boundary, with the client's snapshots;
      skip drops batches of `run.batches`. Triggers not named are off.
    """

    def __init__(self, directory, config=None, layers=(), name=None, train_images=0, test_images=0,
                 steps_per_epoch=0, values=None, *, optimizer=None, scheduler=None, parameters=0,
                 snapshot_every=0, snapshot_memory=256, snapshot_limit=64, comm=None, poll_seconds=0.05, guards=None):
        rules = guards_module.parse_all(guards)       # a bad rule is refused before anything is written
        self.directory = directory
        self.path = os.path.join(directory, "run.jsonl")
        self.commands_path = os.path.join(directory, "commands.jsonl")
        self.comm = comm if comm is not None else distributed.detect()
        self.is_writer = self.comm.rank == 0
        self.config = dict(config or {})
        self.layers = list(layers)
        self.name = name or os.path.basename(os.path.abspath(directory))
        self.train_images, self.test_images = int(train_images), int(test_images)
        self.steps_per_epoch = int(steps_per_epoch)
        self.parameters = int(parameters)
        self.poll_seconds = poll_seconds
        self.values = {}
        self._declared = set()
        for k, v in (values or {}).items():
            self._declared.add(k)
            if v is not None:
                self.values[k] = int(v) if k == "batch_size" else (float(v) if isinstance(v, (int, float)) else v)
        self.paused = False
        self.stop_requested = False
        self.global_step = 0            # optimizer steps done (the client owns it: undo and rewind move it back)
        self.epoch = None               # what `log` writes when not told; the loop may set it, else it is
                                        # derived from the step and steps_per_epoch (`_epoch_at`)
        self.last_eval = None           # the last eval record written
        self._handlers = {}
        self._trackers = []             # (name, capture, restore, light, rng)
        self._control = None
        self._torch = None              # vaetop.torchutils.TorchHelper once a model or tensors are seen
        self._snapshot_every = int(snapshot_every or 0)
        budget = int(snapshot_memory * 1024 * 1024) if self._snapshot_every > 0 else 0
        self._store = SnapshotStore(budget, snapshot_limit)
        self._snapshots_off_reason = None if self._snapshot_every > 0 else "snapshots are off (snapshot_every=0)"
        self._undo = []
        self._branch = 0
        self._version = 0               # the weights' version: bumped by every trained step, set by a restore
        self._last_version = 0
        self._next_snapshot_id = 0
        self._announced_points = None
        self._boundary_done_at = None
        self._in_step = False
        self._step_t0 = None
        self._step_lr = self._step_momentum = None
        self._own_lr = []               # the schedule's own lr (first group) of every step trained, for plans
        self._plan_written = False
        self._grad_cache = None
        self._momentum_first = None
        self._samples = 0
        self._t0 = time.perf_counter()
        self._paused_seconds = 0.0
        self._last_log_time = None
        self._file = None
        self._header_written = False
        self._closed = False
        self._reader = None
        self._reopened = False
        self._writer = {"pid": os.getpid(), "host": socket.gethostname()}
        self._loader = None             # what `run.batches` iterates (a batch_size handler may replace it)
        self._batch_wait = None         # a batch-size change waiting for its first batch
        self._reads = set()             # knobs the loop has read through their property (run.beta, …)
        self._knob_waits = {}           # knob → a change waiting for the loop to read it
        self._heartbeat = None
        self._guards = guards_module.GuardState(rules)
        self._guard_pending = None      # (trigger, reason, rewind target) seen in log/log_eval, acted on at the boundary
        self._skip = None               # batches run.batches still drops: {"left", "batches", "images", "rule", "reason"}
        # The rules travel in the header's config (vaetop's key), so the screen and replays show what the loop ran.
        self.config["guards"] = {t: r.text for t, r in rules.items()}
        if not self.is_writer and self.comm.world_size > 1:
            try:
                os.makedirs(directory, exist_ok=True)
                self._start_heartbeat()
            except OSError:
                pass
        if self.is_writer:
            os.makedirs(directory, exist_ok=True)
            self._reopened = os.path.exists(self.path) and os.path.getsize(self.path) > 0
            if self._reopened:
                self._branch = self._branches_so_far()
            # Commands sent before this process started were meant for an earlier one: skipped.
            self._reader = CommandReader(self.commands_path)
        if optimizer is not None:
            self.attach(optimizer, scheduler)
        elif scheduler is not None:
            raise ValueError("a scheduler needs its optimizer (optimizer=...)")

    # Registration --------------------------------------------------------------------------------------------

    def attach(self, optimizer, scheduler=None):
        """Lets commands change lr (scaling the schedule), momentum and weight decay of `optimizer`'s param
        groups; with a `scheduler` (any torch.optim.lr_scheduler, or anything with `step`), its step is wrapped
        so a changed lr holds through it."""
        if self._control is not None and self._control.optimizer is optimizer:
            if scheduler is not None and self._control.scheduler is not scheduler:
                self._control.attach_scheduler(scheduler)
            return
        if self._control is not None:
            self._control.detach_scheduler()
        self._control = OptimizerControl(optimizer, scheduler)
        self._momentum_first = self._control.current("momentum")

    def declare(self, **knobs):
        """Declares knobs the loop reads from `run.values` (beta, beta_target, free_bits, clip_norm, clip_value),
        with their starting values (None: off), so commands may change them."""
        for k, v in knobs.items():
            if k not in DECLARABLE:
                raise ValueError(f"{k} is not a knob the loop reads ({', '.join(DECLARABLE)})")
            self._declared.add(k)
            if v is None:
                self.values.pop(k, None)
            else:
                self.values[k] = float(v)

    def on(self, name, fn=None, value=None):
        """Registers what the loop does for a command: "batch_size" (fn(n) rebuilds the data loader and returns it:
        `run.batches` iterates the returned loader from the next batch on; the change is answered `applied` from
        the first step whose batch had n examples, or refused when none does within 2 epochs), "checkpoint"
        (fn() saves; may return the path written), "evaluate" (fn() evaluates, e.g. calling run.log_eval) or
        "traverse" (fn(dimension) draws a latent traversal, e.g. calling run.log_images). fn may raise
        ValueError(reason): the command is then refused with that reason; success means "applied". For
        batch_size, `value` is the batch size now (default: values["batch_size"] or config["batchSize"]).
        Register before the first step: the header lists what was registered when it was written. Usable as a
        decorator: `@run.on("checkpoint")`."""
        if name not in HANDLED:
            raise ValueError(f"no handler for {name!r}: one of {', '.join(HANDLED)}")
        if fn is None:
            return lambda f: self.on(name, f, value)
        self._handlers[name] = fn
        if name == "batch_size":
            initial = value if value is not None else self.values.get("batch_size", self.config.get("batchSize"))
            if initial is not None:
                self.values["batch_size"] = int(initial)
        if self._header_written:
            warnings.warn(f"vaetop: the {name} handler was registered after the header was written; the header's "
                          "capabilities do not list it (the command still works)", stacklevel=2)
        return fn

    def track(self, name, capture, restore, light=False, rng=False):
        """Adds state to the snapshots: `capture()` returns a copy that later training does not change,
        `restore(copy)` puts it back (it must not keep or change the copy: it may be restored again). Light
        state is captured with every snapshot; heavy state (weights, optimizer) once per weights version, shared by
        the snapshots taken at one step boundary. `rng=True` marks a random generator's state (light): it is
        restored last, after everything else (a DataLoader rebuilt by a restore or a handler draws from torch's
        generator), so training on from a snapshot draws exactly what it drew the first time."""
        light = light or rng
        self._trackers = [t for t in self._trackers if t[0] != name] + [(name, capture, restore, light, rng)]

    def capabilities(self):
        """What this run can honour now: command names, then the parameters `set`/`clear` can change."""
        caps = ["pause", "resume", "stop"]
        caps += [c for c in ("checkpoint", "evaluate") if c in self._handlers]
        if self.snapshots_enabled:
            caps += ["undo", "rewind"]
        if "traverse" in self._handlers:
            caps.append("traverse")
        if any(r.on for r in self._guards.rules.values()):
            caps.append("rearm")
        for p in HYPERPARAMETERS:
            if p in OPTIMIZER_KNOBS:
                ok = self._control is not None and self._control.supports(p)
            elif p == "batch_size":
                ok = "batch_size" in self._handlers
            else:
                ok = p in self._declared
            if ok:
                caps.append(p)
        return caps

    @property
    def snapshots_enabled(self):
        return self._snapshots_off_reason is None

    # Knobs the loop reads -----------------------------------------------------------------------------------

    @property
    def stopped(self):
        """True once a stop command arrived: the loop should end (and call close)."""
        return self.stop_requested

    @property
    def beta(self):
        """β in force: the declared or screen-set value; None when the loop declared `beta=None` (it anneals β
        itself): `beta = run.beta if run.beta is not None else my_schedule(step)` follows the screen once it sets
        a value, and the loop's own schedule again after a clear. 1 when β was never declared."""
        self._knob_read("beta")
        if "beta" in self._declared and self.values.get("beta") is None:
            return None
        return float(self.values.get("beta", 1.0))

    @property
    def free_bits(self):
        """Free-bits λ in force (0: off)."""
        self._knob_read("free_bits")
        return float(self.values.get("free_bits", 0.0) or 0.0)

    @property
    def clip_norm(self):
        """Gradient clipping max norm in force (None: off)."""
        self._knob_read("clip_norm")
        v = self.values.get("clip_norm")
        return float(v) if v else None

    @property
    def clip_value(self):
        """Gradient value clipping in force (None: off)."""
        self._knob_read("clip_value")
        v = self.values.get("clip_value")
        return float(v) if v else None

    @property
    def batch_size(self):
        v = self.values.get("batch_size", self.config.get("batchSize"))
        return None if v is None else int(v)

    @property
    def lr(self):
        """The first param group's lr (None without an optimizer)."""
        return self._control.current("lr") if self._control is not None else None

    @property
    def current_step(self):
        """The step being trained inside `with run.step()` (1-based), else the steps done."""
        return self.global_step + 1 if self._in_step else self.global_step

    def knob(self, p):
        """The value of a hyperparameter now (None: off or unknown)."""
        if p in OPTIMIZER_KNOBS:
            return self._control.current(p) if self._control is not None else self.values.get(p)
        return self.values.get(p)

    # Writing --------------------------------------------------------------------------------------------------

    def _branches_so_far(self):
        """The highest branch number in an existing run.jsonl (a reopened run goes on counting)."""
        best = 0
        try:
            with open(self.path, "rb") as f:
                for line in f:
                    if b'"rewind"' in line:
                        try:
                            r = json.loads(line)
                            if isinstance(r, dict) and r.get("kind") == "rewind" and isinstance(r.get("branch"), int):
                                best = max(best, r["branch"])
                        except ValueError:
                            pass
        except OSError:
            pass
        return best

    def _ensure_header(self):
        if self._header_written or not self.is_writer:
            return
        self._header_written = True
        self._file = open(self.path, "a", encoding="utf-8")
        self._start_heartbeat()
        _open_runs.append(self)
        if self._reopened:
            self._write_line({"kind": "state", "step": self.global_step, "state": "running",
                              "reason": "client reopened the run"})
        else:
            self._write_line({
                "kind": "header", "format": FORMAT, "version": VERSION, "name": self.name,
                "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "config": self.config, "layers": self.layers, "parameters": self.parameters,
                "trainImages": self.train_images, "testImages": self.test_images,
                "stepsPerEpoch": self.steps_per_epoch, "capabilities": self.capabilities(), "writer": self._writer,
                "values": self._knob_values()})

    def _knob_values(self):
        """The knobs' starting values for the header, as the loop has them: what it declared (None: off) and what
        its optimizer's first param group holds (lr, weight_decay, betas[0]/momentum). A knob it has not said is
        left out: the screen shows "–" for it, never one of vaetop's defaults."""
        out = {}
        for p in HYPERPARAMETERS:
            if p in OPTIMIZER_KNOBS:
                if self._control is not None and self._control.supports(p):
                    v = self._control.current(p)
                    out[p] = float(v) if v is not None and math.isfinite(float(v)) else None
            elif p == "batch_size":
                if self.batch_size is not None:
                    out[p] = float(self.batch_size)
            elif p in self._declared:
                v = self.values.get(p)
                out[p] = float(v) if v is not None and math.isfinite(float(v)) else None
        return out

    def _start_heartbeat(self):
        """Writes HEARTBEAT_FILE (this process's pid and host; under DDP every other rank keeps its own
        HEARTBEAT_FILE-rank-K) and touches it every HEARTBEAT_SECONDS from a daemon thread, also while the loop is
        paused or inside a slow step: `vaetop watch` tells a dead or stuck process from a live one, and rank 0
        names a rank that died. A SIGTERM with no handler of the loop's own ends the run with an end record first."""
        name = HEARTBEAT_FILE if self.is_writer else f"{HEARTBEAT_FILE}-rank-{self.comm.rank}"
        path = os.path.join(self.directory, name)
        try:
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                json.dump(self._writer, f)
            os.replace(path + ".tmp", path)
        except OSError:
            return
        stop = threading.Event()

        def beat():
            while not stop.wait(HEARTBEAT_SECONDS):
                try:
                    os.utime(path)
                except OSError:
                    return
        thread = threading.Thread(target=beat, name="vaetop-heartbeat", daemon=True)
        thread.start()
        self._heartbeat = (stop, path)
        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            def on_term(signum, frame):
                self.close(reason="interrupted", detail="SIGTERM")
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.kill(os.getpid(), signal.SIGTERM)
            signal.signal(signal.SIGTERM, on_term)
            # As vaetop does: a parent that started the loop with SIGTERM blocked (some supervisors) would otherwise
            # make it do nothing at all.
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})

    def _gone_ranks(self):
        """The other ranks whose process is gone (their heartbeat names a pid on this host that no longer runs), as
        "rank 1 (process 4086) is gone"; empty when none is known gone."""
        found = []
        prefix = HEARTBEAT_FILE + "-rank-"
        try:
            names = sorted(n for n in os.listdir(self.directory) if n.startswith(prefix))
        except OSError:
            return ""
        for n in names:
            try:
                with open(os.path.join(self.directory, n), encoding="utf-8") as f:
                    w = json.load(f)
                if w.get("host") != socket.gethostname():
                    continue
                pid = int(w["pid"])
                os.kill(pid, 0)
                if _zombie(pid):                 # killed, not yet reaped by its launcher (torchrun)
                    raise ProcessLookupError
            except ProcessLookupError:
                found.append(f"rank {n[len(prefix):]} (process {w['pid']}) is gone")
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return "; ".join(found)

    def _stop_heartbeat(self):
        if self._heartbeat is None:
            return
        stop, path = self._heartbeat
        stop.set()
        self._heartbeat = None
        try:
            os.remove(path)
        except OSError:
            pass

    def _write_line(self, record):
        # One write per line, flushed, so a follower never sees half a record for long.
        self._file.write(json.dumps(record, separators=(",", ":"), allow_nan=False) + "\n")
        self._file.flush()

    def _write(self, record):
        if not self.is_writer or self._closed:
            return
        self._ensure_header()
        self._write_line(record)

    def write_header(self):
        """Writes the header now (otherwise it is written just before the first other record)."""
        self._ensure_header()

    def alert(self, step, message, level="info"):
        """An alert line on the screen (level info, warning or error)."""
        self._write({"kind": "alert", "step": int(self.current_step if step is None else step), "level": level,
                     "message": clean(message, 500)})

    def log_checkpoint(self, path, step=None):
        """Records that a checkpoint was written (path relative to the run directory when inside it)."""
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(self.directory))
        if rel.startswith(".."):
            rel = os.path.abspath(path)
        self._write({"kind": "checkpoint", "step": int(self.current_step if step is None else step), "path": rel})

    def log_images(self, rows, cols, originals=(), reconstructions=(), samples=(), traversal=None, step=None):
        """An `images` record: lists of grey images, each rows·cols levels 0–255 (tensors in [0, 1] are converted).
        `traversal`: {"dimension": j, "values": [...], "test": [...], "prior": [...]}."""
        conv = self._images
        record = {"kind": "images", "step": int(self.current_step if step is None else step), "rows": int(rows),
                  "cols": int(cols), "originals": conv(originals), "reconstructions": conv(reconstructions),
                  "samples": conv(samples)}
        if traversal is not None:
            record["traversal"] = {"dimension": int(traversal["dimension"]),
                                   "values": [float(v) for v in traversal["values"]],
                                   "test": conv(traversal.get("test", ())), "prior": conv(traversal.get("prior", ()))}
        self._write(record)

    def _images(self, images):
        if _is_tensor(images):
            return self._torch_helper().grey_levels(images)
        return [[max(0, min(255, int(round(float(p))))) for p in img] for img in images]

    def _train_seconds(self):
        return time.perf_counter() - self._t0 - self._paused_seconds

    def log_step(self, step, epoch, loss, recon, kl, kl_dims, beta, lr, grad_norm, grad_norm_clipped=None,
                 clip_coef=1.0, layer_grad_norms=(), batch_size=0, samples_per_second=0.0, momentum=None,
                 free_bits=0.0, time_seconds=None):
        """One optimizer step, every field given (`log` fills most of them itself). Losses are per image;
        kl_dims is the batch-mean KL of each latent dimension."""
        if not self._in_step:
            self._set_step(step)         # a loop that keeps its own step counter: refusals name its step
        kl_dims = _floats(kl_dims)
        record = {"kind": "step", "step": int(step), "epoch": int(epoch), "loss": _num(loss), "recon": _num(recon),
                  "kl": _num(kl), "klDims": [_num(x) for x in kl_dims], "beta": _num(beta), "lr": _num(lr),
                  "freeBits": _num(free_bits), "gradNorm": _num(grad_norm),
                  "gradNormClipped": _num(grad_norm if grad_norm_clipped is None else grad_norm_clipped),
                  "clipCoef": _num(clip_coef), "layerGradNorms": [_num(x) for x in _floats(layer_grad_norms)],
                  "batchSize": int(batch_size), "samplesPerSecond": _num(samples_per_second),
                  "time": _num(self._train_seconds() if time_seconds is None else time_seconds)}
        if momentum is not None:
            record["momentum"] = _num(momentum)
        if free_bits:
            lam = float(free_bits)
            record["klObjectiveDims"] = [_num(max(lam, x)) for x in kl_dims]
            record["klObjective"] = _num(sum(max(lam, x) for x in kl_dims))
        self._write(record)

    def _epoch_at(self, step):
        """The epoch the loop set (`run.epoch`), else 1 + (step − 1) // steps_per_epoch when that is known, else 1."""
        if self.epoch is not None:
            return int(self.epoch)
        return 1 + (max(1, int(step)) - 1) // self.steps_per_epoch if self.steps_per_epoch > 0 else 1

    def log(self, loss, recon, kl=None, kl_dims=None, *, mu=None, logvar=None, batch_size=None, epoch=None,
            beta=None, free_bits=None, lr=None, momentum=None, grad_norm=None, grad_norm_clipped=None,
            clip_coef=None, layer_grad_norms=None, samples_per_second=None, step=None):
        """One training step's record, the rest filled in: losses per image (numbers or 0-dim tensors); the KL of
        each latent dimension (batch mean) from `kl_dims` or from the posterior's `mu` and `logvar`; per-layer
        gradient norms from the model given to `vaetop.init`/`torchutils.attach` (before clipping: taken by
        `run.clip_grad_norm_` when the loop clips through it); lr and momentum from the optimizer; β and λ from
        the knobs; samples/s from the step's wall time. Under DistributedDataParallel every rank calls it: the
        numbers are averaged over the ranks (the batch size and samples/s summed) and rank 0 writes them."""
        step = self.current_step if step is None else int(step)
        if kl_dims is None and mu is not None:
            if logvar is None:
                raise ValueError("mu without logvar: the KL per dimension needs both")
            kl_dims = self._torch_helper().kl_dims(mu, logvar)
        kl_dims = _floats(kl_dims) if kl_dims is not None else []
        kl = sum(kl_dims) if kl is None else _float(kl)
        if layer_grad_norms is None or grad_norm is None:
            cached = self._grad_cache or (self._torch.grad_norms() if self._torch is not None and self._torch.model is not None else None)
            if cached is not None:
                layers, total, clipped, coef = cached
                layer_grad_norms = layers if layer_grad_norms is None else layer_grad_norms
                grad_norm = total if grad_norm is None else grad_norm
                grad_norm_clipped = clipped if grad_norm_clipped is None else grad_norm_clipped
                clip_coef = coef if clip_coef is None else clip_coef
        layer_grad_norms = _floats(layer_grad_norms) if layer_grad_norms is not None else []
        if grad_norm is None:
            grad_norm = math.sqrt(sum(x * x for x in layer_grad_norms)) if layer_grad_norms else 0.0
        grad_norm = _float(grad_norm)
        grad_norm_clipped = grad_norm if grad_norm_clipped is None else _float(grad_norm_clipped)
        clip_coef = 1.0 if clip_coef is None else float(clip_coef)
        self._knob_patience(step)
        told = batch_size is not None or mu is not None   # the loop said what this step trained with
        if not told and self._batch_wait is not None and "item" in self._batch_wait and self._loader is None:
            # Neither batches nor a logged size tell what trained: said so rather than claimed.
            w, self._batch_wait = self._batch_wait, None
            self._applied_from(step, w, "batch_size", w["size"], (w["reason"] + "; " if w["reason"] else "") +
                               "not checked: the loop logs no batch size (log(batch_size=len(x)) lets the client check it)")
        if batch_size is None:
            batch_size = len(mu) if mu is not None else (self.batch_size or 0)
        now = time.perf_counter()
        if samples_per_second is None:
            start = self._step_t0 if self._in_step and self._step_t0 is not None else self._last_log_time
            samples_per_second = int(batch_size) / (now - start) if start is not None and now > start else 0.0
        self._last_log_time = now
        loss, recon = _float(loss), _float(recon)
        if self.comm.world_size > 1:
            n, m = len(kl_dims), len(layer_grad_norms)
            v = self.comm.all_reduce_mean([loss, recon, kl] + kl_dims + [grad_norm, grad_norm_clipped, clip_coef]
                                          + layer_grad_norms + [float(batch_size), float(samples_per_second)])
            loss, recon, kl = v[0], v[1], v[2]
            kl_dims = v[3:3 + n]
            grad_norm, grad_norm_clipped, clip_coef = v[3 + n:6 + n]
            layer_grad_norms = v[6 + n:6 + n + m]
            batch_size = int(round(v[6 + n + m] * self.comm.world_size))
            samples_per_second = v[7 + n + m] * self.comm.world_size
        if told:
            self._batch_seen(int(batch_size), step)   # the whole batch, over every rank (the knob's value)
        self._samples += int(batch_size)
        if lr is None:
            if self._control is None:
                lr = self.values.get("lr", 0.0)
            else:
                lr = self._step_lr if self._in_step else self.lr
        if momentum is None and self._control is not None:
            m_now = self._step_momentum if self._in_step else self._control.current("momentum")
            if m_now is not None and (m_now != self._momentum_first or self._control.overrides["momentum"] is not None):
                momentum = m_now
        self._guard_watch_step(step, loss, grad_norm)
        self.log_step(step=step, epoch=self._epoch_at(step) if epoch is None else epoch, loss=loss, recon=recon, kl=kl,
                      kl_dims=kl_dims, beta=(self.beta if self.beta is not None else math.nan) if beta is None else beta,
                      lr=lr or 0.0, grad_norm=grad_norm,
                      grad_norm_clipped=grad_norm_clipped, clip_coef=clip_coef, layer_grad_norms=layer_grad_norms,
                      batch_size=batch_size, samples_per_second=samples_per_second, momentum=momentum,
                      free_bits=self.free_bits if free_bits is None else free_bits)
        self._grad_cache = None                      # this step's norms are used up

    def log_eval(self, step=None, epoch=None, loss=None, recon=None, kl=None, kl_dims=None, active_units=None,
                 collapsed=None, images=None, mean_variance=None, *, mu_all=None, logvar_all=None, reduce=True,
                 mutual_information=None, iwae=None, iwae_k=None, iwae_images=None):
        """An evaluation on held-out data (negative ELBO per image, β = 1). From the posterior means `mu_all`
        (one row per test image) it computes each dimension's variance over the images and the active units
        (Var_x E[z|x] > 0.01, Burda et al. 2016); with `logvar_all` too, the KL per dimension. Under
        DistributedDataParallel all ranks call it with their shard (`reduce=False`: only this rank's numbers,
        e.g. when rank 0 alone evaluates). `iwae` is the loop's own importance-weighted bound on −log p(x) (Burda et
        al. 2016; nats per image) with its `iwae_k` samples over `iwae_images` images: the screen's run table and
        vaetop's comparisons show it beside vaetop's own runs'."""
        step = self.current_step if step is None else int(step)
        n = 0
        means = squares = None
        if mu_all is not None:
            if _is_tensor(mu_all):
                n, means, squares = self._torch_helper().moments(mu_all)
            else:
                rows = [list(map(float, r)) for r in mu_all]
                n = len(rows)
                means = [sum(c) / n for c in zip(*rows)] if n else []
                squares = [sum(x * x for x in c) / n for c in zip(*rows)] if n else []
            if kl_dims is None and logvar_all is not None:
                if _is_tensor(mu_all):
                    kl_dims = self._torch_helper().kl_dims(mu_all, logvar_all)
                else:
                    kl_dims = _gaussian_kl_dims(mu_all, logvar_all)
        kl_dims = _floats(kl_dims) if kl_dims is not None else []
        kl = sum(kl_dims) if kl is None else _float(kl)
        recon = None if recon is None else _float(recon)
        loss = (recon + kl if recon is not None else None) if loss is None else _float(loss)
        if loss is None or recon is None:
            raise ValueError("log_eval needs recon (and loss, or the KL to add to it)")
        if images is None:
            images = n
        if reduce and self.comm.world_size > 1:
            d, k = len(kl_dims), len(means or [])
            v = self.comm.all_reduce_mean([loss, recon, kl] + kl_dims + (means or []) + (squares or []) + [float(images)])
            loss, recon, kl = v[:3]
            kl_dims = v[3:3 + d]
            if means is not None:
                means, squares = v[3 + d:3 + d + k], v[3 + d + k:3 + d + 2 * k]
            images = int(round(v[-1] * self.comm.world_size))
        if mean_variance is None and means is not None:
            mean_variance = [max(0.0, s - m * m) for m, s in zip(means, squares)]
        mean_variance = _floats(mean_variance) if mean_variance is not None else []
        if active_units is None:
            active_units = sum(1 for x in mean_variance if x > ACTIVE_UNIT_THRESHOLD)
        if collapsed is None:
            threshold = float(self.config.get("collapseThreshold", COLLAPSE_THRESHOLD))
            collapsed = [j for j, x in enumerate(kl_dims) if x < threshold]
        record = {"kind": "eval", "step": step, "epoch": int(self._epoch_at(step) if epoch is None else epoch),
                  "loss": _num(loss), "recon": _num(recon), "kl": _num(kl), "klDims": [_num(x) for x in kl_dims],
                  "meanVariance": [_num(x) for x in mean_variance], "activeUnits": int(active_units),
                  "collapsed": [int(j) for j in collapsed], "images": int(images)}
        if mutual_information is not None:
            record["mutualInformation"] = _num(mutual_information)
        if iwae is not None:
            record["iwae"] = _num(_float(iwae))
            if iwae_k is not None:
                record["iwaeK"] = int(iwae_k)
            record["iwaeImages"] = int(images if iwae_images is None else iwae_images)
        self._write(record)
        self.last_eval = record
        self._guard_watch_eval(record)
        return record

    @property
    def last_eval_loss(self):
        """The test loss of the last `log_eval` (None before the first)."""
        return None if self.last_eval is None else float(self.last_eval["loss"])

    @property
    def last_active_units(self):
        return None if self.last_eval is None else self.last_eval["activeUnits"]

    def close(self, step=None, epoch=None, reason=None, test_loss=None, active_units=None, samples_per_second=None,
              detail=None):
        """The state and end records; the run file is closed. `reason` defaults to "stopped" after a stop
        command, else "finished"; `detail` goes into the state record ("error: ValueError: …"). A run left open
        is closed at interpreter exit with reason "error" (and the uncaught exception, if one ended it)."""
        if self._closed:
            return
        step = self.global_step if step is None else int(step)
        epoch = self._epoch_at(step) if epoch is None else epoch
        reason = reason or ("stopped" if self.stop_requested else "finished")
        if reason in ("error", "interrupted") and self.comm.world_size > 1 and self.is_writer:
            gone = self._gone_ranks()
            if gone:   # first: a collective's error text is long, and the record keeps 300 characters
                detail = gone + ("; " + detail if detail else "")
        w, self._batch_wait = self._batch_wait, None
        if w is not None and "item" in w:
            self._outcome(w["item"], "refused", f"the run ended before a batch of {w['size']} trained", step=step)
        for p, w in list(self._knob_waits.items()):
            if "item" in w:
                self._outcome(w["item"], "refused", f"the run ended before the loop read run.{p}", step=step)
        self._knob_waits = {}
        if samples_per_second is None:
            seconds = self._train_seconds()
            samples_per_second = self._samples / seconds if seconds > 0 else 0.0
        self._write({"kind": "state", "step": step, "state": "finished" if reason == "finished" else "stopped",
                     "reason": reason + (f": {clean(detail, 300)}" if detail else "")})
        record = {"kind": "end", "step": step, "epoch": int(epoch), "reason": reason,
                  "samplesPerSecond": _num(samples_per_second), "seconds": _num(time.perf_counter() - self._t0)}
        if test_loss is not None:
            record["testLoss"] = _num(test_loss)
        if active_units is not None:
            record["activeUnits"] = int(active_units)
        self._write(record)
        self._closed = True
        if self in _open_runs:
            _open_runs.remove(self)
        self._stop_heartbeat()
        if self._file is not None:
            self._file.close()
        if self._control is not None:
            self._control.detach_scheduler()

    finish = close

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            if issubclass(exc_type, KeyboardInterrupt):
                self.close(reason="interrupted", detail="KeyboardInterrupt")
            else:
                self.close(reason="error", detail=f"{exc_type.__name__}: {exc}")
        return False

    # Steps -------------------------------------------------------------------------------------------------

    def step(self):
        """`with run.step() as step:` trains one step, `step` being its 1-based number. Commands are applied at the
        step boundary (after the step; before the first one too), and a pause blocks there; after an undo or a
        rewind the next step's number continues from the snapshot's. Check `run.stopped` after the block."""
        return _StepContext(self)

    def batches(self, loader, epochs):
        """The batches of `epochs` passes over `loader`, counted in the run's steps: iteration ends when the run has
        trained epochs × len(loader) steps, or on a stop. An undo or rewind moves the step counter back, so the run
        still trains every planned step (the loader simply goes on with its next batch); `run.epoch` follows.

            for x, _ in run.batches(loader, epochs=10):
                with run.step():
                    ...
        """
        per_epoch = len(loader)
        if per_epoch <= 0:
            return
        total = int(epochs) * per_epoch
        if self.steps_per_epoch <= 0:
            self.steps_per_epoch = per_epoch
        self._loader = loader
        offset, since = 0.0, 0          # epochs done before the loader last changed, and the step it changed at
        while not self.stopped and self.global_step < total:
            current = self._loader
            # DistributedSampler (and any sampler with set_epoch) shuffles differently every epoch.
            sampler = getattr(current, "sampler", None)
            if hasattr(sampler, "set_epoch"):
                sampler.set_epoch(int(offset + max(0, self.global_step - since) / per_epoch))
            for batch in current:
                if self.stopped or self.global_step >= total:
                    self._skip_done()
                    return
                if self._skip is not None:
                    # A guard's skip=N: the batch is left out, untrained.
                    self._skip["left"] -= 1
                    self._skip["batches"] += 1
                    self._skip["images"] += _batch_length(batch) or 0
                    if self._skip["left"] <= 0:
                        self._skip_done()
                    continue
                self.epoch = 1 + int(offset + max(0, self.global_step - since) / per_epoch)
                size = _batch_length(batch)        # this rank's share; the knob is the batch over every rank
                self._batch_seen(None if size is None else size * self.comm.world_size, self.global_step + 1)
                yield batch
                if self._loader is not current:
                    # The batch_size handler built a new loader: it is the one iterated from the next batch on,
                    # and the rest of the planned epochs are counted in its batches.
                    new = len(self._loader)
                    if new <= 0:
                        return
                    offset += max(0, self.global_step - since) / per_epoch
                    since = self.global_step
                    total = self.global_step + round((total - self.global_step) * new / per_epoch)
                    per_epoch = new
                    break

    def _enter_step(self):
        if self._in_step:
            raise RuntimeError("vaetop: run.step() blocks do not nest")
        if self._boundary_done_at != self.global_step:
            self.boundary()
        self._in_step = True
        self._grad_cache = None
        # The lr and momentum this step trains with (a scheduler stepped before `log` has moved them on already).
        self._step_lr = self._control.current("lr") if self._control is not None else None
        self._step_momentum = self._control.current("momentum") if self._control is not None else None
        if self._control is not None and self._control.values["lr"].own:
            del self._own_lr[self.global_step:]
            self._own_lr.append(self._control.values["lr"].own[0])
        self._step_t0 = time.perf_counter()
        return self.global_step + 1

    def _exit_step(self, trained):
        self._in_step = False
        self._grad_cache = None
        if not trained:
            return
        self.global_step += 1
        self._new_version()
        self.boundary()

    def _new_version(self):
        self._last_version += 1
        self._version = self._last_version

    def boundary(self):
        """The step boundary: takes the periodic snapshot, applies new commands (each gets its outcome), and blocks
        while paused (applying commands meanwhile). Returns the commands applied. `run.step()` calls it; a loop
        that does not use `run.step()` calls it between steps (and keeps `run.global_step` itself)."""
        self._ensure_header()
        self._boundary_done_at = self.global_step
        if self._control is not None:
            self._control.sync()
        if self._guard_pending is not None:
            pending, self._guard_pending = self._guard_pending, None
            self._fire_guard(*pending)
            self._boundary_done_at = self.global_step
        if not self._plan_written:
            self._plan_written = True
            self.write_plan()
        self._periodic_snapshot()
        applied = self._process(self._exchange())
        while self.paused and not self.stop_requested:
            t = time.perf_counter()
            time.sleep(self.poll_seconds)
            applied += self._process(self._exchange())
            self._paused_seconds += time.perf_counter() - t
        self._boundary_done_at = self.global_step
        return applied

    # Commands ----------------------------------------------------------------------------------------------

    def _exchange(self):
        """The items rank 0 read, on every rank."""
        items = None
        if self.is_writer and self._reader is not None:
            try:
                items = self._reader.read()
            except Exception:
                items = []
        if self.comm.world_size > 1:
            items = self.comm.broadcast_object(items, src=0)
        return items or []

    def _process(self, items):
        applied = []
        for item in items:
            if self._handle(item):
                applied.append(item["command"])
        return applied

    def poll_commands(self, step=None):
        """New well-formed command lines, for a loop that applies them itself (it then writes each outcome with
        `run.outcome`). Each bad line gets its "refused" outcome here and is left out; none raises."""
        if step is not None:
            self._set_step(step)
        out = []
        for item in self._exchange():
            if item["reason"] is not None:
                self._outcome(item, "refused", self._refusal_text(item))
            else:
                out.append(item["command"])
        return out

    def apply_commands(self, step=None, optimizer=None):
        """Applies new commands at this step boundary without waiting while paused (see `wait_while_paused`);
        for loops that keep their own step counter. Returns the commands applied."""
        if optimizer is not None and self._control is None:
            self.attach(optimizer)
        if step is not None:
            self._set_step(step)
        self._ensure_header()
        if self._control is not None:
            self._control.sync()
        self._periodic_snapshot()
        applied = self._process(self._exchange())
        self._boundary_done_at = self.global_step
        return applied

    def wait_while_paused(self, step=None, optimizer=None, poll_seconds=None):
        """Blocks while paused, applying commands (a resume or stop ends the wait)."""
        while self.paused and not self.stop_requested:
            t = time.perf_counter()
            time.sleep(self.poll_seconds if poll_seconds is None else poll_seconds)
            self.apply_commands(step, optimizer)
            self._paused_seconds += time.perf_counter() - t

    def _set_step(self, step):
        step = int(step)
        if step != self.global_step:
            self.global_step = step
            self._new_version()

    def outcome(self, command, outcome, reason=None, from_step=None, step=None):
        """Writes the outcome of a command the loop handled itself (`command` as poll_commands returned it)."""
        item = {"id": command.get("id"), "name": command.get("command"),
                "parameter": command.get("parameter") if command.get("command") in ("set", "clear") else None}
        self._outcome(item, outcome, reason, from_step, step)

    def _outcome(self, item, outcome, reason=None, from_step=None, step=None):
        step = self.global_step if step is None else step
        record = {"kind": "outcome", "step": int(step)}
        if item.get("id") is not None:
            record["id"] = int(item["id"])
        if item.get("name") is not None:
            record["command"] = item["name"]
        if item.get("parameter") is not None:
            record["parameter"] = item["parameter"]
        record["outcome"] = outcome
        if outcome == "applied":
            record["from"] = int(step + 1 if from_step is None else from_step)
        if reason:
            record["reason"] = clean(reason, 300)
        elif outcome != "applied":
            record["reason"] = outcome
        self._write(record)
        return outcome == "applied"

    @staticmethod
    def _refusal_text(item):
        return item["reason"] if item.get("id") is not None else f"line {item['line']}: {item['reason']}"

    def _handle(self, item):
        """One item: its effect and records, then its outcome. True when applied. Never raises (but
        KeyboardInterrupt and SystemExit)."""
        step = self.global_step                      # an undo or rewind moves it; the outcome names this one
        try:
            if item["reason"] is not None:
                return self._outcome(item, "refused", self._refusal_text(item))
            c = item["command"]
            name = c["command"]
            need = item["parameter"] if name in ("set", "clear") else name
            if need not in self.capabilities():
                return self._outcome(item, "unsupported", self._unsupported_reason(need))
            try:
                result = getattr(self, "_do_" + name)(c)
            except _Refusal as r:
                return self._outcome(item, "refused", str(r), step=step)
            if result is None:
                result = {}
            if result.get("deferred"):
                self._batch_wait["item"] = item      # answered by _batch_seen
                return False
            if result.get("deferred_knob"):
                self._knob_waits[result["deferred_knob"]]["item"] = item   # answered by _knob_read
                return False
            return self._outcome(item, "applied", result.get("reason"), result.get("from"), step=step)
        except Exception as e:                       # a handler's bug or a broken state: refused, never fatal
            try:
                return self._outcome(item, "refused", f"failed: {type(e).__name__}: {e}", step=step)
            except Exception:
                return False

    def _unsupported_reason(self, need):
        if need in OPTIMIZER_KNOBS:
            if self._control is None:
                return f"no optimizer attached: {need} cannot be changed (pass optimizer= to vaetop.init or Run)"
            return f"the optimizer's param groups have no {need}"
        if need in HANDLED:
            return f'this loop registered no {need} handler (run.on("{need}", fn))'
        if need in ("undo", "rewind"):
            return self._snapshots_off_reason or "snapshots are off"
        if need in DECLARABLE:
            return f"this loop does not read {need} (declare it: values={{\"{need}\": ...}})"
        return f"this loop cannot do {need}"

    # What each command does (raise _Refusal(reason) to refuse; return {"reason":…, "from":…} or None).

    def _do_pause(self, c):
        if self.paused:
            return {"reason": "already paused"}
        self.paused = True
        self._write({"kind": "state", "step": self.global_step, "state": "paused", "reason": "client"})
        return None

    def _do_resume(self, c):
        if not self.paused:
            return {"reason": "already running"}
        self.paused = False
        self._write({"kind": "state", "step": self.global_step, "state": "running", "reason": "client"})
        return None

    def _do_stop(self, c):
        self.stop_requested = True
        return {"reason": "the loop stops at this step boundary"}

    def _do_checkpoint(self, c):
        return self._call_handler("checkpoint")

    def _do_evaluate(self, c):
        return self._call_handler("evaluate")

    def _do_traverse(self, c):
        latent = self.config.get("latent")
        d = c["dimension"]
        if isinstance(latent, int) and not d < latent:
            raise _Refusal(f"no latent dimension {d} to traverse (0…{latent - 1})")
        return self._call_handler("traverse", d)

    def _call_handler(self, name, *args):
        try:
            out = self._handlers[name](*args)
        except ValueError as e:
            raise _Refusal(str(e) or f"the {name} handler refused")
        if name == "checkpoint" and isinstance(out, (str, os.PathLike)):
            self.log_checkpoint(out)
            return {"reason": f"saved {os.fspath(out)}"}
        return {"reason": out} if isinstance(out, str) else None

    def _do_set(self, c):
        return self._change(c["parameter"], c["value"])

    def _do_clear(self, c):
        return self._change(c["parameter"], None)

    def _change(self, p, value):
        """Sets (value) or clears (None) one hyperparameter: snapshot before, the change, its record."""
        clearing = value is None
        if p == "batch_size" and clearing:
            raise _Refusal("batch size has no override to clear: set a value")
        old = self.knob(p)
        if not clearing and old is not None and float(old) == float(value):
            return {"reason": f"{p} is already {compact(value)}: nothing changed"}
        before = self._capture("change") if self.snapshots_enabled else None
        reason = None
        if p in OPTIMIZER_KNOBS:
            state = self._control.capture()
            if p == "lr":
                reason = self._control.clear_lr() if clearing else self._lr_set(value)
            else:
                reason = self._control.clear_override(p) if clearing else self._control.set_override(p, value)
            # Read back from the optimizer: `applied` only when its param groups hold the new value.
            problem = self._control.verify(p, None if clearing or p != "lr" else float(value))
            if problem is not None:
                self._control.restore(state)
                raise _Refusal(f"the optimizer did not take it ({problem}): its param_groups may be copies")
        elif p == "batch_size":
            try:
                out = self._handlers["batch_size"](int(value))
            except ValueError as e:
                raise _Refusal(str(e) or "the batch_size handler refused")
            self._adopt_loader(out)
            self.values["batch_size"] = int(value)
            if before is not None:
                self._remember(before, f"{LABELS[p]} {compact(old)} → {compact(int(value))}")
            # Answered when a batch of the new size is trained (the client sees every batch it hands out, and
            # every batch size the loop logs), never before: a loader that was not replaced keeps its size.
            self._batch_wait = {"size": int(value), "old": old, "asked": self.global_step,
                                "reason": out if isinstance(out, str) else None}
            return {"deferred": True}
        elif clearing:
            self.values.pop(p, None)
        else:
            self.values[p] = float(value)
        new = self.knob(p)
        if p in self._reads and old != new and p not in OPTIMIZER_KNOBS:
            # The loop reads this knob through run.<name>: answered when it next does, from that step.
            if before is not None:
                self._remember(before, f"{LABELS[p]} {compact(old)} → {compact(new)}")
            self._knob_waits[p] = {"old": old, "new": new, "asked": self.global_step}
            return {"deferred_knob": p}
        if old == new:
            return {"reason": f"{p} has no override to clear: it follows its schedule" if clearing
                    else f"{p} is already {compact(new)}: nothing changed"}
        shown_new = "schedule" if clearing and p in OPTIMIZER_KNOBS else compact(new)
        if before is not None:
            self._remember(before, f"{LABELS[p]} {compact(old)} → {shown_new}")
        self._write_change(p, old, new, "client")
        return {"reason": reason}

    def _knob_read(self, p):
        """The loop read knob `p`: a change waiting for that is answered, from the step being trained."""
        self._reads.add(p)
        w = self._knob_waits.pop(p, None) if p in self._knob_waits and "item" in self._knob_waits[p] else None
        if w is None:
            return
        step = self.current_step if self._in_step else self.global_step + 1
        self._applied_from(step, w, p, w["new"], f"the loop read run.{p} = {compact(w['new'])} at step {step}")

    def _knob_patience(self, step):
        """Changes the loop has not read for KNOB_PATIENCE steps are refused and undone (the loop stopped reading
        run.<name>, or reads it somewhere else)."""
        for p, w in list(self._knob_waits.items()):
            if "item" in w and step - 1 - w["asked"] >= KNOB_PATIENCE:
                del self._knob_waits[p]
                if w["old"] is None:
                    self.values.pop(p, None)
                else:
                    self.values[p] = w["old"]
                self._outcome(w["item"], "refused", f"the loop has not read run.{p} in {KNOB_PATIENCE} steps: the change "
                              "was undone (the loop reads it only through run.values, or no longer at all)", step=step - 1)

    def _applied_from(self, step, wait, p, new, reason):
        """Answers a change that waited to be in force: its change record and `applied` outcome, from `step`."""
        self._write_change(p, wait["old"], new, "client", step=step - 1)
        self._outcome(wait["item"], "applied", reason, from_step=step, step=step - 1)

    def _adopt_loader(self, out):
        """A batch_size handler that returns a new loader: `run.batches` iterates it from the next batch on."""
        if out is not None and not isinstance(out, str) and hasattr(out, "__iter__") and hasattr(out, "__len__"):
            self._loader = out

    def _batch_seen(self, size, step):
        """A batch of `size` examples for `step`: answers a batch-size change once a batch of the new size trains
        (its change record and `applied` outcome name that step), or refuses it when the loop goes on with the old
        size for BATCH_SIZE_PATIENCE epochs (at least 100 steps)."""
        w = self._batch_wait
        if w is None or "item" not in w or size is None:
            return
        if int(size) == w["size"]:
            self._batch_wait = None
            self._applied_from(step, w, "batch_size", w["size"],
                               w["reason"] or f"the first batch of {w['size']} trained at step {step}")
            return
        patience = max(100, int(BATCH_SIZE_PATIENCE * max(self.steps_per_epoch, 1)))
        if step - 1 - w["asked"] >= patience:
            self._batch_wait = None
            self.values["batch_size"] = int(w["old"]) if w["old"] is not None else self.values.get("batch_size")
            self._outcome(w["item"], "refused",
                          f"the loop went on with batches of {int(size)} for {step - 1 - w['asked']} steps after the "
                          f"handler was asked for {w['size']}: it does not train with the loader the handler built "
                          "(return the new DataLoader from the handler when the loop uses run.batches)", step=step - 1)

    def _lr_set(self, value):
        try:
            return self._control.set_lr(value)
        except ValueError as e:
            raise _Refusal(str(e))

    def _write_change(self, p, old, new, source, step=None, rule=None, reason=None):
        record = {"kind": "change", "step": self.global_step if step is None else int(step), "parameter": p,
                  "old": _num(old)}
        if new is not None and range_problem(p, new) is None:
            record["new"] = _num(int(new) if p == "batch_size" else new)
        record["source"] = source
        if rule is not None:
            record["rule"] = clean(rule, 300)
            record["reason"] = clean(reason or "", 300)
        self._write(record)

    # Guards (docs/guards.md) ---------------------------------------------------------------------------------

    def _guard_watch_step(self, step, loss, grad_norm):
        """A logged step: the diverge rule counts non-finite steps in a row, the spike rule compares with its window.
        What fires is done at the next step boundary."""
        g = self._guards
        if self._guard_pending is not None:
            return
        if not (math.isfinite(loss) and math.isfinite(grad_norm)):
            if g.nan_streak == 0:
                g.streak_start = step
            g.nan_streak += 1
            patience = int(self.config.get("nanPatience", 10) or 10)
            if g.nan_streak >= patience and g.rules["diverge"].on:
                target = self._store.latest_at_or_before(g.streak_start - 1) if self.snapshots_enabled else None
                self._guard_pending = ("diverge", f"{g.nan_streak} non-finite steps in a row", target)
                g.nan_streak, g.streak_start = 0, None
            return
        g.nan_streak, g.streak_start = 0, None
        rule = g.rules["spike"]
        if rule.on and "spike" not in g.quiet:
            hit = g.spike(step, loss, grad_norm)
            if hit is not None:
                what, v, m = hit
                target = self._store.latest_at_or_before(step - 1) if self.snapshots_enabled else None
                self._guard_pending = ("spike", f"{what} {compact(v)} > {compact(rule.k)} × median {compact(m)} of the "
                                       f"last {rule.window} steps", target)

    def _guard_watch_eval(self, record):
        """An evaluation: the collapse rule (new collapses, fewer active units) and the plateau rule."""
        g = self._guards
        collapsed, active = set(record["collapsed"]), record["activeUnits"]
        newest = self._store.newest() if self.snapshots_enabled else None
        if self._guard_pending is None and g.rules["collapse"].on:
            newly = sorted(collapsed - (g.last_collapsed or set()))
            why = []
            if newly:
                threshold = float(self.config.get("collapseThreshold", COLLAPSE_THRESHOLD))
                why.append(", ".join(f"z{d}" for d in newly) + f" collapsed (test KL < {compact(threshold)} nats)")
            if g.last_active is not None and active < g.last_active:
                why.append(f"active units {g.last_active} → {active}")
            if why:
                self._guard_pending = ("collapse", "; ".join(why), newest)
        g.last_collapsed, g.last_active = collapsed, active
        loss = float(record["loss"]) if isinstance(record["loss"], (int, float)) else math.nan
        if g.rules["plateau"].on and math.isfinite(loss) and g.plateau(loss) and self._guard_pending is None:
            n = g.rules["plateau"].patience + 1
            self._guard_pending = ("plateau", f"test loss not better than {compact(g.best)} for {n} "
                                   f"evaluation{'' if n == 1 else 's'}", newest)

    def _fire_guard(self, trigger, reason, target):
        """Does the rule's actions: each recorded (a rewind record, changes with source guard, the rule and the
        reason, a skip record when the skipping is done), an alert saying what was done; one undoable entry."""
        g = self._guards
        rule = g.rules[trigger]
        if not g.may_fire(trigger):
            if trigger in g.ran_out and trigger not in g.ran_out_noted:
                g.ran_out_noted.add(trigger)
                self._write({"kind": "alert", "step": self.global_step, "level": "warning", "guard": trigger,
                             "message": clean(f"guard {trigger}: out of tries ({rule.max_firings} of {rule.max_firings}); "
                                              f"not repairing: {reason}", 500)})
            return False
        g.fired[trigger] += 1
        number = g.fired[trigger]
        rule_text = f"{trigger}: {rule.text}"
        from_step = self.global_step
        params = [p for p in HYPERPARAMETERS if p in self.capabilities()]
        before = {p: self.knob(p) for p in params}
        did, undo_details, undo_base = [], [], None
        for action in rule.actions:
            name = action[0]
            if name not in ("rewind", "pause", "stop") and undo_base is None and self.snapshots_enabled:
                undo_base = self._capture("change")
            if name == "rewind":
                if target is None:
                    did.append("no snapshot to rewind to" + ("" if self.snapshots_enabled else " (snapshot_every=0)"))
                    continue
                self._go_back(target, "guard", f"guard {trigger}: {reason}", state_reason=f"guard {trigger}")
                did.append(f"rewound {from_step} → {target.step}")
            elif name == "skip":
                if self._loader is None:
                    did.append("no batches skipped (the loop does not iterate run.batches)")
                    continue
                self._skip = {"left": int(action[1]), "batches": 0, "images": 0, "rule": rule_text, "reason": reason}
                did.append(f"skipping {int(action[1])} batches")
                undo_details.append(f"skip {int(action[1])}")
            elif name == "stop":
                self.stop_requested = True
                did.append("stopped the run")
            elif name == "pause":
                if not self.paused:
                    self.paused = True
                    self._write({"kind": "state", "step": self.global_step, "state": "paused", "reason": f"guard {trigger}"})
                did.append("paused")
            else:
                p = {"lr": "lr", "beta": "beta", "free-bits": "free_bits", "clip": "clip_norm"}[name]
                if p not in params:
                    did.append(f"{p} not changed (" + ("no optimizer attached" if p == "lr" else
                                                        f"the loop does not read run.{p}; declare it") + ")")
                    continue
                was = before.get(p)
                old = self.knob(p)
                new = (float(action[1]) if name == "clip" else
                       (was or 0.0) + float(action[1]) if name == "free-bits" else (was or 0.0) * float(action[1]))
                if range_problem(p, new) is not None:
                    did.append(f"{p} not changed ({range_problem(p, new)})")
                    continue
                if p == "lr":
                    self._control.set_lr(new)
                else:
                    self.values[p] = new
                self._write_change(p, old, self.knob(p), "guard", rule=rule_text, reason=reason)
                text = f"{LABELS[p]} {compact(was) if was is not None else 'off'} → {compact(self.knob(p))}"
                did.append(text)
                undo_details.append(text)
        if undo_base is not None and undo_details:
            self._remember(undo_base, f"guard {trigger}: " + ", ".join(undo_details), trigger)
        text = ", ".join(did) + f" ({number} of {rule.max_firings})"
        g.firings.append((trigger, from_step, text))
        self._write({"kind": "alert", "step": self.global_step, "level": "warning", "guard": trigger, "firing": number,
                     "message": clean(f"guard {trigger}: {text}; {reason}", 500)})
        return True

    def _skip_done(self):
        """Writes the skip record of a guard's skip=N (when the N batches are left out, or the data ran out)."""
        s, self._skip = self._skip, None
        if s is None or s["batches"] == 0:
            return
        self._write({"kind": "skip", "step": self.global_step, "epoch": self._epoch_at(max(1, self.global_step)),
                     "batches": s["batches"], "images": s["images"], "rule": clean(s["rule"], 300),
                     "reason": clean(s["reason"], 300)})

    @property
    def guard_firings(self):
        """Every guard firing so far: (trigger, step, what it did)."""
        return list(self._guards.firings)

    # The schedule's plan -------------------------------------------------------------------------------------

    def planned_steps(self):
        """The steps the run plans for: config epochs × steps per epoch, else the scheduler's own total (OneCycleLR's
        total_steps); None when neither is known."""
        epochs = self.config.get("epochs")
        if isinstance(epochs, int) and epochs > 0 and self.steps_per_epoch > 0:
            return epochs * self.steps_per_epoch
        total = getattr(self._control.scheduler, "total_steps", None) if self._control is not None else None
        return total if isinstance(total, int) and total > 0 else None

    def write_plan(self):
        """Writes a `plan` record: the lr the scheduler plans for every step of the run (its own values: the steps
        trained so far as they were, the rest from a copy of the scheduler stepped ahead), which the screen draws
        as the lr chart's future. Written at the first step boundary and after every undo or rewind; call it
        when the loop changes its schedule. Nothing without a scheduler whose future is known (not
        ReduceLROnPlateau) or without a planned length. Returns whether one was written; never raises."""
        if not self.is_writer or self._control is None or self._control.scheduler is None:
            return False
        try:
            total = self.planned_steps()
            done = self.global_step
            if not total or total <= done:
                return False
            future = planned_lrs(self._control, min(total, MAX_PLAN) - done)
            if not future:
                return False
            past = self._own_lr[:done]
            if len(past) < done:                         # steps trained outside run.step(): their lr is unknown
                past = [future[0]] * (done - len(past)) + past
            lrs = past + future
            if not all(math.isfinite(x) and x >= 0 for x in lrs):
                return False
            self._write({"kind": "plan", "step": done, "lr": lrs})
            return True
        except Exception as e:                           # a scheduler that cannot be copied: no plan, no crash
            warnings.warn(f"vaetop: no lr plan ({type(e).__name__}: {e})", stacklevel=2)
            return False

    # Snapshots, undo, rewind -------------------------------------------------------------------------------

    def snapshot(self, reason="periodic"):
        """Takes a snapshot now (beside the periodic ones and those before changes). False when snapshots are off
        or it does not fit the budget."""
        if not self.snapshots_enabled:
            return False
        return self._keep(self._capture(reason))

    def _periodic_snapshot(self):
        if not self.snapshots_enabled or self.global_step % self._snapshot_every:
            return
        newest = self._store.newest()
        if newest is not None and newest.step == self.global_step and newest.version == self._version:
            return
        self._keep(self._capture("periodic"))

    def _capture(self, reason):
        newest = self._store.newest()
        if newest is not None and newest.version == self._version:
            heavy, heavy_bytes = newest.heavy, newest.heavy_bytes
        else:
            heavy = {name: capture() for name, capture, _, light, _ in self._trackers if not light}
            heavy_bytes = estimate_bytes(heavy)
        light = {"values": copy.deepcopy(self.values),
                 "control": self._control.capture() if self._control is not None else None,
                 "step": self.global_step, "epoch": self.epoch, "random": random.getstate(),
                 "extra": {name: capture() for name, capture, _, lt, _ in self._trackers if lt}}
        np = sys.modules.get("numpy")
        if np is not None:
            try:
                light["numpy"] = np.random.get_state()
            except Exception:
                pass
        self._next_snapshot_id += 1
        return Snapshot(self._next_snapshot_id, self.global_step, self._version, reason, heavy, heavy_bytes, light,
                        estimate_bytes(light))

    def _keep(self, s):
        if not self._store.insert(s):
            mb = self._store.cost([s]) / 1048576
            self._snapshots_off_reason = (f"snapshots are off: one takes {mb:.1f} MB, more than the snapshot memory "
                                          f"({self._store.budget / 1048576:.0f} MB)")
            self._store.items.clear()
            self._undo.clear()
            self.alert(self.global_step, self._snapshots_off_reason + ": undo and rewind are off", "warning")
            self._announce()
            return False
        self._announce()
        return True

    def _announce(self):
        points = self._store.points
        if points != self._announced_points:
            self._announced_points = points
            self._write({"kind": "snapshots", "step": self.global_step, "points": points,
                         "bytes": self._store.bytes, "budget": self._store.budget})

    def _remember(self, before, detail, trigger=None):
        """Keeps the snapshot taken just before an applied change and makes the change undoable (a guard's:
        undoing it quiets that guard)."""
        if self._store.by_id(before.id) is None:
            if not self._keep(before):
                return
        if self._store.by_id(before.id) is not None:
            self._undo.append(_UndoEntry(before.id, self.global_step, detail, trigger))

    def _restore(self, s):
        """Puts a snapshot's state back (all but the random generators: `_restore_rng`)."""
        for name, _, restore, light, _ in self._trackers:
            if not light and name in s.heavy:
                restore(s.heavy[name])
        light = s.light
        self.values.clear()
        self.values.update(copy.deepcopy(light["values"]))
        if self._control is not None and light["control"] is not None:
            self._control.restore(light["control"])
        self.global_step = light["step"]
        self.epoch = light["epoch"]
        for name, _, restore, lt, rng in self._trackers:
            if lt and not rng and name in light["extra"]:
                restore(light["extra"][name])
        self._version = s.version
        self._restore_rng(s)

    def _restore_rng(self, s):
        """The random generators' states of a snapshot (Python's, NumPy's, and those tracked with rng=True)."""
        light = s.light
        random.setstate(light["random"])
        if "numpy" in light and sys.modules.get("numpy") is not None:
            sys.modules["numpy"].random.set_state(light["numpy"])
        for name, _, restore, _, rng in self._trackers:
            if rng and name in light["extra"]:
                restore(light["extra"][name])

    def _do_rearm(self, c):
        if not self._guards.quiet:
            return {"reason": "no guard is quiet: nothing changed"}
        names = ", ".join(t for t in guards_module.TRIGGERS if t in self._guards.quiet)
        self._guards.quiet.clear()
        self.alert(self.global_step, f"guards re-armed: {names}")
        return {"reason": f"re-armed {names}"}

    def _do_undo(self, c):
        if not self._undo:
            raise _Refusal("nothing to undo: no change since the run started" +
                           (" or since the last rewind" if self._branch > 0 else ""))
        entry = self._undo[-1]
        target = self._store.by_id(entry.snapshot_id) or self._store.latest_before_id(entry.snapshot_id)
        if target is None:
            self._undo.pop()
            raise _Refusal(f"cannot undo {entry.detail}: no snapshot from before it is left (snapshot memory)")
        result = self._go_back(target, "undo", f"undo {entry.detail} (step {entry.step})")
        if entry.trigger is not None:
            # Else the same trouble fires the same repair at once.
            self._guards.quiet.add(entry.trigger)
            self._skip = None
            self._write({"kind": "alert", "step": self.global_step, "level": "info",
                         "message": f"guard {entry.trigger} is quiet until re-armed (g)", "guard": entry.trigger})
        return result

    def _do_rewind(self, c):
        if c["step"] > self.global_step:
            # Rewinding "to" a step not trained yet would silently go to the newest snapshot: refused instead.
            raise _Refusal(f"step {c['step']} is after the run's step {self.global_step}: rewind goes back to a "
                           f"step already trained")
        target = self._store.latest_at_or_before(c["step"])
        if target is None:
            points = self._store.points
            raise _Refusal(f"no snapshot at or before step {c['step']}" +
                           ("; snapshots: " + ", ".join(map(str, points)) if points else " (none taken yet)"))
        result = self._go_back(target, "rewind", f"rewind to step {target.step}")
        if target.step != c["step"]:
            result["reason"] = (f"no snapshot at step {c['step']}, the latest before it is step {target.step}; "
                                + result["reason"])
        return result

    def _go_back(self, target, reason, detail, state_reason=None):
        """Restores a snapshot, starts a new branch and records it: the rewind, every value it put back (as
        changes with source undo/rewind; a guard's rewind: rewind), the state (running after an undo or a guard,
        paused after a rewind)."""
        from_step = self.global_step
        params = [p for p in HYPERPARAMETERS if p in self.capabilities()]
        before = {p: self.knob(p) for p in params}
        self._restore(target)
        self._store.drop_after(target.id)
        self._undo = [u for u in self._undo if u.snapshot_id < target.id]
        self._branch += 1
        self._write({"kind": "rewind", "step": from_step, "to": target.step, "branch": self._branch,
                     "reason": reason, "detail": clean(detail, 300)})
        for p in params:
            new = self.knob(p)
            if new != before[p]:
                if p == "batch_size" and new is not None:
                    try:
                        self._adopt_loader(self._handlers["batch_size"](int(new)))
                    except Exception as e:
                        self.alert(self.global_step, f"the batch_size handler failed to restore {int(new)}: "
                                   f"{type(e).__name__}: {e}", "warning")
                self._write_change(p, before[p], new, "rewind" if reason == "guard" else reason)
        self._restore_rng(target)                    # a handler above may have drawn from a generator
        self.paused = reason == "rewind"
        self._guards.rewound(target.step, self.last_eval)
        self._write({"kind": "state", "step": self.global_step, "state": "paused" if self.paused else "running",
                     "reason": state_reason or f"{reason} (client)"})
        self._announced_points = None
        self._announce()
        del self._own_lr[self.global_step:]
        self.write_plan()
        self._boundary_done_at = self.global_step
        restored = [name for name, *_ in self._trackers] + ["knobs", "Python/NumPy RNG"]
        data = ("" if "data" in restored else "; the data loader's position is not (the loop goes on with its next "
                "batch)")
        return {"from": target.step + 1,
                "reason": f"back to step {target.step} (branch {self._branch}): {', '.join(restored)} restored{data}"}

    # Torch helpers (imported on first use) -------------------------------------------------------------------

    def _torch_helper(self):
        if self._torch is None:
            from . import torchutils
            self._torch = torchutils.TorchHelper(self, None)
        return self._torch

    def clip_grad_norm_(self, parameters=None, max_norm=None, norm_type=2.0):
        """Clips the gradients with the clip-norm knob in force (or `max_norm`), and the clip-value knob when
        set, after recording the per-layer norms before clipping (so `log` reports both). Returns the total
        norm before clipping as `torch.nn.utils.clip_grad_norm_` does: a tensor (`.item()` gives the float).
        Needs torch."""
        return self._torch_helper().clip_grad_norm_(parameters, max_norm, norm_type)
