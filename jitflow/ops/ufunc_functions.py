"""NumPy functions built on ufuncs: ``np.where``, ``np.clip``, ``np.round``, ``np.fix``,
``np.real`` and ``np.imag``.

Each follows NumPy's own Python or C code step by step (``np.clip`` is ``_methods._clip``,
``np.round`` is ``PyArray_Round``), calling the traced ufuncs, so dtypes, casting errors and
rounding come out as NumPy's.
"""

from __future__ import annotations

import operator

import numpy as np

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops import views
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.ops.ufuncs import broadcast_shapes, call_ufunc, write_out
from jitflow.tracer.array import Tracer
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line

_NO_VALUE = np._NoValue


@implements(np.where)
def where(condition, x=None, y=None, /):
    """``np.where(condition, x, y)``; the one-argument form has a data-dependent shape."""
    if x is None and y is None:
        raise errors.UnsupportedError(
            at_user_line(
                "np.where(condition) with one argument returns the indices of the nonzero "
                "elements: how many there are depends on the data, which a compiled program "
                "cannot have. Use the three-argument form np.where(condition, x, y), or a "
                "mask (x * condition, np.sum(condition))."
            )
        )
    if x is None or y is None:
        raise errors.InvalidArgumentError(
            at_user_line("np.where: either both or neither of x and y should be given")
        )
    c, xv, yv = to_value(condition), to_value(x), to_value(y)
    dtype = np.result_type(*(_promotion_value(v) for v in (xv, yv)))  # NEP 50
    shape = broadcast_shapes(c.shape, xv.shape, yv.shape)
    c = sh.broadcast_to(ew.convert(c, np.bool_), shape)  # nonzero is True
    xv, yv = (sh.broadcast_to(ew.convert(v, dtype), shape) for v in (xv, yv))
    return wrap(ew.select(c, xv, yv), array=True)  # an ndarray, 0-d too


def _promotion_value(v):
    """What np.result_type needs: the dtype, or a Python scalar for weak values (which then
    take the other operand's dtype; a Python int out of its range wraps, as in NumPy)."""
    t = v.aval.promotion_type()
    return t(0) if isinstance(t, type) else t


@implements(np.clip)
def clip(a, a_min=_NO_VALUE, a_max=_NO_VALUE, out=None, *, min=_NO_VALUE, max=_NO_VALUE,
         **kwargs):
    """``np.clip`` with NumPy 2's ``min=``/``max=`` names and ``None`` for a missing bound."""
    lo, hi = _clip_bounds(a_min, a_max, min, max)
    dtype = to_value(a).dtype
    if dtype.kind in "iu":  # Python ints beyond the dtype's range: no bound (as NumPy)
        info = np.iinfo(dtype)
        lo = None if type(lo) is int and lo <= info.min else lo
        hi = None if type(hi) is int and hi >= info.max else hi
    if lo is None and hi is None:
        return call_ufunc(np.positive, a, out=out, **kwargs)
    if lo is None:
        return call_ufunc(np.minimum, a, hi, out=out, **kwargs)
    if hi is None:
        return call_ufunc(np.maximum, a, lo, out=out, **kwargs)
    return call_ufunc(np._core.umath.clip, a, lo, hi, out=out, **kwargs)


def _clip_bounds(a_min, a_max, min, max):
    """NumPy's rules for the two spellings of the bounds (fromnumeric.clip)."""
    if a_min is _NO_VALUE and a_max is _NO_VALUE:
        return (None if min is _NO_VALUE else min), (None if max is _NO_VALUE else max)
    if a_min is _NO_VALUE or a_max is _NO_VALUE:
        missing = "a_min" if a_min is _NO_VALUE else "a_max"
        raise errors.InvalidArgumentError(
            at_user_line(f"np.clip() missing 1 required positional argument: '{missing}'")
        )
    if min is not _NO_VALUE or max is not _NO_VALUE:
        raise errors.InvalidArgumentError(
            at_user_line(
                "np.clip: passing min= or max= when a_min and a_max are given is forbidden "
                "(as in NumPy); use one spelling."
            )
        )
    return a_min, a_max


# -- rounding ------------------------------------------------------------------------------


def _power_of_ten(n: int) -> float:
    """NumPy's power_of_ten (multiarray/calculation.c), rounding included."""
    if n < 9:
        return (1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8)[n]
    ret = 1e9
    for _ in range(n - 9):
        ret *= 10.0
    return ret


@implements(np.round, np.around)
def round_(a, decimals=0, out=None):
    """``np.round``: NumPy's PyArray_Round, one ufunc call at a time (half to even)."""
    decimals = operator.index(decimals)  # a traced count raises, naming the line
    x = to_value(a)
    kind = x.dtype.kind
    if kind == "c":  # both parts rounded as floats
        parts = (ew.apply(ew.real_p, x), ew.apply(ew.imag_p, x))
        re, im = (round_(wrap(p), decimals).value for p in parts)
        return _round_result(ew.make_complex(re, im), out)
    if decimals >= 0:
        if kind in "iu":
            return _round_result(x, out)  # a copy, as NumPy
        if decimals == 0:
            return call_ufunc(np.rint, a, out=out)
        first, second = np.multiply, np.true_divide
    else:
        first, second = np.true_divide, np.multiply
        decimals = -decimals
    to_int = out is None and kind in "iu"
    if out is None:
        dtype = np.float64 if kind in "iu" else x.dtype
        out = wrap(sh.broadcast_to(constant(np.zeros((), dtype)), x.shape))  # NumPy's empty
    factor = _power_of_ten(decimals)
    ret = call_ufunc(first, a, factor, out=out)
    call_ufunc(np.rint, ret, out=ret)
    call_ufunc(second, ret, factor, out=ret)
    return wrap(ew.convert(ret.value, x.dtype)) if to_int else ret


def _round_result(value, out):
    return wrap(value) if out is None else write_out("np.round", out, value, None, "same_kind")


@implements(np.fix)
def fix(x, out=None):
    return call_ufunc(np.trunc, x, out=out)  # what NumPy 2's np.fix is


# -- the ** operator -------------------------------------------------------------------------


def _power_ufunc(x, exponent):
    """ndarray.__pow__ (NumPy's array_power) calls np.square for a Python int 2, so
    ``bool_array ** 2`` is int8 where np.power gives int64; its other fast paths (sqrt,
    reciprocal of float arrays) give np.power's dtypes and values. NumPy *scalars* take no
    fast path, and a 0-d traced value is most often one (a reduction's or a ufunc's 0-d
    result), so 0-d values use np.power."""
    if x.ndim > 0 and type(exponent) is int and exponent == 2:
        return np.square
    return None


def _python_negative_power(x, y) -> bool:
    """``k ** -3`` of two Python ints is a Python float (0.125), where NumPy's integer
    power refuses: a weak (Python) int base meeting a negative Python int exponent."""
    v = x.value.aval if isinstance(x, Tracer) else None
    return (v is not None and v.weak and not v.shape and v.dtype.kind in "iu"
            and type(y) is int and y < 0)


@implements(operator.pow)
def power_operator(x, y):
    """``x ** y`` with ``x`` a traced array."""
    if _python_negative_power(x, y):
        x = wrap(ew.convert(x.value, np.float64, weak=True))
    fast = _power_ufunc(x, y)
    return call_ufunc(fast, x) if fast else call_ufunc(np.power, x, y)


@implements(operator.ipow)
def inplace_power_operator(x, y):
    """``x **= y``: the result is cast back into ``x`` (same_kind), as in NumPy."""
    fast = _power_ufunc(x, y)
    return call_ufunc(fast, x, out=x) if fast else call_ufunc(np.power, x, y, out=x)


# -- real and imaginary parts ----------------------------------------------------------------


@implements(np.real)
def real(val):
    """The real part: a writable view for complex arrays, the array itself otherwise."""
    if not isinstance(val, Tracer):
        val = wrap(to_value(val))
    if _python_number(val):
        return _python_part(val, ew.real_p)
    if val.dtype.kind != "c":
        return val  # NumPy returns the very same array
    return views.view(
        val,
        lambda base: ew.apply(ew.real_p, base),
        lambda base, new: ew.make_complex(new, ew.apply(ew.imag_p, base)),
    )


def _python_number(val: Tracer) -> bool:
    return val.value.aval.weak and not val.shape


def _python_part(val: Tracer, part) -> Tracer:
    """``np.real``/``np.imag`` of a Python number: NumPy reads its ``.real``/``.imag``
    attribute, a Python number again (a Python float for a complex), not an array."""
    v = val.value
    if v.dtype.kind == "c":
        part_value = ew.apply(part, v)
        v = ew.convert(part_value, part_value.dtype, weak=True)
    elif part is ew.imag_p:
        v = ew.full_like(v, 0)
    return wrap(v)


@implements(np.imag)
def imag(val):
    """The imaginary part: a writable view for complex arrays, read-only zeros otherwise."""
    if not isinstance(val, Tracer):
        val = wrap(to_value(val))
    if _python_number(val):
        return _python_part(val, ew.imag_p)
    if val.dtype.kind != "c":
        return views.read_only_view(
            val, lambda base: ew.full_like(base, 0), "np.imag of a real array"
        )
    return views.view(
        val,
        lambda base: ew.apply(ew.imag_p, base),
        lambda base, new: ew.make_complex(ew.apply(ew.real_p, base), new),
    )
