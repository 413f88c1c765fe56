"""``and``/``or``/``not``, chained comparisons and ternaries -> runtime operators.

    a and b and c     ->  ag__.and_(lambda: a, lambda: b, lambda: c)
    a or b            ->  ag__.or_(lambda: a, lambda: b)
    not a             ->  ag__.not_(a)
    a < b <= c        ->  ag__.chained_compare((lambda: a, lambda: b, lambda: c), ('<', '<='))
    x if c else y     ->  ag__.if_exp(c, lambda: x, lambda: y)

Operands become zero-argument lambdas so that short-circuiting stays lazy for Python
values; ``chained_compare`` evaluates each operand at most once, in Python's order (an
``and_`` of the comparisons). An expression whose wrapped operands contain a walrus
(``:=``) is left as Python wrote it: in a lambda the walrus would bind in the lambda.
"""

from __future__ import annotations

import gast

from jitflow.autograph.transformers import base

_COMPARE_OPS = {
    gast.Eq: "==", gast.NotEq: "!=", gast.Lt: "<", gast.LtE: "<=", gast.Gt: ">",
    gast.GtE: ">=", gast.Is: "is", gast.IsNot: "is not", gast.In: "in", gast.NotIn: "not in",
}


def _has_walrus(nodes) -> bool:
    return any(isinstance(n, gast.NamedExpr) for node in nodes for n in base.walk_scope(node))


class LogicalTransformer(base.ScopedTransformer):
    def visit_BoolOp(self, node):
        node = self.generic_visit(node)
        if _has_walrus(node.values):
            return node
        op = "and_" if isinstance(node.op, gast.And) else "or_"
        return base.located(base.ag_call(op, *[base.thunk(v) for v in node.values]), node)

    def visit_UnaryOp(self, node):
        node = self.generic_visit(node)
        if not isinstance(node.op, gast.Not):
            return node
        return base.located(base.ag_call("not_", node.operand), node)

    def visit_Compare(self, node):
        node = self.generic_visit(node)
        operands = [node.left] + node.comparators
        if len(node.ops) < 2 or _has_walrus(operands):
            return node
        ops = base.tuple_of([base.const(_COMPARE_OPS[type(op)]) for op in node.ops])
        thunks = base.tuple_of([base.thunk(o) for o in operands])
        return base.located(base.ag_call("chained_compare", thunks, ops), node)

    def visit_IfExp(self, node):
        node = self.generic_visit(node)
        if _has_walrus([node.body, node.orelse]):
            return node
        call = base.ag_call("if_exp", node.test, base.thunk(node.body), base.thunk(node.orelse))
        return base.located(call, node)


def transform(node, ctx: base.Context):
    return LogicalTransformer(ctx).visit(node)
