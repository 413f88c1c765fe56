"""Static ranges of traced integers, so that indexing can skip checks it can prove.

A traced index ``x[i]`` is checked when the program runs (:mod:`jitflow.ops.checks`) and
wrapped when negative, unless its range is known while tracing. The index of a staged
``for i in range(n)`` lies in [0, n), so ``x[i]``, ``x[i + 1]`` over ``range(n - 1)`` and
``x[np.argmax(y)]`` need neither: the loop stays as lean as ``jax.jit``'s.

A range is ``(low, high)``, both inclusive, either None when unbounded. It comes from
hints that the ops which know one set on their result (:func:`hint`: a loop counter, iota,
argmax, a remainder by a positive constant), from constants and from the dtype (unsigned
integers are never negative), and it is carried through the integer ops an index
expression is made of: add, subtract, multiply, negate, minimum, maximum, select,
conversions and the reshaping ops. Anything else is unknown, and is checked.
"""

from __future__ import annotations

import numpy as np

from jitflow.tracer.ir import Value

Range = tuple  # (low | None, high | None)

_DEPTH = 24  # how far back through the ops to look: index expressions are short


def hint(value: Value, low: int | None, high: int | None) -> Value:
    """Record that ``value`` lies in [low, high] (intersected with what was known)."""
    known = value.bounds or (None, None)
    value.bounds = (_max_lo(known[0], low), _min_hi(known[1], high))
    return value


def static_bounds(value: Value, depth: int = 0) -> Range:
    """The range of the integer ``value``: ``(None, None)`` when nothing is known."""
    dtype = value.dtype
    if dtype.kind not in "iub":
        return (None, None)
    if dtype.kind == "b":
        return (0, 1)
    found = value.bounds or (None, None)
    if value.op is not None and depth < _DEPTH:
        rule = _RULES.get(value.op.prim.name)
        if rule is not None:
            derived = rule(value.op, depth + 1)
            found = (_max_lo(found[0], derived[0]), _min_hi(found[1], derived[1]))
    info = np.iinfo(dtype)
    lo, hi = found
    if lo is not None and lo < info.min or hi is not None and hi > info.max:
        found = (None, None)  # the arithmetic passed the dtype's limits: it wraps around
    return (0, found[1]) if dtype.kind == "u" and found[0] is None else found


def within(value: Value, low: int, high: int) -> bool:
    """Whether ``value`` provably lies in [low, high]."""
    lo, hi = static_bounds(value)
    return lo is not None and hi is not None and low <= lo and hi <= high


# -- rules, by primitive name --------------------------------------------------------------


def _operand(op, i, depth) -> Range:
    return static_bounds(op.inputs[i], depth)


def _constant(op, depth) -> Range:
    array = op.params["value"].array
    if array.size == 0 or array.dtype.kind not in "iub":
        return (None, None)
    return (int(array.min()), int(array.max()))


def _same(op, depth) -> Range:
    return _operand(op, 0, depth)


def _convert(op, depth) -> Range:
    if op.inputs[0].dtype.kind not in "iub":
        return (None, None)
    return _operand(op, 0, depth)  # static_bounds drops a range the new dtype cannot hold


def _iota(op, depth) -> Range:
    n = op.params["shape"][op.params["dimension"]]
    return (0, n - 1) if n else (None, None)


def _add(op, depth) -> Range:
    (alo, ahi), (blo, bhi) = _operand(op, 0, depth), _operand(op, 1, depth)
    return (_sum(alo, blo), _sum(ahi, bhi))


def _subtract(op, depth) -> Range:
    (alo, ahi), (blo, bhi) = _operand(op, 0, depth), _operand(op, 1, depth)
    return (_sum(alo, _neg(bhi)), _sum(ahi, _neg(blo)))


def _negate(op, depth) -> Range:
    lo, hi = _operand(op, 0, depth)
    return (_neg(hi), _neg(lo))


def _multiply(op, depth) -> Range:
    a, b = _operand(op, 0, depth), _operand(op, 1, depth)
    if None in a or None in b:
        return (None, None)
    products = [x * y for x in a for y in b]
    return (min(products), max(products))


def _maximum(op, depth) -> Range:
    (alo, ahi), (blo, bhi) = _operand(op, 0, depth), _operand(op, 1, depth)
    return (_max_lo(alo, blo), None if ahi is None or bhi is None else max(ahi, bhi))


def _minimum(op, depth) -> Range:
    (alo, ahi), (blo, bhi) = _operand(op, 0, depth), _operand(op, 1, depth)
    return (None if alo is None or blo is None else min(alo, blo), _min_hi(ahi, bhi))


def _union(ranges) -> Range:
    los, his = [r[0] for r in ranges], [r[1] for r in ranges]
    return (None if None in los else min(los), None if None in his else max(his))


def _select(op, depth) -> Range:
    return _union([_operand(op, 1, depth), _operand(op, 2, depth)])


def _concatenate(op, depth) -> Range:
    return _union([_operand(op, i, depth) for i in range(len(op.inputs))])


_RULES = {
    "constant": _constant,
    "convert": _convert,
    "iota": _iota,
    "add": _add,
    "subtract": _subtract,
    "negate": _negate,
    "multiply": _multiply,
    "maximum": _maximum,
    "minimum": _minimum,
    "select": _select,
    "concatenate": _concatenate,
    **dict.fromkeys(
        ("broadcast_in_dim", "reshape", "transpose", "slice", "reverse", "dynamic_slice"), _same
    ),
}


# -- interval arithmetic with None for an unbounded side ------------------------------------


def _sum(a, b):
    return None if a is None or b is None else a + b


def _neg(a):
    return None if a is None else -a


def _max_lo(a, b):
    """The larger of two lower bounds (None: unbounded below)."""
    return b if a is None else a if b is None else max(a, b)


def _min_hi(a, b):
    """The smaller of two upper bounds (None: unbounded above)."""
    return b if a is None else a if b is None else min(a, b)
