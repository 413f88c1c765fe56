"""A ``jitflow.function`` called inside another inlines; a loop over an empty range runs
zero times (its body is not traced). NumPy, running the same undecorated code, is the
oracle."""

from __future__ import annotations

import numpy as np
from oracle import assert_matches

import jitflow

helper = jitflow.function(lambda x: x * 2)


def scaled(x, k):
    return x * k


scaled_static = jitflow.function(scaled, static_argnames="k")


@jitflow.function(autograph=False)
def plain(x):
    return x + 1


@jitflow.function
def branchy(x):
    if x.sum() > 0:
        x[0] = -1.0
        return x * 3
    return x


def outer(x):
    return helper(x) + 1


def outer_static(x):
    return scaled_static(x, 3) + scaled_static(x, k=2)


def outer_plain_and_branchy(x):
    y = plain(x)
    return branchy(x) + y, x


class Model:
    def __init__(self, w):
        self.w = w

    @jitflow.function
    def apply(self, x):
        return x * self.w


def outer_method(x):
    return Model(2.0).apply(x) - 1


def test_nested_jitflow_functions_inline():
    for fn in (outer, outer_static, outer_plain_and_branchy, outer_method):
        for x in (np.array([1.0, 2.0]), np.array([-1.0, -2.0])):
            assert_matches(fn, x)


def test_inlined_function_is_not_traced_itself():
    helper_calls = helper.trace_count
    jitflow.function(outer)(np.ones(4))
    assert helper.trace_count == helper_calls


def loop_rows(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i]
    return s + x.sum()


def loop_over_array(x):
    out = np.zeros(3)
    for row in x:
        out += row[0]
    return out


def loop_variable_after_loop(a):
    for i in range(3):
        a[i] = 1
    if i > 0:
        a[0] = 5
    return a, i


def body_variable_after_loop(x):
    for row in x:
        last = row * 2
        first = row[0]
    return last, first


def test_variables_set_in_a_loop_that_runs_keep_their_last_value():
    """``for`` over a static non-empty range: the loop variable and the variables the body
    assigns keep the last iteration's values after the loop, as in Python."""
    assert_matches(loop_variable_after_loop, np.zeros(3))
    assert_matches(body_variable_after_loop, np.arange(6.0).reshape(3, 2))


def test_loop_over_an_empty_array_runs_zero_times():
    assert_matches(loop_rows, np.zeros(0))
    assert_matches(loop_rows, np.arange(3.0))
    assert_matches(loop_over_array, np.zeros((0, 2)))
