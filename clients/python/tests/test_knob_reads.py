"""A declared knob's change is applied from the step the loop reads it (run.beta, run.free_bits, run.clip_norm,
run.clip_value); one the loop stops reading is refused after KNOB_PATIENCE steps and undone."""
import shutil
import tempfile
import unittest

from fakes import FakeOptimizer, kinds, send, vaetop


def loop(directory, steps, read_until, send_at=5):
    run = vaetop.Run(directory, config={"latent": 2}, optimizer=FakeOptimizer(), values={"beta": 1.0})
    for s in range(1, steps + 1):
        if s == send_at:
            send(directory, {"id": 1, "command": "set", "parameter": "beta", "value": 0.25})
        with run.step():
            beta = run.beta if s <= read_until else 1.0
            run.log(loss=1.0, recon=1.0, kl_dims=[0.1], batch_size=8, beta=beta)
    run.close()
    return run


class KnobReadTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vaetop-reads-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_applied_from_the_step_the_loop_read_it(self):
        loop(self.dir, 10, read_until=10)
        out = kinds(self.dir, "outcome")[0]
        steps = {r["step"]: r["beta"] for r in kinds(self.dir, "step")}
        first = min(s for s, b in steps.items() if b == 0.25)
        self.assertEqual((out["outcome"], out["from"]), ("applied", first))
        self.assertTrue(all(b == 1.0 for s, b in steps.items() if s < first))
        self.assertEqual(kinds(self.dir, "change")[0]["step"], first - 1)

    def test_a_loop_that_stopped_reading_it_is_refused_and_undone(self):
        run = loop(self.dir, 130, read_until=3)
        out = kinds(self.dir, "outcome")[0]
        self.assertEqual(out["outcome"], "refused")
        self.assertIn(f"has not read run.beta in {vaetop.client.KNOB_PATIENCE} steps", out["reason"])
        self.assertEqual(run.values["beta"], 1.0)
        self.assertEqual(kinds(self.dir, "change"), [])


if __name__ == "__main__":
    unittest.main()
