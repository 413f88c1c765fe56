"""Op specs for NumPy's shape functions (reshape, transpose, joining, splitting, padding...).

The shape functions do not look at values, so three dtypes (float64, int32, bool) are
enough; the shapes cover each function's forms, including shapes NumPy refuses (the
driver then expects a jitflow error).
"""

import numpy as np

from opspec import OpSpec

D = (np.float64, np.int32, np.bool_)
S1 = [(), (6,), (3, 4), (2, 3, 4)]  # any rank
S2 = [(3, 4), (2, 3, 4)]  # at least 2-d
SQ = [(1, 3, 1), (1,), (2, 1, 4), ()]  # size-1 axes
PAIRS = [((3, 4), (2, 4)), ((5,), (3,)), ((2, 3), (2, 3)), ((), ())]
SAME = [((3, 4), (3, 4)), ((5,), (5,)), ((2, 3, 4), (2, 3, 4)), ((3,), (4,))]


def spec(name, fn, shapes=S1, nargs=1, **kw):
    return OpSpec(name, fn, nargs, dtypes=kw.pop("dtypes", D), shapes=shapes, **kw)


SPECS = [
    # -- reshaping
    spec("reshape-1", lambda x: np.reshape(x, -1)),
    spec("reshape_2x", lambda x: np.reshape(x, (2, -1))),
    spec("reshape_method", lambda x: x.reshape(-1, 2, 3), [(6,), (3, 4), (2, 3, 4)]),
    spec("reshape_int", lambda x: x.reshape(x.size)),
    spec("reshape_bad", lambda x: x.reshape(5, -1), [(3, 4)]),
    spec("reshape_copy", lambda x: x[::2].reshape(-1), [(6,), (4, 3)]),
    spec("ravel", np.ravel),
    spec("ravel_view", lambda x: x.T.ravel(), S2),
    spec("flatten", lambda x: x.flatten()),
    spec("expand_dims0", lambda x: np.expand_dims(x, 0)),
    spec("expand_dims_tuple", lambda x: np.expand_dims(x, (0, -1))),
    spec("expand_dims_bad", lambda x: np.expand_dims(x, 5), [(3,)]),
    spec("squeeze", np.squeeze, SQ),
    spec("squeeze_axis", lambda x: np.squeeze(x, axis=0), SQ),
    spec("squeeze_method", lambda x: x.squeeze(-1), SQ),
    spec("atleast_1d", np.atleast_1d),
    spec("atleast_2d", np.atleast_2d),
    spec("atleast_3d", np.atleast_3d),
    spec("atleast_2d_many", lambda x: np.atleast_2d(x, x[..., None])),
    # -- transposing
    spec("transpose", np.transpose),
    spec("transpose_axes", lambda x: np.transpose(x, (2, 0, 1)), [(2, 3, 4), (3, 4)]),
    spec("transpose_method", lambda x: x.transpose(1, 0), S2[:1]),
    spec("T", lambda x: x.T),
    spec("mT", lambda x: x.mT, [(3, 4), (2, 3, 4), (5,)]),
    spec("matrix_transpose", np.matrix_transpose, [(3, 4), (2, 3, 4)]),
    spec("moveaxis", lambda x: np.moveaxis(x, 0, -1)),
    spec("moveaxis_many", lambda x: np.moveaxis(x, (0, 1), (-1, 0)), [(2, 3, 4), (3, 4)]),
    spec("swapaxes", lambda x: np.swapaxes(x, 0, -1)),
    spec("swapaxes_method", lambda x: x.swapaxes(1, 2), [(2, 3, 4), (3, 4)]),
    # -- broadcasting
    spec("broadcast_to", lambda x: np.broadcast_to(x, (2,) + x.shape)),
    spec("broadcast_to_bad", lambda x: np.broadcast_to(x, (4, 5)), [(3, 4), (3,)]),
    spec("broadcast_arrays", lambda x: np.broadcast_arrays(x, x[..., None])),
    spec("broadcast_arrays_same", lambda x: np.broadcast_arrays(x, x + x)),
    # -- queries, copies, casts, new arrays
    spec("shape_queries", lambda x: (x.reshape(np.shape(x)[::-1]),
                                     np.full_like(x, 10 * np.ndim(x) + np.size(x), np.int64))),
    spec("size_axis", lambda x: np.full_like(x, np.size(x, -1)), S2),
    spec("copy", np.copy),
    spec("copy_method", lambda x: x.copy()),
    spec("astype_f32", lambda x: x.astype(np.float32)),
    spec("astype_i64", lambda x: np.astype(x, np.int64)),
    spec("astype_bool", lambda x: x.astype(bool)),
    spec("astype_c128", lambda x: x.astype(np.complex128), S1[:3]),
    spec("astype_complex_real", lambda x: x.astype(np.complex64).astype(np.float32), S1[:3]),
    spec("astype_same", lambda x: x.astype(x.dtype, copy=False) + x),
    spec("astype_safe_bad", lambda x: x.astype(np.int8, casting="safe"), [(3,)],
         dtypes=(np.float64, np.int32)),
    spec("zeros_like", np.zeros_like),
    spec("ones_like", lambda x: np.ones_like(x, dtype=np.float32)),
    spec("full_like", lambda x: np.full_like(x, 7)),
    spec("full_like_float", lambda x: np.full_like(x, 2.5)),
    spec("full_like_shape", lambda x: np.full_like(x, 3, shape=(2, 3))),
    spec("full_like_traced", lambda x: np.full_like(x, x.sum(), dtype=np.float64), S1[:3]),
    spec("zeros_like_shape", lambda x: np.zeros_like(x, shape=4)),
    spec("empty_like", lambda x: np.empty_like(x, dtype=np.int8) * 0),
    # -- joining
    spec("concatenate", lambda x, y: np.concatenate([x, y]), PAIRS, 2,
         mixed=((np.float64, np.int32), (np.bool_, np.int32))),
    spec("concatenate_axis1", lambda x, y: np.concatenate((x, y), axis=-1),
         [((3, 4), (3, 2)), ((3, 4), (2, 4))], 2),
    spec("concatenate_none", lambda x, y: np.concatenate([x, y], axis=None), PAIRS, 2),
    spec("concatenate_const", lambda x: np.concatenate([x, np.zeros((2,) + x.shape[1:])]),
         [(3,), (3, 4)]),
    spec("concatenate_dtype", lambda x, y: np.concatenate([x, y], dtype=np.float32),
         PAIRS[:2], 2),
    spec("concatenate_ndim_bad", lambda x, y: np.concatenate([x, y]), [((3, 4), (4,))], 2),
    spec("stack", lambda x, y: np.stack([x, y]), SAME, 2),
    spec("stack_last", lambda x, y: np.stack((x, y), axis=-1), SAME, 2),
    spec("hstack", lambda x, y: np.hstack([x, y]), [((3, 4), (3, 2)), ((5,), (3,)), ((), ())], 2),
    spec("vstack", lambda x, y: np.vstack([x, y]), [((3, 4), (2, 4)), ((4,), (4,)), ((), ())], 2),
    spec("dstack", lambda x, y: np.dstack([x, y]), [((3, 4), (3, 4)), ((4,), (4,))], 2),
    spec("column_stack", lambda x, y: np.column_stack([x, y]),
         [((3, 4), (3, 2)), ((4,), (4,)), ((3,), (3, 2))], 2),
    # -- splitting
    spec("split", lambda x: np.split(x, 2, axis=-1), [(6,), (3, 4), (3,)]),
    spec("split_indices", lambda x: np.split(x, [1, -1]), [(6,), (3, 4)]),
    spec("array_split", lambda x: np.array_split(x, 4), [(6,), (3, 4), (2, 3, 4)]),
    spec("array_split_axis", lambda x: np.array_split(x, [2, 9], axis=1), [(3, 4)]),
    # -- flipping and rolling
    spec("flip", np.flip),
    spec("flip_axis", lambda x: np.flip(x, 0), S1[1:]),
    spec("flip_axes", lambda x: np.flip(x, (0, -1)), S1[1:]),
    spec("fliplr", np.fliplr),
    spec("flipud", np.flipud),
    spec("roll", lambda x: np.roll(x, 2)),
    spec("roll_axis", lambda x: np.roll(x, -1, axis=0), S1[1:]),
    spec("roll_axes", lambda x: np.roll(x, (1, 7), axis=(0, -1)), S1[1:]),
    spec("roll_same_axis", lambda x: np.roll(x, (1, 2), axis=(0, 0)), S1[1:]),
    # -- tiling and repeating
    spec("tile", lambda x: np.tile(x, 2)),
    spec("tile_tuple", lambda x: np.tile(x, (2, 1, 3))),
    spec("repeat", lambda x: np.repeat(x, 2)),
    spec("repeat_axis", lambda x: np.repeat(x, 3, axis=0)),
    spec("repeat_axis_last", lambda x: np.repeat(x, 2, axis=-1), [(), (3, 4)]),
    spec("astype_view", lambda x: np.flip(x, 0)[::2].astype(np.float32), S1[1:3]),
    spec("repeat_list", lambda x: x.repeat([1, 2, 0, 3], axis=-1), [(3, 4), (2, 3, 4), (3,)]),
    spec("repeat_bad", lambda x: np.repeat(x, -1), [(3,)]),
    # -- padding
    spec("pad", lambda x: np.pad(x, 1)),
    spec("pad_pair", lambda x: np.pad(x, (1, 2), constant_values=5)),
    spec("pad_per_axis", lambda x: np.pad(x, ((1, 2), (0, 1)), constant_values=((1, 2), (3, 4))),
         [(3, 4), (2,)]),
    spec("pad_column", lambda x: np.pad(x, [[1], [2]], constant_values=2.5), [(3, 4)]),
    spec("pad_negative", lambda x: np.pad(x, -1), [(3,)]),
    spec("pad_edge", lambda x: np.pad(x, 3, mode="edge"), S1[1:]),
    spec("pad_reflect", lambda x: np.pad(x, (4, 1), mode="reflect"), [(3,), (3, 4)]),
    spec("pad_symmetric", lambda x: np.pad(x, (2, 5), mode="symmetric"), [(3,), (3, 4)]),
    spec("pad_wrap", lambda x: np.pad(x, 3, mode="wrap"), [(3,), (3, 4)]),
    # -- diagonals and triangles
    spec("diag", np.diag, [(4,), (3, 4), (4, 3), ()]),
    spec("diag_k", lambda x: np.diag(x, 1), [(4,), (3, 4), (4, 3)]),
    spec("diag_k_neg", lambda x: np.diag(x, -2), [(4,), (3, 4), (4, 3)]),
    spec("tril", np.tril, [(3, 4), (2, 3, 4), (4,)]),
    spec("triu", lambda x: np.triu(x, 1), [(3, 4), (2, 3, 4), (4,)]),
    spec("tril_k", lambda x: np.tril(x, -1), [(4, 3)]),
    # -- np.block: nested lists concatenated innermost-last; Python scalars and 0-d arrays
    # become (1,...) blocks; NumPy's depth and shape errors
    spec("block_row", lambda x, y: np.block([x, y]), nargs=2,
         shapes=[((3, 4), (3, 2)), ((5,), (3,)), ((), ()), ((2, 3, 4), (2, 3, 1)),
                 ((3, 4), (2, 4))], mixed=((np.float64, np.int32), (np.bool_, np.int32))),
    spec("block_2x2", lambda x, y: np.block([[x, y], [y, x]]), nargs=2,
         shapes=[((3, 3), (3, 3)), ((2,), (2,)), ((), ()), ((2, 3, 4), (2, 3, 4)),
                 ((3, 4), (3, 2))]),
    spec("block_grid", lambda x, y: np.block([[x, y], [np.zeros((1, 4)), 7]]), nargs=2,
         shapes=[((2, 1), (2, 3)), ((2, 2), (2, 2)), ((1,), (1, 3))],
         mixed=((np.int32, np.bool_), (np.bool_, np.bool_))),
    spec("block_scalars", lambda x: np.block([[x, 1], [2.5, x]]), [()]),
    spec("block_atleast", lambda x: np.block([[[x]]])),
    spec("block_bare", lambda x: np.block(x)),
    spec("block_depth_mismatch", lambda x, y: np.block([[x, y], y]), nargs=2,
         shapes=[((2, 2), (2, 2)), ((3,), (3,))]),
    spec("block_depth_mismatch_inner", lambda x, y: np.block([x, [y]]), nargs=2,
         shapes=[((2, 2), (2, 2))]),
    spec("block_empty_list", lambda x: np.block([x, []]), [(3,), (2, 2)]),
]
