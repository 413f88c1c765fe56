"""Trace contexts: where :func:`bind` records ops while a function is being traced.

A trace context owns one :class:`~jitflow.tracer.ir.Graph` under construction; contexts
nest (a control-flow region is traced in an inner context). ``bind`` is the single entry
point through which every op enters the IR: it runs the primitive's shape/dtype rule,
records the user's source line and appends the op.
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np

from jitflow import errors
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.ir import Graph, Op, Primitive, Value
from jitflow.tracer.source import at_user_line, user_frame


class _State(threading.local):
    def __init__(self):
        self.graphs: list[Graph] = []
        self.mutation_logs: list[dict] = []
        self.effects: list[list] = []
        self.checks: list[CheckState] = []
        self.written: list[dict] = []  # see collecting_writes


_state = _State()


def current_graph() -> Graph:
    """The graph being built; an internal error if nothing is being traced."""
    if not _state.graphs:
        raise RuntimeError("jitflow: an op was bound outside of any trace")
    return _state.graphs[-1]


def is_tracing() -> bool:
    return bool(_state.graphs)


def region_depth() -> int:
    """How many control-flow regions (branch, loop body) enclose the current op: 0 at the
    traced function's top level (and when nothing is traced)."""
    return max(len(_state.graphs) - 1, 0)


@contextlib.contextmanager
def new_graph(name: str = "main"):
    """Trace into a fresh graph for the duration of the ``with`` block."""
    with building(Graph(name=name)) as graph:
        yield graph


@contextlib.contextmanager
def building(graph: Graph):
    """Append to an existing graph again (e.g. a region that needs more ops after tracing)."""
    _state.graphs.append(graph)
    try:
        yield graph
    finally:
        _state.graphs.pop()


@contextlib.contextmanager
def mutation_log():
    """Collect the tracers rebound in the ``with`` block: ``{id: (tracer, value before)}``
    (and the views that read a new base value: ``{("view", id): (view, None)}``).

    Control flow needs it: a branch or loop body that writes ``a[i] = v`` rebinds ``a``'s
    handle (or its base's, through a view) inside a region; the staging code restores the
    handle and makes the new value an output of the ``cond``/``while`` op instead.
    """
    log: dict = {}
    _state.mutation_logs.append(log)
    try:
        yield log
    finally:
        _state.mutation_logs.pop()


def record_mutation(tracer, old: Value) -> None:
    """Called by a root tracer about to be rebound (see :func:`mutation_log`)."""
    for log in _state.mutation_logs:
        log.setdefault(id(tracer), (tracer, old))


@contextlib.contextmanager
def collecting_writes():
    """Collect the root tracers the user's code writes into outside any control-flow
    region, ``{id: (root, the last write's source)}``: writes that surely ran. NumPy
    refuses such a write into a read-only argument even when it leaves the values as they
    were (``a *= True``), which the write-back cannot tell from its result alone
    (:mod:`jitflow.writeback`)."""
    written: dict = {}
    _state.written.append(written)
    try:
        yield written
    finally:
        _state.written.pop()


def record_write(tracer) -> None:
    """Called by the ops that write into an array (``x[i] = v``, ``x += 1``, ``out=``)
    before it is rebound; see :func:`collecting_writes`."""
    if not _state.written or region_depth():
        return
    while isinstance(tracer._parent, type(tracer)):
        tracer = tracer._parent
    if tracer._parent is not None:
        return  # a name aliasing arrays under traced conditions (autograph.aliases._Union)
    _state.written[-1][id(tracer)] = (tracer, user_frame())


def record_view_read(view) -> None:
    """Called by a view that just read its value out of a new base value: in a region, that
    value is the region's, so the staging code makes the view read it again afterwards."""
    for log in _state.mutation_logs:
        log.setdefault(("view", id(view)), (view, None))


@contextlib.contextmanager
def collecting_effects():
    """Collect the run-time effects (prints, asserts) recorded in the current graph (the
    function's, or a branch's: :mod:`jitflow.autograph.staging` hoists those out)."""
    effects: list = []
    _state.effects.append((len(_state.graphs), effects))
    try:
        yield effects
    finally:
        _state.effects.pop()


def record_effect(effect) -> bool:
    """Record a run-time effect in the current graph; False when nothing collects effects
    there (inside a loop body)."""
    if not _state.effects or _state.effects[-1][0] != len(_state.graphs):
        return False
    _state.effects[-1][1].append(effect)
    return True


class CheckState:
    """The run-time checks of one traced function (see :mod:`jitflow.ops.checks`).

    ``code`` (the failed check, 1 + its position in ``sites``, which holds each check's
    exception class and message) and ``value`` (the offending value) are scalar tracers made on the first
    check, in ``graph``: the function's top level, so that branches and loops carry them
    like any array they write. ``output`` makes the one ``int64[2]`` result of both.
    """

    def __init__(self, graph: Graph):
        self.graph = graph
        self.code = self.value = None
        self.initial: Value | None = None  # code's value before any check
        self.sites: list[tuple] = []
        self.output = None

    def failed(self) -> bool:
        """Whether a check may fail: its code changed since it was made."""
        return self.code is not None and self.code.value is not self.initial


@contextlib.contextmanager
def collecting_checks():
    """Collect the run-time checks of the function traced in the current graph."""
    state = CheckState(current_graph())
    _state.checks.append(state)
    try:
        yield state
    finally:
        _state.checks.pop()


def current_checks() -> CheckState | None:
    return _state.checks[-1] if _state.checks else None


def first_top_level_effect() -> bool:
    """Whether an effect recorded now would be the function's first, at its top level
    (not in a branch or loop body): nothing it could be reordered against runs before it."""
    return len(_state.graphs) == 1 and bool(_state.effects) and (
        _state.effects[-1][0] == 1 and not _state.effects[-1][1]
    )


def add_input(aval: AbstractArray, name: str = "") -> Value:
    """Add an input value to the current graph."""
    graph = current_graph()
    value = Value(aval)
    graph.inputs.append(value)
    graph.input_names.append(name)
    return value


def bind(prim: Primitive, *inputs: Value, regions=(), **params):
    """Apply ``prim`` to ``inputs``: record the op and return its output value(s)."""
    for v in inputs:
        if not isinstance(v, Value):
            raise TypeError(f"{prim.name}: operand {v!r} is not an IR value")
    try:
        out = prim.abstract_eval(*(v.aval for v in inputs), **region_kwargs(regions), **params)
    except errors.JitflowError as e:
        # Shape/dtype rules raise without knowing where the user is; add it once.
        if not getattr(e, "_located", False):
            e.args = (at_user_line(str(e)),) + e.args[1:]
            e._located = True
        raise
    avals = out if prim.multiple_results else (out,)
    op = Op(prim, tuple(inputs), params, regions=tuple(regions), source=user_frame())
    op.outputs = tuple(Value(a, op, i) for i, a in enumerate(avals))
    current_graph().ops.append(op)
    return op.outputs if prim.multiple_results else op.outputs[0]


def region_kwargs(regions) -> dict:
    """Ops with regions (control flow) get them in their rules as ``regions=``."""
    return {"regions": tuple(regions)} if regions else {}


class Literal:
    """A NumPy array held as an op param: hashable by content, printed briefly."""

    __slots__ = ("array", "_hash")

    def __init__(self, array: np.ndarray):
        # A private read-only copy: the user's array must stay as it was.
        self.array = np.array(array)
        self.array.flags.writeable = False
        self._hash = hash((array.shape, array.dtype.str, array.tobytes()))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, Literal)
            and self.array.shape == other.array.shape
            and self.array.dtype == other.array.dtype
            and bool(np.array_equal(self.array, other.array, equal_nan=True))
        )

    def __repr__(self) -> str:
        a = self.array
        if a.size == 1:
            return repr(a.reshape(())[()].item())
        if a.size and (a == a.flat[0]).all():
            return f"{a.flat[0].item()!r}.splat"
        return np.array2string(a, threshold=8, separator=",").replace("\n", "")
