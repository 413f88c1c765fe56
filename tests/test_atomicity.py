"""A failed call changes nothing (DESIGN decision 13), and arguments that are NumPy
subclasses keep NumPy's semantics or are refused clearly.

Every failing case checks NumPy's own behaviour first (it raises the same exception type),
then that jitflow raises it with every argument left byte for byte as it was.
"""

from __future__ import annotations

import tempfile
import warnings

import numpy as np
import pytest

import jitflow
from jitflow import errors


def fresh():
    return np.arange(4.0), np.arange(4.0) * 10


def assert_fails_like_numpy(fn, make, exc):
    """NumPy raises ``exc`` on ``make()``'s arguments; so does jitflow, changing none."""
    with pytest.raises(exc):
        fn(*make())
    compiled = jitflow.function(fn)
    args = make()
    before = [a.copy() for a in args]
    with pytest.raises(exc) as info:
        compiled(*args)
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)
    return info


def assert_after_write(a, b):
    a[0] = 100.0
    b[:] = -1.0
    assert a.sum() < 0, "sum must be negative"


def assert_in_staged_branch(a, b):
    b *= 2
    if a.sum() > 0:
        a[1] = 7
        assert b.sum() < 0
    return a


def index_after_write(a, b):
    a[0] = 1.0
    i = np.argmax(b) + 10
    return b[i]


def test_failing_assert_writes_nothing_back():
    assert_fails_like_numpy(assert_after_write, fresh, AssertionError)
    assert_fails_like_numpy(assert_in_staged_branch, fresh, AssertionError)


def test_failing_index_check_writes_nothing_back():
    assert_fails_like_numpy(index_after_write, fresh, IndexError)


def test_prints_before_a_failing_assert_still_print(capsys):
    def fn(a):
        a[0] = 5.0
        print("before", a[0])
        assert a[1] < 0, "nope"
        print("after", a[1])

    a = np.arange(3.0)
    with pytest.raises(AssertionError):
        fn(a.copy())
    expected = capsys.readouterr().out
    with pytest.raises(AssertionError):
        jitflow.function(fn)(a)
    assert capsys.readouterr().out == expected == "before 5.0\n"
    np.testing.assert_array_equal(a, np.arange(3.0))


def test_passing_assert_still_writes_back():
    def fn(a):
        a[0] = -10.0
        assert a.sum() < 0

    a = np.arange(3.0)
    jitflow.function(fn)(a)
    assert a[0] == -10.0


def write_read_only_first(a, b):
    b[0] = 1.0  # b is read-only: NumPy raises here, before touching a
    a[0] = 100.0


def write_read_only_last(a, b):
    a[0] = 100.0
    b[0] = 1.0


def read_only_b():
    a, b = fresh()
    b.flags.writeable = False
    return a, b


@pytest.mark.parametrize("fn", [write_read_only_first, write_read_only_last])
def test_read_only_argument_written_raises_numpys_error(fn):
    info = assert_fails_like_numpy(fn, read_only_b, ValueError)
    assert isinstance(info.value, errors.ReadOnlyError)
    message = str(info.value)
    assert "assignment destination is read-only" in message
    assert "argument b" in message and "test_atomicity.py" in message


def test_read_only_argument_read_is_fine():
    def fn(a, b):
        a += b
        return b.sum()

    a, b = read_only_b()
    assert jitflow.function(fn)(a, b) == 60.0
    np.testing.assert_array_equal(a, np.arange(4.0) * 11)


def test_read_only_argument_written_only_under_a_condition_that_fails():
    def fn(a, b):
        if a.sum() < 0:
            b[0] = 1.0
        return a.sum()

    a, b = read_only_b()
    assert jitflow.function(fn)(a, b) == fn(a, b)


def test_broadcast_argument_written_raises_and_writes_nothing():
    def fn(a, b):
        a[0] = 100.0
        b[0, 0] = 1.0

    row = np.arange(4.0)

    def make():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            b = np.broadcast_arrays(row, np.zeros((3, 4)))[0]
            b.flags.writeable = True  # what NumPy still allows, with a warning
        return np.zeros(4), b

    a, b = make()
    with pytest.raises(errors.OverlappingWriteError, match="argument b"):
        jitflow.function(fn)(a, b)
    np.testing.assert_array_equal(a, np.zeros(4))
    np.testing.assert_array_equal(row, np.arange(4.0))
    # read-only broadcasts (np.broadcast_to) are read-only errors, as in NumPy
    with pytest.raises(errors.ReadOnlyError):
        jitflow.function(fn)(np.zeros(4), np.broadcast_to(row, (3, 4)))


# -- NumPy subclasses ----------------------------------------------------------------------


class MyArray(np.ndarray):
    pass


def mutate(x):
    x[0] = 42.0
    return x.sum()


def test_user_subclass_argument_is_written_back():
    x = np.zeros(3).view(MyArray)
    assert jitflow.function(mutate)(x) == 42.0
    assert type(x) is MyArray and x.tolist() == [42.0, 0.0, 0.0]


def write_seven(x):
    x[0] = 7.0


def test_memmap_argument_is_written_back():
    with tempfile.NamedTemporaryFile(suffix=".dat") as f:
        mm = np.memmap(f.name, dtype=np.float64, mode="w+", shape=(3,))
        mm[:] = 0
        assert jitflow.function(mutate)(mm) == 42.0
        assert np.asarray(mm).tolist() == [42.0, 0.0, 0.0]
        mm.flush()
        assert np.fromfile(f.name).tolist() == [42.0, 0.0, 0.0]
        read_only = np.memmap(f.name, dtype=np.float64, mode="r", shape=(3,))
        with pytest.raises(errors.ReadOnlyError):
            jitflow.function(write_seven)(read_only)


def test_matrix_argument_is_refused_clearly():
    def square(x):
        return x * x

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        m = np.matrix([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(errors.UnsupportedError, match=r"argument x is an np.matrix.*asarray"):
        jitflow.function(square)(m)


def test_masked_array_argument_is_refused_clearly():
    def times2(x):
        return x * 2

    with pytest.raises(errors.UnsupportedError, match=r"argument x is a masked array"):
        jitflow.function(times2)(np.ma.array([1.0, 2.0], mask=[0, 1]))


# A write that leaves the values as they were still writes (F20): NumPy refuses any write
# into a read-only array, so jitflow decides by whether the code wrote, not by the values.
def times_true(a, b):
    b *= True


def plus_zero(a, b):
    b += 0


def assign_itself(a, b):
    b[...] = b


def assign_own_element(a, b):
    b[0] = b[0]


def ufunc_out_same(a, b):
    np.multiply(b, 1, out=b)


def through_a_view(a, b):
    v = b[1:]
    v *= 1


def before_a_staged_branch(a, b):
    b *= 1
    if a.sum() > 0:
        a[0] = 5.0
    return a


@pytest.mark.parametrize("fn", [times_true, plus_zero, assign_itself, assign_own_element,
                                ufunc_out_same, through_a_view, before_a_staged_branch])
def test_read_only_argument_written_with_its_own_values_raises(fn):
    info = assert_fails_like_numpy(fn, read_only_b, ValueError)
    assert isinstance(info.value, errors.ReadOnlyError)
    assert "argument b" in str(info.value) and "test_atomicity.py" in str(info.value)


def test_read_only_aliased_arguments_written_with_their_own_values_raise():
    def fn(a, b):  # called as fn(x, x): one read-only array under two names
        b *= 1
        return a.sum()

    def make():
        x = np.arange(4.0)
        x.flags.writeable = False
        return x, x

    assert_fails_like_numpy(fn, make, ValueError)


def test_read_only_argument_written_under_a_traced_condition_that_fails_is_fine():
    # The write is in a staged branch that did not run: NumPy made no write, and the values
    # are unchanged, so no error (a staged branch that runs but writes the same values is
    # let through too: jitflow cannot tell it from one that did not run).
    def fn(a, b):
        if a.sum() < 0:
            b *= True
        return a.sum()

    a, b = read_only_b()
    assert jitflow.function(fn)(a, b) == fn(a, b)
