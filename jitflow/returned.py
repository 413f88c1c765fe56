"""Results that are the caller's own arrays: an argument returned as it is, or a view of one.

NumPy returns the argument object itself for ``a *= 2; return a`` and a view of it for
``return a[1:]`` or ``a.T``: writes into the result land in the caller's array. The
compiled program returns new arrays, so :func:`argument_of` finds, at trace time, which
results are an argument's handle or a view made of it (a chain of lenses, each with a
``layout``: the view's strides over a fake buffer, :mod:`jitflow.ops.views`), and
:func:`caller_array` rebuilds them, per call, from the caller's array (after its
write-back, so they hold the values the program computed).
"""

from __future__ import annotations

import numpy as np

from jitflow.ops import views
from jitflow.tracer.array import Tracer


def argument_of(t: Tracer, given: dict) -> int | tuple | None:
    """The argument leaf ``t`` is (its index), a view of one (``(index, offset, shape,
    strides)`` in the argument's layout units), or None. ``given`` maps the ids of the
    argument handles the function received to their leaf index. Views that change the
    dtype (``a.real`` of a complex array) or refuse writes (``np.broadcast_to``) are left
    as copies: NumPy's would differ in kind, not only in place."""
    if id(t) in given:
        return given[id(t)]
    chain = t
    while chain._parent is not None:
        lens = chain._lens
        if lens.layout is None or getattr(lens.put, "read_only", False) or _traced(lens.key):
            return None  # a view at a traced index has no static place in memory
        chain = chain._parent
        if id(chain) in given:
            break
    else:
        return None
    if t.dtype != chain.dtype:
        return None
    mine, root = views.layout(t), views.layout(chain)
    offset = mine.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return given[id(chain)], offset, t.shape, mine.strides


def _traced(key) -> bool:
    """Whether a view was made at a traced index (``BasicIndex.dynamic``): its place in
    memory is only known at run time, so it is returned as a copy."""
    return bool(getattr(key, "dynamic", None))


def caller_array(a: np.ndarray, how) -> np.ndarray:
    """The result ``how`` (see :func:`argument_of`) made of the caller's array ``a``."""
    if isinstance(how, int):
        return a
    _, offset, shape, strides = how
    size = a.itemsize
    # The layout's unit: an element, or a byte for strides that are not whole elements
    # (jitflow.aliasing.layout_of; C-contiguous arguments are modelled in elements).
    unit = size if a.flags.c_contiguous or all(s % size == 0 for s in a.strides) else 1
    owner = _Owner()
    owner.array = a
    owner.__array_interface__ = {
        "data": (a.__array_interface__["data"][0] + offset * unit, not a.flags.writeable),
        "shape": tuple(shape),
        "strides": tuple(s * unit for s in strides),
        "typestr": a.dtype.str,
        "descr": a.dtype.descr,
        "version": 3,
    }
    return np.asarray(owner)


class _Owner:
    """Keeps the caller's array alive for as long as a view of it is."""

    __slots__ = ("__array_interface__", "array")
