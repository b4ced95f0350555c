"""Guard rules (docs/guards.md): the Python parser on the cases of docs/guard-rules.json, which vaetop's Swift parser
is tested with too (GuardRuleTests), and the guards acting on fake loops."""
import json
import math
import os
import shutil
import tempfile
import unittest

from fakes import FakeOptimizer, records, send, vaetop
from vaetop import guards

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "..", "..", "docs", "guard-rules.json")


def table_form(action):
    return [action[0]] + [float(x) for x in action[1:]]


class GuardRuleTableTests(unittest.TestCase):
    def test_every_case_of_the_shared_table(self):
        with open(CASES, encoding="utf-8") as f:
            cases = json.load(f)["cases"]
        self.assertGreaterEqual(len(cases), 40)
        for c in cases:
            with self.subTest(text=c["text"], trigger=c["trigger"]):
                if "error" in c:
                    with self.assertRaises(guards.GuardRuleError) as cm:
                        guards.parse(c["text"], c["trigger"])
                    self.assertIn(c["error"], str(cm.exception))
                    continue
                rule = guards.parse(c["text"], c["trigger"])
                self.assertEqual(rule.text, c["canonical"])
                if "actions" in c:
                    self.assertEqual([table_form(a) for a in rule.actions],
                                     [[a[0]] + [float(x) for x in a[1:]] for a in c["actions"]])
                for key, attr in (("max", "max_firings"), ("k", "k"), ("window", "window"), ("patience", "patience"),
                                  ("threshold", "threshold"), ("cooldown", "cooldown")):
                    if key in c:
                        self.assertEqual(getattr(rule, attr), c[key], key)
                self.assertEqual(guards.parse(rule.text, c["trigger"]), rule)

    def test_init_refuses_a_bad_rule_naming_its_key(self):
        d = tempfile.mkdtemp(prefix="vaetop-guards-")
        self.addCleanup(shutil.rmtree, d, True)
        with self.assertRaises(ValueError) as cm:
            vaetop.init(os.path.join(d, "r"), guards={"spike": "rewind,skip=2OO"})
        self.assertEqual(str(cm.exception), "guards[\"spike\"]: 'skip=2OO': a whole number in 1…1000000")
        with self.assertRaises(ValueError) as cm:
            vaetop.init(os.path.join(d, "r"), guards={"explode": "stop"})
        self.assertIn("unknown trigger 'explode'", str(cm.exception))
        with self.assertRaises(ValueError):
            vaetop.init(os.path.join(d, "r"), guards={"collapse": "restart-cycle"})
        self.assertFalse(os.path.exists(os.path.join(d, "r", "run.jsonl")), "nothing written")

    def test_plateau_is_reduce_lr_on_plateau(self):
        s = guards.GuardState(guards.parse_all({"plateau": "lr*0.5,patience=2"}))
        self.assertEqual([s.plateau(x) for x in [10, 9, 9, 9, 9, 9, 9, 9]], [False] * 4 + [True, False, False, True])


class Model:
    """A one-number "model": its weight is the state a snapshot holds."""

    def __init__(self):
        self.w = 1.0


def loop(run, model, opt, losses, grads=None):
    """Trains over `losses` (one per batch of run.batches), logging each; returns the steps trained."""
    trained = []
    batches = [[b] for b in range(len(losses))]
    for batch in run.batches(batches, epochs=1):
        b = batch[0]
        with run.step():
            model.w += 1
            run.log(loss=losses[b], recon=losses[b], kl_dims=[1.0], grad_norm=(grads or [1.0] * len(losses))[b],
                    batch_size=1)
            trained.append(b)
        if run.stopped:
            break
    return trained


class GuardActionTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vaetop-guards-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def make(self, rules, snapshot_every=1):
        model, opt = Model(), FakeOptimizer(lr=0.01)
        run = vaetop.Run(self.dir, optimizer=opt, snapshot_every=snapshot_every, guards=rules,
                         config={"nanPatience": 3})
        run.track("model", lambda: model.w, lambda w: setattr(model, "w", w))
        return run, model, opt

    def test_diverge_rewinds_and_halves_the_lr(self):
        run, model, opt = self.make({"diverge": "rewind,lr*0.5,max=3"})
        losses = [5.0] * 4 + [math.nan] * 3 + [4.0] * 5
        loop(run, model, opt, losses)
        run.close()
        recs = records(self.dir)
        rewinds = [r for r in recs if r["kind"] == "rewind"]
        self.assertEqual([(r["step"], r["to"], r["reason"]) for r in rewinds], [(7, 4, "guard")])
        changes = [r for r in recs if r["kind"] == "change" and r["source"] == "guard"]
        self.assertEqual([(c["parameter"], c["new"]) for c in changes], [("lr", 0.005)])
        self.assertEqual(changes[0]["rule"], "diverge: rewind,lr*0.5,max=3")
        self.assertEqual(changes[0]["reason"], "3 non-finite steps in a row")
        self.assertAlmostEqual(opt.param_groups[0]["lr"], 0.005)
        alerts = [r for r in recs if r["kind"] == "alert" and r.get("guard") == "diverge"]
        self.assertEqual([a["firing"] for a in alerts], [1])
        self.assertIn("guard diverge: rewound 7 → 4, lr 0.01 → 0.005 (1 of 3)", alerts[0]["message"])
        header = next(r for r in recs if r["kind"] == "header")
        self.assertEqual(header["config"]["guards"], {"diverge": "rewind,lr*0.5,max=3", "spike": "off",
                                                      "collapse": "off", "plateau": "off"})
        self.assertIn("rearm", header["capabilities"])

    def test_spike_rewinds_and_skips_the_next_batches(self):
        run, model, opt = self.make({"spike": "rewind,skip=2,window=5"})
        losses = [10.0] * 8 + [500.0] + [10.0] * 6
        trained = loop(run, model, opt, losses)
        run.close()
        # Batches 0–8 trained (8 spiked), the step rewound to 8 and batches 9, 10 left out: 11… trained as steps 9…,
        # and (as after any rewind) the run still trains every planned step: 3 of the next pass.
        self.assertEqual(trained, list(range(9)) + list(range(11, 15)) + [0, 1, 2])
        recs = records(self.dir)
        skip = [r for r in recs if r["kind"] == "skip"]
        self.assertEqual([(s["step"], s["batches"], s["images"]) for s in skip], [(8, 2, 2)])
        self.assertTrue(skip[0]["reason"].startswith("train loss 500 > 5 × median 10"), skip[0]["reason"])
        self.assertEqual(model.w, 1.0 + 8 + 7, "the spike's step was rewound")
        self.assertEqual(run.global_step, 15)

    def test_collapse_undo_quiets_rearm_wakes(self):
        run, model, opt = self.make({"collapse": "free-bits+0.05,max=3"})
        run.declare(free_bits=0.0)
        for k in range(3):
            with run.step():
                run.log(loss=1.0, recon=1.0, kl_dims=[1.0, 0.0], batch_size=1)
        run.log_eval(loss=2.0, recon=1.0, kl_dims=[1.0, 0.001], mean_variance=[1.0, 0.0])
        run.boundary()
        self.assertEqual(run.free_bits, 0.05)
        send(self.dir, {"id": 1, "command": "undo"})
        run.boundary()
        self.assertEqual(run.free_bits, 0.0)
        run.log_eval(loss=2.0, recon=1.0, kl_dims=[0.001, 0.001], mean_variance=[0.0, 0.0])
        run.boundary()
        self.assertEqual(run.free_bits, 0.0, "quiet after the undo")
        send(self.dir, {"id": 2, "command": "rearm"})
        run.boundary()
        run.log_eval(loss=2.0, recon=1.0, kl_dims=[0.001, 0.001, 0.001], mean_variance=[0.0, 0.0, 0.0])
        run.boundary()
        self.assertEqual(run.free_bits, 0.05)
        run.close()
        outcomes = [r for r in records(self.dir) if r["kind"] == "outcome"]
        self.assertEqual([o["outcome"] for o in outcomes], ["applied", "applied"])


if __name__ == "__main__":
    unittest.main()
