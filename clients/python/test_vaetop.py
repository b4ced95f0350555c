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
import shutil
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


def send_raw(directory, data):
    with open(os.path.join(directory, "commands.jsonl"), "ab") as f:
        f.write(data)


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
    (b'{"id":1,"command":"set","parameter":"nope","value":0.1}', "unknown parameter"),
    (b'{"id":1,"command":"set","parameter":5,"value":0.1}', "unknown parameter"),
    (b'{"id":1,"command":"set","parameter":["lr"],"value":0.1}', "unknown parameter"),
    (b'{"id":1,"command":"clear","parameter":"__class__"}', "unknown parameter"),
    (b'{"id":1,"command":"clear"}', 'without "parameter"'),
    (b'{"id":"1","command":"pause"}', "not an integer"), (b'{"id":1.5,"command":"pause"}', "not an integer"),
    (b'{"id":true,"command":"pause"}', "not an integer"), (b'{"id":null,"command":"stop"}', "not an integer"),
    (b'{"id":[1],"command":"stop"}', "not an integer"), (b'{"id":NaN,"command":"stop"}', "not an integer"),
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


class ClientTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vaetop-client-")
        self.addCleanup(shutil.rmtree, self.dir, True)

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
                alerts = [r for r in recs if r["kind"] == "alert"]
                self.assertEqual(len(alerts), 1, alerts)
                a = alerts[0]
                self.assertEqual((a["level"], a["step"]), ("warning", 2))
                self.assertTrue(a["message"].startswith("command refused: "), a["message"])
                self.assertIn("line 1", a["message"])
                self.assertIn(reason, a["message"])
                self.assertFalse(has_control_characters(a["message"]), a["message"])
                self.assertLess(len(a["message"]), 400)
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
        recs = records(self.dir)
        refusals = [r for r in recs if r["kind"] == "alert"]
        self.assertEqual(len(refusals), len(HOSTILE_LINES))
        for i, (a, (_, reason)) in enumerate(zip(refusals, HOSTILE_LINES), start=1):
            self.assertEqual((a["level"], a["step"]), ("warning", 7))
            self.assertRegex(a["message"], rf"^command refused: (id -?\d+ \()?line {i}\)?: ")
            self.assertIn(reason, a["message"])
        self.assertEqual([(c["parameter"], c["new"]) for c in recs if c["kind"] == "change"], [("lr", 0.002)])
        self.assertEqual(run.values, {"beta": 1.0, "lr": 0.002})

    def test_refusals_name_the_id_and_replace_control_characters(self):
        run = vaetop.Run(self.dir)
        send_raw(self.dir, b'{"id":7,"command":"set","parameter":"lr","value":"fast"}\n'
                           b'{"id":8,"command":"\\u001b[2J\\u0007x\\u0085\\u007f\\ud800\\u00e9"}\n'
                           b'{"id":9,"command":"set","parameter":"lr\\n\\t","value":1}\n')
        self.assertEqual(run.apply_commands(3), [])
        run.close(3, 1)
        self.assertEqual([r["message"] for r in records(self.dir) if r["kind"] == "alert"], [
            'command refused: id 7 (line 1): lr value is not a number ("fast")',
            'command refused: id 8 (line 2): unknown command "?[2J?x???\u00e9"',
            'command refused: id 9 (line 3): unknown parameter "lr??"'])

    def test_poll_commands_without_a_step_refuses_at_the_last_logged_step(self):
        run = vaetop.Run(self.dir)
        run.log_step(step=12, epoch=1, loss=1, recon=1, kl=0, kl_dims=[0], beta=1, lr=1e-3, grad_norm=1)
        send_raw(self.dir, b'[1]\n{"id":2,"command":"pause"}\n')
        self.assertEqual(run.poll_commands(), [{"id": 2, "command": "pause"}])
        run.close(12, 1)
        alerts = [r for r in records(self.dir) if r["kind"] == "alert"]
        self.assertEqual([(a["step"], a["message"]) for a in alerts],
                         [(12, "command refused: line 1: not a JSON object (a list)")])

    def test_a_long_line_written_in_pieces_is_refused_once_when_it_ends(self):
        pieces = [b'{"id":4,"command":"pause","pad":"'] + [b"y" * 50000] * 4 + [b'"}\n' + VALID_AFTER + RESUME]

        def before(step):
            if step <= len(pieces):
                send_raw(self.dir, pieces[step - 1])
        run, opt = fake_loop(self.dir, before_step=before)
        recs = records(self.dir)
        alerts = [r for r in recs if r["kind"] == "alert"]
        self.assertEqual([(a["step"], a["message"]) for a in alerts],
                         [(5, f"command refused: line 1: line too long ({33 + 200000 + 2} bytes)")])
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
        self.assertEqual([a["message"] for a in recs if a["kind"] == "alert"],
                         ["command refused: line 3: not a JSON object (a number)"])
        self.assertEqual(opt.param_groups[0]["lr"], 0.002)

    def test_valid_commands_still_apply_as_before(self):
        run = vaetop.Run(self.dir, values={"beta": 1.0})
        opt = FakeOptimizer()
        cmds = [{"id": 1, "command": "set", "parameter": "batch_size", "value": 64},
                {"id": 2, "command": "set", "parameter": "clip_norm", "value": 10 ** 300},
                {"command": "set", "parameter": "momentum", "value": 0.5, "extra": [1, 2]},
                {"id": 4, "command": "clear", "parameter": "beta", "value": "ignored"},
                {"id": 5, "command": "checkpoint"}, {"id": 6, "command": "resume"}, {"id": 7, "command": "pause"}]
        for c in cmds:
            send(self.dir, c)
        self.assertEqual(run.apply_commands(1, opt), cmds)
        run.close(1, 1)
        recs = records(self.dir)
        self.assertEqual([r for r in recs if r["kind"] == "alert"], [])
        self.assertEqual([(c["parameter"], c.get("old"), c.get("new")) for c in recs if c["kind"] == "change"],
                         [("batch_size", None, 64.0), ("clip_norm", None, 1e300), ("momentum", 0.9, 0.5), ("beta", 1.0, None)])
        self.assertEqual(run.values, {"batch_size": 64, "clip_norm": 1e300, "momentum": 0.5, "_checkpoint": True})
        self.assertEqual(opt.param_groups[1]["betas"], (0.5, 0.999))
        self.assertTrue(run.paused)


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
