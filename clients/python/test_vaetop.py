"""Tests of the vaetop client with pure-Python fake training loops (standard library only).

    python3 clients/python/test_vaetop.py                 # every unit test (this file's and tests/test_*.py)
    python3 clients/python/test_vaetop.py --write DIR     # a fake run in DIR (the Swift tests read it back)
    python3 clients/python/test_vaetop.py --apply DIR     # a fake run that applies DIR/commands.jsonl first
    python3 clients/python/test_vaetop.py --slow DIR      # a slow 3,000-step fake run, to watch
"""
import os
import sys
import shutil
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "tests"))
import vaetop  # noqa: E402
from fakes import FakeOptimizer, fake_loop, kinds, records, send, send_raw  # noqa: E402,F401

VALID_AFTER = b'{"id":99,"command":"set","parameter":"lr","value":0.002}\n'
RESUME = b'{"id":100,"command":"resume"}\n'    # so a line wrongly taken as a pause fails a test instead of hanging it

# Lines a fuzzer (or a broken writer) put in commands.jsonl, each with a few words its refusal must contain.
HOSTILE_LINES = [
    (b'5', "not a JSON object"), (b'null', "not a JSON object"), (b'[1]', "not a JSON object"),
    (b'"x"', "not a JSON object"), (b'true', "not a JSON object"), (b'-Infinity', "not a JSON object"),
    (b'{}', 'no "command"'), (b'{"id":1}', 'no "command"'), (b'{"id":1,"parameter":"lr","value":0.1}', 'no "command"'),
    (b'{"id":1,"command":"explode"}', "unknown command"), (b'{"id":1,"command":5}', "unknown command"),
    (b'{"id":1,"command":null}', "unknown command"), (b'{"id":1,"command":["pause"]}', "unknown command"),
    (b'{"id":1,"command":{"pause":1}}', "unknown command"), (b'{"id":1,"command":"PAUSE"}', "unknown command"),
    (b'{"id":1,"command":"set","parameter":"lr","value":"0.1"}', "not a number"),
    (b'{"id":1,"command":"set","parameter":"lr","value":true}', "not a number"),
    (b'{"id":1,"command":"set","parameter":"batch_size","value":false}', "not a number"),
    (b'{"id":1,"command":"set","parameter":"beta","value":null}', "not a number"),
    (b'{"id":1,"command":"set","parameter":"lr","value":[0.1]}', "not a number"),
    (b'{"id":1,"command":"set","parameter":"lr","value":{"v":0.1}}', "not a number"),
    (b'{"id":1,"command":"set","parameter":"lr","value":NaN}', "not a finite number"),
    (b'{"id":1,"command":"set","parameter":"clip_norm","value":Infinity}', "not a finite number"),
    (b'{"id":1,"command":"set","parameter":"beta","value":-Infinity}', "not a finite number"),
    (b'{"id":1,"command":"set","parameter":"clip_norm","value":1e999}', "not a finite number"),
    (b'{"id":1,"command":"set","parameter":"clip_norm","value":' + str(10 ** 400).encode() + b'}', "not a finite number"),
    (b'{"id":1,"command":"set","parameter":"clip_norm","value":' + b"9" * 5000 + b'}', "not valid JSON"),
    (b'{"id":1,"command":"set","parameter":"lr"}', 'without "value"'),
    (b'{"id":1,"command":"set","parameter":"lr","value":-1}', "out of range"),
    (b'{"id":1,"command":"set","parameter":"lr","value":0}', "out of range"),
    (b'{"id":1,"command":"set","parameter":"momentum","value":1}', "out of range"),
    (b'{"id":1,"command":"set","parameter":"batch_size","value":64.5}', "out of range"),
    (b'{"id":1,"command":"set","parameter":"nope","value":0.1}', "unknown parameter"),
    (b'{"id":1,"command":"set","parameter":5,"value":0.1}', "unknown parameter"),
    (b'{"id":1,"command":"set","parameter":["lr"],"value":0.1}', "unknown parameter"),
    (b'{"id":1,"command":"clear","parameter":"__class__"}', "unknown parameter"),
    (b'{"id":1,"command":"clear"}', 'without "parameter"'),
    (b'{"id":1,"command":"rewind"}', 'without "step"'), (b'{"id":1,"command":"rewind","step":-3}', "not a whole number"),
    (b'{"id":1,"command":"rewind","step":2.5}', "not a whole number"),
    (b'{"id":1,"command":"traverse","dimension":"x"}', "not a latent dimension"),
    (b'{"id":"1","command":"pause"}', "not an integer"), (b'{"id":1.5,"command":"pause"}', "not an integer"),
    (b'{"id":true,"command":"pause"}', "not an integer"), (b'{"id":null,"command":"stop"}', "not an integer"),
    (b'{"id":[1],"command":"stop"}', "not an integer"), (b'{"id":NaN,"command":"stop"}', "not an integer"),
    (b'{"id":9223372036854775808,"command":"pause"}', "not a 64-bit integer"),
    (b'\xff\xfe{"command":"stop"}', "not UTF-8"), (b'{"command":"stop","x":"\xc3"}', "not UTF-8"),
    (b'{"command":"\xed\xa0\x80"}', "not UTF-8"), ('{"command":"stop"}'.encode("utf-16-le"), "not valid JSON"),
    (b'{"id":1,"command":"st', "not valid JSON"), (b'{"command":"stop"}}', "not valid JSON"),
    (b'{"command":"st\x00op"}', "not valid JSON"), (b'\x1b[2J\x07', "not valid JSON"),
    (b'[' * 50000, "not valid JSON"), (b'{"a":' * 10000 + b'1' + b'}' * 10000, "not valid JSON"),
    (b'{"id":1,"command":"pause","pad":"' + b"x" * (vaetop.MAX_COMMAND_LINE + 10) + b'"}', "too long"),
    (b'{"id":1,"command":"stop","pad":"' + b"x" * 3000000 + b'"}', "too long"),
    (b'\x80' * 3000000, "too long"),
    (b'{"id":1,"command":"\\u001b[2J\\u0007x\\u0085\\ud800"}', "unknown command"),
]


def has_control_characters(text):
    return any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or 0xd800 <= ord(c) <= 0xdfff for c in text)


def outcomes(directory):
    return kinds(directory, "outcome")


class ClientTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vaetop-client-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_writes_a_complete_run(self):
        fake_loop(self.dir)
        recs = records(self.dir)
        self.assertEqual(recs[0]["kind"], "header")
        self.assertEqual(recs[0]["format"], "vaetop-run")
        # The guards the loop runs with are vaetop's key of the config: none given, all off.
        self.assertEqual(recs[0]["config"], {"latent": 4, "epochs": 1, "batchSize": 32,
                                             "guards": {"diverge": "off", "spike": "off", "collapse": "off", "plateau": "off"}})
        self.assertEqual(recs[0]["layers"], ["enc", "dec"])
        self.assertEqual([r["step"] for r in recs if r["kind"] == "step"], list(range(1, 31)))
        self.assertEqual([r["step"] for r in recs if r["kind"] == "eval"], [10, 20, 30])
        step = [r for r in recs if r["kind"] == "step"][9]
        self.assertEqual((len(step["klDims"]), step["layerGradNorms"], step["gradNorm"], step["batchSize"]),
                         (4, [0.6, 0.8], 1.0, 32))
        self.assertEqual((recs[-1]["kind"], recs[-1]["testLoss"]), ("end", 100.0))
        self.assertEqual([r["kind"] for r in recs if r["kind"] in ("alert", "outcome", "change")], [])

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
        changes = kinds(self.dir, "change")
        self.assertEqual([(c["parameter"], c["old"], c["new"], c["step"], c["source"]) for c in changes],
                         [("lr", 0.001, 0.002, 4, "client"), ("beta", 1.0, 0.5, 4, "client")])
        steps = {r["step"]: r for r in records(self.dir) if r["kind"] == "step"}
        self.assertEqual(steps[4]["lr"], 0.001)
        self.assertEqual(steps[5]["lr"], 0.002)
        self.assertEqual(steps[5]["beta"], 0.5)
        self.assertEqual(kinds(self.dir, "alert"), [])
        # β is answered once the loop read run.beta in step 5, after the others (same step, same `from`).
        outs = sorted(outcomes(self.dir), key=lambda o: o["id"])
        self.assertEqual([(o["id"], o["command"], o["parameter"], o["outcome"], o["step"], o.get("from"))
                          for o in outs],
                         [(1, "set", "lr", "applied", 4, 5), (2, "set", "beta", "applied", 4, 5),
                          (3, "set", "lr", "refused", 4, None)])
        self.assertIn("out of range", outs[2]["reason"])
        self.assertEqual(outs[1]["reason"], "the loop read run.beta = 0.5 at step 5")

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
        self.assertEqual([(o["command"], o["outcome"], o["step"]) for o in outcomes(self.dir)],
                         [("pause", "applied", 2), ("resume", "applied", 2)])
        # The pause is not training time.
        steps = kinds(self.dir, "step")
        self.assertLess(steps[-1]["time"], 0.2)

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
        self.assertEqual([(o["id"], o["command"], o["outcome"]) for o in outcomes(self.dir)], [(1, "stop", "applied")])
        self.assertEqual(records(self.dir)[-1]["reason"], "stopped")

    def test_commands_from_before_the_process_are_ignored(self):
        os.makedirs(self.dir, exist_ok=True)
        send(self.dir, {"id": 1, "command": "stop"})
        fake_loop(self.dir, steps=5)
        self.assertEqual(len([r for r in records(self.dir) if r["kind"] == "step"]), 5)
        self.assertEqual(outcomes(self.dir), [])

    def test_each_hostile_command_line_is_refused_once_and_later_commands_still_apply(self):
        for line, reason in HOSTILE_LINES:
            with self.subTest(line=line[:60]):
                d = tempfile.mkdtemp(prefix="vaetop-client-")
                self.addCleanup(shutil.rmtree, d, True)

                def before(step, d=d, line=line):
                    if step == 3:
                        send_raw(d, line + b"\n" + VALID_AFTER + RESUME)
                run, opt = fake_loop(d, before_step=before)     # must not raise
                recs = records(d)
                self.assertEqual([r for r in recs if r["kind"] == "alert"], [])
                outs = [r for r in recs if r["kind"] == "outcome"]
                self.assertEqual([o["outcome"] for o in outs], ["refused", "applied", "applied"], outs)
                o = outs[0]
                self.assertEqual(o["step"], 2)
                if "id" not in o:
                    self.assertTrue(o["reason"].startswith("line 1: "), o["reason"])
                self.assertIn(reason, o["reason"])
                self.assertFalse(has_control_characters(o["reason"]), o["reason"])
                self.assertLess(len(o["reason"]), 400)
                self.assertNotIn("from", o)
                self.assertEqual([(x.get("id"), x.get("command")) for x in outs[1:]], [(99, "set"), (100, "resume")])
                changes = [(c["parameter"], c["old"], c["new"], c["step"]) for c in recs if c["kind"] == "change"]
                self.assertEqual(changes, [("lr", 0.001, 0.002, 2)])
                self.assertTrue(all(g["lr"] == 0.002 for g in opt.param_groups))
                self.assertFalse(run.paused or run.stop_requested)
                self.assertEqual([r["state"] for r in recs if r["kind"] == "state"], ["finished"])
                self.assertEqual([r["step"] for r in recs if r["kind"] == "step"], list(range(1, 31)))

    def test_hostile_lines_together_give_one_refusal_each_in_order(self):
        run = vaetop.Run(self.dir, values={"beta": 1.0})
        opt = FakeOptimizer()
        send_raw(self.dir, b"".join(line + b"\n" for line, _ in HOSTILE_LINES) + b"\n  \n" + VALID_AFTER)
        applied = run.apply_commands(7, opt)
        self.assertEqual(applied, [{"id": 99, "command": "set", "parameter": "lr", "value": 0.002}])
        self.assertEqual(run.apply_commands(8, opt), [])              # nothing is read twice
        run.close(8, 1)
        outs = outcomes(self.dir)
        refusals = [o for o in outs if o["outcome"] == "refused"]
        self.assertEqual(len(refusals), len(HOSTILE_LINES))
        for i, (o, (_, reason)) in enumerate(zip(refusals, HOSTILE_LINES), start=1):
            self.assertEqual(o["step"], 7)
            if "id" not in o:
                self.assertTrue(o["reason"].startswith(f"line {i}: "), o["reason"])
            self.assertIn(reason, o["reason"])
        self.assertEqual(outs[-1], {"kind": "outcome", "step": 7, "id": 99, "command": "set", "parameter": "lr",
                                    "outcome": "applied", "from": 8})
        self.assertEqual([(c["parameter"], c["new"]) for c in kinds(self.dir, "change")], [("lr", 0.002)])
        self.assertEqual(run.values, {"beta": 1.0})
        self.assertEqual(opt.param_groups[0]["lr"], 0.002)

    def test_refusals_name_the_id_and_the_command_and_replace_control_characters(self):
        run = vaetop.Run(self.dir)
        send_raw(self.dir, b'{"id":7,"command":"set","parameter":"lr","value":"fast"}\n'
                           b'{"id":8,"command":"\\u001b[2J\\u0007x\\u0085\\u007f\\ud800\\u00e9"}\n'
                           b'{"id":9,"command":"set","parameter":"lr\\n\\t","value":1}\n'
                           b'{"id":"ten","command":"pause"}\n')
        self.assertEqual(run.apply_commands(3), [])
        run.close(3, 1)
        self.assertEqual(outcomes(self.dir), [
            {"kind": "outcome", "step": 3, "id": 7, "command": "set", "parameter": "lr", "outcome": "refused",
             "reason": 'lr value is not a number ("fast")'},
            {"kind": "outcome", "step": 3, "id": 8, "outcome": "refused", "reason": 'unknown command "?[2J?x???\u00e9"'},
            {"kind": "outcome", "step": 3, "id": 9, "command": "set", "outcome": "refused",
             "reason": 'unknown parameter "lr??"'},
            {"kind": "outcome", "step": 3, "command": "pause", "outcome": "refused",
             "reason": 'line 4: "id" is not an integer ("ten")'}])

    def test_poll_commands_without_a_step_refuses_at_the_last_logged_step(self):
        run = vaetop.Run(self.dir)
        run.log_step(step=12, epoch=1, loss=1, recon=1, kl=0, kl_dims=[0], beta=1, lr=1e-3, grad_norm=1)
        send_raw(self.dir, b'[1]\n{"id":2,"command":"pause"}\n')
        self.assertEqual(run.poll_commands(), [{"id": 2, "command": "pause"}])
        run.outcome({"id": 2, "command": "pause"}, "unsupported", "this loop never pauses")
        run.close(12, 1)
        self.assertEqual([(o["step"], o.get("id"), o["outcome"], o["reason"]) for o in outcomes(self.dir)],
                         [(12, None, "refused", "line 1: not a JSON object (a list)"),
                          (12, 2, "unsupported", "this loop never pauses")])

    def test_a_long_line_written_in_pieces_is_refused_once_when_it_ends(self):
        pieces = [b'{"id":4,"command":"pause","pad":"'] + [b"y" * 50000] * 4 + [b'"}\n' + VALID_AFTER + RESUME]

        def before(step):
            if step <= len(pieces):
                send_raw(self.dir, pieces[step - 1])
        run, opt = fake_loop(self.dir, before_step=before)
        recs = records(self.dir)
        outs = [r for r in recs if r["kind"] == "outcome"]
        self.assertEqual([(o["step"], o["outcome"], o.get("reason")) for o in outs][0],
                         (5, "refused", f"line 1: line too long ({33 + 200000 + 2} bytes)"))
        self.assertEqual([(c["parameter"], c["new"], c["step"]) for c in recs if c["kind"] == "change"], [("lr", 0.002, 5)])
        self.assertEqual([r["state"] for r in recs if r["kind"] == "state"], ["finished"])

    def test_a_half_line_from_before_the_process_is_dropped_and_lines_are_counted(self):
        send_raw(self.dir, b'{"id":1,"command":"pause"}\n{"id":2,"command":"st')

        def before(step):
            if step == 3:
                send_raw(self.dir, b'op"}\n5\n' + VALID_AFTER + RESUME)
        run, opt = fake_loop(self.dir, before_step=before)
        recs = records(self.dir)
        self.assertEqual(len([r for r in recs if r["kind"] == "step"]), 30)     # the stop was not for this process
        self.assertEqual([o.get("reason") for o in recs if o["kind"] == "outcome"][0],
                         "line 3: not a JSON object (a number)")
        self.assertEqual(opt.param_groups[0]["lr"], 0.002)

    def test_valid_commands_apply_and_each_gets_one_outcome(self):
        run = vaetop.Run(self.dir, values={"beta": 1.0, "clip_norm": None})
        opt = FakeOptimizer()
        sizes = []
        run.on("batch_size", sizes.append, value=32)
        cmds = [{"id": 1, "command": "set", "parameter": "batch_size", "value": 64},
                {"id": 2, "command": "set", "parameter": "clip_norm", "value": 10 ** 300},
                {"command": "set", "parameter": "momentum", "value": 0.5, "extra": [1, 2]},
                {"id": 4, "command": "clear", "parameter": "beta", "value": "ignored"},
                {"id": 5, "command": "checkpoint"}, {"id": 6, "command": "resume"}, {"id": 7, "command": "pause"}]
        for c in cmds:
            send(self.dir, c)
        # The batch size is applied once a batch of 64 trains (answered then, not when asked).
        self.assertEqual(run.apply_commands(1, opt), [c for c in cmds if c["command"] != "checkpoint" and c.get("parameter") != "batch_size"])
        run.log(loss=1.0, recon=1.0, kl_dims=[0.1], batch_size=64, step=2)
        run.close(2, 1)
        self.assertEqual(kinds(self.dir, "alert"), [])
        self.assertEqual([(c["parameter"], c.get("old"), c.get("new")) for c in kinds(self.dir, "change")],
                         [("clip_norm", None, 1e300), ("momentum", 0.9, 0.5), ("beta", 1.0, None), ("batch_size", 32, 64)])
        self.assertEqual(run.values, {"batch_size": 64, "clip_norm": 1e300})
        self.assertEqual(sizes, [64])
        self.assertEqual(opt.param_groups[1]["betas"], (0.5, 0.999))
        self.assertTrue(run.paused)
        self.assertEqual([(o.get("id"), o["outcome"]) for o in outcomes(self.dir)],
                         [(2, "applied"), (None, "applied"), (4, "applied"), (5, "unsupported"),
                          (6, "applied"), (7, "applied"), (1, "applied")])
        self.assertEqual(outcomes(self.dir)[3]["reason"], 'this loop registered no checkpoint handler (run.on("checkpoint", fn))')
        self.assertEqual(outcomes(self.dir)[4]["reason"], "already running")
        self.assertEqual(outcomes(self.dir)[6]["from"], 2)


def all_tests():
    loader = unittest.TestLoader()
    suite = loader.loadTestsFromModule(sys.modules[__name__])
    suite.addTests(loader.discover(os.path.join(HERE, "tests"), pattern="test_*.py",
                                   top_level_dir=os.path.join(HERE, "tests")))
    return suite


def main(argv):
    if len(argv) == 3 and argv[1] == "--write":
        fake_loop(argv[2])
    elif len(argv) == 3 and argv[1] == "--slow":
        # A long, slow run for watching (the end-to-end test drives `vaetop watch` against it).
        fake_loop(argv[2], steps=3000, before_step=lambda step: time.sleep(0.02))
    elif len(argv) == 3 and argv[1] == "--apply":
        # Commands already in commands.jsonl are applied at the first step boundary after step 1 (the watcher
        # sent them "live"): the run skips commands older than itself, so they are appended again then.
        d = argv[2]
        path = os.path.join(d, "commands.jsonl")
        pending = open(path).read() if os.path.exists(path) else ""
        if os.path.exists(path):
            os.remove(path)

        def before(step, d=d, pending=pending):
            if step == 2:
                with open(os.path.join(d, "commands.jsonl"), "a") as f:
                    f.write(pending)
        fake_loop(d, before_step=before)
    elif len(argv) <= 2 and (len(argv) == 1 or argv[1] in ("-v", "--verbose", "-q")):
        verbosity = 2 if len(argv) == 2 and argv[1] != "-q" else 1
        result = unittest.TextTestRunner(verbosity=verbosity).run(all_tests())
        return 0 if result.wasSuccessful() else 1
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
