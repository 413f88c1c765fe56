"""Workloads of the 'program' group: several plain Python functions calling each other.

* ``kmeans``: a small data-processing pipeline: standardize the columns of an (n, d) data
  matrix, run ``iters`` iterations of Lloyd's k-means from the first ``k`` points (assign
  each point to its nearest centroid through the expanded squared distances and an argmin,
  then move each centroid to the mean of its points through a one-hot matmul), and return
  the centroids, the final labels and the inertia (sum of squared distances to the assigned
  centroids). Five helper functions, a Python loop whose body calls two of them, integer
  labels feeding a gather: stresses tracing through a call graph into one compiled program
  (no per-op dispatch), fusion across function boundaries, and a staged loop carrying
  arrays of two dtypes.

The inputs are well-separated Gaussian clusters (the first ``k`` points one per cluster), so
every tool finds the same labels, exactly, in float32 as in float64.
"""

from __future__ import annotations

import numpy as np

from benchmarks.workload import Workload, register

# -- kmeans --------------------------------------------------------------------------------
# The per-cluster sums use a one-hot matmul, which every tool runs. jitflow also runs the
# usual NumPy spelling, sums = np.zeros((k, d)); np.add.at(sums, labels, x).


def standardize(data):
    return (data - data.mean(axis=0)) / data.std(axis=0)


def squared_distances(x, centroids):
    """(n, k) squared distances, ||x||^2 - 2 x.c + ||c||^2."""
    return ((x * x).sum(axis=1)[:, None] - 2.0 * (x @ centroids.T)
            + (centroids * centroids).sum(axis=1)[None, :])


def assign(x, centroids):
    return np.argmin(squared_distances(x, centroids), axis=1)


def update_centroids(x, labels, k):
    onehot = (labels[:, None] == np.arange(k)[None, :]).astype(x.dtype)
    return (onehot.T @ x) / onehot.sum(axis=0)[:, None]


def inertia(x, centroids, labels):
    diff = x - centroids[labels]
    return (diff * diff).sum()


def kmeans(data, k, iters):
    x = standardize(data)
    centroids = x[:k].copy()
    for _ in range(iters):
        labels = assign(x, centroids)
        centroids = update_centroids(x, labels, k)
    labels = assign(x, centroids)
    return centroids, labels, inertia(x, centroids, labels)


def _kmeans_jax():
    import functools

    import jax
    import jax.numpy as jnp
    from jax import lax

    def standardize(data):
        return (data - data.mean(axis=0)) / data.std(axis=0)

    def assign(x, centroids):
        d2 = ((x * x).sum(axis=1)[:, None] - 2.0 * (x @ centroids.T)
              + (centroids * centroids).sum(axis=1)[None, :])
        return jnp.argmin(d2, axis=1)

    def update_centroids(x, labels, k):
        onehot = jax.nn.one_hot(labels, k, dtype=x.dtype)
        return (onehot.T @ x) / onehot.sum(axis=0)[:, None]

    def inertia(x, centroids, labels):
        diff = x - centroids[labels]
        return (diff * diff).sum()

    @functools.partial(jax.jit, static_argnums=(1, 2))
    def kmeans_jax(data, k, iters):
        x = standardize(data)
        centroids = lax.fori_loop(
            0, iters, lambda _, c: update_centroids(x, assign(x, c), k), x[:k])
        labels = assign(x, centroids)
        return centroids, labels, inertia(x, centroids, labels)

    return kmeans_jax


def _kmeans_numba():
    import numba

    @numba.njit
    def standardize(data):
        n, d = data.shape
        mean = np.zeros(d)
        sq = np.zeros(d)
        for i in range(n):
            for j in range(d):
                mean[j] += data[i, j]
        mean /= n
        for i in range(n):
            for j in range(d):
                sq[j] += (data[i, j] - mean[j]) ** 2
        std = np.sqrt(sq / n)
        x = np.empty_like(data)
        for i in range(n):
            for j in range(d):
                x[i, j] = (data[i, j] - mean[j]) / std[j]
        return x

    @numba.njit
    def assign(x, centroids, labels):
        n, d = x.shape
        k = centroids.shape[0]
        for i in range(n):
            best, best_c = np.inf, 0
            for c in range(k):
                dist = 0.0
                for j in range(d):
                    dist += (x[i, j] - centroids[c, j]) ** 2
                if dist < best:
                    best, best_c = dist, c
            labels[i] = best_c

    @numba.njit
    def update_centroids(x, labels, centroids):
        n, d = x.shape
        k = centroids.shape[0]
        sums = np.zeros((k, d))
        counts = np.zeros(k)
        for i in range(n):
            c = labels[i]
            counts[c] += 1
            for j in range(d):
                sums[c, j] += x[i, j]
        for c in range(k):
            for j in range(d):
                centroids[c, j] = sums[c, j] / counts[c]

    @numba.njit
    def inertia(x, centroids, labels):
        n, d = x.shape
        total = 0.0
        for i in range(n):
            for j in range(d):
                total += (x[i, j] - centroids[labels[i], j]) ** 2
        return total

    @numba.njit
    def kmeans_nb(data, k, iters):
        x = standardize(data)
        centroids = x[:k].copy()
        labels = np.empty(x.shape[0], dtype=np.int64)
        for _ in range(iters):
            assign(x, centroids, labels)
            update_centroids(x, labels, centroids)
        assign(x, centroids, labels)
        return centroids, labels, inertia(x, centroids, labels)

    return kmeans_nb


def _kmeans_tf():
    import tensorflow as tf

    def standardize(data):
        return (data - tf.reduce_mean(data, axis=0)) / tf.math.reduce_std(data, axis=0)

    def assign(x, centroids):
        d2 = (tf.reduce_sum(x * x, axis=1)[:, None]
              - 2.0 * tf.matmul(x, centroids, transpose_b=True)
              + tf.reduce_sum(centroids * centroids, axis=1)[None, :])
        return tf.argmin(d2, axis=1)

    def update_centroids(x, labels, k):
        onehot = tf.one_hot(labels, k, dtype=x.dtype)
        return tf.matmul(onehot, x, transpose_a=True) / tf.reduce_sum(onehot, axis=0)[:, None]

    def inertia(x, centroids, labels):
        diff = x - tf.gather(centroids, labels)
        return tf.reduce_sum(diff * diff)

    @tf.function
    def kmeans_tf(data, k, iters):
        x = standardize(data)
        centroids = x[:k]
        for _ in tf.range(iters):
            centroids = update_centroids(x, assign(x, centroids), k)
        labels = assign(x, centroids)
        return centroids, labels, inertia(x, centroids, labels)

    return kmeans_tf


def _kmeans_args(params, dtype, rng):
    n, d, k, iters = params
    # Cluster centers at least 12 noise-widths apart (rejection sampling, deterministic in
    # rng), unit Gaussian noise; the first k points are one per cluster (the initial
    # centroids), the others drawn from random clusters.
    while True:
        centers = rng.uniform(-10.0, 10.0, (k, d))
        gaps = np.linalg.norm(centers[:, None] - centers[None, :], axis=-1)
        if (gaps + 1e9 * np.eye(k)).min() > 12.0:
            break
    which = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])
    data = centers[which] + rng.standard_normal((n, d)) + 5.0
    return data.astype(dtype), k, iters


register(Workload(
    name="kmeans",
    group="program",
    description="standardize + k-means (Lloyd) + inertia, five helper functions (small 2000 "
    "points 8-D k=8, large 100000 points 16-D k=16, 10 iterations)",
    sizes={"test": (32, 2, 3, 3), "small": (2000, 8, 8, 10), "large": (100000, 16, 16, 10)},
    make_args=_kmeans_args,
    numpy=kmeans, jax=_kmeans_jax, numba=_kmeans_numba, tf=_kmeans_tf,
))
