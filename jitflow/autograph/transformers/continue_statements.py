"""``continue`` -> guards on the rest of the loop body (and a flag where one is needed).

    for x in xs:                    for x in xs:
        if c:                           if c:
            continue          ->            pass
        a()                             else:
                                            a()

A ``continue`` nested deeper than a direct ``if`` needs a flag, reset at the top of each
iteration and set before the loop (so that a staged loop sees it defined):

    cont__1 = False
    for x in xs:
        cont__1 = False
        with m:
            if c:
                cont__1 = True
        if not cont__1:
            a()
"""

from __future__ import annotations

import gast

from jitflow.autograph.transformers import base, jumps


class ContinueTransformer(base.ScopedTransformer):
    def _visit_loop(self, node):
        node = self.generic_visit(node)
        jump = jumps.Jump(self.ctx, gast.Continue, "", stop_at_loops=True)
        if not jump.contains(node.body):
            return node
        jump.flag = self.ctx.namer.new("cont")
        body = jumps.lower_block(node.body, jump)
        if not jump.flag_read:
            node.body = jumps.strip_markers(body, jump.flag) or [gast.Pass()]
            return node
        reset = base.located(base.assign(jump.flag, base.const(False)), node)
        node.body = [reset] + body
        return [base.clone(reset), node]

    visit_For = visit_While = _visit_loop


def transform(node, ctx: base.Context):
    return ContinueTransformer(ctx).visit(node)
