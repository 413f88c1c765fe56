"""The cache-hit path (jitflow/dispatch.py): the C dispatcher and its Python twin behave
the same, call for call, and the Python one carries the suite's call tests on its own.

The C type is built when jitflow is installed (``pip install -e .``) and optional: without
a compiler, or with ``JITFLOW_PYTHON_DISPATCH=1``, ``Function`` runs the Python path.
"""

import os
import pathlib
import subprocess
import sys

import jax
import numpy as np
import pytest

import jitflow
from jitflow import aliasing, dispatch
from jitflow.function import _SWAP_X64, _X64, _ArrayImpl

needs_c = pytest.mark.skipif(dispatch.CDispatcher is None,
                             reason="jitflow/_dispatch.c was not built (no C compiler)")


def both_paths(fn, **kwargs):
    """``fn`` compiled once, called through a C and a Python dispatcher bound to it."""
    f = jitflow.function(fn, **kwargs)
    out = []
    for kind in (dispatch.CDispatcher, dispatch.PythonDispatcher):
        d = kind()
        d.bind(f._jitted_flat, f._call_general, f._failed, _X64, np.ndarray, _ArrayImpl,
               np.array, _SWAP_X64, not f._static_names)
        out.append(d)
    return out


def same(a, b, writable=True):
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            same(x, y, writable)
        return
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert np.asarray(a).dtype == np.asarray(b).dtype
    if isinstance(a, np.ndarray) and writable:
        assert a.flags.writeable and b.flags.writeable


@needs_c
def test_function_uses_the_c_dispatcher_when_it_was_built():
    if os.environ.get("JITFLOW_PYTHON_DISPATCH"):
        assert isinstance(jitflow.function(np.sin), dispatch.PythonDispatcher)
    else:
        assert isinstance(jitflow.function(np.sin), dispatch.CDispatcher)


@needs_c
def test_both_dispatchers_send_shared_or_strided_memory_to_the_general_path():
    """The memory check of the fast path (jitflow.aliasing.fast_path_memory_ok and its C
    twin): arrays sharing an owner, or not C-contiguous, are keyed by their memory."""

    def fn(a, b):
        a += 1
        return b.sum() + b.reshape(-1)[0]

    def cases():
        x = np.arange(6.0)
        m = np.arange(6.0).reshape(2, 3)
        return [(x, x), (x[:3], x[3:]), (x[::2], np.ones(3)), (m.T, np.ones((3, 2))),
                (np.ones(3), np.ones(3))]

    c, p = both_paths(fn)
    for (a_c, b_c), (a_p, b_p), (a_n, b_n) in zip(cases(), cases(), cases()):
        expected = fn(a_n, b_n)
        same(c(a_c, b_c), expected)
        same(p(a_p, b_p), expected)
        for got in (a_c, a_p):
            np.testing.assert_array_equal(got, a_n)
    x = np.arange(4.0)
    assert aliasing.fast_path_memory_ok((x, np.ones(4)))
    assert not aliasing.fast_path_memory_ok((x, x[1:]))


@needs_c
@pytest.mark.parametrize("x64", [False, True], ids=["x64-swapped", "x64-on"])
def test_c_and_python_dispatchers_agree(x64):
    x, y = np.arange(4.0), np.linspace(0, 1, 4)
    cases = [
        (lambda a, b: np.sin(a) * b, (x, y)),  # a bare array
        (lambda a, b: (a * b).sum(), (x, y)),  # a bare 0-d array: a NumPy scalar
        (lambda a, b: (a + b, a.max()), (x, y)),  # a result tree
        (lambda a, b: a * b, (x, 2.5)),  # a Python float: traced, weakly typed
        (lambda a, b: a * b, (x, 3)),  # a Python int: static, the general path
        (lambda a, b: a[b], (x, np.int64(2))),  # a NumPy scalar: the general path
        (lambda a, b: a.astype(np.float32) + b, (x.astype(np.int32), np.float32(1))),
    ]
    with _X64(x64):
        for fn, args in cases:
            c, p = both_paths(fn)
            same(c(*args), p(*args))
            same(c(*args), fn(*args))
            with _X64(True):
                dev = [jax.device_put(a) if isinstance(a, np.ndarray) else a for a in args]
            got_c, got_p = c(*dev), p(*dev)
            leaves_c, leaves_p = jax.tree.leaves(got_c), jax.tree.leaves(got_p)
            assert [type(v) for v in leaves_c] == [type(v) for v in leaves_p]
            for u, v in zip(leaves_c, leaves_p):
                same(np.asarray(u), np.asarray(v), writable=False)
            assert (c._calls, p._calls) == (3, 2)


@needs_c
def test_keywords_mutation_and_errors_take_the_same_paths():
    def step(a, scale=1.0):
        a[1:-1] = (a[:-2] + a[2:]) * scale
        return a.sum()

    c, p = both_paths(step)
    ac, ap = np.arange(6.0), np.arange(6.0)
    same(c(ac, scale=0.5), p(ap, scale=0.5))
    np.testing.assert_array_equal(ac, ap)  # written back through both
    same(c(ac), p(ap))

    c, p = both_paths(lambda a, i: a[i])
    for d in (c, p):
        with pytest.raises(jitflow.IndexingError, match="index 7 is out of bounds") as e:
            d(np.arange(3.0), np.int64(7))
        assert "test_dispatch.py" in str(e.value)
    c, p = both_paths(lambda a: a if a.sum() > 0 else -a, autograph=False)
    for d in (c, p):
        with pytest.raises(jitflow.TracerConversionError, match="test_dispatch.py:"):
            d(np.ones(2))


def test_the_python_path_passes_the_call_tests_on_its_own():
    """tests/test_function.py, test_mutation.py and test_captures.py with
    JITFLOW_PYTHON_DISPATCH=1."""
    here = pathlib.Path(__file__).parent
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-q", "-p", "no:cacheprovider",
         str(here / "test_function.py"), str(here / "test_mutation.py"),
         str(here / "test_captures.py")],
        env={**os.environ, "JITFLOW_PYTHON_DISPATCH": "1"},
        capture_output=True, text=True, timeout=600, cwd=here.parent,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
