"""What the function reads, it reads at each call (DESIGN decision 11).

Arrays read from globals, closures, default arguments and attributes are implicit inputs
passed by reference on every call and written back; numbers and strings read that way are
guarded (a changed value traces again, and ``cache_info()`` names it). Every case runs the
undecorated function under NumPy as the oracle, on its own copy of the state.
"""

from __future__ import annotations

import types

import numpy as np
import pytest

import jitflow

G = np.ones(3)
H = np.arange(3.0)
SCALE = 2.0
MODE = "add"
CFG = types.SimpleNamespace(w=np.ones(3), lr=0.5)


def same(a, b):
    assert type(a) is type(b), (type(a), type(b))
    np.testing.assert_array_equal(a, b)
    assert np.asarray(a).dtype == np.asarray(b).dtype


def use_global(x):
    return x + G


def test_a_global_array_is_read_at_each_call_in_place_and_rebound():
    global G
    G = np.ones(3)
    f = jitflow.function(use_global)
    same(f(np.zeros(3)), use_global(np.zeros(3)))
    G[:] = 5.0
    same(f(np.zeros(3)), use_global(np.zeros(3)))
    G = np.full(3, 7.0)
    same(f(np.zeros(3)), use_global(np.zeros(3)))
    assert f.trace_count == 1
    G = np.full(4, 1.0)  # a new shape: traced again, and said why
    same(f(np.zeros(4)), use_global(np.zeros(4)))
    G = np.full(3, 2, dtype=np.int32)
    same(f(np.zeros(3, np.float32)), use_global(np.zeros(3, np.float32)))
    G = np.ones(3)


def use_scale(x):
    return x * SCALE


def test_a_global_number_is_guarded_and_cache_info_names_it():
    global SCALE
    SCALE = 2.0
    f = jitflow.function(use_scale)
    same(f(np.ones(3)), use_scale(np.ones(3)))
    SCALE = 10.0
    same(f(np.ones(3)), use_scale(np.ones(3)))
    assert f.trace_count == 2
    assert "global SCALE: 2.0 -> 10.0" in str(f.cache_info())
    SCALE = 2.0  # the first entry again: no new trace
    same(f(np.ones(3)), use_scale(np.ones(3)))
    assert f.trace_count == 2
    SCALE = 2  # an int is not the float 2.0 (other dtype rules): its own entry
    same(f(np.ones(3, np.float32)), use_scale(np.ones(3, np.float32)))
    same(f(np.arange(3)), use_scale(np.arange(3)))
    SCALE = 2.0


def use_mode(x):
    return x + G if MODE == "add" else x * G


def test_a_global_string_deciding_python_control_flow_is_guarded():
    global MODE
    f = jitflow.function(use_mode)
    MODE = "add"
    same(f(np.full(3, 3.0)), use_mode(np.full(3, 3.0)))
    MODE = "mul"
    same(f(np.full(3, 3.0)), use_mode(np.full(3, 3.0)))
    assert "global MODE: 'add' -> 'mul'" in str(f.cache_info())
    MODE = "add"


def test_a_closure_variable_is_read_at_each_call():
    def make():
        c = np.ones(3)
        k = 1.0

        def fn(x):
            return x + c * k

        def set_k(v):
            nonlocal k
            k = v

        return c, fn, set_k

    c, fn, set_k = make()
    f = jitflow.function(fn)
    same(f(np.zeros(3)), fn(np.zeros(3)))
    c[:] = 9.0
    same(f(np.zeros(3)), fn(np.zeros(3)))
    set_k(3.0)
    same(f(np.zeros(3)), fn(np.zeros(3)))
    assert "closure variable k: 1.0 -> 3.0" in str(f.cache_info())


def use_default(x, d=np.ones(3)):  # noqa: B008 (the point of the test)
    return x + d


def bump_default(x, d=np.zeros(3)):  # noqa: B008
    d += 1
    return x + d


def test_default_arguments_are_read_at_each_call():
    f = jitflow.function(use_default)
    same(f(np.zeros(3)), use_default(np.zeros(3)))
    use_default.__defaults__[0][:] = 3.0
    same(f(np.zeros(3)), use_default(np.zeros(3)))
    same(f(np.zeros(3), np.full(3, 2.0)), use_default(np.zeros(3), np.full(3, 2.0)))


def test_a_mutable_default_mutated_inside_grows_as_in_numpy():
    f = jitflow.function(bump_default)
    got = [f(np.zeros(3))[0] for _ in range(3)]
    assert got == [1.0, 2.0, 3.0]
    np.testing.assert_array_equal(bump_default.__defaults__[0], [3.0, 3.0, 3.0])
    assert bump_default(np.zeros(3))[0] == 4.0  # plain NumPy continues from there


def write_global(x):
    G[0] = x.sum()
    H[1:] += x[:2]
    return G * 2


def test_writes_into_global_arrays_are_written_back():
    global G, H
    expected_g, expected_h = np.ones(3), np.arange(3.0)
    G, H = expected_g.copy(), expected_h.copy()
    f = jitflow.function(write_global)
    for _ in range(2):
        out = f(np.arange(3.0))
        saved_g, saved_h = G, H
        G, H = expected_g, expected_h
        want = write_global(np.arange(3.0))
        G, H = saved_g, saved_h
        same(out, want)
        np.testing.assert_array_equal(G, expected_g)
        np.testing.assert_array_equal(H, expected_h)
    G, H = np.ones(3), np.arange(3.0)


def rebind_global(x):
    global G
    G = G * 2 + x
    return G.sum()


def test_a_traced_array_stored_into_a_global_rebinds_it_after_the_call():
    global G
    G = np.ones(3)
    f = jitflow.function(rebind_global)
    old = G
    assert f(np.ones(3)) == 9.0
    assert G is not old and type(G) is np.ndarray and G.flags.writeable
    np.testing.assert_array_equal(G, [3.0, 3.0, 3.0])
    assert f(np.ones(3)) == 21.0
    np.testing.assert_array_equal(old, np.ones(3))  # the old array is left as it was
    G = np.ones(3)


class Model:
    def __init__(self):
        self.w = np.ones(3)
        self.bias = 0.5

    @jitflow.function
    def predict(self, x):
        return x @ self.w + self.bias

    @jitflow.function
    def step(self, g):
        self.w -= 0.1 * g  # in place: written back into the same array
        return self.w.sum()

    @jitflow.function
    def replace(self, g):
        self.w = self.w - g  # rebinding: the attribute holds a new array after the call
        return self.w


def test_attributes_of_self_are_read_at_each_call():
    m = Model()
    assert m.predict(np.ones(3)) == 3.5
    m.w = np.full(3, 3.0)
    assert m.predict(np.ones(3)) == 9.5
    m.w[:] = 1.0
    m.bias = 1.5
    assert m.predict(np.ones(3)) == 4.5
    assert "self.bias: 0.5 -> 1.5" in str(Model.predict.cache_info())
    other = Model()
    assert other.predict(np.full(3, 2.0)) == 6.5


def test_in_place_and_rebinding_writes_to_attributes():
    m = Model()
    w = m.w
    assert m.step(np.ones(3)) == pytest.approx(2.7)
    assert m.w is w
    np.testing.assert_allclose(w, [0.9, 0.9, 0.9])
    out = m.replace(np.ones(3))
    assert m.w is not w and type(m.w) is np.ndarray
    np.testing.assert_allclose(m.w, [-0.1, -0.1, -0.1])
    np.testing.assert_allclose(w, [0.9, 0.9, 0.9])
    np.testing.assert_allclose(out, m.w)
    assert out is not m.w


def use_config(x):
    return x * CFG.w * CFG.lr


def test_attributes_of_a_global_object():
    f = jitflow.function(use_config)
    same(f(np.ones(3)), use_config(np.ones(3)))
    CFG.w = np.full(3, 4.0)
    CFG.lr = 0.25
    same(f(np.ones(3)), use_config(np.ones(3)))
    assert "global CFG.lr: 0.5 -> 0.25" in str(f.cache_info())
    CFG.w, CFG.lr = np.ones(3), 0.5


def staged_reads(x):
    n = 0
    while np.sum(x) < 10.0:  # traced condition: a staged loop
        x = x + G  # G first met inside the loop body
        n += 1
    if x[0] > 100.0:  # staged branch writing a global
        H[0] = -1.0
    else:
        H[0] = x[0]
    return x


def test_captured_arrays_first_met_inside_staged_control_flow():
    global G, H
    G, H = np.ones(3), np.arange(3.0)
    f = jitflow.function(staged_reads)
    out = f(np.zeros(3))
    h_jit = H.copy()
    H = np.arange(3.0)
    same(out, staged_reads(np.zeros(3)))
    np.testing.assert_array_equal(h_jit, H)
    G[:] = 5.0
    out = f(np.zeros(3))
    h_jit = H.copy()
    H[0] = 0.0
    same(out, staged_reads(np.zeros(3)))
    np.testing.assert_array_equal(h_jit, H)
    G, H = np.ones(3), np.arange(3.0)


def two_globals(x):
    return x * G + H


def test_a_cache_hit_does_not_trace_again():
    f = jitflow.function(two_globals)
    for _ in range(5):
        same(f(np.ones(3)), two_globals(np.ones(3)))
    assert f.trace_count == 1
    assert f.cache_info().hits == 4


def test_the_same_array_reached_two_ways_is_one_array():
    a = np.ones(3)
    ns = types.SimpleNamespace(a=a, b=a)

    def fn(x):
        ns.a[0] = 5.0
        return ns.b + x

    f = jitflow.function(fn)
    same(f(np.zeros(3)), np.array([5.0, 1.0, 1.0]))
    np.testing.assert_array_equal(a, [5.0, 1.0, 1.0])
    ns.b = np.zeros(3)  # no longer the same array: traced again, reads each
    same(f(np.zeros(3)), np.zeros(3))
    np.testing.assert_array_equal(ns.a, [5.0, 1.0, 1.0])


def test_converted_functions_run_unchanged_outside_tracing():
    out = jitflow.autograph.convert(rebind_global)
    global G
    G = np.ones(3)
    assert out(np.ones(3)) == 9.0
    np.testing.assert_array_equal(G, [3.0, 3.0, 3.0])
    G = np.ones(3)


def test_a_traced_array_stored_into_an_object_made_inside_stays_python():
    class Box:
        pass

    def fn(x):
        b = Box()
        b.v = x * 2  # a local object: fine, Python keeps it
        keep = [Box()]
        keep[0].v = x  # reached through a list made inside: also local
        return b.v + keep[0].v

    f = jitflow.function(fn)
    same(f(np.ones(3)), fn(np.ones(3)))


# -- lists and dicts passed in and changed -------------------------------------------------


def log_sum(x, log):
    log.append(x.sum())
    log.append("done")
    return x * 2


def store(x, d):
    d["out"] = x * 2
    d["same"] = x  # the caller's own array, as NumPy stores it
    del d["gone"]
    d["nested"].append([x[0], 1])
    return x


def test_a_list_argument_appended_to_changes_as_in_numpy():
    f = jitflow.function(log_sum)
    for _ in range(2):  # the second call is a cache hit
        log, want = [1], [1]
        out = f(np.ones(3), log)
        same(out, log_sum(np.ones(3), want))
        assert len(log) == len(want) == 3
        assert log[0] == 1 and log[2] == "done"
        same(log[1], want[1])  # np.float64(3.0), a NumPy scalar as NumPy makes it
    assert f.trace_count == 1


def test_a_dict_argument_given_new_keys_changes_as_in_numpy():
    f = jitflow.function(store)
    x = np.arange(3.0)
    inner = []
    d = {"w": np.ones(3), "gone": 1, "nested": inner}
    f(x, d)
    assert sorted(d) == ["nested", "out", "same", "w"]
    same(d["out"], x * 2)
    assert d["same"] is x
    assert d["nested"] is inner and len(inner) == 1
    assert type(inner[0]) is list
    same(inner[0][0], np.float64(0.0))


def test_a_jax_array_written_to_raises_as_jax_does():
    import jax.numpy as jnp

    def step(a):
        a[0] = 1.0
        return a.sum()

    j = jnp.zeros(3)
    with pytest.raises(TypeError, match="argument a is a jax.Array") as e:
        jitflow.function(step)(j)
    assert isinstance(e.value, jitflow.JitflowError)
    assert "test_captures.py" in str(e.value)
    np.testing.assert_array_equal(np.asarray(j), np.zeros(3))
    with pytest.raises(TypeError):  # what JAX itself does
        step(j)


MASK = np.array([True, False, True])


def use_mask(x):
    return x[MASK].sum() + x[MASK]


def test_a_global_bool_mask_is_guarded_by_its_contents():
    f = jitflow.function(use_mask)
    x = np.arange(3.0)
    same(f(x), use_mask(x))
    MASK[1] = True  # the same array, new contents: a new shape
    same(f(x), use_mask(x))
    MASK[:] = [True, False, True]
    same(f(x), use_mask(x))
    assert f.trace_count == 2
    assert "global MASK: a bool[3] mask -> a bool[3] mask" in str(f.cache_info())


class Toggle:
    def __init__(self):
        self.flag = False
        self.w = np.ones(2)

    @jitflow.function
    def step(self, x):
        out = x + self.w if self.flag else x - self.w
        self.flag = not self.flag  # a Python value stored by every call, as in NumPy
        return out


def test_numbers_stored_into_state_are_stored_by_every_call():
    t = Toggle()
    got = [t.step(np.zeros(2))[0] for _ in range(4)]
    assert got == [-1.0, 1.0, -1.0, 1.0]
    assert t.flag is False
    assert Toggle.step.trace_count == 2  # calls 3 and 4 are cache hits that still store


def use_temporary(x):
    return x + TEMPORARY


def test_a_deleted_global_raises_as_in_python():
    global TEMPORARY
    TEMPORARY = np.ones(3)
    f = jitflow.function(use_temporary)
    same(f(np.zeros(3)), np.ones(3))
    del TEMPORARY
    with pytest.raises(NameError, match="TEMPORARY"):
        f(np.zeros(3))
    globals()["TEMPORARY"] = np.full(3, 2.0)
    same(f(np.zeros(3)), np.full(3, 2.0))
    del globals()["TEMPORARY"]
