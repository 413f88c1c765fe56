"""Indexing on traced arrays, read and write, against NumPy (tests/oracle.py).

Each case runs the same function with NumPy and with jitflow; writes are checked through
the mutated arguments. Errors must be jitflow errors (of the class NumPy's error maps to)
whose message names this file and the line that indexed.
"""

from __future__ import annotations

import numpy as np
import pytest

import jitflow
from jitflow import errors
from oracle import assert_matches

A3 = np.arange(120.0).reshape(4, 5, 6)
A1 = np.arange(7, dtype=np.int32)

# -- reading ------------------------------------------------------------------------------

BASIC = [
    0, -1, 3, (1, 2), (-1, -2, -3), slice(None), slice(1, 3), slice(None, None, 2),
    slice(None, None, -1), slice(3, 0, -2), slice(-2, None), slice(10, 20), slice(2, 2),
    slice(-100, 100, 3), (slice(None), 1), (Ellipsis, 2), (1, Ellipsis), (None,),
    (None, 1, None), (Ellipsis, None), (slice(None, None, -2), None, 0, slice(1, None, 4)),
    (), Ellipsis, (0, 0, 0, Ellipsis), (np.int64(2), np.int32(-1)), np.array(1),
]


@pytest.mark.parametrize("index", BASIC, ids=repr)
def test_basic_read(index):
    assert_matches(lambda a: a[index], A3)


@pytest.mark.parametrize(
    "index", [2, -7, slice(None, None, -3), (None, slice(1, -1)), (3, Ellipsis), (-1, None)],
    ids=repr,
)
def test_basic_read_1d(index):
    assert_matches(lambda a: a[index], A1)


def test_zero_d_views():
    def f(a, s):
        v = a[3, ...]  # a 0-d view, which sees later writes
        w = s[...]
        a[3] = -5
        v += 1
        w[()] = 2  # writes s
        return v + 0, s[()]

    assert_matches(f, A1.copy(), np.full((), 4.0))


ADVANCED = [
    [0, 2, -1], np.array([[0, 1], [3, 3]]), (slice(None), [0, 1], 2), ([0, 1], slice(None), [1, 2]),
    ([[0], [1]], [0, 2, 4]), (Ellipsis, [1, 1, 0]), (1, slice(None), [0, 5]), (None, [1, 2]),
    (slice(1, 3), [[0, 4]], slice(None, None, -2)), ([], 1), np.array([True, False, True, True]),
    (slice(None), np.array([True, False, False, True, True]), 0),
    np.arange(20).reshape(4, 5) % 3 == 0, ((0, 1), 2),
]


@pytest.mark.parametrize("index", ADVANCED, ids=repr)
def test_advanced_read(index):
    assert_matches(lambda a: a[index], A3)


def test_iteration_and_len():
    def f(a):
        total = np.zeros(a.shape[1:])
        for row in a:
            total = total + row * len(a)
        return total, [r[0] for r in a[0]]

    assert_matches(f, A3)


# -- traced indices -------------------------------------------------------------------------


@pytest.mark.parametrize("i", [np.int64(2), np.int64(-1), np.int32(0)])
def test_traced_index_read(i):
    assert_matches(lambda a, i: (a[i], a[1, i], a[:, i, ::2], a[-i, None]), A3, i)


def test_traced_unsigned_index():
    assert_matches(lambda a, i: (a[i], a[i, i, i]), A3, np.uint8(3))


@pytest.mark.parametrize("i", [np.int64(1), np.int64(-2)])
def test_traced_index_write(i):
    def f(a, i):
        a[i] = 7.0
        a[1:, i, 2] += a[0, i, 2]
        a[i, ::-2] = np.arange(6.0)

    assert_matches(f, A3, i)


def test_traced_index_out_of_range_raises_as_numpy():
    """XLA would clamp a[10] on 4 rows; the program checks it (tests/test_index_checks.py)."""
    f = jitflow.function(lambda a, i: a[i])
    for i in (10, -10, 4, -5):
        with pytest.raises(IndexError, match=f"index {i} is out of bounds for axis 0 with size 4"):
            f(A3, np.int64(i))
        with pytest.raises(IndexError):
            A3[i]


def test_traced_integer_arrays():
    idx = np.array([[0, -1], [2, 2]])
    assert_matches(lambda a, i: (a[i], a[:, i[0]], a[i, 1, i]), A3, idx)

    def f(a, i):
        a[i] = -1.0
        a[0, i[0]] += 100.0

    assert_matches(f, A3, idx)


# -- writing ------------------------------------------------------------------------------

WRITES = [
    (0, 1.5), (-1, np.arange(6.0)), ((1, 2), 3), ((slice(None), 0, slice(None)), 9),
    (slice(None, None, -2), np.arange(30.0).reshape(5, 6)), ((Ellipsis, slice(1, 5, 3)), -4),
    ((slice(3, 0, -1), slice(None), slice(None, None, -4)), np.ones((1, 2))),
    ((None, 0), 2), (slice(10, 20), 5), (Ellipsis, 0), ((), 1),
    ([0, 2], 5), ((slice(None), [0, 1], 2), np.array([10.0, 20.0])),
    (([0, 1], slice(None), [1, 2]), np.arange(5.0)), ([3, 0, 3], np.arange(3.0)[:, None, None]),
    (np.array([True, False, True, True]), 0), (A3 % 7 == 0, -1),
    ((slice(None), [[0], [4]], [1, 1, 1]), np.arange(12.0).reshape(4, 1, 3)),
]


def _setter(index, value):
    def f(a):
        a[index] = value

    return f


@pytest.mark.parametrize("index,value", WRITES, ids=[repr(w[0])[:40] for w in WRITES])
def test_write(index, value):
    assert_matches(_setter(index, value), A3)


def test_repeated_indices_last_write_wins():
    def static(a):
        a[[0, 0, 1, 0]] = np.array([1.0, 2.0, 3.0, 4.0])[:, None, None]
        a[[1, 1], [2, 2]] += 1.0  # read, add, write: once, as in NumPy

    assert_matches(static, A3)

    def traced(a, i):
        a[i] = np.arange(4.0)[:, None, None]
        a[i, 0] += 1.0

    assert_matches(traced, A3, np.array([2, 0, 2, 2]))


def test_traced_mask_write():
    def f(a, b):
        a[a > 50] = 0.0
        a[1:, b > 2] = -1.0
        a[:, a[0, :, 0] < 10] = np.arange(6.0)

    assert_matches(f, A3.copy(), np.arange(5.0))


def test_assignment_casts_like_numpy():
    def f(a, b):
        a[0] = 1.7  # truncated to 1
        a[1:3] = b  # float64 array into int32
        a[3] = True

    assert_matches(f, A1.copy(), np.array([2.9, -3.9]))


# -- errors --------------------------------------------------------------------------------


def _raises(cls, fn, *args, match=None):
    """``fn`` raises ``cls`` naming this file and the line of its body's first statement."""
    with pytest.raises(cls, match=match) as info:
        jitflow.function(fn)(*args)
    assert isinstance(info.value, errors.JitflowError)
    line = fn.__code__.co_firstlineno + (0 if fn.__name__ == "<lambda>" else 1)
    assert f"test_indexing.py:{line}" in str(info.value), str(info.value)
    return info.value


def test_static_out_of_range_is_index_error():
    e = _raises(IndexError, lambda a: a[4], A3, match="index 4 is out of bounds for axis 0")
    assert isinstance(e, errors.IndexingError)
    _raises(IndexError, lambda a: a[:, -6], A3, match="axis 1 with size 5")
    _raises(IndexError, lambda a: a[[0, 9]], A3, match="index 9 is out of bounds")


def test_too_many_indices():
    _raises(IndexError, lambda a: a[0, 0, 0, 0], A3, match="too many indices")
    _raises(IndexError, lambda a: a[..., 0, ...], A3, match="single ellipsis")


def test_invalid_index_types():
    _raises(IndexError, lambda a: a[1.5], A3, match="only integers")
    _raises(IndexError, lambda a, i: a[i], A3, np.float64(1.0), match="only integers")
    _raises(IndexError, lambda a: a[[0, 1], [0, 1, 2]], A3, match="shape mismatch")
    _raises(IndexError, lambda a: a[np.array([True, False])], A3, match="boolean index")


def test_traced_mask_read_names_np_where():
    _raises(errors.UnsupportedError, lambda a: a[a > 3], A3, match="np.where")


def test_traced_slice_bound():
    _raises(errors.UnsupportedError, lambda a, i: a[i:], A3, np.int64(1), match="static")


def test_assignment_errors():
    def shape_mismatch(a):
        a[0] = np.ones(4)

    _raises(ValueError, shape_mismatch, A3, match=r"could not broadcast input array from shape")

    def overflow(a):
        a[0] = 300

    e = _raises(errors.DTypeError, overflow, A1.astype(np.int8), match="out of bounds for int8")
    assert "300" in str(e)

    def read_only(a):
        np.broadcast_to(a, (2, 7))[0, 0] = 1

    _raises(errors.ReadOnlyError, read_only, A1, match="read-only")


def test_large_slice_write_is_one_select_small_one_an_update():
    # u[1:-1, 1:-1] = f(u) covers most of u: pad + select, one fused pass (an in-place
    # update would first copy every slice of u it reads); a small slice stays in place.
    def stencil(u):
        u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        return u

    def corner(u):
        u[:2, :2] = u[:2, :2] * 2.0
        return u

    u = np.arange(100.0).reshape(10, 10)  # interior: 64 of 100 elements
    for fn, op in ((stencil, "select"), (corner, "dynamic_update_slice")):
        f = jitflow.function(fn)
        np.testing.assert_array_equal(f(u.copy()), fn(u.copy()))
        ir = f.trace(u).ir
        assert op in ir
        assert ("dynamic_update_slice" in ir) == (op == "dynamic_update_slice")
