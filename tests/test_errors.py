"""Errors a user can cause name the user's file and line, what was found, and the way out."""

from __future__ import annotations

import traceback

import numpy as np
import pytest

import jitflow

THIS_FILE = "test_errors.py"


def _line_of(fn, text: str) -> int:
    import inspect

    lines, start = inspect.getsourcelines(fn)
    return start + next(i for i, line in enumerate(lines) if text in line)


def _raises(fn, *args, cls=jitflow.JitflowError):
    with pytest.raises(cls) as info:
        jitflow.function(fn)(*args)
    return info.value


def test_python_bool_of_traced_value_names_line_and_way_out():
    def f(x):
        if np.sin(x) > 0:  # a traced condition
            return x
        return -x

    with pytest.raises(jitflow.TracerConversionError) as info:
        jitflow.function(f, autograph=False)(np.ones(()))
    msg = str(info.value)
    assert f"{THIS_FILE}:{_line_of(f, 'a traced condition')}" in msg
    assert "Python bool" in msg and "np.where" in msg


def test_int_and_float_of_traced_value():
    def f(x):
        return np.ones(int(x))

    err = _raises(f, np.float64(3.0), cls=jitflow.TracerConversionError)
    assert "Python int" in str(err) and "static argument" in str(err)

    def g(x):
        return float(x) * 2

    err = _raises(g, np.float64(3.0), cls=jitflow.TracerConversionError)
    assert "Python float" in str(err) and f"{THIS_FILE}:{_line_of(g, 'float(x)')}" in str(err)


def test_asarray_of_traced_value():
    def f(x):
        return np.asarray(x) + 1

    err = _raises(f, np.ones(2), cls=jitflow.TracerConversionError)
    assert "converted to a NumPy array" in str(err)
    assert f"{THIS_FILE}:{_line_of(f, 'np.asarray')}" in str(err)


def test_item_of_traced_value():
    def f(x):
        return x.item()

    err = _raises(f, np.ones(()), cls=jitflow.TracerConversionError)
    assert ".item()" in str(err)


def test_unsupported_numpy_function_is_named():
    def f(x):
        return np.unique(x)

    err = _raises(f, np.ones(4), cls=jitflow.UnsupportedError)
    assert "np.unique is not supported" in str(err)
    assert f"{THIS_FILE}:{_line_of(f, 'np.unique')}" in str(err)
    assert not isinstance(err, AttributeError)


def test_broadcast_error_names_shapes_and_line():
    def f(x, y):
        return x + y

    err = _raises(f, np.ones(3), np.ones(4), cls=jitflow.ShapeError)
    assert "(3,) (4,)" in str(err) and f"{THIS_FILE}:{_line_of(f, 'x + y')}" in str(err)


def test_traceback_shows_user_frames_not_internals():
    def f(x):
        return bool(x)

    try:
        jitflow.function(f)(np.ones(()))
    except jitflow.JitflowError as e:
        frames = [fr.filename for fr in traceback.extract_tb(e.__traceback__)]
    assert any(fn.endswith(THIS_FILE) for fn in frames)
    # The C dispatcher leaves none of jitflow's frames; the Python one its own call.
    last_internal = max((i for i, fn in enumerate(frames) if "jitflow" + "/" in fn), default=-1)
    inner = frames[last_internal + 1 :]
    assert inner and all(fn.endswith(THIS_FILE) for fn in inner), frames


def test_errors_are_typed_for_users_catching_builtins():
    assert issubclass(jitflow.TracerConversionError, TypeError)
    assert issubclass(jitflow.ShapeError, ValueError)
    assert issubclass(jitflow.UnsupportedError, NotImplementedError)


def test_numpy_random_inside_is_refused_not_frozen():
    def noisy(x):
        return x + np.random.rand(*x.shape)  # would be frozen at trace time

    err = _raises(noisy, np.ones(3), cls=jitflow.UnsupportedError)
    assert "frozen" in str(err) and f"{THIS_FILE}:{_line_of(noisy, 'np.random.rand')}" in str(err)

    def with_generator(x, seed):
        rng = np.random.default_rng(seed)
        return x + rng.normal(size=x.shape)

    _raises(with_generator, np.ones(3), 0, cls=jitflow.UnsupportedError)


# -- the contract: NumPy's exception class, the function and argument named -----------------


def _assign_into(dtype, value):
    def assign(x):
        y = x.astype(dtype)
        y[0, 0] = value
        return y

    return assign


@pytest.mark.parametrize("fn,numpy_class", [
    (_assign_into(np.uint8, -1.25), OverflowError),  # -1 does not fit uint8
    (_assign_into(np.int64, np.nan), ValueError),
    (lambda x: x.astype(np.uint8) + 300, OverflowError),
    (lambda x: x.astype(np.int64) ** -1, ValueError),
    (lambda x: np.sum(x, axis=2), np.exceptions.AxisError),
    (lambda x: np.argmax(x, axis=(0,)), TypeError),
    (lambda x: np.add.accumulate(x[0, 0]), TypeError),
    (lambda x: np.quantile(x[:0], 0.5), IndexError),
    (lambda x: np.convolve(x[0], x[1], "middle"), ValueError),
    (lambda x: np.moveaxis(x, 0, 5), np.exceptions.AxisError),
    (lambda x: x + None, TypeError),
])
def test_a_refusal_derives_from_numpys_exception(fn, numpy_class):
    x = np.ones((2, 3))
    with pytest.raises(numpy_class):
        fn(x)
    err = _raises(fn, x, cls=numpy_class)
    assert isinstance(err, jitflow.JitflowError)


def test_code_written_for_numpy_catches_an_axis_error():
    def total(x, axis):
        try:
            return np.sum(x, axis=axis)
        except np.exceptions.AxisError:  # a ValueError and an IndexError too
            return np.sum(x)

    f = jitflow.function(total, static_argnames="axis")
    x = np.arange(6.0).reshape(2, 3)
    for axis in (1, 5):
        np.testing.assert_array_equal(f(x, axis), total(x, axis))


@pytest.mark.parametrize("arg,what", [
    (np.array(["a"]), "dtype <U1"),
    (np.array([1], dtype=object), "dtype object"),
    ({1, 2}, "is a set"),
    (object(), "is an object"),
])
def test_an_argument_error_names_the_function_and_the_argument(arg, what):
    def scaled(x, factor):
        return x * factor

    err = _raises(scaled, np.ones(2), arg)
    assert "scaled() argument factor" in str(err) and what in str(err)


def _internal_frames(err) -> list[str]:
    from jitflow.tracer.source import is_internal

    frames = traceback.extract_tb(err.__traceback__)
    return [f"{fr.filename}:{fr.name}" for fr in frames if is_internal(fr.filename)]


def _python_dispatched(f):
    """``f``'s compiled function through the Python dispatcher (the path without C)."""
    from jitflow import dispatch
    from jitflow.function import _SWAP_X64, _X64, _ArrayImpl

    d = dispatch.PythonDispatcher()
    d.bind(f._jitted_flat, f._call_general, f._failed, _X64, np.ndarray, _ArrayImpl,
           np.array, _SWAP_X64, not f._static_names)
    return d


def bad_index(x, i):
    return x[i]  # out of bounds: found when the program has run


def assert_in_while(x, n):
    i = 0
    while i < n:
        assert x[0] < 5.0, "x[0] too big"
        i += 1
    return x


def raise_if_negative(x):
    if np.any(x < 0):  # a traced condition: checked when the call returns
        raise ValueError("x must not be negative")
    return np.sqrt(x)


@pytest.mark.parametrize("fn,args,cls", [
    (raise_if_negative, (np.array([1.0, -1.0]),), ValueError),
    (bad_index, (np.arange(3.0), np.array(9)), IndexError),  # the C fast path
    (bad_index, (np.arange(3.0), np.int64(9)), IndexError),  # the general path
    (assert_in_while, (np.array([7.0]), np.int64(2)), AssertionError),
])
def test_a_run_time_failure_shows_no_internal_frames(fn, args, cls):
    from jitflow import dispatch

    f = jitflow.function(fn)
    with pytest.raises(cls) as info:
        f(*args)
    if isinstance(f, dispatch.CDispatcher):
        assert _internal_frames(info.value) == []
    frames = traceback.extract_tb(info.value.__traceback__)
    assert frames[0].filename.endswith(THIS_FILE)
    with pytest.raises(cls) as info:
        _python_dispatched(f)(*args)
    assert [name.split(":")[-1] for name in _internal_frames(info.value)] == ["call_for_user"]
