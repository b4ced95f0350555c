"""The package: `import vaetop` needs the standard library only; one version declaration; `vaetop.init`."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from fakes import FakeChainable, FakeOptimizer, kinds, records, send, vaetop

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class PackageTests(unittest.TestCase):
    def test_import_needs_only_the_standard_library(self):
        code = ("import sys; sys.path.insert(0, %r); import vaetop, vaetop.distributed, vaetop.schedule, "
                "vaetop.snapshots, vaetop.commands; "
                "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'numpy')); "
                "print(vaetop.__version__, bad)") % ROOT
        out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), f"{vaetop.__version__} []")

    def test_the_version_is_declared_once(self):
        with open(os.path.join(ROOT, "pyproject.toml")) as f:
            project = f.read()
        self.assertIn('dynamic = ["version"]', project)
        self.assertIn('version = { attr = "vaetop.__version__" }', project)
        self.assertIsNone(re.search(r"^version\s*=\s*\"", project, re.M))
        with open(os.path.join(ROOT, "vaetop", "__init__.py")) as f:
            self.assertEqual(len(re.findall(r"^__version__ = \"[0-9.]+\"$", f.read(), re.M)), 1)
        self.assertRegex(vaetop.__version__, r"^\d+\.\d+\.\d+$")

    def test_init_without_torch_objects_and_the_with_statement(self):
        d = tempfile.mkdtemp(prefix="vaetop-init-")
        self.addCleanup(shutil.rmtree, d, True)
        opt = FakeOptimizer()
        sched = FakeChainable(opt)
        with vaetop.init(d, config={"latent": 2}, optimizer=opt, scheduler=sched, snapshot_every=5, beta=1.0,
                         clip_norm=None) as run:
            self.assertEqual(run.capabilities(), ["pause", "resume", "stop", "undo", "rewind", "lr", "beta",
                                                  "clip_norm", "weight_decay", "momentum"])
            self.assertIsNone(run.clip_norm)
            for _ in range(3):
                with run.step():
                    sched.step()
                    run.log(loss=2.0, recon=1.5, kl_dims=[0.25, 0.25], batch_size=8)
        recs = records(d)
        self.assertEqual(recs[-1]["reason"], "finished")
        self.assertIs(type(sched), FakeChainable)            # the wrapper is taken off at close

    def test_batches_train_every_planned_step_even_after_an_undo(self):
        d = tempfile.mkdtemp(prefix="vaetop-batches-")
        self.addCleanup(shutil.rmtree, d, True)
        loader = [[i] for i in range(4)]                      # 4 batches per epoch, 3 epochs: 12 steps
        with vaetop.init(d, config={"latent": 1, "epochs": 3}, optimizer=FakeOptimizer(), snapshot_every=2) as run:
            seen = []
            for (x,) in run.batches(loader, epochs=3):
                with run.step() as step:
                    seen.append((step, run.epoch, x))
                    if step == 6:
                        send(d, {"id": 1, "command": "set", "parameter": "lr", "value": 0.004})
                    if step == 9:
                        send(d, {"id": 2, "command": "undo"})  # back to step 6, before the change
                    run.log(loss=1.0, recon=1.0, kl_dims=[0.0], batch_size=1)
            self.assertEqual(run.global_step, 12)
        steps = [s for s, _, _ in seen]
        self.assertEqual(steps, list(range(1, 10)) + list(range(7, 13)))   # every planned step trained
        self.assertEqual([e for s, e, _ in seen if s in (1, 4, 5, 12)], [1, 1, 2, 3])
        self.assertEqual(kinds(d, "step")[-1]["step"], 12)

    def test_an_exception_inside_the_with_statement_ends_the_run_with_its_error(self):
        d = tempfile.mkdtemp(prefix="vaetop-init-")
        self.addCleanup(shutil.rmtree, d, True)
        with self.assertRaises(ZeroDivisionError):
            with vaetop.init(d) as run:
                with run.step():
                    1 / 0
        recs = records(d)
        self.assertEqual((recs[-1]["kind"], recs[-1]["reason"], recs[-1]["step"]), ("end", "error", 0))
        self.assertEqual(recs[-2]["reason"], "error: ZeroDivisionError: division by zero")
        self.assertFalse(os.path.exists(os.path.join(d, ".vaetop-alive")), "the heartbeat file outlived the run")

    def test_the_legacy_loop_with_its_own_step_counter_still_works(self):
        d = tempfile.mkdtemp(prefix="vaetop-legacy-")
        self.addCleanup(shutil.rmtree, d, True)
        run = vaetop.Run(d, values={"beta": 1.0})
        opt = FakeOptimizer()
        for step in range(1, 6):
            if step == 3:
                send(d, {"id": 1, "command": "set", "parameter": "lr", "value": 0.004})
            run.apply_commands(step - 1, opt)
            run.wait_while_paused(step - 1, opt)
            run.log_step(step=step, epoch=1, loss=1, recon=1, kl=0, kl_dims=[0], beta=run.values["beta"],
                         lr=opt.param_groups[0]["lr"], grad_norm=1)
        run.close(5, 1)
        self.assertEqual([r["lr"] for r in kinds(d, "step")], [0.001, 0.001, 0.004, 0.004, 0.004])
        self.assertEqual([(o["step"], o["from"]) for o in kinds(d, "outcome")], [(2, 3)])


if __name__ == "__main__":
    unittest.main()
