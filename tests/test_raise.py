"""``raise`` under a traced condition (DESIGN decision 13), and recursion ending on one.

NumPy is the oracle: on inputs where the plain function returns, the compiled one returns
the same; where it raises, the compiled one raises the same exception type with the same
message, and changes none of the arguments (the failed call writes nothing back).
"""

from __future__ import annotations

import copy
import traceback

import numpy as np
import pytest
from agcheck import line_of
from oracle import assert_matches

import jitflow
from jitflow import errors


class DomainError(ValueError):
    pass


def log_positive(x):
    if np.any(x <= 0):
        raise ValueError("x must be positive")
    return np.log(x)


def raise_class(x):
    if x.sum() > 10:
        raise OverflowError
    return x * 2


def custom_exception(x):
    if x.min() < -1:
        raise DomainError("below the domain", 3)
    out = x + 1
    out[0] = 0.0
    return out


def raise_then_write(x):
    if x.max() > 5:
        raise ValueError("too big")
    x *= 2
    return x.sum()


def raise_in_loop(x):
    total = 0.0
    for i in range(x.shape[0]):
        if x[i] < 0:
            raise ValueError("negative entry")
        total += x[i]
        x[i] = total
    return total


def raise_in_while(x):
    n = 0
    while x.sum() < 100:
        if x.max() > 40:
            raise ArithmeticError("overshoot")
        x = x * 3
        n += 1
    return x, n


def raise_in_both_branches(x):
    y = x + 1
    if x.sum() > 0:
        if x[0] > 0:
            raise KeyError("first positive")
        y = y * 2
    else:
        raise IndexError("sum not positive")
    return y


def raise_in_else(x):
    if x.sum() > 0:
        v = x * 2
    else:
        raise ValueError("no")
    v += 1
    return v


def raise_in_helper(x):
    return _check(x) + 1


def _check(x):
    if np.isnan(x).any():
        raise FloatingPointError("nan in input")
    return x


def raise_from(x):
    if x.sum() < 0:
        raise ValueError("negative sum") from None
    return x


CASES = [
    (log_positive, [np.array([1.0, 2.0]), np.array([1.0, -2.0]), np.array([0.0, 1.0])]),
    (raise_class, [np.array([1.0, 2.0]), np.array([10.0, 2.0])]),
    (custom_exception, [np.array([1.0, 2.0]), np.array([-2.0, 2.0])]),
    (raise_then_write, [np.array([1.0, 2.0]), np.array([1.0, 9.0])]),
    (raise_in_loop, [np.array([1.0, 2.0, 3.0]), np.array([1.0, -2.0, 3.0])]),
    (raise_in_while, [np.array([1.0, 2.0]), np.array([1.0, 20.0])]),
    (raise_in_both_branches, [np.array([-1.0, 2.0]), np.array([1.0, 2.0]),
                              np.array([-1.0, -2.0])]),
    (raise_in_else, [np.array([1.0, 2.0]), np.array([-1.0, -2.0])]),
    (raise_in_helper, [np.array([1.0, 2.0]), np.array([1.0, np.nan])]),
    (raise_from, [np.array([1.0, 2.0]), np.array([-1.0, -2.0])]),
]


@pytest.mark.parametrize("fn, inputs", CASES, ids=[c[0].__name__ for c in CASES])
def test_raise_as_numpy(fn, inputs):
    """One compiled function, every input: NumPy's result or NumPy's exception, and a
    failed call leaves the argument as it was."""
    compiled = jitflow.function(fn)
    for x in inputs:
        try:
            fn(x.copy())
        except Exception as expected:  # noqa: BLE001 - NumPy's exception is the oracle
            arg = x.copy()
            with pytest.raises(type(expected)) as got:
                compiled(arg)
            assert type(got.value) is type(expected)
            assert got.value.args == expected.args
            np.testing.assert_array_equal(arg, x)
        else:
            assert_matches(fn, x)
    assert compiled.trace_count == 1


def test_the_exception_names_the_line():
    with pytest.raises(ValueError) as got:
        jitflow.function(log_positive)(np.array([-1.0]))
    line = line_of(log_positive, "raise ValueError")
    assert any(f":{line}" in note for note in got.value.__notes__)


def test_raised_again_by_every_failing_call():
    compiled = jitflow.function(log_positive)
    for _ in range(3):
        with pytest.raises(ValueError, match="x must be positive") as got:
            compiled(np.array([-1.0]))
        assert len(got.value.__notes__) == 1


def test_unconditional_raise_raises_while_tracing():
    def f(x, flag):
        if flag:
            raise ValueError("flag set")
        return x

    compiled = jitflow.function(f)
    np.testing.assert_array_equal(compiled(np.ones(2), False), np.ones(2))
    with pytest.raises(ValueError, match="flag set"):
        compiled(np.ones(2), True)


def raise_in_try(x):
    try:
        if x.sum() > 0:
            raise ValueError("positive")
    except ValueError:
        return x * 0
    return x


def traced_message(x):
    if x.sum() > 0:
        raise ValueError(f"sum is {x.sum()}")
    return x


@pytest.mark.parametrize("fn, what", [
    (raise_in_try, "inside a try statement"),
    (traced_message, "traced value in its message"),
])
def test_unsupported_raise_is_a_clear_error(fn, what):
    with pytest.raises(errors.UnsupportedError, match=what) as got:
        jitflow.function(fn)(np.ones(2))
    assert "test_raise.py" in str(got.value)


def rec(x):
    if x.sum() > 100:
        return x
    return rec(x * 2)


def test_recursion_on_a_traced_condition_is_a_clear_error():
    assert rec(np.ones(2)).tolist() == [64.0, 64.0]  # NumPy: terminates
    with pytest.raises(errors.UnsupportedError, match="while loop") as got:
        jitflow.function(rec)(np.ones(2))
    assert f"test_raise.py:{line_of(rec, 'return rec(')}" in str(got.value)
    assert len(traceback.format_exception(got.value)) < 200


def countdown(x, n):
    if n == 0:
        return x
    y = countdown(x, n - 1)
    return np.where(y > 0, y, -y) + 1 if x.sum() > 0 else y - 1


def tree(x, n):
    if n == 0:
        return x
    if x.sum() > 0:
        return tree(x - 3, n - 1)
    return tree(x + 2, n - 1)


def test_recursion_on_a_python_value_still_works():
    for x in (np.ones(2), -np.ones(2)):
        assert_matches(countdown, x, 8)
        assert_matches(tree, x, 4)  # each call under another staged if, but n ends it


def test_copy_of_arguments_is_unchanged_after_failure():
    x = np.array([1.0, -1.0, 3.0])
    before = copy.deepcopy(x)
    with pytest.raises(ValueError):
        jitflow.function(raise_in_loop)(x)
    np.testing.assert_array_equal(x, before)
