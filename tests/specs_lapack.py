"""Op specs for np.linalg's decompositions and solvers (jitflow/ops/linalg_functions.py,
on the LAPACK primitives of jitflow/ops/lapack.py).

Spec names start with ``la_`` so ``-k la_`` runs them all. Inputs are well conditioned
(diagonally dominant; symmetric positive definite where the function needs it), so the
answers are unique up to rounding. Where a decomposition is unique only up to signs
(eigenvectors, singular vectors) the spec compares what is sign-free: absolute values or
the reconstruction. Shapes NumPy refuses (1-D, non-square) expect a jitflow error.
"""

import numpy as np
from opspec import ALL, FLOATS, OpSpec, default_input

COMPLEX = (np.complex64, np.complex128)
SQUARE = [(3, 3), (1, 1), (2, 4, 4), (5,), (3, 4)]
SOLVE = [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 4, 4), (4, 1)), ((2, 3, 3), (2, 3)),
         ((1, 3, 3), (2, 3, 2)), ((3, 3), (4,)), ((3, 4), (3,)), ((2, 3, 3), (3, 3, 1))]
RECTANGULAR = [(4, 3), (3, 5), (2, 3, 4), (1, 1), (5,)]


def dominant(rng, shape, dtype):
    """Random entries plus a diagonal large enough to make every square matrix invertible
    and well conditioned (booleans: the identity with a few extra ones)."""
    x = default_input(rng, shape, dtype)
    if len(shape) < 2:
        return x
    n = min(shape[-2:])
    eye = np.eye(shape[-2], shape[-1], dtype=bool)
    if np.dtype(dtype) == np.bool_:
        return np.where(eye, True, x & (rng.random(shape) < 0.2))
    if np.dtype(dtype).kind == "c":
        x = x + 1j * default_input(rng, shape, np.float64)
    return np.where(eye, x + 4 * n + 4, x).astype(dtype)


def positive_definite(rng, shape, dtype):
    """``a @ a.H + n I``: symmetric (Hermitian) positive definite, in ``dtype``."""
    x = default_input(rng, shape, np.float64)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * default_input(rng, shape, np.float64)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        return x.astype(dtype) if np.dtype(dtype) != np.bool_ else x > 0
    spd = x @ np.conj(np.swapaxes(x, -1, -2)) + shape[-1] * np.eye(shape[-1])
    if np.dtype(dtype) == np.bool_:
        return np.broadcast_to(np.eye(shape[-1], dtype=bool), shape).copy()
    if np.dtype(dtype).kind in "iu":
        return np.round(spd).astype(dtype)
    return spd.astype(dtype)


def _svd_full(a):
    """``U S Vh`` (which must give ``a`` back) and the full matrices' widths."""
    u, s, vh = np.linalg.svd(a)
    k = s.shape[-1]
    widths = np.full(a.shape[:-2], u.shape[-1] + vh.shape[-2]) + 0 * s[..., 0]
    return (u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :], widths


def _abs_columns(result_index):
    return lambda x: np.abs(np.linalg.eigh(x)[result_index])


SPECS = [
    # -- solve, inv, det, slogdet (LU)
    OpSpec("la_solve", lambda a, b: np.linalg.solve(a, b), nargs=2, shapes=SOLVE,
           make=(dominant, default_input), dtypes=ALL + COMPLEX,
           mixed=((np.float32, np.float64), (np.int32, np.float32))),
    OpSpec("la_inv", lambda a: np.linalg.inv(a), shapes=SQUARE, make=dominant,
           dtypes=ALL + COMPLEX),
    OpSpec("la_det", lambda a: np.linalg.det(a), shapes=SQUARE, make=dominant,
           dtypes=ALL + COMPLEX),
    OpSpec("la_det_random", lambda a: np.linalg.det(a), shapes=[(4, 4), (3, 2, 2)],
           dtypes=FLOATS),
    OpSpec("la_det_singular", lambda a: np.linalg.det(a * 0), shapes=[(3, 3)], dtypes=FLOATS),
    OpSpec("la_slogdet", lambda a: np.linalg.slogdet(a), shapes=SQUARE, make=dominant,
           dtypes=ALL + COMPLEX),
    OpSpec("la_slogdet_negative", lambda a: np.linalg.slogdet(-a[..., ::-1, :]),
           shapes=[(3, 3), (2, 4, 4)], make=dominant, dtypes=FLOATS + COMPLEX),
    OpSpec("la_slogdet_singular", lambda a: np.linalg.slogdet(a * 0), shapes=[(3, 3)],
           dtypes=FLOATS + COMPLEX),
    OpSpec("la_matrix_power", lambda a: np.linalg.matrix_power(a, 5), shapes=SQUARE,
           make=dominant, dtypes=FLOATS, rtol=1e-5),
    OpSpec("la_matrix_power_int", lambda a: np.linalg.matrix_power(a, 3), shapes=SQUARE,
           dtypes=(np.int32, np.int64, np.bool_)),
    OpSpec("la_matrix_power_0", lambda a: np.linalg.matrix_power(a, 0), shapes=SQUARE),
    OpSpec("la_matrix_power_1", lambda a: np.linalg.matrix_power(a, 1), shapes=SQUARE),
    OpSpec("la_matrix_power_neg", lambda a: np.linalg.matrix_power(a, -2), shapes=SQUARE,
           make=dominant, dtypes=FLOATS + (np.int64,)),
    # solve with a Cholesky factor (or its transpose): a triangular solve, no LU
    OpSpec("la_solve_cholesky_factor",
           lambda a, b: [np.linalg.solve(np.linalg.cholesky(a), b),
                         np.linalg.solve(np.linalg.cholesky(a).T, b),
                         np.linalg.solve(np.linalg.cholesky(a, upper=True), b)],
           nargs=2, shapes=[((3, 3), (3,)), ((2, 4, 4), (4, 2)), ((1, 3, 3), (2, 3, 1))],
           make=(positive_definite, default_input), dtypes=ALL + COMPLEX),
    # -- cholesky, eigh (symmetric / Hermitian)
    OpSpec("la_cholesky", lambda a: np.linalg.cholesky(a), shapes=SQUARE,
           make=positive_definite, dtypes=ALL + COMPLEX),
    OpSpec("la_cholesky_upper", lambda a: np.linalg.cholesky(a, upper=True),
           shapes=[(3, 3), (2, 4, 4)], make=positive_definite, dtypes=FLOATS + COMPLEX),
    OpSpec("la_eigvalsh", lambda a: np.linalg.eigvalsh(a), shapes=SQUARE,
           make=positive_definite, dtypes=ALL + COMPLEX),
    OpSpec("la_eigvalsh_upper", lambda a: np.linalg.eigvalsh(a, UPLO="U"),
           shapes=[(3, 3), (2, 4, 4)], dtypes=FLOATS),
    OpSpec("la_eigh_values", lambda a: np.linalg.eigh(a).eigenvalues, shapes=SQUARE,
           make=positive_definite, dtypes=FLOATS + COMPLEX),
    OpSpec("la_eigh_vectors", _abs_columns(1), shapes=SQUARE, make=positive_definite,
           dtypes=FLOATS, rtol=1e-4, atol=1e-5),
    # -- svd and what is built on it
    OpSpec("la_svdvals", lambda a: np.linalg.svdvals(a), shapes=RECTANGULAR,
           dtypes=ALL + COMPLEX),
    OpSpec("la_svd_values", lambda a: np.linalg.svd(a, compute_uv=False),
           shapes=RECTANGULAR, dtypes=FLOATS),
    OpSpec("la_svd_reduced_abs", lambda a: [np.abs(m) for m in
                                            np.linalg.svd(a, full_matrices=False)],
           shapes=RECTANGULAR, dtypes=FLOATS, rtol=1e-4, atol=1e-5),
    OpSpec("la_svd_full_reconstructs", _svd_full, shapes=RECTANGULAR, dtypes=FLOATS,
           rtol=1e-4, atol=1e-5),
    OpSpec("la_svd_hermitian_values", lambda a: np.linalg.svd(a, hermitian=True).S,
           shapes=[(3, 3), (2, 4, 4)], make=positive_definite, dtypes=FLOATS),
    OpSpec("la_matrix_rank", lambda a: np.linalg.matrix_rank(a), shapes=RECTANGULAR
           + [(3,), ()], dtypes=ALL),
    OpSpec("la_matrix_rank_low", lambda a: np.linalg.matrix_rank(a[..., :1] * a[..., :1, :]),
           shapes=[(3, 3), (2, 4, 5)], dtypes=FLOATS),
    OpSpec("la_matrix_rank_tol", lambda a: np.linalg.matrix_rank(a, tol=2.0),
           shapes=[(3, 3), (2, 4, 5)], dtypes=FLOATS),
    OpSpec("la_pinv", lambda a: np.linalg.pinv(a), shapes=RECTANGULAR, make=dominant,
           dtypes=FLOATS + COMPLEX + (np.int64,), rtol=1e-4, atol=1e-6),
    OpSpec("la_cond", lambda a: np.linalg.cond(a), shapes=RECTANGULAR, make=dominant,
           dtypes=FLOATS + (np.int64,), rtol=1e-4),
    OpSpec("la_cond_p", lambda a: [np.linalg.cond(a, p) for p in (1, -1, np.inf, "fro", -2)],
           shapes=SQUARE, make=dominant, dtypes=FLOATS, rtol=1e-4),
    # -- qr
    OpSpec("la_qr", lambda a: np.linalg.qr(a), shapes=RECTANGULAR, make=dominant,
           dtypes=FLOATS + COMPLEX + (np.int64,), rtol=1e-4, atol=1e-5),
    OpSpec("la_qr_complete", lambda a: np.linalg.qr(a, mode="complete"), shapes=RECTANGULAR,
           make=dominant, dtypes=FLOATS, rtol=1e-4, atol=1e-5),
    OpSpec("la_qr_r", lambda a: np.linalg.qr(a, mode="r"), shapes=RECTANGULAR, make=dominant,
           dtypes=FLOATS, rtol=1e-4, atol=1e-5),
    # -- np.diagonal (a gather of static indices; ndarray.diagonal too)
    OpSpec("la_diagonal", lambda a: np.diagonal(a), shapes=[(3, 3), (3, 5), (2, 3, 4), (4,)]),
    OpSpec("la_diagonal_offset", lambda a: [np.diagonal(a, k) for k in (-2, -1, 1, 3, 9)],
           shapes=[(3, 3), (3, 5), (2, 3, 4)]),
    OpSpec("la_diagonal_axes", lambda a: a.diagonal(1, 2, 0), shapes=[(2, 3, 4), (3, 3)]),
]
