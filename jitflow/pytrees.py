"""Argument and result trees with dicts whose keys do not sort (``{1: x, "a": y}``).

JAX flattens a dict in the sorted order of its keys, so that two dicts with the same keys
make one tree structure whatever order they were built in; keys that cannot be compared
(an int and a str) make it fail. Python and NumPy do not care. :func:`flatten` is JAX's
``tree_flatten``, except that such a dict becomes an :class:`UnsortedKeys` node: its keys
in insertion order (a dict built in another order is another structure: one more trace),
unflattened back into a plain ``dict``.
"""

from __future__ import annotations

from typing import Any

from jax import tree_util


class UnsortedKeys:
    """A dict whose keys JAX cannot sort, as a tree node (never seen by the user: its
    unflattening gives a plain dict)."""

    __slots__ = ("items",)

    def __init__(self, items: tuple):
        self.items = items


def _children_with_keys(node: UnsortedKeys):
    return [(tree_util.DictKey(k), v) for k, v in node.items], tuple(k for k, _ in node.items)


def _children(node: UnsortedKeys):
    return [v for _, v in node.items], tuple(k for k, _ in node.items)


def _rebuild(keys: tuple, children) -> dict:
    return dict(zip(keys, children, strict=True))


tree_util.register_pytree_with_keys(UnsortedKeys, _children_with_keys, _rebuild, _children)


def _keys_sort(d: dict) -> bool:
    try:
        sorted(d)
    except TypeError:
        return False
    return True


def _marked(tree: Any) -> Any:
    """``tree`` with every dict whose keys do not sort replaced by an UnsortedKeys node."""
    if isinstance(tree, dict):
        items = {k: _marked(v) for k, v in tree.items()}
        return items if _keys_sort(items) else UnsortedKeys(tuple(items.items()))
    if type(tree) in (tuple, list):
        return type(tree)(_marked(v) for v in tree)
    return tree


def flatten(tree: Any, is_leaf=None) -> tuple[list, tree_util.PyTreeDef]:
    """``jax.tree_util.tree_flatten(tree)``; dicts with keys of mixed types are kept in
    insertion order instead of failing (only then is the tree walked a second time)."""
    try:
        return tree_util.tree_flatten(tree, is_leaf)
    except ValueError as e:
        if "sorting pytree dictionary keys" not in str(e):
            raise
    return tree_util.tree_flatten(_marked(tree), is_leaf)


def flatten_with_path(tree: Any) -> tuple[list, tree_util.PyTreeDef]:
    """``jax.tree_util.tree_flatten_with_path(tree)``, with :func:`flatten`'s dicts."""
    try:
        return tree_util.tree_flatten_with_path(tree)
    except ValueError as e:
        if "sorting pytree dictionary keys" not in str(e):
            raise
    return tree_util.tree_flatten_with_path(_marked(tree))
