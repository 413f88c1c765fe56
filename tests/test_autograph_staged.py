"""AutoGraph, staged side: Python control flow on traced values against plain Python/NumPy.

Every function below is ordinary Python + NumPy. ``assert_matches`` (tests/oracle.py) runs
it undecorated and through ``jitflow.function`` on copies of the arguments and compares the
results and the arguments after the call (mutation). Each case runs with *traced*
conditions (computed from array arguments, or a NumPy scalar argument, which jitflow
traces) and, where the function allows it, with *Python-valued* ones (a Python int/bool
argument, which jitflow keeps static): the same source must give the same answer both ways.

The IR checks at the end make sure staging really happened: one ``while``/``cond`` op in
the printed IR (``f.trace(...).ir``), not an unrolled body.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import jitflow
from jitflow import errors

from oracle import assert_matches

RNG = np.random.default_rng(0)
X = RNG.normal(size=6)                     # mixed signs
POS = np.abs(X) + 0.5                      # all positive
NEG = -POS                                 # all negative
F32 = X.astype(np.float32)
M = RNG.normal(size=(4, 3))


def cases(table):
    """pytest params from ``(fn, args)`` or ``(fn, args, mark)`` rows, with readable ids."""
    return [
        pytest.param(row[0], row[1], marks=row[2:], id=f"{row[0].__name__}-{i}")
        for i, row in enumerate(table)
    ]


def staged(fn, *args):
    """The IR of ``fn`` traced with ``args`` (the decorated function is fresh)."""
    return jitflow.function(fn).trace(*args).ir


def count_ops(ir: str, name: str) -> int:
    return len(re.findall(rf"= {name} ", ir))


# -- if / elif / else, ternaries, and/or/not, chained comparisons ---------------------------


def if_elif_else(x, t):
    s = x.sum()
    if s > t:
        y = x * 2
    elif s < -t:
        y = x - 1
    else:
        y = -x
    return y


def if_on_flag(x, flag):
    y = x
    if flag:
        y = x * 3
    else:
        y = x + 1
    return y


def if_mode(x, mode):
    if mode == 0:
        return x.sum()
    elif mode == 1:
        return x.max()
    else:
        return x.min()


def ternary(x, t):
    return x * 2 if x.mean() > t else x - 1


def ternary_flag(x, flag):
    return x * 2 if flag else x - 1


def nested_ternary(x):
    s = x.sum()
    return 1.0 if s > 1 else (0.0 if s > -1 else -1.0)


def and_or_not(x):
    a, b = x[0], x[1]
    r_and = r_or = r_not = r_xor = 0
    if a > 0 and b > 0:
        r_and = 1
    if a > 0 or b > 0:
        r_or = 1
    if not a > 0:
        r_not = 1
    if (a > 0 and not b > 0) or (b > 0 and not a > 0):
        r_xor = 1
    return r_and, r_or, r_not, r_xor


def branch_writes_numpy_array(x):
    out = np.zeros(2)
    if x[0] > 0:
        out[0] = 1.0
    else:
        out[1] = 1.0
    return out


def branch_mutates_argument(x):
    if x.sum() > 0:
        x[0] = 5.0
    else:
        x[1:] *= 2
    return x.sum()


def and_or_values(x):
    """The value of ``a and b`` / ``a or b`` with traced operands (NumPy bools)."""
    return (x[0] > 0 and x[1] > 0), (x[0] > 0 or x[1] > 0), not x[2] > 0


def and_with_flag(x, flag):
    """A Python operand first: short-circuits as Python does (``x[99]`` never runs)."""
    if flag and x[99] > 0:
        return x * 0
    if not flag or x.sum() > 0:
        return x + 1
    return x - 1


def chained(x, lo, hi):
    s = x.sum()
    if lo < s < hi:
        r = s
    elif s <= lo <= hi:
        r = lo - s
    else:
        r = hi - s
    return r


IF_CASES = [
    (if_elif_else, (POS, 1.0)),
    (if_elif_else, (NEG, 1.0)),
    (if_elif_else, (X * 0.01, 1.0)),
    (if_elif_else, (POS, np.float64(1.0))),
    (if_on_flag, (X, True)),
    (if_on_flag, (X, False)),
    (if_on_flag, (X, np.bool_(True))),
    (if_on_flag, (X, np.bool_(False))),
    (if_mode, (X, 0)),
    (if_mode, (X, 2)),
    (if_mode, (X, np.int64(1))),
    (if_mode, (X, np.int64(2))),
    (ternary, (POS, 0.0)),
    (ternary, (NEG, 0.0)),
    (ternary_flag, (X, True)),
    (ternary_flag, (X, np.bool_(False))),
    (nested_ternary, (POS,)),
    (nested_ternary, (NEG,)),
    (nested_ternary, (X * 0.01,)),
    (and_or_not, (np.array([1.0, 2.0]),)),
    (and_or_not, (np.array([1.0, -2.0]),)),
    (and_or_not, (np.array([-1.0, 2.0]),)),
    (and_or_not, (np.array([-1.0, -2.0]),)),
    (branch_writes_numpy_array, (np.array([-1.0, 2.0]),)),
    (branch_mutates_argument, (X.copy(),)),
    (branch_mutates_argument, (NEG.copy(),)),
    (and_or_values, (np.array([1.0, -2.0, 3.0]),)),
    (and_or_values, (np.array([-1.0, 2.0, -3.0]),)),
    (and_with_flag, (X, False)),
    (chained, (POS, 0.0, 100.0)),
    (chained, (NEG, 0.0, 100.0)),
    (chained, (POS, -100.0, 0.0)),
    (chained, (POS, np.float64(0.0), np.float64(100.0))),
]


@pytest.mark.parametrize("fn,args", cases(IF_CASES))
def test_conditionals(fn, args):
    assert_matches(fn, *args)


# -- while -----------------------------------------------------------------------------------


def newton_sqrt(a, tol):
    """Newton's iteration for sqrt(a), until every component has converged."""
    x = a.copy()
    steps = 0
    while np.max(np.abs(x * x - a)) > tol:
        x = 0.5 * (x + a / x)
        steps += 1
    return x, steps


def while_python(x, n):
    while n > 0:
        x = x * 2
        n -= 1
    return x


def while_break(x, n):
    i = 0
    while i < n:
        if x[i] < 0:
            break
        i = i + 1
    return i


def while_break_iadd(x, n):
    i = 0
    while i < n:
        if x[i] < 0:
            break
        i += 1
    return i


def while_continue(x):
    i, total = 0, 0.0
    while i < x.shape[0]:
        i += 1
        if x[i - 1] < 0:
            continue
        total += x[i - 1]
    return total


def while_return(x, n, t):
    i = 0
    while i < n:
        if x[i] > t:
            return x[i] * 2
        i = i + 1
    return x.sum()


def while_else(x, n):
    i = 0
    found = -1
    while i < n:
        if x[i] < 0:
            found = i
            break
        i = i + 1
    else:
        found = 100
    return found


def collatz_steps(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


WHILE_CASES = [
    (newton_sqrt, (POS, 1e-12)),
    (newton_sqrt, (np.array([2.0, 9.0, 1e4]), 1e-9)),
    (while_python, (X, 3)),
    (while_python, (X, np.int64(3))),
    (while_break, (X, np.int64(6))),
    (while_break, (POS, np.int64(6))),
    (while_break, (X, 6)),
    (while_break_iadd, (X, np.int64(6))),
    (while_continue, (X,)),
    (while_continue, (NEG,)),
    (while_return, (X, np.int64(6), 0.5)),
    (while_return, (NEG, np.int64(6), 0.5)),
    (while_return, (X, 6, 0.5)),
    (while_else, (X, np.int64(6))),
    (while_else, (POS, np.int64(6))),
    (while_else, (POS, 6)),
    (collatz_steps, (np.int64(27),)),
    (collatz_steps, (27,)),
]


@pytest.mark.parametrize("fn,args", cases(WHILE_CASES))
def test_while(fn, args):
    assert_matches(fn, *args)


# -- for -----------------------------------------------------------------------------------


def for_range(x, n):
    acc = 0.0
    for i in range(n):
        acc = acc + x[i] * i
    return acc


def for_range_start_stop_step(x, start, stop):
    acc = np.zeros(())
    for i in range(start, stop, 2):
        acc += x[i]
    return acc


def for_negative_step(x, n):
    y = np.zeros_like(x)
    for i in range(n - 1, -1, -1):
        y[i] = x[i] + (y[i + 1] if i + 1 < n else 0.0)
    return y


def reverse_cumsum(x, n):
    """``y[i] = x[i] + y[i + 1]`` from the end, a negative step with a traced start."""
    y = x.copy()
    for i in range(n - 2, -1, -1):
        y[i] += y[i + 1]
    return y


def for_rows(m):
    acc = np.zeros(m.shape[1])
    for row in m:
        acc += row * row
    return acc


def for_enumerate(m):
    out = np.zeros(m.shape[0])
    for i, row in enumerate(m):
        out[i] = row.sum() * i
    return out


def for_zip(x, y):
    acc = 0.0
    for a, b in zip(x, y):
        acc += a * b
    return acc


def for_zip_range(x, n):
    total = np.zeros(())
    for i, v in zip(range(n), x):
        total = total + v * i
    return total


def for_enumerate_zip(x, y):
    acc = np.zeros(x.shape[0])
    for i, (a, b) in enumerate(zip(x, y), 1):
        acc[i - 1] = a * b + i
    return acc


def for_break(x, n):
    s = 0.0
    for i in range(n):
        if x[i] < 0:
            break
        s = s + x[i]
    return s


def for_continue(x):
    s = 0.0
    for v in x:
        if v < 0:
            continue
        s = s + v
    return s


def for_continue_iadd(x):
    s = 0.0
    for v in x:
        if v < 0:
            continue
        s += v
    return s


def for_array_break(x):
    s = 0.0
    for v in x:
        if v < 0:
            break
        s = s + v * v
    return s


def for_range_continue(x, n):
    s = np.zeros(())
    for i in range(n):
        if i % 2 == 0:
            continue
        s = s + x[i]
    return s


def for_zip_return(x, y):
    for a, b in zip(x, y):
        if a > b:
            return a - b
    return x[0] * 0


def for_return(x):
    for i in range(x.shape[0]):
        if x[i] < 0:
            return i
    return -1


def for_return_rows(m):
    for i, row in enumerate(m):
        if row.sum() > 1:
            return row * i
    return m[0] * 0


def for_else(x, n):
    idx = -1
    for i in range(n):
        if x[i] < 0:
            idx = i
            break
    else:
        idx = 100
    return idx


def for_else_no_break(x):
    total = 0.0
    for v in x:
        total += v
    else:  # noqa: PLW0120  (the else clause without a break is the case)
        total *= 2
    return total


def cumsum_inplace(a):
    """A loop-carried argument mutated by item assignment: written back to the caller."""
    for i in range(1, a.shape[0]):
        a[i] += a[i - 1]


def for_view(a):
    v = a[1:]
    for i in range(v.shape[0]):
        v[i] = v[i] * i
    return a.sum()


def python_scalar_promotion(x):
    """``y = 0`` (Python int) meets a float32 sum: NumPy 2 gives float32."""
    if x.sum() > 0:
        y = 0
    else:
        y = x.sum()
    return x + y


def python_scalar_or_sum(x):
    if x.sum() > 0:
        y = 0
    else:
        y = x.sum()
    return y


@pytest.mark.parametrize("x", [F32, -np.abs(F32)], ids=["int-branch", "sum-branch"])
def test_python_scalar_promoted_as_numpy(x):
    """Python returns the int 0 or a float32; staged, the variable has one type: the one
    NumPy 2 gives a Python int meeting a float32 (weak scalar), float32."""
    out = jitflow.function(python_scalar_or_sum)(x)
    assert out.dtype == np.result_type(0, np.float32(1)) == np.float32
    assert out == python_scalar_or_sum(x)


def python_scalar_loop(x):
    s = 0
    for v in x:
        s = s + v
    return s


def python_scalar_loop_iadd(x):
    s = 0
    for v in x:
        s += v
    return s


FOR_CASES = [
    (for_range, (X, 4)),
    (for_range, (X, np.int64(4))),
    (for_range, (X, np.int64(0))),
    (for_range_start_stop_step, (X, 1, 6)),
    (for_range_start_stop_step, (X, np.int64(1), np.int64(6))),
    (for_range_start_stop_step, (X, np.int64(5), np.int64(1))),
    (for_negative_step, (X, 6)),
    (for_negative_step, (X, np.int64(6))),
    (reverse_cumsum, (X, 6)),
    (reverse_cumsum, (X, np.int64(6))),
    (for_rows, (M,)),
    (for_enumerate, (M,)),
    (for_zip, (X, POS)),
    (for_zip, (X, M[:, 0])),
    (for_zip_range, (X, 3)),
    (for_zip_range, (X, np.int64(3))),
    (for_enumerate_zip, (X, POS)),
    (for_break, (X, 6)),
    (for_break, (X, np.int64(6))),
    (for_break, (POS, np.int64(6))),
    (for_array_break, (X,)),
    (for_array_break, (POS,)),
    (for_range_continue, (X, 6)),
    (for_range_continue, (X, np.int64(5))),
    (for_zip_return, (X, POS)),
    (for_zip_return, (POS, X)),
    (for_continue, (X,)),
    (for_continue, (NEG,)),
    (for_continue_iadd, (X,)),
    (for_return, (X,)),
    (for_return, (POS,)),
    (for_return_rows, (M,)),
    (for_return_rows, (-np.abs(M),)),
    (for_else, (X, 6)),
    (for_else, (POS, np.int64(6))),
    (for_else_no_break, (X,)),
    (cumsum_inplace, (X.copy(),)),
    (cumsum_inplace, (np.arange(7),)),
    (for_view, (X.copy(),)),
    (python_scalar_promotion, (F32,)),
    (python_scalar_promotion, (-np.abs(F32),)),
    (python_scalar_loop, (F32,)),
    (python_scalar_loop, (np.arange(5, dtype=np.int32),)),
    (python_scalar_loop_iadd, (F32,)),
    (python_scalar_loop_iadd, (np.arange(5, dtype=np.int32),)),
]


@pytest.mark.parametrize("fn,args", cases(FOR_CASES))
def test_for(fn, args):
    assert_matches(fn, *args)


# -- nesting ---------------------------------------------------------------------------------


def three_deep(m, t):
    """for > for > if, with break in the inner loop and continue in the outer one."""
    out = np.zeros(m.shape[0])
    for i in range(m.shape[0]):
        if m[i, 0] > 2 * t:
            continue
        for j in range(m.shape[1]):
            if m[i, j] > t:
                out[i] += m[i, j]
            elif m[i, j] < -t:
                break
            else:
                out[i] -= 1
    return out


def while_for_if(x, tol):
    """while > for > if: scale until the largest component is under tol."""
    y = x.copy()
    steps = 0
    while np.max(np.abs(y)) > tol:
        for i in range(y.shape[0]):
            if y[i] > 0:
                y[i] = y[i] * 0.5
            else:
                y[i] = y[i] * 0.25
        steps = steps + 1
    return y, steps


def loop_in_branch(x, flag):
    y = x.copy()
    if flag:
        for i in range(1, y.shape[0]):
            y[i] = y[i] + y[i - 1]
    else:
        i = 0
        while i < y.shape[0]:
            y[i] = -y[i]
            i += 1
    return y


def branch_loop_branch(x):
    y = x.copy()
    if y.sum() > 0:
        for i in range(y.shape[0]):
            if y[i] < 0:
                y[i] = 0.0
    else:
        y[:] = 1.0
    return y


def nested_return(m):
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j] > 1.5:
                return i * 10 + j
    return -1


NEST_CASES = [
    (three_deep, (M, 0.3)),
    (three_deep, (M, np.float64(0.3))),
    (while_for_if, (X, 0.1)),
    (loop_in_branch, (X, True)),
    (loop_in_branch, (X, False)),
    (loop_in_branch, (X, np.bool_(True))),
    (loop_in_branch, (X, np.bool_(False))),
    (branch_loop_branch, (X,)),
    (branch_loop_branch, (NEG,)),
    (nested_return, (M,)),
    (nested_return, (M * 0,)),
]


@pytest.mark.parametrize("fn,args", cases(NEST_CASES))
def test_nesting(fn, args):
    assert_matches(fn, *args)


# -- print and assert on traced values ------------------------------------------------------


def prints(x):
    s = x.sum()
    print("sum:", s, "max", x.max(), sep=" ", end="!\n")
    print("x =", x * 2)
    return s


def test_print_at_run_time(capsys):
    f = jitflow.function(prints)
    f(X)  # first call: trace + compile + run
    capsys.readouterr()
    prints(X + 1)
    expected = capsys.readouterr().out
    assert expected.startswith("sum: ") and "x = [" in expected
    f(X + 1)  # a cache hit: printed again, with the new values
    assert capsys.readouterr().out == expected
    assert f.trace_count == 1


def asserts(x):
    assert x.min() > 0, "x must be positive"
    return np.log(x)


def test_assert_at_run_time():
    f = assert_matches(asserts, POS)
    with pytest.raises(AssertionError, match="x must be positive"):
        asserts(X)
    with pytest.raises(AssertionError, match="x must be positive") as info:
        f(X)
    line = asserts.__code__.co_firstlineno + 1
    assert f"test_autograph_staged.py:{line}" in str(info.value)
    assert f.trace_count == 1  # checked when the compiled program runs, not by a retrace


# -- errors ----------------------------------------------------------------------------------


def one_branch_only(x):
    if x.sum() > 0:
        y = x * 2
    return y


def one_branch_then_used(x):
    if x.sum() > 0:
        y = x * 2
    return y + 1


def test_variable_defined_in_one_branch():
    assert one_branch_then_used(POS) is not None  # Python: fine when the branch is taken
    with pytest.raises(NameError):
        one_branch_then_used(NEG)
    with pytest.raises(errors.JitflowError, match="Variable 'y'") as info:
        jitflow.function(one_branch_then_used)(POS)
    line = one_branch_then_used.__code__.co_firstlineno + 3
    assert f"test_autograph_staged.py:{line}" in str(info.value)


def test_returned_variable_defined_in_one_branch():
    with pytest.raises(errors.JitflowError, match="Variable 'y'") as info:
        jitflow.function(one_branch_only)(POS)
    line = one_branch_only.__code__.co_firstlineno + 3
    assert f"test_autograph_staged.py:{line}" in str(info.value)


def shape_changes(x):
    y = x
    while y.sum() > 1:
        y = np.concatenate([y, y])
    return y


def test_loop_shape_change():
    with pytest.raises(errors.ShapeError) as info:
        jitflow.function(shape_changes)(POS)
    msg = str(info.value)
    line = shape_changes.__code__.co_firstlineno
    assert "'y'" in msg and "(6,)" in msg and "(12,)" in msg, msg
    assert re.search(rf"test_autograph_staged\.py:({line + 2}|{line + 3})", msg), msg


def dtype_changes(x):
    s = np.zeros((), np.int32)
    for v in x:
        s = s + v
    return s


def test_loop_dtype_change():
    with pytest.raises(errors.DTypeError) as info:
        jitflow.function(dtype_changes)(X)
    msg = str(info.value)
    assert "'s'" in msg and re.search("i(nt)?32", msg) and re.search("f(loat)?64", msg), msg
    assert "test_autograph_staged.py:" in msg, msg


def branch_shapes_differ(x):
    if x.sum() > 0:
        y = x
    else:
        y = x[:2]
    return y


def test_branch_shape_mismatch():
    with pytest.raises(errors.ShapeError, match="'y'"):
        jitflow.function(branch_shapes_differ)(X)


# -- the unrolling fallback ------------------------------------------------------------------


def prefix_sums(r):
    out = np.zeros_like(r)
    for k in range(1, r.shape[0] + 1):
        out[k - 1] = r[:k].sum()  # r[:k] needs k as a Python int
    return out


def test_unrolled_fallback_warns_once():
    line = prefix_sums.__code__.co_firstlineno + 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert_matches(prefix_sums, X)
        assert_matches(prefix_sums, M[:, 0])  # a new shape: traced again, not warned again
    unrolled = [w for w in caught if "unrolled" in str(w.message)]
    assert len(unrolled) == 1, [str(w.message) for w in caught]
    assert f"test_autograph_staged.py:{line}" in str(unrolled[0].message)
    assert count_ops(staged(prefix_sums, X), "while") == 0  # unrolled: no loop op


# -- staging really happened ---------------------------------------------------------------


def test_ir_one_while_for_a_range_loop():
    long = np.ones(64)
    ir4, ir64 = staged(for_range, long, 4), staged(for_range, long, 64)
    assert count_ops(ir64, "while") == 1, ir64
    # One body whatever the trip count: the two programs differ only in a constant.
    assert len(ir4.splitlines()) == len(ir64.splitlines()), (ir4, ir64)


def test_ir_one_while_for_newton():
    ir = staged(newton_sqrt, POS, 1e-12)
    assert count_ops(ir, "while") == 1 and count_ops(ir, "cond") == 0, ir


def test_ir_one_cond_for_a_traced_if():
    ir = staged(if_on_flag, X, np.bool_(True))
    assert count_ops(ir, "cond") == 1 and count_ops(ir, "while") == 0, ir


def test_ir_python_condition_is_not_staged():
    ir = staged(if_on_flag, X, True)
    assert count_ops(ir, "cond") == 0, ir
    ir = staged(while_python, X, 3)
    assert count_ops(ir, "while") == 0, ir


def test_ir_for_over_rows_is_one_loop():
    ir = staged(for_rows, np.ones((50, 3)))
    assert count_ops(ir, "while") == 1, ir


def test_ir_three_deep():
    ir = staged(three_deep, M, 0.3)
    assert count_ops(ir, "while") == 2, ir
    assert count_ops(ir, "cond") >= 2, ir


# -- list.append in a staged loop ------------------------------------------------------------


def appends(x):
    out = []
    for i in range(x.shape[0]):
        out.append(x[i] * 2)
    return np.stack(out)


def test_list_append_in_staged_loop():
    assert_matches(appends, X)
