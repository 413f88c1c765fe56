"""``a.flat`` reads and writes, and dict arguments and results whose keys do not sort
(``{1: x, "a": y}``), against NumPy running the same undecorated code."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import assert_matches, assert_same

import jitflow


def first_to_five(a):
    a.flat[0] = 5.0
    return a


def fill_repeating(a):
    a.flat[:] = [1, 2]  # NumPy repeats the values to fill the selection
    return a.sum()


def through_a_transpose(a):
    t = a.T  # a view: t.flat walks it in C order, and writes land in a
    t.flat[1] = 50.0
    return t.flat[1], t.flat[1:3], t.flat[[0, 5]]


def at_a_traced_position(a, i):
    a.flat[i] = -1.0
    return a.flat[i + 1]


def assign_flat_then_copy(a):
    a.flat = [1, 2, 3, 4]
    b = a.flat[1:3]  # a copy: writing it leaves a alone
    b[0] = 100.0
    return a, b


def iterate(a):
    s = 0.0
    for v in a.flat:
        s = s + v
    return s


def casts_and_repeats(i):
    i.flat[0] = 2.9  # truncated, as NumPy's assignment casts
    i.flat[np.array([1, 3])] = np.array([5])
    i.flat[np.array([True, False, True, False])] = 7
    return i


@pytest.mark.parametrize("fn,args", [
    (first_to_five, (np.zeros(3),)),
    (fill_repeating, (np.zeros((2, 3)),)),
    (through_a_transpose, (np.arange(6.0).reshape(2, 3),)),
    (at_a_traced_position, (np.arange(6.0).reshape(2, 3), np.int64(2))),
    (assign_flat_then_copy, (np.zeros((2, 3)),)),
    (iterate, (np.arange(6.0).reshape(2, 3),)),
    (casts_and_repeats, (np.zeros(4, np.int64),)),
])
def test_flat_reads_and_writes_as_numpy(fn, args):
    assert_matches(fn, *args)


def test_flat_with_two_indices_is_refused_as_numpy_refuses():
    def two(a):
        return a.flat[0, 1]

    with pytest.raises(IndexError, match="too many indices for flat iterator"):
        two(np.zeros((2, 3)))
    with pytest.raises(IndexError, match="too many indices for flat iterator") as info:
        jitflow.function(two)(np.zeros((2, 3)))
    assert isinstance(info.value, jitflow.JitflowError)


def pick(d):
    return d[1] + d["a"]


def rebuild(d):
    return {"twice": d["a"] * 2, 0: d[1]}


def write_into(d):
    d[1][0] = 7.0  # written back into the caller's array
    return d["a"].sum()


def mixed():
    return {1: np.arange(3.0), "a": np.full(3, 2.0)}


def _same_dicts(actual: dict, expected: dict) -> None:
    assert list(actual) == list(expected)  # the same keys, in the same order
    for k, v in expected.items():
        assert_same(actual[k], v, what=f"[{k!r}]")


@pytest.mark.parametrize("fn", [pick, rebuild, write_into])
def test_dicts_with_keys_of_mixed_types_work_as_in_numpy(fn):
    want_arg, got_arg = mixed(), mixed()
    want = fn(want_arg)
    got = jitflow.function(fn)(got_arg)
    if isinstance(want, dict):
        _same_dicts(got, want)
    else:
        assert_same(got, want)
    _same_dicts(got_arg, want_arg)  # the argument after the call


def test_a_dict_with_mixed_keys_in_another_order_is_another_signature():
    f = jitflow.function(pick)
    f({1: np.ones(2), "a": np.ones(2)})
    f({"a": np.ones(2), 1: np.ones(2)})  # keys in insertion order: a new structure
    f({1: np.zeros(2), "a": np.ones(2)})
    assert f.trace_count == 2


def test_a_bad_leaf_in_a_dict_with_mixed_keys_is_named():
    with pytest.raises(jitflow.InvalidArgumentError, match=r"pick\(\) argument d\['a'\] is a set"):
        jitflow.function(pick)({1: np.ones(2), "a": {1, 2}})
