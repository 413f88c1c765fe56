"""Every benchmark workload, run through jitflow at its "test" size, agrees with NumPy.

The suite (``python -m benchmarks``) checks every peer before timing it; this runs the
jitflow side of that check in the test suite, so a workload jitflow gets wrong fails CI
rather than a benchmark run. The peers (numba, TensorFlow) are not needed here.
"""

import numpy as np
import pytest

import jitflow
from benchmarks.run import as_tuple, check
from benchmarks.workload import all_workloads

CASES = [(w, np.dtype(d)) for w in all_workloads() for d in w.dtypes]


def test_suite_has_every_group():
    groups = {w.group for w in all_workloads()}
    assert groups == {"elementwise", "loops", "reductions", "program"}


@pytest.mark.parametrize(
    ("workload", "dtype"), CASES, ids=[f"{w.name}-{d.name}" for w, d in CASES]
)
def test_jitflow_matches_numpy(workload, dtype):
    rng = np.random.default_rng(0)
    args = workload.make_args(workload.sizes["test"], dtype, rng)
    keep = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    expected = workload.numpy(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    got = jitflow.function(workload.numpy)(*args)
    problem = check(workload, dtype, expected, got)
    assert problem is None, problem
    for before, after in zip(keep, args):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(after, before)  # inputs are left alone
    for e, g in zip(as_tuple(expected), as_tuple(got)):
        assert np.asarray(g).dtype == np.asarray(e).dtype  # NumPy's dtypes, exactly
