"""Which names a statement binds: the *state* of a converted if/while/for.

The state of a statement is every local name it may rebind: assignment targets (plain,
augmented, annotated, unpacking, ``for`` targets, ``with ... as``, ``except ... as``,
walrus), imports, ``def``/``class`` names, ``del`` targets and match captures. Names bound
inside nested functions, lambdas, classes and comprehensions belong to those scopes and
are left out, except walrus targets in comprehensions (they bind in the function).

Item assignment (``y[i] = v``, ``y[i] += v``) is reported separately as a *mutation* of
``y``: the runtime may rebind ``y`` to a new traced array, so ``y`` joins the state when
it is a variable of the function (not a global).
"""

from __future__ import annotations

import gast

from jitflow.autograph.transformers.base import COMPREHENSIONS, SCOPES


class _Bindings(gast.NodeVisitor):
    def __init__(self):
        self.bound: dict[str, None] = {}  # insertion-ordered set
        self.mutated: dict[str, None] = {}
        self.in_comprehension = 0

    def bind(self, ident: str) -> None:
        if ident and not self.in_comprehension:
            self.bound.setdefault(ident, None)

    # nested scopes: their name is bound here, their insides are not
    def visit_FunctionDef(self, node):
        self.bind(node.name)
        for expr in node.decorator_list + node.args.defaults + node.args.kw_defaults:
            if expr is not None:
                self.visit(expr)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self.bind(node.name)
        for expr in node.decorator_list + node.bases + [k.value for k in node.keywords]:
            self.visit(expr)

    def visit_Lambda(self, node):
        for expr in node.args.defaults + node.args.kw_defaults:
            if expr is not None:
                self.visit(expr)

    def _visit_comprehension(self, node):
        self.in_comprehension += 1
        self.generic_visit(node)
        self.in_comprehension -= 1

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _visit_comprehension

    def visit_NamedExpr(self, node):
        self.bound.setdefault(node.target.id, None)  # even inside a comprehension
        self.visit(node.value)

    def visit_Name(self, node):
        if isinstance(node.ctx, (gast.Store, gast.Del)):
            self.bind(node.id)

    def visit_Subscript(self, node):
        if isinstance(node.ctx, (gast.Store, gast.Del)) and not self.in_comprehension:
            base = node.value
            while isinstance(base, gast.Subscript):
                base = base.value
            if isinstance(base, gast.Name):
                self.mutated.setdefault(base.id, None)
        self.generic_visit(node)

    def visit_alias(self, node):
        self.bind(node.asname or node.name.partition(".")[0])

    def visit_MatchAs(self, node):
        self.bind(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node):
        self.bind(node.name)

    def visit_MatchMapping(self, node):
        self.bind(node.rest)
        self.generic_visit(node)


def bindings(nodes) -> tuple[list[str], list[str]]:
    """(names bound, names mutated by item assignment) in ``nodes``, in order of appearance."""
    visitor = _Bindings()
    for node in nodes:
        if node is not None:
            visitor.visit(node)
    return list(visitor.bound), list(visitor.mutated)


def parameters(fn_node) -> list[str]:
    args = fn_node.args
    params = args.posonlyargs + args.args + args.kwonlyargs
    params += [a for a in (args.vararg, args.kwarg) if a is not None]
    return [p.id for p in params]


def declarations(fn_node) -> tuple[list[str], list[str]]:
    """(global names, nonlocal names) declared anywhere in the function's own scope."""
    globals_, nonlocals = {}, {}
    todo = list(fn_node.body)
    while todo:
        node = todo.pop()
        if isinstance(node, gast.Global):
            globals_.update(dict.fromkeys(node.names))
        elif isinstance(node, gast.Nonlocal):
            nonlocals.update(dict.fromkeys(node.names))
        if not isinstance(node, SCOPES + COMPREHENSIONS):
            todo.extend(gast.iter_child_nodes(node))
    return list(globals_), list(nonlocals)


def own_names(fn_node, params: set, globals_, nonlocals) -> set[str]:
    """The function's own variables: parameters, names it binds and names it declares
    ``nonlocal``, less those it declares ``global``."""
    bound, _ = bindings(fn_node.body)
    return (params | set(bound) | set(nonlocals)) - set(globals_)


def used_names(tree) -> set[str]:
    """Every identifier a function's source uses (generated names must avoid them)."""
    used = set()
    for node in gast.walk(tree):
        if isinstance(node, gast.Name):
            used.add(node.id)
        elif isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            used.add(node.name)
        elif isinstance(node, gast.alias):
            used.add(node.asname or node.name.partition(".")[0])
        elif isinstance(node, (gast.Global, gast.Nonlocal)):
            used.update(node.names)
        elif isinstance(node, (gast.MatchAs, gast.MatchStar)) and node.name:
            used.add(node.name)
        elif isinstance(node, gast.MatchMapping) and node.rest:
            used.add(node.rest)
    return used
