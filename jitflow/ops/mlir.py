"""Small helpers that lowering rules share: MLIR types for dtypes, constants, broadcasting.

Lowering rules emit StableHLO through ``jax.extend.mlir`` inside the module the driver
(:mod:`jitflow.lowering.module`) is building; they receive a :class:`LoweringContext` with
the avals of the op's operands and results.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from jax.extend.mlir import ir
from jax.extend.mlir.dialects import stablehlo as hlo

from jitflow.tracer.avals import AbstractArray


@dataclasses.dataclass(frozen=True)
class LoweringContext:
    """What a lowering rule may know about the op it lowers."""

    in_avals: tuple[AbstractArray, ...]
    out_avals: tuple[AbstractArray, ...]
    # The op's regions (sub-graphs), and ``lower_region(graph, operands) -> results``,
    # which emits a region's ops at the current insertion point; set by the driver.
    regions: tuple = ()
    lower_region: object = None


def element_type(dtype) -> ir.Type:
    """The MLIR element type of a NumPy dtype (signless ints, ``ui`` for unsigned)."""
    dtype = np.dtype(dtype)
    kind, bits = dtype.kind, dtype.itemsize * 8
    if kind == "b":
        return ir.IntegerType.get_signless(1)
    if kind == "i":
        return ir.IntegerType.get_signless(bits)
    if kind == "u":
        return ir.IntegerType.get_unsigned(bits)
    if kind == "f":
        return {16: ir.F16Type, 32: ir.F32Type, 64: ir.F64Type}[bits].get()
    if kind == "c":
        return ir.ComplexType.get(element_type(np.dtype(f"f{dtype.itemsize // 2}")))
    raise TypeError(f"no MLIR type for dtype {dtype}")


def tensor_type(aval: AbstractArray) -> ir.RankedTensorType:
    return ir.RankedTensorType.get(list(aval.shape), element_type(aval.dtype))


def constant(array: np.ndarray) -> ir.Value:
    """A ``stablehlo.constant``; splat constants are stored once, not per element."""
    array = np.asarray(array)
    ttype = ir.RankedTensorType.get(list(array.shape), element_type(array.dtype))
    if array.dtype.kind != "c" and array.size >= 1 and (array == array.flat[0]).all():
        attr = ir.DenseElementsAttr.get_splat(ttype, _scalar_attr(array.flat[0]))
    else:
        attr = _dense_attr(array, ttype)
    return hlo.constant(attr)


def _dense_attr(array: np.ndarray, ttype) -> ir.Attribute:
    # Bool arrays go in unpacked (one byte per element): this MLIR reads a packbits buffer
    # of 1 byte as a splat and refuses longer ones, so packing gave wrong constants.
    return ir.DenseElementsAttr.get(np.ascontiguousarray(array), type=ttype)


def _scalar_attr(scalar: np.generic) -> ir.Attribute:
    scalar = np.asarray(scalar)
    etype = element_type(scalar.dtype)
    kind = scalar.dtype.kind
    if kind == "b":
        return ir.IntegerAttr.get(etype, int(bool(scalar)))
    if kind in "iu":
        # The binding takes an int64: a uint64 above its range goes in as the same bits.
        value = int(scalar)
        return ir.IntegerAttr.get(etype, value - 2**64 if value >= 2**63 else value)
    return ir.FloatAttr.get(etype, float(scalar))


def scalar_constant(value, dtype) -> ir.Value:
    """A 0-d constant of ``dtype``."""
    return constant(np.array(value, dtype=dtype))


def full_like_aval(value, aval: AbstractArray) -> ir.Value:
    """A constant filled with ``value`` of ``aval``'s shape and dtype."""
    return constant(np.full(aval.shape, value, dtype=aval.dtype))


def dense_i64(values) -> ir.Attribute:
    return ir.DenseI64ArrayAttr.get([int(v) for v in values])
