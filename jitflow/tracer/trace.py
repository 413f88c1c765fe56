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

from jitflow import captures, errors, pytrees
from jitflow.tracer.array import Tracer
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import add_input, collecting_checks, collecting_effects, new_graph
from jitflow.tracer.ir import Graph
from jitflow.tracer.source import at_user_line
from jitflow.tracer.passes import dce
from jitflow.tracer.verify import IRVerificationError, verify

DYNAMIC = None  # marks a traced leaf in a leaves spec


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
    """

    graph: Graph
    out_tree: Any
    out_static: tuple
    n_results: int
    writeback: tuple[tuple[int, int], ...]
    effects: tuple = ()
    check: tuple | None = None
    captured: Any = None  # jitflow.captures.TraceCaptures: what the trace read by path


def trace(
    fn: Callable,
    in_tree,
    spec: tuple,
    avals: list[AbstractArray],
    names: list[str],
    name: str,
) -> TracedFunction:
    """Trace ``fn`` on arguments ``in_tree.unflatten(leaves)``.

    ``spec`` has one entry per leaf: DYNAMIC for traced leaves (taking the next aval from
    ``avals``) or a ``(type, value)`` pair for static ones.
    """
    with new_graph(name) as graph, collecting_effects() as effects, collecting_checks() as checks, \
            captures.tracing(graph) as captured:
        inputs, leaves = [], []
        dyn = iter(zip(avals, names))
        for s in spec:
            if s is DYNAMIC:
                aval, label = next(dyn)
                t = Tracer(add_input(aval, label))
                inputs.append(t)
                leaves.append(t)
            else:
                leaves.append(s[1])
        args, kwargs = tree_util.tree_unflatten(in_tree, leaves)
        captured.watch(args, kwargs)  # lists and dicts the function may change
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
        writeback = []
        leaf_index = [i for i, s in enumerate(spec) if s is DYNAMIC]
        for t, value, i in zip(inputs, graph.inputs, leaf_index):
            if t.value is not value:
                writeback.append((i, len(outputs)))
                outputs.append(t.value)
        # Captured state (globals, self.w, ...): leaves after the arguments (jitflow.captures).
        captured_info = captures.finish_trace(captured, outputs, writeback, [], len(spec))
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
        check, captured_info,
    )


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
