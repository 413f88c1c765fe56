"""jitflow: a tracing JIT for plain Python and NumPy code, compiled by XLA.

Add ``@jitflow.function`` to an unmodified NumPy function: it is traced into jitflow's IR,
lowered to StableHLO and compiled by XLA once per input signature.
"""

from jitflow import ops as _ops  # noqa: F401  (registers every primitive and NumPy function)
from jitflow import autograph  # noqa: F401  (jitflow.autograph.to_code, do_not_convert)
from jitflow.errors import (
    AxisError,
    DivisionByZeroError,
    DTypeError,
    IndexingError,
    IntegerOverflowError,
    InvalidArgumentError,
    InvalidOperandError,
    InvalidValueError,
    JitflowError,
    LinAlgError,
    ReadOnlyError,
    ShapeError,
    TracerConversionError,
    UnsupportedError,
)
from jitflow.function import CacheInfo, Function, function

__version__ = "0.1.0"

__all__ = [
    "AxisError",
    "CacheInfo",
    "DTypeError",
    "DivisionByZeroError",
    "Function",
    "IndexingError",
    "IntegerOverflowError",
    "InvalidArgumentError",
    "InvalidOperandError",
    "InvalidValueError",
    "JitflowError",
    "LinAlgError",
    "ReadOnlyError",
    "ShapeError",
    "TracerConversionError",
    "UnsupportedError",
    "function",
]
