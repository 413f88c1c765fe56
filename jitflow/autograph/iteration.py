"""Staged ``for`` loops: over ``range`` (Python or traced bounds), a traced array's leading
axis, and ``enumerate``/``zip`` of those, as one ``while`` op with a hidden index.

When the body needs the index as a Python number (``r[:k]``, ``np.zeros(k)``) and the trip
count is static, the loop is unrolled instead, with one warning naming the line.
"""

from __future__ import annotations

import warnings

import numpy as np

from jitflow import errors
from jitflow.autograph import aliases
from jitflow.autograph.loops import discover_loop, stage_loop
from jitflow.autograph.staging import (
    EffectsInLoop,
    trace_numpy_arrays,
    needs_staging,
)
from jitflow.ops import bounds
from jitflow.ops.constants import to_value, wrap
from jitflow.tracer.array import Tracer
from jitflow.autograph.operators import append_log
from jitflow.autograph import while_effects
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import collecting_effects, mutation_log, record_effect
from jitflow.tracer.source import at_user_line, user_frame

class Range:
    """``range`` with traced bounds (what ``ag__.range_`` returns when a bound is traced)."""

    def __init__(self, *args):
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (tuple(args) + (1,))[:3]
        self.start, self.stop, self.step = start, stop, step


class Enumerate:
    """``enumerate`` whose iterable the staged loop can see (iterates like the builtin)."""

    def __init__(self, iterable, start=0):
        self.iterable, self.start = iterable, start
        self._it = None

    def __iter__(self):
        return self

    def __next__(self):
        if self._it is None:
            self._it = enumerate(self.iterable, self.start)
        return next(self._it)


class Zip:
    """``zip`` whose iterables the staged loop can see (iterates like the builtin)."""

    def __init__(self, *iterables):
        self.iterables = iterables
        self._it = None

    def __iter__(self):
        return self

    def __next__(self):
        if self._it is None:
            self._it = zip(*self.iterables)
        return next(self._it)


def can_stage_for(iterable) -> bool:
    if isinstance(iterable, (range, Range, Tracer)):
        return True
    if isinstance(iterable, Enumerate):
        return can_stage_for(iterable.iterable)
    if isinstance(iterable, Zip):
        return any(isinstance(i, (Tracer, range, Range)) for i in iterable.iterables) and all(
            can_stage_for(i) or isinstance(i, np.ndarray) for i in iterable.iterables
        )
    return False


def _trip_count(iterable):
    """Number of iterations: a Python int when static, else a traced int64 scalar."""
    if isinstance(iterable, range):
        return len(iterable)
    if isinstance(iterable, (Tracer, np.ndarray)):
        return iterable.shape[0]
    if isinstance(iterable, Enumerate):
        return _trip_count(iterable.iterable)
    if isinstance(iterable, Zip):
        counts = [_trip_count(i) for i in iterable.iterables]
        static = [c for c in counts if isinstance(c, int)]
        if len(static) == len(counts):
            return min(counts)
        out = counts[0]
        for c in counts[1:]:
            out = np.minimum(out, c)
        return out
    start, stop, step = iterable.start, iterable.stop, iterable.step
    if isinstance(step, Tracer):
        raise errors.UnsupportedError(
            at_user_line("range() with a traced step is not supported; use a Python int step.")
        )
    span = (np.asarray(stop) if not isinstance(stop, Tracer) else stop) - start
    n = (span + (step - 1 if step > 0 else step + 1)) // step
    return np.maximum(n, 0)


def _item(iterable, k):
    if isinstance(iterable, range):
        return iterable.start + k * iterable.step
    if isinstance(iterable, Range):
        return iterable.start + k * iterable.step
    if isinstance(iterable, (Tracer, np.ndarray)):
        return (iterable if isinstance(iterable, Tracer) else wrap(to_value(iterable)))[k]
    if isinstance(iterable, Enumerate):
        return (iterable.start + k, _item(iterable.iterable, k))
    return tuple(_item(i, k) for i in iterable.iterables)


_warned_lines: set = set()


def staged_for(iterable, extra_test, body, get_state, set_state, names):
    n = _trip_count(iterable)
    if isinstance(n, int) and n == 0:
        return  # as in Python, the body never runs (nor is traced: x[i] of an empty x)
    plan = _Plan()
    while True:
        try:
            return _staged_for(iterable, n, extra_test, body, get_state, set_state, names, plan)
        except _Accumulates as acc:
            # The body appends one array per iteration to lists made before the loop:
            # each list becomes an (n, ...) array carried by the loop.
            plan.accumulators = acc.lists
        except _Prints as prints:
            # The body prints or asserts traced values: buffered per iteration, run when
            # the call returns.
            plan.effects = prints.effects


class _Plan:
    """What a staged ``for`` carries besides the state: appended lists, buffered effects."""

    def __init__(self):
        self.accumulators: list = []  # (list, aval of a row, appends per iteration)
        self.effects: list | None = None  # (kind, extra, [aval or ("static", v)] per item)


class _Accumulates(Exception):
    """The loop body appends to lists (raised after the first trace, to trace again)."""

    def __init__(self, lists):
        self.lists = lists


class _Prints(Exception):
    """The loop body records prints/asserts (raised after the first trace, to trace again)."""

    def __init__(self, effects):
        self.effects = effects


def _staged_for(iterable, n, extra_test, body, get_state, set_state, names, plan):
    accumulators, effect_spec = plan.accumulators, plan.effects or []
    box, last_rows = [0], []
    n_acc = len(accumulators)
    # Buffers: one per appended list, then one per traced item of each effect, then the
    # bool row "this iteration ran" when there are effects.
    n_items = sum(isinstance(i, AbstractArray) for e in effect_spec for i in e[2])
    buffers = [None] * (n_acc + n_items)
    buffers += [None] if effect_spec else []

    def get2():
        return (box[0], *buffers) + tuple(get_state())

    def set2(vals):
        box[0] = vals[0]
        buffers[:] = vals[1 : 1 + len(buffers)]
        set_state(list(vals[1 + len(buffers) :]))

    def test2():
        c = box[0] < n
        if extra_test is not None:
            c = np.logical_and(c, extra_test())
        return c

    def body2():
        k = box[0]
        _counter_bounds(k, n)
        item = _item(iterable, k)
        with collecting_effects() as recorded:
            body(item)
        last_rows[:] = [  # the names still on this iteration's row of a traced array
            (j, array) for j, v in enumerate(get2()) for array, row in _rows(iterable, item)
            if v is row and aliases.mutable(row)]  # (rows of a 1-d array are NumPy scalars)
        for j, (lst, _aval, m) in enumerate(accumulators):
            rows = [lst.pop() for _ in range(m)][::-1]  # what this iteration appended
            buffers[j][k] = rows[0] if m == 1 else np.stack(rows)
        if effect_spec:
            _buffer_effects(recorded, effect_spec, buffers, n_acc, k)
        elif recorded:
            raise EffectsInLoop(recorded)
        box[0] = k + 1

    for j, (_lst, aval, m) in enumerate(accumulators):
        buffers[j] = np.zeros((n,) + ((m,) if m > 1 else ()) + aval.shape, aval.dtype)
    if effect_spec:
        avals = [i for e in effect_spec for i in e[2] if isinstance(i, AbstractArray)]
        for j, aval in enumerate(avals):
            buffers[n_acc + j] = np.zeros((n,) + aval.shape, aval.dtype)
        buffers[-1] = np.zeros(n, bool)
    names2 = ("<loop index>",) + ("<buffer>",) * len(buffers) + tuple(names)
    init = trace_numpy_arrays(get2, set2)
    try:
        with mutation_log() as log, append_log() as appends:
            if accumulators:
                found = discover_loop(test2, body2, get2, set2, names2, init,
                                      always_runs=isinstance(n, int))
            else:
                found = _discover_or_accumulate(test2, body2, get2, set2, names2, init, n, appends)
    except (errors.TracerConversionError, errors.UnsupportedError) as e:
        # The body needs the index as a Python value (a shape, a slice bound, range(i)).
        # Anything else that is unsupported fails again, with Python values, below.
        for _key, (t, before) in log.items():
            if before is None:  # a view read while tracing the body: read it again
                t._seen = None
            else:
                t._value = before
        for lst, length in appends.values():
            del lst[length:]
        set2(init)
        if isinstance(e, EffectsInLoop) and isinstance(n, int) and not effect_spec:
            raise _Prints(while_effects.effect_spec(e.effects)) from None
        if isinstance(e, EffectsInLoop) and not accumulators:
            # A traced trip count: no rows to buffer into, so the host takes them.
            return _host_effects_for(iterable, n, extra_test, body, get_state, set_state,
                                     names, e.effects)
        if not isinstance(n, int):
            raise
        _warn_unrolled()
        return _unrolled(iterable, extra_test, body)
    stage_loop(test2, body2, get2, set2, names2, init, *found)
    if last_rows and isinstance(n, int):  # (n > 0: the body ran at least once)
        _keep_last_row(n if extra_test is None else get2()[0], last_rows, get2, set2)
    for (lst, _aval, m), buf in zip(accumulators, buffers):
        lst.extend(buf[i] if m == 1 else buf[i][j] for i in range(n) for j in range(m))
    if effect_spec:
        _record_loop_effects(effect_spec, buffers[n_acc:])


def _keep_last_row(n, rows: list, get2, set2) -> None:
    """After ``for row in a`` (static length), ``row`` is ``a[n - 1]`` itself, a view
    as in NumPy: a later ``row *= 2`` writes into ``a`` (fuzz F7). The loop carried it as
    a value (a copy), so the name is set to the view again; ``n`` is the traced count of
    iterations run when a ``break`` may end the loop early."""
    state = list(get2())
    for j, array in rows:
        state[j] = array[n - 1]
    set2(state)


def _rows(iterable, item) -> list:
    """``(array, row)`` for each row of a traced array in a loop's ``item``."""
    if isinstance(iterable, Tracer):
        return [(iterable, item)]
    if isinstance(iterable, Enumerate) and isinstance(iterable.iterable, Tracer):
        return [(iterable.iterable, item[1])]
    if isinstance(iterable, Zip):
        return [(a, r) for a, r in zip(iterable.iterables, item) if isinstance(a, Tracer)]
    return []


def _counter_bounds(k, n) -> None:
    """The hidden index of a staged ``for`` runs over [0, n): indexing with it (``x[i]``,
    ``x[i + 1]`` over ``range(n - 1)``) needs no run-time check (:mod:`jitflow.ops.bounds`)."""
    if isinstance(k, Tracer):
        bounds.hint(k.value, 0, n - 1 if isinstance(n, int) else None)


def _host_effects_for(iterable, n, extra_test, body, get_state, set_state, names, effects):
    """A staged ``for`` with a traced trip count whose body prints or asserts: a
    ``while`` whose effects go to the host (:mod:`jitflow.autograph.while_effects`)."""
    while_effects.check_supported()
    box = [np.int64(0)]

    def get3():
        return (box[0], *get_state())

    def set3(vals):
        box[0] = vals[0]
        set_state(list(vals[1:]))

    def test3():
        c = box[0] < n
        return c if extra_test is None else np.logical_and(c, extra_test())

    def body3():
        k = box[0]
        _counter_bounds(k, n)
        body(_item(iterable, k))
        box[0] = k + 1

    init = trace_numpy_arrays(get3, set3)
    set3(init)
    while_effects.staged_while_with_effects(
        test3, body3, get3, set3, ("<loop index>", *names), effects
    )


def _buffer_effects(recorded, spec, buffers, first, k) -> None:
    """Write this iteration's traced effect values into row ``k`` of their buffers."""
    if while_effects.effect_spec(recorded) != spec:
        raise errors.UnsupportedError(
            at_user_line("The prints/asserts of this loop body differ between traces.")
        )
    slot = first
    for _kind, items, _extra in recorded:
        for item in items:
            if isinstance(item, Tracer):
                buffers[slot][k] = item
                slot += 1
    buffers[-1][k] = True


def _record_loop_effects(spec, buffers) -> None:
    """One ``loop`` effect in the enclosing graph (see :mod:`jitflow.autograph.effects`)."""
    *rows, ran = buffers
    if not record_effect(("loop", (True, ran, *rows), while_effects.row_layout(spec))):
        raise EffectsInLoop([("print", (), {})])


def _discover_or_accumulate(test2, body2, get2, set2, names2, init, n, appends):
    """Discover the loop; if its body appended to lists, undo that and ask to trace again
    with those lists accumulated (or refuse when that cannot be done)."""
    found = discover_loop(test2, body2, get2, set2, names2, init, always_runs=isinstance(n, int))
    if not appends:
        return found
    lists = []
    for lst, length in appends.values():
        added = lst[length:]
        del lst[length:]
        avals = {a.aval for a in added if isinstance(a, Tracer)}
        if not isinstance(n, int) or len(avals) != 1 or not all(
            isinstance(a, Tracer) for a in added
        ):
            raise errors.UnsupportedError(
                at_user_line(
                    "A staged loop appends to a list arrays of different shapes or dtypes, "
                    "or Python values, or has a traced trip count. Preallocate an array "
                    "before the loop and assign rows (out[i] = ...)."
                )
            )
        lists.append((lst, added[0].aval, len(added)))
    raise _Accumulates(lists)
def _warn_unrolled():
    src = user_frame()
    key = (src.filename, src.lineno) if src else None
    if key in _warned_lines:
        return
    _warned_lines.add(key)
    message = at_user_line(
        "This for loop was unrolled (traced once per iteration) because its body needs "
        "Python values per iteration: the loop index as a Python number (a shape, a slice "
        "bound, a list index), or a print/assert of traced values. Compile time grows with "
        "the trip count; index with the traced value (x[i], np.where) to get one staged "
        "loop.",
        src,
    )
    if src is None:
        warnings.warn(message, stacklevel=2)
    else:
        warnings.warn_explicit(message, UserWarning, src.filename, src.lineno)


def _unrolled(iterable, extra_test, body):
    for item in iterable:
        if extra_test is not None:
            keep = extra_test()
            if isinstance(keep, Tracer):
                raise needs_staging("A break or return inside an unrolled loop")
            if not keep:
                break
        body(item)


