"""jitflow in five minutes: the example of the README, checked against NumPy.

Run it with ``python examples/quickstart.py``. Every result is compared with what NumPy
gives for the same, undecorated function (``f.python_function``); the script exits with an
error if any of them differs.
"""

import numpy as np

import jitflow


@jitflow.function
def f(x, y):
    z = np.sin(x) * y + 1.0
    z[0] = -1.0                      # item/slice assignment on a traced array
    z += x.sum(axis=0, keepdims=True)
    return np.maximum(z, 0).astype(np.float32), (x @ y.T).mean()


@jitflow.function
def step(a):
    a[1:-1] = (a[:-2] + a[2:]) / 2   # updates the caller's array, as NumPy does


def check(actual, expected) -> None:
    """Same values (float tolerance), dtypes and shapes as NumPy."""
    for act, exp in zip(actual, expected, strict=True):
        assert np.asarray(act).dtype == np.asarray(exp).dtype, (act, exp)
        assert np.shape(act) == np.shape(exp), (act, exp)
        np.testing.assert_allclose(act, exp, rtol=1e-6)


def section(title: str) -> None:
    print(f"\n== {title} " + "=" * (72 - len(title)))


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((4, 3))
    y = rng.random((4, 3))

    section("f(x, y): same values, dtypes and shapes as NumPy")
    a, b = f(x, y)
    check((a, b), f.python_function(x, y))
    print(f"a: {a.dtype}{list(a.shape)}, writable={a.flags.writeable}\n{a}")
    print(f"b: {type(b).__name__} {b}")

    section("f.trace(x, y).ir: jitflow's IR, with the user's source lines")
    print(f.trace(x, y).ir)

    section("f.lower(x, y).as_text(): the StableHLO module XLA compiles")
    print(f.lower(x, y).as_text())

    section("a cache hit: new values, same shapes and dtypes")
    check(f(x + 1, y), f.python_function(x + 1, y))
    assert f.trace_count == 1, f.trace_count
    print(f"f.trace_count == {f.trace_count}: no retrace, no recompile")

    section("a new shape: one retrace, explained by f.cache_info()")
    ones = np.ones((5, 3))
    check(f(ones, ones), f.python_function(ones, ones))
    assert f.trace_count == 2, f.trace_count
    print(f.cache_info())

    section("mutation: step(a) updates the caller's array in place")
    a_jit = np.linspace(0.0, 1.0, 6) ** 2
    a_numpy = a_jit.copy()
    print(f"before: {a_jit}")
    step(a_jit)
    step.python_function(a_numpy)
    np.testing.assert_allclose(a_jit, a_numpy, rtol=1e-12)
    print(f"after:  {a_jit}  (NumPy gives the same)")

    print("\nquickstart: all results match NumPy")


if __name__ == "__main__":
    main()
