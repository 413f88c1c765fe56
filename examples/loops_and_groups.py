"""NumPy loop idioms, unchanged: preallocate and fill, a recurrence, per-group sums.

Run it with ``python examples/loops_and_groups.py``. Each function is plain NumPy code,
the kind written before anyone thought of a compiler: an array made with ``np.zeros`` or
``np.empty`` and filled element by element, ``np.add.at`` into it, a Python loop over a
traced length. jitflow compiles each as written (the loops become XLA loops) and the
script checks every result against NumPy running the undecorated function. The last part
shows that a bad index raises NumPy's IndexError, where XLA alone would clamp it.
"""

import time

import numpy as np

import jitflow


@jitflow.function
def smooth(x, alpha):
    """Exponential smoothing: each output depends on the previous one."""
    y = np.empty(x.shape[0])
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = alpha * x[i] + (1.0 - alpha) * y[i - 1]
    return y


@jitflow.function
def group_means(values, labels, k):
    """Mean of ``values`` per label in [0, k): the usual np.add.at spelling."""
    sums = np.zeros(k)
    np.add.at(sums, labels, values)
    counts = np.zeros(k)
    np.add.at(counts, labels, 1)
    return sums / np.maximum(counts, 1)


@jitflow.function
def first_above(x, threshold):
    """Index of the first element above ``threshold`` (len(x) if none): a data-dependent
    while loop."""
    i = 0
    while i < x.shape[0] and x[i] <= threshold:
        i += 1
    return i


@jitflow.function
def pairs(x, n):
    """x[i] * x[i + 1] for i < n, with n traced: a bad n is caught, not clamped."""
    out = np.zeros(x.shape[0] - 1)
    for i in range(n):
        out[i] = x[i] * x[i + 1]
    return out


def check(fn, *args) -> None:
    got = fn(*args)
    want = fn.python_function(*args)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)  # XLA may fuse a*b+c (FMA)
    assert np.asarray(got).dtype == np.asarray(want).dtype, (got, want)


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(100_000)
    labels = rng.integers(0, 10, size=x.shape[0])

    check(smooth, x, 0.1)
    check(group_means, x, labels, 10)
    check(first_above, x, 3.0)
    check(pairs, x[:5], np.int64(4))

    start = time.perf_counter()
    smooth.python_function(x, 0.1)
    numpy_s = time.perf_counter() - start
    start = time.perf_counter()
    smooth(x, 0.1)
    jitflow_s = time.perf_counter() - start
    print(f"smooth, 100,000 steps: NumPy loop {numpy_s * 1e3:.1f} ms, jitflow {jitflow_s * 1e3:.2f} ms")

    try:
        pairs(x[:4], np.int64(4))  # reads x[4] on the last step
    except IndexError as e:
        print(f"IndexError, as NumPy raises it:\n{e}")
    else:
        raise AssertionError("an out-of-bounds index was not caught")
    print("all results match NumPy")


if __name__ == "__main__":
    main()
