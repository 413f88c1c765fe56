"""Workloads of the 'elementwise' group: chains of array expressions a compiler can fuse.

* ``softmax``: a numerically stable softmax over the last axis of a 2-D array (max, subtract,
  exp, sum, divide). NumPy makes a temporary per step and reads the array five times; a
  fusing compiler makes one or two passes. Stresses fusion of elementwise ops with row
  reductions.
* ``gelu_mlp``: one dense layer ``gelu(x @ w + b)`` with the tanh approximation of GELU. A
  matmul (library BLAS in every tool) followed by a long elementwise epilogue (bias, cube,
  tanh, products): stresses fusing that epilogue, and whether the compiler's own matmul
  keeps up with NumPy's BLAS.
* ``stencil``: ``steps`` Jacobi sweeps of the 5-point Laplace stencil on a 2-D grid, the
  boundary held fixed. A Python loop over whole-array slice expressions: stresses fusing
  shifted views into one pass, and the per-iteration overhead of a loop staged as one XLA
  while loop (against NumPy's interpreter loop, numba's compiled loop nest, ``lax.fori_loop``
  and a ``tf.range`` loop).
"""

from __future__ import annotations

import math

import numpy as np

from benchmarks.workload import Workload, register

# -- softmax -------------------------------------------------------------------------------


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_jax():
    import jax

    return jax.jit(lambda x: jax.nn.softmax(x, axis=-1))


def _softmax_numba():
    import numba

    @numba.njit
    def softmax_nb(x):
        n, m = x.shape
        out = np.empty_like(x)
        for i in range(n):
            mx = x[i, 0]
            for j in range(1, m):
                mx = max(mx, x[i, j])
            s = 0.0
            for j in range(m):
                e = np.exp(x[i, j] - mx)
                out[i, j] = e
                s += e
            for j in range(m):
                out[i, j] /= s
        return out

    return softmax_nb


def _softmax_tf():
    import tensorflow as tf

    return tf.function(lambda x: tf.nn.softmax(x, axis=-1))


register(Workload(
    name="softmax",
    group="elementwise",
    description="softmax over the last axis of a 2-D array (small 64x128, large 2048x1024)",
    sizes={"test": (4, 8), "small": (64, 128), "large": (2048, 1024)},
    make_args=lambda shape, dtype, rng: (rng.standard_normal(shape).astype(dtype),),
    numpy=softmax, jax=_softmax_jax, numba=_softmax_numba, tf=_softmax_tf,
))

# -- gelu_mlp ------------------------------------------------------------------------------


def gelu_mlp(x, w, b):
    h = x @ w + b
    return 0.5 * h * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (h + 0.044715 * h**3)))


def _gelu_mlp_jax():
    import jax

    return jax.jit(lambda x, w, b: jax.nn.gelu(x @ w + b, approximate=True))


def _gelu_mlp_numba():
    import numba

    c = math.sqrt(2.0 / math.pi)

    @numba.njit
    def gelu_mlp_nb(x, w, b):
        h = x @ w  # BLAS gemm
        n, m = h.shape
        for i in range(n):
            for j in range(m):
                v = h[i, j] + b[j]
                h[i, j] = 0.5 * v * (1.0 + np.tanh(c * (v + 0.044715 * v * v * v)))
        return h

    return gelu_mlp_nb


def _gelu_mlp_tf():
    import tensorflow as tf

    return tf.function(lambda x, w, b: tf.nn.gelu(tf.matmul(x, w) + b, approximate=True))


def _gelu_mlp_args(shape, dtype, rng):
    n, d_in, d_out = shape
    x = rng.standard_normal((n, d_in))
    w = rng.standard_normal((d_in, d_out)) / np.sqrt(d_in)  # keeps x @ w of order 1
    b = 0.1 * rng.standard_normal(d_out)
    return x.astype(dtype), w.astype(dtype), b.astype(dtype)


register(Workload(
    name="gelu_mlp",
    group="elementwise",
    description="one dense layer gelu(x @ w + b), tanh GELU (small 64x256 @ 256x256, "
    "large 1024x1024 @ 1024x1024)",
    sizes={"test": (4, 8, 16), "small": (64, 256, 256), "large": (1024, 1024, 1024)},
    make_args=_gelu_mlp_args,
    numpy=gelu_mlp, jax=_gelu_mlp_jax, numba=_gelu_mlp_numba, tf=_gelu_mlp_tf,
    # tf.nn.gelu(approximate=True) in float64 is off the formula by up to ~2e-7 relative
    # where the output is small and negative (1 + tanh near 0): TF's float64 tanh there is
    # good to ~1e-9 absolute, not to the last bit. float32 keeps the default.
    tolerance={np.dtype(np.float64): (1e-7, 1e-9)},
))

# -- stencil -------------------------------------------------------------------------------


def stencil(u, steps):
    u = u.copy()
    for _ in range(steps):
        u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
    return u


def _stencil_jax():
    import functools

    import jax
    from jax import lax

    @functools.partial(jax.jit, static_argnums=1)
    def stencil_jax(u, steps):
        def sweep(_, u):
            return u.at[1:-1, 1:-1].set(
                0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]))

        return lax.fori_loop(0, steps, sweep, u)

    return stencil_jax


def _stencil_numba():
    import numba

    @numba.njit
    def stencil_nb(u, steps):
        a = u.copy()
        b = u.copy()  # the boundary of both buffers stays the input's
        n, m = u.shape
        for _ in range(steps):
            for i in range(1, n - 1):
                for j in range(1, m - 1):
                    b[i, j] = 0.25 * (a[i - 1, j] + a[i + 1, j] + a[i, j - 1] + a[i, j + 1])
            a, b = b, a
        return a

    return stencil_nb


def _stencil_tf():
    import tensorflow as tf

    @tf.function
    def stencil_tf(u, steps):
        pad = [[1, 1], [1, 1]]
        boundary = u - tf.pad(u[1:-1, 1:-1], pad)  # the input with its interior zeroed
        for _ in tf.range(steps):
            interior = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
            u = tf.pad(interior, pad) + boundary
        return u

    return stencil_tf


register(Workload(
    name="stencil",
    group="elementwise",
    description="Jacobi sweeps of the 5-point stencil, fixed boundary (small 64x64, "
    "large 512x512, 100 steps)",
    sizes={"test": (8, 3), "small": (64, 100), "large": (512, 100)},
    make_args=lambda p, dtype, rng: (rng.uniform(0.0, 1.0, (p[0], p[0])).astype(dtype), p[1]),
    numpy=stencil, jax=_stencil_jax, numba=_stencil_numba, tf=_stencil_tf,
))
