"""The optimizer values vaetop may change while training, kept right under any learning-rate scheduler.

Standard library only: works on anything with torch.optim's interface (`optimizer.param_groups`, a list of dicts
holding "lr" and maybe "betas"/"momentum" and "weight_decay"; a scheduler with a `step(...)` method).

- **lr** is *scaled*: a `set lr X` makes every group's lr(t) = own_g(t) · X / own_0(now), where own_g(t) is what
  the group would have without vaetop (its scheduler's value, or whatever the loop itself put there). So the
  schedule's shape and the ratios between param groups are kept; `clear lr` brings the factor back to 1.
- **momentum** (β1 of Adam-like optimizers, else SGD's momentum) and **weight_decay** are *overridden*: every group
  gets the value until it is cleared (momentum then follows its schedule again, e.g. OneCycleLR's cycling).

To keep the factor through schedulers that compute the next lr from the current one (StepLR, ExponentialLR,
ReduceLROnPlateau, LambdaLR's chained cousins, SequentialLR), the scheduler's `step` is wrapped: before it runs,
each group gets its *own* value back; after it, the scheduler's new value is remembered as the group's own and
the factor (or override) is applied again. The wrapper is a per-instance subclass, so `state_dict()` holds nothing
of vaetop's, `isinstance` still holds, and pickling/deep-copying the scheduler gives the plain class.

Values another piece of code writes into a group (a hand-written warm-up, say) are noticed at the next step
boundary (`sync`) and treated the same way: they become the group's own value, scaled by the factor.

`planned_lrs` steps a copy of the scheduler ahead (on a stand-in optimizer holding copies of the param groups'
own values, so the real optimizer is never touched) to give the lr the schedule plans for every later step.
"""
import copy
import copyreg
import inspect
import math
import warnings


class _GroupValue:
    """One per-group value (lr, momentum or weight decay): each group's own value and what vaetop last wrote."""

    def __init__(self, key):
        self.key = key
        self.own = []        # the value each group would have without vaetop
        self.written = []    # the value last written or seen in each group (read back)

    # Access to the value inside a param group (momentum lives in betas[0] for Adam-like optimizers).
    def has(self, group):
        if self.key == "momentum":
            return "betas" in group or "momentum" in group
        return self.key in group

    def get(self, group):
        if self.key == "momentum":
            v = group["betas"][0] if "betas" in group else group.get("momentum")
        else:
            v = group.get(self.key)
        return None if v is None else float(v)

    def put(self, group, value):
        if not self.has(group) or value is None:
            return
        if self.key == "momentum":
            if "betas" in group:
                old = group["betas"]
                first = old[0]
                new_first = _like(first, value)
                group["betas"] = type(old)((new_first,) + tuple(old[1:])) if isinstance(old, tuple) else [new_first] + list(old[1:])
            else:
                group["momentum"] = _like(group["momentum"], value)
        else:
            group[self.key] = _like(group[self.key], value)


def _like(current, value):
    """`value` in the form the group holds: a tensor is filled in place (capturable optimizers), a float replaced."""
    if hasattr(current, "fill_") and hasattr(current, "dim"):
        current.fill_(float(value))
        return current
    return float(value)


class OptimizerControl:
    """Keeps lr scaled and momentum/weight decay overridden in an optimizer's param groups (see the module doc)."""

    def __init__(self, optimizer, scheduler=None):
        self.optimizer = optimizer
        self.scheduler = None
        self.lr_factor = 1.0
        self.overrides = {"momentum": None, "weight_decay": None}
        self.values = {"lr": _GroupValue("lr"), "momentum": _GroupValue("momentum"),
                       "weight_decay": _GroupValue("weight_decay")}
        self._adopt_all()
        if scheduler is not None:
            self.attach_scheduler(scheduler)

    @property
    def groups(self):
        return self.optimizer.param_groups

    def supports(self, key):
        """Whether the optimizer's first param group has this value at all."""
        groups = self.groups
        return bool(groups) and self.values[key].has(groups[0])

    def scheduler_name(self):
        if self.scheduler is None:
            return None
        return getattr(type(self.scheduler), "_vaetop_original_class", type(self.scheduler)).__name__

    # Keeping own and written in step with the groups ---------------------------------------------------------

    def _target(self, key, own):
        if own is None:
            return None
        if key == "lr":
            return own * self.lr_factor
        o = self.overrides[key]
        return own if o is None else o

    def _write(self, key, g, value):
        gv, group = self.values[key], self.groups[g]
        if value is not None and gv.get(group) != value:
            gv.put(group, value)
        gv.written[g] = gv.get(group)

    def _fit(self, gv):
        n = len(self.groups)
        while len(gv.own) < n:                   # a param group added since (add_param_group)
            v = gv.get(self.groups[len(gv.own)])
            gv.own.append(v)
            gv.written.append(v)
        del gv.own[n:], gv.written[n:]

    def _adopt_all(self):
        for gv in self.values.values():
            gv.own = [gv.get(g) for g in self.groups]
            gv.written = list(gv.own)

    def sync(self):
        """At a step boundary: a value someone else wrote into a group becomes that group's own value, and the
        factor or override is applied to it. Values nobody touched are left alone (bit for bit)."""
        for key, gv in self.values.items():
            self._fit(gv)
            for g, group in enumerate(self.groups):
                cur = gv.get(group)
                if cur != gv.written[g]:
                    gv.own[g] = cur
                    self._write(key, g, self._target(key, cur))

    def apply(self, key, first_exact=None):
        """Writes every group's target value (after a change of the factor or an override)."""
        gv = self.values[key]
        self._fit(gv)
        for g in range(len(self.groups)):
            target = self._target(key, gv.own[g])
            if g == 0 and first_exact is not None:
                target = first_exact              # the value asked for, not own·(value/own) rounded
            self._write(key, g, target)

    # Changes --------------------------------------------------------------------------------------------------

    def current(self, key):
        groups = self.groups
        return self.values[key].get(groups[0]) if groups and self.values[key].has(groups[0]) else None

    def own(self, key):
        self.sync()
        gv = self.values[key]
        return gv.own[0] if gv.own else None

    def set_lr(self, value):
        """lr(t) = own(t) · value / own(now) from now on. Returns a few words on what that means; raises
        ValueError when the schedule is at 0 (nothing to scale)."""
        self.sync()
        own = self.values["lr"].own[0] if self.values["lr"].own else None
        if own is None or not own > 0:
            raise ValueError("the schedule's lr is 0 at this step: there is nothing to scale")
        self.lr_factor = float(value) / own
        self.apply("lr", first_exact=float(value))
        return self._lr_words()

    def clear_lr(self):
        self.sync()
        self.lr_factor = 1.0
        self.apply("lr")
        name = self.scheduler_name()
        return f"lr follows the {name} schedule again" if name else "lr back to the loop's own value"

    def _lr_words(self):
        name = self.scheduler_name()
        lrs = self.values["lr"].own
        if name:
            return f"lr is now {compact_factor(self.lr_factor)} × the {name} schedule"
        if len(set(lrs)) > 1:
            return f"scales every param group's lr by {compact_factor(self.lr_factor)} (their ratios kept)"
        return None

    def set_override(self, key, value):
        self.sync()
        self.overrides[key] = float(value)
        self.apply(key)
        return None

    def clear_override(self, key):
        self.sync()
        self.overrides[key] = None
        self.apply(key)
        name = self.scheduler_name()
        if key == "momentum" and name:
            return f"momentum follows the {name} schedule again"
        return None

    # Schedulers -----------------------------------------------------------------------------------------------

    def attach_scheduler(self, scheduler):
        """Wraps `scheduler.step` so the factor and overrides hold through it (see the module docstring)."""
        cls = type(scheduler)
        original = getattr(cls, "_vaetop_original_class", cls)
        control = self

        def step(self_, *args, **kwargs):
            control.before_schedule()
            try:
                return original.step(self_, *args, **kwargs)
            finally:
                control.after_schedule()

        def __reduce_ex__(self_, protocol):
            # Pickled and deep-copied as the scheduler's own class (rebuilt with copyreg, so unpickling needs
            # nothing of vaetop).
            rv = original.__reduce_ex__(self_, protocol)
            if isinstance(rv, tuple) and len(rv) >= 2 and isinstance(rv[1], tuple) and rv[1] and rv[1][0] is type(self_):
                if rv[0] is copyreg.__newobj__:
                    rv = (copyreg._reconstructor, (original, object, None)) + tuple(rv[2:])
                else:
                    rv = (rv[0], (original,) + rv[1][1:]) + tuple(rv[2:])
            return rv

        wrapped = type(original.__name__, (original,), {
            "step": step, "__reduce_ex__": __reduce_ex__, "_vaetop_original_class": original,
            "__module__": original.__module__, "__qualname__": original.__qualname__,
            "__doc__": original.__doc__})
        scheduler.__class__ = wrapped
        self.scheduler = scheduler
        self.sync()

    def detach_scheduler(self):
        """Gives the scheduler its own class back."""
        if self.scheduler is not None:
            original = getattr(type(self.scheduler), "_vaetop_original_class", None)
            if original is not None:
                self.scheduler.__class__ = original
            self.scheduler = None

    def before_schedule(self):
        """Each group gets its own values back, so a chainable scheduler computes from them."""
        self.sync()
        for key, gv in self.values.items():
            for g, group in enumerate(self.groups):
                if gv.own[g] is not None:
                    gv.put(group, gv.own[g])

    def after_schedule(self):
        """The scheduler's new values are the groups' own; the factor and overrides apply to them."""
        for key, gv in self.values.items():
            self._fit(gv)
            for g, group in enumerate(self.groups):
                gv.own[g] = gv.get(group)
                self._write(key, g, self._target(key, gv.own[g]))

    def verify(self, key, first_exact=None):
        """After a change: None when every param group holds the value it should (read back from the optimizer, not
        from what was written), else what a group holds instead: an optimizer whose param_groups are copies (some
        wrappers) takes nothing, and is never answered `applied`."""
        gv = self.values[key]
        for g, group in enumerate(self.groups):
            if not gv.has(group) or g >= len(gv.own):
                continue
            want = first_exact if g == 0 and first_exact is not None else self._target(key, gv.own[g])
            have = gv.get(group)
            if want is not None and have is not None and not math.isclose(float(have), float(want), rel_tol=1e-9, abs_tol=1e-15):
                return f"param group {g} holds {key} {have:g}, not {want:g}"
        return None

    # Snapshots ------------------------------------------------------------------------------------------------

    def capture(self):
        return {"lr_factor": self.lr_factor, "overrides": dict(self.overrides),
                "own": {k: list(v.own) for k, v in self.values.items()},
                "written": {k: list(v.written) for k, v in self.values.items()}}

    def restore(self, state):
        """Puts the factor, overrides and group values of a capture back (also into the groups themselves)."""
        self.lr_factor = state["lr_factor"]
        self.overrides = dict(state["overrides"])
        for key, gv in self.values.items():
            gv.own = list(state["own"][key])
            gv.written = list(state["written"][key])
            self._fit(gv)
            for g, group in enumerate(self.groups):
                if gv.written[g] is not None:
                    gv.put(group, gv.written[g])
                gv.written[g] = gv.get(group)


def _noop_step(*args, **kwargs):
    return None


_noop_step._wrapped_by_lr_sched = True     # torch's schedulers check this on the optimizer's step


class _PlanOptimizer:
    """Stands in for the optimizer while a copy of the scheduler steps ahead: param groups without parameters."""

    def __init__(self, groups):
        self.param_groups = groups
        self.defaults = {}
        self._opt_called = True
        self.step = _noop_step


def can_plan(scheduler):
    """Whether the scheduler's future is known without the losses: its step takes no required argument (not
    ReduceLROnPlateau, whose step needs the metric)."""
    cls = getattr(type(scheduler), "_vaetop_original_class", type(scheduler))
    try:
        params = list(inspect.signature(cls.step).parameters.values())[1:]
    except (TypeError, ValueError):
        return False
    return not any(p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                   for p in params)


def planned_lrs(control, count):
    """The first param group's own lr for the next `count` steps (the step about to be trained first), from a copy
    of the scheduler stepped ahead; shorter when the scheduler refuses to go further (OneCycleLR past its total).
    None without a scheduler whose future is known."""
    sched = control.scheduler
    if sched is None or count <= 0 or not can_plan(sched):
        return None
    control.sync()
    groups = []
    for g, group in enumerate(control.groups):
        twin = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
        twin["params"] = []
        for key, gv in control.values.items():
            if g < len(gv.own) and gv.own[g] is not None:
                gv.put(twin, gv.own[g])
        groups.append(twin)
    stand_in = _PlanOptimizer(groups)
    memo = {id(control.optimizer): stand_in, id(control.optimizer.param_groups): groups}
    twin = copy.deepcopy(sched, memo)                  # its own class (the wrapper pickles and copies as such)
    lr = control.values["lr"]
    out = [float(lr.get(groups[0]))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        while len(out) < count:
            try:
                twin.step()
            except (ValueError, IndexError, ZeroDivisionError):
                break                                   # e.g. OneCycleLR: "Tried to step N times"
            out.append(float(lr.get(groups[0])))
    return out


def compact_factor(f):
    """A factor in a few digits: 5, 0.5, 1.25, 3.3e-03."""
    a = abs(f)
    if a != 0 and (a < 1e-3 or a >= 1e5):
        return "%.2e" % f
    return "%.4g" % f
