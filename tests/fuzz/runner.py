"""Run a generated program with NumPy and under ``jitflow.function``; name the difference.

``check(program)`` returns an :class:`Outcome`: ``ok``, ``skip`` (NumPy itself did
something undefined, such as casting NaN to an integer), ``documented`` (a refusal that
DESIGN.md allows, see :data:`DOCUMENTED`) or one difference category:

- ``type``, ``dtype``, ``shape``, ``value``: the results differ (first leaf that does);
- ``args``: an argument's state after a successful call differs;
- ``refused``: jitflow raised a jitflow error where NumPy returned (a clear error, but
  not NumPy's answer); ``crash``: jitflow raised anything else where NumPy returned;
- ``no-error``: NumPy raised, jitflow returned; ``err-class``: jitflow raised, but not an
  instance of NumPy's (public) exception class; ``err-args``: the failed jitflow call
  changed an argument (decision 13: a failed call changes nothing, whatever NumPy did).
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np

import jitflow
from jitflow.errors import JitflowError

from .program import Program, has_cast_warning, run_numpy

# Refusals DESIGN.md allows where NumPy returns (decision 12: aliasing that depends on a
# traced condition, written through): counted as "documented", not as a difference.
DOCUMENTED = ("depending on a traced condition, either a new array or",)
RTOL = {"float32": 1e-4, "complex64": 1e-4, "float64": 1e-9, "complex128": 1e-9}
CATEGORIES = ("type", "dtype", "shape", "value", "args", "refused", "crash",
              "no-error", "err-class", "err-args")


@dataclasses.dataclass
class Outcome:
    category: str  # "ok", "skip" or one of CATEGORIES
    detail: str = ""


class Difference(Exception):
    def __init__(self, category: str, detail: str):
        super().__init__(detail)
        self.category = category


def public_class(exc: BaseException) -> type:
    """The first class of ``exc``'s MRO a user can name (builtins, numpy.exceptions)."""
    for cls in type(exc).__mro__:
        if cls.__module__ in ("builtins", "numpy.exceptions", "numpy.linalg"):
            return cls
    return Exception


def describe(v) -> str:
    text = repr(v)
    return text if len(text) < 300 else text[:300] + "..."


def same_values(a: np.ndarray, e: np.ndarray) -> bool:
    if e.dtype.kind in "fc":
        rtol = RTOL.get(e.dtype.name, 1e-9)
        parts = [(a.real, e.real), (a.imag, e.imag)] if e.dtype.kind == "c" else [(a, e)]
        return all(np.allclose(x, y, rtol=rtol, atol=rtol * 10, equal_nan=True)
                   and (np.isnan(x) == np.isnan(y)).all() for x, y in parts)
    return np.array_equal(a, e)


def compare(actual, expected, what: str, category_values: str = "value") -> None:
    """Raise :class:`Difference` at the first leaf where ``actual`` is not ``expected``."""
    if type(actual) is not type(expected):
        raise Difference("type", f"{what}: {type(actual).__name__} {describe(actual)}, "
                                 f"NumPy {type(expected).__name__} {describe(expected)}")
    if isinstance(expected, (tuple, list)):
        if len(actual) != len(expected):
            raise Difference("type", f"{what}: length {len(actual)} != {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            compare(a, e, f"{what}[{i}]", category_values)
        return
    if isinstance(expected, (np.ndarray, np.generic)):
        if actual.dtype != expected.dtype:
            raise Difference("dtype", f"{what}: dtype {actual.dtype}, NumPy {expected.dtype}")
        if actual.shape != expected.shape:
            raise Difference("shape", f"{what}: shape {actual.shape}, NumPy {expected.shape}")
        ok = same_values(np.asarray(actual), np.asarray(expected))
    elif isinstance(expected, (bool, int, float, complex)):
        ok = same_values(np.asarray(actual), np.asarray(expected))
    else:
        ok = actual == expected
    if not ok:
        raise Difference(category_values, f"{what}: {describe(actual)}, NumPy "
                                          f"{describe(expected)}")


def compare_args(actual: list, expected: list, params: list[str], category: str) -> None:
    for name, a, e in zip(params, actual, expected):
        try:
            compare(a, e, f"argument {name}", category)
        except Difference as d:
            raise Difference(category, str(d)) from None


def run_jitflow(fn, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jitflow.function(fn)(*args)


def check(program: Program) -> Outcome:
    """Run ``program`` both ways and return the first difference (or ok/skip)."""
    ns = program.load()
    messages: list[str] = []
    np_args, jf_args, original = ns.inputs(), ns.inputs(), ns.inputs()
    np_exc = jf_exc = None
    try:
        expected = run_numpy(ns.program, np_args, messages)
    except Exception as e:  # noqa: BLE001
        np_exc = e
    if has_cast_warning(messages):
        return Outcome("skip", "NumPy cast NaN, inf or an out-of-range value")
    try:
        actual = run_jitflow(ns.program, jf_args)
    except Exception as e:  # noqa: BLE001
        jf_exc = e
    try:
        if np_exc is not None:
            return check_failure(program, np_exc, jf_exc, jf_args, original)
        if jf_exc is not None:
            category = "refused" if isinstance(jf_exc, JitflowError) else "crash"
            if category == "refused" and any(d in str(jf_exc) for d in DOCUMENTED):
                category = "documented"
            return Outcome(category, f"{type(jf_exc).__name__}: {jf_exc}"[:1500])
        compare(actual, expected, "result")
        compare_args(jf_args, np_args, program.params, "args")
    except Difference as d:
        return Outcome(d.category, str(d))
    return Outcome("ok")


def check_failure(program: Program, np_exc, jf_exc, jf_args, original) -> Outcome:
    expected_class = public_class(np_exc)
    numpy_said = f"NumPy raised {type(np_exc).__name__}: {np_exc}"
    if jf_exc is None:
        return Outcome("no-error", f"{numpy_said}; jitflow returned")
    if not isinstance(jf_exc, expected_class):
        return Outcome("err-class", f"{numpy_said}; jitflow raised {type(jf_exc).__name__} "
                                    f"(not a {expected_class.__name__}): {jf_exc}"[:1500])
    compare_args(jf_args, original, program.params, "err-args")
    return Outcome("ok", numpy_said)
