"""Reads and writes of state outside the function -> runtime hooks (DESIGN decision 11).

    G              ->   ag__.ld_name(G, 'G', ag_scope__)   (a global or closure variable)
    obj.attr       ->   ag__.ld_attr(obj, 'attr')
    obj.attr = v   ->   ag__.st_attr(obj, 'attr', v)
    obj.attr += v  ->   ag__.aug_attr(obj, 'attr', 'add', v)
    G = v          ->   ag__.st_name(v, 'G', ag_scope__)   (G declared global/nonlocal)

While a function is traced, the hooks (:mod:`jitflow.captures`) make a NumPy array read
this way an implicit input of the compiled program, read again at each call, and guard a
number or string read this way; outside tracing they are the plain read or write.
``ag_scope__`` is a closure variable of converted code holding the user function's globals
and closure cells (see the converter). Names local to the function or to a function,
lambda or comprehension inside it are left alone, and so are the builtins that look at
their caller's frame (``super``, ``locals``, ...). Runs after ``item_assignment`` (which
must see ``np.add.at`` as written) and before ``call_trees``.
"""

from __future__ import annotations

import gast

from jitflow.autograph.transformers import base, scopes
from jitflow.autograph.transformers.call_trees import FRAME_BUILTINS

SCOPE = "ag_scope__"
_LEFT_ALONE = FRAME_BUILTINS | {base.AG, SCOPE, "__class__", "print"}
_AUG_OPS = {
    gast.Add: "add", gast.Sub: "sub", gast.Mult: "mult", gast.Div: "div",
    gast.FloorDiv: "floordiv", gast.Mod: "mod", gast.Pow: "pow", gast.MatMult: "matmult",
    gast.LShift: "lshift", gast.RShift: "rshift", gast.BitOr: "bitor",
    gast.BitXor: "bitxor", gast.BitAnd: "bitand",
}


class _Scope:
    def __init__(self, own=(), globals_=(), nonlocals=()):
        self.own, self.globals, self.nonlocals = set(own), set(globals_), set(nonlocals)


class CaptureTransformer(gast.NodeTransformer):
    def __init__(self, ctx: base.Context):
        self.ctx = ctx
        self.scopes: list[_Scope] = []

    # -- scopes ------------------------------------------------------------------------

    def _outside(self, ident: str) -> bool:
        """Whether ``ident`` is a global or a closure variable of the converted function."""
        if ident in _LEFT_ALONE or not self.scopes:
            return False
        for scope in reversed(self.scopes):
            if ident in scope.globals:
                return True
            if ident in scope.nonlocals:
                continue
            if ident in scope.own:
                return False
        return True

    def _visit_all(self, nodes):
        return [self.visit(n) if n is not None else None for n in nodes]

    def visit_FunctionDef(self, node):
        node.decorator_list = self._visit_all(node.decorator_list)
        node.args.defaults = self._visit_all(node.args.defaults)
        node.args.kw_defaults = self._visit_all(node.args.kw_defaults)
        if base.is_generator(node):
            return node
        globals_, nonlocals = scopes.declarations(node)
        bound, _ = scopes.bindings(node.body)
        own = set(scopes.parameters(node)) | set(bound)
        self.scopes.append(_Scope(own - set(nonlocals), globals_, nonlocals))
        node.body = [self.visit(s) for s in node.body]
        self.scopes.pop()
        return node

    def visit_AsyncFunctionDef(self, node):
        return node

    def visit_ClassDef(self, node):
        node.body = [
            self.visit(s) if isinstance(s, (gast.FunctionDef, gast.ClassDef)) else s
            for s in node.body
        ]
        return node

    def visit_Lambda(self, node):
        node.args.defaults = self._visit_all(node.args.defaults)
        node.args.kw_defaults = self._visit_all(node.args.kw_defaults)
        self.scopes.append(_Scope(scopes.parameters(node)))
        node.body = self.visit(node.body)
        self.scopes.pop()
        return node

    def _visit_comprehension(self, node):
        targets = set()
        for gen in node.generators:
            targets |= {n.id for n in gast.walk(gen.target) if isinstance(n, gast.Name)}
        self.scopes.append(_Scope(targets))
        node = self.generic_visit(node)
        self.scopes.pop()
        return node

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _visit_comprehension

    # -- reads -------------------------------------------------------------------------

    def _library(self, node) -> bool:
        """Whether ``node`` is a library module's global (``np``) or an attribute chain
        rooted at one (``np.linalg.norm``): code, read as written."""
        while isinstance(node, gast.Attribute):
            node = node.value
        return (isinstance(node, gast.Name) and node.id in self.ctx.library_globals
                and (not self.scopes or self._outside(node.id)))

    def visit_match_case(self, node):
        # Patterns must stay names and dotted names (``case Color.RED``, ``case Point()``).
        if node.guard is not None:
            node.guard = self.visit(node.guard)
        node.body = [self.visit(s) for s in node.body]
        return node

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and self._outside(node.id) and not self._library(node):
            call = base.ag_call("ld_name", node, base.const(node.id), base.name(SCOPE))
            return base.located(call, node)
        return node

    def visit_Attribute(self, node):
        if isinstance(node.value, gast.Name) and node.value.id == base.AG:
            return node  # the runtime's own functions
        if self._library(node):
            return node
        node = self.generic_visit(node)
        if isinstance(node.ctx, gast.Load):
            return base.located(base.ag_call("ld_attr", node.value, base.const(node.attr)), node)
        return node

    # -- writes ------------------------------------------------------------------------

    def visit_Assign(self, node):
        target = node.targets[0]
        if len(node.targets) != 1:
            return self.generic_visit(node)
        if isinstance(target, gast.Attribute):
            call = base.ag_call("st_attr", self.visit(target.value), base.const(target.attr),
                                self.visit(node.value))
            return base.located(base.expr_stmt(call), node)
        if isinstance(target, gast.Name) and self._outside(target.id):
            call = base.ag_call("st_name", self.visit(node.value), base.const(target.id),
                                base.name(SCOPE))
            return base.located(base.expr_stmt(call), node)
        return self.generic_visit(node)

    def visit_AugAssign(self, node):
        target, op = node.target, _AUG_OPS.get(type(node.op))
        if op is None:
            return self.generic_visit(node)
        if isinstance(target, gast.Attribute):
            call = base.ag_call("aug_attr", self.visit(target.value), base.const(target.attr),
                                base.const(op), self.visit(node.value))
            return base.located(base.expr_stmt(call), node)
        if isinstance(target, gast.Name) and self._outside(target.id):
            read = base.name(target.id)
            value = base.ag_call("aug_op", self.visit_Name(read), base.const(op),
                                 self.visit(node.value))
            call = base.ag_call("st_name", value, base.const(target.id), base.name(SCOPE))
            return base.located(base.expr_stmt(call), node)
        return self.generic_visit(node)


def transform(node, ctx: base.Context):
    return CaptureTransformer(ctx).visit(node)
