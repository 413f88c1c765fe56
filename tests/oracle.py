"""NumPy as the oracle: run the same undecorated function with NumPy and with jitflow.

``assert_matches(fn, *args)`` calls ``fn`` on copies of the arguments, once plain and once
through ``jitflow.function``, and checks that results agree in value (within a dtype-
dependent tolerance), dtype, shape and Python type, and that arguments mutated by NumPy
are mutated the same way by jitflow.
"""

from __future__ import annotations

import copy

import jax.tree_util as tree_util
import numpy as np

import jitflow

_TOL = {
    np.dtype(np.float16): 2e-3,
    np.dtype(np.float32): 2e-5,
    np.dtype(np.float64): 1e-12,
    np.dtype(np.complex64): 2e-5,
    np.dtype(np.complex128): 1e-12,
}


def tolerance(dtype) -> float:
    return _TOL.get(np.dtype(dtype), 0.0)


def assert_same(actual, expected, rtol=None, atol=None, what="result") -> None:
    """Value, dtype and shape equality of two results (trees of arrays and scalars)."""
    a_leaves, a_tree = tree_util.tree_flatten(actual)
    e_leaves, e_tree = tree_util.tree_flatten(expected)
    assert a_tree == e_tree, f"{what}: structure {a_tree} != {e_tree}"
    for a, e in zip(a_leaves, e_leaves):
        if isinstance(e, (np.ndarray, np.generic)):
            assert isinstance(a, (np.ndarray, np.generic)), f"{what}: got {type(a)}"
            a_arr, e_arr = np.asarray(a), np.asarray(e)
            assert a_arr.dtype == e_arr.dtype, f"{what}: dtype {a_arr.dtype} != {e_arr.dtype}"
            assert a_arr.shape == e_arr.shape, f"{what}: shape {a_arr.shape} != {e_arr.shape}"
            tol = tolerance(e_arr.dtype) if rtol is None else rtol
            if e_arr.dtype.kind in "fc":
                np.testing.assert_allclose(
                    a_arr, e_arr, rtol=tol, atol=tol if atol is None else atol,
                    equal_nan=True, err_msg=what,
                )
            else:
                np.testing.assert_array_equal(a_arr, e_arr, err_msg=what)
        else:
            assert a == e or (a != a and e != e), f"{what}: {a!r} != {e!r}"


def assert_matches(fn, *args, rtol=None, atol=None, **jit_kwargs):
    """Compare ``fn(*args)`` under NumPy and under jitflow (arguments are copied)."""
    np_args = copy.deepcopy(args)
    jf_args = copy.deepcopy(args)
    expected = fn(*np_args)
    compiled = jitflow.function(fn, **jit_kwargs)
    actual = compiled(*jf_args)
    assert_same(actual, expected, rtol, atol)
    assert_same(list(jf_args), list(np_args), rtol, atol, what="arguments after the call")
    return compiled
