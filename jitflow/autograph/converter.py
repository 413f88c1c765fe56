"""AutoGraph's entry points: :func:`convert`, :func:`to_code` and :func:`do_not_convert`.

``convert(f)`` parses ``f``'s source (:mod:`.parsing`), rewrites it with the passes of
:mod:`.transformers` and compiles the result inside a *factory*:

    def ag_factory__(<f's free variables>, ag__):
        def f(...):          # the converted function, user line numbers on every node
            ...
        return f

The factory is never called. Its inner code object is taken from the compiled module and
turned into a function with ``types.FunctionType`` using ``f``'s own globals, defaults and
closure cells (the cell for ``ag__`` holds :mod:`jitflow.autograph.runtime`, the one for
``ag_scope__`` a :class:`jitflow.captures.Scope` of ``f``'s globals and cells), so the
converted function sees every later change of ``f``'s closure variables and globals,
exactly as ``f`` does. The module is compiled with ``f``'s file name and line numbers:
tracebacks, ``linecache`` and jitflow's user-line lookup all show the user's source.

Converted code is cached per code object (one compilation serves every closure made from
the same ``def`` or ``lambda``), and the converted function per function object.
"""

from __future__ import annotations

import __future__
import ast
import copy
import dataclasses
import os
import site
import sysconfig
import types
import weakref

import gast

from jitflow import captures, errors
from jitflow.autograph import parsing, transformers
from jitflow.autograph.transformers import base, scopes
from jitflow.autograph.transformers.captures import SCOPE

_DO_NOT_CONVERT = "__jitflow_do_not_convert__"
_LIBRARIES = frozenset({
    "numpy", "jax", "jaxlib", "jitflow", "gast", "scipy", "ml_dtypes", "opt_einsum",
    "pytest", "_pytest", "pluggy", "hypothesis", "typing_extensions",
})
_LIBRARY_DIRS = tuple(
    {os.path.join(sysconfig.get_paths()[k], "") for k in ("stdlib", "platstdlib", "purelib",
                                                         "platlib")}
    | {os.path.join(p, "") for p in site.getsitepackages()}
) + ("<frozen ",)
_FUTURE_FLAGS = 0
for _feature in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _feature).compiler_flag
_NOT_PLAIN = 0x20 | 0x80 | 0x100 | 0x200  # generator, coroutine, iterable coroutine, async gen


@dataclasses.dataclass
class _Entry:
    """The conversion of one code object."""

    code: types.CodeType  # the converted function's code
    node: object  # its gast tree, for to_code


_ENTRIES: dict[types.CodeType, _Entry | None] = {}  # None: no source, left unconverted
_FUNCTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # fn -> (code, result)
_CONVERTED_CODES: set = set()  # every code object conversion produced (nested ones too)
_AG_CELL = None  # the closure cell holding the runtime module, made on first use


# -- public API -------------------------------------------------------------------------------


def do_not_convert(fn):
    """Mark ``fn`` (a function or method; usable as a decorator) to be left unconverted.

    Example:
        >>> @jitflow.autograph.do_not_convert
        ... def helper(x):
        ...     return x if x > 0 else -x   # runs as plain Python, never converted
    """
    target = getattr(fn, "__func__", fn)
    try:
        setattr(target, _DO_NOT_CONVERT, True)
    except (AttributeError, TypeError):
        pass  # builtins and other objects without attributes are never converted anyway
    return fn


def convert(fn):
    """``fn`` with its Python control flow rewritten into AutoGraph operator calls.

    Functions that cannot or must not be converted are returned as they are: builtins and
    other non-Python callables, functions without source, functions from NumPy, JAX, the
    standard library, installed packages or jitflow itself, and those marked with
    :func:`do_not_convert`. A function using a construct AutoGraph cannot convert raises
    :class:`jitflow.errors.ConversionError` naming the construct and its line.

    Example:
        >>> def f(x):
        ...     return x if x > 0 else -x
        >>> g = jitflow.autograph.convert(f)
        >>> g(-3), g is jitflow.autograph.convert(f)
        (3, True)
    """
    if isinstance(fn, types.MethodType):
        converted = convert(fn.__func__)
        return fn if converted is fn.__func__ else types.MethodType(converted, fn.__self__)
    if type(fn) is not types.FunctionType or getattr(fn, _DO_NOT_CONVERT, False):
        return fn
    hit = _FUNCTIONS.get(fn)
    if hit is not None and hit[0] is fn.__code__:
        return hit[1] or fn
    result = None
    if _should_convert(fn):
        entry = _entry(fn)
        result = _instantiate(entry, fn) if entry is not None else None
    _FUNCTIONS[fn] = (fn.__code__, result)
    return result or fn


def to_code(fn) -> str:
    """The converted source of ``fn`` (without decorators), as text.

    Raises :class:`jitflow.errors.ConversionError` if ``fn`` is not converted (see
    :func:`convert` for which functions are not).
    """
    fn = getattr(fn, "__func__", fn)
    why = _why_not_converted(fn)
    entry = _entry(fn) if why is None else None
    if entry is None:
        why = why or "its source code is not available"
        raise errors.ConversionError(f"to_code: {fn!r} is not converted: {why}.")
    return ast.unparse(gast.gast_to_ast(entry.node))


def convert_for_call(fn: types.FunctionType):
    """:func:`convert` as ``converted_call`` needs it: generators run unconverted."""
    hit = _FUNCTIONS.get(fn)
    if hit is not None and hit[0] is fn.__code__:
        return hit[1] or fn
    if fn.__code__.co_flags & _NOT_PLAIN:
        return fn
    return convert(fn)


def is_converted(fn) -> bool:
    """Whether ``fn`` (a function, method or code object) runs code made by conversion."""
    code = fn if isinstance(fn, types.CodeType) else getattr(getattr(fn, "__func__", fn),
                                                            "__code__", None)
    return code in _CONVERTED_CODES


# -- which functions ---------------------------------------------------------------------------


def _why_not_converted(fn) -> str | None:
    if type(fn) is not types.FunctionType:
        return "it is not a Python function"
    if getattr(fn, _DO_NOT_CONVERT, False):
        return "it is marked with do_not_convert"
    if fn.__code__ in _CONVERTED_CODES:
        return "it is already converted code"
    module = (getattr(fn, "__module__", None) or "").partition(".")[0]
    if module in _LIBRARIES:
        return f"it belongs to the library '{module}'"
    # By location, not by module name: a user's own 'test.py' is not the stdlib's 'test'.
    if fn.__code__.co_filename.startswith(_LIBRARY_DIRS):
        return "it belongs to an installed package or the standard library"
    return None


def _should_convert(fn) -> bool:
    return _why_not_converted(fn) is None


# -- conversion -------------------------------------------------------------------------------


def _entry(fn) -> _Entry | None:
    code = fn.__code__
    if code not in _ENTRIES:
        _ENTRIES[code] = _convert_code(fn)
    return _ENTRIES[code]


def _convert_code(fn) -> _Entry | None:
    node = parsing.function_node(fn)
    if node is None:
        return None
    code = fn.__code__
    used = scopes.used_names(node) | set(code.co_freevars)
    ctx = base.Context(
        filename=code.co_filename,
        function_name=fn.__qualname__,
        namer=base.Namer(used | {base.AG}),
        freevars=code.co_freevars,
        print_is_builtin=_print_is_builtin(fn, node),
        library_globals=captures.library_globals(fn.__globals__),
    )
    for reserved in (base.AG, SCOPE):
        if reserved in used:
            raise ctx.error(node, f"the name '{reserved}'",
                            "it is reserved for AutoGraph's runtime.")
    if isinstance(node, gast.AsyncFunctionDef) or base.is_generator(node):
        raise ctx.error(node, "a generator or coroutine ('yield'/'await')",
                        "its body cannot be split into the nested functions control flow "
                        "conversion needs.")
    if isinstance(node, gast.FunctionDef):
        node.decorator_list = []
    _mangle_private_names(node, fn.__qualname__)
    node = transformers.transform(node, ctx)
    new_code = _compile(node, fn, ctx)
    return _Entry(new_code, node)


def _print_is_builtin(fn, node) -> bool:
    """Whether ``print`` in ``fn`` can only be the builtin (nothing else binds the name)."""
    if "print" in fn.__globals__ or "print" in fn.__code__.co_freevars:
        return False
    for n in gast.walk(node):
        if isinstance(n, gast.Name) and n.id == "print" and not isinstance(n.ctx, gast.Load):
            return False
        if isinstance(n, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            if n.name == "print":
                return False
        if isinstance(n, gast.alias) and (n.asname or n.name) == "print":
            return False
    return True


def _compile(node, fn, ctx: base.Context) -> types.CodeType:
    """Compile ``node`` inside the factory; return the converted function's code."""
    inner = copy.deepcopy(node)
    if isinstance(inner, gast.FunctionDef):
        # Defaults and annotations live on the function object, copied from fn; the
        # factory never runs, so they are replaced by None to compile nothing extra.
        args = inner.args
        args.defaults = [base.const(None) for _ in args.defaults]
        args.kw_defaults = [None if d is None else base.const(None) for d in args.kw_defaults]
        for param in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if param is not None:
                param.annotation = None
        inner.returns = None
        # Named apart: a def named like the function would make the function's own name
        # (a recursive call) a variable of the factory instead of a global.
        inner.name = ctx.namer.new("ag_converted")
        body = [inner]
    else:
        args = inner.args
        args.defaults = [base.const(None) for _ in args.defaults]
        args.kw_defaults = [None if d is None else base.const(None) for d in args.kw_defaults]
        body = [gast.Return(value=inner)]
    factory_name = ctx.namer.new("ag_factory")
    params = list(fn.__code__.co_freevars) + [base.AG, SCOPE]
    factory = base.function_def(factory_name, params, body)
    module = gast.Module(body=[base.located(factory, node)], type_ignores=[])
    base.finish_locations(module, ctx.filename)
    flags = fn.__code__.co_flags & _FUTURE_FLAGS
    try:
        module_code = compile(gast.gast_to_ast(module), fn.__code__.co_filename, "exec",
                              flags=flags, dont_inherit=True)
    except (SyntaxError, ValueError, TypeError) as e:
        raise ctx.error(node, "this function",
                        f"the converted code does not compile ({e}); this is a bug in "
                        "AutoGraph, please report it.") from e
    factory_code = next(c for c in module_code.co_consts if getattr(c, "co_name", None)
                        == factory_name)
    name = inner.name if isinstance(inner, gast.FunctionDef) else "<lambda>"
    inner_code = next(c for c in factory_code.co_consts if getattr(c, "co_name", None) == name)
    prefix = (f"{factory_name}.<locals>.{name}", fn.__qualname__)
    return _adapt(inner_code, prefix, ctx.namer.helpers, top=fn.__code__.co_name)


def _adapt(code, prefix, helpers, owner=None, top=None) -> types.CodeType:
    """Give the converted code objects the names users know.

    Qualified names drop the factory (``f.<locals>.g``, not ``ag_factory__1.<locals>.f...``);
    generated helpers (``if_body__1``, ...) take the name of the function they were cut
    from, so frames in tracebacks read ``in f`` at the user's line.
    """
    name, qualname = code.co_name, code.co_qualname
    if qualname.startswith(prefix[0]):
        qualname = prefix[1] + qualname[len(prefix[0]):]
    if name in helpers and owner is not None:
        name, qualname = owner
    name = top or name
    consts = tuple(
        _adapt(c, prefix, helpers, (name, qualname)) if isinstance(c, types.CodeType) else c
        for c in code.co_consts
    )
    new = code.replace(co_name=name, co_qualname=qualname, co_consts=consts)
    _CONVERTED_CODES.add(new)
    return new


def _instantiate(entry: _Entry, fn) -> types.FunctionType:
    """A function running ``entry``'s code with ``fn``'s globals, defaults and closure."""
    global _AG_CELL
    if _AG_CELL is None:
        from jitflow.autograph import runtime

        _AG_CELL = types.CellType(runtime)
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    cells[base.AG] = _AG_CELL
    if SCOPE in entry.code.co_freevars:  # where its globals and closure variables live
        cells[SCOPE] = types.CellType(captures.Scope(fn))
    closure = tuple(cells[n] for n in entry.code.co_freevars)
    new = types.FunctionType(entry.code, fn.__globals__, fn.__name__, fn.__defaults__,
                             closure or None)
    new.__kwdefaults__ = fn.__kwdefaults__
    new.__dict__.update(fn.__dict__)
    for attr in ("__module__", "__doc__", "__qualname__", "__annotations__"):
        setattr(new, attr, getattr(fn, attr))
    return new


def _mangle_private_names(node, qualname: str) -> None:
    """Apply the compiler's private name mangling (``self.__x`` -> ``self._C__x``).

    The factory is compiled outside the class, where the compiler would not mangle.
    """
    parts = qualname.split(".")
    classes = [p for p, nxt in zip(parts, parts[1:]) if p != "<locals>" and nxt != "<locals>"]
    if not classes or not classes[-1].lstrip("_"):
        return
    prefix = "_" + classes[-1].lstrip("_")

    def mangle(ident):
        private = ident.startswith("__") and not ident.endswith("__") and "." not in ident
        return prefix + ident if private else ident

    for sub in gast.walk(node):
        if sub is node:
            continue  # the function's own name is not mangled (its code keeps it)
        if isinstance(sub, gast.Name):
            sub.id = mangle(sub.id)
        elif isinstance(sub, gast.Attribute):
            sub.attr = mangle(sub.attr)
        elif isinstance(sub, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            sub.name = mangle(sub.name)
        elif isinstance(sub, (gast.Global, gast.Nonlocal)):
            sub.names = [mangle(n) for n in sub.names]
