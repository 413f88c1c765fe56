"""``python -m benchmarks``: jitflow against NumPy, jax.jit, numba and tf.function.

Install the peers first: ``pip install -e '.[bench]'`` (a missing one is skipped with a
note). Options:

    --quick            fewer, shorter repeats (a smoke run, not for reporting)
    --device gpu       run jitflow, jax.jit and TensorFlow on the GPU (NumPy and numba stay
                       on the CPU); results go to gpu.json / gpu.md / speedup-gpu.png
    --only NAME ...    workloads whose name contains NAME ("softmax", "dispatch", "first_call")
    --sizes, --dtypes  subsets of small,large and float64,float32
    --peers P ...      subset of: jitflow jax.jit numba tf.function (NumPy always runs)
    --blas-threads N   threads for NumPy's BLAS (default: all cores), fixed for the run
                       because OpenBLAS threads spin and collide with other processes

The thread count must be set before NumPy is imported, so this module parses the options
and sets the environment before importing anything that imports NumPy.
"""

from __future__ import annotations

import argparse
import os


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--device", choices=("cpu", "gpu"), default="cpu")
    p.add_argument("--only", nargs="*", default=[])
    p.add_argument("--sizes", default="small,large")
    p.add_argument("--dtypes", default="float64,float32")
    p.add_argument("--peers", nargs="*", default=[])
    p.add_argument("--blas-threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results"))
    p.add_argument("--tag", default=None, help="file name stem (default: latest, or gpu)")
    p.add_argument("--no-plot", action="store_true")
    opts = p.parse_args(argv)
    opts.sizes = opts.sizes.split(",")
    opts.dtypes = opts.dtypes.split(",")
    opts.tag = opts.tag or ("gpu" if opts.device == "gpu" else "latest")
    return opts


def steady_malloc() -> bool:
    """Fix glibc's malloc thresholds for the run (Linux only).

    By default glibc moves its mmap threshold as large blocks are freed and returns freed
    heap memory to the OS past a trim threshold, so whether a tool's large outputs and
    temporaries reuse memory or page-fault fresh memory on every call depends on what ran
    before: the same cell measured 2 ms in one run and 10 ms in the next. Fixed thresholds
    (blocks up to 32 MB from the heap, no trimming) make that the same for every tool.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        m_trim_threshold, m_mmap_threshold = -1, -3
        return bool(libc.mallopt(m_mmap_threshold, 32 << 20)) and bool(
            libc.mallopt(m_trim_threshold, 1 << 30)
        )
    except (OSError, AttributeError):
        return False


def main(argv=None):
    opts = parse_args(argv)
    opts.steady_malloc = steady_malloc()
    threads = str(opts.blas_threads)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = threads
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if opts.device == "cpu":
        os.environ["JAX_PLATFORMS"] = "cpu"
        os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # TensorFlow too
    from benchmarks.run import run

    run(opts)


if __name__ == "__main__":
    main()
