"""Newton's method iterating until convergence: a ``while`` on a traced condition.

Kepler's equation ``E - e sin(E) = M`` gives the eccentric anomaly ``E`` of an orbit with
eccentricity ``e`` at mean anomaly ``M``; it has no closed form and is solved by Newton's
iteration, here for a whole array of ``M`` at once. How many steps it takes depends on the
data, so the loop condition is a traced value: AutoGraph turns the ``while`` into one XLA
``while`` op, and the compiled function stops exactly where NumPy stops.

Run it with ``python examples/newton.py``. Every result is compared with what NumPy gives
for the same, undecorated function (``f.python_function``); the script exits with an error
if any of them differs.
"""

import numpy as np

import jitflow


@jitflow.function
def kepler(mean_anomaly, e, tol=1e-12, max_steps=50):
    """Eccentric anomalies for an array of mean anomalies; also returns the step count."""
    ecc = mean_anomaly + e * np.sin(mean_anomaly)  # a good first guess for e < 0.8
    residual = ecc - e * np.sin(ecc) - mean_anomaly
    steps = 0
    while np.max(np.abs(residual)) > tol and steps < max_steps:
        ecc = ecc - residual / (1.0 - e * np.cos(ecc))
        residual = ecc - e * np.sin(ecc) - mean_anomaly
        steps += 1
    return ecc, steps


@jitflow.function
def newton_sqrt(a, tol=1e-10):
    """sqrt(a) by Newton's iteration, each component iterated only until it has converged."""
    x = np.where(a > 1.0, a / 2.0, 1.0)
    done = np.abs(x * x - a) <= tol * a
    while not np.all(done):
        x = np.where(done, x, 0.5 * (x + a / x))
        done = np.abs(x * x - a) <= tol * a
    return x


def check(actual, expected, rtol=1e-12) -> None:
    """Same values (float tolerance), dtypes and shapes as NumPy."""
    for act, exp in zip(actual, expected, strict=True):
        assert np.asarray(act).dtype == np.asarray(exp).dtype, (act, exp)
        assert np.shape(act) == np.shape(exp), (act, exp)
        np.testing.assert_allclose(act, exp, rtol=rtol, atol=1e-14)


def main() -> None:
    mean_anomaly = np.linspace(0.0, 2 * np.pi, 1000)
    for e in (0.1, 0.5, 0.7):
        ecc, steps = kepler(mean_anomaly, e)
        check((ecc, steps), kepler.python_function(mean_anomaly, e))
        residual = np.max(np.abs(ecc - e * np.sin(ecc) - mean_anomaly))
        print(f"kepler e={e}: converged in {int(steps)} Newton steps, max residual {residual:.1e}")
    assert kepler.trace_count == 1, kepler.trace_count  # e is a traced float: no retrace

    a = np.geomspace(1e-3, 1e6, 12)
    root = newton_sqrt(a)
    check((root,), (newton_sqrt.python_function(a),))
    np.testing.assert_allclose(root, np.sqrt(a), rtol=1e-9)
    print(f"newton_sqrt of {a.size} numbers from {a[0]:g} to {a[-1]:g}: matches np.sqrt")

    ir = kepler.trace(mean_anomaly, 0.5).ir
    assert ir.count("= while ") == 1, ir
    print("kepler's IR holds one staged `while` op (the loop is XLA's, not unrolled)")
    print("\nnewton: all results match NumPy")


if __name__ == "__main__":
    main()
