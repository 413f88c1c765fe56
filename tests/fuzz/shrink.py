"""Shrink a program that differs to a smaller one that differs the same way.

Greedy: delete one line (with the block it heads), unwrap one compound statement (its
body runs unconditionally, once), or keep one element of a returned tuple; keep any change
after which the program still gives the same difference category. A while loop's counter
increment is never deleted, so a shrunk loop still ends.
"""

from __future__ import annotations

import ast
import dataclasses
import re

from .program import INDENT, Program
from .runner import check

COUNTER = re.compile(r"^\s*k\d+ \+= 1$")


def _depth(line: str) -> int:
    return (len(line) - len(line.lstrip(" "))) // len(INDENT)


def _block_end(lines: list[str], i: int) -> int:
    """Index after line ``i`` and every deeper line that follows it."""
    j = i + 1
    while j < len(lines) and _depth(lines[j]) > _depth(lines[i]):
        j += 1
    return j


def _valid(lines: list[str]) -> bool:
    try:
        ast.parse("\n".join(lines) or "pass")
    except SyntaxError:
        return False
    return True


def _candidates(lines: list[str]):
    for i in range(len(lines)):
        if COUNTER.match(lines[i]):
            continue
        end = _block_end(lines, i)
        yield lines[:i] + lines[end:]
        if lines[i].rstrip().endswith(":") and not lines[i].lstrip().startswith("while"):
            inner = [line[len(INDENT):] for line in lines[i + 1:end]]
            yield lines[:i] + inner + lines[end:]


def _returns(ret: str) -> list[str]:
    try:
        node = ast.parse(ret, mode="eval").body
    except SyntaxError:
        return []
    if isinstance(node, ast.Tuple) and len(node.elts) > 1:
        return [ast.unparse(e) for e in node.elts]
    return []


def shrink(program: Program, category: str, budget: int = 150) -> Program:
    """A smaller program whose :func:`check` category is still ``category``."""
    current = program
    tries = 0
    changed = True
    while changed and tries < budget:
        changed = False
        lines = "\n".join(current.body).split("\n") if current.body else []
        options = [dataclasses.replace(current, body=["\n".join(c)] if c else [])
                   for c in _candidates(lines) if _valid(c)]
        options += [dataclasses.replace(current, ret=r) for r in _returns(current.ret)]
        for option in options:
            tries += 1
            try:
                ok = check(option).category == category
            except Exception:  # noqa: BLE001 - a broken candidate is not smaller
                ok = False
            if ok:
                current, changed = option, True
                break
            if tries >= budget:
                break
    return current
