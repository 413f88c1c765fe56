"""The lowering driver: a :class:`~jitflow.tracer.ir.Graph` becomes a StableHLO module.

The driver knows no op: it looks each op's ``lower`` rule up on its primitive, hands it a
:class:`~jitflow.ops.mlir.LoweringContext` and the MLIR values of the operands, and maps
the results. Every op gets the user's source line as its MLIR location, so XLA's own
diagnostics and profiles point at user code.
"""

from __future__ import annotations

import functools
import re

from jax.extend.lowering import JaxIrContext, upstream_dialects
from jax.extend.mlir import ir
from jax.extend.mlir.dialects import chlo, func
from jax.extend.mlir.dialects import stablehlo as hlo

from jitflow.ops.mlir import LoweringContext, tensor_type
from jitflow.tracer.ir import Graph, Op


@functools.lru_cache(maxsize=1)
def mlir_context() -> ir.Context:
    """One MLIR context for jitflow, with the StableHLO and CHLO dialects loaded."""
    ctx = JaxIrContext()
    ctx.append_dialect_registry(upstream_dialects)
    ctx.load_all_available_dialects()
    hlo.register_dialect(ctx)
    chlo.register_dialect(ctx)
    return ctx


def _location(op: Op) -> ir.Location:
    src = op.source
    if src is None:
        return ir.Location.name(op.prim.name)
    return ir.Location.name(op.prim.name, childLoc=ir.Location.file(src.filename, src.lineno, 0))


def lower_ops(graph: Graph, env: dict[int, ir.Value]) -> None:
    """Emit the ops of ``graph`` at the current insertion point; ``env`` maps value ids."""
    for op in graph.ops:
        ctx = LoweringContext(
            in_avals=tuple(v.aval for v in op.inputs),
            out_avals=tuple(v.aval for v in op.outputs),
            regions=op.regions,
            lower_region=functools.partial(lower_region, outer_env=env),
        )
        with _location(op):
            try:
                results = op.prim.lower(ctx, *(env[v.id] for v in op.inputs), **op.params)
            except Exception as e:
                where = f" ({op.source.describe()})" if op.source else ""
                raise RuntimeError(f"While lowering {op.prim.name}{where}: {e}") from e
        for v, r in zip(op.outputs, results, strict=True):
            env[v.id] = r


def lower_region(region: Graph, operands, outer_env: dict[int, ir.Value]) -> list[ir.Value]:
    """Lower a region inline (its inputs bound to ``operands``); return its outputs."""
    env = dict(outer_env)
    env.update({v.id: o for v, o in zip(region.inputs, operands, strict=True)})
    lower_ops(region, env)
    return [env[v.id] for v in region.outputs]


def used_inputs(graph: Graph) -> tuple[int, ...]:
    """Positions of the inputs of ``graph`` that an op (in any region) or an output reads."""
    read: set[int] = set()

    def visit(g: Graph) -> None:
        for op in g.ops:
            read.update(v.id for v in op.inputs)
            for region in op.regions:
                visit(region)
        read.update(v.id for v in g.outputs)

    visit(graph)
    return tuple(i for i, v in enumerate(graph.inputs) if v.id in read)


def lower_graph(graph: Graph, kept: tuple[int, ...] | None = None) -> ir.Module:
    """The StableHLO module of ``graph``: one public ``@main`` function, whose parameters
    are the inputs at positions ``kept`` (default: all)."""
    inputs = graph.inputs if kept is None else [graph.inputs[i] for i in kept]
    with mlir_context(), ir.Location.unknown():
        module = ir.Module.create()
        attrs = module.operation.attributes
        i32 = ir.IntegerType.get_signless(32)
        attrs["sym_name"] = ir.StringAttr.get("jitflow_" + re.sub(r"\W", "_", graph.name))
        attrs["mhlo.num_partitions"] = ir.IntegerAttr.get(i32, 1)
        attrs["mhlo.num_replicas"] = ir.IntegerAttr.get(i32, 1)
        attrs["jax.uses_shape_polymorphism"] = ir.BoolAttr.get(False)
        in_types = [tensor_type(v.aval) for v in inputs]
        out_types = [tensor_type(v.aval) for v in graph.outputs]
        with ir.InsertionPoint(module.body):
            fn = func.FuncOp("main", ir.FunctionType.get(in_types, out_types))
            fn.attributes["sym_visibility"] = ir.StringAttr.get("public")
            block = fn.add_entry_block()
            with ir.InsertionPoint(block):
                env = {v.id: arg for v, arg in zip(inputs, block.arguments)}
                lower_ops(graph, env)
                func.ReturnOp([env[v.id] for v in graph.outputs])
        if not module.operation.verify():
            raise RuntimeError("jitflow produced an invalid StableHLO module")
    return module


def module_text(module: ir.Module, debug_info: bool = False) -> str:
    """The module as StableHLO text (with ``loc(...)`` annotations if ``debug_info``)."""
    with mlir_context():
        return module.operation.get_asm(enable_debug_info=debug_info)
