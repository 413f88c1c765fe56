"""Control-flow primitives: ``cond`` and ``while``, ops that own regions.

Regions are sub-graphs that may read values of the enclosing graph directly (StableHLO's
``if``/``while`` regions capture values from above), so branches and loop bodies are
traced as ordinary code that closes over the outer arrays.

* ``cond pred`` with regions (then, else): each region has no inputs and yields the
  op's results; both must yield the same types.
* ``while *init`` with regions (cond, body): both take the carried values as inputs;
  cond yields one bool scalar, body yields the next carried values (same types).
"""

from __future__ import annotations

import numpy as np
from jax.extend.mlir import ir
from jax.extend.mlir.dialects import stablehlo as hlo

from jitflow import errors
from jitflow.ops import mlir
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import bind
from jitflow.tracer.ir import Graph, Value, primitive


def _yielded(region: Graph) -> tuple[AbstractArray, ...]:
    return tuple(v.aval for v in region.outputs)


def _cond_eval(pred, *, regions):
    if pred.shape != () or pred.dtype != np.bool_:
        raise errors.ShapeError(f"cond: the predicate must be a bool scalar, not {pred}")
    then_types, else_types = (_yielded(r) for r in regions)
    if then_types != else_types:
        raise errors.ShapeError(f"cond: branches yield {then_types} and {else_types}")
    return then_types


def _cond_lower(ctx, pred):
    op = hlo.IfOp([mlir.tensor_type(a) for a in ctx.out_avals], pred)
    for mlir_region, region in zip((op.true_branch, op.false_branch), ctx.regions):
        block = mlir_region.blocks.append()
        with ir.InsertionPoint(block):
            hlo.ReturnOp(ctx.lower_region(region, []))
    return list(op.results)


cond_p = primitive("cond", _cond_eval, _cond_lower, multiple_results=True)


def _while_eval(*init, regions):
    cond, body = regions
    init = tuple(init)
    if tuple(v.aval for v in cond.inputs) != init or tuple(v.aval for v in body.inputs) != init:
        raise errors.ShapeError("while: regions do not take the carried values")
    if _yielded(cond) != (AbstractArray((), np.dtype(np.bool_)),):
        raise errors.ShapeError(f"while: the condition yields {_yielded(cond)}, not bool[]")
    if _yielded(body) != init:
        raise errors.ShapeError(f"while: the body yields {_yielded(body)}, not {init}")
    return init


def _while_lower(ctx, *init):
    types = [mlir.tensor_type(a) for a in ctx.in_avals]
    op = hlo.WhileOp(types, list(init))
    for mlir_region, region in zip((op.cond, op.body), ctx.regions):
        block = mlir_region.blocks.append(*types)
        with ir.InsertionPoint(block):
            hlo.ReturnOp(ctx.lower_region(region, list(block.arguments)))
    return list(op.results)


while_p = primitive("while", _while_eval, _while_lower, multiple_results=True)


def cond(pred: Value, then_region: Graph, else_region: Graph) -> tuple[Value, ...]:
    return bind(cond_p, pred, regions=(then_region, else_region))


def while_loop(init: list[Value], cond_region: Graph, body_region: Graph) -> tuple[Value, ...]:
    return bind(while_p, *init, regions=(cond_region, body_region))
