"""Lowering ``break``/``continue``/``return`` to flags and guards (shared by three passes).

Once a loop body or branch becomes a nested function, a jump statement inside it can no
longer leave the loop or the function. Each pass replaces its jump by a *marker* (an
assignment such as ``brk__1 = True``) and makes sure nothing after the jump runs:

* after a statement that always jumps, the rest of the block is dead and dropped;
* after ``if c: <always jumps>`` the rest of the block moves into the ``else`` branch
  (and vice versa), so the common ``if c: break`` / ``if c: return x`` patterns need no
  flag test at all — this keeps staged graphs small;
* after any other statement that may jump, the rest is guarded: ``if not flag: ...``.

Jumps inside a ``finally`` clause are refused: one there can cancel a jump already in
flight (``try: return 1 finally: break``), which flags cannot express.
"""

from __future__ import annotations

import gast

from jitflow.autograph.transformers import base
from jitflow.autograph.transformers.base import LOOPS, SCOPES


class Jump:
    """One kind of jump: what to look for, what to put in its place, how to guard."""

    def __init__(self, ctx: base.Context, kind: type, flag: str, stop_at_loops: bool):
        self.ctx = ctx
        self.kind = kind  # gast.Break, gast.Continue or gast.Return
        self.flag = flag
        self.stop_at_loops = stop_at_loops  # break/continue bind to the innermost loop
        self.flag_read = False  # whether any guard or loop test reads the flag

    def marker(self, node) -> list:
        """The statements replacing a jump (they set the flag)."""
        mark = base.located(base.assign(self.flag, base.const(True)), node)
        base.setanno(mark, "jump_marker", self.flag)
        return [mark]

    def on_loop(self, loop) -> None:
        """Called for a loop (nested in the block) that contains this kind of jump."""

    def read_flag(self):
        self.flag_read = True
        return base.name(self.flag)

    # -- analysis of unlowered statements -------------------------------------------------

    def contains(self, stmts) -> bool:
        stop = SCOPES + LOOPS if self.stop_at_loops else SCOPES
        return any(isinstance(n, self.kind) for n in base.walk_block(stmts, stop))

    def always(self, stmts) -> bool:
        """Whether a block jumps on every path (as far as a cheap syntactic check sees)."""
        for stmt in stmts:
            if isinstance(stmt, self.kind):
                return True
            if isinstance(stmt, gast.If) and self.always(stmt.body) and self.always(stmt.orelse):
                return True
        return False


def lower_block(stmts: list, jump: Jump) -> list:
    """``stmts`` with ``jump``'s jumps replaced by markers and what follows them guarded."""
    out = []
    for i, stmt in enumerate(stmts):
        rest = stmts[i + 1 :]
        if isinstance(stmt, jump.kind):
            return out + jump.marker(stmt)
        may_jump = jump.contains([stmt])
        if may_jump and rest and isinstance(stmt, gast.If):
            body_always, else_always = jump.always(stmt.body), jump.always(stmt.orelse)
            if body_always != else_always:  # the rest runs only after the other branch
                if body_always:
                    stmt.orelse = stmt.orelse + rest
                else:
                    stmt.body = stmt.body + rest
                return out + [_lower_children(stmt, jump)]
        always = may_jump and jump.always([stmt])
        out.append(_lower_children(stmt, jump) if may_jump else stmt)
        if may_jump and rest:
            if always:
                return out  # the rest is unreachable
            test = base.not_(jump.read_flag())
            guard = gast.If(test=test, body=lower_block(rest, jump), orelse=[])
            out.append(base.located(guard, rest[0]))
            return out
    return out


def _lower_children(stmt, jump: Jump):
    if isinstance(stmt, SCOPES):
        return stmt
    if isinstance(stmt, LOOPS):
        jump.on_loop(stmt)
    if isinstance(stmt, gast.Try) and jump.contains(stmt.finalbody):
        node = next(n for n in base.walk_block(stmt.finalbody) if isinstance(n, jump.kind))
        raise jump.ctx.error(
            node,
            f"'{type(node).__name__.lower()}' inside a 'finally' clause",
            "a jump there can cancel another one already under way (an exception, a "
            "return or a break in the 'try' body), which the converted code cannot "
            "express.",
        )
    for field in ("body", "orelse", "finalbody"):
        block = getattr(stmt, field, None)
        if isinstance(block, list) and block:
            setattr(stmt, field, lower_block(block, jump) or [gast.Pass()])
    for part in getattr(stmt, "handlers", []) + getattr(stmt, "cases", []):
        part.body = lower_block(part.body, jump) or [gast.Pass()]
    return stmt


def strip_markers(stmts: list, flag: str) -> list:
    """Remove the markers of ``flag`` (when nothing reads the flag), keeping blocks valid."""
    out = []
    for stmt in stmts:
        if base.getanno(stmt, "jump_marker") == flag:
            continue
        if not isinstance(stmt, SCOPES):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(stmt, field, None)
                if isinstance(block, list) and block:
                    new = strip_markers(block, flag)
                    setattr(stmt, field, new or ([gast.Pass()] if field == "body" else []))
            for part in getattr(stmt, "handlers", []) + getattr(stmt, "cases", []):
                part.body = strip_markers(part.body, flag) or [gast.Pass()]
        out.append(stmt)
    return out


def add_loop_test(loop, test) -> None:
    """Make a loop also stop when ``test`` is false: the while test, or the for loop's
    extra test (kept as an annotation until control_flow builds ``extra_test``)."""
    if isinstance(loop, gast.While):
        loop.test = base.located(base.and_all([test, loop.test]), loop.test)
    else:
        base.setanno(loop, "extra_test", [test] + base.getanno(loop, "extra_test", []))
