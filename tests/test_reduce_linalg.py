"""Reductions and products beyond the spec table: write-back, errors, IR, lowering, scale."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import jitflow
from oracle import assert_matches

RNG = np.random.default_rng(0)


def test_inplace_matmul_writes_back():
    def f(a, b):
        a @= b
        return a.sum()

    assert_matches(f, RNG.random((3, 4)), RNG.random((4, 4)))


def test_inplace_matmul_shape_change_is_refused():
    def f(a, b):
        a @= b
        return a

    with pytest.raises(ValueError):
        f(RNG.random((3, 4)), RNG.random((4, 5)))  # NumPy refuses it too
    with pytest.raises(jitflow.JitflowError):
        jitflow.function(f)(RNG.random((3, 4)), RNG.random((4, 5)))


@pytest.mark.parametrize(
    "fn,shape",
    [
        (lambda x: np.sum(x, out=x), (3, 4)),
        (lambda x: np.var(x, where=np.ones(x.shape, bool)), (3, 4)),
        (lambda x: np.max(x, where=np.ones(x.shape, bool)), (3, 4)),
        (lambda x: np.max(x, axis=1), (3, 0)),
        (lambda x: np.argmin(x), (0,)),
        (lambda x: np.argmax(x, axis=(0, 1)), (3, 4)),
        (lambda x: np.var(x, dtype=np.int64), (3, 4)),
        (lambda x: np.einsum("ij,jk->k", x, x), (3, 4)),
        (lambda x: np.tensordot(x, x, axes=3), (3, 4)),
    ],
)
def test_errors_name_the_user_line(fn, shape):
    with pytest.raises(jitflow.JitflowError) as info:
        jitflow.function(fn)(RNG.random(shape))
    assert "test_reduce_linalg.py:" in str(info.value)


def test_argmax_picks_first_nan_then_first_maximum():
    x = np.array([[1.0, 3.0, 3.0, np.nan, np.nan], [2.0, 5.0, 5.0, -1.0, 5.0]])
    assert_matches(lambda x: (np.argmax(x, axis=1), np.argmin(x, axis=1), np.max(x, 1)), x)


def test_python_float_argument_sums_as_float64():
    assert_matches(lambda s: np.sum(s) + np.mean(s), 2.5)


def test_var_with_given_mean_and_average_returned():
    x = RNG.random((3, 4)).astype(np.float32)
    assert_matches(lambda x: np.var(x, axis=1, mean=np.mean(x, axis=1, keepdims=True)), x)
    assert_matches(lambda x: np.average(x, axis=0, returned=True), x)


def test_einsum_many_operands_and_interleaved_ellipsis():
    a, b, c, d = RNG.random((3, 4)), RNG.random((4, 5)), RNG.random((5, 2)), RNG.random((2, 3))
    assert_matches(lambda a, b, c, d: np.einsum("ij,jk,kl,li->", a, b, c, d), a, b, c, d)
    x = RNG.random((2, 3, 4))
    assert_matches(lambda x: np.einsum(x, [Ellipsis, 0, 1], [1, Ellipsis]), x)


def test_reductions_print_and_lower_as_one_op():
    f = jitflow.function(lambda x: np.sum(x, axis=1))
    text = str(f.trace(np.ones((3, 4), np.float32)).graph)
    assert "reduce_sum" in text and "axes=(1" in text
    assert "stablehlo.reduce" in f.lower(np.ones((3, 4), np.float32)).as_text()


def test_float_products_ask_for_highest_precision():
    f = jitflow.function(lambda a, b: a @ b)
    fl = f.lower(np.ones((2, 3), np.float32), np.ones((3, 2), np.float32)).as_text()
    assert "precision = [HIGHEST, HIGHEST]" in fl
    il = f.lower(np.ones((2, 3), np.int32), np.ones((3, 2), np.int32)).as_text()
    assert "dot_general" in il and "HIGHEST" not in il


def test_large_integer_products_are_exact():
    a = RNG.integers(-(2**20), 2**20, size=(16, 64))
    b = RNG.integers(-(2**20), 2**20, size=(64, 8))
    assert_matches(lambda a, b: (a @ b, np.prod(b, axis=1), np.cumsum(a, axis=1)), a, b)


def test_large_float32_reductions_are_accurate():
    x = RNG.random(10**6).astype(np.float32)
    assert_matches(lambda x: (np.sum(x), np.mean(x), np.std(x)), x, rtol=1e-5)
    assert_matches(lambda x: np.cumsum(x, axis=1), x.reshape(1000, 1000), rtol=1e-4)


def test_jax_arrays_stay_jax_arrays():
    with jax.enable_x64(True):
        a = jax.device_put(RNG.random((3, 4)))
    f = jitflow.function(lambda a: (np.einsum("ij->j", a), np.argmax(a, axis=0)))
    s, i = f(a)
    assert isinstance(s, jax.Array) and isinstance(i, jax.Array)
    np.testing.assert_allclose(np.asarray(s), np.asarray(a).sum(0))
    np.testing.assert_array_equal(np.asarray(i), np.asarray(a).argmax(0))


def test_nan_functions_on_all_nan_slices():
    x = np.array([[np.nan, np.nan, np.nan], [1.0, np.nan, -2.0]], np.float32)
    assert_matches(
        lambda x: (np.nanmax(x, axis=1), np.nanmin(x, axis=1), np.nanmean(x, axis=1),
                   np.nansum(x, axis=1), np.nanprod(x, axis=1), np.nanmax(x, 1, initial=0)),
        x,
    )


def test_where_masks_with_numpy_constants():
    x = RNG.random((3, 5))
    m = RNG.random((3, 5)) < 0.5
    assert_matches(
        lambda x: (np.sum(x, axis=1, where=m), np.mean(x, axis=0, where=m[:1]),
                   np.max(x, where=m, initial=-1.0), np.any(x, where=m)),
        x,
    )
