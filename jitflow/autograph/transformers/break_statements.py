"""``break`` and loop ``else`` clauses -> a flag, guards and a loop condition.

    while test:                      brk__1 = False
        a()                          while not brk__1 and test:
        if c:                            a()
            break            ->          if c:
        b()                                  brk__1 = True
    else:                                else:
        done()                               b()
                                     if not brk__1:
                                         done()

A loop without ``break`` keeps no flag: its ``else`` clause simply follows it. Inner loops
are lowered first, so a ``break`` in an inner loop's ``else`` clause (which belongs to the
outer loop) is already outside the inner loop when the outer one is lowered.
"""

from __future__ import annotations

import gast

from jitflow.autograph.transformers import base, jumps


class BreakTransformer(base.ScopedTransformer):
    def _visit_loop(self, node):
        node = self.generic_visit(node)
        orelse, node.orelse = node.orelse, []
        jump = jumps.Jump(self.ctx, gast.Break, "", stop_at_loops=True)
        if not jump.contains(node.body):
            return [node] + orelse
        jump.flag = self.ctx.namer.new("brk")
        node.body = jumps.lower_block(node.body, jump) or [gast.Pass()]
        jumps.add_loop_test(node, base.located(base.not_(base.name(jump.flag)), node))
        out = [base.located(base.assign(jump.flag, base.const(False)), node), node]
        if orelse:
            out.append(base.located(gast.If(test=base.not_(base.name(jump.flag)), body=orelse,
                                            orelse=[]), orelse[0]))
        return out

    visit_For = visit_While = _visit_loop


def transform(node, ctx: base.Context):
    return BreakTransformer(ctx).visit(node)
