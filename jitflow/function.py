"""``@jitflow.function``: trace on a new signature, then dispatch compiled code.

The call path, and why it is shaped this way (numbers in docs/design-notes.md):

* Every compiled signature is one ``jax.export.Exported`` holding jitflow's own StableHLO,
  called through a single ``jax.jit``. JAX's C++ dispatch (signature check, host-to-device
  transfer, execute) is then jitflow's cache-hit path: as fast as ``jax.jit`` itself.
* JAX calls back into :meth:`Function._staged` only when its C++ cache misses; there
  jitflow computes its own signature (DESIGN decision 6), traces and lowers if that
  signature is new, and records why it was new (``cache_info()``).
* Python ints, bools, strings and None in the arguments are static: they are taken out of
  the argument tree and passed to ``jax.jit`` as one hashable static argument. When every
  argument is an ndarray, a jax.Array or a Python float (the common case), the call is
  one type check per argument before JAX's dispatch, in C (:mod:`jitflow.dispatch`).
* What cannot travel through ``jax.jit`` (static outputs, which arguments to write back,
  how to rebuild the result tree) rides in the *structure* of the result: JAX returns
  ``{entry: arrays}``, a one-key dict whose key is the compiled entry itself (a dict is
  rebuilt in C++, a custom pytree node would call back into Python).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
import warnings
from typing import Any, Callable

import jax
import jax.tree_util as tree_util
import numpy as np
from jax._src.array import ArrayImpl

from jitflow import aliasing, autograph, capture_plan, captures, containers, errors, pytrees
from jitflow.dispatch import Dispatcher, to_numpy_result
from jitflow.entry import Entry, compile_entry
from jitflow.lowering.module import module_text
from jitflow.tracer.avals import AbstractArray, check_dtype
from jitflow.signature import (
    Static,
    aval_of,
    check_leaf,
    check_subclass,
    describe_leaves,
    flat_tree,
    leaf_kind,
    leaf_names,
    signature,
)
from jitflow.tracer.source import is_internal, user_traceback
from jitflow.tracer.trace import DYNAMIC, NUMPY_SCALAR, is_traced, trace

# The concrete jax.Array class (the dispatcher's exact-type check), named without making an
# array: that would start JAX's backend at import, and a process that forks before its
# first call would hand its children a backend they cannot use.
_ArrayImpl = ArrayImpl
_X64 = jax.enable_x64  # NumPy semantics need float64 and int64 inside the call
# Entering ``jax.enable_x64(True)`` as a context manager costs ~1 µs per call; swapping
# the thread-local value directly costs ~0.1 µs. Use the swap where this JAX has it and
# the option has no thread-local hook, the context manager otherwise.
_SWAP_X64 = hasattr(_X64, "swap_local") and getattr(_X64, "_update_thread_local_hook", 1) is None
_RETRACE_WARNING_AT = 6


def _a(noun: str) -> str:
    """``noun`` with its indefinite article (a set, an object)."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning issued by jitflow's caller of ``warnings.warn``
    name the user's line (the call), above jitflow's and JAX's frames."""
    frame, level = sys._getframe(2), 2
    while frame is not None and is_internal(os.path.abspath(frame.f_code.co_filename)):
        frame, level = frame.f_back, level + 1
    return level


@dataclasses.dataclass(frozen=True)
class Miss:
    """One trace: its number and why the signature was new."""

    trace: int
    reason: str


@dataclasses.dataclass(frozen=True)
class CacheInfo:
    """``f.cache_info()``: hits, misses, and for each miss which argument changed and how."""

    hits: int
    misses: int
    traces: tuple[Miss, ...]

    def __str__(self) -> str:
        lines = [f"CacheInfo(hits={self.hits}, misses={self.misses})"]
        lines += [f"  trace {m.trace}: {m.reason}" for m in self.traces]
        return "\n".join(lines)


def _keyword_plan(sig, n_args: int, names: tuple) -> tuple | None:
    """The parameter names, in order, that ``names`` fill after ``n_args`` positional
    arguments, if together they are the first parameters, all positional-or-keyword (so
    the call is a positional one); None otherwise."""
    if sig is None:
        return None
    params = list(sig.parameters.values())[: n_args + len(names)]
    if len(params) < n_args + len(names) or any(
        p.kind is not p.POSITIONAL_OR_KEYWORD for p in params
    ):
        return None
    order = tuple(p.name for p in params[n_args:])
    return order if set(order) == set(names) else None


class Function(Dispatcher):
    """A NumPy function compiled with XLA per input signature. See :func:`function`.

    Calling it runs the cache-hit path of its base, :class:`jitflow.dispatch.Dispatcher`
    (in C where it was built), which falls back to :meth:`_call_general`.
    """

    def __init__(self, fn: Callable, static_argnames=(), autograph: bool = True):
        functools.update_wrapper(self, fn)
        self.python_function = fn
        self._autograph = autograph
        self._signature = signature(fn)
        names = (static_argnames,) if isinstance(static_argnames, str) else static_argnames
        self._static_names = frozenset(names)
        params = self._signature.parameters.values() if self._signature else ()
        self._static_positions = frozenset(
            i for i, p in enumerate(params) if p.name in self._static_names
        )
        self._jitted = jax.jit(self._staged, static_argnums=0)
        self._jitted_flat = jax.jit(functools.partial(self._staged, None))
        self._entries: dict[Any, Entry] = {}
        self._misses: list[Miss] = []
        self._warned = False
        self._keyword_plans: dict[tuple, tuple | None] = {}
        # Captured state (jitflow.captures): the paths read, a jax.jit per guard key, the
        # entries per argument signature, and what a retried call passes.
        self._plan = capture_plan.Plan()
        self._capture_jits: dict[tuple, tuple] = {}
        self._variants: dict[Any, list[Entry]] = {}
        self._bind_dispatch(None)

    def _bind_dispatch(self, gather) -> None:
        fast_ns, fast_names = self._plan.fast_globals()
        self.bind(self._jitted_flat, self._call_general, self._failed, _X64, np.ndarray,
                  _ArrayImpl, np.array, _SWAP_X64, not self._static_names, gather,
                  fast_ns, fast_names)

    # -- calling ------------------------------------------------------------------------

    def _call_general(self, args, kwargs, override=None):
        if kwargs and override is None:
            positional = self._as_positional(args, kwargs)
            if positional is not None:  # f(x, y=y) is f(x, y): the fast path takes it
                self._calls -= 1  # counted once, by this second dispatch
                return self(*positional)
        leaves, in_tree, spec, dyn, jax_out = self._split(args, kwargs)
        memory = aliasing.memory_key(dyn, lambda: self._dyn_names(in_tree, spec))
        capture = self._plan.read(override) if self._plan.paths else None
        try:
            if memory is None:
                res = self._run((in_tree, spec), dyn, capture)
            else:  # arrays sharing memory travel as their segments (see jitflow.aliasing)
                res = self._run((in_tree, spec, memory), dyn + aliasing.segments(dyn, memory),
                                capture)
        except capture_plan.PlanChanged as e:  # a trace read new paths: call with them passed
            return self._call_general(args, kwargs, e.values)
        if capture is not None:  # captured arrays are leaves after the arguments
            leaves = [*leaves, *capture[1]]
        if type(res) is not dict:
            return to_numpy_result(res, jax_out)
        for entry, arrays in res.items():
            out = entry.finish(arrays, leaves, jax_out)
            if entry.traced.captured is not None and entry.traced.captured.containers:
                containers.update_containers(entry.traced.captured.containers, arrays, args,
                                             kwargs, leaves, self._signature, jax_out)
            return out

    def _as_positional(self, args, kwargs):
        """``args`` and ``kwargs`` as one positional tuple, when the keywords name the
        parameters right after the positional ones (a plan per keyword set, cached)."""
        key = (len(args), tuple(kwargs))
        plan = self._keyword_plans.get(key, False)
        if plan is False:
            plan = self._keyword_plans[key] = _keyword_plan(self._signature, *key)
        if plan is None:
            return None
        return args + tuple(kwargs[name] for name in plan)

    def _run(self, static, dyn, capture=None):
        """Call the jitted function with 64-bit types enabled for this thread; ``capture``
        (``(key, extras)``, see :class:`jitflow.capture_plan.Plan`) adds the captured
        arrays."""
        jitted = self._jitted
        if capture is not None:
            jitted = self._capture_jit(capture[0])[1]
            dyn = [*dyn, *capture[1]]
        if _SWAP_X64:
            prev = _X64.swap_local(True)
            try:
                return jitted(static, *dyn)
            except Exception as e:
                self._failed(e, static, dyn)
            finally:
                _X64.set_local(prev)
        with _X64(True):
            try:
                return jitted(static, *dyn)
            except Exception as e:
                self._failed(e, static, dyn)

    def _capture_jit(self, key) -> tuple:
        """The ``jax.jit`` pair (flat, general) for one guard key (see jitflow.captures)."""
        jits = self._capture_jits.get(key)
        if jits is None:
            staged = functools.partial(self._staged, capture_key=key)
            jits = self._capture_jits[key] = (
                jax.jit(functools.partial(staged, None)), jax.jit(staged, static_argnums=0)
            )
        return jits

    def _failed(self, e: Exception, static, dyn):
        """Re-raise a failed call: jitflow errors without JAX's frames, JAX's argument
        errors in jitflow's words."""
        if isinstance(e, capture_plan.PlanChanged):
            if static is None:  # from the dispatcher's fast path: call again, in general
                return self._call_general(tuple(dyn), {}, e.values)
            raise e
        if isinstance(e, errors.JitflowError):
            # JAX notes that it filtered its frames; jitflow filters them all itself.
            notes = getattr(e, "__notes__", None)
            if notes:
                e.__notes__ = [n for n in notes if "JAX" not in n]
            raise e.with_traceback(user_traceback(e.__traceback__)) from None
        if isinstance(e, TypeError):
            for i, leaf in enumerate(dyn):
                check_leaf(leaf, self._leaf_name(static, i), self.__name__)
        raise e

    def _split(self, args, kwargs):
        """Flatten the arguments; separate static leaves from traced ones."""
        if kwargs and self._signature is not None:
            # f(x, n=2) and f(x, 2) are one signature: keywords that name positional
            # parameters become positional.
            try:
                bound = self._signature.bind(*args, **kwargs)
                args, kwargs = bound.args, bound.kwargs
            except TypeError:
                pass  # reported with the function's own words when tracing
        if self._static_names:
            statics = self._static_positions
            args = tuple(Static(a) if i in statics else a for i, a in enumerate(args))
            kwargs = {k: Static(v) if k in self._static_names else v for k, v in kwargs.items()}
        leaves, in_tree = pytrees.flatten((args, kwargs))  # dicts with mixed keys too
        spec, dyn, jax_out = [], [], False
        for i, leaf in enumerate(leaves):
            kind = leaf_kind(leaf)
            if kind == "dynamic":
                if type(leaf) is not np.ndarray and isinstance(leaf, np.ndarray):
                    check_subclass(leaf, lambda i=i: leaf_names(in_tree, self._signature)[i],
                                   self.__name__)
                # A NumPy scalar and a 0-d array share an aval but not their semantics
                # (a scalar is immutable): they trace apart.
                spec.append(NUMPY_SCALAR if isinstance(leaf, np.generic) else DYNAMIC)
                dyn.append(leaf)
                jax_out = jax_out or isinstance(leaf, jax.Array)
            elif kind == "static":
                spec.append((type(leaf), leaf))
            else:
                names = leaf_names(in_tree, self._signature)
                raise errors.InvalidArgumentError(
                    f"{self.__name__}() argument {names[i]} is {_a(type(leaf).__name__)}, which "
                    "jitflow cannot trace. Pass NumPy arrays, jax.Arrays, Python or NumPy "
                    "scalars, strings or None (or tuples, lists and dicts of them), or "
                    "name the argument in static_argnames."
                )
        return leaves, in_tree, tuple(spec), dyn, jax_out

    def _staged(self, static, *dyn, capture_key=None):
        """Called by ``jax.jit`` on its cache misses, with JAX tracers as arguments (the
        captured arrays last, one per path of ``capture_key``: see jitflow.captures)."""
        extras = ()
        if capture_key is not None:
            n = len(dyn) - len(capture_key)
            dyn, extras = dyn[:n], dyn[n:]
        in_tree, spec = static[:2] if static is not None else flat_tree(len(dyn))
        memory = static[2] if static is not None and len(static) > 2 else None
        avals = tuple(
            AbstractArray(tuple(d.aval.shape), np.dtype(d.aval.dtype), bool(d.aval.weak_type))
            for d in dyn
        )
        entry = self._entry(in_tree, spec, avals, memory, (capture_key or (), extras))
        outs = entry.call(*dyn, *(extras[p] for p in entry.capture_slots))
        if entry.bare:  # one array, nothing else to do: the fastest result to unpack
            return (outs[0],) if entry.traced.result_kinds[0] == "scalar" else outs[0]
        # The entry rides as the dict's key: static structure, returned without a copy.
        return {entry: tuple(outs)}

    # -- tracing ------------------------------------------------------------------------

    def _entry(self, in_tree, spec, avals, memory=None, capture=None, retry=True) -> Entry:
        key = (in_tree, spec, avals, memory)
        if capture is None:
            capture = self._plan.read() if self._plan.paths else ((), ())
        capture_key, extra_avals = capture[0], [
            None if x is None else aval_of(x) for x in capture[1]
        ]
        entry = self._entries.get(key)
        if entry is not None:
            for variant in reversed(self._variants.get(key, ())):
                if capture_plan.Plan.matches(variant.capture_reqs, capture_key, extra_avals):
                    return variant
        names = leaf_names(in_tree, self._signature)
        dyn_names = [n for n, s in zip(names, spec) if is_traced(s)]
        for a, n in zip(avals, dyn_names):
            check_dtype(a.dtype, f"{self.__name__}() argument {n}")
        self._arity_check(in_tree)
        reason = self._explain(key, names)
        if entry is not None:  # the same arguments: what the function reads changed
            changes = capture_plan.Plan.explain(entry.capture_reqs, capture_key, extra_avals)
            reason = "; ".join(changes) or reason
        spec_values = tuple(
            s if is_traced(s) else (s[0], s[1].value if s[0] is Static else s[1]) for s in spec
        )
        fn = self.python_function
        if self._autograph:
            fn = autograph.convert(fn)  # cached per function by the converter
        fn = captures.calling(fn, self.python_function, self._signature)
        traced = trace(fn, in_tree, spec_values, list(avals), dyn_names, self.__name__, memory)
        grew, reqs, slots, capture_avals = False, (), (), []
        if traced.captured is not None:
            grew, reqs, slots, writeback = self._plan.place(
                traced.captured, len(spec), traced.writeback
            )
            traced = dataclasses.replace(traced, writeback=writeback)
            capture_avals = [c.aval for c in traced.captured.inputs]
        entry = compile_entry(self.__name__, traced, list(avals) + capture_avals)
        entry.capture_reqs, entry.capture_slots = reqs, slots
        self._entries[key] = entry
        self._variants.setdefault(key, []).append(entry)
        self._misses.append(Miss(len(self._misses) + 1, reason))
        self._maybe_warn()
        if grew:
            self._bind_dispatch(self._plan.gatherer(lambda k: self._capture_jit(k)[0]))
            if retry:  # this call did not pass what the trace read: call again with it
                raise capture_plan.PlanChanged(capture_plan.values_read(traced.captured))
        return entry

    def _arity_check(self, in_tree) -> None:
        if self._signature is None:
            return
        args, kwargs = tree_util.tree_unflatten(in_tree, [None] * in_tree.num_leaves)
        try:
            self._signature.bind(*args, **kwargs)
        except TypeError as e:
            raise errors.InvalidArgumentError(
                f"{self.__name__}{self._signature}: {e}. Call it as the undecorated function "
                "would be called."
            ) from None

    def _explain(self, key, names) -> str:
        """Why ``key`` missed: the changed leaves against the closest earlier signature."""
        if not self._entries:
            return "first call"
        in_tree, spec, avals, memory = key
        new = describe_leaves(spec, avals)
        best = None
        for old_tree, old_spec, old_avals, old_memory in self._entries:
            if old_tree != in_tree:
                continue
            old = describe_leaves(old_spec, old_avals)
            changes = [f"{n}: {o} -> {w}" for n, o, w in zip(names, old, new) if o != w]
            if old_memory != memory:
                changes.append(aliasing.describe_change(old_memory, memory, names, spec))
            if best is None or len(changes) <= len(best):  # ties: the most recent
                best = changes
        if best is None:
            return f"the argument structure changed to {in_tree}"
        return "; ".join(best) or "the same signature was compiled again"

    def _maybe_warn(self) -> None:
        if not self._warned and len(self._misses) >= _RETRACE_WARNING_AT:
            self._warned = True
            warnings.warn(
                f"jitflow.function {self.__name__} has been traced {len(self._misses)} "
                f"times; the last because {self._misses[-1].reason}. Every new shape, dtype "
                "or static value (Python int, bool, str) traces and compiles again. Pass "
                "varying numbers as NumPy scalars or arrays to avoid it.",
                stacklevel=_user_stacklevel(),
            )

    def _leaf_name(self, static, i) -> str:
        if static is None:
            in_tree, spec = flat_tree(i + 1)
        else:
            in_tree, spec = static[:2]
        names = leaf_names(in_tree, self._signature)
        dyn_names = [n for n, s in zip(names, spec) if is_traced(s)]
        return dyn_names[i] if i < len(dyn_names) else f"#{i}"

    def _signature_of(self, args, kwargs):
        leaves, in_tree, spec, dyn, _ = self._split(args, kwargs)
        memory = aliasing.memory_key(dyn, lambda: self._dyn_names(in_tree, spec))
        dyn = dyn + aliasing.segments(dyn, memory)
        avals = []
        for i, leaf in enumerate(dyn):
            check_leaf(leaf, self._leaf_name((in_tree, spec), i), self.__name__)
            avals.append(aval_of(leaf))
        return in_tree, spec, tuple(avals), memory

    def _dyn_names(self, in_tree, spec) -> list[str]:
        names = leaf_names(in_tree, self._signature)
        return [n for n, s in zip(names, spec) if is_traced(s)]

    # -- introspection ------------------------------------------------------------------

    @property
    def trace_count(self) -> int:
        """How many times the Python function has been traced."""
        return len(self._misses)

    def cache_info(self) -> CacheInfo:
        """Hits, misses, and why each miss happened."""
        misses = len(self._misses)
        return CacheInfo(max(0, self._calls - misses), misses, tuple(self._misses))

    def trace(self, *args, **kwargs) -> Traced:
        """Trace (or fetch the cached trace) for these arguments; ``.ir`` prints it."""
        with _X64(True):
            return Traced(self._entry(*self._signature_of(args, kwargs), retry=False))

    def lower(self, *args, **kwargs) -> Lowered:
        """The StableHLO module for these arguments; ``.as_text()`` prints it."""
        return Lowered(self.trace(*args, **kwargs)._entry)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        bound = _BoundFunction(self, instance)
        return bound

    def __repr__(self) -> str:
        return f"<jitflow.function {self.__name__}>"


class _BoundFunction:
    """A decorated method bound to an instance; the instance is a static argument."""

    def __init__(self, function: Function, instance):
        self._function = function
        self._instance = Static(instance)
        functools.update_wrapper(self, function.python_function)

    def __call__(self, *args, **kwargs):
        self._function._calls += 1
        return self._function._call_general((self._instance,) + args, kwargs)

    def trace(self, *args, **kwargs):
        return self._function.trace(self._instance, *args, **kwargs)

    def lower(self, *args, **kwargs):
        return self._function.lower(self._instance, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._function, name)


@dataclasses.dataclass(frozen=True)
class Traced:
    """The result of ``f.trace(...)``: the IR graph and its printed form."""

    _entry: Entry

    @property
    def graph(self):
        return self._entry.traced.graph

    @property
    def ir(self) -> str:
        return str(self._entry.traced.graph)

    def __str__(self) -> str:
        return self.ir


@dataclasses.dataclass(frozen=True)
class Lowered:
    """The result of ``f.lower(...)``: the StableHLO module."""

    _entry: Entry

    @property
    def module(self):
        return self._entry.module

    def as_text(self, debug_info: bool = False) -> str:
        """StableHLO text; ``debug_info=True`` shows the user source locations."""
        return module_text(self._entry.module, debug_info)

    def __str__(self) -> str:
        return self.as_text()


def function(fn: Callable | None = None, *, static_argnames=(), autograph: bool = True):
    """Compile a NumPy function with XLA, per input signature.

    Usable bare (``@jitflow.function``) or with arguments
    (``@jitflow.function(static_argnames=("n",))``), on functions and methods.

    Args:
        fn: the Python function, written with NumPy.
        static_argnames: arguments keyed by value instead of being traced (any hashable
            value; a new value traces again).
        autograph: convert Python control flow (``if``/``while``/``for`` on traced values,
            ``and``/``or``, ``print``, ``assert``) into XLA control flow; with False the
            function is traced as written and a traced condition is an error.

    Example:
        >>> @jitflow.function
        ... def f(x, y):
        ...     return np.sin(x) * y + 1.0
        >>> f(np.ones(3), np.ones(3))
        array([1.84147098, 1.84147098, 1.84147098])
    """
    if fn is None:
        return functools.partial(function, static_argnames=static_argnames, autograph=autograph)
    if not callable(fn):
        raise errors.InvalidArgumentError(
            f"jitflow.function expects a function, got a {type(fn).__name__}"
        )
    return Function(fn, static_argnames=static_argnames, autograph=autograph)
