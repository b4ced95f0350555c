"""A batch-size change is `applied` only once a batch of the new size trains, from exactly that step: the loader a
handler returns is the one `run.batches` iterates from the next batch on; a change that reaches the batches at the
next epoch is answered then; one that never does is refused; `set_epoch` is called on samplers that have it."""
import shutil
import tempfile
import unittest

from fakes import FakeOptimizer, kinds, send, vaetop


class FakeSampler:
    def __init__(self):
        self.epochs = []

    def set_epoch(self, e):
        self.epochs.append(e)


class FakeLoader:
    """A DataLoader over `n` examples in batches of `batch_size` (each batch a list of that many ints); like
    torch's, a batch_sampler whose batch_size may be changed, taking effect at the next pass."""
    def __init__(self, n, batch_size, sampler=None):
        self.n, self.batch_size, self.sampler = n, batch_size, sampler or FakeSampler()
        self.batch_sampler = self

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def __iter__(self):
        size = self.batch_size              # fixed for the pass, as a DataLoader's iterator is
        for i in range(0, self.n, size):
            yield list(range(i, min(self.n, i + size)))


def train(directory, handler_kind, at=5, epochs=4, n=1024):
    run = vaetop.Run(directory, config={"latent": 2}, optimizer=FakeOptimizer())
    loader = FakeLoader(n, 128)
    if handler_kind == "returns":
        run.on("batch_size", lambda b: FakeLoader(n, b, loader.sampler), value=128)
    elif handler_kind == "mutates":
        def mutate(b):
            loader.batch_sampler.batch_size = b
        run.on("batch_size", mutate, value=128)
    elif handler_kind == "ignores":
        run.on("batch_size", lambda b: None, value=128)
    for x in run.batches(loader, epochs):
        if run.global_step + 1 == at:
            send(directory, {"id": 1, "command": "set", "parameter": "batch_size", "value": 256})
        with run.step():
            run.log(loss=1.0, recon=1.0, kl_dims=[0.1, 0.2], batch_size=len(x))
    run.close()
    return run, loader


class BatchSizeTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vaetop-batch-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def sizes(self):
        return {r["step"]: r["batchSize"] for r in kinds(self.dir, "step")}

    def test_a_returned_loader_trains_from_the_step_the_outcome_names(self):
        run, loader = train(self.dir, "returns")
        out = kinds(self.dir, "outcome")[0]
        self.assertEqual(out["outcome"], "applied")
        sizes = self.sizes()
        first = min(s for s, b in sizes.items() if b == 256)
        self.assertEqual(out["from"], first)
        self.assertTrue(all(b == 128 for s, b in sizes.items() if s < first))
        change = kinds(self.dir, "change")[0]
        self.assertEqual((change["step"], change["old"], change["new"]), (first - 1, 128, 256))
        # The planned epochs are kept in images: 4 epochs of 1,024 = 4,096 examples, within one new batch.
        self.assertLessEqual(abs(sum(sizes.values()) - 4 * 1024), 256)
        # set_epoch before every pass (the new loader's first pass is still epoch 0).
        self.assertEqual(loader.sampler.epochs, [0, 0, 1, 2, 3])

    def test_a_change_that_reaches_the_batches_next_epoch_is_answered_then(self):
        train(self.dir, "mutates", at=3)
        out = kinds(self.dir, "outcome")[0]
        sizes = self.sizes()
        first = min(s for s, b in sizes.items() if b == 256)
        self.assertEqual(first, 9)                   # 8 batches of 128 in the first epoch
        self.assertEqual((out["outcome"], out["from"]), ("applied", 9))

    def test_a_loader_that_never_changes_is_refused_and_the_knob_says_the_truth(self):
        run, _ = train(self.dir, "ignores", at=3, epochs=30)
        out = kinds(self.dir, "outcome")[0]
        self.assertEqual(out["outcome"], "refused")
        self.assertIn("does not train with the loader the handler built", out["reason"])
        self.assertEqual(run.batch_size, 128)
        self.assertEqual(kinds(self.dir, "change"), [])
        self.assertTrue(all(b == 128 for b in self.sizes().values()))

    def test_the_run_ending_first_refuses_it(self):
        train(self.dir, "ignores", at=30, epochs=4)
        out = kinds(self.dir, "outcome")[0]
        self.assertEqual((out["outcome"], out["reason"]), ("refused", "the run ended before a batch of 256 trained"))


class CopyingOptimizer(FakeOptimizer):
    """A wrapper whose param_groups are copies: whatever is written into them is lost."""
    @property
    def param_groups(self):
        import copy
        return copy.deepcopy(self._groups)

    @param_groups.setter
    def param_groups(self, groups):
        self._groups = groups


class OptimizerReadBackTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vaetop-readback-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_an_optimizer_that_takes_nothing_is_refused_not_applied(self):
        run = vaetop.Run(self.dir, optimizer=CopyingOptimizer(lr=1e-3))
        for i, c in enumerate([{"command": "set", "parameter": "lr", "value": 0.002},
                               {"command": "set", "parameter": "weight_decay", "value": 0.01}], 1):
            send(self.dir, dict(c, id=i))
        run.apply_commands(1)
        run.close()
        outs = kinds(self.dir, "outcome")
        self.assertEqual([o["outcome"] for o in outs], ["refused", "refused"])
        self.assertIn("param group 0 holds lr 0.001, not 0.002", outs[0]["reason"])
        self.assertEqual(kinds(self.dir, "change"), [])
        self.assertEqual(run.lr, 1e-3)

    def test_a_real_optimizer_is_applied(self):
        opt = FakeOptimizer(lr=1e-3)
        run = vaetop.Run(self.dir, optimizer=opt)
        send(self.dir, {"id": 1, "command": "set", "parameter": "weight_decay", "value": 0.01})
        run.apply_commands(1)
        run.close()
        self.assertEqual(kinds(self.dir, "outcome")[0]["outcome"], "applied")
        self.assertEqual([g["weight_decay"] for g in opt.param_groups], [0.01, 0.01])


if __name__ == "__main__":
    unittest.main()
