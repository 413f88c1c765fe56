"""``host_record``: hand values to Python while the compiled program runs.

A ``print``/``assert`` of traced values inside a ``while`` loop on a traced condition needs
each iteration's values, and the trip count is only known at run time, so they cannot be
buffered in an array carried by the loop (as staged ``for`` loops do). ``host_record``
passes them to a Python callback (XLA's host callback, the mechanism of
``jax.debug.callback``) that hands them to a *sink*: kept there for the effects runner to
replay in order when the call returns (:mod:`jitflow.autograph.effects`), or printed at
once where that keeps the program's order (:mod:`jitflow.autograph.while_effects`).

A host callback must be registered with the executable being compiled, so a program with
``host_record`` is lowered inside JAX's own lowering (:mod:`jitflow.lowering.host_call`),
which sets :data:`JAX_LOWERING` for the rule below. Lowered on its own (``f.lower()``), the
op prints as a ``custom_call @jitflow.host_record`` placeholder.
"""

from __future__ import annotations

import collections
import contextvars

import numpy as np

from jitflow import errors
from jitflow.tracer.context import bind
from jitflow.tracer.ir import primitive

# The JAX LoweringRuleContext of the program being lowered through JAX, if any.
JAX_LOWERING: contextvars.ContextVar = contextvars.ContextVar("jitflow_jax_lowering", default=None)

class Sink:
    """Where one loop's rows go: kept in ``rows`` (oldest first) to be replayed when the
    call returns, or, when ``on_row`` is set, handled as they arrive (printed while the
    program runs; see :mod:`jitflow.autograph.while_effects`)."""

    def __init__(self):
        self.rows: collections.deque = collections.deque()
        self.on_row = None  # row -> None
        self.replay_only = False  # one of the loop's instances must be replayed
        self.failed: str | None = None  # an assertion that failed in on_row, this call

    def set_mode(self, on_row) -> None:
        """Print as rows arrive (``on_row``) or replay them (None). Instances of one loop
        share a sink (an unrolled loop around it), so one that must replay decides."""
        if on_row is None:
            self.replay_only = True
        self.on_row = None if self.replay_only else on_row

    def clear(self) -> None:
        self.rows.clear()
        self.failed = None


SINKS: dict[tuple, Sink] = {}


def sink_for(key: tuple) -> tuple:
    """The sink of a loop, keyed by where it is in the user's source and by the trace (so
    the traces of one loop share it; runs are replayed in the order they happened)."""
    SINKS.setdefault(key, Sink())
    return key


def _eval(*avals, sink: tuple, effect: bool):
    return ()


def _callback(sink: tuple):
    target = SINKS[sink]

    def record(*arrays):
        row = tuple(np.array(a) for a in arrays)
        if target.on_row is None:
            target.rows.append(row)
        elif target.failed is None:  # after a failed assert, Python would have stopped
            target.on_row(row)
        return ()

    return record


def _lower(ctx, *operands, sink: tuple, effect: bool):
    from jax.extend.mlir import ir
    from jax.extend.mlir.dialects import stablehlo as hlo

    jax_ctx = JAX_LOWERING.get()
    if jax_ctx is None:  # printed on its own: a placeholder that names the op
        hlo.CustomCallOp([], list(operands), ir.StringAttr.get("jitflow.host_record"),
                         has_side_effect=ir.BoolAttr.get(True))
        return []
    import jax
    from jax._src.callback import emit_python_callback  # the mechanism of jax.debug.callback

    avals = [jax.core.ShapedArray(a.shape, a.dtype) for a in ctx.in_avals]
    jax_ctx = jax_ctx.replace(avals_in=avals, avals_out=[])
    emit_python_callback(
        jax_ctx, _callback(sink), None, list(operands), avals, [],
        has_side_effect=True, returns_token=False,
    )
    return []


host_record_p = primitive("host_record", _eval, _lower, differentiable=False,
                          multiple_results=True)


def host_record(values, sink: tuple) -> None:
    """Record ``values`` (IR values) into ``sink`` each time the op runs."""
    if any(v.dtype.kind not in "biufc" for v in values):
        raise errors.UnsupportedError("host_record: values must be numeric arrays")
    bind(host_record_p, *values, sink=sink, effect=True)
