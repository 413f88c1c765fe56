"""The tables through which NumPy calls on tracers reach jitflow's implementations.

``np.sin(t)`` reaches :meth:`Tracer.__array_ufunc__`, ``np.sum(t)`` reaches
:meth:`Tracer.__array_function__`; both look the NumPy callable up here. The op families in
:mod:`jitflow.ops` fill the tables with :func:`implements`, so this stage never imports an
op. Anything missing raises :class:`~jitflow.errors.UnsupportedError` naming the function.
"""

from __future__ import annotations

from typing import Callable

from jitflow import errors
from jitflow.tracer.source import at_user_line

# NumPy callable (ufunc, function, or operator.getitem/setitem) -> implementation.
IMPLEMENTATIONS: dict[object, Callable] = {}


def implements(*numpy_callables) -> Callable[[Callable], Callable]:
    """Register the decorated function as jitflow's version of each NumPy callable."""

    def register(impl: Callable) -> Callable:
        for c in numpy_callables:
            if c in IMPLEMENTATIONS:
                raise ValueError(f"{_name(c)} is implemented twice")
            IMPLEMENTATIONS[c] = impl
        return impl

    return register


def _name(c) -> str:
    """How the user spells ``c``: ``np.linalg.solve``, ``np.sum``, ``scipy.special.erf``."""
    module = getattr(c, "__module__", None) or "numpy"
    parts = [p for p in module.split(".") if not p.startswith("_")]
    if parts and parts[0] == "numpy":
        parts[0] = "np"
    return ".".join(parts + [getattr(c, "__name__", repr(c))])


def lookup(numpy_callable) -> Callable:
    """jitflow's implementation of ``numpy_callable``, or a clear error if there is none."""
    impl = IMPLEMENTATIONS.get(numpy_callable)
    if impl is None:
        raise errors.UnsupportedError(
            at_user_line(
                f"{_name(numpy_callable)} is not supported by jitflow on traced arrays. "
                "Rewrite this line with supported NumPy functions, or compute it outside "
                "the decorated function and pass the result in."
            )
        )
    return impl


def call(numpy_callable, *args, **kwargs):
    """Call jitflow's implementation of a NumPy callable."""
    return lookup(numpy_callable)(*args, **kwargs)
