"""Run the suite: every workload, every installed peer, one run, one machine.

For each workload, size and dtype: NumPy computes the reference; then each peer builds its
version, makes a first call (trace + compile + run, reported separately), is checked against
the reference, and only then is timed (``benchmarks/timing.py``). A peer that is missing,
that has no version of a workload, that fails or that disagrees with NumPy is reported as
such and not timed. The dispatch and first-call measurements are in
``benchmarks/overheads.py``.

Results go to ``<out>/<tag>.json`` and ``<out>/<tag>.md`` and the plot to
``<out>/speedup[-<tag>].png`` (``benchmarks/report.py``). Start it with ``python -m
benchmarks`` (see ``benchmarks/__main__.py`` for the options).
"""

from __future__ import annotations

import json
import os
import pathlib
import platform
import sys
import traceback

import numpy as np

from benchmarks import overheads, peers as peers_mod, report
from benchmarks.machine_info import cpu_model
from benchmarks.timing import FULL, QUICK, once, per_call
from benchmarks.workload import Workload, all_workloads


def machine_facts(device: str, blas_threads: int) -> dict:
    """What the report says about where it ran."""
    import jax

    dev = jax.devices()[0]
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "device": device,
        "jax_device": getattr(dev, "device_kind", dev.platform),
        "python": platform.python_version(),
        "blas_threads": blas_threads,
        "xla_flags": os.environ.get("XLA_FLAGS", ""),
    }


def aligned_copy(a: np.ndarray, alignment: int = 64) -> np.ndarray:
    """A copy of ``a`` whose data starts on an ``alignment``-byte boundary.

    XLA's CPU client (jitflow, jax.jit) reads 64-byte-aligned NumPy buffers in place and
    copies others; NumPy gives no such promise, so a plain copy made the same cell differ by
    the cost of an input copy from one tool (or run) to the next. Every tool gets aligned
    inputs; ``benchmarks/dispatch.py`` measures what unaligned ones cost.
    """
    raw = np.empty(a.nbytes + alignment, np.uint8)
    start = -raw.ctypes.data % alignment
    out = raw[start : start + a.nbytes].view(a.dtype).reshape(a.shape)
    out[...] = a
    return out


def _copy_args(args: tuple) -> tuple:
    return tuple(aligned_copy(a) if isinstance(a, np.ndarray) else a for a in args)


def as_tuple(out) -> tuple:
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def check(workload: Workload, dtype, ref, out) -> str | None:
    """None when ``out`` agrees with NumPy's ``ref``; otherwise what differs."""
    ref, out = as_tuple(ref), as_tuple(out)
    if len(ref) != len(out):
        return f"{len(out)} results, NumPy gives {len(ref)}"
    rtol, atol = workload.tol(dtype)
    for i, (r, o) in enumerate(zip(ref, out)):
        r, o = np.asarray(r), np.asarray(o)
        if r.shape != o.shape:
            return f"result {i}: shape {o.shape}, NumPy gives {r.shape}"
        try:
            np.testing.assert_allclose(o, r, rtol=rtol, atol=atol)
        except AssertionError as e:
            lines = [ln for ln in str(e).splitlines() if "Max" in ln or "Mismatch" in ln]
            return f"result {i} differs from NumPy: " + "; ".join(ln.strip() for ln in lines)
    return None


def cell_key(workload: Workload, size: str, dtype, peer) -> dict:
    """What identifies one result: workload, size, dtype and tool."""
    return {"workload": workload.name, "group": workload.group, "size": size,
            "dtype": np.dtype(dtype).name, "peer": peer.name}


def run_cell(workload, size, params, dtype, peer, fn, ref, args, budget) -> dict:
    """First call, check and timing of one peer on one workload/size/dtype."""
    cell = cell_key(workload, size, dtype, peer)
    if fn is None:
        return {**cell, "status": "skipped", "note": f"no {peer.name} version written"}
    call_args = _copy_args(args)

    def call():
        return peer.to_numpy(fn(*call_args))

    try:
        first_s, out = once(call)
    except Exception as e:  # noqa: BLE001 -- any failure of a peer is reported, not fatal
        return {**cell, "status": "error", "note": _one_line(e)}
    problem = check(workload, dtype, ref, out)
    if problem is None and any(
        isinstance(a, np.ndarray) and not np.array_equal(a, b, equal_nan=True)
        for a, b in zip(call_args, args)
    ):
        problem = "the call modified its input arrays"
    if problem:
        return {**cell, "status": "wrong", "note": problem, "first_call_s": first_s}
    timing = per_call(call, budget)
    return {**cell, "status": "ok", "first_call_s": first_s, **timing.as_dict()}


def _one_line(e: BaseException) -> str:
    text = f"{type(e).__name__}: {e}".splitlines()
    return text[0][:200] if text else type(e).__name__


def run_workloads(opts, peers, progress) -> list[dict]:
    budget = QUICK if opts.quick else FULL
    cells = []
    for w in all_workloads():
        if opts.only and not any(o in w.name for o in opts.only):
            continue
        built = {}
        for p in peers:
            if p.missing:
                built[p.name] = None
                continue
            try:
                built[p.name] = p.build(w)
            except Exception as e:  # noqa: BLE001
                built[p.name] = e
        for size in opts.sizes:
            if size not in w.sizes:
                continue
            for dtype in w.dtypes:
                if np.dtype(dtype).name not in opts.dtypes:
                    continue
                rng = np.random.default_rng(0)
                args = w.make_args(w.sizes[size], np.dtype(dtype), rng)
                ref = w.numpy(*_copy_args(args))
                for p in peers:
                    progress.set_postfix_str(f"{w.name}/{size}/{np.dtype(dtype).name}/{p.name}")
                    fn = built[p.name]
                    if p.missing:
                        cell = {**cell_key(w, size, dtype, p), "status": "skipped",
                                "note": p.missing}
                    elif isinstance(fn, Exception):
                        cell = {**cell_key(w, size, dtype, p), "status": "error",
                                "note": "building: " + _one_line(fn)}
                    else:
                        cell = run_cell(w, size, w.sizes[size], dtype, p, fn, ref, args, budget)
                    cells.append(cell)
                    progress.update(1)
    return cells


def count_cells(opts, peers) -> int:
    n = 0
    for w in all_workloads():
        if opts.only and not any(o in w.name for o in opts.only):
            continue
        sizes = [s for s in opts.sizes if s in w.sizes]
        dtypes = [d for d in w.dtypes if np.dtype(d).name in opts.dtypes]
        n += len(sizes) * len(dtypes) * len(peers)
    return n


class _Counter:
    """What the harness needs of a tqdm bar, for machines without tqdm (a lent GPU machine
    has no package registry): a line per workload instead of a bar."""

    def __init__(self, total: int, **_):
        self.total, self.n, self.last = total, 0, ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        print(f"{self.n}/{self.total} cells", file=sys.stderr)

    def update(self, k: int) -> None:
        self.n += k

    def set_postfix_str(self, text: str) -> None:
        head = text.split("/")[0]
        if head != self.last:
            self.last = head
            print(f"[{self.n}/{self.total}] {head}", file=sys.stderr)


def run(opts) -> pathlib.Path:
    try:
        from tqdm import tqdm
    except ImportError:
        tqdm = _Counter

    peers = peers_mod.all_peers()
    if opts.peers:
        peers = [p for p in peers if p.name in opts.peers or p.name == peers_mod.NUMPY]
    import jax

    if opts.device == "gpu" and jax.default_backend() != "gpu":
        sys.exit("--device gpu: JAX finds no GPU here (jax.default_backend() is "
                 f"{jax.default_backend()!r})")
    for p in peers:
        if p.missing:
            print(f"skipping {p.name}: {p.missing}", file=sys.stderr)
    if not _missing(peers, peers_mod.JAX):
        peers_mod.setup_jax()
    if not _missing(peers, peers_mod.TF):
        peers_mod.setup_tf(opts.device)

    total = count_cells(opts, peers) + overheads.count(opts, peers)
    with tqdm(total=total, unit="cell", dynamic_ncols=True) as progress:
        cells = overheads.run(opts, peers, progress)
        try:
            cells += run_workloads(opts, peers, progress)
        except KeyboardInterrupt:
            traceback.print_exc()
    results = {
        "machine": machine_facts(opts.device, opts.blas_threads),
        "versions": {p.name: p.version() for p in peers},
        "options": {"quick": opts.quick, "sizes": opts.sizes, "dtypes": opts.dtypes,
                    "steady_malloc": getattr(opts, "steady_malloc", False)},
        "cells": cells,
    }
    out = pathlib.Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{opts.tag}.json").write_text(json.dumps(results, indent=1) + "\n")
    md = report.markdown(results)
    (out / f"{opts.tag}.md").write_text(md)
    if not opts.no_plot:
        png = out / ("speedup.png" if opts.tag == "latest" else f"speedup-{opts.tag}.png")
        report.plot(results, png)
    print(md)
    return out


def _missing(peers, name) -> bool:
    return all(p.name != name or p.missing for p in peers)
