"""Python numbers carried through staged loops stay Python numbers (fuzz F4/F17, issue 10).

A Python int counter that a staged ``while``/``for`` carries is a weak 0-d value in the
trace; whatever Python arithmetic follows (augmented assignments, Python bools, ``**``
with a negative exponent) must give what Python gives: a Python int or float, never an
``np.int64``, and no refusal where Python has an answer. The test compares Python types
too (``assert_matches`` alone accepts np.int64(1) for 1).
"""

from __future__ import annotations

import numpy as np
import pytest
from jax import tree_util
from oracle import assert_matches

import jitflow


def _counter(a):
    """A Python int that the staged while carries (a.sum() is traced)."""
    k = 0
    while a.sum() > 0 and k < 2:
        k += 1
    return k


def ipow_zero(a):
    k = _counter(a)
    k **= 0
    return k


def ipow_two(a):
    k = _counter(a)
    k **= 2
    return k


def ipow_negative(a):
    k = _counter(a) + 1
    k **= -3
    return k


def pow_negative(a):
    k = _counter(a) + 1
    return k ** -1, k ** -2 * 4


def bool_or(a):
    k = _counter(a)
    return (False | k) + k


def bool_iand(a):
    k = _counter(a)
    k &= True
    return k


def bool_ops(a):
    k = _counter(a)
    return True ^ k, k + True, k * False, (k > 0) | False


def for_counter_ixor(a):
    k = 1
    for i in range(3):
        if a[i] > 0:
            k += i
    k ^= True
    k <<= 1
    return k


def float_counter_ipow(a):
    s = 0.5
    while a.sum() > 0 and s < 2:
        s *= 2
    s **= 2
    return s


def numpy_scalar_ipow(a):
    t = a.sum()  # a NumPy scalar: t **= 2 rebinds it as NumPy does
    t **= 2
    return t, a


POS = np.array([1.0, 2.0, 3.0])
NEG = -POS


@pytest.mark.parametrize("fn", [
    ipow_zero, ipow_two, ipow_negative, pow_negative, bool_or, bool_iand, bool_ops,
    for_counter_ixor, float_counter_ipow, numpy_scalar_ipow,
])
@pytest.mark.parametrize("a", [POS, NEG], ids=["loop-runs", "loop-skipped"])
def test_python_number_after_staged_loop(fn, a):
    assert_matches(fn, a)
    expected, actual = fn(a.copy()), jitflow.function(fn)(a.copy())
    types = [type(x) for x in tree_util.tree_leaves(actual)]
    assert types == [type(x) for x in tree_util.tree_leaves(expected)], (actual, expected)


def zero_to_negative_power(a):
    k = _counter(a)
    k **= -3
    return k


@pytest.mark.xfail(strict=True, raises=pytest.fail.Exception,
                   reason="fuzz F16 family: 0 ** -3 of Python ints gives inf, no "
                   "ZeroDivisionError")
def test_zero_counter_to_negative_power_raises():
    with pytest.raises(ZeroDivisionError):
        zero_to_negative_power(NEG.copy())
    with pytest.raises(ZeroDivisionError):
        jitflow.function(zero_to_negative_power)(NEG.copy())


def test_array_ipow_stays_in_place():
    """A 0-d *array* is mutable: ``x **= 2`` writes into it (and refuses a float result)."""
    def f(x):
        x **= 2
        return x

    assert_matches(f, np.array(3))
    assert_matches(f, np.array([1.5, 2.0]))
