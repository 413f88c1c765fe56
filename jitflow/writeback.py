"""Writing mutated arguments back into the caller's arrays, all or nothing (DESIGN 13).

A call that fails changes none of the caller's arrays. So the write-back is planned first:
every target is checked (a read-only argument, or one whose elements share memory, cannot
take the write NumPy would have made, and raises the error NumPy raises) before the first
byte is written; the caller (``Entry.finish``) runs the call's prints and asserts between
planning and writing, so a failing assert also leaves every argument as it was.

A target is an argument (its leaf index) or, for arguments sharing memory, their segment
(:class:`jitflow.aliasing.SegmentBack`): the caller's memory under the group, written once.
NumPy subclasses (``np.memmap``, user subclasses) are written back like ndarrays.
"""

from __future__ import annotations

import jax
import numpy as np

from jitflow import aliasing, captures, errors
from jitflow.tracer.source import at_user_line


def plan(writeback, sites, leaves, arrays, forced=()) -> list[tuple]:
    """The writes of a call as ``(destination, new value, covered)``, after checking that
    every one can be made (else raise, having written nothing). Arguments that are not
    NumPy arrays (jax.Arrays, JAX tracers inside a transformation) are skipped.

    A read-only target whose values would stay the same is let through (a write under a
    traced condition that did not hold, which NumPy never made) unless it is in ``forced``:
    written outside any branch or loop, where NumPy refuses even ``a *= True``."""
    writes = []
    _check_unmodelled_aliasing(writeback, sites, leaves)
    for (target, out), (label, source) in zip(writeback, sites):
        if isinstance(target, aliasing.SegmentBack):
            members = [leaves[i] for i in target.leaves]
            if not all(isinstance(m, np.ndarray) for m in members):
                continue
            new = np.asarray(arrays[out])
            blocked = [(n, leaves[i]) for n, i in zip(target.names, target.leaves)
                       if i in target.written and not writable(leaves[i])]
            destination = aliasing.segment(members, target.group, writeable=True)
            if blocked or destination is None:
                if not any(target is f for f in forced) and unchanged(
                    aliasing.segment(members, target.group), new, target.covered
                ):
                    continue
                name, array = blocked[0] if blocked else (label, members[0])
                raise cannot_write(name, array, source)
            writes.append((destination, new, target.covered))
        else:
            leaf = leaves[target]
            if not isinstance(leaf, np.ndarray):
                if isinstance(leaf, jax.Array) and not isinstance(leaf, jax.core.Tracer):
                    raise captures.immutable_argument(label, source)  # as JAX raises
                continue
            new = np.asarray(arrays[out])
            if not writable(leaf):
                if target not in forced and unchanged(leaf, new, None):
                    continue  # (a write under a condition that did not hold, for one)
                raise cannot_write(label, leaf, source)
            writes.append((leaf, new, None))
    return writes


def _check_unmodelled_aliasing(writeback, sites, leaves) -> None:
    """Refuse a write into memory that another leaf of the call shares without being
    traced as its alias: a captured array (a global, ``self.w``) that is also passed as
    an argument, ``f(G)`` with ``f`` reading ``G``. The program saw two arrays; NumPy sees
    one, so reads through the other name missed the write. (Arguments sharing memory are
    modelled: :mod:`jitflow.aliasing`; arrays with different owners cannot overlap.)"""
    arrays = [(i, a) for i, a in enumerate(leaves) if isinstance(a, np.ndarray) and a.size]
    if len(arrays) < 2:
        return
    owners = {i: aliasing.root(a) for i, a in arrays}
    for (target, _), (label, source) in zip(writeback, sites):
        mine = set(target.leaves) if isinstance(target, aliasing.SegmentBack) else {target}
        for i in mine:
            if i not in owners:
                continue
            for j, b in arrays:
                if j in mine or (owners[j] is not owners[i] and isinstance(owners[j], np.ndarray)
                                 and isinstance(owners[i], np.ndarray)):
                    continue
                if aliasing.shares_memory(leaves[i], b):
                    raise errors.UnsupportedError(at_user_line(
                        f"The function writes into {label}, whose memory is also reached "
                        "another way in this call (an array passed as an argument and read "
                        "from a global, closure or attribute too): jitflow traced them as two "
                        "arrays, so nothing was written. Pass the array one way only.",
                        source,
                    ))


def write(writes) -> None:
    """Make the planned writes."""
    for destination, new, covered in writes:
        if covered is None:
            np.copyto(destination, new)
        else:
            destination[covered] = new[covered]


def writable(a: np.ndarray) -> bool:
    """Whether NumPy's write into ``a`` can be reproduced: writeable, and no two of its
    elements the same memory (a write into a stride-0 array lands in all of them)."""
    return a.flags.writeable and not aliasing.has_internal_overlap(a)


def unchanged(current: np.ndarray, new: np.ndarray, covered) -> bool:
    """Whether writing ``new`` would leave ``current`` as it is."""
    if covered is not None:
        current, new = current[covered], new[covered]
    return bool(np.array_equal(current, new, equal_nan=True))


def cannot_write(name: str, array: np.ndarray, source) -> errors.JitflowError:
    """The error of a write into ``array`` (argument ``name``) made at ``source``."""
    if not array.flags.writeable:
        return errors.ReadOnlyError(at_user_line(
            f"assignment destination is read-only: argument {name} is a read-only array and "
            "the function writes into it (NumPy raises there; nothing was written). Pass a "
            "writable array (np.array(...) copies) or do not write into it.", source
        ))
    return errors.OverlappingWriteError(at_user_line(
        f"The function writes into argument {name}, whose elements share memory (a "
        "stride-0 or broadcast array, a sliding window): NumPy's write lands in all of "
        "them, which jitflow cannot reproduce, so nothing was written. Pass a copy "
        "(np.array(...)) or do not write into it.", source
    ))
