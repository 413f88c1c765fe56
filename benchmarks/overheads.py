"""Fixed costs: dispatch of a tiny function, and the first call (trace + compile).

* ``dispatch``: ``np.sin(x) * y + 1.0`` on two float64[4] arrays, per call, NumPy in and
  out, and device arrays in and out (``jax.Array`` for jitflow and jax.jit, ``tf.Tensor``
  for tf.function; numba has no device arrays on the CPU). Device-array calls are not
  blocked on: like a user's loop of calls, they measure what each call costs the host.
* ``first_call``: a fresh function each repeat, timed from decoration to the first
  result: the tiny function above, and a loop of 10, 1,000 and 10,000 iterations of a 1-D
  recurrence (``x = 0.5 * x + np.sin(x) * a[i % 7]`` on float64[64]), written as each
  tool's users write loops (jitflow: the Python ``for``; jax: ``lax.fori_loop``; numba:
  the Python ``for``; tf.function: ``for i in tf.range(n)``). A compiler that unrolls
  the loop shows it here as time that grows with n.
"""

from __future__ import annotations

import statistics

import numpy as np

from benchmarks import peers as P
from benchmarks.timing import FULL, QUICK, once, per_call

TRIP_COUNTS = (10, 1_000, 10_000)


# -- the functions, made fresh on each call of a factory ----------------------------------


def tiny_numpy():
    def tiny(x, y):
        return np.sin(x) * y + 1.0

    return tiny


def loop_numpy():
    def recurrence(x, a, n):
        for i in range(n):
            x = 0.5 * x + np.sin(x) * a[i % 7]
        return x

    return recurrence


def make(peer: str, kind: str):
    """A fresh callable of ``kind`` ("tiny" or "loop") for ``peer``."""
    if peer == P.NUMPY:
        return tiny_numpy() if kind == "tiny" else loop_numpy()
    if peer == P.JITFLOW:
        import jitflow

        return jitflow.function(tiny_numpy() if kind == "tiny" else loop_numpy())
    if peer == P.JAX:
        import jax
        import jax.numpy as jnp

        if kind == "tiny":
            return jax.jit(lambda x, y: jnp.sin(x) * y + 1.0)

        def recurrence(x, a, n):
            def body(i, x):
                return 0.5 * x + jnp.sin(x) * a[i % 7]

            return jax.lax.fori_loop(0, n, body, x)

        return jax.jit(recurrence, static_argnums=2)
    if peer == P.NUMBA:
        import numba

        return numba.njit(tiny_numpy() if kind == "tiny" else loop_numpy())
    if peer == P.TF:
        import tensorflow as tf

        if kind == "tiny":
            return tf.function(lambda x, y: tf.sin(x) * y + 1.0)

        def recurrence(x, a, n):
            for i in tf.range(n):
                x = 0.5 * x + tf.sin(x) * a[i % 7]
            return x

        return tf.function(recurrence)
    raise ValueError(peer)


# -- measuring ----------------------------------------------------------------------------


def _cell(size: str, peer: str, **rest) -> dict:
    return {"workload": rest.pop("workload"), "group": "overheads", "size": size,
            "dtype": "float64", "peer": peer, **rest}


def _device(peer: str, arrays):
    if peer in (P.JITFLOW, P.JAX):
        import jax.numpy as jnp

        return [jnp.asarray(a) for a in arrays]
    if peer == P.TF:
        import tensorflow as tf

        return [tf.constant(a) for a in arrays]
    return None


def dispatch(peers, budget, progress) -> list[dict]:
    rng = np.random.default_rng(0)
    x, y = rng.random(4), rng.random(4)
    ref = np.sin(x) * y + 1.0
    cells = []
    for io in ("NumPy in/out", "device arrays in/out"):
        size = f"float64[4] x 2, {io}"
        for p in peers:
            progress.update(1)
            if p.missing:
                cells.append(_cell(size, p.name, workload="dispatch", status="skipped",
                                   note=p.missing))
                continue
            fn = make(p.name, "tiny")
            if io == "NumPy in/out":
                args = (x, y)

                def call(fn=fn, args=args, conv=p.to_numpy):
                    return conv(fn(*args))
            else:
                args = _device(p.name, (x, y))
                if args is None:
                    cells.append(_cell(size, p.name, workload="dispatch", status="skipped",
                                       note="no device arrays for this tool"))
                    continue

                def call(fn=fn, args=args):
                    return fn(*args)
            out = np.asarray(p.to_numpy(call()) if io != "NumPy in/out" else call())
            if not np.allclose(out, ref, rtol=1e-12, atol=0):
                cells.append(_cell(size, p.name, workload="dispatch", status="wrong",
                                   note="differs from NumPy"))
                continue
            t = per_call(call, budget)
            cells.append(_cell(size, p.name, workload="dispatch", status="ok", **t.as_dict()))
    return cells


def first_call(peers, repeats: int, progress) -> list[dict]:
    rng = np.random.default_rng(1)
    x, y, a = rng.random(4), rng.random(4), rng.random(7)
    x64 = rng.random(64)
    cases = [("tiny function", "tiny", (x, y), np.sin(x) * y + 1.0)]
    for n in TRIP_COUNTS:
        cases.append((f"loop n={n:,}", "loop", (x64, a, n), loop_numpy()(x64, a, n)))
    cells = []
    for size, kind, args, ref in cases:
        for p in peers:
            progress.update(1)
            if p.missing:
                cells.append(_cell(size, p.name, workload="first_call", status="skipped",
                                   note=p.missing))
                continue
            if p.name == P.NUMPY:
                cells.append(_cell(size, p.name, workload="first_call", status="skipped",
                                   note="nothing to compile"))
                continue
            samples, problem = [], None
            for _ in range(repeats):
                seconds, out = once(lambda: p.to_numpy(make(p.name, kind)(*args)))
                samples.append(seconds)
                if not np.allclose(out, ref, rtol=1e-9, atol=1e-12):
                    problem = "differs from NumPy"
            if problem:
                cells.append(_cell(size, p.name, workload="first_call", status="wrong",
                                   note=problem))
                continue
            cells.append(_cell(size, p.name, workload="first_call", status="ok",
                               min_s=min(samples), median_s=statistics.median(samples),
                               repeats=repeats, number=1))
    return cells


def _wanted(opts, name: str) -> bool:
    return not opts.only or any(o in name for o in opts.only)


def count(opts, peers) -> int:
    n = 0
    if _wanted(opts, "dispatch"):
        n += 2 * len(peers)
    if _wanted(opts, "first_call"):
        n += (1 + len(TRIP_COUNTS)) * len(peers)
    return n


def run(opts, peers, progress) -> list[dict]:
    cells = []
    if _wanted(opts, "dispatch"):
        progress.set_postfix_str("dispatch")
        cells += dispatch(peers, QUICK if opts.quick else FULL, progress)
    if _wanted(opts, "first_call"):
        progress.set_postfix_str("first_call")
        cells += first_call(peers, 2 if opts.quick else 5, progress)
    return cells
