"""The AutoGraph passes, one module per Python construct, and the order they run in.

Each pass takes the gast tree of one function and returns it rewritten; the order
matters, and is fixed here:

1. ``break_statements`` — ``break`` and loop ``else`` become a flag, guards and a loop
   condition. First, because it needs loops as Python wrote them (with ``else``).
2. ``continue_statements`` — ``continue`` becomes guards (and a flag if needed).
3. ``return_statements`` — ``return`` inside if/while/for becomes a return variable, a
   flag and guards; loops already lowered by 1–2 get ``not do_return__`` added to their
   condition.
4. ``print_assert`` — ``assert`` becomes ``ag__.assert_stmt``, ``print`` ``ag__.print_``
   (before 6, so ``print`` is not wrapped in ``converted_call``).
5. ``item_assignment`` — ``out[i] = v`` becomes ``out = ag__.setitem(...)`` (and
   ``np.add.at(out, i, v)`` ``out = ag__.ufunc_at(...)``), so that a NumPy array the
   function made can take traced values. Before 6, which must see ``np.add.at`` as
   written, and before 7, which then sees ``out`` assigned.
5b. ``captures`` — reads of globals, closure variables and attributes become
   ``ag__.ld_name``/``ag__.ld_attr``, writes to attributes and ``global`` names
   ``ag__.st_attr``/``ag__.st_name`` (DESIGN decision 11). After 5 (which must see
   ``np.add.at`` and local names as written), before 6 (which must see ``super`` as written).
6. ``call_trees`` — the remaining calls go through ``ag__.converted_call``. Before 7–8,
   whose generated calls (``ag__.*``) must not be wrapped.
7. ``control_flow`` — if/while/for become nested body functions and operator calls. After
   1–3 (bodies must no longer contain jumps); state is analysed on each statement before
   its children are rewritten.
8. ``logical_expressions`` — and/or/not, chained comparisons, ternaries, including those
   that 1–3 and 7 generated (``not brk__1 and test``).
"""

from __future__ import annotations

from jitflow.autograph.transformers import (
    base,
    break_statements,
    call_trees,
    captures,
    continue_statements,
    control_flow,
    item_assignment,
    logical_expressions,
    print_assert,
    return_statements,
)

PASSES = (
    break_statements,
    continue_statements,
    return_statements,
    print_assert,
    item_assignment,
    captures,
    call_trees,
    control_flow,
    logical_expressions,
)


def transform(node, ctx: base.Context):
    """Run every pass over ``node`` (a function or lambda) in the order above."""
    for module in PASSES:
        node = module.transform(node, ctx)
    base.finish_locations(node, ctx.filename)
    return node
