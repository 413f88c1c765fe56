"""Programs with host callbacks: jitflow's graph lowered inside JAX's own lowering.

Most programs are wrapped as a ``jax.export.Exported`` (:mod:`jitflow.lowering.export`), but
an ``Exported`` cannot carry a host callback: the callback must be registered with the
executable XLA compiles, and only JAX's lowering of the calling ``jax.jit`` can do that.
So a graph with ``host_record`` ops (``print`` inside a traced ``while``) becomes one JAX
primitive, ``jitflow_program``, whose lowering rule emits the graph's ops straight into
JAX's module with the same driver (:func:`jitflow.lowering.module.lower_ops`), and lets
``host_record`` register its callbacks through JAX (:data:`jitflow.ops.host.JAX_LOWERING`).
Dispatch is ``jax.jit``'s, as for every other program. The program starts with one more
callback, which hands it a fresh call id: every row carries it to the host, and the
program returns it as its last output, for the call to take its own rows (threads run
calls of one program at the same time; :mod:`jitflow.ops.host`).
"""

from __future__ import annotations

import jax
import numpy as np
from jax.extend.core import Primitive
from jax.interpreters import mlir as jax_mlir

from jitflow.lowering.module import lower_ops
from jitflow.ops.host import JAX_LOWERING, new_call
from jitflow.tracer.ir import Graph


class Program:
    """A traced graph as a JAX primitive parameter (hashed by identity)."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def __repr__(self) -> str:
        return f"<jitflow program {self.graph.name}>"


program_p = Primitive("jitflow_program")
program_p.multiple_results = True


_CALL_ID = jax.core.ShapedArray((), np.int32)


@program_p.def_abstract_eval
def _abstract_eval(*avals, program: Program):
    outs = [jax.core.ShapedArray(v.aval.shape, v.aval.dtype) for v in program.graph.outputs]
    return [*outs, _CALL_ID]


def _lower(ctx, *args, program: Program):
    from jax._src.callback import emit_python_callback  # see while_effects.check_supported

    graph = program.graph
    env = {v.id: a for v, a in zip(graph.inputs, args, strict=True)}
    (call,), _, _ = emit_python_callback(  # side-effecting: never merged or dropped
        ctx.replace(avals_in=[], avals_out=[_CALL_ID]), new_call, None, [], [], [_CALL_ID],
        has_side_effect=True, returns_token=False,
    )
    token = JAX_LOWERING.set((ctx, call))
    try:
        lower_ops(graph, env)
    finally:
        JAX_LOWERING.reset(token)
    return [*(env[v.id] for v in graph.outputs), call]


jax_mlir.register_lowering(program_p, _lower)


def call_program(program: Program, *args):
    """Inside ``jax.jit``: the outputs of ``program`` applied to ``args``, then its call id."""
    return program_p.bind(*args, program=program)
