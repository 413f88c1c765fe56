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

A function that may end without ``return`` gets an explicit ``return None`` first, so
every path that reaches the end assigns ``retval__``: staged control flow then sees None
against an array (an error) instead of an unassigned value it could fill in. The initial
``UndefinedReturnValue`` is thus only ever held on paths that return later (or never), and
staged loops may carry zeros in its place (``zeros_ok``). The flag is dropped when
nothing reads it (``if c: return a`` + ``return b``).
"""

from __future__ import annotations

import gast

from jitflow.autograph.transformers import base, jumps, scopes


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

    def always(self, stmts) -> bool:
        # ``while True:`` (no break: break_statements made its test ``not brk and True``)
        # never ends normally, so nothing after it runs.
        for stmt in stmts:
            if isinstance(stmt, gast.While) and isinstance(stmt.test, gast.Constant):
                if stmt.test.value is True:
                    return True
        return super().always(stmts)


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
            _check_returned_names(node)
            return node
        namer = self.ctx.namer
        jump = _ReturnJump(self.ctx, namer.new("do_return", numbered=False),
                           namer.new("retval", numbered=False))
        last = node.body[-1]
        docstring = node.body[:1] if _is_docstring(node.body[0]) else []
        body = node.body[len(docstring):]
        if not jump.always(body):  # falling off the end is ``return None``; say so
            body = body + [base.located(gast.Return(value=None), last)]
        body = jumps.lower_block(body, jump)
        head = [base.assign(jump.retval, base.ag_call("UndefinedReturnValue"))]
        if jump.flag_read:
            head.insert(0, base.assign(jump.flag, base.const(False)))
        else:
            body = jumps.strip_markers(body, jump.flag)
        tail = gast.Return(value=base.ag_call("retval", base.name(jump.retval)))
        node.body = docstring + base.located_all(head, node) + body + [base.located(tail, last)]
        return node


def _check_returned_names(fn_node) -> None:
    """``return v`` -> ``return ag__.retval(v)`` where ``v`` reads a name assigned in an
    if/while/for: the name may be undefined there, and ``retval`` says so by name (a
    lowered function's final ``return ag__.retval(retval__)`` does the same)."""
    maybe = set()
    for stmt in base.walk_block(fn_node.body):
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            maybe.update(scopes.bindings(stmt.body + stmt.orelse)[0])
            if isinstance(stmt, gast.For):
                maybe.update(scopes.bindings([stmt.target])[0])
    for stmt in base.walk_block(fn_node.body):
        if isinstance(stmt, gast.Return) and stmt.value is not None:
            if any(isinstance(n, gast.Name) and n.id in maybe for n in base.walk_scope(stmt.value)):
                stmt.value = base.located(base.ag_call("retval", stmt.value), stmt.value)


def _is_docstring(stmt) -> bool:
    return isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant) and isinstance(
        stmt.value.value, str
    )


def transform(node, ctx: base.Context):
    return ReturnTransformer(ctx).visit(node)
