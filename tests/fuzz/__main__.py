"""``python -m tests.fuzz --seeds A:B [--jobs N] [--show] [--shrink]``: fuzz a seed range.

Prints one line per differing seed as it goes, then counts by category and, per
category, the first program (shrunk with ``--shrink``) and what differed. ``--show``
prints every differing program; ``--jsonl FILE`` writes one record per seed.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import multiprocessing
import os
import sys
import time
import traceback

from .generator import generate
from .runner import check
from .shrink import shrink

QUIET = ("ok", "skip", "documented")


def run_seed(seed: int) -> tuple[int, str, str]:
    try:
        program = generate(seed)
    except Exception:  # noqa: BLE001 - a generator bug is a result too
        return seed, "gen-error", traceback.format_exc(limit=3)
    outcome = check(program)
    return seed, outcome.category, outcome.detail


def parse_seeds(text: str) -> range:
    start, _, stop = text.partition(":")
    return range(int(start), int(stop)) if stop else range(int(start), int(start) + 1)


def results(seeds: range, jobs: int):
    if jobs <= 1:
        yield from map(run_seed, seeds)
        return
    context = multiprocessing.get_context("spawn")  # JAX does not survive fork
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
        yield from pool.map(run_seed, seeds, chunksize=8)


def show(seed: int, category: str, detail: str, do_shrink: bool) -> None:
    program = generate(seed)
    if do_shrink and category != "gen-error":
        program = shrink(program, category)
        detail = check(program).detail or detail
    print(f"--- seed {seed}: {category}{' (shrunk)' if do_shrink else ''}")
    print(program.source().rstrip())
    print(f"# {detail}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--seeds", required=True, help="A:B (B excluded) or one seed")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--show", action="store_true", help="print every differing program")
    parser.add_argument("--shrink", action="store_true", help="shrink the printed programs")
    parser.add_argument("--jsonl", help="write {seed, category, detail} per seed here")
    args = parser.parse_args(argv)
    seeds = parse_seeds(args.seeds)
    counts: collections.Counter = collections.Counter()
    first: dict[str, tuple[int, str]] = {}
    differing: list[tuple[int, str, str]] = []
    start = time.time()
    raised = 0
    with open(args.jsonl or os.devnull, "w") as out:
        for seed, category, detail in results(seeds, args.jobs):
            counts[category] += 1
            raised += category == "ok" and detail.startswith("NumPy raised")
            out.write(json.dumps({"seed": seed, "category": category, "detail": detail}) + "\n")
            out.flush()
            if category not in QUIET:
                first.setdefault(category, (seed, detail))
                differing.append((seed, category, detail))
                print(f"seed {seed}: {category}: {detail.splitlines()[0][:160]}", flush=True)
    print(f"\n{len(seeds)} programs in {time.time() - start:.0f} s: "
          + ", ".join(f"{k} {v}" for k, v in counts.most_common())
          + f" (ok includes {raised} where NumPy raised and jitflow raised alike)")
    for seed, category, detail in differing if args.show else [
            (s, c, d) for c, (s, d) in first.items()]:
        show(seed, category, detail, args.shrink)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
