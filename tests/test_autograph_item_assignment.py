"""Filling a NumPy array the function made: ``out = np.zeros(n); out[i] = traced``.

The converter rewrites item assignment (jitflow/autograph/transformers/item_assignment.py)
so that such an array becomes a traced copy when a traced value or index is written into
it (jitflow/autograph/item_assignment.py). Every case runs against NumPy running the same
undecorated code.
"""

import numpy as np
import pytest

import jitflow

X = np.arange(1.0, 6.0)


def assert_matches(fn, *args):
    want = fn(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    got = jitflow.function(fn)(*args)
    if isinstance(want, tuple):
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w)
            assert np.asarray(g).dtype == np.asarray(w).dtype
    else:
        np.testing.assert_allclose(got, want)
        assert np.asarray(got).dtype == np.asarray(want).dtype


def test_straight_line_fill():
    def f(x):
        out = np.zeros(4)
        out[0] = x[0]
        out[1:3] = x[1:3] * 2
        out[-1] = np.sum(x)
        return out

    assert_matches(f, X)


def test_augmented_item_assignment():
    def f(x):
        out = np.ones((2, 5))
        out[0] += x
        out[1, ::2] *= x[::2]
        out[:, 0] -= x[1]
        out[1] /= 2.0
        return out

    assert_matches(f, X)


def test_integer_array_keeps_numpys_casts():
    def f(x):
        out = np.zeros(3, dtype=np.int64)
        out[0] = x[0] * 2.7  # truncated into the int array, as NumPy does
        out[1] += 3
        return out

    assert_matches(f, X)


def test_python_loop_fills_rows():
    def f(x):
        out = np.empty((3, 5))
        for i in range(3):
            out[i] = x * i
        return out

    assert_matches(f, X)


def test_staged_loop_recurrence():
    def f(x):
        n = x.shape[0]
        y = np.empty(n)
        y[0] = x[0]
        for i in range(1, n):
            y[i] = 0.5 * y[i - 1] + x[i]
        return y

    assert_matches(f, X)


def test_traced_trip_count_and_while_loop():
    def f(x, n):
        out = np.zeros(5)
        for i in range(n):
            out[i] = x[i] ** 2
        return out

    def g(x, n):
        out = np.zeros(5)
        i = 0
        while i < n:
            out[i] = x[i] + 1.0
            i += 1
        return out

    assert_matches(f, X, np.int64(3))
    assert_matches(g, X, np.int64(4))


def test_traced_index_into_a_numpy_array():
    def f(x, i):
        out = np.zeros(5)
        out[i] = 1.0
        return out * x

    assert_matches(f, X, np.int64(2))
    with pytest.raises(IndexError, match="index 7 is out of bounds"):
        jitflow.function(f)(X, np.int64(7))


def test_branch_on_a_traced_condition():
    def f(x):
        out = np.zeros(2)
        if x[0] > 2:
            out[0] = x[0]
        else:
            out[1] = x[1]
        return out

    assert_matches(f, X)
    assert_matches(f, X + 5)


def test_nested_function_writes_the_enclosing_array():
    def f(x):
        out = np.zeros(3)

        def put(i, v):
            nonlocal out
            out[i] = v

        put(0, x[0])
        put(2, x[1])
        return out

    assert_matches(f, X)


def test_other_containers_and_static_values_are_plain_python():
    def f(x):
        d = {}
        d["a"] = x * 2
        lst = [0, 0]
        lst[1] = x[0]
        table = np.zeros(3)
        table[1] = 7.0  # a static value: the NumPy array stays a NumPy array
        return d["a"] + lst[1] + table[1]

    assert_matches(f, X)


def test_value_is_evaluated_before_target_and_index():
    order = []

    def f(x):
        out = np.zeros(3)

        def value():
            order.append("value")
            return x[0]

        def index():
            order.append("index")
            return 1

        out[index()] = value()
        return out

    jitflow.function(f)(X)
    assert order == ["value", "index"]  # Python's order for out[index()] = value()


def test_ufunc_at_into_an_array_made_by_np_zeros():
    def group_means(x, labels):
        sums = np.zeros(3)
        np.add.at(sums, labels, x)
        counts = np.zeros(3)
        np.add.at(counts, labels, 1)
        return sums / np.maximum(counts, 1)

    assert_matches(group_means, X, np.array([0, 0, 2, 2, 0]))

    def static(x):
        s = np.zeros(3)
        np.maximum.at(s, [0, 0, 1], [1.0, 3.0, 2.0])  # static: plain NumPy
        return s + x[:3]

    assert_matches(static, X)


G = np.zeros(3)


def test_a_global_numpy_array_is_written_as_numpy_writes_it():
    # A global array is an implicit input, written back (DESIGN decision 11).
    def f(x):
        G[0] = x[0]
        return G

    try:
        out = jitflow.function(f)(X)
        np.testing.assert_array_equal(G, [X[0], 0.0, 0.0])
        np.testing.assert_array_equal(out, G)
        assert out is not G
    finally:
        G[:] = 0.0


def test_an_aliased_array_or_a_view_is_refused_clearly():
    def alias(x):
        out = np.zeros(3)
        other = out
        out[0] = x[0]
        return other

    def view(x):
        a = np.zeros((2, 3))
        row = a[0]
        row[1] = x[0]
        return a

    for fn in (alias, view):
        with pytest.raises(jitflow.TracerConversionError, match="something else also"):
            jitflow.function(fn)(X)


def test_attribute_target_is_written_as_numpy_writes_it():
    class Buffer:
        def __init__(self):
            self.data = np.zeros(3)

    buf = Buffer()

    def f(x):
        buf.data[0] = x[0]
        return buf.data

    out = jitflow.function(f)(X)
    np.testing.assert_array_equal(buf.data, [X[0], 0.0, 0.0])
    np.testing.assert_array_equal(out, buf.data)


def test_converted_code_shows_the_rewrite():
    def f(x):
        out = np.zeros(2)
        out[0] = x[0]
        out[1] += x[1]
        return out

    code = jitflow.autograph.to_code(f)
    assert "out = ag__.setitem(value=x[0], target=out, index=0)" in code
    assert "out = ag__.setitem_aug(out, 1, 'add', x[1])" in code

    def g(x, i):
        s = np.zeros(2)
        np.add.at(s, i, x)
        return s

    assert "s = ag__.ufunc_at(np.add, s, i, x)" in jitflow.autograph.to_code(g)
