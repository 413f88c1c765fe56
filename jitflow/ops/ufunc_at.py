"""``np.add.at(a, indices, b)`` and its siblings: unbuffered in-place updates.

Unlike ``a[indices] += b``, where a repeated index is written once (the last write wins),
``ufunc.at`` applies the operation once per occurrence, so repeated indices accumulate:
the way NumPy code builds histograms and per-group sums (``np.add.at(sums, labels, x)``).
Each becomes one XLA scatter whose update combines with the old value (add, multiply,
maximum, minimum), which handles repeated indices the same way, in any order.

Semantics kept from NumPy: ``b`` broadcasts to the indexed shape; ``a`` keeps its dtype
(``b`` is cast to it; a cast NumPy would refuse under ``same_kind`` is refused, see below);
the call returns None and updates ``a`` in place, views and write-back included.

Where jitflow differs: ``a`` must be a traced array when this runs. A NumPy array the
function made (``sums = np.zeros((k, d))``) is one by then: AutoGraph rewrites the
statement so that the name is rebound to a traced copy
(:mod:`jitflow.autograph.item_assignment`); a global, an attribute, or any call with
``autograph=False`` is refused. An integer ``a`` with float values is refused rather than
truncated after each step.
"""

from __future__ import annotations

import numpy as np

from jitflow import errors
from jitflow.ops import advanced_indexing
from jitflow.ops.constants import to_value
from jitflow.ops.indexing import is_advanced, parse
from jitflow.tracer.array import Tracer, register_ufunc_method
from jitflow.tracer.context import record_write
from jitflow.tracer.numpy_api import call
from jitflow.tracer.source import at_user_line

# ufunc -> (scatter combine mode, whether the values are negated first)
_MODES = {
    np.add: ("add", False),
    np.subtract: ("add", True),
    np.multiply: ("mul", False),
    np.maximum: ("max", False),
    np.minimum: ("min", False),
}


def _at(ufunc, mode: str, negate: bool):
    name = f"np.{ufunc.__name__}.at"

    def at(a, indices, b=None):
        if b is None:
            raise errors.UnsupportedError(at_user_line(f"{name} needs values (a third argument)."))
        if not isinstance(a, Tracer):
            raise errors.UnsupportedError(
                at_user_line(
                    f"{name} into a NumPy array ({type(a).__name__}) with traced indices or "
                    "values: the compiled program cannot write into an array made by NumPy. "
                    "Hold the array in a local variable of the decorated function (AutoGraph "
                    "then makes it traced), or make it from a traced one, e.g. "
                    "np.zeros_like(x, shape=(k, d))."
                )
            )
        values = to_value(b)
        if not np.can_cast(values.dtype, a.dtype, "same_kind"):
            raise errors.DTypeError(
                at_user_line(
                    f"{name}: values of dtype {values.dtype} into an array of dtype {a.dtype}. "
                    f"NumPy computes each step in {values.dtype} and casts it back; jitflow "
                    f"does not. Cast the values (b.astype({a.dtype.name})) or the array first."
                )
            )
        entries = parse(indices, a.ndim)
        if not is_advanced(entries):
            # Slices and integers select each element once: a plain read-modify-write.
            a[indices] = call(ufunc, a[indices], b)
            return None
        if negate:
            values = to_value(call(np.negative, b))
        record_write(a)
        a.assign(advanced_indexing.scatter_index(a.value, entries, values, mode))
        return None

    return at


for _ufunc, (_mode, _negate) in _MODES.items():
    register_ufunc_method(_ufunc, "at", _at(_ufunc, _mode, _negate))
