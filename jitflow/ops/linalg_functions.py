"""NumPy's ``np.linalg`` decompositions and solvers, on the LAPACK primitives of
:mod:`jitflow.ops.lapack`.

What NumPy does, done the same way:

* **Dtypes.** NumPy computes every decomposition in double precision (complex128 for
  complex input) and casts the result back: float32 in, float32 out, but computed in
  float64; integers and bools become float64; float16 is refused. The same here (the
  result dtype comes from NumPy itself, asked on a 1x1 stand-in).
* **Errors known only at run time.** A singular matrix (``solve``, ``inv``), one that is
  not positive definite (``cholesky``), or a decomposition that did not converge raise
  NumPy's ``LinAlgError`` with NumPy's message: LAPACK's status is checked by the compiled
  program (:func:`jitflow.ops.checks.check_not_any`), and the call raises
  ``jitflow.LinAlgError``, which ``except np.linalg.LinAlgError`` catches.
* **Shapes.** Stacks of matrices broadcast as in NumPy; ``solve``'s ``b`` is a vector only
  when it is 1-D (NumPy 2). Empty matrices are refused with a clear error (LAPACK is not
  called on them).

``solve`` is LU with partial pivoting (``getrf``), the row permutation, then two triangular
solves: what LAPACK's ``gesv``, which NumPy calls, does. ``lstsq`` (whose residuals' shape
depends on the computed rank) and the non-symmetric ``eig``/``eigvals`` (whose dtype
depends on the data) are refused with the reason.
"""

from __future__ import annotations

import operator

import numpy as np

from jitflow import errors
from jitflow.ops import bounds, checks, lapack
from jitflow.ops import control_flow as cf
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, scalar_result, to_value, wrap
from jitflow.ops.reductions import require_static
from jitflow.ops.shape_functions import tracer
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import add_input, bind, new_graph
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line

_RESULTS = np.linalg._linalg  # NumPy's named result tuples (EighResult, SVDResult, ...)

# Values known to be triangular while tracing: value id -> True (lower) / False (upper).
# Cholesky factors are; NumPy code then solves with them through np.linalg.solve (NumPy
# has no triangular solver), which needs no LU here: the factor is already one.
_TRIANGULAR: dict[int, bool] = {}


# -- shared steps ----------------------------------------------------------------------------


def _numpy_dtype(name: str, fn, *dtypes, pick: int = 0) -> np.dtype:
    """The result dtype NumPy gives ``fn`` for operands of ``dtypes`` (1x1 identity
    stand-ins; result ``pick`` of a tuple), or NumPy's refusal (float16, ...) as a jitflow
    error."""
    try:
        with np.errstate(all="ignore"):
            out = fn(*[np.eye(1, dtype=d) for d in dtypes])
    except TypeError as e:
        raise errors.DTypeError(at_user_line(f"np.linalg.{name}: {e}")) from None
    out = out[pick] if isinstance(out, tuple) else out
    return np.asarray(out).dtype


def _stacked_square(name: str, a) -> None:
    """NumPy's ``_assert_stacked_square``, with its messages."""
    _stacked_2d(name, a)
    if a.shape[-1] != a.shape[-2]:
        raise errors.LinAlgError(at_user_line(
            f"np.linalg.{name}: Last 2 dimensions of the array must be square"
        ))


def _square(name: str, fn, a, pick: int = 0):
    """``a`` as a tracer, checked as NumPy checks a stack of square matrices (and refused
    if empty), with the result dtype NumPy's ``fn`` gives (result ``pick`` of a tuple)."""
    a = tracer(a)
    _stacked_square(name, a)
    dtype = _numpy_dtype(name, fn, a.dtype, pick=pick)
    _not_empty(name, a)
    return a, dtype


def _stacked_2d(name: str, a) -> None:
    if a.ndim < 2:
        raise errors.LinAlgError(at_user_line(
            f"np.linalg.{name}: {a.ndim}-dimensional array given. Array must be at least "
            "two-dimensional"
        ))


def _not_empty(name: str, a) -> None:
    if a.size == 0:
        raise errors.UnsupportedError(at_user_line(
            f"np.linalg.{name} of an empty matrix ({a.shape}) is not supported by jitflow: "
            "handle the empty case before calling the decorated function."
        ))


def _working(a):
    """``a`` as a float64 (complex128 for complex) tracer: NumPy's working precision."""
    a = tracer(a)
    return a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)


def _fails(info, error_message: str) -> None:
    """Raise NumPy's LinAlgError at run time if LAPACK reported a failure (info != 0)."""
    bad = ew.compare(info, constant(np.zeros(info.shape, np.int32)), "NE")
    checks.check_not_any(bad, errors.LinAlgError, error_message)


def _positive(info, error_message: str) -> None:
    bad = ew.compare(info, constant(np.zeros(info.shape, np.int32)), "GT")
    checks.check_not_any(bad, errors.LinAlgError, error_message)


def _fori(n: int, body, init: list):
    """``for i in range(n): state = body(i, *state)``, as one ``while`` op (``i`` is an
    int32 scalar tracer, the state a list of tracers)."""
    values = [to_value(v) for v in init]
    avals = [AbstractArray((), np.dtype(np.int32))] + [v.aval for v in values]
    with new_graph("cond") as cond_graph:
        i = add_input(avals[0])
        for a in avals[1:]:
            add_input(a)
        cond_graph.outputs = [ew.compare(i, constant(np.int32(n)), "LT")]
    with new_graph("body") as body_graph:
        inputs = [add_input(a) for a in avals]
        outs = body(wrap(inputs[0]), *[wrap(v) for v in inputs[1:]])
        step = ew.apply(ew.add_p, inputs[0], constant(np.int32(1)))
        body_graph.outputs = [step] + [to_value(o) for o in outs]
    results = cf.while_loop([constant(np.int32(0))] + values, cond_graph, body_graph)
    return [wrap(r) for r in results[1:]]


def _permutation(pivots, m: int):
    """The row order ``P`` with ``a[P] = L @ U``, from LAPACK's row interchanges (row ``i``
    was swapped with row ``pivots[i]``, in order)."""
    pivots = pivots.astype(np.int64)
    rows = np.arange(m)
    if pivots.ndim == 1:  # one matrix: two element reads and writes per interchange
        def swap_one(i, perm):
            i = to_value(i.astype(np.int64))
            j = sh.reshape(sh.dynamic_slice(to_value(pivots), [i], (1,)), ())
            p_i = sh.dynamic_slice(to_value(perm), [i], (1,))
            p_j = sh.dynamic_slice(to_value(perm), [j], (1,))
            out = sh.dynamic_update_slice(to_value(perm), p_j, [i])
            return [wrap(sh.dynamic_update_slice(out, p_i, [j]))]

        perm = _fori(pivots.shape[-1], swap_one, [wrap(constant(rows))])[0]
        bounds.hint(perm.value, 0, m - 1)
        return perm
    # A stack: each matrix swaps other rows; one-hot selections over the rows.
    perm = np.broadcast_to(rows, pivots.shape[:-1] + (m,)) + np.zeros_like(pivots[..., :1])

    def swap(i, perm):
        j = np.sum(np.where(np.arange(pivots.shape[-1]) == i, pivots, 0), -1, keepdims=True)
        at_i, at_j = rows == i, rows == j
        p_i = np.sum(np.where(at_i, perm, 0), -1, keepdims=True)
        p_j = np.sum(np.where(at_j, perm, 0), -1, keepdims=True)
        return [np.where(at_i, p_j, np.where(at_j, p_i, perm))]

    perm = _fori(pivots.shape[-1], swap, [perm])[0]
    bounds.hint(perm.value, 0, m - 1)  # a permutation of the rows: no bounds check on use
    return perm


def _triangle(a) -> bool | None:
    """True/False if ``a`` is known to be lower/upper triangular (a Cholesky factor or its
    transpose), None if nothing is known."""
    v = to_value(a)
    if v.id in _TRIANGULAR:
        return _TRIANGULAR[v.id]
    op = v.op
    if op is not None and op.prim is sh.transpose_p and op.inputs[0].id in _TRIANGULAR:
        perm, n = op.params["perm"], v.ndim
        if tuple(perm) == tuple(range(n - 2)) + (n - 1, n - 2):
            return not _TRIANGULAR[op.inputs[0].id]
    return None


def _lu(name: str, a):
    """LU factors, pivots and LAPACK's info of the working-precision ``a``."""
    lu, pivots, info = bind(lapack.lu_p, to_value(a))
    return wrap(lu), wrap(pivots), info


def _triangular(a, b, lower: bool, unit: bool = False):
    value = bind(lapack.triangular_solve_p, to_value(a), to_value(b),
                 lower=lower, unit_diagonal=unit)
    return wrap(value)


# -- solve, inv, det, slogdet ----------------------------------------------------------------


@implements(np.linalg.solve)
def solve(a, b):
    a, b = tracer(a), tracer(b)
    _stacked_square("solve", a)
    dtype = _numpy_dtype("solve", np.linalg.solve, a.dtype, b.dtype)
    m = a.shape[-1]
    vector = b.ndim == 1
    matrices = b[:, None] if vector else b
    if matrices.shape[-2] != m:
        raise errors.ShapeError(at_user_line(
            f"np.linalg.solve: b of shape {b.shape} does not fit a of shape {a.shape} "
            f"(its {'length' if vector else 'second-to-last dimension'} must be {m})"
        ))
    try:
        batch = np.broadcast_shapes(a.shape[:-2], matrices.shape[:-2])
    except ValueError as e:
        raise errors.ShapeError(at_user_line(f"np.linalg.solve: {e}")) from None
    _not_empty("solve", a)
    if matrices.size == 0:  # no right-hand sides (a vector b is never empty here)
        return np.zeros(batch + matrices.shape[-2:], dtype)
    lower = _triangle(a)
    if lower is not None and a.dtype.kind == "f":
        # A Cholesky factor: its diagonal is positive (cholesky checked), so one
        # triangular solve gives NumPy's answer (to rounding) without an LU.
        m, k = matrices.shape[-2:]
        work_a = np.broadcast_to(_working(a), batch + (m, m))
        work_b = np.broadcast_to(_working(matrices), batch + (m, k))
        x = _triangular(work_a, work_b, lower=lower).astype(dtype)
        return x[..., 0] if vector else x
    x = _solve(_working(a), _working(matrices), batch)
    x = x.astype(dtype)
    return x[..., 0] if vector else x


def _solve(a, b, batch, check: bool = True):
    """``a^-1 @ b`` for working-precision stacks; a singular ``a`` raises NumPy's
    LinAlgError when the call returns (``check``), else gives non-finite values."""
    m, k = b.shape[-2:]
    lu, pivots, info = _lu("solve", a)
    if check:
        _positive(info, "Singular matrix")
    lu = np.broadcast_to(lu, batch + (m, m))
    perm = np.broadcast_to(_permutation(pivots, m), batch + (m,))
    b = np.take_along_axis(np.broadcast_to(b, batch + (m, k)), perm[..., :, None], axis=-2)
    y = _triangular(lu, b, lower=True, unit=True)
    return _triangular(lu, y, lower=False)


@implements(np.linalg.inv)
def inv(a):
    a, dtype = _square("inv", np.linalg.inv, a)
    return _inverse(_working(a)).astype(dtype)


def _inverse(work, check: bool = True):
    eye = np.broadcast_to(np.eye(work.shape[-1], dtype=work.dtype), work.shape)
    return _solve(work, eye, work.shape[:-2], check)


def _lu_diagonal_and_sign(a):
    """The diagonal of ``U`` and the permutation's sign (+1/-1) for working ``a``."""
    lu, pivots, _ = _lu("det", a)
    diag = np.diagonal(lu, axis1=-2, axis2=-1)
    swaps = np.sum(pivots != np.arange(pivots.shape[-1]), axis=-1)
    sign = np.where(swaps % 2 == 1, -1.0, 1.0)
    return diag, sign


@implements(np.linalg.det)
def det(a):
    a, dtype = _square("det", np.linalg.det, a)
    diag, sign = _lu_diagonal_and_sign(_working(a))
    return (sign * np.prod(diag, axis=-1)).astype(dtype)


@implements(np.linalg.slogdet)
def slogdet(a):
    a, dtype = _square("slogdet", np.linalg.slogdet, a)
    diag, sign = _lu_diagonal_and_sign(_working(a))
    size = np.abs(diag)
    zero = np.any(size == 0, axis=-1)
    if diag.dtype.kind == "c":
        phase = np.prod(diag / np.where(size == 0, 1, size), axis=-1) * sign
    else:
        phase = sign * np.prod(np.sign(diag), axis=-1)
    phase = np.where(zero, 0, phase)
    logdet = np.where(zero, -np.inf, np.sum(np.log(np.where(size == 0, 1, size)), axis=-1))
    real = np.dtype(dtype).type(0).real.dtype
    return _RESULTS.SlogdetResult(phase.astype(dtype), logdet.astype(real))


@implements(np.linalg.matrix_power)
def matrix_power(a, n):
    """NumPy's recipe: repeated squaring (``n`` must be known while tracing)."""
    a = tracer(a)
    _stacked_square("matrix_power", a)
    require_static("linalg.matrix_power", "n", n)
    try:
        n = operator.index(n)
    except TypeError:
        raise errors.DTypeError(at_user_line(
            "np.linalg.matrix_power: exponent must be an integer")) from None
    if n == 0:
        return np.zeros_like(a) + np.eye(a.shape[-2], dtype=a.dtype)
    if n < 0:
        a, n = inv(a), -n
    result = z = None
    while n > 0:
        z = a if z is None else np.matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else np.matmul(result, z)
    return result


# -- cholesky, eigh ----------------------------------------------------------------------------


@implements(np.linalg.cholesky)
def cholesky(a, /, *, upper=False):
    a, dtype = _square("cholesky", np.linalg.cholesky, a)
    factor, info = bind(lapack.cholesky_p, to_value(_working(a)))
    _positive(info, "Matrix is not positive definite")
    lower = np.tril(wrap(factor))
    out = (np.conj(np.swapaxes(lower, -1, -2)) if upper else lower).astype(dtype)
    _TRIANGULAR[to_value(out).id] = not upper
    return out


def _eigh(name: str, a, UPLO):
    a = tracer(a)
    require_static(f"linalg.{name}", "UPLO", UPLO)
    uplo = UPLO.upper() if isinstance(UPLO, str) else UPLO
    if uplo not in ("L", "U"):
        raise errors.InvalidValueError(at_user_line(
            f"np.linalg.{name}: UPLO argument must be 'L' or 'U'"))
    a, dtype = _square(name, np.linalg.eigh, a, pick=1)
    w, v, info = bind(lapack.eigh_p, to_value(_working(a)), lower=uplo == "L")
    _fails(info, "Eigenvalues did not converge")
    real = np.dtype(dtype).type(0).real.dtype
    return wrap(w).astype(real), wrap(v).astype(dtype)


@implements(np.linalg.eigh)
def eigh(a, UPLO="L"):
    w, v = _eigh("eigh", a, UPLO)
    return _RESULTS.EighResult(w, v)


@implements(np.linalg.eigvalsh)
def eigvalsh(a, UPLO="L"):
    return _eigh("eigvalsh", a, UPLO)[0]


# -- svd and what is built on it ---------------------------------------------------------------


@implements(np.linalg.svd)
def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    for what, value in (("full_matrices", full_matrices), ("compute_uv", compute_uv),
                        ("hermitian", hermitian)):
        require_static("linalg.svd", what, value)
    a = tracer(a)
    if hermitian:
        return _hermitian_svd(a, compute_uv)
    _stacked_2d("svd", a)
    dtype = _numpy_dtype("svd", np.linalg.svd, a.dtype)
    real = np.dtype(dtype).type(0).real.dtype
    _not_empty("svd", a)
    s, u, vh, info = bind(lapack.svd_p, to_value(_working(a)),
                          full_matrices=bool(full_matrices), compute_uv=bool(compute_uv))
    _fails(info, "SVD did not converge")
    s = wrap(s).astype(real)
    if not compute_uv:
        return s
    return _RESULTS.SVDResult(wrap(u).astype(dtype), s, wrap(vh).astype(dtype))


def _hermitian_svd(a, compute_uv):
    """NumPy's ``svd(hermitian=True)``: from ``eigh``, sorted by magnitude."""
    if not compute_uv:
        return np.sort(np.abs(eigvalsh(a)))[..., ::-1]
    s, u = eigh(a)
    sgn = np.copysign(1.0, s)
    s = np.abs(s)
    sidx = np.argsort(s)[..., ::-1]
    sgn = np.take_along_axis(sgn, sidx, axis=-1)
    s = np.take_along_axis(s, sidx, axis=-1)
    u = np.take_along_axis(u, sidx[..., None, :], axis=-1)
    vt = np.conjugate(np.swapaxes(u * sgn[..., None, :], -1, -2))
    return _RESULTS.SVDResult(u, s, vt)


@implements(np.linalg.svdvals)
def svdvals(x, /):
    return svd(x, compute_uv=False)


@implements(np.linalg.matrix_rank)
def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """NumPy's recipe: singular values above a tolerance, counted."""
    if rtol is not None and tol is not None:
        raise errors.InvalidValueError(at_user_line(
            "np.linalg.matrix_rank: `tol` and `rtol` can't be both set."))
    A = tracer(A)
    if A.ndim < 2:
        return np.any(A != 0).astype(np.int64)
    S = svd(A, compute_uv=False, hermitian=hermitian)
    if tol is None:
        if rtol is None:
            rtol = max(A.shape[-2:]) * np.finfo(S.dtype).eps
        else:
            rtol = tracer(rtol)[..., np.newaxis]
        tol = np.max(S, axis=-1, keepdims=True) * rtol
    else:
        tol = tracer(tol)[..., np.newaxis]
    return np.count_nonzero(S > tol, axis=-1)


@implements(np.linalg.pinv)
def pinv(a, rcond=None, hermitian=False, *, rtol=np._NoValue):
    """NumPy's recipe: the SVD with small singular values dropped."""
    a = tracer(a)
    if rcond is None:
        if rtol is np._NoValue:
            rcond = 1e-15
        elif rtol is None:
            rcond = max(a.shape[-2:]) * np.finfo(_numpy_dtype("pinv", np.linalg.pinv,
                                                              a.dtype)).eps
        else:
            rcond = rtol
    elif rtol is not np._NoValue:
        raise errors.InvalidValueError(at_user_line(
            "np.linalg.pinv: `rtol` and `rcond` can't be both set."))
    _stacked_2d("pinv", a)
    _not_empty("pinv", a)
    rcond = tracer(rcond)
    u, s, vt = svd(np.conjugate(a), full_matrices=False, hermitian=hermitian)
    cutoff = rcond[..., np.newaxis] * np.max(s, axis=-1, keepdims=True)
    large = s > cutoff
    s = np.where(large, 1 / np.where(large, s, 1), 0).astype(s.dtype)
    return np.matmul(np.swapaxes(vt, -1, -2), s[..., np.newaxis] * np.swapaxes(u, -1, -2))


@implements(np.linalg.cond)
def cond(x, p=None):
    """NumPy's recipe: the ratio of extreme singular values (p None, 2, -2), else
    ``norm(x, p) * norm(inv(x), p)``; NaN becomes inf unless ``x`` held a NaN."""
    require_static("linalg.cond", "p", p)
    x = tracer(x)
    if x.ndim >= 2 and x.size == 0 and x.shape[-2] * x.shape[-1] == 0:
        raise errors.LinAlgError(at_user_line("np.linalg.cond is not defined on empty arrays"))
    if p is None or p in (2, -2):
        s = svd(x, compute_uv=False)
        r = s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    else:
        _stacked_square("cond", x)
        dtype = _numpy_dtype("cond", np.linalg.inv, x.dtype)
        real = np.dtype(dtype).type(0).real.dtype
        work = _working(x)
        invx = _inverse(work, check=False)  # NumPy ignores a singular x here: inf
        r = np.linalg.norm(work, p, axis=(-2, -1)) * np.linalg.norm(invx, p, axis=(-2, -1))
        r = r.astype(real)
    nan_input = np.any(np.isnan(x), axis=(-2, -1))
    return scalar_result(np.where(np.isnan(r) & ~nan_input, np.inf, r).astype(r.dtype))


# -- qr --------------------------------------------------------------------------------------


@implements(np.linalg.qr)
def qr(a, mode="reduced"):
    require_static("linalg.qr", "mode", mode)
    if mode not in ("reduced", "complete", "r"):
        if mode == "raw":
            raise errors.UnsupportedError(at_user_line(
                "np.linalg.qr(mode='raw') is not supported by jitflow: use 'reduced', "
                "'complete' or 'r'."))
        raise errors.InvalidValueError(at_user_line(
            f"np.linalg.qr: Unrecognized mode '{mode}'"))
    a = tracer(a)
    _stacked_2d("qr", a)
    dtype = _numpy_dtype("qr", np.linalg.qr, a.dtype)
    _not_empty("qr", a)
    m, n = a.shape[-2:]
    k = min(m, n)
    raw, tau = (wrap(v) for v in bind(lapack.geqrf_p, to_value(_working(a))))
    if mode == "r":
        return np.triu(raw[..., :k, :]).astype(dtype)
    rows = m if (mode == "complete" and m > n) else k
    if rows > n:  # Q has more columns than a: zero columns, reflected as identity
        pad = np.zeros(raw.shape[:-1] + (rows - n,), raw.dtype)
        reflectors = np.concatenate([raw, pad], axis=-1)
        tau_full = np.concatenate([tau, np.zeros(tau.shape[:-1] + (rows - k,), tau.dtype)],
                                  axis=-1)
    else:
        reflectors, tau_full = raw[..., :, :rows], tau
    q = wrap(bind(lapack.householder_p, to_value(reflectors), to_value(tau_full)))
    r = np.triu(raw[..., :rows, :])
    return _RESULTS.QRResult(q.astype(dtype), r.astype(dtype))


def _eig(name: str):
    def refuse(a):
        raise errors.UnsupportedError(at_user_line(
            f"np.linalg.{name} is not supported by jitflow: NumPy returns real or complex "
            "eigenvalues depending on whether their imaginary parts are all zero, a dtype "
            "known only from the data, which a compiled program cannot have. For a "
            "symmetric (Hermitian) matrix use np.linalg.eigh/eigvalsh; otherwise compute "
            "it outside the decorated function."
        ))
    return refuse


implements(np.linalg.eig)(_eig("eig"))
implements(np.linalg.eigvals)(_eig("eigvals"))


@implements(np.linalg.lstsq)
def lstsq(a, b, rcond=None):
    raise errors.UnsupportedError(at_user_line(
        "np.linalg.lstsq is not supported by jitflow: its residuals' shape depends on the "
        "computed rank, which a compiled program cannot have. Use "
        "np.linalg.pinv(a) @ b for the solution."
    ))
