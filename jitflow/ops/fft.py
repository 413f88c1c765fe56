"""Discrete Fourier transforms: the ``fft`` primitive and NumPy's ``np.fft`` functions.

One primitive, ``fft`` (params ``fft_type`` -- ``"FFT"``, ``"IFFT"``, ``"RFFT"`` or
``"IRFFT"`` -- and ``fft_length``), lowers to one ``stablehlo.fft`` over the trailing
``len(fft_length)`` (1 to 3) dimensions. XLA's transforms are those of NumPy's
``norm="backward"``: IFFT and IRFFT divide by the product of ``fft_length``. XLA wants
complex64/complex128 operands (float32/float64 for RFFT), so inputs are converted first.

The NumPy layer follows ``numpy.fft._pocketfft`` step by step:

* NumPy itself checks the arguments (``n``, ``s``, ``axes``, ``norm``, the dtype) and
  finds the result dtype, on a stand-in of at most two elements per axis: its errors
  become jitflow errors and its dtype is the result's (complex64 for float32, complex128
  for integers; the inverse real transform gives the real counterpart).
* The transformed axes move last; each is cropped or zero-padded to its length (for the
  inverse real transform the last to ``n // 2 + 1``), one ``fft`` transforms them all,
  the ``norm`` factor scales the result, and the axes move back. Axes named twice
  (``axes=(0, 0)``, which NumPy transforms twice) or more than three axes run as NumPy
  runs them: one 1-D transform per axis, last axis first.
* ``np.fft.fftshift``/``ifftshift`` are ``np.roll`` by half of each axis.
"""

from __future__ import annotations

import math
import operator
import warnings

import numpy as np
from jax.extend.mlir.dialects import stablehlo as hlo

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import mlir
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.ops.reductions import no_out, require_static
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import bind
from jitflow.tracer.ir import Value, primitive
from jitflow.tracer.numpy_api import call, implements
from jitflow.tracer.source import at_user_line

FFT_TYPES = ("FFT", "IFFT", "RFFT", "IRFFT")

# -- the fft primitive ---------------------------------------------------------------------


def _fft_eval(x: AbstractArray, *, fft_type: str, fft_length: tuple):
    k = len(fft_length)
    if fft_type not in FFT_TYPES or not 1 <= k <= min(3, x.ndim):
        raise errors.ShapeError(f"fft: {fft_type} of length {fft_length} invalid for {x}")
    if any(n < 1 for n in fft_length):
        raise errors.ShapeError(f"fft: lengths must be positive, got {fft_length}")
    want = "f" if fft_type == "RFFT" else "c"
    if x.dtype.kind != want or x.dtype.itemsize not in ((4, 8) if want == "f" else (8, 16)):
        raise errors.DTypeError(f"fft: {fft_type} needs a {want}32/64-based operand, got {x}")
    lead, tail = x.shape[:-k], x.shape[-k:]
    if fft_type == "IRFFT":
        expected = fft_length[:-1] + (fft_length[-1] // 2 + 1,)
    else:
        expected = fft_length
    if tail != expected:
        raise errors.ShapeError(f"fft: {fft_type} of length {fft_length} needs trailing dims "
                                f"{expected}, got {x}")
    if fft_type == "RFFT":
        shape, dtype = lead + fft_length[:-1] + (fft_length[-1] // 2 + 1,), _complex_of(x.dtype)
    elif fft_type == "IRFFT":
        shape, dtype = lead + fft_length, _real_of(x.dtype)
    else:
        shape, dtype = x.shape, x.dtype
    return AbstractArray(shape, np.dtype(dtype))


def _fft_lower(ctx, x, *, fft_type, fft_length):
    attr = hlo.FftTypeAttr.get(fft_type)
    return [hlo.fft(x, attr, list(fft_length), results=[mlir.tensor_type(ctx.out_avals[0])])]


fft_p = primitive("fft", _fft_eval, _fft_lower)


def _complex_of(dtype) -> np.dtype:
    """The complex dtype XLA transforms in: complex128 for 64-bit data, else complex64."""
    wide = np.dtype(dtype) in (np.dtype(np.float64), np.dtype(np.complex128))
    return np.dtype(np.complex128 if wide else np.complex64)


def _real_of(dtype) -> np.dtype:
    return np.dtype(np.float64 if _complex_of(dtype) == np.complex128 else np.float32)


# -- NumPy's checks, on a stand-in ------------------------------------------------------------


def _ask_numpy(name: str, fn) -> np.dtype:
    """Run ``fn()`` (NumPy on a small stand-in); its dtype, or its refusal as a jitflow error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NumPy's deprecations of s without axes
            return np.asarray(fn()).dtype
    except (ValueError, IndexError) as e:
        raise errors.like_numpy(e, errors.InvalidValueError)(
            at_user_line(f"np.fft.{name}: {e}")) from None
    except TypeError as e:
        raise errors.DTypeError(at_user_line(f"np.fft.{name}: {e}")) from None


def _stand_in(x: Value) -> np.ndarray:
    """Zeros with at most two elements per axis: NumPy's checks depend on an axis being
    0, 1 or more long (``irfft`` of one element has no default length), not on more."""
    return np.zeros(tuple(min(d, 2) for d in x.shape), x.dtype)


# -- the transform of some axes ---------------------------------------------------------------


def _resize(x: Value, axis: int, size: int) -> Value:
    """``x`` cropped or zero-padded along ``axis`` to ``size``, as NumPy's FFTs do."""
    n = x.shape[axis]
    if size < n:
        return sh.slice_(x, (0,) * x.ndim, x.shape[:axis] + (size,) + x.shape[axis + 1:])
    if size > n:
        high = [0] * x.ndim
        high[axis] = size - n
        return sh.pad(x, constant(np.zeros((), x.dtype)), (0,) * x.ndim, high)
    return x


def _scale(x: Value, factor: float) -> Value:
    if factor == 1:
        return x
    return ew.mul(x, sh.broadcast_to(constant(np.array(factor, x.dtype)), x.shape))


def _norm_factor(norm, inverse: bool, total: int) -> float:
    """What multiplies XLA's result to give NumPy's ``norm`` (XLA's is "backward")."""
    if norm == "ortho":
        return math.sqrt(total) if inverse else 1 / math.sqrt(total)
    if norm == "forward":
        return total if inverse else 1 / total
    return 1


def _transform(x: Value, kind: str, axes: list[int], lengths: list[int], norm) -> Value:
    """One ``fft`` of kind ``kind`` over distinct ``axes`` (1 to 3), sized ``lengths``.

    ``x`` is already of the dtype XLA needs. The axes go last in the given order (the last
    is the real one for RFFT/IRFFT), are resized, transformed and put back.
    """
    rest = [d for d in range(x.ndim) if d not in axes]
    perm = rest + list(axes)
    y = sh.transpose(x, perm)
    k = len(axes)
    for i, n in enumerate(lengths):
        size = n // 2 + 1 if kind == "IRFFT" and i == k - 1 else n
        y = _resize(y, y.ndim - k + i, size)
    out = _fft_eval(y.aval, fft_type=kind, fft_length=tuple(lengths))
    if math.prod(out.shape) == 0:  # nothing to transform: XLA need not see it
        y = sh.broadcast_to(constant(np.zeros((), out.dtype)), out.shape)
    else:
        y = bind(fft_p, y, fft_type=kind, fft_length=tuple(lengths))
    y = _scale(y, _norm_factor(norm, kind in ("IFFT", "IRFFT"), math.prod(lengths)))
    return sh.transpose(y, np.argsort(perm).tolist())


def _fft_nd(name: str, a, s, axes, norm, real: bool, inverse: bool, np_fn, nd: bool):
    """The n-D transform (the 1-D ones call it with one axis), as NumPy's ``_raw_fftnd``."""
    x = to_value(a)
    stand = _stand_in(x)
    if nd:
        dtype = _ask_numpy(name, lambda: np_fn(stand, s=s, axes=axes, norm=norm))
        lengths, axes = _cook_nd_args(x, s, axes, real and inverse)
    else:
        dtype = _ask_numpy(name, lambda: np_fn(stand, n=s, axis=axes, norm=norm))
        axis = operator.index(axes) % x.ndim
        n = x.shape[axis] if s is None else operator.index(s)
        if s is None and real and inverse:
            n = 2 * (n - 1)
        lengths, axes = [n], [axis]
    if not axes:  # NumPy returns its input unchanged
        return wrap(ew.convert(x, dtype))
    kind = ("IRFFT" if inverse else "RFFT") if real else ("IFFT" if inverse else "FFT")
    if kind == "RFFT":
        x = ew.convert(x, _real_of(dtype))
    else:
        x = ew.convert(x, _complex_of(dtype))
    if len(set(axes)) == len(axes) <= 3:
        y = _transform(x, kind, axes, lengths, norm)
    else:  # NumPy's own order: one axis at a time, the real one first (forward)/last
        y = x
        steps = list(zip(axes, lengths))
        if kind == "RFFT":
            y = _transform(y, kind, [axes[-1]], [lengths[-1]], norm)
            steps = steps[:-1]
        elif kind == "IRFFT":
            steps = steps[:-1]
        for ax, n in reversed(steps) if kind != "IRFFT" else steps:
            y = _transform(y, "IFFT" if inverse else "FFT", [ax], [n], norm)
        if kind == "IRFFT":
            y = _transform(y, kind, [axes[-1]], [lengths[-1]], norm)
    return wrap(ew.convert(y, dtype))


def _cook_nd_args(x: Value, s, axes, invreal: bool):
    """NumPy's ``_cook_nd_args`` (already run on the stand-in, so the arguments are valid):
    the lengths and non-negative axes to transform."""
    if axes is None:
        axes = list(range(-len(s), 0)) if s is not None else list(range(-x.ndim, 0))
    axes = [operator.index(ax) % x.ndim for ax in axes]
    if s is None:
        s = [x.shape[ax] for ax in axes]
        if invreal:
            s[-1] = (x.shape[axes[-1]] - 1) * 2
    s = [x.shape[ax] if n is None or n == -1 else operator.index(n) for n, ax in zip(s, axes)]
    return s, axes


def _one_d(name, np_fn, real, inverse):
    def impl(a, n=None, axis=-1, norm=None, out=None):
        no_out(f"fft.{name}", out)
        require_static(f"fft.{name}", "n", n)
        return _fft_nd(name, a, n, axis, norm, real, inverse, np_fn, nd=False)

    impl.__name__ = impl.__qualname__ = name
    impl.__doc__ = f"``np.fft.{name}``: one ``fft`` along ``axis``, ``n`` static."
    return implements(np_fn)(impl)


def _n_d(name, np_fn, real, inverse, default_axes=None):
    def impl(a, s=None, axes=default_axes, norm=None, out=None):
        no_out(f"fft.{name}", out)
        require_static(f"fft.{name}", "s", s)
        return _fft_nd(name, a, s, axes, norm, real, inverse, np_fn, nd=True)

    impl.__name__ = impl.__qualname__ = name
    impl.__doc__ = f"``np.fft.{name}``: one ``fft`` over ``axes`` moved last, ``s`` static."
    return implements(np_fn)(impl)


fft = _one_d("fft", np.fft.fft, real=False, inverse=False)
ifft = _one_d("ifft", np.fft.ifft, real=False, inverse=True)
rfft = _one_d("rfft", np.fft.rfft, real=True, inverse=False)
irfft = _one_d("irfft", np.fft.irfft, real=True, inverse=True)
fft2 = _n_d("fft2", np.fft.fft2, real=False, inverse=False, default_axes=(-2, -1))
ifft2 = _n_d("ifft2", np.fft.ifft2, real=False, inverse=True, default_axes=(-2, -1))
rfft2 = _n_d("rfft2", np.fft.rfft2, real=True, inverse=False, default_axes=(-2, -1))
irfft2 = _n_d("irfft2", np.fft.irfft2, real=True, inverse=True, default_axes=(-2, -1))
fftn = _n_d("fftn", np.fft.fftn, real=False, inverse=False)
ifftn = _n_d("ifftn", np.fft.ifftn, real=False, inverse=True)
rfftn = _n_d("rfftn", np.fft.rfftn, real=True, inverse=False)
irfftn = _n_d("irfftn", np.fft.irfftn, real=True, inverse=True)


# -- fftshift, ifftshift ----------------------------------------------------------------------


def _shift(name: str, np_fn, x, axes, sign: int):
    """``np.roll`` by ``sign * (dim // 2)`` along ``axes`` (all by default), as NumPy."""
    require_static(f"fft.{name}", "axes", axes)
    v = to_value(x)
    stand = _stand_in(v)
    _ask_numpy(name, lambda: np_fn(stand, axes=axes))
    if axes is None:
        axes = tuple(range(v.ndim))
    if isinstance(axes, (int, np.integer)):
        shift = sign * (v.shape[axes] // 2)
    else:
        shift = [sign * (v.shape[ax] // 2) for ax in axes]
    return call(np.roll, wrap(v), shift, axes)


@implements(np.fft.fftshift)
def fftshift(x, axes=None):
    return _shift("fftshift", np.fft.fftshift, x, axes, 1)


@implements(np.fft.ifftshift)
def ifftshift(x, axes=None):
    return _shift("ifftshift", np.fft.ifftshift, x, axes, -1)
