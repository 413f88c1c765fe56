"""Workloads of the 'loops' group: work that needs a Python loop around NumPy ops.

Each of these is a loop NumPy cannot vectorize away, so NumPy pays the interpreter and
dispatch cost on every iteration while jitflow stages the whole loop as one XLA loop.
They stress loop overhead, traced loop indices and data-dependent control flow.

``recurrence``
    A nonlinear first-order recurrence (a minimal gated RNN):
    ``y[0] = x[0]; y[i] = tanh(a[i] * y[i-1] + x[i])`` over vectors of length n. Each step
    is a handful of scalar ops, so NumPy's time is almost all per-iteration overhead; the
    staged version is a single XLA while loop with a traced index and item assignment.
    ``a`` lies in [0.5, 0.9] and tanh' <= 1, so the map contracts: rounding does not grow.
``floyd_warshall``
    All-pairs shortest paths on a dense n x n matrix of random positive weights, the
    textbook ``for k in range(n): d = np.minimum(d, d[:, k, None] + d[None, k, :])``. A
    sequential loop over k whose body is one big broadcast + elementwise minimum: tests
    that the staged loop body fuses and that the traced ``k`` indexes slices cheaply.
    Every tool does the same additions and minima, so results agree to the last bit.
``nbody``
    Gravitational n-body with softened forces (``G = 1``, softening ``EPS``), leapfrog
    (kick-drift-kick) for a fixed number of steps; the pairwise accelerations are computed
    with broadcasting, an (m, m, 3) temporary per step. Returns the final positions and
    velocities. Tests a loop over a fusion-heavy body with reductions. Softening is large
    and dt small, so over these step counts the system is far from chaotic: in float32
    every tool stays within 2e-7 (absolute, positions of order 1) of NumPy's float32,
    well inside the default tolerance, though each sums the forces in its own order.
``escape_time``
    Mandelbrot escape-time counts on a grid, in a data-dependent ``while``: iterate
    ``z = z*z + c`` (real and imaginary parts as separate float arrays) on the points that
    have not escaped, while any point is active and fewer than ``max_iter`` steps ran.
    Returns int64 counts. Tests a staged ``while`` with a traced condition (``np.any``)
    and masked updates (``np.where``); numba iterates point by point with early exit.
    float64 only: XLA (jitflow, jax) contracts multiply-adds into FMA on CPU, NumPy,
    numba and TF round each op, and near the set's boundary the orbit amplifies that last
    bit into another escape step (float32, large grid: 0.03% of points, up to 25 steps
    apart; no honest tolerance on counts covers that). In float64 the counts agree
    exactly (checked up to 1000x1500, max_iter 300): tolerance (0, 0). ``2*zr*zi`` is
    ``t + t`` with ``t = zr*zi`` so numba's int-float promotion keeps the dtype.
"""

from __future__ import annotations

import numpy as np

from benchmarks.workload import Workload, register

# --------------------------------------------------------------------------- recurrence


def recurrence(a, x):
    y = np.empty_like(x)
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = np.tanh(a[i] * y[i - 1] + x[i])
    return y


def _recurrence_args(n, dtype, rng):
    a = rng.uniform(0.5, 0.9, n).astype(dtype)
    x = rng.standard_normal(n).astype(dtype)
    return a, x


def _recurrence_jax():
    import jax
    import jax.numpy as jnp

    @jax.jit
    def f(a, x):
        def step(y, ax):
            y = jnp.tanh(ax[0] * y + ax[1])
            return y, y

        _, ys = jax.lax.scan(step, x[0], (a[1:], x[1:]))
        return jnp.concatenate([x[:1], ys])

    return f


def _recurrence_numba():
    import numba

    @numba.njit
    def f(a, x):
        y = np.empty_like(x)
        y[0] = x[0]
        for i in range(1, x.shape[0]):
            y[i] = np.tanh(a[i] * y[i - 1] + x[i])
        return y

    return f


def _recurrence_tf():
    import tensorflow as tf

    @tf.function
    def f(a, x):
        n = tf.shape(x)[0]
        ys = tf.TensorArray(x.dtype, size=n)
        y = x[0]
        ys = ys.write(0, y)
        for i in tf.range(1, n):
            y = tf.tanh(a[i] * y + x[i])
            ys = ys.write(i, y)
        return ys.stack()

    return f


register(Workload(
    name="recurrence", group="loops",
    description="y[i] = tanh(a[i]*y[i-1] + x[i]), a sequential loop of scalar steps, "
                "n = 16 / 1k / 100k",
    sizes={"test": 16, "small": 1_000, "large": 100_000},
    make_args=_recurrence_args,
    numpy=recurrence, jax=_recurrence_jax, numba=_recurrence_numba, tf=_recurrence_tf,
))

# ----------------------------------------------------------------------- floyd_warshall


def floyd_warshall(w):
    d = w.copy()
    for k in range(d.shape[0]):
        d = np.minimum(d, d[:, k, None] + d[None, k, :])
    return d


def _floyd_warshall_args(n, dtype, rng):
    w = rng.uniform(1.0, 10.0, (n, n)).astype(dtype)
    np.fill_diagonal(w, 0)
    return (w,)


def _floyd_warshall_jax():
    import jax
    import jax.numpy as jnp

    @jax.jit
    def f(w):
        def body(k, d):
            return jnp.minimum(d, d[:, k, None] + d[None, k, :])

        return jax.lax.fori_loop(0, w.shape[0], body, w)

    return f


def _floyd_warshall_numba():
    import numba

    @numba.njit
    def f(w):
        d = w.copy()
        n = d.shape[0]
        for k in range(n):
            for i in range(n):
                dik = d[i, k]
                for j in range(n):
                    d[i, j] = min(d[i, j], dik + d[k, j])
        return d

    return f


def _floyd_warshall_tf():
    import tensorflow as tf

    @tf.function
    def f(w):
        d = w
        for k in tf.range(tf.shape(w)[0]):
            d = tf.minimum(d, d[:, k:k + 1] + d[k:k + 1, :])
        return d

    return f


register(Workload(
    name="floyd_warshall", group="loops",
    description="all-pairs shortest paths, loop over k of a broadcast minimum, n = 8 / 64 / 300",
    sizes={"test": 8, "small": 64, "large": 300},
    make_args=_floyd_warshall_args,
    numpy=floyd_warshall, jax=_floyd_warshall_jax, numba=_floyd_warshall_numba,
    tf=_floyd_warshall_tf,
))

# -------------------------------------------------------------------------------- nbody

DT = 0.01
EPS = 0.1  # softening length: forces stay bounded, the motion smooth


def nbody(pos, vel, mass, steps):
    def accel(p):
        diff = p[None, :, :] - p[:, None, :]  # diff[i, j] = p[j] - p[i]
        r2 = (diff**2).sum(axis=-1) + EPS**2
        return (diff * (mass[None, :] * r2**-1.5)[:, :, None]).sum(axis=1)

    acc = accel(pos)
    for _ in range(steps):
        vel = vel + 0.5 * DT * acc
        pos = pos + DT * vel
        acc = accel(pos)
        vel = vel + 0.5 * DT * acc
    return pos, vel


def _nbody_args(params, dtype, rng):
    m, steps = params
    pos = rng.standard_normal((m, 3)).astype(dtype)
    vel = (0.1 * rng.standard_normal((m, 3))).astype(dtype)
    mass = rng.uniform(0.5, 1.5, m).astype(dtype) / m  # total mass ~1 whatever m is
    return pos, vel, mass, steps


def _nbody_jax():
    import functools

    import jax
    import jax.numpy as jnp

    def accel(p, mass):
        diff = p[None, :, :] - p[:, None, :]
        r2 = jnp.sum(diff**2, axis=-1) + EPS**2
        return jnp.sum(diff * (mass[None, :] * r2**-1.5)[:, :, None], axis=1)

    @functools.partial(jax.jit, static_argnums=3)
    def f(pos, vel, mass, steps):
        def body(_, state):
            pos, vel, acc = state
            vel = vel + 0.5 * DT * acc
            pos = pos + DT * vel
            acc = accel(pos, mass)
            vel = vel + 0.5 * DT * acc
            return pos, vel, acc

        pos, vel, _ = jax.lax.fori_loop(0, steps, body, (pos, vel, accel(pos, mass)))
        return pos, vel

    return f


def _nbody_numba():
    import numba

    @numba.njit
    def accel(p, mass, acc):
        m = p.shape[0]
        for i in range(m):
            ax = ay = az = 0.0
            for j in range(m):
                dx = p[j, 0] - p[i, 0]
                dy = p[j, 1] - p[i, 1]
                dz = p[j, 2] - p[i, 2]
                r2 = dx * dx + dy * dy + dz * dz + EPS**2
                s = mass[j] / (r2 * np.sqrt(r2))
                ax += dx * s
                ay += dy * s
                az += dz * s
            acc[i, 0] = ax
            acc[i, 1] = ay
            acc[i, 2] = az

    @numba.njit
    def f(pos, vel, mass, steps):
        pos = pos.copy()
        vel = vel.copy()
        acc = np.empty_like(pos)
        accel(pos, mass, acc)
        for _ in range(steps):
            vel += 0.5 * DT * acc
            pos += DT * vel
            accel(pos, mass, acc)
            vel += 0.5 * DT * acc
        return pos, vel

    return f


def _nbody_tf():
    import tensorflow as tf

    def accel(p, mass):
        diff = p[None, :, :] - p[:, None, :]
        r2 = tf.reduce_sum(diff**2, axis=-1) + EPS**2
        return tf.reduce_sum(diff * (mass[None, :] * r2**-1.5)[:, :, None], axis=1)

    @tf.function
    def f(pos, vel, mass, steps):
        acc = accel(pos, mass)
        for _ in tf.range(steps):
            vel = vel + 0.5 * DT * acc
            pos = pos + DT * vel
            acc = accel(pos, mass)
            vel = vel + 0.5 * DT * acc
        return pos, vel

    return f


register(Workload(
    name="nbody", group="loops",
    description="softened n-body, leapfrog steps over broadcast pairwise forces, "
                "(bodies, steps) = (8, 5) / (64, 50) / (384, 50)",
    sizes={"test": (8, 5), "small": (64, 50), "large": (384, 50)},
    make_args=_nbody_args,
    numpy=nbody, jax=_nbody_jax, numba=_nbody_numba, tf=_nbody_tf,
))

# -------------------------------------------------------------------------- escape_time


def escape_time(cr, ci, max_iter):
    zr = np.zeros_like(cr)
    zi = np.zeros_like(ci)
    counts = np.zeros(cr.shape, dtype=np.int64)
    active = np.ones_like(cr, dtype=bool)
    it = 0
    while np.any(active) and it < max_iter:
        t = zr * zi
        zr = np.where(active, zr * zr - zi * zi + cr, zr)
        zi = np.where(active, t + t + ci, zi)
        active &= zr * zr + zi * zi <= 4.0
        counts += active
        it += 1
    return counts


def _escape_time_args(params, dtype, rng):
    (h, w), max_iter = params
    cr, ci = np.meshgrid(np.linspace(-2.2, 0.8, w), np.linspace(-1.2, 1.2, h))
    return cr.astype(dtype), ci.astype(dtype), max_iter


def _escape_time_jax():
    import functools

    import jax
    import jax.numpy as jnp

    @functools.partial(jax.jit, static_argnums=2)
    def f(cr, ci, max_iter):
        def cond(state):
            _, _, _, active, it = state
            return jnp.any(active) & (it < max_iter)

        def body(state):
            zr, zi, counts, active, it = state
            t = zr * zi
            zr = jnp.where(active, zr * zr - zi * zi + cr, zr)
            zi = jnp.where(active, t + t + ci, zi)
            active = active & (zr * zr + zi * zi <= 4.0)
            return zr, zi, counts + active, active, it + 1

        init = (jnp.zeros_like(cr), jnp.zeros_like(ci), jnp.zeros(cr.shape, jnp.int64),
                jnp.ones(cr.shape, bool), 0)
        return jax.lax.while_loop(cond, body, init)[2]

    return f


def _escape_time_numba():
    import numba

    @numba.njit
    def f(cr, ci, max_iter):
        h, w = cr.shape
        counts = np.zeros((h, w), dtype=np.int64)
        for i in range(h):
            for j in range(w):
                x0 = cr[i, j]
                y0 = ci[i, j]
                zr, zi = x0, y0  # z after the first step from z = 0
                n = 0
                while n < max_iter and zr * zr + zi * zi <= 4.0:
                    n += 1
                    t = zr * zi
                    zr = zr * zr - zi * zi + x0
                    zi = t + t + y0
                counts[i, j] = n
        return counts

    return f


def _escape_time_tf():
    import tensorflow as tf

    @tf.function
    def f(cr, ci, max_iter):
        zr = tf.zeros_like(cr)
        zi = tf.zeros_like(ci)
        counts = tf.zeros(tf.shape(cr), dtype=tf.int64)
        active = tf.ones(tf.shape(cr), dtype=tf.bool)
        it = tf.constant(0)
        while tf.reduce_any(active) and it < max_iter:
            t = zr * zi
            zr = tf.where(active, zr * zr - zi * zi + cr, zr)
            zi = tf.where(active, t + t + ci, zi)
            active = active & (zr * zr + zi * zi <= 4.0)
            counts += tf.cast(active, tf.int64)
            it += 1
        return counts

    return f


register(Workload(
    name="escape_time", group="loops",
    description="Mandelbrot escape counts, a data-dependent while with masked updates, "
                "grid 8x8 / 100x150 / 500x750, max_iter 100",
    sizes={"test": ((8, 8), 100), "small": ((100, 150), 100), "large": ((500, 750), 100)},
    make_args=_escape_time_args,
    numpy=escape_time, jax=_escape_time_jax, numba=_escape_time_numba, tf=_escape_time_tf,
    # Integer counts, exact in float64; float32 counts depend on FMA contraction near the
    # set's boundary (see the module docstring), so no float32.
    tolerance={np.dtype(np.float64): (0, 0)},
    dtypes=(np.float64,),
))
