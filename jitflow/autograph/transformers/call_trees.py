"""Calls -> ``ag__.converted(f)(...)``, so called user code is converted too.

    g(a, *b, k=c, **d)   ->   ag__.converted(g)(a, *b, k=c, **d)

At run time ``ag__.converted(f)`` returns what to call: ``f`` converted for user
functions, methods, lambdas and closures (once each, cached), the operator for builtins
that have one (``range`` -> ``ag__.range_``), ``f`` itself for library code, builtins and
``do_not_convert`` functions. The call itself stays in the user's frame, with its
arguments as written: functions that look at their caller (``warnings.warn``'s
``stacklevel``, ``logging``, ``sys._getframe``) see the user's function, as they would
without conversion. (``ag__.converted_call(f, args, kwargs)`` does the same in one call.)
Left alone:

* calls of the runtime itself (``ag__.*``);
* the builtins that look at their caller's frame (``locals()``, ``globals()``, ``vars()``,
  ``dir()``, ``eval``, ``exec``, ``super``): through ``converted_call`` they would see the
  wrong frame. Zero-argument ``super()`` also needs its own frame's first argument, which
  a nested body function does not have, so it becomes ``super(__class__, self)``.
"""

from __future__ import annotations

import gast

from jitflow.autograph.transformers import base

FRAME_BUILTINS = frozenset({"locals", "globals", "vars", "dir", "eval", "exec", "super"})


class CallTreeTransformer(base.ScopedTransformer):
    def __init__(self, ctx: base.Context):
        super().__init__(ctx)
        self.functions = []  # (first parameter, whether a __class__ cell is visible)
        self.in_class = 0

    def visit_ClassDef(self, node):
        self.in_class += 1
        node = super().visit_ClassDef(node)
        self.in_class -= 1
        return node

    def visit_function(self, node):
        params = node.args.posonlyargs + node.args.args
        has_class = self.in_class > 0 or (not self.functions and "__class__" in self.ctx.freevars)
        self.functions.append((params[0].id if params else None, has_class))
        node = self.generic_visit(node)
        self.functions.pop()
        return node

    def visit_Call(self, node):
        node = self.generic_visit(node)
        if base.is_ag_call(node):
            return node
        if isinstance(node.func, gast.Name) and node.func.id in FRAME_BUILTINS:
            if node.func.id == "super" and not node.args and not node.keywords:
                self._explicit_super(node)
            return node
        node.func = base.located(base.ag_call("converted", node.func), node.func)
        return node

    def _explicit_super(self, node) -> None:
        """``super()`` -> ``super(__class__, self)``: the compiler's own rule, made explicit."""
        if self.functions and all(self.functions[-1]):
            first_param, _ = self.functions[-1]
            node.args = base.located_all([base.name("__class__"), base.name(first_param)], node)


def transform(node, ctx: base.Context):
    return CallTreeTransformer(ctx).visit(node)
