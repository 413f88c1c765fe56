"""Inputs of generated programs, written as Python source so that a failing seed reads whole.

A program's arguments are built by an ``inputs()`` function printed next to it: array
literals (small dyadic values, so sums and products are exact in float32 and float64 alike,
with an occasional NaN, inf or -0.0), views of them (an argument that is a view of another
one, a reversed or transposed one, a Fortran-ordered one), read-only arrays, Python scalars
and NumPy scalars. Calling ``inputs()`` again gives fresh, equal arguments: one set for
NumPy, one for jitflow, one to compare against.
"""

from __future__ import annotations

import math
import random

import numpy as np

ARRAY_DTYPES = (
    "bool", "int8", "int32", "int64", "uint8", "uint32", "uint64",
    "float32", "float64", "complex64", "complex128",
)
# Common dtypes drawn more often: most user code is float64/int64/bool.
DTYPE_WEIGHTS = (3, 1, 1, 3, 1, 1, 1, 2, 5, 1, 1)
SHAPES = ((), (3,), (4,), (5,), (2, 3), (3, 4), (4, 1), (1, 3), (2, 2, 2), (2, 3, 4), (2, 1, 3))


def fmt_float(v: float) -> str:
    """A float literal that evaluates back to ``v`` (nan, inf, -0.0 included)."""
    if math.isnan(v):
        return "np.nan"
    if math.isinf(v):
        return "np.inf" if v > 0 else "-np.inf"
    return repr(float(v))


def fmt_scalar(v) -> str:
    """Source for one element of an array literal."""
    if isinstance(v, (bool, np.bool_)):
        return repr(bool(v))
    if isinstance(v, (int, np.integer)):
        return repr(int(v))
    if isinstance(v, (complex, np.complexfloating)):
        return f"complex({fmt_float(v.real)}, {fmt_float(v.imag)})"
    return fmt_float(float(v))


def fmt_nested(x) -> str:
    if isinstance(x, list):
        return "[" + ", ".join(fmt_nested(e) for e in x) + "]"
    return fmt_scalar(x)


def array_literal(a: np.ndarray) -> str:
    return f"np.array({fmt_nested(a.tolist())}, dtype=np.{a.dtype.name})"


def random_values(rng: random.Random, dtype: str, shape: tuple) -> np.ndarray:
    """Small values that keep integer and float arithmetic exact and in range."""
    n = int(np.prod(shape, dtype=np.int64))
    kind = np.dtype(dtype).kind
    if kind == "b":
        flat = [rng.random() < 0.5 for _ in range(n)]
    elif kind == "i":
        flat = [rng.randint(-4, 6) for _ in range(n)]
    elif kind == "u":
        flat = [rng.randint(0, 9) for _ in range(n)]
    elif kind == "f":
        flat = [rng.randint(-16, 16) / 4 for _ in range(n)]
        if n and rng.random() < 0.12:
            flat[rng.randrange(n)] = rng.choice([math.nan, math.inf, -math.inf, -0.0])
    else:
        flat = [complex(rng.randint(-8, 8) / 2, rng.randint(-8, 8) / 2) for _ in range(n)]
    return np.array(flat, dtype=dtype).reshape(shape)


def related_shape(rng: random.Random, base: tuple) -> tuple:
    """A shape that broadcasts with ``base`` (mostly), or any shape now and then."""
    r = rng.random()
    if r < 0.45:
        return base
    if r < 0.65 and base:
        return base[rng.randrange(len(base) + 1):]
    if r < 0.85 and base:
        return tuple(1 if rng.random() < 0.4 else d for d in base)
    return rng.choice(SHAPES)


def scalar_input(rng: random.Random) -> str:
    """Source of a Python or NumPy scalar argument."""
    kind = rng.choice(["int", "float", "float", "bool", "complex", "np"])
    if kind == "int":
        return repr(rng.randint(-3, 4))
    if kind == "float":
        return fmt_float(rng.randint(-8, 8) / 4)
    if kind == "bool":
        return repr(rng.random() < 0.5)
    if kind == "complex":
        return repr(complex(rng.randint(-4, 4) / 2, rng.randint(-4, 4) / 2))
    dtype = rng.choice(["float32", "float64", "int8", "int64", "uint8", "bool", "complex64"])
    value = random_values(rng, dtype, ()).item()
    if isinstance(value, float) and not math.isfinite(value):
        value = 1.5
    return f"np.{dtype}({fmt_scalar(value)})"


def make_inputs(rng: random.Random) -> tuple[list[str], list[str], tuple]:
    """Parameter names, the body lines of ``inputs()`` and the base shape of the program."""
    base = rng.choice(SHAPES[1:])
    names: list[str] = []
    lines: list[str] = []
    shapes: dict[str, tuple] = {}
    for i in range(rng.choice([1, 1, 2, 2, 2, 3])):
        name = f"a{i}"
        arrays = [n for n in names if n.startswith("a")]
        if arrays and rng.random() < 0.15:  # an argument that views another one
            other = rng.choice(arrays)
            views = (["", "[::-1]", "[...]", ".T", "[1:]", "[::2]"] if shapes[other]
                     else ["", "[...]", ".T"])
            view = rng.choice(views)
            shapes[name] = shapes[other]
            lines.append(f"{name} = {other}{view}")
        else:
            dtype = rng.choices(ARRAY_DTYPES, DTYPE_WEIGHTS)[0]
            shape = related_shape(rng, base) if i else base
            lit = array_literal(random_values(rng, dtype, shape))
            r = rng.random()
            if r < 0.08 and len(shape) >= 2:
                lit = f"np.asfortranarray({lit})"
            elif r < 0.14 and shape and shape[0] > 1:  # a non-contiguous argument
                big = random_values(rng, dtype, (shape[0] * 2,) + shape[1:])
                lit = f"{array_literal(big)}[::2]"
            lines.append(f"{name} = {lit}")
            shapes[name] = shape
            if rng.random() < 0.04:
                lines.append(f"{name}.flags.writeable = False")
        names.append(name)
    for i in range(rng.choice([0, 0, 1, 1, 2])):
        name = f"s{i}"
        lines.append(f"{name} = {scalar_input(rng)}")
        names.append(name)
    lines.append(f"return [{', '.join(names)}]")
    return names, lines, base
