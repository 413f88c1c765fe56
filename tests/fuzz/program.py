"""A generated program: its source text, and running it with NumPy.

A program is two functions in one module: ``inputs()`` builds the arguments and
``program(...)`` is the NumPy function under test. The source is registered with
:mod:`linecache` under a per-seed file name, so tracebacks and jitflow's error messages
show the generated lines, and jitflow's AutoGraph can read them.
"""

from __future__ import annotations

import dataclasses
import linecache
import types
import warnings

INDENT = "    "
# Float -> int casts of NaN, inf and out-of-range values are undefined in C; NumPy gives what
# x86 gives, and jitflow gives the same since 002d2d6. False keeps programs away from them.
OUT_OF_RANGE_CASTS = True


@dataclasses.dataclass
class Program:
    """One generated NumPy function and the arguments it is called with.

    Attributes:
        seed: the generator seed that reproduces it.
        params: parameter names of ``program``.
        input_lines: body of ``inputs()``, ending in ``return [...]``.
        body: statements of ``program``; a compound one spans several lines.
        ret: the expression after ``return``.
    """

    seed: int
    params: list[str]
    input_lines: list[str]
    body: list[str]
    ret: str

    def source(self) -> str:
        lines = ["import numpy as np", "", "", "def inputs():"]
        lines += [INDENT + line for line in self.input_lines]
        lines += ["", "", f"def program({', '.join(self.params)}):"]
        for stmt in self.body:
            lines += [INDENT + line for line in stmt.split("\n")]
        lines.append(f"{INDENT}return {self.ret}")
        return "\n".join(lines) + "\n"

    @property
    def filename(self) -> str:
        return f"<fuzz seed {self.seed}>"

    def load(self) -> types.SimpleNamespace:
        """Compile the source; ``.inputs`` and ``.program`` are its two functions."""
        return load_source(self.source(), self.filename)


def load_source(source: str, filename: str) -> types.SimpleNamespace:
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    namespace: dict = {}
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - generated programs
    return types.SimpleNamespace(inputs=namespace["inputs"], program=namespace["program"])


class CastWarning(Exception):
    """NumPy warned that a cast met NaN, inf or an out-of-range value: undefined in C."""


def run_numpy(fn, args, record: list | None = None):
    """Call ``fn(*args)`` with NumPy's RuntimeWarnings silenced (appended to ``record``)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return fn(*args)
        finally:
            if record is not None:
                record.extend(str(w.message) for w in caught)


def has_cast_warning(messages: list[str]) -> bool:
    """NumPy cast NaN, inf or an out-of-range float to an integer (when that is excluded)."""
    return not OUT_OF_RANGE_CASTS and any("in cast" in m for m in messages)
