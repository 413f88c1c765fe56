"""NumPy's reductions on traced arrays: sum, prod, min/max, any/all, argmin/argmax, cumsum/
cumprod, count_nonzero, and the helpers the statistics (:mod:`jitflow.ops.statistics`:
mean, var, std, ...) share with them.

Three things make them NumPy's rather than XLA's:

* **Dtypes come from NumPy itself.** The result dtype is what the same NumPy function
  returns for a small array of the operand's dtype (:func:`result_dtype`), so ``sum`` of
  int32 gives int64 and ``mean`` of ints float64 without a hand-written table.
* **Errors are NumPy's.** Bad axes, and reductions without an identity over an empty axis
  (``np.max(np.zeros(0))``), raise a jitflow error at trace time. Whether NumPy refuses an
  empty reduction is found by running it on an empty array of the same shape (free).
* **NaN and ties follow NumPy.** ``max``/``min`` propagate NaN; ``argmax``/``argmin``
  return the first NaN, else the first extreme (see :mod:`jitflow.ops.reduce`).
"""

from __future__ import annotations

import functools
import math
import operator
import warnings

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import reduce as red
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.tracer.array import Tracer
from jitflow.tracer.ir import Value
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line

NOVALUE = np._NoValue  # NumPy's "argument not given" marker, passed through by dispatch
_BINARY = {
    "sum": ew.add_p, "prod": ew.mul_p, "max": ew.max_p, "min": ew.min_p,
    "and": ew.and_p, "or": ew.or_p,
}


# -- shared helpers --------------------------------------------------------------------------


def given(x, default=None):
    """``x``, or ``default`` where NumPy's dispatch passed its "not given" marker."""
    return default if x is NOVALUE else x


def require_static(name: str, what: str, value):
    """Refuse a traced ``value`` for an argument that must be known while tracing (it
    fixes the result's shape, or NumPy's recipe branches on it); returns ``value``."""
    if isinstance(value, (Tracer, Value)):
        raise errors.UnsupportedError(
            at_user_line(
                f"np.{name}: {what} is a traced array here, but it must be known while "
                "tracing: it fixes the result's shape or decides the computation. Pass a "
                "Python value or a NumPy array (or list the argument in static_argnames)."
            )
        )
    return value


def no_out(name: str, out, where=True) -> None:
    """Refuse ``out=`` (and ``where=`` where the caller has no masked version)."""
    if out is not None:
        raise errors.UnsupportedError(
            at_user_line(f"np.{name}(out=...) is not supported; assign the result instead.")
        )
    if given(where, True) is not True:
        raise errors.UnsupportedError(
            at_user_line(
                f"np.{name}(where=...) is not supported; mask the operand first, e.g. "
                f"np.{name}(np.where(mask, x, fill))."
            )
        )


def masked(name: str, x: Value, where, kind: str) -> Value:
    """``x`` with ``kind``'s identity where the ``where=`` mask is False (NumPy's where=)."""
    w = to_value(where)
    if w.dtype != np.bool_:
        raise errors.DTypeError(
            at_user_line(f"np.{name}: where= must be a bool array, not {w.dtype}.")
        )
    try:
        fits = np.broadcast_shapes(w.shape, x.shape) == x.shape
    except ValueError:
        fits = False
    if not fits:
        raise errors.ShapeError(
            at_user_line(
                f"np.{name}: the where= mask of shape {w.shape} does not broadcast to the "
                f"operand's shape {x.shape}."
            )
        )
    fill = constant(np.array(red.identity(kind, x.dtype), x.dtype))
    return ew.select(sh.broadcast_to(w, x.shape), x, sh.broadcast_to(fill, x.shape))


def axes_of(name: str, x: Value, axis, ufunc_like: bool = False) -> tuple[int, ...]:
    """The reduced axes as sorted non-negative ints (all axes for ``None``).

    ``ufunc_like``: NumPy's ufunc reductions (sum, max, any, ...) accept an int axis 0 or
    -1 on a 0-d array and reduce nothing; mean/var/std refuse it.
    """
    if axis is None:
        return tuple(range(x.ndim))
    if ufunc_like and x.ndim == 0 and not isinstance(axis, tuple):
        if isinstance(axis, (int, np.integer)) and axis in (0, -1):
            return ()
    try:
        return tuple(sorted(normalize_axis_tuple(axis, x.ndim)))
    except errors.JitflowError:
        raise
    except (ValueError, TypeError, IndexError) as e:
        raise errors.like_numpy(e, errors.ShapeError)(
            at_user_line(
                f"np.{name}: axis={axis!r} is invalid for an array of shape {x.shape} ({e}). "
                f"Use axes in [-{x.ndim}, {x.ndim}), each at most once."
            )
        ) from None


def axis_index(name: str, x: Value, axis) -> int:
    """One axis (argmax, cumsum), as a non-negative int."""
    try:
        return normalize_axis_index(operator.index(axis), x.ndim)
    except errors.JitflowError:
        raise
    except (TypeError, ValueError, IndexError) as e:
        raise errors.like_numpy(e, errors.ShapeError)(
            at_user_line(
                f"np.{name}: axis={axis!r} is invalid for an array of shape {x.shape} ({e}). "
                f"Pass one int axis in [-{x.ndim}, {x.ndim}), or None."
            )
        ) from None


def example(x: Value, shape=(1,)):
    """A tiny NumPy stand-in for ``x``: a Python scalar if weakly typed, else zeros."""
    if x.aval.weak and x.ndim == 0:
        return x.dtype.type(0).item()
    return np.zeros(shape, x.dtype)


@functools.lru_cache(maxsize=2048)
def _cached_dtype(fn, dtype: np.dtype, kwargs: tuple) -> np.dtype:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return np.asarray(fn(np.ones((2,), dtype), **dict(kwargs))).dtype


def result_dtype(name: str, fn, x: Value, **kwargs) -> np.dtype:
    """The dtype NumPy's ``fn(x, **kwargs)`` returns, found on a two-element array."""
    kwargs = {k: np.dtype(v) if k == "dtype" and v is not None else v for k, v in kwargs.items()}
    try:
        return _cached_dtype(fn, x.dtype, tuple(sorted(kwargs.items())))
    except (TypeError, ValueError) as e:
        raise errors.like_numpy(e, errors.InvalidValueError, type_error=errors.DTypeError)(
            at_user_line(f"np.{name} refuses an array of dtype {x.dtype} with {kwargs}: {e}")
        ) from None


def check_empty(name: str, fn, x: Value, **kwargs) -> None:
    """Raise where NumPy refuses an empty reduction (``np.max`` of a zero-length axis)."""
    if x.aval.size:
        return
    try:
        fn(np.zeros(x.shape, x.dtype), **kwargs)
    except ValueError as e:
        raise errors.ShapeError(
            at_user_line(
                f"np.{name} of an array of shape {x.shape} along axis {kwargs.get('axis')}: "
                f"{e}. Pass initial=... (max/min), or guard against empty arrays outside "
                "the function."
            )
        ) from None


def refuse_complex(name: str, x: Value) -> None:
    if x.dtype.kind == "c":
        raise errors.UnsupportedError(
            at_user_line(
                f"np.{name} of a complex array (dtype {x.dtype}) is not supported by "
                "jitflow: XLA has no ordering of complex numbers. Reduce the real and "
                "imaginary parts separately."
            )
        )


def keep_dims(r: Value, in_shape, axes, keepdims) -> Value:
    """Put the reduced axes back as size-1 axes when ``keepdims`` is true."""
    if not keepdims:
        return r
    return sh.reshape(r, tuple(1 if i in axes else d for i, d in enumerate(in_shape)))


def count_of(shape, axes) -> int:
    return math.prod(shape[a] for a in axes)


def monoid(x: Value, kind: str, axes) -> Value:
    """Reduce with ``kind``; on bool, NumPy's add is logical or and multiply logical and."""
    if x.dtype == np.bool_:
        kind = {"sum": "or", "max": "or", "prod": "and", "min": "and"}.get(kind, kind)
    return red.reduce(x, kind, axes)


def binary(kind: str, x: Value, y: Value) -> Value:
    if x.dtype == np.bool_:
        kind = {"sum": "or", "max": "or", "prod": "and", "min": "and"}.get(kind, kind)
    return ew.apply(_BINARY[kind], x, sh.broadcast_to(y, x.shape))


def true_divide(total: Value, count) -> Value:
    """``total / count`` as NumPy's mean does (integers are divided as float64).

    ``count`` is a Python int, or a value of ``total``'s shape (counts under a mask).
    """
    dtype = total.dtype if total.dtype.kind in "fc" else np.dtype(np.float64)
    total = ew.convert(total, dtype)
    if isinstance(count, Value):
        count = ew.convert(count, dtype)
    else:
        count = constant(np.array(count, dtype))
    return ew.apply(ew.div_p, total, sh.broadcast_to(count, total.shape))


# -- sum, prod, max, min, any, all -------------------------------------------------------------


def _reduction(name, np_fn, kind, a, axis, dtype, out, keepdims, initial, where):
    no_out(name, out)
    x = to_value(a)
    axes = axes_of(name, x, axis, ufunc_like=True)
    kwargs = {} if dtype is NOVALUE else {"dtype": dtype}
    if kind in ("max", "min"):
        refuse_complex(name, x)
    initial, where = given(initial), given(where, True)
    if initial is None and where is not True and kind in ("max", "min"):
        raise errors.ShapeError(
            at_user_line(f"np.{name}(where=...) needs initial=... (as in NumPy): {kind} has "
                         "no identity to put where the mask is False.")
        )
    if initial is None:
        check_empty(name, np_fn, x, axis=axis)
    out_dtype = result_dtype(name, np_fn, x, **kwargs)
    x = ew.convert(x, out_dtype)
    if where is not True:
        x = masked(name, x, where, kind)
    r = monoid(x, kind, axes)
    if initial is not None:
        # NumPy folds ``initial`` in once, converted to the result dtype.
        r = binary(kind, r, constant(np.asarray(initial).astype(out_dtype)))
    return wrap(keep_dims(r, x.shape, axes, given(keepdims, False)))


@implements(np.sum)
def sum_(a, axis=None, dtype=None, out=None, keepdims=False, initial=NOVALUE, where=True):
    return _reduction("sum", np.sum, "sum", a, axis, dtype, out, keepdims, initial, where)


@implements(np.prod)
def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=NOVALUE, where=True):
    return _reduction("prod", np.prod, "prod", a, axis, dtype, out, keepdims, initial, where)


@implements(np.max, np.amax)
def max_(a, axis=None, out=None, keepdims=False, initial=NOVALUE, where=True):
    return _reduction("max", np.max, "max", a, axis, NOVALUE, out, keepdims, initial, where)


@implements(np.min, np.amin)
def min_(a, axis=None, out=None, keepdims=False, initial=NOVALUE, where=True):
    return _reduction("min", np.min, "min", a, axis, NOVALUE, out, keepdims, initial, where)


def _logical(name, kind, a, axis, out, keepdims, where):
    no_out(name, out)
    x = to_value(a)
    axes = axes_of(name, x, axis, ufunc_like=True)
    x = ew.convert(x, np.bool_)  # nonzero (NaN too) is True
    if given(where, True) is not True:
        x = masked(name, x, where, kind)
    return wrap(keep_dims(red.reduce(x, kind, axes), x.shape, axes, given(keepdims, False)))


@implements(np.any)
def any_(a, axis=None, out=None, keepdims=False, *, where=True):
    return _logical("any", "or", a, axis, out, keepdims, where)


@implements(np.all)
def all_(a, axis=None, out=None, keepdims=False, *, where=True):
    return _logical("all", "and", a, axis, out, keepdims, where)


# -- argmax, argmin ----------------------------------------------------------------------------


def _arg(name, np_fn, kind, a, axis, out, keepdims):
    no_out(name, out)
    x = to_value(a)
    refuse_complex(name, x)
    in_shape = x.shape
    if axis is None or x.ndim == 0:  # NumPy flattens (and treats 0-d as 1-d)
        x = sh.reshape(x, (x.aval.size,))
    ax = axis_index(name, x, 0 if axis is None else axis)
    if x.shape[ax] == 0:
        check_empty(name, np_fn, to_value(a), axis=axis)
    r = red.argreduce(x, kind, ax)
    if given(keepdims, False):
        # NumPy keeps every axis as size 1 for axis=None, and a 0-d input stays 0-d.
        keep = (1,) * len(in_shape) if axis is None else in_shape[:ax] + (1,) + in_shape[ax + 1:]
        r = sh.reshape(r, keep if in_shape else ())
    return wrap(r)


@implements(np.argmax)
def argmax(a, axis=None, out=None, *, keepdims=False):
    return _arg("argmax", np.argmax, "max", a, axis, out, keepdims)


@implements(np.argmin)
def argmin(a, axis=None, out=None, *, keepdims=False):
    return _arg("argmin", np.argmin, "min", a, axis, out, keepdims)


# -- cumulative, count_nonzero ----------------------------------------------------------------


def _cumulative(name, np_fn, kind, a, axis, dtype, out):
    no_out(name, out)
    x = to_value(a)
    if axis is None or x.ndim == 0:  # NumPy flattens (and treats 0-d as 1-d)
        x = sh.reshape(x, (x.aval.size,))
    ax = axis_index(name, x, 0 if axis is None else axis)
    out_dtype = result_dtype(name, np_fn, x, dtype=dtype)
    if out_dtype == np.bool_:
        raise errors.UnsupportedError(
            at_user_line(f"np.{name}(dtype=bool) is not supported; use an integer dtype.")
        )
    return wrap(red.cumulative(ew.convert(x, out_dtype), kind, ax))


@implements(np.cumsum)
def cumsum(a, axis=None, dtype=None, out=None):
    return _cumulative("cumsum", np.cumsum, "sum", a, axis, dtype, out)


@implements(np.cumprod)
def cumprod(a, axis=None, dtype=None, out=None):
    return _cumulative("cumprod", np.cumprod, "prod", a, axis, dtype, out)


@implements(np.count_nonzero)
def count_nonzero(a, axis=None, *, keepdims=False):
    x = to_value(a)
    axes = axes_of("count_nonzero", x, axis, ufunc_like=True)
    nonzero = ew.convert(ew.convert(x, np.bool_), np.int64)
    return wrap(keep_dims(red.reduce(nonzero, "sum", axes), x.shape, axes, keepdims))


# mean, var, std and the other statistics build on the helpers above; importing them
# registers them with the others.
from jitflow.ops import statistics as _statistics  # noqa: E402,F401
