"""Differential fuzzing in CI: a fixed range of generated programs, NumPy against jitflow.

Each seed is one small NumPy function (``tests/fuzz/generator.py``) run plainly and under
``jitflow.function`` on fresh copies of the same inputs; results (values, dtypes, shapes,
result types), every argument's state after the call, and failing calls (same exception
class as NumPy's, arguments untouched) must agree (``tests/fuzz/runner.py``).

Seeds that still differ are listed in :data:`KNOWN` with the finding that explains them
(``/tmp/jf/fuzz-findings.md`` while issue 10 is open); they are strict xfails, so a fix
makes them fail until they are taken off the list. To see one program:
``python -m tests.fuzz --seeds 17 --show --shrink``.
"""

from __future__ import annotations

import pytest
from fuzz.generator import generate
from fuzz.runner import check

SEEDS = range(240)

FINDINGS = {  # ids of /tmp/jf/fuzz-findings.md (issue 10)
}

KNOWN: dict[int, str] = {  # seed -> finding id (FINDINGS)
}


def _params():
    for seed in SEEDS:
        marks = []
        if seed in KNOWN:
            reason = f"{KNOWN[seed]}: {FINDINGS[KNOWN[seed]]}"
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        yield pytest.param(seed, marks=marks, id=f"seed{seed}")


@pytest.mark.parametrize("seed", _params())
def test_generated_program_matches_numpy(seed):
    program = generate(seed)
    outcome = check(program)
    assert outcome.category in ("ok", "skip", "documented"), (
        f"{outcome.category}: {outcome.detail}\n\n{program.source()}")


def test_generator_is_deterministic():
    """A seed names one program: the source is the same on every call."""
    assert all(generate(s).source() == generate(s).source() for s in range(20))


def test_runner_sees_each_kind_of_difference():
    """The comparison cannot pass vacuously: it names wrong values, dtypes, types and
    mutated arguments, and a missing error."""
    import numpy as np
    from fuzz.runner import Difference, compare, public_class

    cases = [
        (np.array([1.0, 2.0]), np.array([1.0, 2.5]), "value"),
        (np.array([1.0], np.float32), np.array([1.0]), "dtype"),
        (np.float64(1.0), np.array(1.0), "type"),
        (np.float64(1.0), 1.0, "type"),
        (np.array([np.nan, 1.0]), np.array([1.0, 1.0]), "value"),
        (np.array([1, 2]), np.array([[1, 2]]), "shape"),
    ]
    for actual, expected, category in cases:
        with pytest.raises(Difference) as info:
            compare(actual, expected, "result")
        assert info.value.category == category
    compare(np.array([1.0, np.nan]), np.array([1.0 + 1e-13, np.nan]), "result")
    assert public_class(np.exceptions.AxisError("x")) is np.exceptions.AxisError
    with pytest.raises(TypeError) as info:  # numpy's private UFuncTypeError subclass
        np.add(np.array([1]), 1.5, out=np.array([1]))
    assert public_class(info.value) is TypeError
