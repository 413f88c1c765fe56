"""Taking elements by integer indices: ``np.take``, ``np.take_along_axis``, ``np.bincount``,
``np.diagonal``.

Traced indices go through :func:`jitflow.ops.indexing.wrap_index`, so an index out of
range raises NumPy's IndexError when the call returns (a run-time check, see
:mod:`jitflow.ops.checks`); static ones are checked while tracing. ``bincount``'s result
length is ``max(x) + 1``, known only from the data, which XLA cannot compile: a traced
``x`` needs ``minlength``, and every value is checked at run time to fit in it.
"""

from __future__ import annotations

import operator

import numpy as np

from jitflow import errors
from jitflow.ops import bounds, checks
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.ops.indexing import index_error, wrap_index
from jitflow.ops.reductions import axis_index, no_out, require_static
from jitflow.ops.shape_functions import numpy_errors, stand_in, tracer
from jitflow.tracer.array import Tracer
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line


def _int_indices(name: str, dtype: np.dtype, rule: str) -> None:
    if not np.can_cast(dtype, np.intp, rule) and dtype.kind not in "iu":
        raise errors.DTypeError(
            at_user_line(
                f"np.{name}: Cannot cast array data from dtype('{dtype}') to dtype('int64') "
                f"according to the rule '{rule}'"
            )
        )


@implements(np.take)
def take(a, indices, axis=None, out=None, mode="raise"):
    """``a`` indexed along one axis; traced indices are checked at run time (IndexError)."""
    no_out("take", out)
    if mode != "raise":
        raise errors.UnsupportedError(
            at_user_line(
                f"np.take(mode={mode!r}) is not supported; use the default mode='raise', "
                "with the indices wrapped (np.mod) or clipped (np.clip) first."
            )
        )
    x = tracer(a).value
    if axis is None or x.ndim == 0:
        x = sh.reshape(x, (x.aval.size,))
    ax = axis_index("take", x, 0 if axis is None else axis)
    n = x.shape[ax]
    static = None if isinstance(indices, Tracer) else np.asarray(indices)
    idx = indices.value if static is None else None
    _int_indices("take", (idx if static is None else static).dtype, "same_kind")
    size = idx.aval.size if static is None else static.size
    if n == 0 and size:
        raise index_error("cannot do a non-empty take from an empty axes.")
    if static is not None:
        static = static.astype(np.int64)
        for i in static[(static < -n) | (static >= n)][:1]:
            raise index_error(f"index {i} is out of bounds for axis {ax} with size {n}")
        idx = constant(np.where(static < 0, static + n, static))
    shape = x.shape[:ax] + idx.shape + x.shape[ax + 1:]
    if size == 0:
        return wrap(constant(np.zeros(shape, x.dtype)))
    r = sh.take(x, wrap_index(idx, n, ax), ax)
    return wrap(r, scalar=r.ndim == 0)


@implements(np.take_along_axis)
def take_along_axis(arr, indices, axis=-1):
    """NumPy's recipe: ``arr`` indexed by ``indices`` along ``axis`` and aranges elsewhere
    (advanced indexing checks traced indices at run time)."""
    arr = tracer(arr)
    indices = indices if isinstance(indices, Tracer) else np.asarray(indices)
    if axis is None:
        if indices.ndim != 1:
            raise errors.ShapeError(
                at_user_line("when axis=None, `indices` must have a single dimension.")
            )
        arr, axis = np.ravel(arr), 0
    else:
        axis = axis_index("take_along_axis", arr, axis)
    if indices.dtype.kind not in "iu":
        raise index_error("`indices` must be an integer array")
    if arr.ndim != indices.ndim:
        raise errors.ShapeError(
            at_user_line("`indices` and `arr` must have the same number of dimensions")
        )
    ones = (1,) * indices.ndim
    fancy = tuple(
        indices if dim == axis else np.arange(n).reshape(ones[:dim] + (-1,) + ones[dim + 1:])
        for dim, n in enumerate(arr.shape)
    )
    return arr[fancy]


def _bincount_length(x, minlength) -> int:
    """The result's length: NumPy's for static data; ``minlength`` (checked) if traced."""
    require_static("bincount", "minlength", minlength)
    minlength = operator.index(minlength)
    if minlength < 0:
        raise errors.InvalidValueError(at_user_line("'minlength' must not be negative"))
    if not isinstance(x, Tracer):
        with numpy_errors():
            return len(np.bincount(np.asarray(x), minlength=minlength))
    if minlength == 0:
        raise errors.UnsupportedError(
            at_user_line(
                "np.bincount of a traced array needs minlength=N: without it the result's "
                "length is max(x) + 1, which depends on the data, and a compiled program's "
                "shapes cannot. Pass minlength larger than any value x can hold."
            )
        )
    v = ew.convert(x.value, np.int64)
    lo, hi = bounds.static_bounds(x.value)
    if lo is None or lo < 0:
        checks.check_not_any(
            ew.compare(v, constant(np.zeros(v.shape, np.int64)), "LT"), errors.InvalidValueError,
            "np.bincount: 'list' argument must have no negative elements",
        )
    if hi is None or hi >= minlength:
        checks.check_not_any(
            ew.compare(v, constant(np.full(v.shape, minlength, np.int64)), "GE"),
            errors.InvalidValueError,
            f"np.bincount(x, minlength={minlength}): x holds a value >= minlength, so NumPy's "
            "result would be longer than minlength (max(x) + 1), a length a compiled "
            "program cannot have. Raise minlength above the largest value of x.",
        )
    return minlength


@implements(np.bincount)
def bincount(x, /, weights=None, minlength=0):
    """Counts (or summed weights) per value, by a scatter-add into ``minlength`` bins."""
    xv = to_value(x)
    if xv.ndim != 1:
        raise errors.ShapeError(
            at_user_line("object too deep for desired array" if xv.ndim
                         else "object of too small depth for desired array")
        )
    if xv.dtype.kind not in "biu":
        _int_indices("bincount", xv.dtype, "safe")
    length = _bincount_length(x, minlength)
    if weights is None:
        updates, dtype = constant(np.ones(xv.shape, np.int64)), np.dtype(np.int64)
    else:
        w = to_value(weights)
        if w.dtype.kind == "c":
            _int_indices("bincount", w.dtype, "safe")  # (complex to float: NumPy's TypeError)
        if w.shape != xv.shape:
            raise errors.ShapeError(
                at_user_line("The weights and list don't have the same length.")
            )
        dtype = np.dtype(np.float64)
        updates = ew.convert(w, dtype)
    zeros = constant(np.zeros(length, dtype))
    if xv.shape[0] == 0:
        return wrap(zeros)
    idx = sh.reshape(ew.convert(xv, np.int64), (xv.shape[0], 1))
    return wrap(sh.scatter(zeros, idx, updates, (0,), mode="add"))


@implements(np.diagonal)
def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal as a gather of static indices (NumPy's is a read-only view, which
    cannot be written through: a copy reads the same)."""
    for what, value in (("offset", offset), ("axis1", axis1), ("axis2", axis2)):
        require_static("diagonal", what, value)
    a = tracer(a)
    with numpy_errors():
        expected = np.diagonal(stand_in(a.shape), offset, axis1, axis2)
    moved = np.moveaxis(a, (axis1, axis2), (-2, -1))
    rows = np.arange(expected.shape[-1]) + max(0, -operator.index(offset))
    return moved[..., rows, rows + offset]
