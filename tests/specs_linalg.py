"""Op specs for NumPy's products (jitflow/ops/linalg.py and jitflow/ops/einsum.py).

Shape lists mix valid cases with ones NumPy refuses (mismatched core dimensions, 0-d
operands to matmul, bad einsum subscripts): there the driver expects a jitflow error.
"""

import numpy as np

from opspec import ALL, FLOATS, NUMERIC, OpSpec

MIXED = ((np.int32, np.float32), (np.bool_, np.int64), (np.float32, np.float64))

MATMUL_SHAPES = [
    ((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)),
    ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (4,)),
    ((0, 4), (4, 5)), ((3, 0), (0, 5)),
    ((3, 4), (5, 6)), ((), (3,)), ((2, 3, 4), (3, 4, 5)),
]
DOT_SHAPES = [
    ((), ()), ((), (3,)), ((3, 4), ()), ((3,), (3,)), ((3, 4), (4,)), ((4,), (4, 5)),
    ((3, 4), (4, 5)), ((2, 3, 4), (5, 4, 2)), ((2, 3, 4), (4,)), ((3, 4), (3, 4)),
]
INNER_SHAPES = [((), (3,)), ((3,), (3,)), ((2, 3), (4, 3)), ((2, 3, 4), (5, 4)), ((3,), (4,))]
OUTER_SHAPES = [((3,), (4,)), ((2, 3), (4,)), ((), (3,)), ((2, 2), (3, 1))]
VDOT_SHAPES = [((3,), (3,)), ((2, 3), (3, 2)), ((), ()), ((2, 3), (5,))]
TENSORDOT_SHAPES = [((2, 3, 4), (3, 4, 5)), ((3, 4), (3, 4)), ((2, 3, 4), (4, 5))]


def _einsum(name, subscripts, shapes, dtypes=ALL):
    nargs = len(shapes[0])
    if nargs == 1:
        shapes = [s[0] for s in shapes]
    return OpSpec(
        f"einsum_{name}", lambda *xs: np.einsum(subscripts, *xs), nargs, dtypes, shapes
    )


SPECS = [
    OpSpec("matmul_op", lambda a, b: a @ b, 2, shapes=MATMUL_SHAPES, mixed=MIXED),
    OpSpec("matmul", lambda a, b: np.matmul(a, b), 2, shapes=MATMUL_SHAPES[:4]),
    OpSpec("matmul_dtype", lambda a, b: np.matmul(a, b, dtype=np.float64), 2,
           dtypes=NUMERIC, shapes=MATMUL_SHAPES[:2]),
    OpSpec("dot", lambda a, b: np.dot(a, b), 2, shapes=DOT_SHAPES, mixed=MIXED),
    OpSpec("dot_method", lambda a, b: a.dot(b), 2, dtypes=FLOATS, shapes=DOT_SHAPES[4:7]),
    OpSpec("inner", lambda a, b: np.inner(a, b), 2, shapes=INNER_SHAPES, mixed=MIXED),
    OpSpec("outer", lambda a, b: np.outer(a, b), 2, shapes=OUTER_SHAPES, mixed=MIXED),
    OpSpec("vdot", lambda a, b: np.vdot(a, b), 2, shapes=VDOT_SHAPES, mixed=MIXED),
    OpSpec("tensordot", lambda a, b: np.tensordot(a, b), 2, shapes=TENSORDOT_SHAPES),
    OpSpec("tensordot_1", lambda a, b: np.tensordot(a, b, axes=1), 2,
           shapes=[((2, 3), (3, 4)), ((2, 3, 4), (4, 5)), ((3,), (3,)), ((2, 3), (4, 3))]),
    OpSpec("tensordot_0", lambda a, b: np.tensordot(a, b, axes=0), 2,
           shapes=[((2, 3), (4,)), ((), (3,))]),
    OpSpec("tensordot_pairs", lambda a, b: np.tensordot(a, b, axes=([0, -1], [2, 0])), 2,
           shapes=[((2, 3, 4), (4, 5, 2)), ((2, 3, 4), (4, 5, 3))], mixed=MIXED[:1]),
    OpSpec("tensordot_ints", lambda a, b: np.tensordot(a, b, axes=(1, 0)), 2,
           shapes=[((2, 3), (3, 4)), ((2, 3), (2, 4))]),
    OpSpec("tensordot_bad_axes", lambda a, b: np.tensordot(a, b, axes=([0], [0, 1])), 2,
           shapes=[((2, 3), (2, 3))]),
    # -- einsum
    _einsum("matmul", "ij,jk->ik", [
        ((3, 4), (4, 5)), ((3, 4), (5, 5)), ((2, 1), (3, 4)), ((3, 0), (0, 5)), ((3, 0), (1, 5)),
    ]),
    _einsum("implicit", "ij,jk", [((3, 4), (4, 5))]),
    _einsum("implicit_order", "ba,cb", [((3, 4), (2, 3))]),
    _einsum("batch_transpose", "bij,bjk->bki", [((2, 3, 4), (2, 4, 5))]),
    _einsum("dot", "i,i", [((4,), (4,)), ((4,), (1,))]),
    _einsum("outer", "i,j->ij", [((3,), (4,))]),
    _einsum("hadamard", "ij,ij->ij", [((3, 4), (3, 4)), ((1, 4), (3, 4))]),
    _einsum("sum_one_side", "ij,jk->k", [((3, 4), (4, 5))]),
    _einsum("ellipsis", "...ij,...jk->...ik", [((2, 3, 4), (4, 5)), ((3, 4), (4, 5))]),
    _einsum("chain", "ij,jk,kl->il", [((2, 3), (3, 4), (4, 5))]),
    _einsum("three_dot", "i,i,i->", [((4,), (4,), (4,))]),
    _einsum("trace", "ii", [((3, 3),), ((3, 4),)]),
    _einsum("diagonal", "ii->i", [((3, 3),)]),
    _einsum("diag_batch", "...ii->...i", [((2, 3, 3),), ((3, 3),)]),
    _einsum("repeat_sum", "iij->j", [((3, 3, 2),)]),
    _einsum("transpose", "ij->ji", [((3, 4),)]),
    _einsum("sum_all", "ijk->", [((2, 3, 4),)]),
    _einsum("scalar", ",i->i", [((), (3,))]),
    _einsum("bad_output", "ij->k", [((3, 4),)]),
    _einsum("ellipsis_not_in_output", "...i->i", [((2, 3),), ((3,),)]),
    _einsum("wrong_ndim", "ij", [((3,),)]),
    OpSpec("einsum_interleaved", lambda a, b: np.einsum(a, [0, 1], b, [1, 2], [2, 0]), 2,
           shapes=[((3, 4), (4, 5))]),
    OpSpec("einsum_dtype", lambda a, b: np.einsum("ij,jk", a, b, dtype=np.float64), 2,
           shapes=[((3, 4), (4, 5))]),
]
