"""Dispatch overhead of ``@jitflow.function`` next to ``jax.jit`` and plain NumPy, in one run.

What it measures, for ``np.sin(x) * y + 1.0`` on two arguments:

* steady state (a cache hit), per call, on tiny inputs (float64[4] and float32[4]):
  NumPy in -> NumPy out (``jax.jit`` followed by ``np.asarray``, read-only, and by
  ``np.array``, writable as jitflow's outputs are), and jax.Array in -> jax.Array out,
  the contenders' timing loops taken in turn (:func:`interleaved`);
* steady state on a large input (float64[1_000_000]) whose buffers are 64-byte aligned or
  not: XLA's CPU client reads aligned NumPy buffers in place and copies unaligned ones, so
  the gap between the two rows is the cost of copying the inputs (one 8 MB copy is timed
  alone for reference);
* the first call (trace + lower + compile), a fresh function each repeat;
* captured state (DESIGN decision 11): a cache hit of a function that reads two globals
  (two small arrays, or an array and a float), which jitflow reads again and checks at
  every call, against the same function taking them as arguments and against one that
  reads nothing besides its arguments (all float64[4], interleaved).

Each number is the per-call time in microseconds, median and minimum over repeats, after
a warm-up; ratios are jitflow over ``jax.jit`` (below 1: jitflow is faster). Timings on a
small shared machine vary by up to 2x between runs: compare numbers within one run only.

Run: ``python benchmarks/dispatch.py`` (``--quick`` for a fast, noisier run). The table is
printed and written to ``benchmarks/results/dispatch.md``.
"""

from __future__ import annotations

import argparse
import gc
import pathlib
import statistics
import sys
import time
from typing import Callable

import jax

# jax.jit computes float64 only with 64-bit mode on (jitflow turns it on for its own calls).
jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import jitflow  # noqa: E402
from machine_info import machine  # noqa: E402  (benchmarks/machine_info.py)

RESULTS = pathlib.Path(__file__).parent / "results" / "dispatch.md"
LARGE = 1_000_000


def numpy_fn(x, y):
    return np.sin(x) * y + 1.0


def jax_fn(x, y):
    return jnp.sin(x) * y + 1.0


GY, GZ, GS = np.full(4, 0.5), np.full(4, 0.25), 0.25  # globals read by the capture cases


def two_array_args(x, y, z):
    return np.sin(x) * y + z


def two_array_globals(x):
    return np.sin(x) * GY + GZ


def array_and_float_args(x, y, s):
    return np.sin(x) * y + s


def array_and_float_globals(x):
    return np.sin(x) * GY + GS


# -- timing ----------------------------------------------------------------------------------


class Timing:
    """Per-call times in microseconds over the repeats."""

    def __init__(self, samples_us: list[float]):
        self.samples = samples_us
        self.median = statistics.median(samples_us)
        self.min = min(samples_us)

    def cell(self) -> str:
        return f"{_fmt(self.median)} ({_fmt(self.min)})"


def _fmt(us: float) -> str:
    return f"{us:,.0f}" if us >= 100 else f"{us:.1f}"


def _loop(call: Callable, number: int) -> float:
    """Seconds for ``number`` calls; the last result is waited for (async jax.Arrays)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            out = call()
        jax.block_until_ready(out)
        return time.perf_counter() - start
    finally:
        if gc_was_enabled:
            gc.enable()


def per_call(call: Callable, repeats: int, min_loop_s: float) -> Timing:
    """Steady-state time per call: warm up, pick a loop length, then time ``repeats`` loops."""
    number = 1
    while _loop(call, number) < min_loop_s and number < 1 << 20:
        number *= 2
    _loop(call, number)  # warm-up at the final length
    return Timing([_loop(call, number) / number * 1e6 for _ in range(repeats)])


def interleaved(calls: dict[str, Callable], repeats: int, min_loop_s: float) -> dict:
    """``per_call`` for several calls at once, their loops taken in turn within each repeat:
    a machine that slows down for a while slows all of them, not one, so their ratios
    hold steadier than timings taken one after the other."""
    numbers = {}
    for name, call in calls.items():
        number = 1
        while _loop(call, number) < min_loop_s and number < 1 << 20:
            number *= 2
        _loop(call, number)  # warm-up at the final length
        numbers[name] = number
    samples = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            samples[name].append(_loop(call, numbers[name]) / numbers[name] * 1e6)
    return {name: Timing(s) for name, s in samples.items()}


def first_call(make_call: Callable[[], Callable], repeats: int) -> Timing:
    """Time of the first call of a freshly made function (trace + lower + compile)."""
    samples = []
    for _ in range(repeats):
        call = make_call()
        gc.collect()
        start = time.perf_counter()
        jax.block_until_ready(call())
        samples.append((time.perf_counter() - start) * 1e6)
    return Timing(samples)


# -- inputs ----------------------------------------------------------------------------------


def with_alignment(a: np.ndarray, misalign: int) -> np.ndarray:
    """A copy of ``a`` whose data starts ``misalign`` bytes after a 64-byte boundary."""
    buf = np.empty(a.nbytes + 128, np.uint8)
    start = (-buf.ctypes.data) % 64 + misalign
    out = buf[start : start + a.nbytes].view(a.dtype).reshape(a.shape)
    out[...] = a
    assert out.ctypes.data % 64 == misalign
    return out


def _fresh_numpy_fn():
    def f(x, y):
        return np.sin(x) * y + 1.0

    return f


def _fresh_jax_fn():
    def f(x, y):
        return jnp.sin(x) * y + 1.0

    return f


# -- the cases -------------------------------------------------------------------------------


class Row:
    """One table row: a case and the timings of each contender (None: not applicable)."""

    def __init__(self, case: str, io: str, numpy=None, jax_jit=None, jitflow_=None):
        self.case, self.io = case, io
        self.numpy, self.jax_jit, self.jitflow = numpy, jax_jit, jitflow_

    def cells(self) -> list[str]:
        ratio = "—"
        if self.jitflow and self.jax_jit:
            ratio = (
                f"{self.jitflow.median / self.jax_jit.median:.2f} "
                f"({self.jitflow.min / self.jax_jit.min:.2f})"
            )
        return [
            self.case,
            self.io,
            *(t.cell() if t else "—" for t in (self.numpy, self.jax_jit, self.jitflow)),
            ratio,
        ]


def check_same(jf_fn, jax_jit, x, y) -> None:
    """Before timing anything: all three compute the same thing."""
    expected = numpy_fn(x, y)
    for got in (jf_fn(x, y), np.asarray(jax_jit(x, y))):
        assert got.dtype == expected.dtype and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-5)


def tiny_rows(dtype, repeats: int, min_loop_s: float) -> list[Row]:
    rng = np.random.default_rng(0)
    x, y = (rng.random(4).astype(dtype) for _ in range(2))
    jf = jitflow.function(numpy_fn)
    jj = jax.jit(jax_fn)
    check_same(jf, jj, x, y)
    xd, yd = jax.device_put(x), jax.device_put(y)
    name = f"{np.dtype(dtype).name}[4] × 2"

    t = interleaved({
        "numpy": lambda: numpy_fn(x, y),
        "jax.jit read-only": lambda: np.asarray(jj(x, y)),
        "jax.jit writable": lambda: np.array(jj(x, y)),
        "jitflow": lambda: jf(x, y),
        "jax.jit devices": lambda: jj(xd, yd),
        "jitflow devices": lambda: jf(xd, yd),
    }, repeats, min_loop_s)
    return [
        Row(name, "NumPy → NumPy (jax.jit + np.asarray: read-only)",
            t["numpy"], t["jax.jit read-only"], t["jitflow"]),
        Row(name, "NumPy → writable NumPy (jax.jit + np.array)",
            None, t["jax.jit writable"], t["jitflow"]),
        Row(name, "jax.Array → jax.Array", None, t["jax.jit devices"], t["jitflow devices"]),
    ]


def large_rows(repeats: int, min_loop_s: float) -> list[Row]:
    rng = np.random.default_rng(1)
    base_x, base_y = rng.random(LARGE), rng.random(LARGE)
    jf = jitflow.function(numpy_fn)
    jj = jax.jit(jax_fn)
    check_same(jf, jj, base_x, base_y)
    offsets = f"{base_x.ctypes.data % 64}, {base_y.ctypes.data % 64}"
    variants = [
        ("64-byte aligned", with_alignment(base_x, 0), with_alignment(base_y, 0)),
        ("not 64-byte aligned", with_alignment(base_x, 8), with_alignment(base_y, 8)),
        (f"as NumPy allocated them (address % 64 = {offsets})", base_x, base_y),
    ]
    rows = [_large_row(label, x, y, jf, jj, repeats, min_loop_s) for label, x, y in variants]
    dst = np.empty_like(base_x)
    copy = per_call(lambda: np.copyto(dst, base_x), repeats, min_loop_s)
    rows.append(Row(f"reference: one {base_x.nbytes / 1e6:.0f} MB copy", "np.copyto", copy))
    return rows


def _large_row(label, x, y, jf, jj, repeats, min_loop_s) -> Row:
    def t(call):
        return per_call(call, repeats, min_loop_s)

    return Row(
        f"float64[{LARGE:_}] × 2, {label}", "NumPy → writable NumPy",
        t(lambda: numpy_fn(x, y)), t(lambda: np.array(jj(x, y))), t(lambda: jf(x, y)),
    )


def first_call_row(repeats: int) -> Row:
    x, y = np.random.default_rng(2).random((2, 4))

    def jax_first():
        f = jax.jit(_fresh_jax_fn())
        return lambda: np.asarray(f(x, y))

    def jitflow_first():
        f = jitflow.function(_fresh_numpy_fn())
        return lambda: f(x, y)

    return Row(
        "float64[4] × 2, first call", "trace + lower + compile (fresh function)",
        None, first_call(jax_first, repeats), first_call(jitflow_first, repeats),
    )


def capture_rows(repeats: int, min_loop_s: float) -> list[tuple]:
    """``(case, timing, ratio to the same function with arguments, ratio to one reading
    nothing)`` for functions reading globals, arguments, or neither."""
    del min_loop_s  # fixed loops of 1000 calls
    x = np.random.default_rng(3).random(4)
    fns = {
        "reads nothing: np.sin(x) * y + 1.0": (jitflow.function(numpy_fn), (x, GY)),
        "2 arrays as arguments": (jitflow.function(two_array_args), (x, GY, GZ)),
        "2 arrays as globals": (jitflow.function(two_array_globals), (x,)),
        "array + float as arguments": (jitflow.function(array_and_float_args), (x, GY, GS)),
        "array + float as globals": (jitflow.function(array_and_float_globals), (x,)),
    }
    for fn, args in fns.values():
        fn(*args)
    np.testing.assert_allclose(fns["2 arrays as globals"][0](x), two_array_args(x, GY, GZ))
    # Many short loops taken in turn, timed in CPU time (time.process_time: the process's
    # threads): differences of a microsecond between functions run side by side need it on
    # a shared machine, where wall-clock minimums still vary by 30% between runs.
    samples = {name: [] for name in fns}
    for _ in range(repeats * 4):
        for name, (fn, a) in fns.items():
            start = time.process_time()
            for _ in range(1000):
                fn(*a)
            samples[name].append((time.process_time() - start) * 1e3)  # µs per call
    t = {name: Timing(v) for name, v in samples.items()}
    for fn, _ in fns.values():
        assert fn.trace_count == 1  # cache hits only
    none = t["reads nothing: np.sin(x) * y + 1.0"]
    pairs = {"2 arrays as globals": "2 arrays as arguments",
             "array + float as globals": "array + float as arguments"}
    rows = []
    for name, timing in t.items():
        vs_args = t[pairs[name]] if name in pairs else None
        rows.append((name, timing, vs_args, none))
    return rows


def capture_table(rows) -> str:
    def ratio(a: Timing, b: Timing | None) -> str:
        return "—" if b is None else f"{a.median / b.median:.2f} ({a.min / b.min:.2f})"

    lines = [("| jitflow function, float64[4] | µs per call | / same with arguments | "
              "/ reads nothing |"), "|---|---|---|---|"]
    lines += [f"| {name} | {t.cell()} | {ratio(t, args)} | {ratio(t, none)} |"
              for name, t, args, none in rows]
    return "\n".join(lines)


# -- report ----------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    head = ["case", "in → out", "NumPy", "jax.jit", "jitflow", "jitflow / jax.jit"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def report(rows: list[Row], repeats: int, captured=()) -> str:
    return "\n".join([
        f"Machine: {machine()}.",
        "",
        f"Function: `np.sin(x) * y + 1.0` (jax.jit: the same with jax.numpy, run with "
        f"`jax_enable_x64` on for float64). Per-call time in µs, median (min) of {repeats} "
        "repeats after warm-up; the ratio compares medians (and minimums). Below 1: "
        "jitflow is faster.",
        "",
        table(rows),
        "",
        ("Captured state: a cache hit of a function reading globals (read again and "
         "checked at every call) against the same function taking them as arguments and "
         "against one reading nothing; median (min) µs, ratios of medians (minimums)."),
        "",
        capture_table(captured),
        "",
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repeats")
    parser.add_argument("--out", type=pathlib.Path, default=RESULTS)
    args = parser.parse_args(argv)
    repeats, min_loop_s, first_repeats = (5, 0.01, 3) if args.quick else (15, 0.05, 7)

    print("jax_enable_x64 is on for the jax.jit side (float64 inputs stay float64).",
          file=sys.stderr)
    rows = []
    for dtype in (np.float64, np.float32):
        rows += tiny_rows(dtype, repeats, min_loop_s)
    rows += large_rows(max(5, repeats // 2), min_loop_s)
    rows.append(first_call_row(first_repeats))
    captured = capture_rows(repeats, min_loop_s)

    text = report(rows, repeats, captured)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("# Dispatch benchmark (benchmarks/dispatch.py)\n\n" + text)
    print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
