"""Guards: rules that repair a run (divergence, spikes, collapse, plateaus), recorded and undoable.

The syntax is docs/guards.md's, the same as vaetop's `--on-diverge` … flags; docs/guard-rules.json holds the cases
this parser and vaetop's (Swift) are both tested with.

    parse("rewind,lr*0.5,max=3", "diverge").text  ->  "rewind,lr*0.5,max=3"
"""
import math
import re

# A number as the rules write it (decimal or exponent; no hex, no underscores: Swift's and Python's readers agree).
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[+-]?[0-9]+")

TRIGGERS = ("diverge", "spike", "collapse", "plateau")
DEFAULT_MAX, DEFAULT_K, DEFAULT_WINDOW = 3, 5.0, 100
# ReduceLROnPlateau's defaults (torch.optim.lr_scheduler: patience=10, threshold=1e-4 in "rel" mode, cooldown=0).
DEFAULT_PATIENCE, DEFAULT_THRESHOLD, DEFAULT_COOLDOWN = 10, 1e-4, 0

_ACTIONS_HELP = ("actions: rewind, skip=N, lr*F, beta*F, free-bits+X, clip=X, restart-cycle, pause, stop; "
                 "parameters: max=N, and k=X, window=N for spike, patience=N, threshold=X, cooldown=N for plateau")


class GuardRuleError(ValueError):
    """What is wrong with a rule's text (one line, naming the part)."""


def number(v):
    """A number as a rule's text writes it: a whole number without a point, else the shortest text that reads back
    (Python's repr, as Swift's description)."""
    v = float(v)
    if v == math.floor(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _flag(trigger):
    return "--on-" + trigger


class Rule:
    """One trigger's rule: its actions in order (tuples: ("rewind",), ("lr", 0.5), ("skip", 200), …) and parameters."""

    def __init__(self, trigger, actions=(), max_firings=DEFAULT_MAX, k=DEFAULT_K, window=DEFAULT_WINDOW,
                 patience=DEFAULT_PATIENCE, threshold=DEFAULT_THRESHOLD, cooldown=DEFAULT_COOLDOWN):
        self.trigger = trigger
        self.actions = list(actions)
        self.max_firings, self.k, self.window = max_firings, k, window
        self.patience, self.threshold, self.cooldown = patience, threshold, cooldown

    @property
    def on(self):
        return bool(self.actions)

    @staticmethod
    def action_text(a):
        name = a[0]
        if len(a) == 1:
            return name
        op = {"skip": "=", "lr": "*", "beta": "*", "free-bits": "+", "clip": "="}[name]
        return f"{name}{op}{number(a[1])}"

    @property
    def text(self):
        """The normalised text: actions in order, then max (always, but for a lone stop at the default), then the
        other parameters that differ from their defaults; "off" for a rule that is off."""
        if not self.on:
            return "off"
        parts = [self.action_text(a) for a in self.actions]
        if self.actions != [("stop",)] or self.max_firings != DEFAULT_MAX:
            parts.append(f"max={self.max_firings}")
        if self.trigger == "spike":
            if self.k != DEFAULT_K:
                parts.append(f"k={number(self.k)}")
            if self.window != DEFAULT_WINDOW:
                parts.append(f"window={self.window}")
        if self.trigger == "plateau":
            if self.patience != DEFAULT_PATIENCE:
                parts.append(f"patience={self.patience}")
            if self.threshold != DEFAULT_THRESHOLD:
                parts.append(f"threshold={number(self.threshold)}")
            if self.cooldown != DEFAULT_COOLDOWN:
                parts.append(f"cooldown={self.cooldown}")
        return ",".join(parts)

    def __eq__(self, other):
        return isinstance(other, Rule) and self.trigger == other.trigger and self.text == other.text

    def __repr__(self):
        return f"Rule({self.trigger!r}, {self.text!r})"


def _real(part, value, positive=True, most=1e6):
    v = float(value) if value is not None and _NUMBER.fullmatch(value) else math.nan
    ok = math.isfinite(v) and (v > 0 if positive else v >= 0) and v <= most
    if not ok:
        raise GuardRuleError(f"'{part}': a number {'> 0' if positive else '≥ 0'} and ≤ {number(most)}")
    return v


def _whole(part, value, lo, hi):
    v = int(value) if value is not None and _WHOLE.fullmatch(value) else None
    if v is None or not lo <= v <= hi:
        raise GuardRuleError(f"'{part}': a whole number in {lo}…{hi}")
    return v


def _split(part):
    """A part's name with its operator (`lr*`, `skip=`) and the text after it; a bare word has none. The first
    operator decides: `skip=1e+3` is skip's `=`, `free-bits+0.05` free-bits' `+`."""
    for i, ch in enumerate(part):
        if ch in "*+=":
            return part[:i + 1], part[i + 1:]
    return part, None


def parse(text, trigger):
    """Reads a rule (docs/guards.md); raises GuardRuleError with one line naming what is wrong."""
    if trigger not in TRIGGERS:
        raise GuardRuleError(f"unknown trigger '{trigger}' (one of {', '.join(TRIGGERS)})")
    parts = [p.strip(" \t") for p in str(text).split(",")]
    if parts == [""]:
        raise GuardRuleError("empty rule (give actions such as rewind,lr*0.5,max=3, or off)")
    if "off" in parts:
        if len(parts) != 1:
            raise GuardRuleError("off turns the rule off: it cannot be combined with anything")
        return Rule(trigger)
    rule = Rule(trigger)
    seen = set()
    for part in parts:
        if not part:
            raise GuardRuleError(f"unknown part '' ({_ACTIONS_HELP})")
        name, value = _split(part)
        if name in seen:
            raise GuardRuleError(f"'{name}' is given twice")
        seen.add(name)

        def only(t):
            if trigger != t:
                raise GuardRuleError(f"'{part}' does not apply to {_flag(trigger)}")

        bare = value is None
        if bare and name in ("rewind", "restart-cycle", "pause", "stop"):
            rule.actions.append((name,))
        elif not bare and name == "skip=":
            rule.actions.append(("skip", _whole(part, value, 1, 1_000_000)))
        elif not bare and name in ("lr*", "beta*", "free-bits+"):
            rule.actions.append((name[:-1], _real(part, value, most=1000)))
        elif not bare and name == "clip=":
            rule.actions.append(("clip", _real(part, value)))
        elif not bare and name == "max=":
            rule.max_firings = _whole(part, value, 1, 1000)
        elif not bare and name == "k=":
            only("spike")
            rule.k = _real(part, value, most=1e6)
            if not rule.k > 1:
                raise GuardRuleError(f"'{part}': a number > 1 (a multiple of the median)")
        elif not bare and name == "window=":
            only("spike")
            rule.window = _whole(part, value, 5, 100_000)
        elif not bare and name == "patience=":
            only("plateau")
            rule.patience = _whole(part, value, 0, 100_000)
        elif not bare and name == "threshold=":
            only("plateau")
            rule.threshold = _real(part, value, positive=False, most=1)
        elif not bare and name == "cooldown=":
            only("plateau")
            rule.cooldown = _whole(part, value, 0, 100_000)
        else:
            raise GuardRuleError(f"unknown part '{part}' ({_ACTIONS_HELP})")
    if not rule.actions:
        raise GuardRuleError("no action (parameters alone do nothing; give e.g. rewind or lr*0.5, or off)")
    if ("stop",) in rule.actions and len(rule.actions) > 1:
        raise GuardRuleError("stop ends the run: it cannot be combined with other actions")
    if ("pause",) in rule.actions and rule.actions.index(("pause",)) != len(rule.actions) - 1:
        raise GuardRuleError("pause must be the last action")
    if ("rewind",) in rule.actions and rule.actions.index(("rewind",)) != 0:
        raise GuardRuleError("rewind must be the first action (the others act on the state it goes back to)")
    return rule


def parse_all(guards):
    """`vaetop.init(guards={...})`: a rule per trigger (unnamed triggers are off). Raises ValueError naming the key."""
    rules = {t: Rule(t) for t in TRIGGERS}
    for key, text in (guards or {}).items():
        if key not in TRIGGERS:
            raise ValueError(f"guards: unknown trigger '{key}' (one of {', '.join(TRIGGERS)})")
        try:
            rules[key] = text if isinstance(text, Rule) else parse(text, key)
        except GuardRuleError as e:
            raise ValueError(f'guards["{key}"]: {e}') from None
        if ("restart-cycle",) in rules[key].actions:
            raise ValueError(f'guards["{key}"]: restart-cycle restarts vaetop\'s cyclical β ramp; the loop owns its β '
                             "(use beta*F, or free-bits+X)")
    return rules


class GuardState:
    """How often each rule fired, which ones an undo quieted, and what spike, collapse and plateau watch."""

    def __init__(self, rules):
        self.rules = rules
        self.fired = {t: 0 for t in TRIGGERS}
        self.quiet = set()
        self.ran_out = set()
        self.ran_out_noted = set()
        self.firings = []            # (trigger, step, text)
        self.recent = []             # spike: (step, loss, grad norm) of the last `window` healthy steps
        self.last_collapsed = None
        self.last_active = None
        self.best, self.bad, self.cooldown_left = math.inf, 0, 0
        self.nan_streak, self.streak_start = 0, None

    def may_fire(self, t):
        rule = self.rules[t]
        if not rule.on or t in self.quiet:
            return False
        if self.fired[t] >= rule.max_firings:
            self.ran_out.add(t)
            return False
        return True

    def spike(self, step, loss, grad):
        """(what, value, median) when a step breaks the bound; a step within it joins the window."""
        rule = self.rules["spike"]
        if len(self.recent) >= rule.window:
            for i, what, v in ((1, "train loss", loss), (2, "gradient norm", grad)):
                m = _median([r[i] for r in self.recent])
                if m > 0 and not v <= rule.k * m:
                    return what, v, m
        self.recent.append((step, loss, grad))
        if len(self.recent) > rule.window:
            del self.recent[0]
        return None

    def rewound(self, step, last_eval):
        self.recent = [r for r in self.recent if r[0] <= step]
        self.last_collapsed = None if last_eval is None else set(last_eval["collapsed"])
        self.last_active = None if last_eval is None else last_eval["activeUnits"]
        self.bad, self.cooldown_left = 0, 0
        self.best = math.inf if last_eval is None else float(last_eval["loss"])
        self.nan_streak, self.streak_start = 0, None

    def plateau(self, loss):
        """ReduceLROnPlateau's step (mode "min", threshold_mode "rel"): True when the rule is due."""
        rule = self.rules["plateau"]
        if loss < self.best * (1 - rule.threshold):
            self.best, self.bad = loss, 0
        else:
            self.bad += 1
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.bad = 0
        if self.bad <= rule.patience:
            return False
        self.cooldown_left, self.bad = rule.cooldown, 0
        return True


def _median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
