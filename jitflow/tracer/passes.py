"""Graph passes run on every traced graph before lowering.

Tracing records everything the Python code did, including values it computed and then
dropped (a constant converted to another dtype, a view re-read after a write); dead code
elimination removes them so the printed IR and the StableHLO hold only what the result
needs.
"""

from __future__ import annotations

from jitflow.tracer.ir import Graph


def dce(graph: Graph) -> Graph:
    """Remove ops none of whose results is used (ops are pure; regions are scanned)."""
    live = {v.id for v in graph.outputs}
    kept = []
    for op in reversed(graph.ops):
        if any(v.id in live for v in op.outputs) or op.params.get("effect"):
            kept.append(op)
            live.update(v.id for v in op.inputs)
            for region in op.regions:
                dce(region)
                live.update(_free_values(region))
    graph.ops = kept[::-1]
    return graph


def _free_values(region: Graph) -> set[int]:
    """Ids of values a region reads from enclosing graphs."""
    defined = {v.id for v in region.inputs}
    used = set()
    for op in region.ops:
        used.update(v.id for v in op.inputs if v.id not in defined)
        for inner in op.regions:
            used.update(_free_values(inner) - defined)
        defined.update(v.id for v in op.outputs)
    used.update(v.id for v in region.outputs if v.id not in defined)
    return used
