"""``np.einsum`` on traced arrays, composed of ``dot_general``, ``reduce_sum`` and transposes.

The subscripts are parsed into one tuple of labels per operand (letters as themselves, the
axes an ellipsis stands for as ``0, 1, ...`` counted from the left of the broadcast
ellipsis shape) and checked as NumPy checks them. Then:

1. each operand loses its repeated labels (``ii`` → a diagonal: mask with ``i == j``,
   sum one axis away) and its size-1 axes whose label is longer elsewhere are broadcast;
2. operands are contracted two at a time (in ``np.einsum_path``'s greedy order when there
   are three or more). Before each step a label that no other operand and not the output
   needs is summed away; the shared labels still needed later are batch dimensions of
   the ``dot_general``, the others are contracted;
3. what is left is summed and transposed to the output's order.

As in NumPy, the arithmetic happens in the result dtype (int32 operands sum in int32),
and bool einsum is logical: sums are ORs, products ANDs.
"""

from __future__ import annotations

import string

import numpy as np

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.ops.linalg import dot_general
from jitflow.ops.reductions import example, monoid
from jitflow.tracer.ir import Value
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line

_LETTERS = string.ascii_uppercase + string.ascii_lowercase  # NumPy's sublist numbering


def _error(msg: str) -> errors.ShapeError:
    return errors.ShapeError(at_user_line(f"np.einsum: {msg}."))


@implements(np.einsum)
def einsum(*operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    if out is not None:
        raise errors.UnsupportedError(
            at_user_line("np.einsum(out=...) is not supported; assign the result instead.")
        )
    subscripts, arrays = _subscripts(operands)
    values = [to_value(a) for a in arrays]
    terms, output = parse(subscripts, [v.ndim for v in values])
    out_dtype = _result_dtype(subscripts, values, dtype, casting)
    values = [ew.convert(v, out_dtype) for v in values]
    sizes = _label_sizes(terms, values)
    operands = [_prepare(v, t, sizes) for v, t in zip(values, terms)]
    for group in _order(subscripts, values, len(operands)):
        picked = [operands[i] for i in group]
        operands = [op for i, op in enumerate(operands) if i not in group]
        result = picked[0]
        for i, other in enumerate(picked[1:], start=1):
            needed = set(output).union(*(t for _, t in operands + picked[i + 1 :]))
            result = _contract(result, other, needed)
        operands.append(result)
    (value, labels), = operands
    value, labels = _sum_unneeded(value, labels, set(output))
    return wrap(sh.transpose(value, [labels.index(lbl) for lbl in output]))


def _subscripts(operands):
    """``(subscripts, arrays)`` from either calling convention of np.einsum."""
    if not operands:
        raise TypeError("einsum() needs at least one operand")
    if isinstance(operands[0], str):
        return operands[0].replace(" ", ""), operands[1:]
    # Interleaved: einsum(a, [0, 1], b, [1, 2], [0, 2]); ints are NumPy's A-Z, a-z.
    out = operands[-1] if len(operands) % 2 else None
    operands = operands[:-1] if len(operands) % 2 else operands
    arrays, subs = operands[0::2], operands[1::2]

    def letters(sub):
        try:
            return "".join("..." if s is Ellipsis else _LETTERS[s] for s in sub)
        except (TypeError, IndexError):
            raise _error(f"subscript list {sub!r} must hold ints in [0, 52) or Ellipsis")

    text = ",".join(letters(s) for s in subs)
    return (text if out is None else f"{text}->{letters(out)}"), arrays


def parse(subscripts: str, ndims: list[int]) -> tuple[list[tuple], tuple]:
    """Label tuples per operand and for the output, as NumPy reads ``subscripts``."""
    lhs, arrow, rhs = subscripts.partition("->")
    texts = lhs.split(",")
    if len(texts) != len(ndims):
        raise _error(f"{len(texts)} subscript terms for {len(ndims)} operands")
    parsed = [_term(t, n, i) for i, (t, n) in enumerate(zip(texts, ndims))]
    n_ell = max((n for _, n in parsed), default=0)
    # The axes an ellipsis stands for are right-aligned across operands (broadcasting).
    terms = [tuple(lbl for part in p for lbl in _expand(part, n_ell, n)) for p, n in parsed]
    if arrow:
        out_parts, out_n = _term(rhs, None, "out")
        if out_n is None and n_ell:
            raise _error(f"the output '{rhs}' needs '...' for the broadcast dimensions")
        output = tuple(lbl for part in out_parts for lbl in _expand(part, n_ell, n_ell))
        seen = set().union(*terms)
        for lbl in output:
            if output.count(lbl) > 1:
                raise _error(f"output subscript {lbl!r} appears more than once")
            if lbl not in seen:
                raise _error(f"output subscript {lbl!r} never appeared in an input")
    else:
        counts = {}
        for t in terms:
            for lbl in t:
                counts[lbl] = counts.get(lbl, 0) + 1
        once = sorted(lbl for lbl, c in counts.items() if c == 1 and isinstance(lbl, str))
        output = tuple(range(n_ell)) + tuple(once)
    return terms, output


def _term(text: str, ndim, which):
    """(parts, ellipsis size) of one term; parts are single letters or ``...``."""
    parts, i = [], 0
    while i < len(text):
        if text.startswith("...", i):
            parts.append("...")
            i += 3
        elif text[i] in _LETTERS:
            parts.append(text[i])
            i += 1
        else:
            raise _error(f"term '{text}' may hold only letters and one '...'")
    n_letters = len(parts) - parts.count("...")
    has_ell = "..." in parts
    if parts.count("...") > 1:
        raise _error(f"term '{text}' has more than one '...'")
    if ndim is None:  # the output term
        return parts, (0 if has_ell else None)
    if n_letters > ndim or (not has_ell and n_letters != ndim):
        raise _error(f"term '{text}' does not fit operand {which} with {ndim} dimensions")
    return parts, (ndim - n_letters if has_ell else 0)


def _expand(part: str, n_ell: int, n: int):
    return tuple(range(n_ell - n, n_ell)) if part == "..." else (part,)


def _result_dtype(subscripts, values, dtype, casting) -> np.dtype:
    """NumPy's own answer, from np.einsum on size-1 stand-ins."""
    stand_ins = [example(v, (1,) * v.ndim) for v in values]
    try:
        return np.asarray(np.einsum(subscripts, *stand_ins, dtype=dtype, casting=casting)).dtype
    except TypeError as e:
        raise errors.DTypeError(at_user_line(f"np.einsum: {e}")) from None
    except ValueError as e:
        raise _error(str(e)) from None


def _label_sizes(terms, values) -> dict:
    """Each label's size; sizes 1 broadcast, other mismatches are errors."""
    sizes = {}
    for t, v in zip(terms, values):
        for lbl, d in zip(t, v.shape):
            if sizes.get(lbl, 1) not in (1, d) and d != 1:
                raise _error(f"operand shapes {[v.shape for v in values]} do not broadcast")
            sizes[lbl] = d if d != 1 else sizes.get(lbl, 1)
    return sizes


def _prepare(v: Value, labels: tuple, sizes: dict):
    """Take diagonals of repeated labels, then broadcast size-1 axes to the label's size."""
    for lbl in labels:
        while labels.count(lbl) > 1:
            i = labels.index(lbl)
            j = labels.index(lbl, i + 1)
            if v.shape[i] != v.shape[j]:
                raise _error(f"dimensions for the repeated index {lbl!r} differ")
            mask = ew.compare(sh.iota(np.int32, v.shape, i), sh.iota(np.int32, v.shape, j), "EQ")
            zeros = sh.broadcast_to(constant(np.zeros((), v.dtype)), v.shape)
            v = monoid(ew.select(mask, v, zeros), "sum", (j,))
            labels = labels[:j] + labels[j + 1 :]
    shape = tuple(sizes[lbl] for lbl in labels)
    if shape != v.shape:
        v = sh.broadcast_in_dim(v, shape, tuple(range(v.ndim)))
    return v, labels


def _order(subscripts, values, n: int):
    """Groups of operand positions to contract, in np.einsum_path's greedy order."""
    if n >= 3:
        stand_ins = [np.broadcast_to(np.zeros((), np.float64), v.shape) for v in values]
        try:
            path = np.einsum_path(subscripts, *stand_ins, optimize="greedy")[0]
            return [tuple(step) for step in path[1:]]
        except (TypeError, ValueError):  # einsum_path is stricter in corners: go left to right
            pass
    return [tuple(range(n))] if n > 1 else []


def _sum_unneeded(v: Value, labels: tuple, needed: set):
    axes = tuple(i for i, lbl in enumerate(labels) if lbl not in needed)
    return monoid(v, "sum", axes), tuple(lbl for lbl in labels if lbl in needed)


def _contract(a, b, needed: set):
    """One ``dot_general`` of two (value, labels) operands; returns the same pair."""
    (va, la), (vb, lb) = a, b
    va, la = _sum_unneeded(va, la, needed | set(lb))
    vb, lb = _sum_unneeded(vb, lb, needed | set(la))
    shared = [lbl for lbl in la if lbl in lb]
    batch = [lbl for lbl in shared if lbl in needed]
    contract = [lbl for lbl in shared if lbl not in needed]
    r = dot_general(
        va, vb,
        (tuple(la.index(x) for x in contract), tuple(lb.index(x) for x in contract)),
        (tuple(la.index(x) for x in batch), tuple(lb.index(x) for x in batch)),
    )
    free_a = [lbl for lbl in la if lbl not in shared]
    free_b = [lbl for lbl in lb if lbl not in shared]
    return r, tuple(batch + free_a + free_b)
