"""Prints a graph as readable text: one op per line, types shown, user lines interleaved.

Values are renumbered at print time (``%0``, ``%1``, ... in order of definition), so the
same program always prints the same text and tests can compare it with a golden string::

    graph f(%0: f64[4,3], %1: f64[4,3]) {
      # quickstart.py:9  z = np.sin(x) * y + 1.0
      %2: f64[4,3] = sin %0
      %3: f64[4,3] = multiply %2, %1
      return %3
    }
"""

from __future__ import annotations

from jitflow.tracer.avals import type_string
from jitflow.tracer.ir import Graph, Op, Value


class _Names:
    def __init__(self):
        self.names: dict[int, str] = {}

    def define(self, v: Value) -> str:
        name = f"%{len(self.names)}"
        self.names[v.id] = name
        return name

    def __getitem__(self, v: Value) -> str:
        return self.names.get(v.id, f"%?{v.id}")


def _format_param(value) -> str:
    if isinstance(value, tuple):
        inner = ",".join(_format_param(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if hasattr(value, "name") and not isinstance(value, str):  # dtypes, enums
        return str(value.name) if not hasattr(value, "itemsize") else _dtype(value)
    return repr(value) if isinstance(value, str) else str(value)


def _dtype(dtype) -> str:
    from jitflow.tracer.avals import short_dtype

    return short_dtype(dtype)


def _print_ops(graph: Graph, names: _Names, indent: str, lines: list[str]) -> None:
    last_source = None
    for op in graph.ops:
        src = op.source
        if src is not None and (src.filename, src.lineno) != last_source:
            text = src.line
            lines.append(f"{indent}# {src.short}" + (f"  {text}" if text else ""))
            last_source = (src.filename, src.lineno)
        lines.append(indent + _format_op(op, names))
        for i, region in enumerate(op.regions):
            args = ", ".join(
                f"{names.define(v)}: {type_string(v.aval)}" for v in region.inputs
            )
            lines.append(f"{indent}  region {i}({args}) {{")
            _print_ops(region, names, indent + "    ", lines)
            outs = ", ".join(names[v] for v in region.outputs)
            lines.append(f"{indent}    yield {outs}")
            lines.append(f"{indent}  }}")


def _format_op(op: Op, names: _Names) -> str:
    operands = ", ".join(names[v] for v in op.inputs)
    params = ", ".join(f"{k}={_format_param(op.params[k])}" for k in sorted(op.params))
    rhs = op.prim.name
    if operands:
        rhs += " " + operands
    if params:
        rhs += f" [{params}]"
    # Results are named after operands and params are formatted, so numbering follows
    # definition order.
    results = ", ".join(f"{names.define(v)}: {type_string(v.aval)}" for v in op.outputs)
    return f"{results} = {rhs}"


def print_graph(graph: Graph) -> str:
    """The text form of ``graph`` (see the module docstring)."""
    names = _Names()
    args = []
    for i, v in enumerate(graph.inputs):
        label = graph.input_names[i] if i < len(graph.input_names) else ""
        comment = f"  /*{label}*/" if label else ""
        args.append(f"{names.define(v)}: {type_string(v.aval)}{comment}")
    lines = [f"graph {graph.name}({', '.join(args)}) {{"]
    _print_ops(graph, names, "  ", lines)
    lines.append("  return " + ", ".join(names[v] for v in graph.outputs))
    lines.append("}")
    return "\n".join(lines)
