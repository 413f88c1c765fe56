"""Per-op tests generated from the spec tables in tests/specs_*.py.

For every spec, dtype and shape: jitflow must give NumPy's values, dtype and shape, or —
where NumPy itself refuses the inputs — raise a jitflow error that derives from the class
of NumPy's exception (an ``except`` written for NumPy catches it). The shape/dtype rule of
the traced IR must agree with what XLA actually returns.
"""

from __future__ import annotations

import importlib
import pathlib
import zlib

import jax
import numpy as np
import pytest
from oracle import assert_same

import jitflow

_SPEC_MODULES = sorted(p.stem for p in pathlib.Path(__file__).parent.glob("specs_*.py"))
SPECS = [s for m in _SPEC_MODULES for s in importlib.import_module(m).SPECS]
CASES = [(spec, dts, shp) for spec in SPECS for _id, dts, shp in spec.cases()]
IDS = [ident for spec in SPECS for ident, _d, _s in spec.cases()]


def _numpy_result(spec, inputs):
    try:
        with np.errstate(all="ignore"):
            return spec.fn(*[np.copy(a) for a in inputs]), None
    # NumPy refuses (IndexError for a bad axis, ZeroDivisionError for weights summing to
    # zero, LinAlgError, ...): jitflow must refuse too.
    except (TypeError, ValueError, IndexError, ArithmeticError) as e:
        return None, e


def numpy_contract(error: Exception) -> type:
    """The class a refusal must derive from: that of NumPy's exception, or its nearest public
    base where NumPy's is private (``numpy._core._exceptions._UFuncNoLoopError`` is a
    TypeError to its users; ``numpy.exceptions.AxisError`` is public)."""
    for cls in type(error).__mro__:
        if not any(part.startswith("_") for part in f"{cls.__module__}.{cls.__name__}".split(".")):
            return cls
    raise AssertionError(f"no public class in {type(error).__mro__}")


@pytest.mark.parametrize("spec,dtypes,shapes", CASES, ids=IDS)
def test_op_matches_numpy(spec, dtypes, shapes):
    inputs = spec.inputs(zlib.crc32(spec.name.encode()), dtypes, shapes)
    expected, refused = _numpy_result(spec, inputs)
    f = jitflow.function(spec.fn)
    if refused is not None:
        with pytest.raises(numpy_contract(refused)) as raised:
            f(*inputs)
        assert isinstance(raised.value, jitflow.JitflowError), repr(raised.value)
        return
    actual = f(*inputs)
    assert_same(actual, expected, spec.rtol, spec.atol)


def _accepted(case) -> bool:
    spec, dtypes, shapes = case
    inputs = spec.inputs(zlib.crc32(spec.name.encode()), dtypes, shapes)
    return _numpy_result(spec, inputs)[1] is None


# Every 7th case that NumPy accepts (the refused ones are covered above).
SHAPE_RULE = [(c, i) for c, i in zip(CASES[::7], IDS[::7]) if _accepted(c)]


@pytest.mark.parametrize("spec,dtypes,shapes", [c for c, _ in SHAPE_RULE],
                         ids=[i for _, i in SHAPE_RULE])
def test_shape_rule_matches_xla(spec, dtypes, shapes):
    """The avals the trace records are what XLA returns (jax.Array in, jax.Array out; NumPy
    arrays for a function that writes into its argument, which a jax.Array refuses)."""
    inputs = spec.inputs(zlib.crc32(spec.name.encode()), dtypes, shapes)
    f = jitflow.function(spec.fn)
    traced_fn = f.trace(*inputs)
    writes = bool(traced_fn._entry.writeback)
    if writes:
        outs = jax.tree_util.tree_leaves(f(*inputs))
    else:
        with jax.enable_x64(True):
            device_inputs = [jax.device_put(a) for a in inputs]
        outs = jax.tree_util.tree_leaves(f(*device_inputs))
    n_results = traced_fn._entry.traced.n_results  # the rest are write-backs
    traced = [v.aval for v in traced_fn.graph.outputs[:n_results]]
    assert len(outs) == len(traced)
    for out, aval in zip(outs, traced):
        assert isinstance(out, (np.ndarray, np.generic) if writes else jax.Array)
        out = np.asarray(out)
        assert (tuple(out.shape), np.dtype(out.dtype)) == (aval.shape, aval.dtype)
