"""Op specs for special elementwise functions (jitflow/ops/special_functions.py): np.sinc,
np.piecewise, and more cases of the np.heaviside ufunc.

Spec names start with ``special_`` so ``-k special_`` runs them all.
"""

import numpy as np
from opspec import ALL, BINARY_SHAPES, FLOATS, NUMERIC, UNARY_SHAPES, OpSpec, default_input

SHAPES = UNARY_SHAPES + [(0,), (3, 0)]


def with_zeros(rng, shape, dtype):
    """default_input with exact zeros (sinc's removable singularity), NaN and inf."""
    x = default_input(rng, shape, dtype)
    if np.dtype(dtype).kind != "f":
        return x
    r = rng.random(shape)
    x = np.where(r < 0.3, 0, x)
    return np.where(r > 0.9, np.nan, np.where(r > 0.85, np.inf, x)).astype(dtype)


SPECS = [
    # -- np.sinc: floats keep their dtype, ints and bools give float64; sinc(0) is exactly 1
    OpSpec("special_sinc", lambda x: np.sinc(x), dtypes=ALL, shapes=SHAPES, make=with_zeros),
    OpSpec("special_sinc_scaled", lambda x: np.sinc(x / 4), dtypes=ALL),
    # -- np.heaviside: 0 below zero, 1 above, h2 at zero (NaN stays NaN)
    OpSpec("special_heaviside", lambda x, h: np.heaviside(x, h), nargs=2,
           dtypes=FLOATS + (np.int32,), shapes=BINARY_SHAPES, make=(with_zeros, default_input)),
    OpSpec("special_heaviside_scalar_h", lambda x: np.heaviside(x, 0.5), dtypes=NUMERIC,
           shapes=SHAPES, make=with_zeros),
    # -- np.piecewise: conditions from x, scalars or elementwise functions, "otherwise"
    OpSpec("special_piecewise", lambda x: np.piecewise(x, [x < 0, x >= 0], [-1, 1]),
           dtypes=ALL, shapes=SHAPES),
    OpSpec("special_piecewise_functions",
           lambda x: np.piecewise(x, [x < 0, x > 1], [lambda v: -v, lambda v: v * v]),
           dtypes=NUMERIC, shapes=SHAPES),
    OpSpec("special_piecewise_otherwise",
           lambda x: np.piecewise(x, [x < -1, x > 1], [np.sin, 2.5, lambda v: v / 2]),
           dtypes=NUMERIC, shapes=SHAPES),
    OpSpec("special_piecewise_overlap_later_wins",
           lambda x: np.piecewise(x, [x > -1, x > 0], [lambda v: v + 10, lambda v: v * 3]),
           dtypes=NUMERIC),
    # (one 2-D condition array is read by NumPy as a list of row conditions: an IndexError)
    OpSpec("special_piecewise_one_condition", lambda x: np.piecewise(x, x > 0, [1, 0]),
           dtypes=NUMERIC, shapes=[(), (5,)]),
    OpSpec("special_piecewise_args",
           lambda x: np.piecewise(x, [x < 0], [lambda v, k, s=1: k * v + s, 0], 3, s=2),
           dtypes=NUMERIC),
    OpSpec("special_piecewise_traced_conditions",
           lambda x, c: np.piecewise(x, [c, ~c], [lambda v: v + 1, lambda v: v - 1]),
           nargs=2, dtypes=NUMERIC, shapes=[((5,), (5,)), ((3, 4), (3, 4)), ((), ())],
           make=(default_input, lambda rng, shape, dtype: rng.random(shape) < 0.5)),
    OpSpec("special_piecewise_wrong_count",
           lambda x: np.piecewise(x, [x < 0, x > 1], [1, 2, 3, 4]), dtypes=FLOATS),
]
