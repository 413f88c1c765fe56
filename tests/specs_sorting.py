"""Op specs for sorting and what is built on it (jitflow/ops/sorting.py).

NumPy's default sort kind is not stable, so argsort specs either use keys without ties
(:func:`distinct_input`) or ask for ``kind="stable"``. ``np.partition``'s order is NumPy's
business beyond the kth element, so its specs compare only the kth values (or sort the
result). Shapes run 0-d to 3-D: a 0-d operand with the default ``axis=-1`` makes NumPy
raise, and the driver then expects a jitflow error.
"""

import numpy as np
from opspec import FLOATS, INTS, NUMERIC, OpSpec
from specs_reduce import EMPTY_SHAPES, nan_input

FEW = (np.float32, np.int32, np.bool_)
SHAPES_1D_UP = [(5,), (3, 4), (2, 3, 4)]
SHAPES_2D_UP = [(3, 4), (2, 3, 4)]
# searchsorted: a sorted 1-D array, and values of any shape
SEARCH_SHAPES = [((6,), ()), ((6,), (4,)), ((7,), (2, 3)), ((0,), (3,)), ((1,), (2, 2))]


def distinct_input(rng, shape, dtype):
    """Keys without ties (a shuffled range), so any sort kind gives one order."""
    size = int(np.prod(shape, dtype=np.int64))
    values = rng.permutation(size) - size // 2
    if np.dtype(dtype).kind == "f":
        values = values * 0.75
    return values.reshape(shape).astype(dtype)


def signed_zero_input(rng, shape, dtype):
    """-0.0, 0.0, NaN and a few numbers: NumPy orders -0.0 == 0.0 and NaN last."""
    choices = np.array([-0.0, 0.0, np.nan, -1.5, 2.0, np.inf, -np.inf])
    return rng.choice(choices, size=shape).astype(dtype)


def float_quantiles(x):
    """A float32 q array (not a Python float, so NumPy computes in float32 for float32)."""
    return np.array([0.0, 0.25, 0.6, 1.0], np.float32)


SPECS = [
    # -- sort: every dtype, axes, NaN last, -0.0 equal to 0.0, NumPy's kind checks
    OpSpec("sort", lambda x: np.sort(x)),
    OpSpec("sort_axis0", lambda x: np.sort(x, axis=0)),
    OpSpec("sort_axis_mid", lambda x: np.sort(x, axis=-2), dtypes=FEW),
    OpSpec("sort_axis_none", lambda x: np.sort(x, axis=None)),
    OpSpec("sort_axis_bad", lambda x: np.sort(x, axis=3), dtypes=FEW),
    OpSpec("sort_nan", lambda x: np.sort(x, axis=-1), dtypes=FLOATS, make=nan_input),
    OpSpec("sort_nan_none", lambda x: np.sort(x, axis=None), dtypes=FLOATS, make=nan_input),
    OpSpec("sort_signed_zero", lambda x: np.sort(x, axis=0), dtypes=FLOATS,
           make=signed_zero_input, shapes=[(9,), (7, 3)]),
    OpSpec("sort_kinds", lambda x: [np.sort(x, kind=k) for k in
                                    ("quicksort", "mergesort", "heapsort", "stable")],
           dtypes=FEW, shapes=SHAPES_1D_UP),
    OpSpec("sort_stable_kw", lambda x: np.sort(x, stable=True), dtypes=FEW),
    OpSpec("sort_kind_bad", lambda x: np.sort(x, kind="bogo"), dtypes=FEW, shapes=[(5,)]),
    OpSpec("sort_kind_and_stable", lambda x: np.sort(x, kind="stable", stable=True),
           dtypes=FEW, shapes=[(5,)]),
    OpSpec("sort_empty", lambda x: np.sort(x, axis=0), dtypes=FEW, shapes=EMPTY_SHAPES),
    OpSpec("sort_of_expression", lambda x: np.sort(x * 2 - 1, axis=-1), dtypes=NUMERIC,
           shapes=SHAPES_1D_UP),
    # -- argsort: int64 indices; distinct keys for the default kind, ties with "stable"
    OpSpec("argsort", lambda x: np.argsort(x), dtypes=NUMERIC, make=distinct_input),
    OpSpec("argsort_axis0", lambda x: np.argsort(x, axis=0), dtypes=NUMERIC,
           make=distinct_input),
    OpSpec("argsort_axis_none", lambda x: np.argsort(x, axis=None), dtypes=NUMERIC,
           make=distinct_input),
    OpSpec("argsort_stable_ties", lambda x: np.argsort(x, kind="stable")),
    OpSpec("argsort_stable_kw_axis0", lambda x: np.argsort(x, axis=0, stable=True)),
    OpSpec("argsort_mergesort_none", lambda x: np.argsort(x, axis=None, kind="mergesort"),
           dtypes=FEW),
    OpSpec("argsort_nan_stable", lambda x: np.argsort(x, axis=-1, kind="stable"),
           dtypes=FLOATS, make=nan_input),
    OpSpec("argsort_signed_zero_stable", lambda x: np.argsort(x, kind="stable"),
           dtypes=FLOATS, make=signed_zero_input, shapes=[(9,), (3, 7)]),
    OpSpec("argsort_empty", lambda x: np.argsort(x, axis=-1), dtypes=FEW, shapes=EMPTY_SHAPES),
    OpSpec("argsort_axis_bad", lambda x: np.argsort(x, axis=-4), dtypes=FEW),
    # -- lexsort: the last key sorts first, stable
    OpSpec("lexsort", lambda a, b: np.lexsort((a, b)), nargs=2,
           shapes=[((), ()), ((5,), (5,)), ((3, 4), (3, 4)), ((2, 3, 4), (2, 3, 4)),
                   ((3,), (4,))],
           mixed=((np.float64, np.int32), (np.bool_, np.float32))),
    OpSpec("lexsort_nan_axis0", lambda a, b: np.lexsort((b, a, b > 0), axis=0), nargs=2,
           dtypes=FLOATS, make=nan_input, shapes=[((6, 3), (6, 3))]),
    # -- partition / argpartition: only the kth values are NumPy's to fix
    OpSpec("partition_kth", lambda x: np.partition(x, 2)[..., 2], shapes=SHAPES_1D_UP + [()]),
    OpSpec("partition_negative_kth_axis0", lambda x: np.partition(x, -1, axis=0)[-1],
           dtypes=NUMERIC, shapes=SHAPES_2D_UP),
    OpSpec("partition_kths_sorted", lambda x: np.sort(np.partition(x, (0, 2), axis=0), axis=0),
           shapes=SHAPES_1D_UP),
    OpSpec("partition_axis_none", lambda x: np.partition(x, 3, axis=None)[3], dtypes=FEW),
    OpSpec("partition_nan", lambda x: np.partition(x, 4, axis=None)[4:], dtypes=FLOATS,
           make=nan_input, shapes=SHAPES_1D_UP),
    OpSpec("partition_kth_out_of_bounds", lambda x: np.partition(x, 5), dtypes=FEW,
           shapes=SHAPES_1D_UP),
    OpSpec("partition_kth_bool", lambda x: np.partition(x, True), dtypes=FEW, shapes=[(4,)]),
    OpSpec("partition_kth_float", lambda x: np.partition(x, 1.0), dtypes=FEW, shapes=[(4,)]),
    OpSpec("argpartition_kth", lambda x: x[np.argpartition(x, 2)][2], dtypes=NUMERIC,
           make=distinct_input, shapes=[(5,), (8,)]),
    OpSpec("argpartition_bad", lambda x: np.argpartition(x, -6), dtypes=FEW, shapes=[(5,)]),
    # -- searchsorted: counts in NumPy's order, sides, dtype promotion, NaN, errors
    OpSpec("searchsorted", lambda a, v: np.searchsorted(np.sort(a), v), nargs=2,
           shapes=SEARCH_SHAPES, mixed=((np.int32, np.float64), (np.float32, np.int64))),
    OpSpec("searchsorted_right", lambda a, v: np.searchsorted(np.sort(a), v, side="right"),
           nargs=2, shapes=SEARCH_SHAPES),
    OpSpec("searchsorted_nan", lambda a, v: [np.searchsorted(np.sort(a), v, side=s)
                                             for s in ("left", "right")],
           nargs=2, dtypes=FLOATS, make=nan_input, shapes=SEARCH_SHAPES[:3]),
    OpSpec("searchsorted_scalar", lambda a: np.searchsorted(np.sort(a), 0.5), dtypes=NUMERIC,
           shapes=[(6,)]),
    OpSpec("searchsorted_numpy_a", lambda v: np.searchsorted(np.arange(-2, 3), v),
           dtypes=NUMERIC),
    OpSpec("searchsorted_2d", lambda a, v: np.searchsorted(a, v), nargs=2, dtypes=FEW,
           shapes=[((3, 4), (2,)), ((), (2,))]),
    OpSpec("searchsorted_bad_side", lambda a, v: np.searchsorted(a, v, side="middle"),
           nargs=2, dtypes=FEW, shapes=[((4,), ())]),
    # -- median: NumPy's mean of the middle values, NaN wins, empty slices give NaN
    OpSpec("median", lambda x: np.median(x)),
    OpSpec("median_axis0", lambda x: np.median(x, axis=0)),
    OpSpec("median_axis_neg_keep", lambda x: np.median(x, axis=-1, keepdims=True)),
    OpSpec("median_axis_tuple", lambda x: np.median(x, axis=(0, -1)), shapes=SHAPES_2D_UP),
    OpSpec("median_axis_tuple_keep", lambda x: np.median(x, axis=(0, 2), keepdims=True),
           dtypes=FEW, shapes=[(2, 3, 4), (3, 4)]),
    OpSpec("median_axis_empty_tuple", lambda x: np.median(x, axis=()), dtypes=FEW),
    OpSpec("median_keep_none", lambda x: np.median(x, keepdims=True), dtypes=FEW),
    OpSpec("median_nan", lambda x: np.median(x, axis=-1), dtypes=FLOATS, make=nan_input),
    OpSpec("median_nan_all", lambda x: np.median(x), dtypes=FLOATS, make=nan_input),
    OpSpec("median_empty", lambda x: np.median(x, axis=0), dtypes=FEW, shapes=EMPTY_SHAPES),
    OpSpec("median_empty_all", lambda x: np.median(x), dtypes=FEW, shapes=EMPTY_SHAPES),
    OpSpec("median_axis_bad", lambda x: np.median(x, axis=2), dtypes=FEW),
    OpSpec("median_of_expression", lambda x: x.sum() + np.median(x * x, axis=0), dtypes=NUMERIC,
           shapes=SHAPES_1D_UP),
    # -- quantile / percentile: method "linear", static q; NumPy's result dtypes
    OpSpec("quantile", lambda x: np.quantile(x, 0.3)),  # bool: NumPy refuses to subtract
    OpSpec("quantile_axis", lambda x: np.quantile(x, 0.75, axis=-1)),
    OpSpec("quantile_list_axis0", lambda x: np.quantile(x, [0.0, 0.1, 0.5, 0.9, 1.0], axis=0)),
    OpSpec("quantile_f32_q", lambda x: np.quantile(x, float_quantiles(x), axis=-1),
           dtypes=NUMERIC),
    OpSpec("quantile_numpy_scalar_q", lambda x: np.quantile(x, np.float64(0.4), axis=0),
           dtypes=NUMERIC),
    OpSpec("quantile_int_q", lambda x: np.quantile(x, 1, axis=0)),  # no interpolation
    OpSpec("quantile_int_list_q", lambda x: np.quantile(x, [0, 1])),
    OpSpec("quantile_tuple_keep", lambda x: np.quantile(x, [0.2, 0.7], axis=(0, -1),
                                                        keepdims=True),
           dtypes=NUMERIC, shapes=SHAPES_2D_UP),
    OpSpec("quantile_keep_none", lambda x: np.quantile(x, 0.5, keepdims=True), dtypes=NUMERIC),
    OpSpec("quantile_nan", lambda x: np.quantile(x, [0.25, 0.5], axis=-1), dtypes=FLOATS,
           make=nan_input),
    OpSpec("quantile_nan_scalar_q", lambda x: np.quantile(x, 0.5), dtypes=FLOATS,
           make=nan_input),
    OpSpec("quantile_empty_result", lambda x: np.quantile(x, 0.5, axis=0), dtypes=FEW,
           shapes=[(3, 0), (2, 0, 4)]),
    OpSpec("quantile_q_out_of_range", lambda x: np.quantile(x, 1.5), dtypes=FEW),
    OpSpec("quantile_q_negative_list", lambda x: np.quantile(x, [0.5, -0.1]), dtypes=FEW),
    OpSpec("quantile_q_3d", lambda x: np.quantile(x, np.full((1, 1, 1), 0.5)), dtypes=FEW),
    OpSpec("quantile_complex", lambda x: np.quantile(x, 0.5), dtypes=(np.complex128,),
           shapes=[(4,)]),
    OpSpec("quantile_axis_bad", lambda x: np.quantile(x, 0.5, axis=(0, 0)), dtypes=FEW),
    OpSpec("percentile", lambda x: np.percentile(x, 50)),
    OpSpec("percentile_list_axis", lambda x: np.percentile(x, [5, 37.5, 100], axis=-1),
           dtypes=NUMERIC),
    OpSpec("percentile_array_q_keep", lambda x: np.percentile(
        x, np.array([10.0, 90.0], np.float32), axis=0, keepdims=True), dtypes=NUMERIC,
        shapes=SHAPES_1D_UP),
    OpSpec("percentile_nan", lambda x: np.percentile(x, [20, 80], axis=0), dtypes=FLOATS,
           make=nan_input),
    OpSpec("percentile_out_of_range", lambda x: np.percentile(x, 101), dtypes=FEW),
    OpSpec("percentile_int_data_int_q", lambda x: np.percentile(x, 25, axis=-1), dtypes=INTS,
           shapes=SHAPES_1D_UP),
    OpSpec("median_quantile_agree", lambda x: np.median(x, axis=0) - np.quantile(x, 0.5, axis=0),
           dtypes=FLOATS, shapes=[(5, 3), (6, 2)], atol=1e-6, rtol=1e-6),
    # NumPy's IndexError for the quantile of an empty array: a jitflow error too
    OpSpec("sort_quantile_empty", lambda x: np.quantile(x, 0.5), shapes=[(0,)], dtypes=FLOATS),
]
