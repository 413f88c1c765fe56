"""The decorator: cache keys, retracing and its explanations, pytrees, static arguments,
NumPy/JAX in and out, methods, and the errors for bad calls."""

from __future__ import annotations

import warnings

import jax
import numpy as np
import pytest

import jitflow
from oracle import assert_matches, assert_same


def sin_mul(x, y):
    return np.sin(x) * y + 1.0


def test_bare_and_called_decorator_forms():
    f = jitflow.function(sin_mul)
    g = jitflow.function(static_argnames=())(sin_mul)
    x, y = np.random.rand(4, 3), np.random.rand(4, 3)
    assert_same(f(x, y), sin_mul(x, y))
    assert_same(g(x, y), sin_mul(x, y))
    assert f.python_function is sin_mul
    assert f.__name__ == "sin_mul" and f.__doc__ == sin_mul.__doc__


def test_cache_hit_does_not_retrace():
    f = jitflow.function(sin_mul)
    x, y = np.random.rand(4, 3), np.random.rand(4, 3)
    f(x, y)
    f(x + 1, y)
    f(x, y * 2)
    assert f.trace_count == 1
    info = f.cache_info()
    assert (info.hits, info.misses) == (2, 1)
    assert info.traces[0].reason == "first call"


def test_new_shape_retraces_and_says_why():
    f = jitflow.function(sin_mul)
    f(np.ones((4, 3)), np.ones((4, 3)))
    f(np.ones((5, 3)), np.ones((1, 3)))
    assert f.trace_count == 2
    reason = f.cache_info().traces[1].reason
    assert reason == "x: f64[4,3] -> f64[5,3]; y: f64[4,3] -> f64[1,3]"


def test_new_dtype_retraces_and_keeps_numpy_promotion():
    f = jitflow.function(sin_mul)
    x32 = np.ones(3, np.float32)
    out = f(x32, x32)
    assert out.dtype == np.float32
    f(np.ones(3), np.ones(3))
    assert "x: f32[3] -> f64[3]" in f.cache_info().traces[1].reason


def test_python_float_is_traced_weakly_typed():
    f = jitflow.function(lambda x, lr: x - lr * x)
    x = np.ones(3, np.float32)
    for lr in (0.1, 0.2, 0.5):
        out = f(x, lr)
        assert out.dtype == np.float32  # the Python float does not force float64
        np.testing.assert_allclose(out, x - lr * x, rtol=1e-6)
    assert f.trace_count == 1


def test_numpy_scalars_are_traced_by_dtype():
    f = jitflow.function(lambda x, s: x * s)
    x = np.ones(3, np.float32)
    assert f(x, np.float64(2.0)).dtype == np.float64
    f(x, np.float64(3.0))
    assert f.trace_count == 1


def test_python_int_bool_str_none_are_static():
    def g(x, n, flag, mode, nothing):
        out = x * n
        if flag:
            out = out + 1
        if mode == "neg":
            out = -out
        assert nothing is None
        return out

    f = jitflow.function(g)
    x = np.arange(3.0)
    for args in [(2, True, "neg", None), (2, True, "neg", None), (3, False, "pos", None)]:
        assert_same(f(x, *args), g(x, *args))
    assert f.trace_count == 2
    reason = f.cache_info().traces[1].reason
    assert "n: int 2 -> int 3" in reason and "flag: bool True -> bool False" in reason


def test_bool_and_int_static_values_do_not_collide():
    f = jitflow.function(lambda x, n: x * n)
    x = np.ones(2)
    assert f(x, 1).dtype == np.float64
    assert f(x, True).dtype == np.float64
    assert f.trace_count == 2


def test_static_argnames_key_by_value():
    f = jitflow.function(lambda x, scale: x * scale[0], static_argnames=("scale",))
    x = np.ones(3)
    assert_same(f(x, (2.0,)), x * 2.0)
    assert_same(f(x, scale=(2.0,)), x * 2.0)
    assert_same(f(x, (3.0,)), x * 3.0)
    assert f.trace_count == 2


def test_pytree_arguments_and_results():
    def g(params, batch):
        w, b = params["w"], params["b"]
        h = batch[0] * w + b
        return {"out": h, "aux": (h * 2, batch[1] - 1)}, "done", 3

    x = np.random.rand(3)
    assert_matches(g, {"w": np.random.rand(3), "b": 0.5}, [x, np.random.rand(3)])


def test_numpy_in_gives_writable_numpy_out():
    f = jitflow.function(sin_mul)
    out = f(np.ones(3), np.ones(3))
    assert type(out) is np.ndarray and out.flags.writeable
    out[0] = 5.0  # the user owns it


def test_zero_d_results_are_numpy_scalars():
    f = jitflow.function(lambda x: x * 2)
    out = f(np.float64(1.5))
    assert isinstance(out, np.float64) and out == 3.0


def test_jax_array_in_gives_jax_array_out():
    f = jitflow.function(sin_mul)
    with jax.enable_x64(True):
        x = jax.device_put(np.ones(3))
    out = f(x, x)
    assert isinstance(out, jax.Array) and out.dtype == np.float64
    np.testing.assert_allclose(np.asarray(out), sin_mul(np.ones(3), np.ones(3)))


def test_callable_from_jax_jit():
    f = jitflow.function(sin_mul)
    x = np.random.rand(3)
    with jax.enable_x64(True):
        out = jax.jit(lambda a: f(a, a) * 2)(x)
    np.testing.assert_allclose(np.asarray(out), sin_mul(x, x) * 2)


def test_methods_bind_self_statically():
    class Scaler:
        def __init__(self, k):
            self.k = k

        @jitflow.function
        def apply(self, x):
            return x * self.k

    a, b = Scaler(2.0), Scaler(3.0)
    x = np.ones(3)
    assert_same(a.apply(x), x * 2.0)
    assert_same(b.apply(x), x * 3.0)
    assert_same(a.apply(x + 1), (x + 1) * 2.0)
    assert Scaler.apply.trace_count == 2


def test_mutated_argument_is_written_back():
    def bump(a, b):
        a += 1
        b *= 2.0
        return a.sum() if False else a * 1

    assert_matches(bump, np.arange(4.0), np.ones(3, np.float32))


def test_mutation_of_jax_array_argument_raises_as_in_jax():
    f = jitflow.function(lambda a: a.__iadd__(1))
    with jax.enable_x64(True):
        x = jax.device_put(np.zeros(2))
    with pytest.raises(TypeError, match="jax.Array"):  # immutable: JAX raises TypeError
        f(x)
    np.testing.assert_array_equal(np.asarray(x), [0.0, 0.0])


def test_retracing_warns_when_it_repeats():
    f = jitflow.function(lambda x, n: x * n)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(7):
            f(np.ones(2), n)
    messages = [str(w.message) for w in caught if "traced" in str(w.message)]
    assert len(messages) == 1 and "n: int 4 -> int 5" in messages[0]


# -- bad input --------------------------------------------------------------------------


def test_object_array_argument_is_refused_clearly():
    f = jitflow.function(sin_mul)
    with pytest.raises(jitflow.DTypeError, match=r"argument x has dtype object"):
        f(np.array([1, "a"], dtype=object), np.ones(2))


def test_string_array_argument_is_refused_clearly():
    f = jitflow.function(sin_mul)
    with pytest.raises(jitflow.DTypeError, match=r"argument y has dtype <U1"):
        f(np.ones(2), np.array(["a", "b"]))


def test_unsupported_argument_type_names_the_argument():
    f = jitflow.function(sin_mul)
    with pytest.raises(jitflow.InvalidArgumentError, match=r"argument y\[1\] is an object"):
        f(np.ones(2), [np.ones(2), object()])


def test_wrong_number_of_arguments():
    f = jitflow.function(sin_mul)
    with pytest.raises(jitflow.InvalidArgumentError, match=r"missing a required argument"):
        f(np.ones(2))
    with pytest.raises(jitflow.InvalidArgumentError, match=r"too many positional"):
        f(np.ones(2), np.ones(2), np.ones(2))


def test_non_callable_is_refused():
    with pytest.raises(jitflow.InvalidArgumentError, match="expects a function"):
        jitflow.function(3)


def test_retrace_warning_names_the_callers_line():
    f = jitflow.function(lambda x: x + 1)
    with pytest.warns(UserWarning, match="traced 6 times; the last because x: f64") as record:
        for n in range(1, 7):
            f(np.ones(n))  # the line the warning names
    assert [w.filename for w in record] == [__file__]
    assert f.trace_count == 6


def test_large_results_are_writable_and_own_their_memory():
    # Results of 1 MiB and more reach NumPy without a copy (a view of XLA's buffer):
    # they must still be writable and independent of the inputs, each other and later calls.
    x = np.random.default_rng(0).random((512, 512))  # 2 MiB
    f = jitflow.function(lambda x: (x, x * 2, x * 2, np.zeros((512, 512)), x + 0))
    given, *outs = f(x)
    assert given is x  # the argument returned as it is: the caller's array, as in NumPy
    for i, a in enumerate(outs):
        assert a.flags.writeable and a.dtype == np.float64
        assert not np.shares_memory(a, x)
        assert not any(np.shares_memory(a, b) for b in outs[i + 1 :])
    for a in outs:
        a[...] = -1.0
    again = f(x)
    np.testing.assert_array_equal(again[-1], x)
    np.testing.assert_array_equal(again[1], x * 2)
    np.testing.assert_array_equal(again[3], np.zeros((512, 512)))
    view = again[1][:2]
    del again
    np.testing.assert_array_equal(view, x[:2] * 2)  # the buffer lives as long as a view


def test_a_function_returning_only_a_numpy_constant():
    """The result is NumPy's array (a writable copy), not a comparison of it."""
    f = jitflow.function(lambda x: np.isin(np.arange(5), [1, 3]))
    out = f(np.ones(3))
    np.testing.assert_array_equal(out, np.isin(np.arange(5), [1, 3]))
    assert out.flags.writeable


def test_arguments_the_program_never_reads_are_not_passed_to_it():
    """An argument used only for its shape (or not at all) is left out of the compiled
    program, so its data is never transferred to the device."""
    f = jitflow.function(lambda x, y, z: np.zeros(x.shape) + z * 2.0)
    x, y, z = np.ones((1000, 10)), np.ones(3), np.arange(10.0)
    np.testing.assert_array_equal(f(x, y, z), np.zeros(x.shape) + z * 2.0)
    text = f.lower(x, y, z).as_text()
    assert "@main(%arg0: tensor<10xf64>)" in text
    # Mutated but never read: written back all the same.
    def fill(out, v):
        out[...] = v

    out = np.zeros(4)
    jitflow.function(fill)(out, 3.0)
    np.testing.assert_array_equal(out, np.full(4, 3.0))


def test_keyword_arguments_are_positional_calls():
    """f(x, y=y) runs f(x, y)'s compiled program, and counts as one call."""
    def f(x, y, scale=2.0):
        return np.sin(x) * y * scale

    g = jitflow.function(f)
    x, y = np.ones(4), np.arange(4.0)
    for call, want in [(lambda: g(x, y=y), f(x, y)), (lambda: g(y=y, x=x), f(x, y)),
                       (lambda: g(x, y), f(x, y)), (lambda: g(x, scale=1.5, y=y), f(x, y, 1.5))]:
        np.testing.assert_allclose(call(), want)
    info = g.cache_info()
    assert (info.hits, info.misses) == (2, 2)  # (x, y) once, (x, y, scale) once
    with pytest.raises(jitflow.InvalidArgumentError, match="missing a required argument"):
        g(x, z=1.0)
