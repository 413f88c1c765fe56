"""Shape-function cases the spec table cannot express: traced arguments, ``out=``,
identity results, and the arguments jitflow refuses (NumPy accepts them, jitflow must
raise a clear error naming the user's line). Values are covered by tests/specs_shape.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import jitflow
from jitflow import errors
from oracle import assert_matches

A = np.arange(12.0).reshape(3, 4)


def test_traced_roll_shift():
    for shift in (np.int64(2), np.int64(-7), np.int32(0)):
        assert_matches(lambda a, s: (np.roll(a, s, axis=1), np.roll(a, s)), A, shift)


def test_traced_pad_value_and_empty_mode():
    assert_matches(lambda a, v: np.pad(a, ((1, 0), (2, 1)), constant_values=v), A, np.float64(-2.5))
    f = jitflow.function(lambda a: np.pad(a, 2, mode="empty"))
    out = f(A)
    assert out.shape == (7, 8) and out.dtype == A.dtype
    np.testing.assert_array_equal(out[2:-2, 2:-2], A)


def test_concatenate_out_and_dtype():
    def f(a, out):
        np.concatenate([a, a[:1]], out=out)
        return np.stack([a, a], axis=1, dtype=np.float32)

    assert_matches(f, A, np.zeros((4, 4), np.float32))
    _raises(TypeError, lambda a, o: np.concatenate([a, a[:1]], out=o), A, np.zeros((4, 4), int),
            match="same_kind")


def test_astype_without_copy_is_the_array():
    def f(a):
        b = a.astype(a.dtype, copy=False)  # NumPy returns `a` itself
        b[0] = -1
        c = np.astype(a, np.float32, copy=False)  # a new array (other dtype)
        c[1] = -2
        return c

    assert_matches(f, A)


def test_broadcast_results_are_views():
    def f(a):
        b = np.broadcast_to(a[0], (2, 4))
        a[0, 0] = 100  # the view sees its base's write
        return b + 0, np.diag(a) + 0

    assert_matches(f, A)


def _raises(cls, fn, *args, match=None):
    with pytest.raises(cls, match=match) as info:
        jitflow.function(fn)(*args)
    assert isinstance(info.value, errors.JitflowError)
    assert f"test_shape_functions.py:{fn.__code__.co_firstlineno}" in str(info.value)


def test_refused_arguments():
    _raises(errors.UnsupportedError, lambda a: np.reshape(a, -1, order="F"), A, match="order")
    _raises(errors.UnsupportedError, lambda a: a.T.ravel(order="K"), A, match="order")
    _raises(errors.UnsupportedError, lambda a: np.pad(a, 1, mode="mean"), A, match="'mean'")
    _raises(errors.UnsupportedError, lambda a, r: np.repeat(a, r), A, np.int64(2),
            match="static")
    _raises(errors.TracerConversionError, lambda a, n: np.tile(a, n), A, np.int64(2))


def test_numpy_refusals_are_jitflow_errors():
    _raises(ValueError, lambda a: a[:, 1:3].reshape(-1, copy=False), A, match="copy")
    _raises(ValueError, lambda a: np.moveaxis(a, 0, 5), A, match="out of bounds")
    _raises(errors.DTypeError, lambda a: np.full_like(a.astype(np.int8), 300), A,
            match="out of bounds for int8")
    _raises(errors.ReadOnlyError, lambda a: np.diag(a).__setitem__(0, 1), A, match="np.diag")
    _raises(errors.ReadOnlyError, lambda a: np.broadcast_arrays(a, a[:, :1])[1].fill(0), A)
