"""Timing with warm-up and repeats: per-call minimum and median, in seconds.

Timings on a shared 2-core machine vary by up to 2x between runs, so every number is the
minimum and the median over repeats of a loop long enough to dwarf the timer, and tools are
only compared inside one run.
"""

from __future__ import annotations

import dataclasses
import gc
import statistics
import time
from typing import Callable


@dataclasses.dataclass(frozen=True)
class Timing:
    min_s: float
    median_s: float
    repeats: int
    number: int  # calls per repeat

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Budget:
    """How long to time one cell: ``repeats`` loops of at least ``loop_s`` each, stopping
    early (with at least ``min_repeats``) once ``cell_s`` is spent."""

    repeats: int = 7
    min_repeats: int = 3
    loop_s: float = 0.05
    cell_s: float = 3.0


QUICK = Budget(repeats=3, min_repeats=2, loop_s=0.01, cell_s=0.5)
FULL = Budget()


SETTLE_S = 0.2


def settle() -> None:
    """Let the previous tool's worker threads go idle before timing the next one.

    OpenBLAS (NumPy), Eigen (XLA, TensorFlow) and numba's pools spin-wait for a while after
    their last task; a tool timed right after another one ran on spinning cores. Measured:
    jitflow's covariance (20000x128) timed right after NumPy's took 23 ms in a suite run
    and 14.7 ms alone; jax.jit, timed third, 13 ms.
    """
    time.sleep(SETTLE_S)


def per_call(call: Callable[[], object], budget: Budget) -> Timing:
    """Steady-state time of ``call`` (already warmed up by the caller)."""
    settle()
    start = time.perf_counter()
    call()
    one = max(time.perf_counter() - start, 1e-7)
    number = max(1, int(budget.loop_s / one))
    samples: list[float] = []
    spent = 0.0
    gc_was_on = gc.isenabled()
    gc.disable()  # a collection inside one loop is noise, not the tool's cost
    try:
        for _ in range(budget.repeats):
            start = time.perf_counter()
            for _ in range(number):
                call()
            loop = time.perf_counter() - start
            samples.append(loop / number)
            spent += loop
            if len(samples) >= budget.min_repeats and spent > budget.cell_s:
                break
    finally:
        if gc_was_on:
            gc.enable()
    return Timing(min(samples), statistics.median(samples), len(samples), number)


def once(call: Callable[[], object]) -> tuple[float, object]:
    """Seconds for one call (a first call: trace, compile, run) and its result."""
    start = time.perf_counter()
    out = call()
    return time.perf_counter() - start, out
