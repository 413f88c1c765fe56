"""``print``/``assert`` of traced values inside a loop whose trip count is traced.

A staged ``for`` over a static range buffers each iteration's printed values in arrays
carried by the loop (:mod:`jitflow.autograph.iteration`). A ``while`` on a traced condition
has no static trip count, so each iteration hands its values to Python instead, through a
host callback (:mod:`jitflow.ops.host`) that appends them to a sink. The loop also counts
its iterations; the ``"host"`` effect recorded after it holds that count, and when the
call returns the effects runner takes exactly that many rows from the sink, in order, and
runs the body's prints and asserts on each: the output is the plain Python program's,
line for line, with everything else the function prints around it in order. When the
loop's effects are the function's first (and the loop is not inside a branch or another
loop), rows are printed as they arrive instead, while the program runs; a failed assert
then mutes the rest and is raised when the call returns.
"""

from __future__ import annotations

import numpy as np

from jitflow import errors
from jitflow.autograph import effects as run_time
from jitflow.autograph.loops import discover_loop, stage_loop
from jitflow.autograph.staging import EffectsInLoop, trace_numpy_arrays
from jitflow.ops import host
from jitflow.ops.constants import to_value
from jitflow.tracer.array import Tracer
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import (
    collecting_effects,
    current_checks,
    first_top_level_effect,
    record_effect,
)
from jitflow.tracer.source import at_user_line, user_frame


def staged_while_with_effects(test, body, get_state, set_state, names, effects) -> None:
    """Stage the loop with its effects sent to a host sink (see the module docstring)."""
    src = user_frame()
    sink = host.Sink(f"{src.filename}:{src.lineno}" if src else "<unknown>")
    count = [np.int64(0)]
    spec: list = []
    checked = [False]  # whether each row ends with the checks' code

    def get2():
        return (count[0], *get_state())

    def set2(values):
        count[0] = values[0]
        set_state(list(values[1:]))

    def body2():
        with collecting_effects() as recorded:
            body()
        spec[:] = [row_layout(effect_spec(recorded))]
        traced = [to_value(i) for _kind, items, _extra in recorded for i in items
                  if isinstance(i, Tracer)]
        checks = current_checks()
        if checks is not None and checks.failed():
            # The row ends with the run-time checks' code: where Python would have raised
            # IndexError, the rows stop printing (the call raises when it returns).
            traced.append(checks.code.value)
            checked[0] = True
        host.host_record(traced, sink)
        count[0] = count[0] + np.int64(1)

    names2 = ("<iterations>", *names)
    init = trace_numpy_arrays(get2, set2)
    found = discover_loop(test, body2, get2, set2, names2, init)
    stage_loop(test, body2, get2, set2, names2, init, *found)
    # The function's first effect, at its top level: print each row as it arrives, so a
    # loop that never ends still shows its output. Anywhere else rows wait for the call to
    # return, to keep the order with effects recorded before this loop.
    immediate = first_top_level_effect()
    sink.on_row = run_time.row_printer(spec[0], checked[0]) if immediate else None
    if not record_effect(("host", (True, count[0]), (sink, spec[0]))):
        raise EffectsInLoop(effects)


def effect_spec(recorded) -> list:
    """The shape of a loop body's effects: ``(kind, extra, items)``, each item the aval of a
    traced value or ``("static", value)``."""
    return [
        (kind, extra, [i.aval if isinstance(i, Tracer) else ("static", i) for i in items])
        for kind, items, extra in recorded
    ]


def row_layout(spec) -> list:
    """``spec`` as the effects runner reads a row: each traced item becomes ``("row", i)``,
    the i-th traced value of the row (see :mod:`jitflow.autograph.effects`)."""
    layout, slot = [], 0
    for kind, extra, items in spec:
        placed = []
        for item in items:
            if isinstance(item, AbstractArray):
                placed.append(("row", slot))
                slot += 1
            else:
                placed.append(item)
        layout.append((kind, extra, placed))
    return layout


def check_supported() -> None:
    """Host callbacks come from JAX's lowering; refuse clearly where this JAX lacks it."""
    try:
        from jax._src.callback import emit_python_callback  # noqa: F401
    except ImportError:
        raise errors.UnsupportedError(
            at_user_line(
                "print/assert of traced values inside a while loop needs JAX's host "
                "callbacks, which this JAX version does not offer. Move it after the loop."
            )
        ) from None
