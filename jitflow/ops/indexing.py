"""NumPy indexing on traced arrays: ``x[index]`` and ``x[index] = value``.

Basic indexing (integers, slices with any step, ``None``, ``...``) returns a *view*, as in
NumPy: a lens (:mod:`jitflow.ops.views`) made of a static slice, a reverse for negative
steps, a dynamic slice for traced integers and a reshape that drops integer-indexed axes
and inserts new ones. Writing (``x[1:-1] = v``, ``v = x[::2]; v *= 3``) goes back through
the same lens into the base.

Traced 0-d integers index through ``dynamic_slice``/``dynamic_update_slice``; negatives
wrap as in NumPy. XLA would clamp an out-of-range traced index into the array, so the
program checks it and the call raises NumPy's IndexError (:mod:`jitflow.ops.checks`),
unless its range is known while tracing (:mod:`jitflow.ops.bounds`: a loop counter).
Integer arrays and static boolean masks (advanced indexing) go through gather/scatter
(:mod:`jitflow.ops.advanced_indexing`), with the same checks.
"""

from __future__ import annotations

import dataclasses
import math
import operator

import numpy as np

from jitflow import errors
from jitflow.ops import bounds, checks
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops import views
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.tracer.array import Tracer
from jitflow.tracer.context import record_write
from jitflow.tracer.ir import Value
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line

_VALID = (
    "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or "
    "boolean arrays are valid indices"
)


def index_error(msg: str) -> errors.IndexingError:
    return errors.IndexingError(at_user_line(msg))


# -- parsing ------------------------------------------------------------------------------
# An index becomes a list of entries, one per item after the ellipsis is expanded:
#   ("new",)          None / np.newaxis             -> inserts an axis
#   ("slice", s)      a slice (static bounds)       -> consumes an axis
#   ("int", i)        a static integer              -> consumes an axis
#   ("dyn", value)    a traced 0-d integer          -> consumes an axis
#   ("array", a)      an integer array (static ndarray or traced Value), advanced
#   ("mask", m)       a boolean array, consumes m.ndim axes, advanced


def _classify(item):
    if item is None:
        return ("new",)
    if item is Ellipsis:
        return ("ellipsis",)
    if isinstance(item, slice):
        return ("slice", _static_slice(item))
    if isinstance(item, Tracer):
        dtype = item.dtype
        if dtype == np.bool_:
            return ("mask", item.value)
        if dtype.kind not in "iu":
            raise index_error(f"{_VALID}; got a traced array of dtype {dtype}")
        return ("dyn", item.value) if item.ndim == 0 else ("array", item.value)
    if isinstance(item, (bool, np.bool_)):
        return ("mask", np.asarray(item))
    if isinstance(item, (list, tuple, np.ndarray)):  # (a tuple inside the index is a list)
        arr = np.asarray(item)
        if arr.dtype == np.bool_:
            return ("mask", arr)
        if arr.size == 0 and arr.dtype == np.float64 and isinstance(item, list):
            arr = arr.astype(np.intp)  # NumPy treats [] as an empty integer index
        if arr.dtype.kind not in "iu":
            raise index_error(f"{_VALID}; got an array of dtype {arr.dtype}")
        return ("int", int(arr)) if arr.ndim == 0 else ("array", arr)
    try:
        return ("int", operator.index(item))
    except TypeError:
        raise index_error(f"{_VALID}; got {type(item).__name__} {item!r}") from None


def _static_slice(s: slice) -> slice:
    for bound in (s.start, s.stop, s.step):
        if isinstance(bound, Tracer):
            raise errors.UnsupportedError(
                at_user_line(
                    "A slice bound is a traced value; slices must have static bounds because "
                    "the result's shape depends on them. Pass the bound as a static argument "
                    "(static_argnames=...); a traced integer can select one element (x[i]) or "
                    "mask the rest (np.where(np.arange(n) >= i, x, 0))."
                )
            )
    try:
        return slice(*(None if b is None else operator.index(b) for b in (s.start, s.stop, s.step)))
    except TypeError:
        raise index_error(
            "slice indices must be integers or None or have an __index__ method"
        ) from None


def parse(index, ndim: int) -> list[tuple]:
    """The entries of ``index`` for an array of ``ndim`` axes, ellipsis expanded."""
    items = index if isinstance(index, tuple) else (index,)
    entries = [_classify(item) for item in items]
    n_ellipsis = sum(e[0] == "ellipsis" for e in entries)
    if n_ellipsis > 1:
        raise index_error("an index can only have a single ellipsis ('...')")
    consumed = sum(_consumes(e) for e in entries)
    if consumed > ndim:
        raise index_error(
            f"too many indices for array: array is {ndim}-dimensional, but {consumed} were "
            "indexed"
        )
    fill = [("slice", slice(None))] * (ndim - consumed)
    if n_ellipsis:
        at = next(i for i, e in enumerate(entries) if e[0] == "ellipsis")
        entries[at : at + 1] = fill
    else:
        entries += fill
    return entries


def _consumes(entry) -> int:
    kind = entry[0]
    if kind == "mask":
        return entry[1].ndim
    return 0 if kind in ("new", "ellipsis") else 1


def is_advanced(entries) -> bool:
    return any(e[0] in ("array", "mask") for e in entries)


def is_scalar(index, entries) -> bool:
    """NumPy returns a scalar (a copy, not a view) when every axis takes an integer."""
    items = index if isinstance(index, tuple) else (index,)
    # (`is`, not `in`: `in` would compare traced items with == and trace a comparison)
    return not any(it is Ellipsis for it in items) and all(e[0] in ("int", "dyn") for e in entries)


# -- basic indexing as a lens -------------------------------------------------------------


@dataclasses.dataclass
class BasicIndex:
    """A basic index resolved against a shape: static slice, reverse, dynamic slice,
    reshape (see the module docstring). ``fake_index`` replays it on a layout fake."""

    starts: tuple
    limits: tuple
    strides: tuple
    counts: tuple
    reverse: tuple
    dynamic: dict
    sliced_shape: tuple
    out_shape: tuple
    fake_index: tuple

    def get(self, base: Value) -> Value:
        v = sh.rev(sh.slice_(base, self.starts, self.limits, self.strides), self.reverse)
        if self.dynamic:
            v = sh.dynamic_slice(v, self._dynamic_starts(), self.sliced_shape)
        return sh.reshape(v, self.out_shape)

    def put(self, base: Value, new: Value) -> Value:
        new = sh.reshape(new, self.sliced_shape)
        if self.dynamic:
            current = sh.rev(sh.slice_(base, self.starts, self.limits, self.strides), self.reverse)
            new = sh.dynamic_update_slice(current, new, self._dynamic_starts())
        return put_slice(base, sh.rev(new, self.reverse), self.starts, self.strides, self.counts)

    def _dynamic_starts(self) -> list[Value]:
        zero = constant(np.int64(0))
        return [self.dynamic.get(d, zero) for d in range(len(self.starts))]


def basic_index(entries, shape) -> BasicIndex:
    """Resolve basic ``entries`` (no advanced ones) against ``shape``."""
    starts, limits, strides, counts, reverse = [], [], [], [], []
    dynamic, sliced, out, fake_index = {}, [], [], []
    dim = 0
    for entry in entries:
        kind = entry[0]
        if kind == "new":
            out.append(1)
            fake_index.append(None)
            continue
        n = shape[dim]
        if kind == "int":
            i = normalize_index(entry[1], n, dim)
            starts.append(i), limits.append(i + 1), strides.append(1), counts.append(1)
            sliced.append(1)
            fake_index.append(i)
        elif kind == "dyn":
            if n == 0:
                raise index_error(f"index is out of bounds for axis {dim} with size 0")
            starts.append(0), limits.append(n), strides.append(1), counts.append(n)
            dynamic[dim] = wrap_index(entry[1], n, dim)
            sliced.append(1)
            fake_index.append(0)
        else:
            start, limit, stride, count, rev = _slice_bounds(entry[1], n)
            starts.append(start), limits.append(limit), strides.append(stride)
            counts.append(count)
            if rev:
                reverse.append(dim)
            sliced.append(count)
            out.append(count)
            fake_index.append(entry[1])
        dim += 1
    return BasicIndex(
        tuple(starts), tuple(limits), tuple(strides), tuple(counts), tuple(reverse), dynamic,
        tuple(sliced), tuple(out), tuple(fake_index),
    )


def _slice_bounds(s: slice, n: int):
    """(start, limit, positive stride, count, reversed) of slice ``s`` on an axis of n."""
    if s.step == 0:
        raise errors.ShapeError(at_user_line("slice step cannot be zero"))
    r = range(*s.indices(n))
    if len(r) == 0:
        return 0, 0, 1, 0, False
    if r.step > 0:
        return r[0], r[-1] + 1, r.step, len(r), False
    # Negative step: slice forward from the last element taken, then reverse.
    return r[-1], r[0] + 1, -r.step, len(r), True


def normalize_index(i: int, n: int, axis: int) -> int:
    """A static integer index as NumPy checks it (negative from the end)."""
    if not -n <= i < n:
        raise index_error(f"index {i} is out of bounds for axis {axis} with size {n}")
    return i + n if i < 0 else i


def wrap_index(v: Value, n: int, axis: int) -> Value:
    """A traced integer index as int64, negatives counted from the end (NumPy's rule),
    checked at run time to lie in [-n, n) unless its range is known to."""
    lo, hi = bounds.static_bounds(v)
    if v.dtype == np.uint64 and (hi is None or hi >= 2**63):
        if v.ndim == 0:
            checks.check_index_fits(v)
        lo = hi = None  # as int64 (NumPy's intp), an index array of them wraps
    v = ew.convert(v, np.int64)
    if lo is None or hi is None or lo < -n or hi >= n:
        checks.check_index(v, n, axis)
    if lo is not None and lo >= 0:
        return v
    shifted = ew.apply(ew.add_p, v, constant(np.full(v.shape, n, np.int64)))
    if hi is not None and hi < 0:  # always from the end (x[-i - 1] in a loop over i)
        return shifted
    negative = ew.compare(v, constant(np.zeros(v.shape, np.int64)), "LT")
    return ew.select(negative, shifted, v)


def put_slice(base: Value, new: Value, starts, strides, counts) -> Value:
    """``base`` with the static strided slice (starts, strides, counts) replaced by new."""
    if tuple(counts) == base.shape and set(strides) <= {1}:
        return new
    if 0 in counts:
        return base
    if set(strides) <= {1} and 2 * math.prod(new.shape) < math.prod(base.shape):
        return sh.dynamic_update_slice(base, new, [constant(np.int64(s)) for s in starts])
    # Strided, or most of the array: spread `new` over the base's shape (padding, interior
    # padding for steps), then select. For a large slice this is one fused pass that reads
    # `base` and writes a new buffer; an in-place dynamic_update_slice of a value computed
    # from `base` (a stencil's `u[1:-1, 1:-1] = f(u)`) first copies every slice of `base`
    # it reads: 3x slower for a 512x512 stencil. A small slice stays an in-place update.
    high = [n - (s + (c - 1) * st + 1) for n, s, st, c in zip(base.shape, starts, strides, counts)]
    interior = [st - 1 for st in strides]
    zero = constant(np.zeros((), base.dtype))
    spread = sh.pad(new, zero, starts, high, interior)
    ones = sh.broadcast_to(constant(np.True_), new.shape)
    mask = sh.pad(ones, constant(np.False_), starts, high, interior)
    return ew.select(mask, spread, base)


# -- assignment values ------------------------------------------------------------------


def _check_element_value(value) -> None:
    """``x[i, j] = value`` with an integer for every axis writes one element, which NumPy
    fills with a scalar only: a value with axes, even of size 1 (``keepdims=True``), is
    refused there, though ``x[i:i+1] = value`` would broadcast it."""
    if isinstance(value, (list, tuple)):
        shape = f"a {type(value).__name__}"
    elif isinstance(value, (Tracer, Value, np.ndarray)) and len(value.shape):
        shape = f"shape {tuple(value.shape)}"
    else:
        return
    raise errors.ShapeError(at_user_line(
        f"setting an array element with a sequence: x[i] with an integer per axis is one "
        f"element, and the value is {shape} (NumPy refuses it too). Index the value down "
        "to a scalar (value.item(), value[0, 0]) or assign into a slice (x[i:i+1] = value)."
    ))


def assignment_value(value, dtype, shape) -> Value:
    """``value`` cast and broadcast as NumPy does for ``x[...] = value``.

    Arrays and traced values are cast unsafely (``a[0] = 1.7`` gives 1 in an int array);
    Python scalars are converted as NumPy converts them, which refuses out-of-range
    integers (OverflowError), NaN into integers and complex into real numbers.
    """
    if isinstance(value, (Tracer, Value)):
        v = ew.convert(to_value(value), dtype)
    else:
        v = constant(static_cast(value, dtype))
    while v.ndim > len(shape) and v.shape[0] == 1:
        v = sh.reshape(v, v.shape[1:])  # NumPy drops leading length-1 axes of the value
    try:
        return sh.broadcast_to(v, shape)
    except errors.ShapeError:
        raise errors.ShapeError(
            at_user_line(
                f"could not broadcast input array from shape {v.shape} into shape "
                f"{tuple(shape)}"
            )
        ) from None


def static_cast(value, dtype) -> np.ndarray:
    """A static value converted to ``dtype`` by NumPy's own assignment rules."""
    try:
        out = np.empty(np.shape(value), dtype)
        out[...] = value
    except (OverflowError, ValueError, TypeError) as e:
        if isinstance(e, errors.JitflowError):
            raise
        cls = errors.DTypeError if isinstance(e, TypeError) else errors.like_numpy(
            e, errors.InvalidValueError)  # NaN into an int: ValueError; -1 into uint8: Overflow
        raise cls(
            at_user_line(f"Cannot assign {value!r} to an array of dtype {dtype}: {e} (NumPy "
                         "refuses it too).")
        ) from None
    return out


# -- the NumPy entry points -------------------------------------------------------------


@implements(operator.getitem)
def getitem(x, index):
    """``x[index]``: a view for basic indices, a copy for scalars and advanced indices."""
    x = x if isinstance(x, Tracer) else wrap(to_value(x))
    entries = parse(index, x.ndim)
    if is_advanced(entries):
        return wrap(advanced_indexing.gather_index(x.value, entries))
    b = basic_index(entries, x.shape)
    if is_scalar(index, entries):
        return wrap(b.get(x.value), scalar=True)
    if x._scalar:  # ``s[...]`` of a NumPy scalar: a new array (the scalar is immutable)
        return wrap(b.get(x.value), array=True)
    # (The trailing ellipsis keeps a 0-d result a view: the fake's memory is never read.)
    layout = views.layout(x)[b.fake_index + (Ellipsis,)]
    return x.make_view(views.Lens(b.get, b.put, layout, key=b))


@implements(operator.setitem)
def setitem(x: Tracer, index, value) -> None:
    """``x[index] = value``: the new value is written into ``x`` (and its base)."""
    entries = parse(index, x.ndim)
    record_write(x)
    if is_advanced(entries):
        x.assign(advanced_indexing.scatter_index(x.value, entries, value))
        return
    b = basic_index(entries, x.shape)  # (an index out of bounds is NumPy's first error)
    if is_scalar(index, entries):
        _check_element_value(value)
    if views.holds_base_data(value, x, b):
        return  # x[i] op= v: the view already wrote through
    new = assignment_value(value, x.dtype, b.out_shape)
    x.assign(b.put(x.value, new))


from jitflow.ops import advanced_indexing  # noqa: E402  (it builds on the helpers above)
