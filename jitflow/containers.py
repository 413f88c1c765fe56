"""Lists and dicts passed to a traced function and changed by it (``log.append(v)``).

The argument tree is rebuilt for each trace, so a list the function appends to is not the
caller's. The trace notes the lists and dicts among the arguments on entry
(:meth:`jitflow.captures.CaptureTrace.watch`) and compares them on exit; a changed one is
encoded (:func:`container_updates`) and made again in the caller's own container after
each call (:func:`update_containers`), as NumPy would have left it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from jitflow.tracer.array import Tracer

if TYPE_CHECKING:
    from jitflow.captures import CaptureTrace


def _changed(before, after) -> bool:
    if type(after) is list:
        return len(before) != len(after) or any(a is not b for a, b in zip(before, after))
    return before.keys() != after.keys() or any(after[k] is not v for k, v in before.items())


def container_updates(trace: CaptureTrace, outputs: list) -> tuple:
    """``(path, contents)`` per list or dict argument the function changed, its contents
    encoded (:func:`_encode`) with traced values as graph outputs."""
    ids = {id(obj): path for path, obj, _ in trace.containers}
    updates = []
    for path, obj, before in trace.containers:
        if not _changed(before, obj):
            continue
        if type(obj) is list:
            contents = [_encode(v, trace, ids, outputs) for v in obj]
        else:
            contents = {k: _encode(v, trace, ids, outputs) for k, v in obj.items()}
        updates.append((path, contents))
    return tuple(updates)


def _encode(v, trace: CaptureTrace, ids: dict, outputs: list):
    """An item of a changed container, for :func:`update_containers` to make at each call:
    the caller's own argument (``leaf``/``container``), a traced value (``out``), a new
    list, tuple or dict of such, or a value made while tracing (``static``)."""
    if isinstance(v, Tracer):
        leaf = trace.arg_tracers.get(id(v))
        if leaf is not None:
            return ("leaf", leaf)
        outputs.append(v.value)
        return ("out", len(outputs) - 1)
    if id(v) in ids:
        return ("container", ids[id(v)])
    if type(v) in (list, tuple):
        return (type(v).__name__, [_encode(x, trace, ids, outputs) for x in v])
    if type(v) is dict:
        return ("dict", {k: _encode(x, trace, ids, outputs) for k, x in v.items()})
    return ("static", v)


def update_containers(updates, arrays, args, kwargs, leaves, signature, jax_out) -> None:
    """Make the changes a call made to its list and dict arguments, as NumPy would have:
    the caller's own containers, with NumPy arrays (NumPy scalars for 0-d values) where
    the function stored traced values."""
    from jitflow.entry import to_numpy

    if kwargs and signature is not None:
        try:
            bound = signature.bind(*args, **kwargs)
            args, kwargs = bound.args, bound.kwargs
        except TypeError:
            pass
    roots = (args, kwargs)

    def resolve(path):
        obj = roots
        for k in path:
            obj = obj[k]
        return obj

    def decode(item):
        how, what = item
        if how == "leaf":
            return leaves[what]
        if how == "out":
            return arrays[what] if jax_out else to_numpy(arrays[what])
        if how == "container":
            return targets[what]
        if how in ("list", "tuple"):
            items = [decode(x) for x in what]
            return items if how == "list" else tuple(items)
        if how == "dict":
            return {k: decode(x) for k, x in what.items()}
        return what.copy() if isinstance(what, np.ndarray) else what

    targets = {path: resolve(path) for path, _ in updates}
    new = [
        (targets[path], [decode(x) for x in contents] if type(contents) is list
         else {k: decode(x) for k, x in contents.items()})
        for path, contents in updates
    ]
    for target, contents in new:
        if type(target) is list:
            target[:] = contents
        else:
            target.clear()
            target.update(contents)
