"""``print(...)`` -> ``ag__.print_(...)``; ``assert c, m`` -> ``ag__.assert_stmt(c, lambda: m)``;
``raise e`` -> ``raise ag__.raise_value(e)``.

Both run as Python for Python values; with traced values the runtime prints or checks
when the compiled program runs. The message of an assert stays lazy, as in Python. Under
``python -O`` asserts are dropped, as the compiler would drop them.

``print`` is rewritten here only when the name cannot mean anything else (not assigned
in the function, not a global of its module); otherwise ``ag__.converted_call`` still
routes the builtin to ``ag__.print_`` at run time.
"""

from __future__ import annotations

import gast

from jitflow.autograph.transformers import base


class PrintAssertTransformer(base.ScopedTransformer):
    in_try = 0  # try bodies around the statement being visited (in this function)

    def visit_Assert(self, node):
        if not __debug__:
            return None
        node = self.generic_visit(node)
        msg = base.thunk(node.msg) if node.msg is not None else base.const(None)
        return base.located(base.expr_stmt(base.ag_call("assert_stmt", node.test, msg)), node)

    def visit_Try(self, node):
        self.in_try += 1
        node.body = [self.visit(n) for n in node.body]
        self.in_try -= 1
        node.handlers = [self.visit(n) for n in node.handlers]
        node.orelse = [self.visit(n) for n in node.orelse]
        node.finalbody = [self.visit(n) for n in node.finalbody]
        return node

    visit_TryStar = visit_Try

    def visit_function(self, node):
        outer, self.in_try = self.in_try, 0
        node = super().visit_function(node)
        self.in_try = outer
        return node

    def visit_Raise(self, node):
        """``raise e`` -> ``raise ag__.raise_value(e)`` (see :mod:`jitflow.autograph.raising`);
        a bare ``raise`` (re-raise) stays."""
        node = self.generic_visit(node)
        if node.exc is not None:
            args = [node.exc] + ([base.const(True)] if self.in_try else [])
            node.exc = base.located(base.ag_call("raise_value", *args), node.exc)
        return node

    def visit_Call(self, node):
        node = self.generic_visit(node)
        if (
            self.ctx.print_is_builtin
            and isinstance(node.func, gast.Name)
            and node.func.id == "print"
        ):
            func = gast.Attribute(value=base.name(base.AG), attr="print_", ctx=gast.Load())
            node.func = base.located(func, node.func)
        return node


def transform(node, ctx: base.Context):
    return PrintAssertTransformer(ctx).visit(node)
