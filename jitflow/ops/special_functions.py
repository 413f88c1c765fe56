"""Special elementwise functions written as NumPy's recipes over traced arrays: ``np.sinc``
and ``np.piecewise`` (``np.heaviside`` is a ufunc: :mod:`jitflow.ops.ufunc_math`).

``np.piecewise`` differs from NumPy in *how*, not in what: NumPy calls each function on
``x[cond]``, a data-dependent number of elements that a compiled program cannot have, so
here each function is called on the whole of ``x`` and its values are kept where its
condition holds (``np.where``). For elementwise functions (the documented use) the values
are NumPy's; a function that mixes elements (``np.sum``, ``np.cumsum``) would see all of
``x``, so piecewise's functions must be elementwise. And each function is called even
where its condition holds nowhere (NumPy skips it there): a function that NumPy would
never reach but that refuses x's dtype (``-x`` of bools) raises here.
"""

from __future__ import annotations

import numpy as np

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops.constants import to_value, wrap
from jitflow.ops.indexing import assignment_value
from jitflow.ops.shape_functions import tracer
from jitflow.tracer.array import Tracer
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line


@implements(np.sinc)
def sinc(x):
    """``sin(pi x) / (pi x)``, 1 at 0: NumPy's recipe puts a tiny ``eps`` in place of the
    zeros, so the 0/0 never happens and the result there rounds to exactly 1."""
    x = np.pi * tracer(x)
    eps = np.finfo(x.dtype).eps if x.dtype.kind == "f" else 1e-20
    y = np.where(x != 0, x, eps)
    return np.sin(y) / y


def _conditions(condlist, x: Tracer) -> list:
    """NumPy's reading of ``condlist``: a list of conditions, or one condition (a bool
    array, or a list of Python bools for a 0-d ``x``), each made a bool array."""
    if isinstance(condlist, Tracer | np.ndarray):
        # NumPy looks at condlist[0]: a row (2-D and up) means a stack of conditions.
        stacked = condlist.ndim >= 2 or (condlist.ndim == 1 and x.ndim == 0)
        conds = list(condlist) if stacked else [condlist]
    elif np.isscalar(condlist):
        conds = [condlist]
    else:
        conds = list(condlist)
        if conds and not isinstance(conds[0], list | np.ndarray | Tracer) and x.ndim != 0:
            conds = [conds]
    out = []
    for c in conds:
        c = np.astype(tracer(c), bool)
        if c.shape != x.shape and c.ndim != 0:
            raise errors.IndexingError(
                at_user_line(
                    f"np.piecewise: a condition of shape {c.shape} for x of shape {x.shape} "
                    "(NumPy indexes x with it: the shapes must match)."
                )
            )
        out.append(c)
    return out


@implements(np.piecewise)
def piecewise(x, condlist, funclist, *args, **kw):
    """Where ``condlist[i]`` holds, ``funclist[i]`` (a scalar, or an elementwise function
    called as ``f(x, *args, **kw)``); later conditions win; one extra function or value is
    the "otherwise" case; elsewhere 0. The result has ``x``'s dtype, as in NumPy."""
    x = tracer(x)
    funclist = list(funclist)
    conds = _conditions(condlist, x)
    n, n2 = len(conds), len(funclist)
    if n == n2 - 1:  # NumPy's "otherwise": where no condition holds
        none = ~np.any(np.stack([np.broadcast_to(c, x.shape) for c in conds]), axis=0) \
            if conds else np.ones(x.shape, bool)
        conds.append(none)
    elif n != n2:
        raise errors.ShapeError(
            at_user_line(f"with {n} condition(s), either {n} or {n + 1} functions are expected")
        )
    shape = x.shape
    y = to_value(np.zeros_like(x))
    for cond, func in zip(conds, funclist):
        if callable(func):
            value = func(x, *args, **kw)
        elif np.ndim(func) != 0:
            raise errors.UnsupportedError(
                at_user_line(
                    "np.piecewise: an array in funclist is assigned to x[cond], so its "
                    "length must be the number of True elements, known only at run time. "
                    "Pass a scalar, or a function of x (lambda x: values)."
                )
            )
        else:
            value = func
        # As NumPy's y[cond] = value: cast to x's dtype (unsafely for arrays), broadcast.
        value = assignment_value(value, x.dtype, shape)
        y = ew.select(sh.broadcast_to(to_value(cond), shape), value, y)
    return wrap(y)
