"""The call signature of a decorated function: which leaves are traced, which are static,
their human names, and how a cache miss is explained (DESIGN decision 6)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

import jax
import jax.tree_util as tree_util
import numpy as np

from jitflow import errors, pytrees
from jitflow.tracer.avals import AbstractArray, check_dtype, type_string
from jitflow.tracer.trace import DYNAMIC, NUMPY_SCALAR, is_traced


class Static:
    """An argument marked static by name or position: keyed by value (by identity when it
    is not hashable, like ``self`` of a method)."""

    __slots__ = ("value", "_key")

    def __init__(self, value):
        self.value = value
        try:
            hash(value)
            self._key = (type(value), value)
        except TypeError:
            self._key = (type(value), id(value))

    def __hash__(self):
        return hash(self._key)

    def __eq__(self, other):
        return isinstance(other, Static) and self._key == other._key


def signature(fn):
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


@functools.lru_cache(maxsize=64)
def flat_tree(n: int):
    return tree_util.tree_structure(((0,) * n, {})), (DYNAMIC,) * n


STATIC_TYPES = (bool, int, str, Static)


def leaf_kind(leaf) -> str:
    if isinstance(leaf, (np.ndarray, jax.Array, float, complex)):
        return "dynamic"
    if isinstance(leaf, np.generic):
        return "static" if isinstance(leaf, str) else "dynamic"
    if isinstance(leaf, STATIC_TYPES):
        return "static"
    if isinstance(leaf, jax.core.Tracer):
        return "dynamic"
    return "invalid"


def check_leaf(leaf, name: str, function: str) -> None:
    """Refuse an argument ``name`` of ``function`` whose dtype XLA cannot hold."""
    dtype = getattr(leaf, "dtype", None)
    if dtype is not None:
        check_dtype(dtype, f"{function}() argument {name}")


def check_subclass(leaf: np.ndarray, name: Callable[[], str], function: str) -> None:
    """Refuse the NumPy subclasses whose operators or values mean something else than an
    ndarray's (``*`` of ``np.matrix`` is a matrix product; a masked array's masked values
    take no part): jitflow would compute the ndarray answer. Other subclasses (np.memmap,
    user subclasses) are traced as the ndarrays they are and written back."""
    if isinstance(leaf, np.matrix):
        what = "an np.matrix, whose operators (* is a matrix product, ** a matrix power) " \
            "and results (always 2-d) differ from an ndarray's"
        way = "np.asarray(...) it and use @ for the matrix product"
    elif isinstance(leaf, np.ma.MaskedArray):
        what = "a masked array (np.ma), whose masked values take no part in its operations"
        way = "pass x.filled(value) or np.ma.getdata(x) with the mask as its own array"
    else:
        return
    raise errors.UnsupportedError(
        f"{function}() argument {name()} is {what}; jitflow computes on plain ndarrays and "
        f"would give an ndarray's answer. Convert it first: {way}."
    )


def aval_of(leaf) -> AbstractArray:
    if type(leaf) is float:  # exact: np.float64 subclasses float but is not weak
        return AbstractArray((), np.dtype(np.float64), True)
    if type(leaf) is complex:
        return AbstractArray((), np.dtype(np.complex128), True)
    aval = getattr(leaf, "aval", None)
    if aval is not None:
        return AbstractArray(tuple(aval.shape), np.dtype(aval.dtype), bool(aval.weak_type))
    arr = np.asarray(leaf)
    return AbstractArray(arr.shape, arr.dtype)


def leaf_names(in_tree, signature) -> list[str]:
    """Human names for each leaf: ``x``, ``params['w']``, ``args[2]``."""
    placeholder = tree_util.tree_unflatten(in_tree, list(range(in_tree.num_leaves)))
    args, kwargs = placeholder
    params = list(signature.parameters) if signature else []
    names = [""] * in_tree.num_leaves
    for path, idx in pytrees.flatten_with_path((args, kwargs))[0]:
        (where, *rest) = path
        top = path[1] if len(path) > 1 else None
        if where.idx == 0 and top is not None:
            pos = top.idx
            named = pos < len(params) and "*" not in str(signature.parameters[params[pos]])
            base = params[pos] if named else f"args[{pos}]"
            tail = rest[1:]
        else:
            base = top.key if top is not None else "?"
            tail = rest[1:]
        names[idx] = base + "".join(str(k) for k in tail)
    return names


def describe_leaves(spec, avals) -> list[str]:
    it = iter(avals)
    out = []
    for s in spec:
        if is_traced(s):
            scalar = " (a NumPy scalar)" if s is NUMPY_SCALAR else ""
            out.append(type_string(next(it)) + scalar)
        else:
            value = s[1].value if s[0] is Static else s[1]
            out.append(f"{type(value).__name__} {value!r}")
    return out
