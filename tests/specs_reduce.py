"""Op specs for NumPy's reductions (jitflow/ops/reductions.py, primitives in ops/reduce.py).

Shapes run 0-d to 3-D; an axis that a shape lacks makes NumPy raise, and the driver then
expects a jitflow error, so the axis-error cases come with every spec for free.
"""

import numpy as np

from opspec import ALL, FLOATS, NUMERIC, OpSpec, default_input, positive_input

EMPTY_SHAPES = [(0,), (0, 3), (3, 0), (2, 0, 4)]
FEW = (np.float32, np.int32, np.bool_)  # for specs whose dtype handling others already cover
SHAPES_2D_UP = [(3, 4), (2, 3, 4)]


def nan_input(rng, shape, dtype):
    """Floats with NaNs in about a quarter of the places (ties too: values are rounded)."""
    x = default_input(rng, shape, dtype)
    if np.dtype(dtype).kind != "f":
        return x
    x = np.round(x).astype(dtype)
    return np.where(rng.random(shape) < 0.25, np.nan, x).astype(dtype)


def tie_input(rng, shape, dtype):
    """Few distinct values, so arg-reductions must pick the first of equal extremes."""
    return (rng.integers(0, 2, size=shape) > 0).astype(dtype)


def mask(x):
    """A NumPy bool mask of ``x``'s shape (built from the static shape while tracing)."""
    return np.arange(x.size).reshape(x.shape) % 3 != 1


SPECS = [
    # -- sum / prod: NumPy's dtype rules (int32 and bool sum to int64), axes, keepdims
    OpSpec("sum", lambda x: np.sum(x)),
    OpSpec("sum_axis0", lambda x: np.sum(x, axis=0)),
    OpSpec("sum_axis_neg_keep", lambda x: np.sum(x, axis=-1, keepdims=True)),
    OpSpec("sum_axis_tuple", lambda x: np.sum(x, axis=(0, -1))),
    OpSpec("sum_axis_empty_tuple", lambda x: np.sum(x, axis=()), dtypes=FEW),
    OpSpec("sum_dtype_f32", lambda x: np.sum(x, axis=1, dtype=np.float32)),
    OpSpec("sum_dtype_i32", lambda x: np.sum(x, dtype=np.int32)),
    OpSpec("sum_dtype_bool", lambda x: np.sum(x, axis=0, dtype=bool), dtypes=(np.bool_,)),
    OpSpec("sum_initial", lambda x: np.sum(x, axis=0, initial=5), dtypes=FEW),
    OpSpec("sum_where", lambda x: np.sum(x, axis=-1, where=mask(x))),
    OpSpec("prod_where_row", lambda x: np.prod(x, where=mask(x)[..., :1]), shapes=SHAPES_2D_UP),
    OpSpec("sum_empty", lambda x: np.sum(x, axis=0), dtypes=FEW, shapes=EMPTY_SHAPES),
    OpSpec("sum_method", lambda x: x.sum(1, keepdims=True), dtypes=FEW),
    OpSpec("sum_axis_out_of_range", lambda x: np.sum(x, axis=3), dtypes=FEW),
    OpSpec("sum_axis_repeated", lambda x: np.sum(x, axis=(0, 0)), dtypes=FEW),
    OpSpec("prod", lambda x: np.prod(x)),
    OpSpec("prod_axis_keep", lambda x: np.prod(x, axis=-2, keepdims=True), dtypes=FEW),
    OpSpec("prod_dtype", lambda x: np.prod(x, axis=0, dtype=np.float64)),
    OpSpec("prod_empty", lambda x: np.prod(x, axis=-1), dtypes=FEW, shapes=EMPTY_SHAPES),
    # -- max / min: NaN propagates, empty axes raise unless initial= is given
    OpSpec("max", lambda x: np.max(x)),
    OpSpec("amax_axis", lambda x: np.amax(x, axis=1)),
    OpSpec("min_axis_tuple_keep", lambda x: np.min(x, axis=(0, 1), keepdims=True)),
    OpSpec("amin_neg", lambda x: np.amin(x, axis=-1), dtypes=FEW),
    OpSpec("max_nan", lambda x: np.max(x, axis=0), dtypes=FLOATS, make=nan_input),
    OpSpec("min_nan", lambda x: x.min(), dtypes=FLOATS, make=nan_input),
    OpSpec("max_initial", lambda x: np.max(x, axis=0, initial=1), dtypes=FEW),
    OpSpec("max_where_initial", lambda x: np.max(x, axis=0, where=mask(x), initial=-5)),
    OpSpec("min_where_no_initial", lambda x: np.min(x, where=mask(x))),
    OpSpec("max_empty", lambda x: np.max(x, axis=0), dtypes=FEW, shapes=EMPTY_SHAPES),
    OpSpec("min_empty_all", lambda x: np.min(x), dtypes=FEW, shapes=EMPTY_SHAPES),
    OpSpec("max_empty_initial", lambda x: np.max(x, initial=-2), dtypes=FEW, shapes=EMPTY_SHAPES),
    # -- any / all
    OpSpec("any", lambda x: np.any(x)),
    OpSpec("all_axis", lambda x: np.all(x, axis=-1, keepdims=True)),
    OpSpec("any_nan", lambda x: np.any(x, axis=0), dtypes=FLOATS, make=nan_input),
    OpSpec("all_where", lambda x: np.all(x, axis=0, where=mask(x))),
    OpSpec("any_where", lambda x: x.any(where=mask(x), keepdims=True), dtypes=FEW),
    OpSpec("all_empty", lambda x: np.all(x, axis=0), dtypes=FEW, shapes=EMPTY_SHAPES),
    # -- argmax / argmin: first occurrence, first NaN, empty axes raise
    OpSpec("argmax", lambda x: np.argmax(x)),
    OpSpec("argmin_axis", lambda x: np.argmin(x, axis=1)),
    OpSpec("argmax_neg_keep", lambda x: np.argmax(x, axis=-1, keepdims=True)),
    OpSpec("argmin_keep_none", lambda x: np.argmin(x, keepdims=True), dtypes=FEW),
    OpSpec("argmax_ties", lambda x: np.argmax(x, axis=0), make=tie_input),
    OpSpec("argmin_ties", lambda x: x.argmin(), make=tie_input),
    OpSpec("argmax_nan", lambda x: np.argmax(x, axis=-1), dtypes=FLOATS, make=nan_input),
    OpSpec("argmin_nan", lambda x: np.argmin(x), dtypes=FLOATS, make=nan_input),
    OpSpec("argmax_empty", lambda x: np.argmax(x, axis=0), dtypes=FEW, shapes=EMPTY_SHAPES),
    OpSpec("argmax_axis_tuple", lambda x: np.argmax(x, axis=(0,)), dtypes=FEW, shapes=[(3, 4)]),
    # -- mean / var / std: float64 for ints, float32 stays float32
    OpSpec("mean", lambda x: np.mean(x)),
    OpSpec("mean_axis_keep", lambda x: np.mean(x, axis=-1, keepdims=True)),
    OpSpec("mean_axis_tuple", lambda x: x.mean(axis=(0, 1)), dtypes=FEW),
    OpSpec("mean_dtype_f32", lambda x: np.mean(x, axis=0, dtype=np.float32)),
    OpSpec("mean_dtype_int", lambda x: np.mean(x, dtype=np.int64), dtypes=NUMERIC),
    OpSpec("mean_where", lambda x: np.mean(x, axis=-1, where=mask(x))),
    OpSpec("mean_empty", lambda x: np.mean(x, axis=0), dtypes=FEW, shapes=EMPTY_SHAPES),
    OpSpec("var", lambda x: np.var(x)),
    OpSpec("var_axis_ddof", lambda x: np.var(x, axis=0, ddof=1)),
    OpSpec("var_tuple_keep", lambda x: np.var(x, axis=(0, -1), keepdims=True)),
    OpSpec("var_dtype", lambda x: np.var(x, axis=-1, dtype=np.float64)),
    OpSpec("std", lambda x: np.std(x)),
    OpSpec("std_correction", lambda x: np.std(x, axis=-1, correction=1)),
    OpSpec("std_method_keep", lambda x: x.std(0, keepdims=True), dtypes=FEW),
    OpSpec("var_ddof_and_correction", lambda x: np.var(x, ddof=1, correction=1), dtypes=FEW,
           shapes=[(3, 4)]),
    # -- cumulative and composites
    OpSpec("cumsum", lambda x: np.cumsum(x)),
    OpSpec("cumsum_axis", lambda x: np.cumsum(x, axis=-1)),
    OpSpec("cumsum_dtype", lambda x: np.cumsum(x, axis=0, dtype=np.float32), dtypes=NUMERIC),
    OpSpec("cumprod_axis", lambda x: x.cumprod(axis=0)),
    OpSpec("cumsum_empty", lambda x: np.cumsum(x, axis=0), dtypes=FEW, shapes=EMPTY_SHAPES),
    OpSpec("ptp", lambda x: np.ptp(x, axis=0), dtypes=FEW),
    OpSpec("average", lambda x: np.average(x, axis=-1), dtypes=FEW),
    OpSpec("average_returned", lambda x: np.average(x, returned=True), dtypes=FEW),
    OpSpec("count_nonzero", lambda x: np.count_nonzero(x), dtypes=FEW),
    OpSpec("count_nonzero_axis", lambda x: np.count_nonzero(x, axis=0, keepdims=True)),
    OpSpec("nansum", lambda x: np.nansum(x, axis=0), make=nan_input),
    OpSpec("nanmean", lambda x: np.nanmean(x, axis=-1), make=nan_input),
    OpSpec("nanprod", lambda x: np.nanprod(x, axis=-1, keepdims=True), make=nan_input),
    OpSpec("nanmax", lambda x: np.nanmax(x, axis=0), make=nan_input),
    OpSpec("nanmin_all", lambda x: np.nanmin(x), make=nan_input),
    OpSpec("nanmax_initial", lambda x: np.nanmax(x, axis=-1, initial=0.5), dtypes=FLOATS,
           make=nan_input),
    OpSpec("nanmin_empty", lambda x: np.nanmin(x, axis=0), dtypes=FEW, shapes=EMPTY_SHAPES),
    OpSpec("nanmean_all", lambda x: np.nanmean(x), dtypes=FLOATS, make=nan_input),
    # -- nanargmax / nanargmin: NaNs skipped; an all-NaN slice raises at run time (ValueError)
    OpSpec("nanarg_max", lambda x: np.nanargmax(x), make=nan_input),
    OpSpec("nanarg_min_axis", lambda x: np.nanargmin(x, axis=-1), make=nan_input),
    OpSpec("nanarg_max_axis0_keep", lambda x: np.nanargmax(x, axis=0, keepdims=True),
           make=nan_input),
    OpSpec("nanarg_min_ties", lambda x: np.nanargmin(x, axis=0), make=tie_input),
    OpSpec("nanarg_all_nan", lambda x: np.nanargmax(np.where(x > 0, np.nan, x), axis=-1),
           dtypes=FLOATS, shapes=[(3, 4), (2, 5)]),
    OpSpec("nanarg_empty", lambda x: np.nanargmin(x, axis=0), dtypes=FEW,
           shapes=EMPTY_SHAPES),
    # -- average with weights: NumPy's dtype rule (ints and bools average in float64 at
    # least), weights of a's shape or of the averaged axes' shape; returned=True
    OpSpec("average_weights", lambda x, w: np.average(x, weights=w), nargs=2, dtypes=ALL,
           shapes=[((), ()), ((5,), (5,)), ((3, 4), (3, 4)), ((2, 3, 4), (2, 3, 4)),
                   ((3, 4), (4,))],
           make=(default_input, positive_input),
           mixed=((np.float32, np.float64), (np.int32, np.float32), (np.float32, np.bool_))),
    OpSpec("average_weights_axis", lambda x, w: np.average(x, axis=-1, weights=w), nargs=2,
           shapes=[((5,), (5,)), ((3, 4), (4,)), ((2, 3, 4), (4,)), ((3, 4), (3, 4)),
                   ((3, 4), (3,)), ((3, 4), (2, 4))],
           make=(default_input, positive_input), mixed=((np.int32, np.float32),)),
    OpSpec("average_weights_axes_returned",
           lambda x, w: np.average(x, axis=(2, 0), weights=w, returned=True), nargs=2,
           shapes=[((2, 3, 4), (2, 4)), ((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (4, 2))],
           make=(default_input, positive_input), dtypes=FEW),
    OpSpec("average_weights_keepdims",
           lambda x, w: np.average(x, axis=0, weights=w, keepdims=True, returned=True),
           nargs=2, shapes=[((5,), (5,)), ((3, 4), (3,)), ((3, 0), (3, 0))],
           make=(default_input, positive_input), dtypes=FEW),
    # NumPy's ZeroDivisionError, raised by the compiled program when the call returns
    OpSpec("average_weights_zero", lambda x: np.average(x, weights=np.zeros(x.shape)),
           shapes=[(3,), (2, 3)], dtypes=(np.float64, np.int32)),
]
