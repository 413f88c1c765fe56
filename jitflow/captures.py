"""What a traced function reads besides its arguments: captured state (DESIGN decision 11).

NumPy code reads arrays and numbers from globals, closures, default arguments and
attributes (``self.w``); NumPy sees their current value on every call, so jitflow must too.
AutoGraph rewrites those reads in converted code into calls of :func:`load` and
:func:`load_attr` (and writes through them into :func:`store_attr`, :func:`aug_attr`,
:func:`store_name`; see ``autograph/transformers/captures.py``). While a function is traced
(a :class:`CaptureTrace` is active), they

* turn a NumPy array into a traced *implicit input* (one handle per array object per trace,
  so later reads see earlier writes), and remember a :class:`Path` to read it again at each
  call; the array is passed by reference on every call and written back like an argument;
* *guard* a Python number, string, None or NumPy scalar: the compiled entry remembers the
  value it was traced with, and a call that finds another one traces again;
* remember the path of any other object (a module, ``self``) so attributes read from it
  get paths too.

At call time a :class:`jitflow.capture_plan.Plan` (one per ``Function``: every path any of
its traces read, in order) reads each path once: arrays become extra arguments of the
compiled program after the argument leaves (``None`` where a path holds no array),
everything else becomes one element of a hashable *key* that selects the compiled entry.
"""

from __future__ import annotations

import builtins
import dataclasses
import threading
import types

import numpy as np

from jitflow import errors, pytrees
from jitflow.containers import container_updates
from jitflow.tracer.array import Tracer
from jitflow.tracer.avals import AbstractArray, type_string
from jitflow.tracer.ir import Value
from jitflow.tracer.source import at_user_line

_GUARDED = (bool, int, float, complex, str, type(None))
_LIBRARY_ROOTS = frozenset({
    "numpy", "jax", "jaxlib", "jitflow", "math", "cmath", "builtins", "scipy", "functools",
    "operator", "itertools", "typing", "collections", "warnings", "os", "sys",
})
ARRAY = "<array>"  # a key element: the path holds an ndarray (its aval is JAX's to check)
OTHER = "<object>"  # the path holds something that is neither an array nor guarded
MISSING = "<missing>"  # reading the path failed (a deleted global, a missing attribute)


# -- paths ------------------------------------------------------------------------------


class Path:
    """Where a captured value is read from, re-read at each call (``read``) and written
    by a rebinding store (``write``). ``name`` is how messages show it."""

    __slots__ = ("key", "name")

    def read(self):
        raise NotImplementedError

    def write(self, value) -> None:
        raise NotImplementedError

    def __eq__(self, other) -> bool:
        return isinstance(other, Path) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return self.name


class GlobalPath(Path):
    __slots__ = ("ident", "namespace")

    def __init__(self, namespace: dict, ident: str):
        self.namespace, self.ident = namespace, ident
        self.name, self.key = f"global {ident}", ("global", id(namespace), ident)

    def read(self):
        return self.namespace[self.ident]

    def write(self, value) -> None:
        self.namespace[self.ident] = value


class CellPath(Path):
    __slots__ = ("cell",)

    def __init__(self, cell, ident: str):
        self.cell = cell
        self.name, self.key = f"closure variable {ident}", ("cell", id(cell))

    def read(self):
        return self.cell.cell_contents

    def write(self, value) -> None:
        self.cell.cell_contents = value


class DefaultPath(Path):
    """A default argument, read from the user's function (not the converted copy), so
    ``f.__defaults__ = ...`` is seen too."""

    __slots__ = ("function", "slot")

    def __init__(self, function, slot, ident: str):
        self.function, self.slot = function, slot
        self.name, self.key = f"default argument {ident}", ("default", id(function), slot)

    def read(self):
        if isinstance(self.slot, int):
            return self.function.__defaults__[self.slot]
        return self.function.__kwdefaults__[self.slot]

    def write(self, value) -> None:
        raise errors.UnsupportedError("a default argument cannot be rebound")


class ObjectPath(Path):
    """A fixed object: a static argument (``self`` of a method, keyed by identity)."""

    __slots__ = ("obj",)

    def __init__(self, obj, ident: str):
        self.obj = obj
        self.name, self.key = ident, ("object", id(obj))

    def read(self):
        return self.obj


class AttrPath(Path):
    __slots__ = ("attr", "base")

    def __init__(self, base: Path, attr: str):
        self.base, self.attr = base, attr
        self.name, self.key = f"{base.name}.{attr}", ("attr", base.key, attr)

    def read(self):
        return getattr(self.base.read(), self.attr)

    def write(self, value) -> None:
        setattr(self.base.read(), self.attr, value)


def guard_tag(value):
    """The key element of a value read through a path (see the module docstring)."""
    t = type(value)
    if t is np.ndarray:
        return value_tag(value) if value.dtype == np.bool_ else ARRAY
    if t in _GUARDED or isinstance(value, np.generic):
        try:
            hash(value)
        except TypeError:
            return OTHER
        return (t, value)
    return OTHER


def value_tag(array: np.ndarray) -> tuple:
    """A boolean array read by path is guarded by its contents, not made an input: it is
    almost always a mask (``x[MASK]``), whose count of True decides the result's shape."""
    return ("value", array.shape, array.tobytes())


def describe_tag(tag, aval: AbstractArray | None = None) -> str:
    if tag is ARRAY:
        return type_string(aval) if aval is not None else "an array"
    if tag is OTHER:
        return "another object"
    if tag is MISSING:
        return "nothing (it could not be read)"
    if tag[0] == "value":
        return f"a bool{list(tag[1])} mask"
    return repr(tag[1])


# -- while tracing ------------------------------------------------------------------------


@dataclasses.dataclass(eq=False)
class Captured:
    """One path a trace read: an implicit input (``tracer`` set) or a guard (``tag``)."""

    path: Path
    tag: object  # ARRAY or (type, value)
    aval: AbstractArray | None = None
    array: np.ndarray | None = None
    value: object = None  # a guarded value (a bool array: a copy, as it was read)
    tracer: Tracer | None = None
    input: Value | None = None


class CaptureTrace:
    """The captured state of one trace of one function (see the module docstring)."""

    def __init__(self, graph):
        self.graph = graph  # the function's top-level graph: implicit inputs go there
        self.captured: dict = {}  # path -> Captured, in order of first read
        self.handles: dict[int, Captured] = {}  # id(array) -> its implicit input
        self.known: dict[int, tuple] = {}  # id(object) -> (object, path)
        self.rebound: dict = {}  # path -> Tracer stored there (``self.w = traced``)
        self.stored: dict = {}  # path -> number or string stored there (``self.n = 3``)
        self.arg_tracers: dict[int, int] = {}  # id(argument tracer) -> its leaf index
        self.containers: list = []  # (path, list or dict argument, its items on entry)

    def remember(self, obj, path: Path) -> None:
        """Give ``obj`` a path, so attributes read from it get paths too."""
        if isinstance(obj, (Tracer, types.FunctionType, types.BuiltinFunctionType,
                            types.MethodType, type)) or obj is None:
            return
        if is_library_module(obj):
            return
        self.known.setdefault(id(obj), (obj, path))

    def path_of(self, obj) -> Path | None:
        hit = self.known.get(id(obj))
        return hit[1] if hit is not None and hit[0] is obj else None

    def load(self, value, path: Path):
        if path in self.rebound:
            return self.rebound[path]
        if path in self.stored:
            return value  # what this trace stored there itself: no guard needed
        t = type(value)
        if t is np.ndarray and value.dtype != np.bool_:
            return self._input(value, path)
        tag = guard_tag(value)
        if tag is not OTHER:
            kept = value.copy() if t is np.ndarray else value
            self.captured.setdefault(path, Captured(path, tag, value=kept))
        else:
            self.remember(value, path)
        return value

    def _input(self, array: np.ndarray, path: Path) -> Tracer:
        hit = self.handles.get(id(array))
        if hit is not None:
            if path not in self.captured:
                # The same array reached another way: read it by its first path.
                self.captured[path] = Captured(path, ("same", hit.path.key), array=array)
            return hit.tracer
        aval = AbstractArray(array.shape, array.dtype)
        value = Value(aval)
        self.graph.inputs.append(value)
        self.graph.input_names.append(path.name)
        c = Captured(path, ARRAY, aval, array, tracer=Tracer(value), input=value)
        self.captured[path] = c
        self.handles[id(array)] = c
        return c.tracer

    def inputs(self) -> list[Captured]:
        return [c for c in self.captured.values() if c.tracer is not None]

    def watch(self, args, kwargs) -> None:
        """Note the lists and dicts among the arguments as the function receives them
        (rebuilt from the argument tree), to find the ones it changes (``log.append``)."""
        flat = pytrees.flatten((args, kwargs))[0]
        self.arg_tracers = {id(t): i for i, t in enumerate(flat) if isinstance(t, Tracer)}
        self.containers = []
        for i, a in enumerate(args):
            self._walk(a, (0, i))
        for k, v in kwargs.items():
            self._walk(v, (1, k))

    def _walk(self, obj, path: tuple) -> None:
        t = type(obj)
        if t is list:
            self.containers.append((path, obj, list(obj)))
            items = enumerate(obj)
        elif t is dict:
            self.containers.append((path, obj, dict(obj)))
            items = obj.items()
        elif t is tuple:
            items = enumerate(obj)
        else:
            return
        for k, v in items:
            self._walk(v, (*path, k))


def is_library_module(obj) -> bool:
    if not isinstance(obj, types.ModuleType):
        return False
    return (getattr(obj, "__name__", "") or "").partition(".")[0] in _LIBRARY_ROOTS


def library_globals(namespace: dict) -> frozenset:
    """The global names bound to library modules (``np``, ``jax``, ``math``) and the
    builtins no global shadows (``range``, ``len``): converted code reads them, and
    attributes of them, as written (they are code, not state)."""
    modules = {k for k, v in list(namespace.items()) if is_library_module(v)}
    return frozenset(modules | (set(dir(builtins)) - set(namespace)))


class _Active(threading.local):
    def __init__(self):
        self.stack: list[CaptureTrace] = []


_active = _Active()


def current() -> CaptureTrace | None:
    stack = _active.stack
    return stack[-1] if stack else None


class tracing:
    """``with tracing(graph) as trace:`` makes ``trace`` the active capture state."""

    def __init__(self, graph):
        self.trace = CaptureTrace(graph)

    def __enter__(self) -> CaptureTrace:
        _active.stack.append(self.trace)
        return self.trace

    def __exit__(self, *exc) -> None:
        _active.stack.pop()


# -- the hooks converted code calls --------------------------------------------------------


class Scope:
    """What converted code knows of where its free names live: the user function's
    globals and closure cells (``ag_scope__`` in generated code)."""

    __slots__ = ("cells", "globals")

    def __init__(self, fn):
        self.globals = fn.__globals__
        self.cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))

    def path(self, ident: str) -> Path | None:
        cell = self.cells.get(ident)
        if cell is not None:
            return CellPath(cell, ident)
        if ident in self.globals:
            return GlobalPath(self.globals, ident)
        return None  # a builtin


def load(value, ident: str, scope: Scope):
    """``ident`` (a global or closure variable) read in converted code."""
    trace = current()
    if trace is None:
        return value
    path = scope.path(ident)
    return value if path is None else trace.load(value, path)


def load_attr(obj, attr: str):
    """``obj.attr`` read in converted code."""
    value = getattr(obj, attr)
    trace = current()
    if trace is None or isinstance(obj, Tracer):
        return value
    path = trace.path_of(obj)
    return value if path is None else trace.load(value, AttrPath(path, attr))


def store_attr(obj, attr: str, value) -> None:
    """``obj.attr = value`` in converted code: a traced value stored into an object the
    call reaches by a path (``self``, a global) becomes a rebinding done when the call
    returns."""
    trace = current()
    path = trace.path_of(obj) if trace is not None else None
    if path is not None and isinstance(value, Tracer):
        _rebind(trace, AttrPath(path, attr), value)
        return
    setattr(obj, attr, value)  # (an object made while tracing keeps a tracer, as Python)
    if path is not None:
        _store(trace, AttrPath(path, attr), value)


def aug_attr(obj, attr: str, op, value) -> None:
    """``obj.attr op= value`` in converted code (``self.w += g``)."""
    store_attr(obj, attr, op(load_attr(obj, attr), value))


def store_name(value, ident: str, scope: Scope) -> None:
    """``G = value`` for a name declared ``global`` or ``nonlocal`` in converted code."""
    trace = current()
    path = None
    if trace is not None:
        cell = scope.cells.get(ident)
        path = CellPath(cell, ident) if cell is not None else GlobalPath(scope.globals, ident)
        if isinstance(value, Tracer):
            _rebind(trace, path, value)
            return
    if ident in scope.cells:
        scope.cells[ident].cell_contents = value
    else:
        scope.globals[ident] = value
    if path is not None:
        _store(trace, path, value)


def _store(trace: CaptureTrace, path: Path, value) -> None:
    """A number, string or None stored by path while tracing (``self.flag = not
    self.flag``): done now, and again by every call that runs this trace."""
    trace.rebound.pop(path, None)
    if guard_tag(value) is not OTHER and type(value) is not np.ndarray:
        trace.stored[path] = value


def _rebind(trace: CaptureTrace, path: Path, value: Tracer) -> None:
    if not isinstance(path, (GlobalPath, CellPath, AttrPath)):
        raise _unreachable(path.name)
    current_value = trace.captured.get(path)
    if current_value is not None and current_value.tracer is value:
        return  # ``self.w += 1`` wrote into the array in place: it is written back
    trace.stored.pop(path, None)
    trace.rebound[path] = value


def immutable_argument(name: str, source=None) -> errors.JitflowError:
    """A write into a jax.Array argument: JAX arrays are immutable (JAX raises TypeError
    at ``a[0] = 1.0``), so the call raises, having written nothing."""
    return errors.InvalidArgumentError(at_user_line(
        f"argument {name} is a jax.Array, and JAX arrays are immutable: the function "
        "writes into it (a[...] = v, a += v), which JAX refuses (TypeError). Pass a NumPy "
        "array to be updated in place, or return the new value (a.at[i].set(v) in JAX).",
        source,
    ))


def _unreachable(what: str) -> errors.JitflowError:
    return errors.UnsupportedError(
        at_user_line(
            f"A traced array is stored into {what}, which jitflow cannot reach again after "
            "the call to update it. Return the array instead, or write into an existing "
            "array in place (a[...] = value)."
        )
    )


def calling(fn, original, signature):
    """``fn`` as the trace calls it: the default arguments it was not given are read as
    captured state (a mutable default array that the function changes, ``d += 1``, grows
    on every call as in NumPy), and objects passed as static arguments (``self``) are
    remembered, so that ``self.w`` is read at each call."""
    if signature is None or type(original) is not types.FunctionType:
        return fn  # a ufunc or another callable: no defaults, no conversion
    positional = [
        p.name for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    first_default = len(positional) - len(original.__defaults__ or ())

    def call(*args, **kwargs):
        trace = current()
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return fn(*args, **kwargs)  # Python's own error, from the call itself
        if trace is None:
            return fn(*args, **kwargs)
        for name, value in bound.arguments.items():
            # Objects passed as static arguments (``self``), not the argument tree's
            # containers, which are rebuilt for each trace.
            if guard_tag(value) is OTHER and not isinstance(value, (tuple, list, dict)):
                trace.remember(value, ObjectPath(value, name))
        for name, p in signature.parameters.items():
            if name in bound.arguments or p.default is p.empty:
                continue
            slot = positional.index(name) - first_default if name in positional else name
            path = DefaultPath(original, slot, name)
            bound.arguments[name] = trace.load(path.read(), path)
        return fn(*bound.args, **bound.kwargs)

    return call


# -- after tracing ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TraceCaptures:
    """What one trace read by path: ``captured`` (every path, in order of first read),
    ``inputs`` (those that are implicit inputs, in graph-input order), ``rebinds``
    (``(path, graph output index, None)``: a traced array stored there, ``self.w = w + 1``;
    ``(path, None, value)``: a number or string stored there, ``self.flag = False``) and
    ``containers`` (list and dict arguments changed, see :func:`update_containers`)."""

    captured: tuple
    inputs: tuple
    rebinds: tuple
    containers: tuple = ()  # (path, contents) per list/dict argument the function changed


def finish_trace(trace: CaptureTrace, outputs: list, writeback: list, sites: list,
                 n_leaves: int) -> TraceCaptures | None:
    """Add the write-backs of the captured arrays the trace wrote (leaf ``n_leaves + k``
    for its k-th implicit input, placed by :meth:`jitflow.capture_plan.Plan.place`) and the rebinding stores
    to the graph's outputs."""
    inputs = trace.inputs()
    for k, c in enumerate(inputs):
        if c.tracer.value is not c.input:
            op = c.tracer.value.op
            writeback.append((n_leaves + k, len(outputs)))
            sites.append((c.path.name, op.source if op is not None else None))
            outputs.append(c.tracer.value)
    rebinds = [(path, None, value) for path, value in trace.stored.items()]
    for path, t in trace.rebound.items():
        rebinds.append((path, len(outputs), None))
        outputs.append(t.value)
    containers = container_updates(trace, outputs)
    if not trace.captured and not rebinds and not containers:
        return None
    return TraceCaptures(
        tuple(trace.captured.values()), tuple(inputs), tuple(rebinds), containers
    )
