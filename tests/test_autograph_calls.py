"""AutoGraph's conversion of called code, scopes and caching, with Python values.

As in tests/test_autograph_conversion.py, each case runs the plain function and
``convert(f)`` and compares; code objects recorded in :data:`CODES` show which functions
ran as converted code.
"""

from __future__ import annotations

import functools
import json
import sys

import numpy as np
from agcheck import check

from jitflow.autograph import convert, do_not_convert
from jitflow.autograph.converter import is_converted

# -- calls into user code ----------------------------------------------------------------------

CODES: list = []


def callee(x):
    CODES.append(sys._getframe().f_code)
    return x * 2 if x > 0 else -x


class Acc:
    def __init__(self, k):
        self.k = k
        self.__hidden = k + 1

    def step(self, x):
        CODES.append(sys._getframe().f_code)
        if x > self.k:
            return x - self.__hidden
        return x

    @classmethod
    def make(cls, k):
        CODES.append(sys._getframe().f_code)
        return cls(k if k > 0 else 1)

    @staticmethod
    def twice(x):
        CODES.append(sys._getframe().f_code)
        return 2 * x if x else None

    def __call__(self, x):
        CODES.append(sys._getframe().f_code)
        return self.k + x if x > 0 else self.k


class Child(Acc):
    def step(self, x):
        CODES.append(sys._getframe().f_code)
        if x:
            return super().step(x) + 1
        return 0


def calls_user_code(x):
    g = lambda v: v + 1 if v else v  # noqa: E731

    def inner(v):
        CODES.append(sys._getframe().f_code)
        return v * x if v > 0 else 0

    acc = Acc.make(2)
    return (
        callee(x), acc.step(x), g(x), inner(x), acc(x), Acc.twice(x), Child(1).step(x),
        functools.partial(callee, x)(), fact(x),
    )


def fact(n):
    CODES.append(sys._getframe().f_code)
    return 1 if n <= 1 else n * fact(n - 1)


def test_called_user_functions_methods_lambdas_closures_are_converted():
    CODES.clear()
    check(calls_user_code, (3,), (0,), (-2,))
    CODES.clear()
    convert(calls_user_code)(4)
    assert len(CODES) >= 12 and all(is_converted(code) for code in CODES)


def library_calls(xs):
    a = np.asarray(xs)
    return json.dumps(sorted(xs)), int(np.sum(a)), max(xs, default=0), str(len(xs))


def test_library_functions_run_unconverted():
    check(library_calls, ([3, 1, 2],), ([],))
    for fn in (np.sum, json.dumps, print, len, functools.reduce, convert):
        assert convert(fn) is fn
    namespace = {}
    exec("def no_source(x):\n    return x if x else -x\n", namespace)
    assert convert(namespace["no_source"]) is namespace["no_source"]


def builtin_iterators(a, b):
    return next(zip(a, b)), next(enumerate(a)), isinstance(zip(a), zip), dict(zip(a, b))


def test_builtin_iterators_outside_for_loops():
    check(builtin_iterators, ([1, 2], [3, 4]))


@do_not_convert
def left_alone(x):
    CODES.append(sys._getframe().f_code)
    return x if x else -1


def calls_left_alone(x):
    return left_alone(x) if x > 0 else 0


def test_do_not_convert():
    assert convert(left_alone) is left_alone
    CODES.clear()
    check(calls_left_alone, (2,), (-1,))
    assert CODES and not any(is_converted(code) for code in CODES)


def generator(n):
    for i in range(n):
        if i % 2:
            yield i


def uses_generator(n):
    return [v for v in generator(n) if v > 1]


def test_generators_run_unconverted_when_called():
    check(uses_generator, (7,))


# -- scopes ------------------------------------------------------------------------------------

COUNTER = 0


def bump_global(n):
    global COUNTER
    for i in range(n):
        if i % 2:
            COUNTER += i
    return COUNTER


def make_counter():
    count = 0

    def inc(n):
        nonlocal count
        while n > 0:
            count += n
            n -= 1
        return count

    return inc


def test_global_and_nonlocal():
    global COUNTER
    COUNTER = 0
    expected = [bump_global(5), bump_global(4)]
    COUNTER = 0
    assert [convert(bump_global)(5), convert(bump_global)(4)] == expected
    plain, converted = make_counter(), convert(make_counter())
    assert [plain(3), plain(2)] == [converted(3), converted(2)]


def binds_in_branches(x):
    if x > 0:
        import math as m

        def g(v):
            return v + 1

        class K:
            pass

        out = (m.floor(2.5), g(x), K.__name__)
    else:
        out = None
        v = 3
        del v
    while (w := x) > 2:
        x -= 1
    return out, w, x


def user_names_like_generated(n):
    brk__1 = if_body__1 = retval__ = 0
    for get_state__1 in range(n):
        if get_state__1 == 3:
            break
        brk__1 += 1
        retval__ += if_body__1 + get_state__1
    return brk__1, retval__, get_state__1


def test_scopes():
    check(binds_in_branches, (3,), (-1,))
    check(user_names_like_generated, (2,), (6,))


def closure_sees_rebinding():
    k = 1

    def f(x):
        return x + k if x else k

    g = convert(f)
    before = g(1)
    k = 10
    return before, g(1), f(1)


def test_closures_share_cells_with_the_original():
    assert closure_sees_rebinding() == (2, 11, 11)


def make_adder(k):
    return lambda x: x + k if x > 0 else k


def test_conversion_is_cached():
    assert convert(callee) is convert(callee)
    add1, add2 = convert(make_adder(1)), convert(make_adder(2))
    assert add1.__code__ is add2.__code__  # one conversion per code object
    assert (add1(5), add2(5)) == (6, 7)
    assert convert(add1) is add1  # converted code is not converted again


def class_inside(x):
    class Base:
        def val(self, v):
            return v + 1

    class Derived(Base):
        def val(self, v):
            if v > 0:
                return super().val(v) * 2  # zero-argument super in a converted branch
            return 0

    return Derived().val(x)


def test_zero_argument_super_in_converted_branches():
    check(class_inside, (3,), (-3,))
    CODES.clear()
    check(Child(1).step, (3,), (0,))
