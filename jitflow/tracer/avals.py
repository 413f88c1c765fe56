"""Abstract arrays: the static shape and dtype every IR value carries.

``weak`` marks values that came from Python scalars (``x * 2.0``) or Python ``float``
arguments: as in NumPy 2 (NEP 50), they take the dtype of the array they meet instead of
forcing float64 or int64 on it.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from jitflow import errors

# Dtypes XLA holds and jitflow accepts. Everything else (object, str, datetime, void)
# is refused at the door with a clear error.
SUPPORTED_DTYPES = frozenset(
    np.dtype(t)
    for t in (
        np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
        np.uint64, np.float16, np.float32, np.float64, np.complex64, np.complex128,
    )
)

# The Python type NumPy's promotion uses for a weakly typed value of each kind.
# (Python bools are not weak in NEP 50: a bool is a bool.)
_WEAK_PYTYPE = {"i": int, "u": int, "f": float, "c": complex}


@dataclasses.dataclass(frozen=True)
class AbstractArray:
    """Shape, dtype and weak-typedness of an IR value.

    Example:
        >>> AbstractArray((4, 3), np.dtype("float64"))
        f64[4,3]
    """

    shape: tuple[int, ...]
    dtype: np.dtype
    weak: bool = False

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def promotion_type(self):
        """What NumPy's promotion should see: the dtype, or a Python type if weak."""
        if self.weak and self.dtype.kind in _WEAK_PYTYPE:
            return _WEAK_PYTYPE[self.dtype.kind]
        return self.dtype

    def update(self, **changes) -> AbstractArray:
        return dataclasses.replace(self, **changes)

    def __repr__(self) -> str:
        return type_string(self)


def short_dtype(dtype: np.dtype) -> str:
    """``f64``, ``i32``, ``u8``, ``bool``, ``c128``: the dtype as the printed IR shows it."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return "bool"
    return f"{dtype.kind}{dtype.itemsize * 8}"


def type_string(aval: AbstractArray) -> str:
    """``f64[4,3]`` (with a ``~`` prefix for weakly typed values)."""
    dims = ",".join(str(d) for d in aval.shape)
    return f"{'~' if aval.weak else ''}{short_dtype(aval.dtype)}[{dims}]"


def check_dtype(dtype, what: str) -> np.dtype:
    """Return ``dtype`` as an np.dtype, or raise DTypeError if XLA cannot hold it."""
    dtype = np.dtype(dtype)
    if dtype not in SUPPORTED_DTYPES:
        raise errors.DTypeError(
            f"{what} has dtype {dtype}, which jitflow cannot compile (XLA holds only bool, "
            f"integer, float and complex numbers). Convert it before the call, or pass it "
            f"as a static argument (static_argnames=...)."
        )
    return dtype


def result_type(*items) -> np.dtype:
    """NumPy's promotion over avals, dtypes and Python scalars (NEP 50 weak scalars)."""
    args = [
        it.promotion_type() if isinstance(it, AbstractArray) else it for it in items
    ]
    # np.result_type wants Python *values* for weak scalars, not Python types.
    args = [t(0) if any(t is p for p in (bool, int, float, complex)) else t for t in args]
    return np.result_type(*args)
