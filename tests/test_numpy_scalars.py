"""NumPy scalars (``np.float64(2.0)``, ``a[0, 0]``, ``a.sum()``) are immutable, 0-d arrays
are not: ``s op= x`` rebinds a scalar with NumPy's promotion (any dtype, any shape) where
it writes into a 0-d array (same_kind casting, no broadcasting), views of a scalar are new
values, and writes into a scalar raise NumPy's TypeError. A NumPy scalar argument and a 0-d
array argument share an aval, so they trace apart. NumPy running the same undecorated
function is the oracle throughout (values, dtypes, result types, arguments after the call).
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest

import jitflow
from tests.oracle import assert_same


def _outcome(fn, args):
    """``fn(*args)`` on a deep copy: (result or raised exception, the arguments after)."""
    args = copy.deepcopy(args)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args), args
    except Exception as e:  # noqa: BLE001 (compared with NumPy's below)
        return e, args


def _same_type_tree(got, expected, what):
    pairs = zip(got, expected) if isinstance(expected, tuple) else [(got, expected)]
    for g, e in pairs:
        assert type(g) is type(e), f"{what}: {type(g).__name__}, NumPy {type(e).__name__}"


def _builtin(error: Exception) -> type:
    """The built-in class of NumPy's exception (UFuncTypeError: TypeError)."""
    return next(c for c in type(error).__mro__ if c.__module__ == "builtins")


def _agree(fn, *args, compiled=None):
    """NumPy and jitflow give the same values, dtypes and Python types (scalar or 0-d
    array), leave the arguments alike, or raise the same (built-in) exception class."""
    expected, np_args = _outcome(fn, args)
    got, jf_args = _outcome(compiled or jitflow.function(fn), args)
    if isinstance(expected, Exception):
        assert isinstance(got, _builtin(expected)), f"NumPy raised {expected!r}, jitflow {got!r}"
        assert isinstance(got, jitflow.errors.JitflowError), f"jitflow raised {got!r}"
        return
    assert not isinstance(got, Exception), f"NumPy returned {expected!r}, jitflow raised {got!r}"
    assert_same(got, expected)
    _same_type_tree(got, expected, "result")
    assert_same(list(jf_args), list(np_args), what="arguments after the call")
    _same_type_tree(tuple(jf_args), tuple(np_args), "arguments after the call")


# -- augmented assignment: a scalar rebinds, a 0-d array is written in place ---------------


def _div(s):
    s /= 2
    return s


def _times_array(s):
    s *= np.array([1.0, 2.0])
    return s


def _plus_int(s):
    s += 1
    return s


def _plus_float64(s):
    s += np.float64(0.5)
    return s


def _minus_float(s):
    s -= 0.5
    return s


def _floordiv(s):
    s //= 2
    return s


def _mod(s):
    s %= 3
    return s


def _pow(s):
    s **= 2
    return s


def _and(s):
    s &= 6
    return s


def _shift(s):
    s <<= 1
    return s


def _times_complex(s):
    s *= 1j
    return s


def _keeps_the_original(s):
    t = s
    s += 1  # a scalar: ``t`` keeps the old value; a 0-d array: both see the write
    return s, t


_AUGMENTED = [_div, _times_array, _plus_int, _plus_float64, _minus_float, _floordiv, _mod,
              _pow, _and, _shift, _times_complex, _keeps_the_original]
_ZERO_D = [np.int64(3), np.int32(7), np.float32(2.5), np.float64(2.0), np.uint8(5),
           np.bool_(True), np.complex128(1 + 2j)]


@pytest.mark.parametrize("fn", _AUGMENTED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("value", _ZERO_D, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize("kind", ["numpy scalar", "0-d array"])
def test_augmented_assignment_on_a_0d_argument(fn, value, kind):
    """``s /= 2`` of ``np.int64(3)`` is ``np.float64(1.5)``; of ``np.array(3)`` it raises
    (same_kind casting), as NumPy; ``s *= np.array([1., 2.])`` gives an array or raises."""
    arg = value if kind == "numpy scalar" else np.array(value)
    _agree(fn, arg)


def test_scalar_and_0d_array_arguments_trace_apart():
    """One function called with both, in turn: each keeps its own semantics and result
    kind, and each compiles once."""
    f = jitflow.function(_keeps_the_original)
    for _ in range(2):
        for arg in (np.float64(2.0), np.array(2.0), np.float64(5.0), np.array(-1.0)):
            _agree(_keeps_the_original, arg, compiled=f)
    assert f.trace_count == 2
    assert "NumPy scalar" in str(f.cache_info())


def test_scalar_with_array_arguments_on_repeated_calls():
    """A NumPy scalar next to arrays (not the dispatcher's fast path) on cache hits."""

    def f(a, s):
        s /= 2
        a += s
        return a, s

    compiled = jitflow.function(f)
    for s in (np.int64(3), np.int64(4), np.int64(-1)):
        _agree(f, np.arange(3.0), s, compiled=compiled)
    assert compiled.trace_count == 1


def test_scalar_results_of_the_function_rebind_too():
    """Reductions and elements read out of arrays are NumPy scalars as well."""

    def f(a):
        t, e = a.sum(), a[0]
        t /= 2
        e *= np.array([1.0, -1.0])
        return t, e, a

    _agree(f, np.array([1, 2]))


# -- views of a scalar are new values; NumPy's result kinds --------------------------------

_VIEWS = {
    "T": lambda s: s.T,
    "real": lambda s: s.real,
    "imag": lambda s: s.imag,
    "np.real": lambda s: np.real(s),
    "np.transpose": lambda s: np.transpose(s),
    "reshape(())": lambda s: s.reshape(()),
    "reshape(1)": lambda s: s.reshape(1),
    "squeeze": lambda s: s.squeeze(),
    "conj": lambda s: s.conj(),
    "s[...]": lambda s: s[...],
    "s[()]": lambda s: s[()],
    "s[None]": lambda s: s[None],
    "astype": lambda s: s.astype(np.float32),
}


_VIEW_ARGS = [np.float64(2.0), np.complex128(1 - 2j), np.array(2.0), np.array(1 - 2j)]
# (``.imag`` of a real array is a read-only view, written into only for complex ones.)
_VIEW_CASES = [(n, v) for n in _VIEWS for v in _VIEW_ARGS
               if n != "imag" or v.dtype.kind == "c" or not isinstance(v, np.ndarray)]


@pytest.mark.parametrize(("name", "value"), _VIEW_CASES,
                         ids=[f"{n}-{v!r}" for n, v in _VIEW_CASES])
def test_views_of_a_0d_argument(name, value):
    """A scalar's ``s.T``, ``s.real``... is a scalar (an array when n-d); writing into what
    an array's view gave writes into the array, into a scalar's leaves the scalar."""
    view = _VIEWS[name]

    def returned(s):
        return view(s)

    def written(s):
        v = view(s)
        v += 1
        return s, v

    _agree(returned, value)
    _agree(written, value)


# -- writes into a scalar raise as in NumPy ------------------------------------------------


def _setitem(s):
    s[()] = 5
    return s


def _setitem_ellipsis_add(s):
    s[...] += 1
    return s


def _out_self(s):
    np.add(s, 1, out=s)
    return s


def _out_other(s):
    np.negative(1.0, out=s)
    return s


def _fill(s):
    s.fill(7)  # NumPy fills a temporary copy: no error, the scalar stays
    return s


def _nan_to_num_no_copy(s):
    return np.nan_to_num(s, copy=False)


_WRITES = [_setitem, _setitem_ellipsis_add, _out_self, _out_other, _nan_to_num_no_copy]
_WRITTEN = {"numpy scalar": np.float64(np.nan), "0-d array": np.array(np.nan),
            "python float": float("nan")}
# (A Python float has no ndarray methods: ``s.fill`` is only for the other two.)
_WRITE_CASES = [(f, k) for f in _WRITES for k in _WRITTEN] + [(_fill, "numpy scalar"),
                                                              (_fill, "0-d array")]


@pytest.mark.parametrize(("fn", "kind"), _WRITE_CASES,
                         ids=[f"{f.__name__}-{k}" for f, k in _WRITE_CASES])
def test_writes_into_a_0d_argument(fn, kind):
    _agree(fn, _WRITTEN[kind])


def test_write_into_a_scalar_names_the_line():
    def f(a):
        t = a.sum()
        t[()] = 0
        return t

    with pytest.raises(TypeError, match=r"(?s)test_numpy_scalars.py:\d+.*'numpy.float64' "
                                        r"object does not support item assignment"):
        jitflow.function(f)(np.ones(3))


def test_writes_into_elements_and_reductions_raise():
    def element(a):
        a[0][()] = 1
        return a

    def reduction(a):
        t = a.max()
        np.add(t, 1, out=t)
        return t

    for fn in (element, reduction):
        _agree(fn, np.arange(3.0))


# -- np.real / np.imag of Python numbers are Python numbers --------------------------------


@pytest.mark.parametrize("value", [2.5, -1 + 2j, np.float64(2.5), np.complex64(1 + 2j),
                                   np.array(-1 + 2j)], ids=repr)
def test_real_and_imag_of_numbers(value):
    """``np.real(-1+2j)`` is the Python float ``-1.0`` (NumPy reads ``.real``), weakly
    typed: it keeps a float32 array float32."""
    _agree(lambda s: (np.real(s), np.imag(s)), value)
    _agree(lambda s: (np.real(s) * np.ones(2, np.float32), np.imag(s) + np.float32(1)), value)


# -- staged control flow ------------------------------------------------------------------


def test_scalar_rebound_in_one_branch_of_a_staged_if():
    """Fuzz seed 30878: the name stays a NumPy scalar on both paths."""

    def f(a0, s0):
        if a0.max() >= 0.5:
            a0[a0 == 0.0] = 5
        else:
            s0 = s0 * (-1.0)
        return s0

    compiled = jitflow.function(f)
    for a in (np.array([[2.5], [-1.75]]), np.array([[0.25], [0.0]])):
        _agree(f, a, np.float64(2.0), compiled=compiled)


def test_scalar_updated_in_a_staged_loop():
    def f(a, s):
        while a.sum() > s:
            s *= 2
        return s

    _agree(f, np.arange(4.0), np.float64(0.5))
    _agree(f, np.arange(4.0), np.float32(0.5))
