"""A Mandelbrot escape-time kernel: a staged ``for`` loop and a ``while`` with early exit.

``escape_time`` iterates ``z = z * z + c`` a fixed number of times over the whole grid,
updating only the points that have not escaped (``np.where``): AutoGraph stages the
``for`` over ``range(max_iter)`` as one XLA loop, so compiling it takes as long for 1,000
iterations as for 10. ``escape_time_early_exit`` does the same in a ``while`` whose traced
condition stops as soon as every point of the block has escaped.

Run it with ``python examples/mandelbrot.py``. Every result is compared with what NumPy
gives for the same, undecorated function (``f.python_function``); the script exits with an
error if any of them differs.
"""

import time

import numpy as np

import jitflow


@jitflow.function
def escape_time(c, max_iter):
    """For each point of ``c``, the number of iterations before ``|z| > 2`` (at most max_iter)."""
    z = np.zeros_like(c)
    counts = np.zeros_like(c, dtype=np.int64)
    for _ in range(max_iter):
        inside = np.abs(z) <= 2.0
        z = np.where(inside, z * z + c, z)
        counts += inside
    return counts


@jitflow.function
def escape_time_early_exit(c, max_iter):
    """Same counts; the loop ends when every point has escaped. Also returns the steps run."""
    z = np.zeros_like(c)
    counts = np.zeros_like(c, dtype=np.int64)
    active = np.ones_like(c, dtype=bool)  # made from c: traced, so the while is staged
    steps = 0
    while np.any(active) and steps < max_iter:
        z = np.where(active, z * z + c, z)
        active = active & (np.abs(z) <= 2.0)
        counts += active
        steps += 1
    return counts, steps


def grid(x0, x1, y0, y1, width, height):
    re, im = np.meshgrid(np.linspace(x0, x1, width), np.linspace(y0, y1, height))
    return re + 1j * im


def ascii_art(counts, max_iter) -> str:
    shades = " .:-=+*#%@"
    levels = np.minimum(counts * len(shades) // (max_iter + 1), len(shades) - 1)
    return "\n".join("".join(shades[v] for v in row) for row in levels)


def first_call_seconds(fn, *args) -> float:
    f = jitflow.function(fn.python_function)  # a fresh function: trace + lower + compile
    start = time.perf_counter()
    f(*args)
    return time.perf_counter() - start


def main() -> None:
    c = grid(-2.2, 0.8, -1.2, 1.2, 72, 24)
    counts = escape_time(c, 64)
    np.testing.assert_array_equal(counts, escape_time.python_function(c, 64))
    assert counts.dtype == np.int64
    print(ascii_art(counts, 64))
    print(f"escape_time: {counts.size} points, {np.mean(counts == 64):.0%} never escaped; "
          "same counts as NumPy")

    outside = grid(1.0, 2.0, 1.0, 2.0, 16, 16)  # every point escapes within a few steps
    for block in (c, outside):
        counts, steps = escape_time_early_exit(block, 1000)
        expected = escape_time_early_exit.python_function(block, 1000)
        np.testing.assert_array_equal(counts, expected[0])
        assert int(steps) == expected[1], (steps, expected[1])
        print(f"escape_time_early_exit: stopped after {int(steps)} of at most 1000 steps; "
              "same counts and steps as NumPy")

    ir = escape_time.trace(c, 1000).ir
    assert ir.count("= while ") == 1, ir
    t10, t1000 = (first_call_seconds(escape_time, c, n) for n in (10, 1000))
    print(f"first call (trace + compile): {t10 * 1e3:.0f} ms for 10 iterations, "
          f"{t1000 * 1e3:.0f} ms for 1000 (one staged loop either way)")
    print("\nmandelbrot: all results match NumPy")


if __name__ == "__main__":
    main()
