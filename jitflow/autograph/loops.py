"""Staged loops: a ``while`` on a traced condition (and the ``for`` loops of
:mod:`jitflow.autograph.iteration`) as one ``while`` op.

The body is traced once to discover what it changes and the types to carry
(:func:`discover_loop`), then again into the op's regions (:func:`stage_loop`). Arrays the
body writes are carried as their bases, so every name and view of them sees the writes; a
name the loop rebinds keeps aliasing what it was when the loop runs zero times
(:mod:`jitflow.autograph.aliases`); a failed run-time check (a staged ``raise``) ends it.
"""

from __future__ import annotations

import numpy as np

from jitflow import errors
from jitflow.autograph import aliases
from jitflow.autograph.operators import Undefined, append_log
from jitflow.autograph.staging import (
    EffectsInLoop,
    _alive,
    _predicate,
    _trace_region,
    aval_of,
    is_arraylike,
    trace_numpy_arrays,
)
from jitflow.ops import control_flow as cf
from jitflow.ops import elementwise as ew
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.tracer.array import Tracer
from jitflow.tracer.avals import AbstractArray, result_type, type_string
from jitflow.tracer.context import current_checks, record_mutation
from jitflow.tracer.ir import Value
from jitflow.tracer.source import at_user_line


def staged_while(cond0, test, body, get_state, set_state, names):
    init = trace_numpy_arrays(get_state, set_state)
    try:
        found = discover_loop(test, body, get_state, set_state, names, init)
    except EffectsInLoop as e:
        # The body prints or asserts: its values go to the host once per iteration.
        from jitflow.autograph import while_effects

        while_effects.check_supported()
        set_state(init)
        while_effects.staged_while_with_effects(test, body, get_state, set_state, names, e.effects)
        return
    stage_loop(test, body, get_state, set_state, names, init, *found)


def discover_loop(test, body, get_state, set_state, names, init, always_runs=False):
    """Trace the loop once to find what it changes and the types to carry.

    A variable first assigned in the body is carried (from zeros) when the body certainly
    runs (``always_runs``: a ``for`` over a static non-empty range): after the loop it
    holds the last iteration's value, as in Python (``i`` after ``for i in range(3)``).

    Returns ``carried``: {state index: aval}, ``mutated``: {id: tracer} (outer arrays
    the body writes) and ``in_place``: the state indices whose array the body writes
    into (``y[i] = v``) rather than rebinding the name (``y = y * 2``).
    """
    avals = {i: aval_of(v) for i, v in enumerate(init) if is_arraylike(v)}
    placeholders = {
        i for i, v in enumerate(init) if isinstance(v, Undefined) and (v.zeros_ok or always_runs)
    }
    for _attempt in range(3):  # weak scalars may be promoted by the body, then settle
        order = sorted(avals)

        handles = {}

        def bind_inputs(values, order=order):
            state = list(init)
            for i, v in zip(order, values):
                state[i] = handles[i] = Tracer(v)
            set_state(state)

        def run():
            test()
            body()

        with append_log() as appended:
            region = _trace_region(
                "discover", run, set_state, get_state, init,
                inputs=[avals[i] for i in order], bind_inputs=bind_inputs,
            )
        if region.effects:  # a print/assert per iteration (iteration.py buffers them)
            raise EffectsInLoop(region.effects)
        inputs = dict(zip(order, region.graph.inputs))
        changed, promoted = {}, False
        for i, name in enumerate(names):
            after = region.values[i]
            if i in avals:
                if after is inputs[i]:
                    continue  # read only
                if isinstance(after, Undefined) or not is_arraylike(after):
                    raise _loop_type_error(name, init[i], after)
                new = _loop_unify(name, avals[i], aval_of(after))
                promoted |= new != avals[i]
                changed[i] = new
            elif i in placeholders and is_arraylike(after):
                aval = aval_of(after)
                init[i] = np.zeros(aval.shape, aval.dtype)  # never read while undefined
                avals[i], changed[i], promoted = aval, aval, True
            elif region.state[i] is not init[i] and not isinstance(init[i], Undefined):
                raise _loop_type_error(name, init[i], after)
        if not promoted:
            mutated = {k: t for k, (t, _b, _a) in region.mutated.items()}
            in_place = {i for i in changed if region.state[i] is handles.get(i)}
            shared = _written_roots(init, handles, region.rebound, mutated)
            written = {i for i in changed if i not in in_place and i in handles and (
                id(handles[i]) in region.rebound
                # fuzz F15: t = a; t[0] = 7; a = a + 1 writes the caller's a at first
                or (aliases.mutable(init[i]) and id(_root(init[i])) in shared)
                or aliases.keeps(region.state[i], handles[i], build=False))}
            return changed, mutated, in_place, written
        avals.update(changed)
        for lst, length in appended.values():  # traced again: appended again
            del lst[length:]
    raise errors.DTypeError(at_user_line("The loop's variables do not settle on one dtype."))


def _written_roots(init, handles: dict, rebound: set, mutated: dict) -> set:
    """Ids of the arrays (roots) the body writes, through any name or an outer array: a
    name that starts on one of them and is rebound is that array until it is rebound."""
    roots = {id(t) for t in mutated.values()}
    for i, h in handles.items():
        if id(h) in rebound and aliases.mutable(init[i]):
            roots.add(id(_root(init[i])))
    roots.discard(id(None))
    return roots


def _root(t: Tracer) -> Tracer | None:
    """The array a view (or an array) is part of; None through a union of arrays."""
    while isinstance(t._parent, Tracer):
        t = t._parent
    return t if t._parent is None else None


def _roots(t: Tracer) -> list[Tracer] | None:
    """The arrays a write through ``t`` reaches: its root, or for a union handle (a name
    aliasing one of several arrays, :mod:`~jitflow.autograph.aliases`) the roots of its own
    storage and of each array it may be; None if one of them cannot be named."""
    while isinstance(t._parent, Tracer):
        t = t._parent
    if t._parent is None:
        return [t]
    u = t._parent
    if not isinstance(u, aliases._Union):
        return None
    handles = [u.own, *(h for _c, h in u.candidates)]
    if not all(isinstance(h, Tracer) for h in handles):
        return None
    roots = [_root(h) for h in handles]
    return None if any(r is None for r in roots) else roots


def _ran_once(test, set_state, init) -> Value:
    """Whether a loop runs at least once: its condition on the state before it."""
    set_state(init)
    return _predicate(test())


def _loop_unify(name, before: AbstractArray, after: AbstractArray) -> AbstractArray:
    if before.shape != after.shape:
        raise errors.ShapeError(
            at_user_line(
                f"Variable '{name}' has shape {before.shape} before the loop but "
                f"{after.shape} after one iteration; a staged loop needs a fixed shape. "
                "Preallocate the full array before the loop and write into it."
            )
        )
    if before.dtype == after.dtype:
        return before.update(weak=before.weak and after.weak)
    if before.weak:  # a Python number before the loop takes the body's dtype
        return AbstractArray(before.shape, result_type(before, after), after.weak)
    raise errors.DTypeError(
        at_user_line(
            f"Variable '{name}' is {type_string(before)} before the loop but "
            f"{type_string(after)} after one iteration; a staged loop needs a fixed dtype. "
            f"Convert it before the loop ({name} = {name}.astype(...))."
        )
    )


def _loop_type_error(name, before, after):
    return errors.UnsupportedError(
        at_user_line(
            f"Variable '{name}' changes from {type(before).__name__} to "
            f"{type(after).__name__} in a loop with a traced condition; a staged loop can "
            "only carry arrays and numbers."
        )
    )


def stage_loop(test, body, get_state, set_state, names, init, carried, mutated, in_place,
               written=()):
    # An array the body only writes in place (a0 *= 2, v[0] = 1 for a view v) is not carried
    # as a name: its base is carried as the array itself, so that every name and view of
    # that array writes one value, as in NumPy.
    shared = {
        i: _roots(init[i]) for i in in_place
        if aliases.mutable(init[i]) and carried[i] == init[i].aval  # not promoted by the body
    }
    shared = {i: r for i, r in shared.items() if r is not None}
    order = [i for i in sorted(carried) if i not in shared]
    arrays = list(mutated.values())
    # A name the body writes in place and then rebinds (a0 -= b; a0 = a0 * 2), or rebinds
    # only under a condition: it is the array it named before the loop while a carried flag
    # says so (a union), so writes through it land there, as in NumPy.
    written = [i for i in written  # (0-d values: numbers in NumPy, left to the copy)
               if aliases.mutable(init[i]) and init[i].shape and _root(init[i]) is not None]
    flags = {i: wrap(constant(np.True_)) for i in written}
    for root in [*(r for roots in shared.values() for r in roots),
                 *(_root(init[i]) for i in written)]:
        if all(root is not t for t in arrays):
            arrays.append(root)
            record_mutation(root, root._value)  # for enclosing regions: its value before
    arrays += list(flags.values())
    in_avals = [carried[i] for i in order] + [t.aval for t in arrays]
    init_values = [ew.convert(to_value(init[i]), carried[i].dtype, carried[i].weak) for i in order]
    init_values += [t.value for t in arrays]
    originals = [t._value for t in arrays]

    def bind_inputs(values):
        state = list(init)
        for t, v in zip(arrays, values[len(order):]):
            t._value = v
        for i, v in zip(order, values):
            state[i] = Tracer(v)
            if i in flags:
                state[i] = aliases.union(state[i], [(flags[i].value, init[i])], names[i])
        set_state(state)
        starts[:] = state

    def restore():
        for t, v in zip(arrays, originals):
            t._value = v

    cond_box, body_box, body_end, starts = [], [], [], []

    checks = current_checks()
    stop_on_failure = checks is not None and any(t is checks.code for t in arrays)

    def run_test():
        pred = _predicate(test())
        if stop_on_failure:  # a failed check (a staged raise) ends the loop, as in Python
            ok = ew.compare(checks.code.value, ew.full_like(checks.code.value, 0), "EQ")
            pred = ew.apply(ew.and_p, pred, ok)
        cond_box.append(pred)

    def run_body():
        _alive(body, get_state, set_state)()
        state = list(get_state())
        body_end.extend(state)
        outs = []
        for i in order:
            aval = aval_of(state[i])
            if aval.shape != carried[i].shape:
                raise _loop_unify(names[i], carried[i], aval)
            outs.append(ew.convert(to_value(state[i]), carried[i].dtype, carried[i].weak))
        for i, flag in flags.items():  # still that array if the body kept the name on it
            keep = aliases.keeps(state[i], starts[i])
            keep = constant(np.False_) if keep is None or keep is False else keep
            flag.assign(ew.apply(ew.and_p, flag.value, keep))
        body_box.extend(outs + [t.value for t in arrays])

    cond_region = _trace_region("cond", run_test, set_state, get_state, init, in_avals, bind_inputs)
    restore()
    body_region = _trace_region("body", run_body, set_state, get_state, init, in_avals, bind_inputs)
    restore()
    cond_region.graph.outputs = cond_box
    body_region.graph.outputs = body_box
    aliased = [i for i in order if i not in in_place and aliases.mutable(init[i])]
    ran = _ran_once(test, set_state, init) if aliased else None
    results = cf.while_loop(init_values, cond_region.graph, body_region.graph)
    new_state = list(init)
    for i, r in zip(order, results):
        if i in in_place and isinstance(init[i], Tracer):
            init[i].assign(r)  # the same array object: aliases, views, write-back see it
        else:
            new_state[i] = wrap(r)
    flag_results = {id(t): r for t, r in zip(arrays, results[len(order):])}
    for i in aliased:  # the name is still the array it was if the body never ran
        if i in flags and aliases.keeps(body_end[i], starts[i], build=False) is not False:
            keep = [(flag_results[id(flags[i])], init[i])]
            new_state[i] = aliases.union(new_state[i], keep, names[i])
            continue
        end = aliases.alias_path(body_end[i], body_region.local, body_region.graph.inputs)
        if end is not None:  # a name the body set to another array (or a view)
            end = aliases.Unsafe("an array the loop body chose")
        candidates = [(ew.apply(ew.not_p, ran), init[i]), (ran, end)]
        new_state[i] = aliases.union(new_state[i], candidates, names[i])
    for t, r in zip(arrays, results[len(order):]):
        t.assign(r)
    set_state(new_state)
