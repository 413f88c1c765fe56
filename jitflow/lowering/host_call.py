"""Programs with host callbacks: jitflow's graph lowered inside JAX's own lowering.

Most programs are wrapped as a ``jax.export.Exported`` (:mod:`jitflow.lowering.export`), but
an ``Exported`` cannot carry a host callback: the callback must be registered with the
executable XLA compiles, and only JAX's lowering of the calling ``jax.jit`` can do that.
So a graph with ``host_record`` ops (``print`` inside a traced ``while``) becomes one JAX
primitive, ``jitflow_program``, whose lowering rule emits the graph's ops straight into
JAX's module with the same driver (:func:`jitflow.lowering.module.lower_ops`), and lets
``host_record`` register its callbacks through JAX (:data:`jitflow.ops.host.JAX_LOWERING`).
Dispatch is ``jax.jit``'s, as for every other program.
"""

from __future__ import annotations

import jax
from jax.extend.core import Primitive
from jax.interpreters import mlir as jax_mlir

from jitflow.lowering.module import lower_ops
from jitflow.ops.host import JAX_LOWERING
from jitflow.tracer.ir import Graph


class Program:
    """A traced graph as a JAX primitive parameter (hashed by identity)."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def __repr__(self) -> str:
        return f"<jitflow program {self.graph.name}>"


program_p = Primitive("jitflow_program")
program_p.multiple_results = True


@program_p.def_abstract_eval
def _abstract_eval(*avals, program: Program):
    return [jax.core.ShapedArray(v.aval.shape, v.aval.dtype) for v in program.graph.outputs]


def _lower(ctx, *args, program: Program):
    graph = program.graph
    env = {v.id: a for v, a in zip(graph.inputs, args, strict=True)}
    token = JAX_LOWERING.set(ctx)
    try:
        lower_ops(graph, env)
    finally:
        JAX_LOWERING.reset(token)
    return [env[v.id] for v in graph.outputs]


jax_mlir.register_lowering(program_p, _lower)


def call_program(program: Program, *args):
    """Inside ``jax.jit``: the outputs of ``program`` applied to ``args``."""
    return program_p.bind(*args, program=program)
