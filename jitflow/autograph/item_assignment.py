"""Item assignment in converted code: ``out[i] = v`` where ``out`` is a NumPy array.

The most common NumPy idiom is to make an array and fill it::

    out = np.zeros(n)
    out[0] = x[0]          # x traced: the value is traced
    out[1:] += np.cumsum(x[1:])

``out`` is a real NumPy array, made while tracing; a traced value cannot be stored into
its memory. The converter rewrites ``out[i] = v`` (``out`` a local variable) as
``out = ag__.setitem(value=v, target=out, index=i)`` and ``out[i] op= v`` as
``out = ag__.setitem_aug(out, i, "op", v)``. When a traced value or index meets a NumPy
array that only this name reaches, the array becomes a traced copy of itself (an IR
constant), the write goes there, and the name is rebound to it: the rest of the function
reads what was written, as in NumPy. Everything else is the plain assignment on the same
object (a traced array writes in place, through views as NumPy does).

Any other subscript target (a global, ``self.buf``, ``rows[0]``) is written in place,
``ag__.setitem(..., rebind=False)``. A NumPy array there, or one that something else also
reaches (another name, a container, a view of it), cannot be replaced behind those
references: it raises a clear error with the way out, instead of NumPy's own.
"""

from __future__ import annotations

import operator
import sys

import numpy as np

from jitflow import errors
from jitflow.ops.constants import to_value, wrap
from jitflow.tracer.array import Tracer
from jitflow.tracer.context import is_tracing
from jitflow.tracer.source import at_user_line

make_slice = slice  # ``a[1:n] = v`` passes its index as ``ag__.make_slice(1, n, None)``

_IN_PLACE = {
    "add": operator.iadd, "sub": operator.isub, "mult": operator.imul,
    "div": operator.itruediv, "floordiv": operator.ifloordiv, "mod": operator.imod,
    "pow": operator.ipow, "matmult": operator.imatmul, "lshift": operator.ilshift,
    "rshift": operator.irshift, "bitor": operator.ior, "bitxor": operator.ixor,
    "bitand": operator.iand,
}


def setitem(value, target, index, rebind=True):
    """``target[index] = value``; returns what the name ``target`` now holds. (Keyword
    arguments, so that they are evaluated in Python's order: value, target, index.)
    ``rebind=False``: the target is not a local name (a global, an attribute, an item),
    so it cannot be replaced, only written."""
    refs = sys.getrefcount(target)
    target = _writable(target, refs, _UNSHARED, _traced(value, index), rebind)
    target[index] = value
    return target


def setitem_aug(target, index, op: str, value, rebind=True):
    """``target[index] op= value``: Python's three steps, on what :func:`setitem` would
    write into."""
    refs = sys.getrefcount(target)
    target = _writable(target, refs, _UNSHARED, _traced(value, index), rebind)
    current = target[index]
    target[index] = _IN_PLACE[op](current, value)
    return target


def ufunc_at(ufunc, target, *args, **kwargs):
    """``ufunc.at(target, *args)`` as a statement (``np.add.at(out, i, v)``): on a traced
    copy of a NumPy array the function made, as :func:`setitem` does."""
    refs = sys.getrefcount(target)
    if isinstance(ufunc, np.ufunc):
        traced = any(_traced(a, None) for a in args)
        target = _writable(target, refs, _UNSHARED_AT, traced, rebind=True)
    ufunc.at(target, *args, **kwargs)
    return target


def _probe(value, target, index):
    """:func:`setitem`'s reference count of a target that one local name holds."""
    return sys.getrefcount(target)


def _probe_varargs(ufunc, target, *args, **kwargs):
    """:func:`ufunc_at`'s reference count of a target that one local name holds."""
    return sys.getrefcount(target)


def _references_of_a_local() -> tuple[int, int]:
    out = np.zeros(1)
    return _probe(value=None, target=out, index=None), _probe_varargs(None, out, None)


# Measured, as they differ between Python versions: setitem's and ufunc_at's.
_UNSHARED, _UNSHARED_AT = _references_of_a_local()


def _writable(target, refs: int, unshared: int, traced: bool, rebind: bool):
    """The array to write into: ``target``, or a traced copy of a NumPy array that only
    one local name reaches (``refs`` references, against ``unshared`` for such a one)."""
    if not traced or not isinstance(target, np.ndarray) or not is_tracing():
        return target
    if not rebind or type(target) is not np.ndarray or target.base is not None or refs > unshared:
        raise errors.TracerConversionError(
            at_user_line(
                "A traced value is written into a NumPy array that jitflow cannot replace "
                "with a traced array: it is not a local variable of the function (a "
                "global, an attribute, an item of a container), or something else also "
                "reaches it (a second name, a view). Write into an array that only one "
                "local name holds (out = np.zeros(n)), or make it from a traced one "
                "(np.zeros_like(x, shape=...))."
            )
        )
    return wrap(to_value(target), array=True)


def _traced(value, index) -> bool:
    if isinstance(value, Tracer) or isinstance(index, Tracer):
        return True
    return isinstance(index, tuple) and any(isinstance(i, Tracer) for i in index)
