"""A changed lr holds through schedulers: lr(t) = schedule(t) · X / schedule(now), per param group, until cleared."""
import copy
import pickle
import shutil
import tempfile
import unittest

from fakes import FakeChainable, FakeOneCycle, FakeOptimizer, FakePlateau, kinds, send, vaetop
from vaetop.schedule import OptimizerControl


def close(a, b, rel=1e-12):
    return abs(a - b) <= rel * max(abs(a), abs(b))


class ScheduleTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vaetop-schedules-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def drive(self, make_scheduler, steps=150, change_at=50, value=None, metric=None, clear_at=None):
        """Two identical optimizers with their schedulers; the run steers the first. Returns per-step lrs of both
        (every group) and the factor."""
        opt, ref = FakeOptimizer(lrs=[1e-3, 4e-3]), FakeOptimizer(lrs=[1e-3, 4e-3])
        sched, ref_sched = make_scheduler(opt), make_scheduler(ref)
        run = vaetop.Run(self.dir, optimizer=opt, scheduler=sched)
        factor = None
        lrs = []
        while run.global_step < steps:
            with run.step() as step:
                lrs.append(([g["lr"] for g in opt.param_groups], [g["lr"] for g in ref.param_groups]))
                if metric is None:
                    sched.step()
                    ref_sched.step()
                else:
                    sched.step(metric(step))
                    ref_sched.step(metric(step))
                if step == change_at:
                    own = ref.param_groups[0]["lr"]
                    target = value if value is not None else own * 5
                    factor = target / own
                    send(self.dir, {"id": 1, "command": "set", "parameter": "lr", "value": target})
                if clear_at is not None and step == clear_at:
                    send(self.dir, {"id": 2, "command": "clear", "parameter": "lr"})
        run.close()
        return lrs, factor

    def check_factor_holds(self, lrs, factor, change_at=50, until=None):
        for k, (ours, theirs) in enumerate(lrs[:until], start=1):
            f = factor if k > change_at else 1.0
            for g, (a, b) in enumerate(zip(ours, theirs)):
                self.assertTrue(close(a, f * b), f"step {k} group {g}: {a} vs {f} × {b}")

    def test_a_closed_form_schedule_is_scaled(self):
        lrs, factor = self.drive(lambda o: FakeOneCycle(o, [1e-2, 4e-2], total=200))
        self.check_factor_holds(lrs, factor)
        o = kinds(self.dir, "outcome")[0]
        self.assertEqual((o["outcome"], o["from"]), ("applied", 51))
        self.assertEqual(o["reason"], "lr is now 5 × the FakeOneCycle schedule")
        change = kinds(self.dir, "change")[0]
        self.assertEqual(lrs[50][0][0], change["new"])          # the value asked for, exactly

    def test_a_chainable_schedule_is_scaled_not_compounded(self):
        lrs, factor = self.drive(lambda o: FakeChainable(o, gamma=0.9, step_size=7))
        self.check_factor_holds(lrs, factor)

    def test_a_plateau_scheduler_cuts_the_schedule_not_the_scaled_value(self):
        lrs, factor = self.drive(lambda o: FakePlateau(o, factor=0.5, patience=3, min_lr=2e-4),
                                 metric=lambda step: 1.0 if step > 20 else 10.0 - step * 0.1)
        self.check_factor_holds(lrs, factor)
        self.assertLess(lrs[-1][1][0], 1e-3)                    # the plateau did cut the schedule meanwhile

    def test_clear_brings_the_schedule_back(self):
        lrs, factor = self.drive(lambda o: FakeChainable(o, gamma=0.9, step_size=7), clear_at=100)
        self.check_factor_holds(lrs, factor, until=100)
        for ours, theirs in lrs[100:]:
            self.assertEqual(ours, theirs)
        change = kinds(self.dir, "change")[1]
        self.assertEqual((change["parameter"], change["step"], change["new"]), ("lr", 100, lrs[100][1][0]))
        self.assertEqual(kinds(self.dir, "outcome")[1]["reason"], "lr follows the FakeChainable schedule again")

    def test_without_a_scheduler_the_set_value_holds_and_group_ratios_stay(self):
        opt = FakeOptimizer(lrs=[1e-3, 4e-3])
        run = vaetop.Run(self.dir, optimizer=opt)
        send(self.dir, {"id": 1, "command": "set", "parameter": "lr", "value": 0.002})
        for _ in range(20):
            with run.step():
                pass
        self.assertEqual([g["lr"] for g in opt.param_groups], [0.002, 0.008])
        self.assertIn("ratios kept", kinds(self.dir, "outcome")[0]["reason"])

    def test_a_hand_written_schedule_is_scaled_too(self):
        opt = FakeOptimizer(lrs=[1e-3, 1e-3])
        run = vaetop.Run(self.dir, optimizer=opt)
        seen = []
        while run.global_step < 30:
            with run.step() as step:
                if step == 10:
                    send(self.dir, {"id": 1, "command": "set", "parameter": "lr", "value": 0.003})
                if step == 20:
                    for g in opt.param_groups:        # the loop's own warm-down, written straight into the groups
                        g["lr"] = 5e-4
                seen.append(opt.param_groups[0]["lr"])
        self.assertEqual(seen[10:19], [0.003] * 9)
        self.assertTrue(close(seen[20], 5e-4 * 3))          # from the next boundary on, scaled by 3

    def test_a_zero_schedule_cannot_be_scaled(self):
        opt = FakeOptimizer(lrs=[0.0, 0.0])
        run = vaetop.Run(self.dir, optimizer=opt)
        send(self.dir, {"id": 1, "command": "set", "parameter": "lr", "value": 0.002})
        run.apply_commands(0)
        o = kinds(self.dir, "outcome")[0]
        self.assertEqual((o["outcome"], o["reason"]), ("refused", "the schedule's lr is 0 at this step: there is nothing to scale"))
        self.assertEqual(opt.param_groups[0]["lr"], 0.0)

    def test_momentum_override_holds_through_a_cycling_schedule_until_cleared(self):
        opt, ref = FakeOptimizer(), FakeOptimizer()
        sched, ref_sched = FakeOneCycle(opt, [1e-2, 1e-2]), FakeOneCycle(ref, [1e-2, 1e-2])
        run = vaetop.Run(self.dir, optimizer=opt, scheduler=sched)
        betas = []
        while run.global_step < 60:
            with run.step() as step:
                sched.step()
                ref_sched.step()
                betas.append((opt.param_groups[0]["betas"][0], ref.param_groups[0]["betas"][0]))
                if step == 10:
                    send(self.dir, {"command": "set", "parameter": "momentum", "value": 0.8})
                if step == 40:
                    send(self.dir, {"command": "clear", "parameter": "momentum"})
        self.assertTrue(all(b == 0.8 for b, _ in betas[10:40]))
        self.assertTrue(all(a == b for a, b in betas[40:]))
        self.assertNotEqual(betas[41][1], betas[50][1])            # it does cycle

    def test_plan_records_give_the_schedules_own_lr_for_every_step(self):
        opt, ref = FakeOptimizer(lrs=[1e-3, 4e-3]), FakeOptimizer(lrs=[1e-3, 4e-3])
        sched, ref_sched = FakeOneCycle(opt, [1e-2, 4e-2], total=60), FakeOneCycle(ref, [1e-2, 4e-2], total=60)
        expected = []
        for _ in range(60):
            expected.append(ref.param_groups[0]["lr"])
            ref_sched.step()
        run = vaetop.Run(self.dir, config={"epochs": 2}, steps_per_epoch=30, optimizer=opt, scheduler=sched,
                         snapshot_every=10)
        run.track("scheduler", sched.state_dict, sched.load_state_dict)
        run.track("optimizer", opt.state_dict, opt.load_state_dict)
        sent = set()
        while run.global_step < 60:
            with run.step() as step:
                sched.step()
                if step == 15 and 15 not in sent:
                    sent.add(15)
                    send(self.dir, {"id": 1, "command": "set", "parameter": "lr", "value": 0.02})
                if step == 25 and 25 not in sent:
                    sent.add(25)
                    send(self.dir, {"id": 2, "command": "undo"})
        run.close()
        plans = kinds(self.dir, "plan")
        self.assertEqual([p["step"] for p in plans], [0, 15])          # at the start, and after the undo
        for p in plans:
            self.assertEqual(len(p["lr"]), 60)
            for a, b in zip(p["lr"], expected):
                self.assertTrue(close(a, b), (a, b))
        self.assertEqual([g["lr"] for g in opt.param_groups], [g["lr"] for g in ref.param_groups])
        self.assertEqual(sched.t, 60)                                   # the copies never stepped the real one

    def test_no_plan_for_a_plateau_scheduler_or_an_unknown_length(self):
        opt = FakeOptimizer()
        run = vaetop.Run(self.dir, config={"epochs": 2}, steps_per_epoch=30, optimizer=opt, scheduler=FakePlateau(opt))
        with run.step():
            pass
        opt2 = FakeOptimizer()
        run2 = vaetop.Run(self.dir + "/b", optimizer=opt2, scheduler=FakeChainable(opt2))
        with run2.step():
            pass
        self.assertEqual((run.write_plan(), run2.write_plan()), (False, False))
        self.assertEqual(kinds(self.dir, "plan"), [])

    def test_the_wrapped_scheduler_pickles_and_copies_as_its_own_class(self):
        opt = FakeOptimizer()
        sched = FakeChainable(opt)
        control = OptimizerControl(opt, sched)
        self.assertIsInstance(sched, FakeChainable)
        self.assertIsNot(type(sched), FakeChainable)
        self.assertIs(type(pickle.loads(pickle.dumps(sched))), FakeChainable)
        self.assertIs(type(copy.deepcopy(sched)), FakeChainable)
        self.assertEqual(sched.state_dict(), {"t": 0})
        control.detach_scheduler()
        self.assertIs(type(sched), FakeChainable)


if __name__ == "__main__":
    unittest.main()
