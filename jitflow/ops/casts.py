"""Float to integer conversion as NumPy computes it on x86-64, for the ``convert`` lowering.

C leaves the conversion of NaN, infinities and out-of-range floats to an integer type
undefined; NumPy does what the x86-64 instructions do, and that is what its users see:

* ``int32`` and ``int64``: ``cvttsd2si``, which gives INT_MIN ("integer indefinite") for
  NaN, infinities and values whose truncation does not fit;
* ``int8``, ``int16``, ``uint8``, ``uint16``: through ``int32`` as above, then wrapped
  (``-1.0`` -> 255, ``300.5`` -> 44 as uint8, NaN -> 0);
* ``uint32``: through ``int64``, then wrapped (NaN and infinities -> 0). This is what
  NumPy's scalar loop, its float16 loop and the tail of its SIMD loop give; the SIMD lanes
  of a contiguous float32/float64 array give 2**31 for NaN and some out-of-range values
  instead, so NumPy's own answer there depends on the element's position;
* ``uint64``: values at or above 2**63 shifted down by 2**63 and converted through
  ``int64``, the top bit put back; smaller ones through ``int64`` and wrapped.

XLA's convert saturates instead (NaN -> 0, inf -> INT_MAX): right for in-range values,
which is all it is used for here; selects put the x86 values in elsewhere.
"""

from __future__ import annotations

import numpy as np
from jax.extend.mlir import ir
from jax.extend.mlir.dialects import stablehlo as hlo

from jitflow.ops import mlir
from jitflow.tracer.avals import AbstractArray


def _cmp(x: ir.Value, y: ir.Value, direction: str) -> ir.Value:
    return hlo.compare(x, y, hlo.ComparisonDirectionAttr.get(direction))


def _truncate_signed(x: ir.Value, src: AbstractArray, bits: int) -> ir.Value:
    """``cvtts?2si`` to ``bits`` (32 or 64): truncation, INT_MIN where it does not fit."""
    itype = np.dtype(f"i{bits // 8}")
    ftype = src.dtype.type
    bound = 2.0 ** (bits - 1)
    with np.errstate(over="ignore"):  # float16: the bounds are infinite
        # Below the range: the largest float whose truncation is under -2**(bits-1).
        low = ftype(-bound - 1)
        if low == ftype(-bound):
            low = np.nextafter(low, ftype(-np.inf))
        high = ftype(bound)
    out = AbstractArray(src.shape, itype)
    bad = hlo.or_(
        _cmp(x, x, "NE"),  # NaN
        hlo.or_(
            _cmp(x, mlir.full_like_aval(high, src), "GE"),
            _cmp(x, mlir.full_like_aval(low, src), "LE"),
        ),
    )
    return hlo.select(
        bad, mlir.full_like_aval(np.iinfo(itype).min, out), hlo.convert(mlir.tensor_type(out), x)
    )


def float_to_int(x: ir.Value, src: AbstractArray, dst: AbstractArray) -> ir.Value:
    """``x`` (a real float tensor of ``src``) converted to the integer ``dst`` as NumPy."""
    kind, bits = dst.dtype.kind, dst.dtype.itemsize * 8
    result = mlir.tensor_type(dst)
    if bits < 32:
        return hlo.convert(result, _truncate_signed(x, src, 32))  # integer converts wrap
    if kind == "i":
        return _truncate_signed(x, src, bits)
    if bits == 32:
        return hlo.convert(result, _truncate_signed(x, src, 64))
    # uint64
    with np.errstate(over="ignore"):  # float16: 2**63 is inf, and so is every x above it
        top = src.dtype.type(2.0**63)
    as_u64 = lambda v: hlo.bitcast_convert(result, v)
    small = as_u64(_truncate_signed(x, src, 64))
    shifted = hlo.subtract(x, mlir.full_like_aval(top, src))
    large = hlo.xor(
        as_u64(_truncate_signed(shifted, src, 64)), mlir.full_like_aval(np.uint64(2**63), dst)
    )
    return hlo.select(_cmp(x, mlir.full_like_aval(top, src), "GE"), large, small)
