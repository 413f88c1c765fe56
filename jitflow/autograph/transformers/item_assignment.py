"""``out[i] = v`` -> ``out = ag__.setitem(value=v, target=out, index=i)`` (and ``op=``,
and ``np.add.at(out, i, v)`` -> ``out = ag__.ufunc_at(np.add, out, i, v)``).

So that a NumPy array the function made (``out = np.zeros(n)``) can receive traced values:
the runtime (:mod:`jitflow.autograph.item_assignment`) may rebind the name to a traced
copy. Only a plain local variable is rebound (a parameter or a name the function assigns,
not a global or a free variable, which the rebinding would turn into a local); any other
single subscript target (``G[i] = v``, ``self.buf[i] = v``, ``out[i][j] = v``) becomes
``ag__.setitem(..., rebind=False)``, which writes in place and explains a NumPy array
there. ``a[0] = b[0] = v`` and unpacking stay as Python runs them.
"""

from __future__ import annotations

import gast

from jitflow.autograph.transformers import base, scopes

_OPS = {
    gast.Add: "add", gast.Sub: "sub", gast.Mult: "mult", gast.Div: "div",
    gast.FloorDiv: "floordiv", gast.Mod: "mod", gast.Pow: "pow", gast.MatMult: "matmult",
    gast.LShift: "lshift", gast.RShift: "rshift", gast.BitOr: "bitor",
    gast.BitXor: "bitxor", gast.BitAnd: "bitand",
}


class ItemAssignmentTransformer(base.ScopedTransformer):
    def __init__(self, ctx: base.Context):
        super().__init__(ctx)
        self.locals: list[set] = []

    def visit_function(self, node):
        globals_, nonlocals = scopes.declarations(node)
        self.locals.append(
            scopes.own_names(node, set(scopes.parameters(node)), globals_, nonlocals)
        )
        try:
            return self.generic_visit(node)
        finally:
            self.locals.pop()

    def _is_local(self, target) -> bool:
        return bool(self.locals) and isinstance(target.value, gast.Name) and (
            target.value.id in self.locals[-1]
        )

    def visit_Assign(self, node):
        node = self.generic_visit(node)
        target = node.targets[0]
        if len(node.targets) != 1 or not isinstance(target, gast.Subscript):
            return node
        call = _ag_call_kw(
            "setitem", value=node.value, target=_load(target.value), index=_index(target.slice)
        )
        return base.located(self._store(target, call), node)

    def visit_AugAssign(self, node):
        node = self.generic_visit(node)
        target, op = node.target, _OPS.get(type(node.op))
        if not isinstance(target, gast.Subscript) or op is None:
            return node
        call = base.ag_call(
            "setitem_aug", _load(target.value), _index(target.slice), base.const(op), node.value
        )
        return base.located(self._store(target, call), node)

    def visit_Expr(self, node):
        """``np.add.at(out, i, v)`` as a statement: ``out = ag__.ufunc_at(np.add, out, i, v)``
        (the runtime leaves anything that is not a ufunc's ``at`` as it was)."""
        node = self.generic_visit(node)
        call = node.value
        if not (
            isinstance(call, gast.Call)
            and isinstance(call.func, gast.Attribute)
            and call.func.attr == "at"
            and call.args
            and isinstance(call.args[0], gast.Name)
            and call.args[0].id in (self.locals[-1] if self.locals else ())
            and not any(isinstance(a, gast.Starred) for a in call.args)
        ):
            return node
        ident = call.args[0].id
        rewritten = base.ag_call("ufunc_at", call.func.value, *call.args)
        rewritten.keywords = call.keywords
        return base.located(base.assign(ident, rewritten), node)

    def _store(self, target, call):
        """``name = call`` for a local name; else ``call`` told not to rebind."""
        if self._is_local(target):
            return base.assign(target.value.id, call)
        call.keywords.append(gast.keyword(arg="rebind", value=base.const(False)))
        return base.expr_stmt(call)


def _load(node):
    base.set_ctx(node, gast.Load())
    return node


def _index(node):
    """A subscript's index as an expression (slices become ``ag__.make_slice(...)``)."""
    if isinstance(node, gast.Slice):
        parts = [p if p is not None else base.const(None) for p in (node.lower, node.upper, node.step)]
        return base.ag_call("make_slice", *parts)
    if isinstance(node, gast.Tuple):
        return gast.Tuple(elts=[_index(e) for e in node.elts], ctx=gast.Load())
    return node


def _ag_call_kw(function: str, **keywords) -> gast.Call:
    """``ag__.function(name=value, ...)``: keyword arguments, evaluated in the order given."""
    call = base.ag_call(function)
    call.keywords = [gast.keyword(arg=k, value=v) for k, v in keywords.items()]
    return call


def transform(node, ctx: base.Context):
    return ItemAssignmentTransformer(ctx).visit(node)
