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
    last_internal = max(i for i, fn in enumerate(frames) if "jitflow" + "/" in fn)
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
