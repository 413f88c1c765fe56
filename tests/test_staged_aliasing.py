"""Names keep aliasing what they aliased across staged if/ternary/while (DESIGN decision 12).

Every case runs the same undecorated function under NumPy and under jitflow
(``oracle.assert_matches``: results, dtypes, shapes and every argument afterwards), with
inputs that take each path of the traced condition.
"""

from __future__ import annotations

import numpy as np
import pytest
from oracle import assert_matches

import jitflow
from jitflow import errors


def if_else_keeps_argument(a):
    v = a
    if v.sum() > 0:
        v = v * 2
    else:
        v = v  # noqa: PLW0127 - the point: v stays the caller's array
    v[0] = 1.0
    return a


def if_without_else(a):
    v = a
    if v.sum() > 0:
        v = v + 1
    v += 10
    return v


def ternary_two_views(b, c):
    v = c[::-1] if b.sum() > 0 else c
    c *= b
    return v


def ternary_write_through(b, c):
    v = c[:, ::-1] if b.sum() > 0 else c[::-1]
    v[0, 0] = 100
    return c


def two_arguments(a, b):
    v = a if a.sum() > b.sum() else b
    v[...] = 0.0
    return a, b


def new_array_or_view(a):
    v = a[1:] if a[0] > 0 else np.zeros(2)
    a[1] = 42.0
    v[1] = -1.0
    return v


def view_made_before(a):
    w = a[::2]
    v = w
    if a.sum() > 0:
        v = np.ones(2)
    v[0] = 9.0
    return a, w


def nested_if(a, b):
    v = a
    if a.sum() > 0:  # noqa: SIM102 - a union made by a nested if
        if b.sum() > 0:
            v = b
    v[0] = -5.0
    return a, b


def while_runs_zero_times(a):
    v = a
    n = 0
    while v.sum() > 0 and n < 4:
        v = np.sqrt(np.abs(v)) + 0.25
        n += 1
    a %= -1
    return v


def while_then_write(a):
    v = a
    while v.max() < 5.0:
        v = v + 1.0
    v[0] = 0.0
    return a, v


def for_always_rebinding(a, b):
    v = a
    for _ in range(int(b.size)):
        v = v * 2
    v[-1] = 3.0
    return a, v


def alias_of_scalar_argument(a, s):
    t = s
    if a.sum() > 0:
        t = s * 2
    t += 1
    return t, s


def ternary_view_or_self(a0):
    v = a0[::-1] if np.all(a0 != 7) else a0
    v[::2] = 0
    return a0


def ternary_copy_or_self(a1):
    v = a1.copy() if a1[-1, -1] < -3 else a1
    v *= 0
    return a1


def while_rebinding_argument(a0):
    k = 0
    while a0[-1] < -2 and k < 2:
        a0 = a0 + 1.25
        k += 1
    a0 -= 3
    return k


def view_read_in_branch(a1, a0):
    v2 = a0.T
    a0 += 1
    if a1.sum() > 0:
        t4 = v2.reshape((3, 4))
        a1 = a1 + t4.sum()
    return v2, a1


def view_read_in_loop(a1, a0):
    v2 = a0[::2]
    a0 *= 2
    while a1.sum() < 10:
        a1 = a1 + v2.sum()
    return v2, a1


def loop_writes_array_and_its_view(a0, b):
    v1 = a0[:]
    for _ in range(2):
        a0 *= 2
        v1[-1] = 0
    while b.sum() < 3:
        b += 1
        a0[0] += 1
        v1[0] -= 0.5
    return 1


def loop_writes_then_rebinds(a2, a0):
    for _ in range(3):
        a2 -= a0
        a2 = a2 * -2.0
    return a0


def while_writes_then_rebinds(a2, a0):
    while a2.sum() < 40:
        a2[0] += 1
        a2 = a2 * 2.0
    return a2


def loop_sometimes_rebinding(a, b):
    v = a
    for _ in range(2):
        if b.sum() > 0:
            v = v * 2
    v[-1] = 3.0
    return a


def name_written_then_other_rebound(a0):
    t3 = a0
    for _ in range(3):
        t3[0] = 7  # the 1st iteration writes the caller's array: a0 still names it
        a0 = a0 + 1.5
    return a0


def name_written_then_other_rebound_while(a0):
    t3 = a0[::-1]
    k = 0
    while a0.sum() < 100 and k < 3:
        t3[0] = 7
        a0 = a0 * 2
        k += 1
    return a0, t3


def ternary_alias_written_in_loop(a0, a1):
    v1 = a0[::-1] if np.all(a0 != 1.5) else a0
    for _ in range(2):
        a0[a1] = 0
        v1[1:, -1] = 0.25
    return v1


def row_after_loop(a0, a2):
    for row in a2:
        a0 *= True
    row **= 0  # row is a2[-1], a view
    return a0


def row_after_loop_written(a):
    for row in a:
        row += 1
    row[0] = 9
    return row


def row_after_loop_rebound(a):
    for row in a:
        row = row * 2
    row[0] = 9  # a new array: a is untouched
    return row


def enumerate_row_after_loop(a, b):
    for i, row in enumerate(a):
        b[i] = row.sum()
    row -= 1
    return b


def zip_rows_after_loop(a, b):
    for r, q in zip(a, b):
        q += r
    r[0] = -1
    q *= 2
    return r


def row_after_break(a):
    for row in a:
        if row.sum() > 2:
            break
    row[0] = 9  # the row the loop stopped on
    return a


def element_after_loop(a):
    for x in a:  # x is a NumPy scalar: a copy, not a view
        a[-1] = 7
    return x


CASES = [
    (name_written_then_other_rebound, lambda: (np.ones((2, 2)),)),
    (name_written_then_other_rebound, lambda: (np.ones((2, 3), complex),)),
    (name_written_then_other_rebound_while, lambda: (np.ones(3),)),
    (name_written_then_other_rebound_while, lambda: (np.full(3, 50.0),)),
    (ternary_alias_written_in_loop, lambda: (np.arange(6.0).reshape(3, 2), np.array([0, 2]))),
    (ternary_alias_written_in_loop, lambda: (np.full((3, 2), 1.5), np.array([0, 2]))),
    (row_after_loop, lambda: (np.ones(3), np.arange(6, dtype=np.uint8).reshape(3, 2))),
    (row_after_loop_written, lambda: (np.ones((3, 2)),)),
    (row_after_loop_rebound, lambda: (np.ones((3, 2)),)),
    (enumerate_row_after_loop, lambda: (np.arange(6.0).reshape(3, 2), np.zeros(3))),
    (zip_rows_after_loop, lambda: (np.arange(6.0).reshape(3, 2), np.ones((2, 2)))),
    (element_after_loop, lambda: (np.arange(3.0),)),
    (row_after_break, lambda: (np.arange(6.0).reshape(3, 2),)),
    (row_after_break, lambda: (-np.arange(6.0).reshape(3, 2),)),
    (loop_sometimes_rebinding, lambda: (np.ones(3), -np.ones(2))),
    (loop_sometimes_rebinding, lambda: (np.ones(3), np.ones(2))),
    (loop_writes_then_rebinds, lambda: (np.array([1.0, 2.0]), np.array([1.0, 1.0]))),
    (while_writes_then_rebinds, lambda: (np.array([1.0, 2.0]), np.array([1.0, 1.0]))),
    (while_writes_then_rebinds, lambda: (np.array([50.0, 2.0]), np.array([1.0, 1.0]))),
    (loop_writes_array_and_its_view, lambda: (np.array([1.0, 2.0, 3.0]), np.zeros(2))),
    (ternary_view_or_self, lambda: (np.array([1.25, -0.25, -1.0]),)),
    (ternary_view_or_self, lambda: (np.array([1.25, 7.0, -1.0]),)),
    (ternary_copy_or_self, lambda: (np.array([[6]]),)),
    (ternary_copy_or_self, lambda: (np.array([[-6]]),)),
    (while_rebinding_argument, lambda: (np.array([-np.inf, 3.5]),)),
    (while_rebinding_argument, lambda: (np.array([-np.inf, -3.5]),)),
    (view_read_in_branch, lambda: (np.array([1]), np.arange(12).reshape(3, 4))),
    (view_read_in_branch, lambda: (np.array([-1]), np.arange(12).reshape(3, 4))),
    (view_read_in_loop, lambda: (np.array([1]), np.arange(6))),
    (if_else_keeps_argument, lambda: (np.array([-2.0, 1.0]),)),
    (if_else_keeps_argument, lambda: (np.array([2.0, 1.0]),)),
    (if_without_else, lambda: (np.array([-2.0, 1.0]),)),
    (if_without_else, lambda: (np.array([2.0, 1.0]),)),
    (ternary_two_views, lambda: (np.array([-2, -1]), np.array([[3, 5], [7, 9]]))),
    (ternary_two_views, lambda: (np.array([2, 1]), np.array([[3, 5], [7, 9]]))),
    (ternary_write_through, lambda: (np.array([1]), np.arange(6).reshape(2, 3))),
    (ternary_write_through, lambda: (np.array([-1]), np.arange(6).reshape(2, 3))),
    (two_arguments, lambda: (np.ones(3), np.zeros(3))),
    (two_arguments, lambda: (np.zeros(3), np.ones(3))),
    (new_array_or_view, lambda: (np.array([1.0, 2.0, 3.0]),)),
    (new_array_or_view, lambda: (np.array([-1.0, 2.0, 3.0]),)),
    (view_made_before, lambda: (np.array([1.0, 2.0, 3.0, 4.0]),)),
    (view_made_before, lambda: (np.array([-1.0, -2.0, -3.0, -4.0]),)),
    (nested_if, lambda: (np.ones(2), np.ones(2))),
    (nested_if, lambda: (np.ones(2), -np.ones(2))),
    (nested_if, lambda: (-np.ones(2), np.ones(2))),
    (while_runs_zero_times, lambda: (np.array([-2.5, 1.0]),)),
    (while_runs_zero_times, lambda: (np.array([2.5, 1.0]),)),
    (while_then_write, lambda: (np.array([6.0, 7.0]),)),
    (while_then_write, lambda: (np.array([1.0, 2.0]),)),
    (for_always_rebinding, lambda: (np.ones(3), np.ones(2))),
    (for_always_rebinding, lambda: (np.ones(3), np.ones(0))),
    (alias_of_scalar_argument, lambda: (np.ones(2), 0.5)),
    (alias_of_scalar_argument, lambda: (-np.ones(2), 0.5)),
]


@pytest.mark.parametrize("fn, make", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_alias_kept_as_numpy(fn, make):
    assert_matches(fn, *make())


def test_both_paths_through_one_compiled_function():
    """One trace serves both paths: the alias is chosen at run time."""
    f = jitflow.function(if_else_keeps_argument)
    for a in (np.array([-2.0, 1.0]), np.array([2.0, 1.0])):
        expected = if_else_keeps_argument(a.copy())
        np.testing.assert_array_equal(f(a), expected)
        np.testing.assert_array_equal(a, expected)
    assert f.trace_count == 1


def dynamic_view_in_branch(a, i):
    v = a[0]
    if a.sum() > 0:
        v = a[i]
    v[0] = 7.0
    return a


def loop_sometimes_rebinding_to_another(a, b):
    v = a
    for _ in range(2):
        if b.sum() > 0:
            v = b
    v[-1] = 3.0
    return a


@pytest.mark.parametrize("fn, args", [
    (dynamic_view_in_branch, (np.ones((3, 2)), np.int64(1))),
    (loop_sometimes_rebinding_to_another, (np.ones(3), -np.ones(3))),
])
def test_unnamed_alias_written_is_a_clear_error(fn, args):
    """Which array the name is depends on the condition, and one of them cannot be named
    after the statement (a view with a traced index made in the branch; the loop's own
    variable): a write through the name is refused, naming it, and changes nothing."""
    before = [a.copy() for a in args]
    with pytest.raises(errors.UnsupportedError, match="Variable 'v'"):
        jitflow.function(fn)(*args)
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)


def dynamic_view_read_only(a, i):
    v = a[0]
    if a.sum() > 0:
        v = a[i]
    return v.sum()


def test_unnamed_alias_read_is_fine():
    assert_matches(dynamic_view_read_only, np.ones((3, 2)), np.int64(1))
    assert_matches(dynamic_view_read_only, -np.ones((3, 2)), np.int64(1))


def conj_method(a):
    c = a.conj()
    c *= 2
    return a, c


def conjugate_method(a):
    c = a.conjugate()
    c[0] = 5
    return a


def conj_function(a):
    c = np.conj(a)
    return c


_CONJ_INPUTS = [
    np.array([1.0, 2.0]), np.array([1, 2]), np.array([True, False]),
    np.array([1 + 2j, 3 - 1j]), np.array([1.0, 2.0], np.float32),
]


@pytest.mark.parametrize("fn, a", [
    (fn, a) for fn in (conj_method, conjugate_method, conj_function) for a in _CONJ_INPUTS
    if not (fn is conj_method and a.dtype == bool)  # NumPy refuses bool *= 2
], ids=lambda x: getattr(x, "__name__", None) or str(x.dtype))
def test_conj_of_real_is_the_array_itself(fn, a):
    assert_matches(fn, a)


def test_conj_bool_stays_bool():
    assert_matches(lambda a: a.conj(), np.array([True, False]))
    assert_matches(lambda a: np.conj(a), np.array([True, False]))
