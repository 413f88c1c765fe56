"""Op specs for ``ufunc.reduce`` and ``ufunc.accumulate`` (jitflow/ops/ufunc_reduce.py).

The default axis is 0 (not None): shapes 0-d to 3-D check it, and NumPy's refusals (a 0-d
accumulate, an axis the shape lacks, an empty maximum) come with every spec. ``ufo_`` specs
cover ``ufunc.outer`` (result shape ``x.shape + y.shape``).
"""

import numpy as np
from opspec import ALL, FLOATS, INTS, NUMERIC, OpSpec, positive_input
from specs_reduce import EMPTY_SHAPES, FEW, mask, nan_input

OUTER_SHAPES = [((3,), (4,)), ((2, 3), (4,)), ((), (3,)), ((), ()), ((2, 2), (3, 1, 2)),
                ((0,), (3,))]

SPECS = [
    # -- reduce: dtype rules are the ufunc's (maximum keeps int32, add widens it)
    OpSpec("ufr_add", lambda x: np.add.reduce(x)),
    OpSpec("ufr_add_none", lambda x: np.add.reduce(x, axis=None)),
    OpSpec("ufr_multiply_axis", lambda x: np.multiply.reduce(x, axis=-1, keepdims=True)),
    OpSpec("ufr_maximum", lambda x: np.maximum.reduce(x, axis=(0, -1))),
    OpSpec("ufr_minimum_nan", lambda x: np.minimum.reduce(x), dtypes=FLOATS, make=nan_input),
    OpSpec("ufr_logical_and", lambda x: np.logical_and.reduce(x, axis=None)),
    OpSpec("ufr_logical_or", lambda x: np.logical_or.reduce(x, axis=-1)),
    OpSpec("ufr_add_dtype", lambda x: np.add.reduce(x, axis=0, dtype=np.float32)),
    OpSpec("ufr_add_initial", lambda x: np.add.reduce(x, initial=2), dtypes=FEW),
    OpSpec("ufr_max_initial_where",
           lambda x: np.maximum.reduce(x, axis=None, initial=-5, where=mask(x))),
    OpSpec("ufr_max_where_no_initial", lambda x: np.maximum.reduce(x, where=mask(x)),
           dtypes=FEW),
    OpSpec("ufr_add_where", lambda x: np.add.reduce(x, axis=-1, where=mask(x)), dtypes=FEW),
    OpSpec("ufr_max_empty", lambda x: np.maximum.reduce(x), dtypes=FEW, shapes=EMPTY_SHAPES),
    OpSpec("ufr_add_empty", lambda x: np.add.reduce(x, axis=-1), dtypes=FEW,
           shapes=EMPTY_SHAPES),
    # -- accumulate: one axis; a scan for maximum/minimum/logical ops
    OpSpec("ufa_add", lambda x: np.add.accumulate(x)),
    OpSpec("ufa_multiply_axis", lambda x: np.multiply.accumulate(x, axis=-1)),
    OpSpec("ufa_maximum", lambda x: np.maximum.accumulate(x)),
    OpSpec("ufa_minimum_axis", lambda x: np.minimum.accumulate(x, axis=-1),
           shapes=[(5,), (3, 4), (2, 3, 4), (2, 9)]),
    OpSpec("ufa_maximum_nan", lambda x: np.maximum.accumulate(x, axis=0), dtypes=FLOATS,
           make=nan_input, shapes=[(7,), (9, 2)]),
    OpSpec("ufa_logical_and", lambda x: np.logical_and.accumulate(x, axis=-1)),
    OpSpec("ufa_logical_or", lambda x: np.logical_or.accumulate(x)),
    OpSpec("ufa_add_dtype", lambda x: np.add.accumulate(x, dtype=np.float32)),
    OpSpec("ufa_add_bool_dtype", lambda x: np.add.accumulate(x, dtype=bool), dtypes=FEW),
    OpSpec("ufa_axis_none", lambda x: np.add.accumulate(x, axis=None), dtypes=FEW),
    OpSpec("ufa_empty", lambda x: np.maximum.accumulate(x, axis=-1), dtypes=FEW,
           shapes=EMPTY_SHAPES),
    # -- outer: every pair; NumPy's dtype rules (Python numbers are made arrays first)
    OpSpec("ufo_add", lambda x, y: np.add.outer(x, y), nargs=2, shapes=OUTER_SHAPES,
           mixed=((np.float32, np.int32), (np.int32, np.bool_), (np.float32, np.float64))),
    OpSpec("ufo_multiply", lambda x, y: np.multiply.outer(x, y), nargs=2, shapes=OUTER_SHAPES),
    OpSpec("ufo_subtract", lambda x, y: np.subtract.outer(x, y), nargs=2, shapes=OUTER_SHAPES),
    OpSpec("ufo_maximum", lambda x, y: np.maximum.outer(x, y), nargs=2, shapes=OUTER_SHAPES),
    OpSpec("ufo_equal", lambda x, y: np.equal.outer(x, y), nargs=2, shapes=OUTER_SHAPES),
    OpSpec("ufo_less", lambda x, y: np.less.outer(x, y), nargs=2, dtypes=ALL,
           shapes=OUTER_SHAPES[:3]),
    OpSpec("ufo_divide", lambda x, y: np.divide.outer(x, y), nargs=2, dtypes=NUMERIC,
           shapes=OUTER_SHAPES, make=positive_input),
    OpSpec("ufo_power", lambda x, y: np.power.outer(x, y), nargs=2, dtypes=NUMERIC,
           shapes=OUTER_SHAPES[:3], make=positive_input),
    OpSpec("ufo_divmod", lambda x, y: np.divmod.outer(x, y), nargs=2, dtypes=NUMERIC,
           shapes=OUTER_SHAPES[:3], make=positive_input),
    OpSpec("ufo_logical_and", lambda x, y: np.logical_and.outer(x, y), nargs=2,
           shapes=OUTER_SHAPES[:3]),
    OpSpec("ufo_bitwise_xor", lambda x, y: np.bitwise_xor.outer(x, y), nargs=2,
           dtypes=INTS + (np.bool_, np.float32), shapes=OUTER_SHAPES[:3]),
    OpSpec("ufo_python_scalar", lambda x: np.add.outer(x, 2), dtypes=ALL),
    OpSpec("ufo_dtype", lambda x, y: np.multiply.outer(x, y, dtype=np.float32), nargs=2,
           dtypes=NUMERIC, shapes=OUTER_SHAPES[:3]),
    OpSpec("ufo_arctan2", lambda x, y: np.arctan2.outer(x, y), nargs=2, dtypes=FLOATS,
           shapes=OUTER_SHAPES),
]
