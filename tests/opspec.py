"""One table of op specs drives the per-op tests (see tests/test_ops.py).

Each op family contributes ``SPECS`` (a list of :class:`OpSpec`) from a module named
``tests/specs_<family>.py``. A spec names a plain NumPy function, how many array operands
it takes, the dtypes and shapes to try, and how to make valid inputs; the driver compares
jitflow with NumPy on every combination and checks the traced shape/dtype rule against
what XLA returns.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

FLOATS = (np.float32, np.float64)
INTS = (np.int32, np.int64)
ALL = (np.float32, np.float64, np.int32, np.int64, np.bool_)
NUMERIC = FLOATS + INTS

UNARY_SHAPES = [(), (5,), (3, 4), (2, 3, 4)]
BINARY_SHAPES = [
    ((), ()), ((5,), (5,)), ((3, 4), (3, 4)), ((2, 3, 4), (2, 3, 4)),
    ((3, 1), (1, 4)), ((4,), (2, 3, 4)), ((), (3, 4)), ((2, 1, 4), (3, 1)),
]


def default_input(rng: np.random.Generator, shape, dtype) -> np.ndarray:
    """Values in a range every op accepts: [-3, 3] for numbers, random booleans."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind in "iu":
        lo = 0 if dtype.kind == "u" else -3
        return rng.integers(lo, 4, size=shape).astype(dtype)
    return rng.uniform(-3, 3, size=shape).astype(dtype)


def positive_input(rng, shape, dtype):
    """Strictly positive values (log, sqrt, division by them)."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return np.ones(shape, bool)
    if dtype.kind in "iu":
        return rng.integers(1, 5, size=shape).astype(dtype)
    return rng.uniform(0.1, 3, size=shape).astype(dtype)


def unit_input(rng, shape, dtype):
    """Values in (-0.9, 0.9) (arcsin, arctanh)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iub":
        return np.zeros(shape, dtype)
    return rng.uniform(-0.9, 0.9, size=shape).astype(dtype)


@dataclasses.dataclass
class OpSpec:
    """How to test one NumPy function against NumPy.

    Attributes:
        name: test id.
        fn: a plain NumPy function of ``nargs`` arrays (``lambda x, y: np.add(x, y)``).
        nargs: number of array operands.
        dtypes: dtypes to try (each operand gets the same dtype unless ``mixed``).
        shapes: per case, a tuple of operand shapes (or one shape for nargs == 1).
        make: input generator ``(rng, shape, dtype) -> array``, or one per operand.
        rtol, atol: tolerances (default: by dtype, see tests/oracle.py).
        mixed: extra cases as (dtype, dtype) pairs for mixed-dtype promotion.
    """

    name: str
    fn: Callable
    nargs: int = 1
    dtypes: tuple = ALL
    shapes: list | None = None
    make: Callable | tuple = default_input
    rtol: float | None = None
    atol: float | None = None
    mixed: tuple = ()

    def cases(self):
        """Yield (id, list of input factories) for every dtype x shape case."""
        shapes = self.shapes or (UNARY_SHAPES if self.nargs == 1 else None)
        if shapes is None:
            shapes = BINARY_SHAPES if self.nargs == 2 else [tuple([(3, 4)] * self.nargs)]
        dtype_sets = [(d,) * self.nargs for d in self.dtypes] + list(self.mixed)
        for dts in dtype_sets:
            for shp in shapes:
                shp_t = (shp,) if self.nargs == 1 else shp
                ident = f"{self.name}-{'-'.join(np.dtype(d).name for d in dts)}-{shp_t}"
                yield ident, dts, shp_t

    def inputs(self, seed: int, dtypes, shapes):
        rng = np.random.default_rng(seed)
        makers = self.make if isinstance(self.make, tuple) else (self.make,) * self.nargs
        return [m(rng, s, d) for m, s, d in zip(makers, shapes, dtypes)]
