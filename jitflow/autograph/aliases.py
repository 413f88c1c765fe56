"""Names that keep aliasing what they aliased across staged control flow (DESIGN decision 12).

In NumPy, after ``v = a`` and ``if c: v = v * 2``, ``v`` *is* ``a`` when ``c`` was false: a
later ``v[0] = 1`` writes into ``a``, and a later ``a += 1`` shows through ``v``. A staged
``if``/ternary/``while`` makes one value out of the paths, so without more the name would
become a new array on every path. Here, when a path leaves the name on an array that
existed before the statement (an argument, a view of one, any array of the function) or on
a view of one made in the branch, the name becomes a *union* handle:

* its value is, under each path's condition, that array's current value (else the new
  array's): reads see later writes to the array;
* a write through it writes the new value into each such array under its condition (a
  ``select``), and into its own storage for the paths that made a new array.

So the answer is NumPy's, whichever path runs. Where the array a path aliases cannot be
named outside the statement (a view made with a traced index computed in the branch, an
alias chosen by a nested condition), the union still reads correctly, and a write through
it raises a clear error naming the variable.
"""

from __future__ import annotations

import numpy as np

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops import views
from jitflow.ops.constants import constant
from jitflow.tracer.array import Tracer
from jitflow.tracer.context import current_graph
from jitflow.tracer.ir import Value
from jitflow.tracer.source import at_user_line, user_frame


class Unsafe:
    """A path whose alias cannot be written through outside the statement (why)."""

    def __init__(self, why: str):
        self.why = why


def alias_path(x, local: set, inputs=()):
    """How ``x`` (a path's value of a variable) aliases arrays from outside the region whose
    value ids are ``local``: None for a new array or an immutable scalar, :class:`Unsafe`
    (also for a view of one of the region's ``inputs``: a loop variable), or a list of
    ``(conditions, (root, lenses))``: ``x`` is the view ``lenses`` of ``root`` when all
    ``conditions`` (values of the region, for an alias chosen by a nested if) hold."""
    if not mutable(x):
        return None
    lenses, t = [], x
    while isinstance(t._parent, Tracer):
        key = getattr(t._lens, "key", None)
        dynamic = getattr(key, "dynamic", None) or {}
        if any(_is_local(v, local) for v in dynamic.values()):
            return Unsafe("a view made with a traced index computed under the condition")
        lenses.append(t._lens)
        t = t._parent
    if isinstance(t._parent, _Union):
        if any(_is_local(c, local) for c, _h in t._parent.candidates):
            return _nested(t._parent, lenses, local, inputs)
    elif any(t._value is v for v in inputs):
        return Unsafe("the loop's variable as one iteration left it")
    elif _is_local(t._value, local):
        return None  # a new array, made on this path
    return [([], (t, lenses[::-1]))]


def _nested(u: _Union, lenses, local: set, inputs):
    """The paths of a union made by an if inside the region (its conditions are the
    region's values): each of its arrays under its condition."""
    if lenses:
        return Unsafe("a view of an array chosen by a condition nested inside this one")
    out = []
    for cond, handle in u.candidates:
        path = alias_path(handle, local, inputs) if isinstance(handle, Tracer) else handle
        if isinstance(path, Unsafe):
            return path
        out += [([cond, *conds], p) for conds, p in path or ()]
    return out or None


def export(paths, mine: list, other: list, slots: list):
    """Make the region-local conditions of ``paths`` outputs of the cond op (``mine``: this
    branch's outputs, ``other``: the other branch's, which yields False); returns the paths
    with each condition replaced by its slot index."""
    if not isinstance(paths, list):
        return paths
    out = []
    for conds, path in paths:
        indices = []
        for cond in conds:
            mine.append(cond)
            other.append(lambda: constant(np.False_))
            slots.append(("alias", None))
            indices.append(len(slots) - 1)
        out.append((indices, path))
    return out


def candidates(paths, branch: Value, results) -> list:
    """``(condition, handle)`` pairs of exported ``paths`` taken when ``branch`` holds."""
    if paths is None:
        return [(branch, None)]
    if isinstance(paths, Unsafe):
        return [(branch, paths)]
    out = []
    for indices, path in paths:
        cond = branch
        for k in indices:
            cond = ew.apply(ew.and_p, cond, results[k])
        out.append((cond, rebuild(path)))
    return out


def _is_local(v, local: set) -> bool:
    return isinstance(v, Value) and v.id in local


def mutable(x) -> bool:
    """Whether ``x`` is an array a write can go through: not a Python number or a NumPy
    scalar (in-place operators rebind those)."""
    if not isinstance(x, Tracer):
        return False
    aval = x.value.aval
    if aval.shape:
        return True
    # A 0-d result that NumPy gives as a scalar (a reduction, a ufunc of scalars), a
    # Python number: immutable. (``_array``: a 0-d array, a view or a copy, is not.)
    return not (x._scalar or aval.weak) and getattr(x, "_array", True)


def keeps(end, start, build: bool = True):
    """When the name a loop body started on ``start`` (its variable) ends on ``end``: a
    traced bool (a union whose only arrays are ``start``), None when it never does (a new
    array), False when it may end on another array (the caller refuses writes). With
    ``build`` False, only whether it may: True, None or False (no ops made)."""
    if end is start:
        return constant(np.True_) if build else True
    if not isinstance(end, Tracer) or not isinstance(end._parent, _Union):
        return None
    conds = [c for c, h in end._parent.candidates if h is start]
    if len(conds) != len(end._parent.candidates):
        return False
    if not build:
        return True
    out = conds[0]
    for c in conds[1:]:
        out = ew.apply(ew.or_p, out, c)
    return out


def rebuild(path) -> Tracer:
    """The handle a path names, made in the current graph: the root, or the same views of
    it again (equivalent: writes through either reach the root)."""
    root, lenses = path
    handle = root
    for lens in lenses:
        handle = handle.make_view(lens)
    return handle


def union(own: Tracer, candidates, name: str) -> Tracer:
    """``own`` (the statement's value of variable ``name``) as a union handle.

    ``candidates``: ``(condition, handle)`` pairs, a traced bool scalar and the array the
    name is under that condition (a Tracer, or :class:`Unsafe`); None handles are skipped.
    """
    candidates = [(c, h) for c, h in candidates if h is not None]
    if not candidates:
        return own
    u = _Union(own, candidates, name, user_frame())
    return Tracer(u.value, parent=u, lens=_IDENTITY)


_IDENTITY = views.Lens(lambda base: base, lambda base, new: new)


class _Union:
    """The base of a union handle (see the module docstring): duck-types a parent Tracer
    (``value``, ``assign``) for :class:`~jitflow.tracer.array.Tracer`'s view machinery."""

    __slots__ = ("_key", "_value", "candidates", "name", "own", "where")

    def __init__(self, own: Tracer, candidates, name: str, where):
        self.own = own
        self.name, self.where = name, where
        self.candidates = []
        for cond, handle in candidates:
            if isinstance(handle, Tracer) and (handle.shape, handle.dtype) != (own.shape, own.dtype):
                handle = Unsafe("an array of another shape or dtype")
            pred = ew.convert(sh.reshape(cond, ()), np.bool_) if isinstance(cond, Value) else cond
            self.candidates.append((pred, handle))
        self._key = self._value = None

    @property
    def value(self) -> Value:
        """``own``'s value, replaced under each condition by its array's current value (made
        again when one of them changed, or in another graph)."""
        handles = [h for _c, h in self.candidates if isinstance(h, Tracer)]
        key = (current_graph(), self.own.value, *(h.value for h in handles))
        if self._key is None or any(a is not b for a, b in zip(key, self._key)):
            value = key[1]
            for cond, handle in reversed(self.candidates):
                if isinstance(handle, Tracer):
                    value = ew.select(_spread(cond, value), handle.value, value)
            self._key, self._value = key, value
        return self._value

    def assign(self, new: Value) -> None:
        unsafe = [h for _c, h in self.candidates if isinstance(h, Unsafe)]
        if unsafe:
            line = f" (set at {self.where.describe()})" if self.where else ""
            raise errors.UnsupportedError(
                at_user_line(
                    f"Variable '{self.name}'{line} is, depending on a traced condition, "
                    f"either a new array or {unsafe[0].why}; writing through it would "
                    "have to change that array, which jitflow cannot name here. Write "
                    f"into the array by its own name, or make the copy explicit "
                    f"({self.name} = {self.name}.copy()) before writing."
                )
            )
        self.own.assign(new)
        for cond, handle in self.candidates:
            handle.assign(ew.select(_spread(cond, new), new, handle.value))


def _spread(cond: Value, like: Value) -> Value:
    return sh.broadcast_to(cond, like.shape) if like.shape else cond
