"""In-memory snapshots of a training run, kept under a byte budget and a count limit (standard library only).

A snapshot has two parts: the *heavy* part (model, optimizer and scheduler state: whatever the loop registered
with `Run.track`) and the *light* part (the client's knobs, lr factor, step counter and RNG states). Snapshots
taken while the weights did not change (several changes at one step boundary) share one heavy part, counted once.

When a new snapshot would exceed the budget or the count limit, older points are thinned rather than the oldest
era dropped: the point whose removal leaves the smallest gap relative to its age goes first, so recent points stay
dense and old ones sparse; the first point and points taken before a change weigh more (as vaetop's own trainer
does, Sources/Training/SnapshotRing.swift).
"""
import sys


def estimate_bytes(obj, _depth=0):
    """Roughly how many bytes an object holds: tensors and arrays exactly (element size × count), containers as
    the sum of their items, anything else a few bytes."""
    if _depth > 50:
        return 0
    if hasattr(obj, "element_size") and hasattr(obj, "nelement"):        # a torch tensor
        try:
            return int(obj.element_size()) * int(obj.nelement())
        except Exception:
            return 0
    nbytes = getattr(obj, "nbytes", None)                                 # a numpy array
    if isinstance(nbytes, int):
        return nbytes
    if isinstance(obj, (bytes, bytearray, str)):
        return len(obj)
    if isinstance(obj, dict):
        return 64 + sum(estimate_bytes(k, _depth + 1) + estimate_bytes(v, _depth + 1) for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return 56 + sum(estimate_bytes(v, _depth + 1) for v in obj)
    return sys.getsizeof(obj) if isinstance(obj, (int, float, bool, type(None))) else 16


class Snapshot:
    """One point the run can go back to."""

    def __init__(self, id, step, version, reason, heavy, heavy_bytes, light, light_bytes):
        self.id = id                  # ascending in the order taken
        self.step = step              # steps done when it was taken
        self.version = version        # the weights' version (equal versions share `heavy`)
        self.reason = reason          # "periodic" or "change"
        self.heavy = heavy
        self.heavy_bytes = heavy_bytes
        self.light = light
        self.light_bytes = light_bytes

    def __repr__(self):
        return f"Snapshot(id={self.id}, step={self.step}, version={self.version}, reason={self.reason!r})"


class SnapshotStore:
    """The snapshots of a run, in the order taken (ascending step along the current timeline)."""

    def __init__(self, budget_bytes, limit=64):
        self.budget = int(budget_bytes)
        self.limit = max(1, int(limit))
        self.items = []

    @staticmethod
    def cost(items):
        seen, total = set(), 0
        for s in items:
            total += s.light_bytes
            if s.version not in seen:
                seen.add(s.version)
                total += s.heavy_bytes
        return total

    @property
    def bytes(self):
        return self.cost(self.items)

    @property
    def points(self):
        """The steps one can rewind to, ascending and distinct."""
        out = []
        for s in self.items:
            if not out or out[-1] != s.step:
                out.append(s.step)
        return out

    def fits(self, s):
        return self.budget > 0 and self.cost([s]) <= self.budget

    def insert(self, s):
        """Adds a snapshot, then thins until the budget and the limit hold. False when it alone does not fit."""
        if not self.fits(s):
            return False
        self.items.append(s)
        while len(self.items) > 1 and (self.bytes > self.budget or len(self._groups()) > self.limit):
            self._remove_group(self._thinning_candidate())
        return True

    def newest(self):
        return self.items[-1] if self.items else None

    def by_id(self, id):
        return next((s for s in self.items if s.id == id), None)

    def latest_before_id(self, id):
        return next((s for s in reversed(self.items) if s.id < id), None)

    def latest_at_or_before(self, step):
        return next((s for s in reversed(self.items) if s.step <= step), None)

    def drop_after(self, id):
        """Drops every snapshot taken after `id` (the abandoned future after going back to it)."""
        self.items = [s for s in self.items if s.id <= id]

    def remove(self, id):
        self.items = [s for s in self.items if s.id != id]

    def _groups(self):
        """Runs of consecutive snapshots of the same weights (one point on the time axis), as index ranges."""
        out, start = [], 0
        for i in range(1, len(self.items)):
            if self.items[i].version != self.items[i - 1].version:
                out.append(range(start, i))
                start = i
        if self.items:
            out.append(range(start, len(self.items)))
        return out

    def _thinning_candidate(self):
        g = self._groups()
        if len(g) == 1:
            return range(0, 1)          # one point only: its oldest snapshot goes, never the one just taken
        newest = float(self.items[g[-1].start].step)
        best, best_score = g[0], float("inf")
        for k in range(len(g) - 1):
            step = float(self.items[g[k].start].step)
            before = float(self.items[g[k - 1].start].step) if k > 0 else step
            after = float(self.items[g[k + 1].start].step)
            score = (after - before + 1) / (newest - step + 1)
            if k == 0:
                score *= 8
            if any(self.items[i].reason == "change" for i in g[k]):
                score *= 4
            if score < best_score:
                best, best_score = g[k], score
        return best

    def _remove_group(self, r):
        del self.items[r.start:r.stop]
