"""AutoGraph: Python control flow on traced values becomes XLA control flow.

A gast source rewrite (:mod:`.converter`) turns ``if``/``while``/``for``, ``break``,
``continue``, ``return`` in loops, ``and``/``or``/``not``, ternaries, ``print`` and
``assert`` into calls of the runtime operators in :mod:`.operators`, which keep plain
Python semantics for Python values and build ``cond``/``while`` ops for traced ones.
"""

from jitflow.autograph.converter import convert, do_not_convert, to_code

__all__ = ["convert", "do_not_convert", "to_code"]
