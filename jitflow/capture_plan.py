"""Reading captured state at each call: the :class:`Plan` of one ``Function``.

Every path any trace of the function read (:mod:`jitflow.captures`), in order; at a call
each is read once: arrays become extra arguments of the compiled program after the
argument leaves (``None`` where a path holds no array), everything else one element of a
hashable key that selects the ``jax.jit`` and the compiled entry (DESIGN decision 11).
"""

from __future__ import annotations

import dataclasses
import operator

from jitflow.captures import (
    ARRAY,
    MISSING,
    GlobalPath,
    Path,
    TraceCaptures,
    describe_tag,
    guard_tag,
)
from jitflow.tracer.avals import AbstractArray

# What reading a path can raise: a deleted global or key, an empty cell, a missing attribute.
_READ_ERRORS = (LookupError, AttributeError, ValueError, TypeError)


class PlanChanged(Exception):
    """Raised out of ``jax.jit`` when a trace read a path the call did not pass: the call
    is made again with ``values`` (what the trace read, so nothing is traced twice)."""

    def __init__(self, values: dict):
        super().__init__("jitflow: the captured state changed (internal, retried)")
        self.values = values


@dataclasses.dataclass(frozen=True)
class Requirement:
    """What an entry needs at plan position ``pos``: a tag, and an aval for an array."""

    pos: int
    tag: object
    aval: AbstractArray | None
    name: str


class Plan:
    """Every path the traces of one function read, in order, and their reading at a call
    (see the module docstring)."""

    def __init__(self):
        self.paths: list[Path] = []
        self.index: dict[Path, int] = {}

    def __len__(self) -> int:
        return len(self.paths)

    def place(self, captured: TraceCaptures, n_leaves: int, writeback) -> tuple:
        """Give the paths of a trace their positions; returns ``(grew, requirements,
        slots, writeback)``: whether new paths were added, what the entry needs, the plan
        position of each implicit input, and ``writeback`` with their leaf indices."""
        grew = False
        for c in captured.captured:
            if c.path not in self.index:
                self.index[c.path] = len(self.paths)
                self.paths.append(c.path)
                grew = True
        keys = {p.key: i for p, i in self.index.items()}
        reqs = []
        for c in captured.captured:
            tag = c.tag
            if isinstance(tag, tuple) and tag[0] == "same":
                tag = ("same", keys[tag[1]])
            reqs.append(Requirement(self.index[c.path], tag, c.aval, c.path.name))
        slots = tuple(self.index[c.path] for c in captured.inputs)
        remapped = tuple(
            (n_leaves + slots[t - n_leaves], out) if isinstance(t, int) and t >= n_leaves
            else (t, out)
            for t, out in writeback
        )
        return grew, tuple(reqs), slots, remapped

    def read(self, override: dict | None = None) -> tuple:
        """``(key, extras)`` for the current values of every path."""
        values = []
        for p in self.paths:
            if override is not None and p in override:
                values.append(override[p])
                continue
            try:
                values.append(p.read())
            except _READ_ERRORS:
                values.append(_Missing)
        return self.tag(values)

    def gatherer(self, jit_for):
        """The dispatcher's per-call read: ``gather()`` returns ``(jitted, *extras)``, the
        ``jax.jit`` for this call's key (``jit_for(key)``) and the captured arrays, or None
        when a path cannot be read (the general path then explains or raises).

        Cheap on purpose (DESIGN decision 11: a cache hit within 1.1x of a function that
        reads nothing): paths that are all globals of one module are read with one
        ``operator.itemgetter``; when every value read is the very object of the last
        call, the last result is returned as it was.
        """
        paths = tuple(self.paths)
        spaces = {id(p.namespace) for p in paths if isinstance(p, GlobalPath)}
        if len(spaces) == 1 and all(isinstance(p, GlobalPath) for p in paths):
            getter = operator.itemgetter(*(p.ident for p in paths))
            namespace = paths[0].namespace
            if len(paths) == 1:
                def read():
                    return (getter(namespace),)
            else:
                def read():
                    return getter(namespace)
        else:
            readers = tuple(p.read for p in paths)

            def read():
                return tuple([r() for r in readers])
        last = [(), None, []]  # values, result, (position, bytes) of bool arrays
        is_ = operator.is_

        def gather():
            try:
                values = read()
            except _READ_ERRORS:
                return None
            if all(map(is_, values, last[0])) and last[1] is not None and (
                not last[2] or all(values[i].tobytes() == b for i, b in last[2])
            ):
                return list(last[1]) if last[2] else last[1]
            key, extras = Plan.tag(values)
            if MISSING in key:
                return None
            result = (jit_for(key), *extras)
            masks = [(i, k[2]) for i, k in enumerate(key) if type(k) is tuple and k[0] == "value"]
            last[0], last[1], last[2] = values, result, masks
            # A list tells the C dispatcher not to reuse it for the same objects: a bool
            # mask may have changed in place.
            return list(result) if masks else result

        return gather

    def fast_globals(self) -> tuple:
        """``(namespace, names)`` when every path is a global of one module (the C
        dispatcher then reads them itself and skips ``gather`` when each holds the very
        object of the last call), else ``(None, None)``."""
        paths = self.paths
        if paths and all(isinstance(p, GlobalPath) for p in paths):
            if len({id(p.namespace) for p in paths}) == 1:
                return paths[0].namespace, tuple(p.ident for p in paths)
        return None, None

    @staticmethod
    def tag(values) -> tuple:
        key, extras, seen = [], [], {}
        for i, v in enumerate(values):
            if v is _Missing:
                key.append(MISSING)
                extras.append(None)
                continue
            tag = guard_tag(v)
            if tag is ARRAY:
                first = seen.setdefault(id(v), i)
                if first != i:
                    tag = ("same", first)
                    v = None
            else:
                v = None
            key.append(tag)
            extras.append(v)
        return tuple(key), tuple(extras)

    @staticmethod
    def matches(reqs, key, extra_avals) -> bool:
        for r in reqs:
            if r.pos >= len(key) or key[r.pos] != r.tag:
                return False
            if r.tag is ARRAY and extra_avals[r.pos] != r.aval:
                return False
        return True

    @staticmethod
    def explain(reqs, key, extra_avals) -> list[str]:
        """What differs between an entry's requirements and a call's values."""
        changes = []
        for r in reqs:
            now = key[r.pos] if r.pos < len(key) else MISSING
            aval = extra_avals[r.pos] if r.pos < len(extra_avals) else None
            if now != r.tag or (r.tag is ARRAY and aval != r.aval):
                changes.append(f"{r.name}: {_describe(r.tag, r.aval)} -> "
                               f"{_describe(now, aval)}")
        return changes


def _describe(tag, aval) -> str:
    if isinstance(tag, tuple) and tag and tag[0] == "same":
        return "the same array as another captured path"
    return describe_tag(tag, aval)


class _Missing:
    """A path that could not be read."""


def values_read(captured: TraceCaptures) -> dict:
    """What a trace read, by path: the values a retried call passes (see PlanChanged)."""
    return {
        c.path: c.array if c.array is not None else c.value for c in captured.captured
    }
