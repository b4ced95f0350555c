"""vaetop client: write vaetop's run format from any Python training loop, and take commands from `vaetop watch`.

Standard library only. A run is a directory holding run.jsonl (the records, see docs/run-format.md) and, once
`vaetop watch RUN` sends something, commands.jsonl (one JSON command per line). Call `run.apply_commands(step,
optimizer)` between steps: it applies new commands (lr goes straight into the optimizer's param groups; β, free
bits λ and clip norm are kept in `run.values` for your loop to read), and writes a `change` record per command
with source "client", so the screen shows when each change took effect. `run.wait_while_paused(...)` blocks
while the screen has the run paused.

    run = vaetop.Run("runs/pytorch", config={"latent": 20, "epochs": 10, "batchSize": 128},
                     layers=["fc1", "fc21", "fc22", "fc3", "fc4"], values={"beta": 1.0, "free_bits": 0.0})
    for step in ...:
        run.apply_commands(step, optimizer)
        run.wait_while_paused(step, optimizer)
        ...
        run.log_step(step=step, epoch=epoch, loss=..., recon=..., kl=..., kl_dims=[...], beta=run.values["beta"],
                     lr=optimizer.param_groups[0]["lr"], grad_norm=..., layer_grad_norms=[...], batch_size=128)
    run.close(step, epoch, test_loss=...)
"""
import datetime
import json
import math
import os
import time

FORMAT = "vaetop-run"
VERSION = 1
HYPERPARAMETERS = ("lr", "beta", "beta_target", "free_bits", "clip_norm", "clip_value", "weight_decay", "batch_size", "momentum")
COMMANDS = ("pause", "resume", "stop", "set", "clear", "checkpoint", "evaluate")
MAX_COMMAND_LINE = 64 * 1024      # bytes; a command is ~100, anything longer is refused unread
_READ_CHUNK = 1 << 20


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


def _clean(text, limit=200):
    """Text safe for a one-line message: control characters (C0, DEL, C1) and lone surrogates become "?"."""
    text = str(text)
    if len(text) > limit:
        text = text[:limit] + "..."
    return "".join("?" if ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f or 0xd800 <= ord(ch) <= 0xdfff else ch
                   for ch in text)


def _describe(v):
    """A few words for a JSON value in a refusal: the string itself (shortened), else what kind of value it is."""
    if isinstance(v, str):
        return '"' + _clean(v, 40) + '"'
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "an object"
    return "a " + type(v).__name__


class Run:
    """A vaetop run written by this process."""

    def __init__(self, directory, config=None, layers=(), name=None, train_images=0, test_images=0,
                 steps_per_epoch=0, values=None):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.path = os.path.join(directory, "run.jsonl")
        self.commands_path = os.path.join(directory, "commands.jsonl")
        self.values = dict(values or {})
        self.paused = False
        self.stop_requested = False
        self._commands_offset = 0
        self._partial = b""              # the start of an unfinished command line (at most MAX_COMMAND_LINE + 1 bytes)
        self._partial_len = 0            # its full length so far
        self._discard_partial = False    # the unfinished line began before this process: drop it silently
        self._line_number = 0            # complete lines of commands.jsonl read or skipped so far
        self._last_step = 0              # the step for refusals when poll_commands is called without one
        fresh = not os.path.exists(self.path) or os.path.getsize(self.path) == 0
        self._file = open(self.path, "a", encoding="utf-8")
        if os.path.exists(self.commands_path):
            # Commands sent before this process started were meant for an earlier one: skip them (counting their
            # lines, so refusals name the right line; the rest of a half-written one is dropped too).
            self._skip_existing_commands()
        if fresh:
            self._write({"kind": "header", "format": FORMAT, "version": VERSION,
                         "name": name or os.path.basename(os.path.abspath(directory)),
                         "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                         "config": dict(config or {}), "layers": list(layers), "parameters": 0,
                         "trainImages": train_images, "testImages": test_images, "stepsPerEpoch": steps_per_epoch})
        else:
            self._write({"kind": "state", "step": 0, "state": "running", "reason": "client reopened the run"})
        self._t0 = time.perf_counter()

    # Writing -----------------------------------------------------------------------------------------------

    def _write(self, record):
        # One write per line, flushed, so a follower never sees half a record for long.
        self._file.write(json.dumps(record, separators=(",", ":"), allow_nan=False) + "\n")
        self._file.flush()

    def log_step(self, step, epoch, loss, recon, kl, kl_dims, beta, lr, grad_norm, grad_norm_clipped=None,
                 clip_coef=1.0, layer_grad_norms=(), batch_size=0, samples_per_second=0.0, momentum=None,
                 free_bits=0.0, time_seconds=None):
        """One optimizer step. Losses are per image; kl_dims is the batch-mean KL of each latent dimension."""
        self._last_step = int(step)
        record = {"kind": "step", "step": int(step), "epoch": int(epoch), "loss": _num(loss), "recon": _num(recon),
                  "kl": _num(kl), "klDims": [_num(x) for x in kl_dims], "beta": _num(beta), "lr": _num(lr),
                  "freeBits": _num(free_bits), "gradNorm": _num(grad_norm),
                  "gradNormClipped": _num(grad_norm if grad_norm_clipped is None else grad_norm_clipped),
                  "clipCoef": _num(clip_coef), "layerGradNorms": [_num(x) for x in layer_grad_norms],
                  "batchSize": int(batch_size), "samplesPerSecond": _num(samples_per_second),
                  "time": _num(time.perf_counter() - self._t0 if time_seconds is None else time_seconds)}
        if momentum is not None:
            record["momentum"] = _num(momentum)
        if free_bits:
            lam = float(free_bits)
            record["klObjectiveDims"] = [_num(max(lam, float(x))) for x in kl_dims]
            record["klObjective"] = _num(sum(max(lam, float(x)) for x in kl_dims))
        self._write(record)

    def log_eval(self, step, epoch, loss, recon, kl, kl_dims, active_units, collapsed=(), images=0, mean_variance=None):
        """An evaluation on held-out data (negative ELBO per image)."""
        self._write({"kind": "eval", "step": int(step), "epoch": int(epoch), "loss": _num(loss), "recon": _num(recon),
                     "kl": _num(kl), "klDims": [_num(x) for x in kl_dims],
                     "meanVariance": [_num(x) for x in (mean_variance or [])], "activeUnits": int(active_units),
                     "collapsed": [int(j) for j in collapsed], "images": int(images)})

    def alert(self, step, message, level="info"):
        self._write({"kind": "alert", "step": int(step), "level": level, "message": str(message)})

    def close(self, step, epoch, reason="finished", test_loss=None, active_units=None, samples_per_second=0.0):
        self._write({"kind": "state", "step": int(step), "state": "finished" if reason == "finished" else "stopped",
                     "reason": reason})
        record = {"kind": "end", "step": int(step), "epoch": int(epoch), "reason": reason,
                  "samplesPerSecond": _num(samples_per_second), "seconds": _num(time.perf_counter() - self._t0)}
        if test_loss is not None:
            record["testLoss"] = _num(test_loss)
        if active_units is not None:
            record["activeUnits"] = int(active_units)
        self._write(record)
        self._file.close()

    # Commands ----------------------------------------------------------------------------------------------

    def _skip_existing_commands(self):
        try:
            with open(self.commands_path, "rb") as f:
                last = b""
                while True:
                    chunk = f.read(_READ_CHUNK)
                    if not chunk:
                        break
                    self._line_number += chunk.count(b"\n")
                    self._commands_offset += len(chunk)
                    last = chunk[-1:]
            self._discard_partial = last not in (b"", b"\n")
        except OSError:
            pass

    def _new_lines(self):
        """(line number, bytes or None, length) for each new complete line; bytes is None for an over-long line."""
        try:
            size = os.path.getsize(self.commands_path)
            if size < self._commands_offset:          # the file was replaced: start over
                self._commands_offset, self._line_number = 0, 0
                self._partial, self._partial_len, self._discard_partial = b"", 0, False
            if size == self._commands_offset:
                return []
            out = []
            with open(self.commands_path, "rb") as f:
                f.seek(self._commands_offset)
                remaining = size - self._commands_offset
                while remaining > 0:                   # in chunks: a huge line never sits in memory whole
                    chunk = f.read(min(remaining, _READ_CHUNK))
                    if not chunk:
                        break
                    remaining -= len(chunk)
                    self._commands_offset += len(chunk)
                    *complete, rest = chunk.split(b"\n")
                    for piece in complete:
                        line = self._partial + piece[:MAX_COMMAND_LINE + 1]
                        length = self._partial_len + len(piece)
                        self._partial, self._partial_len = b"", 0
                        self._line_number += 1
                        if self._discard_partial:
                            self._discard_partial = False
                            continue
                        out.append((self._line_number, line if length <= MAX_COMMAND_LINE else None, length))
                    if len(self._partial) <= MAX_COMMAND_LINE:
                        self._partial += rest[:MAX_COMMAND_LINE + 1 - len(self._partial)]
                    self._partial_len += len(rest)
            return out
        except OSError:
            return []                                   # the file vanished or is unreadable: try again next time

    def _parse_command(self, raw, length):
        """(command, id, None) for a line that is a well-formed, applicable command; else (None, id, reason), with
        id None when the line has no usable one."""
        if raw is None:
            return None, None, f"line too long ({length} bytes)"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None, None, "not UTF-8"
        if text.startswith("\ufeff"):                 # a byte-order mark, as json.loads(bytes) always allowed
            text = text[1:]
        try:
            c = json.loads(text)
        except (ValueError, RecursionError):
            return None, None, "not valid JSON"
        if not isinstance(c, dict):
            return None, None, f"not a JSON object ({_describe(c)})"
        if "id" in c and (not isinstance(c["id"], int) or isinstance(c["id"], bool)):
            return None, None, f'"id" is not an integer ({_describe(c["id"])})'
        reason = self._problem(c)
        return (None if reason else c), c.get("id"), reason

    def _problem(self, c):
        """Why a JSON object with a valid or absent id is not an applicable command (None if it is one)."""
        if "command" not in c:
            return 'no "command"'
        kind = c["command"]
        if not isinstance(kind, str) or kind not in COMMANDS:
            return f"unknown command {_describe(kind)}"
        if kind not in ("set", "clear"):
            return None
        if "parameter" not in c:
            return f'{kind} without "parameter"'
        p = c["parameter"]
        if not isinstance(p, str) or p not in HYPERPARAMETERS:
            return f"unknown parameter {_describe(p)}"
        if kind == "clear":
            return None
        if "value" not in c:
            return f'set {p} without "value"'
        v = c["value"]
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            return f"{p} value is not a number ({_describe(v)})"
        try:
            f = float(v)
        except OverflowError:
            f = math.inf
        if not math.isfinite(f):
            return f"{p} value is not a finite number"
        if not self._valid(p, f):
            return f"{p} = {f!r} is out of range; nothing changed"
        return None

    def _refuse(self, step, line_number, command_id, reason):
        where = f"line {line_number}" if command_id is None else f"id {_clean(command_id, 20)} (line {line_number})"
        self.alert(step, _clean(f"command refused: {where}: {reason}", 300), "warning")

    def poll_commands(self, step=None):
        """New complete, well-formed command lines since the last call (a half-written last line waits for the next
        call). Each bad line (not UTF-8, not a JSON object, an unknown command or parameter, a value that is not a
        finite number in range, a non-integer id, over MAX_COMMAND_LINE bytes) is refused with one warning alert
        at `step` (default: the last step logged) and left out; none raises."""
        if step is None:
            step = self._last_step
        if not os.path.exists(self.commands_path):
            return []
        out = []
        for number, raw, length in self._new_lines():
            if raw is not None and not raw.strip():
                continue                                # blank lines are not commands
            try:
                c, command_id, reason = self._parse_command(raw, length)
            except Exception as e:                      # a last resort: a bad line is refused, never fatal
                c, command_id, reason = None, None, f"unreadable ({type(e).__name__})"
            if reason is None:
                out.append(c)
            else:
                self._refuse(step, number, command_id, reason)
        return out

    def _valid(self, parameter, value):
        limits = {"lr": (0, 10, False), "beta": (0, 1000, True), "beta_target": (0, 1000, True),
                  "free_bits": (0, 10, True), "clip_norm": (0, math.inf, True), "clip_value": (0, math.inf, True),
                  "weight_decay": (0, 1, True), "batch_size": (1, 4096, True), "momentum": (0, 1, True)}
        lo, hi, closed = limits[parameter]
        if not math.isfinite(value) or value > hi or value < lo or (not closed and value == lo):
            return False
        return parameter not in ("weight_decay", "momentum") or value < hi

    def apply_commands(self, step, optimizer=None):
        """Applies new commands at this step boundary and acknowledges each in the run file. Returns them.
        A bad line changes nothing: it is refused with a warning alert ("command refused: ...")."""
        applied = []
        for c in self.poll_commands(step):
            kind = c["command"]
            if kind == "pause" and not self.paused:
                self.paused = True
                self._write({"kind": "state", "step": int(step), "state": "paused", "reason": "client"})
            elif kind == "resume" and self.paused:
                self.paused = False
                self._write({"kind": "state", "step": int(step), "state": "running", "reason": "client"})
            elif kind == "stop":
                self.stop_requested = True
            elif kind in ("set", "clear"):
                p = c["parameter"]
                new = c["value"] if kind == "set" else None
                old = self._current(p, optimizer)
                self._set(p, new, optimizer)
                self._write({"kind": "change", "step": int(step), "parameter": p, "old": _num(old),
                             "new": _num(new), "source": "client"})
            elif kind in ("checkpoint", "evaluate"):
                self.values["_" + kind] = True     # the loop decides how to honour these
            applied.append(c)
        return applied

    def _current(self, p, optimizer):
        if p == "lr" and optimizer is not None:
            return optimizer.param_groups[0]["lr"]
        if p == "momentum" and optimizer is not None:
            g = optimizer.param_groups[0]
            return g["betas"][0] if "betas" in g else g.get("momentum")
        if p == "weight_decay" and optimizer is not None:
            return optimizer.param_groups[0].get("weight_decay")
        return self.values.get(p)

    def _set(self, p, value, optimizer):
        if optimizer is not None and value is not None:
            for g in optimizer.param_groups:
                if p == "lr":
                    g["lr"] = float(value)
                elif p == "weight_decay" and "weight_decay" in g:
                    g["weight_decay"] = float(value)
                elif p == "momentum":
                    if "betas" in g:
                        g["betas"] = (float(value),) + tuple(g["betas"][1:])
                    elif "momentum" in g:
                        g["momentum"] = float(value)
        if value is None:
            self.values.pop(p, None)
        else:
            self.values[p] = int(value) if p == "batch_size" else float(value)

    def wait_while_paused(self, step, optimizer=None, poll_seconds=0.05):
        """Blocks while paused, applying commands (a resume or stop ends the wait)."""
        while self.paused and not self.stop_requested:
            time.sleep(poll_seconds)
            self.apply_commands(step, optimizer)
