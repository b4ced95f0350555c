"""Outcomes, capabilities and handlers: every command line gets exactly one outcome, and the header says what the
loop can do."""
import os
import shutil
import tempfile
import unittest

from fakes import FakeOptimizer, FakeSGD, fake_loop, kinds, records, send, send_raw, vaetop


class OutcomeTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vaetop-outcomes-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_capabilities_follow_what_the_loop_registered(self):
        run = vaetop.Run(self.dir)
        self.assertEqual(run.capabilities(), ["pause", "resume", "stop"])
        run.attach(FakeOptimizer())
        run.declare(beta=1.0, clip_norm=None)
        run.on("batch_size", lambda n: None, value=64)
        run.on("checkpoint", lambda: None)
        run.on("traverse", lambda d: None)
        self.assertEqual(run.capabilities(), ["pause", "resume", "stop", "checkpoint", "traverse", "lr", "beta",
                                              "clip_norm", "weight_decay", "batch_size", "momentum"])
        run2 = vaetop.Run(os.path.join(self.dir, "b"), optimizer=FakeSGD(), snapshot_every=10)
        self.assertEqual(run2.capabilities(), ["pause", "resume", "stop", "undo", "rewind", "lr", "weight_decay",
                                               "momentum"])

    def test_the_header_is_written_lazily_with_what_was_registered_by_then(self):
        run = vaetop.Run(self.dir, values={"free_bits": 0.0})
        self.assertFalse(os.path.exists(run.path))          # nothing written at construction
        run.attach(FakeOptimizer())
        run.on("evaluate", lambda: None)
        with run.step():
            run.log(loss=1, recon=1, kl_dims=[0.1])
        run.close()
        header = records(self.dir)[0]
        self.assertEqual(header["capabilities"], ["pause", "resume", "stop", "evaluate", "lr", "free_bits",
                                                  "weight_decay", "momentum"])

    def test_a_command_beyond_the_capabilities_is_unsupported_with_a_reason(self):
        run = vaetop.Run(self.dir, values={"beta": 1.0})
        for i, c in enumerate([{"command": "set", "parameter": "lr", "value": 0.1},
                               {"command": "set", "parameter": "free_bits", "value": 0.5},
                               {"command": "set", "parameter": "batch_size", "value": 64},
                               {"command": "evaluate"}, {"command": "undo"}, {"command": "rewind", "step": 3},
                               {"command": "traverse", "dimension": 1}, {"command": "clear", "parameter": "beta"}],
                              start=1):
            send(self.dir, dict(c, id=i))
        run.apply_commands(0)
        run.close()
        outs = kinds(self.dir, "outcome")
        self.assertEqual([(o["id"], o["outcome"]) for o in outs],
                         [(1, "unsupported"), (2, "unsupported"), (3, "unsupported"), (4, "unsupported"),
                          (5, "unsupported"), (6, "unsupported"), (7, "unsupported"), (8, "applied")])
        self.assertIn("no optimizer", outs[0]["reason"])
        self.assertIn("does not read free_bits", outs[1]["reason"])
        self.assertIn("no batch_size handler", outs[2]["reason"])
        self.assertIn("no evaluate handler", outs[3]["reason"])
        self.assertIn("snapshot", outs[4]["reason"])
        self.assertTrue(all(o["reason"] for o in outs[:7]))
        self.assertEqual(run.values, {})
        self.assertEqual(kinds(self.dir, "alert"), [])

    def test_every_line_gets_exactly_one_outcome_whatever_it_is(self):
        from test_vaetop import HOSTILE_LINES
        run = vaetop.Run(self.dir, values={"beta": 1.0})
        lines = [line for line, _ in HOSTILE_LINES] + [b'{"id":500,"command":"pause"}', b'{"id":501,"command":"resume"}',
                                                      b'{"id":502,"command":"set","parameter":"beta","value":0.5}']
        send_raw(self.dir, b"".join(x + b"\n" for x in lines))
        run.apply_commands(0, FakeOptimizer())
        run.close()
        outs = kinds(self.dir, "outcome")
        self.assertEqual(len(outs), len(lines))
        self.assertTrue(all(o["outcome"] == "applied" or o.get("reason") for o in outs))
        self.assertEqual([o["outcome"] for o in outs[-3:]], ["applied"] * 3)

    def test_handlers_apply_or_refuse_with_their_reason(self):
        calls = []

        def batch(n):
            if n > 100:
                raise ValueError(f"{n} images do not fit in memory")
            calls.append(("batch", n))

        def checkpoint():
            calls.append("checkpoint")
            return os.path.join(self.dir, "checkpoint.pt")

        def evaluate():
            raise OSError("disk full")

        def setup(run):
            run.on("batch_size", batch)
            run.on("checkpoint", checkpoint)
            run.on("evaluate", evaluate)

            @run.on("traverse")
            def traverse(d):
                calls.append(("traverse", d))
                run.log_images(2, 2, traversal={"dimension": d, "values": [-1, 0, 1], "test": [[0, 1, 2, 3]] * 3,
                                                "prior": []})

        def before(step):
            if step == 4:
                send(self.dir, {"id": 1, "command": "set", "parameter": "batch_size", "value": 64})
                send(self.dir, {"id": 2, "command": "set", "parameter": "batch_size", "value": 128})
                send(self.dir, {"id": 3, "command": "checkpoint"})
                send(self.dir, {"id": 4, "command": "evaluate"})
                send(self.dir, {"id": 5, "command": "traverse", "dimension": 2})
                send(self.dir, {"id": 6, "command": "traverse", "dimension": 9})
        run, _ = fake_loop(self.dir, steps=8, before_step=before, setup=setup)
        self.assertEqual(calls, [("batch", 64), "checkpoint", ("traverse", 2)])
        # The batch size is answered once a batch of 64 trained (step 4, which logged it), after the others.
        outs = sorted(kinds(self.dir, "outcome"), key=lambda o: o["id"])
        self.assertEqual([o["id"] for o in kinds(self.dir, "outcome")], [2, 3, 4, 5, 6, 1])
        self.assertEqual([(o["id"], o["outcome"], o["step"]) for o in outs],
                         [(1, "applied", 3), (2, "refused", 3), (3, "applied", 3), (4, "refused", 3),
                          (5, "applied", 3), (6, "refused", 3)])
        self.assertEqual(outs[0]["from"], 4)
        self.assertEqual(outs[1]["reason"], "128 images do not fit in memory")
        self.assertEqual(outs[3]["reason"], "failed: OSError: disk full")
        self.assertEqual(outs[5]["reason"], "no latent dimension 9 to traverse (0…3)")
        self.assertEqual(kinds(self.dir, "checkpoint"), [{"kind": "checkpoint", "step": 3, "path": "checkpoint.pt"}])
        self.assertEqual(kinds(self.dir, "images")[0]["traversal"]["dimension"], 2)
        steps = {r["step"]: r for r in kinds(self.dir, "step")}
        self.assertEqual((steps[3]["batchSize"], steps[4]["batchSize"]), (32, 64))
        self.assertEqual([(c["parameter"], c["old"], c["new"]) for c in kinds(self.dir, "change")],
                         [("batch_size", 32, 64)])

    def test_set_to_the_value_in_force_is_applied_without_a_change(self):
        run = vaetop.Run(self.dir, values={"beta": 0.5}, optimizer=FakeOptimizer())
        send(self.dir, {"id": 1, "command": "set", "parameter": "beta", "value": 0.5})
        send(self.dir, {"id": 2, "command": "clear", "parameter": "lr"})
        send(self.dir, {"id": 3, "command": "clear", "parameter": "batch_size"})
        run.apply_commands(0)
        run.close()
        outs = kinds(self.dir, "outcome")
        self.assertEqual([(o["id"], o["outcome"]) for o in outs], [(1, "applied"), (2, "applied"), (3, "unsupported")])
        self.assertIn("already 0.5", outs[0]["reason"])
        self.assertIn("no override to clear", outs[1]["reason"])
        self.assertEqual(kinds(self.dir, "change"), [])

    def test_a_broken_handler_never_stops_the_loop(self):
        def setup(run):
            run.on("checkpoint", lambda: 1 / 0)

        def before(step):
            if step == 2:
                send(self.dir, {"id": 1, "command": "checkpoint"})
        fake_loop(self.dir, steps=5, before_step=before, setup=setup)
        outs = kinds(self.dir, "outcome")
        self.assertEqual((outs[0]["outcome"], outs[0]["reason"]), ("refused", "failed: ZeroDivisionError: division by zero"))
        self.assertEqual(len(kinds(self.dir, "step")), 5)

    def test_a_reopened_run_says_so_instead_of_a_second_header(self):
        fake_loop(self.dir, steps=3)
        fake_loop(self.dir, steps=3)
        recs = records(self.dir)
        self.assertEqual([r["kind"] for r in recs].count("header"), 1)
        self.assertIn({"kind": "state", "step": 0, "state": "running", "reason": "client reopened the run"}, recs)

    def test_log_eval_computes_active_units_and_variances_from_posterior_means(self):
        run = vaetop.Run(self.dir)
        mu = [[0.0, 1.0, 0.3], [0.0, -1.0, 0.31], [0.0, 1.0, 0.29], [0.0, -1.0, 0.3]]
        logvar = [[0.0, -2.0, 0.0]] * 4
        rec = run.log_eval(recon=90.0, mu_all=mu, logvar_all=logvar)
        run.close()
        self.assertEqual(rec["activeUnits"], 1)
        self.assertAlmostEqual(rec["meanVariance"][1], 1.0)
        self.assertEqual(rec["images"], 4)
        self.assertAlmostEqual(rec["klDims"][0], 0.0)
        self.assertAlmostEqual(rec["klDims"][1], -0.5 * (1 - 2 - 1 - __import__("math").exp(-2)))
        self.assertEqual(rec["collapsed"], [0])
        self.assertAlmostEqual(rec["loss"], 90.0 + rec["kl"])


if __name__ == "__main__":
    unittest.main()
