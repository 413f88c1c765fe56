"""Commonly used NumPy functions, written as NumPy's own recipes over traced arrays:
``np.linalg.norm``, ``trace``, ``isclose``/``allclose``, ``nan_to_num``, ``select``,
``meshgrid``, ``cross``, ``kron``, ``polyval``, ``rot90``, ``cov`` and ``corrcoef``
(``take``, ``take_along_axis`` and ``bincount`` are in :mod:`jitflow.ops.take`).

Most follow NumPy's Python source step by step, calling NumPy functions on tracers (which
reach jitflow's implementations), so dtypes, promotion and errors come out as NumPy's
without a table of their own. The few that work on IR values directly (``trace``,
``nan_to_num``, ``select``) do so because NumPy's recipe writes into an array through a
mask. Matrix norms of order 2, -2 and "nuc" take the singular values from
``np.linalg.svd`` (:mod:`jitflow.ops.linalg_functions`).
"""

from __future__ import annotations

import operator
import warnings

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.ops.indexing import assignment_value
from jitflow.ops.reductions import NOVALUE, example, given, no_out, require_static
from jitflow.ops.shape_functions import numpy_errors, tracer
from jitflow.ops.ufuncs import broadcast_shapes
from jitflow.tracer.array import Tracer
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line, user_frame

_PY_SCALARS = (int, float, complex)


def _warn(message: str, category: type) -> None:
    """NumPy's warning, attributed to the user's line (the one NumPy would name)."""
    src = user_frame()
    if src is None:
        warnings.warn(message, category, stacklevel=2)
    else:
        warnings.warn_explicit(message, category, src.filename, src.lineno)


# -- np.linalg.norm --------------------------------------------------------------------------


@implements(np.linalg.norm)
def norm(x, ord=None, axis=None, keepdims=False):
    """NumPy's ``linalg.norm`` (``numpy/linalg/_linalg.py``), step by step."""
    require_static("linalg.norm", "ord", ord)
    x = tracer(x)
    if x.dtype.kind not in "fc":
        x = x.astype(float)
    if axis is None:
        ndim = x.ndim
        if ord is None or (ord in ("f", "fro") and ndim == 2) or (ord == 2 and ndim == 1):
            x = np.ravel(x)
            if x.dtype.kind == "c":
                sqnorm = np.dot(x.real, x.real) + np.dot(x.imag, x.imag)
            else:
                sqnorm = np.dot(x, x)
            ret = np.sqrt(sqnorm)
            return np.reshape(ret, ndim * [1]) if keepdims else ret
    nd = x.ndim
    if axis is None:
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = (operator.index(axis),)
        except TypeError:
            raise errors.InvalidArgumentError(
                at_user_line("'axis' must be None, an integer or a tuple of integers")
            ) from None
    if len(axis) == 1:
        return _vector_norm(x, ord, axis, keepdims)
    if len(axis) != 2:
        raise errors.ShapeError(at_user_line("Improper number of dimensions to norm."))
    with numpy_errors():
        row, col = normalize_axis_index(axis[0], nd), normalize_axis_index(axis[1], nd)
    if row == col:
        raise errors.ShapeError(at_user_line("Duplicate axes given."))
    ret = _matrix_norm(x, ord, row, col, axis)
    if keepdims:
        shape = list(x.shape)
        shape[axis[0]] = shape[axis[1]] = 1
        ret = np.reshape(ret, shape)
    return ret


def _vector_norm(x, ord, axis, keepdims):
    if ord == np.inf:
        return np.max(abs(x), axis=axis, keepdims=keepdims, initial=0)
    if ord == -np.inf:
        return np.min(abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        nonzero = np.astype(x != 0, x.real.dtype)
        return np.sum(nonzero, axis=axis, keepdims=keepdims)
    if ord == 1:
        return np.sum(abs(x), axis=axis, keepdims=keepdims)
    if ord is None or ord == 2:
        return np.sqrt(np.sum((x.conj() * x).real, axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        raise errors.ShapeError(at_user_line(f"Invalid norm order '{ord}' for vectors"))
    ret = np.sum(abs(x) ** ord, axis=axis, keepdims=keepdims)
    with np.errstate(divide="ignore"):
        return ret ** np.reciprocal(ord, dtype=ret.dtype)


def _matrix_norm(x, ord, row, col, axis):
    if ord in (2, -2, "nuc"):  # of the singular values: largest, smallest, their sum
        s = np.linalg.svd(np.moveaxis(x, (row, col), (-2, -1)), compute_uv=False)
        if ord == "nuc":
            return np.sum(s, axis=-1)
        return np.max(s, axis=-1, initial=0) if ord == 2 else np.min(s, axis=-1)
    if ord in (1, -1):
        col -= col > row
        summed = np.sum(abs(x), axis=row)
        return np.max(summed, axis=col, initial=0) if ord == 1 else np.min(summed, axis=col)
    if ord in (np.inf, -np.inf):
        row -= row > col
        summed = np.sum(abs(x), axis=col)
        return np.max(summed, axis=row, initial=0) if ord > 0 else np.min(summed, axis=row)
    if ord in (None, "fro", "f"):
        return np.sqrt(np.sum((x.conj() * x).real, axis=axis))
    raise errors.ShapeError(at_user_line("Invalid norm order for matrices."))


# -- trace, isclose, allclose, nan_to_num ---------------------------------------------------


@implements(np.trace)
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """The sum over a masked diagonal (NumPy sums ``a.diagonal(offset, axis1, axis2)``)."""
    no_out("trace", out)
    require_static("trace", "offset", offset)
    t = tracer(a)
    if t.ndim < 2:
        raise errors.ShapeError(
            at_user_line("diag requires an array of at least two dimensions")
        )
    with numpy_errors():
        i, j = normalize_axis_index(axis1, t.ndim), normalize_axis_index(axis2, t.ndim)
    if i == j:
        raise errors.ShapeError(at_user_line("axis1 and axis2 cannot be the same"))
    n, m = t.shape[i], t.shape[j]
    on_diagonal = np.arange(m)[None, :] - np.arange(n)[:, None] == operator.index(offset)
    if i > j:  # broadcast_in_dim wants the operand's axes in increasing order
        on_diagonal, dims = on_diagonal.T, (j, i)
    else:
        dims = (i, j)
    x = t.value
    mask = sh.broadcast_in_dim(constant(on_diagonal), x.shape, dims)
    diagonal = wrap(ew.select(mask, x, ew.full_like(x, 0)))
    return np.sum(diagonal, axis=(i, j), dtype=dtype)


def _operand(v):
    """NumPy's ``asanyarray`` for isclose: Python numbers (and traced ones) stay weak."""
    if isinstance(v, Tracer | bool | int | float | complex):
        return v
    return np.asanyarray(v)


@implements(np.isclose)
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """NumPy's ``isclose`` (``numpy/_core/numeric.py``), step by step."""
    require_static("isclose", "equal_nan", equal_nan)
    x, y, atol, rtol = (_operand(v) for v in (a, b, atol, rtol))
    if isinstance(y, Tracer) and y.aval.weak and y.ndim == 0:
        if y.dtype.kind in "iub":  # a Python int: NumPy makes it a Python float
            y = wrap(ew.convert(y.value, np.float64, weak=True))
    elif getattr(y, "dtype", None) is not None:
        dt = np.result_type(y.dtype, 1.0)
        y = np.astype(y, dt) if isinstance(y, Tracer) else np.asanyarray(y, dtype=dt)
    elif isinstance(y, int):
        y = float(y)
    result = (abs(x - y) <= atol + rtol * abs(y)) & np.isfinite(y) | (x == y)
    if equal_nan:
        result = result | (np.isnan(x) & np.isnan(y))
    return result[()] if isinstance(result, Tracer) else result


@implements(np.allclose)
def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``np.all(np.isclose(...))`` as a traced 0-d bool (NumPy returns a Python bool, which
    a traced function cannot: use it in a converted ``if``, or return it)."""
    return np.all(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _fill(value, dtype: np.dtype, shape, what: str):
    """A replacement value for nan_to_num, cast as NumPy's ``copyto`` casts it."""
    v = to_value(value)
    if v.dtype.kind == "c" and dtype.kind != "c":  # copyto's same_kind rule
        raise errors.DTypeError(
            at_user_line(f"np.nan_to_num: {what}={value!r} cannot be cast to {dtype}.")
        )
    if isinstance(value, Tracer):
        return sh.broadcast_to(ew.convert(v, dtype), shape)
    with np.errstate(over="ignore"):
        return sh.broadcast_to(constant(np.asarray(value).astype(dtype)), shape)


def _replace_nonfinite(d, nan, posinf, neginf):
    info = np.finfo(d.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    inf = constant(np.full(d.shape, np.inf, d.dtype))
    out = ew.select(ew.compare(d, ew.apply(ew.neg_p, inf), "EQ"),
                    _fill(neginf, d.dtype, d.shape, "neginf"), d)
    out = ew.select(ew.compare(d, inf, "EQ"), _fill(posinf, d.dtype, d.shape, "posinf"), out)
    return ew.select(ew.compare(d, d, "NE"), _fill(nan, d.dtype, d.shape, "nan"), out)


@implements(np.nan_to_num)
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaN and infinities replaced (real and imaginary parts separately, as NumPy does);
    ``copy=False`` replaces them in ``x`` itself, as NumPy does."""
    t = tracer(x)
    if (not copy and isinstance(x, Tracer) and not x.shape and np.issubdtype(x.dtype, np.inexact)
            and (x._scalar or x.value.aval.weak)):  # NumPy returns non-inexact input as is
        raise errors.InvalidValueError(at_user_line(
            "np.nan_to_num(x, copy=False) of a NumPy scalar or a Python number, which are "
            "immutable: 'Unable to avoid copy' (as in NumPy). Use x = np.nan_to_num(x)."
        ))
    v = t.value
    if v.dtype.kind == "c":
        re, im = ew.apply(ew.real_p, v), ew.apply(ew.imag_p, v)
        v = ew.make_complex(_replace_nonfinite(re, nan, posinf, neginf),
                            _replace_nonfinite(im, nan, posinf, neginf))
    elif v.dtype.kind == "f":
        v = _replace_nonfinite(v, nan, posinf, neginf)
    if not copy and t is x:
        if v is not t.value:
            t.assign(v)
        return t[()] if t.ndim == 0 else t
    return wrap(v, scalar=v.ndim == 0)


# -- select, meshgrid ------------------------------------------------------------------------


def _choice(c):
    """NumPy's select keeps Python numbers weak and makes the rest arrays."""
    return c if type(c) in _PY_SCALARS else to_value(tracer(c))


@implements(np.select)
def select(condlist, choicelist, default=0):
    """The first choice whose condition holds, else ``default`` (NumPy's ``copyto`` loop,
    run backwards, as nested selects)."""
    if len(condlist) != len(choicelist):
        raise errors.ShapeError(
            at_user_line("list of cases must be same length as list of conditions")
        )
    if len(condlist) == 0:
        raise errors.ShapeError(
            at_user_line("select with an empty condition list is not possible")
        )
    choices = [_choice(c) for c in list(choicelist) + [default]]
    stand_ins = [c if type(c) in _PY_SCALARS else example(c, c.shape) for c in choices]
    try:
        dtype = np.result_type(*stand_ins)
    except TypeError as e:
        raise errors.DTypeError(
            at_user_line(f"Choicelist and default value do not have a common dtype: {e}")
        ) from None
    conds = [to_value(c) for c in condlist]
    cond_shape = broadcast_shapes(*(c.shape for c in conds))
    choice_shape = broadcast_shapes(*(np.shape(c) if type(c) in _PY_SCALARS else c.shape
                                      for c in choices))
    for i, c in enumerate(conds):
        if c.dtype != np.bool_:
            raise errors.DTypeError(
                at_user_line(f"invalid entry {i} in condlist: should be boolean ndarray")
            )
    shape = broadcast_shapes(cond_shape, choice_shape)

    def filled(c):
        if type(c) in _PY_SCALARS:
            return assignment_value(c, dtype, shape)
        return sh.broadcast_to(ew.convert(c, dtype), shape)

    result = filled(choices[-1])
    for choice, cond in zip(choices[-2::-1], conds[::-1]):
        result = ew.select(sh.broadcast_to(cond, shape), filled(choice), result)
    return wrap(result)


@implements(np.meshgrid)
def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """NumPy's ``meshgrid``: reshapes, then (unless sparse) broadcasts, then copies."""
    ndim = len(xi)
    if indexing not in ("xy", "ij"):
        raise errors.ShapeError(at_user_line("Valid values for `indexing` are 'xy' and 'ij'."))
    s0 = (1,) * ndim
    output = [np.reshape(tracer(x), s0[:i] + (-1,) + s0[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and ndim > 1:
        output[0] = np.reshape(output[0], (1, -1) + s0[2:])
        output[1] = np.reshape(output[1], (-1, 1) + s0[2:])
    if not sparse:
        output = np.broadcast_arrays(*output)
    if copy:
        output = [np.copy(x) for x in output]
    return tuple(output)


# -- cross, kron, polyval, rot90 -------------------------------------------------------------


@implements(np.cross)
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """NumPy's ``cross`` (``numpy/_core/numeric.py``) for 3- and 2-vectors."""
    if axis is not None:
        axisa, axisb, axisc = (axis,) * 3
    a, b = tracer(a), tracer(b)
    if a.ndim < 1 or b.ndim < 1:
        raise errors.ShapeError(at_user_line("At least one array has zero dimension"))
    with numpy_errors():
        axisa = normalize_axis_index(axisa, a.ndim, msg_prefix="axisa")
        axisb = normalize_axis_index(axisb, b.ndim, msg_prefix="axisb")
    a, b = np.moveaxis(a, axisa, -1), np.moveaxis(b, axisb, -1)
    na, nb = a.shape[-1], b.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise errors.ShapeError(
            at_user_line("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
        )
    if na == 2 or nb == 2:
        _warn("Arrays of 2-dimensional vectors are deprecated. Use arrays of 3-dimensional "
              "vectors instead. (deprecated in NumPy 2.0)", DeprecationWarning)
    shape = broadcast_shapes(a.shape[:-1], b.shape[:-1])
    if na == 3 or nb == 3:
        with numpy_errors():
            axisc = normalize_axis_index(axisc, len(shape) + 1, msg_prefix="axisc")
    dtype = np.promote_types(a.dtype, b.dtype)
    a, b = np.astype(a, dtype), np.astype(b, dtype)
    a0, a1, b0, b1 = a[..., 0], a[..., 1], b[..., 0], b[..., 1]
    if na == 2 and nb == 2:
        return np.broadcast_to(a0 * b1, shape) - a1 * b0
    a2 = a[..., 2] if na == 3 else None
    b2 = b[..., 2] if nb == 3 else None
    if na == 2:  # a2 = 0
        parts = [a1 * b2, -(a0 * b2), a0 * b1 - a1 * b0]
    elif nb == 2:  # b2 = 0
        parts = [-(a2 * b1), a2 * b0, a0 * b1 - a1 * b0]
    else:
        parts = [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0]
    cp = np.stack([np.broadcast_to(p, shape) for p in parts], axis=-1)
    return np.moveaxis(cp, -1, axisc)


@implements(np.kron)
def kron(a, b):
    """NumPy's ``kron``: the operands interleaved with size-1 axes, multiplied, reshaped."""
    b = tracer(b)
    a = tracer(a)
    if a.ndim < b.ndim:  # NumPy's ndmin=b.ndim
        a = np.reshape(a, (1,) * (b.ndim - a.ndim) + a.shape)
    if a.ndim == 0 or b.ndim == 0:
        return np.multiply(a, b)
    as_, bs = a.shape, (1,) * (a.ndim - b.ndim) + b.shape
    a_arr = np.reshape(a, [d for n in as_ for d in (n, 1)])
    b_arr = np.reshape(b, [d for n in bs for d in (1, n)])
    return np.reshape(np.multiply(a_arr, b_arr), tuple(np.multiply(as_, bs)))


@implements(np.polyval)
def polyval(p, x):
    """Horner's rule, unrolled over the (static) number of coefficients, as NumPy loops."""
    p = p if isinstance(p, Tracer) else np.asarray(p)
    if p.ndim == 0:
        raise errors.InvalidArgumentError(
            at_user_line("np.polyval: iteration over a 0-d array (p must be 1-D)")
        )
    x = tracer(x)
    y = np.zeros_like(x)
    for pv in p:
        y = y * x + pv
    return y


@implements(np.rot90)
def rot90(m, k=1, axes=(0, 1)):
    """NumPy's ``rot90``: flips and a transpose (views, as in NumPy)."""
    require_static("rot90", "k", k)
    axes = tuple(axes)
    if len(axes) != 2:
        raise errors.ShapeError(at_user_line("len(axes) must be 2."))
    m = tracer(m)
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == m.ndim:
        raise errors.ShapeError(at_user_line("Axes must be different."))
    if not all(-m.ndim <= ax < m.ndim for ax in axes):
        raise errors.ShapeError(
            at_user_line(f"Axes={axes} out of range for array of ndim={m.ndim}.")
        )
    k %= 4
    if k == 0:
        return m[:]
    if k == 2:
        return np.flip(np.flip(m, axes[0]), axes[1])
    perm = list(range(m.ndim))
    perm[axes[0]], perm[axes[1]] = perm[axes[1]], perm[axes[0]]
    if k == 1:
        return np.transpose(np.flip(m, axes[1]), perm)
    return np.flip(np.transpose(m, perm), axes[1])


# -- cov, corrcoef ---------------------------------------------------------------------------


@implements(np.cov)
def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """NumPy's ``cov`` (``numpy/lib/_function_base_impl.py``) without weights."""
    if fweights is not None or aweights is not None:
        raise errors.UnsupportedError(
            at_user_line(
                "np.cov(fweights=..., aweights=...) is not supported (NumPy checks their "
                "values, known only at run time). Weight the observations yourself: "
                "np.cov of (x - avg) * sqrt(w), scaled."
            )
        )
    for name, v in (("rowvar", rowvar), ("bias", bias), ("ddof", ddof)):
        require_static("cov", name, v)
    if ddof is not None and ddof != int(ddof):
        raise errors.ShapeError(at_user_line("ddof must be integer"))
    m = tracer(m)
    if m.ndim > 2:
        raise errors.ShapeError(at_user_line("m has more than 2 dimensions"))
    if y is not None:
        y = tracer(y)
        if y.ndim > 2:
            raise errors.ShapeError(at_user_line("y has more than 2 dimensions"))
    if dtype is None:
        dtype = np.result_type(m.dtype, *([] if y is None else [y.dtype]), np.float64)
    X = np.atleast_2d(np.astype(m, dtype))
    if not rowvar and m.ndim != 1:
        X = X.T
    if X.shape[0] == 0:
        return wrap(constant(np.array([]).reshape(0, 0)))
    if y is not None:
        Y = np.atleast_2d(np.astype(y, dtype))
        if not rowvar and Y.shape[0] != 1:
            Y = Y.T
        X = np.concatenate((X, Y), axis=0)
    if ddof is None:
        ddof = 1 if bias == 0 else 0
    avg = np.mean(X, axis=1)
    fact = X.shape[1] - ddof
    if fact <= 0:
        _warn("Degrees of freedom <= 0 for slice", RuntimeWarning)
        fact = 0.0
    X = np.copy(X)
    X -= avg[:, None]  # in place, as NumPy: an integer dtype= fails the same way
    c = np.dot(X, X.T.conj())
    with np.errstate(divide="ignore"):
        c *= np.true_divide(1, fact)
    return np.squeeze(c)


@implements(np.corrcoef)
def corrcoef(x, y=None, rowvar=True, bias=NOVALUE, ddof=NOVALUE, *, dtype=None):
    """NumPy's ``corrcoef``: the covariance scaled by the standard deviations, clipped."""
    if given(bias, None) is not None or given(ddof, None) is not None:
        _warn("bias and ddof have no effect and are deprecated", DeprecationWarning)
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:  # a scalar covariance: nan if it is nan, inf or 0, else 1
        return c / c
    stddev = np.sqrt(np.diag(c).real)
    c /= stddev[:, None]
    c /= stddev[None, :]
    if c.dtype.kind == "c":
        return np.clip(c.real, -1, 1) + 1j * np.clip(c.imag, -1, 1)
    return np.clip(c, -1, 1)
