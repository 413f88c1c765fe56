"""Compile time of a ``for i in range(n)`` loop: jitflow (staged) next to ``jax.jit``, in one run.

The function is a 1-D recurrence that needs the loop (each step reads the previous one):

    for i in range(n):
        x = 0.5 * x + np.sin(x) * a[i % a.shape[0]]

For n = 10, 1,000 and 10,000 it measures the first call of a freshly made function
(trace + lower + compile + one run) of

* jitflow: the NumPy code above under ``@jitflow.function``, ``n`` a static Python int;
  AutoGraph stages the loop as one XLA ``while`` op, so the time should not grow with n
  (issue 3 asks for at most 2x between 10 and 10,000 iterations);
* ``jax.jit`` of the same Python ``for`` loop with ``jax.numpy`` (``n`` static): JAX traces
  the body once per iteration, so XLA compiles an unrolled program of n bodies;
* ``jax.jit`` with ``lax.fori_loop``: the loop written by hand as a staged XLA loop.

Each number is the minimum (and median) over repeats, each with a fresh function, in
milliseconds. The unrolled jax.jit case runs in a child process with a time limit
(``--unrolled-limit``, 60 s by default); one that runs past it is reported as skipped.
AutoGraph's source conversion is cached per code object (once per ``def``), so from the
second repeat on, the jitflow numbers are trace + lower + compile only.

Run: ``python benchmarks/compile_loops.py`` (``--quick`` for fewer repeats). The table is
printed and written to ``benchmarks/results/compile_loops.md``.
"""

from __future__ import annotations

import argparse
import gc
import pathlib
import statistics
import subprocess
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)  # float64 on the jax.jit side, as in NumPy

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import jitflow  # noqa: E402
from machine_info import machine  # noqa: E402  (benchmarks/machine_info.py)

RESULTS = pathlib.Path(__file__).parent / "results" / "compile_loops.md"
TRIP_COUNTS = (10, 1_000, 10_000)
SIZE, TAPS = 64, 7  # x: float64[64]; a: float64[7], indexed cyclically


# -- the three versions of the loop (fresh function objects on every call) -------------------


def make_numpy_loop():
    def recurrence(x, a, n):
        for i in range(n):
            x = 0.5 * x + np.sin(x) * a[i % a.shape[0]]
        return x

    return recurrence


def make_jax_unrolled():
    def recurrence(x, a, n):
        for i in range(n):
            x = 0.5 * x + jnp.sin(x) * a[i % a.shape[0]]
        return x

    return jax.jit(recurrence, static_argnums=2)


def make_jax_fori():
    def recurrence(x, a, n):
        def body(i, x):
            return 0.5 * x + jnp.sin(x) * a[i % a.shape[0]]

        return jax.lax.fori_loop(0, n, body, x)

    return jax.jit(recurrence, static_argnums=2)


def make_jitflow():
    return jitflow.function(make_numpy_loop())


CONTENDERS = {
    "jitflow": make_jitflow,
    "jax.jit, Python for (unrolled)": make_jax_unrolled,
    "jax.jit, lax.fori_loop": make_jax_fori,
}


def inputs():
    rng = np.random.default_rng(0)
    return rng.normal(size=SIZE), rng.normal(size=TAPS)


# -- timing ----------------------------------------------------------------------------------


def first_call_ms(make, n: int, repeats: int) -> list[float]:
    """First-call times (ms) of ``repeats`` freshly made functions."""
    x, a = inputs()
    samples = []
    for _ in range(repeats):
        f = make()
        gc.collect()
        start = time.perf_counter()
        jax.block_until_ready(f(x, a, n))
        samples.append((time.perf_counter() - start) * 1e3)
    return samples


def first_call_in_child(name: str, n: int, repeats: int, limit_s: float) -> list[float] | None:
    """``first_call_ms`` in a child process; None if it runs past ``limit_s``."""
    cmd = [sys.executable, __file__, "--child", name, str(n), str(repeats)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit_s, check=True)
    except subprocess.TimeoutExpired:
        return None
    return [float(v) for v in proc.stdout.split()]


def check_same(n: int) -> None:
    """Before timing anything: the three versions give what NumPy gives."""
    x, a = inputs()
    expected = make_numpy_loop()(x, a, n)
    for name, make in CONTENDERS.items():
        got = np.asarray(make()(x, a, n))
        assert got.dtype == expected.dtype and got.shape == expected.shape, name
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12, err_msg=name)


def ir_while_count(n: int) -> int:
    x, a = inputs()
    return make_jitflow().trace(x, a, n).ir.count("= while ")


# -- report ----------------------------------------------------------------------------------


def cell(samples: list[float] | None, limit_s: float) -> str:
    if samples is None:
        return f"skipped (over {limit_s:.0f} s)"
    best, median = min(samples), statistics.median(samples)
    return f"{best:,.0f} ({median:,.0f})"


def report(results: dict, repeats: int, limit_s: float) -> str:
    names = list(CONTENDERS)
    head = ["n (trip count)", *names]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n in TRIP_COUNTS:
        lines.append(f"| {n:,} | " + " | ".join(cell(results[k][n], limit_s) for k in names) + " |")
    jf = results["jitflow"]
    ratio = min(jf[TRIP_COUNTS[-1]]) / min(jf[TRIP_COUNTS[0]])
    verdict = "within" if ratio <= 2 else "NOT within"
    setup = (
        "Function: `for i in range(n): x = 0.5 * x + np.sin(x) * a[i % a.shape[0]]` on "
        f"x: float64[{SIZE}], a: float64[{TAPS}], n static. First call of a fresh function "
        f"(trace + lower + compile + run) in ms, min (median) of {repeats} repeats; the "
        "unrolled jax.jit case at n = 10,000 runs once, in a child process with a "
        f"{limit_s:.0f} s limit."
    )
    summary = (
        f"jitflow, {TRIP_COUNTS[-1]:,} vs {TRIP_COUNTS[0]} iterations: {ratio:.2f}x "
        f"({verdict} the 2x that issue 3 allows); the IR holds "
        f"{ir_while_count(TRIP_COUNTS[-1])} `while` op at n = {TRIP_COUNTS[-1]:,}."
    )
    machine_line = f"Machine: {machine()}."
    return "\n".join([machine_line, "", setup, "", "\n".join(lines), "", summary, ""])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--unrolled-limit", type=float, default=60.0,
                        help="seconds allowed for the unrolled jax.jit case at n = 10,000")
    parser.add_argument("--out", type=pathlib.Path, default=RESULTS)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        name, n, repeats = args.child
        first_call_ms(CONTENDERS[name], TRIP_COUNTS[0], 1)  # warm up the JAX backend
        print(" ".join(f"{t:.3f}" for t in first_call_ms(CONTENDERS[name], int(n), int(repeats))))
        return 0

    repeats = 3 if args.quick else 5
    for n in TRIP_COUNTS[:2]:
        check_same(n)
    results: dict = {name: {} for name in CONTENDERS}
    for n in TRIP_COUNTS:
        for name, make in CONTENDERS.items():
            if "unrolled" in name and n == TRIP_COUNTS[-1]:
                got = first_call_in_child(name, n, 1, args.unrolled_limit)
            else:
                reps = repeats if "unrolled" not in name or n <= 100 else max(2, repeats // 2)
                got = first_call_ms(make, n, reps)
            results[name][n] = got
            print(f"n={n:>6,}  {name:<32} {cell(got, args.unrolled_limit)} ms", file=sys.stderr)

    text = report(results, repeats, args.unrolled_limit)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("# Compile time of loops (benchmarks/compile_loops.py)\n\n" + text)
    print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
