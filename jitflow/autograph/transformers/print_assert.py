"""``print(...)`` -> ``ag__.print_(...)``; ``assert c, m`` -> ``ag__.assert_stmt(c, lambda: m)``.

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
    def visit_Assert(self, node):
        if not __debug__:
            return None
        node = self.generic_visit(node)
        msg = base.thunk(node.msg) if node.msg is not None else base.const(None)
        return base.located(base.expr_stmt(base.ag_call("assert_stmt", node.test, msg)), node)

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
