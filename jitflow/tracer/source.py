"""Where in the user's code an op was written.

Every op records a :class:`SourceInfo` taken from the innermost stack frame that is not
inside jitflow, NumPy or JAX; errors and the printed IR show it, and the lowering turns it
into MLIR locations so that XLA's own messages point at user lines too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import dis
import linecache
import os
import sys
import threading
import types

import numpy as np

import jax

_INTERNAL_DIRS = tuple(
    os.path.dirname(os.path.abspath(m.__file__)) + os.sep
    for m in (sys.modules["jitflow"], np, jax)
)


@dataclasses.dataclass(frozen=True)
class SourceInfo:
    """A user source position: file, line and function name."""

    filename: str
    lineno: int
    function: str

    @property
    def short(self) -> str:
        """``file.py:LINE``, the form used in messages and the printed IR."""
        return f"{os.path.basename(self.filename)}:{self.lineno}"

    @property
    def line(self) -> str:
        """The stripped source text of the line, or '' when it is not available."""
        return linecache.getline(self.filename, self.lineno).strip()

    def describe(self) -> str:
        """``file.py:LINE  source text``, for error messages."""
        text = self.line
        return f"{self.short}  {text}" if text else self.short


def is_internal(filename: str) -> bool:
    """Whether a frame's file belongs to jitflow, NumPy or JAX rather than the user."""
    return filename.startswith(_INTERNAL_DIRS) or filename.startswith("<frozen")


class _Fixed(threading.local):
    source: list = []


_fixed = _Fixed()


@contextlib.contextmanager
def located_at(source: SourceInfo | None):
    """Ops bound in the ``with`` block record ``source`` instead of the stack's user frame.

    Ops jitflow makes before the user's code runs (argument views of shared memory) would
    otherwise take the line of whoever called ``f.trace(...)``, which changes the printed
    IR from one call site to the next.
    """
    _fixed.source = _fixed.source + [source]
    try:
        yield
    finally:
        _fixed.source = _fixed.source[:-1]


def user_frame() -> SourceInfo | None:
    """The innermost user frame on the current stack, or None when there is none."""
    if _fixed.source:
        return _fixed.source[-1]
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if not is_internal(os.path.abspath(code.co_filename)):
            return SourceInfo(code.co_filename, frame.f_lineno, code.co_name)
        frame = frame.f_back
    return None


def at_user_line(message: str, source: SourceInfo | None = None) -> str:
    """Prefix ``message`` with the user's location (found on the stack if not given)."""
    source = source or user_frame()
    if source is None:
        return message
    return f"{source.describe()}\n{message}"


def user_traceback(tb):
    """``tb`` with the frames of jitflow, NumPy and JAX removed, so that a jitflow error's
    traceback shows the user's own lines (the call, and the line inside the traced
    function). Set ``JITFLOW_TRACEBACK=full`` to keep every frame.
    """
    if os.environ.get("JITFLOW_TRACEBACK") == "full":
        return tb
    frames = []
    while tb is not None:
        if not is_internal(os.path.abspath(tb.tb_frame.f_code.co_filename)):
            frames.append((tb.tb_frame, tb.tb_lasti, tb.tb_lineno))
        tb = tb.tb_next
    out = None
    for frame, lasti, lineno in reversed(frames):
        out = types.TracebackType(out, frame, lasti, lineno)
    return out


def user_frame_object():
    """The innermost user frame object (see :func:`user_frame`), or None."""
    frame = sys._getframe(1)
    while frame is not None and is_internal(os.path.abspath(frame.f_code.co_filename)):
        frame = frame.f_back
    return frame


def at_inplace_operator() -> bool:
    """Whether the user's current instruction is an augmented assignment (``a += b``).

    ``a += t`` with ``a`` a NumPy array made inside the traced function reaches jitflow as
    ``np.add(a, t, out=(a,))``, exactly like an explicit ``out=a``. The difference matters:
    Python rebinds the name after ``+=``, so returning a new traced array gives NumPy's
    result, while an explicit ``out=`` must not be silently ignored.
    """
    frame = user_frame_object()
    if frame is None:
        return False
    for ins in dis.get_instructions(frame.f_code):
        if ins.offset == frame.f_lasti:
            return ins.opname.startswith("BINARY_OP") and ins.argrepr.endswith("=")
    return False
