"""Checks a graph's invariants: SSA (each value defined once, before use) and that every
op's recorded output types agree with its primitive's shape/dtype rule.

Run on every traced graph before lowering; a failure here is a jitflow bug, not a user
error, so it raises AssertionError-like ``IRVerificationError`` naming the op.
"""

from __future__ import annotations

from jitflow.tracer.context import region_kwargs
from jitflow.tracer.ir import Graph


class IRVerificationError(Exception):
    """The IR broke one of its invariants (a bug in jitflow, please report it)."""


def verify(graph: Graph, outer: frozenset[int] = frozenset()) -> None:
    defined = set(outer) | {v.id for v in graph.inputs}
    for n, op in enumerate(graph.ops):
        where = f"op {n} ({op.prim.name}) of graph {graph.name}"
        for v in op.inputs:
            if v.id not in defined:
                raise IRVerificationError(f"{where} uses a value defined later or elsewhere: {v}")
        expected = op.prim.abstract_eval(
            *(v.aval for v in op.inputs), **region_kwargs(op.regions), **op.params
        )
        expected = expected if op.prim.multiple_results else (expected,)
        got = tuple(v.aval for v in op.outputs)
        if tuple(expected) != got:
            raise IRVerificationError(f"{where}: outputs {got} but its rule gives {expected}")
        for region in op.regions:
            verify(region, frozenset(defined))
        for v in op.outputs:
            if v.id in defined:
                raise IRVerificationError(f"{where} redefines {v}")
            defined.add(v.id)
    for v in graph.outputs:
        if v.id not in defined:
            raise IRVerificationError(f"graph {graph.name} returns an undefined value {v}")
