"""np.linalg, unchanged: Gaussian-process regression and logistic regression by Newton.

Run it with ``python examples/linear_algebra.py``. Two textbook computations, written
with NumPy only:

* ``gp_posterior``: the posterior mean and variance of a Gaussian process and its log
  marginal likelihood, through a Cholesky factor and triangular solves (the algorithm of
  Rasmussen & Williams, ch. 2);
* ``logistic_newton``: logistic regression fitted by Newton's method, one linear solve per
  step, iterated until the step is small (a ``while`` on a traced condition).

jitflow compiles each into one XLA program; the factorizations call the LAPACK kernels
that NumPy and JAX use. The script checks every result against NumPy running the
undecorated function, and shows that a matrix that is not positive definite raises
NumPy's LinAlgError.
"""

import time

import numpy as np

import jitflow


def rbf(a, b, length):
    """The squared-exponential kernel between the rows of ``a`` and ``b``."""
    d2 = np.sum(a**2, 1)[:, None] + np.sum(b**2, 1)[None, :] - 2 * a @ b.T
    return np.exp(-0.5 * np.maximum(d2, 0) / length**2)


@jitflow.function
def gp_posterior(x, y, x_new, length, noise):
    k = rbf(x, x, length) + noise * np.eye(x.shape[0])
    chol = np.linalg.cholesky(k)
    alpha = np.linalg.solve(chol.T, np.linalg.solve(chol, y))
    k_new = rbf(x_new, x, length)
    mean = k_new @ alpha
    v = np.linalg.solve(chol, k_new.T)
    var = 1.0 - np.sum(v**2, axis=0)
    log_ml = (-0.5 * y @ alpha - np.sum(np.log(np.diagonal(chol)))
              - 0.5 * x.shape[0] * np.log(2 * np.pi))
    return mean, var, log_ml


@jitflow.function
def logistic_newton(features, labels, ridge=1e-3, tol=1e-10, max_steps=50):
    """Weights maximizing the ridge-penalized log-likelihood, and the steps taken."""
    w = np.zeros(features.shape[1])
    step = np.ones_like(w)
    steps = 0
    while np.max(np.abs(step)) > tol and steps < max_steps:
        p = 1.0 / (1.0 + np.exp(-features @ w))
        gradient = features.T @ (p - labels) + ridge * w
        hessian = (features.T * (p * (1 - p))) @ features + ridge * np.eye(w.shape[0])
        step = np.linalg.solve(hessian, gradient)
        w = w - step
        steps += 1
    return w, steps


def check(fn, *args) -> None:
    got, want = fn(*args), fn.python_function(*args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-8, atol=1e-10)
        assert np.asarray(g).dtype == np.asarray(w).dtype, (g, w)


def best_of(fn, *args, repeats=5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, size=(200, 1))
    y = np.sin(2 * x[:, 0]) + 0.1 * rng.standard_normal(200)
    x_new = np.linspace(-3, 3, 50)[:, None]
    check(gp_posterior, x, y, x_new, 0.7, 0.01)

    features = np.hstack([rng.standard_normal((500, 5)), np.ones((500, 1))])
    true_w = rng.standard_normal(6)
    labels = (rng.random(500) < 1 / (1 + np.exp(-features @ true_w))).astype(float)
    check(logistic_newton, features, labels)
    print(f"logistic regression: {logistic_newton(features, labels)[1]} Newton steps")

    for name, fn, args in [("gp_posterior", gp_posterior, (x, y, x_new, 0.7, 0.01)),
                           ("logistic_newton", logistic_newton, (features, labels))]:
        numpy_s, jitflow_s = best_of(fn.python_function, *args), best_of(fn, *args)
        print(f"{name}: NumPy {numpy_s * 1e3:.2f} ms, jitflow {jitflow_s * 1e3:.2f} ms")

    try:
        gp_posterior(x, y, x_new, 0.7, -1.0)  # a negative noise: K is not positive definite
    except np.linalg.LinAlgError as e:
        print(f"LinAlgError, as NumPy raises it:\n{e}")
    else:
        raise AssertionError("a matrix that is not positive definite was not caught")
    print("all results match NumPy")


if __name__ == "__main__":
    main()
