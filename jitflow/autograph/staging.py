"""Graph control flow for traced conditions and loops: the staged side of the operators.

A branch or loop body is traced into a region (a sub-graph that may read outer values).
What it changes becomes the outputs of the ``cond``/``while`` op:

* the *state*: local names the converter found assigned in the statement, read and
  written through ``get_state``/``set_state``;
* *mutated arrays*: tracers rebound inside the region (``a[i] = v``, ``a += 1``, writes
  through views), found with :func:`~jitflow.tracer.context.mutation_log`. Their handles
  are restored after tracing a region and assigned the op's results afterwards, so
  aliases and views of them see the update, as in NumPy.

A name that aliases an array on some path (``v = a`` before, or a view made in a branch)
keeps aliasing it after the statement (:mod:`jitflow.autograph.aliases`); a path that ends
in a staged ``raise`` is abandoned (:mod:`jitflow.autograph.raising`); prints and asserts
in branches are hoisted out (:mod:`jitflow.autograph.staged_effects`). Loops are staged by
:mod:`jitflow.autograph.loops` on the region tracing here.

Types must agree across branches and iterations (XLA's control flow has static types);
Python scalars meeting traced values are promoted as NumPy 2 promotes them (NEP 50).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from jitflow import errors
from jitflow.autograph import aliases
from jitflow.autograph.operators import Undefined
from jitflow.autograph.raising import DeadPath
from jitflow.autograph.staged_effects import (  # noqa: F401 - staged_print/assert: operators
    EffectsInLoop,
    effect_outputs,
    hoist_effects,
    staged_assert,
    staged_print,
)
from jitflow.ops import control_flow as cf
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops.constants import to_value, wrap
from jitflow.tracer.array import Tracer
from jitflow.tracer.avals import AbstractArray, result_type, type_string
from jitflow.tracer.context import (
    add_input,
    building,
    collecting_effects,
    mutation_log,
    new_graph,
    region_depth,
)
from jitflow.tracer.ir import Graph, Value
from jitflow.tracer.source import at_user_line

_NUMBERS = (bool, int, float, complex, np.generic, np.ndarray)


def is_arraylike(x) -> bool:
    return isinstance(x, (Tracer, Value) + _NUMBERS)


def aval_of(x) -> AbstractArray:
    """The abstract type a state value would have as an IR value."""
    if isinstance(x, (Tracer, Value)):
        return x.aval
    if isinstance(x, (np.ndarray, np.generic)):
        return AbstractArray(np.shape(x), np.asarray(x).dtype)
    if isinstance(x, bool):
        return AbstractArray((), np.dtype(np.bool_))
    return AbstractArray((), np.asarray(x).dtype, weak=True)  # Python int/float/complex


def needs_staging(what: str) -> errors.JitflowError:
    return errors.UnsupportedError(
        at_user_line(f"{what} depends on a traced value, which a Python loop cannot do.")
    )


# -- tracing a region --------------------------------------------------------------------


@dataclasses.dataclass
class _Region:
    graph: Graph
    state: list  # state objects after the region ran
    values: list  # the same, with each tracer replaced by its value at the region's end
    mutated: dict  # id -> (tracer, value before, value after), outer tracers only
    effects: list  # prints/asserts recorded in the region (hoisted by staged_if)
    local: set  # ids of the values the region's graph made (its inputs included)
    dead: bool  # the region ended in a raise (DeadPath): its state is what it started with
    rebound: set  # ids of the tracers the region rebound (wrote), outer or its own


def _trace_region(name, fn, set_state, get_state, init, inputs=(), bind_inputs=None):
    """Trace ``fn`` into a new region; restore every outer handle it rebound."""
    set_state(init)
    with new_graph(name) as graph, mutation_log() as log, collecting_effects() as effects:
        region_inputs = [add_input(a) for a in inputs]
        if bind_inputs is not None:
            bind_inputs(region_inputs)
        dead = not _alive(fn, get_state, set_state)()
        after = list(get_state())
        values = [x.value if isinstance(x, Tracer) else x for x in after]
    local = {v.id for v in graph.inputs} | {v.id for op in graph.ops for v in op.outputs}
    mutated, rebound = {}, set()
    for key, (t, before) in log.items():
        if before is None:  # a view read in the region: read its base again outside
            t._seen = None
            continue
        if t._value is before:
            continue  # an inner region already restored it (nested control flow)
        rebound.add(id(t))
        if before.id not in local:  # an outer array the region wrote
            mutated[key] = (t, before, t._value)
        t._value = before
    set_state(init)
    return _Region(graph, after, values, mutated, effects, local, dead, rebound)


def _alive(fn, get_state, set_state):
    """``fn`` run as a path that may end in a staged ``raise``: returns False then, with
    the state put back as it was before (what the path did after its check does not
    matter: the call fails whenever the path runs)."""

    def run() -> bool:
        start = list(get_state())
        try:
            fn()
        except DeadPath:
            set_state(start)
            return False
        return True

    return run


def _finish_region(region: _Region, values) -> None:
    with building(region.graph):
        region.graph.outputs = [v() if callable(v) else v for v in values]


def _converted(x, aval: AbstractArray):
    """``x`` as an IR value of ``aval``'s dtype (created in the current graph)."""
    return lambda: ew.convert(to_value(x), aval.dtype, aval.weak)


def _unify(name: str, a, b, what=("the if branch", "the else branch")) -> AbstractArray:
    """One type for a variable that holds ``a`` on one path and ``b`` on the other."""
    ta, tb = aval_of(a), aval_of(b)
    if ta.shape != tb.shape:
        raise errors.ShapeError(
            at_user_line(
                f"Variable '{name}' is {type_string(ta)} in {what[0]} but "
                f"{type_string(tb)} in {what[1]}; XLA control flow needs one shape. Make "
                "both paths produce the same shape (np.broadcast_to, padding)."
            )
        )
    if ta.dtype != tb.dtype and not (ta.weak or tb.weak):
        raise errors.DTypeError(
            at_user_line(
                f"Variable '{name}' is {type_string(ta)} in {what[0]} but "
                f"{type_string(tb)} in {what[1]}; XLA control flow needs one dtype. "
                "Convert one of them with .astype(...)."
            )
        )
    return AbstractArray(ta.shape, result_type(ta, tb), ta.weak and tb.weak)


def _predicate(cond) -> Value:
    value = to_value(cond)
    if value.shape != ():
        if value.aval.size != 1:
            raise errors.ShapeError(
                at_user_line(
                    f"The truth value of an array with shape {value.shape} is ambiguous (as "
                    "in NumPy). Use np.any(...) or np.all(...) in the condition."
                )
            )
        value = sh.reshape(value, ())
    return ew.convert(value, np.bool_)


# -- if / ternary ----------------------------------------------------------------------------


def trace_numpy_arrays(get_state, set_state) -> list:
    """NumPy arrays in the state become traced copies, so that a branch or loop body that
    writes into them (``out[0] = 1``) writes into a traced handle instead of mutating the
    NumPy array in Python while every path is being traced."""
    state = [wrap(to_value(v), array=True) if isinstance(v, np.ndarray) else v for v in get_state()]
    set_state(state)
    return state


def staged_if(cond, body, orelse, get_state, set_state, names):
    init = trace_numpy_arrays(get_state, set_state)
    pred = _predicate(cond)
    then = _trace_region("then", body, set_state, get_state, init)
    other = _trace_region("else", orelse, set_state, get_state, init)
    new_state, outs_then, outs_else, slots, aliased = list(init), [], [], [], []
    for i, name in enumerate(names):
        if then.state[i] is other.state[i]:  # untouched, or mutated in place (see below)
            new_state[i] = then.state[i]
            continue
        if then.dead or other.dead:
            _from_live_branch(i, then, other, new_state, outs_then, outs_else, slots)
            paths = [None if r.dead else aliases.alias_path(r.state[i], r.local)
                     for r in (then, other)]
            if paths != [None, None]:
                aliased.append((i, name, [
                    aliases.export(paths[0], outs_then, outs_else, slots),
                    aliases.export(paths[1], outs_else, outs_then, slots),
                ]))
            continue
        a, b = _fill_placeholder(then.values[i], other.values[i])
        b, a = _fill_placeholder(b, a)
        if isinstance(a, Undefined) or isinstance(b, Undefined):
            new_state[i] = Undefined(name)
        elif not (is_arraylike(a) and is_arraylike(b)):
            if _same_python_value(a, b):
                new_state[i] = a
                continue
            raise errors.UnsupportedError(
                at_user_line(
                    f"Variable '{name}' is set to a {type(a).__name__} in one branch and a "
                    f"{type(b).__name__} in the other of an if statement on a traced "
                    "condition; only arrays and numbers can differ between branches."
                )
            )
        else:
            aval = _unify(name, a, b)
            outs_then.append(_converted(a, aval))
            outs_else.append(_converted(b, aval))
            slots.append(("var", i))
            paths = [aliases.alias_path(r.state[i], r.local) for r in (then, other)]
            if paths != [None, None]:
                aliased.append((i, name, [
                    aliases.export(paths[0], outs_then, outs_else, slots),
                    aliases.export(paths[1], outs_else, outs_then, slots),
                ]))
    for key in then.mutated.keys() | other.mutated.keys():
        t, before, _ = (then.mutated.get(key) or other.mutated[key])
        for region, outs in ((then, outs_then), (other, outs_else)):
            after = region.mutated[key][2] if key in region.mutated else before
            outs.append(_converted(after, before.aval))  # an array keeps its own type
        slots.append(("array", t))
    hoisted = effect_outputs(then, other, outs_then, outs_else, slots)
    _finish_region(then, outs_then)
    _finish_region(other, outs_else)
    results = cf.cond(pred, then.graph, other.graph) if slots else ()
    _apply(results, slots, new_state)
    hoist_effects(hoisted, results, slots, wrap(pred))
    conds = (pred, ew.apply(ew.not_p, pred)) if aliased else ()
    for i, name, paths in aliased:  # a name still aliasing an array on some path
        pairs = [c for p, branch in zip(paths, conds) for c in
                 aliases.candidates(p, branch, results)]
        new_state[i] = aliases.union(new_state[i], pairs, name)
    set_state(new_state)
    if then.dead and other.dead and region_depth() > 0:
        raise DeadPath()  # every path raises: so does the enclosing one


def _from_live_branch(i, then, other, new_state, outs_then, outs_else, slots) -> None:
    """Variable ``i`` after an if whose other branch raised: the live branch's value (the
    raising one yields zeros of its type, never used: the call fails on that path)."""
    live = other if then.dead else then
    value = live.values[i]
    if not isinstance(value, (Value, Tracer)):
        new_state[i] = live.state[i]  # a Python value (or undefined): as the live path left it
        return
    aval = aval_of(value)
    zeros = _converted(np.zeros(aval.shape, aval.dtype), aval)
    outs_then.append(_converted(value, aval) if live is then else zeros)
    outs_else.append(zeros if live is then else _converted(value, aval))
    slots.append(("var", i))


def staged_if_exp(cond, if_true, if_false):
    box = [None]
    get_state, set_state = (lambda: (box[0],)), (lambda vals: box.__setitem__(0, vals[0]))

    def run(fn):
        return lambda: box.__setitem__(0, fn())

    staged_if(cond, run(if_true), run(if_false), get_state, set_state, ("<expression>",))
    return box[0]


def logical(op: str, value, next_operand):
    """``value and next()`` / ``value or next()`` with a traced ``value``."""
    if op == "and":
        return staged_if_exp(value, next_operand, lambda: value)
    return staged_if_exp(value, lambda: value, next_operand)


def _fill_placeholder(a, b):
    """A return-value placeholder on one path takes zeros of the other path's type."""
    if isinstance(a, Undefined) and a.zeros_ok and is_arraylike(b):
        aval = aval_of(b)
        return np.zeros(aval.shape, aval.dtype), b
    return a, b


def _same_python_value(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False


def _apply(results, slots, new_state) -> None:
    for r, (kind, target) in zip(results, slots):
        if kind == "var":
            new_state[target] = wrap(r)
        elif kind == "array":
            target.assign(r)  # writes through; outer regions record it too
