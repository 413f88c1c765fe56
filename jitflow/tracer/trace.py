"""Tracing a Python function into a graph.

The function runs once with :class:`~jitflow.tracer.array.Tracer` handles in place of its
array arguments; static leaves (Python ints, strings, ...) are passed as they are. What it
returns is split into traced outputs (graph outputs) and static outputs (returned as they
are on every call). Array arguments whose handle was rebound (``a[i] = v``, ``a += 1``)
get their final value as an extra graph output, so the caller's array can be updated.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import jax.tree_util as tree_util
import numpy as np

from jitflow import aliasing, captures, errors, pytrees
from jitflow.aliasing import MemoryKey, SegmentBack
from jitflow.ops import views
from jitflow.returned import argument_of
from jitflow.tracer.array import Tracer
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import (
    add_input,
    collecting_checks,
    collecting_effects,
    collecting_writes,
    new_graph,
)
from jitflow.tracer.ir import Graph
from jitflow.tracer.passes import dce
from jitflow.tracer.source import at_user_line, located_at
from jitflow.tracer.verify import IRVerificationError, verify

DYNAMIC = None  # marks a traced leaf in a leaves spec


class _NumpyScalar:
    """Marks a traced leaf that is a NumPy scalar (``np.float64(2.0)``), not a 0-d array:
    the two share an aval, but a scalar is immutable (``s /= 2`` rebinds ``s`` with
    NumPy's promotion; ``s[()] = 1`` raises), so they trace apart."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NUMPY_SCALAR"


NUMPY_SCALAR = _NumpyScalar()


def is_traced(s) -> bool:
    """Whether spec entry ``s`` is a traced leaf (an array or a NumPy scalar)."""
    return s is DYNAMIC or s is NUMPY_SCALAR


@dataclasses.dataclass(eq=False)
class TracedFunction:
    """A traced function: its graph and how to rebuild the Python result from outputs.

    Attributes:
        graph: the IR; its outputs are the traced results, then the write-backs.
        out_tree: the treedef of the function's result.
        out_static: per result leaf, DYNAMIC or the static value returned as is.
        n_results: how many graph outputs are results (the rest are write-backs).
        writeback: (argument leaf index, graph output index) per mutated argument.
        effects: ``(kind, items, extra)`` per print/assert on traced values, in program
            order; each item is ``("out", graph output index)`` or ``("static", object)``.
        check: ``(graph output index, sites)`` when the function has run-time checks
            (:mod:`jitflow.ops.checks`), else None.
        write_sites: per write-back, the argument's name and where the value written back
            was made (for errors).
    """

    graph: Graph
    out_tree: Any
    out_static: tuple
    n_results: int
    writeback: tuple[tuple[int, int], ...]
    effects: tuple = ()
    check: tuple | None = None
    write_sites: tuple = ()
    captured: Any = None  # jitflow.captures.TraceCaptures: what the trace read by path
    # Per result output, how NumPy returns it (see result_kind).
    result_kinds: tuple = ()
    # Per result output, the leaf index of the argument it is (the handle the function
    # was given, after its writes), else None: NumPy returns the caller's array itself.
    result_args: tuple = ()
    # The write-back targets written outside any branch or loop: a read-only one raises
    # even when the values stay the same (jitflow.writeback.plan).
    forced_writes: tuple = ()


def result_kind(t: Tracer) -> str | int:
    """How a result is returned, as NumPy would: an ndarray (0-d too for views, copies,
    np.where...: ``Tracer._array``), a NumPy scalar (other 0-d results: ufuncs, reductions,
    ``x[i]``), or a Python number (a weakly typed 0-d value: a Python float argument, or
    Python arithmetic on one, which NumPy leaves a Python float). A 0-d argument returned
    (or converted by a method that keeps the kind: ``x.astype``, ``x.copy()``) gives its
    leaf index: NumPy returns what it was given, a 0-d array or a NumPy scalar, which share
    one signature, so the call decides (``Entry.finish``)."""
    kind = t._array
    if t.shape or kind is True:
        return "array"
    if t.value.aval.weak:
        return "python"
    return kind[1] if isinstance(kind, tuple) else "scalar"


def trace(
    fn: Callable,
    in_tree,
    spec: tuple,
    avals: list[AbstractArray],
    names: list[str],
    name: str,
    memory: MemoryKey | None = None,
) -> TracedFunction:
    """Trace ``fn`` on arguments ``in_tree.unflatten(leaves)``.

    ``spec`` has one entry per leaf: DYNAMIC for traced leaves (taking the next aval from
    ``avals``; NUMPY_SCALAR for NumPy scalars) or a ``(type, value)`` pair for static
    ones. ``memory`` (see :mod:`jitflow.aliasing`) gives arguments their layout and makes
    arguments that share memory views of one segment, whose avals follow the leaves' in
    ``avals``.
    """
    with new_graph(name) as graph, collecting_effects() as effects, collecting_checks() as checks, \
            captures.tracing(graph) as captured, collecting_writes() as written:
        inputs, leaves = [], []
        dyn = iter(zip(avals, names))
        for s in spec:
            if is_traced(s):
                aval, label = next(dyn)
                value = add_input(aval, label)
                # result_kind: a NumPy scalar argument is one; a 0-d array is the caller's.
                t = Tracer(value, scalar=True) if s is NUMPY_SCALAR else \
                    Tracer(value, array=("leaf", len(leaves)))
                inputs.append(t)
                leaves.append(t)
            else:
                leaves.append(s[1])
        with located_at(None):  # the function's prologue: no user line
            memory_views = _memory_views(memory, inputs, avals[len(inputs):], names)
        leaf_index = [i for i, s in enumerate(spec) if is_traced(s)]
        for position, view in memory_views.views.items():
            leaves[leaf_index[position]] = view
        args, kwargs = tree_util.tree_unflatten(in_tree, leaves)
        captured.watch(args, kwargs)  # lists and dicts the function may change
        given = {id(leaves[i]): i for i in leaf_index}  # the argument handles, kept alive
        result = fn(*args, **kwargs)
        out_leaves, out_tree = pytrees.flatten(result)  # dicts with mixed keys too
        out_static, outputs = [], []
        for leaf in out_leaves:
            if isinstance(leaf, Tracer):
                outputs.append(leaf.value)
                out_static.append(DYNAMIC)
            else:
                out_static.append(_static_output(leaf))
        n_results = len(outputs)
        result_kinds = tuple(result_kind(leaf) for leaf in out_leaves if isinstance(leaf, Tracer))
        result_args = tuple(argument_of(t, given) for t in out_leaves if isinstance(t, Tracer))
        writeback, sites = [], []
        targets = [
            (t, value, i, names[p])
            for p, (t, value, i) in enumerate(zip(memory_views.roots, graph.inputs, leaf_index))
            if t is not None
        ]
        targets += [
            (t, value, back, back.label(names))
            for t, value, back in zip(
                memory_views.segments, graph.inputs[len(inputs):], memory_views.backs
            )
        ]
        forced = []
        for t, value, target, label in targets:
            if t.value is not value or id(t) in written:
                if isinstance(target, SegmentBack):
                    target = target.written_by(memory_views.written, leaf_index, names)
                writeback.append((target, len(outputs)))
                if id(t) in written:
                    forced.append(target)
                source = t.value.op.source if t.value.op is not None else None
                if source is None and id(t) in written:  # a write of the values it held
                    source = written[id(t)][1]
                sites.append((label, source))
                outputs.append(t.value)
        # Captured state (globals, self.w, ...): leaves after the arguments (jitflow.captures).
        captured_info = captures.finish_trace(captured, outputs, writeback, sites, len(spec))
        run_effects = []
        for kind, items, extra in effects:
            placed = []
            for item in items:
                if isinstance(item, Tracer):
                    placed.append(("out", len(outputs)))
                    outputs.append(item.value)
                else:
                    placed.append(("static", item))
            run_effects.append((kind, tuple(placed), extra))
        check = None
        if checks.failed():
            check = (len(outputs), tuple(checks.sites))
            outputs.append(checks.output())
        graph.outputs = outputs
    dce(graph)
    try:
        verify(graph)
    except IRVerificationError as e:
        if "defined later or elsewhere" not in str(e) and "undefined value" not in str(e):
            raise
        raise errors.UnsupportedError(
            "A value computed inside a branch or loop on a traced condition was used "
            "outside it without passing through the if/loop's variables, typically through "
            "a Python container (list.append, a dict item) filled inside a staged loop. "
            "Preallocate an array before the loop and assign into it (out[i] = ...)."
        ) from e
    return TracedFunction(
        graph, out_tree, tuple(out_static), n_results, tuple(writeback), tuple(run_effects),
        check, tuple(sites), captured_info, result_kinds=result_kinds,
        result_args=result_args if any(i is not None for i in result_args) else (),
        forced_writes=tuple(forced),
    )


class _MemoryViews:
    """What :func:`_memory_views` made: the argument tracers replaced by views
    (``views``, by position among the traced leaves), the root tracer written back for
    each traced leaf (``roots``), the segment tracers and their write-back targets, and
    the positions of the members written through (``written``, filled while tracing)."""

    def __init__(self, inputs):
        self.views: dict[int, Tracer] = {}
        self.roots = list(inputs)
        self.segments: list[Tracer] = []
        self.backs: list[SegmentBack] = []
        self.written: set[int] = set()


def _memory_views(memory: MemoryKey | None, inputs, segment_avals, names) -> _MemoryViews:
    """The argument tracers that ``memory`` asks for: a view with the argument's real
    layout for a non-C-contiguous one, a view of its group's segment for one sharing
    memory. A member of a group is no program input of its own (never read, so left out
    of the compiled program) and is written back through its segment."""
    out = _MemoryViews(inputs)
    if memory is None:
        return out
    for position, strides in enumerate(memory.layouts[: len(inputs)]):
        if strides is not None:
            t = inputs[position]
            out.views[position] = t.make_view(
                views.Lens(_same, _replace, views.fake(t.shape, strides))
            )
    for group, aval in zip(memory.groups, segment_avals):
        seg = Tracer(add_input(aval, "&".join(names[m.position] for m in group.members)))
        shapes = []
        for m in group.members:
            shape = inputs[m.position].shape
            shapes.append(shape)
            layout = aliasing.layout_of_strides(shape, m.strides)
            lens = aliasing.member_lens(m, shape, views.fake(shape, layout) if layout else None)
            lens.put = _recording(lens.put, out.written, m.position)
            out.views[m.position] = seg.make_view(lens)
            out.roots[m.position] = None
        out.segments.append(seg)
        out.backs.append(SegmentBack(group, aliasing.covered(group, shapes)))
    return out


def _same(base):
    return base


def _replace(base, new):
    return new


def _recording(put, written: set, position: int):
    def recorded(base, new):
        written.add(position)
        return put(base, new)

    return recorded


def _static_output(leaf):
    if isinstance(leaf, (np.ndarray, np.generic, int, float, complex, str, bool, type(None))):
        return leaf
    raise errors.InvalidArgumentError(
        at_user_line(
            f"The function returned a {type(leaf).__name__}, which jitflow cannot return "
            "from compiled code. Return arrays, scalars, strings, None, or tuples, lists "
            "and dicts of them."
        )
    )
