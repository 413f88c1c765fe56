"""np.add.at and its siblings (ufunc.at): repeated indices accumulate, against NumPy."""

import numpy as np
import pytest
from oracle import assert_matches

import jitflow
from jitflow import errors

RNG = np.random.default_rng(0)
REPEATED = np.array([0, 2, 2, 5, 0, 2])  # every target hit more than once but 5


@pytest.mark.parametrize("ufunc", [np.add, np.subtract, np.multiply, np.maximum, np.minimum])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32])
def test_repeated_indices_accumulate(ufunc, dtype):
    def f(a, idx, b):
        ufunc.at(a, idx, b)
        return a

    a = (RNG.random(7) * 10).astype(dtype)
    b = (RNG.random(len(REPEATED)) * 10).astype(dtype)
    assert_matches(f, a, REPEATED, b)  # traced indices (an argument)

    def static_idx(a, b):
        ufunc.at(a, [0, 2, 2, 5, 0, 2], b)
        return a

    assert_matches(static_idx, a, b)


def test_per_group_sums_and_counts():
    def group_sums(x, labels, k):
        sums = np.zeros_like(x, shape=(k, x.shape[1]))
        counts = np.zeros_like(labels, shape=(k,))
        np.add.at(sums, labels, x)
        np.add.at(counts, labels, 1)
        return sums, counts, sums / np.maximum(counts, 1)[:, None]

    assert_matches(group_sums, RNG.random((20, 3)), RNG.integers(0, 4, 20), 4)


def test_index_forms_and_broadcast_values():
    def f(a, rows):
        np.add.at(a, (rows, slice(None)), 1.0)  # rows of a 2-D array, a scalar value
        np.add.at(a, (rows, 1), np.arange(3.0))  # one column
        np.add.at(a, slice(1, 3), np.ones(4))  # a slice: each element once
        np.add.at(a, 0, 5.0)  # an integer
        np.add.at(a, np.array([True, False, True, False, False]), 2.0)  # a static mask
        np.maximum.at(a, ([0, 0], [1, 1]), 100.0)
        return a

    assert_matches(f, np.zeros((5, 4)), np.array([4, 0, 4]))


def test_writes_through_views_and_back_to_the_caller():
    def f(a, idx):
        np.add.at(a[1:], idx, 1)  # a view: reaches a

    assert_matches(f, np.zeros(6, np.int64), np.array([0, 0, 4]))


def test_values_cast_to_the_array_dtype():
    def f(a, idx, b):
        np.add.at(a, idx, b)  # float64 values into float32: same_kind, cast
        return a

    assert_matches(f, np.zeros(4, np.float32), np.array([1, 1]), np.array([0.1, 0.2]))


def test_numpy_array_target_works_with_autograph_and_is_explained_without():
    def f(x):
        sums = np.zeros(3)
        np.add.at(sums, [0], x[0])
        return sums

    np.testing.assert_array_equal(jitflow.function(f)(np.full(3, 2.0)), f(np.full(3, 2.0)))
    with pytest.raises(errors.UnsupportedError, match=r"np.zeros_like\(x, shape=") as e:
        jitflow.function(f, autograph=False)(np.ones(3))
    assert "test_ufunc_at.py" in str(e.value)


def test_float_values_into_int_array_are_refused():
    @jitflow.function
    def f(a, b):
        np.add.at(a, [0, 0], b)

    with pytest.raises(errors.DTypeError, match=r"b.astype\(int64\)"):
        f(np.zeros(3, np.int64), np.array([0.5, 0.7]))


def test_traced_mask_is_refused():
    @jitflow.function
    def f(a):
        np.add.at(a, a > 0, 1.0)

    with pytest.raises(errors.UnsupportedError, match="np.where"):
        f(np.ones(3))
