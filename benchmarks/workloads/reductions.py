"""Workloads of the 'reductions' group: contractions and reductions over large axes.

* ``covariance``: the sample covariance matrix of an (n, d) data matrix,
  ``xc.T @ xc / (n - 1)`` with ``xc`` the column-centered data. A column-mean reduction, a
  broadcast subtraction and a tall-skinny transposed matmul: stresses whether the centering
  is fused into (or kept cheap next to) the matmul, and the matmul with a long contraction
  axis (n up to 20,000).
* ``matmul_chain``: ``((a @ b) @ c) @ d`` on square matrices, then the row sums of the
  product. Three dependent gemms: where every tool calls a BLAS-class kernel, this measures
  how a compiler's own matmul (XLA's) compares with the BLAS NumPy and numba link, plus the
  dispatch cost of a few large ops.
"""

from __future__ import annotations

import numpy as np

from benchmarks.workload import Workload, register

# -- covariance ----------------------------------------------------------------------------


def covariance(x):
    n = x.shape[0]
    xc = x - x.mean(axis=0)
    return (xc.T @ xc) / (n - 1)


def _covariance_jax():
    import jax
    import jax.numpy as jnp

    return jax.jit(lambda x: jnp.cov(x, rowvar=False))


def _covariance_numba():
    import numba

    @numba.njit
    def covariance_nb(x):
        n, d = x.shape
        mean = np.zeros(d, dtype=x.dtype)
        for i in range(n):
            for j in range(d):
                mean[j] += x[i, j]
        mean /= n
        xc = np.empty_like(x)
        for i in range(n):
            for j in range(d):
                xc[i, j] = x[i, j] - mean[j]
        return (xc.T @ xc) / (n - 1)  # BLAS gemm

    return covariance_nb


def _covariance_tf():
    import tensorflow as tf

    @tf.function
    def covariance_tf(x):
        n = tf.cast(tf.shape(x)[0], x.dtype)
        xc = x - tf.reduce_mean(x, axis=0)
        return tf.matmul(xc, xc, transpose_a=True) / (n - 1)

    return covariance_tf


def _covariance_args(shape, dtype, rng):
    n, d = shape
    # Correlated columns (a random mixing) with nonzero means, so every entry of the
    # covariance is of order 1 and the centering matters.
    mix = rng.standard_normal((d, d)) / np.sqrt(d) + np.eye(d)
    x = rng.standard_normal((n, d)) @ mix + rng.uniform(-2.0, 2.0, d)
    return (x.astype(dtype),)


register(Workload(
    name="covariance",
    group="reductions",
    description="sample covariance matrix of an (n, d) data matrix (small 256x16, "
    "large 20000x128)",
    sizes={"test": (8, 3), "small": (256, 16), "large": (20000, 128)},
    make_args=_covariance_args,
    numpy=covariance, jax=_covariance_jax, numba=_covariance_numba, tf=_covariance_tf,
))

# -- matmul_chain --------------------------------------------------------------------------


def matmul_chain(a, b, c, d):
    return (a @ b @ c @ d).sum(axis=1)


def _matmul_chain_jax():
    import jax

    return jax.jit(lambda a, b, c, d: (a @ b @ c @ d).sum(axis=1))


def _matmul_chain_numba():
    import numba

    @numba.njit
    def matmul_chain_nb(a, b, c, d):
        p = a @ b @ c @ d  # three BLAS gemms
        n, m = p.shape
        out = np.zeros(n, dtype=p.dtype)
        for i in range(n):
            for j in range(m):
                out[i] += p[i, j]
        return out

    return matmul_chain_nb


def _matmul_chain_tf():
    import tensorflow as tf

    @tf.function
    def matmul_chain_tf(a, b, c, d):
        return tf.reduce_sum(tf.matmul(tf.matmul(tf.matmul(a, b), c), d), axis=1)

    return matmul_chain_tf


def _matmul_chain_args(n, dtype, rng):
    # Entries of order 1/sqrt(n): every product in the chain stays of order 1.
    return tuple((rng.standard_normal((n, n)) / np.sqrt(n)).astype(dtype) for _ in range(4))


register(Workload(
    name="matmul_chain",
    group="reductions",
    description="((a @ b) @ c) @ d on square matrices, then row sums (small 64, large 512)",
    sizes={"test": 4, "small": 64, "large": 512},
    make_args=_matmul_chain_args,
    numpy=matmul_chain, jax=_matmul_chain_jax, numba=_matmul_chain_numba,
    tf=_matmul_chain_tf,
))
