"""What every AutoGraph transformer shares: the conversion context, node builders,
source locations and per-node annotations.

Generated nodes take the source location of the user node they replace (``located``),
so the compiled code reports the user's file and line in tracebacks and in jitflow's
user-line lookup (:mod:`jitflow.tracer.source`).
"""

from __future__ import annotations

import copy
import dataclasses
import linecache

import gast

from jitflow import errors
from jitflow.tracer.source import SourceInfo, at_user_line

AG = "ag__"  # the name of the runtime module (jitflow.autograph.runtime) in generated code
LOCATION = ("lineno", "col_offset", "end_lineno", "end_col_offset")
SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)
LOOPS = (gast.For, gast.While)
COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


# -- the conversion context -----------------------------------------------------------------


class Namer:
    """Fresh names for generated variables and helpers, never equal to a user's name.

    Generated names end in ``__`` plus a counter (``brk__1``, ``if_body__2``); a name the
    user already uses is skipped.
    """

    def __init__(self, used: set[str]):
        self.used = set(used)
        self.counts: dict[str, int] = {}
        self.helpers: set[str] = set()  # names of generated functions (see converter)

    def new(self, base: str, numbered: bool = True, helper: bool = False) -> str:
        while True:
            if numbered:
                self.counts[base] = self.counts.get(base, 0) + 1
                candidate = f"{base}__{self.counts[base]}"
            else:
                candidate, numbered = f"{base}__", True
            if candidate not in self.used:
                break
        self.used.add(candidate)
        if helper:
            self.helpers.add(candidate)
        return candidate


@dataclasses.dataclass
class Context:
    """One conversion: where the function comes from and the state the passes share."""

    filename: str
    function_name: str
    namer: Namer
    freevars: tuple[str, ...] = ()  # the original function's closure names
    print_is_builtin: bool = True  # 'print' is not rebound in the function or its module
    library_globals: frozenset = frozenset()  # globals naming library modules (np, jax)

    def error(self, node, construct: str, why: str) -> errors.ConversionError:
        """A ConversionError naming the construct, the user's file:line and the reason."""
        line = getattr(node, "lineno", None)
        source = SourceInfo(self.filename, line, self.function_name) if line else None
        return errors.ConversionError(
            at_user_line(
                f"AutoGraph cannot convert {construct} in function '{self.function_name}': "
                f"{why} Rewrite it, or leave the function unconverted with "
                "jitflow.autograph.do_not_convert (then Python control flow on traced "
                "values in it is an error).",
                source,
            )
        )


# -- annotations ------------------------------------------------------------------------------


def setanno(node, key: str, value) -> None:
    node.__dict__.setdefault("_ag_anno", {})[key] = value


def getanno(node, key: str, default=None):
    return node.__dict__.get("_ag_anno", {}).get(key, default)


# -- locations ------------------------------------------------------------------------------


def located(node, origin):
    """``node`` with every sub-node lacking a location given ``origin``'s first line.

    Generated nodes span one line: where a generated call spans several lines, CPython
    3.11 moves the call's position to the end of its ``ag__.<name>`` attribute (the last
    line of a multi-line ``if``), and tracebacks would point there. An end column of None
    stands for "the end of the line" until :func:`finish_locations` measures the line.
    """
    if origin is None or getattr(origin, "lineno", None) is None:
        return node
    single = getattr(origin, "end_lineno", None) == origin.lineno
    where = (origin.lineno, origin.col_offset, origin.lineno,
             origin.end_col_offset if single else None)
    for sub in gast.walk(node):
        if "lineno" in getattr(sub, "_attributes", ()) and getattr(sub, "lineno", None) is None:
            for attr, value in zip(LOCATION, where):
                setattr(sub, attr, value)
    return node


def located_all(nodes, origin) -> list:
    return [located(n, origin) for n in nodes]


def finish_locations(tree, filename: str) -> None:
    """Give every node without a location its nearest located ancestor's location, and
    end columns left open by :func:`located` the length of their line."""

    def fill(node, parent):
        if "lineno" in getattr(node, "_attributes", ()):
            if getattr(node, "lineno", None) is None and parent is not None:
                for attr in LOCATION:
                    setattr(node, attr, getattr(parent, attr, None))
            if getattr(node, "end_col_offset", 0) is None:
                text = linecache.getline(filename, node.lineno).rstrip("\r\n")
                node.end_col_offset = max(len(text.encode()), node.col_offset)
            parent = node
        for child in gast.iter_child_nodes(node):
            fill(child, parent)

    fill(tree, None)


# -- node builders ----------------------------------------------------------------------------


def name(ident: str, ctx=None) -> gast.Name:
    return gast.Name(id=ident, ctx=ctx or gast.Load(), annotation=None, type_comment=None)


def const(value) -> gast.Constant:
    return gast.Constant(value=value, kind=None)


def ag_call(function: str, *args) -> gast.Call:
    """``ag__.function(*args)``."""
    func = gast.Attribute(value=name(AG), attr=function, ctx=gast.Load())
    return gast.Call(func=func, args=list(args), keywords=[])


def is_ag_call(node) -> bool:
    func = getattr(node, "func", None)
    return (
        isinstance(func, gast.Attribute)
        and isinstance(func.value, gast.Name)
        and func.value.id == AG
    )


def expr_stmt(value) -> gast.Expr:
    return gast.Expr(value=value)


def assign(target: str, value) -> gast.Assign:
    return gast.Assign(targets=[name(target, gast.Store())], value=value, type_comment=None)


def empty_arguments(params=()) -> gast.arguments:
    return gast.arguments(
        args=[name(p, gast.Param()) for p in params], posonlyargs=[], vararg=None,
        kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[],
    )


def thunk(expr) -> gast.Lambda:
    """``lambda: expr``: delays an expression (short-circuit operands, branches)."""
    return gast.Lambda(args=empty_arguments(), body=expr)


def function_def(ident: str, params, body) -> gast.FunctionDef:
    return gast.FunctionDef(
        name=ident, args=empty_arguments(params), body=list(body) or [gast.Pass()],
        decorator_list=[], returns=None, type_comment=None, type_params=[],
    )


def not_(expr) -> gast.UnaryOp:
    return gast.UnaryOp(op=gast.Not(), operand=expr)


def and_all(exprs):
    """``e1 and e2 and ...`` (flattening a leading ``and`` chain), or the single one."""
    values = []
    for e in exprs:
        if isinstance(e, gast.BoolOp) and isinstance(e.op, gast.And):
            values.extend(e.values)
        else:
            values.append(e)
    return values[0] if len(values) == 1 else gast.BoolOp(op=gast.And(), values=values)


def tuple_of(elts, ctx=None) -> gast.Tuple:
    return gast.Tuple(elts=list(elts), ctx=ctx or gast.Load())


def set_ctx(node, ctx) -> None:
    """Make an expression a target (Store) or a read (Load), recursively for tuples."""
    if isinstance(node, (gast.Name, gast.Attribute, gast.Subscript, gast.Starred)):
        node.ctx = ctx
    if isinstance(node, (gast.Tuple, gast.List)):
        node.ctx = ctx
        for elt in node.elts:
            set_ctx(elt, ctx)
    if isinstance(node, gast.Starred):
        set_ctx(node.value, ctx)


def clone(node):
    return copy.deepcopy(node)


# -- walking --------------------------------------------------------------------------------


def walk_scope(node, stop=SCOPES):
    """Like ``gast.walk`` but not entering nested functions, lambdas and classes."""
    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        for child in gast.iter_child_nodes(current):
            if not isinstance(child, stop):
                todo.append(child)


def walk_block(stmts, stop=SCOPES):
    for stmt in stmts:
        if not isinstance(stmt, stop):
            yield from walk_scope(stmt, stop)


def is_generator(fn_node) -> bool:
    """Whether a function (node) is a generator or a coroutine: ``yield`` or ``await``."""
    if isinstance(fn_node, gast.AsyncFunctionDef):
        return True
    body = fn_node.body if isinstance(fn_node.body, list) else [fn_node.body]
    return any(
        isinstance(n, (gast.Yield, gast.YieldFrom, gast.Await)) for n in walk_block(body)
    )


class ScopedTransformer(gast.NodeTransformer):
    """A transformer that converts function bodies only.

    Class bodies run once, at class creation, in a scope lambdas and nested functions
    cannot see: only the methods inside them are converted. Generator and async
    functions are left as they are (their bodies cannot move into nested functions).
    """

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def visit_ClassDef(self, node):
        node.body = [
            self.visit(s) if isinstance(s, (gast.FunctionDef, gast.ClassDef)) else s
            for s in node.body
        ]
        return node

    def visit_FunctionDef(self, node):
        if is_generator(node):
            return node
        return self.visit_function(node)

    def visit_AsyncFunctionDef(self, node):
        return node

    def visit_function(self, node):
        return self.generic_visit(node)
