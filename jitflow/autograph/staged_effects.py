"""Prints and asserts of traced values in staged code: recorded as run-time effects
(:mod:`jitflow.autograph.effects` runs them when the call returns), and hoisted out of the
branches of a staged ``if`` (each under its branch's condition)."""

from __future__ import annotations

import numpy as np

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops.constants import to_value, wrap
from jitflow.tracer.array import Tracer
from jitflow.tracer.context import record_effect
from jitflow.tracer.source import at_user_line, user_frame


def _zeros_of(item: Tracer):
    """Zeros of ``item``'s type, made in the graph being finished (the branch that did not
    print)."""
    zeros = np.zeros(item.shape, item.dtype)
    return lambda: ew.convert(to_value(zeros), item.aval.dtype, item.aval.weak)


def effect_outputs(then, other, outs_then, outs_else, slots) -> list:
    """Make the traced values of the branches' prints/asserts outputs of the cond (the
    branch that did not print yields zeros); returns the effects to record outside."""
    hoisted = []
    for region, negate in ((then, False), (other, True)):
        for kind, items, extra in region.effects:
            record = [kind, list(items), extra, negate]
            for j, item in enumerate(items):
                if isinstance(item, Tracer):
                    outs_then.append(item.value if not negate else _zeros_of(item))
                    outs_else.append(item.value if negate else _zeros_of(item))
                    slots.append(("effect", (record, j)))
            hoisted.append(record)
    return hoisted


def hoist_effects(hoisted, results, slots, pred) -> None:
    """Record the branches' effects in the enclosing graph, each under its branch's
    condition (and the condition it already had)."""
    for r, (kind, target) in zip(results, slots):
        if kind == "effect":
            record, j = target
            record[1][j] = wrap(r)
    for kind, items, extra, negate in hoisted:
        branch = np.logical_not(pred) if negate else pred
        when = items[0]
        items[0] = branch if when is True else np.logical_and(branch, when)
        if not record_effect((kind, tuple(items), extra)):
            raise effect_in_region(kind)


def staged_print(args, kwargs):
    """``print`` of traced values: printed (NumPy formatting) when the compiled call runs."""
    extra = {k: v for k, v in kwargs.items() if k in ("sep", "end", "flush")}
    if set(kwargs) - set(extra):
        raise errors.UnsupportedError(
            at_user_line("print(file=...) of traced values is not supported.")
        )
    if not record_effect(("print", (True,) + tuple(args), extra)):
        raise effect_in_region("print")


def staged_assert(cond, msg_fn):
    """``assert`` on a traced condition: checked when the compiled call runs."""
    src = user_frame()
    message = msg_fn() if msg_fn is not None else ""
    items = (True, np.all(cond)) + (message if isinstance(message, tuple) else (message,))
    where = f"assertion failed at {src.describe()}" if src else "assertion failed"
    if not record_effect(("assert", items, where)):
        raise effect_in_region("assert")


class EffectsInLoop(errors.UnsupportedError):
    """A loop body prints or asserts traced values (``effects`` as the body recorded them)."""

    def __init__(self, effects):
        super().__init__(str(effect_in_region(effects[0][0])))
        self.effects = effects


def effect_in_region(what: str):
    return errors.UnsupportedError(
        at_user_line(
            f"{what} of traced values is not supported in this loop (one that also appends "
            "to a list with a traced trip count, or an effect jitflow could not place). Move "
            "it after the loop, or collect the values into an array (list.append in a for "
            "loop) and print/check that."
        )
    )
