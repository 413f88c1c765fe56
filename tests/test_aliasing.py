"""Arguments that share memory, and the memory layout of arguments (DESIGN decision 12),
against NumPy: each case builds fresh arrays twice with ``make()`` (the memory, and the
arguments made from it: the same array twice, overlapping views, an array and its
transpose), runs the plain function on one and the jitflow function on the other, and
compares the results and every byte of the memory afterwards.
"""

from __future__ import annotations

import numpy as np
import pytest
from oracle import assert_same

import jitflow
from jitflow import aliasing, errors


def check(fn, make, calls: int = 2):
    """``fn(*args)`` under NumPy and jitflow agree, results and memory, on ``calls``
    fresh calls (the second one a cache hit)."""
    compiled = jitflow.function(fn)
    for _ in range(calls):
        memory, args = make()
        expected = fn(*args)
        memory_jf, args_jf = make()
        actual = compiled(*args_jf)
        assert_same(actual, expected)
        for m_jf, m in zip(memory_jf, memory):
            np.testing.assert_array_equal(m_jf, m)
    return compiled


def same_twice(n=5):
    def make():
        x = np.arange(n, dtype=np.float64)
        return (x,), (x, x)
    return make


def shifted(n=6):
    def make():
        x = np.arange(n, dtype=np.float64) * 1.5
        return (x,), (x[:-1], x[1:])
    return make


def with_transpose(n=3):
    def make():
        x = np.arange(n * n, dtype=np.float64).reshape(n, n)
        return (x,), (x, x.T)
    return make


def with_strided(n=8):
    def make():
        x = np.arange(n, dtype=np.int64)
        return (x,), (x, x[::2])
    return make


def row_and_column():
    def make():
        x = np.arange(12.0).reshape(3, 4)
        return (x,), (x[:, 1], x[1, :])
    return make


# -- the functions ---------------------------------------------------------------------------


def read_after_write(a, b):
    a += 1
    return b.sum()


def write_both(a, b):
    a[0] = 10
    b[1] = 20
    return a.sum() * b.sum()


def write_same_element(a, b):
    a[1] = 1
    b[1] = 2
    return a.copy(), b.copy()


def copy_over(a, b):
    k = min(len(a), len(b))
    a[:k] = b[:k]  # NumPy copies through a temporary when the memory overlaps
    return a.sum()


def add_into(a, b):
    k = min(len(a), len(b))
    a[:k] += b[:k]
    return b.copy()


def first_then_second(a, b):
    a[0] = 100
    b[0] = b[0] + a[0]
    return b[0]


@pytest.mark.parametrize("fn", [read_after_write, write_both, write_same_element, copy_over,
                                add_into, first_then_second])
@pytest.mark.parametrize("make", [same_twice(), shifted(), with_strided(), row_and_column()],
                         ids=["x,x", "x[:-1],x[1:]", "x,x[::2]", "x[:,1],x[1,:]"])
def test_aliased_arguments_give_numpys_answer(fn, make):
    check(fn, make)


@pytest.mark.parametrize("fn", [read_after_write, write_both, copy_over, add_into])
def test_an_array_and_its_transpose(fn):
    check(fn, with_transpose())


def staged_loop(a, b):
    for i in range(1, a.shape[0]):
        a[i] = b[i - 1] * 2 + 1  # reads what the previous iteration wrote
    return a.sum()


def staged_while(a, b):
    i = 0
    while b.sum() < 100 and i < 50:
        a[i % a.shape[0]] += 7
        i += 1
    return i


def staged_if(a, b):
    if b.sum() > 3:
        a[0] = -1
    else:
        a[0] = 1
    return b[0]


@pytest.mark.parametrize("fn,make", [
    pytest.param(staged_loop, same_twice(), id="loop-x,x"),
    pytest.param(staged_loop, shifted(), id="loop-x[:-1],x[1:]"),
    pytest.param(staged_while, same_twice(), id="while-x,x"),
    pytest.param(staged_while, shifted(), id="while-x[:-1],x[1:]"),
    pytest.param(staged_if, same_twice(), id="if-x,x"),
    pytest.param(staged_if, shifted(), id="if-x[:-1],x[1:]"),
])
def test_aliasing_through_staged_control_flow(fn, make):
    check(fn, make)


def test_three_arguments_and_a_tree():
    def fn(p, c):
        p["w"][0] += 1
        c[0] += p["v"][0]
        return p["v"].sum() + c.sum()

    def make():
        x = np.arange(6.0)
        return (x,), ({"w": x, "v": x[1:]}, x[::3])

    check(fn, make)


def test_disjoint_interleaved_views_are_independent():
    def fn(a, b):
        a += 1
        return b.sum()

    def make():
        x = np.arange(8.0)
        return (x,), (x[::2], x[1::2])

    check(fn, make)
    _, args = make()
    assert aliasing.memory_key(list(args), lambda: ["a", "b"]).groups == ()


def test_gaps_between_members_are_never_written():
    def fn(a, b):
        a[0] = 5
        b[-1] = 7

    def make():
        x = np.arange(12.0)
        return (x,), (x[0:8:3], x[2:10:4])

    check(fn, make)


def test_aliasing_pattern_is_part_of_the_signature():
    f = jitflow.function(read_after_write)
    x, y = np.zeros(3), np.zeros(3)
    assert f(x, y) == 0.0
    assert f(x, x) == 6.0  # x is now [1, 1, 1]; then +1 and read back through b
    assert f.trace_count == 2
    assert "share memory" in f.cache_info().traces[-1].reason
    assert f(x, y) == 0.0 and f.trace_count == 2  # both signatures cached
    assert f(y, y) == 3.0 and f.trace_count == 2


def test_mixed_dtypes_over_the_same_memory_are_refused():
    f = jitflow.function(read_after_write)
    x = np.zeros(4)
    with pytest.raises(errors.UnsupportedError, match="different dtypes"):
        f(x, x.view(np.int64))
    assert (x == 0).all()


def test_read_only_alias_written_through_raises_and_writes_nothing():
    def write_b(a, b):
        a[1] = 3
        b[0] = 1

    def write_a(a, b):
        a[0] = 1
        return b[0]

    x = np.zeros(3)
    v = x.view()
    v.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        jitflow.function(write_b)(x, v)
    assert (x == 0).all()
    # Written through the writable name only: NumPy is fine, and the read-only one sees it.
    assert jitflow.function(write_a)(x, v) == 1.0
    assert x[0] == 1.0


def test_no_aliasing_keeps_the_fast_path():
    x, y = np.zeros(3), np.ones(3)
    assert aliasing.fast_path_memory_ok((x, y))
    assert not aliasing.fast_path_memory_ok((x, x))
    assert not aliasing.fast_path_memory_ok((x[1:], x[:1]))  # same owner: the general path
    assert not aliasing.fast_path_memory_ok((np.asfortranarray(np.ones((2, 2))),))
    assert aliasing.fast_path_memory_ok((x, 1.0, x[::1].copy()))


# -- views and copies: the argument's layout -------------------------------------------------


def reshape_then_write(x):
    r = x.reshape(-1)
    r[0] = 99
    return r


def ravel_then_write(x):
    r = np.ravel(x)
    r[0] = 99
    return r


def transpose_reshape_then_write(x):
    r = x.T.reshape(-1)
    r[1] = 99
    return r.sum()


def reshape_2d_then_write(x):
    r = x.reshape(2, -1)
    r[0, 0] = 99
    return r


LAYOUTS = {
    "C": lambda: np.arange(12.0).reshape(3, 4),
    "F": lambda: np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    "columns": lambda: np.arange(24.0).reshape(3, 8)[:, ::2],
    "rows": lambda: np.arange(24.0).reshape(6, 4)[::2],
    "reversed": lambda: np.arange(12.0).reshape(3, 4)[::-1],
    "1-d strided": lambda: np.arange(12.0)[::2],
}


@pytest.mark.parametrize("fn", [reshape_then_write, ravel_then_write,
                                transpose_reshape_then_write, reshape_2d_then_write])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_reshape_and_ravel_copy_or_view_as_numpy(fn, layout):
    def make():
        x = LAYOUTS[layout]()
        return (x.base if x.base is not None else x,), (x,)

    check(fn, make)


def test_layout_is_part_of_the_signature():
    f = jitflow.function(reshape_then_write)
    c = np.arange(6.0).reshape(2, 3)
    f(c)
    fortran = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    f(fortran)
    assert f.trace_count == 2
    assert fortran[0, 0] == 0.0 and c[0, 0] == 99.0
    assert "strides" in f.cache_info().traces[-1].reason


# -- an argument that is also captured state --------------------------------------------------

G = np.zeros(3)


def write_arg_read_global(a):
    a[0] = 5.0
    return G.sum()


def read_arg_and_global(a):
    return a.sum() + G.sum()


def test_argument_that_is_also_a_global_read_is_fine_written_is_refused():
    global G
    G = np.arange(3.0)
    assert jitflow.function(read_arg_and_global)(G) == read_arg_and_global(G)
    f = jitflow.function(write_arg_read_global)
    with pytest.raises(errors.UnsupportedError, match="reached another way"):
        f(G)
    np.testing.assert_array_equal(G, np.arange(3.0))  # nothing written
    other = np.zeros(3)
    assert f(other) == 3.0 and other[0] == 5.0  # distinct memory: as NumPy
