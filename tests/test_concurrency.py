"""Threads and processes: a call's prints and asserts belong to that call, and importing
jitflow leaves JAX's backend alone, so a process may fork before its first call.

The thread tests do not depend on timing: every thread checks exactly what its own calls
printed and raised, whatever order the threads ran in.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections import defaultdict

import numpy as np
import pytest

import jitflow
from jitflow.ops import host

THREADS = 6
ROUNDS = 20


def run_threads(target) -> dict:
    """``target(k)`` in ``THREADS`` threads started together; their results by ``k``."""
    barrier = threading.Barrier(THREADS)
    results: dict = {}

    def work(k):
        barrier.wait()
        try:
            results[k] = target(k)
        except BaseException as e:  # noqa: BLE001 -- reported by the test, not lost
            results[k] = e

    threads = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == THREADS, "a thread did not finish"
    return results


class PerThreadOutput:
    """``sys.stdout`` that keeps what each thread writes apart."""

    def __init__(self):
        self.text: dict[int, list[str]] = defaultdict(list)

    def write(self, s: str) -> int:
        self.text[threading.get_ident()].append(s)
        return len(s)

    def flush(self) -> None:
        pass

    def mine(self) -> str:
        return "".join(self.text.pop(threading.get_ident(), []))


def checked_after_print(x, n):
    print("start", x[0])  # the loop's rows wait for the end of the call, to stay in order
    i = 0
    while i < n:
        assert x[0] < 5.0, "x[0] too big"
        i += 1
    return x * 2


def checked_first(x, n):
    i = 0
    while i < n:  # the function's first effect: rows are handled as they arrive
        assert x[0] < 5.0, "x[0] too big"
        i += 1
    return x * 2


@pytest.mark.parametrize("fn", [checked_after_print, checked_first])
def test_a_failed_assert_is_raised_by_its_own_call(fn, monkeypatch):
    monkeypatch.setattr(sys, "stdout", PerThreadOutput())
    f = jitflow.function(fn)
    f(np.array([0.0]), np.int64(1))  # traced once, before the threads

    def calls(k):
        raised = 0
        for _ in range(ROUNDS):
            x = np.array([7.0 if k == 2 else float(k % 2)])
            try:
                got = f(x, np.int64(3))
            except AssertionError as e:
                assert "x[0] too big" in str(e)
                raised += 1
            else:
                np.testing.assert_array_equal(got, fn(x, np.int64(3)))
        return raised

    assert run_threads(calls) == {k: ROUNDS if k == 2 else 0 for k in range(THREADS)}
    assert not host._CALLS  # every call took its rows


def printer(x, n):
    print("start", x[0])
    i = 0
    while i < n:
        print("row", x[0], i)
        i += 1
    return x + 1.0


def out_of_bounds(x, i):
    return x[i]


def test_rows_stay_with_their_call_while_other_calls_fail(monkeypatch):
    out = PerThreadOutput()
    monkeypatch.setattr(sys, "stdout", out)
    g, b = jitflow.function(printer), jitflow.function(out_of_bounds)
    g(np.array([0.0]), np.int64(1))
    b(np.arange(3.0), np.int64(1))
    out.mine()

    def calls(k):
        for r in range(ROUNDS):
            if k == 0:  # fails at run time: its rows (none) must not touch the others'
                with pytest.raises(IndexError):
                    b(np.arange(3.0), np.int64(9))
                continue
            x, n = np.array([float(k)]), np.int64(k + r)
            got = g(x, n)
            printed = out.mine()
            want = printer(x, n)
            np.testing.assert_array_equal(got, want)
            assert printed == out.mine()  # the same lines, printed by the plain function
        return True

    assert run_threads(calls) == {k: True for k in range(THREADS)}
    assert not host._CALLS


def test_rows_printed_while_the_program_runs_are_each_calls_own(capsys):
    def counts(x, n):
        i = 0
        while i < n:  # the first effect: printed as the rows arrive
            print("row", x[0], i)
            i += 1
        return x

    f = jitflow.function(counts)
    f(np.array([0.0]), np.int64(0))

    def calls(k):
        for _ in range(ROUNDS):
            f(np.array([float(k)]), np.int64(3))
        return True

    assert run_threads(calls) == {k: True for k in range(THREADS)}
    lines = capsys.readouterr().out.splitlines()
    want = [f"row {float(k)} {i}" for k in range(THREADS) for i in range(3)] * ROUNDS
    assert sorted(lines) == sorted(want)
    assert not host._CALLS


def test_a_failed_call_leaves_no_rows_behind():
    def stops(x, i):
        print("start", x[0])
        j = 0
        while j < i:
            print("row", j)
            j += 1
        return x[i]  # out of bounds at run time, after the loop sent its rows

    f = jitflow.function(stops)
    with pytest.raises(IndexError):
        f(np.arange(3.0), np.int64(5))
    assert not host._CALLS


FORK_SCRIPT = textwrap.dedent("""
    import multiprocessing as mp
    import numpy as np
    import jitflow

    def kern(x):
        return np.sin(x).sum()

    def child(k):
        return float(jitflow.function(kern)(np.arange(3.0) + k))

    if __name__ == "__main__":
        with mp.get_context("fork").Pool(2) as pool:
            print(pool.map_async(child, range(2)).get(60))
        print(float(jitflow.function(kern)(np.arange(3.0))))  # and the parent still runs
""")


def test_a_process_forked_after_import_can_use_jitflow(tmp_path):
    script = tmp_path / "fork_after_import.py"
    script.write_text(FORK_SCRIPT)
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False,
                         timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    want = [float(np.sin(np.arange(3.0) + k).sum()) for k in range(2)]
    lines = run.stdout.splitlines()
    assert lines[0] == repr(want)
    assert float(lines[1]) == want[0]
    assert "os.fork()" not in run.stderr  # JAX warns when it forks after its backend started


def tagged_rows(x, n, tag):
    i = 0
    while i < n:
        print(tag, x[0], i)
        i += 1
    return x


def test_each_trace_of_a_loop_prints_its_own_static_values(capsys):
    f = jitflow.function(tagged_rows)
    for tag in ("A", "B", "A"):  # "A" again comes from the cache: still its own rows
        args = (np.array([1.0]), np.int64(2), tag)
        tagged_rows(*args)
        want = capsys.readouterr().out
        f(*args)
        assert capsys.readouterr().out == want
    assert f.trace_count == 2


class BrokenOutput:
    def write(self, s: str) -> int:
        raise OSError("the output is gone")

    def flush(self) -> None:
        pass


def test_a_print_that_raises_while_the_program_runs_raises_from_the_call(monkeypatch):
    f = jitflow.function(tagged_rows)
    args = (np.array([1.0]), np.int64(2), "row")
    f(*args)
    monkeypatch.setattr(sys, "stdout", BrokenOutput())
    with pytest.raises(OSError, match="the output is gone"):
        tagged_rows(*args)
    with pytest.raises(OSError, match="the output is gone"):
        f(*args)
    assert not host._CALLS
