"""``a.flat`` of a traced array: NumPy's flat iterator, for reading and writing.

NumPy's ``a.flat`` walks ``a`` in C order whatever its memory layout (a transposed array
too). Reading ``a.flat[i]`` gives an element, any other index a new 1-d array (a copy,
never a view). Writing ``a.flat[idx] = v`` writes into ``a``, with ``v`` flattened and
repeated as often as the selection needs (``a.flat[:] = [1, 2]`` fills 1, 2, 1, 2, ...).
Here both go through a C-order copy of ``a`` flattened; a write then assigns the whole of
``a`` from it, which writes through ``a`` as ``a[...] = ...`` does (to the caller's array
when ``a`` is an argument).
"""

from __future__ import annotations

import numpy as np

from jitflow import errors
from jitflow.tracer.numpy_api import call
from jitflow.tracer.source import at_user_line


def _flat_index(index):
    """``index`` as an index into the flattened array: the iterator is 1-dimensional."""
    if isinstance(index, tuple):
        if len(index) != 1:
            raise errors.IndexingError(at_user_line(
                f"too many indices for flat iterator: flat iterator is 1-dimensional, but "
                f"{len(index)} were indexed (as in NumPy). Index a.flat with one index."))
        index = index[0]
    return index


class FlatIter:
    """What ``a.flat`` returns for a traced ``a`` (see the module docstring)."""

    __slots__ = ("base",)

    def __init__(self, base):
        self.base = base

    def __len__(self) -> int:
        return self.base.size

    def __iter__(self):
        return iter(self.copy())

    def copy(self):
        """``a.flat.copy()``: the elements in C order, as a new 1-d array."""
        return call(np.ravel, self.base).copy()

    def __getitem__(self, index):
        out = self.copy()[_flat_index(index)]
        return out if out.ndim == 0 else out.copy()

    def __setitem__(self, index, value) -> None:
        index = _flat_index(index)
        flat = self.copy()
        n = flat[index].size
        values = np.ravel(value)
        if values.size != n and values.size:  # NumPy repeats the values to fill
            values = values[np.arange(n) % values.size]
        flat[index] = values.reshape(flat[index].shape)
        self.base[...] = flat.reshape(self.base.shape)
