"""Workloads of the 'program' group that lean on np.linalg.

* ``gp_regression``: the posterior mean and variance of a Gaussian process at new points,
  and the log marginal likelihood (Rasmussen & Williams, algorithm 2.1): a squared-
  exponential kernel matrix, its Cholesky factor, triangular solves, a log-determinant.
  The NumPy version solves with ``np.linalg.solve`` (NumPy has no triangular solver);
  the peers use what their users reach for: ``jax.scipy.linalg.solve_triangular``,
  ``tf.linalg.triangular_solve``, and numba's ``np.linalg.solve``.

float64 only: a Gaussian process in float32 is a different (less accurate) computation
for each tool, not a comparison.
"""

from __future__ import annotations

import numpy as np

from benchmarks.workload import Workload, register


def rbf(a, b, length):
    d2 = np.sum(a**2, 1)[:, None] + np.sum(b**2, 1)[None, :] - 2 * a @ b.T
    return np.exp(-0.5 * np.maximum(d2, 0) / length**2)


def gp_regression(x, y, x_new, length, noise):
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


def _gp_jax():
    import jax
    import jax.numpy as jnp
    from jax.scipy.linalg import solve_triangular

    def rbf(a, b, length):
        d2 = jnp.sum(a**2, 1)[:, None] + jnp.sum(b**2, 1)[None, :] - 2 * a @ b.T
        return jnp.exp(-0.5 * jnp.maximum(d2, 0) / length**2)

    @jax.jit
    def gp_jax(x, y, x_new, length, noise):
        chol = jnp.linalg.cholesky(rbf(x, x, length) + noise * jnp.eye(x.shape[0]))
        alpha = solve_triangular(chol.T, solve_triangular(chol, y, lower=True), lower=False)
        k_new = rbf(x_new, x, length)
        v = solve_triangular(chol, k_new.T, lower=True)
        log_ml = (-0.5 * y @ alpha - jnp.sum(jnp.log(jnp.diagonal(chol)))
                  - 0.5 * x.shape[0] * jnp.log(2 * jnp.pi))
        return k_new @ alpha, 1.0 - jnp.sum(v**2, axis=0), log_ml

    return gp_jax


def _gp_numba():
    import numba

    @numba.njit
    def rbf(a, b, length):
        d2 = np.sum(a**2, 1).reshape(-1, 1) + np.sum(b**2, 1).reshape(1, -1) - 2 * a @ b.T
        return np.exp(-0.5 * np.maximum(d2, 0) / length**2)

    @numba.njit
    def gp_nb(x, y, x_new, length, noise):
        chol = np.linalg.cholesky(rbf(x, x, length) + noise * np.eye(x.shape[0]))
        alpha = np.linalg.solve(chol.T.copy(), np.linalg.solve(chol, y))
        k_new = rbf(x_new, x, length)
        v = np.linalg.solve(chol, k_new.T.copy())
        log_ml = (-0.5 * y @ alpha - np.sum(np.log(np.diag(chol)))
                  - 0.5 * x.shape[0] * np.log(2 * np.pi))
        return k_new @ alpha, 1.0 - np.sum(v**2, axis=0), log_ml

    return gp_nb


def _gp_tf():
    import tensorflow as tf

    def rbf(a, b, length):
        d2 = (tf.reduce_sum(a**2, 1)[:, None] + tf.reduce_sum(b**2, 1)[None, :]
              - 2 * tf.matmul(a, b, transpose_b=True))
        return tf.exp(-0.5 * tf.maximum(d2, 0) / length**2)

    @tf.function
    def gp_tf(x, y, x_new, length, noise):
        n = tf.shape(x)[0]
        chol = tf.linalg.cholesky(rbf(x, x, length) + noise * tf.eye(n, dtype=x.dtype))
        alpha = tf.linalg.cholesky_solve(chol, y[:, None])[:, 0]
        k_new = rbf(x_new, x, length)
        v = tf.linalg.triangular_solve(chol, tf.transpose(k_new), lower=True)
        log_ml = (-0.5 * tf.tensordot(y, alpha, 1)
                  - tf.reduce_sum(tf.math.log(tf.linalg.diag_part(chol)))
                  - 0.5 * tf.cast(n, x.dtype) * np.log(2 * np.pi))
        return tf.linalg.matvec(k_new, alpha), 1.0 - tf.reduce_sum(v**2, axis=0), log_ml

    return gp_tf


def _gp_args(params, dtype, rng):
    n, m = params
    x = rng.uniform(-3, 3, size=(n, 1)).astype(dtype)
    y = (np.sin(2 * x[:, 0]) + 0.1 * rng.standard_normal(n)).astype(dtype)
    x_new = np.linspace(-3, 3, m, dtype=dtype)[:, None]
    return x, y, x_new, 0.7, 0.1


register(Workload(
    name="gp_regression",
    group="program",
    description="Gaussian-process posterior and log likelihood: kernel matrix, Cholesky, "
    "triangular solves (small 200 points 50 new, large 2000 points 500 new)",
    sizes={"test": (16, 4), "small": (200, 50), "large": (2000, 500)},
    make_args=_gp_args,
    numpy=gp_regression, jax=_gp_jax, numba=_gp_numba, tf=_gp_tf,
    tolerance={np.dtype(np.float64): (1e-7, 1e-9)},
    dtypes=(np.float64,),
))
