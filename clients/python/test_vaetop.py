"""Tests of the vaetop client with a pure-Python fake training loop (standard library only).

    python3 clients/python/test_vaetop.py                 # the unit tests
    python3 clients/python/test_vaetop.py --write DIR     # a fake run in DIR (the Swift tests read it back)
    python3 clients/python/test_vaetop.py --apply DIR     # a fake run that applies DIR/commands.jsonl first
    python3 clients/python/test_vaetop.py --slow DIR      # a slow 3,000-step fake run, to watch
"""
import json
import math
import os
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vaetop  # noqa: E402


class FakeOptimizer:
    """Just enough of torch.optim.Adam's interface: param_groups with lr, betas, weight_decay."""
    def __init__(self, lr=1e-3):
        self.param_groups = [{"lr": lr, "betas": (0.9, 0.999), "weight_decay": 0.0}, {"lr": lr, "betas": (0.9, 0.999), "weight_decay": 0.0}]


def fake_loop(directory, steps=30, latent=4, before_step=None):
    """A loop whose 'loss' decays; it logs every step, evaluates every 10 and honours commands."""
    opt = FakeOptimizer()
    run = vaetop.Run(directory, config={"latent": latent, "epochs": 1, "batchSize": 32}, layers=["enc", "dec"],
                     steps_per_epoch=steps, values={"beta": 1.0, "free_bits": 0.0})
    step = 0
    for step in range(1, steps + 1):
        if before_step:
            before_step(step)
        run.apply_commands(step - 1, opt)
        run.wait_while_paused(step - 1, opt, poll_seconds=0.01)
        if run.stop_requested:
            break
        dims = [0.5 / (j + 1) * math.exp(-step / 50) for j in range(latent)]
        kl = sum(dims)
        recon = 200 * math.exp(-step / 20) + 80
        beta = run.values.get("beta", 1.0)
        run.log_step(step=step, epoch=1, loss=recon + beta * kl, recon=recon, kl=kl, kl_dims=dims, beta=beta,
                     lr=opt.param_groups[0]["lr"], grad_norm=10 / step, layer_grad_norms=[6 / step, 8 / step],
                     batch_size=32, samples_per_second=1000.0, free_bits=run.values.get("free_bits", 0.0))
        if step % 10 == 0:
            run.log_eval(step=step, epoch=1, loss=recon + kl + 5, recon=recon + 5, kl=kl, kl_dims=dims, active_units=latent)
    run.close(step, 1, test_loss=100.0, active_units=latent)
    return run, opt


def records(directory):
    with open(os.path.join(directory, "run.jsonl")) as f:
        return [json.loads(line) for line in f]


def send(directory, line):
    with open(os.path.join(directory, "commands.jsonl"), "a") as f:
        f.write(json.dumps(line) + "\n")


class ClientTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vaetop-client-")

    def test_writes_a_complete_run(self):
        fake_loop(self.dir)
        recs = records(self.dir)
        self.assertEqual(recs[0]["kind"], "header")
        self.assertEqual(recs[0]["format"], "vaetop-run")
        self.assertEqual([r["step"] for r in recs if r["kind"] == "step"], list(range(1, 31)))
        self.assertEqual([r["step"] for r in recs if r["kind"] == "eval"], [10, 20, 30])
        self.assertEqual(recs[-1]["kind"], "end")

    def test_non_finite_numbers_are_strings(self):
        run = vaetop.Run(self.dir)
        run.log_step(step=1, epoch=1, loss=float("nan"), recon=float("inf"), kl=0, kl_dims=[float("-inf")], beta=1,
                     lr=1e-3, grad_norm=float("nan"))
        run.close(1, 1)
        step = [r for r in records(self.dir) if r["kind"] == "step"][0]
        self.assertEqual((step["loss"], step["recon"], step["klDims"]), ("nan", "inf", ["-inf"]))

    def test_commands_change_the_optimizer_and_are_acknowledged(self):
        def before(step):
            if step == 5:
                send(self.dir, {"id": 1, "command": "set", "parameter": "lr", "value": 0.002})
                send(self.dir, {"id": 2, "command": "set", "parameter": "beta", "value": 0.5})
                send(self.dir, {"id": 3, "command": "set", "parameter": "lr", "value": -1})
        run, opt = fake_loop(self.dir, before_step=before)
        self.assertTrue(all(g["lr"] == 0.002 for g in opt.param_groups))
        changes = [r for r in records(self.dir) if r["kind"] == "change"]
        self.assertEqual([(c["parameter"], c["old"], c["new"], c["step"], c["source"]) for c in changes],
                         [("lr", 0.001, 0.002, 4, "client"), ("beta", 1.0, 0.5, 4, "client")])
        steps = {r["step"]: r for r in records(self.dir) if r["kind"] == "step"}
        self.assertEqual(steps[4]["lr"], 0.001)
        self.assertEqual(steps[5]["lr"], 0.002)
        self.assertEqual(steps[5]["beta"], 0.5)
        alerts = [r for r in records(self.dir) if r["kind"] == "alert"]
        self.assertTrue(any("refused" in a["message"] for a in alerts))

    def test_pause_blocks_until_resume(self):
        def before(step):
            if step == 3:
                send(self.dir, {"id": 1, "command": "pause"})
                threading.Timer(0.2, lambda: send(self.dir, {"id": 2, "command": "resume"})).start()
        t0 = time.time()
        fake_loop(self.dir, before_step=before)
        self.assertGreaterEqual(time.time() - t0, 0.2)
        states = [(r["state"], r["step"]) for r in records(self.dir) if r["kind"] == "state"]
        self.assertIn(("paused", 2), states)
        self.assertIn(("running", 2), states)

    def test_stop_ends_the_loop_and_half_lines_wait(self):
        path = os.path.join(self.dir, "commands.jsonl")

        def before(step):
            if step == 2:
                with open(path, "a") as f:
                    f.write('{"id":1,"command":"st')      # a writer caught mid-line
            if step == 4:
                with open(path, "a") as f:
                    f.write('op"}\n')
        fake_loop(self.dir, before_step=before)
        self.assertEqual([r["step"] for r in records(self.dir) if r["kind"] == "step"], [1, 2, 3])

    def test_commands_from_before_the_process_are_ignored(self):
        os.makedirs(self.dir, exist_ok=True)
        send(self.dir, {"id": 1, "command": "stop"})
        fake_loop(self.dir, steps=5)
        self.assertEqual(len([r for r in records(self.dir) if r["kind"] == "step"]), 5)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        fake_loop(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "--slow":
        # A long, slow run for watching (the end-to-end test drives `vaetop watch` against it).
        fake_loop(sys.argv[2], steps=3000, before_step=lambda step: time.sleep(0.02))
    elif len(sys.argv) == 3 and sys.argv[1] == "--apply":
        # Commands already in commands.jsonl are applied at the first step (the watcher sent them "live").
        d = sys.argv[2]
        pending = open(os.path.join(d, "commands.jsonl")).read() if os.path.exists(os.path.join(d, "commands.jsonl")) else ""
        os.remove(os.path.join(d, "commands.jsonl"))

        def before(step, d=d, pending=pending):
            if step == 2:
                with open(os.path.join(d, "commands.jsonl"), "a") as f:
                    f.write(pending)
        fake_loop(d, before_step=before)
    else:
        unittest.main(verbosity=1)
