"""The results as Markdown tables and as a speedup plot.

Tables: per group, one row per workload/size/dtype; NumPy's median time, then each peer's
speedup over NumPy (NumPy's median / the peer's median; above 1 is faster than NumPy), with
the peer's own median and minimum time. The fixed costs (dispatch, first call) are absolute
times. The plot shows the speedups on a log axis, one bar per peer.
"""

from __future__ import annotations

import pathlib

from benchmarks import peers as P

PEERS = (P.NUMPY, P.JITFLOW, P.JAX, P.NUMBA, P.TF)
COMPARED = PEERS[1:]


def fmt_time(seconds: float) -> str:
    us = seconds * 1e6
    if us < 1_000:
        return f"{us:.1f} µs" if us < 100 else f"{us:.0f} µs"
    if us < 1_000_000:
        return f"{us / 1e3:.2f} ms" if us < 10_000 else f"{us / 1e3:.1f} ms"
    return f"{us / 1e6:.2f} s"


def _index(cells):
    rows: dict[tuple, dict[str, dict]] = {}
    for c in cells:
        rows.setdefault((c["group"], c["workload"], c["size"], c["dtype"]), {})[c["peer"]] = c
    return rows


def _status(c: dict | None) -> str:
    if c is None:
        return "—"
    return {"skipped": "skipped", "error": "error", "wrong": "**wrong**"}.get(c["status"], "?")


def _overhead_table(rows, workload: str, title: str) -> list[str]:
    out = [f"### {title}", "", "| case | " + " | ".join(PEERS) + " |",
           "|---|" + "---|" * len(PEERS)]
    for (group, w, size, dtype), by_peer in rows.items():
        if w != workload:
            continue
        cells = []
        for p in PEERS:
            c = by_peer.get(p)
            if c and c["status"] == "ok":
                cells.append(f"{fmt_time(c['median_s'])} ({fmt_time(c['min_s'])})")
            else:
                cells.append(_status(c))
        out.append(f"| {size} | " + " | ".join(cells) + " |")
    return out + [""] if len(out) > 4 else []  # nothing measured: no table


def speedups(rows):
    """(group, workload, size, dtype) -> {peer: NumPy median / peer median}."""
    result = {}
    for key, by_peer in rows.items():
        base = by_peer.get(P.NUMPY)
        if key[0] == "overheads" or not base or base["status"] != "ok":
            continue
        result[key] = {
            p: base["median_s"] / c["median_s"]
            for p, c in by_peer.items()
            if p != P.NUMPY and c["status"] == "ok"
        }
    return result


def markdown(results: dict) -> str:
    m = results["machine"]
    rows = _index(results["cells"])
    versions = ", ".join(f"{k} {v}" for k, v in results["versions"].items())
    lines = [
        "# jitflow against its peers (`python -m benchmarks`)", "",
        f"Machine: {m['cpu']}, {m['cores']} cores; run on {m['device'].upper()} "
        f"(JAX device: {m['jax_device']}); Python {m['python']}; {versions}. NumPy's BLAS "
        f"threads: {m['blas_threads']}." + (f" XLA_FLAGS={m['xla_flags']}" if m["xla_flags"]
                                             else ""),
        "",
        "Every call is NumPy in, NumPy out (transfers included), checked against NumPy before "
        "it is timed. Times are the median (min) per call over repeats after warm-up; "
        "speedup = NumPy's median / the tool's median (above 1: faster than NumPy). "
        "First calls (trace + compile + run) are listed separately.",
        "",
        "## Fixed costs", "",
    ]
    lines += _overhead_table(rows, "dispatch", "Dispatch of a tiny function, per call")
    lines += _overhead_table(rows, "first_call", "First call of a fresh function")
    sp = speedups(rows)
    groups = []
    for key in rows:
        if key[0] != "overheads" and key[0] not in groups:
            groups.append(key[0])
    for group in groups:
        lines += [f"## {group.capitalize()}", "",
                  "| workload | size | dtype | NumPy | " + " | ".join(COMPARED) + " |",
                  "|---|---|---|---|" + "---|" * len(COMPARED)]
        for key, by_peer in rows.items():
            if key[0] != group:
                continue
            base = by_peer.get(P.NUMPY)
            cells = [fmt_time(base["median_s"]) if base and base["status"] == "ok"
                     else _status(base)]
            for p in COMPARED:
                c = by_peer.get(p)
                if c and c["status"] == "ok" and key in sp and p in sp[key]:
                    cells.append(f"{sp[key][p]:.2f}x ({fmt_time(c['median_s'])})")
                else:
                    cells.append(_status(c))
            lines.append(f"| {key[1]} | {key[2]} | {key[3]} | " + " | ".join(cells) + " |")
        lines.append("")
    notes = [c for c in results["cells"] if c["status"] in ("error", "wrong")
             or (c["status"] == "skipped" and "version written" in c.get("note", ""))]
    if notes:
        lines += ["## Not timed", ""]
        lines += [f"- {c['workload']} / {c['size']} / {c['dtype']} / {c['peer']}: "
                  f"{c['status']}: {c.get('note', '')}" for c in notes]
        lines.append("")
    missing = [f"{p}: {v}" for p, v in results["versions"].items() if v == "not installed"]
    if missing:
        lines += ["Not installed, so not compared: " + ", ".join(missing) + ".", ""]
    lines += ["The first call of every workload (`first_call_s`) is in the JSON file.", ""]
    return "\n".join(lines)


def plot(results: dict, path: pathlib.Path) -> None:
    """Grouped bars of speedup over NumPy, log axis; one panel per dtype."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sp = speedups(_index(results["cells"]))
    dtypes = sorted({k[3] for k in sp}, reverse=True)  # float64 first
    if not dtypes:
        return
    fig, axes = plt.subplots(len(dtypes), 1, figsize=(13, 4.2 * len(dtypes)), squeeze=False)
    width = 0.8 / len(COMPARED)
    for ax, dtype in zip(axes[:, 0], dtypes):
        keys = [k for k in sp if k[3] == dtype]
        labels = [f"{k[1]} ({k[2]})" for k in keys]
        for j, p in enumerate(COMPARED):
            xs = [i + (j - (len(COMPARED) - 1) / 2) * width for i in range(len(keys))]
            ys = [sp[k].get(p, float("nan")) for k in keys]
            ax.bar(xs, ys, width, label=p)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_yscale("log")
        ax.set_xticks(range(len(keys)), labels, fontsize=8, rotation=30, ha="right")
        ax.set_ylabel("speedup over NumPy (log)")
        ax.set_title(f"{dtype}, NumPy in/out; {results['machine']['device'].upper()}")
        ax.grid(axis="y", which="both", alpha=0.3)
        ax.legend(fontsize=8, ncol=len(COMPARED))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
