"""A dead or silent trainer never looks alive: the header names the writer, a heartbeat file is touched while the
process lives, and an exception, SIGTERM or an interpreter exit without close() still writes an end record."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

from fakes import HERE, FakeOptimizer, kinds, records, vaetop


def script(body):
    return textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {os.path.dirname(HERE)!r})
        import vaetop
        run = vaetop.Run(sys.argv[1], config={{"latent": 2}}, optimizer=None)
        with run.step():
            run.log(loss=1.0, recon=1.0, kl_dims=[0.5, 0.5], batch_size=4)
    """) + textwrap.dedent(body)


class TempDirTest(unittest.TestCase):
    """A fresh run directory per test (named by `prefix`), removed after it."""
    prefix = "vaetop-"

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix=self.prefix)
        self.addCleanup(shutil.rmtree, self.dir, True)


class LivenessTests(TempDirTest):
    prefix = "vaetop-alive-"

    def test_the_header_names_the_writer_and_the_heartbeat_is_touched(self):
        old = vaetop.client.HEARTBEAT_SECONDS
        vaetop.client.HEARTBEAT_SECONDS = 0.05
        self.addCleanup(setattr, vaetop.client, "HEARTBEAT_SECONDS", old)
        run = vaetop.Run(self.dir, optimizer=FakeOptimizer())
        run.write_header()
        header = records(self.dir)[0]
        self.assertEqual(header["writer"], {"pid": os.getpid(), "host": socket.gethostname()})
        beat = os.path.join(self.dir, ".vaetop-alive")
        self.assertTrue(os.path.exists(beat))
        first = os.stat(beat).st_mtime_ns
        deadline = time.time() + 5
        while os.stat(beat).st_mtime_ns == first and time.time() < deadline:
            time.sleep(0.02)
        self.assertGreater(os.stat(beat).st_mtime_ns, first, "the heartbeat was not touched")
        run.close()
        self.assertFalse(os.path.exists(beat))

    def run_script(self, body, **kw):
        p = subprocess.Popen([sys.executable, "-c", script(body), self.dir], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, **kw)
        return p

    def test_an_uncaught_exception_ends_the_run_with_it(self):
        p = self.run_script('raise ValueError("boom")')
        p.communicate(timeout=30)
        self.assertNotEqual(p.returncode, 0)
        recs = records(self.dir)
        self.assertEqual((recs[-1]["kind"], recs[-1]["reason"]), ("end", "error"))
        self.assertEqual(recs[-2]["reason"], "error: ValueError: boom")

    def test_exit_without_close_ends_the_run(self):
        p = self.run_script("sys.exit(0)")
        p.communicate(timeout=30)
        recs = records(self.dir)
        self.assertEqual(recs[-1]["reason"], "error")
        self.assertEqual(recs[-2]["reason"], "error: the process exited without run.close()")

    def test_sigterm_ends_the_run_then_the_process(self):
        p = self.run_script('print("ready", flush=True)\nwhile True: time.sleep(0.05)\n')
        self.assertEqual(p.stdout.readline().strip(), b"ready")
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=30)
        self.assertEqual(p.returncode, -signal.SIGTERM)
        recs = records(self.dir)
        self.assertEqual((recs[-1]["kind"], recs[-1]["reason"]), ("end", "interrupted"))
        self.assertEqual(recs[-2]["reason"], "interrupted: SIGTERM")
        self.assertFalse(os.path.exists(os.path.join(self.dir, ".vaetop-alive")))

    def test_kill_9_leaves_a_heartbeat_naming_a_dead_pid(self):
        p = self.run_script('print("ready", flush=True)\nwhile True: time.sleep(0.05)\n')
        self.assertEqual(p.stdout.readline().strip(), b"ready")
        p.kill()
        p.communicate(timeout=30)
        with open(os.path.join(self.dir, ".vaetop-alive")) as f:
            writer = json.load(f)
        self.assertEqual(writer["pid"], p.pid)
        self.assertNotEqual(records(self.dir)[-1]["kind"], "end")   # what `vaetop watch` must tell from a live run



class KnobValueTests(TempDirTest):
    """Knobs start at the loop's values: the header says what the loop declared and what its optimizer holds."""

    prefix = "vaetop-knobs-"

    def test_the_header_carries_the_loops_values_never_defaults(self):
        opt = FakeOptimizer(lr=3e-4)
        for g in opt.param_groups:
            g["weight_decay"] = 1e-4
        run = vaetop.Run(self.dir, optimizer=opt, values={"clip_norm": 5.0, "beta": None, "free_bits": 0.0})
        run.write_header()
        values = records(self.dir)[0]["values"]
        self.assertEqual(values["lr"], 3e-4)
        self.assertEqual(values["weight_decay"], 1e-4)
        self.assertEqual(values["momentum"], 0.9)
        self.assertEqual(values["clip_norm"], 5.0)
        self.assertIsNone(values["beta"])
        self.assertNotIn("clip_value", values)      # never declared: not known, not "off"
        self.assertNotIn("batch_size", values)
        # β declared None: the loop's own schedule, until the screen sets one.
        self.assertIsNone(run.beta)
        run.values["beta"] = 0.5
        self.assertEqual(run.beta, 0.5)
        run.close()


class RankTests(TempDirTest):
    """Under DDP every other rank keeps a heartbeat; rank 0's end record names a rank whose process is gone."""

    prefix = "vaetop-ranks-"

    def test_rank_0_names_the_rank_that_died(self):
        from vaetop.distributed import ThreadGroup
        group = ThreadGroup(2)
        run = vaetop.Run(self.dir, optimizer=FakeOptimizer(), comm=group.communicator(0))
        run.write_header()
        # Rank 1 ran in a process that has ended: its heartbeat names a pid no process has.
        p = subprocess.Popen([sys.executable, "-c", "pass"]); p.wait()
        with open(os.path.join(self.dir, ".vaetop-alive-rank-1"), "w") as f:
            json.dump({"pid": p.pid, "host": socket.gethostname()}, f)
        run.close(reason="error", detail="RuntimeError: Connection reset by peer")
        recs = records(self.dir)
        self.assertEqual(recs[-2]["reason"], f"error: rank 1 (process {p.pid}) is gone; RuntimeError: Connection reset by peer")

    def test_other_ranks_keep_their_own_heartbeat(self):
        from vaetop.distributed import ThreadGroup
        group = ThreadGroup(2)
        run1 = vaetop.Run(self.dir, optimizer=FakeOptimizer(), comm=group.communicator(1))
        beat = os.path.join(self.dir, ".vaetop-alive-rank-1")
        self.assertTrue(os.path.exists(beat))
        run1.close()
        self.assertFalse(os.path.exists(beat))


if __name__ == "__main__":
    unittest.main()
