"""The cache-hit path of a jitflow function: :class:`Dispatcher`, the base of ``Function``.

On a cache hit a call is: one type check per argument, the 64-bit switch, JAX's C++
dispatch (one ``jax.jit``), one conversion of the result. ``jax.jit`` followed by
``np.array`` costs about 8 µs here for two small NumPy arrays; the same step written in
Python adds about 0.5 µs (a frame, a loop, attribute reads), written in C it adds
nothing measurable. So the dispatcher is a small C type (``jitflow/_dispatch.c``,
compiled when jitflow is installed) and, where it could not be built (no C compiler) or
``JITFLOW_PYTHON_DISPATCH=1`` is set, the same logic in Python below. The two are
tested against each other (tests/test_dispatch.py); keep them in step.

A dispatcher is made empty; ``bind(jitted, general, failed, x64, ndarray, jax_array,
np_array, swap, fast, gather=None)`` hands it what it calls once the ``Function`` exists:

* ``jitted(*args)``: the ``jax.jit`` of ``Function._staged``. Its result is a bare array,
  a bare 0-d array in a 1-tuple, or ``{entry: arrays}`` (``Entry.finish`` completes it);
* ``general(args, kwargs)``: everything but ndarrays, Python floats and jax.Arrays as
  arguments, keyword arguments, functions with static arguments;
* ``failed(exception, None, args)``: re-raises a failed call in jitflow's words;
* ``x64``: ``jax.enable_x64``; ``swap``: whether its ``swap_local``/``set_local`` may be
  used (about 0.15 µs) rather than the context manager (about 1 µs, in ``general``);
* ``fast``: False for functions with static arguments (they always take ``general``);
* ``gather``: None, or for a function that reads captured state (globals, ``self.w``: see
  :mod:`jitflow.captures`) a callable returning ``(jitted_for_this_call, *extras)``: the
  ``jax.jit`` to call instead of ``jitted`` and the captured arrays (or None: take
  ``general``). The extras follow the arguments in the call and in the ``leaves`` that
  ``Entry.finish`` writes back to. ``failed`` may return a result (a retried call);
* ``fast_ns``, ``fast_names``: when every captured path is a global of one module, the
  C dispatcher reads them itself and reuses the last ``gather`` result while each holds
  the very object it held then (``gather`` returns a list when that is not enough).

A call whose NumPy arrays are not all C-contiguous, or may share memory, takes ``general``
too: its memory layout joins the signature there (:mod:`jitflow.aliasing`).

``_calls`` counts calls (``cache_info()``'s hits are calls minus misses).
"""

from __future__ import annotations

import functools
import os

import numpy as np

from jitflow.aliasing import fast_path_memory_ok as memory_ok
from jitflow.entry import to_numpy
from jitflow.errors import user_facing
from jitflow.tracer.source import user_traceback

try:
    from jitflow._dispatch import Dispatcher as CDispatcher
except ImportError:  # not built: no C compiler when jitflow was installed
    CDispatcher = None


def _python_path():
    """The dispatcher's call, as a closure: ``(call, bind, calls)``.

    ``call`` is a plain function, not a method, so that the per-call work is local-variable
    reads; ``bind`` fills in what it calls; ``calls`` is the one-element list it counts in.
    """
    jitted = general = failed = x64 = ndarray = jax_array = array = gather = None
    swap = fast = False
    calls = [0]

    def call(*args, **kwargs):
        calls[0] += 1
        if kwargs or not fast:
            return general(args, kwargs)
        jax_out = False
        for a in args:
            t = type(a)
            if t is ndarray or t is float:
                continue
            if t is jax_array:
                jax_out = True
                continue
            return general(args, kwargs)
        if not memory_ok(args, ndarray):  # non-C-contiguous or sharing memory
            return general(args, kwargs)
        callee, call_args = jitted, args
        if gather is not None:
            got = gather()
            if got is None:
                return general(args, kwargs)
            callee, call_args = got[0], args + tuple(got[1:])
        if x64.value:  # the user enabled 64-bit types already: nothing to switch
            try:
                res = callee(*call_args)
            except Exception as e:
                return failed(e, None, args)
        elif swap:  # 64-bit types for this call (NumPy semantics)
            prev = x64.swap_local(True)
            try:
                res = callee(*call_args)
            except Exception as e:
                return failed(e, None, args)
            finally:
                x64.set_local(prev)
        else:
            return general(args, kwargs)
        t = type(res)
        if t is dict:  # {entry: arrays}: the entry finishes the call
            for entry, arrays in res.items():
                return entry.finish(arrays, call_args, jax_out)
        if t is tuple:  # a bare 0-d array
            return res[0] if jax_out else array(res[0])[()]
        return res if jax_out else array(res)

    def call_for_user(*args, **kwargs):
        # As the C dispatcher: a jitflow error or a user's assert shows the user's frames
        # (this one frame aside), not jitflow's or JAX's.
        try:
            return call(*args, **kwargs)
        except Exception as e:  # re-raised: as it is, unless user-facing
            if not user_facing(e):
                raise
            raise e.with_traceback(user_traceback(e.__traceback__))

    def bind(*parts):
        nonlocal jitted, general, failed, x64, ndarray, jax_array, array, swap, fast, gather
        jitted, general, failed, x64, ndarray, jax_array, array, swap, fast, gather = parts

    return call_for_user, bind, calls


class PythonDispatcher(functools.partial):
    """:class:`CDispatcher` in Python: a ``functools.partial`` of the closure from
    :func:`_python_path` (calling a partial is C that lands straight in the closure, where
    a class's ``__call__`` would cost a bound method and one more frame)."""

    def __new__(cls, *args, **kwargs):
        call, bind, calls = _python_path()
        self = super().__new__(cls, call)
        self._bind_path, self._call_counter = bind, calls
        return self

    def bind(self, jitted, general, failed, x64, ndarray, jax_array, np_array, swap, fast,
             gather=None, fast_ns=None, fast_names=None):
        # (fast_ns/fast_names let the C dispatcher skip ``gather``; here it always runs.)
        self._bind_path(jitted, general, failed, x64, ndarray, jax_array, np_array, swap, fast,
                        gather)

    @property
    def _calls(self) -> int:
        return self._call_counter[0]

    @_calls.setter
    def _calls(self, n: int) -> None:
        self._call_counter[0] = n


if CDispatcher is not None and not os.environ.get("JITFLOW_PYTHON_DISPATCH"):
    Dispatcher = CDispatcher
else:
    Dispatcher = PythonDispatcher


def to_numpy_result(res, jax_out: bool):
    """What a call returns for ``jitted``'s bare results (``general``'s path)."""
    if type(res) is tuple:  # a 0-d result NumPy returns as a scalar
        return res[0] if jax_out else to_numpy(res[0])
    return res if jax_out else np.array(res)
