"""AutoGraph: what staged loops and branches collect besides variables — lists appended in
a staged ``for``, and prints/asserts of traced values — each case compared with the same
function run by plain Python/NumPy (output text included)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import jitflow
from oracle import assert_matches

RNG = np.random.default_rng(0)
X = RNG.normal(size=6)  # mixed signs
POS = np.abs(X) + 0.5  # all positive
NEG = -POS  # all negative
M = RNG.normal(size=(4, 3))


def staged(fn, *args):
    """The IR of ``fn`` traced with ``args`` (the decorated function is fresh)."""
    return jitflow.function(fn).trace(*args).ir


def appends_rows(m):
    res = []
    acc = np.zeros(m.shape[1])
    for row in m:
        acc = acc + row
        res.append(acc * 1.0)
    return np.stack(res), len(res)


def appends_two_lists(x):
    a, b = [], []
    for i in range(4):
        a.append(x * i)
        b.append(x.sum() + i)
    return np.stack(a), np.stack(b)


def appends_twice_per_iteration(x):
    out = []
    for i in range(x.shape[0]):
        out.append(x[i] * 2.0)
        out.append(-x[i])
    return np.stack(out), len(out)


@pytest.mark.parametrize("fn,args", [(appends_rows, (M,)), (appends_two_lists, (X,)),
                                     (appends_twice_per_iteration, (M,))])
def test_list_append_becomes_a_carried_array(fn, args):
    assert_matches(fn, *args)
    assert staged(fn, *args).count("= while") == 1  # one staged loop, not unrolled


def appends_with_traced_count(x, n):
    out = []
    for i in range(n):
        out.append(x * i)
    return out[0]


def test_list_append_with_traced_trip_count_is_refused():
    with pytest.raises(jitflow.UnsupportedError, match="Preallocate an array"):
        jitflow.function(appends_with_traced_count)(X, np.int64(3))


# -- print and assert inside staged branches -------------------------------------------------


def prints_in_branches(x):
    if x.sum() > 0:
        print("positive", x)
        y = x * 2
    else:
        print("negative", x.sum())
        y = -x
    if x[0] > 0:
        if x[1] > 0:
            print("first two positive", x[:2])
    return y


@pytest.mark.parametrize("x", [POS, NEG, X])
def test_print_in_staged_branches_prints_what_python_prints(x, capsys):
    expected = prints_in_branches(x.copy())
    want = capsys.readouterr().out
    actual = jitflow.function(prints_in_branches)(x.copy())
    got = capsys.readouterr().out
    np.testing.assert_allclose(actual, expected)
    assert got == want


def asserts_in_branch(x):
    if x[0] < 0:
        assert x.sum() > -100, "too negative"
    return x * 1.0


def test_assert_in_staged_branch_checks_at_run_time():
    f = jitflow.function(asserts_in_branch)
    np.testing.assert_allclose(f(NEG), asserts_in_branch(NEG))
    with pytest.raises(AssertionError, match="too negative"):
        f(np.full(NEG.shape, -200.0))
    assert f.trace_count == 1


# -- print and assert inside staged while loops (sent to the host per iteration) -------------


def prints_in_while(x):
    print("before", x[0])
    i = 0
    while x[i] > 0:
        print(i, x[i])
        if x[i] > 1.5:
            print("  big at", i)
        i += 1
    print("after", i)
    return i


def newton_prints(x):
    y = x
    while np.abs(y * y - x).max() > 1e-10:
        y = 0.5 * (y + x / y)
        print("y", y)
    return y


def prints_in_nested_while(x, n):
    for j in range(n):  # a staged for around a while: one row per inner iteration
        k = 0
        while k < x[j]:
            print("j", j, "k", k)
            k += 1
    return x * 2


def prints_with_traced_trip_count(x, m):
    total = 0.0
    for i in range(m):  # m is traced: a while, so the host takes the rows
        total = total + x[i]
        print("i", i, total)
    return total


@pytest.mark.parametrize("fn,args", [
    (prints_in_while, (np.array([1.0, 2.0, -1.0]),)),
    (prints_in_while, (np.array([-1.0, 2.0]),)),  # the loop never runs
    (newton_prints, (np.array([2.0, 9.0]),)),
    (prints_in_nested_while, (np.array([2, 0, 3]), 3)),
    (prints_with_traced_trip_count, (np.array([1.0, 2.0, 3.0, 4.0]), np.int64(3))),
])
def test_print_in_staged_while_prints_what_python_prints(fn, args, capsys):
    expected = fn(*args)
    want = capsys.readouterr().out
    f = jitflow.function(fn)
    for _ in range(2):  # and again from the cache: the rows of one call stay in that call
        actual = f(*args)
        assert capsys.readouterr().out == want
        np.testing.assert_allclose(actual, expected)
    assert f.trace_count == 1
    assert "host_record" in f.trace(*args).ir  # staged, not unrolled


def asserts_in_while(x):
    i = 0
    while x[i] >= 0:  # a traced condition: a staged while, i carried by it
        print("check", i)
        assert x[i] < 3, "too big"
        i += 1
    return i


def test_assert_in_staged_while_stops_where_python_stops(capsys):
    bad = np.array([0, 1, 5, 1, -1])
    with pytest.raises(AssertionError):
        asserts_in_while(bad)
    want = capsys.readouterr().out
    f = jitflow.function(asserts_in_while)
    with pytest.raises(AssertionError, match="too big"):
        f(bad)
    assert capsys.readouterr().out == want
    assert f(np.array([0, 1, 2, -1, 0])) == 3  # nothing left over from the failed call
    assert capsys.readouterr().out == "check 0\ncheck 1\ncheck 2\n"


# -- print and assert inside staged for loops (buffered per iteration) ----------------------


def prints_in_for(x):
    total = 0.0
    for i in range(x.shape[0]):
        total = total + x[i]
        print("step", i, "total", total)
        if x[i] < 0:
            print("  negative at", i)
    return total


def prints_until_break(x):
    for i in range(x.shape[0]):
        if x[i] > 1.0:
            break
        print(i, x[i])
    return x


def prints_in_nested_for(m):
    for row in m:
        for v in row:
            print(v)
    return m.sum()


@pytest.mark.parametrize("fn,arg", [(prints_in_for, X), (prints_until_break, X),
                                    (prints_in_nested_for, M)])
def test_print_in_staged_for_prints_what_python_prints(fn, arg, capsys):
    expected = fn(arg.copy())
    want = capsys.readouterr().out
    f = jitflow.function(fn)
    actual = f(arg.copy())
    got = capsys.readouterr().out
    np.testing.assert_allclose(actual, expected)
    assert got == want
    assert "= while" in f.trace(arg).ir  # buffered, not unrolled


def asserts_in_for(x):
    total = 0.0
    for i in range(x.shape[0]):
        total = total + x[i]
        print("total", total)
        assert total < 10, "overflow"
    return total


def test_assert_in_staged_for_stops_where_python_stops(capsys):
    x = np.array([4.0, 5.0, 6.0, 1.0])
    with pytest.raises(AssertionError) as expected:
        asserts_in_for(x)
    want = capsys.readouterr().out
    with pytest.raises(AssertionError, match="overflow"):
        jitflow.function(asserts_in_for)(x)
    assert capsys.readouterr().out == want
    assert "overflow" in str(expected.value)


def test_while_printing_first_prints_as_the_program_runs(capsys):
    # The loop's prints are the function's first effects: each row is printed by the host
    # callback as it arrives (a loop that never ends still shows its output); a function
    # that printed before the loop keeps them for the end of the call, to stay in order.
    from jitflow.ops.host import host_record_p

    x = np.array([1.0, 2.0, -1.0])
    for fn, live in ((newton_prints, True), (prints_in_while, False)):
        arg = np.array([2.0, 9.0]) if fn is newton_prints else x
        expected = fn(arg)
        want = capsys.readouterr().out
        f = jitflow.function(fn)
        np.testing.assert_allclose(f(arg), expected)
        assert capsys.readouterr().out == want
        lines, first = inspect.getsourcelines(fn)
        line = first + next(i for i, t in enumerate(lines) if t.strip().startswith("while"))
        ops = [op for op in f.trace(arg).graph.ops for op in (op, *_region_ops(op))]
        (sink,) = {op.params["sink"] for op in ops if op.prim is host_record_p}
        assert sink.where == f"{__file__}:{line}"  # named by the loop's line
        assert (sink.on_row is not None) == live


def _region_ops(op):
    for region in op.regions:
        for inner in region.ops:
            yield inner
            yield from _region_ops(inner)
