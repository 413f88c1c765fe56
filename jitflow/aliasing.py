"""The memory behind array arguments: layouts and aliasing (DESIGN decision 12).

NumPy code sees memory, not values: ``f(x, x)`` writes through one name and reads through
the other, ``f(x[:-1], x[1:])`` writes overlapping elements, and whether ``x.reshape(-1)``
is a view (written back) or a copy (not) depends on ``x``'s strides. The compiled program
sees values, so the memory facts that decide NumPy's answer join the cache key, as a
:class:`MemoryKey`:

* the layout of every array argument that is not C-contiguous (its strides, in elements),
  given to its tracer so that reshape/ravel answer view-or-copy as NumPy does
  (:mod:`jitflow.ops.views` asks NumPy on fakes with these strides);
* groups of arguments whose memory overlaps (``np.shares_memory``). A group is traced as
  one 1-D *segment* of the caller's memory (the smallest run of elements covering every
  member): one program input, each member a view of it (a lens of static slices or a
  gather/scatter), and one write-back of the segment. Reads then see earlier writes through
  the other name, and write-back writes the union of both mutations, as in NumPy.

The common case, every array C-contiguous and none sharing memory, has no key (None): the
cache-hit path checks it cheaply (:mod:`jitflow.dispatch`, ``fast_path_memory_ok``) and
only calls that fail that check pay for :func:`memory_key`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
from numpy.lib.array_utils import byte_bounds

from jitflow import errors


@dataclasses.dataclass(frozen=True)
class Member:
    """One argument of a group: its position among the traced leaves, where its first
    element lies in the segment and its strides there (all in elements)."""

    position: int
    offset: int
    strides: tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class Group:
    """Arguments sharing memory, traced as views of one segment of ``size`` elements."""

    members: tuple[Member, ...]
    size: int


@dataclasses.dataclass(frozen=True)
class MemoryKey:
    """The memory part of a call's signature: per traced leaf its layout (None when
    C-contiguous or not a NumPy array, else strides in elements), and the groups."""

    layouts: tuple
    groups: tuple[Group, ...]


def root(a: np.ndarray):
    """The object that owns ``a``'s memory: the end of its chain of ndarray bases."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a if a.base is None else a.base


def fast_path_memory_ok(args, ndarray=np.ndarray) -> bool:
    """Whether a call's arrays need no memory key, decided cheaply (the C dispatcher's
    test, in Python): each exact ndarray argument is C-contiguous, and when there are two
    or more, each owns its memory through ndarray bases only and no two share an owner.
    False sends the call to the general path, which computes :func:`memory_key` exactly."""
    owners = []
    for a in args:
        if type(a) is not ndarray:
            continue
        if not a.flags.c_contiguous:
            return False
        owners.append(a)
    if len(owners) < 2:
        return True
    roots = []
    for a in owners:
        r = root(a)
        if not isinstance(r, np.ndarray) or any(r is q for q in roots):
            return False
        roots.append(r)
    return True


def layout_of(a: np.ndarray):
    """``a``'s strides in elements (in bytes when an element stride is not a multiple of
    the item size), None when C-contiguous. Axes of length 1 have no stride (NumPy's
    reshape and contiguity ignore them): 0."""
    if a.flags.c_contiguous or a.size == 0:
        return None
    size = a.itemsize
    unit = size if all(s % size == 0 for s in a.strides) else 1
    return tuple(0 if n == 1 else s // unit for n, s in zip(a.shape, a.strides))


def memory_key(dyn: list, names: Callable[[], list[str]]) -> MemoryKey | None:
    """The memory key of a call whose traced leaves are ``dyn`` (None: nothing to key);
    ``names()`` gives their names, for errors."""
    arrays = [(i, a) for i, a in enumerate(dyn) if isinstance(a, np.ndarray) and a.size]
    layouts = [None] * len(dyn)
    for i, a in arrays:
        layouts[i] = layout_of(a)
    groups = tuple(_group(dyn, members, names) for members in _overlapping(arrays))
    if not groups and all(x is None for x in layouts):
        return None
    key = MemoryKey(tuple(layouts), groups)
    # One object per key: jax.jit's cache finds a static argument it has seen by identity
    # (a new, equal object costs ~15 us more per call). Keys are few: one per trace.
    return _KEYS.setdefault(key, key)


_KEYS: dict = {}


def _overlapping(arrays) -> list[list[int]]:
    """Positions of the arrays whose memory overlaps, as groups of two or more. Arrays
    whose memory has different ndarray owners cannot overlap: only the others are
    compared, by byte bounds, then exactly (``np.shares_memory``)."""
    parent = {i: i for i, _ in arrays}

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    owners = {i: root(a) for i, a in arrays}
    bounds = {}
    for k, (i, a) in enumerate(arrays):
        for j, b in arrays[k + 1:]:
            r, q = owners[i], owners[j]
            if r is not q and isinstance(r, np.ndarray) and isinstance(q, np.ndarray):
                continue
            if i not in bounds:
                bounds[i] = byte_bounds(a)
            if j not in bounds:
                bounds[j] = byte_bounds(b)
            (lo_a, hi_a), (lo_b, hi_b) = bounds[i], bounds[j]
            if hi_a <= lo_b or hi_b <= lo_a or not shares_memory(a, b):
                continue
            parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i, _ in arrays:
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def shares_memory(a: np.ndarray, b: np.ndarray) -> bool:
    try:
        return bool(np.shares_memory(a, b, max_work=100_000))
    except np.exceptions.TooHardError:
        return True  # cannot tell cheaply: the group model is right either way


def _group(dyn, positions: list[int], names) -> Group:
    """The segment model of the arrays at ``positions`` (their memory overlaps)."""
    arrays = [dyn[i] for i in positions]

    def label() -> list[str]:  # (names are only needed for an error: computed then)
        all_names = names()
        return [all_names[i] for i in positions]

    if len({a.dtype for a in arrays}) > 1:
        kinds = ", ".join(f"{n} ({a.dtype})" for n, a in zip(label(), arrays))
        raise errors.UnsupportedError(
            f"The arguments {kinds} share memory but have different dtypes (one is a "
            "dtype view of the other): jitflow cannot trace memory reinterpreted as another "
            "type. Pass a copy of one of them (np.array(x))."
        )
    size = arrays[0].itemsize
    bounds = [byte_bounds(a) for a in arrays]
    lo = min(b[0] for b in bounds)
    hi = max(b[1] for b in bounds)
    members = []
    for k, (i, a) in enumerate(zip(positions, arrays)):
        start = a.__array_interface__["data"][0] - lo
        if start % size or any(s % size for s in a.strides):
            raise errors.UnsupportedError(
                f"The arguments {', '.join(label())} share memory, and {label()[k]} is not "
                f"aligned on its {a.dtype} elements there: jitflow cannot trace it. Pass a "
                "copy (np.array(...)) of one of them."
            )
        members.append(Member(i, start // size, tuple(s // size for s in a.strides)))
    return Group(tuple(members), (hi - lo) // size)


def describe_change(old: MemoryKey | None, new: MemoryKey | None, names, spec) -> str:
    """Why a call's memory key differs from an earlier one, for ``cache_info()``."""
    from jitflow.tracer.trace import is_traced  # (trace imports this module)

    dyn_names = [n for n, s in zip(names, spec) if is_traced(s)]

    def words(key: MemoryKey | None) -> str:
        if key is None:
            return "C-contiguous arrays, none sharing memory"
        parts = [f"{dyn_names[i]} has strides {s}" for i, s in enumerate(key.layouts)
                 if s is not None and i < len(dyn_names)]
        parts += [" and ".join(dyn_names[m.position] for m in g.members) + " share memory"
                  for g in key.groups]
        return ", ".join(parts) or "C-contiguous arrays, none sharing memory"

    return f"memory: {words(old)} -> {words(new)}"


# -- the call side: segments in, segments back -------------------------------------------------


def element_indices(shape, offset: int, strides) -> np.ndarray:
    """The segment index of every element of an array of ``shape`` at ``offset`` with
    ``strides`` (in elements), shaped like the array."""
    idx = np.full(shape, offset, np.int64)
    for axis, (n, s) in enumerate(zip(shape, strides)):
        step = np.arange(n, dtype=np.int64) * s
        idx += step.reshape((n,) + (1,) * (len(shape) - axis - 1))
    return idx


def has_internal_overlap(a: np.ndarray) -> bool:
    """Whether two elements of ``a`` are the same memory (a stride 0, a sliding window)."""
    if a.flags.c_contiguous or a.flags.f_contiguous or a.size <= 1:
        return False
    axes = sorted((abs(s), n) for s, n in zip(a.strides, a.shape) if n > 1)
    reach = a.itemsize
    for stride, n in axes:  # each axis clears the extent of the finer ones: disjoint
        if stride < reach:
            break
        reach += stride * (n - 1)
    else:
        return False
    offsets = element_indices(a.shape, 0, a.strides).ravel()
    return len(np.unique(offsets)) < offsets.size


class _Memory:
    """An ``__array_interface__`` over caller memory, keeping its owner alive."""

    __slots__ = ("__array_interface__", "owner")


def segment(arrays: list[np.ndarray], group: Group, writeable: bool = False):
    """The caller's memory of ``group`` (its member arrays are ``arrays``) as one 1-D
    array of ``group.size`` elements; through a writeable member when ``writeable`` (None
    when no member is writeable)."""
    pick = next(
        (k for k, a in enumerate(arrays) if not writeable or a.flags.writeable), None
    )
    if pick is None:
        return None
    a, member = arrays[pick], group.members[pick]
    interface = a.__array_interface__
    memory = _Memory()
    memory.owner = a
    memory.__array_interface__ = {
        "data": (interface["data"][0] - member.offset * a.itemsize, not writeable),
        "shape": (group.size,),
        "typestr": interface["typestr"],
        "descr": interface["descr"],
        "version": 3,
    }
    return np.asarray(memory)


def segments(dyn: list, key: MemoryKey | None) -> list[np.ndarray]:
    """The extra traced inputs of a call: one segment per group of ``key``."""
    if key is None:
        return []
    return [segment([dyn[m.position] for m in g.members], g) for g in key.groups]


@dataclasses.dataclass(eq=False)
class SegmentBack:
    """The write-back target of a group: ``leaves`` (each member's leaf index in the call),
    ``written`` (the leaf indices of members written through) and ``covered`` (see
    :func:`covered`)."""

    group: Group
    covered: np.ndarray | None
    leaves: tuple = ()
    written: tuple = ()
    names: tuple = ()

    def label(self, names) -> str:
        return " and ".join(names[m.position] for m in self.group.members)

    def written_by(self, positions: set, leaf_index: list, names) -> SegmentBack:
        return dataclasses.replace(
            self,
            leaves=tuple(leaf_index[m.position] for m in self.group.members),
            names=tuple(names[m.position] for m in self.group.members),
            written=tuple(
                leaf_index[m.position] for m in self.group.members if m.position in positions
            ),
        )


def covered(group: Group, shapes) -> np.ndarray | None:
    """The segment elements some member covers; None when that is all of them (the
    segment is written back whole, otherwise only these, so gaps between members --
    memory no argument shows, maybe not even of this dtype -- are never written)."""
    mask = np.zeros(group.size, bool)
    for m, shape in zip(group.members, shapes):
        mask[element_indices(shape, m.offset, m.strides)] = True
    return None if mask.all() else np.flatnonzero(mask)


def member_lens(member: Member, shape: tuple, layout):
    """The lens reading ``member`` (an argument of ``shape``) out of its segment and
    writing it back: static slices and a transpose when it is a block of the segment
    (``f(x, x)``, ``f(x[:-1], x[1:])``, ``f(x, x.T)``, ``f(x, x[::2])``), else a gather and
    a scatter with its static element indices."""
    from jitflow.ops import constants, indexing
    from jitflow.ops import shape as sh

    size, o = math.prod(shape), member.offset
    strides = [s for n, s in zip(shape, member.strides) if n > 1]
    perm = sorted(range(len(shape)), key=lambda k: -member.strides[k] if shape[k] > 1 else 0)
    block = tuple(shape[k] for k in perm)
    inverse = tuple(int(k) for k in np.argsort(perm))
    if layout_of_strides(block, [member.strides[k] for k in perm]) is None:
        def get(seg):
            flat = sh.slice_(seg, (o,), (o + size,), (1,))
            return sh.transpose(sh.reshape(flat, block), inverse)

        def put(seg, new):
            flat = sh.reshape(sh.transpose(new, perm), (size,))
            return indexing.put_slice(seg, flat, (o,), (1,), (size,))

    elif len(strides) == 1 and strides[0] > 0:
        step = strides[0]

        def get(seg):
            flat = sh.slice_(seg, (o,), (o + (size - 1) * step + 1,), (step,))
            return sh.reshape(flat, shape)

        def put(seg, new):
            return indexing.put_slice(seg, sh.reshape(new, (size,)), (o,), (step,), (size,))

    else:
        idx = element_indices(shape, o, member.strides)

        def get(seg):
            return sh.take(seg, constants.constant(idx), 0)

        def put(seg, new):
            where = constants.constant(idx.reshape(idx.shape + (1,)))
            return sh.scatter(seg, where, new, (0,))

    from jitflow.ops import views

    return views.Lens(get, put, layout)


def layout_of_strides(shape, strides):
    """:func:`layout_of` for element ``strides``: None when C-contiguous."""
    expected = 1
    for n, s in zip(reversed(shape), reversed(strides)):
        if n > 1 and s != expected:
            return tuple(0 if n == 1 else s for n, s in zip(shape, strides))
        expected *= n
    return None
