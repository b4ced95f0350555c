"""Data-parallel runs with fake in-process ranks (threads + barrier): rank 0 reads the commands and writes the run;
every rank applies every command at the same step boundary; the logged metrics are averaged over the ranks."""
import os
import shutil
import tempfile
import threading
import unittest

from fakes import FakeModel, FakeOneCycle, FakeOptimizer, kinds, send, vaetop
from vaetop.distributed import SingleProcess, ThreadGroup


def run_ranks(world, target):
    """Runs target(rank, comm) on `world` threads; re-raises the first error."""
    group = ThreadGroup(world, timeout=20)
    errors, results = [], {}

    def body(rank):
        try:
            results[rank] = target(rank, group.communicator(rank))
        except BaseException as e:   # noqa: BLE001 - reported to the test
            errors.append(e)
            try:
                group._barrier.abort()
            except Exception:
                pass
    threads = [threading.Thread(target=body, args=(r,)) for r in range(world)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    if errors:
        raise errors[0]
    return results


class DistributedTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vaetop-ddp-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def loop(self, rank, comm, steps=30, commands=None, snapshot_every=0):
        """One rank's loop: its own optimizer, scheduler and 'model'; rank 0's directory is self.dir, the others
        get a directory of their own (which must stay empty). Returns (step, lr, β1) per step."""
        directory = self.dir if rank == 0 else os.path.join(self.dir, f"rank-{rank}")
        opt = FakeOptimizer()
        sched = FakeOneCycle(opt, [1e-2, 1e-2], total=100)
        model = FakeModel(seed=3)      # the same draws on every rank (threads share the global RNG)
        run = vaetop.Run(directory, config={"latent": 2, "batchSize": 32}, optimizer=opt, scheduler=sched,
                         values={"beta": 1.0}, comm=comm, snapshot_every=snapshot_every, poll_seconds=0.01)
        run.track("model", model.state_dict, model.load_state_dict)
        run.track("scheduler", sched.state_dict, sched.load_state_dict)
        seen, sent = [], set()
        while run.global_step < steps:
            with run.step() as step:
                lr = opt.param_groups[0]["lr"]
                seen.append((step, lr, opt.param_groups[0]["betas"][0], run.beta))
                model.train_step(lr)
                sched.step()
                run.log(loss=10.0 + rank, recon=9.0 + rank, kl_dims=[0.1 * (rank + 1), 0.2],
                        layer_grad_norms=[1.0 + rank], batch_size=32)
                if rank == 0 and commands and step in commands and step not in sent:
                    sent.add(step)
                    for c in commands[step]:
                        c() if callable(c) else send(self.dir, c)
            if run.stopped:
                break
        run.close()
        return seen, model.w

    def test_both_ranks_apply_a_command_at_the_same_step_and_only_rank_0_writes(self):
        commands = {7: [{"id": 1, "command": "set", "parameter": "lr", "value": 0.02},
                        {"id": 2, "command": "set", "parameter": "beta", "value": 0.5},
                        {"id": 3, "command": "set", "parameter": "momentum", "value": 0.7}],
                    15: [{"id": 4, "command": "pause"},
                         lambda: threading.Timer(0.2, lambda: send(self.dir, {"id": 5, "command": "resume"})).start()],
                    20: [{"id": 6, "command": "stop"}]}
        results = run_ranks(2, lambda rank, comm: self.loop(rank, comm, commands=commands))
        (seen0, w0), (seen1, w1) = results[0], results[1]
        self.assertEqual(seen0, seen1)                          # same step, same lr, β1, β on every step
        self.assertEqual(w0, w1)
        self.assertEqual([s for s, *_ in seen0], list(range(1, 21)))
        by_step = {s: (lr, b1, beta) for s, lr, b1, beta in seen0}
        self.assertEqual(by_step[8][0], 0.02)
        self.assertEqual((by_step[8][1], by_step[8][2]), (0.7, 0.5))
        self.assertNotEqual(by_step[7][2], 0.5)
        # Rank 1 writes nothing there: its heartbeat (.vaetop-alive-rank-1) is removed when it closes.
        other = os.path.join(self.dir, "rank-1")
        self.assertEqual(os.listdir(other) if os.path.exists(other) else [], [])
        steps = kinds(self.dir, "step")
        self.assertEqual(len(steps), 20)
        self.assertEqual((steps[0]["loss"], steps[0]["recon"], steps[0]["batchSize"]), (10.5, 9.5, 64))
        self.assertAlmostEqual(steps[0]["klDims"][0], 0.15)
        self.assertEqual(steps[0]["layerGradNorms"], [1.5])
        self.assertEqual([s["lr"] for s in steps], [lr for _, lr, _, _ in seen0])
        self.assertEqual(sorted((o["id"], o["outcome"], o["step"]) for o in kinds(self.dir, "outcome")),
                         [(1, "applied", 7), (2, "applied", 7), (3, "applied", 7), (4, "applied", 15),
                          (5, "applied", 15), (6, "applied", 20)])
        self.assertEqual(len(kinds(self.dir, "header")), 1)
        self.assertEqual(len(kinds(self.dir, "change")), 3)

    def test_undo_and_rewind_happen_on_every_rank(self):
        commands = {6: [{"id": 1, "command": "set", "parameter": "lr", "value": 0.05}],
                    11: [{"id": 2, "command": "undo"}],
                    25: [{"id": 3, "command": "rewind", "step": 17}, {"id": 4, "command": "resume"}]}
        results = run_ranks(2, lambda rank, comm: self.loop(rank, comm, steps=30, commands=commands, snapshot_every=4))
        (seen0, w0), (seen1, w1) = results[0], results[1]
        self.assertEqual(seen0, seen1)
        self.assertEqual(w0, w1)
        rewinds = kinds(self.dir, "rewind")
        self.assertEqual([(r["step"], r["to"], r["reason"]) for r in rewinds], [(11, 6, "undo"), (25, 16, "rewind")])
        numbers = [s for s, *_ in seen0]
        self.assertEqual(numbers, list(range(1, 12)) + list(range(7, 26)) + list(range(17, 31)))
        # After the undo, the lr is the plain schedule's again on both ranks.
        replay = [lr for s, lr, *_ in seen0[11:16]]
        first = [lr for s, lr, *_ in seen0[6:11]]
        self.assertNotEqual(replay, first)

    def test_single_process_communicator_is_the_identity(self):
        c = SingleProcess()
        self.assertEqual((c.rank, c.world_size, c.broadcast_object([1]), c.all_reduce_mean([1, 2])), (0, 1, [1], [1.0, 2.0]))

    def test_thread_group_broadcasts_and_averages(self):
        out = run_ranks(3, lambda rank, comm: (comm.broadcast_object({"from": rank}, src=1),
                                               comm.all_reduce_mean([rank, 2 * rank])))
        self.assertEqual([out[r] for r in range(3)], [({"from": 1}, [1.0, 2.0])] * 3)


if __name__ == "__main__":
    unittest.main()
