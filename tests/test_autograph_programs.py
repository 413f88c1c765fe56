"""Property test: random small integer programs behave the same converted and plain.

Hypothesis writes a function of three ints ``a, b, c`` out of assignments, augmented
assignments, ``if``/``elif``/``else``, ``for ... in range(...)``, bounded ``while`` loops,
``break``, ``continue`` and ``return``, nested up to three deep, with conditions built from
comparisons (chained too), ``and``/``or``/``not`` and ternaries. The source is registered
in ``linecache`` (so AutoGraph can read it), executed, and the plain function and
``convert(f)`` must return the same value and print the same output.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import linecache
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from jitflow.autograph import convert
from jitflow.autograph.converter import is_converted

VARS = ("a", "b", "c")
_counter = itertools.count()


@st.composite
def conditions(draw):
    v, w = draw(st.sampled_from(VARS)), draw(st.sampled_from(VARS))
    k = draw(st.integers(-3, 6))
    return draw(st.sampled_from([
        f"{v} > {k}",
        f"{v} % 2 == 0",
        f"{v} < {w} <= {k}",
        f"{v} > {k} and {w} != {k}",
        f"{v} < 0 or {w} > {k}",
        f"not {v} > {k}",
        f"({v} if {w} > 0 else {k}) > 2",
    ]))


@st.composite
def simple_statements(draw):
    v, w = draw(st.sampled_from(VARS)), draw(st.sampled_from(VARS))
    k = draw(st.integers(-5, 5))
    return draw(st.sampled_from([
        f"{v} = ({w} + {k}) % 11",
        f"{v} += {k}",
        f"{v} = {w} * 2 % 13 if {w} > {k} else {k}",
        f"{v} -= {w} // 3",
        f"print({v}, {k})",
    ]))


def blocks(depth: int, loop_depth: int):
    """A strategy for a list of source lines (indented relative to the block)."""
    return st.lists(statements(depth, loop_depth), min_size=1, max_size=3).map(
        lambda parts: [line for part in parts for line in part]
    )


@st.composite
def statements(draw, depth: int, loop_depth: int):
    kinds = ["simple", "simple", "return"]
    if loop_depth:
        kinds += ["break", "continue"]
    if depth < 3:
        kinds += ["if", "if", "for", "while"]
    kind = draw(st.sampled_from(kinds))
    if kind == "simple":
        return [draw(simple_statements())]
    if kind == "return":
        return [f"if {draw(conditions())}:", f"    return ({draw(st.sampled_from(VARS))}, 'r')"]
    if kind in ("break", "continue"):
        return [f"if {draw(conditions())}:", f"    {kind}"]
    inner = blocks(depth + 1, loop_depth)
    loop_inner = blocks(depth + 1, loop_depth + 1)
    indent = lambda lines: ["    " + line for line in lines]  # noqa: E731
    if kind == "if":
        lines = [f"if {draw(conditions())}:"] + indent(draw(inner))
        if draw(st.booleans()):
            lines += [f"elif {draw(conditions())}:"] + indent(draw(inner))
        if draw(st.booleans()):
            lines += ["else:"] + indent(draw(inner))
        return lines
    orelse = ["else:"] + indent(draw(inner)) if draw(st.booleans()) else []
    if kind == "for":
        i = f"i{depth}"
        start, stop = draw(st.integers(-2, 2)), draw(st.integers(-1, 4))
        step = draw(st.sampled_from([1, 1, 2, -1]))
        return [f"for {i} in range({start}, {stop}, {step}):"] + indent(
            [f"c = (c + {i}) % 17"] + draw(loop_inner)
        ) + orelse
    w = f"w{depth}"  # a bounded while loop: the counter steps before any continue
    bound = draw(st.integers(0, 4))
    return [f"{w} = 0", f"while {w} < {bound} and {draw(conditions())} or {w} < 1:"] + indent(
        [f"{w} += 1", f"if {w} > 5:", "    break"] + draw(loop_inner)
    ) + orelse


def build(lines):
    source = "def program(a, b, c):\n" + "".join(
        f"    {line}\n" for line in lines + ["return (a, b, c)"]
    )
    filename = f"<autograph-program-{next(_counter)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace["program"], source


def run(fn, args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            result = ("returned", fn(*args))
        except Exception as e:  # noqa: BLE001 - compared between the two runs
            result = ("raised", type(e).__name__, str(e))
    return result, out.getvalue()


@settings(max_examples=150, deadline=None, derandomize=bool(os.environ.get("CI")))
@given(
    lines=blocks(0, 0),
    args=st.tuples(st.integers(-4, 8), st.integers(-4, 8), st.integers(-4, 8)),
)
def test_random_programs(lines, args):
    program, source = build(lines)
    converted = convert(program)
    assert is_converted(converted)
    assert run(converted, args) == run(program, args), source
