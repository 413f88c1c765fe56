"""Views: lenses that read a view out of its base and write a new view back into it.

NumPy's basic slicing, ``.T``, ``transpose``, ``reshape`` (when no copy is needed) and a
few more return *views*: writing through one changes its base. jitflow's tracers are
handles on immutable SSA values (DESIGN decision 4), so a view is a handle whose value is
derived from its parent through a lens (see :mod:`jitflow.tracer.array`):

* ``get(base) -> view``: compute the view's value from the base's current value;
* ``put(base, view) -> base``: the base's new value after the view was overwritten.

Whether NumPy returns a view or a copy sometimes depends on memory layout (``reshape`` of
``a[::2]`` copies, of ``a[1:]`` does not). Each lens therefore carries ``layout``: a NumPy
array with the view's strides over a one-byte buffer. NumPy itself is asked, on these
fakes, whether a reshape can be done without a copy (``copy=False`` never touches the
buffer), so the answer is NumPy's. Results of computations are modelled as C-contiguous
(NumPy sometimes gives F-ordered results, e.g. ``a.T + 1``; reshaping those copies in
NumPy and is a view here, which only matters if the reshaped result is then written).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from jitflow import errors
from jitflow.tracer.array import Tracer
from jitflow.tracer.ir import Value
from jitflow.tracer.source import at_user_line

_BUFFER = np.zeros(1, np.uint8)


def fake(shape, strides=None) -> np.ndarray:
    """A read-only array of ``shape`` over a one-byte buffer (C-contiguous strides by default).

    Only ever used for shape and stride computations, never read.
    """
    shape = tuple(shape)
    if strides is None:
        strides, step = [], 1
        for d in reversed(shape):
            strides.insert(0, step)
            step *= max(d, 1)
    return as_strided(_BUFFER, shape, tuple(strides), writeable=False)


def layout(t: Tracer) -> np.ndarray:
    """The fake array modelling ``t``'s memory layout (its lens's, or C-contiguous)."""
    lens = t._lens
    if lens is not None and getattr(lens, "layout", None) is not None:
        return lens.layout
    return fake(t.shape)


class Lens:
    """A view through two functions on values; ``layout`` models the view's strides and
    ``key`` (optional, compared with ==) identifies the index the view was made with."""

    __slots__ = ("get", "put", "layout", "key")

    def __init__(self, get, put, layout: np.ndarray | None = None, key=None):
        self.get = get
        self.put = put
        self.layout = layout
        self.key = key


def holds_base_data(value, base: Tracer, key) -> bool:
    """Whether ``value`` is a view of ``base`` made with ``key`` and up to date with it.

    ``x[i] += 1`` runs as ``v = x[i]; v += 1; x[i] = v``: the in-place operator already
    wrote through the view, so the assignment would write the same data a second time.
    """
    if not isinstance(value, Tracer) or value._parent is not base or key is None:
        return False
    return value._lens.key == key and value._seen is base.value


def view(t: Tracer, get, put, layout=None) -> Tracer:
    """A view of ``t`` (``get``/``put`` as in :class:`Lens`)."""
    return t.make_view(Lens(get, put, layout))


def read_only_view(t: Tracer, get, what: str, layout=None) -> Tracer:
    """A view that refuses writes, like the read-only views NumPy returns."""

    def put(base: Value, new: Value) -> Value:
        raise errors.ReadOnlyError(
            at_user_line(
                f"assignment destination is read-only: the result of {what} is a read-only "
                "view (as in NumPy). Copy it first (np.copy, or .copy()) to write into it."
            )
        )

    put.read_only = True  # (jitflow.returned: a result that is such a view is a copy)
    return t.make_view(Lens(get, put, layout))
