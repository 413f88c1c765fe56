"""Shared by the AutoGraph conversion tests: run plain and converted, compare."""

from __future__ import annotations

import copy
import inspect

from jitflow.autograph import convert
from jitflow.autograph.converter import is_converted


def outcome(fn, args):
    """(what ``fn(*args)`` returned or raised, the arguments afterwards)."""
    args = copy.deepcopy(args)
    try:
        result = ("returned", fn(*args))
    except Exception as e:  # noqa: BLE001 - the exception is the result being compared
        result = ("raised", type(e).__name__, str(e))
    return result, args


def check(fn, *arg_sets):
    """``convert(fn)`` is converted code and behaves as ``fn`` on every argument tuple."""
    converted = convert(fn)
    assert converted is not fn and is_converted(converted)
    for args in arg_sets:
        assert outcome(converted, args) == outcome(fn, args), args


def rec(log, name, value):
    """``value``, noting ``name`` in ``log`` (to see what was evaluated, in which order)."""
    log.append(name)
    return value


def line_of(fn, marker: str) -> int:
    """The line number of the first line of ``fn``'s source containing ``marker``."""
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, line in enumerate(lines) if marker in line)
