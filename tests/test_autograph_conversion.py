"""AutoGraph's source conversion, with Python values: converted code must behave exactly as
the code it came from.

Every case runs the plain function and ``convert(f)`` on the same (deep-copied) arguments
and compares what they return or raise, and the arguments afterwards; the operators take
their Python paths (traced values: tests/test_autograph_staged.py).
Calls into user code, scopes and the cache: tests/test_autograph_calls.py; random programs:
tests/test_autograph_programs.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from agcheck import check, line_of, rec

from jitflow.autograph import convert, to_code
from jitflow.autograph.converter import is_converted
from jitflow.errors import JitflowError

# -- each construct alone --------------------------------------------------------------------


def if_only(x):
    y = 0
    if x > 0:
        y = x
    return y


def if_else(x):
    if x % 2:
        y = "odd"
    else:
        y = "even"
    return y


def elif_chain(x):
    if x < 0:
        s = "neg"
    elif x == 0:
        s = "zero"
    elif x < 10:
        s = "small"
    else:
        s = "big"
    return s


def while_loop(n):
    i, s = 0, 0
    while i < n:
        s += i * i
        i += 1
    return s, i


def for_range(n, step):
    out = []
    for i in range(n, -n, step):
        out.append(i)
    return out


def for_targets(xs, ys):
    total = 0
    for i, (a, b) in enumerate(zip(xs, ys)):
        total += i * a - b
    return total, i, a, b


def for_dict(d):
    keys, total = "", 0
    for k, v in sorted(d.items()):
        keys += k
        total += v
    return keys, total


def for_subscript_target(xs):
    y = [0, 0]
    for y[0] in xs:
        y[1] += y[0]
    return y


def item_assignment(n):
    y = [0] * n
    for i in range(n):
        y[i] = i * i
        if i > 0:
            y[i] += y[i - 1]
    return y


def only_in_branch(x):
    if x:
        z = 5
    return z  # unbound when x is false


@pytest.mark.parametrize(
    "fn,arg_sets",
    [
        (if_only, [(3,), (-2,), (0,)]),
        (if_else, [(3,), (4,)]),
        (elif_chain, [(-1,), (0,), (5,), (50,)]),
        (while_loop, [(0,), (1,), (6,)]),
        (for_range, [(4, 1), (4, -1), (5, 2), (3, -2), (0, 1)]),
        (for_targets, [([1, 2, 3], [4, 5, 6]), ([7], [8, 9])]),
        (for_dict, [({"a": 1, "b": 2},), ({},)]),
        (for_subscript_target, [([1, 2, 3],), ([],)]),
        (item_assignment, [(0,), (1,), (5,)]),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_construct_alone(fn, arg_sets):
    check(fn, *arg_sets)


def test_variable_defined_in_one_branch_only():
    converted = convert(only_in_branch)
    assert converted(1) == only_in_branch(1)
    with pytest.raises(UnboundLocalError):
        only_in_branch(0)
    # Converted code holds an Undefined there, which refuses use and names the variable.
    with pytest.raises(JitflowError, match="Variable 'z'") as info:
        converted(0)
    assert f"test_autograph_conversion.py:{line_of(only_in_branch, 'return z')}" in str(
        info.value
    )


# -- break / continue / return in every loop kind ------------------------------------------------


def while_break(n):
    i = 0
    while True:
        i += 1
        if i * i > n:
            break
    return i


def while_continue(n):
    i = s = 0
    while i < n:
        i += 1
        if i % 3 == 0:
            continue
        s += i
    return s


def while_return(xs):
    i = 0
    while i < len(xs):
        if xs[i] < 0:
            return i
        i += 1
    return -1


def for_break_else(xs, target):
    for x in xs:
        if x == target:
            found = True
            break
    else:
        found = False
    return found


def while_else(n):
    i = 0
    while i < n:
        i += 1
        if i == 5:
            break
    else:
        i = -i
    return i


def for_else_no_break(xs):
    s = 0
    for x in xs:
        s += x
    else:
        s *= 2
    return s


def for_continue(xs):
    out = []
    for x in xs:
        if x % 2:
            continue
        out.append(x)
        if x > 10:
            continue
        out.append(-x)
    return out


def for_return(xs):
    for i, x in enumerate(xs):
        if x < 0:
            return i, x
        elif x == 0:
            return None
    return len(xs)


def return_in_branches(x):
    if x > 0:
        if x > 10:
            return "big"
        return "small"
    elif x == 0:
        return
    y = -x
    return y


def jumps_in_try(xs):
    s = 0
    for x in xs:
        try:
            if x % 2:
                continue
            if x > 8:
                break
            s += 10 // x
        except ZeroDivisionError:
            s -= 1
            continue
        finally:
            s += 100
        s += 1
    return s


def jumps_in_with(xs):
    import contextlib

    s = []
    for x in xs:
        with contextlib.nullcontext():
            if x == 3:
                return s
            if x % 2:
                continue
        s.append(x)
    return s


def match_in_loop(xs):
    out = []
    for x in xs:
        match x:
            case 0:
                continue
            case [a, b]:
                out.append(a + b)
            case int(n) if n > 5:
                break
            case _:
                out.append(x)
    return out


@pytest.mark.parametrize(
    "fn,arg_sets",
    [
        (while_break, [(0,), (10,), (50,)]),
        (while_continue, [(0,), (10,)]),
        (while_return, [([1, 2, -3, -4],), ([],), ([5],)]),
        (for_break_else, [([1, 2, 3], 2), ([1, 2, 3], 7), ([], 1)]),
        (while_else, [(3,), (9,)]),
        (for_else_no_break, [([1, 2],), ([],)]),
        (for_continue, [([1, 2, 3, 12, 14, 5],)]),
        (for_return, [([3, 2, -1, 0],), ([3, 0, -1],), ([1, 2],)]),
        (return_in_branches, [(20,), (5,), (0,), (-4,)]),
        (jumps_in_try, [([0, 1, 2, 3, 4, 10, 6],), ([],)]),
        (jumps_in_with, [([0, 1, 2, 3, 4],), ([2, 4],)]),
        (match_in_loop, [([1, 0, [2, 3], 4, 9, 1],), ([[1, 1]],)]),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_jumps(fn, arg_sets):
    check(fn, *arg_sets)


def shared_iterator(xs):
    it = iter(xs)
    for x in it:
        if x > 2:
            break
    return x, list(it)


def test_break_does_not_consume_the_next_item():
    check(shared_iterator, ([1, 2, 3, 4, 5],))


# -- nesting -----------------------------------------------------------------------------------


def nested_three(n):
    out = []
    for i in range(n):
        if i % 2 == 0:
            j = 0
            while j < i:
                for k in range(j):
                    if k == 2:
                        continue
                    if (i + j + k) % 5 == 4:
                        break
                    out.append((i, j, k))
                else:
                    out.append("else")
                j += 1
        elif i == 7:
            break
        else:
            out.append(-i)
    return out


def nested_return(n):
    for i in range(n):
        for j in range(n):
            k = 0
            while k < n:
                if i * j * k == 12:
                    return i, j, k
                k += 1
    return None


def loops_in_branches(x, n):
    acc = 0
    if x > 0:
        for i in range(n):
            acc += i if i % 2 else -i
    else:
        while n > 0:
            if n == x:
                break
            acc -= n
            n -= 1
    return acc, n


def break_in_inner_else(n):
    hits = []
    for i in range(n):
        for j in range(i):
            if j == 3:
                break
        else:
            hits.append(i)
            if i > 4:
                break  # belongs to the outer loop
    return hits


@pytest.mark.parametrize(
    "fn,arg_sets",
    [
        (nested_three, [(0,), (6,), (10,)]),
        (nested_return, [(3,), (5,)]),
        (loops_in_branches, [(1, 6), (-1, 6), (3, 6)]),
        (break_in_inner_else, [(3,), (10,)]),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_nesting(fn, arg_sets):
    check(fn, *arg_sets)


# -- expressions -------------------------------------------------------------------------------


def and_or_not(a, b, c):
    log = []
    r1 = rec(log, "a", a) and rec(log, "b", b) and rec(log, "c", c)
    r2 = rec(log, "a", a) or rec(log, "b", b) or rec(log, "c", c)
    r3 = not rec(log, "a", a)
    r4 = (rec(log, "a", a) and rec(log, "b", b)) or rec(log, "c", c)
    return r1, r2, r3, r4, log


def chained(a, b, c):
    log = []
    r1 = rec(log, "a", a) < rec(log, "b", b) <= rec(log, "c", c)
    r2 = rec(log, "a", a) == rec(log, "b", b) != rec(log, "c", c) in [1, 2] not in [[True]]
    r3 = a is b is not c
    return r1, r2, r3, log


def ternaries(x):
    log = []
    r = rec(log, "pos", x) if x > 0 else (rec(log, "zero", 0) if x == 0 else rec(log, "neg", -x))
    return r, log, [v if v % 2 else -v for v in range(x) if v and v < 5]


values = [0, 1, 2, "", "s", None, []]


@pytest.mark.parametrize("a", values[:4])
@pytest.mark.parametrize("b", values[2:6])
def test_and_or_not_short_circuit(a, b):
    check(and_or_not, (a, b, 3), (b, a, 0))


@pytest.mark.parametrize("abc", [(1, 2, 3), (3, 2, 1), (1, 1, 1), (2, 2, 1), (1, 3, 2)])
def test_chained_comparisons_evaluate_each_operand_once(abc):
    check(chained, abc)


def test_ternaries():
    check(ternaries, (3,), (0,), (-2,), (8,))


def test_lambda_and_nested_lambdas_on_one_line():
    pair = (lambda x: x and "t" or "f", lambda x: "odd" if x % 2 else "even")  # noqa: E731
    curried = lambda x: lambda y: x < y < 10  # noqa: E731
    for fn in pair:
        check(fn, (0,), (1,), (2,))
    assert convert(curried) is not curried
    assert [convert(curried)(1)(y) for y in (0, 5, 20)] == [curried(1)(y) for y in (0, 5, 20)]
    assert is_converted(convert(curried)(1))  # the inner lambda is converted code too


# -- print and assert --------------------------------------------------------------------------


def printer(xs):
    for x in xs:
        if x % 2:
            print("odd", x, sep=":")
        else:
            print("even", x, end=";\n")
    print(*xs)


def asserting(x, log):
    assert x >= 0, f"negative {x}"
    assert x != 3, rec(log, "message", "three")
    return x


def test_print(capsys):
    printer([1, 2, 3])
    expected = capsys.readouterr().out
    convert(printer)([1, 2, 3])
    assert capsys.readouterr().out == expected
    assert "ag__.print_(" in to_code(printer)


def test_assert():
    converted = convert(asserting)
    assert converted(2, []) == 2
    # (pytest rewrites the asserts of this module, so only the first line of the
    # message is compared with Python's)
    for x, message in ((-1, "negative -1"), (3, "three")):
        with pytest.raises(AssertionError) as info:
            converted(x, [])
        assert str(info.value) == message
    log = []
    convert(asserting)(2, log)
    assert log == []  # the message is only evaluated when the assertion fails
    assert "ag__.assert_stmt(" in to_code(asserting)


# -- to_code, errors, source positions ------------------------------------------------------------


def test_to_code():
    text = to_code(nested_three)
    for piece in ("def nested_three(n):", "ag__.for_stmt(", "ag__.while_stmt(",
                  "ag__.if_stmt(", "nonlocal", "ag__.ld(lambda: i, 'i')", "brk__"):
        assert piece in text
    compile(text, "<to_code>", "exec")  # valid Python
    assert "ag__.if_exp(" in to_code(ternaries)
    assert "ag__.chained_compare(" in to_code(chained)
    assert "ag__.and_(lambda:" in to_code(and_or_not)
    with pytest.raises(Exception, match="not converted"):
        to_code(np.sum)


def fails_deep_inside(xs):
    total = 0
    for x in xs:
        if x > 0:
            while x > 0:
                x -= 1
                total += 10 // x  # the failing line
    return total


def reports_user_frame(x):
    from jitflow.tracer.source import user_frame

    if x:
        where = user_frame()  # the reporting line
    else:
        where = None
    return where


def test_tracebacks_point_at_the_original_file_and_line():
    with pytest.raises(ZeroDivisionError) as info:
        convert(fails_deep_inside)([2])
    last = info.traceback[-1]
    assert last.path.name == "test_autograph_conversion.py"
    assert last.lineno + 1 == line_of(fails_deep_inside, "# the failing line")
    assert last.name == "fails_deep_inside"  # helpers take the function's name
    where = convert(reports_user_frame)(1)
    assert where.short == f"test_autograph_conversion.py:{line_of(reports_user_frame, 'the rep')}"


def warns(x):
    import warnings

    if x:
        warnings.warn("careful")  # the warning line


def test_caller_sensitive_calls_see_the_user_frame():
    with pytest.warns(UserWarning) as record:
        convert(warns)(1)
    assert record[0].filename == __file__
    assert record[0].lineno == line_of(warns, "# the warning line")


def gen_fn(n):
    for i in range(n):
        yield i


def reserved_name(x):
    ag__ = x
    return ag__


def locals_in_branch(x):
    if x:
        return locals()  # refused
    return {}


def break_in_finally(xs):
    for x in xs:
        try:
            pass
        finally:
            if x:
                break  # refused


@pytest.mark.parametrize(
    "fn,construct,marker",
    [
        (gen_fn, "generator", "def gen_fn"),
        (reserved_name, "ag__", "def reserved_name"),
        (locals_in_branch, "locals(...)", "# refused"),
        (break_in_finally, "'break' inside a 'finally'", "# refused"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_conversion_errors_name_construct_and_line(fn, construct, marker):
    from jitflow.errors import ConversionError, UnsupportedError

    with pytest.raises(ConversionError) as info:
        convert(fn)
    message = str(info.value)
    assert construct in message
    assert f"test_autograph_conversion.py:{line_of(fn, marker)}" in message
    assert fn.__qualname__ in message
    assert isinstance(info.value, UnsupportedError)
