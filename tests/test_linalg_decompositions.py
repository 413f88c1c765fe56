"""np.linalg's decompositions and solvers beyond the per-op specs (tests/specs_lapack.py):
NumPy's LinAlgError raised at run time, refusals, reconstructions, calls from JAX.

The LAPACK status of every factorization is checked by the compiled program: a singular
matrix in ``solve``/``inv`` or one that is not positive definite in ``cholesky`` raises
NumPy's LinAlgError (``jitflow.LinAlgError`` is one) with NumPy's message, naming the
user's line; nothing is written back (jitflow/ops/linalg_functions.py).
"""

import jax
import numpy as np
import pytest

import jitflow

RNG = np.random.default_rng(7)
A = RNG.random((4, 4)) + 4 * np.eye(4)
SPD = A @ A.T


def raises_like_numpy(fn, *args):
    """NumPy's LinAlgError and message from NumPy; the same (and the line) from jitflow."""
    with pytest.raises(np.linalg.LinAlgError) as want:
        fn(*[np.copy(a) for a in args])
    with pytest.raises(jitflow.LinAlgError) as got:
        jitflow.function(fn)(*args)
    assert isinstance(got.value, np.linalg.LinAlgError)
    message = str(got.value)
    assert str(want.value) in message
    assert "test_linalg_decompositions.py:" in message
    return message


def test_singular_solve_and_inv_raise_numpys_error():
    raises_like_numpy(lambda a, b: np.linalg.solve(a, b), np.ones((3, 3)), np.ones(3))
    raises_like_numpy(lambda a: np.linalg.inv(a), np.zeros((2, 2)))
    # One singular matrix in a stack is enough, as in NumPy.
    stack = np.stack([A, np.ones((4, 4))])
    raises_like_numpy(lambda a: np.linalg.inv(a), stack)


def test_cholesky_of_a_matrix_that_is_not_positive_definite():
    raises_like_numpy(lambda a: np.linalg.cholesky(a), -SPD)
    raises_like_numpy(lambda a: np.linalg.cholesky(a, upper=True), np.diag([1.0, -1.0]))


def test_a_failed_call_writes_nothing_back_and_the_next_call_works():
    def f(a, out):
        out[...] = 1.0
        return np.linalg.solve(a, out)

    out = np.zeros(2)
    with pytest.raises(jitflow.LinAlgError):
        jitflow.function(f)(np.zeros((2, 2)), out)
    assert (out == 0).all()
    g = jitflow.function(f)
    np.testing.assert_allclose(g(np.eye(2) * 2, out), [0.5, 0.5])
    with pytest.raises(jitflow.LinAlgError):
        g(np.zeros((2, 2)), out)
    np.testing.assert_allclose(g(np.eye(2) * 4, np.zeros(2)), [0.25, 0.25])


def test_shapes_numpy_refuses():
    for fn, arg in [(np.linalg.inv, np.ones((2, 3))), (np.linalg.det, np.ones(3)),
                    (np.linalg.svd, np.ones(3)), (np.linalg.cholesky, np.ones((2, 3)))]:
        with pytest.raises(np.linalg.LinAlgError):
            fn(arg)
        with pytest.raises(jitflow.LinAlgError, match="two-dimensional|square"):
            jitflow.function(fn)(arg)


def test_refusals_name_the_way_out():
    with pytest.raises(jitflow.UnsupportedError, match="empty matrix"):
        jitflow.function(np.linalg.inv)(np.zeros((0, 0)))
    with pytest.raises(jitflow.UnsupportedError, match="pinv"):
        jitflow.function(lambda a, b: np.linalg.lstsq(a, b))(A, np.ones(4))
    with pytest.raises(jitflow.UnsupportedError, match="'reduced'"):
        jitflow.function(lambda a: np.linalg.qr(a, mode="raw"))(A)
    with pytest.raises(jitflow.DTypeError, match="float16"):
        jitflow.function(np.linalg.inv)(A.astype(np.float16))
    with pytest.raises(jitflow.UnsupportedError, match="n is a traced array"):
        jitflow.function(np.linalg.matrix_power)(A, np.int64(2))
    for name in ("eig", "eigvals"):
        with pytest.raises(jitflow.UnsupportedError, match=f"np.linalg.{name} .*eigh"):
            jitflow.function(getattr(np.linalg, name))(A)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
def test_decompositions_reconstruct_the_matrix(dtype):
    a = (A + (1j * A.T if np.dtype(dtype).kind == "c" else 0)).astype(dtype)
    herm = a @ np.conj(a.T)
    tol = 1e-4 if dtype == np.float32 else 1e-10

    @jitflow.function
    def factors(a, h):
        q, r = np.linalg.qr(a)
        u, s, vh = np.linalg.svd(a)
        w, v = np.linalg.eigh(h)
        c = np.linalg.cholesky(h)
        return q @ r, (u * s) @ vh, (v * w) @ np.conj(v.T), c @ np.conj(c.T)

    for got, want in zip(factors(a, herm), (a, a, herm, herm)):
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * 10)


def test_callable_from_jax_transformations():
    f = jitflow.function(lambda a, b: np.linalg.solve(a, b) + np.linalg.det(a))
    b = np.arange(4.0)
    want = np.linalg.solve(A, b) + np.linalg.det(A)
    with jax.enable_x64(True):
        np.testing.assert_allclose(jax.jit(f)(A, b), want, rtol=1e-12)
        # Inside JAX nothing can raise: a singular matrix gives non-finite values.
        assert not np.isfinite(jax.jit(f)(np.ones((4, 4)), b)).all()


def test_printed_ir_shows_the_factorization_and_the_row_permutation():
    ir = jitflow.function(np.linalg.solve).trace(A, np.ones(4)).ir
    assert " = lu %0" in ir
    assert "while" in ir and "triangular_solve" in ir
    assert "gather" in ir and ir.count("compare") < 20  # the permutation needs no bounds check


def test_other_backends_are_refused_while_tracing(monkeypatch):
    """jaxlib's LAPACK kernels are the CPU's; elsewhere a clear error, not an XLA crash."""
    monkeypatch.setattr(jax, "default_backend", lambda: "gpu")
    with pytest.raises(jitflow.UnsupportedError, match="CPU only .*compiled for gpu") as e:
        jitflow.function(lambda a: np.linalg.inv(a))(A)
    assert "test_linalg_decompositions.py:" in str(e.value)
