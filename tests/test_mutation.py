"""Views and mutation (DESIGN decision 4), against NumPy (tests/oracle.py).

Every function below is plain NumPy code that writes into its arguments, through views,
views of views and in-place operators; ``assert_matches`` runs it with NumPy and with
jitflow and compares both the results and the arguments after the call.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest

import jitflow
from jitflow import errors

from oracle import assert_matches, assert_same


def vec(n=8, dtype=np.float64):
    a = np.arange(n, dtype=dtype)
    return a * 1.5 if a.dtype.kind == "f" else a


def mat(r=4, c=5, dtype=np.float64):
    return np.arange(r * c, dtype=dtype).reshape(r, c)


# -- the stencil from DESIGN.md, and in-place operators on slices ---------------------------


def step(a):
    a[1:-1] = (a[:-2] + a[2:]) / 2


def inplace_slices(a):
    a[1:] += 1
    a[::2] *= 3
    a[:3] -= a[-3:]


def inplace_2d(a):
    a[:, 0] -= a[:, 1]
    a[1::2, ::-1] += 10
    a.T[0] /= 4


@pytest.mark.parametrize("fn,arg", [
    (step, vec()), (step, vec(dtype=np.int64)), (inplace_slices, vec()),
    (inplace_slices, vec(dtype=np.int32)), (inplace_2d, mat()),
])
def test_inplace(fn, arg):
    assert_matches(fn, arg)


# -- writes through views, and views of views ----------------------------------------------


def through_slice_view(a):
    v = a[1:4]
    v[0] = 100
    v *= 3  # an in-place operator on a view writes through


def through_strided_view(a):
    v = a[::2]
    v *= 3
    w = a[::-3]
    w[:] = -1


def through_transpose(a):
    a.T[1, 2] = 99
    t = np.transpose(a)
    t[0] += 1
    np.swapaxes(a, 0, 1)[-1, 0] = -5
    np.moveaxis(a, 0, -1)[:, 1] = 7


def through_reshape(a):
    r = a.reshape(5, 4)  # contiguous: a view in NumPy
    r[0] = 0
    np.ravel(a)[-1] = 42
    a.reshape(-1)[3:6] += 1000
    np.expand_dims(a, 0)[0, 1, 1] = -2
    a[None, 2][0, 3] = -3
    np.squeeze(a[None])[3, 0] = -4


def copies_are_not_views(a):
    c = a[:, ::2].reshape(-1)  # not contiguous: NumPy copies
    c[0] = 100
    b = a[::2].ravel()  # ravel copies non-contiguous arrays
    b[:] = 0
    d = a[[0, 1]]  # advanced indexing copies
    d[0] = -1
    e = a.copy()
    e[1] = -2
    f = a.flatten()
    f[2] = -3
    return c, b, d, e, f


def through_split_and_flip(a):
    top, bottom = np.split(a, 2)
    top[0] = 1
    bottom[:, -1] = 2
    np.flip(a)[0, 0] = 3
    np.fliplr(a)[1] = 4
    np.flipud(a)[0, 0] = 5
    left, right = np.array_split(a, [3], axis=1)
    right += 100


def views_of_views(a):
    v = a[1:]
    w = v[::2]
    w[0] = -1  # a[1]
    u = w.T[1:]
    u[0] += 100  # column 1 of rows 1 and 3
    a[1:][::2][-1, 0] = 77
    x = a[2:][None][0, ::-1][0]  # a[3]
    x[...] = 5


def read_view_after_base_write(a):
    v = a[:2]
    t = a.T
    a[0] = 100
    a[:, 1] = -1
    return v * 1, t + 0, v[1, 1]


def scalar_is_a_copy(a):
    x = a[0, 0]  # NumPy returns a scalar, not a view
    y = a[0, ...]  # with an ellipsis: a view of row 0, which sees the write
    a[0, 0] = 1000
    return x, y


def ufunc_out_into_view(a):
    np.add(a[:2], 1, out=a[2:4])
    np.multiply(a[1], 2, out=a[0])


@pytest.mark.parametrize("fn", [
    through_slice_view, through_strided_view, through_transpose, through_reshape,
    copies_are_not_views, through_split_and_flip, views_of_views,
    read_view_after_base_write, scalar_is_a_copy, ufunc_out_into_view,
], ids=lambda f: f.__name__)
def test_views(fn):
    a = mat(4, 5) if fn is not through_split_and_flip else mat(4, 6)
    if fn in (through_slice_view, through_strided_view):
        a = vec(9)
    assert_matches(fn, a)


# -- whole-array writes, fill, broadcasting and casting --------------------------------------


def fill_and_ellipsis(a, b):
    a[...] = 0
    b.fill(3.7)  # int array: truncated to 3


def fill_traced(a, v):
    a.fill(v)
    a[::2] = v * 2


def broadcast_assign(a, row, col):
    a[:] = row
    a[1:3, 1:4] = col[:2, None]
    a[-1] = 5
    a[0, :] = np.ones((1, 1, 5))  # leading length-1 axes are dropped, as in NumPy


def cast_assign(i, b, f):
    i[0] = 2.9  # float into int: truncated
    i[1:3] = f[:2]  # float array into int
    i[3] = True
    b[:2] = f[:2]  # nonzero is True
    f[0] = i[4]
    f[1:4] = b[1:]


def test_fill_and_ellipsis():
    assert_matches(fill_and_ellipsis, mat(), mat(dtype=np.int32))


def test_fill_traced():
    assert_matches(fill_traced, vec(), np.float64(-1.25))
    assert_matches(fill_traced, vec(dtype=np.int32), np.int32(4))


def test_broadcast_assign():
    assert_matches(broadcast_assign, mat(), np.arange(5.0), np.arange(4.0) * 10)


def test_cast_assign():
    f = np.array([0.0, 2.5, -3.7, 0.25, 9.0])
    assert_matches(cast_assign, vec(6, np.int32), np.ones(4, bool), f)


# -- arguments in pytrees, returning the mutated array ---------------------------------------


def mutate_tree(params):
    params["w"][0] = 1.0
    params["b"] += 1
    for layer in params["layers"]:
        layer[-1] *= -1


def mutate_and_return(a):
    a += 1
    a[0] = 0
    return a, a.sum()


def test_pytree_arguments():
    params = {"w": mat(), "b": vec(3), "layers": [vec(4), mat(2, 3, np.int32)]}
    assert_matches(mutate_tree, params)


def test_mutate_and_return():
    assert_matches(mutate_and_return, mat())


def test_unmutated_arguments_are_left_alone():
    def reads_only(a):
        v = a[1:]
        return v * 2, a.T[0]

    f = assert_matches(reads_only, mat())
    assert not f.trace(mat()).graph.outputs[2:]  # no write-back output was made


# -- len() and iteration over the leading axis ----------------------------------------------


def iterate(a):
    total = np.zeros_like(a[0])
    for i in range(len(a)):
        total += a[i]
    for row in a:  # rows are views: writing them writes a
        row[0] = row.sum()
    return total, len(a), len(a[0])


def test_len_and_iteration():
    assert_matches(iterate, mat())


# -- NumPy arrays created inside the function ----------------------------------------------


def accumulate_into_numpy_array(a):
    total = np.zeros(a.shape[1])  # a NumPy array, not traced
    for i in range(a.shape[0]):
        total += a[i]  # Python rebinds `total`: jitflow returns the traced sum
    return total


def test_augmented_assignment_into_numpy_array_made_inside():
    assert_matches(accumulate_into_numpy_array, mat())


def test_explicit_out_into_numpy_array_made_inside_is_refused():
    def explicit_out(a):
        buf = np.zeros(a.shape)
        np.add(a, 1, out=buf)  # would silently leave buf unchanged if ignored
        return buf

    with pytest.raises(jitflow.UnsupportedError, match=r"test_mutation.py:\d+  np.add"):
        jitflow.function(explicit_out)(mat())


# -- an argument returned as it is: the caller's array object (F11) --------------------------


def scale_and_return(a):
    a *= 2
    return a


def rebind_and_return(a):
    a = a + 1
    return a


def return_both(a, b):
    b[...] = -1.0
    return b, a.sum(), a


def write_in_branch_and_return(a):
    if a.sum() > 0:
        a *= 5
    return a


@pytest.mark.parametrize("fn", [scale_and_return, return_both, write_in_branch_and_return])
@pytest.mark.parametrize("make", [lambda: vec(4), lambda: mat()[:, ::2], lambda: np.array(3.0)])
def test_argument_returned_is_the_callers_array(fn, make):
    np_args = [make() for _ in range(fn.__code__.co_argcount)]
    jf_args = [make() for _ in np_args]  # (same layout: a view stays a view)
    expected = fn(*np_args)
    actual = jitflow.function(fn)(*jf_args)
    assert_same(actual, expected)
    for r, e in zip(*(x if isinstance(x, tuple) else (x,) for x in (actual, expected))):
        same = [e is a for a in np_args]
        assert [r is a for a in jf_args] == same  # NumPy returns the argument object
    for a, e in zip(jf_args, np_args):
        assert_same(a, e, what="argument")


def test_rebound_argument_returned_is_a_new_array():
    a = vec(4)
    r = jitflow.function(rebind_and_return)(a)
    assert r is not a and not np.shares_memory(r, a)
    assert_same(r, rebind_and_return(vec(4)))


def test_argument_returned_through_aliased_arguments_is_the_callers_array():
    def fn(a, b):  # called as fn(x, x)
        b += 1
        return a

    x = vec(4)
    assert jitflow.function(fn)(x, x) is x
    np.testing.assert_array_equal(x, vec(4) + 1)


def _layouts():
    x = mat(4, 6)
    return [x, np.asfortranarray(x), x[:, ::2], x[::-1], vec(5)[::-2], np.array(3.0)]


@pytest.mark.parametrize("view", [
    lambda a: a[1:], lambda a: a.T, lambda a: a[::-1], lambda a: a[..., None],
    lambda a: a.reshape(-1), lambda a: a[...], lambda a: (a.__iadd__(1), a[:1].T)[1],
])
@pytest.mark.parametrize("layout", range(6))
def test_view_of_an_argument_returned_is_a_view_of_the_callers_array(view, layout):
    expected_arg, arg = _layouts()[layout], _layouts()[layout]
    try:
        expected = view(expected_arg)
    except (IndexError, ValueError):
        return  # (0-d: no axis to slice)
    actual = jitflow.function(view)(arg)
    assert_same(actual, expected)
    assert np.shares_memory(actual, arg) == np.shares_memory(expected, expected_arg)
    assert actual.strides == expected.strides and actual.flags.writeable
    actual[...] = -7.0  # written through into the caller's array, as in NumPy
    expected[...] = -7.0
    assert_same(arg, expected_arg, what="argument")


def test_read_only_or_dtype_changing_views_returned_are_copies():
    # Known difference (README): NumPy returns read-only views / views of another dtype.
    a, z = mat(), np.arange(3.0) + 1j
    for fn, x in [(np.diagonal, a), (lambda m: np.broadcast_to(m, (2, *m.shape)), a),
                  (lambda c: c.real, z)]:
        r = jitflow.function(fn)(x)
        assert_same(r, np.array(fn(x)))
        assert not np.shares_memory(r, x) and r.flags.writeable


def test_argument_returned_to_a_jax_caller_stays_a_jax_array():
    import jax.numpy as jnp

    x = jnp.arange(3.0)
    r = jitflow.function(lambda a: a)(x)
    assert isinstance(r, jax.Array) and not isinstance(r, np.ndarray)
    np.testing.assert_array_equal(r, x)


# -- x[i, j] = value with an integer per axis takes a scalar only (F23) ---------------------


def element_from_keepdims(a, b):
    b[-2] = a.any(axis=-1, keepdims=True)


def element_from_array(a, b):
    b[1] = a[:1]


def element_from_list(a, b):
    b[1] = [a[0]]


@pytest.mark.parametrize("fn", [element_from_keepdims, element_from_array, element_from_list])
def test_sequence_into_an_element_raises_like_numpy(fn):
    def make():
        return np.ones((1, 2)) if fn is element_from_keepdims else vec(3), vec(4)

    with pytest.raises(ValueError, match="setting an array element with a sequence"):
        fn(*make())
    args = make()
    before = [a.copy() for a in args]
    with pytest.raises(errors.ShapeError, match="setting an array element with a sequence"):
        jitflow.function(fn)(*args)
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)


def test_sequence_into_an_element_out_of_bounds_raises_numpys_index_error_first():
    def fn(a, b):
        b[7] = a[:2]

    with pytest.raises(IndexError):
        fn(vec(3), vec(4))
    with pytest.raises(IndexError, match="out of bounds"):
        jitflow.function(fn)(vec(3), vec(4))


def test_size_one_values_into_slices_still_broadcast():
    def fn(a, b):
        b[1:2] = a.any(axis=-1, keepdims=True)
        b[...] = b[:1]
        b[2] = a[0, 0]
        return b

    assert_matches(fn, np.ones((1, 2)), vec(4))
