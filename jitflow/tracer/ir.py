"""jitflow's IR: a graph of ops over statically shaped SSA values.

A :class:`Graph` has input values, a list of :class:`Op` in program order and output
values. Every :class:`Value` is defined once (by a graph input or an op) and carries an
:class:`~jitflow.tracer.avals.AbstractArray`. An op applies a :class:`Primitive` to input
values with keyword params that are hashable (so graphs can be compared and cached), may
own regions (sub-graphs, for control flow), and records where the user wrote it.

Printed (see :mod:`jitflow.tracer.printer`)::

    graph f(%0: f64[4,3], %1: f64[4,3]) {
      # example.py:6  z = np.sin(x) * y + 1.0
      %2: f64[4,3] = sin %0
      %3: f64[4,3] = multiply %2, %1
      ...
      return %7
    }

A primitive is defined once, in its family's module under :mod:`jitflow.ops`, with its
shape/dtype rule (``abstract_eval``), its StableHLO lowering rule (``lower``) and, once
autodiff exists, its VJP rule side by side.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any, Callable

from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.source import SourceInfo

_ids = itertools.count()


class Value:
    """An SSA value: defined once, immutable, with a static abstract type.

    ``op`` is the op that defines it (None for graph inputs); ``index`` which of that op's
    results it is. ``bounds`` is a static ``(low, high)`` range of an integer value known
    to whoever made it (a loop counter, an argmax), None when nothing is known; see
    :mod:`jitflow.ops.bounds`.
    """

    __slots__ = ("aval", "op", "index", "id", "bounds")

    def __init__(self, aval: AbstractArray, op: Op | None = None, index: int = 0):
        self.aval = aval
        self.op = op
        self.index = index
        self.id = next(_ids)
        self.bounds = None

    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self):
        return self.aval.dtype

    @property
    def ndim(self) -> int:
        return len(self.aval.shape)

    def __repr__(self) -> str:
        return f"Value#{self.id}:{self.aval!r}"


@dataclasses.dataclass(eq=False)
class Op:
    """One application of a primitive: ``outputs = prim(*inputs, **params)``."""

    prim: Primitive
    inputs: tuple[Value, ...]
    params: dict[str, Any]
    outputs: tuple[Value, ...] = ()
    regions: tuple[Graph, ...] = ()
    source: SourceInfo | None = None


@dataclasses.dataclass(eq=False)
class Graph:
    """A function body: inputs, ops in program order, outputs."""

    name: str = "main"
    inputs: list[Value] = dataclasses.field(default_factory=list)
    ops: list[Op] = dataclasses.field(default_factory=list)
    outputs: list[Value] = dataclasses.field(default_factory=list)
    input_names: list[str] = dataclasses.field(default_factory=list)

    def __str__(self) -> str:
        from jitflow.tracer.printer import print_graph

        return print_graph(self)


@dataclasses.dataclass(frozen=True, eq=False)
class Primitive:
    """An operation of the IR, with its rules side by side.

    Attributes:
        name: the name printed in the IR (``sin``, ``reduce_sum``, ...).
        abstract_eval: ``(*in_avals, **params) -> AbstractArray`` (or a tuple of them when
            ``multiple_results``): the shape/dtype rule.
        lower: ``(ctx, *operands, **params) -> list[ir.Value]``: emits StableHLO through
            ``jax.extend.mlir``; ``ctx`` gives the op's input and output avals.
        vjp: the reverse-mode rule, once autodiff exists; None until then.
        differentiable: False for ops without a derivative (comparisons, integer ops).
        multiple_results: whether the op defines a tuple of values.
    """

    name: str
    abstract_eval: Callable[..., Any]
    lower: Callable[..., Any]
    vjp: Callable[..., Any] | None = None
    differentiable: bool = True
    multiple_results: bool = False

    def __repr__(self) -> str:
        return f"Primitive({self.name})"


# Every primitive defined by jitflow.ops, by name; checked at import (ops/__init__.py).
PRIMITIVES: dict[str, Primitive] = {}


def primitive(name: str, abstract_eval, lower, **kw) -> Primitive:
    """Define and register a primitive; names are unique across all op families."""
    if name in PRIMITIVES:
        raise ValueError(f"primitive {name!r} is defined twice")
    prim = Primitive(name, abstract_eval, lower, **kw)
    PRIMITIVES[name] = prim
    return prim


def check_rules() -> None:
    """Fail loudly if any registered primitive lacks a rule (run when ops are imported)."""
    for prim in PRIMITIVES.values():
        for rule in ("abstract_eval", "lower"):
            if not callable(getattr(prim, rule)):
                raise TypeError(f"primitive {prim.name} has no {rule} rule")
