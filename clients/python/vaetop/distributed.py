"""Communication between the processes of a data-parallel run, behind a two-method interface.

Under torch.distributed (DistributedDataParallel), rank 0 writes the run and reads commands.jsonl; what it read is
broadcast, so every rank applies the same commands at the same step boundary, and the metrics are averaged over
the ranks before rank 0 logs them. The client needs only:

    comm.rank, comm.world_size
    comm.broadcast_object(obj, src=0) -> obj        # every rank gets src's object
    comm.all_reduce_mean(list_of_floats) -> list    # every rank gets the element-wise mean

`SingleProcess` is the trivial one, `TorchDistributed` uses torch.distributed (imported only then), and
`ThreadGroup` runs ranks as threads of one process (what the standard-library tests use). `detect()` picks
TorchDistributed when torch is already imported and its default process group is initialised.
"""
import copy
import os
import pickle
import sys
import threading
import warnings


class SingleProcess:
    """One process: broadcasting and averaging change nothing."""
    rank = 0
    world_size = 1

    def broadcast_object(self, obj, src=0):
        return obj

    def all_reduce_mean(self, values):
        return [float(v) for v in values]

    def barrier(self):
        pass

    def __repr__(self):
        return "SingleProcess()"


class TorchDistributed:
    """torch.distributed's default (or a given) process group. Collectives: every rank must make the same calls
    in the same order, which the client does at every step boundary and in every `log`."""

    def __init__(self, group=None):
        import torch
        import torch.distributed as dist
        self._torch, self._dist, self.group = torch, dist, group
        self.rank = dist.get_rank(group)
        self.world_size = dist.get_world_size(group)
        backend = str(dist.get_backend(group)).lower()
        if "nccl" in backend and torch.cuda.is_available():
            self.device = torch.device("cuda", torch.cuda.current_device())
        else:
            self.device = torch.device("cpu")

    def broadcast_object(self, obj, src=0):
        holder = [obj if self.rank == src else None]
        self._dist.broadcast_object_list(holder, src=src, group=self.group,
                                         device=self.device if self.device.type == "cuda" else None)
        return holder[0]

    def all_reduce_mean(self, values):
        if not values:
            return []
        t = self._torch.tensor([float(v) for v in values], dtype=self._torch.float64, device=self.device)
        self._dist.all_reduce(t, op=self._dist.ReduceOp.SUM, group=self.group)
        return (t / self.world_size).tolist()

    def barrier(self):
        self._dist.barrier(group=self.group)

    def __repr__(self):
        return f"TorchDistributed(rank={self.rank}, world_size={self.world_size})"


class ThreadGroup:
    """Fake ranks as threads of one process (for tests): `group.communicator(rank)` is rank's end. Objects are
    passed through pickle, as torch.distributed does, so no rank ever shares an object with another. A rank that
    does not arrive within `timeout` seconds breaks the barrier (an error, never a hang)."""

    def __init__(self, world_size, timeout=30.0):
        self.world_size = world_size
        self._barrier = threading.Barrier(world_size, timeout=timeout)
        self._slot = None
        self._values = [None] * world_size

    def communicator(self, rank):
        return _ThreadCommunicator(self, rank)


class _ThreadCommunicator:
    def __init__(self, group, rank):
        self._g, self.rank, self.world_size = group, rank, group.world_size

    def broadcast_object(self, obj, src=0):
        g = self._g
        if self.rank == src:
            g._slot = pickle.dumps(obj)
        g._barrier.wait()
        out = pickle.loads(g._slot)
        g._barrier.wait()
        return out

    def all_reduce_mean(self, values):
        g = self._g
        g._values[self.rank] = [float(v) for v in values]
        g._barrier.wait()
        rows = copy.deepcopy(g._values)
        g._barrier.wait()
        if any(len(r) != len(rows[0]) for r in rows):
            raise ValueError("all_reduce_mean: the ranks gave lists of different lengths")
        return [sum(col) / self.world_size for col in zip(*rows)]

    def barrier(self):
        self._g._barrier.wait()

    def __repr__(self):
        return f"ThreadCommunicator(rank={self.rank}, world_size={self.world_size})"


def detect():
    """TorchDistributed when torch is imported and torch.distributed's default group is initialised (torchrun,
    `init_process_group`), else SingleProcess. Never imports torch itself."""
    torch = sys.modules.get("torch")
    if torch is not None:
        try:
            dist = torch.distributed
            if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
                return TorchDistributed()
        except Exception:
            pass
    try:
        world = int(os.environ.get("WORLD_SIZE", "1"))
    except ValueError:
        world = 1
    if world > 1:
        warnings.warn(f"vaetop: WORLD_SIZE={world} but torch.distributed is not initialised: call "
                      "init_process_group before vaetop.init / vaetop.Run, or every rank writes the run as if alone",
                      stacklevel=3)
    return SingleProcess()
