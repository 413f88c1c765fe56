"""Advanced indexing: integer arrays and boolean masks, through gather and scatter.

NumPy's rules, as implemented here:

* Integer arrays (static or traced) and the integers next to them form one *advanced
  group*; their shapes broadcast together to ``B``. The indexed axes are replaced by ``B``
  at the position of the first of them when the group is contiguous in the index
  (``x[:, [0, 1], 2]``), and at the front otherwise (``x[[0, 1], :, 2]``).
* A static boolean mask is its ``np.nonzero`` indices. A traced mask gives a shape that
  depends on the data, so it can only be *written* through (``x[x > 0] = 0``, a select);
  reading ``x[mask]`` raises an error that points at ``np.where``.
* Results are copies, never views.
* Writes with repeated indices keep the last value written, as NumPy does. XLA's scatter
  leaves the winner unspecified, so the duplicates are sent out of bounds (where scatter
  skips them): decided at trace time for static indices, with a max-scatter of positions
  for traced ones.

Out-of-range indices raise NumPy's IndexError (as :class:`~jitflow.errors.IndexingError`):
static ones while tracing, traced ones when the call returns (checked by the program,
:mod:`jitflow.ops.checks`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant
from jitflow.ops.indexing import (
    BasicIndex, assignment_value, basic_index, index_error, normalize_index, wrap_index,
)
from jitflow.tracer.ir import Value
from jitflow.tracer.source import at_user_line


@dataclasses.dataclass
class _Plan:
    """Basic part (a lens, advanced axes left whole), then a gather over ``axes``."""

    basic: BasicIndex
    axes: tuple  # the advanced axes, in the basic part's result
    batch: tuple  # B, the broadcast shape of the index arrays
    idx: Value  # int64 indices, shape B + (len(axes),)
    static_idx: np.ndarray | None  # the same, when every index is static
    adjacent: bool  # whether B replaces the axes in place (else it goes first)


def _expand_static_masks(entries, shape) -> list[tuple]:
    out, dim = [], 0
    for e in entries:
        if e[0] == "mask" and not isinstance(e[1], Value):
            mask = e[1]
            if mask.ndim == 0:
                raise _unsupported_scalar_mask()
            for axis, (m, n) in enumerate(zip(mask.shape, shape[dim:]), start=dim):
                if m != n:
                    raise index_error(
                        f"boolean index did not match indexed array along axis {axis}; size "
                        f"of axis is {n} but size of corresponding boolean axis is {m}"
                    )
            out += [("array", i) for i in np.nonzero(mask)]
            dim += mask.ndim
        else:
            out.append(e)
            dim += 0 if e[0] == "new" else (e[1].ndim if e[0] == "mask" else 1)
    return out


def _plan(entries, shape) -> _Plan:
    basic, adv, dims = [], [], []
    dim = 0
    for e in entries:
        if e[0] in ("array", "int", "dyn"):
            adv.append((len(basic), e))
            dims.append(dim)
            basic.append(("slice", slice(None)))
        else:
            basic.append(e)
        dim += e[0] != "new"
    b = basic_index(basic, shape)
    axes = tuple(a for a, _ in adv)
    indices = [_index_array(e, b.out_shape[a], d) for (a, e), d in zip(adv, dims)]
    try:
        batch = tuple(np.broadcast_shapes(*(np.shape(i) if not isinstance(i, Value) else i.shape
                                            for i in indices)))
    except ValueError:
        shown = " ".join(str(i.shape) for i in indices)
        raise index_error(
            f"shape mismatch: indexing arrays could not be broadcast together with shapes {shown}"
        ) from None
    static = None
    if not any(isinstance(i, Value) for i in indices):
        static = np.stack([np.broadcast_to(i, batch) for i in indices], axis=-1)
        idx = constant(static)
    else:
        cols = [constant(i) if not isinstance(i, Value) else i for i in indices]
        cols = [sh.reshape(sh.broadcast_to(c, batch), batch + (1,)) for c in cols]
        idx = sh.concatenate(cols, axis=len(batch))
    adjacent = axes == tuple(range(axes[0], axes[0] + len(axes)))
    return _Plan(b, axes, batch, idx, static, adjacent)


def _index_array(entry, n: int, dim: int):
    """One advanced index as int64 in [0, n): a NumPy array (checked) or a traced Value."""
    kind, item = entry
    if kind == "int":
        return np.int64(normalize_index(item, n, dim))
    if isinstance(item, Value):
        return wrap_index(item, n, dim)
    bad = (item < -n) | (item >= n)
    if bad.any():
        first = item[bad].flat[0]
        raise index_error(f"index {first} is out of bounds for axis {dim} with size {n}")
    return np.where(item < 0, item + n, item).astype(np.int64)


def _front(ndim: int, first: int, nbatch: int) -> list[int]:
    """The permutation that moves axes [first, first + nbatch) to the front."""
    moved = list(range(first, first + nbatch))
    return moved + [d for d in range(ndim) if d not in moved]


def gather_index(x: Value, entries) -> Value:
    """``x[index]`` for an index with advanced entries (a copy)."""
    if any(e[0] == "mask" and isinstance(e[1], Value) for e in entries):
        raise errors.UnsupportedError(
            at_user_line(
                "Indexing with a traced boolean mask (x[mask]) gives a result whose shape "
                "depends on the data, which XLA cannot compile. Keep the shape with "
                "np.where(mask, x, 0) (or another fill value), or reduce directly "
                "(np.sum(np.where(mask, x, 0))); writing x[mask] = v is supported."
            )
        )
    plan = _plan(_expand_static_masks(entries, x.shape), x.shape)
    out = sh.gather(plan.basic.get(x), plan.idx, plan.axes)
    if not plan.adjacent:
        out = sh.transpose(out, _front(out.ndim, plan.axes[0], len(plan.batch)))
    return out


def scatter_index(x: Value, entries, value, mode: str = "set") -> Value:
    """The new value of ``x`` after ``x[index] = value`` with advanced entries; with
    ``mode`` "add", "mul", "max" or "min", after ``np.add.at(x, index, value)`` and the
    like, where every repeated index combines (nothing is overwritten)."""
    if any(e[0] == "mask" and isinstance(e[1], Value) for e in entries):
        if mode != "set":
            raise errors.UnsupportedError(
                at_user_line(
                    "ufunc.at with a traced boolean mask is not supported (the number of "
                    "selected elements depends on the data). Write it as "
                    "x = np.where(mask, x + value, x)."
                )
            )
        return _set_where(x, entries, value)
    plan = _plan(_expand_static_masks(entries, x.shape), x.shape)
    y = plan.basic.get(x)
    first, nb = plan.axes[0], len(plan.batch)
    kept = [n for d, n in enumerate(y.shape) if d not in plan.axes]
    gathered = tuple(kept[:first]) + plan.batch + tuple(kept[first:])
    if plan.adjacent:
        updates = assignment_value(value, x.dtype, gathered)
    else:
        updates = assignment_value(value, x.dtype, plan.batch + tuple(kept))
        updates = sh.transpose(updates, np.argsort(_front(len(gathered), first, nb)))
    idx = _last_wins(plan, y.shape) if mode == "set" else plan.idx
    return plan.basic.put(x, sh.scatter(y, idx, updates, plan.axes, mode))


def _last_wins(plan: _Plan, shape) -> Value:
    """The indices with every repeated target but its last write sent out of bounds."""
    sizes = [shape[a] for a in plan.axes]
    k = len(plan.axes)
    out_of_bounds = max(sizes)  # >= every indexed axis's size: scatter skips it
    if plan.static_idx is not None:
        flat = plan.static_idx.reshape(-1, k)
        if flat.shape[0] == 0:
            return plan.idx
        linear = np.ravel_multi_index(tuple(flat.T), sizes)
        _, first_from_end = np.unique(linear[::-1], return_index=True)
        if len(first_from_end) == len(linear):
            return plan.idx
        keep = np.zeros(len(linear), bool)
        keep[len(linear) - 1 - first_from_end] = True
        flat = np.where(keep[:, None], flat, out_of_bounds)
        return constant(flat.reshape(plan.static_idx.shape))
    # Traced: each target keeps the largest position written to it (a max-scatter).
    positions = sh.reshape(sh.iota(np.int64, (int(np.prod(plan.batch)),), 0), plan.batch)
    winner = sh.broadcast_to(constant(np.int64(-1)), sizes)
    winner = sh.scatter(winner, plan.idx, positions, tuple(range(k)), "max")
    keep = ew.compare(sh.gather(winner, plan.idx, tuple(range(k))), positions, "EQ")
    keep = sh.broadcast_in_dim(keep, plan.idx.shape, tuple(range(len(plan.batch))))
    far = sh.broadcast_to(constant(np.int64(out_of_bounds)), plan.idx.shape)
    return ew.select(keep, plan.idx, far)


def _set_where(x: Value, entries, value) -> Value:
    """``x[mask] = value`` for one traced boolean mask: a select, no data-dependent shape."""
    masks = [i for i, e in enumerate(entries) if e[0] == "mask"]
    mask = entries[masks[0]][1]
    if len(masks) > 1 or mask.ndim == 0 or any(e[0] == "array" for e in entries):
        raise errors.UnsupportedError(
            at_user_line(
                "Assignment through a traced boolean mask is supported for one mask of at "
                "least one dimension, combined only with slices, integers, None or '...'. "
                "Write it as x = np.where(mask, value, x)."
            )
        )
    at = masks[0]
    full = [("slice", slice(None))] * mask.ndim
    b = basic_index(entries[:at] + full + entries[at + 1 :], x.shape)
    y = b.get(x)
    p = sum(e[0] in ("new", "slice") for e in entries[:at])
    if y.shape[p : p + mask.ndim] != mask.shape:
        raise index_error(
            f"boolean index of shape {mask.shape} did not match the indexed array's axes "
            f"{y.shape[p : p + mask.ndim]}"
        )
    rest = y.shape[p + mask.ndim :]
    if any(e[0] in ("int", "dyn") for e in entries):
        rest = ()  # the mask joins the integers' group: only a single value is well placed
    v = sh.broadcast_to(assignment_value(value, x.dtype, rest), y.shape)
    m = sh.broadcast_in_dim(mask, y.shape, tuple(range(p, p + mask.ndim)))
    return b.put(x, ew.select(m, v, y))


def _unsupported_scalar_mask():
    return errors.UnsupportedError(
        at_user_line(
            "Indexing with a boolean scalar (x[True], x[False]) is not supported by jitflow; "
            "use x[None] (or np.expand_dims) for the True case."
        )
    )
