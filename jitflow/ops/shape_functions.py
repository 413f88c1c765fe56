"""NumPy's shape functions on traced arrays: reshape, transpose and friends, broadcasting,
copies and dtype casts, ``*_like`` constructors, ``np.shape``/``ndim``/``size``, and
``np.block`` (nested concatenation).

Functions NumPy answers with a *view* (``reshape`` without a copy, ``transpose``, ``.T``,
``moveaxis``, ``expand_dims``, ``squeeze``, ``broadcast_to``) return views here too, so
writing through them updates the base (see :mod:`jitflow.ops.views`). Static shape work
(``-1`` in a reshape, axis normalization, NumPy's error for a bad axis) is done by NumPy
itself on stand-in arrays that have no data, and NumPy's errors come out as jitflow errors
naming the user's line. Joining, splitting, tiling and padding are in
:mod:`jitflow.ops.rearrange`.
"""

from __future__ import annotations

import operator

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops import views
from jitflow.ops.constants import to_value, wrap
from jitflow.ops.indexing import assignment_value
from jitflow.tracer.array import Tracer
from jitflow.tracer.avals import check_dtype
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line


# -- shared helpers ---------------------------------------------------------------------


class _NumpyErrors:
    """``with numpy_errors():`` re-raises NumPy's errors from static shape work as jitflow
    errors with NumPy's message. (A class, not contextlib: its frames must be jitflow's so
    that the message names the user's line.)"""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if error is None or isinstance(error, errors.JitflowError):
            return False
        for numpy_kind, ours in _ERROR_CLASSES:
            if isinstance(error, numpy_kind):
                raise ours(at_user_line(str(error))) from None
        return False


_ERROR_CLASSES = (
    (np.exceptions.AxisError, errors.AxisError),
    (IndexError, errors.IndexingError),
    (ValueError, errors.ShapeError),
    (TypeError, errors.InvalidArgumentError),
)
numpy_errors = _NumpyErrors


def tracer(x) -> Tracer:
    """``x`` as a tracer. Python scalars (weakly typed) become ordinary arrays here, as
    ``np.asarray`` makes them in NumPy; they are never views."""
    if isinstance(x, Tracer) and not x.aval.weak:
        return x
    v = to_value(x)
    return wrap(ew.convert(v, v.dtype, weak=False) if v.aval.weak else v)


def stand_in(shape) -> np.ndarray:
    """A data-less array of ``shape`` on which any NumPy reshape succeeds without copying."""
    return views.fake(shape, (0,) * len(tuple(shape)))


def check_order(order, what: str, t: Tracer | None = None) -> None:
    """Only C order is supported ('K' and 'A' mean C for C-contiguous arrays)."""
    if order in (None, "C"):
        return
    if order in ("K", "A") and (t is None or views.layout(t).flags.c_contiguous):
        return
    raise errors.UnsupportedError(
        at_user_line(f"{what}(order={order!r}) is not supported by jitflow; use order='C'.")
    )


def reshape_view(t: Tracer, layout: np.ndarray) -> Tracer:
    """A view of ``t`` with ``layout``'s shape (same elements in C order)."""
    shape, in_shape = layout.shape, t.shape
    if shape == in_shape:
        return t.make_view(views.Lens(lambda b: b, lambda b, new: new, layout))
    return t.make_view(
        views.Lens(lambda b: sh.reshape(b, shape), lambda b, new: sh.reshape(new, in_shape), layout)
    )


def permuted_view(t: Tracer, perm, layout: np.ndarray) -> Tracer:
    """The transposed view ``t.transpose(perm)``."""
    perm = tuple(int(p) for p in perm)
    inverse = tuple(int(i) for i in np.argsort(perm))
    return t.make_view(
        views.Lens(
            lambda b: sh.transpose(b, perm), lambda b, new: sh.transpose(new, inverse), layout
        )
    )


def reshaped(t: Tracer, shape, copy=None) -> Tracer:
    """``t`` reshaped to the resolved ``shape``: a view when NumPy would give one."""
    shape = tuple(shape)
    if copy is not True:
        try:
            layout = views.layout(t).reshape(shape, copy=False)
        except ValueError:
            layout = None
        if layout is not None:
            return reshape_view(t, layout)
        if copy is False:
            raise errors.ShapeError(
                at_user_line("Unable to avoid creating a copy while reshaping.")
            )
    return wrap(sh.reshape(t.value, shape))


# -- reshaping ----------------------------------------------------------------------------


@implements(np.reshape)
def reshape(a, shape=None, order="C", *, copy=None):
    t = tracer(a)
    check_order(order, "np.reshape")
    if shape is None:
        raise errors.InvalidArgumentError(at_user_line("np.reshape() needs a shape"))
    with numpy_errors():
        new_shape = stand_in(t.shape).reshape(shape).shape
    return reshaped(t, new_shape, copy)


@implements(np.ravel)
def ravel(a, order="C"):
    t = tracer(a)
    check_order(order, "np.ravel", t)
    # NumPy's ravel returns a view only of C-contiguous arrays (a[::2].ravel() copies).
    if views.layout(t).flags.c_contiguous:
        return reshaped(t, (t.size,))
    return wrap(sh.reshape(t.value, (t.size,)))


@implements(np.expand_dims)
def expand_dims(a, axis):
    t = tracer(a)
    with numpy_errors():
        layout = np.expand_dims(views.layout(t), axis)
    return reshape_view(t, layout)


@implements(np.squeeze)
def squeeze(a, axis=None):
    t = tracer(a)
    with numpy_errors():
        layout = np.squeeze(views.layout(t), axis)
    return reshape_view(t, layout)


def _at_least(arys, ndim: int, index):
    out = []
    for a in arys:
        t = tracer(a)
        out.append(t if t.ndim >= ndim else index(t))
    return out[0] if len(out) == 1 else tuple(out)


@implements(np.atleast_1d)
def atleast_1d(*arys):
    return _at_least(arys, 1, lambda t: t[None])


@implements(np.atleast_2d)
def atleast_2d(*arys):
    return _at_least(arys, 2, lambda t: t[None] if t.ndim == 1 else t[None, None])


@implements(np.atleast_3d)
def atleast_3d(*arys):
    def index(t):
        return {0: lambda: t[None, None, None], 1: lambda: t[None, :, None]}.get(
            t.ndim, lambda: t[:, :, None]
        )()

    return _at_least(arys, 3, index)


# -- transposing --------------------------------------------------------------------------


@implements(np.transpose)
def transpose(a, axes=None):
    t = tracer(a)
    with numpy_errors():
        layout = np.transpose(views.layout(t), axes)
        if axes is None:
            perm = range(t.ndim)[::-1]
        else:
            perm = [normalize_axis_index(ax, t.ndim) for ax in axes]
    return permuted_view(t, perm, layout)


@implements(np.matrix_transpose)
def matrix_transpose(x):
    t = tracer(x)
    if t.ndim < 2:
        raise errors.ShapeError(
            at_user_line(f"Input array must be at least 2-dimensional, but it is {t.ndim}")
        )
    perm = list(range(t.ndim - 2)) + [t.ndim - 1, t.ndim - 2]
    return permuted_view(t, perm, np.transpose(views.layout(t), perm))


@implements(np.swapaxes)
def swapaxes(a, axis1, axis2):
    t = tracer(a)
    with numpy_errors():
        i, j = normalize_axis_index(axis1, t.ndim), normalize_axis_index(axis2, t.ndim)
    perm = list(range(t.ndim))
    perm[i], perm[j] = j, i
    return permuted_view(t, perm, np.transpose(views.layout(t), perm))


@implements(np.moveaxis)
def moveaxis(a, source, destination):
    t = tracer(a)
    with numpy_errors():
        src = normalize_axis_tuple(source, t.ndim, "source")
        dst = normalize_axis_tuple(destination, t.ndim, "destination")
        if len(src) != len(dst):
            raise ValueError(
                "`source` and `destination` arguments must have the same number of elements"
            )
    # NumPy's own construction of the permutation.
    perm = [n for n in range(t.ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return permuted_view(t, perm, np.transpose(views.layout(t), perm))


# -- broadcasting ---------------------------------------------------------------------------


@implements(np.broadcast_to)
def broadcast_to(array, shape, subok=False):
    t = tracer(array)
    with numpy_errors():
        layout = np.broadcast_to(views.layout(t), shape)
    shape = layout.shape
    view = views.read_only_view(t, lambda b: sh.broadcast_to(b, shape), "np.broadcast_to", layout)
    if t._scalar:  # of a NumPy scalar: an array (NumPy makes one), not the scalar's method
        view._array, view._scalar = True, False
    return view


@implements(np.broadcast_arrays)
def broadcast_arrays(*args, subok=False):
    ts = [tracer(a) if not isinstance(a, np.ndarray) else a for a in args]
    with numpy_errors():
        shape = np.broadcast_shapes(*(np.shape(t) for t in ts))
    if all(np.shape(t) == shape for t in ts):
        return tuple(ts)  # NumPy returns the arrays themselves
    # NumPy's results here are writable views that warn on write (and will become
    # read-only); jitflow makes them read-only already.
    return tuple(broadcast_to(t, shape) for t in ts)


# -- block ----------------------------------------------------------------------------------


def _block_index(index) -> str:
    return "arrays" + "".join(f"[{i}]" for i in index if i is not None)


def _block_depths(arrays, parent_index: list):
    """NumPy's ``_block_check_depths_match``: the index of a bottom element (ending in None
    under an empty list) and the largest ndim, checking in NumPy's order that every bottom
    element sits at the same list depth."""
    if isinstance(arrays, tuple):
        raise errors.InvalidArgumentError(
            at_user_line(
                f"{_block_index(parent_index)} is a tuple. Only lists can be used to arrange "
                "blocks, and np.block does not allow implicit conversion from tuple to ndarray."
            )
        )
    if not isinstance(arrays, list):
        return parent_index, np.ndim(arrays)
    if not arrays:
        return parent_index + [None], 0
    first_index, max_ndim = _block_depths(arrays[0], parent_index + [0])
    for i, arr in enumerate(arrays[1:], start=1):
        index, ndim = _block_depths(arr, parent_index + [i])
        max_ndim = max(max_ndim, ndim)
        if len(index) != len(first_index):
            raise errors.ShapeError(
                at_user_line(
                    "List depths are mismatched. First element was at depth "
                    f"{len(first_index)}, but there is an element at depth {len(index)} "
                    f"({_block_index(index)})"
                )
            )
        if index[-1] is None:
            first_index = index
    return first_index, max_ndim


def _block(arrays, max_depth: int, result_ndim: int, depth: int = 0) -> Tracer:
    """Concatenate the innermost lists along the last axis, the next ones along the one
    before, ...; each block first gets leading size-1 axes up to ``result_ndim``."""
    if depth < max_depth:
        parts = [_block(a, max_depth, result_ndim, depth + 1) for a in arrays]
        return np.concatenate(parts, axis=-(max_depth - depth))
    t = tracer(arrays)
    return reshape(t, (1,) * (result_ndim - t.ndim) + t.shape) if t.ndim < result_ndim else t


@implements(np.block)
def block(arrays):
    """NumPy's ``block`` by repeated concatenation (NumPy's own algorithm for all but very
    large results, whose values and dtype it shares); errors are NumPy's."""
    bottom_index, arr_ndim = _block_depths(arrays, [])
    list_ndim = len(bottom_index)
    if bottom_index and bottom_index[-1] is None:
        raise errors.ShapeError(
            at_user_line(f"List at {_block_index(bottom_index)} cannot be empty")
        )
    result = _block(arrays, list_ndim, max(arr_ndim, list_ndim))
    return np.copy(result) if list_ndim == 0 else result


# -- shape queries -------------------------------------------------------------------------


@implements(np.shape)
def shape(a):
    return tuple(a.shape)


@implements(np.ndim)
def ndim(a):
    return len(a.shape)


@implements(np.size)
def size(a, axis=None):
    if axis is None:
        return int(np.prod(a.shape))
    with numpy_errors():
        return a.shape[normalize_axis_index(axis, len(a.shape))]


# -- copies, casts and new arrays -------------------------------------------------------------


@implements(np.copy)
def copy(a, order="K", subok=False):
    return wrap(tracer(a).value, array=True)  # an ndarray, 0-d too


def _dtype(dtype, what: str) -> np.dtype:
    try:
        return check_dtype(dtype, what)
    except errors.DTypeError as e:
        raise errors.DTypeError(at_user_line(str(e))) from None
    except TypeError as e:
        raise errors.InvalidArgumentError(at_user_line(str(e))) from None


@implements(np.astype)
def astype(x, dtype, /, *, copy=True, device=None):
    t = tracer(x)
    dtype = _dtype(dtype, "astype's target")
    if not copy and dtype == t.dtype:
        return t  # NumPy returns the array itself
    return wrap(ew.convert(t.value, dtype), array=t._array)  # a scalar's is a scalar


@implements(np.ndarray.astype)
def ndarray_astype(x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    """``x.astype(...)``: np.astype plus the ``casting`` check of the method."""
    dtype = _dtype(dtype, "astype's target")
    if not np.can_cast(x.dtype, dtype, casting):
        raise errors.DTypeError(
            at_user_line(
                f"Cannot cast array data from {x.dtype!r} to {dtype!r} according to the rule "
                f"{casting!r}"
            )
        )
    return astype(x, dtype, copy=copy)  # (order only changes the memory layout)


def _new_like(a, dtype, shape, fill) -> Tracer:
    t = tracer(a)
    dtype = t.dtype if dtype is None else _dtype(dtype, "The new array")
    if shape is None:
        shape = t.shape
    with numpy_errors():
        shape = tuple(map(operator.index, shape)) if np.ndim(shape) else (operator.index(shape),)
        if any(d < 0 for d in shape):
            raise ValueError("negative dimensions are not allowed")
    return wrap(assignment_value(fill, dtype, shape), array=True)


@implements(np.zeros_like)
def zeros_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return _new_like(a, dtype, shape, 0)


@implements(np.ones_like)
def ones_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return _new_like(a, dtype, shape, 1)


@implements(np.empty_like)
def empty_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return _new_like(a, dtype, shape, 0)  # NumPy leaves the contents undefined


@implements(np.full_like)
def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return _new_like(a, dtype, shape, fill_value)


from jitflow.ops import rearrange  # noqa: E402,F401  (registers the functions built on these)
