"""Running recorded prints and asserts of traced values when the compiled call returns.

An effect is ``(kind, values, extra)`` with ``values[0]`` the condition under which it runs
(False when it sat in a branch that did not run):

* ``"print"``: ``print(*values[1:], **extra)``;
* ``"assert"``: raise ``AssertionError`` unless ``values[1]``; ``extra`` says where;
* ``"loop"``: the effects of a staged ``for`` body, buffered per iteration: ``values[1]``
  says which iterations ran, the rest are buffers with one row per iteration, and
  ``extra`` lists the body's effects as ``(kind, extra, items)``, each item
  ``("row", buffer index)`` or ``("static", value)``. Rows run in iteration order, the
  body's effects in program order inside each.
* ``"host"``: the effects of a staged ``while`` body, sent to the host once per iteration
  (:mod:`jitflow.autograph.while_effects`): ``values[1]`` is how many iterations ran;
  ``extra`` is ``(sink, structure)``; that many rows are taken from this call's rows of
  the sink, unless the sink printed them while the program ran (then only a failed assert
  is raised).
"""

from __future__ import annotations

from jitflow.ops import host


def run(kind: str, values, extra) -> None:
    when, *values = values
    if not when:
        return
    if kind == "print":
        print(*values, **extra)
    elif kind == "assert":
        if not values[0]:
            message = "".join(str(v) for v in values[1:])
            raise AssertionError(f"{extra}: {message}" if message else extra)
    elif kind == "loop":
        ran, *buffers = values
        for j, ran_j in enumerate(ran):
            if not ran_j:
                continue
            for sub_kind, sub_extra, items in extra:
                row = [buffers[x][j] if how == "row" else x for how, x in items]
                run(sub_kind, row, sub_extra)
    elif kind == "host":
        sink, structure = extra
        received = host.replayed_rows(sink)
        if sink.on_row is not None:  # printed while the program ran
            failed, received.failed = received.failed, None
            if failed is not None:
                raise failed.with_traceback(None)
            return
        rows = [received.rows.popleft() for _ in range(int(values[0]))]  # taken before a
        for row in rows:  # failing assert can stop the replay
            run_row(structure, row)
    else:
        raise ValueError(f"unknown effect {kind!r}")


def run_row(structure, row) -> None:
    """The effects of one loop iteration, from its row of values."""
    for sub_kind, sub_extra, items in structure:
        run(sub_kind, [row[x] if how == "row" else x for how, x in items], sub_extra)


class _CheckFailed(Exception):
    """Marks a call whose run-time check failed while its rows were printed: the call
    raises the check's error (an IndexError) instead, before its effects run."""


def row_printer(structure, checked: bool = False):
    """``on_row`` for a sink printed while the program runs: a failed assert is kept in the
    call's rows (and mutes the rest of the call), to be raised when the call returns. With
    ``checked``, each row ends with the code of the program's run-time checks: once an
    index check failed (Python would have raised there), the rest is muted too."""

    def on_row(row, received: host.CallRows) -> None:
        if checked and row[-1]:
            received.failed = _CheckFailed()
            return
        try:
            run_row(structure, row)
        except AssertionError as e:
            received.failed = e

    return on_row
