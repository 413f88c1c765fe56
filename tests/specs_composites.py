"""Op specs for NumPy functions composed of primitives (jitflow/ops/composites.py).

Spec names start with ``comp_`` so ``-k comp_`` runs them all. Shape lists mix valid cases
with ones NumPy refuses (a 1-D array to trace, a 0-d array to cross, mismatched lengths):
there the driver expects a jitflow error.
"""

import numpy as np
from opspec import FLOATS, INTS, NUMERIC, UNARY_SHAPES, OpSpec, default_input

FEW = (np.float32, np.int32, np.bool_)
SQUARE = [(), (4,), (3, 3), (3, 4), (2, 3, 4)]


def special_input(rng, shape, dtype):
    """Floats with NaN, +inf and -inf sprinkled in (others as default_input)."""
    x = default_input(rng, shape, dtype)
    if np.dtype(dtype).kind != "f":
        return x
    r = rng.random(shape)
    x = np.where(r < 0.15, np.nan, x)
    x = np.where((r >= 0.15) & (r < 0.3), np.inf, x)
    return np.where((r >= 0.3) & (r < 0.45), -np.inf, x).astype(dtype)


def near_input(rng, shape, dtype):
    """Values equal to, near to (1e-6 relative) or far from default_input's for seed 0."""
    x = default_input(np.random.default_rng(0), shape, dtype)
    if np.dtype(dtype).kind != "f":
        return x
    r = rng.random(shape)
    return np.where(r < 0.3, x, np.where(r < 0.6, x * (1 + 1e-6), x + 0.5)).astype(dtype)


def index_input(n):
    """Integer indices in [-n, n) (NumPy's valid range), keeping the requested int dtype."""
    def make(rng, shape, dtype):
        dtype = dtype if np.dtype(dtype).kind in "iu" else np.int64
        return rng.integers(-n, n, size=shape).astype(dtype)
    return make


def along_input(n):
    """Indices in [0, n) for take_along_axis (any int dtype; floats refused by NumPy)."""
    def make(rng, shape, dtype):
        x = rng.integers(0, n, size=shape)
        return x.astype(dtype) if np.dtype(dtype).kind in "iuf" else x
    return make


def count_input(rng, shape, dtype):
    """Small non-negative values for bincount (below its minlength of 6)."""
    if np.dtype(dtype) == np.bool_:
        return rng.random(shape) < 0.5
    return rng.integers(0, 6, size=shape).astype(dtype)


def bool_input(rng, shape, dtype):
    return rng.random(shape) < 0.4


def _norm(name, ords, shapes=UNARY_SHAPES, **kw):
    return [OpSpec(f"comp_norm_{name}_{o}", lambda x, o=o: np.linalg.norm(x, ord=o, **kw),
                   shapes=shapes) for o in ords]


VECTOR_ORDS = (None, 2, 1, np.inf, -np.inf, 0, 3, 0.5, -1, "fro")
MATRIX_ORDS = (None, "fro", 1, -1, np.inf, -np.inf, 3)

SPECS = [
    # -- np.linalg.norm: the fast default, vector norms along an axis, matrix norms
    OpSpec("comp_norm", lambda x: np.linalg.norm(x)),
    OpSpec("comp_norm_keepdims", lambda x: np.linalg.norm(x, keepdims=True)),
    OpSpec("comp_norm_empty", lambda x: np.linalg.norm(x), dtypes=FEW, shapes=[(0,), (3, 0)]),
    *_norm("vec", VECTOR_ORDS, shapes=[(5,), (3, 4)], axis=-1),
    *_norm("vec_keep", (1, 3), shapes=[(3, 4), (2, 3, 4)], axis=0, keepdims=True),
    *_norm("vec_none_axis", (2, 1, np.inf), shapes=[(5,)]),
    *_norm("mat", MATRIX_ORDS, shapes=[(3, 4), (2, 3, 4), (5,)], axis=(0, -1)),
    *_norm("mat_rev", (1, np.inf, -1, -np.inf), shapes=[(3, 4), (2, 3, 4)], axis=(-1, 0)),
    *_norm("mat_none_axis", (1, np.inf, "fro"), shapes=[(3, 4), (2, 3, 4)]),
    # matrix norms of the singular values (np.linalg.svd, LAPACK)
    *_norm("mat_svd", (2, -2, "nuc"), shapes=[(3, 4), (2, 3, 4), (1, 1)], axis=(0, -1)),
    *_norm("mat_svd_rev", (2, -2, "nuc"), shapes=[(3, 4), (2, 3, 4)], axis=(-1, 0)),
    *_norm("mat_svd_none_axis", (2, "nuc"), shapes=[(3, 4), (4, 4)]),
    OpSpec("comp_norm_mat_keep", lambda x: np.linalg.norm(x, 1, axis=(1, 2), keepdims=True),
           shapes=[(2, 3, 4)]),
    OpSpec("comp_norm_dup_axes", lambda x: np.linalg.norm(x, axis=(1, 1)), dtypes=FEW,
           shapes=[(3, 4)]),
    OpSpec("comp_norm_three_axes", lambda x: np.linalg.norm(x, axis=(0, 1, 2)), dtypes=FEW,
           shapes=[(2, 3, 4)]),
    OpSpec("comp_norm_vec_empty_neg_inf", lambda x: np.linalg.norm(x, -np.inf, axis=0),
           dtypes=FEW, shapes=[(0,), (0, 3)]),
    # -- trace
    OpSpec("comp_trace", lambda x: np.trace(x), shapes=SQUARE),
    OpSpec("comp_trace_offset", lambda x: np.trace(x, 1), shapes=SQUARE[2:]),
    OpSpec("comp_trace_neg_offset", lambda x: np.trace(x, -2), dtypes=FEW, shapes=SQUARE[2:]),
    OpSpec("comp_trace_far_offset", lambda x: np.trace(x, 7), dtypes=FEW, shapes=SQUARE[2:]),
    OpSpec("comp_trace_axes", lambda x: np.trace(x, 1, axis1=2, axis2=0), shapes=[(2, 3, 4)]),
    OpSpec("comp_trace_axes_neg", lambda x: np.trace(x, axis1=-1, axis2=1), dtypes=FEW,
           shapes=[(2, 3, 4), (3, 4)]),
    OpSpec("comp_trace_dtype", lambda x: np.trace(x, dtype=np.float32), dtypes=FEW,
           shapes=[(3, 4)]),
    OpSpec("comp_trace_method_free", lambda x: np.trace(x, axis1=1, axis2=1), dtypes=FEW,
           shapes=[(3, 4)]),
    # -- isclose / allclose
    OpSpec("comp_isclose", lambda a, b: np.isclose(a, b), 2, make=(default_input, near_input)),
    OpSpec("comp_isclose_tols", lambda a, b: np.isclose(a, b, rtol=1e-3, atol=0.1), 2,
           make=(default_input, near_input), mixed=((np.float32, np.float64),
                                                    (np.int32, np.float32))),
    OpSpec("comp_isclose_nan", lambda a, b: np.isclose(a, b, equal_nan=True), 2,
           dtypes=FLOATS, make=special_input),
    OpSpec("comp_isclose_nan_false", lambda a, b: np.isclose(a, b), 2, dtypes=FLOATS,
           make=special_input),
    OpSpec("comp_isclose_scalar", lambda a: np.isclose(a, 1), dtypes=NUMERIC),
    OpSpec("comp_isclose_scalar_first", lambda a: np.isclose(0.5, a), dtypes=FLOATS),
    OpSpec("comp_allclose", lambda a, b: np.allclose(a, b), 2,
           make=(default_input, near_input)),
    OpSpec("comp_allclose_same", lambda a: np.allclose(a, a + 0), dtypes=NUMERIC),
    OpSpec("comp_allclose_nan", lambda a: np.allclose(a, a, equal_nan=True), dtypes=FLOATS,
           make=special_input),
    # -- nan_to_num
    OpSpec("comp_nan_to_num", lambda x: np.nan_to_num(x), make=special_input),
    OpSpec("comp_nan_to_num_values",
           lambda x: np.nan_to_num(x, nan=-1.5, posinf=100, neginf=-100.0), make=special_input),
    OpSpec("comp_nan_to_num_huge", lambda x: np.nan_to_num(x, posinf=1e300), dtypes=FLOATS,
           make=special_input),
    OpSpec("comp_nan_to_num_inplace",
           lambda x: (np.nan_to_num(x, copy=False, nan=7.0), x), make=special_input),
    # -- select
    OpSpec("comp_select", lambda c, x: np.select([c, ~c], [x, x * 2]), 2,
           make=(bool_input, default_input), dtypes=NUMERIC, mixed=((np.bool_, np.float32),),
           shapes=[((), ()), ((5,), (5,)), ((3, 1), (1, 4)), ((3, 4), (4,)), ((3,), (4,))]),
    OpSpec("comp_select_default", lambda c, x: np.select([c, x > 0], [x, 1.5], default=-1), 2,
           make=(bool_input, default_input), dtypes=NUMERIC, shapes=[((3, 4), (3, 4))]),
    OpSpec("comp_select_scalars", lambda c, x: np.select([c, x > 1], [3, 5]), 2,
           make=(bool_input, default_input), dtypes=NUMERIC, shapes=[((3, 4), (4,))]),
    OpSpec("comp_select_array_default", lambda c, x: np.select([c], [x], default=np.int64(2)),
           2, make=(bool_input, default_input), shapes=[((3, 4), (3, 4))]),
    OpSpec("comp_select_not_bool", lambda c, x: np.select([x], [c]), 2,
           dtypes=NUMERIC, make=(bool_input, default_input), shapes=[((3,), (3,))]),
    OpSpec("comp_select_lengths", lambda c, x: np.select([c, c], [x]), 2,
           make=(bool_input, default_input), dtypes=FEW, shapes=[((3,), (3,))]),
    # -- meshgrid
    OpSpec("comp_meshgrid", lambda a, b: np.meshgrid(a, b), 2,
           shapes=[((3,), (4,)), ((), (4,)), ((2, 2), (3,))], mixed=((np.int32, np.float32),)),
    OpSpec("comp_meshgrid_ij", lambda a, b, c: np.meshgrid(a, b, c, indexing="ij"), 3,
           dtypes=FEW, shapes=[((3,), (4,), (2,))]),
    OpSpec("comp_meshgrid_xy3", lambda a, b, c: np.meshgrid(a, b, c), 3, dtypes=FEW,
           shapes=[((3,), (4,), (2,))]),
    OpSpec("comp_meshgrid_sparse", lambda a, b: np.meshgrid(a, b, sparse=True), 2, dtypes=FEW,
           shapes=[((3,), (4,))]),
    OpSpec("comp_meshgrid_nocopy", lambda a, b: np.meshgrid(a, b, copy=False), 2,
           dtypes=FEW, shapes=[((3,), (4,))]),
    OpSpec("comp_meshgrid_one", lambda a: np.meshgrid(a), dtypes=FEW, shapes=[(3,)]),
    OpSpec("comp_meshgrid_bad_indexing", lambda a: np.meshgrid(a, indexing="xz"), dtypes=FEW,
           shapes=[(3,)]),
    # -- cross
    OpSpec("comp_cross", lambda a, b: np.cross(a, b), 2,
           shapes=[((3,), (3,)), ((4, 3), (3,)), ((2, 1, 3), (4, 3)), ((4,), (4,)),
                   ((), (3,)), ((2, 3), (3, 3))],
           mixed=((np.int32, np.float32), (np.float32, np.float64))),
    OpSpec("comp_cross_axes", lambda a, b: np.cross(a, b, axisa=0, axisb=1, axisc=0), 2,
           dtypes=NUMERIC, shapes=[((3, 4), (4, 3)), ((3, 2), (2, 3))]),
    OpSpec("comp_cross_axis", lambda a, b: np.cross(a, b, axis=0), 2, dtypes=FEW,
           shapes=[((3, 4), (3, 4))]),
    OpSpec("comp_cross_2d", lambda a, b: np.cross(a, b), 2, dtypes=NUMERIC,
           shapes=[((2,), (2,)), ((4, 2), (2,)), ((2,), (3,)), ((4, 3), (4, 2))]),
    # -- kron
    OpSpec("comp_kron", lambda a, b: np.kron(a, b), 2,
           shapes=[((2, 3), (3, 2)), ((3,), (2,)), ((2, 2), (3,)), ((3,), (2, 2)),
                   ((), (2, 3)), ((2, 3), ()), ((), ()), ((2, 1, 2), (2, 3))],
           mixed=((np.int32, np.float32), (np.bool_, np.int64))),
    # -- polyval
    OpSpec("comp_polyval", lambda p, x: np.polyval(p, x), 2,
           shapes=[((3,), ()), ((4,), (5,)), ((1,), (3, 4)), ((0,), (3,)), ((), (3,))],
           mixed=((np.int32, np.float32), (np.float32, np.float64), (np.bool_, np.int32))),
    OpSpec("comp_polyval_static_p", lambda x: np.polyval([1.5, -2, 3], x)),
    OpSpec("comp_polyval_static_int_p", lambda x: np.polyval(np.array([2, 0, 1], np.int32), x)),
    # -- rot90
    OpSpec("comp_rot90", lambda x: np.rot90(x), shapes=[(3, 4), (2, 3, 4), (4,), ()]),
    *[OpSpec(f"comp_rot90_k{k}", lambda x, k=k: np.rot90(x, k), dtypes=FEW,
             shapes=[(3, 4), (2, 3, 4)]) for k in (0, 2, 3, -1, 5)],
    OpSpec("comp_rot90_axes", lambda x: np.rot90(x, 1, axes=(2, 0)), dtypes=FEW,
           shapes=[(2, 3, 4)]),
    OpSpec("comp_rot90_axes_neg", lambda x: np.rot90(x, 3, axes=(-1, -2)), dtypes=FEW,
           shapes=[(2, 3, 4)]),
    OpSpec("comp_rot90_bad_axes", lambda x: np.rot90(x, axes=(0, 0)), dtypes=FEW,
           shapes=[(3, 4)]),
    OpSpec("comp_rot90_axes_range", lambda x: np.rot90(x, axes=(0, 3)), dtypes=FEW,
           shapes=[(3, 4)]),
    OpSpec("comp_rot90_three_axes", lambda x: np.rot90(x, axes=(0, 1, 2)), dtypes=FEW,
           shapes=[(2, 3, 4)]),
    # -- take (traced and static indices; NumPy's IndexError is tested in composites checks)
    OpSpec("comp_take_flat", lambda a, i: np.take(a, i), 2, make=(default_input, index_input(5)),
           shapes=[((5,), (3,)), ((5,), ()), ((5,), (2, 2)), ((5,), (0,))],
           mixed=((np.float32, np.int32), (np.bool_, np.int64))),
    OpSpec("comp_take_axis", lambda a, i: np.take(a, i, axis=1), 2,
           make=(default_input, index_input(4)), dtypes=INTS,
           shapes=[((3, 4), (5,)), ((2, 4, 3), (2, 2)), ((3, 4), ())],
           mixed=((np.float32, np.int32), (np.float64, np.int64))),
    OpSpec("comp_take_axis_neg", lambda a, i: np.take(a, i, axis=-1), 2,
           make=(default_input, index_input(3)), dtypes=INTS, shapes=[((2, 4, 3), (4,))]),
    OpSpec("comp_take_float_index", lambda a, i: np.take(a, i), 2, dtypes=FLOATS,
           shapes=[((5,), (3,))]),
    OpSpec("comp_take_bool_index", lambda a, i: np.take(a, i), 2, dtypes=(np.bool_,),
           shapes=[((5,), (3,))]),
    OpSpec("comp_take_static", lambda a: np.take(a, [0, -1, 2], axis=0), shapes=[(3,), (3, 4)]),
    OpSpec("comp_take_static_scalar", lambda a: np.take(a, -2), shapes=[(3,), (3, 4)]),
    OpSpec("comp_take_bad_axis", lambda a: np.take(a, 0, axis=2), dtypes=FEW, shapes=[(3, 4)]),
    # -- take_along_axis
    OpSpec("comp_take_along", lambda a, i: np.take_along_axis(a, i, axis=1), 2,
           make=(default_input, along_input(4)), dtypes=INTS,
           shapes=[((3, 4), (3, 2)), ((3, 4), (1, 5)), ((2, 4, 3), (2, 3, 3)), ((3, 4), (4,))],
           mixed=((np.float32, np.int32), (np.bool_, np.int64))),
    OpSpec("comp_take_along_default", lambda a, i: np.take_along_axis(a, i), 2,
           make=(default_input, along_input(4)), dtypes=INTS, shapes=[((3, 4), (3, 4))]),
    OpSpec("comp_take_along_none", lambda a, i: np.take_along_axis(a, i, axis=None), 2,
           make=(default_input, along_input(12)), dtypes=INTS,
           shapes=[((3, 4), (5,)), ((3, 4), (2, 2))]),
    OpSpec("comp_take_along_argsort_like", lambda a: np.take_along_axis(
        a, np.argmax(a, axis=0, keepdims=True), axis=0), shapes=[(3, 4), (2, 3, 4)]),
    # -- bincount (traced x needs minlength; static x does not)
    OpSpec("comp_bincount", lambda x: np.bincount(x, minlength=6), dtypes=INTS + (np.bool_,),
           make=count_input, shapes=[(10,), (0,), (), (2, 3)]),
    OpSpec("comp_bincount_weights", lambda x, w: np.bincount(x, w, minlength=7), 2,
           make=(count_input, default_input),
           shapes=[((10,), (10,)), ((4,), (5,))],
           mixed=((np.int32, np.float32), (np.int64, np.int32), (np.int64, np.bool_))),
    OpSpec("comp_bincount_float", lambda x: np.bincount(x, minlength=6), dtypes=FLOATS,
           make=count_input, shapes=[(4,)]),
    OpSpec("comp_bincount_static_x", lambda w: np.bincount(np.array([0, 3, 3, 1]), w),
           dtypes=NUMERIC, shapes=[(4,), (3,)]),
    OpSpec("comp_bincount_negative_minlength", lambda x: np.bincount(x, minlength=-1),
           dtypes=INTS, make=count_input, shapes=[(4,)]),
    # -- cov / corrcoef
    OpSpec("comp_cov", lambda x: np.cov(x), shapes=[(5,), (3, 5), (1, 4), (2, 3, 4), ()]),
    OpSpec("comp_cov_cols", lambda x: np.cov(x, rowvar=False), shapes=[(5, 3), (6,)]),
    OpSpec("comp_cov_bias", lambda x: np.cov(x, bias=True), dtypes=FEW, shapes=[(3, 5)]),
    OpSpec("comp_cov_ddof", lambda x: np.cov(x, ddof=0), dtypes=FEW, shapes=[(3, 5), (4,)]),
    OpSpec("comp_cov_ddof_big", lambda x: np.cov(x, ddof=5), dtypes=FLOATS, shapes=[(2, 5)]),
    OpSpec("comp_cov_ddof_float", lambda x: np.cov(x, ddof=1.5), dtypes=FEW, shapes=[(2, 5)]),
    OpSpec("comp_cov_dtype", lambda x: np.cov(x, dtype=np.float32), dtypes=FEW,
           shapes=[(3, 5)], rtol=1e-5, atol=1e-5),
    OpSpec("comp_cov_int_dtype", lambda x: np.cov(x, dtype=np.int64), dtypes=FEW,
           shapes=[(3, 5)]),
    OpSpec("comp_cov_y", lambda x, y: np.cov(x, y), 2,
           shapes=[((5,), (5,)), ((2, 5), (5,)), ((2, 5), (3, 5)), ((5,), (4,))],
           mixed=((np.int32, np.float32),)),
    OpSpec("comp_cov_y_cols", lambda x, y: np.cov(x, y, rowvar=False), 2, dtypes=FEW,
           shapes=[((5, 2), (5,)), ((5, 2), (5, 3))]),
    OpSpec("comp_cov_empty", lambda x: np.cov(x), dtypes=FEW, shapes=[(0, 3)]),
    OpSpec("comp_corrcoef", lambda x: np.corrcoef(x), shapes=[(3, 5), (5,), (1, 4), (2, 3, 4)]),
    OpSpec("comp_corrcoef_cols", lambda x: np.corrcoef(x, rowvar=False), dtypes=FEW,
           shapes=[(5, 3)]),
    OpSpec("comp_corrcoef_y", lambda x, y: np.corrcoef(x, y), 2, dtypes=FEW,
           shapes=[((5,), (5,)), ((2, 5), (5,))]),
    OpSpec("comp_corrcoef_constant_row", lambda x: np.corrcoef(np.stack([x, x * 0])),
           dtypes=FLOATS, shapes=[(5,)]),
]
