"""Snapshots, undo and rewind: the run goes back to the state before the last change (or to a chosen step), writes
the rewind, restates the values it put back, and training goes on from there as if the change never happened."""
import shutil
import tempfile
import threading
import unittest

from fakes import FakeChainable, FakeModel, FakeOptimizer, fake_loop, kinds, records, send, vaetop
from vaetop.snapshots import Snapshot, SnapshotStore


def once(fn):
    done = []

    def wrapper(*a):
        if not done:
            done.append(True)
            fn(*a)
    return wrapper


class SnapshotTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vaetop-snapshots-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def sender(self, at, *commands):
        """A before_step hook that sends the commands once, before step `at`."""
        @once
        def send_them():
            for c in commands:
                send(self.dir, c)
        return lambda step: send_them() if step == at else None

    def test_periodic_snapshots_are_announced(self):
        fake_loop(self.dir, steps=20, snapshot_every=5, model=FakeModel())
        snaps = kinds(self.dir, "snapshots")
        self.assertEqual([s["points"] for s in snaps], [[0], [0, 5], [0, 5, 10], [0, 5, 10, 15], [0, 5, 10, 15, 20]])
        self.assertEqual([s["step"] for s in snaps], [0, 5, 10, 15, 20])
        self.assertTrue(all(s["budget"] == 256 * 1024 * 1024 and 0 < s["bytes"] <= s["budget"] for s in snaps))
        header = records(self.dir)[0]
        self.assertIn("undo", header["capabilities"])
        self.assertIn("rewind", header["capabilities"])

    def test_undo_goes_back_to_just_before_the_last_change_and_replays_exactly(self):
        model = FakeModel()
        hooks = [self.sender(21, {"id": 1, "command": "set", "parameter": "lr", "value": 0.01}),
                 self.sender(28, {"id": 2, "command": "undo"})]
        run, opt = fake_loop(self.dir, steps=40, snapshot_every=8, model=model,
                             before_step=lambda s: [h(s) for h in hooks])
        recs = records(self.dir)
        rewind = kinds(self.dir, "rewind")
        self.assertEqual(rewind, [{"kind": "rewind", "step": 27, "to": 20, "branch": 1, "reason": "undo",
                                   "detail": "undo lr 0.001 → 0.01 (step 20)"}])
        i = recs.index(rewind[0])
        self.assertEqual(recs[i + 1], {"kind": "change", "step": 20, "parameter": "lr", "old": 0.01, "new": 0.001,
                                       "source": "undo"})
        self.assertEqual(recs[i + 2], {"kind": "state", "step": 20, "state": "running", "reason": "undo (client)"})
        self.assertEqual(recs[i + 3]["kind"], "snapshots")
        self.assertEqual(recs[i + 3]["points"], [0, 8, 16, 20])
        self.assertEqual(recs[i + 4]["kind"], "outcome")
        self.assertEqual((recs[i + 4]["id"], recs[i + 4]["outcome"], recs[i + 4]["from"]), (2, "applied", 21))
        self.assertIn("data loader", recs[i + 4]["reason"])
        steps = [r["step"] for r in recs if r["kind"] == "step"]
        self.assertEqual(steps, list(range(1, 28)) + list(range(21, 41)))
        after = [r for r in recs[i:] if r["kind"] == "step"]
        self.assertTrue(all(r["lr"] == 0.001 for r in after))
        self.assertEqual(run.global_step, 40)
        self.assertTrue(all(g["lr"] == 0.001 for g in opt.param_groups))

    def test_undo_replays_bit_for_bit(self):
        """Branch 1 after the undo equals a run that never made the change (weights and random draws)."""
        import random

        def run_once(directory, hooks):
            random.seed(7)
            model = FakeModel()
            fake_loop(directory, steps=30, snapshot_every=10, model=model,
                      before_step=lambda s: [h(s) for h in hooks])
            return model.w

        undone = run_once(self.dir, [self.sender(16, {"id": 1, "command": "set", "parameter": "lr", "value": 0.05}),
                                     self.sender(23, {"id": 2, "command": "undo"})])
        ref_dir = tempfile.mkdtemp(prefix="vaetop-snapshots-ref-")
        self.addCleanup(shutil.rmtree, ref_dir, True)
        plain = run_once(ref_dir, [])
        self.assertEqual(undone, plain)

    def test_undo_replays_bit_for_bit_even_when_a_handler_draws_random_numbers(self):
        """A batch-size handler that draws from the generator (as a DataLoader does when it is rebuilt), called on
        the change and again by the undo: the draws are undone with the rest."""
        import random

        def run_once(directory, hooks):
            random.seed(11)
            model = FakeModel()
            fake_loop(directory, steps=30, snapshot_every=10, model=model,
                      setup=lambda run: run.on("batch_size", lambda n: random.random()),
                      before_step=lambda s: [h(s) for h in hooks])
            return model.w

        undone = run_once(self.dir, [self.sender(13, {"id": 1, "command": "set", "parameter": "batch_size", "value": 8}),
                                     self.sender(20, {"id": 2, "command": "undo"})])
        ref_dir = tempfile.mkdtemp(prefix="vaetop-snapshots-ref-")
        self.addCleanup(shutil.rmtree, ref_dir, True)
        self.assertEqual(undone, run_once(ref_dir, []))

    def test_two_undos_go_back_change_by_change(self):
        hooks = [self.sender(11, {"id": 1, "command": "set", "parameter": "lr", "value": 0.01}),
                 self.sender(16, {"id": 2, "command": "set", "parameter": "beta", "value": 0.25}),
                 self.sender(19, {"id": 3, "command": "undo"}, {"id": 4, "command": "undo"}, {"id": 5, "command": "undo"})]
        run, opt = fake_loop(self.dir, steps=25, snapshot_every=100, model=FakeModel(),
                             before_step=lambda s: [h(s) for h in hooks])
        rewinds = kinds(self.dir, "rewind")
        self.assertEqual([(r["step"], r["to"], r["branch"], r["detail"]) for r in rewinds],
                         [(18, 15, 1, "undo β 1 → 0.25 (step 15)"), (15, 10, 2, "undo lr 0.001 → 0.01 (step 10)")])
        changes = [(c["parameter"], c["step"], c.get("new"), c["source"]) for c in kinds(self.dir, "change")]
        self.assertEqual(changes, [("lr", 10, 0.01, "client"), ("beta", 15, 0.25, "client"),
                                   ("beta", 15, 1.0, "undo"), ("lr", 10, 0.001, "undo")])
        outs = kinds(self.dir, "outcome")
        self.assertEqual([(o["id"], o["outcome"]) for o in outs],
                         [(1, "applied"), (2, "applied"), (3, "applied"), (4, "applied"), (5, "refused")])
        self.assertEqual(outs[-1]["reason"], "nothing to undo: no change since the run started or since the last rewind")
        self.assertEqual(run.values["beta"], 1.0)

    def test_rewind_goes_to_the_latest_snapshot_at_or_before_the_step_and_pauses(self):
        @once
        def resume_soon():
            threading.Timer(0.1, lambda: send(self.dir, {"id": 3, "command": "resume"})).start()
        hooks = [self.sender(19, {"id": 1, "command": "rewind", "step": 13}, {"id": 2, "command": "rewind", "step": 0}),
                 self.sender(2, {"id": 9, "command": "rewind", "step": 1}, {"id": 10, "command": "resume"})]
        hooks.append(lambda s: resume_soon() if s == 19 else None)
        run, _ = fake_loop(self.dir, steps=25, snapshot_every=5, model=FakeModel(),
                           before_step=lambda s: [h(s) for h in hooks])
        rewinds = kinds(self.dir, "rewind")
        self.assertEqual([(r["step"], r["to"], r["branch"], r["reason"], r["detail"]) for r in rewinds],
                         [(1, 0, 1, "rewind", "rewind to step 0"), (18, 10, 2, "rewind", "rewind to step 10"),
                          (10, 0, 3, "rewind", "rewind to step 0")])
        states = [(s["step"], s["state"], s["reason"]) for s in kinds(self.dir, "state")]
        self.assertEqual(states, [(0, "paused", "rewind (client)"), (0, "running", "client"),
                                  (10, "paused", "rewind (client)"), (0, "paused", "rewind (client)"),
                                  (0, "running", "client"), (25, "finished", "finished")])
        outs = {o["id"]: o for o in kinds(self.dir, "outcome")}
        self.assertEqual((outs[9]["outcome"], outs[9]["step"]), ("applied", 1))   # to step 0, before the first
        steps = [r["step"] for r in kinds(self.dir, "step")]
        self.assertEqual(steps[-1], 25)
        self.assertEqual(run.global_step, 25)

    def test_rewind_past_the_run_is_refused_and_a_nearby_step_is_named(self):
        hooks = [self.sender(13, {"id": 1, "command": "rewind", "step": 500}, {"id": 2, "command": "rewind", "step": 12},
                             {"id": 3, "command": "resume"})]
        fake_loop(self.dir, steps=20, snapshot_every=5, model=FakeModel(), before_step=lambda s: [h(s) for h in hooks])
        outs = {o["id"]: o for o in kinds(self.dir, "outcome")}
        self.assertEqual((outs[1]["outcome"], outs[1]["reason"]),
                         ("refused", "step 500 is after the run's step 12: rewind goes back to a step already trained"))
        self.assertEqual(outs[2]["outcome"], "applied")
        self.assertTrue(outs[2]["reason"].startswith("no snapshot at step 12, the latest before it is step 10; back to step 10"),
                        outs[2]["reason"])

    def test_rewind_before_every_snapshot_is_refused(self):
        run = vaetop.Run(self.dir, optimizer=FakeOptimizer(), snapshot_every=10)
        send(self.dir, {"id": 1, "command": "rewind", "step": 5})
        send(self.dir, {"id": 2, "command": "undo"})
        run.apply_commands(7)          # no snapshot at step 7 (every 10), none before
        run.close()
        outs = kinds(self.dir, "outcome")
        self.assertEqual([(o["outcome"], o["reason"]) for o in outs],
                         [("refused", "no snapshot at or before step 5 (none taken yet)"),
                          ("refused", "nothing to undo: no change since the run started")])

    def test_undo_restores_the_scheduler_and_the_lr_factor(self):
        opt = FakeOptimizer(lrs=[1e-3, 2e-3])
        sched = FakeChainable(opt, gamma=0.5, step_size=4)
        run = vaetop.Run(self.dir, optimizer=opt, scheduler=sched, snapshot_every=3)
        run.track("scheduler", sched.state_dict, sched.load_state_dict)
        run.track("optimizer", opt.state_dict, opt.load_state_dict)
        lrs = {}
        sent = set()
        while run.global_step < 20:
            with run.step() as step:
                lrs.setdefault(step, []).append([g["lr"] for g in opt.param_groups])
                sched.step()
                if step == 6 and "set" not in sent:
                    sent.add("set")
                    send(self.dir, {"id": 1, "command": "set", "parameter": "lr", "value": 0.01})
                if step == 11 and "undo" not in sent:
                    sent.add("undo")
                    send(self.dir, {"id": 2, "command": "undo"})
        run.close()
        for step in range(7, 12):
            first, second = lrs[step]
            self.assertNotEqual(first, second)
        for step, seen in lrs.items():
            if len(seen) == 2 and step <= 6:
                self.assertEqual(seen[0], seen[1])
        # On the new branch lr follows the plain schedule: step 8 is after two halvings (4, 8) of 1e-3.
        self.assertEqual(lrs[9][1], [2.5e-4, 5e-4])

    def test_undo_of_a_batch_size_change_calls_the_handler_with_the_old_size(self):
        sizes = []
        hooks = [self.sender(5, {"id": 1, "command": "set", "parameter": "batch_size", "value": 64}),
                 self.sender(8, {"id": 2, "command": "undo"})]
        fake_loop(self.dir, steps=10, snapshot_every=50, setup=lambda run: run.on("batch_size", sizes.append),
                  before_step=lambda s: [h(s) for h in hooks])
        self.assertEqual(sizes, [64, 32])
        steps = kinds(self.dir, "step")
        self.assertEqual([r["batchSize"] for r in steps], [32] * 4 + [64] * 3 + [32] * 6)
        self.assertEqual([(c["parameter"], c["old"], c["new"], c["source"]) for c in kinds(self.dir, "change")],
                         [("batch_size", 32, 64, "client"), ("batch_size", 64, 32, "undo")])

    def test_a_snapshot_larger_than_the_budget_turns_undo_off_with_a_warning(self):
        big = {"w": "x" * 200000}
        run = vaetop.Run(self.dir, optimizer=FakeOptimizer(), snapshot_every=1, snapshot_memory=0.1)
        run.track("model", lambda: dict(big), lambda s: None)
        with run.step():
            pass
        send(self.dir, {"id": 1, "command": "undo"})
        with run.step():
            pass
        run.close()
        alerts = kinds(self.dir, "alert")
        self.assertEqual(len(alerts), 1)
        self.assertIn("more than the snapshot memory", alerts[0]["message"])
        o = kinds(self.dir, "outcome")[0]
        self.assertEqual(o["outcome"], "unsupported")
        self.assertIn("snapshots are off", o["reason"])
        self.assertNotIn("undo", run.capabilities())


class StoreTests(unittest.TestCase):
    def snap(self, i, step, nbytes=100, reason="periodic", version=None):
        return Snapshot(i, step, i if version is None else version, reason, {}, nbytes, {}, 0)

    def test_thinning_keeps_recent_points_dense_and_the_first_and_change_points(self):
        store = SnapshotStore(budget_bytes=1000, limit=100)
        store.insert(self.snap(1, 0))
        for i in range(2, 60):
            store.insert(self.snap(i, (i - 1) * 10, reason="change" if i == 20 else "periodic"))
        self.assertLessEqual(store.bytes, 1000)
        self.assertEqual(len(store.items), 10)
        points = store.points
        self.assertEqual(points[0], 0)
        self.assertEqual(points[-1], 580)
        self.assertIn(190, points)                                  # the point before a change
        gaps = [b - a for a, b in zip(points, points[1:])]
        self.assertLessEqual(gaps[-1], gaps[1])                     # denser near now

    def test_the_count_limit_holds_and_same_weights_count_once(self):
        store = SnapshotStore(budget_bytes=10 ** 9, limit=5)
        for i in range(1, 30):
            store.insert(self.snap(i, i))
        self.assertEqual(len(store.points), 5)
        shared = SnapshotStore(budget_bytes=250)
        shared.insert(self.snap(1, 0, version=1))
        shared.insert(self.snap(2, 0, version=1))
        shared.insert(self.snap(3, 0, version=1))
        self.assertEqual((shared.bytes, len(shared.items), shared.points), (100, 3, [0]))


if __name__ == "__main__":
    unittest.main()
