"""``return`` inside if/while/for -> a return value variable, a flag and guards.

A body that becomes a nested function cannot return from the user's function, so once
any ``return`` sits inside an ``if``, ``while`` or ``for``, every ``return v`` of the
function becomes ``retval__ = v; do_return__ = True``, what follows is guarded (or moved
into an ``else``, see :mod:`.jumps`), loops get ``not do_return__`` in their condition, and
the function ends with ``return ag__.retval(retval__)``:

    def f(x):                       def f(x):
        for v in x:                     do_return__ = False
            if v > 0:                   retval__ = ag__.UndefinedReturnValue()
                return v      ->        for v in x:  # (extra test: not do_return__)
        return -1                           if v > 0:
                                                retval__ = v
                                                do_return__ = True
                                        if not do_return__:
                                            retval__ = -1
                                            do_return__ = True
                                        return ag__.retval(retval__)

``ag__.retval`` turns the initial "no value yet" into None, Python's implicit return
value. The flag is dropped when nothing reads it (``if c: return a`` + ``return b``).
"""

from __future__ import annotations

import gast

from jitflow.autograph.transformers import base, jumps


class _ReturnJump(jumps.Jump):
    def __init__(self, ctx, flag: str, retval: str):
        super().__init__(ctx, gast.Return, flag, stop_at_loops=False)
        self.retval = retval

    def marker(self, node) -> list:
        value = node.value if node.value is not None else base.const(None)
        store = base.located(base.assign(self.retval, value), node)
        return [store] + super().marker(node)

    def on_loop(self, loop) -> None:
        jumps.add_loop_test(loop, base.located(base.not_(self.read_flag()), loop))


def _needs_lowering(fn_node) -> bool:
    """Whether a ``return`` sits inside a statement that becomes a nested function."""
    for stmt in base.walk_block(fn_node.body):
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            if any(isinstance(n, gast.Return) for n in base.walk_block(stmt.body + stmt.orelse)):
                return True
    return False


class ReturnTransformer(base.ScopedTransformer):
    def visit_function(self, node):
        node = self.generic_visit(node)  # nested functions first: their returns are theirs
        if not _needs_lowering(node):
            return node
        namer = self.ctx.namer
        jump = _ReturnJump(self.ctx, namer.new("do_return", numbered=False),
                           namer.new("retval", numbered=False))
        last = node.body[-1]
        docstring = node.body[:1] if _is_docstring(node.body[0]) else []
        body = jumps.lower_block(node.body[len(docstring):], jump)
        head = [base.assign(jump.retval, base.ag_call("UndefinedReturnValue"))]
        if jump.flag_read:
            head.insert(0, base.assign(jump.flag, base.const(False)))
        else:
            body = jumps.strip_markers(body, jump.flag)
        tail = gast.Return(value=base.ag_call("retval", base.name(jump.retval)))
        node.body = docstring + base.located_all(head, node) + body + [base.located(tail, last)]
        return node


def _is_docstring(stmt) -> bool:
    return isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant) and isinstance(
        stmt.value.value, str
    )


def transform(node, ctx: base.Context):
    return ReturnTransformer(ctx).visit(node)
