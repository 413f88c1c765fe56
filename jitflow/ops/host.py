"""``host_record``: hand values to Python while the compiled program runs.

A ``print``/``assert`` of traced values inside a ``while`` loop on a traced condition needs
each iteration's values, and the trip count is only known at run time, so they cannot be
buffered in an array carried by the loop (as staged ``for`` loops do). ``host_record``
passes them to a Python callback (XLA's host callback, the mechanism of
``jax.debug.callback``) that hands them to a *sink*: kept for the effects runner to
replay in order when the call returns (:mod:`jitflow.autograph.effects`), or printed at
once where that keeps the program's order (:mod:`jitflow.autograph.while_effects`).
Rows are kept per call, not per process: calls run at the same time in several threads
(and XLA may run a callback in a thread of its own), so each call's rows carry its id.

A host callback must be registered with the executable being compiled, so a program with
``host_record`` is lowered inside JAX's own lowering (:mod:`jitflow.lowering.host_call`),
which sets :data:`JAX_LOWERING` for the rule below. Lowered on its own (``f.lower()``), the
op prints as a ``custom_call @jitflow.host_record`` placeholder.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import itertools

import numpy as np

from jitflow import errors
from jitflow.tracer.context import bind
from jitflow.tracer.ir import primitive

# The JAX LoweringRuleContext of the program being lowered through JAX, if any, and the
# MLIR value of its call id (see :func:`new_call`).
JAX_LOWERING: contextvars.ContextVar = contextvars.ContextVar("jitflow_jax_lowering", default=None)

class Sink:
    """One staged loop's way of handling its rows (made once per staging, so each trace
    of a loop has its own): kept to be replayed when the call returns, or, when
    ``on_row`` is set, handled as they arrive (printed while the program runs; see
    :mod:`jitflow.autograph.while_effects`). The rows themselves belong to one call
    (:class:`CallRows`), never to the sink: calls in other threads run at the same time."""

    def __init__(self, where: str):
        self.where = where
        self.on_row = None  # (row, CallRows) -> None

    def __repr__(self) -> str:
        return f"sink@{self.where}"


class CallRows:
    """One call's rows of one sink (oldest first), and the exception that stopped it in
    ``on_row`` (raised when the call returns, as Python would have raised there)."""

    def __init__(self):
        self.rows: collections.deque = collections.deque()
        self.failed: BaseException | None = None


# Every call of a program with host records asks first for a fresh call id (a host
# callback of its own, see :func:`jitflow.lowering.host_call`) and passes it with each
# row, so rows land in their own call's buffers whatever thread XLA runs the callback in;
# the call takes its buffers out when it returns (:func:`take_call`). int32: the callback's
# result type does not depend on whether 64-bit types are enabled in XLA's thread.
_CALLS: dict[int, dict[Sink, CallRows]] = {}
_IDS = itertools.count(1)
# The buffers of the call whose effects are being run (see :func:`replaying`).
_REPLAYING: contextvars.ContextVar = contextvars.ContextVar("jitflow_replaying", default=None)


def new_call() -> tuple:
    """The host callback that starts a call: its id (dict and counter operations are atomic
    under the GIL, so threads need no lock here)."""
    return (np.int32(next(_IDS) % 2**31),)


def take_call(call) -> dict:
    """The buffers of call ``call`` (its id, as the program returned it), taken out of the
    shared store before anything else when the program has run: nothing of a call stays
    behind, whether the call then returns or raises (only a program that XLA itself fails
    to run leaves its rows here)."""
    return _CALLS.pop(int(call), {})


@contextlib.contextmanager
def replaying(buffers: dict):
    """Run a call's effects with its ``buffers`` (from :func:`take_call`)."""
    token = _REPLAYING.set(buffers)
    try:
        yield
    finally:
        _REPLAYING.reset(token)


def replayed_rows(sink: Sink) -> CallRows:
    """The rows ``sink`` received in the call whose effects are running."""
    buffers = _REPLAYING.get()
    return (buffers or {}).get(sink) or CallRows()


def _eval(*avals, sink: Sink, effect: bool):
    return ()


def _callback(sink: Sink):
    def record(call, *arrays):
        state = _CALLS.setdefault(int(call), {}).setdefault(sink, CallRows())
        row = tuple(np.array(a) for a in arrays)
        if sink.on_row is None:
            state.rows.append(row)
        elif state.failed is None:  # after a failed assert, Python would have stopped
            try:
                sink.on_row(row, state)
            except Exception as e:  # noqa: BLE001 -- raised when the call returns, not in XLA
                state.failed = e
        return ()

    return record


def _lower(ctx, *operands, sink: Sink, effect: bool):
    from jax.extend.mlir import ir
    from jax.extend.mlir.dialects import stablehlo as hlo

    lowering = JAX_LOWERING.get()
    if lowering is None:  # printed on its own: a placeholder that names the op
        hlo.CustomCallOp([], list(operands), ir.StringAttr.get("jitflow.host_record"),
                         has_side_effect=ir.BoolAttr.get(True))
        return []
    import jax
    from jax._src.callback import emit_python_callback  # the mechanism of jax.debug.callback

    jax_ctx, call = lowering
    avals = [jax.core.ShapedArray((), np.int32)]
    avals += [jax.core.ShapedArray(a.shape, a.dtype) for a in ctx.in_avals]
    jax_ctx = jax_ctx.replace(avals_in=avals, avals_out=[])
    emit_python_callback(
        jax_ctx, _callback(sink), None, [call, *operands], avals, [],
        has_side_effect=True, returns_token=False,
    )
    return []


host_record_p = primitive("host_record", _eval, _lower, differentiable=False,
                          multiple_results=True)


def host_record(values, sink: Sink) -> None:
    """Record ``values`` (IR values) into ``sink`` each time the op runs."""
    if any(v.dtype.kind not in "biufc" for v in values):
        raise errors.UnsupportedError("host_record: values must be numeric arrays")
    bind(host_record_p, *values, sink=sink, effect=True)
