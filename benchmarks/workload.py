"""What a benchmark workload is: one piece of work, written once per tool.

A workload is written as plain NumPy (``numpy``); the jitflow version is that same function
under ``@jitflow.function``, nothing else changed. Each peer gets the version its users
would write, as a *builder*: a function of no arguments that imports the peer, decorates
its version and returns it. Builders keep the peers out of import time, so the suite (and
the tests that run every workload through jitflow) work with any subset installed.

Every version takes the arguments ``make_args`` returns (NumPy arrays, plus Python ints or
floats for sizes and step counts, which are static for every tool) and returns one array or
a tuple of arrays. The harness converts arrays for each peer (``jax.Array``, ``tf.Tensor``)
and converts results back to NumPy inside the timed call, so every number is "NumPy in,
NumPy out", transfers included.

Example::

    def softmax(x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def _jax():
        import jax, jax.numpy as jnp
        return jax.jit(lambda x: jax.nn.softmax(x, axis=-1))

    register(Workload(
        name="softmax", group="elementwise",
        sizes={"small": (64, 128), "large": (2048, 1024)},
        make_args=lambda shape, dtype, rng: (rng.standard_normal(shape).astype(dtype),),
        numpy=softmax, jax=_jax, numba=..., tf=...,
    ))
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np

GROUPS = ("elementwise", "loops", "reductions", "program")

# Default tolerances of the answer check (relative, absolute), per dtype.
TOLERANCE = {np.dtype(np.float64): (1e-9, 1e-9), np.dtype(np.float32): (2e-4, 1e-5)}


@dataclasses.dataclass(frozen=True)
class Workload:
    """One benchmark workload.

    Attributes:
        name: short identifier, unique in the suite ("softmax", "floyd_warshall").
        group: one of ``GROUPS``.
        description: one line for the report (what it computes, at which sizes).
        sizes: size label ("small", "large", and "test", the smallest, used by the test
            suite) -> parameters handed to ``make_args``.
        make_args: ``(params, dtype, rng) -> tuple`` of arguments, NumPy arrays of ``dtype``
            (or other dtypes where the workload needs them) and Python scalars.
        numpy: the plain NumPy function; jitflow runs it under ``@jitflow.function``.
        jax, numba, tf: builders returning each peer's callable, or None where the peer has
            no natural way to write it. ``jax`` returns a ``jax.jit``-compiled function (the
            harness enables ``jax_enable_x64``); ``numba`` an ``@njit`` function; ``tf`` a
            ``tf.function``.
        tolerance: dtype -> (rtol, atol) overriding ``TOLERANCE``.
        dtypes: the dtypes the workload runs at.
    """

    name: str
    group: str
    description: str
    sizes: dict[str, Any]
    make_args: Callable[[Any, np.dtype, np.random.Generator], tuple]
    numpy: Callable
    jax: Callable[[], Callable] | None = None
    numba: Callable[[], Callable] | None = None
    tf: Callable[[], Callable] | None = None
    tolerance: dict = dataclasses.field(default_factory=dict)
    dtypes: tuple = (np.float64, np.float32)

    def __post_init__(self):
        if self.group not in GROUPS:
            raise ValueError(f"workload {self.name}: group {self.group!r} not in {GROUPS}")
        if "test" not in self.sizes:
            raise ValueError(f"workload {self.name}: sizes needs a 'test' entry")

    def tol(self, dtype) -> tuple[float, float]:
        dtype = np.dtype(dtype)
        return self.tolerance.get(dtype, TOLERANCE.get(dtype, (1e-6, 1e-6)))


REGISTRY: dict[str, Workload] = {}


def register(workload: Workload) -> Workload:
    if workload.name in REGISTRY:
        raise ValueError(f"workload {workload.name} registered twice")
    REGISTRY[workload.name] = workload
    return workload


def all_workloads() -> list[Workload]:
    """Every workload, in the order of ``GROUPS`` then registration."""
    from benchmarks import workloads  # noqa: F401  (registers them)

    return sorted(REGISTRY.values(), key=lambda w: GROUPS.index(w.group))
