"""``if``/``while``/``for`` -> runtime operator calls with body and state functions.

    if x > 0:                     def if_body__1():
        y = x                         nonlocal y
    else:                 ->          y = x
        y = -x                    def else_body__1():
                                      nonlocal y
                                      y = -x
                                  def get_state__1():
                                      return (ag__.ld(lambda: y, 'y'),)
                                  def set_state__1(vals__1):
                                      nonlocal y
                                      (y,) = vals__1
                                  ag__.if_stmt(x > 0, if_body__1, else_body__1,
                                               get_state__1, set_state__1, ('y',))

``while test: body`` gives ``ag__.while_stmt(loop_test__N, loop_body__N, get_state__N,
set_state__N, names)``; ``for target in it: body`` gives ``ag__.for_stmt(it, extra_test__N
or None, loop_body__N, ...)`` where ``loop_body__N(itr__N)`` unpacks ``target = itr__N``
first. The state (see :mod:`.scopes`) is declared ``nonlocal`` (``global`` for names the
function declares global) in every function that assigns it.

A name the function assigns only inside converted statements would no longer be bound in
the function itself, and ``nonlocal`` needs a binding: such names start as
``ag__.Undefined('name')`` at the top of the function. ``global``/``nonlocal``
declarations apply to the whole function in Python, so they move to its top.
"""

from __future__ import annotations

import dataclasses

import gast

from jitflow.autograph.transformers import base, scopes


@dataclasses.dataclass
class _Scope:
    locals: set  # names local to the function (before conversion), parameters included
    params: set
    globals: set  # declared global
    nonlocals: set  # declared nonlocal
    visible: set  # function variables visible here: own locals and enclosing functions'
    state: dict = dataclasses.field(default_factory=dict)  # every state name used


class ControlFlowTransformer(base.ScopedTransformer):
    def __init__(self, ctx: base.Context):
        super().__init__(ctx)
        self.scopes: list[_Scope] = []

    # -- functions --------------------------------------------------------------------------

    def visit_function(self, node):
        params = set(scopes.parameters(node))
        globals_, nonlocals = scopes.declarations(node)
        own = scopes.own_names(node, params, globals_, nonlocals)
        enclosing = self.scopes[-1].visible if self.scopes else set(self.ctx.freevars)
        visible = (enclosing - set(globals_)) | own
        scope = _Scope(own, params, set(globals_), set(nonlocals), visible)
        self.scopes.append(scope)
        node.body = _without_declarations(node.body)
        node = self.generic_visit(node)
        self.scopes.pop()

        outer, _ = scopes.bindings(node.body)
        unbound = [n for n in scope.state if n in own - params - set(nonlocals) - set(outer)]
        head = [base.assign(n, base.ag_call("Undefined", base.const(n))) for n in unbound]
        if globals_:
            head.insert(0, gast.Global(names=list(globals_)))
        if nonlocals:
            head.insert(0, gast.Nonlocal(names=list(nonlocals)))
        at = 1 if _is_docstring(node.body[0]) else 0
        node.body[at:at] = base.located_all(head, node)
        return node

    # -- statements -------------------------------------------------------------------------

    def visit_If(self, node):
        names = self._state(node, node.body + node.orelse)
        in_body, in_orelse = _assigned(node.body), _assigned(node.orelse)
        node = self.generic_visit(node)
        namer = self.ctx.namer
        body = base.function_def(namer.new("if_body", helper=True), [],
                                 self._declare(names, in_body) + node.body)
        orelse = base.function_def(namer.new("else_body", helper=True), [],
                                   self._declare(names, in_orelse) + node.orelse)
        get_state, set_state = self._state_functions(names)
        call = base.ag_call("if_stmt", node.test, base.name(body.name), base.name(orelse.name),
                            base.name(get_state.name), base.name(set_state.name),
                            _names_tuple(names))
        return base.located_all([body, orelse, get_state, set_state, base.expr_stmt(call)], node)

    def visit_While(self, node):
        names = self._state(node, [node.test] + node.body)
        test_bound, _ = scopes.bindings([node.test])  # walrus in the condition
        node = self.generic_visit(node)
        namer = self.ctx.namer
        test = base.function_def(namer.new("loop_test", helper=True), [],
                                 self._declare(test_bound) + [gast.Return(value=node.test)])
        body = base.function_def(namer.new("loop_body", helper=True), [],
                                 self._declare(names) + node.body)
        get_state, set_state = self._state_functions(names)
        call = base.ag_call("while_stmt", base.name(test.name), base.name(body.name),
                            base.name(get_state.name), base.name(set_state.name),
                            _names_tuple(names))
        return base.located_all([test, body, get_state, set_state, base.expr_stmt(call)], node)

    def visit_For(self, node):
        names = self._state(node, [node.target] + node.body)
        node = self.generic_visit(node)
        namer = self.ctx.namer
        out = []
        extra = base.getanno(node, "extra_test")
        if extra:
            test = base.function_def(namer.new("extra_test", helper=True), [],
                                     [gast.Return(value=base.and_all(extra))])
            out.append(test)
            extra_test = base.name(test.name)
        else:
            extra_test = base.const(None)
        itr = namer.new("itr")
        unpack = gast.Assign(targets=[node.target], value=base.name(itr), type_comment=None)
        body = base.function_def(namer.new("loop_body", helper=True), [itr],
                                 self._declare(names) + [base.located(unpack, node.target)]
                                 + node.body)
        get_state, set_state = self._state_functions(names)
        call = base.ag_call("for_stmt", node.iter, extra_test, base.name(body.name),
                            base.name(get_state.name), base.name(set_state.name),
                            _names_tuple(names))
        out += [body, get_state, set_state, base.expr_stmt(call)]
        return base.located_all(out, node)

    def visit_AnnAssign(self, node):
        """``x: T = v`` -> ``x = v``: a function never evaluates a local's annotation, and an
        annotated name cannot be declared ``nonlocal`` in a body function."""
        if not isinstance(node.target, gast.Name):
            return node
        if node.value is None:
            return base.located(gast.Pass(), node)
        return base.located(
            gast.Assign(targets=[node.target], value=node.value, type_comment=None), node
        )

    def visit_AsyncFor(self, node):
        return node  # only in async functions, which are not converted

    # -- state --------------------------------------------------------------------------------

    def _state(self, node, parts) -> list[str]:
        """The names the statement may rebind (see :mod:`.scopes`), checked for frame tricks."""
        if not self.scopes:  # a statement outside any function cannot occur here
            raise self.ctx.error(node, "a statement outside a function", "unexpected.")
        _check_frame_calls(self.ctx, parts)
        scope = self.scopes[-1]
        bound, mutated = scopes.bindings(parts)
        names = bound + [
            m for m in mutated if m not in bound and (m in scope.visible or m in scope.globals)
        ]
        scope.state.update(dict.fromkeys(names))
        return names

    def _declare(self, names, only=None) -> list:
        """``nonlocal``/``global`` statements for ``names`` (those in ``only``, if given:
        the names a body function itself assigns)."""
        scope = self.scopes[-1]
        if only is not None:
            names = [n for n in names if n in only]
        out = []
        nonlocal_names = [n for n in names if n not in scope.globals]
        global_names = [n for n in names if n in scope.globals]
        if nonlocal_names:
            out.append(gast.Nonlocal(names=nonlocal_names))
        if global_names:
            out.append(gast.Global(names=global_names))
        return out

    def _state_functions(self, names):
        namer = self.ctx.namer
        reads = [base.ag_call("ld", base.thunk(base.name(n)), base.const(n)) for n in names]
        get_state = base.function_def(namer.new("get_state", helper=True), [],
                                      [gast.Return(value=base.tuple_of(reads))])
        vals = namer.new("vals")
        if names:
            target = base.tuple_of([base.name(n, gast.Store()) for n in names], gast.Store())
            write = [gast.Assign(targets=[target], value=base.name(vals), type_comment=None)]
        else:
            write = [gast.Pass()]
        set_state = base.function_def(namer.new("set_state", helper=True), [vals],
                                      self._declare(names) + write)
        return get_state, set_state


def _assigned(parts) -> set:
    bound, mutated = scopes.bindings(parts)
    return set(bound) | set(mutated)


def _names_tuple(names):
    return base.tuple_of([base.const(n) for n in names])


def _is_docstring(stmt) -> bool:
    value = getattr(stmt, "value", None)
    return isinstance(stmt, gast.Expr) and isinstance(value, gast.Constant) and isinstance(
        value.value, str
    )


def _without_declarations(stmts: list) -> list:
    """``stmts`` without ``global``/``nonlocal`` statements (they move to the top)."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, (gast.Global, gast.Nonlocal)):
            continue
        if not isinstance(stmt, base.SCOPES):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(stmt, field, None)
                if isinstance(block, list) and block:
                    new = _without_declarations(block)
                    setattr(stmt, field, new or ([gast.Pass()] if field == "body" else []))
            for part in getattr(stmt, "handlers", []) + getattr(stmt, "cases", []):
                part.body = _without_declarations(part.body) or [gast.Pass()]
        out.append(stmt)
    return out or [gast.Pass()]


_FRAME_CALLS = {"locals": 0, "vars": 0, "dir": 0, "eval": 1, "exec": 1}  # name: max #args


def _check_frame_calls(ctx: base.Context, parts) -> None:
    """Refuse calls that read the function's local variables by name (they would see the
    nested body function's frame instead)."""
    for node in base.walk_block(parts):
        if (
            isinstance(node, gast.Call)
            and isinstance(node.func, gast.Name)
            and node.func.id in _FRAME_CALLS
            and len(node.args) + len(node.keywords) <= _FRAME_CALLS[node.func.id]
        ):
            raise ctx.error(
                node,
                f"'{node.func.id}(...)' inside an if/while/for statement",
                "the statement's body becomes a nested function, whose local variables "
                "are not the function's.",
            )


def transform(node, ctx: base.Context):
    return ControlFlowTransformer(ctx).visit(node)
