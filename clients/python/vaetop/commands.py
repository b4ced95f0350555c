"""Reading `commands.jsonl`: the command lines `vaetop watch` appends to a run directory.

Standard library only. `CommandReader.read()` returns, for every new complete line, one plain dict (an *item*,
picklable, so a distributed run can broadcast it unchanged):

    {"line": 3, "id": 7, "name": "set", "parameter": "lr", "command": {...the JSON object...}, "reason": None}

`reason` is None for a well-formed command and says why otherwise (the line is then refused, never applied);
`id`, `name` and `parameter` are None when the line had no usable one. Nothing a line holds can raise.
"""
import json
import math
import os

from .schema import SCHEMA

# The hyperparameters, commands, labels and ranges are vaetop's own (`vaetop schema`, generated into schema.py):
# the VAE's hyperparameters (a VAE-GAN's discriminator knobs are vaetop's trainer's only), in the table's order.
_HYPER = {h["name"]: h for h in SCHEMA["hyperparameters"] if not h["ganOnly"]}
HYPERPARAMETERS = tuple(_HYPER)
COMMANDS = tuple(c["name"] for c in SCHEMA["commands"])
MAX_COMMAND_LINE = 64 * 1024      # bytes; a command is ~100, anything longer is refused unread
MAX_STEP = 10 ** 12               # the run format's range for steps
_READ_CHUNK = 1 << 20

# Names as vaetop's screen and records show them (Hyperparameter.label in the Swift sources).
LABELS = {name: h["label"] for name, h in _HYPER.items()}


def clean(text, limit=200):
    """Text safe for a one-line message: control characters (C0, DEL, C1) and lone surrogates become "?"."""
    text = str(text)
    if len(text) > limit:
        text = text[:limit] + "..."
    return "".join("?" if ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f or 0xd800 <= ord(ch) <= 0xdfff else ch
                   for ch in text)


def describe(v):
    """A few words for a JSON value in a refusal: the string itself (shortened), else what kind of value it is."""
    if isinstance(v, str):
        return '"' + clean(v, 40) + '"'
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


def compact(v):
    """A number in at most four significant digits ("0.001", "1.25e-05"), as vaetop's screen shows values."""
    if v is None:
        return "off"
    v = float(v)
    if not math.isfinite(v):
        return str(v)
    a = abs(v)
    if a != 0 and (a < 1e-3 or a >= 1e5):
        return "%.2e" % v
    return "%.4g" % v


def range_problem(parameter, value):
    """Why `value` is not acceptable for `parameter` (None if it is): the ranges vaetop's keyboard accepts
    (the settings table, through schema.py), so every `change` record written is one vaetop can read."""
    v = float(value)
    if not math.isfinite(v):
        return f"{parameter} value is not a finite number"
    h = _HYPER[parameter]
    lo, hi = h["min"], h["max"]
    ok = ((lo is None or (v > lo if h["minOpen"] else v >= lo)) and (hi is None or (v < hi if h["maxOpen"] else v <= hi))
          and (not h["whole"] or v == int(v)))
    if ok:
        return None
    return f"{parameter} = {v!r} is out of range ({h['range']}); nothing changed"


def _whole(v):
    return isinstance(v, int) and not isinstance(v, bool)


def problem(c):
    """Why a JSON object with a valid or absent id is not an applicable command (None if it is one)."""
    if "command" not in c:
        return 'no "command"'
    kind = c["command"]
    if not isinstance(kind, str) or kind not in COMMANDS:
        return f"unknown command {describe(kind)}"
    if kind == "rewind":
        if "step" not in c:
            return 'rewind without "step"'
        if not _whole(c["step"]) or not 0 <= c["step"] <= MAX_STEP:
            return f"rewind step is not a whole number of steps ({describe(c['step'])})"
        return None
    if kind == "traverse":
        if "dimension" not in c:
            return 'traverse without "dimension"'
        if not _whole(c["dimension"]) or not 0 <= c["dimension"] < 4096:
            return f"traverse dimension is not a latent dimension ({describe(c['dimension'])})"
        return None
    if kind not in ("set", "clear"):
        return None
    if "parameter" not in c:
        return f'{kind} without "parameter"'
    p = c["parameter"]
    if not isinstance(p, str) or p not in HYPERPARAMETERS:
        return f"unknown parameter {describe(p)}"
    if kind == "clear":
        return None
    if "value" not in c:
        return f'set {p} without "value"'
    v = c["value"]
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return f"{p} value is not a number ({describe(v)})"
    try:
        f = float(v)
    except OverflowError:
        f = math.inf
    if not math.isfinite(f):
        return f"{p} value is not a finite number"
    return range_problem(p, f)


def parse(raw, length, line_number):
    """The item for one complete line (`raw` is None for a line longer than MAX_COMMAND_LINE)."""
    item = {"line": line_number, "id": None, "name": None, "parameter": None, "command": None, "reason": None}
    if raw is None:
        item["reason"] = f"line too long ({length} bytes)"
        return item
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        item["reason"] = "not UTF-8"
        return item
    if text.startswith("\ufeff"):                 # a byte-order mark, as json.loads(bytes) always allowed
        text = text[1:]
    try:
        c = json.loads(text)
    except (ValueError, RecursionError):
        item["reason"] = "not valid JSON"
        return item
    if not isinstance(c, dict):
        item["reason"] = f"not a JSON object ({describe(c)})"
        return item
    name = c.get("command")
    if isinstance(name, str) and name in COMMANDS:
        item["name"] = name
        p = c.get("parameter")
        if name in ("set", "clear") and isinstance(p, str) and p in HYPERPARAMETERS:
            item["parameter"] = p
    if "id" in c and not _whole(c["id"]):
        item["reason"] = f'"id" is not an integer ({describe(c["id"])})'
        return item
    if "id" in c and not -2 ** 63 <= c["id"] < 2 ** 63:        # vaetop reads ids as 64-bit integers
        item["reason"] = '"id" is not a 64-bit integer'
        return item
    item["id"] = c.get("id")
    item["reason"] = problem(c)
    if item["reason"] is None:
        item["command"] = c
    return item


class CommandReader:
    """Follows one commands.jsonl: returns each new complete line once, as an item (see the module docstring).

    Lines already in the file when the reader starts were meant for an earlier process: they are skipped (and
    counted, so later items name the right line number; the rest of a half-written one is dropped too). A
    half-written last line waits for the next call. A line longer than MAX_COMMAND_LINE is never held in memory
    whole. A file replaced by a shorter one is read again from its start. Blank lines are not commands."""

    def __init__(self, path):
        self.path = path
        self._offset = 0
        self._partial = b""              # the start of an unfinished line (at most MAX_COMMAND_LINE + 1 bytes)
        self._partial_len = 0            # its full length so far
        self._discard_partial = False    # the unfinished line began before this reader: drop it silently
        self._line_number = 0            # complete lines read or skipped so far
        if os.path.exists(path):
            self._skip_existing()

    def _skip_existing(self):
        try:
            with open(self.path, "rb") as f:
                last = b""
                while True:
                    chunk = f.read(_READ_CHUNK)
                    if not chunk:
                        break
                    self._line_number += chunk.count(b"\n")
                    self._offset += len(chunk)
                    last = chunk[-1:]
            self._discard_partial = last not in (b"", b"\n")
        except OSError:
            pass

    def _new_lines(self):
        """(line number, bytes or None, length) for each new complete line; bytes is None for an over-long line."""
        try:
            size = os.path.getsize(self.path)
        except OSError:
            return []                                   # no file (yet), or unreadable: try again next time
        try:
            if size < self._offset:                     # the file was replaced: start over
                self._offset, self._line_number = 0, 0
                self._partial, self._partial_len, self._discard_partial = b"", 0, False
            if size == self._offset:
                return []
            out = []
            with open(self.path, "rb") as f:
                f.seek(self._offset)
                remaining = size - self._offset
                while remaining > 0:                    # in chunks: a huge line never sits in memory whole
                    chunk = f.read(min(remaining, _READ_CHUNK))
                    if not chunk:
                        break
                    remaining -= len(chunk)
                    self._offset += len(chunk)
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
            return []

    def read(self):
        """The items of the lines completed since the last call, in file order."""
        out = []
        for number, raw, length in self._new_lines():
            if raw is not None and not raw.strip():
                continue
            try:
                out.append(parse(raw, length, number))
            except Exception as e:                      # a last resort: a bad line is refused, never fatal
                out.append({"line": number, "id": None, "name": None, "parameter": None, "command": None,
                            "reason": f"unreadable ({type(e).__name__})"})
        return out
