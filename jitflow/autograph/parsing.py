"""Finding a function's source as a gast tree, with the positions it has in its file.

The whole file is parsed (once per file and content, cached) and the function's node is
looked up by its first line: nodes then carry their true line and column numbers, with no
dedenting, so converted code compiled from them points at the user's lines. A lambda is
found among the lambdas on its line by its parameter names and, when several remain, by
the column span its code covers (``co_positions``); if that is still ambiguous the lambda
is not converted.
"""

from __future__ import annotations

import copy
import linecache
import types

import gast

_FILES: dict[str, tuple[int, dict]] = {}  # filename -> (hash of content, line -> nodes)
_DEFS = (gast.FunctionDef, gast.AsyncFunctionDef)


def _index(filename: str, module_globals) -> dict | None:
    lines = linecache.getlines(filename, module_globals)
    if not lines:
        return None
    text = "".join(lines)
    key = hash(text)
    cached = _FILES.get(filename)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        tree = gast.parse(text)
    except (SyntaxError, ValueError):
        return None
    index: dict[int, list] = {}
    for node in gast.walk(tree):
        if isinstance(node, _DEFS):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            index.setdefault(first, []).append(node)
        elif isinstance(node, gast.Lambda):
            index.setdefault(node.lineno, []).append(node)
    _FILES[filename] = (key, index)
    return index


def _param_names(code: types.CodeType) -> list[str]:
    count = code.co_argcount + code.co_kwonlyargcount
    count += bool(code.co_flags & 0x04) + bool(code.co_flags & 0x08)  # *args, **kwargs
    return sorted(code.co_varnames[:count])


def _node_params(node) -> list[str]:
    args = node.args
    params = args.posonlyargs + args.args + args.kwonlyargs
    params += [a for a in (args.vararg, args.kwarg) if a is not None]
    return sorted(p.id for p in params)


def _span(code: types.CodeType):
    """The source span (start, end) covered by ``code``'s instructions, or None."""
    starts, ends = [], []
    for line, end_line, col, end_col in code.co_positions():
        if line is None or col is None or (col == end_col == 0):
            continue  # instructions with no real position (RESUME, implicit returns)
        starts.append((line, col))
        ends.append((end_line, end_col))
    return (min(starts), max(ends)) if starts else None


def function_node(fn: types.FunctionType):
    """A private copy of the FunctionDef or Lambda node of ``fn``, or None if not found."""
    code = fn.__code__
    index = _index(code.co_filename, fn.__globals__)
    if index is None:
        return None
    candidates = index.get(code.co_firstlineno, [])
    params = _param_names(code)
    if code.co_name == "<lambda>":
        found = [n for n in candidates if isinstance(n, gast.Lambda) and _node_params(n) == params]
        if len(found) > 1:  # several lambdas on the line: the one whose body the code spans
            span = _span(code)
            found = [
                n for n in found
                if span == ((n.body.lineno, n.body.col_offset),
                            (n.body.end_lineno, n.body.end_col_offset))
            ]
    else:
        found = [
            n for n in candidates
            if isinstance(n, _DEFS) and n.name == code.co_name and _node_params(n) == params
        ]
    if len(found) != 1:
        return None
    return copy.deepcopy(found[0])
